package vod

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// The SDK models mark every response field optional: one case for each row of decode.go's table
// of what a missing field means.

// A GetImageInfo answer without a descriptive field is an image with that field empty; without
// Mezzanine, an image without one; without ImageInfo or its ImageId, an error naming the field,
// the action and the request ID.
func TestDecodeGetImageInfoMissingFields(t *testing.T) {
	full := map[string]string{
		"AppId": `"app-1"`, "CateId": `7`, "CateName": `"c"`, "CreationTime": `"2018-11-21T02:37:23Z"`,
		"Description": `"d"`, "ImageType": `"default"`, "Status": `"Normal"`, "StorageLocation": `"s.example.com"`,
		"Tags": `"a,b"`, "Title": `"t"`, "URL": `"https://img.example.com/x.png"`,
		"Mezzanine": `{"FileSize":"8932","FileURL":"https://b/x.png","Height":200,"OriginalFileName":"x.png","Width":300}`,
	}
	body := func(leaveOut string) string {
		parts := []string{`"ImageId":"id-1"`}
		for k, v := range full {
			if k != leaveOut {
				parts = append(parts, strconv.Quote(k)+":"+v)
			}
		}
		return `{"RequestId":"R1","ImageInfo":{` + strings.Join(parts, ",") + `}}`
	}
	want, err := decodeGetImageInfo([]byte(body("")))
	if err != nil {
		t.Fatal(err)
	}
	for field, blank := range map[string]func(*Image){
		"AppId":           func(i *Image) { i.AppID = "" },
		"CateId":          func(i *Image) { i.CateID = 0 },
		"CateName":        func(i *Image) { i.CateName = "" },
		"CreationTime":    func(i *Image) { i.CreationTime = "" },
		"Description":     func(i *Image) { i.Description = "" },
		"ImageType":       func(i *Image) { i.ImageType = "" },
		"Status":          func(i *Image) { i.Status = "" },
		"StorageLocation": func(i *Image) { i.StorageLocation = "" },
		"Tags":            func(i *Image) { i.Tags = []string{} },
		"Title":           func(i *Image) { i.Title = "" },
		"URL":             func(i *Image) { i.URL = "" },
		"Mezzanine":       func(i *Image) { i.Mezzanine = nil },
	} {
		t.Run("without "+field, func(t *testing.T) {
			got, err := decodeGetImageInfo([]byte(body(field)))
			if err != nil {
				t.Fatal(err)
			}
			w := *want
			blank(&w)
			if !reflect.DeepEqual(got, &w) {
				t.Errorf("got %+v\nwant %+v", got, &w)
			}
		})
	}
	for field, mz := range map[string]func(*Mezzanine){
		"FileSize":         func(m *Mezzanine) { m.FileSize = 0 },
		"FileURL":          func(m *Mezzanine) { m.FileURL = "" },
		"Height":           func(m *Mezzanine) { m.Height = 0 },
		"OriginalFileName": func(m *Mezzanine) { m.OriginalFileName = "" },
		"Width":            func(m *Mezzanine) { m.Width = 0 },
	} {
		t.Run("without Mezzanine."+field, func(t *testing.T) {
			m := *want.Mezzanine
			raw := strings.Replace(body(""), strconv.Quote(field)+":", `"Ignored`+field+`":`, 1)
			got, err := decodeGetImageInfo([]byte(raw))
			if err != nil {
				t.Fatal(err)
			}
			mz(&m)
			if got.Mezzanine == nil || *got.Mezzanine != m {
				t.Errorf("got mezzanine %+v, want %+v", got.Mezzanine, m)
			}
		})
	}
	t.Run("without RequestId", func(t *testing.T) {
		got, err := decodeGetImageInfo([]byte(strings.Replace(body(""), `"RequestId":"R1",`, "", 1)))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("got (%+v, %v), want the same image", got, err)
		}
	})
	for name, tc := range map[string]struct{ body, want string }{
		"without ImageInfo":         {`{"RequestId":"R1"}`, `GetImageInfo: the response has no ImageInfo (request ID "R1")`},
		"ImageInfo null":            {`{"RequestId":"R1","ImageInfo":null}`, `GetImageInfo: the response has no ImageInfo (request ID "R1")`},
		"without ImageInfo.ImageId": {strings.Replace(body(""), `"ImageId":"id-1",`, "", 1), `GetImageInfo: the response's ImageInfo has no ImageId (request ID "R1")`},
	} {
		t.Run(name, func(t *testing.T) {
			img, err := decodeGetImageInfo([]byte(tc.body))
			if img != nil || err == nil || err.Error() != tc.want {
				t.Fatalf("got (%v, %v), want the error %q", img, err, tc.want)
			}
			if isRetryable(err) {
				t.Error("a well-formed answer without a needed field is retried")
			}
		})
	}
}

