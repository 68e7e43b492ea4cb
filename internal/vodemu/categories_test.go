package vodemu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// call sends one signed V1 POST of action with params and returns the status and body.
func (h *harness) call(action string, params map[string]string) (int, []byte) {
	h.t.Helper()
	p := v1Params(action, h.clock.Now())
	for k, v := range params {
		p.Set(k, v)
	}
	status, _, body := h.callV1(http.MethodPost, testSecret, p)
	return status, body
}

// addCategory adds a category and returns it, failing the test on an error answer.
func (h *harness) addCategory(name string, parent int64, typ string) Category {
	h.t.Helper()
	p := map[string]string{"CateName": name}
	if parent != 0 {
		p["ParentId"] = strconv.FormatInt(parent, 10)
	}
	if typ != "" {
		p["Type"] = typ
	}
	status, body := h.call("AddCategory", p)
	if status != http.StatusOK {
		h.t.Fatalf("AddCategory %q under %d: HTTP %d %s", name, parent, status, body)
	}
	var resp addCategoryResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		h.t.Fatal(err)
	}
	return resp.Category
}

// getCategories answers GetCategories with params, failing the test on an error answer.
func (h *harness) getCategories(params map[string]string) getCategoriesResponse {
	h.t.Helper()
	status, body := h.call("GetCategories", params)
	if status != http.StatusOK {
		h.t.Fatalf("GetCategories %v: HTTP %d %s", params, status, body)
	}
	var resp getCategoriesResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		h.t.Fatal(err)
	}
	return resp
}

// wantError checks an error answer's status, code and message.
func wantError(t *testing.T, what string, status int, body []byte, wantStatus int, wantCode, wantMessage string) {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("%s: %v: %s", what, err, body)
	}
	if status != wantStatus || e.Code != wantCode || (wantMessage != "" && e.Message != wantMessage) {
		t.Errorf("%s: HTTP %d %s %q, want HTTP %d %s %q", what, status, e.Code, e.Message, wantStatus, wantCode, wantMessage)
	}
}

// newTreeHarness is a harness without images, so that no image implies a category.
func newTreeHarness(t *testing.T, mutate func(*Options)) *harness {
	return newHarness(t, func(o *Options) {
		o.Images = nil
		if mutate != nil {
			mutate(o)
		}
	})
}

func catIDs(cs []subCategory) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.CateID
	}
	return out
}

func TestCategoryThreeLevels(t *testing.T) {
	h := newTreeHarness(t, nil)
	top := h.addCategory("covers", 0, "")
	mid := h.addCategory("2024", top.CateID, "")
	leaf := h.addCategory("spring", mid.CateID, "default")
	for _, c := range []struct {
		got           Category
		level, parent int64
	}{{top, 0, -1}, {mid, 1, top.CateID}, {leaf, 2, mid.CateID}} {
		if c.got.Level != c.level || c.got.ParentID != c.parent || c.got.Type != "default" || c.got.CateID <= 0 {
			t.Errorf("%+v: want Level %d, ParentId %d, Type default", c.got, c.level, c.parent)
		}
	}
	if top.CateID == mid.CateID || mid.CateID == leaf.CateID {
		t.Errorf("IDs repeat: %d %d %d", top.CateID, mid.CateID, leaf.CateID)
	}

	root := h.getCategories(nil)
	if root.Category != nil || root.SubTotal != 1 || !slices.Equal(catIDs(root.SubCategories.Category), []int64{top.CateID}) ||
		root.SubCategories.Category[0].SubTotal != 1 {
		t.Errorf("root listing: %+v", root)
	}
	sub := h.getCategories(map[string]string{"CateId": strconv.FormatInt(mid.CateID, 10)})
	if sub.Category == nil || *sub.Category != mid || sub.SubTotal != 1 ||
		!slices.Equal(catIDs(sub.SubCategories.Category), []int64{leaf.CateID}) || sub.SubCategories.Category[0].Level != 2 {
		t.Errorf("GetCategories %d: %+v", mid.CateID, sub)
	}
	if l := h.getCategories(map[string]string{"CateId": strconv.FormatInt(leaf.CateID, 10)}); l.SubTotal != 0 ||
		l.SubCategories.Category == nil || len(l.SubCategories.Category) != 0 {
		t.Errorf("a leaf: %+v", l)
	}
	// Explicit ParentId -1 is level 1 too.
	if c := h.addCategory("other", -1, ""); c.Level != 0 || c.ParentID != -1 {
		t.Errorf("ParentId -1: %+v", c)
	}
}

