package provider

// vod_image's model and its read, shared by the data source and the ephemeral resource; the
// vod_images elements embed imageAttrsModel.
//
// Adding a computed attribute to vod_image (and to the ephemeral vod_image and vod_images' images,
// which share it):
//
//  1. internal/vod: parse the field from GetImageInfo's response into vod.Image (and from
//     GetImageInfos', which fills the same struct), with a test of the parsing.
//  2. image_schema.go: one line in imageAttrs (or mezzanineAttrs): name, kind, description.
//  3. here: one field in imageAttrsModel, one line in fill.
//  4. image_raw.go: one line in terraformValue's list.
//  5. tests: an expected value in internal/acctest/testdata/images.json (the emulator's fixture)
//     and a check in the data source's acceptance test; go test ./internal/provider/ checks
//     that the model, the schema and the conversion agree (TestImageModelMatchesFramework).
//  6. make docs, and a line under "Unreleased" in CHANGELOG.md.

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// imageAttrsModel holds imageAttrs; the models of all three embed it.
type imageAttrsModel struct {
	URL             types.String `tfsdk:"url"`
	Status          types.String `tfsdk:"status"`
	CreationTime    types.String `tfsdk:"creation_time"`
	StorageLocation types.String `tfsdk:"storage_location"`
	CateID          types.Int64  `tfsdk:"cate_id"`
	CateName        types.String `tfsdk:"cate_name"`
	Tags            types.List   `tfsdk:"tags"`
	ImageType       types.String `tfsdk:"image_type"`
	Description     types.String `tfsdk:"description"`
	AppID           types.String `tfsdk:"app_id"`
	Title           types.String `tfsdk:"title"`
	Mezzanine       types.Object `tfsdk:"mezzanine"`
}

// stringList is types.ListValueFrom(ctx, types.StringType, ss) without its reflection: null for a
// nil slice, else a known list of known strings.
func stringList(ss []string) types.List {
	if ss == nil {
		return types.ListNull(types.StringType)
	}
	elems := make([]attr.Value, len(ss))
	for i, s := range ss {
		elems[i] = types.StringValue(s)
	}
	return types.ListValueMust(types.StringType, elems)
}

func (m *imageAttrsModel) fill(_ context.Context, img *vod.Image) diag.Diagnostics {
	var diags diag.Diagnostics
	m.URL = types.StringValue(img.URL)
	m.Status = types.StringValue(img.Status)
	m.CreationTime = types.StringValue(img.CreationTime)
	m.StorageLocation = types.StringValue(img.StorageLocation)
	m.CateID = types.Int64Value(img.CateID)
	m.CateName = types.StringValue(img.CateName)
	m.ImageType = types.StringValue(img.ImageType)
	m.Description = types.StringValue(img.Description)
	m.AppID = types.StringValue(img.AppID)
	m.Title = types.StringValue(img.Title)

	m.Tags = stringList(img.Tags)

	m.Mezzanine = types.ObjectNull(mezzanineTypes)
	if mz := img.Mezzanine; mz != nil {
		obj, d := types.ObjectValue(mezzanineTypes, map[string]attr.Value{
			"file_url":           types.StringValue(mz.FileURL),
			"original_file_name": types.StringValue(mz.OriginalFileName),
			"width":              types.Int64Value(mz.Width),
			"height":             types.Int64Value(mz.Height),
			"file_size":          types.Int64Value(mz.FileSize),
		})
		diags.Append(d...)
		m.Mezzanine = obj
	}
	return diags
}

// imageModel is the model of vod_image, as a data source and as an ephemeral resource.
type imageModel struct {
	ImageID     types.String `tfsdk:"image_id"`
	OutputType  types.String `tfsdk:"output_type"`
	AuthTimeout types.Int64  `tfsdk:"auth_timeout"`
	ID          types.String `tfsdk:"id"`
	imageAttrsModel
}

// validateImageConfig is the ValidateConfig of vod_image in both of its forms.
func validateImageConfig(ctx context.Context, config tftypes.Value) diag.Diagnostics {
	var m imageModel
	diags := m.fromConfig(ctx, config)
	if !diags.HasError() {
		diags.Append(validateAuthTimeout(m.OutputType, m.AuthTimeout)...)
	}
	return diags
}

// readImageValue reads the image that a vod_image configuration names, for both of its forms
// (what names the form in errors). The result has the configuration's type: the schema's,
// computed attributes included.
func readImageValue(ctx context.Context, data *providerData, config tftypes.Value, what string) (tftypes.Value, diag.Diagnostics) {
	var m imageModel
	diags := m.fromConfig(ctx, config)
	if diags.HasError() {
		return tftypes.Value{}, diags
	}
	if data == nil {
		diags.AddError("VOD provider not configured",
			fmt.Sprintf("The %s was read before the provider was configured. This is a bug in the provider; please report it.", what))
		return tftypes.Value{}, diags
	}
	imageID := m.ImageID.ValueString()
	ctx = data.readContext(ctx, imageID)
	tflog.Trace(ctx, "reading VOD image")
	img, err := data.client.GetImage(ctx, vod.GetImageInfoInput{
		ImageID:     imageID,
		OutputType:  m.OutputType.ValueString(),
		AuthTimeout: m.AuthTimeout.ValueInt64(),
	})
	if err != nil {
		diags.Append(readImageError(imageID, data, err))
		return tftypes.Value{}, diags
	}
	m.ID = types.StringValue(img.ImageID)
	if diags.Append(m.fill(ctx, img)...); diags.HasError() {
		return tftypes.Value{}, diags
	}
	v, d := m.terraformValue(ctx, config.Type())
	diags.Append(d...)
	return v, diags
}