func TestDecodeGetImageInfosMissingFields(t *testing.T) {
	for name, tc := range map[string]struct {
		body          string
		images        []string
		missing       []string
		wantErr       string
		wantRequestID string
	}{
		"all found, no NonExistImageIds": {body: `{"RequestId":"R","ImageInfo":[{"ImageId":"a"},{"ImageId":"b"}]}`, images: []string{"a", "b"}, wantRequestID: "R"},
		"none found, no ImageInfo":       {body: `{"RequestId":"R","NonExistImageIds":["a","b"]}`, missing: []string{"a", "b"}, wantRequestID: "R"},
		"ImageInfo null":                 {body: `{"RequestId":"R","ImageInfo":null,"NonExistImageIds":["a"]}`, missing: []string{"a"}, wantRequestID: "R"},
		"empty IDs in NonExistImageIds":  {body: `{"NonExistImageIds":["","a"]}`, missing: []string{"a"}},
		"without RequestId":              {body: `{"ImageInfo":[{"ImageId":"a"}]}`, images: []string{"a"}},
		"neither":                        {body: `{"RequestId":"R"}`, wantErr: `GetImageInfos: the response has neither ImageInfo nor NonExistImageIds (request ID "R")`},
		"entry null":                     {body: `{"RequestId":"R","ImageInfo":[null]}`, wantErr: `GetImageInfos: ImageInfo[0] has no ImageId (request ID "R")`},
		"entry without ImageId":          {body: `{"RequestId":"R","ImageInfo":[{"ImageId":"a"},{"Title":"t"}]}`, wantErr: `GetImageInfos: ImageInfo[1] has no ImageId (request ID "R")`},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := decodeGetImageInfos([]byte(tc.body))
			if tc.wantErr != "" {
				if out != nil || err == nil || err.Error() != tc.wantErr {
					t.Fatalf("got (%+v, %v), want the error %q", out, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, img := range out.Images {
				ids = append(ids, img.ImageID)
			}
			if !reflect.DeepEqual(ids, tc.images) || !reflect.DeepEqual(out.Missing, tc.missing) || out.RequestID != tc.wantRequestID {
				t.Errorf("got images %q, missing %q, request ID %q; want %q, %q, %q", ids, out.Missing, out.RequestID, tc.images, tc.missing, tc.wantRequestID)
			}
		})
	}
}

func TestDecodeSearchMediaMissingFields(t *testing.T) {
	type hits = []searchHit
	for name, tc := range map[string]struct {
		body       string
		offset     int64
		want       *searchPage
		wantErr    string
		wantListed int
	}{
		"no MediaList, Total 0": {body: `{"RequestId":"R","Total":0}`,
			want: &searchPage{RequestID: "R", Total: 0, TotalKnown: true}},
		"no MediaList, no Total": {body: `{"RequestId":"R"}`,
			want: &searchPage{RequestID: "R"}},
		"MediaList null, Total 0": {body: `{"RequestId":"R","Total":0,"MediaList":null}`,
			want: &searchPage{RequestID: "R", TotalKnown: true}},
		"no MediaList past Total's end": {body: `{"RequestId":"R","Total":100}`, offset: 100,
			want: &searchPage{RequestID: "R", Total: 100, TotalKnown: true}},
		"no MediaList while Total says this page has hits": {body: `{"RequestId":"R","Total":101}`, offset: 100,
			wantErr: `SearchMedia: the response has no MediaList, but its Total (101) says this page has hits (request ID "R")`},
		"no MediaList, Total as a string": {body: `{"RequestId":"R","Total":"3"}`,
			wantErr: `SearchMedia: the response has no MediaList, but its Total (3) says this page has hits (request ID "R")`},
		"no Total": {body: `{"MediaList":[{"MediaType":"image","MediaId":"a"}]}`,
			want: &searchPage{Listed: 1, Hits: hits{{ImageID: "a"}}}},
		"Total null": {body: `{"Total":null,"MediaList":[{"MediaId":"a"}]}`,
			want: &searchPage{Listed: 1, Hits: hits{{ImageID: "a"}}}},
		"no MediaType: an image": {body: `{"Total":1,"MediaList":[{"MediaId":"a"}]}`,
			want: &searchPage{Total: 1, TotalKnown: true, Listed: 1, Hits: hits{{ImageID: "a"}}}},
		"another MediaType: skipped": {body: `{"Total":2,"MediaList":[{"MediaType":"video","MediaId":"v"},{"MediaType":"image","MediaId":"a"}]}`,
			want: &searchPage{Total: 2, TotalKnown: true, Listed: 2, Hits: hits{{ImageID: "a"}}}},
		"no MediaId: Image.ImageId": {body: `{"Total":1,"MediaList":[{"Image":{"ImageId":"a","ModificationTime":"2024-01-01T00:00:00Z"}}]}`,
			want: &searchPage{Total: 1, TotalKnown: true, Listed: 1, Hits: hits{{ImageID: "a", ModificationTime: "2024-01-01T00:00:00Z"}}}},
		"no Image: no ModificationTime": {body: `{"Total":1,"MediaList":[{"MediaId":"a"}]}`,
			want: &searchPage{Total: 1, TotalKnown: true, Listed: 1, Hits: hits{{ImageID: "a"}}}},
		"Image without ModificationTime": {body: `{"Total":1,"MediaList":[{"MediaId":"a","Image":{"Title":"t"}}]}`,
			want: &searchPage{Total: 1, TotalKnown: true, Listed: 1, Hits: hits{{ImageID: "a", Title: "t"}}}},
		"Image without CreationTime: the entry's": {body: `{"Total":1,"MediaList":[{"MediaId":"a","CreationTime":"2024-01-01T00:00:00Z","Image":{}}]}`,
			want: &searchPage{Total: 1, TotalKnown: true, Listed: 1, Hits: hits{{ImageID: "a", CreationTime: "2024-01-01T00:00:00Z"}}}},
		"Image's CreationTime first": {body: `{"Total":1,"MediaList":[{"MediaId":"a","CreationTime":"2024-01-01T00:00:00Z","Image":{"CreationTime":"2024-01-02T00:00:00Z"}}]}`,
			want: &searchPage{Total: 1, TotalKnown: true, Listed: 1, Hits: hits{{ImageID: "a", CreationTime: "2024-01-02T00:00:00Z"}}}},
		"no MediaId nor Image.ImageId": {body: `{"RequestId":"R","Total":2,"MediaList":[{"MediaId":"a"},{"MediaType":"image","Image":{}}]}`,
			wantErr: `SearchMedia: MediaList[1] has no MediaId (request ID "R")`},
		"entry null": {body: `{"RequestId":"R","Total":1,"MediaList":[null]}`,
			wantErr: `SearchMedia: MediaList[0] has no MediaId (request ID "R")`},
		"MediaList an object": {body: `{"MediaList":{}}`, wantErr: "SearchMedia: the response does not have the documented shape"},
	} {
		t.Run(name, func(t *testing.T) {
			page, err := decodeSearchMedia([]byte(tc.body), tc.offset)
			if tc.wantErr != "" {
				if page != nil || err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
					t.Fatalf("got (%+v, %v), want the error %q", page, err, tc.wantErr)
				}
				if isRetryable(err) {
					t.Error("a well-formed answer without a needed field is retried")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(page, tc.want) {
				t.Errorf("got %+v\nwant %+v", page, tc.want)
			}
		})
	}
}

// searchServer answers every SearchMedia request with answer(pageNo).
func searchServer(t *testing.T, answer func(page int) string) (*Client, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		page, _ := strconv.Atoi(r.URL.Query().Get("PageNo"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(answer(page)))
	}))
	t.Cleanup(srv.Close)
	return newTestClient(t, srv.URL, testSecret, SignatureV3, 0), &calls
}

