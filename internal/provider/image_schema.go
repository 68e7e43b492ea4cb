package provider

import (
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	eschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// The schema of vod_image: its arguments (image_id, output_type, auth_timeout) with their
// descriptions and validators, and the table of its computed attributes, imageAttrs. The data
// source, the ephemeral resource and vod_images' images elements build their schemas from these.

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
	modificationTimeDescription = "Time the image was last modified, in RFC 3339, UTC (such as `2024-05-01T12:00:00Z`), as " +
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
	authTimeoutValidators = []validator.Int64{authTimeoutAtLeastOne{}}
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
	"creation_time":    {kindString, "Time the image was created, in RFC 3339, UTC (such as `2024-05-01T12:00:00Z`)."},
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

// mezzanineTypes are the attribute types of the mezzanine object, built once.
var mezzanineTypes = attrTypes(mezzanineAttrs)

const imageDataSourceDescription = "Reads one ApsaraVideo VOD image: its access URL and metadata, with the GetImageInfo operation. " +
	"The URL is stored in the state; the ephemeral `vod_image` gives the same without storing it.\n\n" +
	"The URL changes at every read: VOD signs a new one each time, with a new expiry, so whatever uses `url` " +
	"(a resource argument, an output) changes in every plan, and `terraform plan -detailed-exitcode` exits 2 " +
	"on an unchanged configuration. To keep a URL stable from run to run, use the `vod_image_url` resource, which stores " +
	"one and replaces it only when it is due for renewal; where the consumer accepts ephemeral values, " +
	"use the ephemeral `vod_image`, which stores none."

const imageIDComputedDescription = "ID of the image (the same as `image_id`)."

// imageDataSourceSchema is the schema of the vod_image data source.
func imageDataSourceSchema() dschema.Schema {
	attrs := dataSourceImageAttributes(imageAttrs)
	attrs["image_id"] = dschema.StringAttribute{Required: true, Description: imageIDDescription, Validators: imageIDValidators}
	attrs["output_type"] = dschema.StringAttribute{Optional: true, Description: outputTypeDescription, Validators: outputTypeValidators}
	attrs["auth_timeout"] = dschema.Int64Attribute{Optional: true, Description: authTimeoutDescription, Validators: authTimeoutValidators}
	attrs["id"] = dschema.StringAttribute{Computed: true, Description: imageIDComputedDescription}
	return dschema.Schema{Description: imageDataSourceDescription, Attributes: attrs}
}

// imageEphemeralSchema is the schema of the ephemeral vod_image.
func imageEphemeralSchema() eschema.Schema {
	attrs := ephemeralImageAttributes(imageAttrs)
	attrs["image_id"] = eschema.StringAttribute{Required: true, Description: imageIDDescription, Validators: imageIDValidators}
	attrs["output_type"] = eschema.StringAttribute{Optional: true, Description: outputTypeDescription, Validators: outputTypeValidators}
	attrs["auth_timeout"] = eschema.Int64Attribute{Optional: true, Description: authTimeoutDescription, Validators: authTimeoutValidators}
	attrs["id"] = eschema.StringAttribute{Computed: true, Description: imageIDComputedDescription}
	return eschema.Schema{
		Description: "Reads one ApsaraVideo VOD image like the `vod_image` data source, as an ephemeral resource: " +
			"Terraform never writes its result, signed URLs included, to the plan or the state. It needs " +
			"Terraform 1.10 or OpenTofu 1.11 or later.",
		Attributes: attrs,
	}
}
