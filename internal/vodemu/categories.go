package vodemu

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// The media asset category tree: AddCategory, UpdateCategory, DeleteCategory and GetCategories, and
// what they do to the images filed under a category. The tree lives in the store, under the images'
// lock, so that a rename or a delete and the images it changes are seen whole. The answers'
// wire types are in messages.go, the errors (LevelExceededMax, SubTotalExceededMax,
// InvalidCateId.NotFound) in errors.go.
//
// Sources (keys listed in README.md):
//   [Models]      models.json's AddCategory, UpdateCategory, DeleteCategory, GetCategories: fields,
//                 limits and the errors they cite.
//   [AddCategory] "AddCategory" API reference (api-vod-2017-03-21-addcategory; AlibabaCloudDocs/vod
//                 intl.en-US/API Reference/Media asset management/Media asset category/AddCategory.md).
//   [DeleteCategory] "DeleteCategory" API reference (api-vod-2017-03-21-deletecategory, en 2024-12-19,
//                 pt-br 2026-10-27).
//   [GetCategories] "GetCategories" API reference (api-vod-2017-03-21-getcategories; AlibabaCloudDocs/vod
//                 .../GetCategories.md, whose "Common errors" table lists InvalidCateId.NotFound).
//   [Categories]  "Media asset categories" user guide (doc 86070): 3 levels for audio, video and
//                 images, 2 for short video materials, 100 subcategories per level.

// Category is one category: AddCategory's Category and GetCategories' Category [Models]. It is
// also a data file's Categories entry (DataFileFormat).
type Category struct {
	CateID   int64  `json:"CateId"`
	CateName string `json:"CateName"`
	// Level is 0 for a level-1 category, 1 for level 2, 2 for level 3 [AddCategory].
	Level int64 `json:"Level"`
	// ParentID is -1 for a level-1 category [AddCategory].
	ParentID int64 `json:"ParentId"`
	// Type is default (audio, video and images) or material (short video materials) [AddCategory].
	Type string `json:"Type"`
}

// Category types and limits [AddCategory; Categories; Models limits].
const (
	CategoryTypeDefault  = "default"
	CategoryTypeMaterial = "material"

	// rootCateID is the parent of level-1 categories [AddCategory: "The parent category ID of a
	// level 1 category is -1"].
	rootCateID = -1
	// maxCateNameBytes: "The value can be up to 64 bytes in length", UTF-8 [AddCategory].
	maxCateNameBytes = 64
	// maxSubcategories: "Each category level can contain a maximum of 100 subcategories"
	// [AddCategory; Categories], read as at most 100 direct children of one category (and 100
	// level-1 categories of one type).
	maxSubcategories = 100
	// maxCategoryPageSize and defaultCategoryPageSize are GetCategories' PageSize [GetCategories].
	maxCategoryPageSize     = 100
	defaultCategoryPageSize = 10
	// firstCateID is where new IDs start when nothing seeded is higher. Undocumented: real IDs are
	// large numbers (the references' examples are 100200304 and 1000126088); IDs are never reused.
	firstCateID = 1000000000
)

// maxDepth is the number of levels a type allows: 3 for audio, video and images, 2 for short video
// materials [AddCategory; Categories].
func maxDepth(typ string) int64 {
	if typ == CategoryTypeMaterial {
		return 2
	}
	return 3
}

// DefaultMaterialCategories are the level-1 material categories the emulator builds in when
// Options.Categories has none: "Level 1 material categories are built in the system and cannot be
// changed" [AddCategory]. Their names and number are undocumented; these are the emulator's own.
var DefaultMaterialCategories = []string{"vodemu material 1", "vodemu material 2"}

// categoryNode is a stored category.
type categoryNode struct {
	Category
	created  time.Time
	seq      int64 // creation order, to break ties of a frozen test clock
	builtIn  bool  // a built-in level-1 material category
	children []int64
}

// categoryTree is every category, by CateId. It belongs to the store and is guarded by its mu.
type categoryTree struct {
	nodes  map[int64]*categoryNode
	roots  map[string][]int64 // level-1 categories by Type
	nextID int64
	seq    int64
}

