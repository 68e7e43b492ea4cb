package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// Acceptance tests of the list resources (terraform query): they run under a CLI that has it
// (Terraform 1.14 and later, .ci/acc-query) and skip with the reason under the others.

// listQuery is a query configuration: the provider block, then a list block of the given type,
// name and body (its arguments, such as a config block and include_resource).
func listQuery(tg *acctest.Target, typ, name, body string) string {
	return tg.ProviderConfig() + fmt.Sprintf("\nlist %q %q {\n  provider = vod\n%s\n}\n", typ, name, body)
}

// queryCase runs query steps on the provider, skipped without terraform query.
func queryCase(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	for i := range steps {
		steps[i].Query = true
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.QuerySupported()},
		Steps:                    steps,
	})
}

// imageIdentity is the identity of the image id.
func imageIdentity(id string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{"image_id": knownvalue.StringExact(id)}
}

// Without include_resource: every fixture image, each with its identity and its title and ID as
// display name, found with SearchMedia alone.
func TestAccImageList_query(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	checks := []querycheck.QueryResultCheck{querycheck.ExpectLength("vod_image.all", 5)}
	for _, id := range []string{acctest.ImageCDN, acctest.ImageOSS, acctest.ImageUploading, acctest.ImageAutumn, acctest.ImageChef} {
		checks = append(checks, querycheck.ExpectIdentity("vod_image.all", imageIdentity(id)),
			querycheck.ExpectResourceDisplayName("vod_image.all", queryfilter.ByResourceIdentity(imageIdentity(id)),
				knownvalue.StringExact(fmt.Sprintf("%s (%s)", acctest.Fixture(id).Title, id))))
	}
	queryCase(t, resource.TestStep{Config: listQuery(tg, "vod_image", "all", "  config {}"), QueryResultChecks: checks})
	if n := tg.Count("GetImageInfos", "") + tg.Count("GetImageInfo", ""); n != 0 {
		t.Errorf("without include_resource, the list read %d images; SearchMedia alone names them", n)
	}
}

// With include_resource: each result carries the vod_image resource's attributes as an import
// reads them, with image_type in the form the configuration takes.
func TestAccImageList_includeResource(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	cover := acctest.Fixture(acctest.ImageCDN)
	at := func(attr string, want knownvalue.Check) querycheck.KnownValueCheck {
		return querycheck.KnownValueCheck{Path: tfjsonpath.New(attr), KnownValue: want}
	}
	queryCase(t, resource.TestStep{
		Config: listQuery(tg, "vod_image", "spring", `  include_resource = true
  config {
    title = "Spring"
  }`),
		QueryResultChecks: []querycheck.QueryResultCheck{
			querycheck.ExpectLength("vod_image.spring", 1),
			querycheck.ExpectResourceKnownValues("vod_image.spring", queryfilter.ByResourceIdentity(imageIdentity(acctest.ImageCDN)),
				[]querycheck.KnownValueCheck{
					at("id", knownvalue.StringExact(acctest.ImageCDN)),
					at("title", knownvalue.StringExact(cover.Title)),
					at("image_type", knownvalue.StringExact("cover")),
					at("cate_id", knownvalue.Int64Exact(cover.CateID)),
					at("app_id", knownvalue.StringExact(cover.AppID)),
					at("status", knownvalue.StringExact("Normal")),
					at("tags", knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("spring"),
						knownvalue.StringExact("catalogue"), knownvalue.StringExact("cover")})),
					at("source", knownvalue.Null()),
					at("content_sha256", knownvalue.Null()),
				}),
		},
	})
}

// The filter's attributes narrow the list as vod_images' filter does, every one given must match.
func TestAccImageList_filters(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	config := tg.ProviderConfig()
	for name, body := range map[string]string{
		"failed":   `status = ["UploadFail"]`,
		"app":      `app_id = "app-1000000"`,
		"catalog":  `tags = ["catalogue"]`,
		"category": `cate_id = 254766071`,
		"spring":   `created_after = "2024-01-01T00:00:00Z"` + "\n    " + `created_before = "2024-06-30T12:00:00Z"`,
		"none":     `title = "no such image"`,
	} {
		config += fmt.Sprintf("\nlist \"vod_image\" %q {\n  provider = vod\n  config {\n    %s\n  }\n}\n", name, body)
	}
	queryCase(t, resource.TestStep{Config: config, QueryResultChecks: []querycheck.QueryResultCheck{
		querycheck.ExpectLength("vod_image.failed", 1),
		querycheck.ExpectIdentity("vod_image.failed", imageIdentity(acctest.ImageChef)),
		querycheck.ExpectLength("vod_image.app", 4),
		querycheck.ExpectLength("vod_image.catalog", 2),
		querycheck.ExpectIdentity("vod_image.catalog", imageIdentity(acctest.ImageAutumn)),
		querycheck.ExpectLength("vod_image.category", 2),
		querycheck.ExpectLength("vod_image.spring", 3),
		querycheck.ExpectIdentity("vod_image.spring", imageIdentity(acctest.ImageUploading)),
		querycheck.ExpectLength("vod_image.none", 0),
	}})
}

