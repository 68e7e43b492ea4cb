package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// One injected fault of each kind on the first STS call (AssumeRole for assume_role,
// AssumeRoleWithOIDC for OIDC) is retried like a fault on a VOD call: the read succeeds, and STS
// was asked again.
func TestAccCredentials_stsFaultMatrix(t *testing.T) {
	t.Parallel()
	for _, action := range []string{"AssumeRole", "AssumeRoleWithOIDC"} {
		for _, kind := range vodemu.FaultKinds() {
			t.Run(action+"/"+string(kind), func(t *testing.T) {
				tg := acctest.New(t, func(o *vodemu.Options) { o.Faults.SlowDelay = 3 * time.Second })
				tg.RequireEmulator(t)
				tg.Emulator.Server.InjectNext(kind, 1, action)
				readOnce(t, true, stsConfig(t, tg, action, 3), "")
				// The fault was answered once, and then a retry got credentials; the normal answer
				// sent as text/plain is used as it is, with no retry.
				st := tg.Emulator.Server.Stats()
				calls := int64(2)
				if kind == vodemu.FaultWrongContentType {
					calls = 1
				}
				if st.ByFault[string(kind)] != 1 || st.ByAction[action] != calls {
					t.Errorf("want one %s fault and %s asked %d times in all: %+v", kind, action, calls, st)
				}
			})
		}
	}
}

// When STS keeps failing, the error says the failure was transient and how many attempts were
// made, not that the role's configuration is wrong.
func TestAccCredentials_stsTransientExhausted(t *testing.T) {
	t.Parallel()
	for _, action := range []string{"AssumeRole", "AssumeRoleWithOIDC"} {
		t.Run(action, func(t *testing.T) {
			tg := acctest.New(t)
			tg.RequireEmulator(t)
			tg.Emulator.Server.InjectNext(vodemu.FaultThrottling, 100, action)
			readOnce(t, true, stsConfig(t, tg, action, 2),
				`Cannot get VOD credentials[\s\S]*Throttling[\s\S]*transient[\s\S]*3\s+attempt`)
			if n := tg.Count(action, ""); n != 3 {
				t.Errorf("%s was answered %d times, want 3 (max_retries = 2)", action, n)
			}
		})
	}
}

// stsConfig reads through a role assumed with static keys (AssumeRole) or with an OIDC profile
// (AssumeRoleWithOIDC), with read_timeout 1 so that a "slow" STS answer times out.
func stsConfig(t *testing.T, tg *acctest.Target, action string, maxRetries int) string {
	t.Helper()
	common := fmt.Sprintf("sts_endpoint = %q\n  max_retries = %d\n  read_timeout = 1", tg.STSEndpoint(), maxRetries)
	if action == "AssumeRole" {
		return coverConfig(tg, acctest.Keys()+"\n  "+common+fmt.Sprintf("\n  assume_role {\n    role_arn = %q\n  }", acctest.OpenRoleARN))
	}
	file := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(file, []byte(fmt.Sprintf(`{"current": "oidc", "profiles": [{"name": "oidc", "mode": "OIDC",
  "ram_role_arn": %q, "oidc_provider_arn": %q, "oidc_token_file": %q, "ram_session_name": "faults"}]}`,
		acctest.OpenRoleARN, acctest.OIDCProviderARN, oidcTokenFile(t))), 0o600); err != nil {
		t.Fatal(err)
	}
	return coverConfig(tg, common+fmt.Sprintf("\n  shared_credentials_file = %q", file))
}

// Roles assumed by a ChainableRamRoleArn profile (whose source is a RamRoleArn profile: two
// AssumeRole calls) get the same retries and sts_endpoint as assume_role.
func TestAccCredentials_stsFaultsOnProfileRoles(t *testing.T) {
	t.Parallel()
	for _, kind := range []vodemu.FaultKind{vodemu.FaultThrottling, vodemu.FaultHTML502, vodemu.FaultReset} {
		t.Run(string(kind), func(t *testing.T) {
			tg := acctest.New(t)
			tg.RequireEmulator(t)
			tg.Emulator.Server.InjectNext(kind, 2, "AssumeRole")
			file := writeProfiles(t, oidcTokenFile(t))
			readOnce(t, true, coverConfig(tg, fmt.Sprintf("sts_endpoint = %q\n  max_retries = 2\n  shared_credentials_file = %q\n  profile = \"chained\"",
				tg.STSEndpoint(), file)), "")
			st := tg.Emulator.Server.Stats()
			if st.ByFault[string(kind)] != 2 || st.ProxyConnects != 0 {
				t.Errorf("want two %s faults retried at sts_endpoint (no proxy): %+v", kind, st)
			}
		})
	}
}