func newCategoryTree() *categoryTree {
	return &categoryTree{nodes: map[int64]*categoryNode{}, roots: map[string][]int64{}, nextID: firstCateID}
}

// children are the IDs below parent (rootCateID: the level-1 categories of typ).
func (t *categoryTree) children(parent int64, typ string) []int64 {
	if parent == rootCateID {
		return t.roots[typ]
	}
	if n := t.nodes[parent]; n != nil {
		return n.children
	}
	return nil
}

// add stores a category under its parent; c is complete and valid.
func (t *categoryTree) add(c Category, created time.Time, builtIn bool) {
	t.seq++
	t.nodes[c.CateID] = &categoryNode{Category: c, created: created, seq: t.seq, builtIn: builtIn}
	if c.ParentID == rootCateID {
		t.roots[c.Type] = append(t.roots[c.Type], c.CateID)
	} else {
		p := t.nodes[c.ParentID]
		p.children = append(p.children, c.CateID)
	}
	t.nextID = max(t.nextID, c.CateID+1)
}

// remove deletes a category and its subtree and returns the IDs removed.
func (t *categoryTree) remove(id int64) []int64 {
	n := t.nodes[id]
	if n == nil {
		return nil
	}
	if n.ParentID == rootCateID {
		t.roots[n.Type] = slices.DeleteFunc(t.roots[n.Type], func(c int64) bool { return c == id })
	} else if p := t.nodes[n.ParentID]; p != nil {
		p.children = slices.DeleteFunc(p.children, func(c int64) bool { return c == id })
	}
	removed := []int64{}
	var walk func(int64)
	walk = func(id int64) {
		n := t.nodes[id]
		removed = append(removed, id)
		for _, c := range n.children {
			walk(c)
		}
		delete(t.nodes, id)
	}
	walk(id)
	return removed
}

// parseCateID reads an integer ID parameter; ok is false when it is absent or empty (an empty
// parameter counts as not sent, as in SearchMedia).
func parseCateID(p map[string]string, name string) (id int64, ok bool, aerr *apiError) {
	raw := p[name]
	if raw == "" {
		return 0, false, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return 0, false, errInvalid(name, "It must be an integer category ID.")
	}
	return id, true, nil
}

// checkCateName checks a CateName: required, at most 64 bytes, UTF-8 [AddCategory; Models limits].
func checkCateName(p map[string]string) (string, *apiError) {
	name := p["CateName"]
	switch {
	case name == "":
		return "", errMissing("CateName")
	case len(name) > maxCateNameBytes:
		return "", errInvalid("CateName", fmt.Sprintf("It can be up to %d bytes long (UTF-8); it has %d.", maxCateNameBytes, len(name)))
	case !utf8.ValidString(name):
		return "", errInvalid("CateName", "It must be UTF-8.")
	}
	return name, nil
}

// checkCategoryType reads Type: default (the default) or material [AddCategory; GetCategories].
func checkCategoryType(p map[string]string) (string, *apiError) {
	switch typ := p["Type"]; typ {
	case "":
		return CategoryTypeDefault, nil
	case CategoryTypeDefault, CategoryTypeMaterial:
		return typ, nil
	}
	return "", errInvalid("Type", "Valid values are default and material.")
}

// errBuiltIn is a change to a built-in level-1 material category, which "cannot be changed"
// [AddCategory]. The code is undocumented: InvalidParameter naming CateId says what is wrong.
func errBuiltIn() *apiError {
	return errInvalid("CateId", "Level 1 material categories are built in and cannot be changed.")
}

