package provider_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
)

// adoptQuery lists every image and every category of the default tree, with their attributes, as
// docs/index.md's adoption walkthrough does.
const adoptQuery = `list "vod_image" "all" {
  provider         = vod
  include_resource = true
  limit            = 1000
  config {}
}

list "vod_category" "all" {
  provider         = vod
  include_resource = true
  config {}
}
`

// requireQuery skips a test that runs the CLI itself or prepares much for it, before anything
// else: without TF_ACC, or under a CLI without terraform query.
func requireQuery(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	skip, err := acctest.QuerySkipReason(context.Background(), os.Getenv("TF_ACC_TERRAFORM_PATH"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if skip != "" {
		t.Skip(skip)
	}
}

// The adoption round trip, with the CLI itself (terraform-plugin-testing's query steps do not
// write configuration): terraform query -generate-config-out writes an import block by identity
// and a resource block for every image and category; applying it imports them all, changing
// nothing in VOD; the next plan has no changes.
func TestAccListGenerateConfig_roundTrip(t *testing.T) {
	requireQuery(t)
	t.Parallel()
	tg := acctest.New(t, listedTree)
	tg.RequireEmulator(t)
	cli := acctest.NewCLI(t)
	cli.WriteFile("main.tf", acctest.RequiredProviders+tg.ProviderConfig())
	cli.WriteFile("adopt.tfquery.hcl", adoptQuery)
	cli.MustRun("init", "-input=false")
	cli.MustRun("query", "-generate-config-out=generated.tf")

	generated := cli.ReadFile("generated.tf")
	images := []string{acctest.ImageCDN, acctest.ImageOSS, acctest.ImageUploading, acctest.ImageAutumn, acctest.ImageChef}
	for _, id := range images {
		containsAll(t, "generated.tf", generated, fmt.Sprintf("image_id = %q", id))
	}
	for _, id := range []int{coversID, yearID, springID, 254766072, 254766073} {
		containsAll(t, "generated.tf", generated, fmt.Sprintf("id = %d", id))
	}
	containsAll(t, "generated.tf", generated, "import {", "identity = {", `resource "vod_image"`, `resource "vod_category"`)

	writes := func() int64 {
		return tg.Count("CreateUploadImage", "") + tg.Count("UpdateImageInfos", "") + tg.Count("DeleteImage", "") +
			tg.Count("AddCategory", "") + tg.Count("UpdateCategory", "") + tg.Count("DeleteCategory", "")
	}
	// Importing records each image's image_type, which VOD does not report in the form the
	// configuration takes, in the state only: 5 changed, no call to VOD.
	out := cli.MustRun("apply", "-input=false", "-auto-approve")
	containsAll(t, "apply output", out, "10 imported, 0 added, 5 changed, 0 destroyed")
	if n := writes(); n != 0 {
		t.Errorf("adopting made %d write calls; importing should change nothing in VOD:\n%s", n, cli.Log())
	}
	if code, plan := cli.Run("plan", "-input=false", "-detailed-exitcode"); code != 0 {
		t.Errorf("the plan after adopting exited %d, want 0 (no changes):\n%s", code, plan)
	}
	state := cli.MustRun("state", "list")
	if n := len(strings.Fields(state)); n != 10 {
		t.Errorf("the state holds %d resources, want the 5 images and 5 categories:\n%s", n, state)
	}
}

// The list resources' documented examples (examples/list-resources, rendered in docs/) run as
// written against the emulator's fixtures: terraform validate -query accepts them and terraform
// query lists what they select.
func TestAccListExamples_query(t *testing.T) {
	t.Parallel()
	requireQuery(t)
	for typ, want := range map[string][]string{
		"vod_image":    {"list.vod_image.all", "Spring catalogue cover (" + acctest.ImageCDN + ")", "list.vod_image.catalogue_2024"},
		"vod_category": {"list.vod_category.tree", fmt.Sprintf("covers/2024/spring (%d)", springID), "list.vod_category.covers"},
	} {
		t.Run(typ, func(t *testing.T) {
			t.Parallel()
			example, err := os.ReadFile("../../examples/list-resources/" + typ + "/list-resource.tfquery.hcl")
			if err != nil {
				t.Fatal(err)
			}
			tg := acctest.New(t, listedTree)
			tg.RequireEmulator(t)
			cli := acctest.NewCLI(t)
			cli.WriteFile("main.tf", acctest.RequiredProviders+tg.ProviderConfig())
			cli.WriteFile("example.tfquery.hcl", string(example))
			cli.MustRun("init", "-input=false")
			cli.MustRun("validate", "-query")
			containsAll(t, "terraform query output", cli.MustRun("query"), want...)
		})
	}
}
