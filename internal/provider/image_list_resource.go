package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	lschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

var (
	_ list.ListResourceWithConfigure      = (*imageListResource)(nil)
	_ list.ListResourceWithValidateConfig = (*imageListResource)(nil)
)

func newImageListResource() list.ListResource { return &imageListResource{} }

// imageListResource is the list resource of vod_image, for `terraform query`: the images a filter
// selects (the attributes of vod_images' filter, at the top level of the config block), found with
// vod.ListImages, which splits the search by creation time past SearchMedia's paging cap. Each
// result has the image's identity and its title as display name; with include_resource, the
// vod_image resource's attributes too, read with GetImageInfos in batches.
type imageListResource struct {
	data *providerData
}

// imageListModel maps the config block: the filter's attributes.
type imageListModel struct {
	filterModel
}

// imageListReadBatch is how many images one GetImages reads for include_resource (the client
// splits it into GetImageInfos calls of 20 and runs a few at once).
const imageListReadBatch = 100

const imageListDescription = "Lists ApsaraVideo VOD images for `terraform query` (Terraform 1.14 and later), " +
	"such as to adopt existing images with `terraform query -generate-config-out=generated.tf`. The arguments " +
	"select images as `vod_images`' `filter` does, every one given must match, and none lists every image. " +
	"Each result has the image's identity (`image_id`) and its title and ID as display name; with " +
	"`include_resource = true`, the attributes of the `vod_image` resource as an import would read them. " +
	"All the images that match are listed, each once, oldest first: past SearchMedia's paging limit of " +
	"5,000 hits, the search is split by creation time without anything to configure."

func (r *imageListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image"
}

func (r *imageListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = lschema.Schema{Description: imageListDescription, Attributes: listAttributes(imageFilterAttributes())}
}

func (r *imageListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateListResourceConfig refuses, when validating, a creation range no image can be in.
func (r *imageListResource) ValidateListResourceConfig(ctx context.Context, req list.ValidateConfigRequest, resp *list.ValidateConfigResponse) {
	var m imageListModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(m.validateRange(path.Empty())...)
}

func (r *imageListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var m imageListModel
	diags := req.Config.Get(ctx, &m)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	if r.data == nil {
		diags.AddError("VOD provider not configured",
			"The vod_image list resource was listed before the provider was configured. This is a bug in the provider; please report it.")
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	filter, d := m.vodFilter(ctx, path.Empty())
	if diags.Append(d...); diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	ctx = r.data.readContext(ctx, "")
	match := filter.Match()
	stream.Results = func(push func(list.ListResult) bool) {
		var stats vod.ListStats
		var batch []vod.ImageHit
		listed := int64(0)
		// flush pushes the batch's results, with the images read for include_resource.
		flush := func() bool {
			defer func() { batch = batch[:0] }()
			if len(batch) == 0 {
				return true
			}
			images, ok := r.readBatch(ctx, batch, push)
			if !ok {
				return false
			}
			for _, hit := range batch {
				img, found := images[hit.ImageID]
				if !found {
					// Deleted between the search and the read: not listed.
					tflog.Warn(ctx, "an image the search found no longer exists", map[string]any{"image_id": hit.ImageID})
					continue
				}
				if !push(imageListResult(ctx, req, hit, img)) {
					return false
				}
			}
			return true
		}
		for hit, err := range r.data.client.ListImages(ctx, filter, &stats) {
			if err != nil {
				var out list.ListResult
				out.Diagnostics.Append(apiErrorDiagnostic(fmt.Sprintf("the images that match %q (SearchMedia)", match),
					"Failed to list VOD images", r.data, err))
				push(out)
				return
			}
			if req.IncludeResource {
				if batch = append(batch, hit); len(batch) == imageListReadBatch && !flush() {
					return
				}
			} else if !push(imageListResult(ctx, req, hit, nil)) {
				return
			}
			// Terraform stops at its limit (the list block's limit, 100 by default): so do the searches.
			if listed++; req.Limit > 0 && listed >= req.Limit {
				break
			}
		}
		if flush() {
			tflog.Debug(ctx, "listed VOD images", map[string]any{"match": match, "listed": listed,
				"search_calls": stats.Calls, "creation_time_windows": stats.Windows})
		}
	}
}

// readBatch reads the batch's images for include_resource, by ID; on failure it pushes the error
// and reports false.
func (r *imageListResource) readBatch(ctx context.Context, batch []vod.ImageHit, push func(list.ListResult) bool) (map[string]*vod.Image, bool) {
	images := map[string]*vod.Image{}
	if len(batch) == 0 {
		return images, true
	}
	ids := make([]string, len(batch))
	for i, h := range batch {
		ids[i] = h.ImageID
	}
	out, err := r.data.client.GetImages(ctx, vod.GetImagesInput{ImageIDs: ids})
	if err != nil {
		var res list.ListResult
		res.Diagnostics.Append(apiErrorDiagnostic(fmt.Sprintf("%d listed images (GetImageInfos)", len(ids)),
			"Failed to read VOD images", r.data, err))
		push(res)
		return nil, false
	}
	for _, img := range out.Images {
		if img != nil {
			images[img.ImageID] = img
		}
	}
	return images, true
}

// imageListResult is the result for one image: its identity and display name, and, when img is
// not nil, the vod_image resource's attributes as ImportState and Read would set them, plus an
// image_type for the configuration that -generate-config-out writes.
func imageListResult(ctx context.Context, req list.ListRequest, hit vod.ImageHit, img *vod.Image) list.ListResult {
	res := req.NewListResult(ctx)
	res.DisplayName = hit.ImageID
	if hit.Title != "" {
		res.DisplayName = fmt.Sprintf("%s (%s)", hit.Title, hit.ImageID)
	}
	res.Diagnostics.Append(setImageIdentity(ctx, res.Identity, hit.ImageID)...)
	if img == nil {
		return res
	}
	var m imageResourceModel
	m.fill(img, false)
	m.ImageType = types.StringValue(uploadImageType(img.ImageType))
	m.Timeouts, res.Diagnostics = nullTimeouts(ctx, req, res.Diagnostics)
	res.Diagnostics.Append(res.Resource.Set(ctx, m)...)
	return res
}

// uploadImageType is the CreateUploadImage form (vod.ImageTypes) of the type GetImageInfo reports:
// `cover` for a cover (CoverSnapshot, or cover as uploaded), else `default`. vod_image's image_type
// is required, so the configuration -generate-config-out writes needs a value; after an import the
// configuration's value is adopted without replacing the image (image_resource_schema.go).
func uploadImageType(vodType string) string {
	if strings.EqualFold(vodType, "cover") || strings.EqualFold(vodType, "CoverSnapshot") {
		return "cover"
	}
	return "default"
}

// nullTimeouts is a null timeouts block of the vod_image resource's schema.
func nullTimeouts(ctx context.Context, req list.ListRequest, diags diag.Diagnostics) (timeouts.Value, diag.Diagnostics) {
	typ, d := req.ResourceSchema.TypeAtPath(ctx, path.Root("timeouts"))
	if typ == nil || d.HasError() {
		diags.AddError("vod_image list: no timeouts block in the resource schema", "This is a bug in the provider; please report it.")
		return timeouts.Value{}, diags
	}
	v, errV := typ.ValueFromTerraform(ctx, tftypes.NewValue(typ.TerraformType(ctx), nil))
	tv, ok := v.(timeouts.Value)
	if errV != nil || !ok {
		diags.AddError("vod_image list: the timeouts block has an unexpected type", fmt.Sprintf("%T (%v). This is a bug in the provider; please report it.", v, errV))
	}
	return tv, diags
}