// An empty search answered without MediaList is an empty result, not an error.
func TestSearchImagesWithoutMediaList(t *testing.T) {
	for name, body := range map[string]string{
		"Total 0":    `{"RequestId":"R","Total":0}`,
		"no Total":   `{"RequestId":"R"}`,
		"list null":  `{"RequestId":"R","Total":0,"MediaList":null}`,
		"empty list": `{"RequestId":"R","Total":0,"MediaList":[]}`,
	} {
		t.Run(name, func(t *testing.T) {
			c, calls := searchServer(t, func(int) string { return body })
			out, err := c.SearchImages(context.Background(), SearchImagesInput{Filter: ImageFilter{Title: "nothing"}})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.ImageIDs) != 0 || out.Total != 0 || calls.Load() != 1 {
				t.Errorf("got %+v after %d calls, want no images, Total 0, one call", out, calls.Load())
			}
		})
	}
	t.Run("Total says there are hits", func(t *testing.T) {
		c, calls := searchServer(t, func(int) string { return `{"RequestId":"R","Total":3}` })
		_, err := c.SearchImages(context.Background(), SearchImagesInput{})
		if err == nil || !strings.Contains(err.Error(), `no MediaList, but its Total (3)`) || !strings.Contains(err.Error(), `"R"`) {
			t.Fatalf("got %v, want an error naming MediaList, Total and the request ID", err)
		}
		if calls.Load() != 1 {
			t.Errorf("%d calls: a well-formed answer was retried", calls.Load())
		}
	})
}

