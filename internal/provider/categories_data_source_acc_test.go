package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

const categories = "data.vod_categories.test"

// lookupConfig is the tree of treeConfig with a second spring (under 2025, created after 2024's
// subtree, so that siblings, listed oldest first, come in a known order), then
// data.vod_categories.test with the given arguments, read after the tree is created.
func lookupConfig(tg *acctest.Target, prefix, args string) string {
	return treeConfig(tg, prefix, "2024", fmt.Sprintf(`
resource "vod_category" "year2025" {
  name       = "2025"
  parent_id  = vod_category.covers.id
  depends_on = [vod_category.spring]
}

resource "vod_category" "spring2025" {
  name      = "spring"
  parent_id = vod_category.year2025.id
}

data "vod_categories" "test" {
  %s
  depends_on = [vod_category.spring, vod_category.spring2025]
}
`, args))
}

// idOf checks that the data source's id is the resource's id.
func idOf(resourceAddr string) statecheck.StateCheck {
	return statecheck.CompareValuePairs(categories, tfjsonpath.New("id"), resourceAddr, tfjsonpath.New("id"), compare.ValuesSame())
}

// categoryAt checks the i-th element of data.vod_categories.test's categories.
func categoryAt(i int, want map[string]knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(categories, tfjsonpath.New("categories").AtSliceIndex(i), knownvalue.ObjectPartial(want))
}

// A path finds one category: id is its ID, and categories lists it, then its subtree.
func TestAccCategoriesDataSource_path(t *testing.T) {
	tg := acctest.New(t)
	prefix := categoryPrefix()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: lookupConfig(tg, prefix, fmt.Sprintf(`path = "%s-covers/2025/spring"`, prefix)),
			ConfigStateChecks: []statecheck.StateCheck{
				idOf("vod_category.spring2025"),
				check(categories, "type", knownvalue.StringExact("default")),
				check(categories, "categories", knownvalue.ListSizeExact(1)),
				categoryAt(0, map[string]knownvalue.Check{
					"name":  knownvalue.StringExact("spring"),
					"level": knownvalue.Int64Exact(2),
					"path":  knownvalue.StringExact(prefix + "-covers/2025/spring"),
					"type":  knownvalue.StringExact("default"),
				}),
				statecheck.CompareValuePairs(categories, tfjsonpath.New("categories").AtSliceIndex(0).AtMapKey("parent_id"),
					"vod_category.year2025", tfjsonpath.New("id"), compare.ValuesSame()),
			},
		}},
	})
}

// A name that one category has finds it; its subtree follows it, parents first, oldest first.
func TestAccCategoriesDataSource_name(t *testing.T) {
	tg := acctest.New(t)
	prefix := categoryPrefix()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: lookupConfig(tg, prefix, fmt.Sprintf(`name = "%s-covers"`, prefix)),
			ConfigStateChecks: []statecheck.StateCheck{
				idOf(covers),
				check(categories, "categories", knownvalue.ListSizeExact(5)),
				categoryAt(0, map[string]knownvalue.Check{"path": knownvalue.StringExact(prefix + "-covers"),
					"parent_id": knownvalue.Null(), "level": knownvalue.Int64Exact(0)}),
				categoryAt(1, map[string]knownvalue.Check{"path": knownvalue.StringExact(prefix + "-covers/2024")}),
				categoryAt(2, map[string]knownvalue.Check{"path": knownvalue.StringExact(prefix + "-covers/2024/spring")}),
				categoryAt(3, map[string]knownvalue.Check{"path": knownvalue.StringExact(prefix + "-covers/2025")}),
				categoryAt(4, map[string]knownvalue.Check{"path": knownvalue.StringExact(prefix + "-covers/2025/spring")}),
			},
		}},
	})
}

// parent_id reads a subtree, without the category itself; name looks under it only, so a name
// that is ambiguous in the whole tree is not there.
func TestAccCategoriesDataSource_subtree(t *testing.T) {
	tg := acctest.New(t)
	prefix := categoryPrefix()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: lookupConfig(tg, prefix, "parent_id = vod_category.year.id"),
				ConfigStateChecks: []statecheck.StateCheck{
					idOf(year),
					check(categories, "categories", knownvalue.ListSizeExact(1)),
					categoryAt(0, map[string]knownvalue.Check{"path": knownvalue.StringExact(prefix + "-covers/2024/spring")}),
				},
			},
			{
				Config: lookupConfig(tg, prefix, `parent_id = vod_category.year2025.id
  name = "spring"`),
				ConfigStateChecks: []statecheck.StateCheck{idOf("vod_category.spring2025")},
			},
		},
	})
}