// A bad filter is refused when Terraform validates the query, before any request, saying which
// argument and why.
func TestAccImageList_badFilterAtValidation(t *testing.T) {
	t.Parallel()
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	for name, tc := range map[string]struct{ body, want string }{
		"range":  {`created_after = "2025-01-01T00:00:00Z"` + "\n    " + `created_before = "2024-01-01T00:00:00Z"`, `(?s)Empty creation time range.*later than created_before`},
		"time":   {`created_after = "yesterday"`, `(?s)created_after.*RFC 3339 timestamp`},
		"status": {`status = ["Deleted"]`, `(?s)status.*Uploading.*Normal.*UploadFail`},
		"title":  {`title = ""`, `(?s)title.*at least 1`},
	} {
		t.Run(name, func(t *testing.T) {
			queryCase(t, resource.TestStep{
				Config:      listQuery(tg, "vod_image", "bad", fmt.Sprintf("  config {\n    %s\n  }", tc.body)),
				ExpectError: regexp.MustCompile(tc.want),
			})
		})
	}
	t.Cleanup(func() { // after the parallel subtests
		if n := tg.Requests(); n != 0 {
			t.Errorf("the emulator answered %d requests; a bad filter should be refused before any", n)
		}
	})
}

// libraryBeyondCap is the number of images of TestAccImageList_beyondThePagingCap: more than twice
// SearchMedia's 5,000-hit paging cap, as the issue asks.
const libraryBeyondCap = 12000

// A library beyond SearchMedia's paging cap is listed whole, each image once, without the user
// splitting the query: the provider splits it by creation time.
func TestAccImageList_beyondThePagingCap(t *testing.T) {
	requireQuery(t) // before building the library
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	var library []vodemu.Image
	for i := range libraryBeyondCap {
		library = append(library, vodemu.Image{ImageInfo: vodemu.ImageInfo{
			ImageID: fmt.Sprintf("%032x", 0xb16000000+i), Title: fmt.Sprintf("library %d", i), Status: "Normal",
			// Ten images a minute, so that window boundaries fall inside shared seconds.
			CreationTime:    base.Add(time.Duration(i/10) * time.Minute).Format("2006-01-02T15:04:05Z"),
			URL:             fmt.Sprintf("https://img.example-cdn.com/image/default/library-%d.jpg", i),
			StorageLocation: "outin-4a5b6c7d8e9f.oss-cn-shanghai.aliyuncs.com",
		}})
	}
	tg := acctest.New(t, func(o *vodemu.Options) { o.Images = library })
	tg.RequireEmulator(t)
	queryCase(t, resource.TestStep{
		Config: listQuery(tg, "vod_image", "library", fmt.Sprintf("  limit = %d\n  config {}", 2*libraryBeyondCap)),
		QueryResultChecks: []querycheck.QueryResultCheck{
			querycheck.ExpectLength("vod_image.library", libraryBeyondCap),
			eachOnce{address: "list.vod_image.library", want: libraryBeyondCap},
		},
	})
	// 120 full pages; each window boundary re-reads at most one page.
	if calls := tg.Count("SearchMedia", ""); calls > libraryBeyondCap/100+3 {
		t.Errorf("SearchMedia answered %d calls for %d images, want at most %d", calls, libraryBeyondCap, libraryBeyondCap/100+3)
	}
}

// eachOnce checks that a list block's results name want distinct images, none twice.
type eachOnce struct {
	address string
	want    int
}

func (c eachOnce) CheckQuery(_ context.Context, req querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	seen := map[string]int{}
	for _, r := range req.Query {
		if r.Address != c.address {
			continue
		}
		id, _ := r.Identity["image_id"].(string)
		seen[id]++
	}
	var twice []string
	for id, n := range seen {
		if n > 1 {
			twice = append(twice, id)
		}
	}
	switch {
	case len(twice) > 0:
		resp.Error = fmt.Errorf("%s listed %d images more than once, such as %s", c.address, len(twice), twice[0])
	case len(seen) != c.want:
		resp.Error = fmt.Errorf("%s listed %d distinct images, want %d", c.address, len(seen), c.want)
	}
}

// The list stops at the list block's limit, and so do its searches.
func TestAccImageList_limit(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	queryCase(t, resource.TestStep{
		Config: listQuery(tg, "vod_image", "two", "  limit = 2\n  config {}"),
		QueryResultChecks: []querycheck.QueryResultCheck{
			querycheck.ExpectLength("vod_image.two", 2),
			// Oldest first.
			querycheck.ExpectIdentity("vod_image.two", imageIdentity(acctest.ImageCDN)),
			querycheck.ExpectIdentity("vod_image.two", imageIdentity(acctest.ImageOSS)),
		},
	})
	if n := tg.Count("SearchMedia", ""); n != 1 {
		t.Errorf("SearchMedia answered %d calls for 2 images, want 1", n)
	}
}

// containsAll fails unless s has each of parts.
func containsAll(t *testing.T, what, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("%s does not contain %q:\n%s", what, p, s)
		}
	}
}
