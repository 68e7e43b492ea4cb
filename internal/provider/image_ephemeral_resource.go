package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
)

var (
	_ ephemeral.EphemeralResourceWithConfigure      = (*imageEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithValidateConfig = (*imageEphemeral)(nil)
)

func newImageEphemeral() ephemeral.EphemeralResource { return &imageEphemeral{} }

// imageEphemeral is the ephemeral vod_image: the data source's read, with a result Terraform keeps
// out of the plan and the state, so a signed URL lives no longer than the run that uses it. Its
// schema is in image_schema.go, its model and read in image_model.go.
type imageEphemeral struct {
	data *providerData
}

func (e *imageEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image"
}

func (e *imageEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = imageEphemeralSchema()
}

func (e *imageEphemeral) ValidateConfig(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	resp.Diagnostics.Append(validateImageConfig(ctx, req.Config)...)
}

func (e *imageEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (e *imageEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	obj, diags := readImage(ctx, e.data, req.Config, "ephemeral vod_image")
	if resp.Diagnostics.Append(diags...); !diags.HasError() {
		resp.Diagnostics.Append(resp.Result.Set(ctx, obj)...)
	}
}
