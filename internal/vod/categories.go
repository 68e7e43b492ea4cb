package vod

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Category types and the documented limits of the category tree (models.json, AddCategory
// "limits", from vod-20170321@1534907 and the AddCategory API reference).
const (
	CategoryTypeDefault  = "default"
	CategoryTypeMaterial = "material"
	// MaxCategoryNameBytes is the longest CateName, in bytes of UTF-8.
	MaxCategoryNameBytes = 64
	// MaxSubcategories is how many children one category (or the root) may have.
	MaxSubcategories = 100
	// RootCategoryID is the parent of the level-1 categories, as GetCategories takes it.
	RootCategoryID int64 = -1
	// MaxCategoriesPerPage is GetCategories' largest PageSize.
	MaxCategoriesPerPage = 100
)

// MaxCategoryDepth is how many levels a tree of the given type may have: 3 for default, 2 for
// material (models.json, AddCategory "limits.depth").
func MaxCategoryDepth(categoryType string) int {
	if categoryType == CategoryTypeMaterial {
		return 2
	}
	return 3
}

// CheckCategoryName checks a category name against the documented limits: not empty, at most
// MaxCategoryNameBytes bytes of UTF-8. It returns a plain error naming the limit, or nil.
func CheckCategoryName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("the category name is empty")
	case len(name) > MaxCategoryNameBytes:
		return fmt.Errorf("the category name is %d bytes long; VOD takes at most %d bytes (UTF-8)", len(name), MaxCategoryNameBytes)
	}
	return nil
}

// Category is a node of VOD's category tree, as AddCategory and GetCategories answer it.
type Category struct {
	ID   int64
	Name string
	// Level counts from 0: 0 is a level-1 (top) category.
	Level int64
	// ParentID is RootCategoryID for a level-1 category.
	ParentID int64
	// Type is CategoryTypeDefault or CategoryTypeMaterial.
	Type string
	// Subtotal is how many children it has, as GetCategories' SubCategories items say; -1 when
	// the answer did not say (AddCategory's, or an item without SubTotal).
	Subtotal int64
}

type wireCategory struct {
	CateID   flexInt  `json:"CateId"`
	CateName string   `json:"CateName"`
	Level    flexInt  `json:"Level"`
	ParentID flexInt  `json:"ParentId"`
	Type     string   `json:"Type"`
	SubTotal *flexInt `json:"SubTotal"`
}

func (w *wireCategory) category() Category {
	c := Category{ID: int64(w.CateID), Name: w.CateName, Level: int64(w.Level), ParentID: int64(w.ParentID),
		Type: w.Type, Subtotal: -1}
	if w.SubTotal != nil {
		c.Subtotal = int64(*w.SubTotal)
	}
	return c
}

// CategoryErrorKind says what a refused category call means.
type CategoryErrorKind string

const (
	// CategoryNotFound means the category (or the parent named) does not exist (InvalidCateId.NotFound,
	// HTTP 404, documented for AddCategory and DeleteCategory).
	CategoryNotFound CategoryErrorKind = "not found"
	// CategoryTooDeep means the new category would be deeper than MaxCategoryDepth (LevelExceededMax,
	// HTTP 400, AddCategory).
	CategoryTooDeep CategoryErrorKind = "too deep"
	// CategoryLevelFull means the parent already has MaxSubcategories children (SubTotalExceededMax,
	// HTTP 400, AddCategory).
	CategoryLevelFull CategoryErrorKind = "level full"
)

// categoryErrorCodes maps the documented codes (models.json, AddCategory and DeleteCategory
// "errors", from their API references' error tables) to kinds.
var categoryErrorCodes = map[string]CategoryErrorKind{
	"InvalidCateId.NotFound": CategoryNotFound,
	"LevelExceededMax":       CategoryTooDeep,
	"SubTotalExceededMax":    CategoryLevelFull,
}

// CategoryError is a category call VOD refused with one of its documented category codes. It
// wraps the *APIError (code, HTTP status, request ID).
type CategoryError struct {
	Kind CategoryErrorKind
	// Name, ParentID and ID are the call's: the new category's name and parent (AddCategory), or
	// the category's ID (UpdateCategory, DeleteCategory, GetCategories); zero when not given.
	Name     string
	ParentID int64
	ID       int64
	Type     string
	Err      *APIError
}