// addCategory answers AddCategory [AddCategory]: a level-1 category without ParentId (or with
// ParentId -1), else a subcategory of ParentId, one level below it.
func (s *Server) addCategory(requestID string, p map[string]string) (any, *apiError) {
	name, aerr := checkCateName(p)
	if aerr != nil {
		return nil, aerr
	}
	typ, aerr := checkCategoryType(p)
	if aerr != nil {
		return nil, aerr
	}
	parent, hasParent, aerr := parseCateID(p, "ParentId")
	if aerr != nil {
		return nil, aerr
	}
	if !hasParent {
		parent = rootCateID
	}
	// "If you set the Type parameter to material, you must set the ParentId parameter": level-1
	// material categories are built in [AddCategory].
	if typ == CategoryTypeMaterial && parent == rootCateID {
		return nil, errMissing("ParentId")
	}
	st := s.store
	st.lock()
	defer st.mu.Unlock()
	t := st.categories()
	level := int64(0)
	if parent != rootCateID {
		pn := t.nodes[parent]
		if pn == nil {
			return nil, errCateNotFound() // "the specified ID of the parent category does not exist" [AddCategory]
		}
		// Undocumented: a subcategory has its parent's type. A Type (or its default, default)
		// that differs is InvalidParameter rather than silently taking the parent's, so that a
		// client that forgets Type=material under a material category finds out.
		if pn.Type != typ {
			return nil, errInvalid("Type", fmt.Sprintf("The parent category %d is of type %s; a subcategory has its parent's type.", parent, pn.Type))
		}
		level = pn.Level + 1
	}
	if level >= maxDepth(typ) {
		return nil, errLevelExceeded()
	}
	if len(t.children(parent, typ)) >= maxSubcategories {
		return nil, errSubTotalExceeded()
	}
	// Undocumented whether names must be unique among siblings: no reference says so, and the
	// console adds a category per Enter. The emulator allows duplicates, so that a client's
	// lookup by name has to deal with ambiguity.
	c := Category{CateID: t.nextID, CateName: name, Level: level, ParentID: parent, Type: typ}
	t.add(c, s.opts.Now(), false)
	return addCategoryResponse{RequestID: requestID, Category: c}, nil
}

// updateCategory answers UpdateCategory: a rename, which every image filed under the category
// shows at once (its CateName is the category's name).
func (s *Server) updateCategory(requestID string, p map[string]string) (any, *apiError) {
	id, ok, aerr := parseCateID(p, "CateId")
	if aerr != nil {
		return nil, aerr
	}
	if !ok {
		return nil, errMissing("CateId")
	}
	name, aerr := checkCateName(p)
	if aerr != nil {
		return nil, aerr
	}
	st := s.store
	st.lock()
	defer st.mu.Unlock()
	n := st.categories().nodes[id]
	if n == nil {
		// Undocumented: UpdateCategory has no error table ([Models] errors.note). The emulator
		// answers InvalidCateId.NotFound (404), the code VOD documents for an unknown CateId in
		// AddCategory, DeleteCategory and GetCategories, rather than succeed on nothing and hide
		// a client's wrong ID.
		return nil, errCateNotFound()
	}
	if n.builtIn {
		return nil, errBuiltIn()
	}
	n.CateName = name
	st.refileImages(map[int64]bool{id: true})
	return requestIDResponse{RequestID: requestID}, nil
}

// deleteCategory answers DeleteCategory: the category and all its subcategories go ("all
// subcategories including level 2 and level 3 categories are deleted at the same time"
// [DeleteCategory]); the images filed under any of them stay, without a category: "the category
// names labeled on these media resources are automatically deleted" (en), "the deletion also
// removes the category from these media assets" (pt-br, 2026) [DeleteCategory]. So their CateId
// and CateName are no longer returned, and a SearchMedia CateId match no longer finds them.
func (s *Server) deleteCategory(requestID string, p map[string]string) (any, *apiError) {
	id, ok, aerr := parseCateID(p, "CateId")
	if aerr != nil {
		return nil, aerr
	}
	if !ok {
		return nil, errMissing("CateId")
	}
	st := s.store
	st.lock()
	defer st.mu.Unlock()
	t := st.categories()
	n := t.nodes[id]
	if n == nil {
		return nil, errCateNotFound() // [DeleteCategory, Common errors]
	}
	if n.builtIn {
		return nil, errBuiltIn()
	}
	gone := map[int64]bool{}
	for _, c := range t.remove(id) {
		gone[c] = true
	}
	st.refileImages(gone)
	return requestIDResponse{RequestID: requestID}, nil
}

