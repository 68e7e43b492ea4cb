package vodemu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// searchFixture is testImages plus images for Match: quotes and a
// backslash in titles, range boundaries, a missing CreationTime, and
// img-oss and img-userbucket created in the same second (the tie-break).
//
//	Asc:  s-notime, s-dquote, img-cdn, s-yearend, img-oss, img-userbucket, s-quote
//	Desc: s-quote, img-oss, img-userbucket, s-yearend, img-cdn, s-dquote, s-notime
func searchFixture() []Image {
	return append(testImages(),
		Image{ImageId: "s-quote", Title: `It's a \ path`, CreationTime: "2020-05-05T10:00:00Z", Status: "Uploading",
			AppId: "app-2", CateId: 7, Tags: "Sunset,Beach", Description: "Holiday at the BEACH",
			StorageLocation: "outin-aaa.oss-cn-beijing.aliyuncs.com", URL: "https://outin-aaa.oss-cn-beijing.aliyuncs.com/image/q.png"},
		Image{ImageId: "s-dquote", Title: `say "hi"`, CreationTime: "2018-01-01T00:00:00Z", Status: "Normal",
			AppId: "app-1000000", CateId: 254766071, Description: "greeting"},
		Image{ImageId: "s-yearend", Title: "Year end", CreationTime: "2018-12-31T00:00:00Z", Status: "Blocked",
			AppId: "app-3", CateId: 8, Tags: "beach,night"},
		Image{ImageId: "s-notime", Title: "No time", Status: "Uploading", AppId: "app-2", CateId: 7},
	)
}

var (
	fixtureAsc  = []string{"s-notime", "s-dquote", "img-cdn", "s-yearend", "img-oss", "img-userbucket", "s-quote"}
	fixtureDesc = []string{"s-quote", "img-oss", "img-userbucket", "s-yearend", "img-cdn", "s-dquote", "s-notime"}
)

type searchResult struct {
	RequestId string
	Total     int
	MediaList []struct {
		MediaType, MediaId, CreationTime string
		Image                            Image
	}
}

func (r searchResult) ids() []string {
	ids := []string{}
	for _, m := range r.MediaList {
		ids = append(ids, m.MediaId)
	}
	return ids
}

// search sends a V1-signed SearchMedia; "<delete>" removes a parameter.
func (h *harness) search(method string, params map[string]string) (int, http.Header, []byte) {
	h.t.Helper()
	p := v1Params("SearchMedia", h.clock.Now())
	p.Set("SearchType", "image")
	for k, v := range params {
		if v == "<delete>" {
			p.Del(k)
		} else {
			p.Set(k, v)
		}
	}
	return h.callV1(method, testSecret, p)
}

func searchOK(t *testing.T, h *harness, method string, params map[string]string) (searchResult, []byte) {
	t.Helper()
	status, hdr, body := h.search(method, params)
	if status != 200 {
		t.Fatalf("%v: %d %s", params, status, body)
	}
	var r searchResult
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if r.RequestId != hdr.Get("x-acs-request-id") || !requestIDPattern.MatchString(r.RequestId) {
		t.Fatalf("RequestId %q, header %q", r.RequestId, hdr.Get("x-acs-request-id"))
	}
	if !strings.HasPrefix(string(body), `{"RequestId":"`+r.RequestId+`","Total":`+strconv.Itoa(r.Total)+`,"MediaList":[`) {
		t.Fatalf("body order: %s", body)
	}
	for _, m := range r.MediaList {
		if m.MediaType != "image" || m.MediaId != m.Image.ImageId || m.CreationTime != m.Image.CreationTime {
			t.Fatalf("media %+v", m)
		}
	}
	return r, body
}

