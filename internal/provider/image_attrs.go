package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	eschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// The image attributes are described here once and built into the schemas of vod_image, the
// ephemeral vod_image and vod_images' images, whose schema packages have distinct types.

// Image IDs are 32 hex characters today; the bound leaves room while catching pasted junk.
const maxImageIDLength = 128

const (
	imageIDDescription = "ID of the image, as shown on the console's Media Files > Image page or returned by " +
		"CreateUploadImage or SearchMedia."
	outputTypeDescription = "Type of the URL to return: `oss` for an Object Storage Service URL or `cdn` for a CDN " +
		"URL. When unset, VOD returns a CDN URL if a CDN domain is configured and an OSS URL otherwise."
	authTimeoutDescription = "Validity of the URL, in seconds, at least 1. For `cdn` it applies only when URL " +
		"signing is enabled and has no maximum: the type-A signature's timestamp is the time the URL was made " +
		"plus `auth_timeout`, and the CDN serves the URL until that timestamp plus the validity period set in " +
		"the domain's URL-signing configuration; when unset, the URL lives that validity period. For `oss` it " +
		"applies only to private buckets; the default is 3600 and the maximum 2592000 (30 days) for the " +
		"VOD bucket or 129600 (36 hours) for your own OSS bucket."
	modificationTimeDescription = "Time the image was last modified, in ISO 8601 (`yyyy-MM-ddTHH:mm:ssZ`, UTC), as " +
		"SearchMedia reports it: set for images a `filter` finds, and null for images read by `ids`, because " +
		"GetImageInfos, which reads them, does not return it."
)

// imageIDValidators are compiled once: the framework validates every data source of a plan.
var imageIDValidators = []validator.String{
	stringvalidator.LengthBetween(1, maxImageIDLength),
	stringvalidator.RegexMatches(regexp.MustCompile(`\S`), "must not be empty or only whitespace"),
	noControlCharacters,
}

var noControlCharacters = stringvalidator.RegexMatches(regexp.MustCompile(`^[^\x00-\x1f\x7f]*$`), "must not contain control characters")

var (
	outputTypeValidators  = []validator.String{stringvalidator.OneOf(vod.OutputTypeOSS, vod.OutputTypeCDN)}
	authTimeoutValidators = []validator.Int64{int64validator.AtLeast(1)}
)

// validateAuthTimeout checks what single-attribute validators cannot: the OSS maximum of auth_timeout.
func validateAuthTimeout(outputType types.String, authTimeout types.Int64) diag.Diagnostics {
	var diags diag.Diagnostics
	if outputType.ValueString() == vod.OutputTypeOSS && authTimeout.ValueInt64() > vod.MaxAuthTimeoutOSS {
		diags.AddAttributeError(path.Root("auth_timeout"), "auth_timeout too long for an OSS URL",
			fmt.Sprintf("An OSS URL can be valid for at most %d seconds (30 days) for an image in the VOD bucket, "+
				"and 129600 seconds (36 hours) in your own OSS bucket; got %d. Use a shorter auth_timeout, or "+
				"output_type = \"cdn\", whose signed URLs have no maximum.", vod.MaxAuthTimeoutOSS, authTimeout.ValueInt64()))
	}
	return diags
}

// attrKind is the shape of one computed image attribute.
type attrKind int

const (
	kindString attrKind = iota
	kindInt64
	kindStringList
	kindMezzanine
)

type imageAttr struct {
	kind        attrKind
	description string
}

