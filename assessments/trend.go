package assessments

import (
	"cmp"
	"slices"

	"palisade/frameworks"
)

// Change is how one subcategory's level moved between two cycles.
type Change struct {
	SubcategoryID string
	Before, After int // levels in the earlier and the later cycle
	Delta         int // After - Before
}

// Changes compares a member's answers in two cycles and returns the
// subcategories whose level moved, the biggest moves first (ties in catalog
// order). Subcategories unanswered or not applicable in either cycle are
// left out: a move needs a level on both sides.
func Changes(cat *frameworks.Catalog, before, after []Answer) []Change {
	level := func(list []Answer) map[string]int {
		m := map[string]int{}
		for _, a := range list {
			if a.Score > 0 && !a.NotApplicable {
				m[a.SubcategoryID] = a.Score
			}
		}
		return m
	}
	b, a := level(before), level(after)
	var out []Change
	for _, sub := range cat.Subcategories() {
		x, ok1 := b[sub.ID]
		y, ok2 := a[sub.ID]
		if ok1 && ok2 && x != y {
			out = append(out, Change{SubcategoryID: sub.ID, Before: x, After: y, Delta: y - x})
		}
	}
	abs := func(n int) int { return max(n, -n) }
	slices.SortStableFunc(out, func(p, q Change) int { return cmp.Compare(abs(q.Delta), abs(p.Delta)) })
	return out
}
