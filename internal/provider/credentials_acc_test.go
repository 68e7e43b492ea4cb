package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// Acceptance tests of every credential source. They need the emulator's STS and so run only in
// emulator mode.

func TestAccCredentials_stsToken(t *testing.T) {
	const token = "CAIS-acctest-security-token"
	withToken := func(o *vodemu.Options) { o.SecurityToken = token }
	t.Run("argument", func(t *testing.T) {
		tg := acctest.New(t, withToken)
		tg.RequireEmulator(t)
		runSteps(t, true, resource.TestStep{
			Config:            coverConfig(tg, acctest.Keys()+fmt.Sprintf("\n  security_token = %q", token)),
			ConfigStateChecks: titleIs(coverTitle),
		})
	})
	t.Run("wrong token", func(t *testing.T) {
		tg := acctest.New(t, withToken)
		tg.RequireEmulator(t)
		runSteps(t, true, resource.TestStep{
			Config:      coverConfig(tg, acctest.Keys()+"\n  security_token = \"CAIS-not-this-one\""),
			ExpectError: regexp.MustCompile(`InvalidSecurityToken[\s\S]*Request ID:\s+\S+[\s\S]*security_token`),
		})
	})
	for _, name := range []string{"ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"} {
		t.Run(name, func(t *testing.T) {
			tg := acctest.New(t, withToken)
			tg.RequireEmulator(t)
			t.Setenv(name, token)
			runSteps(t, false, resource.TestStep{
				Config:            coverConfig(tg, acctest.Keys()),
				ConfigStateChecks: titleIs(coverTitle),
			})
		})
	}
}

func TestAccCredentials_assumeRole(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	runSteps(t, true, resource.TestStep{
		Config: coverConfig(tg, acctest.Keys()+fmt.Sprintf(`
  sts_endpoint = %q
  assume_role {
    role_arn           = %q
    external_id        = %q
    session_name       = "acctest"
    session_expiration = 900
    policy             = jsonencode({ Version = "1", Statement = [{ Effect = "Allow", Action = "vod:GetImageInfo", Resource = "*" }] })
  }`, tg.STSEndpoint(), acctest.RoleARN, acctest.RoleExternalID)),
		ConfigStateChecks: titleIs(coverTitle),
	})
	if n := tg.Count("AssumeRole", ""); n < 1 {
		t.Errorf("AssumeRole was called %d times, want at least once", n)
	}
}

func TestAccCredentials_assumeRoleErrors(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		block string
		want  string
	}{
		"unknown role": {
			`role_arn = "acs:ram::1234567890123456:role/nobody"`,
			`Cannot get VOD credentials[\s\S]*role acs:ram::1234567890123456:role/nobody[\s\S]*EntityNotExist.Role`,
		},
		"wrong external ID": {
			fmt.Sprintf("role_arn = %q\n    external_id = \"not-it\"", acctest.RoleARN),
			`Cannot get VOD credentials[\s\S]*NoPermission[\s\S]*external ID`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			tg := acctest.New(t)
			tg.RequireEmulator(t)
			runSteps(t, true, resource.TestStep{
				Config:      coverConfig(tg, acctest.Keys()+fmt.Sprintf("\n  sts_endpoint = %q\n  assume_role {\n    %s\n  }", tg.STSEndpoint(), tc.block)),
				ExpectError: regexp.MustCompile(tc.want),
			})
			if n := tg.Count("GetImageInfo", ""); n != 0 {
				t.Errorf("GetImageInfo was called %d times without credentials", n)
			}
		})
	}
}

// Inside an assume_role block, role_arn and session_name default to the environment. Not parallel.
func TestAccCredentials_assumeRoleFromEnvironment(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	t.Setenv("ALIBABA_CLOUD_ROLE_ARN", acctest.OpenRoleARN)
	t.Setenv("ALIBABA_CLOUD_ROLE_SESSION_NAME", "from-env")
	t.Setenv("ALIBABA_CLOUD_STS_ENDPOINT", tg.STSEndpoint())
	runSteps(t, false, resource.TestStep{
		Config:            coverConfig(tg, acctest.Keys()+"\n  assume_role {}"),
		ConfigStateChecks: titleIs(coverTitle),
	})
	if n := tg.Count("AssumeRole", ""); n < 1 {
		t.Errorf("AssumeRole was called %d times, want at least once", n)
	}
}

