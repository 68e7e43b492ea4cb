package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

var _ datasource.DataSourceWithConfigure = (*categoriesDataSource)(nil)

func newCategoriesDataSource() datasource.DataSource { return &categoriesDataSource{} }

// categoriesDataSource is vod_categories: the category tree, a subtree, or the category a name or
// a path finds, read with GetCategories. Its schema is in category_schema.go; finding by name and
// path is in category_lookup.go.
type categoriesDataSource struct {
	data *providerData
}

// categoriesModel maps the vod_categories schema.
type categoriesModel struct {
	ParentID   types.Int64  `tfsdk:"parent_id"`
	Type       types.String `tfsdk:"type"`
	Name       types.String `tfsdk:"name"`
	Path       types.String `tfsdk:"path"`
	ID         types.Int64  `tfsdk:"id"`
	Categories types.List   `tfsdk:"categories"`
}

// categoryItemType is the type of an element of categories, from the schema, built once.
var categoryItemType = objectType(categoriesDataSourceSchema().Attributes["categories"].(dschema.ListNestedAttribute).NestedObject.Type()) //nolint:forcetypeassert // the schema above declares it so; every test that builds the type would fail at once

func (d *categoriesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_categories"
}

func (d *categoriesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = categoriesDataSourceSchema()
}

func (d *categoriesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *categoriesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m categoriesModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		resp.Diagnostics.AddError("VOD provider not configured",
			"The vod_categories data source was read before the provider was configured. This is a bug in the provider; please report it.")
		return
	}
	ctx = d.data.readContext(ctx, "")
	r := categoriesRead{data: d.data, typ: categoryType(m.Type), scope: vod.RootCategoryID}
	r.where = fmt.Sprintf("the %s tree of region %s", r.typ, d.data.region)
	if !m.ParentID.IsNull() {
		r.scope = m.ParentID.ValueInt64()
		r.where = fmt.Sprintf("category %d of the %s tree of region %s", r.scope, r.typ, d.data.region)
	}
	found, names, diags := r.read(ctx, m)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	m.Type = types.StringValue(r.typ)
	m.ID = types.Int64Value(r.scope)
	var elems []attr.Value
	add := func(c namedCategory) {
		obj, d := categoryObject(c, r.typ)
		resp.Diagnostics.Append(d...)
		elems = append(elems, obj)
	}
	if !m.Name.IsNull() || !m.Path.IsNull() {
		m.ID = types.Int64Value(found.ID)
		add(namedCategory{node: found, names: names})
	}
	walkCategories(found, names, add)
	if resp.Diagnostics.HasError() {
		return
	}
	list, diags := types.ListValue(categoryItemType, elems)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	m.Categories = list
	tflog.Debug(ctx, "read VOD categories", map[string]any{"count": len(elems), "id": m.ID.ValueInt64()})
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// categoryObject is an element of categories.
func categoryObject(c namedCategory, typ string) (types.Object, diag.Diagnostics) {
	if c.node.Type != "" {
		typ = c.node.Type
	}
	return types.ObjectValue(categoryItemType.AttrTypes, map[string]attr.Value{
		"id":        types.Int64Value(c.node.ID),
		"name":      types.StringValue(c.node.Name),
		"level":     types.Int64Value(c.node.Level),
		"parent_id": parentIDValue(c.node.ParentID),
		"type":      types.StringValue(typ),
		"path":      types.StringValue(strings.Join(c.names, "/")),
	})
}

// categoriesRead is one read of vod_categories: the tree of type typ, under scope
// (vod.RootCategoryID for the whole tree), which where names in messages.
type categoriesRead struct {
	data  *providerData
	typ   string
	scope int64
	where string
}

// read returns the category the configuration selects with its subtree (the tree's root for no
// name or path), and the names from the top of the tree down to it (none for the root).
func (r categoriesRead) read(ctx context.Context, m categoriesModel) (*vod.CategoryNode, []string, diag.Diagnostics) {
	if !m.Path.IsNull() {
		return r.byPath(ctx, m.Path.ValueString())
	}
	tree, diags := r.subtree(ctx, r.scope)
	if diags.HasError() {
		return nil, nil, diags
	}
	names, d := r.namesTo(ctx, tree)
	if diags.Append(d...); diags.HasError() || m.Name.IsNull() {
		return tree, names, diags
	}
	name := m.Name.ValueString()
	found, seen := findByName(tree, names, name)
	switch len(found) {
	case 0:
		detail := fmt.Sprintf("No category is named %q in %s (%d categories read).", name, r.where, len(seen))
		if hint := didYouMean(name, seen); hint != "" {
			detail += hint
		} else if len(seen) > 0 {
			detail += " Names there: " + quotedList(seen) + "."
		}
		diags.AddAttributeError(path.Root("name"), "VOD category not found", detail+
			" Names are matched exactly, case and spaces included.")
		return nil, nil, diags
	case 1:
		return found[0].node, found[0].names, diags
	}
	diags.AddAttributeError(path.Root("name"), "VOD category name is ambiguous",
		explainAmbiguous(fmt.Sprintf("name %q", name), r.where, found))
	return nil, nil, diags
}

