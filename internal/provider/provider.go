// Package provider is the Terraform side of the VOD provider: schemas, models and diagnostics.
// It turns configuration into calls on the vod client and never builds HTTP requests itself.
package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

var _ provider.Provider = (*vodProvider)(nil)

type vodProvider struct {
	version string
}

// New returns a constructor of the provider, as providerserver.Serve and tests want it.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &vodProvider{version: version} }
}

// providerData is what Configure hands to data sources.
type providerData struct {
	client *vod.Client
	region string
}

func (p *vodProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "vod"
	resp.Version = p.version
}

func (p *vodProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Reads Alibaba Cloud ApsaraVideo VOD (video on demand) images: their URLs and metadata.",
		Attributes: map[string]schema.Attribute{
			"access_key": schema.StringAttribute{
				Optional: true,
				Description: "AccessKey ID of the Alibaba Cloud account or RAM user. " +
					"Defaults to the environment variable `ALIBABA_CLOUD_ACCESS_KEY_ID`, then `ALICLOUD_ACCESS_KEY`.",
			},
			"secret_key": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				Description: "AccessKey secret that belongs to `access_key`. " +
					"Defaults to the environment variable `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, then `ALICLOUD_SECRET_KEY`.",
			},
			"security_token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				Description: "Security token of temporary STS credentials; set it together with the temporary " +
					"`access_key` and `secret_key`. Defaults to the environment variable " +
					"`ALIBABA_CLOUD_SECURITY_TOKEN`, then `ALICLOUD_SECURITY_TOKEN`.",
			},
			"region": schema.StringAttribute{
				Optional: true,
				Description: "Region of the VOD service, such as `cn-shanghai`; it selects the endpoint " +
					"`https://vod.<region>.aliyuncs.com`. Defaults to the environment variable " +
					"`ALIBABA_CLOUD_REGION`, then `ALIBABA_CLOUD_REGION_ID`, then `ALICLOUD_REGION`.",
			},
			"endpoint": schema.StringAttribute{
				Optional: true,
				Description: "Full URL of the VOD API, such as `https://vod-vpc.cn-shanghai.aliyuncs.com` or " +
					"`http://127.0.0.1:8080` for the bundled emulator; overrides the endpoint chosen by `region`. " +
					"Defaults to the environment variable `ALIBABA_CLOUD_ENDPOINT_VOD`.",
			},
		},
	}
}

type providerModel struct {
	AccessKey     types.String `tfsdk:"access_key"`
	SecretKey     types.String `tfsdk:"secret_key"`
	SecurityToken types.String `tfsdk:"security_token"`
	Region        types.String `tfsdk:"region"`
	Endpoint      types.String `tfsdk:"endpoint"`
}

func (p *vodProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// A value computed by another resource is unknown until apply: say which one, as the framework
	// documents, rather than silently falling back to the environment.
	for _, a := range []struct {
		name string
		v    types.String
	}{
		{"access_key", m.AccessKey}, {"secret_key", m.SecretKey}, {"security_token", m.SecurityToken},
		{"region", m.Region}, {"endpoint", m.Endpoint},
	} {
		if name := a.name; a.v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown VOD provider argument",
				fmt.Sprintf("The provider cannot be configured because %q depends on a value that is only known "+
					"after apply. Set it to a static value or through its environment variable, or apply the "+
					"resources it depends on first (terraform apply -target=...).", name))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	cfg := resolveConfig(m)
	if missing := cfg.missing(); len(missing) > 0 {
		resp.Diagnostics.AddError("Missing VOD provider configuration",
			"The VOD provider needs credentials and a region. Set:\n"+strings.Join(missing, "\n"))
		return
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, cfg.secretKey.value, cfg.securityToken.value)
	ctx = tflog.MaskMessageStrings(ctx, cfg.secretKey.value, cfg.securityToken.value)

	credCfg := &credentials.Config{
		Type:            strPtr("access_key"),
		AccessKeyId:     strPtr(cfg.accessKey.value),
		AccessKeySecret: strPtr(cfg.secretKey.value),
	}
	if cfg.securityToken.value != "" {
		credCfg.Type = strPtr("sts")
		credCfg.SecurityToken = strPtr(cfg.securityToken.value)
	}
	cred, err := credentials.NewCredential(credCfg)
	if err != nil {
		resp.Diagnostics.AddError("Invalid VOD credentials", "The credentials could not be used: "+err.Error())
		return
	}

	endpoint := cfg.endpoint.value
	if endpoint == "" {
		endpoint = vod.EndpointForRegion(cfg.region.value)
	}
	client, err := vod.New(vod.Config{
		Endpoint:   endpoint,
		RegionID:   cfg.region.value,
		Credential: cred,
		UserAgent:  fmt.Sprintf("terraform-provider-vod/%s Terraform/%s", p.version, req.TerraformVersion),
		MaxRetries: vod.DefaultMaxRetries,
	})
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid VOD endpoint",
			fmt.Sprintf("The endpoint from %s cannot be used: %s.", orWord(cfg.endpoint.source, "the region"), err))
		return
	}
	tflog.Debug(ctx, "configured VOD client", map[string]any{
		"endpoint":        endpoint,
		"region":          cfg.region.value,
		"region_from":     cfg.region.source,
		"access_key_from": cfg.accessKey.source,
		"secret_key_from": cfg.secretKey.source,
		"with_sts_token":  cfg.securityToken.value != "",
		"endpoint_from":   orWord(cfg.endpoint.source, "region"),
	})

	data := &providerData{client: client, region: cfg.region.value}
	resp.DataSourceData = data
	resp.ResourceData = data
}

func (p *vodProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newImageDataSource}
}

func (p *vodProvider) Resources(_ context.Context) []func() resource.Resource {
	return nil
}

func strPtr(s string) *string { return &s }

func orWord(s, word string) string {
	if s == "" {
		return word
	}
	return s
}
