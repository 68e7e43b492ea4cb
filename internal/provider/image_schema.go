package provider

import (
	"fmt"
	"maps"
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
// descriptions and validators, and its computed attributes, imageAttributes, described once. The
// data source, the ephemeral resource and vod_images' images elements build their schemas from
// these, and the models take their object types from those schemas.

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
		"VOD bucket or 129600 (36 hours) for your own OSS bucket. A bucket that signs with OSS signature V4 " +
		"(accounts from 2025-03-01, buckets from 2025-09-01) returns URLs of at most 604800 seconds (7 days); " +
		"a longer `auth_timeout` then gets a warning."
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

// imageAttributes describes vod_image's computed attributes, once, as data-source attributes.
// Everything else derives from it:
//   - the vod_image data source's schema is these plus its arguments (imageDataSourceSchema);
//   - vod_images' images elements are these plus image_id and modification_time
//     (imagesItemAttributes);
//   - the ephemeral vod_image converts them with ephemeralAttributes;
//   - the object types that the models build values of come from those schemas' own Type() and
//     GetType() (imageObjectType, mezzanineType, imagesItemType), never written by hand.
//
// A new resource's computed attributes follow the same pattern: one map of attributes here or in
// its own *_schema.go, the schemas that show them built from it, the types taken from the schemas.
// The map is shared: a schema that adds attributes copies it first (maps.Clone).
var imageAttributes = map[string]dschema.Attribute{
	"url": dschema.StringAttribute{Computed: true, Description: "Access URL of the image: a CDN URL if a CDN domain is " +
		"specified, otherwise an OSS URL, or as `output_type` asks. Signed URLs expire after `auth_timeout`; an OSS URL " +
		"signed with V4 (`x-oss-signature-version=OSS4-HMAC-SHA256`) after `x-oss-date` + `x-oss-expires`, at most 7 days."},
	"status": dschema.StringAttribute{Computed: true, Description: "Status of the image: `Uploading` (initial), " +
		"`Normal` (uploaded) or `UploadFail`."},
	"creation_time": dschema.StringAttribute{Computed: true, Description: "Time the image was created, in RFC 3339, " +
		"UTC (such as `2024-05-01T12:00:00Z`)."},
	"storage_location": dschema.StringAttribute{Computed: true, Description: "Bucket in which the image is stored."},
	"cate_id":          dschema.Int64Attribute{Computed: true, Description: "ID of the image's category."},
	"cate_name":        dschema.StringAttribute{Computed: true, Description: "Name of the image's category."},
	"tags": dschema.ListAttribute{Computed: true, ElementType: types.StringType, Description: "Tags of the image, in " +
		"the order the API lists them (it sends them comma-separated)."},
	"image_type": dschema.StringAttribute{Computed: true, Description: "Type of the image: `CoverSnapshot` (thumbnail), " +
		"`NormalSnapshot`, `SpriteSnapshot`, `SpriteOriginSnapshot`, or several of these separated by commas."},
	"description": dschema.StringAttribute{Computed: true, Description: "Description of the image."},
	"app_id":      dschema.StringAttribute{Computed: true, Description: "ID of the VOD application the image belongs to."},
	"title":       dschema.StringAttribute{Computed: true, Description: "Title of the image."},
	"mezzanine": dschema.SingleNestedAttribute{Computed: true, Description: "Source file of the image; null when VOD " +
		"returns none.", Attributes: computedSchemas(mezzanineAttributes)},
}

// mezzanineAttributes are the attributes of vod_image's mezzanine, each with its description and
// the field of vod.Mezzanine it shows: a field of the source file is one entry here.
var mezzanineAttributes = map[string]computed[vod.Mezzanine]{
	"file_url": computedString("OSS URL of the image file.", func(m *vod.Mezzanine) string { return m.FileURL }),
	"original_file_name": computedString("Name of the uploaded source file.",
		func(m *vod.Mezzanine) string { return m.OriginalFileName }),
	"width":     computedInt64("Width of the image, in pixels.", func(m *vod.Mezzanine) int64 { return int64(m.Width) }),
	"height":    computedInt64("Height of the image, in pixels.", func(m *vod.Mezzanine) int64 { return int64(m.Height) }),
	"file_size": computedInt64("Size of the image file, in bytes.", func(m *vod.Mezzanine) int64 { return int64(m.FileSize) }),
}

// ephemeralAttributes converts computed data-source attributes into the ephemeral schema
// package's, which has the same fields under distinct types. It knows the kinds of attribute the
// provider's computed attributes use; another kind is a programming error, reported at once by
// every test that builds the schema (TestEphemeralSchemaMatchesDataSource).
func ephemeralAttributes(attrs map[string]dschema.Attribute) map[string]eschema.Attribute {
	out := make(map[string]eschema.Attribute, len(attrs))
	for name, a := range attrs {
		switch a := a.(type) {
		case dschema.StringAttribute:
			out[name] = eschema.StringAttribute{Computed: a.Computed, Sensitive: a.Sensitive, Description: a.Description}
		case dschema.Int64Attribute:
			out[name] = eschema.Int64Attribute{Computed: a.Computed, Sensitive: a.Sensitive, Description: a.Description}
		case dschema.BoolAttribute:
			out[name] = eschema.BoolAttribute{Computed: a.Computed, Sensitive: a.Sensitive, Description: a.Description}
		case dschema.ListAttribute:
			out[name] = eschema.ListAttribute{Computed: a.Computed, Sensitive: a.Sensitive, Description: a.Description,
				ElementType: a.ElementType}
		case dschema.SingleNestedAttribute:
			out[name] = eschema.SingleNestedAttribute{Computed: a.Computed, Sensitive: a.Sensitive, Description: a.Description,
				Attributes: ephemeralAttributes(a.Attributes)}
		default:
			panic(fmt.Sprintf("ephemeralAttributes: attribute %q is a %T, which it does not convert; add a case", name, a))
		}
	}
	return out
}

// objectType is t as the object type the framework builds for a schema or a nested attribute.
func objectType(t attr.Type) types.ObjectType {
	o, ok := t.(types.ObjectType)
	if !ok {
		panic(fmt.Sprintf("objectType: %T is not types.ObjectType", t))
	}
	return o
}

// The object types of vod_image's schemas and of its mezzanine, from the schemas, built once.
var (
	imageObjectType = objectType(imageDataSourceSchema().Type())
	mezzanineType   = objectType(imageAttributes["mezzanine"].GetType())
)

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
	attrs := maps.Clone(imageAttributes)
	attrs["image_id"] = dschema.StringAttribute{Required: true, Description: imageIDDescription, Validators: imageIDValidators}
	attrs["output_type"] = dschema.StringAttribute{Optional: true, Description: outputTypeDescription, Validators: outputTypeValidators}
	attrs["auth_timeout"] = dschema.Int64Attribute{Optional: true, Description: authTimeoutDescription, Validators: authTimeoutValidators}
	attrs["id"] = dschema.StringAttribute{Computed: true, Description: imageIDComputedDescription}
	return dschema.Schema{Description: imageDataSourceDescription, Attributes: attrs}
}

// imageEphemeralSchema is the schema of the ephemeral vod_image.
func imageEphemeralSchema() eschema.Schema {
	attrs := ephemeralAttributes(imageAttributes)
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