// byPath finds the category path names, level by level, then reads its subtree.
func (r categoriesRead) byPath(ctx context.Context, p string) (*vod.CategoryNode, []string, diag.Diagnostics) {
	var diags diag.Diagnostics
	list := func(ctx context.Context, parentID int64) ([]vod.Category, error) {
		return r.data.client.ListSubcategories(ctx, parentID, r.typ)
	}
	matches, miss, err := resolveCategoryPath(ctx, list, r.scope, p, vod.MaxCategoryDepth(r.typ))
	if err != nil {
		diags.Append(r.failed(err))
		return nil, nil, diags
	}
	switch len(matches) {
	case 0:
		diags.AddAttributeError(path.Root("path"), "VOD category not found", explainMiss(p, r.where, miss))
		return nil, nil, diags
	case 1:
	default:
		named := make([]namedCategory, len(matches))
		for i := range matches {
			named[i] = namedCategory{node: &vod.CategoryNode{Category: matches[i].Category}, names: matches[i].names}
		}
		diags.AddAttributeError(path.Root("path"), "VOD category path is ambiguous",
			explainAmbiguous(fmt.Sprintf("path %q", p), r.where, named))
		return nil, nil, diags
	}
	tree, d := r.subtree(ctx, matches[0].ID)
	if diags.Append(d...); diags.HasError() {
		return nil, nil, diags
	}
	names := matches[0].names
	if r.scope != vod.RootCategoryID {
		// The path is relative to parent_id: the names above it come from the tree.
		above, d := r.namesTo(ctx, &vod.CategoryNode{Category: vod.Category{ID: tree.ParentID}})
		if diags.Append(d...); diags.HasError() {
			return nil, nil, diags
		}
		names = append(above, tree.Name)
	}
	return tree, names, diags
}

// subtree reads the category id (vod.RootCategoryID: the root) and everything under it.
func (r categoriesRead) subtree(ctx context.Context, id int64) (*vod.CategoryNode, diag.Diagnostics) {
	var diags diag.Diagnostics
	tree, err := r.data.client.GetCategoryTree(ctx, id, r.typ)
	if err == nil && id != vod.RootCategoryID && tree.Level < 0 {
		err = &vod.CategoryError{Kind: vod.CategoryNotFound, ID: id, Type: r.typ} // answered without the category
	}
	if err != nil {
		diags.Append(r.failed(err))
		return nil, diags
	}
	return tree, diags
}

// namesTo returns the names from the top of the tree down to node, included: none for the root,
// and one GetCategories request per ancestor above node.
func (r categoriesRead) namesTo(ctx context.Context, node *vod.CategoryNode) ([]string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if node.ID <= 0 {
		return nil, diags
	}
	var names []string
	if node.Name != "" {
		names = []string{node.Name}
	}
	parent := node.ParentID
	if node.Name == "" {
		parent = node.ID
	}
	for hops := 0; parent > 0 && hops < vod.MaxCategoryDepth(vod.CategoryTypeDefault); hops++ {
		cat, _, err := lookupCategory(ctx, r.data.client, parent, r.typ)
		if err != nil {
			diags.Append(r.failed(err))
			return nil, diags
		}
		if cat == nil {
			break // deleted meanwhile: the path starts lower
		}
		names = append([]string{cat.Name}, names...)
		parent = cat.ParentID
	}
	return names, diags
}

// failed explains a failed read; a scope that does not exist is an error of parent_id.
func (r categoriesRead) failed(err error) diag.Diagnostic {
	if vod.IsCategoryNotFound(err) && r.scope != vod.RootCategoryID {
		return diag.NewAttributeErrorDiagnostic(path.Root("parent_id"), "VOD category not found",
			fmt.Sprintf("No category %d exists in the %s tree of region %s. Check parent_id, and type: a material "+
				"category is found only with type = \"material\".", r.scope, r.typ, r.data.region))
	}
	return categoryErrorDiagnostic("Reading", r.where, "Failed to read VOD categories", r.data, err)
}