// getCategories answers GetCategories [GetCategories]: the category CateId names (absent, empty or
// -1: the root of Type's tree, whose children are the level-1 categories) and a page of its direct
// subcategories, each with its own SubTotal; SubTotal is the number of direct subcategories
// (undocumented whether it counts deeper levels; the direct ones are what the pages list).
func (s *Server) getCategories(requestID string, p map[string]string) (any, *apiError) {
	id, ok, aerr := parseCateID(p, "CateId")
	if aerr != nil {
		return nil, aerr
	}
	if !ok {
		id = rootCateID // "Default value: -1" [GetCategories, 2019 reference]
	}
	// Type picks the tree for the root listing. With a CateId it is checked but otherwise
	// ignored (undocumented: the ID names one category, which has one type).
	typ, aerr := checkCategoryType(p)
	if aerr != nil {
		return nil, aerr
	}
	pageNo, aerr := pageParam(p, "PageNo", 1, maxPageNo)
	if aerr != nil {
		return nil, aerr
	}
	pageSize, aerr := pageParam(p, "PageSize", defaultCategoryPageSize, maxCategoryPageSize)
	if aerr != nil {
		return nil, aerr
	}
	desc := true
	switch p["SortBy"] {
	case "", "CreationTime:Desc": // the default [GetCategories]
	case "CreationTime:Asc":
		desc = false
	default:
		return nil, errInvalid("SortBy", "Valid values are CreationTime:Desc and CreationTime:Asc.")
	}
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	t := st.categories()
	resp := getCategoriesResponse{RequestID: requestID, SubCategories: subCategories{Category: []subCategory{}}}
	if id != rootCateID {
		n := t.nodes[id]
		if n == nil {
			return nil, errCateNotFound() // [GetCategories, Common errors]
		}
		c := n.Category
		resp.Category = &c
		typ = n.Type
	}
	kids := slices.Clone(t.children(id, typ))
	slices.SortFunc(kids, func(a, b int64) int {
		na, nb := t.nodes[a], t.nodes[b]
		c := cmp.Or(na.created.Compare(nb.created), cmp.Compare(na.seq, nb.seq))
		if desc {
			c = -c
		}
		return c
	})
	resp.SubTotal = int64(len(kids))
	start := min((pageNo-1)*pageSize, int64(len(kids)))
	end := min(start+pageSize, int64(len(kids)))
	for _, k := range kids[start:end] {
		n := t.nodes[k]
		resp.SubCategories.Category = append(resp.SubCategories.Category, subCategory{
			CateID: n.CateID, CateName: n.CateName, Level: n.Level, ParentID: n.ParentID, Type: n.Type,
			SubTotal: int64(len(n.children)),
		})
	}
	return resp, nil
}

// maxPageNo bounds GetCategories' PageNo so that (PageNo-1)*PageSize cannot overflow; any page
// past the last is empty.
const maxPageNo = 1 << 40

// categories returns the store's tree, creating it on first use; st.mu is held.
func (st *store) categories() *categoryTree {
	if st.cats == nil {
		st.cats = newCategoryTree()
	}
	return st.cats
}

// refileImages brings the images filed under the categories in ids up to date, st.mu held for
// writing: a category still in the tree gives its current name; one no longer there leaves the
// image without a category (CateId 0 and no CateName: both are then left out of answers).
func (st *store) refileImages(ids map[int64]bool) {
	t := st.categories()
	for key, img := range st.images {
		if img.CateID == 0 || !ids[img.CateID] {
			continue
		}
		if n := t.nodes[img.CateID]; n != nil {
			img.CateName = n.CateName
		} else {
			img.CateID, img.CateName = 0, ""
		}
		st.images[key] = img // replaced, never changed in place
	}
}

