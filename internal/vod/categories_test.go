package vod

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// categoryTree is a test double's category tree with AddCategory's documented limits (models.json:
// depth 3 for default and 2 for material, 100 children per category, LevelExceededMax,
// SubTotalExceededMax, InvalidCateId.NotFound).
type categoryTree struct {
	mu     sync.Mutex
	nextID int64
	cats   map[int64]*wireCategory
}

func newCategoryDouble(t *testing.T) (*rpcDouble, *categoryTree) {
	tree := &categoryTree{nextID: 1000, cats: map[int64]*wireCategory{}}
	return newRPCDouble(t, tree.answer), tree
}

func (tr *categoryTree) children(parent int64) []*wireCategory {
	var out []*wireCategory
	for _, c := range tr.cats {
		if int64(c.ParentID) == parent {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *wireCategory) int { return int(a.CateID - b.CateID) })
	return out
}

func (tr *categoryTree) answer(c rpcCall) rpcAnswer {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	p := func(name string, def int64) int64 {
		if v, ok := c.Params[name]; ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
		return def
	}
	notFound := apiError(404, "InvalidCateId.NotFound", "The CateId not exist.")
	switch c.Action {
	case "AddCategory":
		parent, typ := p("ParentId", RootCategoryID), c.Params["Type"]
		if typ == "" {
			typ = CategoryTypeDefault
		}
		level := int64(0)
		if parent != RootCategoryID {
			pc := tr.cats[parent]
			if pc == nil {
				return notFound
			}
			level = int64(pc.Level) + 1
		}
		if level >= int64(MaxCategoryDepth(typ)) {
			return apiError(400, "LevelExceededMax", "The level of categories exceeded maximum.")
		}
		if len(tr.children(parent)) >= MaxSubcategories {
			return apiError(400, "SubTotalExceededMax", "The total of sub categories exceeded maximum.")
		}
		tr.nextID++
		cat := &wireCategory{CateID: flexInt(tr.nextID), CateName: c.Params["CateName"], Level: flexInt(level), ParentID: flexInt(parent), Type: typ}
		tr.cats[tr.nextID] = cat
		b, _ := json.Marshal(map[string]any{"RequestId": "R-add", "Category": cat})
		return ok(string(b))
	case "UpdateCategory":
		cat := tr.cats[p("CateId", 0)]
		if cat == nil {
			return notFound
		}
		cat.CateName = c.Params["CateName"]
		return ok(`{"RequestId":"R-update"}`)
	case "DeleteCategory":
		id := p("CateId", 0)
		if tr.cats[id] == nil {
			return notFound
		}
		var drop func(id int64)
		drop = func(id int64) {
			for _, ch := range tr.children(id) {
				drop(int64(ch.CateID))
			}
			delete(tr.cats, id)
		}
		drop(id)
		return ok(`{"RequestId":"R-delete"}`)
	case "GetCategories":
		id, pageNo, pageSize := p("CateId", RootCategoryID), p("PageNo", 1), p("PageSize", 10)
		resp := map[string]any{"RequestId": "R-get"}
		if id != RootCategoryID {
			if tr.cats[id] == nil {
				return notFound
			}
			resp["Category"] = tr.cats[id]
		}
		all := tr.children(id)
		resp["SubTotal"] = len(all)
		var page []map[string]any
		for i := (pageNo - 1) * pageSize; i < pageNo*pageSize && i < int64(len(all)); i++ {
			ch := all[i]
			page = append(page, map[string]any{"CateId": ch.CateID, "CateName": ch.CateName, "Level": ch.Level,
				"ParentId": ch.ParentID, "Type": ch.Type, "SubTotal": len(tr.children(int64(ch.CateID)))})
		}
		resp["SubCategories"] = map[string]any{"Category": page}
		b, _ := json.Marshal(resp)
		return ok(string(b))
	}
	return apiError(400, "InvalidAction", c.Action)
}

func mustAdd(t *testing.T, c *Client, name string, parent *int64) *Category {
	t.Helper()
	cat, err := c.AddCategory(context.Background(), AddCategoryInput{Name: name, ParentID: parent})
	if err != nil {
		t.Fatalf("AddCategory %s: %v", name, err)
	}
	return cat
}

