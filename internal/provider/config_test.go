package provider

import (
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// clearEnv unsets every variable the provider reads, for the duration of the test.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, names := range [][]string{envAccessKey, envSecretKey, envSecurityToken, envRegion, envEndpoint, envProfile,
		envConfigFile, envRoleARN, envSessionName, envOIDCProvider, envOIDCTokenFile, envSTSEndpoint} {
		for _, name := range names {
			t.Setenv(name, "") // restores the variable after the test
			if err := os.Unsetenv(name); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestResolvePrecedence(t *testing.T) {
	clearEnv(t)
	t.Setenv("ALIBABA_CLOUD_REGION_ID", "cn-beijing")
	t.Setenv("ALICLOUD_REGION", "cn-shenzhen")

	if s := resolve(types.StringValue("cn-hongkong"), "region", envRegion); s.value != "cn-hongkong" || s.source != "argument region" {
		t.Errorf("an argument must win: %+v", s)
	}
	if s := resolve(types.StringNull(), "region", envRegion); s.value != "cn-beijing" || s.source != "environment variable ALIBABA_CLOUD_REGION_ID" {
		t.Errorf("the first set variable must win: %+v", s)
	}
	if s := resolve(types.StringValue("  "), "region", envRegion); s.value != "cn-beijing" {
		t.Errorf("a blank argument counts as unset: %+v", s)
	}
}

func TestMissing(t *testing.T) {
	for name, tc := range map[string]struct {
		env   map[string]string
		model providerModel
		want  []string
	}{
		"no region": {
			want: []string{`"region"`, "ALIBABA_CLOUD_REGION or ALIBABA_CLOUD_REGION_ID or ALICLOUD_REGION"},
		},
		"access key without secret": {
			model: providerModel{Region: types.StringValue("cn-shanghai"), AccessKey: types.StringValue("LTAI-x")},
			want:  []string{"secret_key: it goes with the argument access_key", "ALIBABA_CLOUD_ACCESS_KEY_SECRET or ALICLOUD_SECRET_KEY"},
		},
		"secret from the environment without key": {
			env:  map[string]string{"ALICLOUD_SECRET_KEY": "s", "ALICLOUD_REGION": "cn-shanghai"},
			want: []string{"access_key: it goes with the environment variable ALICLOUD_SECRET_KEY"},
		},
		"assume_role without role_arn": {
			model: providerModel{Region: types.StringValue("cn-shanghai"), AssumeRole: &assumeRoleModel{}},
			want:  []string{"assume_role.role_arn", "ALIBABA_CLOUD_ROLE_ARN"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			got := strings.Join(resolveConfig(tc.model).missing(), "\n")
			for _, want := range tc.want {
				if !strings.Contains(got, want) {
					t.Errorf("missing-settings message lacks %q:\n%s", want, got)
				}
			}
		})
	}
	clearEnv(t)
	t.Setenv("ALICLOUD_ACCESS_KEY", "LTAI-x")
	t.Setenv("ALICLOUD_SECRET_KEY", "s")
	if got := resolveConfig(providerModel{Region: types.StringValue("cn-shanghai")}).missing(); len(got) != 0 {
		t.Errorf("nothing is missing, got %q", got)
	}
}

// The documented order: static keys (argument, then environment), OIDC from the environment, a CLI
// profile, the default chain; assume_role on top of any of them.
func TestCredentialSourcePrecedence(t *testing.T) {
	oidcEnv := map[string]string{
		"ALIBABA_CLOUD_ROLE_ARN":          "acs:ram::1:role/ci",
		"ALIBABA_CLOUD_OIDC_PROVIDER_ARN": "acs:ram::1:oidc-provider/gh",
		"ALIBABA_CLOUD_OIDC_TOKEN_FILE":   "/var/run/token",
	}
	keysEnv := map[string]string{"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI-env", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret"}
	merge := func(ms ...map[string]string) map[string]string {
		out := map[string]string{}
		for _, m := range ms {
			for k, v := range m {
				out[k] = v
			}
		}
		return out
	}
	for name, tc := range map[string]struct {
		env        map[string]string
		model      providerModel
		wantKey    string // static access key ID, if static
		wantKind   string // "static", "oidc", "profile" or "default"
		wantRole   string
		wantInDesc string
	}{
		"arguments beat the environment": {
			env:     keysEnv,
			model:   providerModel{AccessKey: types.StringValue("LTAI-arg"), SecretKey: types.StringValue("arg-secret")},
			wantKey: "LTAI-arg", wantKind: "static", wantInDesc: "argument access_key",
		},
		"environment keys beat OIDC and profile": {
			env:     merge(keysEnv, oidcEnv, map[string]string{"ALIBABA_CLOUD_PROFILE": "dev"}),
			wantKey: "LTAI-env", wantKind: "static", wantInDesc: "environment variable ALIBABA_CLOUD_ACCESS_KEY_ID",
		},
		"OIDC beats a profile": {
			env:      merge(oidcEnv, map[string]string{"ALIBABA_CLOUD_PROFILE": "dev"}),
			wantKind: "oidc", wantInDesc: "OIDC role acs:ram::1:role/ci",
		},
		"profile argument": {
			model:    providerModel{Profile: types.StringValue("prod"), SharedCredentialsFile: types.StringValue("/tmp/c.json")},
			wantKind: "profile", wantInDesc: `profile "prod" in /tmp/c.json`,
		},
		"profile from the environment": {
			env:      map[string]string{"ALICLOUD_PROFILE": "dev"},
			wantKind: "profile", wantInDesc: `profile "dev" in ~/.aliyun/config.json`,
		},
		"nothing: the default chain": {
			wantKind: "default", wantInDesc: "default credential chain",
		},
		"ROLE_ARN alone is not an assume_role": {
			env:      map[string]string{"ALIBABA_CLOUD_ROLE_ARN": "acs:ram::1:role/x"},
			wantKind: "default",
		},
		"assume_role on static keys": {
			env: keysEnv,
			model: providerModel{AssumeRole: &assumeRoleModel{RoleARN: types.StringValue("acs:ram::1:role/reader"),
				ExternalID: types.StringValue("ext"), SessionExpiration: types.Int64Value(900)}},
			wantKey: "LTAI-env", wantKind: "static", wantRole: "acs:ram::1:role/reader", wantInDesc: "role acs:ram::1:role/reader (from argument",
		},
		"assume_role block takes ROLE_ARN from the environment": {
			env:      map[string]string{"ALIBABA_CLOUD_ROLE_ARN": "acs:ram::1:role/env", "ALIBABA_CLOUD_PROFILE": "dev"},
			model:    providerModel{AssumeRole: &assumeRoleModel{}},
			wantKind: "profile", wantRole: "acs:ram::1:role/env", wantInDesc: "environment variable ALIBABA_CLOUD_ROLE_ARN",
		},
	} {
		t.Run(name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			src, desc := resolveConfig(tc.model).credentialSource(credentialTuning{}, nil)
			kind := "default"
			switch {
			case src.AccessKeyID != "":
				kind = "static"
			case src.OIDC != nil:
				kind = "oidc"
			case src.UseProfile:
				kind = "profile"
			}
			if kind != tc.wantKind || src.AccessKeyID != tc.wantKey {
				t.Errorf("got %s (key %q), want %s (key %q)", kind, src.AccessKeyID, tc.wantKind, tc.wantKey)
			}
			gotRole := ""
			if src.AssumeRole != nil {
				gotRole = src.AssumeRole.RoleARN
				if src.AssumeRole.SessionName != defaultSessionName {
					t.Errorf("session name %q, want the default %q", src.AssumeRole.SessionName, defaultSessionName)
				}
			}
			if gotRole != tc.wantRole {
				t.Errorf("assumed role %q, want %q", gotRole, tc.wantRole)
			}
			if !strings.Contains(desc, tc.wantInDesc) {
				t.Errorf("description %q lacks %q", desc, tc.wantInDesc)
			}
		})
	}
}

func TestUserAgent(t *testing.T) {
	t.Setenv("TF_APPEND_USER_AGENT", "ci/42")
	if got, want := userAgent("1.2.3", "1.11.4"), "terraform-provider-vod/1.2.3 Terraform/1.11.4 ci/42"; got != want {
		t.Errorf("userAgent = %q, want %q", got, want)
	}
}
