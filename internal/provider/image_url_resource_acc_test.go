package provider_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

const (
	imageURL = "vod_image_url.test"
	consumer = "terraform_data.consumer"
)

// imageURLConfig is the provider block, one vod_image_url with the given extra arguments, and a
// terraform_data that uses its URL, as a CDN rule or a ConfigMap would.
func imageURLConfig(tg *acctest.Target, imageID, args string) string {
	return tg.ProviderConfig() + fmt.Sprintf(`
resource "vod_image_url" "test" {
  image_id = %q
  %s
}

resource "terraform_data" "consumer" {
  input = vod_image_url.test.url
}
`, imageID, args)
}

// rfc3339 is t as expires_at and renew_at are written.
func rfc3339(t time.Time) knownvalue.Check {
	return knownvalue.StringExact(t.UTC().Format(time.RFC3339))
}

// consumerHasURL checks that the consumer's output is the resource's URL.
func consumerHasURL() statecheck.StateCheck {
	return statecheck.CompareValuePairs(imageURL, tfjsonpath.New("url"), consumer, tfjsonpath.New("output"), compare.ValuesSame())
}

// urlExpires checks, on the emulator, that a signed URL expires at want: the emulator writes the
// expiry into OSS URLs (Expires) and CDN URLs (the auth_key timestamp).
func urlExpires(tg *acctest.Target, want time.Time) knownvalue.Check {
	return knownvalue.StringFunc(func(v string) error {
		if tg.Emulator == nil {
			return nil // the real cloud's expiry follows its own clock
		}
		u, err := url.Parse(v)
		if err != nil {
			return err
		}
		ts := u.Query().Get("Expires")
		if ts == "" {
			ts, _, _ = strings.Cut(u.Query().Get("auth_key"), "-")
		}
		if ts != fmt.Sprint(want.Unix()) {
			return fmt.Errorf("%q expires at Unix time %s, want %d (%s)", v, ts, want.Unix(), want.UTC().Format(time.RFC3339))
		}
		return nil
	})
}

// While it is not due, the stored URL survives every refresh and plan byte for byte, and neither
// the resource nor what uses it changes.
func TestAccImageURLResource_stableUntilDue(t *testing.T) {
	// Parallel before the clock starts: a test waiting for a parallel slot must not find its
	// clock minutes behind the real one (the emulator refuses requests signed 15 minutes away).
	t.Parallel()
	clock := acctest.NewClock()
	start := clock.Now()
	tg := acctest.New(t, clock.Emulator)
	// Ten minutes, renewed in the last five: the emulator accepts requests signed up to 15 minutes
	// away from its clock, so the test clock moves by minutes.
	config := imageURLConfig(tg, tg.ImageID, `output_type = "cdn"
  auth_timeout = 600`)
	sameURL := statecheck.CompareValue(compare.ValuesSame())
	sameOutput := statecheck.CompareValue(compare.ValuesSame())
	unchanged := func(advance time.Duration) resource.TestStep {
		return resource.TestStep{
			PreConfig: func() { clock.Advance(advance) },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				sameURL.AddStateValue(imageURL, tfjsonpath.New("url")),
				sameOutput.AddStateValue(consumer, tfjsonpath.New("output")),
				check(imageURL, "expires_at", rfc3339(start.Add(10*time.Minute))),
			},
		}
	}
	first := resource.TestStep{
		Config: config,
		ConfigStateChecks: []statecheck.StateCheck{
			sameURL.AddStateValue(imageURL, tfjsonpath.New("url")),
			sameOutput.AddStateValue(consumer, tfjsonpath.New("output")),
			consumerHasURL(),
			check(imageURL, "id", knownvalue.StringExact(tg.ImageID)),
			check(imageURL, "url", acctest.CDNURL(10*time.Minute)),
			check(imageURL, "url", urlExpires(tg, start.Add(10*time.Minute))),
			check(imageURL, "renew_before", knownvalue.Int64Exact(300)),
			check(imageURL, "expires_at", rfc3339(start.Add(10*time.Minute))),
			check(imageURL, "renew_at", rfc3339(start.Add(5*time.Minute))),
			check(imageURL, "triggers", knownvalue.Null()),
		},
	}
	if tg.Emulator != nil { // a real image may have no mezzanine
		first.ConfigStateChecks = append(first.ConfigStateChecks, check(imageURL, "file_url", acctest.OSSURL(10*time.Minute)))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: clock.ProviderFactories(),
		Steps: []resource.TestStep{
			first,
			// Two more runs, the second a second before renew_at.
			unchanged(2 * time.Minute),
			unchanged(3*time.Minute - time.Second),
			{
				ResourceName:  imageURL,
				ImportState:   true,
				ImportStateId: tg.ImageID,
				ExpectError:   regexp.MustCompile(`vod_image_url cannot be imported`),
			},
		},
	})
}