// A three-level tree is built; the documented refusals come back as *CategoryError kinds whose text
// says what happened, the code and request ID, and what to do.
func TestCategoryLimits(t *testing.T) {
	d, _ := newCategoryDouble(t)
	c := doubleClient(t, d, SignatureV3, false)
	ctx := context.Background()
	top := mustAdd(t, c, "covers", nil)
	mid := mustAdd(t, c, "2024", &top.ID)
	leaf := mustAdd(t, c, "spring", &mid.ID)
	if top.Level != 0 || mid.Level != 1 || leaf.Level != 2 || leaf.ParentID != mid.ID || top.ParentID != RootCategoryID {
		t.Errorf("levels %d %d %d, parents %d %d", top.Level, mid.Level, leaf.Level, top.ParentID, leaf.ParentID)
	}

	_, err := c.AddCategory(ctx, AddCategoryInput{Name: "too deep", ParentID: &leaf.ID})
	if !IsCategoryTooDeep(err) || !tooDeepText(err, leaf.ID) {
		t.Errorf("a fourth level: %v", err)
	}
	missing := int64(42)
	if _, err := c.AddCategory(ctx, AddCategoryInput{Name: "orphan", ParentID: &missing}); !IsCategoryNotFound(err) || !strings.Contains(err.Error(), "parent category 42 does not exist") {
		t.Errorf("a missing parent: %v", err)
	}
	for i := 1; i < MaxSubcategories; i++ {
		mustAdd(t, c, fmt.Sprint("child ", i), &top.ID)
	}
	_, err = c.AddCategory(ctx, AddCategoryInput{Name: "one too many", ParentID: &top.ID})
	if !IsCategoryLevelFull(err) || !strings.Contains(err.Error(), "SubTotalExceededMax (HTTP 400, request ID R-SubTotalExceededMax)") ||
		!strings.Contains(err.Error(), fmt.Sprint("parent ", top.ID, " already has the 100")) {
		t.Errorf("a full level: %v", err)
	}
	if IsCategoryTooDeep(err) || IsCategoryNotFound(err) {
		t.Errorf("a full level is of one kind only")
	}
}

// tooDeepText checks LevelExceededMax's text: the parent, the limit, what to do.
func tooDeepText(err error, parent int64) bool {
	s := err.Error()
	return strings.Contains(s, fmt.Sprint("under parent ", parent)) && strings.Contains(s, "3 levels for type default") &&
		strings.Contains(s, "LevelExceededMax (HTTP 400, request ID R-LevelExceededMax)") && strings.Contains(s, "higher level")
}

// Names are checked before any request; material categories need a parent.
func TestCategoryInputChecked(t *testing.T) {
	d, _ := newCategoryDouble(t)
	c := doubleClient(t, d, SignatureV3, false)
	ctx := context.Background()
	if _, err := c.AddCategory(ctx, AddCategoryInput{Name: strings.Repeat("类", 22)}); err == nil || !strings.Contains(err.Error(), "66 bytes") { // 3 bytes each
		t.Errorf("a 66-byte name: %v", err)
	}
	if _, err := c.AddCategory(ctx, AddCategoryInput{Name: " "}); err == nil {
		t.Error("an empty name was accepted")
	}
	if _, err := c.AddCategory(ctx, AddCategoryInput{Name: "m", Type: CategoryTypeMaterial}); err == nil {
		t.Error("a material category without a parent was accepted")
	}
	if _, err := c.AddCategory(ctx, AddCategoryInput{Name: "m", Type: "video"}); err == nil {
		t.Error("an unknown type was accepted")
	}
	if err := c.UpdateCategory(ctx, 1, strings.Repeat("x", MaxCategoryNameBytes+1)); err == nil {
		t.Error("a long new name was accepted")
	}
	if _, err := c.GetCategories(ctx, GetCategoriesInput{CateID: 1, PageSize: MaxCategoriesPerPage + 1}); err == nil {
		t.Error("a page of 101 was accepted")
	}
	if n := len(d.Calls()); n != 0 {
		t.Errorf("%d requests, want none", n)
	}
	if _, err := c.AddCategory(ctx, AddCategoryInput{Name: strings.Repeat("类", 21)}); err != nil { // 63 bytes
		t.Errorf("a 63-byte name: %v", err)
	}
}

