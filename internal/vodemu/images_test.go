package vodemu

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// seedImageInfoKeys are the ImageInfo fields of the API reference's example.
var seedImageInfoKeys = []string{"CreationTime", "StorageLocation", "Status", "CateId", "Tags", "ImageType",
	"CateName", "Description", "AppId", "URL", "Title", "ImageId", "Mezzanine"}

func getImage(t *testing.T, h *harness, extra map[string]string) (map[string]json.RawMessage, Image) {
	t.Helper()
	p := v1Params("GetImageInfo", h.clock.Now())
	for k, v := range extra {
		p.Set(k, v)
	}
	status, hdr, body := h.callV1(http.MethodGet, testSecret, p)
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	if hdr.Get("Content-Type") != "application/json;charset=utf-8" || !requestIDPattern.MatchString(hdr.Get("x-acs-request-id")) {
		t.Fatalf("headers %v", hdr)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(body), `{"RequestId":"`+hdr.Get("x-acs-request-id")+`","ImageInfo":{"CreationTime"`) {
		t.Fatalf("body order: %s", body)
	}
	var info map[string]json.RawMessage
	if err := json.Unmarshal(top["ImageInfo"], &info); err != nil {
		t.Fatal(err)
	}
	var img Image
	if err := json.Unmarshal(top["ImageInfo"], &img); err != nil {
		t.Fatal(err)
	}
	return info, img
}

func TestGetImageInfoCDN(t *testing.T) {
	h := newHarness(t, nil)
	info, img := getImage(t, h, map[string]string{"ImageId": "img-cdn"})
	for _, k := range seedImageInfoKeys {
		if _, ok := info[k]; !ok {
			t.Errorf("missing field %s", k)
		}
	}
	if len(info) != len(seedImageInfoKeys) {
		t.Errorf("GetImageInfo fields = %d, want exactly the seed's %d", len(info), len(seedImageInfoKeys))
	}
	// Without AuthTimeout the type-A timestamp is the generation time and
	// the URL lives the domain's validity period.
	exp := testNow.Unix() + 3600
	want := "https://cdn.example.com/image/default/ABC.png?auth_key=" + strconv.FormatInt(testNow.Unix(), 10) + "-0-0-"
	if !strings.HasPrefix(img.URL, want) {
		t.Fatalf("URL = %s, want prefix %s", img.URL, want)
	}
	if err := VerifyCDNURL(img.URL, DefaultCDNPrivateKey, 0, testNow.Add(DefaultCDNURLValidity)); err != nil {
		t.Fatal(err)
	}
	if err := VerifyCDNURL(img.URL, DefaultCDNPrivateKey, 0, testNow.Add(DefaultCDNURLValidity+time.Second)); err == nil {
		t.Fatal("CDN URL valid past the domain's validity")
	}
	// With AuthTimeout it is the signer's offset: timestamp now+AuthTimeout,
	// served until that plus the domain's validity.
	_, img2 := getImage(t, h, map[string]string{"ImageId": "img-cdn", "AuthTimeout": "600"})
	if !strings.Contains(img2.URL, "auth_key="+strconv.FormatInt(testNow.Unix()+600, 10)+"-0-0-") ||
		VerifyCDNURL(img2.URL, DefaultCDNPrivateKey, 0, testNow.Add(600*time.Second+DefaultCDNURLValidity)) != nil ||
		VerifyCDNURL(img2.URL, DefaultCDNPrivateKey, 0, testNow.Add(601*time.Second+DefaultCDNURLValidity)) == nil {
		t.Fatalf("URL with AuthTimeout 600: %s", img2.URL)
	}
	if VerifyCDNURL(img2.URL, DefaultCDNPrivateKey, time.Minute, testNow.Add(661*time.Second)) == nil {
		t.Fatal("validity argument ignored")
	}
	m := img.Mezzanine
	if m == nil || m.Width != 200 || m.Height != 100 || m.FileSize.Bytes != "8932" || m.OriginalFileName != "abc.png" {
		t.Fatalf("Mezzanine = %+v", m)
	}
	if !strings.Contains(string(info["Mezzanine"]), `"FileSize":"8932"`) {
		t.Fatalf("FileSize not a string: %s", info["Mezzanine"])
	}
	if !strings.HasPrefix(m.FileURL, "https://outin-bfefbb90a2f111eab4a700163e1c7426.oss-cn-shanghai.aliyuncs.com/image/default/ABC.png?Expires="+strconv.FormatInt(exp, 10)+"&OSSAccessKeyId="+DefaultOSSAccessKeyID+"&Signature=") {
		t.Fatalf("FileURL = %s", m.FileURL)
	}
	if err := VerifyOSSURL(m.FileURL, DefaultOSSAccessKeyID, DefaultOSSAccessKeySecret, testNow); err != nil {
		t.Fatal(err)
	}
	if img.CateID != 254766071 || img.Tags != "tag1,tag2,tag3" || img.Title != "cdn image" || img.Status != "Normal" {
		t.Fatalf("fields = %+v", img)
	}

	// Explicit cdn with a short lifetime; then oss with a long one.
	_, img = getImage(t, h, map[string]string{"ImageId": "img-cdn", "OutputType": "cdn", "AuthTimeout": "100"})
	if !strings.Contains(img.URL, "auth_key="+strconv.FormatInt(testNow.Unix()+100, 10)+"-0-0-") {
		t.Fatalf("URL = %s", img.URL)
	}
	_, img = getImage(t, h, map[string]string{"ImageId": "img-cdn", "OutputType": "oss", "AuthTimeout": "2592000"})
	u, err := url.Parse(img.URL)
	if err != nil || u.Host != "outin-bfefbb90a2f111eab4a700163e1c7426.oss-cn-shanghai.aliyuncs.com" || u.Path != "/image/default/ABC.png" ||
		u.Query().Get("Expires") != strconv.FormatInt(testNow.Unix()+2592000, 10) {
		t.Fatalf("URL = %s", img.URL)
	}
	if err := VerifyOSSURL(img.URL, DefaultOSSAccessKeyID, DefaultOSSAccessKeySecret, testNow.Add(2592000e9)); err != nil {
		t.Fatal(err)
	}
	// A cdn URL may outlive the OSS limit; the mezzanine URL may not.
	_, img = getImage(t, h, map[string]string{"ImageId": "img-cdn", "AuthTimeout": "99999999"})
	if err := VerifyCDNURL(img.URL, DefaultCDNPrivateKey, 0, testNow.Add(99999999e9)); err != nil {
		t.Fatal(err)
	}
	if q, _ := url.ParseQuery(strings.SplitN(img.Mezzanine.FileURL, "?", 2)[1]); q.Get("Expires") != strconv.FormatInt(testNow.Unix()+2592000, 10) {
		t.Fatalf("mezzanine FileURL = %s", img.Mezzanine.FileURL)
	}
}