// imageAttrs are the computed attributes of an image, the same in all three schemas.
var imageAttrs = map[string]imageAttr{
	"url": {kindString, "Access URL of the image: a CDN URL if a CDN domain is specified, otherwise an OSS URL, " +
		"or as `output_type` asks. Signed URLs expire after `auth_timeout`."},
	"status":           {kindString, "Status of the image: `Uploading` (initial), `Normal` (uploaded) or `UploadFail`."},
	"creation_time":    {kindString, "Time the image was created, in ISO 8601 (`yyyy-MM-ddTHH:mm:ssZ`, UTC)."},
	"storage_location": {kindString, "Bucket in which the image is stored."},
	"cate_id":          {kindInt64, "ID of the image's category."},
	"cate_name":        {kindString, "Name of the image's category."},
	"tags":             {kindStringList, "Tags of the image, in the order the API lists them (it sends them comma-separated)."},
	"image_type": {kindString, "Type of the image: `CoverSnapshot` (thumbnail), `NormalSnapshot`, `SpriteSnapshot`, " +
		"`SpriteOriginSnapshot`, or several of these separated by commas."},
	"description": {kindString, "Description of the image."},
	"app_id":      {kindString, "ID of the VOD application the image belongs to."},
	"title":       {kindString, "Title of the image."},
	"mezzanine":   {kindMezzanine, "Source file of the image; null when VOD returns none."},
}

var mezzanineAttrs = map[string]imageAttr{
	"file_url":           {kindString, "OSS URL of the image file."},
	"original_file_name": {kindString, "Name of the uploaded source file."},
	"width":              {kindInt64, "Width of the image, in pixels."},
	"height":             {kindInt64, "Height of the image, in pixels."},
	"file_size":          {kindInt64, "Size of the image file, in bytes."},
}

// dataSourceImageAttributes returns attrs as computed data source attributes.
func dataSourceImageAttributes(attrs map[string]imageAttr) map[string]dschema.Attribute {
	out := make(map[string]dschema.Attribute, len(attrs))
	for name, a := range attrs {
		switch a.kind {
		case kindString:
			out[name] = dschema.StringAttribute{Computed: true, Description: a.description}
		case kindInt64:
			out[name] = dschema.Int64Attribute{Computed: true, Description: a.description}
		case kindStringList:
			out[name] = dschema.ListAttribute{Computed: true, ElementType: types.StringType, Description: a.description}
		case kindMezzanine:
			out[name] = dschema.SingleNestedAttribute{Computed: true, Description: a.description,
				Attributes: dataSourceImageAttributes(mezzanineAttrs)}
		}
	}
	return out
}

// ephemeralImageAttributes returns attrs as computed ephemeral resource attributes.
func ephemeralImageAttributes(attrs map[string]imageAttr) map[string]eschema.Attribute {
	out := make(map[string]eschema.Attribute, len(attrs))
	for name, a := range attrs {
		switch a.kind {
		case kindString:
			out[name] = eschema.StringAttribute{Computed: true, Description: a.description}
		case kindInt64:
			out[name] = eschema.Int64Attribute{Computed: true, Description: a.description}
		case kindStringList:
			out[name] = eschema.ListAttribute{Computed: true, ElementType: types.StringType, Description: a.description}
		case kindMezzanine:
			out[name] = eschema.SingleNestedAttribute{Computed: true, Description: a.description,
				Attributes: ephemeralImageAttributes(mezzanineAttrs)}
		}
	}
	return out
}

// attrTypes returns the value types of attrs, for object values.
func attrTypes(attrs map[string]imageAttr) map[string]attr.Type {
	out := make(map[string]attr.Type, len(attrs))
	for name, a := range attrs {
		switch a.kind {
		case kindString:
			out[name] = types.StringType
		case kindInt64:
			out[name] = types.Int64Type
		case kindStringList:
			out[name] = types.ListType{ElemType: types.StringType}
		case kindMezzanine:
			out[name] = types.ObjectType{AttrTypes: attrTypes(mezzanineAttrs)}
		}
	}
	return out
}

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

// mezzanineTypes are the attribute types of the mezzanine object, built once.
var mezzanineTypes = attrTypes(mezzanineAttrs)

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

// providerDataFrom is the Configure step of every data source and ephemeral resource: nil before
// the provider is configured (validation runs first), else the provider's data.
func providerDataFrom(configured any, diags *diag.Diagnostics) *providerData {
	if configured == nil {
		return nil
	}
	data, ok := configured.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", configured))
	}
	return data
}
