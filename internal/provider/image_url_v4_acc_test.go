package provider_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
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

// OSS URLs signed with V4, as OSS issues them to accounts created from 2025-03-01 and buckets
// created from 2025-09-01: x-oss-date + x-oss-expires, at most 604800 s (7 days).

const week = 7 * 24 * time.Hour

// signsV4 makes the emulator sign every OSS URL with V4.
func signsV4(o *vodemu.Options) { o.OSSSignatureVersion = vodemu.OSSSignatureV4 }

// ossAcceptsUntil checks, as OSS would, that a URL in the state is accepted at expiry and refused
// a second later: expires_at is when the URL really stops.
func ossAcceptsUntil(expiry func() time.Time) knownvalue.Check {
	return knownvalue.StringFunc(func(v string) error {
		at := expiry()
		if err := vodemu.VerifyOSSURL(v, vodemu.DefaultOSSAccessKeyID, vodemu.DefaultOSSAccessKeySecret, at); err != nil {
			return fmt.Errorf("OSS refuses %q at %s: %w", v, at.UTC().Format(time.RFC3339), err)
		}
		if vodemu.VerifyOSSURL(v, vodemu.DefaultOSSAccessKeyID, vodemu.DefaultOSSAccessKeySecret, at.Add(time.Second)) == nil {
			return fmt.Errorf("OSS accepts %q after %s", v, at.UTC().Format(time.RFC3339))
		}
		return nil
	})
}

// A V4 URL of an image in VOD's bucket asked for 30 days holds 7: expires_at is the URL's own
// expiry, not the request time plus auth_timeout, and renewal comes before it (half of what the
// URL holds, as the default renew_before of half of auth_timeout no longer fits), not after the
// URL has died.
func TestAccImageURLResource_v4URLCutTo7Days(t *testing.T) {
	// Parallel before the clock starts: a test waiting for a parallel slot must not find its
	// clock minutes behind the real one (the emulator refuses requests signed 15 minutes away).
	t.Parallel()
	clock := acctest.NewClock()
	start := clock.Now()
	// VOD's clock is its own: it stands at start, moved by hand, while the provider's jumps days
	// (requests carry the real time, which the emulator accepts within 15 minutes of its clock).
	var vodShift atomic.Int64
	vodNow := func() time.Time { return start.Add(time.Duration(vodShift.Load())) }
	tg := acctest.New(t, signsV4, func(o *vodemu.Options) { o.Now = vodNow })
	tg.RequireEmulator(t)
	config := imageURLConfig(tg, acctest.ImageOSS, `output_type = "oss"
  auth_timeout = 2592000`)
	urlChanges := statecheck.CompareValue(compare.ValuesDiffer())
	firstExpiry := start.Add(week)
	renewed := start.Add(week / 2)
	// The renewal is signed by VOD ten minutes later, again for 7 days, and asked for at renewed.
	secondExpiry := start.Add(10*time.Minute + week)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: clock.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					urlChanges.AddStateValue(imageURL, tfjsonpath.New("url")),
					check(imageURL, "url", acctest.OSSV4URL(week)),
					check(imageURL, "url", ossAcceptsUntil(func() time.Time { return firstExpiry })),
					check(imageURL, "expires_at", rfc3339(firstExpiry)),
					check(imageURL, "renew_before", knownvalue.Int64Exact(1296000)),
					check(imageURL, "renew_at", rfc3339(renewed)),
					consumerHasURL(),
				},
			},
			{
				PreConfig: func() { clock.Advance(week/2 - time.Second) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				PreConfig: func() {
					clock.Advance(time.Second)
					vodShift.Store(int64(10 * time.Minute))
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(imageURL, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction(consumer, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					urlChanges.AddStateValue(imageURL, tfjsonpath.New("url")),
					check(imageURL, "url", ossAcceptsUntil(func() time.Time { return secondExpiry })),
					check(imageURL, "expires_at", rfc3339(secondExpiry)),
					// Half of the 3.5 days and 10 minutes the new URL holds from the renewal on.
					check(imageURL, "renew_at", rfc3339(secondExpiry.Add(-secondExpiry.Sub(renewed)/2))),
					consumerHasURL(),
				},
			},
		},
	})
}

