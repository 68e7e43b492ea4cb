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
// backslash in titles, range boundaries, and img-oss and img-userbucket
// created in the same second (the tie-break).
//
//	Asc:  s-notime, s-dquote, img-cdn, s-yearend, img-oss, img-userbucket, s-quote
//	Desc: s-quote, img-oss, img-userbucket, s-yearend, img-cdn, s-dquote, s-notime
func searchFixture() []Image {
	return append(testImages(),
		Image{
			ImageInfo: ImageInfo{ImageID: "s-quote", Title: `It's a \ path`, CreationTime: "2020-05-05T10:00:00Z", Status: "Uploading",
				AppID: "app-2", CateID: 7, Tags: "Sunset,Beach", Description: "Holiday at the BEACH",
				StorageLocation: "outin-aaa.oss-cn-beijing.aliyuncs.com", URL: "https://outin-aaa.oss-cn-beijing.aliyuncs.com/image/q.png",
			},
		},
		Image{
			ImageInfo: ImageInfo{ImageID: "s-dquote", Title: `say "hi"`, CreationTime: "2018-01-01T00:00:00Z", Status: "Normal",
				AppID: "app-1000000", CateID: 254766071, Description: "greeting", URL: "https://outin-aaa.oss-cn-beijing.aliyuncs.com/image/d.png",
			},
		},
		Image{
			ImageInfo: ImageInfo{ImageID: "s-yearend", Title: "Year end", CreationTime: "2018-12-31T00:00:00Z", Status: "UploadFail",
				AppID: "app-3", CateID: 8, Tags: "beach,night", URL: "https://outin-aaa.oss-cn-beijing.aliyuncs.com/image/y.png",
			},
		},
		Image{
			ImageInfo: ImageInfo{ImageID: "s-notime", Title: "No time", Status: "Uploading", AppID: "app-2", CateID: 7,
				URL: "https://outin-aaa.oss-cn-beijing.aliyuncs.com/image/n.png", CreationTime: "2017-01-01T00:00:00Z",
			},
		},
	)
}

var (
	fixtureAsc  = []string{"s-notime", "s-dquote", "img-cdn", "s-yearend", "img-oss", "img-userbucket", "s-quote"}
	fixtureDesc = []string{"s-quote", "img-oss", "img-userbucket", "s-yearend", "img-cdn", "s-dquote", "s-notime"}
)

type searchResult struct {
	RequestId   string
	Total       int
	ScrollToken string
	MediaList   []struct {
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
	if !strings.HasPrefix(string(body), `{"RequestId":"`+r.RequestId+`","Total":`+strconv.Itoa(r.Total)+`,`) {
		t.Fatalf("body order: %s", body)
	}
	if (r.Total > 0) != (len(r.ScrollToken) == 32) {
		t.Fatalf("ScrollToken %q with Total %d", r.ScrollToken, r.Total)
	}
	for _, m := range r.MediaList {
		if m.MediaType != "image" || m.MediaId != m.Image.ImageID || m.CreationTime != m.Image.CreationTime {
			t.Fatalf("media %+v", m)
		}
	}
	return r, body
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
	if err := h.run.Server.PutImage(Image{ImageInfo: ImageInfo{ImageID: "a-late", CreationTime: "2019-01-01T00:00:00Z", URL: "https://outin-a.oss-cn-shanghai.aliyuncs.com/l.png"}}); err != nil {
		t.Fatal(err)
	}
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
			ImageInfo: ImageInfo{
				ImageID: id, Title: "generated", Status: "Normal",
				CreationTime:    base.Add(time.Duration(i/2) * time.Minute).Format(timestampLayout), // pairs tie
				StorageLocation: "outin-gen.oss-cn-shanghai.aliyuncs.com",
				URL:             "https://outin-gen.oss-cn-shanghai.aliyuncs.com/image/" + id + ".png",
			},
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
		{"CreationTime:Asc", "1", "100", "CreationTime = ['" + base.Add(2550*time.Minute).Format(timestampLayout) + "',)", 100, asc(5100, 5200)},
		{"", "1", "", "ImageId = 'gen-05123'", 1, asc(5123, 5124)},
	} {
		r, body := searchOK(t, h, http.MethodGet, map[string]string{"SortBy": tc.sort, "PageNo": tc.pageNo, "PageSize": tc.pageSize, "Match": tc.match, "Fields": "URL"})
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
	if _, img := getImage(t, h, map[string]string{"ImageId": "img-oss"}); img.ImageID != "img-oss" {
		t.Fatal(img.ImageID)
	}
	if st := h.run.Server.Stats(); st.ByAction["SearchMedia"] != 3 || st.ByCode["Throttling.User"] != 1 {
		t.Errorf("stats %+v", st)
	}
}

// TestSDKSearchMedia sends a Match full of characters that percent-encoding
// treats specially (quotes, parentheses, backslash, *, non-ASCII) through
// Alibaba Cloud's SDK core, V3 and V1, GET and POST.
func TestSDKSearchMedia(t *testing.T) {
	images := append(searchFixture(), Image{
		ImageInfo: ImageInfo{ImageID: "s-odd", Title: `a*b (c) ~d+e 图片`, CreationTime: "2021-01-01T00:00:00Z",
			URL: "https://outin-a.oss-cn-shanghai.aliyuncs.com/odd.png",
		},
	})
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
				`(Title = "*b (C) ~d+e 图" or Title = '[x]') and ImageId = 's-odd'`:     `"MediaId":"s-odd"`,
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
		if err == nil || !strings.Contains(err.Error(), "ErrorMatchSyntax") || !strings.Contains(err.Error(), `"or" outside parentheses at offset 12`) {
			t.Errorf("%q: bad Match: %v", algorithm, err)
		}
	}
}

