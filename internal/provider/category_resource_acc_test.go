package provider_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	sdkacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// The addresses of the three-level tree most category tests build.
const (
	covers = "vod_category.covers"
	year   = "vod_category.year"
	spring = "vod_category.spring"
)

// categoryPrefix makes the test's category names its own: tests against the real cloud share one
// account's tree.
func categoryPrefix() string { return "acc-" + sdkacctest.RandString(6) }

// treeConfig is covers (top level) > year > spring, named after prefix, then extra.
func treeConfig(tg *acctest.Target, prefix, yearName, extra string) string {
	return tg.ProviderConfig() + fmt.Sprintf(`
resource "vod_category" "covers" {
  name = "%[1]s-covers"
}

resource "vod_category" "year" {
  name      = %[2]q
  parent_id = vod_category.covers.id
}

resource "vod_category" "spring" {
  name      = "spring"
  parent_id = vod_category.year.id
}
%[3]s`, prefix, yearName, extra)
}

// errorWith matches an error that holds each phrase, in order, however Terraform wraps its lines:
// the words of a phrase are literal, separated by any white space.
func errorWith(phrases ...string) *regexp.Regexp {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}

// parentIs checks that child's parent_id is parent's id.
func parentIs(child, parent string) statecheck.StateCheck {
	return statecheck.CompareValuePairs(child, tfjsonpath.New("parent_id"), parent, tfjsonpath.New("id"), compare.ValuesSame())
}

// int64Into checks that the value is a number and records it, for a later step's PreConfig.
func int64Into(dst *int64) knownvalue.Check {
	return knownvalue.Int64Func(func(v int64) error {
		*dst = v
		return nil
	})
}

// categoriesGone is a CheckDestroy that every category recorded in ids no longer exists.
func categoriesGone(t *testing.T, tg *acctest.Target, ids ...*int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		client := tg.Client(t)
		for _, id := range ids {
			if *id == 0 {
				continue
			}
			gone, err := acctest.CategoryGone(context.Background(), client, *id, vod.CategoryTypeDefault)
			if err != nil {
				return err
			}
			if !gone {
				return fmt.Errorf("category %d still exists after destroy", *id)
			}
		}
		return nil
	}
}

// A tree of three levels: each category has its parent's ID, its level counted from 0, the
// default type, and a top-level category has no parent_id.
func TestAccCategoryResource_threeLevelTree(t *testing.T) {
	tg := acctest.New(t)
	prefix := categoryPrefix()
	var coversID, yearID, springID int64
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             categoriesGone(t, tg, &coversID, &yearID, &springID),
		Steps: []resource.TestStep{{
			Config: treeConfig(tg, prefix, "2024", ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				// Known when planning: the top level is 0; the others wait for their parents' IDs.
				plancheck.ExpectKnownValue(covers, tfjsonpath.New("level"), knownvalue.Int64Exact(0)),
				plancheck.ExpectUnknownValue(spring, tfjsonpath.New("level")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				check(covers, "id", int64Into(&coversID)),
				check(year, "id", int64Into(&yearID)),
				check(spring, "id", int64Into(&springID)),
				check(covers, "name", knownvalue.StringExact(prefix+"-covers")),
				check(covers, "parent_id", knownvalue.Null()),
				check(covers, "level", knownvalue.Int64Exact(0)),
				check(covers, "type", knownvalue.StringExact("default")),
				parentIs(year, covers),
				check(year, "level", knownvalue.Int64Exact(1)),
				parentIs(spring, year),
				check(spring, "level", knownvalue.Int64Exact(2)),
				check(spring, "type", knownvalue.StringExact("default")),
			},
		}},
	})
}

// A new name is an update in place (UpdateCategory): the ID stays, and an image filed under the
// category reports the new name as its cate_name.
func TestAccCategoryResource_renameInPlace(t *testing.T) {
	tg := acctest.New(t)
	prefix := categoryPrefix()
	sameID := statecheck.CompareValue(compare.ValuesSame())
	// The read waits for the rename when there is one (depends_on defers it to the apply).
	imageInYear := `
data "vod_image" "test" {
  image_id   = %q
  depends_on = [vod_category.year]
}
`
	var yearID int64
	file := fileImageStep(t, tg, tg.ImageID, &yearID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: treeConfig(tg, prefix, "2024", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					check(year, "id", int64Into(&yearID)),
					sameID.AddStateValue(year, tfjsonpath.New("id")),
				},
			},
			{
				PreConfig: file,
				Config:    treeConfig(tg, prefix, "2024", fmt.Sprintf(imageInYear, tg.ImageID)),
				ConfigStateChecks: []statecheck.StateCheck{
					check(image, "cate_name", knownvalue.StringExact("2024")),
				},
			},
			{
				Config: treeConfig(tg, prefix, "2024 (archive)", fmt.Sprintf(imageInYear, tg.ImageID)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(year, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(spring, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(year, tfjsonpath.New("id")),
					check(year, "name", knownvalue.StringExact("2024 (archive)")),
					check(image, "cate_id", int64Ptr(&yearID)),
					check(image, "cate_name", knownvalue.StringExact("2024 (archive)")),
				},
			},
		},
	})
}

