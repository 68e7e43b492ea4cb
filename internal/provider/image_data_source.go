package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
)

var (
	_ datasource.DataSourceWithConfigure      = (*imageDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*imageDataSource)(nil)
)

func newImageDataSource() datasource.DataSource { return &imageDataSource{} }

// imageDataSource is vod_image: one image's metadata and URL, read with GetImageInfo.
type imageDataSource struct {
	data *providerData
}

func (d *imageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image"
}

func (d *imageDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := dataSourceImageAttributes(imageAttrs)
	attrs["image_id"] = schema.StringAttribute{Required: true, Description: imageIDDescription, Validators: imageIDValidators}
	attrs["output_type"] = schema.StringAttribute{Optional: true, Description: outputTypeDescription, Validators: outputTypeValidators}
	attrs["auth_timeout"] = schema.Int64Attribute{Optional: true, Description: authTimeoutDescription, Validators: authTimeoutValidators}
	attrs["id"] = schema.StringAttribute{Computed: true, Description: "ID of the image (the same as `image_id`)."}
	resp.Schema = schema.Schema{
		Description: "Reads one ApsaraVideo VOD image: its access URL and metadata, with the GetImageInfo operation. " +
			"The URL is stored in the state; the ephemeral `vod_image` gives the same without storing it.\n\n" +
			"The URL changes at every read: VOD signs a new one each time, with a new expiry, so whatever uses `url` " +
			"(a resource argument, an output) changes in every plan, and `terraform plan -detailed-exitcode` exits 2 " +
			"on an unchanged configuration. To keep a URL stable from run to run, use the `vod_image_url` resource, which stores " +
			"one and replaces it only when it is due for renewal; where the consumer accepts ephemeral values, " +
			"use the ephemeral `vod_image`, which stores none.",
		Attributes: attrs,
	}
}

func (d *imageDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	resp.Diagnostics.Append(validateImageConfig(ctx, req.Config.Raw)...)
}

func (d *imageDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *imageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	value, diags := readImageValue(ctx, d.data, req.Config.Raw, "vod_image data source")
	if resp.Diagnostics.Append(diags...); !diags.HasError() {
		resp.State.Raw = value
	}
}
