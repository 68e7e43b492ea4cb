// Package provider is the Terraform side of the VOD provider: schemas, models and diagnostics.
// It turns configuration into calls on the vod client and never builds HTTP requests itself.
package provider

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

var (
	_ provider.ProviderWithEphemeralResources = (*vodProvider)(nil)
	_ provider.ProviderWithListResources      = (*vodProvider)(nil)
)

type vodProvider struct {
	version string
	now     func() time.Time
}

// New returns a constructor of the provider, as providerserver.Serve and tests want it.
func New(version string) func() provider.Provider {
	return NewWithClock(version, time.Now)
}

// NewWithClock is New with the provider's clock replaced: vod_image_url reads the time from it to
// derive expires_at and to decide when a URL is due for renewal. Tests pass a clock they move by
// hand, so that renewal is tested without waiting for real time to pass.
func NewWithClock(version string, now func() time.Time) func() provider.Provider {
	captureStandardLog()
	return func() provider.Provider { return &vodProvider{version: version, now: now} }
}

// providerData is what Configure hands to data sources.
type providerData struct {
	client   *vod.Client
	region   string
	endpoint string // shown redacted
	// endpointFrom names the setting (or the region) that chose the endpoint, for the errors a
	// wrong one causes.
	endpointFrom string
	// secrets are masked in every log line written while reading.
	secrets []string
	// now is the provider's clock (time.Now outside tests).
	now func() time.Time
	// accessKeyID is the masked access key ID the credentials had at Configure, and credentials
	// where they came from, for errors that the credentials cause.
	accessKeyID, credentials string
	// explained remembers the provider-wide failures already explained in full.
	explained explainedOnce
	// hashes remembers the vod_image source files hashed by this process's plans, for Create.
	hashes sourceHashes
}

// readContext prepares a read's logging: the image ID (if one) on every line, the API subsystem
// (with the root fields), and the provider's secrets masked in both loggers.
func (d *providerData) readContext(ctx context.Context, imageID string) context.Context {
	ctx = tflog.MaskAllFieldValuesStrings(ctx, d.secrets...)
	ctx = tflog.MaskMessageStrings(ctx, d.secrets...)
	if imageID != "" {
		ctx = tflog.SetField(ctx, "image_id", imageID)
	}
	ctx = tflog.NewSubsystem(ctx, apiLog, tflog.WithRootFields(), tflog.WithLevelFromEnv("TF_LOG_PROVIDER_VOD", apiLog))
	ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, apiLog, d.secrets...)
	return tflog.SubsystemMaskMessageStrings(ctx, apiLog, d.secrets...)
}

// providerDataFrom is the Configure step of every data source and ephemeral resource: nil before
// the provider is configured (validation runs first), else the provider's data.
func providerDataFrom(configured any, diags *diag.Diagnostics) *providerData {
	if configured == nil {
		return nil
	}
	data, ok := configured.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", configured))
	}
	return data
}

func (p *vodProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "vod"
	resp.Version = p.version
}

type providerModel struct {
	AccessKey             types.String     `tfsdk:"access_key"`
	SecretKey             types.String     `tfsdk:"secret_key"`
	SecurityToken         types.String     `tfsdk:"security_token"`
	Region                types.String     `tfsdk:"region"`
	Endpoint              types.String     `tfsdk:"endpoint"`
	OSSEndpoint           types.String     `tfsdk:"oss_endpoint"`
	Profile               types.String     `tfsdk:"profile"`
	SharedCredentialsFile types.String     `tfsdk:"shared_credentials_file"`
	AssumeRole            *assumeRoleModel `tfsdk:"assume_role"`
	STSEndpoint           types.String     `tfsdk:"sts_endpoint"`
	MaxRetries            types.Int64      `tfsdk:"max_retries"`
	ConnectTimeout        types.Int64      `tfsdk:"connect_timeout"`
	ReadTimeout           types.Int64      `tfsdk:"read_timeout"`
	SkipRegionValidation  types.Bool       `tfsdk:"skip_region_validation"`
	BatchReads            types.Bool       `tfsdk:"batch_reads"`
	MaxRequestsPerSecond  types.Float64    `tfsdk:"max_requests_per_second"`
}

type assumeRoleModel struct {
	RoleARN           types.String `tfsdk:"role_arn"`
	SessionName       types.String `tfsdk:"session_name"`
	ExternalID        types.String `tfsdk:"external_id"`
	Policy            types.String `tfsdk:"policy"`
	SessionExpiration types.Int64  `tfsdk:"session_expiration"`
}

func (p *vodProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	if logHint != "" {
		resp.Diagnostics.AddWarning("VOD provider log lines not shown", logHint)
	}
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if unknown := unknownArguments(m); len(unknown) > 0 {
		// A value computed by another resource is unknown until apply: say which, as the framework
		// documents, rather than silently falling back to the environment.
		for _, name := range unknown {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown VOD provider argument",
				fmt.Sprintf("The provider cannot be configured because %q depends on a value that is only known "+
					"after apply. Set it to a static value or through its environment variable, or apply the "+
					"resources it depends on first (terraform apply -target=...).", name))
		}
		return
	}

	data, diags := newProviderData(ctx, m, p.version, req.TerraformVersion, p.now)
	if resp.Diagnostics.Append(diags...); data == nil {
		return
	}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.EphemeralResourceData = data
	resp.ListResourceData = data
}

