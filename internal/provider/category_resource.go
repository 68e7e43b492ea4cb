package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

var (
	_ resource.ResourceWithConfigure      = (*categoryResource)(nil)
	_ resource.ResourceWithValidateConfig = (*categoryResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*categoryResource)(nil)
	_ resource.ResourceWithImportState    = (*categoryResource)(nil)
	_ resource.ResourceWithIdentity       = (*categoryResource)(nil)
)

func newCategoryResource() resource.Resource { return &categoryResource{} }

// categoryResource is vod_category: one category of VOD's tree, created with AddCategory, renamed
// with UpdateCategory, read with GetCategories and deleted with DeleteCategory. VOD has no call
// that moves a category or changes its type (UpdateCategory takes CateId and CateName only,
// models.json), so parent_id and type replace it. Its schema is in category_schema.go, its model
// and error diagnostics in category_model.go.
type categoryResource struct {
	data *providerData
}

func (r *categoryResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_category"
}

func (r *categoryResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = categoryResourceSchema()
}

func (r *categoryResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = categoryIdentitySchema()
}

func (r *categoryResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks what single attributes cannot: a material category needs a parent (VOD's
// top-level material categories are built in: AddCategory's ParentId, models.json).
func (r *categoryResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var typ types.String
	var parentID types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("type"), &typ)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("parent_id"), &parentID)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if typ.ValueString() == vod.CategoryTypeMaterial && parentID.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("parent_id"), "A material category needs a parent",
			"VOD's top-level material categories are built in (MV, face stickers, dynamic stickers, subtitles, fonts): "+
				"they can be neither added nor changed, and a material category can only be created under one of them. "+
				"Set parent_id to the ID of one (data \"vod_categories\" with type = \"material\" lists them), or leave type "+
				"out for a category of audio, video and images.")
	}
}

// ModifyPlan checks a new category against its parent whenever the parent's ID is known: when
// planning, for a parent that exists already; during the apply, when Terraform plans again with the
// IDs of the parents just created. It checks that the parent exists, has the same type, is not at
// the deepest level VOD allows, and has room for another subcategory, so that a category too deep
// is refused before any AddCategory. It costs one GetCategories request per new category with a
// parent; the new category's level is then known. A top-level category's level is 0 without a
// request. VOD's own refusals (LevelExceededMax, SubTotalExceededMax), for a tree that changed
// since, or siblings created at once, are explained at apply.
func (r *categoryResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return // destroyed, or updated in place (only name changes in place)
	}
	var plan categoryModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	if plan.ParentID.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("level"), types.Int64Value(0))...)
		return
	}
	if plan.ParentID.IsUnknown() || plan.Type.IsUnknown() || r.data == nil {
		return
	}
	typ, parentID := categoryType(plan.Type), plan.ParentID.ValueInt64()
	ctx = r.data.readContext(ctx, "")
	parent, children, err := lookupCategory(ctx, r.data.client, parentID, typ)
	if err != nil {
		resp.Diagnostics.Append(categoryErrorDiagnostic("Reading", fmt.Sprintf("the parent category %d", parentID),
			"Failed to read the parent VOD category", r.data, err))
		return
	}
	if parent == nil {
		resp.Diagnostics.AddAttributeError(path.Root("parent_id"), "Parent VOD category not found",
			fmt.Sprintf("No category %d exists in the %s tree of region %s, so %s cannot be created under it. Check "+
				"parent_id, and that type matches the parent's (a subcategory has its parent's type).",
				parentID, typ, r.data.region, describeCategory(0, plan.Name.ValueString(), plan.ParentID)))
		return
	}
	if problem := parentProblem(parent, children, typ); problem != "" {
		resp.Diagnostics.AddAttributeError(path.Root("parent_id"), "VOD category cannot go under this parent",
			fmt.Sprintf("Category %q cannot be created under category %d (%q, level %d, type %s): %s",
				plan.Name.ValueString(), parent.ID, parent.Name, parent.Level, orWord(parent.Type, typ), problem))
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("level"), types.Int64Value(parent.Level+1))...)
}

