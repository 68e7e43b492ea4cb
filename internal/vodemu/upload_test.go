package vodemu

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// callH sends a V1 POST of action with params and returns the answer with its headers.
func (h *harness) callH(action string, params map[string]string) (int, http.Header, []byte) {
	h.t.Helper()
	p := v1Params(action, h.clock.Now())
	for k, v := range params {
		p.Set(k, v)
	}
	return h.callV1(http.MethodPost, testSecret, p)
}

// ticket is CreateUploadImage's answer with UploadAddress and UploadAuth decoded.
type ticket struct {
	RequestID, ImageID, ImageURL, FileURL string
	Address                               uploadAddress
	Auth                                  uploadAuth
}

func (h *harness) createUpload(params map[string]string) ticket {
	h.t.Helper()
	if params == nil {
		params = map[string]string{}
	}
	if _, ok := params["ImageType"]; !ok {
		params["ImageType"] = "default"
	}
	status, _, body := h.callH("CreateUploadImage", params)
	if status != http.StatusOK {
		h.t.Fatalf("CreateUploadImage: HTTP %d %s", status, body)
	}
	var resp createUploadImageResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		h.t.Fatal(err)
	}
	t := ticket{RequestID: resp.RequestID, ImageID: resp.ImageID, ImageURL: resp.ImageURL, FileURL: resp.FileURL}
	for _, f := range []struct {
		raw string
		v   any
	}{{resp.UploadAddress, &t.Address}, {resp.UploadAuth, &t.Auth}} {
		b, err := base64.StdEncoding.DecodeString(f.raw)
		if err != nil {
			h.t.Fatalf("not base64: %v", err)
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(f.v); err != nil {
			h.t.Fatalf("%s: %v", b, err)
		}
	}
	return t
}

// getImage answers GetImageInfo's ImageInfo, or fails the test.
func (h *harness) getImage(id string) ImageInfo {
	h.t.Helper()
	status, _, body := h.callH("GetImageInfo", map[string]string{"ImageId": id})
	if status != http.StatusOK {
		h.t.Fatalf("GetImageInfo %s: HTTP %d %s", id, status, body)
	}
	var resp getImageInfoResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		h.t.Fatal(err)
	}
	return resp.ImageInfo
}

func TestCreateUploadImage(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Categories = []Category{{CateID: 77, CateName: "covers"}} })
	tk := h.createUpload(map[string]string{"ImageType": "cover", "ImageExt": "JPG", "Title": "t", "Description": "d",
		"Tags": "a,b", "CateId": "77", "AppId": "app-2", "OriginalFileName": "local/pic.jpg", "UserData": `{"Extend":{"k":"v"}}`})

	if len(tk.ImageID) != 32 || strings.Trim(tk.ImageID, "0123456789abcdef") != "" {
		t.Errorf("ImageId %q is not 32 lower-case hex digits", tk.ImageID)
	}
	wantLoc := DefaultUploadBucket + ".oss-cn-shanghai.aliyuncs.com"
	if tk.Address.Bucket != DefaultUploadBucket || tk.Address.Endpoint != "https://oss-cn-shanghai.aliyuncs.com" ||
		tk.Address.FileName != "image/cover/"+strings.ToUpper(tk.ImageID)+".jpg" {
		t.Errorf("UploadAddress = %+v", tk.Address)
	}
	if want := "https://" + wantLoc + "/" + tk.Address.FileName; tk.ImageURL != want || tk.FileURL != want {
		t.Errorf("ImageURL %q, FileURL %q, want %q", tk.ImageURL, tk.FileURL, want)
	}
	a := tk.Auth
	if !strings.HasPrefix(a.AccessKeyID, "STS.") || a.AccessKeySecret == "" || !strings.HasPrefix(a.SecurityToken, "CAIS") ||
		a.Expiration != "3000" || a.ExpireUTCTime != testNow.Add(3000*time.Second).Format(timestampLayout) {
		t.Errorf("UploadAuth = %+v", a)
	}

	img := h.getImage(tk.ImageID)
	if img.Status != "Uploading" || img.ImageType != "cover" || img.Title != "t" || img.Description != "d" || img.Tags != "a,b" ||
		img.CateID != 77 || img.CateName != "covers" || img.AppID != "app-2" || img.StorageLocation != wantLoc || img.Mezzanine != nil {
		t.Errorf("GetImageInfo after CreateUploadImage = %+v", img)
	}
	if err := VerifyOSSURL(img.URL, DefaultOSSAccessKeyID, DefaultOSSAccessKeySecret, testNow); err != nil {
		t.Errorf("URL %s: %v", img.URL, err)
	}

	// The upload credential is OSS's only: VOD's API does not know it.
	p := v1Params("GetImageInfo", testNow)
	p.Set("AccessKeyId", a.AccessKeyID)
	p.Set("SecurityToken", a.SecurityToken)
	p.Set("ImageId", tk.ImageID)
	status, hdr, body := h.callV1(http.MethodPost, a.AccessKeySecret, p)
	checkError(t, status, hdr, body, http.StatusNotFound, "InvalidAccessKeyId.NotFound")

	// Two calls, two images, two credentials [UploadURLs: one URL and credential per file].
	tk2 := h.createUpload(nil)
	if tk2.ImageID == tk.ImageID || tk2.Auth.AccessKeyID == a.AccessKeyID || !strings.HasSuffix(tk2.Address.FileName, ".png") ||
		!strings.HasPrefix(tk2.Address.FileName, "image/default/") {
		t.Errorf("second ticket %+v", tk2)
	}
}

