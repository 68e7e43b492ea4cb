package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/vodtf/terraform-provider-vod/internal/vod"
)

// Finding categories by name and by path, for vod_categories: on a tree already read (by name), or
// level by level with one GetCategories listing per category on the way (by path). Names may
// contain "/", so a path is matched against whole names, not split first.

// maxListedNames bounds the names an error lists.
const maxListedNames = 20

// childLister lists a category's subcategories (vod.RootCategoryID: the top level), oldest first.
type childLister func(ctx context.Context, parentID int64) ([]vod.Category, error)

// categoryPathMatch is a category a path names, with the names on the way to it.
type categoryPathMatch struct {
	vod.Category
	names []string
}

// pathMiss is where a path stopped matching: the deepest category reached (nil at the scope's
// top), the names that led to it, what of the path was left, and the subcategories found there.
type pathMiss struct {
	at       *vod.Category
	names    []string
	rest     string
	children []string
}

// resolveCategoryPath finds the categories that path names below scope: each child whose name is
// the whole rest of the path, or a prefix of it followed by "/" (then its children are asked, up
// to maxDepth levels below scope). It returns every match, and where the deepest attempt stopped
// for an error that explains a miss. Listings are made only under categories whose Subtotal says
// they have children (or does not say), above maxDepth.
func resolveCategoryPath(ctx context.Context, list childLister, scope int64, path string, maxDepth int) ([]categoryPathMatch, *pathMiss, error) {
	var matches []categoryPathMatch
	var miss *pathMiss
	var step func(parent *vod.Category, parentID int64, rest string, names []string, depth int) error
	step = func(parent *vod.Category, parentID int64, rest string, names []string, depth int) error {
		var children []vod.Category
		// A category known to have no children, or at the deepest level, is not asked.
		if parent == nil || (parent.Subtotal != 0 && depth < maxDepth) {
			var err error
			if children, err = list(ctx, parentID); err != nil {
				return err
			}
		}
		if miss == nil || len(names) > len(miss.names) {
			miss = &pathMiss{at: parent, names: names, rest: rest, children: categoryNames(children)}
		}
		for i := range children {
			c := children[i]
			here := append(append([]string(nil), names...), c.Name)
			switch {
			case c.Name == rest:
				matches = append(matches, categoryPathMatch{Category: c, names: here})
			case strings.HasPrefix(rest, c.Name+"/"):
				if err := step(&c, c.ID, rest[len(c.Name)+1:], here, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := step(nil, scope, path, nil, 0); err != nil {
		return nil, nil, err
	}
	return matches, miss, nil
}

func categoryNames(cats []vod.Category) []string {
	out := make([]string, len(cats))
	for i, c := range cats {
		out[i] = c.Name
	}
	return out
}

// explainMiss says why path found nothing: which part matched, and what exists where it stopped.
// where names the scope ("the default tree", "category 12 of the default tree").
func explainMiss(path, where string, miss *pathMiss) string {
	if miss == nil {
		return fmt.Sprintf("No category at path %q in %s.", path, where)
	}
	next, _, _ := strings.Cut(miss.rest, "/")
	var b strings.Builder
	if miss.at == nil {
		fmt.Fprintf(&b, "No category at path %q in %s: no top-level category is named %q", path, where, next)
	} else {
		fmt.Fprintf(&b, "No category at path %q in %s: %q (ID %d) has no subcategory named %q", path, where,
			strings.Join(miss.names, "/"), miss.at.ID, next)
		if next != miss.rest {
			fmt.Fprintf(&b, " (nor one named %q)", miss.rest)
		}
	}
	switch {
	case len(miss.children) == 0 && miss.at == nil:
		b.WriteString(", and the tree is empty.")
	case len(miss.children) == 0:
		b.WriteString(", and it has no subcategories.")
	default:
		fmt.Fprintf(&b, "; there are: %s.", quotedList(miss.children))
		b.WriteString(didYouMean(next, miss.children))
	}
	return b.String()
}

// quotedList quotes names, comma-separated, at most maxListedNames of them.
func quotedList(names []string) string {
	shown := names
	if len(shown) > maxListedNames {
		shown = shown[:maxListedNames]
	}
	q := make([]string, len(shown))
	for i, n := range shown {
		q[i] = fmt.Sprintf("%q", n)
	}
	s := strings.Join(q, ", ")
	if len(names) > len(shown) {
		s += fmt.Sprintf(" and %d more", len(names)-len(shown))
	}
	return s
}

// namedCategory is a category of a tree with the names from the tree's top down to it.
type namedCategory struct {
	node  *vod.CategoryNode
	names []string
}

// walkCategories visits the categories under root (root itself excluded), parents before their
// children, siblings in the tree's order, with the names leading to each after prefix.
func walkCategories(root *vod.CategoryNode, prefix []string, visit func(namedCategory)) {
	for _, child := range root.Children {
		names := append(append([]string(nil), prefix...), child.Name)
		visit(namedCategory{node: child, names: names})
		walkCategories(child, names, visit)
	}
}

// findByName returns the categories named name under root, and every name seen, for suggestions.
func findByName(root *vod.CategoryNode, prefix []string, name string) (found []namedCategory, seen []string) {
	walkCategories(root, prefix, func(c namedCategory) {
		seen = append(seen, c.node.Name)
		if c.node.Name == name {
			found = append(found, c)
		}
	})
	return found, seen
}

// explainAmbiguous lists the categories a name or path matched, with their paths and parents.
func explainAmbiguous(what, where string, matches []namedCategory) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d categories match %s in %s:\n", len(matches), what, where)
	for i, m := range matches {
		if i == maxListedNames {
			fmt.Fprintf(&b, "- and %d more\n", len(matches)-i)
			break
		}
		parent := "top level"
		if m.node.ParentID > 0 {
			parent = fmt.Sprintf("under parent %d", m.node.ParentID)
		}
		fmt.Fprintf(&b, "- %q: ID %d, level %d, %s\n", strings.Join(m.names, "/"), m.node.ID, m.node.Level, parent)
	}
	b.WriteString("Use path to name one from the top level, or parent_id to look under one category only; " +
		"or rename the categories apart.")
	return b.String()
}