func TestSearchMediaMatch(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Images = searchFixture() })
	const any7 = "all"
	for _, tc := range []struct {
		match string
		want  []string // ascending by CreationTime; nil: none
	}{
		// exact
		{`ImageId = 'img-oss'`, []string{"img-oss"}},
		{`ImageId = 'IMG-OSS'`, nil},
		{`ImageId = 'img'`, nil},
		{`ImageId in ('img-oss', 'nope', 's-quote')`, []string{"img-oss", "s-quote"}},
		{`CateId = 7`, []string{"s-notime", "s-quote"}},
		{`CateId = '7'`, []string{"s-notime", "s-quote"}},
		{`CateId = "007"`, []string{"s-notime", "s-quote"}},
		{`CateId = 0`, []string{"img-oss", "img-userbucket"}},
		{`CateId = 254766071`, []string{"s-dquote", "img-cdn"}},
		{`CateId in (7, '8')`, []string{"s-notime", "s-yearend", "s-quote"}},
		{`StorageLocation = 'my-own-bucket.oss-cn-shanghai.aliyuncs.com'`, []string{"img-userbucket"}},
		{`StorageLocation = 'MY-OWN-BUCKET.oss-cn-shanghai.aliyuncs.com'`, nil},
		{`StorageLocation = 'my-own-bucket'`, nil},
		// multi-value
		{`AppId = 'app-2'`, []string{"s-notime", "s-quote"}},
		{`AppId in ('app-2','app-3')`, []string{"s-notime", "s-yearend", "s-quote"}},
		{`Status in ('Normal','Uploading')`, []string{"s-notime", "s-dquote", "img-cdn", "img-oss", "img-userbucket", "s-quote"}},
		{`Status = 'Blocked'`, []string{"s-yearend"}},
		{`Status = 'normal'`, nil},
		// fuzzy
		{`Title = 'IMAGE'`, []string{"img-cdn", "img-oss", "img-userbucket"}},
		{`Title = 'user bucket image'`, []string{"img-userbucket"}},
		{`Title = ''`, []string{any7}},
		{`Title in ('year', 'SAY')`, []string{"s-dquote", "s-yearend"}},
		{`Tags = 'beach'`, []string{"s-yearend", "s-quote"}},
		{`Tags = 'tag2,tag3'`, []string{"img-cdn"}},
		{`Tags in ('nothing', 'NIGHT')`, []string{"s-yearend"}},
		{`Description = 'beach'`, []string{"s-quote"}},
		{`Description = 'TEST desc'`, []string{"img-cdn"}},
		// range, inclusive; no CreationTime is in no range
		{`CreationTime = ('2018-01-01T00:00:00Z','2018-12-31T00:00:00Z')`, []string{"s-dquote", "img-cdn", "s-yearend"}},
		{`CreationTime = ('', '2018-12-31T00:00:00Z')`, []string{"s-dquote", "img-cdn", "s-yearend"}},
		{`CreationTime = ('2019-01-01T00:00:00Z','')`, []string{"img-oss", "img-userbucket", "s-quote"}},
		{`CreationTime = ("","")`, []string{"s-dquote", "img-cdn", "s-yearend", "img-oss", "img-userbucket", "s-quote"}},
		{`CreationTime = ('2019-01-01T00:00:01Z','2019-12-31T00:00:00Z')`, nil},
		{`CreationTime = ('2019-01-01T00:00:00Z','2018-01-01T00:00:00Z')`, nil},
		// escaping
		{`Title = 'It\'s a \\ path'`, []string{"s-quote"}},
		{`Title = "it's a \\ PATH"`, []string{"s-quote"}},
		{`Title = '\''`, []string{"s-quote"}},
		{`Title = '\\'`, []string{"s-quote"}},
		{`Title = "say \"hi\""`, []string{"s-dquote"}},
		{`Title = '"hi"'`, []string{"s-dquote"}},
		{`Title = '\s\a\y'`, []string{"s-dquote"}},
		// and; several clauses on one field all hold
		{`Title = 'image' and Status in ('Normal') and CreationTime = ('2019-01-01T00:00:00Z','')`, []string{"img-oss", "img-userbucket"}},
		{`Title = 'image' AND StorageLocation = 'my-own-bucket.oss-cn-shanghai.aliyuncs.com'`, []string{"img-userbucket"}},
		{`AppId = 'app-2' and AppId = 'app-3'`, nil},
		{`Tags = 'beach' aNd Tags = 'night'`, []string{"s-yearend"}},
		{`CateId = 7 and Title = "time"`, []string{"s-notime"}},
		// free whitespace
		{"  ImageId='img-oss'  ", []string{"img-oss"}},
		{"ImageId\t=\n'img-oss'", []string{"img-oss"}},
		{"Title='image'\r\nand\tImageId   IN(  'img-cdn' ,'img-oss'  )", []string{"img-cdn", "img-oss"}},
		{"", []string{any7}},
		{"   ", []string{any7}},
	} {
		t.Run(tc.match, func(t *testing.T) {
			want := tc.want
			if want == nil {
				want = []string{}
			} else if want[0] == any7 {
				want = fixtureAsc
			}
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				r, _ := searchOK(t, h, method, map[string]string{"Match": tc.match, "SortBy": "CreationTime:Asc", "PageSize": "100"})
				if r.Total != len(want) || !reflect.DeepEqual(r.ids(), want) {
					t.Errorf("%s: Total %d %v, want %v", method, r.Total, r.ids(), want)
				}
			}
		})
	}
	// Absent Match is every image.
	if r, _ := searchOK(t, h, http.MethodGet, map[string]string{"SortBy": "CreationTime:Asc"}); !reflect.DeepEqual(r.ids(), fixtureAsc) {
		t.Errorf("no Match: %v", r.ids())
	}
}

