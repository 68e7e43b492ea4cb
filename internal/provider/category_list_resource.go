package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/list"
	lschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

var _ list.ListResourceWithConfigure = (*categoryListResource)(nil)

func newCategoryListResource() list.ListResource { return &categoryListResource{} }

// categoryListResource is the list resource of vod_category, for `terraform query`: the categories
// of a tree, or of the subtree under parent_id, read with GetCategories (vod.GetCategoryTree),
// parents before their children. Each result has the category's identity, its path and ID as
// display name, and with include_resource the vod_category resource's attributes.
type categoryListResource struct {
	data *providerData
}

// categoryListModel maps the config block.
type categoryListModel struct {
	ParentID types.Int64  `tfsdk:"parent_id"`
	Type     types.String `tfsdk:"type"`
}

const categoryListDescription = "Lists ApsaraVideo VOD categories for `terraform query` (Terraform 1.14 and later), " +
	"such as to adopt an existing tree with `terraform query -generate-config-out=generated.tf`: every category " +
	"of a tree, or those under `parent_id`, parents before their children. Each result has the category's " +
	"identity (`id`) and its path and ID as display name; with `include_resource = true`, the attributes of the " +
	"`vod_category` resource. The top-level categories of the `material` tree are built into VOD and cannot be " +
	"managed, so they are not listed; their subcategories are."

func (r *categoryListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_category"
}

func (r *categoryListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = lschema.Schema{
		Description: categoryListDescription,
		Attributes: map[string]lschema.Attribute{
			"parent_id": lschema.Int64Attribute{Optional: true, Validators: categoryIDValidators,
				Description: "ID of the category whose subtree is listed, without that category; by default the whole tree."},
			"type": lschema.StringAttribute{Optional: true, Validators: append([]validator.String(nil), categoryTypeValidators...),
				Description: "Tree to list: `default` (audio, video and image categories; the default) or `material`."},
		},
	}
}

func (r *categoryListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *categoryListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var m categoryListModel
	diags := req.Config.Get(ctx, &m)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	if r.data == nil {
		diags.AddError("VOD provider not configured",
			"The vod_category list resource was listed before the provider was configured. This is a bug in the provider; please report it.")
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	ctx = r.data.readContext(ctx, "")
	typ, scope := categoryType(m.Type), vod.RootCategoryID
	where := fmt.Sprintf("the %s tree of region %s", typ, r.data.region)
	if !m.ParentID.IsNull() {
		scope = m.ParentID.ValueInt64()
		where = fmt.Sprintf("category %d of the %s tree of region %s", scope, typ, r.data.region)
	}
	stream.Results = func(push func(list.ListResult) bool) {
		tree, err := r.data.client.GetCategoryTree(ctx, scope, typ)
		if err != nil {
			var out list.ListResult
			out.Diagnostics.Append(categoryErrorDiagnostic("Listing", where, "Failed to list VOD categories", r.data, err))
			push(out)
			return
		}
		listed := int64(0)
		var walk func(n *vod.CategoryNode, prefix string) bool
		walk = func(n *vod.CategoryNode, prefix string) bool {
			for _, ch := range n.Children {
				p := ch.Name
				if prefix != "" {
					p = prefix + "/" + ch.Name
				}
				builtIn := typ == vod.CategoryTypeMaterial && ch.Level == 0
				if !builtIn {
					if !push(categoryListResult(ctx, req, &ch.Category, typ, p)) {
						return false
					}
					if listed++; req.Limit > 0 && listed >= req.Limit {
						return false
					}
				}
				if !walk(ch, p) {
					return false
				}
			}
			return true
		}
		prefix := ""
		if scope != vod.RootCategoryID {
			prefix = tree.Name
		}
		walk(tree, prefix)
	}
}

// categoryListResult is the result for one category, whose names from the listed scope down are
// catPath.
func categoryListResult(ctx context.Context, req list.ListRequest, c *vod.Category, typ, catPath string) list.ListResult {
	res := req.NewListResult(ctx)
	res.DisplayName = fmt.Sprintf("%s (%d)", catPath, c.ID)
	res.Diagnostics.Append(setCategoryIdentity(ctx, res.Identity, c.ID)...)
	if req.IncludeResource {
		m := categoryModel{Type: types.StringValue(typ)}
		m.fill(c)
		res.Diagnostics.Append(res.Resource.Set(ctx, m)...)
	}
	return res
}
