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

// imagesConfig is the provider block plus one vod_images with the given body.
func imagesConfig(tg *acctest.Target, body string) string {
	return tg.ProviderConfig() + fmt.Sprintf("\ndata \"vod_images\" \"test\" {\n%s\n}\n", body)
}

func TestAccImagesDataSource_idsInTheirOrder(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: imagesConfig(tg, fmt.Sprintf(`  ids          = [%q, %q, %q]
  output_type  = "oss"
  auth_timeout = 900`, acctest.ImageOSS, acctest.ImageCDN, acctest.ImageUploading)),
			ConfigStateChecks: []statecheck.StateCheck{
				imageIDsAre(acctest.ImageOSS, acctest.ImageCDN, acctest.ImageUploading),
				imageAt(0, "url", acctest.OSSURL(15*time.Minute)),
				imageAt(1, "url", acctest.OSSURL(15*time.Minute)),
				imageAt(1, "title", knownvalue.StringExact(coverTitle)),
				imageAt(1, "modification_time", knownvalue.Null()), // GetImageInfos does not return it
				imageAt(1, "tags", acctest.ImageChecks(acctest.ImageCDN, nil)["tags"]),
				imageAt(1, "mezzanine", acctest.ImageChecks(acctest.ImageCDN, acctest.OSSURL(15*time.Minute))["mezzanine"]),
				imageAt(2, "status", knownvalue.StringExact("Uploading")),
				imageAt(2, "mezzanine", knownvalue.Null()),
				check(images, "total_count", knownvalue.Int64Exact(3)),
				check(images, "missing_ids", knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
	if n := tg.Count("GetImageInfo", ""); n != 0 {
		t.Errorf("the emulator answered %d GetImageInfo requests; vod_images should read with GetImageInfos alone", n)
	}
}

// Any number of IDs: 45 images take 3 GetImageInfos calls per read, and keep their order.
func TestAccImagesDataSource_manyIDs(t *testing.T) {
	const n = 45
	var extra []vodemu.Image
	var ids []string
	for i := n; i > 0; i-- { // descending, so that the order is not the emulator's
		id := fmt.Sprintf("%032x", 0xbeef0000+i)
		ids = append(ids, id)
		extra = append(extra, vodemu.Image{
			ImageInfo: vodemu.ImageInfo{ImageID: id, Title: fmt.Sprintf("generated %d", i), Status: "Normal",
				CreationTime: "2024-01-01T00:00:00Z", URL: fmt.Sprintf("https://img.example-cdn.com/image/default/%d.jpg", i),
				StorageLocation: "outin-4a5b6c7d8e9f.oss-cn-shanghai.aliyuncs.com",
			},
		})
	}
	tg := acctest.New(t, func(o *vodemu.Options) { o.Images = append(o.Images, extra...) })
	tg.RequireEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            imagesConfig(tg, "  ids = "+hclList(ids)),
			ConfigStateChecks: []statecheck.StateCheck{imageIDsAre(ids...), imageAt(44, "title", knownvalue.StringExact("generated 1"))},
		}},
	})
	calls := tg.Count("GetImageInfos", "")
	if calls == 0 || calls%3 != 0 {
		t.Errorf("GetImageInfos calls = %d, want a multiple of 3 (45 IDs, 20 per call, for each read)", calls)
	}
}

func TestAccImagesDataSource_missingIDs(t *testing.T) {
	tg := acctest.New(t)
	ids := fmt.Sprintf("[%q, %q]", tg.ImageID, acctest.MissingImage)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: imagesConfig(tg, "  ids = "+ids),
				ExpectError: regexp.MustCompile(`VOD images not found(.|\n)*1 of the 2 IDs name no image(.|\n)*` + acctest.MissingImage +
					`(.|\n)*VOD said so in request\s+\S+`),
			},
			{
				Config: imagesConfig(tg, "  ids = "+ids+"\n  ignore_missing = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					imageIDsAre(tg.ImageID),
					check(images, "missing_ids", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(acctest.MissingImage)})),
					check(images, "total_count", knownvalue.Int64Exact(1)),
				},
			},
		},
	})
}

func TestAccImagesDataSource_emptyIDs(t *testing.T) {
	tg := acctest.New(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            imagesConfig(tg, "  ids = []"),
			ConfigStateChecks: []statecheck.StateCheck{imageIDsAre(), check(images, "total_count", knownvalue.Int64Exact(0))},
		}},
	})
	if n := tg.Requests(); n > 0 {
		t.Errorf("the emulator answered %d requests; an empty ids list needs none", n)
	}
}