func TestCategoryDepthLimit(t *testing.T) {
	h := newTreeHarness(t, nil)
	leaf := h.addCategory("c", h.addCategory("b", h.addCategory("a", 0, "").CateID, "").CateID, "")
	status, body := h.call("AddCategory", map[string]string{"CateName": "d", "ParentId": strconv.FormatInt(leaf.CateID, 10)})
	wantError(t, "a fourth level", status, body, 400, "LevelExceededMax", "The level of categories exceeded maximum.")

	// Material categories: two levels, the first built in.
	mat := h.getCategories(map[string]string{"Type": "material"})
	if mat.SubTotal != int64(len(DefaultMaterialCategories)) || mat.SubCategories.Category[0].Type != "material" {
		t.Fatalf("built-in material categories: %+v", mat)
	}
	builtIn := mat.SubCategories.Category[0].CateID
	m2 := h.addCategory("m", builtIn, "material")
	if m2.Level != 1 || m2.Type != "material" {
		t.Errorf("material level 2: %+v", m2)
	}
	status, body = h.call("AddCategory", map[string]string{"CateName": "m3", "ParentId": strconv.FormatInt(m2.CateID, 10), "Type": "material"})
	wantError(t, "a third material level", status, body, 400, "LevelExceededMax", "")
	status, body = h.call("AddCategory", map[string]string{"CateName": "m1", "Type": "material"})
	wantError(t, "a level-1 material category", status, body, 400, "MissingParameter", "")
	status, body = h.call("AddCategory", map[string]string{"CateName": "mixed", "ParentId": strconv.FormatInt(builtIn, 10)})
	wantError(t, "a default category under a material one", status, body, 400, "InvalidParameter", "")
	for _, action := range []string{"UpdateCategory", "DeleteCategory"} {
		status, body = h.call(action, map[string]string{"CateId": strconv.FormatInt(builtIn, 10), "CateName": "x"})
		wantError(t, action+" of a built-in material category", status, body, 400, "InvalidParameter", "")
	}
	status, body = h.call("AddCategory", map[string]string{"CateName": "x", "ParentId": "424242"})
	wantError(t, "an unknown parent", status, body, 404, "InvalidCateId.NotFound", "The CateId not exist.")
}

func TestCategoryFullLevel(t *testing.T) {
	h := newTreeHarness(t, nil)
	parent := h.addCategory("full", 0, "")
	pid := strconv.FormatInt(parent.CateID, 10)
	var last Category
	for i := range maxSubcategories {
		last = h.addCategory(fmt.Sprintf("child %d", i), parent.CateID, "")
	}
	status, body := h.call("AddCategory", map[string]string{"CateName": "one too many", "ParentId": pid})
	wantError(t, "the 101st subcategory", status, body, 400, "SubTotalExceededMax", "The total of sub categories exceeded maximum.")
	if got := h.getCategories(map[string]string{"CateId": pid}); got.SubTotal != maxSubcategories {
		t.Errorf("SubTotal %d, want %d", got.SubTotal, maxSubcategories)
	}
	if status, body := h.call("DeleteCategory", map[string]string{"CateId": strconv.FormatInt(last.CateID, 10)}); status != http.StatusOK {
		t.Fatalf("DeleteCategory: %d %s", status, body)
	}
	h.addCategory("fits again", parent.CateID, "")

	// Level 1 has the same limit.
	for i := 1; i < maxSubcategories; i++ {
		h.addCategory(fmt.Sprintf("top %d", i), 0, "")
	}
	status, body = h.call("AddCategory", map[string]string{"CateName": "top 101"})
	wantError(t, "the 101st level-1 category", status, body, 400, "SubTotalExceededMax", "")
}

