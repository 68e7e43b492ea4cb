package vodemu

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// This file holds a test client written independently of the emulator's
// signature.go (url.Values-based encoding, as many clients do), so that the
// two implementations check each other.

const (
	testAK     = "LTAI5tTestAccessKey01"
	testSecret = "test-secret-ABC/+=*~ "
)

var testNow = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// fixedClock is a settable clock for Options.Now.
type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fixedClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

func testImages() []Image {
	return []Image{
		{
			ImageInfo: ImageInfo{
				CreationTime: "2018-11-21T02:37:23Z", StorageLocation: "outin-bfefbb90a2f111eab4a700163e1c7426.oss-cn-shanghai.aliyuncs.com",
				Status: "Normal", CateID: 254766071, Tags: "tag1,tag2,tag3", ImageType: "NormalSnapshot", CateName: "test name",
				Description: "test description", AppID: "app-1000000", Title: "cdn image", ImageID: "img-cdn",
				URL: "https://cdn.example.com/image/default/ABC.png",
				Mezzanine: &Mezzanine{
					FileURL:          "https://outin-bfefbb90a2f111eab4a700163e1c7426.oss-cn-shanghai.aliyuncs.com/image/default/ABC.png",
					OriginalFileName: "abc.png", Width: 200, Height: 100, FileSize: FileSize{Bytes: "8932"},
				},
			},
			ModificationTime: "2018-11-22T02:37:23Z",
		},
		{
			ImageInfo: ImageInfo{
				CreationTime: "2019-01-01T00:00:00Z", StorageLocation: "outin-bfefbb90a2f111eab4a700163e1c7426.oss-cn-shanghai.aliyuncs.com",
				Status: "Normal", Title: "oss image", ImageID: "img-oss", ImageType: "CoverSnapshot",
				URL: "https://outin-bfefbb90a2f111eab4a700163e1c7426.oss-cn-shanghai.aliyuncs.com/image/default/DEF.jpg",
				Mezzanine: &Mezzanine{
					FileURL:          "https://outin-bfefbb90a2f111eab4a700163e1c7426.oss-cn-shanghai.aliyuncs.com/image/default/DEF.jpg",
					OriginalFileName: "def.jpg", Width: 640, Height: 480, FileSize: FileSize{Bytes: "123456", AsNumber: true},
				},
			},
		},
		{
			ImageInfo: ImageInfo{
				CreationTime: "2019-01-01T00:00:00Z", StorageLocation: "my-own-bucket.oss-cn-shanghai.aliyuncs.com",
				Status: "Normal", Title: "user bucket image", ImageID: "img-userbucket",
				URL: "https://my-own-bucket.oss-cn-shanghai.aliyuncs.com/pics/g h.gif",
			},
		},
	}
}

type harness struct {
	t     *testing.T
	run   *Running
	clock *fixedClock
}

func newHarness(t *testing.T, mutate func(*Options)) *harness {
	t.Helper()
	clock := &fixedClock{t: testNow}
	opts := Options{AccessKeyID: testAK, AccessKeySecret: testSecret, Images: testImages(), Now: clock.Now}
	if mutate != nil {
		mutate(&opts)
	}
	r, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return &harness{t: t, run: r, clock: clock}
}

func randomNonce() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// v1Params returns a complete set of V1 common parameters for action.
func v1Params(action string, now time.Time) url.Values {
	return url.Values{
		"Action":           {action},
		"Version":          {"2017-03-21"},
		"Format":           {"JSON"},
		"AccessKeyId":      {testAK},
		"SignatureMethod":  {"HMAC-SHA1"},
		"SignatureVersion": {"1.0"},
		"SignatureNonce":   {randomNonce()},
		"Timestamp":        {now.UTC().Format("2006-01-02T15:04:05Z")},
	}
}

// popEncode is the classic client-side encoding: url.Values then fix-ups.
func popEncode(s string) string {
	s = url.QueryEscape(s)
	s = strings.ReplaceAll(s, "+", "%20")
	s = strings.ReplaceAll(s, "*", "%2A")
	return strings.ReplaceAll(s, "%7E", "~")
}