// putFiledImage stores an image as putImage does, filed under its category (fileImage).
func (st *store) putFiledImage(img Image, now time.Time) {
	img = img.clone()
	st.lock()
	defer st.mu.Unlock()
	st.images[img.ImageID] = st.fileImage(img, now)
}

// fileImage gives an image being stored its category's current name, st.mu held for writing. An
// image naming a CateId the tree lacks (PutImage of an image filed elsewhere) adds that category,
// as the data file's images do (seedCategories): a level-1 default category named by the image.
func (st *store) fileImage(img Image, now time.Time) Image {
	if img.CateID == 0 {
		return img
	}
	t := st.categories()
	if n := t.nodes[img.CateID]; n != nil {
		img.CateName = n.CateName
		return img
	}
	if img.CateID > 0 && len(t.roots[CategoryTypeDefault]) < maxSubcategories {
		t.add(Category{CateID: img.CateID, CateName: impliedName(img), ParentID: rootCateID, Type: CategoryTypeDefault}, now, false)
		img.CateName = impliedName(img)
	}
	return img
}

// impliedName is the name of a category only an image names: the image's CateName, or, without
// one, "category <id>" (undocumented: every real category has a name, and an image's CateName is
// its category's).
func impliedName(img Image) string {
	if img.CateName != "" {
		return img.CateName
	}
	return "category " + strconv.FormatInt(img.CateID, 10)
}

// seedCategories builds the tree from Options.Categories (or a data file's Categories) and the
// categories the stored images imply, then gives every image its category's name. It runs once,
// from New, before the server answers anything.
func (st *store) seedCategories(cats []Category, now time.Time) error {
	images := make([]Image, 0, len(st.images))
	for _, img := range st.images {
		images = append(images, img)
	}
	all, err := completeCategories(cats, images)
	if err != nil {
		return err
	}
	st.lock()
	defer st.mu.Unlock()
	st.cats = newCategoryTree()
	for _, c := range all {
		builtIn := c.Type == CategoryTypeMaterial && c.ParentID == rootCateID
		st.cats.add(c, now, builtIn)
	}
	ids := map[int64]bool{}
	for id := range st.cats.nodes {
		ids[id] = true
	}
	st.refileImages(ids)
	return nil
}

