package provider

// vod_image's model and its read, shared by the data source and the ephemeral resource; each
// element of vod_images' images embeds the same imageAttrsModel.
//
// Adding a computed attribute to vod_image: CONTRIBUTING.md, "A computed attribute of vod_image"
// (models, emulator, client, schema, acceptance checks, README, docs, changelog).
//
// Why attributeValues rather than the framework's struct conversion (Config.Get, State.Set of a
// struct): that conversion compiles a regular expression for every tfsdk field on every call
// (internal/reflect.isValidFieldName in framework v1.19.0, hashicorp/terraform-plugin-framework
// issue 725). With vod_image's 16 attributes and three conversions per data source (ValidateConfig,
// Read's read and write), that was about a quarter of the provider's CPU in a 1,000-image plan,
// and vod_images paid it once per element. Config.GetAttribute of a types.String and State.Set of
// a types.Object take no struct path; image_model_bench_test.go measures the difference.

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// imageAttrsModel holds imageAttributes; the models of all three embed it. The tfsdk tags are not used
// by the provider's conversion (attributeValues), but by the test that compares it with the
// framework's.
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
	var diags diag.Diagnostics
	m.Mezzanine, diags = computedObject(mezzanineType, mezzanineAttributes, img.Mezzanine)
	return diags
}

// attributeValues returns the values of imageAttributes by name, in a map with room for extra more:
// the attributes of the schema that embeds them (vod_image's arguments and id, or vod_images'
// image_id and modification_time), which the caller adds.
func (m *imageAttrsModel) attributeValues(extra int) map[string]attr.Value {
	values := make(map[string]attr.Value, len(imageAttributes)+extra)
	values["url"] = m.URL
	values["status"] = m.Status
	values["creation_time"] = m.CreationTime
	values["storage_location"] = m.StorageLocation
	values["cate_id"] = m.CateID
	values["cate_name"] = m.CateName
	values["tags"] = m.Tags
	values["image_type"] = m.ImageType
	values["description"] = m.Description
	values["app_id"] = m.AppID
	values["title"] = m.Title
	values["mezzanine"] = m.Mezzanine
	return values
}

// imageModel is the model of vod_image, as a data source and as an ephemeral resource.
type imageModel struct {
	ImageID     types.String `tfsdk:"image_id"`
	OutputType  types.String `tfsdk:"output_type"`
	AuthTimeout types.Int64  `tfsdk:"auth_timeout"`
	ID          types.String `tfsdk:"id"`
	imageAttrsModel
}

// readConfig reads the arguments of a vod_image configuration into m.
func (m *imageModel) readConfig(ctx context.Context, config tfsdk.Config) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.Append(config.GetAttribute(ctx, path.Root("image_id"), &m.ImageID)...)
	diags.Append(config.GetAttribute(ctx, path.Root("output_type"), &m.OutputType)...)
	diags.Append(config.GetAttribute(ctx, path.Root("auth_timeout"), &m.AuthTimeout)...)
	return diags
}

// objectValue returns m as a value of imageObjectType, for State.Set and Result.Set.
func (m *imageModel) objectValue() (types.Object, diag.Diagnostics) {
	values := m.attributeValues(4)
	values["image_id"] = m.ImageID
	values["output_type"] = m.OutputType
	values["auth_timeout"] = m.AuthTimeout
	values["id"] = m.ID
	return types.ObjectValue(imageObjectType.AttrTypes, values)
}

// validateImageConfig is the ValidateConfig of vod_image in both of its forms.
func validateImageConfig(ctx context.Context, config tfsdk.Config) diag.Diagnostics {
	var m imageModel
	diags := m.readConfig(ctx, config)
	if !diags.HasError() {
		diags.Append(validateAuthTimeout(m.OutputType, m.AuthTimeout)...)
	}
	return diags
}

// readImage reads the image that a vod_image configuration names, for both of its forms (what
// names the form in errors), and returns it as the object to store.
func readImage(ctx context.Context, data *providerData, config tfsdk.Config, what string) (types.Object, diag.Diagnostics) {
	var m imageModel
	diags := m.readConfig(ctx, config)
	if diags.HasError() {
		return types.Object{}, diags
	}
	if data == nil {
		diags.AddError("VOD provider not configured",
			fmt.Sprintf("The %s was read before the provider was configured. This is a bug in the provider; please report it.", what))
		return types.Object{}, diags
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
		return types.Object{}, diags
	}
	m.ID = types.StringValue(img.ImageID)
	if diags.Append(m.fill(ctx, img)...); diags.HasError() {
		return types.Object{}, diags
	}
	if w := v4CapWarning(imageID, m.AuthTimeout.ValueInt64(), img.URL, ""); w != nil {
		diags.Append(w)
	}
	obj, d := m.objectValue()
	diags.Append(d...)
	return obj, diags
}
