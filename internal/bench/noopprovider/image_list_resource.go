package noopprovider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/list"
	lschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// imageListResource is list "noop_listed_image": results made up at once, without I/O, each
// with an identity and a display name of the shape vod_image's list results have. A terraform
// query of N of them measures what Terraform and the plugin protocol cost for N list results,
// which the vod provider's list cannot go below. It has a managed resource of its own
// (listedImageResource: a list resource needs one with an identity), so that noop_image, the
// baseline of the other cases, stays as it is.
type imageListResource struct{}

type imageListModel struct {
	Results types.Int64 `tfsdk:"results"`
}

func (imageListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_listed_image"
}

func (imageListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = lschema.Schema{
		Description: "results made-up images, listed at once without I/O.",
		Attributes:  map[string]lschema.Attribute{"results": lschema.Int64Attribute{Required: true, Description: "How many results."}},
	}
}

func (imageListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var m imageListModel
	if diags := req.Config.Get(ctx, &m); diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		for i := range m.Results.ValueInt64() {
			id := fmt.Sprintf("%032x", i)
			res := req.NewListResult(ctx)
			res.DisplayName = fmt.Sprintf("noop image %d (%s)", i, id)
			res.Diagnostics.Append(res.Identity.SetAttribute(ctx, path.Root("image_id"), types.StringValue(id))...)
			if !push(res) {
				return
			}
		}
	}
}

// listedImageResource is the managed noop_listed_image: an image_id, also its identity. Nothing
// creates one in the benchmark; it exists for list "noop_listed_image".
type listedImageResource struct{}

type listedImageModel struct {
	ImageID types.String `tfsdk:"image_id"`
}

func (listedImageResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_listed_image"
}

func (listedImageResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "An image_id kept as given; for list \"noop_listed_image\".",
		Attributes:  map[string]schema.Attribute{"image_id": schema.StringAttribute{Required: true, Description: "Any string."}},
	}
}

func (listedImageResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"image_id": identityschema.StringAttribute{RequiredForImport: true, Description: "The image_id."},
	}}
}

func (listedImageResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m listedImageModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root("image_id"), m.ImageID)...)
}

func (listedImageResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m listedImageModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root("image_id"), m.ImageID)...)
}

func (listedImageResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m listedImageModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (listedImageResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}