func TestSearchMediaSortAndPages(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Images = searchFixture() })
	for _, tc := range []struct {
		params map[string]string
		want   []string
	}{
		{map[string]string{}, fixtureDesc},
		{map[string]string{"SortBy": "CreationTime:Desc"}, fixtureDesc},
		{map[string]string{"SortBy": ""}, fixtureDesc},
		{map[string]string{"SortBy": "CreationTime:Asc"}, fixtureAsc},
		{map[string]string{"PageSize": "3"}, fixtureDesc[:3]},
		{map[string]string{"PageSize": "3", "PageNo": "2"}, fixtureDesc[3:6]},
		{map[string]string{"PageSize": "3", "PageNo": "3"}, fixtureDesc[6:]},
		{map[string]string{"PageSize": "3", "PageNo": "4"}, []string{}},
		{map[string]string{"PageSize": "2", "PageNo": "3", "SortBy": "CreationTime:Asc"}, fixtureAsc[4:6]},
		{map[string]string{"PageSize": "1", "PageNo": "7", "SortBy": "CreationTime:Asc"}, fixtureAsc[6:]},
		{map[string]string{"PageSize": "", "PageNo": ""}, fixtureDesc},
		{map[string]string{"PageSize": "100", "PageNo": "1"}, fixtureDesc},
		{map[string]string{"Fields": "Title,CateName", "ScrollToken": ""}, fixtureDesc},
	} {
		r, _ := searchOK(t, h, http.MethodGet, tc.params)
		if r.Total != len(fixtureAsc) || !reflect.DeepEqual(r.ids(), tc.want) {
			t.Errorf("%v: Total %d %v, want %v", tc.params, r.Total, r.ids(), tc.want)
		}
	}
	// Images added later are found, in their place.
	h.run.Server.PutImage(Image{ImageId: "a-late", CreationTime: "2019-01-01T00:00:00Z"})
	r, _ := searchOK(t, h, http.MethodGet, map[string]string{"SortBy": "CreationTime:Desc", "PageSize": "4"})
	if want := []string{"s-quote", "a-late", "img-oss", "img-userbucket"}; !reflect.DeepEqual(r.ids(), want) || r.Total != 8 {
		t.Errorf("after PutImage: %d %v", r.Total, r.ids())
	}
}

