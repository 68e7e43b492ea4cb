package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// imagesModel maps the vod_images schema.
type imagesModel struct {
	IDs           types.List   `tfsdk:"ids"`
	Filter        *filterModel `tfsdk:"filter"`
	Sort          types.String `tfsdk:"sort"`
	MaxResults    types.Int64  `tfsdk:"max_results"`
	OutputType    types.String `tfsdk:"output_type"`
	AuthTimeout   types.Int64  `tfsdk:"auth_timeout"`
	IgnoreMissing types.Bool   `tfsdk:"ignore_missing"`
	Images        types.List   `tfsdk:"images"`
	MissingIDs    types.List   `tfsdk:"missing_ids"`
	TotalCount    types.Int64  `tfsdk:"total_count"`
}

type filterModel struct {
	Title           types.String `tfsdk:"title"`
	Tags            types.List   `tfsdk:"tags"`
	CateID          types.Int64  `tfsdk:"cate_id"`
	Status          types.List   `tfsdk:"status"`
	StorageLocation types.String `tfsdk:"storage_location"`
	AppID           types.String `tfsdk:"app_id"`
	CreatedAfter    types.String `tfsdk:"created_after"`
	CreatedBefore   types.String `tfsdk:"created_before"`
}

// vodFilter converts the attributes, already validated, to the client's filter; at is where they
// are (the filter block of vod_images, the top level of the vod_image list resource).
func (f *filterModel) vodFilter(ctx context.Context, at path.Path) (vod.ImageFilter, diag.Diagnostics) {
	var diags diag.Diagnostics
	out := vod.ImageFilter{Title: f.Title.ValueString(), StorageLocation: f.StorageLocation.ValueString(), AppID: f.AppID.ValueString()}
	if !f.CateID.IsNull() {
		id := f.CateID.ValueInt64()
		out.CateID = &id
	}
	if !f.Tags.IsNull() {
		diags.Append(f.Tags.ElementsAs(ctx, &out.Tags, false)...)
	}
	if !f.Status.IsNull() {
		diags.Append(f.Status.ElementsAs(ctx, &out.Statuses, false)...)
	}
	for _, t := range []struct {
		name  string
		value types.String
		into  *time.Time
	}{{"created_after", f.CreatedAfter, &out.CreatedAfter}, {"created_before", f.CreatedBefore, &out.CreatedBefore}} {
		if t.value.IsNull() {
			continue
		}
		parsed, err := time.Parse(time.RFC3339, t.value.ValueString())
		if err != nil {
			diags.AddAttributeError(at.AtName(t.name), "Invalid timestamp",
				fmt.Sprintf("%s must be an RFC 3339 timestamp such as 2024-01-01T00:00:00Z: %s", t.name, err))
		}
		*t.into = parsed
	}
	return out, diags
}

// validateRange refuses a creation-time range that no image can be in; at is as for vodFilter.
func (f *filterModel) validateRange(at path.Path) diag.Diagnostics {
	var diags diag.Diagnostics
	if f.CreatedAfter.IsUnknown() || f.CreatedBefore.IsUnknown() {
		return diags
	}
	after, errA := time.Parse(time.RFC3339, f.CreatedAfter.ValueString())
	before, errB := time.Parse(time.RFC3339, f.CreatedBefore.ValueString())
	if errA == nil && errB == nil && after.After(before) {
		diags.AddAttributeError(at.AtName("created_after"), "Empty creation time range",
			fmt.Sprintf("created_after (%s) is later than created_before (%s), so no image can match. Swap them.",
				f.CreatedAfter.ValueString(), f.CreatedBefore.ValueString()))
	}
	return diags
}

// imagesItemModel is one element of vod_images' images. Like imageModel, it is converted with
// attributeValues, not the framework's struct reflection (see image_model.go), which would run
// once per element.
type imagesItemModel struct {
	ImageID types.String `tfsdk:"image_id"`
	imageAttrsModel
	ModificationTime types.String `tfsdk:"modification_time"`
}

// imagesItemType is the type of an element of images, built once by the framework from the
// attributes vod_images' schema gives its elements.
var imagesItemType = objectType(schema.NestedAttributeObject{Attributes: imagesItemAttributes()}.Type())

// objectValue returns item as a value of imagesItemType.
func (item *imagesItemModel) objectValue() (types.Object, diag.Diagnostics) {
	values := item.attributeValues(2)
	values["image_id"] = item.ImageID
	values["modification_time"] = item.ModificationTime
	return types.ObjectValue(imagesItemType.AttrTypes, values)
}

// imagesList returns images as vod_images' images, with the modification times SearchMedia
// reported by image ID (GetImageInfos does not return them; nil for images read by ids).
func imagesList(ctx context.Context, images []*vod.Image, modified map[string]string) (types.List, diag.Diagnostics) {
	var diags diag.Diagnostics
	elems := make([]attr.Value, 0, len(images))
	for _, img := range images {
		item := imagesItemModel{ImageID: types.StringValue(img.ImageID), ModificationTime: types.StringNull()}
		if t, ok := modified[img.ImageID]; ok {
			item.ModificationTime = types.StringValue(t)
		}
		diags.Append(item.fill(ctx, img)...)
		obj, d := item.objectValue()
		diags.Append(d...)
		elems = append(elems, obj)
	}
	if diags.HasError() {
		return types.ListNull(imagesItemType), diags
	}
	list, d := types.ListValue(imagesItemType, elems)
	diags.Append(d...)
	return list, diags
}
