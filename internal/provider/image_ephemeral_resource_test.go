package provider_test

import (
	"bytes"
	"context"
	"encoding/json"
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
	for name, tc := range map[string]struct {
		imageID string
		args    string
		want    map[string]knownvalue.Check
	}{
		"cdn with auth_timeout": {acctest.ImageCDN, `output_type = "cdn"` + "\n" + `auth_timeout = 600`, map[string]knownvalue.Check{
			"image_id":         knownvalue.StringExact(acctest.ImageCDN),
			"id":               knownvalue.StringExact(acctest.ImageCDN),
			"output_type":      knownvalue.StringExact("cdn"),
			"auth_timeout":     knownvalue.Int64Exact(600),
			"url":              acctest.CDNURL(600 * time.Second),
			"title":            knownvalue.StringExact("Spring catalogue cover"),
			"description":      knownvalue.StringExact("Cover of the spring catalogue"),
			"status":           knownvalue.StringExact("Normal"),
			"creation_time":    knownvalue.StringExact("2024-03-01T08:15:00Z"),
			"storage_location": knownvalue.StringExact("outin-4a5b6c7d8e9f.oss-cn-shanghai.aliyuncs.com"),
			"cate_id":          knownvalue.Int64Exact(254766071),
			"cate_name":        knownvalue.StringExact("covers"),
			"image_type":       knownvalue.StringExact("CoverSnapshot"),
			"app_id":           knownvalue.StringExact("app-1000000"),
			"tags": knownvalue.ListExact([]knownvalue.Check{
				knownvalue.StringExact("spring"), knownvalue.StringExact("catalogue"), knownvalue.StringExact("cover"),
			}),
			"mezzanine": knownvalue.ObjectExact(map[string]knownvalue.Check{
				"file_url":           acctest.OSSURL(600 * time.Second), // the source file is always an OSS URL
				"original_file_name": knownvalue.StringExact("spring-cover.jpg"),
				"width":              knownvalue.Int64Exact(1920),
				"height":             knownvalue.Int64Exact(1080),
				"file_size":          knownvalue.Int64Exact(482913), // sent as the string "482913"
			}),
		}},
		"oss with auth_timeout": {acctest.ImageOSS, `output_type = "oss"` + "\n" + `auth_timeout = 7200`, map[string]knownvalue.Check{
			"image_id":         knownvalue.StringExact(acctest.ImageOSS),
			"id":               knownvalue.StringExact(acctest.ImageOSS),
			"output_type":      knownvalue.StringExact("oss"),
			"auth_timeout":     knownvalue.Int64Exact(7200),
			"url":              acctest.OSSURL(2 * time.Hour),
			"title":            knownvalue.StringExact("Product sprite"),
			"description":      knownvalue.StringExact(""),
			"status":           knownvalue.StringExact("Normal"),
			"creation_time":    knownvalue.StringExact("2024-05-12T23:59:59Z"),
			"storage_location": knownvalue.StringExact("outin-4a5b6c7d8e9f.oss-cn-shanghai.aliyuncs.com"),
			"cate_id":          knownvalue.Int64Exact(254766072),
			"cate_name":        knownvalue.StringExact("sprites"),
			"image_type":       knownvalue.StringExact("SpriteSnapshot"),
			"app_id":           knownvalue.StringExact("app-1000000"),
			"tags":             knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("sprite")}),
			"mezzanine": knownvalue.ObjectExact(map[string]knownvalue.Check{
				"file_url":           acctest.OSSURL(2 * time.Hour),
				"original_file_name": knownvalue.StringExact("sprite.png"),
				"width":              knownvalue.Int64Exact(640),
				"height":             knownvalue.Int64Exact(360),
				"file_size":          knownvalue.Int64Exact(73211), // sent as a number
			}),
		}},
		"no mezzanine, defaults": {acctest.ImageUploading, "", map[string]knownvalue.Check{
			"image_id":         knownvalue.StringExact(acctest.ImageUploading),
			"id":               knownvalue.StringExact(acctest.ImageUploading),
			"output_type":      knownvalue.Null(),
			"auth_timeout":     knownvalue.Null(),
			"url":              acctest.CDNURL(0), // a CDN domain is configured for it; no offset without auth_timeout
			"title":            knownvalue.StringExact("Upload in progress"),
			"description":      knownvalue.StringExact(""),
			"status":           knownvalue.StringExact("Uploading"),
			"creation_time":    knownvalue.StringExact("2024-06-30T12:00:00Z"),
			"storage_location": knownvalue.StringExact("outin-4a5b6c7d8e9f.oss-cn-shanghai.aliyuncs.com"),
			"cate_id":          knownvalue.Int64Exact(0),
			"cate_name":        knownvalue.StringExact(""),
			"image_type":       knownvalue.StringExact("NormalSnapshot"),
			"app_id":           knownvalue.StringExact("app-1000000"),
			"tags":             knownvalue.ListSizeExact(0),
			"mezzanine":        knownvalue.Null(),
		}},
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
		"the data source's object key": "3E34733B40B9A96CCF5C1FF6F69A0002",
		"the data source's title":      "Product sprite",
	}
	absent := map[string]string{
		"the ephemeral image's object key (its url and mezzanine.file_url)": "3E34733B40B9A96CCF5C1FF6F69A0001",
		"a CDN auth_key":                "auth_key",
		"the ephemeral image's title":   "Spring catalogue cover",
		"the ephemeral image's picture": "spring-cover.jpg",
	}
	scanPlan := planCheckFunc(func(p *tfjson.Plan) error {
		return scanArtifact("plan", p, dataSourceURL(p.PriorState), present, absent)
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
						planCheckFunc(func(*tfjson.Plan) error {
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
					stateCheckFunc(func(s *tfjson.State) error {
						return scanArtifact("state", s, dataSourceURL(s), present, absent)
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

// dataSourceURL is the url of data.vod_image.public in a state, or "" if it has none.
func dataSourceURL(s *tfjson.State) string {
	if s == nil || s.Values == nil || s.Values.RootModule == nil {
		return ""
	}
	for _, r := range s.Values.RootModule.Resources {
		if r.Address == "data.vod_image.public" {
			u, _ := r.AttributeValues["url"].(string)
			return u
		}
	}
	return ""
}

// scanArtifact marshals a plan or state, as `terraform show -json` gave it, back to JSON and looks
// for the strings that must and must not be there. wantURL, a signed URL, must be there too.
func scanArtifact(what string, v any, wantURL string, present, absent map[string]string) error {
	if wantURL == "" {
		return fmt.Errorf("the %s holds no url of data.vod_image.public: the scan could not tell a URL from none", what)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep & in URLs as it is
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("marshalling the %s: %w", what, err)
	}
	text := buf.String()
	var errs []string
	if !strings.Contains(text, wantURL) {
		errs = append(errs, fmt.Sprintf("the %s (%d bytes of JSON) lacks the data source's signed URL %q: the scan is blind", what, len(text), wantURL))
	}
	for name, s := range present {
		if !strings.Contains(text, s) {
			errs = append(errs, fmt.Sprintf("the %s lacks %s %q: the scan is blind", what, name, s))
		}
	}
	for name, s := range absent {
		if i := strings.Index(text, s); i >= 0 {
			errs = append(errs, fmt.Sprintf("the %s contains %s %q: …%s…", what, name, s, text[max(0, i-80):min(len(text), i+len(s)+80)]))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return nil
}

type planCheckFunc func(*tfjson.Plan) error

func (f planCheckFunc) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f(req.Plan)
}

type stateCheckFunc func(*tfjson.State) error

func (f stateCheckFunc) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f(req.State)
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
	for name, tc := range map[string]struct {
		imageID string
		args    string
		want    string
	}{
		"empty image_id":      {"", "", `image_id\s+string\s+length\s+must\s+be\s+between\s+1\s+and\s+128,\s+got:\s+0`},
		"output_type unknown": {acctest.ImageCDN, `output_type = "ftp"`, `output_type\s+value\s+must\s+be\s+one\s+of:\s+\["oss"\s+"cdn"\],\s+got:\s+"ftp"`},
		"auth_timeout zero":   {acctest.ImageCDN, `auth_timeout = 0`, `auth_timeout\s+value\s+must\s+be\s+at\s+least\s+1,\s+got:\s+0`},
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
				planCheckFunc(func(*tfjson.Plan) error {
					if n := tg.Requests(); n > 0 {
						return fmt.Errorf("the emulator answered %d requests during a plan whose image_id is unknown", n)
					}
					return nil
				}),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(echoed, tfjsonpath.New("data").AtMapKey("id"), knownvalue.StringExact(acctest.ImageCDN)),
				statecheck.ExpectKnownValue(echoed, tfjsonpath.New("data").AtMapKey("title"), knownvalue.StringExact("Spring catalogue cover")),
				statecheck.ExpectKnownValue(echoed, tfjsonpath.New("data").AtMapKey("url"), acctest.CDNURL(600*time.Second)),
			},
		}},
	})
}
