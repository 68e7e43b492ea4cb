package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// Environment variables read when an argument is not set in the provider block, first match wins.
// The ALIBABA_CLOUD_* names are the official SDKs' and CLI's; ALICLOUD_* are the alicloud provider's.
var (
	envAccessKey     = []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"}
	envSecretKey     = []string{"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY"}
	envSecurityToken = []string{"ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"}
	envRegion        = []string{"ALIBABA_CLOUD_REGION", "ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION"}
	envEndpoint      = []string{"ALIBABA_CLOUD_ENDPOINT_VOD"}
	envProfile       = []string{"ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"}
	envConfigFile    = []string{"ALIBABA_CLOUD_CONFIG_FILE"}
	envRoleARN       = []string{"ALIBABA_CLOUD_ROLE_ARN"}
	envSessionName   = []string{"ALIBABA_CLOUD_ROLE_SESSION_NAME"}
	envOIDCProvider  = []string{"ALIBABA_CLOUD_OIDC_PROVIDER_ARN"}
	envOIDCTokenFile = []string{"ALIBABA_CLOUD_OIDC_TOKEN_FILE"}
	envSTSEndpoint   = []string{"ALIBABA_CLOUD_STS_ENDPOINT"}
	envCredsURI      = "ALIBABA_CLOUD_CREDENTIALS_URI" //nolint:gosec // G101: the variable's name, not a credential
)

// Defaults of the provider's tuning arguments.
const (
	defaultSessionName    = "terraform"
	defaultConnectTimeout = 10 // seconds
	defaultReadTimeout    = 30 // seconds
)

// setting is one resolved provider setting and where it came from (never its value, for logs).
type setting struct {
	value  string
	source string
}

func (s setting) set() bool { return s.value != "" }

// resolve returns the argument when it is set, else the first non-empty environment variable.
func resolve(arg types.String, argName string, envNames []string) setting {
	if v := strings.TrimSpace(arg.ValueString()); v != "" {
		return setting{value: v, source: "argument " + argName}
	}
	for _, name := range envNames {
		if v := strings.TrimSpace(os.Getenv(name)); v != "" {
			return setting{value: v, source: "environment variable " + name}
		}
	}
	return setting{}
}

// resolvedConfig is the provider configuration after arguments and environment are merged.
type resolvedConfig struct {
	accessKey, secretKey, securityToken, region, endpoint setting
	profile, configFile, stsEndpoint                      setting
	oidcRoleARN, oidcProvider, oidcTokenFile              setting
	roleARN, sessionName                                  setting
	assumeRole                                            *assumeRoleModel
}

func resolveConfig(m providerModel) resolvedConfig {
	c := resolvedConfig{
		accessKey:     resolve(m.AccessKey, "access_key", envAccessKey),
		secretKey:     resolve(m.SecretKey, "secret_key", envSecretKey),
		securityToken: resolve(m.SecurityToken, "security_token", envSecurityToken),
		region:        resolve(m.Region, "region", envRegion),
		endpoint:      resolve(m.Endpoint, "endpoint", envEndpoint),
		profile:       resolve(m.Profile, "profile", envProfile),
		configFile:    resolve(m.SharedCredentialsFile, "shared_credentials_file", envConfigFile),
		stsEndpoint:   resolve(m.STSEndpoint, "sts_endpoint", envSTSEndpoint),
		oidcRoleARN:   resolve(types.StringNull(), "", envRoleARN),
		oidcProvider:  resolve(types.StringNull(), "", envOIDCProvider),
		oidcTokenFile: resolve(types.StringNull(), "", envOIDCTokenFile),
		assumeRole:    m.AssumeRole,
	}
	// ALIBABA_CLOUD_ROLE_ARN stands in for role_arn only inside an assume_role block: on its own it
	// belongs to the OIDC trio, as in credentials-go.
	var sessionArg types.String
	if m.AssumeRole != nil {
		c.roleARN = resolve(m.AssumeRole.RoleARN, "assume_role.role_arn", envRoleARN)
		sessionArg = m.AssumeRole.SessionName
	}
	c.sessionName = resolve(sessionArg, "assume_role.session_name", envSessionName)
	if !c.sessionName.set() {
		c.sessionName = setting{value: defaultSessionName, source: "default"}
	}
	return c
}

// missing lists, for each required setting that has no value, every way to give it.
func (c resolvedConfig) missing() []string {
	var out []string
	if !c.region.set() {
		out = append(out, fmt.Sprintf("- region: the provider argument \"region\", the environment variable %s, "+
			"or region_id in the selected aliyun CLI profile", strings.Join(envRegion, " or ")))
	}
	if c.assumeRole != nil && !c.roleARN.set() {
		out = append(out, "- assume_role.role_arn: the block's argument \"role_arn\" or the environment variable ALIBABA_CLOUD_ROLE_ARN")
	}
	if c.accessKey.set() != c.secretKey.set() {
		have, lack, lackEnv := c.accessKey, "secret_key", envSecretKey
		if !have.set() {
			have, lack, lackEnv = c.secretKey, "access_key", envAccessKey
		}
		out = append(out, fmt.Sprintf("- %s: it goes with the %s, so set the provider argument %q or the environment variable %s",
			lack, have.source, lack, strings.Join(lackEnv, " or ")))
	}
	return out
}