// A V4 URL within the cap, from a VOD whose clock is two minutes behind the provider's: expires_at
// is what the URL says, x-oss-date + x-oss-expires, as OSS checks it, not the request time plus
// auth_timeout; renew_at follows it, and the renewal's URL is read the same way.
func TestAccImageURLResource_v4URLRenewal(t *testing.T) {
	// Parallel before the clock starts: a test waiting for a parallel slot must not find its
	// clock minutes behind the real one (the emulator refuses requests signed 15 minutes away).
	t.Parallel()
	clock := acctest.NewClock()
	start := clock.Now()
	const behind = 2 * time.Minute
	tg := acctest.New(t, signsV4, func(o *vodemu.Options) { o.Now = func() time.Time { return clock.Now().Add(-behind) } })
	tg.RequireEmulator(t)
	config := imageURLConfig(tg, acctest.ImageOSS, `output_type = "oss"
  auth_timeout = 300
  renew_before = 60`)
	urlChanges := statecheck.CompareValue(compare.ValuesDiffer())
	firstExpiry := start.Add(300*time.Second - behind)
	renewed := firstExpiry.Add(-60 * time.Second)
	secondExpiry := renewed.Add(300*time.Second - behind)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: clock.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					urlChanges.AddStateValue(imageURL, tfjsonpath.New("url")),
					check(imageURL, "url", ossAcceptsUntil(func() time.Time { return firstExpiry })),
					check(imageURL, "file_url", ossAcceptsUntil(func() time.Time { return firstExpiry })),
					check(imageURL, "expires_at", rfc3339(firstExpiry)),
					check(imageURL, "renew_at", rfc3339(renewed)),
				},
			},
			{
				PreConfig: func() { clock.Advance(renewed.Sub(start) - time.Second) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				PreConfig: func() { clock.Advance(time.Second) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(imageURL, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					urlChanges.AddStateValue(imageURL, tfjsonpath.New("url")),
					check(imageURL, "url", ossAcceptsUntil(func() time.Time { return secondExpiry })),
					check(imageURL, "expires_at", rfc3339(secondExpiry)),
					check(imageURL, "renew_at", rfc3339(secondExpiry.Add(-60*time.Second))),
					consumerHasURL(),
				},
			},
		},
	})
}

// The data sources pass V4 URLs through as VOD returns them, the image's and the source file's,
// and they open the object at the emulator's OSS endpoint until their own expiry.
func TestAccImageDataSource_v4URLs(t *testing.T) {
	tg := acctest.New(t, signsV4)
	tg.RequireEmulator(t)
	issued := time.Now()
	within := func(d time.Duration) knownvalue.Check {
		return knownvalue.StringFunc(func(v string) error {
			// The emulator's clock is the real one: the URL holds at least d from before the read.
			if err := vodemu.VerifyOSSURL(v, vodemu.DefaultOSSAccessKeyID, vodemu.DefaultOSSAccessKeySecret, issued.Add(d-time.Second)); err != nil {
				return err
			}
			if vodemu.VerifyOSSURL(v, vodemu.DefaultOSSAccessKeyID, vodemu.DefaultOSSAccessKeySecret, time.Now().Add(d+time.Second)) == nil {
				return fmt.Errorf("%q holds longer than %s", v, d)
			}
			return nil
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tg.ProviderConfig() + fmt.Sprintf(`
data "vod_image" "test" {
  image_id     = %[1]q
  output_type  = "oss"
  auth_timeout = 7200
}

data "vod_image" "capped" {
  image_id     = %[1]q
  output_type  = "oss"
  auth_timeout = 2592000
}

data "vod_images" "test" {
  ids          = [%[1]q, %[2]q]
  output_type  = "oss"
  auth_timeout = 900
}
`, acctest.ImageOSS, acctest.ImageCDN),
			ConfigStateChecks: []statecheck.StateCheck{
				check(image, "url", acctest.OSSV4URL(2*time.Hour)),
				check(image, "url", within(2*time.Hour)),
				statecheck.ExpectKnownValue(image, tfjsonpath.New("mezzanine").AtMapKey("file_url"), acctest.OSSV4URL(2*time.Hour)),
				check("data.vod_image.capped", "url", acctest.OSSV4URL(week)),
				check("data.vod_image.capped", "url", within(week)),
				imageAt(0, "url", acctest.OSSV4URL(15*time.Minute)),
				imageAt(1, "url", acctest.OSSV4URL(15*time.Minute)),
				imageAt(1, "url", within(15*time.Minute)),
			},
		}},
	})
}

