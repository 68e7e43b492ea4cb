package provider

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// The schema of a VOD category: the attributes of one category, described once in categoryAttrs,
// with their validators. The vod_category resource takes its arguments' and computed attributes'
// descriptions from the table; the vod_categories data source builds its categories elements from
// it (a copy of the map, plus the path). Limits are
// the documented ones (models.json, AddCategory "limits", from the AddCategory API reference).

// categoryAttrs are the attributes of a category, the same in vod_category and in each element of
// vod_categories' categories.
var categoryAttrs = map[string]dschema.Attribute{
	"id": dschema.Int64Attribute{Computed: true, Description: "ID of the category (CateId): what `cate_id` arguments and the `vod_images` filter take, " +
		"and what the console shows under Configuration Management > Media Management > Categories."},
	"name": dschema.StringAttribute{Computed: true, Description: fmt.Sprintf("Name of the category: at most %d bytes of UTF-8 (a Chinese character takes 3). "+
		"VOD does not require names to be unique, even among siblings.", vod.MaxCategoryNameBytes)},
	"parent_id": dschema.Int64Attribute{Computed: true, Description: "ID of the parent category; null for a top-level category."},
	"type": dschema.StringAttribute{Computed: true, Description: "Tree the category belongs to: `default` (categories of audio, video and images, VOD's " +
		"default) or `material` (short video materials, whose top-level categories are built into VOD)."},
	"level": dschema.Int64Attribute{Computed: true, Description: "Depth of the category in its tree, counted from 0 as VOD does: 0 for a top-level " +
		"category, 1 for its subcategories, 2 below them. `default` trees have at most 3 levels (0 to 2), " +
		"`material` trees 2."},
}

// categoryPathDescription describes the extra attribute of vod_categories' elements.
const categoryPathDescription = "Names of the category's ancestors from the top level down, then its own, joined by " +
	"`/` (such as `covers/2024/spring`)."

var (
	categoryNameValidators = []validator.String{categoryNameValidator{}}
	categoryTypeValidators = []validator.String{stringvalidator.OneOf(vod.CategoryTypeDefault, vod.CategoryTypeMaterial)}
	categoryIDValidators   = []validator.Int64{categoryIDValidator{}}
)

const categoryResourceDescription = "A category of ApsaraVideo VOD's media asset tree (AddCategory), in which " +
	"images, audio and video are filed. Renaming it is an update in place (UpdateCategory); VOD has no call that " +
	"moves a category, so a new `parent_id` or `type` replaces it, and replacing a category replaces its " +
	"subcategories too. Destroying it (DeleteCategory) also deletes its subcategories, as VOD does; images " +
	"filed under the deleted categories stay, without a category."

// categoryResourceSchema is the schema of vod_category; its descriptions come from categoryAttrs.
func categoryResourceSchema() rschema.Schema {
	replace := " Changing it replaces the category (and so its subcategories): VOD cannot move a category."
	return rschema.Schema{
		Description: categoryResourceDescription,
		Attributes: map[string]rschema.Attribute{
			"name": rschema.StringAttribute{Required: true, Validators: categoryNameValidators,
				Description: categoryAttrs["name"].GetDescription() + " Changing it renames the category in place."},
			"parent_id": rschema.Int64Attribute{Optional: true, Validators: categoryIDValidators,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
				Description: "ID of the parent category, such as `vod_category.<name>.id`; omit it for a top-level " +
					"category. A `material` category needs one: VOD's top-level material categories are built in." + replace},
			"type": rschema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(vod.CategoryTypeDefault),
				Validators: categoryTypeValidators, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Description: categoryAttrs["type"].GetDescription() + " Default `default`; a subcategory has its parent's type." + replace},
			"id": rschema.Int64Attribute{Computed: true, PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
				Description: categoryAttrs["id"].GetDescription()},
			"level": rschema.Int64Attribute{Computed: true, PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
				Description: categoryAttrs["level"].GetDescription() + " Known when planning for a top-level category and for one whose parent already exists."},
		},
	}
}

// categoryIdentitySchema is vod_category's resource identity: its ID, which VOD never changes.
func categoryIdentitySchema() identityschema.Schema {
	return identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"id": identityschema.Int64Attribute{RequiredForImport: true, Description: categoryAttrs["id"].GetDescription()},
	}}
}

const categoriesDataSourceDescription = "Reads ApsaraVideo VOD's category tree (GetCategories): the whole tree of a " +
	"type, the subtree under `parent_id`, or the category a `name` or `path` finds, with its subtree. With `name` " +
	"or `path`, `id` is the category found, so that configurations can write `cate_id = data.vod_categories.<name>.id` " +
	"instead of a number copied from the console. A name that matches no category or several is an error that " +
	"lists what exists or what matched."