// parentProblem says why a new category of type typ cannot go under parent, which has children
// subcategories (-1: unknown), or "" if it can as far as the documented limits tell.
func parentProblem(parent *vod.Category, children int64, typ string) string {
	switch maxDepth := int64(vod.MaxCategoryDepth(typ)); {
	case parent.Type != "" && parent.Type != typ:
		return fmt.Sprintf("it is of type %s and the new category of type %s; a subcategory has its parent's type. "+
			"Set type = %q, or choose a parent of type %s.", parent.Type, typ, parent.Type, typ)
	case parent.Level+1 >= maxDepth:
		return fmt.Sprintf("VOD allows %d levels in a %s tree (levels 0 to %d) and the parent is at the last one. "+
			"Put the category under a category of a higher level.", maxDepth, typ, maxDepth-1)
	case children >= vod.MaxSubcategories:
		return fmt.Sprintf("it already has %d subcategories, the most VOD allows under one category. Delete one "+
			"of them, or choose another parent.", children)
	}
	return ""
}

// lookupCategory reads one category with GetCategories (one page of one child): the category and
// how many subcategories it has, or nil if VOD says it does not exist, or answers without it.
func lookupCategory(ctx context.Context, client *vod.Client, id int64, typ string) (*vod.Category, int64, error) {
	out, err := client.GetCategories(ctx, vod.GetCategoriesInput{CateID: id, PageNo: 1, PageSize: 1, Type: typ})
	switch {
	case vod.IsCategoryNotFound(err):
		return nil, 0, nil
	case err != nil:
		return nil, 0, err
	case out.Category == nil || out.Category.ID != id:
		return nil, 0, nil
	}
	return out.Category, out.Subtotal, nil
}

func (r *categoryResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan categoryModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil {
		resp.Diagnostics.AddError("VOD provider not configured",
			"The vod_category resource was created before the provider was configured. This is a bug in the provider; please report it.")
		return
	}
	in := vod.AddCategoryInput{Name: plan.Name.ValueString(), Type: categoryType(plan.Type)}
	if !plan.ParentID.IsNull() {
		parent := plan.ParentID.ValueInt64()
		in.ParentID = &parent
	}
	what := describeCategory(0, in.Name, plan.ParentID)
	ctx = r.data.readContext(ctx, "")
	tflog.Debug(ctx, "creating a VOD category", map[string]any{"name": in.Name, "parent_id": in.ParentID, "type": in.Type})
	cat, err := r.data.client.AddCategory(ctx, in)
	if err != nil {
		d := categoryErrorDiagnostic("Creating", what, "Failed to create VOD category", r.data, err)
		if mayHaveBeenCarriedOut(err) {
			d = diag.NewErrorDiagnostic(d.Summary(), d.Detail()+"\n\n"+r.maybeCreated(ctx, in))
		}
		resp.Diagnostics.Append(d)
		return
	}
	if cat.Type == "" {
		cat.Type = in.Type
	}
	// AddCategory answers with the new category; a parent VOD did not echo is the one asked for.
	if cat.ParentID == 0 && in.ParentID != nil {
		cat.ParentID = *in.ParentID
	}
	plan.fill(cat)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(setCategoryIdentity(ctx, resp.Identity, cat.ID)...)
}