// TestSearchMediaCap pages 5,200 images: only the first 5,000 hits can be
// reached, a page across hit 5,000 is cut there, and Total counts all.
func TestSearchMediaCap(t *testing.T) {
	const n = 5200
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	images := make([]Image, n)
	for i := range images {
		id := fmt.Sprintf("gen-%05d", i)
		images[i] = Image{
			ImageId: id, Title: "generated", Status: "Normal",
			CreationTime:    base.Add(time.Duration(i/2) * time.Minute).Format(timestampLayout), // pairs tie
			StorageLocation: "outin-gen.oss-cn-shanghai.aliyuncs.com",
			URL:             "https://outin-gen.oss-cn-shanghai.aliyuncs.com/image/" + id + ".png",
		}
	}
	h := newHarness(t, func(o *Options) { o.Images = images })
	asc := func(from, to int) []string {
		ids := []string{}
		for i := from; i < to; i++ {
			ids = append(ids, fmt.Sprintf("gen-%05d", i))
		}
		return ids
	}
	// Descending by time, each tied pair in ImageId order.
	desc := func(from, to int) []string {
		ids := []string{}
		for k := from; k < to; k++ {
			ids = append(ids, fmt.Sprintf("gen-%05d", 2*(n/2-1-k/2)+k%2))
		}
		return ids
	}
	for _, tc := range []struct {
		sort, pageNo, pageSize, match string
		total                         int
		want                          []string
	}{
		{"CreationTime:Asc", "1", "", "", n, asc(0, 10)},
		{"CreationTime:Asc", "50", "100", "", n, asc(4900, 5000)},
		{"CreationTime:Asc", "500", "", "", n, asc(4990, 5000)},
		{"CreationTime:Asc", "167", "30", "", n, asc(4980, 5000)}, // straddles: cut at 5000
		{"CreationTime:Asc", "715", "7", "", n, asc(4998, 5000)},  // straddles
		{"CreationTime:Asc", "5000", "1", "", n, asc(4999, 5000)},
		{"", "1", "4", "", n, desc(0, 4)},
		{"CreationTime:Desc", "50", "100", "", n, desc(4900, 5000)},
		{"CreationTime:Desc", "167", "30", "", n, desc(4980, 5000)},
		// Narrowing Match reaches the rest.
		{"CreationTime:Asc", "1", "100", "CreationTime = ('" + base.Add(2550*time.Minute).Format(timestampLayout) + "','')", 100, asc(5100, 5200)},
		{"", "1", "", "ImageId = 'gen-05123'", 1, asc(5123, 5124)},
	} {
		r, body := searchOK(t, h, http.MethodGet, map[string]string{"SortBy": tc.sort, "PageNo": tc.pageNo, "PageSize": tc.pageSize, "Match": tc.match})
		if r.Total != tc.total || !reflect.DeepEqual(r.ids(), tc.want) {
			t.Errorf("%+v: Total %d, %d items %v", tc, r.Total, len(r.ids()), r.ids())
		}
		if len(r.MediaList) > 0 {
			if err := VerifyOSSURL(r.MediaList[0].Image.URL, DefaultOSSAccessKeyID, DefaultOSSAccessKeySecret, testNow); err != nil {
				t.Errorf("%+v: %v: %.300s", tc, err, body)
			}
		}
	}
	for _, tc := range []struct{ pageNo, pageSize string }{
		{"51", "100"}, {"168", "30"}, {"5001", "1"}, {"501", ""}, {"715", "8"}, {"9223372036854775807", "100"},
	} {
		status, hdr, body := h.search(http.MethodGet, map[string]string{"PageNo": tc.pageNo, "PageSize": tc.pageSize})
		msg := checkError(t, status, hdr, body, 400, "InvalidParameter")
		if want := `The specified parameter "PageNo" is not valid. Page browsing reaches only the first 5000 results`; !strings.HasPrefix(msg, want) ||
			!strings.Contains(msg, "Narrow Match") {
			t.Errorf("%+v: message %q", tc, msg)
		}
	}
}