// The filter block becomes a SearchMedia Match expression; the fixture has five images (see
// internal/acctest/testdata/images.json), newest first: Chef, Autumn, Uploading, OSS, CDN.
func TestAccImagesDataSource_filter(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		body  string
		want  []string
		total int64
	}{
		"title, oldest first": {`filter { title = "catalogue" }
  sort = "CreationTime:Asc"`, []string{acctest.ImageCDN, acctest.ImageAutumn}, 2},
		"every tag":           {`filter { tags = ["cover", "catalogue"] }`, []string{acctest.ImageAutumn, acctest.ImageCDN}, 2},
		"statuses":            {`filter { status = ["Uploading", "UploadFail"] }`, []string{acctest.ImageChef, acctest.ImageUploading}, 2},
		"category":            {`filter { cate_id = 254766071 }`, []string{acctest.ImageAutumn, acctest.ImageCDN}, 2},
		"app":                 {`filter { app_id = "app-2000000" }`, []string{acctest.ImageChef}, 1},
		"quotes in the title": {`filter { title = "Chef's \"special\"" }`, []string{acctest.ImageChef}, 1},
		"creation time range in another zone": {`filter {
    created_after  = "2024-05-13T07:59:59+08:00"
    created_before = "2024-12-31T23:59:59Z"
  }`, []string{acctest.ImageAutumn, acctest.ImageUploading, acctest.ImageOSS}, 3},
		"storage and status together": {`filter {
    storage_location = "outin-4a5b6c7d8e9f.oss-cn-shanghai.aliyuncs.com"
    status           = ["Normal"]
  }`, []string{acctest.ImageAutumn, acctest.ImageOSS, acctest.ImageCDN}, 3},
		"everything, cut by max_results": {"filter {}\n  max_results = 2", []string{acctest.ImageChef, acctest.ImageAutumn}, 5},
		"nothing matches":                {`filter { title = "no such title" }`, nil, 0},
	} {
		t.Run(name, func(t *testing.T) {
			tg := acctest.New(t)
			tg.RequireEmulator(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: imagesConfig(tg, "  "+tc.body),
					ConfigStateChecks: []statecheck.StateCheck{
						imageIDsAre(tc.want...),
						check(images, "total_count", knownvalue.Int64Exact(tc.total)),
					},
				}},
			})
		})
	}
}

// A filter's images carry URLs of the asked type, like the ids form's.
func TestAccImagesDataSource_filterURLs(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: imagesConfig(tg, `  filter { tags = ["spring"] }
  output_type  = "cdn"
  auth_timeout = 300`),
			ConfigStateChecks: []statecheck.StateCheck{
				imageIDsAre(acctest.ImageCDN),
				imageAt(0, "url", acctest.CDNURL(5*time.Minute)),
				imageAt(0, "modification_time", knownvalue.StringExact("2024-03-02T09:00:00Z")),
			},
		}},
	})
}

func TestAccImagesDataSource_planTimeValidation(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ body, want string }{
		"neither ids nor filter":    {`output_type = "oss"`, `Missing Attribute Configuration(.|\n)*Exactly one of these attributes must be\s+configured: \[ids,filter\]`},
		"both ids and filter":       {`ids = ["` + acctest.ImageCDN + `"]` + "\n  filter {}", `Invalid Attribute Combination(.|\n)*Exactly one of these attributes must be\s+configured: \[ids,filter\]`},
		"sort with ids":             {`ids = ["` + acctest.ImageCDN + `"]` + "\n  sort = \"CreationTime:Asc\"", `Attribute "ids" cannot be specified when\s+"sort" is specified`},
		"max_results with ids":      {`ids = ["` + acctest.ImageCDN + `"]` + "\n  max_results = 5", `Attribute "ids" cannot be specified when\s+"max_results" is specified`},
		"unknown sort":              {"filter {}\n  sort = \"Title:Asc\"", `value must be one of`},
		"max_results above 5000":    {"filter {}\n  max_results = 5001", `must be between 1 and 5000`},
		"unknown status":            {`filter { status = ["Deleted"] }`, `value must be one of`},
		"blank ID":                  {`ids = [" "]`, `must not be empty or only whitespace`},
		"null ID":                   {`ids = [null]`, `Null List Value`},
		"time without zone":         {`filter { created_after = "2024-01-01 00:00:00" }`, `must be an RFC 3339 timestamp`},
		"range the wrong way":       {"filter {\n    created_after = \"2025-01-01T00:00:00Z\"\n    created_before = \"2024-01-01T00:00:00Z\"\n  }", `Empty creation time range`},
		"oss auth_timeout too long": {"filter {}\n  output_type = \"oss\"\n  auth_timeout = 2592001", `auth_timeout too long for an OSS URL`},
	} {
		t.Run(name, func(t *testing.T) {
			tg := acctest.New(t)
			tg.RequireEmulator(t)
			rejectedBeforeAnyRequest(t, tg, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      imagesConfig(tg, "  "+tc.body),
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// A search the API rejects is an error naming the Match expression, the code and the request ID.
func TestAccImagesDataSource_searchError(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	tg.Emulator.Server.InjectNext(vodemu.FaultInternal, 1000, "SearchMedia")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: imagesConfig(tg, `  filter { title = "cover" }`),
			ExpectError: regexp.MustCompile(`Failed to search VOD images(.|\n)*Title = 'cover'(.|\n)*Action:\s+SearchMedia` +
				`(.|\n)*Code:\s+InternalError(.|\n)*Request ID:\s+\S+`),
		}},
	})
}