func (p *vodProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newImageDataSource, newImagesDataSource, newCategoriesDataSource}
}

func (p *vodProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{newImageEphemeral}
}

// ListResources are the list resources of `terraform query` (Terraform 1.14 and later).
func (p *vodProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{newImageListResource, newCategoryListResource}
}

func (p *vodProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{newImageURLResource, newImageResource, newCategoryResource}
}

// apiLog is the tflog subsystem of API requests: TF_LOG_PROVIDER_VOD_API sets its level alone, else
// it has the provider's.
const apiLog = "api"

// logAttempt writes one line per API request, with the request's parameters: what TF_LOG=DEBUG
// shows of each read. An error is written on one line, as multi-line values become indented blocks.
func logAttempt(ctx context.Context, a vod.Attempt) {
	fields := map[string]any{
		"action":      a.Action,
		"attempt":     a.Number,
		"duration_ms": a.Duration.Milliseconds(),
		"request_id":  a.RequestID,
		// The action's learned rate: how the provider is pacing itself under the account's limit.
		"rate_per_second": math.Round(a.RequestsPerSecond*100) / 100,
	}
	for name, value := range a.Query {
		fields[snakeCase(name)] = value
	}
	switch {
	case a.Err == nil:
		tflog.SubsystemDebug(ctx, apiLog, "VOD request succeeded", fields)
	case a.Retrying:
		fields["error"] = oneLine(a.Err.Error())
		tflog.SubsystemWarn(ctx, apiLog, "VOD request failed, retrying", fields)
	default:
		fields["error"] = oneLine(a.Err.Error())
		tflog.SubsystemDebug(ctx, apiLog, "VOD request failed", fields)
	}
}

// snakeCase turns an API parameter name (ImageIds, SortBy) into a log field name (image_ids, sort_by).
func snakeCase(name string) string {
	var b strings.Builder
	for i, r := range name {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// oneLine joins the lines of s with spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// unknownArguments names the string arguments whose values are not known yet.
func unknownArguments(m providerModel) []string {
	var out []string
	for _, a := range []struct {
		name string
		v    types.String
	}{
		{"access_key", m.AccessKey}, {"secret_key", m.SecretKey}, {"security_token", m.SecurityToken},
		{"region", m.Region}, {"endpoint", m.Endpoint}, {"oss_endpoint", m.OSSEndpoint}, {"profile", m.Profile},
		{"shared_credentials_file", m.SharedCredentialsFile}, {"sts_endpoint", m.STSEndpoint},
	} {
		if a.v.IsUnknown() {
			out = append(out, a.name)
		}
	}
	if m.MaxRetries.IsUnknown() || m.ConnectTimeout.IsUnknown() || m.ReadTimeout.IsUnknown() ||
		m.MaxRequestsPerSecond.IsUnknown() || m.BatchReads.IsUnknown() || m.SkipRegionValidation.IsUnknown() {
		out = append(out, "max_retries/connect_timeout/read_timeout/max_requests_per_second/batch_reads/skip_region_validation")
	}
	if ar := m.AssumeRole; ar != nil && (ar.RoleARN.IsUnknown() || ar.ExternalID.IsUnknown() || ar.Policy.IsUnknown() ||
		ar.SessionName.IsUnknown() || ar.SessionExpiration.IsUnknown()) {
		out = append(out, "assume_role")
	}
	return out
}

// secrets are the values that must never appear in logs.
func secrets(c resolvedConfig) []string {
	var out []string
	for _, s := range []setting{c.secretKey, c.securityToken} {
		if s.set() {
			out = append(out, s.value)
		}
	}
	return out
}

// profileSecrets are a profile's secret values, masked in logs like the arguments'.
func profileSecrets(p *vod.CLIProfile) []string {
	if p == nil {
		return nil
	}
	var out []string
	for _, v := range []string{p.AccessKeySecret, p.STSToken, p.AccessToken, p.OAuthAccessToken, p.OAuthRefreshToken} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// userAgent names the provider and Terraform, plus what TF_APPEND_USER_AGENT adds, as HashiCorp's
// providers do.
func userAgent(providerVersion, terraformVersion string) string {
	ua := fmt.Sprintf("terraform-provider-vod/%s Terraform/%s", providerVersion, orWord(terraformVersion, "unknown"))
	if extra := strings.TrimSpace(os.Getenv("TF_APPEND_USER_AGENT")); extra != "" {
		ua += " " + extra
	}
	return ua
}

func secondsOr(v types.Int64, def int64) time.Duration {
	if v.IsNull() || v.IsUnknown() {
		return time.Duration(def) * time.Second
	}
	return time.Duration(v.ValueInt64()) * time.Second
}