// Bad assume_role arguments fail at plan time, before any request.
func TestAccCredentials_assumeRoleValidation(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		block, want string
	}{
		"expiration too short": {fmt.Sprintf("role_arn = %q\n    session_expiration = 899", acctest.RoleARN), `assume_role.session_expiration value must be between 900 and 43200,\s+got: 899`},
		"expiration too long":  {fmt.Sprintf("role_arn = %q\n    session_expiration = 43201", acctest.RoleARN), `value must be between 900 and 43200,\s+got: 43201`},
		"malformed role ARN":   {`role_arn = "arn:aws:iam::1:role/x"`, `must be a RAM role ARN`},
		"bad session name":     {fmt.Sprintf("role_arn = %q\n    session_name = \"a b\"", acctest.RoleARN), `must be 2 to 64 letters`},
	} {
		t.Run(name, func(t *testing.T) {
			tg := acctest.New(t)
			tg.RequireEmulator(t)
			runSteps(t, true, resource.TestStep{
				Config:      coverConfig(tg, acctest.Keys()+fmt.Sprintf("\n  assume_role {\n    %s\n  }", tc.block)),
				ExpectError: regexp.MustCompile(tc.want),
			})
			if n := tg.Requests(); n != 0 {
				t.Errorf("%d requests were sent; validation should have stopped the plan first", n)
			}
		})
	}
}

// OIDC from the environment, as a CI runner or RRSA provides it. Not parallel: environment.
func TestAccCredentials_oidc(t *testing.T) {
	for name, tc := range map[string]struct {
		token string
		want  string // error; empty for success
	}{
		"valid token":   {acctest.OIDCToken, ""},
		"invalid token": {"eyJ.not-the-token.x", `Cannot get VOD credentials[\s\S]*OIDC role[\s\S]*OIDCToken`},
	} {
		t.Run(name, func(t *testing.T) {
			tg := acctest.New(t)
			tg.RequireEmulator(t)
			tokenFile := filepath.Join(t.TempDir(), "token")
			if err := os.WriteFile(tokenFile, []byte(tc.token), 0o600); err != nil {
				t.Fatal(err)
			}
			t.Setenv("ALIBABA_CLOUD_ROLE_ARN", acctest.OpenRoleARN)
			t.Setenv("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", acctest.OIDCProviderARN)
			t.Setenv("ALIBABA_CLOUD_OIDC_TOKEN_FILE", tokenFile)
			t.Setenv("ALIBABA_CLOUD_STS_ENDPOINT", tg.STSEndpoint())
			readOnce(t, false, coverConfig(tg, ""), tc.want)
			if tc.want == "" && tg.Count("AssumeRoleWithOIDC", "") < 1 {
				t.Error("AssumeRoleWithOIDC was never called")
			}
		})
	}
}

// writeProfiles writes an aliyun CLI config.json with a profile of each mode.
func writeProfiles(t *testing.T, tokenFile string) string {
	t.Helper()
	ak, sk := acctest.EmulatorAccessKeyID, acctest.EmulatorAccessKeySecret
	cfg := fmt.Sprintf(`{
  "current": "ak",
  "profiles": [
    {"name": "ak", "mode": "AK", "access_key_id": %[1]q, "access_key_secret": %[2]q, "region_id": "cn-shanghai"},
    {"name": "wrong-ak", "mode": "AK", "access_key_id": %[1]q, "access_key_secret": "not-the-secret", "region_id": "cn-shanghai"},
    {"name": "role", "mode": "RamRoleArn", "access_key_id": %[1]q, "access_key_secret": %[2]q,
     "ram_role_arn": %[3]q, "ram_session_name": "acctest", "expired_seconds": 900, "sts_region": "cn-shanghai", "external_id": %[4]q},
    {"name": "chained", "mode": "ChainableRamRoleArn", "source_profile": "role",
     "ram_role_arn": %[5]q, "ram_session_name": "acctest-chain", "expired_seconds": 900, "sts_region": "cn-shanghai"},
    {"name": "oidc", "mode": "OIDC", "ram_role_arn": %[5]q, "oidc_provider_arn": %[6]q, "oidc_token_file": %[7]q,
     "ram_session_name": "acctest-oidc", "sts_region": "cn-shanghai"},
    {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "vod-reader"}
  ]
}`, ak, sk, acctest.RoleARN, acctest.RoleExternalID, acctest.OpenRoleARN, acctest.OIDCProviderARN, tokenFile)
	path := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func oidcTokenFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "oidc-token")
	if err := os.WriteFile(path, []byte(acctest.OIDCToken), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Profiles of the aliyun CLI in each mode. Role modes call sts.cn-shanghai.aliyuncs.com, which
// HTTPS_PROXY sends to the shared emulator; their temporary keys are valid there only.
func TestAccCredentials_profiles(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		profile string // empty: the file's current profile
		shared  bool   // VOD requests go to the shared emulator (the one that issued the keys)
		want    string // error; empty for success
	}{
		"AK":                  {profile: "ak"},
		"current profile":     {},
		"RamRoleArn":          {profile: "role", shared: true},
		"ChainableRamRoleArn": {profile: "chained", shared: true},
		"OIDC":                {profile: "oidc", shared: true},
		"EcsRamRole without metadata": {profile: "ecs",
			want: `Cannot get VOD credentials[\s\S]*profile "ecs"[\s\S]*ALIBABA_CLOUD_ECS_METADATA_DISABLED`},
		"profile not in the file": {profile: "nobody",
			want: `Cannot get VOD credentials[\s\S]*profile "nobody"[\s\S]*no profile named "nobody"`},
		"profile with a wrong secret": {profile: "wrong-ak",
			want: `SignatureDoesNotMatch[\s\S]*secret`},
	} {
		t.Run(name, func(t *testing.T) {
			tg := acctest.New(t)
			if tc.shared {
				tg = acctest.Shared(t)
			}
			tg.RequireEmulator(t)
			file := writeProfiles(t, oidcTokenFile(t))
			args := fmt.Sprintf("shared_credentials_file = %q", file)
			if tc.profile != "" {
				args += fmt.Sprintf("\n  profile = %q", tc.profile)
			}
			readOnce(t, true, coverConfig(tg, args), tc.want)
			if st := tg.Emulator.Server.Stats(); tc.shared && (st.ProxyConnects == 0 || st.ByAction["AssumeRole"]+st.ByAction["AssumeRoleWithOIDC"] == 0) {
				t.Errorf("STS was not reached through the proxy: %+v", st)
			}
		})
	}
}