// maybeCreated says what to do when AddCategory's answer was lost: VOD may have created the
// category, so its ID cannot be known and the next apply would create another. It lists the
// categories of that name under the parent now, for the user to import the right one; it never
// adopts one itself, as a category of the same name may have been there before.
func (r *categoryResource) maybeCreated(ctx context.Context, in vod.AddCategoryInput) string {
	msg := fmt.Sprintf("No answer to AddCategory was read, so VOD may have created category %q all the same. "+
		"If it did, import it rather than applying again, which would create another: ", in.Name)
	parent := vod.RootCategoryID
	if in.ParentID != nil {
		parent = *in.ParentID
	}
	if ctx.Err() != nil {
		return msg + "data \"vod_categories\" with name = " + strconv.Quote(in.Name) + " finds it."
	}
	siblings, err := r.data.client.ListSubcategories(ctx, parent, in.Type)
	if err != nil {
		return msg + "data \"vod_categories\" with name = " + strconv.Quote(in.Name) + " finds it (listing them failed: " +
			oneLine(redactSecrets(err.Error(), r.data.secrets)) + ")."
	}
	var ids []string
	for _, c := range siblings {
		if c.Name == in.Name {
			ids = append(ids, strconv.FormatInt(c.ID, 10))
		}
	}
	if len(ids) == 0 {
		return msg + "none of that name is there now, so applying again is safe."
	}
	return msg + fmt.Sprintf("categories of that name there now: %s. terraform import <address> <ID> adopts one; "+
		"an older one may be another's.", strings.Join(ids, ", "))
}

// Read refreshes the category. One deleted outside Terraform (or with its parent, which takes its
// subcategories with it) is removed from the state with a warning, so that the next apply creates
// it again. After an import by ID the type is not known yet: the default tree is asked first,
// then the material one.
func (r *categoryResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state categoryModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil {
		resp.Diagnostics.AddError("VOD provider not configured",
			"The vod_category resource was read before the provider was configured. This is a bug in the provider; please report it.")
		return
	}
	id := state.ID.ValueInt64()
	ctx = tflog.SetField(r.data.readContext(ctx, ""), "category_id", id)
	imported := state.Name.IsNull()
	typesToTry := []string{categoryType(state.Type)}
	if state.Type.IsNull() {
		typesToTry = []string{vod.CategoryTypeDefault, vod.CategoryTypeMaterial}
	}
	var cat *vod.Category
	for _, typ := range typesToTry {
		found, _, err := lookupCategory(ctx, r.data.client, id, typ)
		if err != nil {
			resp.Diagnostics.Append(categoryErrorDiagnostic("Reading", describeCategory(id, state.Name.ValueString(), state.ParentID),
				"Failed to read VOD category", r.data, err))
			return
		}
		if found != nil {
			cat = found
			if cat.Type == "" {
				cat.Type = typ
			}
			break
		}
	}
	switch {
	case cat == nil && imported:
		resp.Diagnostics.AddError("VOD category not found",
			fmt.Sprintf("No category %d exists in region %s (GetCategories found it in neither the default nor the "+
				"material tree), so there is nothing to import. Check the ID: data \"vod_categories\" lists the "+
				"tree with each category's id.", id, r.data.region))
		return
	case cat == nil:
		tflog.Warn(ctx, "the category no longer exists in VOD: removing it from the state")
		resp.Diagnostics.AddWarning("VOD category deleted outside Terraform",
			fmt.Sprintf("%s no longer exists in region %s: it was deleted outside Terraform, or with a parent "+
				"(deleting a category deletes its subcategories). It is removed from the state; the next apply "+
				"creates it again if it is still in the configuration, with a new ID, and images that were filed "+
				"under it stay without a category.", describeCategory(id, state.Name.ValueString(), state.ParentID), r.data.region))
		resp.State.RemoveResource(ctx)
		// Framework v1.19 requires an identity after every Read without errors, removal included
		// (fwserver's "Missing Resource Identity After Read"); Terraform drops it with the state.
		resp.Diagnostics.Append(setCategoryIdentity(ctx, resp.Identity, id)...)
		return
	}
	state.fill(cat)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	resp.Diagnostics.Append(setCategoryIdentity(ctx, resp.Identity, id)...)
}

