package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

func TestCategoryNameValidator(t *testing.T) {
	for _, tc := range []struct {
		name string
		want string // "" for valid
	}{
		{name: "covers"},
		{name: strings.Repeat("a", 64)},
		{name: strings.Repeat("封", 21)}, // 63 bytes
		{name: strings.Repeat("a", 65), want: "65 bytes long; VOD takes at most 64"},
		{name: strings.Repeat("封", 22), want: "66 bytes long; VOD takes at most 64 bytes (UTF-8). " + `"` + strings.Repeat("封", 22) + `" has 22 characters`},
		{name: "", want: "empty"},
		{name: "  ", want: "empty"},
	} {
		var resp validator.StringResponse
		categoryNameValidator{}.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("name"), ConfigValue: types.StringValue(tc.name)}, &resp)
		switch {
		case tc.want == "" && resp.Diagnostics.HasError():
			t.Errorf("%q: unexpected error %v", tc.name, resp.Diagnostics)
		case tc.want != "" && (!resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics[0].Detail(), tc.want)):
			t.Errorf("%q: diagnostics %v, want one containing %q", tc.name, resp.Diagnostics, tc.want)
		}
	}
}

func TestCategoryIDValidator(t *testing.T) {
	for id, valid := range map[int64]bool{1: true, 1000123456: true, 0: false, -1: false} {
		var resp validator.Int64Response
		categoryIDValidator{}.ValidateInt64(context.Background(), validator.Int64Request{
			Path: path.Root("parent_id"), ConfigValue: types.Int64Value(id)}, &resp)
		if resp.Diagnostics.HasError() == valid {
			t.Errorf("%d: diagnostics %v, want valid=%v", id, resp.Diagnostics, valid)
		}
		if !valid && !strings.Contains(resp.Diagnostics[0].Detail(), "leave parent_id out") {
			t.Errorf("%d: %q does not say what to write for the top level", id, resp.Diagnostics[0].Detail())
		}
	}
}

func TestCategoryPathValidator(t *testing.T) {
	for p, want := range map[string]string{
		"covers":                          "",
		"covers/2024/spring":              "",
		"a/b/c/d":                         "", // names may hold slashes: the tree decides
		"":                                "empty",
		"/covers":                         "begins or ends with /",
		"covers/":                         "begins or ends with /",
		"covers//spring":                  "empty name",
		strings.Repeat("x", 3*65):         "bytes long",
		strings.Repeat("x", 3*64+2) + "/": "begins or ends",
	} {
		var resp validator.StringResponse
		categoryPathValidator{}.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("path"), ConfigValue: types.StringValue(p)}, &resp)
		switch {
		case want == "" && resp.Diagnostics.HasError():
			t.Errorf("%q: unexpected error %v", p, resp.Diagnostics)
		case want != "" && (!resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics[0].Detail(), want)):
			t.Errorf("%q: diagnostics %v, want one containing %q", p, resp.Diagnostics, want)
		}
	}
}

func TestParentProblem(t *testing.T) {
	top := &vod.Category{ID: 1, Name: "covers", Level: 0, Type: vod.CategoryTypeDefault}
	third := &vod.Category{ID: 3, Name: "spring", Level: 2, Type: vod.CategoryTypeDefault}
	materialTop := &vod.Category{ID: 5, Name: "MV", Level: 0, Type: vod.CategoryTypeMaterial}
	materialSecond := &vod.Category{ID: 6, Name: "clips", Level: 1, Type: vod.CategoryTypeMaterial}
	for _, tc := range []struct {
		name     string
		parent   *vod.Category
		children int64
		typ      string
		want     string
	}{
		{"room under a top-level category", top, 99, vod.CategoryTypeDefault, ""},
		{"unknown children", top, -1, vod.CategoryTypeDefault, ""},
		{"level 3 is the last", third, 0, vod.CategoryTypeDefault, "VOD allows 3 levels in a default tree (levels 0 to 2)"},
		{"full level", top, 100, vod.CategoryTypeDefault, "already has 100 subcategories"},
		{"material under a built-in top level", materialTop, 3, vod.CategoryTypeMaterial, ""},
		{"material level 2 is the last", materialSecond, 0, vod.CategoryTypeMaterial, "VOD allows 2 levels in a material tree"},
		{"type mismatch", top, 0, vod.CategoryTypeMaterial, `Set type = "default"`},
	} {
		got := parentProblem(tc.parent, tc.children, tc.typ)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// The model's tfsdk tags and the schemas agree: a state set from the model reads back the same.
func TestCategoryModelMatchesSchema(t *testing.T) {
	ctx := context.Background()
	var rs resource.SchemaResponse
	newCategoryResource().Schema(ctx, resource.SchemaRequest{}, &rs)
	if diags := rs.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatalf("resource schema: %v", diags)
	}
	var ds datasource.SchemaResponse
	newCategoriesDataSource().Schema(ctx, datasource.SchemaRequest{}, &ds)
	if diags := ds.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatalf("data source schema: %v", diags)
	}
	var m categoryModel
	m.fill(&vod.Category{ID: 7, Name: "spring", Level: 2, ParentID: 3})
	if m.Type.ValueString() != vod.CategoryTypeDefault || m.ParentID.ValueInt64() != 3 {
		t.Errorf("fill: %+v", m)
	}
	m.fill(&vod.Category{ID: 8, Name: "covers", ParentID: vod.RootCategoryID, Type: vod.CategoryTypeDefault})
	if !m.ParentID.IsNull() {
		t.Errorf("a top-level category's parent_id is %s, want null", m.ParentID)
	}
	for name := range categoryAttrs {
		if _, ok := rs.Schema.Attributes[name]; !ok {
			t.Errorf("categoryAttrs has %q, the resource does not", name)
		}
	}
	if got, want := len(categoryItemType.AttrTypes), len(categoryAttrs)+1; got != want {
		t.Errorf("categories elements have %d attributes, want %d", got, want)
	}
}