// completeCategories checks a Categories list against the tree's rules and returns it completed,
// in creation order: each entry's Type defaults to default, ParentId to -1 (given as 0 or -1),
// Level follows from the parent (a Level given must agree); then the built-in material categories
// (DefaultMaterialCategories, when the list has no level-1 material category); then one level-1
// default category per CateId that images name and the list lacks, named by the images' CateName
// (which must then agree). A parent must come before its children.
func completeCategories(cats []Category, images []Image) ([]Category, error) {
	byID := map[int64]Category{}
	kids := map[int64]int{}
	var out []Category
	add := func(c Category) {
		byID[c.CateID] = c
		kids[c.ParentID]++
		out = append(out, c)
	}
	rootKids := map[string]int{}
	hasMaterialRoot := false
	for i, c := range cats {
		where := fmt.Sprintf("category #%d (CateId %d)", i, c.CateID)
		if c.CateID <= 0 {
			return nil, fmt.Errorf("category #%d: CateId must be a positive integer", i)
		}
		if _, dup := byID[c.CateID]; dup {
			return nil, fmt.Errorf("%s: duplicate CateId", where)
		}
		if c.CateName == "" || len(c.CateName) > maxCateNameBytes || !utf8.ValidString(c.CateName) {
			return nil, fmt.Errorf("%s: CateName must be 1 to %d bytes of UTF-8", where, maxCateNameBytes)
		}
		if c.Type == "" {
			c.Type = CategoryTypeDefault
		}
		if c.Type != CategoryTypeDefault && c.Type != CategoryTypeMaterial {
			return nil, fmt.Errorf("%s: Type %q is not default or material", where, c.Type)
		}
		level := int64(0)
		if c.ParentID == 0 {
			c.ParentID = rootCateID
		}
		if c.ParentID == rootCateID {
			rootKids[c.Type]++
			if rootKids[c.Type] > maxSubcategories {
				return nil, fmt.Errorf("%s: more than %d level-1 %s categories", where, maxSubcategories, c.Type)
			}
			hasMaterialRoot = hasMaterialRoot || c.Type == CategoryTypeMaterial
		} else {
			p, ok := byID[c.ParentID]
			if !ok {
				return nil, fmt.Errorf("%s: ParentId %d is not a category listed before it", where, c.ParentID)
			}
			if p.Type != c.Type {
				return nil, fmt.Errorf("%s: Type %s differs from its parent's, %s", where, c.Type, p.Type)
			}
			level = p.Level + 1
			if kids[c.ParentID] >= maxSubcategories {
				return nil, fmt.Errorf("%s: category %d has more than %d subcategories", where, c.ParentID, maxSubcategories)
			}
		}
		if level >= maxDepth(c.Type) {
			return nil, fmt.Errorf("%s: level %d is deeper than %s categories may go (%d levels)", where, level+1, c.Type, maxDepth(c.Type))
		}
		if c.Level != 0 && c.Level != level {
			return nil, fmt.Errorf("%s: Level %d, but its parent makes it %d (0 is level 1)", where, c.Level, level)
		}
		c.Level = level
		add(c)
	}
	if !hasMaterialRoot {
		next := int64(firstCateID)
		for id := range byID {
			next = max(next, id+1)
		}
		for _, id := range impliedIDs(images) {
			next = max(next, id+1)
		}
		for _, name := range DefaultMaterialCategories {
			add(Category{CateID: next, CateName: name, ParentID: rootCateID, Type: CategoryTypeMaterial})
			next++
		}
	}
	// Images sorted by ImageId, so that errors and implied categories do not depend on map order.
	images = slices.SortedFunc(slices.Values(images), func(a, b Image) int { return cmp.Compare(a.ImageID, b.ImageID) })
	for _, img := range images {
		if img.CateID == 0 {
			continue
		}
		if img.CateID < 0 {
			return nil, fmt.Errorf("image %q: CateId %d is not a category ID", img.ImageID, img.CateID)
		}
		c, ok := byID[img.CateID]
		if !ok {
			if rootKids[CategoryTypeDefault] >= maxSubcategories {
				return nil, fmt.Errorf("image %q: CateId %d would be a level-1 category past the %d allowed", img.ImageID, img.CateID, maxSubcategories)
			}
			rootKids[CategoryTypeDefault]++
			add(Category{CateID: img.CateID, CateName: impliedName(img), ParentID: rootCateID, Type: CategoryTypeDefault})
			continue
		}
		if img.CateName != "" && img.CateName != c.CateName {
			return nil, fmt.Errorf("image %q: CateName %q, but category %d is named %q", img.ImageID, img.CateName, c.CateID, c.CateName)
		}
	}
	return out, nil
}

// impliedIDs are the CateIds images name.
func impliedIDs(images []Image) []int64 {
	var ids []int64
	for _, img := range images {
		if img.CateID > 0 {
			ids = append(ids, img.CateID)
		}
	}
	return ids
}

// validateCategories checks Options.Categories with the images, as New will.
func validateCategories(cats []Category, images []Image) error {
	_, err := completeCategories(cats, images)
	return err
}

// Categories returns every category, level by level, each level in creation order: the tree as
// GetCategories would page through it. For tests and tools.
func (s *Server) Categories() []Category {
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	t := st.categories()
	nodes := make([]*categoryNode, 0, len(t.nodes))
	for _, n := range t.nodes {
		nodes = append(nodes, n)
	}
	slices.SortFunc(nodes, func(a, b *categoryNode) int {
		return cmp.Or(cmp.Compare(a.Level, b.Level), a.created.Compare(b.created), cmp.Compare(a.seq, b.seq))
	})
	out := make([]Category, len(nodes))
	for i, n := range nodes {
		out[i] = n.Category
	}
	return out
}
