package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
)

var (
	_ ephemeral.EphemeralResourceWithConfigure      = (*imageEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithValidateConfig = (*imageEphemeral)(nil)
)

func newImageEphemeral() ephemeral.EphemeralResource { return &imageEphemeral{} }

// imageEphemeral is the ephemeral vod_image: the data source's read, with a result Terraform keeps
// out of the plan and the state, so a signed URL lives no longer than the run that uses it.
type imageEphemeral struct {
	data *providerData
}

func (e *imageEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image"
}

func (e *imageEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	attrs := ephemeralImageAttributes(imageAttrs)
	attrs["image_id"] = schema.StringAttribute{Required: true, Description: imageIDDescription, Validators: imageIDValidators}
	attrs["output_type"] = schema.StringAttribute{Optional: true, Description: outputTypeDescription, Validators: outputTypeValidators}
	attrs["auth_timeout"] = schema.Int64Attribute{Optional: true, Description: authTimeoutDescription, Validators: authTimeoutValidators}
	attrs["id"] = schema.StringAttribute{Computed: true, Description: "ID of the image (the same as `image_id`)."}
	resp.Schema = schema.Schema{
		Description: "Reads one ApsaraVideo VOD image like the `vod_image` data source, as an ephemeral resource: " +
			"Terraform never writes its result, signed URLs included, to the plan or the state. It needs " +
			"Terraform 1.10 or OpenTofu 1.11 or later.",
		Attributes: attrs,
	}
}

func (e *imageEphemeral) ValidateConfig(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	resp.Diagnostics.Append(validateImageConfig(ctx, req.Config.Raw)...)
}

func (e *imageEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (e *imageEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	value, diags := readImageValue(ctx, e.data, req.Config.Raw, "ephemeral vod_image")
	if resp.Diagnostics.Append(diags...); !diags.HasError() {
		resp.Result.Raw = value
	}
}