// Once renew_at has passed, one plan replaces the resource and updates its consumer, and the next
// plan is empty again.
func TestAccImageURLResource_renewal(t *testing.T) {
	// Parallel before the clock starts: a test waiting for a parallel slot must not find its
	// clock minutes behind the real one (the emulator refuses requests signed 15 minutes away).
	t.Parallel()
	clock := acctest.NewClock()
	start := clock.Now()
	tg := acctest.New(t, clock.Emulator)
	// Against the real cloud, the URL's expiry (an OSS Expires) follows the cloud's clock, which the
	// test cannot move with the provider's.
	tg.RequireEmulator(t)
	config := imageURLConfig(tg, acctest.ImageOSS, `output_type = "oss"
  auth_timeout = 300
  renew_before = 60`) + `
resource "terraform_data" "poster" {
  lifecycle {
    replace_triggered_by = [vod_image_url.test]
  }
}
`
	urlChanges := statecheck.CompareValue(compare.ValuesDiffer())
	renewed := start.Add(240 * time.Second)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: clock.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					urlChanges.AddStateValue(imageURL, tfjsonpath.New("url")),
					check(imageURL, "url", urlExpires(tg, start.Add(300*time.Second))),
					check(imageURL, "expires_at", rfc3339(start.Add(300*time.Second))),
					check(imageURL, "renew_at", rfc3339(renewed)),
					consumerHasURL(),
				},
			},
			{
				// A second before renew_at: nothing to do.
				PreConfig: func() { clock.Advance(239 * time.Second) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				// At renew_at: one replacement, and the consumer updated with the new URL. The
				// plan after the apply, which the test framework requires to be empty, shows it
				// happens once.
				PreConfig: func() { clock.Advance(time.Second) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(imageURL, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction(consumer, plancheck.ResourceActionUpdate),
					// A renewal is a replacement, which replace_triggered_by sees.
					plancheck.ExpectResourceAction("terraform_data.poster", plancheck.ResourceActionReplace),
					plancheck.ExpectUnknownValue(imageURL, tfjsonpath.New("url")),
					plancheck.ExpectUnknownValue(imageURL, tfjsonpath.New("expires_at")),
					plancheck.ExpectKnownValue(imageURL, tfjsonpath.New("id"), knownvalue.StringExact(acctest.ImageOSS)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					urlChanges.AddStateValue(imageURL, tfjsonpath.New("url")),
					check(imageURL, "url", urlExpires(tg, renewed.Add(300*time.Second))),
					check(imageURL, "expires_at", rfc3339(renewed.Add(300*time.Second))),
					check(imageURL, "renew_at", rfc3339(renewed.Add(240*time.Second))),
					consumerHasURL(),
				},
			},
			{
				PreConfig: func() { clock.Advance(time.Minute) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// Renewal is decided when planning, not when refreshing: a plan with -refresh=false renews too.
func TestAccImageURLResource_renewalWithoutRefresh(t *testing.T) {
	// Parallel before the clock starts: a test waiting for a parallel slot must not find its
	// clock minutes behind the real one (the emulator refuses requests signed 15 minutes away).
	t.Parallel()
	clock := acctest.NewClock()
	tg := acctest.New(t, clock.Emulator)
	tg.RequireEmulator(t)
	config := imageURLConfig(tg, acctest.ImageCDN, `auth_timeout = 120`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: clock.ProviderFactories(),
		AdditionalCLIOptions:     &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{check(imageURL, "renew_before", knownvalue.Int64Exact(60))},
			},
			{
				PreConfig: func() { clock.Advance(time.Minute) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(imageURL, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
		},
	})
}

// Changing any argument, triggers included, replaces the URL.
func TestAccImageURLResource_argumentsReplace(t *testing.T) {
	// Parallel before the clock starts: a test waiting for a parallel slot must not find its
	// clock minutes behind the real one (the emulator refuses requests signed 15 minutes away).
	t.Parallel()
	clock := acctest.NewClock()
	tg := acctest.New(t, clock.Emulator)
	urlChanges := statecheck.CompareValue(compare.ValuesDiffer())
	step := func(args string) resource.TestStep {
		s := resource.TestStep{
			PreConfig: func() { clock.Advance(time.Second) }, // so that the emulator signs a new URL
			Config:    imageURLConfig(tg, tg.ImageID, args),
			ConfigStateChecks: []statecheck.StateCheck{
				urlChanges.AddStateValue(imageURL, tfjsonpath.New("url")),
			},
		}
		if args != "" {
			s.ConfigPlanChecks.PreApply = []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(imageURL, plancheck.ResourceActionDestroyBeforeCreate),
			}
		}
		return s
	}
	steps := []resource.TestStep{
		step(""),
		step(`triggers = { deploy = "1" }`),
		step(`triggers = { deploy = "2" }`),
		step(`triggers = { deploy = "2" }
  auth_timeout = 7200`),
		step(`triggers = { deploy = "2" }
  auth_timeout = 7200
  renew_before = 600`),
		step(`triggers = { deploy = "2" }
  auth_timeout = 7200
  renew_before = 600
  output_type = "oss"`),
	}
	if tg.Emulator == nil {
		// The real cloud may sign identical URLs within a second: check the replacements only.
		for i := range steps {
			steps[i].ConfigStateChecks = nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: clock.ProviderFactories(),
		Steps:                    steps,
	})
}

// An image deleted in VOD between runs takes its URL out of the state: the plan creates it again,
// and the apply reports the image missing, leaving a state that works once the image is back.
func TestAccImageURLResource_imageDeleted(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t) // deletes an image
	const id = "3e34733b40b9a96ccf5c1ff6f69a00d1"
	img := vodemu.Image{
		ImageInfo: vodemu.ImageInfo{
			ImageID: id, Title: "Deleted later", Status: "Normal",
			StorageLocation: "outin-4a5b6c7d8e9f.oss-cn-shanghai.aliyuncs.com",
			URL:             "https://outin-4a5b6c7d8e9f.oss-cn-shanghai.aliyuncs.com/image/default/deleted.png",
		},
	}
	if err := tg.Emulator.Server.PutImage(img); err != nil {
		t.Fatal(err)
	}
	config := imageURLConfig(tg, id, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					if !tg.Emulator.Server.DeleteImage(id) {
						t.Fatal("the image to delete was not in the emulator")
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(imageURL, plancheck.ResourceActionCreate),
				}},
				ExpectError: regexp.MustCompile(`VOD image not found[\s\S]*` + id + `[\s\S]*request\s+ID\s+[0-9A-F-]{8,}`),
			},
			{
				PreConfig: func() {
					if err := tg.Emulator.Server.PutImage(img); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(imageURL, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					check(imageURL, "id", knownvalue.StringExact(id)),
					check(imageURL, "file_url", knownvalue.Null()),
					check(imageURL, "auth_timeout", knownvalue.Int64Exact(3600)),
					check(imageURL, "renew_before", knownvalue.Int64Exact(1800)),
					consumerHasURL(),
				},
			},
		},
	})
}