func TestCategoryNames(t *testing.T) {
	h := newTreeHarness(t, nil)
	name64 := strings.Repeat("中", 21) + "a" // 64 bytes, 22 characters
	if c := h.addCategory(name64, 0, ""); c.CateName != name64 {
		t.Errorf("CateName %q", c.CateName)
	}
	for name, value := range map[string]string{"65 bytes": name64 + "b", "not UTF-8": "\xff\xfe"} {
		status, body := h.call("AddCategory", map[string]string{"CateName": value})
		wantError(t, name, status, body, 400, "InvalidParameter", "")
	}
	// Undocumented whether siblings may share a name: the emulator allows it.
	a, b := h.addCategory("same", 0, ""), h.addCategory("same", 0, "")
	if a.CateID == b.CateID {
		t.Errorf("two categories, one ID %d", a.CateID)
	}
	status, body := h.call("UpdateCategory", map[string]string{"CateId": strconv.FormatInt(a.CateID, 10), "CateName": name64 + "b"})
	wantError(t, "a rename to 65 bytes", status, body, 400, "InvalidParameter", "")
	status, body = h.call("UpdateCategory", map[string]string{"CateId": "424242", "CateName": "x"})
	wantError(t, "a rename of an unknown category", status, body, 404, "InvalidCateId.NotFound", "")
	status, body = h.call("GetCategories", map[string]string{"CateId": "424242"})
	wantError(t, "GetCategories of an unknown category", status, body, 404, "InvalidCateId.NotFound", "")
}

// categorisedImages are three images filed under 11 > 12 > 13, and one without a category.
func categorisedImages() []Image {
	base := testImages()[2]
	var imgs []Image
	for i, cate := range []int64{11, 12, 13, 0} {
		img := base
		img.ImageID = fmt.Sprintf("cat-%d", i)
		img.CateID = cate
		imgs = append(imgs, img)
	}
	return imgs
}

func categorisedTree() []Category {
	return []Category{{CateID: 11, CateName: "covers"}, {CateID: 12, CateName: "2024", ParentID: 11}, {CateID: 13, CateName: "spring", ParentID: 12}}
}

// imageCategories answers each image's CateId and CateName through GetImageInfo, GetImageInfos and
// SearchMedia, checking that the three agree.
func (h *harness) imageCategories(ids ...string) map[string]string {
	h.t.Helper()
	out := map[string]string{}
	for _, id := range ids {
		status, body := h.call("GetImageInfo", map[string]string{"ImageId": id})
		if status != http.StatusOK {
			h.t.Fatalf("GetImageInfo %s: %d %s", id, status, body)
		}
		var one getImageInfoResponse
		if err := json.Unmarshal(body, &one); err != nil {
			h.t.Fatal(err)
		}
		out[id] = fmt.Sprintf("%d %q", one.ImageInfo.CateID, one.ImageInfo.CateName)
	}
	status, body := h.call("GetImageInfos", map[string]string{"ImageIds": strings.Join(ids, ",")})
	if status != http.StatusOK {
		h.t.Fatalf("GetImageInfos: %d %s", status, body)
	}
	var many getImageInfosResponse
	if err := json.Unmarshal(body, &many); err != nil {
		h.t.Fatal(err)
	}
	for _, info := range many.ImageInfo {
		if got := fmt.Sprintf("%d %q", info.CateID, info.CateName); got != out[info.ImageID] {
			h.t.Errorf("%s: GetImageInfos says %s, GetImageInfo %s", info.ImageID, got, out[info.ImageID])
		}
	}
	status, body = h.call("SearchMedia", map[string]string{"SearchType": "image", "Fields": "CateId,CateName", "PageSize": "100"})
	if status != http.StatusOK {
		h.t.Fatalf("SearchMedia: %d %s", status, body)
	}
	var search struct {
		MediaList []struct{ Image searchImage }
	}
	if err := json.Unmarshal(body, &search); err != nil {
		h.t.Fatal(err)
	}
	for _, m := range search.MediaList {
		if want, ok := out[m.Image.ImageID]; ok {
			if got := fmt.Sprintf("%d %q", m.Image.CateID, m.Image.CateName); got != want {
				h.t.Errorf("%s: SearchMedia says %s, GetImageInfo %s", m.Image.ImageID, got, want)
			}
		}
	}
	return out
}

