package vodemu

import (
	"reflect"
	"strings"
	"testing"
)

// matchImages are the images the Match table below is evaluated against.
var matchImages = []Image{
	{ImageId: "a", AppId: "app-1", CateId: 7, StorageLocation: "outin-1.oss-cn-shanghai.aliyuncs.com", Title: "Spring Cover",
		Tags: "spring,cover", Description: "first", Status: "Normal", CreationTime: "2024-01-01T00:00:00Z",
		ModificationTime: "2024-02-01T00:00:00Z", Mezzanine: &Mezzanine{OriginalFileName: "spring.jpg"}},
	{ImageId: "b", AppId: "app-2", CateId: 8, StorageLocation: "outin-2.oss-cn-shanghai.aliyuncs.com", Title: "Autumn",
		Tags: "autumn", Status: "Uploading", CreationTime: "2024-06-01T00:00:00Z", ModificationTime: "2024-06-02T00:00:00Z"},
	{ImageId: "c", AppId: "app-1", Title: "no dates", Status: "UploadFail"},
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
			ids = append(ids, img.ImageId)
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