func TestGetImageInfoOSS(t *testing.T) {
	h := newHarness(t, func(o *Options) {
		o.OSSAccessKeyID, o.OSSAccessKeySecret, o.CDNPrivateKey = "myossid", "myosssecret", "mycdnkey"
	})
	for _, extra := range []map[string]string{{}, {"OutputType": "cdn"}} {
		extra["ImageId"] = "img-oss"
		info, img := getImage(t, h, extra)
		if !strings.HasPrefix(img.URL, "https://outin-bfefbb90a2f111eab4a700163e1c7426.oss-cn-shanghai.aliyuncs.com/image/default/DEF.jpg?Expires=") {
			t.Fatalf("URL = %s", img.URL)
		}
		if err := VerifyOSSURL(img.URL, "myossid", "myosssecret", testNow.Add(3600e9)); err != nil {
			t.Fatal(err)
		}
		if err := VerifyOSSURL(img.URL, "myossid", "myosssecret", testNow.Add(3601e9)); err == nil {
			t.Fatal("valid past default AuthTimeout")
		}
		if !strings.Contains(string(info["Mezzanine"]), `"FileSize":123456`) {
			t.Fatalf("FileSize not a number: %s", info["Mezzanine"])
		}
	}
	// The user's own bucket, a key with a space.
	_, img := getImage(t, h, map[string]string{"ImageId": "img-userbucket", "AuthTimeout": "129600"})
	if !strings.HasPrefix(img.URL, "https://my-own-bucket.oss-cn-shanghai.aliyuncs.com/pics/g%20h.gif?Expires=") {
		t.Fatalf("URL = %s", img.URL)
	}
	if err := VerifyOSSURL(img.URL, "myossid", "myosssecret", testNow); err != nil {
		t.Fatal(err)
	}
	if img.Mezzanine != nil {
		t.Fatal("Mezzanine invented")
	}
}

func TestPutImage(t *testing.T) {
	h := newHarness(t, nil)
	if err := h.run.Server.PutImage(Image{ImageInfo: ImageInfo{ImageID: "new", Title: "v1", URL: "https://outin-x.oss-cn-shanghai.aliyuncs.com/a/b.png"}}); err != nil {
		t.Fatal(err)
	}
	_, img := getImage(t, h, map[string]string{"ImageId": "new"})
	// Filled as New fills Options.Images.
	if img.Title != "v1" || img.StorageLocation != "outin-x.oss-cn-shanghai.aliyuncs.com" || img.AppID != DefaultAppID ||
		img.Status != DefaultStatus || img.ImageType != DefaultImageType || img.CreationTime != testNow.Format(timestampLayout) {
		t.Fatalf("%+v", img)
	}
	if err := h.run.Server.PutImage(Image{ImageInfo: ImageInfo{ImageID: "new", Title: "v2"}}); err == nil || !strings.Contains(err.Error(), "URL is missing") {
		t.Fatalf("image without URL: %v", err)
	}
	if _, img = getImage(t, h, map[string]string{"ImageId": "new"}); img.Title != "v1" {
		t.Fatalf("%+v", img)
	}
}

