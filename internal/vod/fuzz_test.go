package vod

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzDecodeGetImageInfo: whatever the body, decoding returns either an error or an Image with an
// ID, never a panic or a half-filled result; bodies that are not JSON are the retryable kind.
func FuzzDecodeGetImageInfo(f *testing.F) {
	for _, seed := range []string{
		`{"RequestId":"AB99D4DF","ImageInfo":{"CreationTime":"2018-11-21T02:37:23Z","StorageLocation":"outin-x.oss-cn-shanghai.aliyuncs.com","Status":"Uploading","CateId":254766071,"Tags":"tag1,tag2,tag3","ImageType":"NormalSnapshot","CateName":"test name","Description":"test description","AppId":"app-1","URL":"http://example.com/a.gif?auth_key=1","Title":"this is a sample","ImageId":"bbc65","Mezzanine":{"FileURL":"https://b/a.png","OriginalFileName":"a.gif","Width":200,"Height":200,"FileSize":"8932"}}}`,
		`{"ImageInfo":{"ImageId":"x","Mezzanine":{"FileSize":8932,"Width":"200"}}}`,
		`{"ImageInfo":{"ImageId":"x","CateId":"12","Tags":",,a,, b ,"}}`,
		`{"ImageInfo":{"ImageId":"x","Mezzanine":null}}`,
		`{"ImageInfo":{"ImageId":"x","CateId":1e400}}`,
		`{"ImageInfo":[]}`, `{"RequestId":"R"}`, `null`, `[]`, `""`, ``, `{`, `<html>502</html>`,
		"{\"ImageInfo\":{\"ImageId\":\"\\u0000\"}}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		img, err := decodeGetImageInfo(body)
		if (img == nil) == (err == nil) {
			t.Fatalf("want exactly one of an image and an error, got (%v, %v)", img, err)
		}
		if err != nil {
			var malformed *MalformedResponseError
			if errors.As(err, &malformed) != !json.Valid(body) {
				t.Fatalf("MalformedResponseError must mean exactly 'not JSON': %v for %q", err, body)
			}
			return
		}
		if img.ImageID == "" || img.Tags == nil {
			t.Fatalf("incomplete image: %+v", img)
		}
		for _, tag := range img.Tags {
			if tag == "" {
				t.Fatalf("empty tag in %q", img.Tags)
			}
		}
	})
}