// testV1Sign signs all params (Signature excluded) the way a client does.
func testV1Sign(method, secret string, all url.Values) string {
	keys := make([]string, 0, len(all))
	for k := range all {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, v := range all[k] {
			parts = append(parts, popEncode(k)+"="+popEncode(v))
		}
	}
	sts := method + "&" + popEncode("/") + "&" + popEncode(strings.Join(parts, "&"))
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(sts))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// callV1 sends a V1 request; with POST the params go in a form body.
func (h *harness) callV1(method, secret string, params url.Values) (int, http.Header, []byte) {
	h.t.Helper()
	params.Set("Signature", testV1Sign(method, secret, params))
	var req *http.Request
	var err error
	if method == http.MethodPost {
		req, err = http.NewRequest(method, h.run.URL+"/", strings.NewReader(params.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		req, err = http.NewRequest(method, h.run.URL+"/?"+params.Encode(), nil)
	}
	if err != nil {
		h.t.Fatal(err)
	}
	return h.do(req)
}

func (h *harness) do(req *http.Request) (int, http.Header, []byte) {
	h.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// v3Request builds and signs a V3 request by hand (headers lower-cased and
// sorted, every x-acs-* header plus host signed).
type v3Request struct {
	method  string
	action  string
	query   url.Values
	body    []byte // sent as a form body when non-nil
	headers map[string]string
	secret  string
	ak      string
	// hooks to break the request after signing
	afterSign func(r *http.Request)
}

func (h *harness) callV3(v v3Request) (int, http.Header, []byte) {
	h.t.Helper()
	if v.method == "" {
		v.method = http.MethodPost
	}
	if v.ak == "" {
		v.ak = testAK
	}
	if v.secret == "" {
		v.secret = testSecret
	}
	u := h.run.URL + "/"
	if len(v.query) > 0 {
		u += "?" + v.query.Encode()
	}
	var body io.Reader
	if v.body != nil {
		body = bytes.NewReader(v.body)
	}
	req, err := http.NewRequest(v.method, u, body)
	if err != nil {
		h.t.Fatal(err)
	}
	sum := sha256.Sum256(v.body)
	hdr := map[string]string{
		"host":                  req.URL.Host,
		"x-acs-action":          v.action,
		"x-acs-version":         "2017-03-21",
		"x-acs-date":            h.clock.Now().UTC().Format("2006-01-02T15:04:05Z"),
		"x-acs-signature-nonce": randomNonce(),
		"x-acs-content-sha256":  hex.EncodeToString(sum[:]),
	}
	if v.body != nil {
		hdr["content-type"] = "application/x-www-form-urlencoded"
	}
	for k, val := range v.headers {
		hdr[k] = val
	}
	auth := testV3Authorization(v.method, v.query, hdr, v.ak, v.secret)
	for k, val := range hdr {
		if k == "host" {
			req.Host = val
		} else {
			req.Header.Set(k, val)
		}
	}
	req.Header.Set("Authorization", auth)
	if v.afterSign != nil {
		v.afterSign(req)
	}
	return h.do(req)
}

// testV3Authorization signs a V3 request the way a client does and returns
// its Authorization header: every header in hdr (lower-case names, "host"
// included) is signed, the path is "/", each query name's first value is
// signed, and the payload hash is hdr["x-acs-content-sha256"].
func testV3Authorization(method string, query url.Values, hdr map[string]string, ak, secret string) string {
	names := make([]string, 0, len(hdr))
	for k := range hdr {
		names = append(names, k)
	}
	sort.Strings(names)
	var canonHeaders strings.Builder
	for _, k := range names {
		fmt.Fprintf(&canonHeaders, "%s:%s\n", k, strings.TrimSpace(hdr[k]))
	}
	qkeys := make([]string, 0, len(query))
	for k := range query {
		qkeys = append(qkeys, k)
	}
	sort.Strings(qkeys)
	var qparts []string
	for _, k := range qkeys {
		qparts = append(qparts, popEncode(k)+"="+popEncode(query.Get(k)))
	}
	canon := strings.Join([]string{method, "/", strings.Join(qparts, "&"), canonHeaders.String(),
		strings.Join(names, ";"), hdr["x-acs-content-sha256"]}, "\n")
	ch := sha256.Sum256([]byte(canon))
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("ACS3-HMAC-SHA256\n" + hex.EncodeToString(ch[:])))
	return "ACS3-HMAC-SHA256 Credential=" + ak + ",SignedHeaders=" + strings.Join(names, ";") +
		",Signature=" + hex.EncodeToString(m.Sum(nil))
}

var requestIDPattern = regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$`)

// checkError asserts the exact error shape of a VOD error and returns the
// message.
func checkError(t *testing.T, status int, hdr http.Header, body []byte, wantStatus int, wantCode string) string {
	t.Helper()
	return checkProductError(t, status, hdr, body, wantStatus, wantCode, "vod.cn-shanghai.aliyuncs.com", "Vod")
}

// checkSTSError is checkError for STS actions.
func checkSTSError(t *testing.T, status int, hdr http.Header, body []byte, wantStatus int, wantCode string) string {
	t.Helper()
	return checkProductError(t, status, hdr, body, wantStatus, wantCode, "sts.aliyuncs.com", "Sts")
}

func checkProductError(t *testing.T, status int, hdr http.Header, body []byte, wantStatus int, wantCode, hostID, product string) string {
	t.Helper()
	if status != wantStatus {
		t.Errorf("status = %d, want %d; body %s", status, wantStatus, body)
	}
	if ct := hdr.Get("Content-Type"); ct != "application/json;charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, body)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if got := strings.Join(keys, ","); got != "Code,HostId,Message,Recommend,RequestId" {
		t.Errorf("error keys = %s", got)
	}
	id, _ := m["RequestId"].(string)
	if !requestIDPattern.MatchString(id) || hdr.Get("x-acs-request-id") != id {
		t.Errorf("RequestId %q / header %q", id, hdr.Get("x-acs-request-id"))
	}
	if m["HostId"] != hostID {
		t.Errorf("HostId = %v", m["HostId"])
	}
	if m["Code"] != wantCode {
		t.Errorf("Code = %v, want %s; message %v", m["Code"], wantCode, m["Message"])
	}
	wantRec := "https://api.aliyun.com/troubleshoot?q=" + wantCode + "&product=" + product + "&requestId=" + id
	if m["Recommend"] != wantRec {
		t.Errorf("Recommend = %v, want %s", m["Recommend"], wantRec)
	}
	msg, _ := m["Message"].(string)
	if msg == "" {
		t.Error("empty Message")
	}
	return msg
}
