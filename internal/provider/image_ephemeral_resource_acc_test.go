package provider_test

import (
	"fmt"
	"maps"
	"regexp"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
)

// Ephemeral resources need Terraform 1.10 or OpenTofu 1.11: older binaries skip these tests.
var ephemeralSupported = []tfversion.TerraformVersionCheck{acctest.EphemeralResourcesSupported()}

// echoFactories adds terraform-plugin-testing's echo provider, which copies its `data` argument
// into the state of an `echo` resource: the one way a test can see an ephemeral value.
func echoFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	f := maps.Clone(acctest.ProtoV6ProviderFactories)
	f["echo"] = echoprovider.NewProviderServer()
	return f
}

// echoed is the echo resource holding the ephemeral vod_image's attributes.
const echoed = "echo.test"

// ephemeralEchoConfig is the provider block, an ephemeral vod_image with the given image_id
// expression and extra arguments, and the echo provider and resource that expose it.
func ephemeralEchoConfig(tg *acctest.Target, imageIDExpr, args string) string {
	return tg.ProviderConfig() + fmt.Sprintf(`
ephemeral "vod_image" "test" {
  image_id = %s
  %s
}

provider "echo" {
  data = ephemeral.vod_image.test
}

resource "echo" "test" {}
`, imageIDExpr, args)
}

// Every attribute of the ephemeral vod_image, as the fixture and the arguments make it: the same
// attributes as the data source, no more and no fewer.
func TestAccImageEphemeral_values(t *testing.T) {
	t.Parallel()
	// with adds the arguments, id and url to the fixture's metadata.
	with := func(id string, fileURL knownvalue.Check, args map[string]knownvalue.Check) map[string]knownvalue.Check {
		want := acctest.ImageChecks(id, fileURL)
		maps.Copy(want, args)
		want["image_id"] = knownvalue.StringExact(id)
		want["id"] = knownvalue.StringExact(id)
		return want
	}
	for name, tc := range map[string]struct {
		imageID string
		args    string
		want    map[string]knownvalue.Check
	}{
		// The source file is always an OSS URL. ImageCDN's FileSize is sent as the string "482913".
		"cdn with auth_timeout": {acctest.ImageCDN, `output_type = "cdn"` + "\n" + `auth_timeout = 600`,
			with(acctest.ImageCDN, acctest.OSSURL(600*time.Second), map[string]knownvalue.Check{
				"output_type":  knownvalue.StringExact("cdn"),
				"auth_timeout": knownvalue.Int64Exact(600),
				"url":          acctest.CDNURL(600 * time.Second),
			})},
		// ImageOSS's FileSize is sent as a number.
		"oss with auth_timeout": {acctest.ImageOSS, `output_type = "oss"` + "\n" + `auth_timeout = 7200`,
			with(acctest.ImageOSS, acctest.OSSURL(2*time.Hour), map[string]knownvalue.Check{
				"output_type":  knownvalue.StringExact("oss"),
				"auth_timeout": knownvalue.Int64Exact(7200),
				"url":          acctest.OSSURL(2 * time.Hour),
			})},
		"no mezzanine, defaults": {acctest.ImageUploading, "",
			with(acctest.ImageUploading, nil, map[string]knownvalue.Check{
				"output_type":  knownvalue.Null(),
				"auth_timeout": knownvalue.Null(),
				"url":          acctest.CDNURL(0), // a CDN domain is configured for it; no offset without auth_timeout
			})},
	} {
		t.Run(name, func(t *testing.T) {
			tg := acctest.New(t)
			tg.RequireEmulator(t)
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   ephemeralSupported,
				ProtoV6ProviderFactories: echoFactories(),
				Steps: []resource.TestStep{{
					Config: ephemeralEchoConfig(tg, fmt.Sprintf("%q", tc.imageID), tc.args),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(echoed, tfjsonpath.New("data"), knownvalue.ObjectExact(tc.want)),
					},
				}},
			})
		})
	}
}