// Bad arguments fail at plan time, before any API request, as for the data source.
func TestAccImageURLResource_planTimeValidation(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		imageID string
		args    string
		want    string
	}{
		"empty image_id":          {"", "", `Attribute image_id string length must be between 1 and 128, got: 0`},
		"whitespace image_id":     {"   ", "", `must not be empty or only whitespace`},
		"control character":       {"abc\tdef", "", `must not contain control characters`},
		"output_type capitalised": {acctest.ImageCDN, `output_type = "OSS"`, `Attribute output_type value must be one of: \["oss" "cdn"\], got: "OSS"`},
		"auth_timeout zero":       {acctest.ImageCDN, `auth_timeout = 0`, `auth_timeout too short[\s\S]*signed\s+URL\s+stays\s+valid,\s+in\s+seconds:\s+at\s+least\s+1\s+second;\s+got\s+0\.`},
		"auth_timeout above oss max": {acctest.ImageCDN, `output_type = "oss"` + "\n" + `auth_timeout = 2592001`,
			`auth_timeout too long for an OSS URL`},
		"renew_before negative": {acctest.ImageCDN, `renew_before = -1`, `Attribute renew_before value must be at least 0, got: -1`},
		"renew_before equal to the default auth_timeout": {acctest.ImageCDN, `renew_before = 3600`,
			`renew_before not shorter than auth_timeout[\s\S]*renew_before is 3600\s+seconds`},
		"renew_before above auth_timeout": {acctest.ImageCDN, "auth_timeout = 60\nrenew_before = 61",
			`renew_before not shorter than auth_timeout`},
	} {
		t.Run(name, func(t *testing.T) {
			tg := acctest.New(t)
			rejectedBeforeAnyRequest(t, tg, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      imageURLConfig(tg, tc.imageID, tc.args),
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// An auth_timeout known only at apply is checked against renew_before then, still before any request.
func TestAccImageURLResource_validationOfValuesKnownAtApply(t *testing.T) {
	tg := acctest.New(t)
	rejectedBeforeAnyRequest(t, tg, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tg.ProviderConfig() + fmt.Sprintf(`
resource "terraform_data" "validity" {
  input = 600
}

resource "vod_image_url" "test" {
  image_id     = %q
  auth_timeout = terraform_data.validity.output
  renew_before = 600
}
`, tg.ImageID),
			ExpectError: regexp.MustCompile(`renew_before not shorter than auth_timeout`),
		}},
	})
}

// Many URLs are created and checked through batched reads, each resource getting its own image's
// URL; an image deleted from the middle of a batch takes out its own URL only.
func TestAccImageURLResource_batched(t *testing.T) {
	tg := acctest.New(t, withManyImages)
	tg.RequireEmulator(t)
	ids := make([]string, manyImages)
	for i := range ids {
		ids[i] = manyImageID(i)
	}
	const deleted = 7
	config := tg.ProviderConfig() + fmt.Sprintf(`
locals {
  ids = %s
}

resource "vod_image_url" "many" {
  count       = length(local.ids)
  image_id    = local.ids[count.index]
  output_type = "cdn"
}
`, hclList(ids))
	var stateChecks []statecheck.StateCheck
	for i := range ids {
		stateChecks = append(stateChecks, statecheck.ExpectKnownValue(fmt.Sprintf("vod_image_url.many[%d]", i),
			tfjsonpath.New("url"), knownvalue.StringRegexp(regexp.MustCompile(fmt.Sprintf(`/%d\.jpg\?auth_key=`, i)))))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: stateChecks},
			{
				PreConfig: func() {
					single, batches := tg.Count("GetImageInfo", ""), tg.Count("GetImageInfos", "")
					if batches == 0 || single+batches >= manyImages {
						t.Errorf("creating and refreshing %d URLs made %d GetImageInfo and %d GetImageInfos calls: not coalesced",
							manyImages, single, batches)
					}
					t.Logf("%d URLs created and refreshed with %d GetImageInfo and %d GetImageInfos calls", manyImages, single, batches)
					tg.Emulator.Server.DeleteImage(ids[deleted])
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(fmt.Sprintf("vod_image_url.many[%d]", deleted), plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(fmt.Sprintf("vod_image_url.many[%d]", deleted+1), plancheck.ResourceActionNoop),
				}},
				ExpectError: regexp.MustCompile(`VOD image not found[\s\S]*` + ids[deleted]),
			},
		},
	})
}