func TestCreateUploadImageOptions(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) {
		o.Upload.CredentialLifetime = 90*time.Second + time.Millisecond
		o.Upload.StorageLocation = "outin-mine.oss-cn-beijing.aliyuncs.com"
	})
	tk := h.createUpload(nil)
	if tk.Auth.Expiration != "91" || tk.Address.Bucket != "outin-mine" || tk.Address.Endpoint != "https://oss-cn-beijing.aliyuncs.com" {
		t.Errorf("ticket %+v", tk)
	}
	tk = h.createUpload(map[string]string{"StorageLocation": "other.oss-eu-central-1.aliyuncs.com"})
	if tk.Address.Bucket != "other" || tk.Address.Endpoint != "https://oss-eu-central-1.aliyuncs.com" {
		t.Errorf("StorageLocation ticket %+v", tk)
	}
	if _, err := New(Options{AccessKeyID: "a", AccessKeySecret: "b", Upload: UploadOptions{StorageLocation: "no-bucket"}}); err == nil {
		t.Error("New accepted a storage location that is no bucket host")
	}
}

func TestCreateUploadImageErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	long := func(n int) string { return strings.Repeat("é", n/2) + strings.Repeat("x", n%2) }
	tags17 := strings.TrimSuffix(strings.Repeat("t,", 17), ",")
	for _, c := range []struct {
		name   string
		params map[string]string
		status int
		code   string
	}{
		{"no ImageType", map[string]string{}, 400, "MissingParameter"},
		{"bad ImageType", map[string]string{"ImageType": "snapshot"}, 400, "InvalidParameter"},
		{"bad ImageExt", map[string]string{"ImageType": "default", "ImageExt": "webp"}, 400, "InvalidParameter"},
		{"129-byte title", map[string]string{"ImageType": "default", "Title": long(129)}, 400, "InvalidParameter"},
		{"1025-byte description", map[string]string{"ImageType": "default", "Description": long(1025)}, 400, "InvalidParameter"},
		{"17 tags", map[string]string{"ImageType": "default", "Tags": tags17}, 400, "InvalidParameter"},
		{"33-byte tag", map[string]string{"ImageType": "default", "Tags": "ok," + long(33)}, 400, "InvalidParameter"},
		{"empty tag", map[string]string{"ImageType": "default", "Tags": "a,,b"}, 400, "InvalidParameter"},
		{"unknown category", map[string]string{"ImageType": "default", "CateId": "404"}, 404, "InvalidCateId.NotFound"},
		{"bad CateId", map[string]string{"ImageType": "default", "CateId": "x"}, 400, "InvalidParameter"},
		{"bad storage", map[string]string{"ImageType": "default", "StorageLocation": "https://x.example.com"}, 400, "InvalidParameter"},
		{"bad AppId", map[string]string{"ImageType": "default", "AppId": "1000000"}, 400, "InvalidParameter"},
		{"file name without extension", map[string]string{"ImageType": "default", "OriginalFileName": "dir.x/pic"}, 400, "InvalidParameter"},
		{"UserData not JSON", map[string]string{"ImageType": "default", "UserData": "{"}, 400, "InvalidParameter"},
	} {
		status, hdr, body := h.callH("CreateUploadImage", c.params)
		if msg := checkError(t, status, hdr, body, c.status, c.code); t.Failed() {
			t.Fatalf("%s: %s", c.name, msg)
		}
	}
	// The limits themselves pass.
	h.createUpload(map[string]string{"Title": long(128), "Description": long(1024), "Tags": strings.TrimSuffix(strings.Repeat(long(32)+",", 16), ",")})
	if n := h.run.Server.Stats().ByAction["CreateUploadImage"]; n != 15 {
		t.Errorf("CreateUploadImage requests = %d, want 15", n)
	}
}