// A name two categories have is an error that lists both, with their paths and parents.
func TestAccCategoriesDataSource_ambiguousName(t *testing.T) {
	tg := acctest.New(t)
	prefix := categoryPrefix()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: lookupConfig(tg, prefix, `name = "spring"`),
			ExpectError: errorWith("VOD category name is ambiguous", `2 categories match name "spring" in the default tree`,
				fmt.Sprintf(`"%s-covers/2024/spring": ID`, prefix), "level 2, under parent",
				fmt.Sprintf(`"%s-covers/2025/spring": ID`, prefix), "Use path to name one from the top level"),
		}},
	})
}

// A path that leads nowhere says how far it matched and what is there.
func TestAccCategoriesDataSource_missingPath(t *testing.T) {
	tg := acctest.New(t)
	prefix := categoryPrefix()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: lookupConfig(tg, prefix, fmt.Sprintf(`path = "%s-covers/2024/autumn"`, prefix)),
			ExpectError: errorWith("VOD category not found", fmt.Sprintf(`"%s-covers/2024" (ID`, prefix),
				`has no subcategory named "autumn"; there are: "spring".`),
		}},
	})
}

// The whole tree of a type, read without arguments, lists every category; id is VOD's root (-1).
func TestAccCategoriesDataSource_wholeTree(t *testing.T) {
	// No fixture images: their categories would be in the tree too.
	tg := acctest.New(t, func(o *vodemu.Options) { o.Images = nil })
	tg.RequireEmulator(t) // the real account's tree holds other categories
	prefix := categoryPrefix()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: lookupConfig(tg, prefix, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				check(categories, "id", knownvalue.Int64Exact(-1)),
				check(categories, "categories", knownvalue.ListSizeExact(5)),
				categoryAt(0, map[string]knownvalue.Check{"path": knownvalue.StringExact(prefix + "-covers")}),
			},
		}},
	})
}

// The data source's id feeds vod_images' filter: images filed under the category found by path.
func TestAccCategoriesDataSource_filtersImages(t *testing.T) {
	tg := acctest.New(t)
	prefix := categoryPrefix()
	var springID int64
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            treeConfig(tg, prefix, "2024", ""),
				ConfigStateChecks: []statecheck.StateCheck{check(spring, "id", int64Into(&springID))},
			},
			{
				PreConfig: fileImageStep(t, tg, tg.ImageID, &springID),
				Config: treeConfig(tg, prefix, "2024", fmt.Sprintf(`
data "vod_categories" "spring" {
  path = "%s-covers/2024/spring"
}

data "vod_images" "test" {
  filter {
    cate_id = data.vod_categories.spring.id
  }
}
`, prefix)),
				ConfigStateChecks: []statecheck.StateCheck{
					imageIDsAre(tg.ImageID),
					imageAt(0, "cate_name", knownvalue.StringExact("spring")),
				},
			},
		},
	})
}

// Lookups are checked when validating: name and path together, and a malformed path.
func TestAccCategoriesDataSource_validation(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t) // counts requests
	step := func(args string, want ...string) resource.TestStep {
		return resource.TestStep{
			Config:      tg.ProviderConfig() + "data \"vod_categories\" \"test\" {\n" + args + "\n}\n",
			PlanOnly:    true,
			ExpectError: errorWith(want...),
		}
	}
	rejectedBeforeAnyRequest(t, tg, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step("name = \"a\"\n  path = \"a/b\"", "Invalid Attribute Combination", `"path" cannot be specified when "name" is specified`),
			step(`path = "/covers/2024"`, "Invalid VOD category path", "begins or ends with /"),
			step(`path = "covers//2024"`, "Invalid VOD category path", "empty name between two slashes"),
			step(`parent_id = 0`, "Invalid VOD category ID", "leave parent_id out"),
			step(`type = "videos"`, `value must be one of: ["default" "material"]`),
		},
	})
}