// An auth_timeout beyond what a V4 URL holds is said once, plainly, by the real CLI: once by the
// data source at each plan that reads it, once by vod_image_url when it creates the URL, and not
// again while the URL is kept.
func TestAccImageURL_v4CapWarnedOnce(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	tg := acctest.New(t, signsV4)
	tg.RequireEmulator(t)
	cli := newRealTerraform(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.tf"), acctest.RequiredProviders+tg.ProviderConfig()+fmt.Sprintf(`
data "vod_image" "test" {
  image_id     = %[1]q
  output_type  = "oss"
  auth_timeout = 2592000
}

resource "vod_image_url" "test" {
  image_id     = %[1]q
  output_type  = "oss"
  auth_timeout = 2592000
}
`, acctest.ImageOSS))
	// -json: each diagnostic on its own line, where the human view folds warnings with the same
	// summary into "(and one more similar warning elsewhere)".
	warnings := func(out string) (fromDataSource, fromResource int) {
		for _, line := range strings.Split(out, "\n") {
			var msg struct {
				Type       string `json:"type"`
				Diagnostic struct {
					Severity, Summary, Detail string
				} `json:"diagnostic"`
			}
			if json.Unmarshal([]byte(line), &msg) != nil || msg.Type != "diagnostic" ||
				msg.Diagnostic.Summary != "auth_timeout longer than a V4-signed OSS URL can last" {
				continue
			}
			d := msg.Diagnostic
			if d.Severity != "warning" {
				t.Errorf("severity %q, want warning", d.Severity)
			}
			if strings.Contains(d.Detail, "vod_image_url renews it before that") {
				fromResource++
			} else {
				fromDataSource++
			}
			for _, want := range []string{acctest.ImageOSS, "at most 604800 seconds (7 days)", "valid for 604800 seconds",
				"not the 2592000 seconds that auth_timeout asks for", "Set auth_timeout to 604800 or less"} {
				if !strings.Contains(d.Detail, want) {
					t.Errorf("the warning lacks %q: %s", want, d.Detail)
				}
			}
		}
		return fromDataSource, fromResource
	}
	for run, want := range [][2]int{{1, 1}, {1, 0}} {
		stdout, stderr, failed := cli.run(t, dir, "apply", "-auto-approve", "-input=false", "-json")
		if failed {
			t.Fatalf("apply %d failed:\n%s\n%s", run+1, stdout, stderr)
		}
		if ds, res := warnings(stdout); ds != want[0] || res != want[1] {
			t.Errorf("apply %d: %d warnings from the data source and %d from the resource, want %d and %d:\n%s\n%s",
				run+1, ds, res, want[0], want[1], stdout, stderr)
		}
	}
}

// run runs the acceptance tests' CLI with args in dir, on the provider built from this tree,
// without any TF_LOG* variable, and returns its standard output and error; failed says whether
// it failed.
func (r *realTerraform) run(t *testing.T, dir string, args ...string) (stdout, stderr string, failed bool) {
	t.Helper()
	cmd := exec.CommandContext(r.ctx, os.Getenv("TF_ACC_TERRAFORM_PATH"), args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_LOG") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "TF_CLI_CONFIG_FILE="+r.rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running %s: %v", os.Getenv("TF_ACC_TERRAFORM_PATH"), err)
	}
	return out.String(), errOut.String(), err != nil
}
