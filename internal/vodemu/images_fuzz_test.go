package vodemu

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The fuzz target of images.go: FuzzLoadImages (LoadImages, and the URLs served for what it
// loaded). The shared harness is in fuzz_test.go.

// checkSignedURL checks a returned URL that differs from the stored one:
// it must be a CDN or OSS URL that verifies, and not be expired, at testNow.
func checkSignedURL(t *testing.T, what, got, stored string) {
	t.Helper()
	if got == stored {
		return // left as stored: nothing to sign it with
	}
	u, err := url.Parse(got)
	if err != nil {
		t.Fatalf("%s %q: %v", what, got, err)
	}
	switch q := u.Query(); {
	case q.Has("auth_key"):
		err = VerifyCDNURL(got, DefaultCDNPrivateKey, 0, testNow)
	case q.Has("OSSAccessKeyId"):
		err = VerifyOSSURL(got, DefaultOSSAccessKeyID, DefaultOSSAccessKeySecret, testNow)
	default:
		t.Fatalf("%s %q (stored %q) is neither a CDN nor an OSS signed URL", what, got, stored)
	}
	if err != nil {
		t.Fatalf("%s %q (stored %q): %v", what, got, stored, err)
	}
}

func FuzzLoadImages(f *testing.F) {
	all, err := json.Marshal(testImages())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(all, "", "")
	f.Add(all, "oss", "2592000")
	f.Add(all, "cdn", "60")
	f.Add(all, "cdn", "9223372036854775807") // expiry past int64
	if demo, err := os.ReadFile(filepath.Join("..", "..", "examples", "demo", "images.json")); err == nil {
		f.Add(demo, "", "3600")
	}
	f.Add([]byte(`[]`), "", "")
	f.Add([]byte(`null`), "", "")
	f.Add([]byte(``), "", "")
	f.Add([]byte(`[{"ImageId":"a","Title":"A","Mezzanine":{"FileURL":"https://outin-x.oss-cn-shanghai.aliyuncs.com/a.png","Width":1,"Height":2,"FileSize":"10"}},{"ImageId":"b","Mezzanine":{"FileSize":20}},{"ImageId":"c"}]`), "", "")
	f.Add([]byte(`[{"ImageId":"图片 1","URL":"https://cdn.example.com/a%20b/%E4%B8%AD.png?x=1#f","StorageLocation":"outin-x.oss-cn-beijing.aliyuncs.com"}]`), "cdn", "1")
	f.Add([]byte(`[{"ImageId":"u","URL":"https://my-bucket.oss-cn-shanghai.aliyuncs.com//deep/path/+*~.gif"}]`), "oss", "129600")
	f.Add([]byte(`[{"ImageId":"a","Mezzanine":{"FileURL":"http://cdn.example.com:8080/k.png","FileSize":18446744073709551616}}]`), "oss", "")
	f.Add([]byte(`[{"imageid":"lower","mezzanine":{"filesize":"1"}}]`), "", "")
	f.Add([]byte(`[{"ImageId":"a","CreationTime":"2024-02-30T00:00:00Z"}]`), "", "")
	f.Add([]byte(`[{"ImageId":"a","Name":"x"}] `), "", "")
	f.Add([]byte(`[{"ImageId":" ","URL":"https://c.example.com/k"}] []`), "bogus", "abc")
	f.Add([]byte("[{\"ImageId\":\"\xff\xfe\",\"Title\":\"\\ud800\"}]"), "", "-1")

	// One directory for all inputs: a worker runs its inputs one at a time.
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, outputType, authTimeout string) {
		path := filepath.Join(dir, "images.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		imgs, err := LoadImages(path)
		if err != nil {
			if imgs != nil || !strings.Contains(err.Error(), path) {
				t.Fatalf("LoadImages: %d images with error %v", len(imgs), err)
			}
			return
		}
		// What LoadImages accepts, New accepts, and it survives a round trip.
		fs := newFuzzServer(t, imgs)
		again, err := json.Marshal(imgs)
		if err != nil {
			t.Fatalf("marshal loaded images: %v", err)
		}
		path2 := filepath.Join(dir, "again.json")
		if err := os.WriteFile(path2, again, 0o600); err != nil {
			t.Fatal(err)
		}
		if imgs2, err := LoadImages(path2); err != nil || !reflect.DeepEqual(imgs, imgs2) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, imgs, imgs2)
		}

		// Every loaded image is served, with URLs that verify.
		call := func(action, nonce string, extra ...kv) fuzzResp {
			pairs := append(v1Common(nonce), extra...)
			pairs[0].value = action
			if outputType != "" {
				pairs = append(pairs, kv{"OutputType", outputType})
			}
			if authTimeout != "" {
				pairs = append(pairs, kv{"AuthTimeout", authTimeout})
			}
			res := fs.serve(t, v1Builder(http.MethodGet, pairs, len(pairs), signV1Pairs(http.MethodGet, pairs)))
			switch {
			case res.status == http.StatusOK:
			case res.code == "InvalidParameter" &&
				(strings.Contains(res.message, `"OutputType"`) || strings.Contains(res.message, `"AuthTimeout"`)):
			case action == "GetImageInfos" && res.code == "MissingParameter": // IDs of blanks only
			default:
				t.Fatalf("%s %v: answered %d %s: %s", action, extra, res.status, res.code, res.message)
			}
			return res
		}
		byID := map[string]Image{}
		var ids []string
		for i, img := range imgs {
			byID[img.ImageID] = img
			ids = append(ids, img.ImageID)
			if i >= 8 {
				continue
			}
			res := call("GetImageInfo", "n"+string(rune('a'+i)), kv{"ImageId", img.ImageID})
			if res.status != http.StatusOK {
				continue
			}
			var out struct{ ImageInfo Image }
			if err := json.Unmarshal(res.body, &out); err != nil || out.ImageInfo.ImageID != img.ImageID {
				t.Fatalf("GetImageInfo %q: %v: %s", img.ImageID, err, res.body)
			}
			checkImageURLs(t, out.ImageInfo, img)
		}
		if len(ids) == 0 || len(ids) > maxImageIDs {
			return
		}
		res := call("GetImageInfos", "infos", kv{"ImageIds", strings.Join(ids, ",")})
		if res.status != http.StatusOK {
			return
		}
		var out struct{ ImageInfo []Image }
		if err := json.Unmarshal(res.body, &out); err != nil {
			t.Fatalf("GetImageInfos: %v: %s", err, res.body)
		}
		for _, got := range out.ImageInfo {
			stored, ok := byID[got.ImageID]
			if !ok {
				t.Fatalf("GetImageInfos returned unknown image %q", got.ImageID)
			}
			checkImageURLs(t, got, stored)
		}
	})
}

func checkImageURLs(t *testing.T, got, stored Image) {
	t.Helper()
	checkSignedURL(t, "URL", got.URL, stored.URL)
	if (got.Mezzanine == nil) != (stored.Mezzanine == nil) {
		t.Fatalf("Mezzanine %+v, stored %+v", got.Mezzanine, stored.Mezzanine)
	}
	if got.Mezzanine != nil {
		checkSignedURL(t, "Mezzanine.FileURL", got.Mezzanine.FileURL, stored.Mezzanine.FileURL)
	}
}
