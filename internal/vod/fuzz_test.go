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
		`{"RequestId":"R","ImageInfo":null}`, `{"ImageInfo":{"ImageId":"x","Mezzanine":{}}}`, `{"ImageInfo":{}}`,
		`{"ImageInfo":{"ImageId":"x","Tags":null,"CateId":null,"URL":null}}`,
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

// FuzzDecodeSearchMedia: whatever the body and offset, decoding returns either an error or a page
// whose hits all have an ID, never a panic; bodies that are not JSON are the retryable kind.
func FuzzDecodeSearchMedia(f *testing.F) {
	for _, seed := range []string{
		`{"RequestId":"R","Total":2,"MediaList":[{"MediaType":"image","MediaId":"a","CreationTime":"2024-01-01T00:00:00Z","Image":{"ImageId":"a","ModificationTime":"2024-01-02T00:00:00Z"}},{"MediaType":"video","MediaId":"v"}]}`,
		`{"RequestId":"R","Total":0}`, `{"RequestId":"R"}`, `{"Total":"5"}`, `{"Total":5,"MediaList":null}`,
		`{"MediaList":[null]}`, `{"MediaList":[{"Image":{"ImageId":"a"}}]}`, `{"MediaList":[{"Image":null}]}`,
		`{"MediaList":{}}`, `{"Total":1e400}`, `{"Total":true}`, `null`, `[]`, ``, `{`, `<html>502</html>`,
	} {
		f.Add([]byte(seed), int64(0))
	}
	f.Add([]byte(`{"Total":200}`), int64(200))
	f.Fuzz(func(t *testing.T, body []byte, offset int64) {
		page, err := decodeSearchMedia(body, offset)
		if (page == nil) == (err == nil) {
			t.Fatalf("want exactly one of a page and an error, got (%v, %v)", page, err)
		}
		if err != nil {
			var malformed *MalformedResponseError
			if errors.As(err, &malformed) != !json.Valid(body) {
				t.Fatalf("MalformedResponseError must mean exactly 'not JSON': %v for %q", err, body)
			}
			return
		}
		if len(page.Hits) > page.Listed {
			t.Fatalf("%d hits from %d entries", len(page.Hits), page.Listed)
		}
		for _, h := range page.Hits {
			if h.ImageID == "" {
				t.Fatalf("hit without an ID in %+v", page)
			}
		}
	})
}

// FuzzDecodeSTSAnswer: an STS answer gives either complete temporary credentials or a
// *CredentialError or MalformedResponseError, never a panic.
func FuzzDecodeSTSAnswer(f *testing.F) {
	for _, seed := range []string{
		`{"RequestId":"R","Credentials":{"AccessKeyId":"a","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2030-01-01T00:00:00Z"}}`,
		`{"RequestId":"R","Credentials":{"AccessKeyId":"a","AccessKeySecret":"s","SecurityToken":"t","Expiration":"soon"}}`,
		`{"RequestId":"R"}`, `{"Credentials":null}`, `{"Credentials":[]}`, `null`, `[]`, ``, `{`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := decodeSTSAnswer("AssumeRole", "STS AssumeRole at sts.example.com", body)
		if (s == nil) == (err == nil) {
			t.Fatalf("want exactly one of a session and an error, got (%v, %v)", s, err)
		}
		if err != nil {
			var ce *CredentialError
			var malformed *MalformedResponseError
			if !errors.As(err, &ce) && !errors.As(err, &malformed) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if s.accessKeyID == "" || s.accessKeySecret == "" || s.securityToken == "" || s.expires.IsZero() {
			t.Fatalf("incomplete session from %q", body)
		}
	})
}

// FuzzDecodeGetImageInfos: an answer gives either an error or images that all have an ID and IDs
// reported missing that are not empty, never a panic.
func FuzzDecodeGetImageInfos(f *testing.F) {
	for _, seed := range []string{
		`{"RequestId":"R","ImageInfo":[{"ImageId":"a","Mezzanine":{"FileSize":"1"}}],"NonExistImageIds":["b"]}`,
		`{"RequestId":"R","NonExistImageIds":["a",""]}`, `{"ImageInfo":[{"ImageId":"a"}]}`, `{"ImageInfo":null}`,
		`{"ImageInfo":[null]}`, `{"ImageInfo":[{}]}`, `{"NonExistImageIds":"a"}`, `{"RequestId":"R"}`, `null`, `[]`, ``, `{`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		out, err := decodeGetImageInfos(body)
		if (out == nil) == (err == nil) {
			t.Fatalf("want exactly one of an output and an error, got (%v, %v)", out, err)
		}
		if err != nil {
			return
		}
		for _, img := range out.Images {
			if img == nil || img.ImageID == "" || img.Tags == nil {
				t.Fatalf("incomplete image in %q", body)
			}
		}
		for _, id := range out.Missing {
			if id == "" {
				t.Fatalf("empty missing ID from %q", body)
			}
		}
	})
}