// Error says what happened, for which category, VOD's code and request ID, and what to do.
func (e *CategoryError) Error() string {
	var what, todo string
	switch e.Kind {
	case CategoryNotFound:
		if e.ID != 0 {
			what = fmt.Sprintf("category %d does not exist", e.ID)
		} else {
			what = fmt.Sprintf("the parent category %d does not exist", e.ParentID)
		}
		todo = "It may have been deleted outside Terraform, or with a parent (deleting a category deletes its subcategories)."
	case CategoryTooDeep:
		what = fmt.Sprintf("category %q under parent %d would be deeper than VOD allows (%d levels for type %s)",
			e.Name, e.ParentID, MaxCategoryDepth(e.Type), orDefaultType(e.Type))
		todo = "Put it under a category of a higher level."
	case CategoryLevelFull:
		what = fmt.Sprintf("category %q cannot be added: parent %d already has the %d subcategories VOD allows", e.Name, e.ParentID, MaxSubcategories)
		todo = "Delete a subcategory of that parent, or choose another parent."
	}
	return fmt.Sprintf("%s: %s: %s (HTTP %d, request ID %s). %s", e.Err.Action, what, e.Err.Code, e.Err.HTTPStatus, e.Err.RequestID, todo)
}

// Unwrap returns the *APIError.
func (e *CategoryError) Unwrap() error { return e.Err }

func orDefaultType(t string) string {
	if t == "" {
		return CategoryTypeDefault
	}
	return t
}

// IsCategoryNotFound reports whether err says the category (or the parent named) does not exist.
func IsCategoryNotFound(err error) bool { return categoryErrorIs(err, CategoryNotFound) }

// IsCategoryTooDeep reports whether err is AddCategory's LevelExceededMax.
func IsCategoryTooDeep(err error) bool { return categoryErrorIs(err, CategoryTooDeep) }

// IsCategoryLevelFull reports whether err is AddCategory's SubTotalExceededMax.
func IsCategoryLevelFull(err error) bool { return categoryErrorIs(err, CategoryLevelFull) }

func categoryErrorIs(err error, kind CategoryErrorKind) bool {
	var e *CategoryError
	return errors.As(err, &e) && e.Kind == kind
}

// categoryError wraps a documented category code into a *CategoryError; other errors pass.
func categoryError(err error, e CategoryError) error {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return err
	}
	kind, ok := categoryErrorCodes[apiErr.Code]
	if !ok {
		return err
	}
	e.Kind, e.Err = kind, apiErr
	return &e
}

// AddCategoryInput is AddCategory's request.
type AddCategoryInput struct {
	// Name is required; CheckCategoryName's limits.
	Name string
	// ParentID is the parent; nil for a level-1 category. Material categories need one (their
	// level-1 categories are built in).
	ParentID *int64
	// Type is CategoryTypeDefault (VOD's default when empty) or CategoryTypeMaterial.
	Type string
}

// AddCategory creates a category and returns it. A name CheckCategoryName refuses, an unknown
// Type, or a material category without a parent is a plain error before any request. VOD's
// documented refusals are *CategoryError (IsCategoryTooDeep, IsCategoryLevelFull,
// IsCategoryNotFound for a missing parent); the other errors are those of every call (see Client).
// AddCategory is not idempotent: a retry after a lost answer can create a second category of the
// same name.
func (c *Client) AddCategory(ctx context.Context, in AddCategoryInput) (*Category, error) {
	if err := CheckCategoryName(in.Name); err != nil {
		return nil, fmt.Errorf("AddCategory: %w", err)
	}
	if in.Type != "" && in.Type != CategoryTypeDefault && in.Type != CategoryTypeMaterial {
		return nil, fmt.Errorf("AddCategory: category type %q is not %s or %s", in.Type, CategoryTypeDefault, CategoryTypeMaterial)
	}
	if in.Type == CategoryTypeMaterial && in.ParentID == nil {
		return nil, errors.New("AddCategory: a material category needs a parent: VOD's level-1 material categories are built in")
	}
	q := map[string]string{"CateName": in.Name}
	var parent int64
	if in.ParentID != nil {
		parent = *in.ParentID
		q["ParentId"] = strconv.FormatInt(parent, 10)
	}
	if in.Type != "" {
		q["Type"] = in.Type
	}
	var out *Category
	err := c.call(ctx, "AddCategory", q, func(body []byte) error {
		var resp struct {
			RequestID string        `json:"RequestId"`
			Category  *wireCategory `json:"Category"`
		}
		if err := unmarshal("AddCategory", body, &resp); err != nil {
			return err
		}
		if resp.Category == nil || resp.Category.CateID == 0 {
			return fmt.Errorf("AddCategory: the response has no Category with a CateId (request ID %q)", resp.RequestID)
		}
		cat := resp.Category.category()
		out = &cat
		return nil
	})
	if err != nil {
		return nil, categoryError(err, CategoryError{Name: in.Name, ParentID: parent, Type: in.Type})
	}
	return out, nil
}