// TestSearchMediaMatchOverHTTP runs documented Match forms through a signed
// request (the parser's table is in match_test.go).
func TestSearchMediaMatchOverHTTP(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Images = searchFixture() })
	for match, want := range map[string][]string{
		`Title = 'It\'s a \\ path'`:                                            {"s-quote"},
		`AppId in ('app-2','app-3')`:                                           {"s-notime", "s-yearend", "s-quote"},
		`CreationTime = ['2018-01-01T00:00:00Z','2018-12-31T00:00:00Z']`:       {"s-dquote", "img-cdn", "s-yearend"},
		`CreationTime = ('2018-01-01T00:00:00Z','2018-12-31T00:00:00Z')`:       {"img-cdn"},
		`CreationTime = ('2019-01-01T00:00:00Z',)`:                             {"s-quote"},
		`CreationTime = ['2019-01-01T00:00:00Z',)`:                             {"img-oss", "img-userbucket", "s-quote"},
		`(ImageId = 'img-oss' or Tags = 'night') and Status in ('UploadFail')`: {"s-yearend"},
	} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			r, _ := searchOK(t, h, method, map[string]string{"Match": match, "SortBy": "CreationTime:Asc", "PageSize": "100"})
			if r.Total != len(want) || !reflect.DeepEqual(r.ids(), want) {
				t.Errorf("%s %q: Total %d %v, want %v", method, match, r.Total, r.ids(), want)
			}
		}
	}
	status, hdr, body := h.search(http.MethodGet, map[string]string{"Match": "Status = 'Normal'"})
	if msg := checkError(t, status, hdr, body, 400, "ErrorMatchSyntax"); msg !=
		`The parameter Match.Status has an error syntax, please check it. Status takes only "in", not "=" at offset 7; write Status in ('a','b').` {
		t.Errorf("message %q", msg)
	}
}

// TestSearchMediaFieldsAndSort: Image carries ImageId and CreationTime, and
// what Fields adds; ScrollToken is top-level and ignored in requests;
// SortBy takes up to three of the image sort fields.
func TestSearchMediaFieldsAndSort(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Images = searchFixture() })
	_, body := searchOK(t, h, http.MethodGet, map[string]string{"Match": "ImageId = 'img-cdn'", "ScrollToken": "ignored-for-images"})
	var raw struct {
		MediaList []struct{ Image map[string]json.RawMessage }
	}
	if err := json.Unmarshal(body, &raw); err != nil || len(raw.MediaList) != 1 {
		t.Fatalf("%v: %s", err, body)
	}
	if got := raw.MediaList[0].Image; len(got) != 2 || string(got["ImageId"]) != `"img-cdn"` || string(got["CreationTime"]) != `"2018-11-21T02:37:23Z"` {
		t.Errorf("default Image: %s", body)
	}
	_, body = searchOK(t, h, http.MethodGet, map[string]string{"Match": "ImageId = 'img-cdn'",
		"Fields": "Title,ModificationTime,CateId,URL,CoverURL,AppId,CateName,Description,Status,StorageLocation,Tags"})
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	img := raw.MediaList[0].Image
	if len(img) != 12 || string(img["ModificationTime"]) != `"2018-11-22T02:37:23Z"` || string(img["CateId"]) != "254766071" {
		t.Errorf("Image with Fields: %s", body)
	}
	var u string
	_ = json.Unmarshal(img["URL"], &u)
	if err := VerifyCDNURL(u, DefaultCDNPrivateKey, 0, testNow); err != nil {
		t.Error(err)
	}
	for sortBy, want := range map[string][]string{
		"ModificationTime:Desc,CreationTime:Asc":   {"img-cdn", "s-notime", "s-dquote", "s-yearend", "img-oss", "img-userbucket", "s-quote"},
		"CreationTime:Desc,ModificationTime:Asc":   fixtureDesc,
		"ModificationTime:Asc , CreationTime:Desc": {"s-quote", "img-oss", "img-userbucket", "s-yearend", "s-dquote", "s-notime", "img-cdn"},
	} {
		r, _ := searchOK(t, h, http.MethodGet, map[string]string{"SortBy": sortBy, "PageSize": "100"})
		if !reflect.DeepEqual(r.ids(), want) {
			t.Errorf("%s: %v, want %v", sortBy, r.ids(), want)
		}
	}
	for _, sortBy := range []string{"CreationTime", "CreationTime:desc", "Title:Asc", "CreationTime:Desc,CreationTime:Asc",
		"CreationTime:Desc,ModificationTime:Desc,CreationTime:Asc,ModificationTime:Asc"} {
		status, hdr, body := h.search(http.MethodGet, map[string]string{"SortBy": sortBy})
		if msg := checkError(t, status, hdr, body, 400, "InvalidParameter"); !strings.Contains(msg, `"SortBy"`) {
			t.Errorf("%s: %q", sortBy, msg)
		}
	}
	for _, p := range []map[string]string{{"SearchType": "Image"}, {"PageNo": "0"}, {"PageSize": "101"}, {"PageNo": "x"}} {
		status, hdr, body := h.search(http.MethodGet, p)
		checkError(t, status, hdr, body, 400, "InvalidParameter")
	}
}

