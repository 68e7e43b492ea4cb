package provider_test

// Helpers shared by the acceptance tests. The naming rule: a file of TF_ACC tests (TestAcc...) is
// <subject>_acc_test.go, such as image_data_source_acc_test.go; unit tests are in <file>_test.go
// next to the file they test; benchmarks in <subject>_bench_test.go. Provider blocks are written
// by acctest.ProviderBlock and the Target's ProviderBlock and ProviderConfig; expected values of
// the fixture images come from acctest.Fixture and acctest.ImageChecks; plan and state scanners
// are in acctest too.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
)

// The addresses of the data sources most tests read.
const (
	image  = "data.vod_image.test"
	images = "data.vod_images.test"
)

// coverTitle is the title of the fixture cover image, acctest.ImageCDN.
var coverTitle = acctest.Fixture(acctest.ImageCDN).Title

// readTitle is data.vod_image.test reading the image whose ID fills %q.
const readTitle = `
data "vod_image" "test" {
  image_id = %q
}
`

// coverConfig is the provider block on tg with the given arguments, and data.vod_image.test
// reading the fixture cover image.
func coverConfig(tg *acctest.Target, args ...string) string {
	return tg.ProviderBlock(args...) + fmt.Sprintf(readTitle, acctest.ImageCDN)
}

// readOnce reads the fixture cover image with config (a provider block and readTitle, as
// coverConfig writes them) by one `terraform plan`, which reads data sources, and expects its
// title, or the error want. The tests of the provider's own handling of credentials, retries and
// faults read once: a terraform-plugin-testing step would add an init, an apply, state and
// perpetual-diff plans, about ten CLI runs that check nothing more here.
func readOnce(t *testing.T, parallel bool, config, want string) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	if parallel {
		t.Parallel()
	}
	cli := acctest.NewCLI(t)
	cli.WriteFile("main.tf", acctest.RequiredProviders+config+"\noutput \"title\" {\n  value = "+image+".title\n}\n")
	code, out := cli.Run("plan", "-input=false")
	switch {
	case want == "" && code != 0:
		t.Fatalf("the read failed:\n%s", out)
	case want == "" && !strings.Contains(out, fmt.Sprintf("title = %q", coverTitle)):
		t.Fatalf("the plan does not show the cover image's title %q:\n%s", coverTitle, out)
	case want != "" && code == 0:
		t.Fatalf("the read succeeded; want an error matching %s:\n%s", want, out)
	case want != "" && !regexp.MustCompile(want).MatchString(out):
		t.Fatalf("the error does not match %s:\n%s", want, out)
	}
}

// runSteps runs steps on the provider, in parallel with other tests or not.
func runSteps(t *testing.T, parallel bool, steps ...resource.TestStep) {
	t.Helper()
	tc := resource.TestCase{ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories, Steps: steps}
	if parallel {
		resource.ParallelTest(t, tc)
	} else {
		resource.Test(t, tc)
	}
}

// rejectedBeforeAnyRequest runs a test case whose steps expect errors, and checks that the emulator
// answered no API request: the errors come from validation or configuration, before any read.
func rejectedBeforeAnyRequest(t *testing.T, tg *acctest.Target, tc resource.TestCase) {
	t.Helper()
	resource.ParallelTest(t, tc)
	if n := tg.Requests(); n > 0 {
		t.Errorf("the emulator answered %d API requests; the error should have come before any", n)
	}
}

// check checks the top-level attribute attr of addr in the state.
func check(addr, attr string, want knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), want)
}

// titleIs checks the title of data.vod_image.test.
func titleIs(want string) []statecheck.StateCheck {
	return []statecheck.StateCheck{check(image, "title", knownvalue.StringExact(want))}
}

// imageIDsAre checks that data.vod_images.test lists exactly these image IDs, in this order.
func imageIDsAre(ids ...string) statecheck.StateCheck {
	items := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		items[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"image_id": knownvalue.StringExact(id)})
	}
	return check(images, "images", knownvalue.ListExact(items))
}

// imageAt checks the attribute attr of the i-th image of data.vod_images.test.
func imageAt(i int, attr string, want knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(images, tfjsonpath.New("images").AtSliceIndex(i).AtMapKey(attr), want)
}

// hclList is items as an HCL list of strings.
func hclList(items []string) string {
	return `["` + strings.Join(items, `", "`) + `"]`
}

// writeFile writes content to path, creating its directory, for tests that run Terraform by hand.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