// searchCate is the ImageIds SearchMedia finds with Match CateId = id.
func (h *harness) searchCate(id int64) []string {
	h.t.Helper()
	status, body := h.call("SearchMedia", map[string]string{"SearchType": "image", "Match": fmt.Sprintf("CateId = %d", id)})
	if status != http.StatusOK {
		h.t.Fatalf("SearchMedia: %d %s", status, body)
	}
	var search struct {
		MediaList []struct {
			MediaID string `json:"MediaId"`
		}
	}
	if err := json.Unmarshal(body, &search); err != nil {
		h.t.Fatal(err)
	}
	var ids []string
	for _, m := range search.MediaList {
		ids = append(ids, m.MediaID)
	}
	slices.Sort(ids)
	return ids
}

func TestCategoryRenameShowsInImages(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Images, o.Categories = categorisedImages(), categorisedTree() })
	ids := []string{"cat-0", "cat-1", "cat-2", "cat-3"}
	want := map[string]string{"cat-0": `11 "covers"`, "cat-1": `12 "2024"`, "cat-2": `13 "spring"`, "cat-3": `0 ""`}
	if got := h.imageCategories(ids...); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("seeded: %v, want %v", got, want)
	}
	if status, body := h.call("UpdateCategory", map[string]string{"CateId": "12", "CateName": "двадцать"}); status != http.StatusOK {
		t.Fatalf("UpdateCategory: %d %s", status, body)
	}
	want["cat-1"] = `12 "двадцать"`
	if got := h.imageCategories(ids...); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("renamed: %v, want %v", got, want)
	}
	if got := h.searchCate(12); !slices.Equal(got, []string{"cat-1"}) {
		t.Errorf("CateId = 12 finds %v", got)
	}
	// An image stored later under the category takes its current name, whatever it says.
	img := categorisedImages()[1]
	img.ImageID, img.CateName = "cat-late", "stale"
	if err := h.run.Server.PutImage(img); err != nil {
		t.Fatal(err)
	}
	if got := h.imageCategories("cat-late"); got["cat-late"] != `12 "двадцать"` {
		t.Errorf("PutImage: %v", got)
	}
}