// Update renames the category (UpdateCategory): name is the only argument that changes in place.
func (r *categoryResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state categoryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil {
		resp.Diagnostics.AddError("VOD provider not configured",
			"The vod_category resource was updated before the provider was configured. This is a bug in the provider; please report it.")
		return
	}
	id := state.ID.ValueInt64()
	ctx = tflog.SetField(r.data.readContext(ctx, ""), "category_id", id)
	if !plan.Name.Equal(state.Name) {
		tflog.Debug(ctx, "renaming a VOD category", map[string]any{"from": state.Name.ValueString(), "to": plan.Name.ValueString()})
		if err := r.data.client.UpdateCategory(ctx, id, plan.Name.ValueString()); err != nil {
			what := describeCategory(id, state.Name.ValueString(), state.ParentID)
			d := categoryErrorDiagnostic("Renaming", what, "Failed to rename VOD category", r.data, err)
			if vod.IsCategoryNotFound(err) {
				d = diag.NewAttributeErrorDiagnostic(path.Root("id"), d.Summary(), d.Detail()+" Run terraform apply "+
					"again: its refresh removes the category from the state and the plan creates it anew.")
			}
			resp.Diagnostics.Append(d)
			return
		}
	}
	plan.ID, plan.Level = state.ID, state.Level
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(setCategoryIdentity(ctx, resp.Identity, id)...)
}

// Delete deletes the category and, as VOD does, its subcategories (DeleteCategory). A category
// already gone is success: a parent deleted first took it with it. Images filed under the deleted
// categories stay, without a category (DeleteCategory's API reference). If VOD refuses, the
// error says why and the category stays in the state.
func (r *categoryResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state categoryModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil {
		resp.Diagnostics.AddError("VOD provider not configured",
			"The vod_category resource was deleted before the provider was configured. This is a bug in the provider; please report it.")
		return
	}
	id := state.ID.ValueInt64()
	ctx = tflog.SetField(r.data.readContext(ctx, ""), "category_id", id)
	tflog.Debug(ctx, "deleting a VOD category and its subcategories")
	gone, err := r.data.client.DeleteCategory(ctx, id)
	if err != nil {
		d := categoryErrorDiagnostic("Deleting", describeCategory(id, state.Name.ValueString(), state.ParentID),
			"Failed to delete VOD category", r.data, err)
		resp.Diagnostics.AddError(d.Summary(), d.Detail()+"\n\nThe category stays in the Terraform state: once the "+
			"cause is fixed, run terraform destroy (or apply) again.")
		return
	}
	if gone {
		tflog.Info(ctx, "the category was already gone (deleted with its parent, or outside Terraform)")
	}
}

// ImportState takes a category ID, from `terraform import`, an import block's id, or the id of an
// import block's identity (Terraform 1.12 and later); Read fills in the rest.
func (r *categoryResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var id int64
	if req.ID != "" {
		parsed, err := strconv.ParseInt(strings.TrimSpace(req.ID), 10, 64)
		if err != nil || parsed <= 0 {
			resp.Diagnostics.AddError("Invalid VOD category import ID",
				fmt.Sprintf("%q is not a category ID: vod_category is imported by its CateId, a positive number such as "+
					"1000123456. data \"vod_categories\" lists the tree with each category's id; the console shows them "+
					"under Configuration Management > Media Management > Categories.", req.ID))
			return
		}
		id = parsed
	} else {
		var v types.Int64
		if resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("id"), &v)...); resp.Diagnostics.HasError() {
			return
		}
		if v.IsNull() || v.IsUnknown() || v.ValueInt64() <= 0 {
			resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid VOD category identity",
				fmt.Sprintf("The import block's identity needs id, the category's CateId (a positive number); got %s.", v))
			return
		}
		id = v.ValueInt64()
	}
	// Type stays null: Read looks the category up in both trees and sets it.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), types.Int64Value(id))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("type"), types.StringNull())...)
	resp.Diagnostics.Append(setCategoryIdentity(ctx, resp.Identity, id)...)
}

// setCategoryIdentity stores the category's identity where the CLI keeps identities (Terraform
// 1.12 and later; identity is nil for older ones).
func setCategoryIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id int64) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.SetAttribute(ctx, path.Root("id"), types.Int64Value(id))
}