// categoriesDataSourceSchema is the schema of vod_categories; its elements have categoryAttrs.
func categoriesDataSourceSchema() dschema.Schema {
	item := maps.Clone(categoryAttrs)
	item["path"] = dschema.StringAttribute{Computed: true, Description: categoryPathDescription}
	return dschema.Schema{
		Description: categoriesDataSourceDescription,
		Attributes: map[string]dschema.Attribute{
			"parent_id": dschema.Int64Attribute{Optional: true, Validators: categoryIDValidators,
				Description: "ID of the category whose subtree is read; by default the whole tree. `name` and `path` " +
					"look under it."},
			"type": dschema.StringAttribute{Optional: true, Computed: true, Validators: categoryTypeValidators,
				Description: "Tree to read: `default` (audio, video and image categories; the default) or `material`."},
			"name": dschema.StringAttribute{Optional: true,
				Validators: append([]validator.String{stringvalidator.ConflictsWith(path.MatchRoot("path"))}, categoryNameValidators...),
				Description: "Name of the category to find, at any level of the tree (or under `parent_id`). It must " +
					"match exactly one category: when siblings or cousins share the name, use `path`."},
			"path": dschema.StringAttribute{Optional: true, Validators: []validator.String{categoryPathValidator{}},
				Description: "Names from the top level (or from under `parent_id`) down to the category to find, " +
					"joined by `/`, such as `covers/2024/spring`. A name that contains `/` is matched whole."},
			"id": dschema.Int64Attribute{Computed: true,
				Description: "With `name` or `path`: the ID of the category found. Otherwise `parent_id`, or -1 (VOD's " +
					"ID for the root of the tree) when reading the whole tree."},
			"categories": dschema.ListNestedAttribute{Computed: true,
				Description: "The categories read, parents before their children, siblings oldest first: the whole " +
					"tree, the subtree under `parent_id` (without that category), or the category found by `name` or " +
					"`path` followed by its subtree.",
				NestedObject: dschema.NestedAttributeObject{Attributes: item}},
		},
	}
}

// categoryNameValidator checks a category name as VOD documents it (vod.CheckCategoryName): not
// empty, at most vod.MaxCategoryNameBytes bytes of UTF-8. stringvalidator.LengthAtMost counts bytes
// too, but its message says "length", which users read as characters.
type categoryNameValidator struct{}

func (categoryNameValidator) Description(context.Context) string {
	return fmt.Sprintf("a category name: not empty, at most %d bytes of UTF-8", vod.MaxCategoryNameBytes)
}

func (v categoryNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (categoryNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	name := req.ConfigValue.ValueString()
	if err := vod.CheckCategoryName(name); err != nil {
		detail := err.Error() + "."
		if len(name) > vod.MaxCategoryNameBytes {
			detail += fmt.Sprintf(" %q has %d characters; characters outside ASCII take 2 to 4 bytes each "+
				"(a Chinese character 3). Shorten the name.", name, len([]rune(name)))
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid VOD category name", detail)
	}
}

// categoryIDValidator accepts the ID of an existing category: a positive number. -1, VOD's ID for
// the root of the tree, is refused with what to write instead.
type categoryIDValidator struct{}

func (categoryIDValidator) Description(context.Context) string {
	return "a category ID (a positive number); omit it for the top level"
}

func (v categoryIDValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (categoryIDValidator) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueInt64() > 0 {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid VOD category ID",
		fmt.Sprintf("%s is %d, which names no category: category IDs are positive. For the top level of the tree, "+
			"leave %s out.", req.Path, req.ConfigValue.ValueInt64(), req.Path))
}

// categoryPathValidator checks a path of category names: not empty, no empty name in it, and
// each name within the documented length.
type categoryPathValidator struct{}

func (categoryPathValidator) Description(context.Context) string {
	return "names of categories joined by /, such as covers/2024/spring"
}

func (v categoryPathValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (categoryPathValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	p := req.ConfigValue.ValueString()
	var problem string
	switch {
	case strings.TrimSpace(p) == "":
		problem = "it is empty"
	case strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/"):
		problem = "it begins or ends with /; write the names from the top level without a leading or trailing slash, such as covers/2024/spring"
	case strings.Contains(p, "//"):
		problem = "it has an empty name between two slashes"
	case len(p) > maxCategoryPathBytes:
		problem = fmt.Sprintf("it is %d bytes long, more than %d names of at most %d bytes each can make", len(p),
			vod.MaxCategoryDepth(vod.CategoryTypeDefault), vod.MaxCategoryNameBytes)
	}
	if problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid VOD category path", fmt.Sprintf("path %q: %s.", p, problem))
	}
}

// maxCategoryPathBytes is the longest path the deepest tree can have: its names and the slashes.
var maxCategoryPathBytes = vod.MaxCategoryDepth(vod.CategoryTypeDefault)*(vod.MaxCategoryNameBytes+1) - 1