// The same search, asked again after each kind of write, answers from the store as it is now:
// SearchMedia's hits are cached between writes (searchCache), and every writer starts a new
// generation. Each write is checked against a search made just before it.
func TestSearchSeesEveryWrite(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	all := func() map[string]searchImage {
		out := map[string]searchImage{}
		for _, img := range h.searchFields("") {
			out[img.ImageID] = img
		}
		return out
	}
	before := len(all())

	// An upload: the new image is found, then found Normal once its object is complete.
	tk := h.createUpload(nil)
	if got, ok := all()[tk.ImageID]; !ok || got.Status != "Uploading" || len(all()) != before+1 {
		t.Fatalf("after CreateUploadImage: %+v (found %v)", got, ok)
	}
	h.putRaw(tk, noisePNG(t, 3, 3, 1))
	if got := all()[tk.ImageID]; got.Status != "Normal" {
		t.Fatalf("after the upload: %+v", got)
	}
	// UpdateImageInfos.
	all()
	if status, body := h.call("UpdateImageInfos", map[string]string{"UpdateContent": `[{"ImageId":"` + tk.ImageID + `","Title":"renamed"}]`}); status != http.StatusOK {
		t.Fatalf("UpdateImageInfos: %d %s", status, body)
	}
	if got := all()[tk.ImageID]; got.Title != "renamed" {
		t.Errorf("after UpdateImageInfos: %+v", got)
	}
	// A category renamed: the images in it show the new name.
	cat := h.addCategory("before", 0, "")
	if status, body := h.call("UpdateImageInfos", map[string]string{"UpdateContent": fmt.Sprintf(`[{"ImageId":"%s","CateId":%d}]`, tk.ImageID, cat.CateID)}); status != http.StatusOK {
		t.Fatalf("UpdateImageInfos: %d %s", status, body)
	}
	if got := all()[tk.ImageID]; got.CateName != "before" {
		t.Fatalf("after the category was set: %+v", got)
	}
	if status, body := h.call("UpdateCategory", map[string]string{"CateId": strconv.FormatInt(cat.CateID, 10), "CateName": "after"}); status != http.StatusOK {
		t.Fatalf("UpdateCategory: %d %s", status, body)
	}
	if got := all()[tk.ImageID]; got.CateName != "after" {
		t.Errorf("after UpdateCategory: %+v", got)
	}
	// DeleteImage, and the control endpoint's deletion.
	if status, body := h.call("DeleteImage", map[string]string{"DeleteImageType": "ImageId", "ImageIds": tk.ImageID}); status != http.StatusOK {
		t.Fatalf("DeleteImage: %d %s", status, body)
	}
	if got, ok := all()[tk.ImageID]; ok {
		t.Errorf("after DeleteImage: still found %+v", got)
	}
	victim := ""
	for id := range all() {
		victim = id
		break
	}
	if !h.run.Server.DeleteImage(victim) {
		t.Fatalf("control deletion of %s failed", victim)
	}
	if got, ok := all()[victim]; ok || len(all()) != before-1 {
		t.Errorf("after the control deletion: %s still found (%+v), %d images", victim, got, len(all()))
	}
}
