package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// imageConfig is the provider block plus one vod_image with the given extra arguments.
func imageConfig(tg *acctest.Target, imageID, args string) string {
	return tg.ProviderConfig() + fmt.Sprintf(`
data "vod_image" "test" {
  image_id = %q
  %s
}
`, imageID, args)
}

func TestAccImageDataSource_urls(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		args string
		want knownvalue.Check
	}{
		"cdn with auth_timeout":  {`output_type = "cdn"` + "\n" + `auth_timeout = 600`, acctest.CDNURL(600 * time.Second)},
		"cdn default: no offset": {`output_type = "cdn"`, acctest.CDNURL(0)},
		"oss with auth_timeout":  {`output_type = "oss"` + "\n" + `auth_timeout = 7200`, acctest.OSSURL(2 * time.Hour)},
		"oss default expiry":     {`output_type = "oss"`, acctest.OSSURL(time.Hour)},
		"oss at the maximum":     {`output_type = "oss"` + "\n" + `auth_timeout = 2592000`, acctest.OSSURL(30 * 24 * time.Hour)},
	} {
		t.Run(name, func(t *testing.T) {
			tg := acctest.New(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: imageConfig(tg, tg.ImageID, tc.args),
					ConfigStateChecks: []statecheck.StateCheck{
						check(image, "url", tc.want),
						check(image, "id", knownvalue.StringExact(tg.ImageID)),
					},
				}},
			})
		})
	}
}

func TestAccImageDataSource_defaultOutputType(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		imageID string
		want    knownvalue.Check
	}{
		"cdn domain configured": {acctest.ImageCDN, acctest.CDNURL(0)},
		"no cdn domain":         {acctest.ImageOSS, acctest.OSSURL(time.Hour)},
	} {
		t.Run(name, func(t *testing.T) {
			tg := acctest.New(t)
			tg.RequireEmulator(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:            imageConfig(tg, tc.imageID, ""),
					ConfigStateChecks: []statecheck.StateCheck{check(image, "url", tc.want)},
				}},
			})
		})
	}
}

// Every metadata attribute of the fixture cover image, as testdata/images.json gives it.
func TestAccImageDataSource_metadata(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	var checks []statecheck.StateCheck
	for attr, want := range acctest.ImageChecks(acctest.ImageCDN, acctest.OSSURL(time.Hour)) {
		checks = append(checks, check(image, attr, want))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            imageConfig(tg, acctest.ImageCDN, ""),
			ConfigStateChecks: checks,
		}},
	})
}

// The models say FileSize is a JSON string; an answer with a number (as some SDK structs declare
// it) is read as well. The emulator sends a number only when asked to from Go.
func TestAccImageDataSource_fileSizeAsNumber(t *testing.T) {
	tg := acctest.New(t, func(o *vodemu.Options) {
		for i, img := range o.Images {
			if img.ImageID == acctest.ImageOSS && img.Mezzanine != nil {
				m := *img.Mezzanine
				m.FileSize.AsNumber = true
				o.Images[i].Mezzanine = &m
			}
		}
	})
	tg.RequireEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: imageConfig(tg, acctest.ImageOSS, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				check(image, "mezzanine", knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"file_size": knownvalue.Int64Exact(73211),
					"width":     knownvalue.Int64Exact(640),
				})),
				check(image, "tags", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("sprite")})),
				check(image, "description", knownvalue.StringExact("")),
			},
		}},
	})
}

func TestAccImageDataSource_noTagsNoMezzanine(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: imageConfig(tg, acctest.ImageUploading, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				check(image, "status", knownvalue.StringExact("Uploading")),
				check(image, "tags", knownvalue.ListSizeExact(0)),
				check(image, "mezzanine", knownvalue.Null()),
			},
		}},
	})
}

