package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// The schema of the vod_image resource. Attributes that are the image's own and that the data
// source shows too take their description from imageAttributes (image_schema.go), with what the
// resource adds about changing them; the resource's own arguments (source, content_sha256,
// image_ext, the CreateUploadImage form of image_type) are described here.

// Default timeouts of the resource's operations: creating uploads the file and waits for VOD to
// mark the image Normal.
const (
	defaultImageCreateTimeout = 10 * 60 // seconds
	defaultImageUpdateTimeout = 2 * 60
	defaultImageDeleteTimeout = 2 * 60
)

// imageAttributeDescription is the description of a computed image attribute, as imageAttributes
// (or its mezzanine) has it.
func imageAttributeDescription(name string) string {
	if a, ok := imageAttributes[name]; ok {
		return a.GetDescription()
	}
	mz, _ := imageAttributes["mezzanine"].(dschema.SingleNestedAttribute)
	if a, ok := mz.Attributes[name]; ok {
		return a.GetDescription()
	}
	panic(fmt.Sprintf("imageAttributeDescription: no image attribute %q", name))
}

const imageResourceDescription = "An ApsaraVideo VOD image uploaded from a local file: CreateUploadImage, then the " +
	"upload of the file to VOD's storage (OSS) with the temporary credential VOD gives, streamed (multipart for large " +
	"files), then a wait until VOD reports the image `Normal`.\n\n" +
	"The file's SHA-256 (`content_sha256`), computed when planning, is what detects a change of content: a new hash " +
	"replaces the image, as VOD has no call that swaps an image's bytes. Nothing of the file's content is stored in " +
	"the state. `title`, `description`, `tags` and `cate_id` change in place (UpdateImageInfos, batched with concurrent " +
	"updates). If any step after CreateUploadImage fails, the new image is deleted, or, if that fails too, kept in the " +
	"state as tainted so that the next apply replaces it; the error says which, with the image ID. An image deleted " +
	"outside Terraform is removed from the state with a warning at refresh.\n\n" +
	"An imported image has no local file, and VOD keeps no content hash: when `source` is added to an imported " +
	"image's configuration, the provider adopts the file without uploading it if its size is the image's " +
	"`file_size` (or VOD reports no size), and replaces the image if the sizes differ. Use `terraform apply -replace` " +
	"to upload the file regardless. `image_type` and `image_ext`, which VOD does not report in the form " +
	"CreateUploadImage takes, are likewise adopted from the configuration after an import."

