package provider

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Environment variables read when an argument is not set in the provider block, first match wins.
// The ALIBABA_CLOUD_* names are the official SDKs' and CLI's; ALICLOUD_* are the alicloud provider's.
var (
	envAccessKey     = []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"}
	envSecretKey     = []string{"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY"}
	envSecurityToken = []string{"ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"}
	envRegion        = []string{"ALIBABA_CLOUD_REGION", "ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION"}
	envEndpoint      = []string{"ALIBABA_CLOUD_ENDPOINT_VOD"}
)

// setting is one resolved provider setting and where it came from (never its value, for logs).
type setting struct {
	value  string
	source string
}

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
}

func resolveConfig(m providerModel) resolvedConfig {
	return resolvedConfig{
		accessKey:     resolve(m.AccessKey, "access_key", envAccessKey),
		secretKey:     resolve(m.SecretKey, "secret_key", envSecretKey),
		securityToken: resolve(m.SecurityToken, "security_token", envSecurityToken),
		region:        resolve(m.Region, "region", envRegion),
		endpoint:      resolve(m.Endpoint, "endpoint", envEndpoint),
	}
}

// missing lists, for each required setting that has no value, every way to give it.
func (c resolvedConfig) missing() []string {
	var out []string
	need := func(s setting, arg string, env []string) {
		if s.value == "" {
			out = append(out, fmt.Sprintf("- %s: the provider argument %q or the environment variable %s",
				strings.ReplaceAll(arg, "_", " "), arg, strings.Join(env, " or ")))
		}
	}
	need(c.accessKey, "access_key", envAccessKey)
	need(c.secretKey, "secret_key", envSecretKey)
	need(c.region, "region", envRegion)
	return out
}
