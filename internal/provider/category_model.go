package provider

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// vod_category's model, and the diagnostics of refused category calls.

// categoryModel maps the vod_category schema. Its five attributes go through the framework's
// struct conversion: the cost image_model.go explains grows with attributes and elements, and a
// category has few of either.
type categoryModel struct {
	ID       types.Int64  `tfsdk:"id"`
	Name     types.String `tfsdk:"name"`
	ParentID types.Int64  `tfsdk:"parent_id"`
	Type     types.String `tfsdk:"type"`
	Level    types.Int64  `tfsdk:"level"`
}

// fill sets the model from a category as VOD answered it. A top-level category's parent, -1 in
// VOD's answers (0 or absent in some), is null, as in a configuration that leaves parent_id out.
// An answer without a type keeps the model's (known from the configuration or its default).
func (m *categoryModel) fill(c *vod.Category) {
	m.ID = types.Int64Value(c.ID)
	m.Name = types.StringValue(c.Name)
	m.Level = types.Int64Value(c.Level)
	m.ParentID = parentIDValue(c.ParentID)
	switch {
	case c.Type != "":
		m.Type = types.StringValue(c.Type)
	case m.Type.IsNull() || m.Type.IsUnknown():
		m.Type = types.StringValue(vod.CategoryTypeDefault)
	}
}

// parentIDValue is a category's parent as the schemas hold it: null for the top level.
func parentIDValue(id int64) types.Int64 {
	if id <= 0 {
		return types.Int64Null()
	}
	return types.Int64Value(id)
}

// categoryType is the type to send: the model's, or VOD's default.
func categoryType(t types.String) string {
	if t.IsNull() || t.IsUnknown() || t.ValueString() == "" {
		return vod.CategoryTypeDefault
	}
	return t.ValueString()
}

// describeCategory names a category for messages: `category 12 ("spring")`, or `category "spring"
// under parent 12` before it has an ID.
func describeCategory(id int64, name string, parentID types.Int64) string {
	switch {
	case id != 0 && name != "":
		return fmt.Sprintf("category %d (%q)", id, name)
	case id != 0:
		return fmt.Sprintf("category %d", id)
	case parentID.IsNull() || parentID.IsUnknown():
		return fmt.Sprintf("top-level category %q", name)
	}
	return fmt.Sprintf("category %q under parent %d", name, parentID.ValueInt64())
}

// categoryErrorDiagnostic explains a refused or failed category call. doing is what the call did
// ("Creating", "Renaming", "Deleting", "Reading"), what the category (describeCategory). VOD's
// documented category refusals (*vod.CategoryError) say what happened and what to do themselves,
// against the attribute that decides it; the rest is explained as for reads.
func categoryErrorDiagnostic(doing, what, summary string, data *providerData, err error) diag.Diagnostic {
	var catErr *vod.CategoryError
	if errors.As(err, &catErr) {
		at := path.Root("parent_id")
		switch catErr.Kind {
		case vod.CategoryTooDeep:
			summary = "VOD category too deep"
		case vod.CategoryLevelFull:
			summary = "VOD category level full"
		case vod.CategoryNotFound:
			summary = "VOD category not found"
			if catErr.ID != 0 {
				at = path.Root("id")
			}
		}
		return diag.NewAttributeErrorDiagnostic(at, summary,
			fmt.Sprintf("%s %s in region %s: %s", doing, what, data.region, catErr.Error()))
	}
	return writeErrorDiagnostic(doing, what, summary, data, err)
}

// mayHaveBeenCarriedOut says whether a failed write (a category's, CreateUploadImage) may have
// reached VOD and been done all the same: no answer was read (a broken connection, a timeout, a
// garbled body, a cancellation), as opposed to VOD's refusal, credentials that could not be had,
// or an endpoint never reached.
func mayHaveBeenCarriedOut(err error) bool {
	var apiErr *vod.APIError
	var credErr *vod.CredentialError
	return !errors.As(err, &apiErr) && !errors.As(err, &credErr) && !vod.IsUnreachable(err)
}