// int64Ptr checks that the value is *want, read when the check runs.
func int64Ptr(want *int64) knownvalue.Check {
	return knownvalue.Int64Func(func(v int64) error {
		if v != *want {
			return fmt.Errorf("got %d, want %d", v, *want)
		}
		return nil
	})
}

// fileImageStep returns a PreConfig that files the image under the category whose ID *cateID
// holds by then.
func fileImageStep(t *testing.T, tg *acctest.Target, imageID string, cateID *int64) func() {
	return func() {
		t.Helper()
		if err := tg.FileImage(context.Background(), t, imageID, *cateID); err != nil {
			t.Fatalf("filing image %s under category %d: %v", imageID, *cateID, err)
		}
	}
}

// VOD cannot move a category: a new parent replaces it (and so its subcategories).
func TestAccCategoryResource_newParentReplaces(t *testing.T) {
	tg := acctest.New(t)
	prefix := categoryPrefix()
	otherTop := fmt.Sprintf(`
resource "vod_category" "logos" {
  name = "%s-logos"
}
`, prefix)
	moved := strings.Replace(treeConfig(tg, prefix, "2024", otherTop),
		"parent_id = vod_category.covers.id", "parent_id = vod_category.logos.id", 1)
	differentID := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            treeConfig(tg, prefix, "2024", otherTop),
				ConfigStateChecks: []statecheck.StateCheck{differentID.AddStateValue(year, tfjsonpath.New("id"))},
			},
			{
				Config: moved,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(year, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction(spring, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction(covers, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					differentID.AddStateValue(year, tfjsonpath.New("id")),
					parentIs(year, "vod_category.logos"),
					parentIs(spring, year),
				},
			},
		},
	})
}

// A new type replaces the category too: a material category goes under one of VOD's built-in
// top-level material categories.
func TestAccCategoryResource_newTypeReplaces(t *testing.T) {
	tg := acctest.New(t)
	prefix := categoryPrefix()
	config := func(typ string) string {
		parent := "vod_category.top.id"
		if typ == "material" {
			parent = "data.vod_categories.material.categories[0].id"
		}
		return tg.ProviderConfig() + fmt.Sprintf(`
data "vod_categories" "material" {
  type = "material"
}

resource "vod_category" "top" {
  name = "%[1]s-top"
}

resource "vod_category" "test" {
  name      = "%[1]s-clips"
  type      = %[2]q
  parent_id = %[3]s
}
`, prefix, typ, parent)
	}
	const addr = "vod_category.test"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config("default"),
				ConfigStateChecks: []statecheck.StateCheck{check(addr, "type", knownvalue.StringExact("default"))},
			},
			{
				Config: config("material"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
					// The built-in parent is known when planning: so is the level.
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("level"), knownvalue.Int64Exact(1)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					check(addr, "type", knownvalue.StringExact("material")),
					check(addr, "level", knownvalue.Int64Exact(1)),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("parent_id"),
						"data.vod_categories.material", tfjsonpath.New("categories").AtSliceIndex(0).AtMapKey("id"), compare.ValuesSame()),
				},
			},
		},
	})
}

// Import by ID, with `terraform import` and with an import block: the state read back is the one
// Terraform created. An ID that is not a number is refused with what to give instead.
func TestAccCategoryResource_import(t *testing.T) {
	tg := acctest.New(t)
	prefix := categoryPrefix()
	config := treeConfig(tg, prefix, "2024", "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{Config: config, ResourceName: covers, ImportState: true, ImportStateVerify: true},
			{Config: config, ResourceName: spring, ImportState: true, ImportStateVerify: true},
			{Config: config, ResourceName: spring, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
			{
				Config: config, ResourceName: spring, ImportState: true, ImportStateId: "covers/2024",
				ExpectError: errorWith("Invalid VOD category import ID", `"covers/2024" is not a category ID`),
			},
			{
				Config: config, ResourceName: spring, ImportState: true, ImportStateId: "999999999",
				ExpectError: errorWith("VOD category not found", "No category 999999999 exists in region"),
			},
		},
	})
}

