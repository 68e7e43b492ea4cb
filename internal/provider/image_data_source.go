package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
)

var (
	_ datasource.DataSourceWithConfigure      = (*imageDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*imageDataSource)(nil)
)

func newImageDataSource() datasource.DataSource { return &imageDataSource{} }

// imageDataSource is vod_image: one image's metadata and URL, read with GetImageInfo. Its schema is
// in image_schema.go, its model and read in image_model.go.
type imageDataSource struct {
	data *providerData
}

func (d *imageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image"
}

func (d *imageDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = imageDataSourceSchema()
}

func (d *imageDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	resp.Diagnostics.Append(validateImageConfig(ctx, req.Config)...)
}

func (d *imageDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *imageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	obj, diags := readImage(ctx, d.data, req.Config, "vod_image data source")
	if resp.Diagnostics.Append(diags...); !diags.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, obj)...)
	}
}