func TestDeleteImage(t *testing.T) {
	h := newHarness(t, nil)
	if err := h.run.Server.PutImage(Image{ImageInfo: ImageInfo{ImageID: "doomed", Title: "v1", URL: "https://outin-x.oss-cn-shanghai.aliyuncs.com/d.png"}}); err != nil {
		t.Fatal(err)
	}
	if !h.run.Server.DeleteImage("doomed") {
		t.Fatal("DeleteImage reported a stored image as absent")
	}
	if h.run.Server.DeleteImage("doomed") {
		t.Fatal("DeleteImage reported a deleted image as present")
	}
	p := v1Params("GetImageInfo", testNow)
	p.Set("ImageId", "doomed")
	status, _, body := h.callV1(http.MethodPost, testSecret, p)
	if status != http.StatusNotFound || !strings.Contains(string(body), "NoSuchResource") {
		t.Fatalf("GetImageInfo of a deleted image: %d %s", status, body)
	}

	// The same through the control endpoint.
	if err := h.run.Server.PutImage(Image{ImageInfo: ImageInfo{ImageID: "doomed", Title: "v2", URL: "https://outin-x.oss-cn-shanghai.aliyuncs.com/d.png"}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/_emulator/images/doomed", http.StatusMethodNotAllowed},
		{http.MethodDelete, "/_emulator/images/doomed", http.StatusNoContent},
		{http.MethodDelete, "/_emulator/images/doomed", http.StatusNotFound},
		{http.MethodDelete, "/_emulator/images/", http.StatusNotFound},
	} {
		req, err := http.NewRequest(tc.method, h.run.URL+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, resp.StatusCode, tc.want)
		}
	}
	if _, ok := h.run.Server.store.image("doomed"); ok {
		t.Error("DELETE /_emulator/images/doomed left the image")
	}
	if n := h.run.Server.Stats().Requests; n != 1 {
		t.Errorf("%d requests counted; control requests are not", n)
	}
}