func TestSearchMediaOtherTypes(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Images = searchFixture() })
	for _, params := range []map[string]string{
		{"SearchType": "<delete>"},
		{"SearchType": ""},
		{"SearchType": "video"},
		{"SearchType": "audio"},
		{"SearchType": "attached"},
		{"SearchType": "video", "Match": "VideoId = 'x' or Duration > 3", "ScrollToken": "abc"}, // not image fields: not checked
		{"SearchType": "<delete>", "Match": "Title = 'image'", "SortBy": "CreationTime:Asc", "PageSize": "100"},
	} {
		r, body := searchOK(t, h, http.MethodPost, params)
		if r.Total != 0 || !strings.HasSuffix(string(body), `,"Total":0,"MediaList":[]}`+"\n") {
			t.Errorf("%v: %s", params, body)
		}
	}
	// Paging limits hold for every type.
	status, hdr, body := h.search(http.MethodGet, map[string]string{"SearchType": "video", "PageNo": "5001", "PageSize": "1"})
	if msg := checkError(t, status, hdr, body, 400, "InvalidParameter"); !strings.Contains(msg, `"PageNo"`) {
		t.Errorf("video past the cap: %q", msg)
	}
	// An image search with no hits answers [] too.
	if _, body := searchOK(t, h, http.MethodGet, map[string]string{"Match": "ImageId = 'nope'"}); !strings.HasSuffix(string(body), `,"Total":0,"MediaList":[]}`+"\n") {
		t.Errorf("no hits: %s", body)
	}
}

