package vodemu

import (
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// matchImages are the images the Match table below is evaluated against.
var matchImages = []Image{
	{
		ImageInfo: ImageInfo{ImageID: "a", AppID: "app-1", CateID: 7, StorageLocation: "outin-1.oss-cn-shanghai.aliyuncs.com", Title: "Spring Cover",
			Tags: "spring,cover", Description: "first", Status: "Normal", CreationTime: "2024-01-01T00:00:00Z", Mezzanine: &Mezzanine{OriginalFileName: "spring.jpg"},
		},
		ModificationTime: "2024-02-01T00:00:00Z",
	},
	{
		ImageInfo: ImageInfo{ImageID: "b", AppID: "app-2", CateID: 8, StorageLocation: "outin-2.oss-cn-shanghai.aliyuncs.com", Title: "Autumn",
			Tags: "autumn", Status: "Uploading", CreationTime: "2024-06-01T00:00:00Z",
		},
		ModificationTime: "2024-06-02T00:00:00Z",
	},
	{ImageInfo: ImageInfo{ImageID: "c", AppID: "app-1", Title: "no dates", Status: "UploadFail"}},
}

func matchIDs(t *testing.T, match string) ([]string, *matchError) {
	t.Helper()
	q, err := parseMatch(match)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, img := range matchImages {
		if q.match(img) {
			ids = append(ids, img.ImageID)
		}
	}
	return ids, nil
}

// TestMatchDocumentedForms: every form the protocol page (doc 86991) and the
// developer guide's examples allow for image fields, and what each selects.
func TestMatchDocumentedForms(t *testing.T) {
	for match, want := range map[string][]string{
		``:              {"a", "b", "c"},
		`   `:           {"a", "b", "c"},
		`ImageId = 'a'`: {"a"},
		`CateId = 7`:    {"a"},
		`CateId = '8'`:  {"b"},
		`StorageLocation = 'outin-2.oss-cn-shanghai.aliyuncs.com'`:                                           {"b"},
		`StorageLocation in ('outin-1.oss-cn-shanghai.aliyuncs.com','outin-2.oss-cn-shanghai.aliyuncs.com')`: {"a", "b"},
		`AppId in ('app-1')`:               {"a", "c"},
		`Status in ('Normal','Uploading')`: {"a", "b"},
		`Title = 'cover'`:                  {"a"}, // fuzzy, any case
		`Title in ('autumn','dates')`:      {"b", "c"},
		`Tags = 'spr'`:                     {"a"},
		`Description = 'fir'`:              {"a"},
		`FileName = 'spring'`:              {"a"},
		`FileName in ('nothing')`:          nil,
		`CreationTime = ('2024-01-01T00:00:00Z','2024-06-01T00:00:00Z')`:              nil,        // both ends open
		`CreationTime = ['2024-01-01T00:00:00Z','2024-06-01T00:00:00Z']`:              {"a", "b"}, // both closed
		`CreationTime = ['2024-01-01T00:00:00Z','2024-06-01T00:00:00Z')`:              {"a"},
		`CreationTime = ('2024-01-01T00:00:00Z',)`:                                    {"b"}, // the developer guide's one-sided form
		`CreationTime = ['2024-01-01T00:00:00Z',)`:                                    {"a", "b"},
		`CreationTime = (,'2024-06-01T00:00:00Z']`:                                    {"a", "b"},
		`ModificationTime = ['2024-06-02T00:00:00Z',)`:                                {"b"},
		`Title = 'spring' and Status in ('Normal')`:                                   {"a"},
		`(Title = 'spring' or Title = 'autumn')`:                                      {"a", "b"},
		`(ImageId = 'a' or ImageId = 'c') and AppId in ('app-1')`:                     {"a", "c"},
		`AppId in ('app-1') AND (Status in ('Normal') OR CateId = 8 and Title = 'x')`: {"a"},
		`((ImageId = 'b'))`:                       {"b"},
		"Title\t=\n'SPRING'  and\r\nTags='cover'": {"a"},
		`Title = "Autumn"`:                        {"b"},
		`Title = 'it\'s'`:                         nil,
	} {
		got, err := matchIDs(t, match)
		if err != nil {
			t.Errorf("%q rejected: %v", match, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q selects %v, want %v", match, got, want)
		}
	}
}

// TestMatchRejected: what the image table does not allow, each answered
// ErrorMatchSyntax naming the field.
func TestMatchRejected(t *testing.T) {
	for match, wantField := range map[string]string{
		`ImageId in ('a','b')`:                       "ImageId", // exact match only
		`CateId in (7)`:                              "CateId",
		`Status = 'Normal'`:                          "Status", // multi-value only
		`AppId = 'app-1'`:                            "AppId",
		`CateName = 'x'`:                             "CateName", // returned field only
		`URL = 'x'`:                                  "URL",
		`title = 'x'`:                                "title",
		`Foo = 'x'`:                                  "Foo",
		`Title = 'a' or Title = 'b'`:                 "", // or outside parentheses
		`(Title = 'a' or Title = 'b'`:                "",
		`Title = ('2024-01-01T00:00:00Z',)`:          "Title",
		`CreationTime = '2024-01-01T00:00:00Z'`:      "CreationTime",
		`CreationTime in ('x')`:                      "CreationTime",
		`CreationTime = ('2024-01-01T00:00:00Z','')`: "CreationTime", // an empty bound is left out
		`CreationTime = (,)`:                         "CreationTime",
		`CreationTime = ('2024-01-01',)`:             "CreationTime",
		`CreationTime = ('2024-01-01T00:00:00Z',}`:   "CreationTime",
		`CateId = x`:                                 "CateId",
		`Title = 'x`:                                 "Title",
		`Title = 'x' and`:                            "",
		`Title = 'x' Tags = 'y'`:                     "",
		`Title in ()`:                                "Title",
		`Title in ('a' 'b')`:                         "Title",
	} {
		_, err := matchIDs(t, match)
		if err == nil {
			t.Errorf("%q accepted", match)
			continue
		}
		aerr := err.apiError()
		if aerr.code != "ErrorMatchSyntax" || aerr.status != 400 {
			t.Errorf("%q: %d %s", match, aerr.status, aerr.code)
		}
		name := "Match"
		if wantField != "" {
			name += "." + wantField
		}
		if !strings.HasPrefix(aerr.message, "The parameter "+name+" has an error syntax, please check it. ") ||
			!strings.Contains(aerr.message, "at offset") {
			t.Errorf("%q: message %q", match, aerr.message)
		}
	}
}

func TestParseMatchPure(t *testing.T) {
	for _, s := range []string{`Title = 'a' and CateId = 1`, `(Title = 'a' or Tags = 'b')`, ``, `Foo = 1`, `Title = 'x`} {
		q1, e1 := parseMatch(s)
		q2, e2 := parseMatch(s)
		if !reflect.DeepEqual(q1, q2) || !reflect.DeepEqual(e1, e2) {
			t.Errorf("%q: not deterministic", s)
		}
	}
	deep := strings.Repeat("(", 40) + "Title = 'a'" + strings.Repeat(")", 40)
	if _, err := parseMatch(deep); err == nil {
		t.Error("40 nested parentheses accepted")
	}
}

// quoteMatch is the test's own Match quoting: q around s, with a backslash
// before every backslash and q inside.
func quoteMatch(s string, q byte) string {
	var b strings.Builder
	b.WriteByte(q)
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' || s[i] == q {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte(q)
	return b.String()
}

// FuzzMatch: any Match is parsed or rejected deterministically, never
// panics, errors point inside the text, any title quoted either way finds
// its image, and the HTTP answer agrees with the parser: ErrorMatchSyntax
// with its message, or exactly the images the parsed Match selects, in order.
func FuzzMatch(f *testing.F) {
	for _, seed := range [][2]string{
		{`ImageId = 'img-oss'`, "plain"},
		{`CateId = '8' and AppId in ("app-2")`, `It's a \ path`},
		{`Title = 'It\'s a \\ path' and Status in ('Normal','Uploading')`, `say "hi"`},
		{`CreationTime = ['2018-01-01T00:00:00Z','2018-12-31T00:00:00Z') AND Tags = 'beach'`, ""},
		{`(Title = 'a' or Tags in ('b','c')) and CateId = 7`, `\`},
		{`ModificationTime = (,'2024-01-01T00:00:00Z']`, "'"},
		{"  Title='a'\r\nand\tTitle in('b' ,'c')  ", "\"'\\"},
		{``, "é\xff\x00"},
		{`Foo = 'x'`, "x"},
		{`Title = 'a' or Title = 'b'`, "x"},
		{`((((`, "x"},
		{`CreationTime = ('',)`, "x"},
		{`Status = 'Normal'`, "x"},
		{`Title = 'abc\`, "x"},
		{`CateId = -9223372036854775808`, "x"},
		{`CateId = 9223372036854775808`, "x"},
		{"Title = '\xff\xfe' and Title = \xe4\xb8", "\xff\xfe"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, match, title string) {
		images := append(conformanceImages(), Image{
			ImageInfo: ImageInfo{ImageID: "fz-title", Title: title, CreationTime: "2019-06-01T00:00:00Z",
				URL: "https://outin-fz.oss-cn-shanghai.aliyuncs.com/fz.png",
			},
		})
		// The oracle sees the images as the server serves them: with the fields GetImageInfo always
		// sends filled in (Status "Normal" and the rest), as New fills them.
		for i := range images {
			images[i] = images[i].complete(testNow)
		}
		for _, quote := range []byte{'\'', '"'} {
			m := "Title = " + quoteMatch(title, quote)
			q, err := parseMatch(m)
			if err != nil || !q.match(images[len(images)-1]) {
				t.Fatalf("%s: %v, or it does not match its own image", m, err)
			}
		}

		q, perr := parseMatch(match)
		q2, perr2 := parseMatch(match)
		if !reflect.DeepEqual(q, q2) || !reflect.DeepEqual(perr, perr2) {
			t.Fatalf("parseMatch(%q) not deterministic", match)
		}
		if perr != nil && (perr.offset < 0 || perr.offset > len(match) || !strings.Contains(perr.msg, " at offset ")) {
			t.Fatalf("parseMatch(%q): offset %d, message %q", match, perr.offset, perr.msg)
		}

		fs := newFuzzServer(t, images)
		pairs := append(v1Common("fuzz-match"), kv{"SearchType", "image"}, kv{"Match", match},
			kv{"SortBy", "CreationTime:Asc"}, kv{"PageSize", "100"})
		pairs[0].value = "SearchMedia"
		res := fs.serve(t, v1Builder(http.MethodPost, pairs, 3, signV1Pairs(http.MethodPost, pairs)))
		if perr != nil {
			if want := perr.apiError(); res.status != http.StatusBadRequest || res.code != want.code || res.message != want.message {
				t.Fatalf("rejected Match %q answered %d %s %q", match, res.status, res.code, res.message)
			}
			return
		}
		if res.status != http.StatusOK {
			t.Fatalf("accepted Match %q answered %d %s %q", match, res.status, res.code, res.message)
		}
		var want []string
		var wantImgs []Image
		for _, img := range images {
			if q.match(img) {
				wantImgs = append(wantImgs, img)
			}
		}
		sort.Slice(wantImgs, func(i, j int) bool {
			a, b := wantImgs[i], wantImgs[j]
			if a.CreationTime != b.CreationTime {
				return a.CreationTime < b.CreationTime
			}
			return a.ImageID < b.ImageID
		})
		for _, img := range wantImgs {
			want = append(want, img.ImageID)
		}
		var got struct {
			Total     int
			MediaList []struct{ MediaId string }
		}
		if err := json.Unmarshal(res.body, &got); err != nil || got.Total != len(want) {
			t.Fatalf("Match %q: %v: want %d hits: %s", match, err, len(want), res.body)
		}
		for i, m := range got.MediaList {
			if m.MediaId != want[i] {
				t.Fatalf("Match %q: item %d is %s, want %s", match, i, m.MediaId, want[i])
			}
		}
	})
}