func TestCategoryDeleteSubtree(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Images, o.Categories = categorisedImages(), categorisedTree() })
	if status, body := h.call("DeleteCategory", map[string]string{"CateId": "12"}); status != http.StatusOK {
		t.Fatalf("DeleteCategory: %d %s", status, body)
	}
	for _, id := range []string{"12", "13"} {
		status, body := h.call("GetCategories", map[string]string{"CateId": id})
		wantError(t, "GetCategories of deleted "+id, status, body, 404, "InvalidCateId.NotFound", "")
		status, body = h.call("DeleteCategory", map[string]string{"CateId": id})
		wantError(t, "DeleteCategory of deleted "+id, status, body, 404, "InvalidCateId.NotFound", "")
	}
	if top := h.getCategories(map[string]string{"CateId": "11"}); top.SubTotal != 0 || len(top.SubCategories.Category) != 0 {
		t.Errorf("the parent still lists: %+v", top)
	}
	// The images stay, without a category [DeleteCategory].
	want := map[string]string{"cat-0": `11 "covers"`, "cat-1": `0 ""`, "cat-2": `0 ""`, "cat-3": `0 ""`}
	if got := h.imageCategories("cat-0", "cat-1", "cat-2", "cat-3"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after the delete: %v, want %v", got, want)
	}
	if got := h.searchCate(13); len(got) != 0 {
		t.Errorf("CateId = 13 still finds %v", got)
	}
	if got := h.searchCate(11); !slices.Equal(got, []string{"cat-0"}) {
		t.Errorf("CateId = 11 finds %v", got)
	}
	// A new category never takes a deleted one's ID.
	if c := h.addCategory("new", 11, ""); c.CateID == 12 || c.CateID == 13 {
		t.Errorf("ID %d reused", c.CateID)
	}
}

func TestGetCategoriesPagingAndSort(t *testing.T) {
	h := newTreeHarness(t, nil)
	parent := h.addCategory("p", 0, "")
	var created []int64
	for i := range 25 {
		h.clock.Set(testNow.Add(time.Duration(i) * time.Second))
		created = append(created, h.addCategory(fmt.Sprintf("c%02d", i), parent.CateID, "").CateID)
	}
	pid := strconv.FormatInt(parent.CateID, 10)
	newest := slices.Clone(created)
	slices.Reverse(newest)

	def := h.getCategories(map[string]string{"CateId": pid})
	if def.SubTotal != 25 || !slices.Equal(catIDs(def.SubCategories.Category), newest[:10]) {
		t.Errorf("default page (10, newest first): %v", catIDs(def.SubCategories.Category))
	}
	var all []int64
	for page := 1; page <= 3; page++ {
		r := h.getCategories(map[string]string{"CateId": pid, "PageNo": strconv.Itoa(page), "PageSize": "10", "SortBy": "CreationTime:Asc"})
		if r.SubTotal != 25 {
			t.Errorf("page %d: SubTotal %d", page, r.SubTotal)
		}
		all = append(all, catIDs(r.SubCategories.Category)...)
	}
	if !slices.Equal(all, created) {
		t.Errorf("three pages, oldest first: %v, want %v", all, created)
	}
	if r := h.getCategories(map[string]string{"CateId": pid, "PageNo": "4", "PageSize": "10"}); len(r.SubCategories.Category) != 0 || r.SubTotal != 25 {
		t.Errorf("past the last page: %+v", r)
	}
	if r := h.getCategories(map[string]string{"CateId": pid, "PageSize": "100", "SortBy": "CreationTime:Desc"}); !slices.Equal(catIDs(r.SubCategories.Category), newest) {
		t.Errorf("PageSize 100: %v", catIDs(r.SubCategories.Category))
	}
	for name, p := range map[string]map[string]string{
		"PageSize 101": {"PageSize": "101"}, "PageSize 0": {"PageSize": "0"}, "PageNo 0": {"PageNo": "0"},
		"SortBy": {"SortBy": "CreationTime"}, "Type": {"Type": "video"}, "CateId": {"CateId": "x"},
	} {
		status, body := h.call("GetCategories", p)
		wantError(t, name, status, body, 400, "InvalidParameter", "")
	}
}