func TestSearchMediaInvalid(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Images = searchFixture() })
	const (
		fieldList = "; supported: AppId, CateId, CreationTime, Description, ImageId, Status, StorageLocation, Tags, Title."
		badMatch  = `The specified parameter "Match" is not valid. `
	)
	for _, tc := range []struct {
		params map[string]string
		msg    string // the message contains it
	}{
		{map[string]string{"SearchType": "Image"}, `"SearchType"`},
		{map[string]string{"SearchType": "images"}, `"SearchType"`},
		{map[string]string{"SearchType": "video,image"}, `"SearchType"`},
		{map[string]string{"SortBy": "CreationTime"}, `"SortBy"`},
		{map[string]string{"SortBy": "CreationTime:desc"}, `"SortBy"`},
		{map[string]string{"SortBy": "CreationTime:Desc "}, `"SortBy"`},
		{map[string]string{"SortBy": "Title:Asc"}, `"SortBy"`},
		{map[string]string{"PageNo": "0"}, `"PageNo"`},
		{map[string]string{"PageNo": "-1"}, `"PageNo"`},
		{map[string]string{"PageNo": "abc"}, `"PageNo"`},
		{map[string]string{"PageNo": "1.5"}, `"PageNo"`},
		{map[string]string{"PageNo": " 1"}, `"PageNo"`},
		{map[string]string{"PageNo": "99999999999999999999"}, `"PageNo"`},
		{map[string]string{"PageSize": "0"}, `"PageSize"`},
		{map[string]string{"PageSize": "101"}, `"PageSize" is not valid. It must be an integer from 1 to 100.`},
		{map[string]string{"PageSize": "-5"}, `"PageSize"`},
		{map[string]string{"PageSize": "x"}, `"PageSize"`},
		{map[string]string{"ScrollToken": "abc"}, `The specified parameter "ScrollToken" is not valid. ScrollToken traversal is only for audio and video`},
		{map[string]string{"Match": "Foo = 'x'"}, badMatch + `Unknown field "Foo" at offset 0` + fieldList},
		{map[string]string{"Match": "title = 'x'"}, badMatch + `Unknown field "title" (field names are case-sensitive: Title) at offset 0` + fieldList},
		{map[string]string{"Match": "VideoId = 'x'"}, `Unknown field "VideoId" at offset 0`},
		{map[string]string{"Match": "Title = 'a' or Title = 'b'"}, badMatch + `"or" is not supported at offset 12; clauses can only be joined by "and".`},
		{map[string]string{"Match": "(Title = 'a')"}, badMatch + `Parentheses grouping is not supported at offset 0.`},
		{map[string]string{"Match": "Title = 'a' and (Status = 'b')"}, `Parentheses grouping is not supported at offset 16.`},
		{map[string]string{"Match": "CreationTime in ('2018-01-01T00:00:00Z')"}, `CreationTime does not take "in" at offset 13; write CreationTime = ('from','to').`},
		{map[string]string{"Match": "Status = ('a','b')"}, `Status does not take a range ('from','to') at offset 9; only CreationTime does.`},
		{map[string]string{"Match": "CateId = (1, 2)"}, `CateId does not take a range ('from','to') at offset 9`},
		{map[string]string{"Match": "CreationTime = '2018-01-01T00:00:00Z'"}, `CreationTime takes only a range at offset 15; write CreationTime = ('from','to'), either bound may be ''.`},
		{map[string]string{"Match": "CreationTime = ('2018-01-01','')"}, `CreationTime bound "2018-01-01" is not yyyy-MM-ddTHH:mm:ssZ at offset 16.`},
		{map[string]string{"Match": "CreationTime = ('', '2018-01-01T00:00:00.5Z')"}, `CreationTime bound "2018-01-01T00:00:00.5Z" is not yyyy-MM-ddTHH:mm:ssZ at offset 20.`},
		{map[string]string{"Match": "CreationTime = ('2018-02-30T00:00:00Z','')"}, `is not yyyy-MM-ddTHH:mm:ssZ at offset 16.`},
		{map[string]string{"Match": "CreationTime = ('2018-01-01T00:00:00Z')"}, `A CreationTime range has exactly two bounds ('from','to'), not 1 at offset 15.`},
		{map[string]string{"Match": "CreationTime = ('','','')"}, `exactly two bounds ('from','to'), not 3 at offset 15.`},
		{map[string]string{"Match": "CreationTime = (1, 2)"}, `Expected a quoted CreationTime bound, found "1" at offset 16.`},
		{map[string]string{"Match": "Title = 'abc"}, badMatch + `Unterminated string at offset 8.`},
		{map[string]string{"Match": `Title = 'abc\'`}, `Unterminated string at offset 8.`},
		{map[string]string{"Match": `Title = "abc'`}, `Unterminated string at offset 8.`},
		{map[string]string{"Match": "Title = 'a' Status = 'b'"}, `Expected "and" or the end of Match, found "Status" at offset 12.`},
		{map[string]string{"Match": "Title = 'a' ;"}, `Expected "and" or the end of Match, found ";" at offset 12.`},
		{map[string]string{"Match": "Title = 'a' and"}, `Expected a field name, found the end of Match at offset 15.`},
		{map[string]string{"Match": "Title = 'a' and "}, `Expected a field name, found the end of Match at offset 16.`},
		{map[string]string{"Match": "Title = 'a'and Status = 'b'"}, `"and" must be preceded by whitespace at offset 11.`},
		{map[string]string{"Match": "Title = 'a' and(Status = 'b')"}, `"and" must be followed by whitespace at offset 12.`},
		{map[string]string{"Match": "and Title = 'a'"}, `Expected a field name, found "and" at offset 0.`},
		{map[string]string{"Match": "= 'a'"}, `Expected a field name, found "=" at offset 0.`},
		{map[string]string{"Match": "Title != 'a'"}, `Expected "=" or "in" after Title, found "!" at offset 6.`},
		{map[string]string{"Match": "Title like 'a'"}, `Expected "=" or "in" after Title, found "like" at offset 6.`},
		{map[string]string{"Match": "Title"}, `Expected "=" or "in" after Title, found the end of Match at offset 5.`},
		{map[string]string{"Match": "Title = a"}, `Expected a quoted string for Title, found "a" at offset 8.`},
		{map[string]string{"Match": "Title = 123"}, `Expected a quoted string for Title, found "123" at offset 8.`},
		{map[string]string{"Match": "Title = 'é' and Title = é"}, `Expected a quoted string for Title, found "é" at offset 25.`},
		{map[string]string{"Match": "CateId = 'x'"}, `CateId value "x" is not an integer at offset 9.`},
		{map[string]string{"Match": "CateId = 99999999999999999999"}, `CateId value "99999999999999999999" is not an integer at offset 9.`},
		{map[string]string{"Match": "CateId = abc"}, `Expected a number or a quoted string for CateId, found "abc" at offset 9.`},
		{map[string]string{"Match": "CateId = 1.5"}, `Expected "and" or the end of Match, found "." at offset 10.`},
		{map[string]string{"Match": "AppId in ()"}, `Expected a quoted string for AppId, found ")" at offset 10.`},
		{map[string]string{"Match": "AppId in ('a',)"}, `Expected a quoted string for AppId, found ")" at offset 14.`},
		{map[string]string{"Match": "AppId in ('a' 'b')"}, `Expected "," or ")", found "'" at offset 14.`},
		{map[string]string{"Match": "AppId in ('a'"}, `Unterminated list: expected "," or ")", found the end of Match at offset 13.`},
		{map[string]string{"Match": "AppId in 'a'"}, `Expected "(" after "in", found "'" at offset 9.`},
		{map[string]string{"Match": "Status = 'Normal' and Status = ('a')"}, `Status does not take a range ('from','to') at offset 31`},
	} {
		t.Run(fmt.Sprint(tc.params), func(t *testing.T) {
			status, hdr, body := h.search(http.MethodPost, tc.params)
			if msg := checkError(t, status, hdr, body, 400, "InvalidParameter"); !strings.Contains(msg, tc.msg) {
				t.Errorf("message %q\n does not contain %q", msg, tc.msg)
			}
		})
	}
}

