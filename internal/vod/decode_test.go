package vod

import (
	"strings"
	"testing"
)

func TestDecodeGetImageInfo(t *testing.T) {
	body := `{"RequestId":"AB99D4DF","ImageInfo":{"CreationTime":"2018-11-21T02:37:23Z",
		"StorageLocation":"outin-x.oss-cn-shanghai.aliyuncs.com","Status":"Uploading","CateId":254766071,
		"Tags":"tag1, tag2,,tag3","ImageType":"NormalSnapshot","CateName":"test name","Description":"d",
		"AppId":"app-1","URL":"http://example.com/a.gif?auth_key=1","Title":"t","ImageId":"bbc65",
		"Mezzanine":{"FileURL":"https://b.oss/a.png","OriginalFileName":"a.gif","Width":200,"Height":100,"FileSize":"8932"}}}`
	img, err := decodeGetImageInfo([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if img.ImageID != "bbc65" || img.CateID != 254766071 || img.Status != "Uploading" || img.AppID != "app-1" {
		t.Errorf("unexpected image: %+v", img)
	}
	if got := strings.Join(img.Tags, "|"); got != "tag1|tag2|tag3" {
		t.Errorf("tags = %q, want tag1|tag2|tag3", got)
	}
	if m := img.Mezzanine; m == nil || m.FileSize != 8932 || m.Width != 200 || m.Height != 100 || m.OriginalFileName != "a.gif" {
		t.Errorf("unexpected mezzanine: %+v", img.Mezzanine)
	}
}

func TestDecodeFlexibleNumbers(t *testing.T) {
	for name, tc := range map[string]struct {
		fileSize string
		want     int64
	}{
		"string":       {`"8932"`, 8932},
		"number":       {`8932`, 8932},
		"empty string": {`""`, 0},
		"null":         {`null`, 0},
		"spaces":       {`" 12 "`, 12},
	} {
		t.Run(name, func(t *testing.T) {
			img, err := decodeGetImageInfo([]byte(`{"ImageInfo":{"ImageId":"x","Mezzanine":{"FileSize":` + tc.fileSize + `}}}`))
			if err != nil {
				t.Fatal(err)
			}
			if int64(img.Mezzanine.FileSize) != tc.want {
				t.Errorf("FileSize = %d, want %d", img.Mezzanine.FileSize, tc.want)
			}
		})
	}
}

// Broken bodies are errors, never a panic or a half-filled Image; bodies that are not JSON at all
// are retryable, JSON of the wrong shape is not.
func TestDecodeRejectsBrokenShapes(t *testing.T) {
	for name, tc := range map[string]struct {
		body, want string
		retryable  bool
	}{
		"not JSON":           {`<html>502 Bad Gateway</html>`, "not JSON: invalid character '<'", true},
		"empty":              {``, "response body is empty", true},
		"cut short":          {`{"RequestId":"R","ImageInfo":{"ImageId":"x"`, "not JSON", true},
		"no ImageInfo":       {`{"RequestId":"R1"}`, `no ImageInfo (request ID "R1")`, false},
		"no ImageId":         {`{"RequestId":"R2","ImageInfo":{"Title":"x"}}`, "has no ImageId", false},
		"FileSize not a num": {`{"ImageInfo":{"ImageId":"x","Mezzanine":{"FileSize":"12kB"}}}`, `"12kB" is not an integer`, false},
		"CateId wrong type":  {`{"ImageInfo":{"ImageId":"x","CateId":true}}`, "does not have the documented shape", false},
		"ImageInfo array":    {`{"ImageInfo":[]}`, "does not have the documented shape", false},
		"Mezzanine string":   {`{"ImageInfo":{"ImageId":"x","Mezzanine":"big"}}`, "does not have the documented shape", false},
		"JSON null":          {`null`, "no ImageInfo", false},
		"huge number":        {`{"ImageInfo":{"ImageId":"x","CateId":1e400}}`, "does not have the documented shape", false},
	} {
		t.Run(name, func(t *testing.T) {
			img, err := decodeGetImageInfo([]byte(tc.body))
			if err == nil || img != nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got (%v, %v), want only an error containing %q", img, err, tc.want)
			}
			if got := isRetryable(err); got != tc.retryable {
				t.Errorf("isRetryable = %v, want %v", got, tc.retryable)
			}
		})
	}
}

func TestNoMezzanine(t *testing.T) {
	img, err := decodeGetImageInfo([]byte(`{"ImageInfo":{"ImageId":"x","Tags":""}}`))
	if err != nil {
		t.Fatal(err)
	}
	if img.Mezzanine != nil || img.Tags == nil || len(img.Tags) != 0 {
		t.Errorf("want nil mezzanine and empty non-nil tags, got %+v", img)
	}
}