// Without Total, pages are read while they are full, and Total counts the hits seen.
func TestSearchImagesWithoutTotal(t *testing.T) {
	c, calls := searchServer(t, func(page int) string {
		n := 100
		if page == 2 {
			n = 30
		}
		items := make([]string, n)
		for i := range items {
			items[i] = `{"MediaId":"` + imageID((page-1)*100+i) + `"}`
		}
		return `{"RequestId":"R","MediaList":[` + strings.Join(items, ",") + `]}`
	})
	out, err := c.SearchImages(context.Background(), SearchImagesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ImageIDs) != 130 || out.Total != 130 || calls.Load() != 2 {
		t.Errorf("got %d IDs, Total %d after %d calls; want 130, 130, 2", len(out.ImageIDs), out.Total, calls.Load())
	}
}

func TestDecodeSTSAnswerMissingFields(t *testing.T) {
	const what = "STS AssumeRole at sts.example.com"
	creds := map[string]string{"AccessKeyId": "STS.a", "AccessKeySecret": leak, "SecurityToken": "tok", "Expiration": "2030-01-01T00:00:00Z"}
	body := func(leaveOut ...string) string {
		var parts []string
		for k, v := range creds {
			if !slices.Contains(leaveOut, k) {
				parts = append(parts, strconv.Quote(k)+":"+strconv.Quote(v))
			}
		}
		return `{"RequestId":"R","AssumedRoleUser":{"Arn":"acs:ram::1:role/r"},"Credentials":{` + strings.Join(parts, ",") + `}}`
	}
	s, err := decodeSTSAnswer("AssumeRole", what, []byte(body()))
	if err != nil || s.accessKeyID != "STS.a" || s.securityToken != "tok" || s.expires.IsZero() {
		t.Fatalf("got (%+v, %v)", s, err)
	}
	s, err = decodeSTSAnswer("AssumeRole", what, []byte(`{"Credentials":{"AccessKeyId":"a","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2030-01-01T00:00:00Z"}}`))
	if err != nil || s == nil {
		t.Fatalf("without RequestId or AssumedRoleUser: got (%+v, %v), want the session", s, err)
	}
	for name, tc := range map[string]struct{ body, want string }{
		"without Credentials":   {`{"RequestId":"R"}`, "lacks AccessKeyId and AccessKeySecret and SecurityToken and Expiration"},
		"Credentials null":      {`{"RequestId":"R","Credentials":null}`, "lacks AccessKeyId and AccessKeySecret and SecurityToken and Expiration"},
		"without AccessKeyId":   {body("AccessKeyId"), "lacks AccessKeyId"},
		"without the secret":    {body("AccessKeySecret"), "lacks AccessKeySecret"},
		"without SecurityToken": {body("SecurityToken"), "lacks SecurityToken"},
		"without Expiration":    {body("Expiration"), "lacks Expiration"},
		"without two":           {body("SecurityToken", "Expiration"), "lacks SecurityToken and Expiration"},
	} {
		t.Run(name, func(t *testing.T) {
			s, err := decodeSTSAnswer("AssumeRole", what, []byte(tc.body))
			var ce *CredentialError
			if s != nil || !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) ||
				!strings.HasPrefix(err.Error(), what) || ce.RequestID != "R" {
				t.Fatalf("got (%+v, %v), want a CredentialError from %q with request ID R saying %q", s, err, what, tc.want)
			}
			noLeak(t, err)
		})
	}
}