// TestSearchMediaImage checks that each Image is what GetImageInfos returns
// without OutputType and AuthTimeout, and its URL what GetImageInfo returns.
func TestSearchMediaImage(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Images = searchFixture() })
	_, body := searchOK(t, h, http.MethodGet, map[string]string{"Match": "ImageId in ('img-cdn','img-oss')", "SortBy": "CreationTime:Asc"})
	var raw struct {
		MediaList []struct{ Image json.RawMessage }
	}
	if err := json.Unmarshal(body, &raw); err != nil || len(raw.MediaList) != 2 {
		t.Fatalf("%v: %s", err, body)
	}
	if want := `"MediaList":[{"MediaType":"image","MediaId":"img-cdn","CreationTime":"2018-11-21T02:37:23Z","Image":{"CreationTime":"2018-11-21T02:37:23Z",`; !strings.Contains(string(body), want) {
		t.Fatalf("item shape: %s", body)
	}

	p := v1Params("GetImageInfos", testNow)
	p.Set("ImageIds", "img-cdn,img-oss")
	status, _, infosBody := h.callV1(http.MethodGet, testSecret, p)
	var infos struct{ ImageInfo []json.RawMessage }
	if err := json.Unmarshal(infosBody, &infos); status != 200 || err != nil || len(infos.ImageInfo) != 2 {
		t.Fatalf("GetImageInfos: %d %v %s", status, err, infosBody)
	}
	for i, id := range []string{"img-cdn", "img-oss"} {
		if string(raw.MediaList[i].Image) != string(infos.ImageInfo[i]) {
			t.Errorf("%s:\n SearchMedia   %s\n GetImageInfos %s", id, raw.MediaList[i].Image, infos.ImageInfo[i])
		}
		var img Image
		if err := json.Unmarshal(raw.MediaList[i].Image, &img); err != nil {
			t.Fatal(err)
		}
		if _, single := getImage(t, h, map[string]string{"ImageId": id}); single.URL != img.URL {
			t.Errorf("%s: URL %s, GetImageInfo %s", id, img.URL, single.URL)
		}
	}
	var cdn Image
	_ = json.Unmarshal(raw.MediaList[0].Image, &cdn)
	if err := VerifyCDNURL(cdn.URL, DefaultCDNPrivateKey, testNow); err != nil {
		t.Fatal(err)
	}
	if VerifyCDNURL(cdn.URL, DefaultCDNPrivateKey, testNow.Add((DefaultAuthTimeout+1)*time.Second)) == nil {
		t.Fatal("URL valid past the default AuthTimeout")
	}
	if cdn.ModificationTime != "2018-11-22T02:37:23Z" || cdn.Ext != "png" || cdn.Mezzanine == nil ||
		VerifyOSSURL(cdn.Mezzanine.FileURL, DefaultOSSAccessKeyID, DefaultOSSAccessKeySecret, testNow) != nil {
		t.Fatalf("%+v", cdn)
	}
	// OutputType and AuthTimeout are not SearchMedia parameters.
	r, _ := searchOK(t, h, http.MethodGet, map[string]string{"Match": "ImageId = 'img-cdn'", "OutputType": "oss", "AuthTimeout": "60"})
	if r.MediaList[0].Image.URL != cdn.URL {
		t.Errorf("OutputType/AuthTimeout changed the URL: %s", r.MediaList[0].Image.URL)
	}
	// The stored image is not changed by signing.
	if stored, _ := h.run.Server.image("img-cdn"); stored.URL != "https://cdn.example.com/image/default/ABC.png" ||
		!strings.HasPrefix(stored.Mezzanine.FileURL, "https://") || strings.Contains(stored.Mezzanine.FileURL, "?") {
		t.Errorf("stored image changed: %+v %+v", stored, stored.Mezzanine)
	}
}

