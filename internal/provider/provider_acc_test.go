package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
)

func TestAccProvider_wrongSecret(t *testing.T) {
	tg := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tg.ProviderConfigWith("not-the-secret") + fmt.Sprintf(`
data "vod_image" "test" {
  image_id = %q
}
`, tg.ImageID),
			ExpectError: regexp.MustCompile(`SignatureDoesNotMatch[\s\S]*Request ID:\s+\S+[\s\S]*secret_key`),
		}},
	})
}

// Credentials, region and endpoint from the environment, in each spelling, and the precedence of
// provider arguments over the environment. Not parallel: it sets process environment variables.
func TestAccProvider_environment(t *testing.T) {
	for name, tc := range map[string]struct {
		env      map[string]string
		provider string
	}{
		"ALIBABA_CLOUD names": {
			env: map[string]string{
				"ALIBABA_CLOUD_ACCESS_KEY_ID":     acctest.EmulatorAccessKeyID,
				"ALIBABA_CLOUD_ACCESS_KEY_SECRET": acctest.EmulatorAccessKeySecret,
				"ALIBABA_CLOUD_REGION":            acctest.EmulatorRegion,
			},
		},
		"ALICLOUD names and REGION_ID": {
			env: map[string]string{
				"ALICLOUD_ACCESS_KEY":     acctest.EmulatorAccessKeyID,
				"ALICLOUD_SECRET_KEY":     acctest.EmulatorAccessKeySecret,
				"ALIBABA_CLOUD_REGION_ID": acctest.EmulatorRegion,
			},
		},
		"ALICLOUD_REGION": {
			env: map[string]string{
				"ALIBABA_CLOUD_ACCESS_KEY_ID":     acctest.EmulatorAccessKeyID,
				"ALIBABA_CLOUD_ACCESS_KEY_SECRET": acctest.EmulatorAccessKeySecret,
				"ALICLOUD_REGION":                 acctest.EmulatorRegion,
			},
		},
		"arguments win over the environment": {
			env: map[string]string{
				"ALIBABA_CLOUD_ACCESS_KEY_ID":     "LTAI-some-other-key",
				"ALIBABA_CLOUD_ACCESS_KEY_SECRET": "a-wrong-secret",
				"ALIBABA_CLOUD_REGION":            "ap-southeast-1",
			},
			provider: fmt.Sprintf("access_key = %q\n  secret_key = %q\n  region = %q",
				acctest.EmulatorAccessKeyID, acctest.EmulatorAccessKeySecret, acctest.EmulatorRegion),
		},
	} {
		t.Run(name, func(t *testing.T) {
			tg := acctest.New(t)
			tg.RequireEmulator(t)
			t.Setenv("ALIBABA_CLOUD_ENDPOINT_VOD", tg.Emulator.URL)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: acctest.ProviderBlock(tc.provider) + fmt.Sprintf(readTitle, acctest.ImageCDN),
					ConfigStateChecks: []statecheck.StateCheck{
						check(image, "title", knownvalue.StringExact(coverTitle)),
					},
				}},
			})
		})
	}
}

// Missing settings fail before any request, with an error that names every way to give them.
func TestAccProvider_missingConfiguration(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		provider string
		want     string
	}{
		"no region": {
			provider: fmt.Sprintf("access_key = %q\n  secret_key = %q", acctest.EmulatorAccessKeyID, acctest.EmulatorAccessKeySecret),
			// Only the region is missing, and the first line says only that.
			want: `Missing VOD provider configuration[\s\S]*The\s+VOD\s+provider\s+has\s+no\s+region\.\s+Set:\s+- region:` +
				`[\s\S]*ALIBABA_CLOUD_REGION[\s\S]*ALICLOUD_REGION`,
		},
		"no credentials anywhere": {
			provider: `region = "cn-shanghai"`,
			want: `Cannot get VOD credentials[\s\S]*No credentials were found[\s\S]*access_key and secret_key` +
				`[\s\S]*ALIBABA_CLOUD_ACCESS_KEY_ID[\s\S]*ALIBABA_CLOUD_OIDC_PROVIDER_ARN[\s\S]*ALIBABA_CLOUD_PROFILE`,
		},
		"secret without access key": {
			provider: `region = "cn-shanghai"` + "\n" + `secret_key = "s"`,
			want:     `has\s+no\s+access_key\.\s+Set:\s+- access_key: it goes with the argument secret_key`,
		},
		"unsupported region": {
			provider: fmt.Sprintf("region = \"mars-north-1\"\n  access_key = %q\n  secret_key = %q", acctest.EmulatorAccessKeyID, acctest.EmulatorAccessKeySecret),
			want:     `Unsupported VOD region[\s\S]*"mars-north-1"[\s\S]*skip_region_validation`,
		},
		"mistyped region": {
			provider: fmt.Sprintf("region = \"cn-shanhgai\"\n  access_key = %q\n  secret_key = %q", acctest.EmulatorAccessKeyID, acctest.EmulatorAccessKeySecret),
			want:     `Unsupported VOD region[\s\S]*"cn-shanhgai"[\s\S]*Did\s+you\s+mean\s+"cn-shanghai"\?`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			tg := acctest.New(t)
			tg.RequireEmulator(t)
			rejectedBeforeAnyRequest(t, tg, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: acctest.ProviderBlock(acctest.Arg("endpoint", tg.Emulator.URL), tc.provider) +
						fmt.Sprintf(readTitle, acctest.ImageCDN),
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// A provider argument computed by a resource is unknown at plan time: the error names it.
func TestAccProvider_unknownArgument(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "terraform_data" "region" {
  input = %q
}
`, acctest.EmulatorRegion) +
				acctest.ProviderBlock(acctest.Arg("endpoint", tg.Emulator.URL), acctest.Keys(), "region = terraform_data.region.output") +
				fmt.Sprintf(readTitle, acctest.ImageCDN),
			ExpectError: regexp.MustCompile(`Unknown VOD provider argument[\s\S]*"region"\s+depends\s+on\s+a\s+value\s+that\s+is\s+only\s+known\s+after\s+apply`),
		}},
	})
}

// An endpoint where nothing listens gives a clear error at once when retries are off.
func TestAccProvider_unreachableEndpoint(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(`endpoint = "http://127.0.0.1:1"`, acctest.Arg("region", acctest.EmulatorRegion), acctest.Keys(),
				"max_retries = 0") + fmt.Sprintf(readTitle, acctest.ImageCDN),
			ExpectError: regexp.MustCompile(`VOD endpoint not reachable[\s\S]*http://127.0.0.1:1\s+could\s+not\s+be\s+reached`),
		}},
	})
}

// skip_region_validation admits a region this provider does not know yet.
func TestAccProvider_skipRegionValidation(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(acctest.Arg("endpoint", tg.Emulator.URL), `region = "cn-wulanchabu"`,
				"skip_region_validation = true", acctest.Keys()) + fmt.Sprintf(readTitle, acctest.ImageCDN),
			ConfigStateChecks: []statecheck.StateCheck{check(image, "title", knownvalue.StringExact(coverTitle))},
		}},
	})
}
