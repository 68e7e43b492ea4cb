package provider

import (
	"fmt"
	"strings"
)

// didYouMean suggests the known value nearest to a mistyped one (" Did you mean "cn-shanghai"?"),
// or "" when none is within a typo's reach: a third of the value's length, at most 3 edits, or
// a known value that contains it ("shanghai").
func didYouMean(value string, known []string) string {
	best, bestDist := "", min(3, max(1, len(value)/3))+1
	value = strings.ToLower(strings.TrimSpace(value))
	for _, k := range known {
		d := editDistance(value, k)
		if len(value) >= 4 && strings.Contains(k, value) {
			d = 1
		}
		if d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" Did you mean %q?", best)
}

// editDistance is the Damerau-Levenshtein (optimal string alignment) distance between a and b:
// insertions, deletions, substitutions and swaps of neighbours, the typos people make.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