// The ephemeral image's signed URLs, and everything else about it, stay out of the plan and the
// state, while a data source's URL in the same configuration is there: the scan can find a URL,
// so its silence about the ephemeral image means something. Two things show that the ephemeral
// resource was opened in the run: the emulator's requests, and a second step in which the same
// configuration, naming a missing image, fails.
func TestAccImageEphemeral_notInPlanOrState(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	config := func(ephemeralImageID string) string {
		return tg.ProviderConfig() + fmt.Sprintf(`
ephemeral "vod_image" "secret" {
  image_id     = %q
  output_type  = "cdn"
  auth_timeout = 600
}

data "vod_image" "public" {
  image_id    = %q
  output_type = "oss"
}

# Uses the ephemeral values; check results, which the state keeps, hold none of them.
check "ephemeral_image" {
  assert {
    condition     = startswith(ephemeral.vod_image.secret.url, "https://") && ephemeral.vod_image.secret.mezzanine != null
    error_message = "The ephemeral vod_image has no https URL or no mezzanine."
  }
}
`, ephemeralImageID, acctest.ImageOSS)
	}

	// What the artifacts must hold (the data source's image) and must not (the ephemeral one's):
	// the upper-case ID is the object key in both of its URLs (the configuration names it in lower case).
	present := map[string]string{
		"the data source's object key": strings.ToUpper(acctest.ImageOSS),
		"the data source's title":      acctest.Fixture(acctest.ImageOSS).Title,
	}
	absent := map[string]string{
		"the ephemeral image's object key (its url and mezzanine.file_url)": strings.ToUpper(acctest.ImageCDN),
		"a CDN auth_key":                "auth_key",
		"the ephemeral image's title":   acctest.Fixture(acctest.ImageCDN).Title,
		"the ephemeral image's picture": acctest.Fixture(acctest.ImageCDN).Mezzanine.OriginalFileName,
	}
	// The data source's signed URL must be there too: a scan that finds it can see a URL.
	withURL := func(s *tfjson.State) map[string]string {
		out := maps.Clone(present)
		out["the data source's signed URL"] = acctest.StateString(s, "data.vod_image.public", "url")
		return out
	}
	scanPlan := acctest.PlanCheckFunc(func(p *tfjson.Plan) error {
		return acctest.ScanArtifact("plan", p, withURL(p.PriorState), absent)
	})
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralSupported,
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(acctest.ImageCDN),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						// The plan reads the data source once; the ephemeral resource is opened too.
						acctest.PlanCheckFunc(func(*tfjson.Plan) error {
							if n := tg.Count("GetImageInfo", ""); n < 2 {
								return fmt.Errorf("the plan sent %d GetImageInfo requests; the data source alone sends 1, "+
									"opening the ephemeral resource another", n)
							}
							return nil
						}),
						scanPlan,
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{scanPlan},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.vod_image.public", tfjsonpath.New("url"), acctest.OSSURL(time.Hour)),
					acctest.StateCheckFunc(func(s *tfjson.State) error {
						return acctest.ScanArtifact("state", s, withURL(s), absent)
					}),
				},
			},
			{
				Config:      config(acctest.MissingImage),
				ExpectError: regexp.MustCompile(`VOD\s+image\s+not\s+found[\s\S]*` + acctest.MissingImage),
			},
		},
	})
}

// A missing image fails the run with the data source's error: the ephemeral resource is opened.
func TestAccImageEphemeral_notFound(t *testing.T) {
	tg := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralSupported,
		ProtoV6ProviderFactories: echoFactories(),
		Steps: []resource.TestStep{{
			Config: ephemeralEchoConfig(tg, fmt.Sprintf("%q", acctest.MissingImage), ""),
			ExpectError: regexp.MustCompile(`VOD\s+image\s+not\s+found[\s\S]*` + acctest.MissingImage +
				`[\s\S]*region\s+` + regexp.QuoteMeta(tg.Region)),
		}},
	})
}

// Bad arguments fail at plan time, before any API request, as for the data source.
func TestAccImageEphemeral_planTimeValidation(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		imageID string
		args    string
		want    string
	}{
		"empty image_id":      {"", "", `image_id\s+string\s+length\s+must\s+be\s+between\s+1\s+and\s+128,\s+got:\s+0`},
		"output_type unknown": {acctest.ImageCDN, `output_type = "ftp"`, `output_type\s+value\s+must\s+be\s+one\s+of:\s+\["oss"\s+"cdn"\],\s+got:\s+"ftp"`},
		"auth_timeout zero":   {acctest.ImageCDN, `auth_timeout = 0`, `auth_timeout too short[\s\S]*signed\s+URL\s+stays\s+valid,\s+in\s+seconds:\s+at\s+least\s+1\s+second;\s+got\s+0\.`},
		"auth_timeout above oss max": {acctest.ImageCDN, `output_type = "oss"` + "\n" + `auth_timeout = 2592001`,
			`auth_timeout\s+too\s+long\s+for\s+an\s+OSS\s+URL`},
	} {
		t.Run(name, func(t *testing.T) {
			tg := acctest.New(t)
			rejectedBeforeAnyRequest(t, tg, resource.TestCase{
				TerraformVersionChecks:   ephemeralSupported,
				ProtoV6ProviderFactories: echoFactories(),
				Steps: []resource.TestStep{{
					Config:      ephemeralEchoConfig(tg, fmt.Sprintf("%q", tc.imageID), tc.args),
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// An image_id known only after apply (here from terraform_data): Terraform does not open the
// ephemeral resource during the plan, and opens it during the apply, when the ID is known.
func TestAccImageEphemeral_imageIDUnknownAtPlan(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	config := `
resource "terraform_data" "image" {
  input = "` + acctest.ImageCDN + `"
}
` + ephemeralEchoConfig(tg, "terraform_data.image.output", `output_type = "cdn"`+"\n"+`auth_timeout = 600`)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralSupported,
		ProtoV6ProviderFactories: echoFactories(),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				acctest.PlanCheckFunc(func(*tfjson.Plan) error {
					if n := tg.Requests(); n > 0 {
						return fmt.Errorf("the emulator answered %d requests during a plan whose image_id is unknown", n)
					}
					return nil
				}),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(echoed, tfjsonpath.New("data").AtMapKey("id"), knownvalue.StringExact(acctest.ImageCDN)),
				statecheck.ExpectKnownValue(echoed, tfjsonpath.New("data").AtMapKey("title"), knownvalue.StringExact(coverTitle)),
				statecheck.ExpectKnownValue(echoed, tfjsonpath.New("data").AtMapKey("url"), acctest.CDNURL(600*time.Second)),
			},
		}},
	})
}
