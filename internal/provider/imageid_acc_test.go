package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
)

// Image IDs are matched exactly, by the client and by the emulator (internal/vod imageIndex,
// internal/vodemu Server.image, which say why): an existing ID written in upper case is another
// ID, which names no image; it is not given the image of the ID as VOD spells it. Against the real
// cloud this shows whether VOD agrees.
func TestAccImagesDataSource_idsMatchExactly(t *testing.T) {
	tg := acctest.New(t)
	upper := strings.ToUpper(tg.ImageID)
	if upper == tg.ImageID {
		t.Skipf("image ID %s has no letters to change the case of", tg.ImageID)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: imagesConfig(tg, fmt.Sprintf("  ids = [%q, %q]\n  ignore_missing = true", tg.ImageID, upper)),
			ConfigStateChecks: []statecheck.StateCheck{
				imageIDsAre(tg.ImageID),
				check(images, "missing_ids", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(upper)})),
				check(images, "total_count", knownvalue.Int64Exact(1)),
			},
		}},
	})
}