func TestCategoryFaultsAndRateLimit(t *testing.T) {
	h := newTreeHarness(t, func(o *Options) { o.ActionQPS = map[string]float64{"DeleteCategory": DocumentedQPS["DeleteCategory"]} })
	h.run.Server.InjectNext(FaultInternal, 1, "AddCategory")
	status, body := h.call("AddCategory", map[string]string{"CateName": "faulted"})
	wantError(t, "a faulted AddCategory", status, body, 500, "InternalError", "")
	if got := h.getCategories(nil); got.SubTotal != 0 {
		t.Errorf("a faulted AddCategory added %+v", got.SubCategories)
	}
	// DeleteCategory's documented 10/s: a burst of 10, then Throttling.User. The limiter's clock
	// stands still, so that no token comes back however slowly the calls go.
	h.run.Server.limit.now = (&fixedClock{t: testNow}).Now
	var throttled int
	for range 11 {
		status, body := h.call("DeleteCategory", map[string]string{"CateId": "424242"})
		if status == 400 && strings.Contains(string(body), "Throttling.User") {
			throttled++
		}
	}
	if throttled != 1 || h.run.Server.ThrottledByAction()["DeleteCategory"] != 1 {
		t.Errorf("throttled %d, ThrottledByAction %v", throttled, h.run.Server.ThrottledByAction())
	}
}

