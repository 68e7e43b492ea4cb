package provider_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// These tests hold the behaviours that were fixed to match Alibaba Cloud's documentation and
// models (issue 13), each with the value a user sees.

// modification_time comes from SearchMedia, so a filter's images have it and images read by ids
// (GetImageInfos, whose items have no such field) have null.
func TestAccImagesDataSource_modificationTime(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: imagesConfig(tg, `  filter { app_id = "app-1000000" }
  sort = "CreationTime:Asc"`),
				ConfigStateChecks: []statecheck.StateCheck{
					imageIDsAre(acctest.ImageCDN, acctest.ImageOSS, acctest.ImageUploading, acctest.ImageAutumn),
					imageAt(0, "modification_time", knownvalue.StringExact("2024-03-02T09:00:00Z")),
					imageAt(1, "modification_time", knownvalue.StringExact("2024-05-13T00:10:00Z")),
					imageAt(3, "modification_time", knownvalue.StringExact("2024-09-02T10:30:00Z")),
				},
			},
			{
				Config: imagesConfig(tg, fmt.Sprintf(`  ids = [%q, %q]`, acctest.ImageCDN, acctest.ImageOSS)),
				ConfigStateChecks: []statecheck.StateCheck{
					imageIDsAre(acctest.ImageCDN, acctest.ImageOSS),
					imageAt(0, "modification_time", knownvalue.Null()),
					imageAt(1, "modification_time", knownvalue.Null()),
					imageAt(0, "title", knownvalue.StringExact(coverTitle)),
				},
			},
		},
	})
}

// created_after and created_before include their bounds: images created exactly at either one
// are listed, on one side or both (the emulator honours the [ ] and ( ) of the Match range).
func TestAccImagesDataSource_inclusiveBounds(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		body string
		want []string
	}{
		"both bounds exact": {`filter {
    created_after  = "2024-03-01T08:15:00Z"
    created_before = "2024-06-30T12:00:00Z"
  }`, []string{acctest.ImageUploading, acctest.ImageOSS, acctest.ImageCDN}},
		"after only, exact":  {`filter { created_after = "2024-09-01T08:00:00Z" }`, []string{acctest.ImageChef, acctest.ImageAutumn}},
		"before only, exact": {`filter { created_before = "2024-05-12T23:59:59Z" }`, []string{acctest.ImageOSS, acctest.ImageCDN}},
		"a second inside each bound": {`filter {
    created_after  = "2024-03-01T08:15:01Z"
    created_before = "2024-06-30T11:59:59Z"
  }`, []string{acctest.ImageOSS}},
	} {
		t.Run(name, func(t *testing.T) {
			tg := acctest.New(t)
			tg.RequireEmulator(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:            imagesConfig(tg, "  "+tc.body),
					ConfigStateChecks: []statecheck.StateCheck{imageIDsAre(tc.want...)},
				}},
			})
			if n := tg.Count("", "ErrorMatchSyntax"); n != 0 {
				t.Errorf("%d searches had a Match the API rejects", n)
			}
		})
	}
}

// A token that does not belong to the access key is InvalidSecurityToken.MismatchWithAccessKey,
// and the provider says which setting to check.
func TestAccCredentials_tokenMismatchHint(t *testing.T) {
	tg := acctest.New(t, func(o *vodemu.Options) { o.SecurityToken = "CAIS-acctest-security-token" })
	tg.RequireEmulator(t)
	runSteps(t, true, resource.TestStep{
		Config: coverConfig(tg, acctest.Keys()+"\n  security_token = \"CAIS-not-this-one\""),
		ExpectError: regexp.MustCompile(`Code:\s+InvalidSecurityToken\.MismatchWithAccessKey\s+\(HTTP\s+400\)[\s\S]*` +
			`The\s+STS\s+security\s+token\s+does\s+not\s+belong\s+to\s+the\s+access\s+key:\s+check\s+security_token`),
	})
}

// STS bounds DurationSeconds by the role's maximum session duration (3600 s unless raised): a
// longer session_expiration fails with STS's message and what to change, and works once the
// role allows it.
func TestAccCredentials_sessionExpirationAboveRoleMaximum(t *testing.T) {
	t.Parallel()
	block := func(tg *acctest.Target) string {
		return coverConfig(tg, acctest.Keys()+fmt.Sprintf(`
  sts_endpoint = %q
  assume_role {
    role_arn           = %q
    external_id        = %q
    session_expiration = 7200
  }`, tg.STSEndpoint(), acctest.RoleARN, acctest.RoleExternalID))
	}
	t.Run("default maximum", func(t *testing.T) {
		tg := acctest.New(t)
		tg.RequireEmulator(t)
		runSteps(t, true, resource.TestStep{
			Config: block(tg),
			ExpectError: regexp.MustCompile(`The\s+Min/Max\s+value\s+of\s+DurationSeconds\s+is\s+15min/1hr\.\s+\(code\s+InvalidParameter\.DurationSeconds` +
				`[\s\S]*assume_role\.session_expiration\s+\(7200\s+s\)[\s\S]*Lower\s+assume_role\.session_expiration`),
		})
		if n := tg.Count("GetImageInfo", ""); n != 0 {
			t.Errorf("GetImageInfo was called %d times without credentials", n)
		}
	})
	t.Run("raised maximum", func(t *testing.T) {
		tg := acctest.New(t, func(o *vodemu.Options) {
			for i := range o.STS.Roles {
				o.STS.Roles[i].MaxSessionDuration = 3 * time.Hour
			}
		})
		tg.RequireEmulator(t)
		runSteps(t, true, resource.TestStep{Config: block(tg), ConfigStateChecks: titleIs(coverTitle)})
	})
}

// cn-hangzhou is accepted and, as in Alibaba Cloud's SDKs, served by vod.cn-shanghai.aliyuncs.com
// (reached here through the shared emulator behind HTTPS_PROXY).
func TestAccProvider_hangzhouRegion(t *testing.T) {
	tg := acctest.Shared(t)
	before := tg.Emulator.Server.Stats().ProxyConnects
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(acctest.Arg("region", "cn-hangzhou"), acctest.Keys()) +
				fmt.Sprintf(readTitle, acctest.ImageCDN),
			ConfigStateChecks: titleIs(coverTitle),
		}},
	})
	if tg.Emulator.Server.Stats().ProxyConnects == before {
		t.Error("the read did not go to the public endpoint through the proxy")
	}
}