// Every child is read, page by page at the largest page size, in creation order.
func TestListSubcategoriesPages(t *testing.T) {
	d, tree := newCategoryDouble(t)
	c := doubleClient(t, d, SignatureV3, false)
	top := mustAdd(t, c, "top", nil)
	tree.mu.Lock()
	for i := range 250 {
		tree.nextID++
		tree.cats[tree.nextID] = &wireCategory{CateID: flexInt(tree.nextID), CateName: fmt.Sprint("c", i), Level: 1, ParentID: flexInt(top.ID), Type: "default"}
	}
	tree.mu.Unlock()
	kids, err := c.ListSubcategories(context.Background(), top.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(kids) != 250 || kids[0].Name != "c0" || kids[249].Name != "c249" || kids[3].Subtotal != 0 {
		t.Errorf("%d children, first %+v", len(kids), kids[0])
	}
	var pages []string
	for _, call := range d.CallsOf("GetCategories") {
		pages = append(pages, call.Params["PageNo"]+"/"+call.Params["PageSize"]+"/"+call.Params["SortBy"])
	}
	want := []string{"1/100/CreationTime:Asc", "2/100/CreationTime:Asc", "3/100/CreationTime:Asc"}
	if !slices.Equal(pages, want) {
		t.Errorf("pages asked %v, want %v", pages, want)
	}
}

// The tree, or a subtree, comes back whole; leaves are not asked for children.
func TestGetCategoryTree(t *testing.T) {
	d, _ := newCategoryDouble(t)
	c := doubleClient(t, d, SignatureV3, false)
	a := mustAdd(t, c, "a", nil)
	mustAdd(t, c, "b", nil)
	a1 := mustAdd(t, c, "a1", &a.ID)
	mustAdd(t, c, "a2", &a.ID)
	mustAdd(t, c, "a1x", &a1.ID)
	mustAdd(t, c, "a1y", &a1.ID)

	root, err := c.GetCategoryTree(context.Background(), RootCategoryID, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := render(root), "(a(a1(a1x a1y) a2) b)"; got != want {
		t.Errorf("tree %s, want %s", got, want)
	}
	// The root, a, a1 have children; b, a2 and the third level are not asked.
	if n := len(d.CallsOf("GetCategories")); n != 3 {
		t.Errorf("%d GetCategories calls, want 3", n)
	}
	sub, err := c.GetCategoryTree(context.Background(), a1.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := render(sub); got != "a1(a1x a1y)" || sub.Level != 1 || sub.ParentID != a.ID {
		t.Errorf("subtree %s (%+v)", got, sub.Category)
	}
	if _, err := c.GetCategoryTree(context.Background(), 999, ""); !IsCategoryNotFound(err) {
		t.Errorf("a missing subtree: %v", err)
	}
}

func render(n *CategoryNode) string {
	var kids []string
	for _, ch := range n.Children {
		kids = append(kids, render(ch))
	}
	s := n.Name
	if len(kids) > 0 {
		s += "(" + strings.Join(kids, " ") + ")"
	}
	return s
}

// A rename is one UpdateCategory; deleting a parent takes its children, whose own delete then
// finds them gone: success, said so.
func TestCategoryRenameAndDelete(t *testing.T) {
	d, tree := newCategoryDouble(t)
	c := doubleClient(t, d, SignatureV3, false)
	ctx := context.Background()
	top := mustAdd(t, c, "top", nil)
	child := mustAdd(t, c, "child", &top.ID)
	if err := c.UpdateCategory(ctx, child.ID, "renamed"); err != nil {
		t.Fatal(err)
	}
	tree.mu.Lock()
	name := tree.cats[child.ID].CateName
	tree.mu.Unlock()
	if name != "renamed" {
		t.Errorf("renamed to %q", name)
	}
	if err := c.UpdateCategory(ctx, 999, "x"); !IsCategoryNotFound(err) || !strings.Contains(err.Error(), "category 999 does not exist") {
		t.Errorf("renaming a missing category: %v", err)
	}
	if gone, err := c.DeleteCategory(ctx, top.ID); gone || err != nil {
		t.Errorf("delete top: (%v, %v)", gone, err)
	}
	if gone, err := c.DeleteCategory(ctx, child.ID); !gone || err != nil {
		t.Errorf("delete child after its parent: (%v, %v), want already gone", gone, err)
	}
	denied := newRPCDouble(t, func(rpcCall) rpcAnswer { return apiError(403, "Forbidden", "denied") })
	if _, err := doubleClient(t, denied, SignatureV3, false).DeleteCategory(ctx, 1); err == nil {
		t.Error("Forbidden was success")
	}
}

// The write actions start at their documented per-account limits; CreateUploadImage's depends on
// the region.
func TestWriteActionStartRates(t *testing.T) {
	for _, tc := range []struct {
		region, action string
		want           float64
	}{
		{"cn-shanghai", "CreateUploadImage", 80},
		{"ap-southeast-1", "CreateUploadImage", 80},
		{"eu-central-1", "CreateUploadImage", 40},
		{"cn-shanghai", "DeleteImage", 50},
		{"cn-shanghai", "AddCategory", 30},
		{"cn-shanghai", "UpdateCategory", 100},
		{"cn-shanghai", "DeleteCategory", 10},
		{"cn-shanghai", "GetCategories", 50},
		{"cn-shanghai", "UpdateImageInfos", defaultStartRate},
	} {
		c, err := New(Config{Endpoint: "http://127.0.0.1:1", RegionID: tc.region, Credential: testCredential(t, testSecret)})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.rates.snapshot(tc.action).RequestsPerSecond; got != tc.want {
			t.Errorf("%s in %s starts at %v/s, want %v", tc.action, tc.region, got, tc.want)
		}
	}
}