func TestSeedCategoriesChecks(t *testing.T) {
	img := func(id string, cate int64, name string) Image {
		i := testImages()[2]
		i.ImageID, i.CateID, i.CateName = id, cate, name
		return i
	}
	for name, c := range map[string]struct {
		cats []Category
		imgs []Image
		want string
	}{
		"duplicate":         {[]Category{{CateID: 1, CateName: "a"}, {CateID: 1, CateName: "b"}}, nil, "duplicate CateId"},
		"parent after":      {[]Category{{CateID: 2, CateName: "b", ParentID: 1}, {CateID: 1, CateName: "a"}}, nil, "not a category listed before it"},
		"too deep":          {[]Category{{CateID: 1, CateName: "a"}, {CateID: 2, CateName: "b", ParentID: 1}, {CateID: 3, CateName: "c", ParentID: 2}, {CateID: 4, CateName: "d", ParentID: 3}}, nil, "deeper"},
		"material too deep": {[]Category{{CateID: 1, CateName: "a", Type: "material"}, {CateID: 2, CateName: "b", ParentID: 1, Type: "material"}, {CateID: 3, CateName: "c", ParentID: 2, Type: "material"}}, nil, "deeper"},
		"mixed types":       {[]Category{{CateID: 1, CateName: "a"}, {CateID: 2, CateName: "b", ParentID: 1, Type: "material"}}, nil, "differs from its parent"},
		"no name":           {[]Category{{CateID: 1}}, nil, "CateName"},
		"long name":         {[]Category{{CateID: 1, CateName: strings.Repeat("x", 65)}}, nil, "CateName"},
		"bad type":          {[]Category{{CateID: 1, CateName: "a", Type: "video"}}, nil, "Type"},
		"zero ID":           {[]Category{{CateName: "a"}}, nil, "positive"},
		"wrong level":       {[]Category{{CateID: 1, CateName: "a"}, {CateID: 2, CateName: "b", ParentID: 1, Level: 2}}, nil, "Level 2"},
		"image disagrees":   {[]Category{{CateID: 1, CateName: "a"}}, []Image{img("i", 1, "b")}, `category 1 is named "a"`},
		"images disagree":   {nil, []Image{img("i", 5, "x"), img("j", 5, "y")}, "category 5"},
		"negative CateId":   {nil, []Image{img("i", -5, "")}, "not a category ID"},
	} {
		_, err := New(Options{AccessKeyID: testAK, AccessKeySecret: testSecret, Categories: c.cats, Images: c.imgs})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", name, err, c.want)
		}
	}
	var full []Category
	for i := range maxSubcategories + 1 {
		full = append(full, Category{CateID: int64(i + 1), CateName: "x"})
	}
	if _, err := New(Options{AccessKeyID: testAK, AccessKeySecret: testSecret, Categories: full}); err == nil {
		t.Error("101 level-1 categories accepted")
	}

	// Implied categories: an image's CateId the list lacks is a level-1 category named by it.
	s, err := New(Options{AccessKeyID: testAK, AccessKeySecret: testSecret,
		Categories: []Category{{CateID: 1, CateName: "a"}, {CateID: 9, CateName: "own material", Type: "material"}},
		Images:     []Image{img("i", 5, "five"), img("j", 5, ""), img("k", 1, ""), img("l", 6, "")}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range s.Categories() {
		got = append(got, fmt.Sprintf("%d:%s:%s:%d", c.CateID, c.CateName, c.Type, c.ParentID))
	}
	want := []string{"1:a:default:-1", "9:own material:material:-1", "5:five:default:-1", "6:category 6:default:-1"}
	if !slices.Equal(got, want) {
		t.Errorf("categories %v, want %v (no built-in material categories when the list has some)", got, want)
	}
	if j, _ := s.store.image("j"); j.CateName != "five" {
		t.Errorf("image j: CateName %q, want its category's", j.CateName)
	}
}

func TestLoadDataFileCategories(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := dir + "/" + name
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	u := `"URL":"https://outin-1.oss-cn-shanghai.aliyuncs.com/image/a.jpg"`
	df, err := LoadDataFile(write("tree.json", `{"Categories":[{"CateId":11,"CateName":"covers"},{"CateId":12,"CateName":"2024","ParentId":11,"Type":"default"}],
		"Images":[{"ImageId":"a","CateId":12,`+u+`},{"ImageId":"b","CateId":7,"CateName":"loose",`+u+`}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(df.Images) != 2 || len(df.Categories) != 2 || df.Categories[1].ParentID != 11 {
		t.Fatalf("%+v", df)
	}
	s, err := New(Options{AccessKeyID: testAK, AccessKeySecret: testSecret, Images: df.Images, Categories: df.Categories})
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := s.store.image("a"); a.CateName != "2024" {
		t.Errorf("image a: CateName %q, want its category's", a.CateName)
	}
	var names []string
	for _, c := range s.Categories() {
		names = append(names, fmt.Sprintf("%s@%d", c.CateName, c.Level))
	}
	if want := []string{"covers@0", "vodemu material 1@0", "vodemu material 2@0", "loose@0", "2024@1"}; !slices.Equal(names, want) {
		t.Errorf("categories %v, want %v", names, want)
	}
	// The array form is still a data file, its images' categories implied.
	if df, err := LoadDataFile(write("array.json", `[{"ImageId":"a","CateId":5,"CateName":"x",`+u+`}]`)); err != nil || len(df.Images) != 1 || len(df.Categories) != 0 {
		t.Errorf("array form: %+v %v", df, err)
	}
	for name, content := range map[string]string{
		"unknown top-level field": `{"Images":[],"Pictures":[]}`,
		"unknown category field":  `{"Categories":[{"CateId":1,"CateName":"a","Parent":2}]}`,
		"CateId as a string":      `{"Categories":[{"CateId":"1","CateName":"a"}]}`,
		"orphan":                  `{"Categories":[{"CateId":2,"CateName":"b","ParentId":1}]}`,
		"name disagrees":          `{"Categories":[{"CateId":1,"CateName":"a"}],"Images":[{"ImageId":"a","CateId":1,"CateName":"b",` + u + `}]}`,
		"trailing data":           `{"Categories":[]} []`,
		"bad image":               `{"Images":[{"ImageId":"a"}]}`,
	} {
		if _, err := LoadDataFile(write("bad.json", content)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// The format's own example loads.
	start := strings.Index(DataFileFormat, "  {\"Categories\"")
	end := strings.LastIndex(DataFileFormat, "]}")
	if start < 0 || end < start {
		t.Fatal("no object example in DataFileFormat")
	}
	if df, err := LoadDataFile(write("example.json", DataFileFormat[start:end+2])); err != nil || len(df.Categories) != 2 || len(df.Images) != 1 {
		t.Errorf("the format's example: %+v %v", df, err)
	}
}
