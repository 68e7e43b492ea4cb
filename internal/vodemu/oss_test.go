package vodemu

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fetchOSS sends GET rawURL to the emulator with the URL's host as Host, as a virtual-hosted OSS
// request arrives there (through the CONNECT proxy, or DNS pointing at it).
func fetchOSS(t *testing.T, h *harness, rawURL string) (int, http.Header, []byte) {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodGet, "http://"+h.run.Addr+u.RequestURI(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = u.Host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, resp.Header, body
}

// ossErrorXML is OSS's error body.
type ossErrorXML struct {
	Code, Message, RequestId, HostId, EC string
}

func checkOSSError(t *testing.T, status int, hdr http.Header, body []byte, wantStatus int, wantCode string) ossErrorXML {
	t.Helper()
	var e ossErrorXML
	if err := xml.Unmarshal(body, &e); err != nil {
		t.Fatalf("status %d, body not OSS XML: %v\n%s", status, err, body)
	}
	if status != wantStatus || e.Code != wantCode || hdr.Get("Content-Type") != "application/xml" ||
		e.RequestId == "" || hdr.Get("x-oss-request-id") != e.RequestId || e.HostId == "" || hdr.Get("x-oss-ec") != e.EC {
		t.Fatalf("status %d headers %v, want %d %s:\n%s", status, hdr, wantStatus, wantCode, body)
	}
	return e
}

// V4 chosen per bucket: GetImageInfo's OSS URLs (image and source file) carry the V4 query, the
// OSS endpoint serves them until x-oss-date + x-oss-expires, and V1 buckets keep V1.
func TestOSSV4PerBucket(t *testing.T) {
	h := newHarness(t, func(o *Options) {
		o.OSSBucketSignatureVersions = map[string]string{"outin-bfefbb90a2f111eab4a700163e1c7426": OSSSignatureV4}
	})
	_, img := getImage(t, h, map[string]string{"ImageId": "img-oss", "AuthTimeout": "600"})
	for _, raw := range []string{img.URL, img.Mezzanine.FileURL} {
		u, _ := url.Parse(raw)
		q := u.Query()
		if q.Get("x-oss-signature-version") != "OSS4-HMAC-SHA256" || q.Get("x-oss-date") != testNow.Format("20060102T150405Z") ||
			q.Get("x-oss-expires") != "600" || q.Get("x-oss-credential") != DefaultOSSAccessKeyID+"/20240601/cn-shanghai/oss/aliyun_v4_request" ||
			q.Has("Expires") || q.Has("x-oss-security-token") {
			t.Fatalf("not a V4 URL valid 600 s: %s", raw)
		}
		if status, hdr, body := fetchOSS(t, h, raw); status != http.StatusOK || len(body) != 0 || hdr.Get("x-oss-request-id") == "" {
			t.Fatalf("GET %s: %d %s", raw, status, body)
		}
	}
	h.clock.Set(testNow.Add(600 * time.Second))
	if status, _, _ := fetchOSS(t, h, img.URL); status != http.StatusOK {
		t.Fatalf("refused at its last second: %d", status)
	}
	h.clock.Set(testNow.Add(601 * time.Second))
	status, hdr, body := fetchOSS(t, h, img.URL)
	if e := checkOSSError(t, status, hdr, body, http.StatusForbidden, "AccessDenied"); e.EC != "0002-00000069" || e.Message != "Request has expired." {
		t.Fatalf("expired: %+v", e)
	}

	h.clock.Set(testNow)
	_, own := getImage(t, h, map[string]string{"ImageId": "img-userbucket"})
	if !strings.Contains(own.URL, "?Expires=") || strings.Contains(own.URL, "x-oss-") {
		t.Fatalf("other bucket not V1: %s", own.URL)
	}
	if status, _, body := fetchOSS(t, h, own.URL); status != http.StatusOK {
		t.Fatalf("V1 GET: %d %s", status, body)
	}
	h.clock.Set(testNow.Add(3601 * time.Second))
	status, hdr, body = fetchOSS(t, h, own.URL)
	checkOSSError(t, status, hdr, body, http.StatusForbidden, "AccessDenied")
}

// An AuthTimeout beyond 7 days gives a V4 URL of 7 days (VOD's answer is undocumented; see
// signOSSURL), while a V1 URL keeps the whole of it.
func TestOSSV4CapsAuthTimeout(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.OSSSignatureVersion = OSSSignatureV4 })
	_, img := getImage(t, h, map[string]string{"ImageId": "img-oss", "AuthTimeout": "2592000"})
	u, _ := url.Parse(img.URL)
	if got := u.Query().Get("x-oss-expires"); got != strconv.Itoa(OSSV4MaxExpires) {
		t.Fatalf("x-oss-expires = %s: %s", got, img.URL)
	}
	if err := VerifyOSSURL(img.URL, DefaultOSSAccessKeyID, DefaultOSSAccessKeySecret, testNow.Add(OSSV4MaxExpires*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := VerifyOSSURL(img.URL, DefaultOSSAccessKeyID, DefaultOSSAccessKeySecret, testNow.Add(OSSV4MaxExpires*time.Second+time.Second)); err == nil {
		t.Fatal("valid past 7 days")
	}
	// The image's own field wins over the default.
	h2 := newHarness(t, func(o *Options) {
		o.OSSSignatureVersion = OSSSignatureV4
		o.Images[1].OSSSignatureVersion = OSSSignatureV1
	})
	_, img = getImage(t, h2, map[string]string{"ImageId": "img-oss", "AuthTimeout": "2592000"})
	if u, _ := url.Parse(img.URL); u.Query().Get("Expires") != strconv.FormatInt(testNow.Unix()+2592000, 10) {
		t.Fatalf("per-image v1: %s", img.URL)
	}
}

// With a temporary OSS key, URLs carry its token and the endpoint requires it.
func TestOSSSecurityToken(t *testing.T) {
	for _, version := range []string{OSSSignatureV1, OSSSignatureV4} {
		h := newHarness(t, func(o *Options) { o.OSSSignatureVersion, o.OSSSecurityToken = version, "CAIS/sts+token==" })
		_, img := getImage(t, h, map[string]string{"ImageId": "img-userbucket"})
		param := map[string]string{OSSSignatureV1: "security-token", OSSSignatureV4: "x-oss-security-token"}[version]
		u, _ := url.Parse(img.URL)
		if u.Query().Get(param) != "CAIS/sts+token==" {
			t.Fatalf("%s: no %s in %s", version, param, img.URL)
		}
		if status, _, body := fetchOSS(t, h, img.URL); status != http.StatusOK {
			t.Fatalf("%s: %d %s", version, status, body)
		}
		q := u.Query()
		q.Del(param)
		u.RawQuery = q.Encode()
		status, hdr, body := fetchOSS(t, h, u.String())
		checkOSSError(t, status, hdr, body, http.StatusForbidden, "InvalidSecurityToken")
	}
}

// The OSS endpoint's other answers, each in OSS's XML.
func TestOSSEndpointErrors(t *testing.T) {
	h := newHarness(t, nil)
	_, img := getImage(t, h, map[string]string{"ImageId": "img-userbucket"})
	u, _ := url.Parse(img.URL)
	for _, tc := range []struct {
		name, method, url string
		status            int
		code              string
	}{
		{"unsigned", http.MethodGet, "https://" + u.Host + u.Path, 403, "AccessDenied"},
		{"no such bucket", http.MethodGet, "https://nobucket.oss-cn-shanghai.aliyuncs.com" + u.Path, 404, "NoSuchBucket"},
		{"signed for another key", http.MethodGet, strings.Replace(img.URL, "g%20h.gif", "other.gif", 1), 403, "SignatureDoesNotMatch"},
		{"HEAD with a GET signature", http.MethodHead, img.URL, 403, "SignatureDoesNotMatch"},
		{"other Authorization scheme", http.MethodGet, "https://" + u.Host + u.Path, 400, "InvalidArgument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			uu, _ := url.Parse(tc.url)
			req, _ := http.NewRequest(tc.method, "http://"+h.run.Addr+uu.RequestURI(), nil)
			req.Host = uu.Host
			if tc.name == "other Authorization scheme" {
				req.Header.Set("Authorization", "Bearer x")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if tc.method == http.MethodHead {
				if resp.StatusCode != tc.status || len(body) != 0 {
					t.Fatalf("HEAD: %d %q", resp.StatusCode, body)
				}
				return
			}
			checkOSSError(t, resp.StatusCode, resp.Header, body, tc.status, tc.code)
		})
	}
	// A signed request for a key no image has is NoSuchKey.
	key := "pics/absent.gif"
	raw := presignOSSV1(u.Host, "my-own-bucket", key, testNow.Unix()+60, ossCredential{ID: DefaultOSSAccessKeyID, Secret: DefaultOSSAccessKeySecret})
	status, hdr, body := fetchOSS(t, h, raw)
	checkOSSError(t, status, hdr, body, 404, "NoSuchKey")
	// VOD's RPC endpoint is unaffected by the OSS routing.
	if status, _, _ := fetchOSS(t, h, "https://vod.cn-shanghai.aliyuncs.com/_emulator/health"); status != 200 {
		t.Fatalf("health: %d", status)
	}
}

// A data file's OSSSignatureVersion is read, checked and never returned by GetImageInfo.
func TestOSSSignatureVersionInDataFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	if err := os.WriteFile(good, []byte(`[{"ImageId":"a","URL":"https://bkt.oss-cn-beijing.aliyuncs.com/x.png","OSSSignatureVersion":"v4"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	imgs, err := LoadImages(good)
	if err != nil || imgs[0].OSSSignatureVersion != OSSSignatureV4 {
		t.Fatalf("%v %+v", err, imgs)
	}
	h := newHarness(t, func(o *Options) { o.Images = imgs })
	info, img := getImage(t, h, map[string]string{"ImageId": "a"})
	if _, leaked := info["OSSSignatureVersion"]; leaked {
		t.Fatal("GetImageInfo returned OSSSignatureVersion")
	}
	if u, _ := url.Parse(img.URL); u.Query().Get("x-oss-credential") != DefaultOSSAccessKeyID+"/20240601/cn-beijing/oss/aliyun_v4_request" {
		t.Fatalf("URL = %s", img.URL)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`[{"ImageId":"a","URL":"https://bkt.oss-cn-beijing.aliyuncs.com/x.png","OSSSignatureVersion":"V4"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadImages(bad); err == nil || !strings.Contains(err.Error(), `OSSSignatureVersion "V4" is not v1 or v4`) {
		t.Fatalf("bad version: %v", err)
	}
}

func TestParseOSSSignatureVersions(t *testing.T) {
	got, err := ParseOSSSignatureVersions(" v4, outin-a=v1 ,b=v4,v1")
	if err != nil || got.Default != "v1" || got.ByBucket["outin-a"] != "v1" || got.ByBucket["b"] != "v4" || len(got.ByBucket) != 2 {
		t.Fatalf("%+v %v", got, err)
	}
	for _, bad := range []string{"v2", "=v4", "a=", "a.b=v4", "V4", ","} {
		if _, err := ParseOSSSignatureVersions(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := New(Options{AccessKeyID: "a", AccessKeySecret: "s", OSSSignatureVersion: "v3"}); err == nil {
		t.Error("New accepted OSS signature version v3")
	}
}
