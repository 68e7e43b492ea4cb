// Package noopprovider is a minimal Terraform provider used only by the benchmark
// (internal/bench/cmd/vodbench) as a baseline: its data source noop_image answers at once, without
// any I/O, so a plan with N noop_image data sources measures what Terraform itself and the plugin
// protocol cost, which the vod provider cannot go below. Its managed noop_image (image_resource.go)
// does the same for N resources of the vod_image resource's shape, and list "noop_image"
// "noop_listed_image" (image_list_resource.go) for N results of a terraform query.
package noopprovider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Address is the provider's registry address; the benchmark maps it to a local build with
// dev_overrides.
const Address = "registry.terraform.io/vodtf/noop"

// New returns the noop provider.
func New() provider.Provider { return noopProvider{} }

type noopProvider struct{}

var _ provider.ProviderWithListResources = noopProvider{}

func (noopProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "noop"
	resp.Version = "bench"
}

func (noopProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = pschema.Schema{Description: "A provider whose data source does nothing: a benchmark baseline."}
}

func (noopProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (noopProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{func() datasource.DataSource { return imageDataSource{} }}
}

func (noopProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{func() list.ListResource { return imageListResource{} }}
}

func (noopProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return imageResource{} },
		func() resource.Resource { return listedImageResource{} },
	}
}

// imageDataSource is noop_image. It takes the arguments a vod_image block in the benchmark sets
// (image_id, and output_type so that the configurations have the same shape) and returns id and url.
type imageDataSource struct{}

type imageModel struct {
	ImageID    types.String `tfsdk:"image_id"`
	OutputType types.String `tfsdk:"output_type"`
	ID         types.String `tfsdk:"id"`
	URL        types.String `tfsdk:"url"`
}

func (imageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image"
}

func (imageDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Returns its image_id as id and a fixed URL at once, without I/O.",
		Attributes: map[string]schema.Attribute{
			"image_id":    schema.StringAttribute{Required: true, Description: "Any string."},
			"output_type": schema.StringAttribute{Optional: true, Description: "Ignored."},
			"id":          schema.StringAttribute{Computed: true, Description: "The image_id."},
			"url":         schema.StringAttribute{Computed: true, Description: "https://noop.invalid/<image_id>."},
		},
	}
}

func (imageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m imageModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.ID = m.ImageID
	m.URL = types.StringValue("https://noop.invalid/" + m.ImageID.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