// A credentials URI or ECS metadata answer without Code is judged by its credentials; one whose
// Code is not "Success" is refused.
func TestCredentialAnswersCode(t *testing.T) {
	const creds = `"AccessKeyId":"STS.a","AccessKeySecret":"` + leak + `","SecurityToken":"t","Expiration":"2030-01-01T00:00:00Z"`
	for name, tc := range map[string]struct {
		answer, wantErr string
	}{
		"no Code":        {`{` + creds + `}`, ""},
		"Code Success":   {`{"Code":"Success",` + creds + `}`, ""},
		"Code Failed":    {`{"Code":"Failed",` + creds + `}`, `Code is not "Success"`},
		"no AccessKeyId": {`{"Code":"Success","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2030-01-01T00:00:00Z"}`, "lacks AccessKeyId"},
	} {
		t.Run("credentials URI, "+name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(tc.answer)) }))
			defer srv.Close()
			s, err := (&uriSource{f: testFetcher(0), uri: srv.URL}).get(context.Background())
			checkCredentialAnswer(t, s, err, tc.wantErr)
		})
		t.Run("ECS metadata, "+name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/latest/api/token":
					_, _ = w.Write([]byte("imds-token"))
				case "/latest/meta-data/ram/security-credentials/":
					_, _ = w.Write([]byte("vod-reader"))
				default:
					_, _ = w.Write([]byte(tc.answer))
				}
			}))
			defer srv.Close()
			old := ecsMetadataEndpoint
			ecsMetadataEndpoint = srv.URL
			defer func() { ecsMetadataEndpoint = old }()
			t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "")
			s, err := (&ecsSource{f: testFetcher(0)}).get(context.Background())
			checkCredentialAnswer(t, s, err, tc.wantErr)
		})
	}
}

func checkCredentialAnswer(t *testing.T, s *session, err error, wantErr string) {
	t.Helper()
	if wantErr == "" {
		if err != nil || s == nil || s.accessKeyID != "STS.a" {
			t.Fatalf("got (%+v, %v), want the credentials", s, err)
		}
		return
	}
	var ce *CredentialError
	if s != nil || !errors.As(err, &ce) || !strings.Contains(err.Error(), wantErr) {
		t.Fatalf("got (%+v, %v), want a CredentialError saying %q", s, err, wantErr)
	}
	noLeak(t, err)
}