// Several images through for_each. terraform-plugin-testing cannot turn a state with for_each keys
// into its legacy state shape, so this test plans only (data sources are read during plan) and
// checks the planned outputs.
func TestAccImageDataSource_forEach(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	config := tg.ProviderConfig() + fmt.Sprintf(`
locals {
  images = { cover = %q, sprite = %q, pending = %q }
}

data "vod_image" "each" {
  for_each    = local.images
  image_id    = each.value
  output_type = "oss"
}

output "titles" {
  value = { for k, img in data.vod_image.each : k => img.title }
}

output "widths" {
  value = { for k, img in data.vod_image.each : k => try(img.mezzanine.width, null) }
}

output "sprite_url" {
  value = data.vod_image.each["sprite"].url
}
`, acctest.ImageCDN, acctest.ImageOSS, acctest.ImageUploading)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:             config,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true, // the outputs are new
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				plancheck.ExpectKnownOutputValue("titles", knownvalue.MapExact(map[string]knownvalue.Check{
					"cover":   knownvalue.StringExact(coverTitle),
					"sprite":  knownvalue.StringExact("Product sprite"),
					"pending": knownvalue.StringExact("Upload in progress"),
				})),
				plancheck.ExpectKnownOutputValue("widths", knownvalue.MapExact(map[string]knownvalue.Check{
					"cover":   knownvalue.Int64Exact(1920),
					"sprite":  knownvalue.Int64Exact(640),
					"pending": knownvalue.Null(),
				})),
				plancheck.ExpectKnownOutputValue("sprite_url", acctest.OSSURL(time.Hour)),
			}},
		}},
	})
	if n := tg.Count("", "OK"); n < 1 {
		t.Errorf("the emulator answered %d requests successfully; the outputs cannot have come from it", n)
	}
}

func TestAccImageDataSource_notFound(t *testing.T) {
	tg := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: imageConfig(tg, acctest.MissingImage, ""),
			ExpectError: regexp.MustCompile(`VOD image not found[\s\S]*` + acctest.MissingImage +
				`[\s\S]*region\s+` + regexp.QuoteMeta(tg.Region) + `[\s\S]*request\s+ID\s+[0-9A-F-]{8,}`),
		}},
	})
}

// Bad arguments fail at plan time, before any API request.
func TestAccImageDataSource_planTimeValidation(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		imageID string
		args    string
		want    string
	}{
		"empty image_id":          {"", "", `Attribute image_id string length must be between 1 and 128, got: 0`},
		"whitespace image_id":     {"   ", "", `must not be empty or only whitespace`},
		"control character":       {"abc\tdef", "", `must not contain control characters`},
		"overlong image_id":       {strings.Repeat("a", 129), "", `image_id string length must be between 1 and 128, got: 129`},
		"output_type capitalised": {acctest.ImageCDN, `output_type = "OSS"`, `Attribute output_type value must be one of: \["oss" "cdn"\], got: "OSS"`},
		"output_type unknown":     {acctest.ImageCDN, `output_type = "s3"`, `output_type value must be one of`},
		"auth_timeout zero":       {acctest.ImageCDN, `auth_timeout = 0`, `auth_timeout too short[\s\S]*signed\s+URL\s+stays\s+valid,\s+in\s+seconds:\s+at\s+least\s+1\s+second;\s+got\s+0\.`},
		"auth_timeout negative":   {acctest.ImageCDN, `auth_timeout = -5`, `auth_timeout too short[\s\S]*at\s+least\s+1\s+second;\s+got\s+-5\.`},
		"auth_timeout above oss max": {acctest.ImageCDN, `output_type = "oss"` + "\n" + `auth_timeout = 2592001`,
			`auth_timeout too long for an OSS URL`},
	} {
		t.Run(name, func(t *testing.T) {
			// Under the other CLIs: one refusal of each kind (a framework validator, one of the
			// provider's, one that needs two arguments); the rest differ only in the provider's text.
			if acctest.CLISubset() && name != "empty image_id" && name != "auth_timeout zero" && name != "auth_timeout above oss max" {
				t.Skip("the provider's own validation: runs under the first CLI only (README.md, \"What runs where\")")
			}
			tg := acctest.New(t)
			rejectedBeforeAnyRequest(t, tg, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      imageConfig(tg, tc.imageID, tc.args),
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// An image_id known only after apply (here from terraform_data) defers the read to apply instead of
// failing the plan.
func TestAccImageDataSource_imageIDUnknownAtPlan(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tg.ProviderConfig() + fmt.Sprintf(`
resource "terraform_data" "image" {
  input = %q
}

data "vod_image" "test" {
  image_id = terraform_data.image.output
}
`, acctest.ImageCDN),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(image, tfjsonpath.New("url")),
				plancheck.ExpectUnknownValue(image, tfjsonpath.New("title")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				check(image, "title", knownvalue.StringExact(coverTitle)),
			},
		}},
	})
}
