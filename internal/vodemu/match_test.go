package vodemu

import (
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
)

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

// printMatch renders a parsed query back as Match text, in a form other
// than the usual one (in-lists, both quote kinds, bare CateIds), so that
// a round trip exercises the parser's alternatives.
func printMatch(q matchQuery) string {
	var clauses []string
	for i, c := range q {
		quote := "'\""[i%2]
		if c.kind == matchRange {
			clauses = append(clauses, c.field+" = ("+quoteMatch(c.from, quote)+" ,\t"+quoteMatch(c.to, '\'')+")")
			continue
		}
		vals := make([]string, len(c.values))
		for j, v := range c.values {
			vals[j] = quoteMatch(v, quote)
			if c.field == "CateId" {
				vals[j] = v
			}
		}
		clauses = append(clauses, c.field+" IN("+strings.Join(vals, ",")+")")
	}
	return strings.Join(clauses, "\nAnd  ")
}

func TestParseMatchPure(t *testing.T) {
	for _, s := range []string{
		`Title = 'a' and CateId in (1, '-2') and CreationTime = ('', '2018-12-31T00:00:00Z')`,
		`Status = "Normal"`, ``, `Foo = 1`, `Title = 'x`,
	} {
		q1, e1 := parseMatch(s)
		q2, e2 := parseMatch(s)
		if !reflect.DeepEqual(q1, q2) || !reflect.DeepEqual(e1, e2) {
			t.Errorf("%q: not deterministic", s)
		}
		if e1 != nil {
			continue
		}
		if again, err := parseMatch(printMatch(q1)); err != nil || !reflect.DeepEqual(again, q1) {
			t.Errorf("%q: round trip through %q: %v %#v", s, printMatch(q1), err, again)
		}
	}
	q, err := parseMatch(`CateId in (1, '-2', "003")`)
	if err != nil || !reflect.DeepEqual(q[0].values, []string{"1", "-2", "3"}) {
		t.Fatalf("CateId values %v %v", q, err)
	}
	if !q.match(Image{CateId: -2}) || q.match(Image{CateId: 2}) {
		t.Fatal("CateId -2")
	}
}

// FuzzMatch feeds arbitrary Match values to parseMatch and to SearchMedia.
// parseMatch must not panic, must be deterministic, and must place errors
// at an offset within the input. An accepted query must come back equal
// from the test's own printer, and SearchMedia must answer it with exactly
// the images it matches, in the documented order (computed here), with
// URLs that verify; a rejected one must be 400 InvalidParameter carrying
// the parser's message. title becomes one image's Title: quoted by the
// test in either quote kind, it must match that image.
func FuzzMatch(f *testing.F) {
	for _, seed := range [][2]string{
		{`ImageId = 'img-oss'`, "plain"},
		{`CateId in (7, '8') and AppId = "app-2"`, `It's a \ path`},
		{`Title = 'It\'s a \\ path' and Status in ('Normal','Uploading')`, `say "hi"`},
		{`CreationTime = ('2018-01-01T00:00:00Z','2018-12-31T00:00:00Z') AND Tags = 'beach'`, ""},
		{`CreationTime = ('', '')`, `\`},
		{`Description in ("a", 'b') and StorageLocation = 'my-own-bucket.oss-cn-shanghai.aliyuncs.com'`, "'"},
		{"  Title='a'\r\nand\tTitle in('b' ,'c')  ", "\"'\\"},
		{``, "é\xff\x00"},
		{`Foo = 'x'`, "x"},
		{`Title = 'a' or Title = 'b'`, "x"},
		{`(Title = 'a')`, "x"},
		{`CreationTime in ('2018-01-01T00:00:00Z')`, "x"},
		{`Status = ('a','b')`, "x"},
		{`Title = 'abc\`, "x"},
		{`CateId = -9223372036854775808`, "x"},
		{`CateId = 9223372036854775808`, "x"},
		{`Title = 'a'and`, "x"},
		{`CreationTime = ('2018-01-01T00:00:00.1Z','')`, "x"},
		{"Title = '\xff\xfe' and Title = \xe4\xb8", "\xff\xfe"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, match, title string) {
		images := append(searchFixture(), Image{ImageId: "fz-title", Title: title, CreationTime: "2019-06-01T00:00:00Z"})
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
			t.Fatalf("parseMatch(%q) not deterministic: %#v %v / %#v %v", match, q, perr, q2, perr2)
		}
		if perr != nil {
			if perr.offset < 0 || perr.offset > len(match) || !strings.Contains(perr.msg, " at offset "+strconv.Itoa(perr.offset)) {
				t.Fatalf("parseMatch(%q): offset %d, message %q", match, perr.offset, perr.msg)
			}
		} else if again, err := parseMatch(printMatch(q)); err != nil || !reflect.DeepEqual(again, q) {
			t.Fatalf("parseMatch(%q) = %#v; printed %q parses to %#v, %v", match, q, printMatch(q), again, err)
		}

		fs := newFuzzServer(t, images)
		pairs := append(v1Common("fuzz-match"), kv{"SearchType", "image"}, kv{"Match", match},
			kv{"SortBy", "CreationTime:Asc"}, kv{"PageSize", "100"})
		pairs[0].value = "SearchMedia"
		res := fs.serve(t, v1Builder(http.MethodPost, pairs, 3, signV1Pairs(http.MethodPost, pairs)))
		if perr != nil {
			if res.status != http.StatusBadRequest || res.code != "InvalidParameter" ||
				res.message != `The specified parameter "Match" is not valid. `+perr.msg {
				t.Fatalf("rejected Match %q answered %d %s %q", match, res.status, res.code, res.message)
			}
			return
		}
		if res.status != http.StatusOK {
			t.Fatalf("accepted Match %q answered %d %s %q", match, res.status, res.code, res.message)
		}
		var want []Image
		for _, img := range images {
			if q.match(img) {
				want = append(want, img)
			}
		}
		// Ascending CreationTime (all canonical here, so text order), none first, then ImageId.
		sort.Slice(want, func(i, j int) bool {
			a, b := want[i], want[j]
			if a.CreationTime != b.CreationTime {
				return a.CreationTime < b.CreationTime
			}
			return a.ImageId < b.ImageId
		})
		var got struct {
			Total     int
			MediaList []struct {
				MediaType, MediaId, CreationTime string
				Image                            Image
			}
		}
		if err := json.Unmarshal(res.body, &got); err != nil || got.Total != len(want) || len(got.MediaList) != len(want) {
			t.Fatalf("Match %q: %v: want %d hits: %s", match, err, len(want), res.body)
		}
		for i, m := range got.MediaList {
			if m.MediaType != "image" || m.MediaId != want[i].ImageId || m.Image.ImageId != want[i].ImageId ||
				m.CreationTime != want[i].CreationTime {
				t.Fatalf("Match %q: item %d is %s, want %s: %s", match, i, m.MediaId, want[i].ImageId, res.body)
			}
			checkImageURLs(t, m.Image, want[i])
		}
	})
}