// imageResourceSchema is the schema of the vod_image resource.
func imageResourceSchema(ctx context.Context) rschema.Schema {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	keepInt := []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}
	inPlace := " Changing it updates the image in place (UpdateImageInfos). When unset, the provider keeps what VOD " +
		"holds and removing it from the configuration leaves the image's value unchanged."
	createOnly := " It is sent with CreateUploadImage only: changing it replaces the image."
	return rschema.Schema{
		Description: imageResourceDescription,
		Attributes: map[string]rschema.Attribute{
			"id": rschema.StringAttribute{Computed: true, PlanModifiers: keep,
				Description: "ID of the image (ImageId), as CreateUploadImage returns it; what `vod_image` data sources, " +
					"`vod_image_url` and imports take."},
			"source": rschema.StringAttribute{Optional: true, Validators: []validator.String{
				stringvalidator.LengthAtLeast(1), noControlCharacters},
				Description: "Path of the local image file to upload, such as `\"${path.module}/logo.png\"`. Required to " +
					"create an image; the file must exist and be readable when planning, as its SHA-256 is computed then. " +
					"Changing the path alone changes nothing in VOD; changing the file's content replaces the image. " +
					"Optional so that an imported image can be managed without its file."},
			"content_sha256": rschema.StringAttribute{Computed: true,
				Description: "Hex SHA-256 of the file at `source`, computed when planning by reading it once, streamed. A " +
					"new value replaces the image. Null after an import until `source` is set."},
			"image_type": rschema.StringAttribute{Required: true,
				Validators: []validator.String{stringvalidator.OneOf(vod.ImageTypes...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(replaceIfStateKnown,
					"Changing it replaces the image, except after an import.", "Changing it replaces the image, except after an import.")},
				Description: "Type of the image, as CreateUploadImage takes it: `default` (a general image) or `cover` " +
					"(a video cover)." + createOnly},
			"image_ext": rschema.StringAttribute{Optional: true, Computed: true,
				Validators: []validator.String{stringvalidator.OneOf(vod.ImageExts...)},
				Description: "File extension VOD stores the image under: " + codeList(vod.ImageExts) + ". When unset, " +
					"the extension of `source`, which must then be one of these." + createOnly},
			"title": rschema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keep,
				Validators:  []validator.String{metadataValidator{"title"}},
				Description: imageAttributeDescription("title") + fmt.Sprintf(" At most %d bytes of UTF-8.", vod.MaxTitleBytes) + inPlace},
			"description": rschema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keep,
				Validators:  []validator.String{metadataValidator{"description"}},
				Description: imageAttributeDescription("description") + fmt.Sprintf(" At most %d bytes of UTF-8.", vod.MaxDescriptionBytes) + inPlace},
			"tags": rschema.SetAttribute{Optional: true, Computed: true, ElementType: types.StringType,
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
				Validators:    []validator.Set{setvalidator.SizeAtMost(vod.MaxTags), tagsValidator{}},
				Description: fmt.Sprintf("Tags of the image: at most %d, each at most %d bytes of UTF-8, without commas "+
					"(VOD stores them comma-separated). A set, because VOD keeps no meaningful order: a list would "+
					"show a change whenever VOD answers in another order.", vod.MaxTags, vod.MaxTagBytes) + inPlace},
			"cate_id": rschema.Int64Attribute{Optional: true, Computed: true, PlanModifiers: keepInt,
				Validators:  []validator.Int64{int64validator.AtLeast(1)},
				Description: imageAttributeDescription("cate_id") + " Such as `vod_category.<name>.id`." + inPlace},
			"storage_location": rschema.StringAttribute{Optional: true, Computed: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
				Description:   imageAttributeDescription("storage_location") + " When unset, VOD's default storage." + createOnly},
			"app_id": rschema.StringAttribute{Optional: true, Computed: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
				Description:   imageAttributeDescription("app_id") + " When unset, VOD's default application." + createOnly},
			"status": rschema.StringAttribute{Computed: true, PlanModifiers: keep,
				Description: imageAttributeDescription("status") + " The resource is created once VOD reports `Normal`."},
			"url": rschema.StringAttribute{Computed: true, PlanModifiers: keep,
				Description: "Access URL of the image as VOD gave it when the resource was created or imported. Refreshing " +
					"keeps it while VOD's URL differs only in its signature, so that it does not change at every plan; " +
					"a signed URL expires, so for a URL that must keep working use `vod_image_url` (which renews it) or " +
					"the ephemeral `vod_image`."},
			"creation_time": rschema.StringAttribute{Computed: true, PlanModifiers: keep,
				Description: imageAttributeDescription("creation_time")},
			"width": rschema.Int64Attribute{Computed: true, PlanModifiers: keepInt,
				Description: imageAttributeDescription("width") + " Null when VOD reports none."},
			"height": rschema.Int64Attribute{Computed: true, PlanModifiers: keepInt,
				Description: imageAttributeDescription("height") + " Null when VOD reports none."},
			"file_size": rschema.Int64Attribute{Computed: true, PlanModifiers: keepInt,
				Description: imageAttributeDescription("file_size") + " Null when VOD reports none."},
		},
		Blocks: map[string]rschema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true,
				CreateDescription: fmt.Sprintf("How long creating may take, upload and wait for `Normal` included, as a "+
					"duration such as `30m`; default %dm. On expiry the new image is deleted (or kept as tainted).", defaultImageCreateTimeout/60),
				UpdateDescription: fmt.Sprintf("How long an update may take; default %dm.", defaultImageUpdateTimeout/60),
				DeleteDescription: fmt.Sprintf("How long deleting may take; default %dm.", defaultImageDeleteTimeout/60),
			}),
		},
	}
}

// imageIdentitySchema is vod_image's resource identity: its ID, which VOD never changes.
func imageIdentitySchema() identityschema.Schema {
	return identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"image_id": identityschema.StringAttribute{RequiredForImport: true, Description: imageIDDescription},
	}}
}

// replaceIfStateKnown replaces the image when an argument VOD does not report changes, but not
// when the stored value is null: after an import, the configuration's value is adopted.
func replaceIfStateKnown(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull()
}

// codeList writes values as Markdown code, comma-separated, for a description.
func codeList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = "`" + v + "`"
	}
	return strings.Join(q, ", ")
}

// metadataValidator checks a title or description against VOD's documented limits
// (vod.CheckImageMetadata), naming the argument.
type metadataValidator struct{ field string }

func (v metadataValidator) Description(context.Context) string {
	return "within VOD's documented length for the image's " + v.field
}

func (v metadataValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v metadataValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var err error
	if v.field == "title" {
		err = vod.CheckImageMetadata(req.ConfigValue.ValueString(), "", nil)
	} else {
		err = vod.CheckImageMetadata("", req.ConfigValue.ValueString(), nil)
	}
	if err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid VOD image "+v.field,
			err.Error()+". Characters outside ASCII take 2 to 4 bytes each (a Chinese character 3): shorten the "+v.field+".")
	}
}

// tagsValidator checks each tag (vod.CheckImageMetadata): not empty, no comma, at most
// vod.MaxTagBytes bytes. The number of tags is setvalidator.SizeAtMost's.
type tagsValidator struct{}

func (tagsValidator) Description(context.Context) string {
	return fmt.Sprintf("tags of at most %d bytes each, not empty, without commas", vod.MaxTagBytes)
}

func (v tagsValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (tagsValidator) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, e := range req.ConfigValue.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsUnknown() || s.IsNull() {
			continue
		}
		if err := vod.CheckImageMetadata("", "", []string{s.ValueString()}); err != nil {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid VOD image tag", err.Error()+".")
		}
	}
}