// useOIDC reports whether the environment asks for OIDC role assumption (CI runners, RRSA).
func (c resolvedConfig) useOIDC() bool {
	return c.oidcRoleARN.set() && c.oidcProvider.set() && c.oidcTokenFile.set()
}

// credentialTuning is what every request made for credentials shares with the VOD client.
type credentialTuning struct {
	connectTimeout, readTimeout time.Duration
	maxRetries                  int
}

// profileInUse reports whether credentials (or the region) come from a CLI profile: one was named,
// or a file was, and no static keys or OIDC take precedence.
func (c resolvedConfig) profileInUse() bool {
	return !c.accessKey.set() && !c.useOIDC() && (c.profile.set() || c.configFile.set())
}

// readProfile reads the profile that supplies credentials or the region: the one named (profile,
// shared_credentials_file), or, when credentials come from the default chain, the current profile of
// ~/.aliyun/config.json if that file exists. It returns nil, nil when no profile is involved.
func (c resolvedConfig) readProfile() (*vod.CLIProfile, error) {
	if !c.profile.set() && !c.configFile.set() {
		if c.accessKey.set() || c.useOIDC() {
			return nil, nil
		}
		if !fileExists(vod.DefaultCLIConfigFile()) {
			return nil, nil
		}
	}
	return vod.ReadCLIProfile(c.configFile.value, c.profile.value)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// credentialSource applies the documented precedence: static keys (argument, then environment),
// then OIDC from the environment, then a CLI profile, then the default chain; and assume_role (or
// ALIBABA_CLOUD_ROLE_ARN) on top of whichever base was chosen. It returns a description of the
// choice for logs and error messages; profile, if already read, is used rather than read again.
func (c resolvedConfig) credentialSource(tune credentialTuning, profile *vod.CLIProfile) (vod.CredentialSource, string) {
	src := vod.CredentialSource{
		STSEndpoint:    c.stsEndpoint.value,
		ConnectTimeout: tune.connectTimeout,
		ReadTimeout:    tune.readTimeout,
		MaxRetries:     tune.maxRetries,
	}
	src.STSEndpointFrom = c.stsEndpoint.source
	var desc string
	switch {
	case c.accessKey.set():
		src.AccessKeyID, src.AccessKeySecret, src.SecurityToken = c.accessKey.value, c.secretKey.value, c.securityToken.value
		desc = "access key from " + c.accessKey.source
		if c.securityToken.set() {
			desc += " with STS token from " + c.securityToken.source
		}
		src.KeysFrom = desc
	case c.useOIDC():
		src.OIDC = &vod.OIDCSource{
			RoleARN: c.oidcRoleARN.value, ProviderARN: c.oidcProvider.value, TokenFile: vod.ExpandHome(c.oidcTokenFile.value),
			SessionName: c.sessionName.value,
		}
		desc = fmt.Sprintf("OIDC role %s (ALIBABA_CLOUD_ROLE_ARN) with the token in %s", c.oidcRoleARN.value, c.oidcTokenFile.value)
	case c.profile.set() || c.configFile.set():
		src.UseProfile, src.ProfileName, src.ProfileFile = true, c.profile.value, vod.ExpandHome(c.configFile.value)
		if profile != nil {
			src.Profile = profile
		}
		desc = fmt.Sprintf("profile %s in %s", orWord(quoted(c.profile.value), "(the current one)"),
			orWord(c.configFile.value, "~/.aliyun/config.json"))
	default:
		desc = "the default credential chain (~/.aliyun/config.json, ~/.alibabacloud/credentials, ECS RAM role, " + envCredsURI + ")"
	}
	if c.roleARN.set() {
		ar := &vod.AssumeRole{RoleARN: c.roleARN.value, SessionName: c.sessionName.value}
		if m := c.assumeRole; m != nil {
			ar.ExternalID = m.ExternalID.ValueString()
			ar.Policy = m.Policy.ValueString()
			ar.DurationSeconds = int(m.SessionExpiration.ValueInt64())
		}
		src.AssumeRole = ar
		desc = fmt.Sprintf("role %s (from %s) assumed with %s", c.roleARN.value, c.roleARN.source, desc)
	}
	return src, desc
}

// newProviderData turns a provider configuration, its values known, into the provider's data: it
// resolves every setting (arguments, environment, the CLI profile's region_id), checks the region,
// chooses the credential source and resolves it once, and builds the client. Its diagnostics say
// what is missing or wrong; data is nil when there is an error.
func newProviderData(ctx context.Context, m providerModel, providerVersion, terraformVersion string,
	now func() time.Time) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	cfg := resolveConfig(m)
	// The selected profile is read first: its region_id is the region's last fallback (argument,
	// environment, profile), and a profile that cannot be read is reported with a missing region.
	profile, profileErr := cfg.readProfile()
	if !cfg.region.set() && profile != nil && profile.Region() != "" {
		cfg.region = setting{value: profile.Region(), source: fmt.Sprintf("region_id of profile %q", profile.Name)}
	}
	if missing := cfg.missing(); len(missing) > 0 {
		switch {
		case profileErr != nil && cfg.profileInUse():
			missing = append(missing, "- credentials: the selected profile cannot be used: "+profileErr.Error())
		case profileErr != nil:
			missing = append(missing, "- (the selected profile, read for its region_id, cannot be used: "+profileErr.Error()+")")
		}
		diags.AddError("Missing VOD provider configuration", missingConfigDetail(missing))
		return nil, diags
	}
	if problem := regionProblem(cfg.region.value, m.SkipRegionValidation.ValueBool()); problem != "" {
		diags.AddAttributeError(path.Root("region"), "Unsupported VOD region",
			fmt.Sprintf("The region from %s: %s", cfg.region.source, problem))
		return nil, diags
	}
	if diags.Append(endpointDiagnostics(cfg)...); diags.HasError() {
		return nil, diags
	}
	secretValues := append(append(secrets(cfg), profileSecrets(profile)...), urlSecrets(cfg, profile)...)
	ctx = tflog.MaskAllFieldValuesStrings(ctx, secretValues...)
	ctx = tflog.MaskMessageStrings(ctx, secretValues...)

	connectTimeout := secondsOr(m.ConnectTimeout, defaultConnectTimeout)
	readTimeout := secondsOr(m.ReadTimeout, defaultReadTimeout)
	maxRetries := vod.DefaultMaxRetries
	if !m.MaxRetries.IsNull() {
		maxRetries = int(m.MaxRetries.ValueInt64())
	}
	if !cfg.profileInUse() {
		profile, profileErr = nil, nil // read for the region only; credentials come from elsewhere
	}
	src, credDesc := cfg.credentialSource(credentialTuning{connectTimeout: connectTimeout, readTimeout: readTimeout,
		maxRetries: maxRetries}, profile)
	var cred *vod.Credential
	err := profileErr
	if err == nil {
		cred, err = vod.NewCredential(src)
	}
	if err == nil {
		// Resolve now, once, so that a missing profile or a role that cannot be assumed is reported
		// here with its source rather than as a failure of every read.
		err = cred.Resolve(ctx)
	}
	if err != nil {
		diags.AddError("Cannot get VOD credentials", credentialErrorDetail(credDesc, src, err))
		return nil, diags
	}
	accessKeyID := maskAccessKeyID(cred.AccessKeyID())
	secretValues = append(secretValues, cred.Secrets()...)

	endpoint := cfg.endpoint.value
	if endpoint == "" {
		endpoint = vod.EndpointForRegion(cfg.region.value)
	}
	client, err := vod.New(vod.Config{
		Endpoint:       endpoint,
		RegionID:       cfg.region.value,
		Credential:     cred,
		UserAgent:      userAgent(providerVersion, terraformVersion),
		MaxRetries:     maxRetries,
		ConnectTimeout: connectTimeout,
		ReadTimeout:    readTimeout,
		OnAttempt:      logAttempt,
		Batch:          m.BatchReads.IsNull() || m.BatchReads.ValueBool(),
		// A float64 argument is null when unset; 0 then means no pacing.
		RequestsPerSecond: m.MaxRequestsPerSecond.ValueFloat64(),
		// vod_image uploads: to the endpoint VOD names, or oss_endpoint's.
		Upload: vod.UploadConfig{Endpoint: strings.TrimSuffix(strings.TrimSpace(m.OSSEndpoint.ValueString()), "/")},
	})
	if err != nil {
		diags.AddAttributeError(path.Root("endpoint"), "Invalid VOD endpoint",
			fmt.Sprintf("The endpoint from %s cannot be used: %s.", orWord(cfg.endpoint.source, "the region"), err))
		return nil, diags
	}
	tflog.Info(ctx, "configured the VOD client", map[string]any{
		"endpoint":           endpoint,
		"region":             cfg.region.value,
		"region_from":        cfg.region.source,
		"credentials":        credDesc,
		"credentials_source": cred.Describe(),
		"endpoint_from":      orWord(cfg.endpoint.source, "region"),
		"max_retries":        maxRetries,
		"batch_reads":        m.BatchReads.IsNull() || m.BatchReads.ValueBool(),
	})

	data := &providerData{client: client, region: cfg.region.value, endpoint: vod.RedactURL(endpoint), secrets: secretValues,
		now: now, accessKeyID: accessKeyID, credentials: credDesc, endpointFrom: endpointFrom(cfg)}
	return data, diags
}

func quoted(s string) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf("%q", s)
}

func orWord(s, word string) string {
	if s == "" {
		return word
	}
	return s
}

var (
	roleARNPattern     = regexp.MustCompile(`^acs:ram::\d+:role/[\w.@+=,-]+$`)
	sessionNamePattern = regexp.MustCompile(`^[\w.@-]{2,64}$`)
)