func TestSearchMediaV3AndLimits(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Images = searchFixture(); o.QPS = 2 })
	match := `Title = "it's a \\ path" and Status in ('Uploading', 'Normal*') and CateId = 7`
	for i, v := range []v3Request{
		{action: "SearchMedia", query: url.Values{"SearchType": {"image"}, "Match": {match}}},
		{action: "SearchMedia", body: []byte(url.Values{"SearchType": {"image"}, "Match": {match}}.Encode())},
	} {
		status, _, body := h.callV3(v)
		var r searchResult
		if err := json.Unmarshal(body, &r); status != 200 || err != nil || !reflect.DeepEqual(r.ids(), []string{"s-quote"}) {
			t.Errorf("V3 %d: %d %v %s", i, status, err, body)
		}
	}
	// QPS 2: the two calls above spent SearchMedia's bucket, not GetImageInfo's.
	status, hdr, body := h.search(http.MethodGet, nil)
	checkError(t, status, hdr, body, 400, "Throttling.User")
	if _, img := getImage(t, h, map[string]string{"ImageId": "img-oss"}); img.ImageId != "img-oss" {
		t.Fatal(img.ImageId)
	}
	if st := h.run.Server.Stats(); st.ByAction["SearchMedia"] != 3 || st.ByCode["Throttling.User"] != 1 {
		t.Errorf("stats %+v", st)
	}
}

// TestSDKSearchMedia sends a Match full of characters that percent-encoding
// treats specially (quotes, parentheses, backslash, *, non-ASCII) through
// Alibaba Cloud's SDK core, V3 and V1, GET and POST.
func TestSDKSearchMedia(t *testing.T) {
	images := append(searchFixture(), Image{ImageId: "s-odd", Title: `a*b (c) ~d+e 图片`, CreationTime: "2021-01-01T00:00:00Z"})
	r, err := Start(Options{AccessKeyID: testAK, AccessKeySecret: testSecret, Images: images})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	for _, algorithm := range []string{"", "v2"} {
		c := sdkClient(t, r, testSecret, "", algorithm)
		for _, method := range []string{"GET", "POST"} {
			for match, want := range map[string]string{
				`Title = 'It\'s a \\ path' and Status in ('Uploading') and CateId = 7`: `"MediaId":"s-quote"`,
				`Title = "*b (C) ~d+e 图" and ImageId in ('s-odd')`:                     `"MediaId":"s-odd"`,
			} {
				res, err := sdkCall(c, "SearchMedia", method, map[string]string{"SearchType": "image", "Match": match})
				if err != nil {
					t.Fatalf("%q %s %q: %v", algorithm, method, match, err)
				}
				if b, _ := json.Marshal(res["body"]); !strings.Contains(string(b), `"Total":1`) || !strings.Contains(string(b), want) {
					t.Errorf("%q %s %q: %s", algorithm, method, match, b)
				}
			}
		}
		_, err := sdkCall(c, "SearchMedia", "POST", map[string]string{"SearchType": "image", "Match": "Title = 'x' or Title = 'y'"})
		if err == nil || !strings.Contains(err.Error(), "InvalidParameter") || !strings.Contains(err.Error(), `"or" is not supported at offset 12`) {
			t.Errorf("%q: bad Match: %v", algorithm, err)
		}
	}
}