// UpdateCategory renames a category. A name CheckCategoryName refuses is a plain error before any
// request; a missing category is a *CategoryError (IsCategoryNotFound) should VOD answer
// InvalidCateId.NotFound (documented for AddCategory and DeleteCategory only); the other errors
// are those of every call (see Client).
func (c *Client) UpdateCategory(ctx context.Context, id int64, name string) error {
	if err := CheckCategoryName(name); err != nil {
		return fmt.Errorf("UpdateCategory: category %d: %w", id, err)
	}
	q := map[string]string{"CateId": strconv.FormatInt(id, 10), "CateName": name}
	err := c.call(ctx, "UpdateCategory", q, decodeRequestOnly("UpdateCategory"))
	return categoryError(err, CategoryError{ID: id, Name: name})
}

// DeleteCategory deletes a category and, as VOD documents, all its subcategories. A category that
// does not exist (InvalidCateId.NotFound) is success with alreadyGone true: a parent deleted
// first takes its children with it. The other errors are those of every call (see Client).
func (c *Client) DeleteCategory(ctx context.Context, id int64) (alreadyGone bool, err error) {
	err = c.call(ctx, "DeleteCategory", map[string]string{"CateId": strconv.FormatInt(id, 10)}, decodeRequestOnly("DeleteCategory"))
	if IsCategoryNotFound(categoryError(err, CategoryError{ID: id})) {
		return true, nil
	}
	return false, err
}

func decodeRequestOnly(action string) func([]byte) error {
	return func(body []byte) error {
		var resp struct {
			RequestID string `json:"RequestId"`
		}
		return unmarshal(action, body, &resp)
	}
}

// Sort orders of GetCategories (models.json, GetCategories "limits.SortBy").
const (
	CategorySortCreationTimeDesc = "CreationTime:Desc"
	CategorySortCreationTimeAsc  = "CreationTime:Asc"
)

// GetCategoriesInput is GetCategories' request: one page of a category's children. Zero values
// are not sent, leaving VOD's defaults, except CateID, always sent.
type GetCategoriesInput struct {
	// CateID is the category whose children are listed; RootCategoryID lists the level-1 ones.
	CateID int64
	// PageNo counts from 1 (VOD's default); PageSize is 1 to MaxCategoriesPerPage (default 10).
	PageNo, PageSize int64
	// SortBy is CategorySortCreationTimeDesc (VOD's default) or CategorySortCreationTimeAsc.
	SortBy string
	// Type is CategoryTypeDefault (VOD's default) or CategoryTypeMaterial.
	Type string
}

// GetCategoriesOutput is one page: the category asked for (nil for the root, if VOD sends none),
// how many children it has in all, and this page's.
type GetCategoriesOutput struct {
	RequestID string
	Category  *Category
	// Subtotal is the number of children in all pages.
	Subtotal      int64
	Subcategories []Category
}

type getCategoriesResponse struct {
	RequestID     string        `json:"RequestId"`
	SubTotal      flexInt       `json:"SubTotal"`
	Category      *wireCategory `json:"Category"`
	SubCategories *struct {
		Category []*wireCategory `json:"Category"`
	} `json:"SubCategories"`
}