// Terraform 1.12 and OpenTofu 1.12 store the category's identity, and import by it.
func TestAccCategoryResource_identity(t *testing.T) {
	tg := acctest.New(t)
	prefix := categoryPrefix()
	config := treeConfig(tg, prefix, "2024", "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.ResourceIdentitySupported()},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(spring, map[string]knownvalue.Check{"id": knownvalue.NotNull()}),
					statecheck.ExpectIdentityValueMatchesState(spring, tfjsonpath.New("id")),
				},
			},
			{Config: config, ResourceName: spring, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
		},
	})
}

// Four levels planned at once: the parents' IDs are not known when planning, but Terraform plans
// the fourth again during the apply, once its parent exists, and the provider refuses it then,
// before any AddCategory (VOD's LevelExceededMax never comes).
func TestAccCategoryResource_depthLimitInOneApply(t *testing.T) {
	tg := acctest.New(t)
	prefix := categoryPrefix()
	fourth := `
resource "vod_category" "fourth" {
  name      = "too-deep"
  parent_id = vod_category.spring.id
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: treeConfig(tg, prefix, "2024", fourth),
			ExpectError: errorWith("VOD category cannot go under this parent", `Category "too-deep" cannot be created under category`,
				`("spring", level 2, type default): VOD allows 3 levels in a default tree (levels 0 to 2) and the parent is at the last one.`,
				"Put the category under a category of a higher level."),
		}},
	})
	if n := tg.Count("", "LevelExceededMax"); tg.Emulator != nil && n != 0 {
		t.Errorf("VOD answered LevelExceededMax %d times; the provider should have refused the category first", n)
	}
}

// A fourth level under a category that exists is refused when planning, before any AddCategory.
func TestAccCategoryResource_depthLimitAtPlan(t *testing.T) {
	tg := acctest.New(t)
	prefix := categoryPrefix()
	var springID int64
	var addsBefore int64
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            treeConfig(tg, prefix, "2024", ""),
				ConfigStateChecks: []statecheck.StateCheck{check(spring, "id", int64Into(&springID))},
			},
			{
				PreConfig: func() { addsBefore = tg.Count("AddCategory", "") },
				Config: treeConfig(tg, prefix, "2024", `
resource "vod_category" "fourth" {
  name      = "too-deep"
  parent_id = vod_category.spring.id
}
`),
				PlanOnly: true,
				ExpectError: errorWith("VOD category cannot go under this parent", `Category "too-deep" cannot be created under category`,
					`("spring", level 2, type default): VOD allows 3 levels in a default tree (levels 0 to 2) and the parent is at the last one.`,
					"Put the category under a category of a higher level."),
			},
			{
				// Nothing was added by the refused plan (the emulator counts AddCategory requests).
				Config:   treeConfig(tg, prefix, "2024", ""),
				PlanOnly: true,
				Check: func(*terraform.State) error {
					if n := tg.Count("AddCategory", ""); tg.Emulator != nil && n != addsBefore {
						return fmt.Errorf("%d AddCategory requests after the refused plan, want none", n-addsBefore)
					}
					return nil
				},
			},
		},
	})
}

// A parent with 100 subcategories (VOD's limit) refuses the 101st: SubTotalExceededMax at apply,
// explained.
func TestAccCategoryResource_levelFull(t *testing.T) {
	tg := acctest.New(t)
	prefix := categoryPrefix()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tg.ProviderConfig() + fmt.Sprintf(`
resource "vod_category" "parent" {
  name = "%s-full"
}

resource "vod_category" "child" {
  count     = 101
  name      = "child-${count.index}"
  parent_id = vod_category.parent.id
}
`, prefix),
			ExpectError: errorWith("VOD category level full", "already has the 100 subcategories VOD allows: SubTotalExceededMax",
				"Delete a subcategory of that parent, or choose another parent."),
		}},
	})
}

// A category deleted outside Terraform is removed from the state at refresh, with a warning, and
// the next apply creates it again.
func TestAccCategoryResource_deletedOutsideTerraform(t *testing.T) {
	tg := acctest.New(t)
	prefix := categoryPrefix()
	config := treeConfig(tg, prefix, "2024", "")
	var yearID int64
	differentID := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					check(year, "id", int64Into(&yearID)),
					differentID.AddStateValue(year, tfjsonpath.New("id")),
				},
			},
			{
				// Deleting year deletes spring with it, as VOD documents.
				PreConfig: func() {
					if _, err := tg.Client(t).DeleteCategory(context.Background(), yearID); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(year, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(spring, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(covers, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					differentID.AddStateValue(year, tfjsonpath.New("id")),
					parentIs(spring, year),
				},
			},
		},
	})
}

// Destroying a tree with images filed in it deletes every category and leaves the images, without
// a category, as DeleteCategory's reference says.
func TestAccCategoryResource_destroyTreeWithImages(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t) // files two fixture images
	prefix := categoryPrefix()
	var coversID, yearID, springID int64
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := categoriesGone(t, tg, &coversID, &yearID, &springID)(s); err != nil {
				return err
			}
			return acctest.ImagesWithoutCategory(context.Background(), tg.Client(t), acctest.ImageCDN, acctest.ImageOSS)
		},
		Steps: []resource.TestStep{
			{
				Config: treeConfig(tg, prefix, "2024", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					check(covers, "id", int64Into(&coversID)),
					check(year, "id", int64Into(&yearID)),
					check(spring, "id", int64Into(&springID)),
				},
			},
			{
				PreConfig: func() {
					fileImageStep(t, tg, acctest.ImageCDN, &springID)()
					fileImageStep(t, tg, acctest.ImageOSS, &coversID)()
				},
				Config: treeConfig(tg, prefix, "2024", `
data "vod_images" "test" {
  filter {
    cate_id = vod_category.spring.id
  }
}
`),
				ConfigStateChecks: []statecheck.StateCheck{imageIDsAre(acctest.ImageCDN)},
			},
		},
	})
}

// When a parent is destroyed before its child (here the parent depends on the child), the child
// is already gone with it, and destroying it is success.
func TestAccCategoryResource_parentDestroyedFirst(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1 (it creates a category before the test case)", resource.EnvTfAcc)
	}
	tg := acctest.New(t)
	prefix := categoryPrefix()
	parent, err := tg.Client(t).AddCategory(context.Background(), vod.AddCategoryInput{Name: prefix + "-parent"})
	if err != nil {
		t.Fatal(err)
	}
	parentID := parent.ID
	var childID int64
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             categoriesGone(t, tg, &parentID, &childID),
		Steps: []resource.TestStep{{
			Config: tg.ProviderConfig() + fmt.Sprintf(`
import {
  to = vod_category.parent
  id = "%[2]d"
}

resource "vod_category" "parent" {
  name       = "%[1]s-parent"
  depends_on = [vod_category.child]
}

resource "vod_category" "child" {
  name      = "child"
  parent_id = %[2]d
}
`, prefix, parentID),
			ConfigStateChecks: []statecheck.StateCheck{
				check("vod_category.child", "id", int64Into(&childID)),
				check("vod_category.parent", "id", knownvalue.Int64Exact(parentID)),
				check("vod_category.child", "level", knownvalue.Int64Exact(1)),
			},
		}},
	})
}

// Every limit the configuration shows is refused when validating, before any request.
func TestAccCategoryResource_validation(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t) // counts requests
	step := func(body string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{
			Config:      tg.ProviderConfig() + "resource \"vod_category\" \"test\" {\n" + body + "\n}\n",
			PlanOnly:    true,
			ExpectError: want,
		}
	}
	rejectedBeforeAnyRequest(t, tg, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			// 22 Chinese characters are 66 bytes.
			step(`name = "`+strings.Repeat("封", 22)+`"`, errorWith("Invalid VOD category name",
				"66 bytes long; VOD takes at most 64 bytes (UTF-8).", "has 22 characters")),
			step(`name = "`+strings.Repeat("a", 65)+`"`, errorWith("Invalid VOD category name", "65 bytes long")),
			step(`name = ""`, errorWith("Invalid VOD category name", "the category name is empty")),
			step("name = \"x\"\n  type = \"video\"", errorWith("type", `value must be one of: ["default" "material"]`)),
			step("name = \"x\"\n  type = \"material\"", errorWith("A material category needs a parent", "are built in")),
			step("name = \"x\"\n  parent_id = -1", errorWith("Invalid VOD category ID", "leave parent_id out")),
		},
	})
}
