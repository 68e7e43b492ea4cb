package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// The category tree of the list tests: the fixture images' level-1 categories (covers 254766071,
// sprites 254766072, food 254766073), covers > 2024 > spring under the first, and a material
// tree whose level-1 category is built in.
const (
	coversID = 254766071
	yearID   = 254766081
	springID = 254766082
	introsID = 300001
)

func listedTree(o *vodemu.Options) {
	o.Categories = []vodemu.Category{
		{CateID: coversID, CateName: "covers"},
		{CateID: yearID, CateName: "2024", ParentID: coversID},
		{CateID: springID, CateName: "spring", ParentID: yearID},
		{CateID: 300000, CateName: "clips", Type: "material"},
		{CateID: introsID, CateName: "intros", ParentID: 300000, Type: "material"},
	}
}

func categoryIdentity(id int64) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{"id": knownvalue.Int64Exact(id)}
}

// The whole default tree, parents first, each category with its identity and its path and ID as
// display name.
func TestAccCategoryList_tree(t *testing.T) {
	tg := acctest.New(t, listedTree)
	tg.RequireEmulator(t)
	queryCase(t, resource.TestStep{
		Config: listQuery(tg, "vod_category", "all", "  config {}"),
		QueryResultChecks: []querycheck.QueryResultCheck{
			querycheck.ExpectLength("vod_category.all", 5),
			querycheck.ExpectIdentity("vod_category.all", categoryIdentity(coversID)),
			querycheck.ExpectIdentity("vod_category.all", categoryIdentity(254766073)),
			querycheck.ExpectResourceDisplayName("vod_category.all", queryfilter.ByResourceIdentity(categoryIdentity(springID)),
				knownvalue.StringExact(fmt.Sprintf("covers/2024/spring (%d)", springID))),
		},
	})
}

// parent_id lists the subtree under a category, without it; with include_resource, each result
// has the vod_category resource's attributes.
func TestAccCategoryList_subtree(t *testing.T) {
	tg := acctest.New(t, listedTree)
	tg.RequireEmulator(t)
	at := func(attr string, want knownvalue.Check) querycheck.KnownValueCheck {
		return querycheck.KnownValueCheck{Path: tfjsonpath.New(attr), KnownValue: want}
	}
	queryCase(t, resource.TestStep{
		Config: listQuery(tg, "vod_category", "covers", fmt.Sprintf("  include_resource = true\n  config {\n    parent_id = %d\n  }", coversID)),
		QueryResultChecks: []querycheck.QueryResultCheck{
			querycheck.ExpectLength("vod_category.covers", 2),
			querycheck.ExpectResourceDisplayName("vod_category.covers", queryfilter.ByResourceIdentity(categoryIdentity(yearID)),
				knownvalue.StringExact(fmt.Sprintf("covers/2024 (%d)", yearID))),
			querycheck.ExpectResourceKnownValues("vod_category.covers", queryfilter.ByResourceIdentity(categoryIdentity(springID)),
				[]querycheck.KnownValueCheck{
					at("id", knownvalue.Int64Exact(springID)),
					at("name", knownvalue.StringExact("spring")),
					at("parent_id", knownvalue.Int64Exact(yearID)),
					at("type", knownvalue.StringExact("default")),
					at("level", knownvalue.Int64Exact(2)),
				}),
		},
	})
}

// The material tree's built-in level-1 categories cannot be managed, so they are not listed;
// their subcategories are.
func TestAccCategoryList_materialSkipsBuiltIns(t *testing.T) {
	tg := acctest.New(t, listedTree)
	tg.RequireEmulator(t)
	queryCase(t, resource.TestStep{
		Config: listQuery(tg, "vod_category", "material", "  config {\n    type = \"material\"\n  }"),
		QueryResultChecks: []querycheck.QueryResultCheck{
			querycheck.ExpectLength("vod_category.material", 1),
			querycheck.ExpectIdentity("vod_category.material", categoryIdentity(introsID)),
		},
	})
}

// A parent_id that names no category is an error that names it.
func TestAccCategoryList_missingParent(t *testing.T) {
	tg := acctest.New(t, listedTree)
	tg.RequireEmulator(t)
	queryCase(t, resource.TestStep{
		Config:      listQuery(tg, "vod_category", "gone", "  config {\n    parent_id = 999999\n  }"),
		ExpectError: errorWith("VOD category not found", "category 999999"),
	})
}