func TestGetImageInfos(t *testing.T) {
	h := newHarness(t, nil)
	p := v1Params("GetImageInfos", testNow)
	p.Set("ImageIds", "img-oss,missing-1, img-cdn ,img-oss,missing-2")
	p.Set("AuthTimeout", "600")
	status, _, body := h.callV1(http.MethodPost, testSecret, p)
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	var resp struct {
		RequestId        string
		ImageInfo        []map[string]json.RawMessage
		NonExistImageIds []string
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	if !requestIDPattern.MatchString(resp.RequestId) || len(resp.ImageInfo) != 2 ||
		!reflect.DeepEqual(resp.NonExistImageIds, []string{"missing-1", "missing-2"}) {
		t.Fatalf("resp = %s", body)
	}
	if string(resp.ImageInfo[0]["ImageId"]) != `"img-oss"` || string(resp.ImageInfo[1]["ImageId"]) != `"img-cdn"` {
		t.Fatalf("order: %s", body)
	}
	// Exactly GetImageInfo's fields: no ModificationTime, Ext or Type.
	for _, k := range []string{"ModificationTime", "Ext", "Type"} {
		if _, ok := resp.ImageInfo[1][k]; ok {
			t.Errorf("%s present: %s", k, body)
		}
	}
	var u string
	_ = json.Unmarshal(resp.ImageInfo[1]["URL"], &u)
	if !strings.Contains(u, "auth_key="+strconv.FormatInt(testNow.Unix()+600, 10)) {
		t.Errorf("URL = %s", u)
	}

	p = v1Params("GetImageInfos", testNow)
	p.Set("ImageIds", "x,y")
	_, _, body = h.callV1(http.MethodGet, testSecret, p)
	if !strings.Contains(string(body), `"ImageInfo":[],"NonExistImageIds":["x","y"]`) {
		t.Fatalf("all missing: %s", body)
	}
}

func TestLoadImages(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const u = `"URL":"https://outin-x.oss-cn-shanghai.aliyuncs.com/a.png"`
	good := write("good.json", `[
	 {"ImageId":"a","Title":"A",`+u+`,"Mezzanine":{"FileURL":"https://outin-x.oss-cn-shanghai.aliyuncs.com/a.png","Width":1,"Height":2,"FileSize":"10"}},
	 {"ImageId":"b",`+u+`,"Mezzanine":{"FileSize":20},"Ext":"png","Type":"default"},
	 {"ImageId":"c","URL":"https://cdn.example.com/c.png","StorageLocation":"outin-x.oss-cn-shanghai.aliyuncs.com"}
	]`)
	imgs, err := LoadImages(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs) != 3 || imgs[0].Mezzanine.FileSize != (FileSize{Bytes: "10"}) ||
		imgs[1].Mezzanine.FileSize != (FileSize{Bytes: "20"}) || imgs[2].Mezzanine != nil {
		t.Fatalf("%+v", imgs)
	}
	// A number in the file is served as the model's string.
	b, _ := json.Marshal(imgs[1])
	if !strings.Contains(string(b), `"FileSize":"20"`) {
		t.Fatalf("%s", b)
	}

	for name, content := range map[string]string{
		"missing-id.json":   `[{"Title":"x"}]`,
		"missing-url.json":  `[{"ImageId":"a","StorageLocation":"outin-x.oss-cn-shanghai.aliyuncs.com"}]`,
		"no-location.json":  `[{"ImageId":"a","URL":"https://cdn.example.com/a.png"}]`,
		"bad-status.json":   `[{"ImageId":"a",` + u + `,"Status":"Blocked"}]`,
		"empty-id.json":     `[{"ImageId":""}]`,
		"dup.json":          `[{"ImageId":"a"},{"ImageId":"a"}]`,
		"object.json":       `{"ImageId":"a"}`,
		"syntax.json":       `[{"ImageId":"a"`,
		"unknown.json":      `[{"ImageId":"a","Name":"x"}]`,
		"mezz-unknown.json": `[{"ImageId":"a","Mezzanine":{"Size":1}}]`,
		"bad-size.json":     `[{"ImageId":"a","Mezzanine":{"FileSize":"big"}}]`,
		"neg-size.json":     `[{"ImageId":"a","Mezzanine":{"FileSize":-1}}]`,
		"bad-url.json":      `[{"ImageId":"a","URL":"cdn.example.com/a.png"}]`,
		"bad-loc.json":      `[{"ImageId":"a","StorageLocation":"https://outin-x.oss-cn-shanghai.aliyuncs.com"}]`,
		"bad-time.json":     `[{"ImageId":"a","CreationTime":"yesterday"}]`,
		"trailing.json":     `[] []`,
		"empty.json":        ``,
	} {
		if _, err := LoadImages(write(name, content)); err == nil {
			t.Errorf("%s accepted", name)
		} else if !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error does not name the file: %v", name, err)
		}
	}
	// A field of the wrong JSON type names the image and the type the API sends.
	if _, err := LoadImages(write("tags-list.json", `[{"ImageId":"a",`+u+`},{"ImageId":"b",`+u+`,"Tags":["x","y"]}]`)); err == nil ||
		!strings.Contains(err.Error(), `image 2 (ImageId "b"): field Tags is a JSON array, want a string`) {
		t.Errorf("Tags as a list: %v", err)
	}
	if _, err := LoadImages(filepath.Join(dir, "absent.json")); err == nil {
		t.Error("absent file accepted")
	}
}

func TestDemoImages(t *testing.T) {
	imgs, err := LoadImages(filepath.Join("..", "..", "examples", "demo", "images.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs) != 3 {
		t.Fatalf("%d images", len(imgs))
	}
	cdn := 0
	for _, img := range imgs {
		if u, _ := url.Parse(img.URL); !isOSSHost(u.Host) {
			cdn++
		}
		if !isVODBucket(img.StorageLocation) || img.Mezzanine == nil {
			t.Errorf("%s: %+v", img.ImageID, img)
		}
	}
	if cdn != 1 {
		t.Errorf("%d images with a CDN domain, want 1", cdn)
	}
}

// OSS's bucket naming rules hold for every bucket host an image is stored under: no URL is signed
// for a bucket OSS could not have.
func TestValidateBucketName(t *testing.T) {
	for host, ok := range map[string]bool{
		"outin-4a5b6c7d8e9f.oss-cn-shanghai.aliyuncs.com":         true,
		"abc.oss-cn-shanghai.aliyuncs.com":                        true,
		strings.Repeat("a", 63) + ".oss-cn-shanghai.aliyuncs.com": true,
		"A63e1c7426.oss-cn-shanghai.aliyuncs.com":                 false, // found by FuzzLoadImages: signed, then refused
		"ab.oss-cn-shanghai.aliyuncs.com":                         false,
		strings.Repeat("a", 64) + ".oss-cn-shanghai.aliyuncs.com": false,
		"-abc.oss-cn-shanghai.aliyuncs.com":                       false,
		"abc-.oss-cn-shanghai.aliyuncs.com":                       false,
		"a_bc.oss-cn-shanghai.aliyuncs.com":                       false,
	} {
		if err := validateBucketName(host); (err == nil) != ok {
			t.Errorf("validateBucketName(%q) = %v, want ok=%v", host, err, ok)
		}
	}
}
