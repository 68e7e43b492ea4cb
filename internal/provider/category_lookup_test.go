package provider

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// testTree is a default tree: covers/{2024/{spring,summer},2025/spring}, logos, and a name with a
// slash in it ("a/b" under logos, beside "a" whose child is "b").
func testTree() map[int64][]vod.Category {
	cat := func(id int64, name string, level, parent int64, subtotal int64) vod.Category {
		return vod.Category{ID: id, Name: name, Level: level, ParentID: parent, Type: vod.CategoryTypeDefault, Subtotal: subtotal}
	}
	return map[int64][]vod.Category{
		vod.RootCategoryID: {cat(1, "covers", 0, -1, 2), cat(2, "logos", 0, -1, 2)},
		1:                  {cat(11, "2024", 1, 1, 2), cat(12, "2025", 1, 1, 1)},
		11:                 {cat(111, "spring", 2, 11, 0), cat(112, "summer", 2, 11, 0)},
		12:                 {cat(121, "spring", 2, 12, 0)},
		2:                  {cat(21, "a/b", 1, 2, 0), cat(22, "a", 1, 2, 1)},
		22:                 {cat(221, "b", 2, 22, -1)}, // Subtotal unknown: the depth bound stops the search
	}
}

// lister lists testTree, counting the listings.
func lister(tree map[int64][]vod.Category, calls *[]int64) childLister {
	return func(_ context.Context, parent int64) ([]vod.Category, error) {
		*calls = append(*calls, parent)
		return tree[parent], nil
	}
}

// nodeTree builds the CategoryNode tree GetCategoryTree would return for root.
func nodeTree(tree map[int64][]vod.Category, root vod.Category) *vod.CategoryNode {
	n := &vod.CategoryNode{Category: root}
	for _, c := range tree[root.ID] {
		n.Children = append(n.Children, nodeTree(tree, c))
	}
	return n
}

func TestResolveCategoryPath(t *testing.T) {
	for _, tc := range []struct {
		path      string
		scope     int64
		want      []int64
		wantCalls int // listings made
		missIn    string
	}{
		{path: "covers", scope: -1, want: []int64{1}, wantCalls: 1},
		{path: "covers/2024/spring", scope: -1, want: []int64{111}, wantCalls: 3},
		{path: "covers/2025/spring", scope: -1, want: []int64{121}, wantCalls: 3},
		{path: "2024/summer", scope: 1, want: []int64{112}, wantCalls: 2},
		// A name with a slash, and a path through two levels that reads the same: both match.
		{path: "logos/a/b", scope: -1, want: []int64{21, 221}, wantCalls: 3},
		{path: "covers/2024/autumn", scope: -1, wantCalls: 3, missIn: `"covers/2024" (ID 11) has no subcategory named "autumn"; there are: "spring", "summer".`},
		{path: "cover/2024", scope: -1, wantCalls: 1, missIn: `no top-level category is named "cover"; there are: "covers", "logos". Did you mean "covers"?`},
		// spring has no children (Subtotal 0): not listed.
		{path: "covers/2024/spring/x", scope: -1, wantCalls: 3, missIn: `"covers/2024/spring" (ID 111) has no subcategory named "x", and it has no subcategories.`},
		// Below the deepest level nothing is asked.
		{path: "logos/a/b/c", scope: -1, wantCalls: 3, missIn: `"logos/a/b" (ID 221) has no subcategory named "c"`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			var calls []int64
			matches, miss, err := resolveCategoryPath(context.Background(), lister(testTree(), &calls), tc.scope, tc.path, 3)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, m := range matches {
				got = append(got, m.ID)
				if joined := strings.Join(m.names, "/"); tc.scope == -1 && joined != tc.path {
					t.Errorf("match %d: names %q, want the path %q", m.ID, joined, tc.path)
				}
			}
			if !equalIDs(got, tc.want) {
				t.Errorf("matches %v, want %v", got, tc.want)
			}
			if len(calls) != tc.wantCalls {
				t.Errorf("%d listings (%v), want %d", len(calls), calls, tc.wantCalls)
			}
			if tc.missIn != "" {
				if msg := explainMiss(tc.path, "the default tree", miss); !strings.Contains(msg, tc.missIn) {
					t.Errorf("explanation %q does not contain %q", msg, tc.missIn)
				}
			}
		})
	}
}

func TestResolveCategoryPathError(t *testing.T) {
	boom := errors.New("boom")
	_, _, err := resolveCategoryPath(context.Background(), func(context.Context, int64) ([]vod.Category, error) {
		return nil, boom
	}, -1, "a/b", 3)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the listing's error", err)
	}
}

func TestExplainMissEmpty(t *testing.T) {
	_, miss, _ := resolveCategoryPath(context.Background(), func(context.Context, int64) ([]vod.Category, error) {
		return nil, nil
	}, -1, "covers", 3)
	if msg := explainMiss("covers", "the default tree", miss); !strings.HasSuffix(msg, "and the tree is empty.") {
		t.Errorf("explanation %q", msg)
	}
}

func TestFindByName(t *testing.T) {
	tree := testTree()
	root := nodeTree(tree, vod.Category{ID: vod.RootCategoryID})
	found, seen := findByName(root, nil, "spring")
	if len(found) != 2 || found[0].node.ID != 111 || found[1].node.ID != 121 {
		t.Fatalf("found %v", found)
	}
	if got := strings.Join(found[1].names, "/"); got != "covers/2025/spring" {
		t.Errorf("names %q", got)
	}
	if len(seen) != 10 {
		t.Errorf("seen %d names, want the 10 of the tree", len(seen))
	}
	msg := explainAmbiguous(`name "spring"`, "the default tree", found)
	for _, want := range []string{`2 categories match name "spring"`, `"covers/2024/spring": ID 111, level 2, under parent 11`,
		`"covers/2025/spring": ID 121, level 2, under parent 12`, "Use path"} {
		if !strings.Contains(msg, want) {
			t.Errorf("explanation %q lacks %q", msg, want)
		}
	}
	// Under a subtree, the prefix carries the names above it.
	sub := nodeTree(tree, tree[1][1])
	found, _ = findByName(sub, []string{"covers", "2025"}, "spring")
	if len(found) != 1 || strings.Join(found[0].names, "/") != "covers/2025/spring" {
		t.Errorf("in the subtree: %v", found)
	}
}

func TestWalkCategoriesOrder(t *testing.T) {
	root := nodeTree(testTree(), vod.Category{ID: vod.RootCategoryID})
	var got []int64
	walkCategories(root, nil, func(c namedCategory) { got = append(got, c.node.ID) })
	want := []int64{1, 11, 111, 112, 12, 121, 2, 21, 22, 221}
	if !equalIDs(got, want) {
		t.Errorf("order %v, want %v (parents first, siblings in order)", got, want)
	}
}

func TestQuotedList(t *testing.T) {
	names := make([]string, 25)
	for i := range names {
		names[i] = "n"
	}
	if got := quotedList(names); !strings.HasSuffix(got, `"n" and 5 more`) {
		t.Errorf("quotedList = %q", got)
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
