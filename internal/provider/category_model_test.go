package provider

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// VOD's documented category refusals become errors on the argument that decides them, saying what
// was done, to which category, the code, the request ID and what to do.
func TestCategoryErrorDiagnostic(t *testing.T) {
	data := &providerData{region: "cn-shanghai", endpoint: "https://vod.cn-shanghai.aliyuncs.com"}
	apiErr := func(action, code string, status int) *vod.APIError {
		return &vod.APIError{Action: action, Code: code, HTTPStatus: status, Message: "m", RequestID: "RID-1"}
	}
	for _, tc := range []struct {
		name    string
		err     error
		summary string
		at      path.Path
		want    []string
	}{
		{"too deep", &vod.CategoryError{Kind: vod.CategoryTooDeep, Name: "x", ParentID: 12, Type: "default", Err: apiErr("AddCategory", "LevelExceededMax", 400)},
			"VOD category too deep", path.Root("parent_id"),
			[]string{`Creating category "x" under parent 12 in region cn-shanghai`, "LevelExceededMax (HTTP 400, request ID RID-1)", "3 levels for type default", "Put it under a category of a higher level."}},
		{"level full", fmt.Errorf("wrapped: %w", &vod.CategoryError{Kind: vod.CategoryLevelFull, Name: "x", ParentID: 12, Err: apiErr("AddCategory", "SubTotalExceededMax", 400)}),
			"VOD category level full", path.Root("parent_id"),
			[]string{"already has the 100 subcategories VOD allows: SubTotalExceededMax", "Delete a subcategory of that parent, or choose another parent."}},
		{"missing parent", &vod.CategoryError{Kind: vod.CategoryNotFound, ParentID: 12, Err: apiErr("AddCategory", "InvalidCateId.NotFound", 404)},
			"VOD category not found", path.Root("parent_id"), []string{"the parent category 12 does not exist"}},
		{"missing category", &vod.CategoryError{Kind: vod.CategoryNotFound, ID: 7, Err: apiErr("UpdateCategory", "InvalidCateId.NotFound", 404)},
			"VOD category not found", path.Root("id"), []string{"category 7 does not exist"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := categoryErrorDiagnostic("Creating", describeCategory(0, "x", types.Int64Value(12)), "Failed", data, tc.err)
			withPath, ok := d.(diag.DiagnosticWithPath)
			if !ok || !withPath.Path().Equal(tc.at) {
				t.Errorf("diagnostic %v is not on %s", d, tc.at)
			}
			if d.Summary() != tc.summary {
				t.Errorf("summary %q, want %q", d.Summary(), tc.summary)
			}
			for _, w := range tc.want {
				if !strings.Contains(d.Detail(), w) {
					t.Errorf("detail %q lacks %q", d.Detail(), w)
				}
			}
		})
	}
	// Other refusals are explained as reads are, with the write's verb.
	d := categoryErrorDiagnostic("Deleting", "category 7", "Failed to delete VOD category", data,
		fmt.Errorf("DeleteCategory: %w", apiErr("DeleteCategory", "InvalidParameter", 400)))
	if !strings.Contains(d.Detail(), "Deleting category 7 in region cn-shanghai failed") || strings.Contains(d.Detail(), "Reading") ||
		!strings.Contains(d.Detail(), "InvalidParameter") {
		t.Errorf("detail %q", d.Detail())
	}
}

func TestMayHaveBeenCarriedOut(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&vod.APIError{Code: "LevelExceededMax"}, false},
		{&vod.CredentialError{}, false},
		{&vod.MalformedResponseError{}, true},
		{errors.New("AddCategory: read tcp: connection reset by peer"), true},
	} {
		if got := mayHaveBeenCarriedOut(tc.err); got != tc.want {
			t.Errorf("%T %v: %v, want %v", tc.err, tc.err, got, tc.want)
		}
	}
}
