package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

const manyImages = 40

func manyImageID(i int) string { return fmt.Sprintf("b0000000000000000000000000%06d", i) }

// withManyImages adds manyImages images to an emulator's fixtures.
func withManyImages(o *vodemu.Options) {
	for i := range manyImages {
		o.Images = append(o.Images, vodemu.Image{
			ImageInfo: vodemu.ImageInfo{
				ImageID: manyImageID(i), Title: fmt.Sprintf("cover %d", i), Status: "Normal",
				StorageLocation: "outin-4a5b6c7d8e9f.oss-cn-shanghai.aliyuncs.com", CreationTime: "2024-03-01T08:15:00Z",
				URL:       fmt.Sprintf("https://img.example-cdn.com/image/default/%d.jpg", i),
				Mezzanine: &vodemu.Mezzanine{Width: int64(1000 + i), Height: 500, FileSize: vodemu.FileSize{Bytes: "1000"}},
			},
		})
	}
}

// manyImagesConfig reads ids with for_each and outputs every title and width.
func manyImagesConfig(tg *acctest.Target, providerArgs string, ids []string) string {
	return tg.ProviderBlock(acctest.Keys()+"\n  "+providerArgs) + fmt.Sprintf(`
data "vod_image" "many" {
  for_each    = toset(%s)
  image_id    = each.value
  output_type = "cdn"
}

output "widths" {
  value = { for id, img in data.vod_image.many : id => img.mezzanine.width }
}
`, hclList(ids))
}

// Many reads in one plan are coalesced into GetImageInfos calls, with the same results as single
// reads; batch_reads = false turns that off. Plan-only: see TestAccImageDataSource_forEach.
func TestAccBatchReads(t *testing.T) {
	t.Parallel()
	ids := make([]string, manyImages)
	want := map[string]knownvalue.Check{}
	for i := range ids {
		ids[i] = manyImageID(i)
		want[ids[i]] = knownvalue.Int64Exact(int64(1000 + i))
	}
	for name, tc := range map[string]struct {
		args    string
		batched bool
	}{
		"default":             {"", true},
		"batch_reads = false": {"batch_reads = false", false},
	} {
		t.Run(name, func(t *testing.T) {
			tg := acctest.New(t, withManyImages)
			tg.RequireEmulator(t)
			runSteps(t, true, resource.TestStep{
				Config:             manyImagesConfig(tg, tc.args, ids),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
					plancheck.ExpectKnownOutputValue("widths", knownvalue.MapExact(want)),
				}},
			})
			single, batches := tg.Count("GetImageInfo", ""), tg.Count("GetImageInfos", "")
			switch {
			case tc.batched && (batches == 0 || single+batches >= manyImages):
				t.Errorf("%d reads made %d GetImageInfo and %d GetImageInfos calls: not coalesced", manyImages, single, batches)
			case !tc.batched && (batches != 0 || single == 0 || single%manyImages != 0): // each plan reads every image
				t.Errorf("with batch_reads = false, %d reads made %d GetImageInfo and %d GetImageInfos calls", manyImages, single, batches)
			}
		})
	}
}

// An image missing from a batch is "not found" for its own data source, with the batch's request ID.
func TestAccBatchReadsMissingImage(t *testing.T) {
	tg := acctest.New(t, withManyImages)
	tg.RequireEmulator(t)
	ids := []string{manyImageID(0), manyImageID(1), acctest.MissingImage, manyImageID(2), manyImageID(3)}
	runSteps(t, true, resource.TestStep{
		Config:             manyImagesConfig(tg, "", ids),
		PlanOnly:           true,
		ExpectNonEmptyPlan: true,
		ExpectError: regexp.MustCompile(`VOD image not found[\s\S]*` + acctest.MissingImage +
			`[\s\S]*request\s+ID\s+[0-9A-F-]{8,}`),
	})
}