// GetCategories reads one page of a category's children. PageSize above MaxCategoriesPerPage is a
// plain error before any request; a missing category is a *CategoryError (IsCategoryNotFound) if
// VOD answers InvalidCateId.NotFound; the other errors are those of every call (see Client).
func (c *Client) GetCategories(ctx context.Context, in GetCategoriesInput) (*GetCategoriesOutput, error) {
	if in.PageSize < 0 || in.PageSize > MaxCategoriesPerPage || in.PageNo < 0 {
		return nil, fmt.Errorf("GetCategories: page size %d or page number %d out of range (1 to %d, from 1)", in.PageSize, in.PageNo, MaxCategoriesPerPage)
	}
	q := map[string]string{"CateId": strconv.FormatInt(in.CateID, 10)}
	if in.PageNo > 0 {
		q["PageNo"] = strconv.FormatInt(in.PageNo, 10)
	}
	if in.PageSize > 0 {
		q["PageSize"] = strconv.FormatInt(in.PageSize, 10)
	}
	if in.SortBy != "" {
		q["SortBy"] = in.SortBy
	}
	if in.Type != "" {
		q["Type"] = in.Type
	}
	var out *GetCategoriesOutput
	err := c.call(ctx, "GetCategories", q, func(body []byte) error {
		var resp getCategoriesResponse
		if err := unmarshal("GetCategories", body, &resp); err != nil {
			return err
		}
		out = &GetCategoriesOutput{RequestID: resp.RequestID, Subtotal: int64(resp.SubTotal)}
		if resp.Category != nil {
			cat := resp.Category.category()
			out.Category = &cat
		}
		if resp.SubCategories != nil {
			for i, w := range resp.SubCategories.Category {
				if w == nil || w.CateID == 0 {
					return fmt.Errorf("GetCategories: SubCategories.Category[%d] has no CateId (request ID %q)", i, resp.RequestID)
				}
				out.Subcategories = append(out.Subcategories, w.category())
			}
		}
		return nil
	})
	if err != nil {
		return nil, categoryError(err, CategoryError{ID: in.CateID, Type: in.Type})
	}
	return out, nil
}

// ListSubcategories reads every child of a category (RootCategoryID: the level-1 categories) of
// the given type, page by page at MaxCategoriesPerPage, oldest first. A child listed on two pages
// (the tree changed meanwhile) is kept once. Errors are GetCategories'.
func (c *Client) ListSubcategories(ctx context.Context, parentID int64, categoryType string) ([]Category, error) {
	var all []Category
	seen := map[int64]bool{}
	for page := int64(1); ; page++ {
		out, err := c.GetCategories(ctx, GetCategoriesInput{CateID: parentID, PageNo: page, PageSize: MaxCategoriesPerPage,
			SortBy: CategorySortCreationTimeAsc, Type: categoryType})
		if err != nil {
			return nil, err
		}
		for _, cat := range out.Subcategories {
			if !seen[cat.ID] {
				seen[cat.ID] = true
				all = append(all, cat)
			}
		}
		// The last page: a short one, or every child read. The page-count bound stops a server
		// that keeps sending full pages.
		if len(out.Subcategories) < MaxCategoriesPerPage || int64(len(all)) >= out.Subtotal || page >= MaxSubcategories {
			return all, nil
		}
	}
}

// CategoryNode is a category with its subtree.
type CategoryNode struct {
	Category
	Children []*CategoryNode
}

// categoryTreeConcurrency bounds the GetCategories calls one GetCategoryTree has in flight; the
// per-action rate paces them too.
const categoryTreeConcurrency = 4

// GetCategoryTree reads the tree under a category (RootCategoryID: the whole tree of the type), to
// MaxCategoryDepth levels, children in creation order. The root node's Category has only ID and
// Type set when it is RootCategoryID. Categories whose Subtotal is 0 are not asked for children.
// The first error cancels the rest and is returned; errors are GetCategories'.
func (c *Client) GetCategoryTree(ctx context.Context, rootID int64, categoryType string) (*CategoryNode, error) {
	root := &CategoryNode{Category: Category{ID: rootID, Type: categoryType, Level: -1, Subtotal: -1}}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		slots    = make(chan struct{}, categoryTreeConcurrency)
	)
	var expand func(n *CategoryNode, depth int)
	expand = func(n *CategoryNode, depth int) {
		defer wg.Done()
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		children, err := c.ListSubcategories(ctx, n.ID, categoryType)
		<-slots
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			if firstErr == nil {
				firstErr = err
				cancel()
			}
			return
		}
		for _, ch := range children {
			node := &CategoryNode{Category: ch}
			n.Children = append(n.Children, node)
			if ch.Subtotal != 0 && depth+1 < MaxCategoryDepth(categoryType) {
				wg.Add(1)
				go expand(node, depth+1)
			}
		}
	}
	depth := 0
	if rootID != RootCategoryID {
		first, err := c.GetCategories(ctx, GetCategoriesInput{CateID: rootID, PageSize: 1, Type: categoryType})
		if err != nil {
			return nil, err
		}
		if first.Category != nil {
			root.Category = *first.Category
			root.Subtotal = first.Subtotal
			depth = int(first.Category.Level) + 1
		}
	}
	wg.Add(1)
	go expand(root, depth)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return root, nil
}