// A profile chosen through the environment, and the precedence of static keys over it.
func TestAccCredentials_profileEnvironmentAndPrecedence(t *testing.T) {
	for name, tc := range map[string]struct {
		env  map[string]string
		want string
	}{
		"ALIBABA_CLOUD_PROFILE": {env: map[string]string{"ALIBABA_CLOUD_PROFILE": "ak"}},
		"ALICLOUD_PROFILE":      {env: map[string]string{"ALICLOUD_PROFILE": "ak"}},
		"environment keys beat a profile": {env: map[string]string{
			"ALIBABA_CLOUD_PROFILE":           "wrong-ak",
			"ALIBABA_CLOUD_ACCESS_KEY_ID":     acctest.EmulatorAccessKeyID,
			"ALIBABA_CLOUD_ACCESS_KEY_SECRET": acctest.EmulatorAccessKeySecret,
		}},
		"a profile is used when no keys are set": {env: map[string]string{"ALIBABA_CLOUD_PROFILE": "wrong-ak"},
			want: `SignatureDoesNotMatch`},
	} {
		t.Run(name, func(t *testing.T) {
			tg := acctest.New(t)
			tg.RequireEmulator(t)
			t.Setenv("ALIBABA_CLOUD_CONFIG_FILE", writeProfiles(t, oidcTokenFile(t)))
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			readOnce(t, false, coverConfig(tg, ""), tc.want)
		})
	}
}

// Temporary credentials that expire during a run are refreshed: the emulator issues role
// credentials valid for 3 s, and the second step, 4 s later, still reads the image.
func TestAccCredentials_refreshExpiringRole(t *testing.T) {
	tg := acctest.New(t, func(o *vodemu.Options) { o.STS.Lifetime = 3 * time.Second })
	tg.RequireEmulator(t)
	config := coverConfig(tg, acctest.Keys()+fmt.Sprintf("\n  sts_endpoint = %q\n  assume_role {\n    role_arn = %q\n  }",
		tg.STSEndpoint(), acctest.OpenRoleARN))
	runSteps(t, true,
		resource.TestStep{Config: config, ConfigStateChecks: titleIs(coverTitle)},
		resource.TestStep{
			PreConfig:         func() { time.Sleep(4 * time.Second) },
			Config:            config,
			ConfigStateChecks: titleIs(coverTitle),
		},
	)
	if n := tg.Count("", "InvalidSecurityToken.Expired"); n != 0 {
		t.Errorf("%d requests were signed with expired credentials", n)
	}
	if n := tg.Count("AssumeRole", ""); n < 2 {
		t.Errorf("AssumeRole was called %d times; expiring credentials must be renewed", n)
	}
}

// Temporary credentials given statically cannot be refreshed: once expired, the error says so.
func TestAccCredentials_expiredToken(t *testing.T) {
	tg := acctest.New(t, func(o *vodemu.Options) { o.STS.Lifetime = time.Second })
	tg.RequireEmulator(t)
	tmp := tg.IssueTemporaryCredentials(t, acctest.OpenRoleARN)
	time.Sleep(1500 * time.Millisecond)
	runSteps(t, true, resource.TestStep{
		Config: coverConfig(tg, fmt.Sprintf("access_key = %q\n  secret_key = %q\n  security_token = %q",
			tmp.AccessKeyID, tmp.AccessKeySecret, tmp.SecurityToken)),
		ExpectError: regexp.MustCompile(`InvalidSecurityToken.Expired[\s\S]*STS security token has expired`),
	})
}

// An access key the account does not know.
func TestAccCredentials_unknownAccessKey(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	runSteps(t, true, resource.TestStep{
		Config:      coverConfig(tg, fmt.Sprintf("access_key = \"LTAI-unknown\"\n  secret_key = %q", acctest.EmulatorAccessKeySecret)),
		ExpectError: regexp.MustCompile(`InvalidAccessKeyId.NotFound[\s\S]*access key ID is not known`),
	})
}
