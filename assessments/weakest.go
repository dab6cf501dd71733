package assessments

import (
	"cmp"
	"slices"
)

// The weakest-link report: a consortium that shares networks, applications
// and providers is only as strong as its weakest member on each outcome.
// This file finds, per subcategory, the floor (the lowest level anyone is
// at), who is below the consortium's baseline, who holds the floor down,
// and which single improvements would lift it most. The model is explained
// for coordinators in docs/weakest-link.md; TestWeakestLinkDocsExample
// checks its worked example.

// SubcategoryFloor is one row of the weakest-link report.
type SubcategoryFloor struct {
	SubcategoryID, CategoryID, FunctionID string
	// Weight is the consortium weight the report ranks by (0..10).
	Weight int
	// Answered counts members with a level here; N/A and unanswered are
	// left out of everything below.
	Answered int
	// Floor is the lowest level among the members that answered, Median
	// their median (type 7, see Stats). Neither is OK when nobody answered.
	// A Risk Formally Accepted answer counts at its score (5 on the NCSR
	// scale), as in the NCSR and in Score.
	Floor, Median Value
	// Baseline is the consortium's default target (normally 5). Members'
	// own targets are not used: the floor is a consortium question, and a
	// member who set itself a low target is still a way in for the others.
	Baseline int
	// BelowBaseline lists, by member id, the members whose level is below
	// the baseline; Below is how many there are.
	BelowBaseline []int64
	Below         int
	// Exposed counts members whose answer here is a formally accepted
	// risk. They meet the baseline on paper (5 ≥ 5) but the control is
	// not in place, so they are counted apart from Below and listed in
	// WeakestLink.AcceptedRisks.
	Exposed int
}

// AcceptedRisk is a formally accepted risk: open exposure for the
// consortium even though it scores like an implemented control.
type AcceptedRisk struct {
	MemberID      int64
	SubcategoryID string
}

// FloorHold is one reason a member holds the consortium's floor down on a
// subcategory: it is alone at the minimum (UniqueMinimum; needs at least two
// members answering, one member alone is no comparison), or it is below the
// baseline on a high-consequence subcategory (weight ≥
// HighConsequenceWeight). Both can be true.
type FloorHold struct {
	MemberID        int64
	SubcategoryID   string
	Level, Weight   int
	UniqueMinimum   bool
	HighConsequence bool
}

// FloorHolder groups the holds of one member.
type FloorHolder struct {
	MemberID int64
	Holds    []FloorHold
	// UniqueMinimum and HighConsequence count the holds of each kind.
	UniqueMinimum, HighConsequence int
}

// WeakestLink is the weakest-link report of one Comparison.
type WeakestLink struct {
	Baseline int
	// Subcategories is one row per subcategory, in catalog order.
	Subcategories []SubcategoryFloor
	// AcceptedRisks lists every accepted risk, in catalog order then by
	// member id.
	AcceptedRisks []AcceptedRisk
	// Holds lists every floor hold, in catalog order then by member id.
	Holds []FloorHold

	c        *Comparison
	weight   []int          // per subcategory, catalog order
	below    [][]belowEntry // per subcategory: members below baseline, by member id
	weakness []int          // per member (Comparison order): see severity
}

// WeakestLinks builds the weakest-link report against the consortium's
// default target as baseline. weights are the consortium's saved weights
// (nil: DefaultWeights); ids missing from it keep their default.
func (c *Comparison) WeakestLinks(weights map[string]int) *WeakestLink {
	ix := c.ix
	nm, ns := len(c.Members), len(ix.ids)
	base := int32(c.DefaultTarget)
	w := &WeakestLink{
		Baseline:      c.DefaultTarget,
		Subcategories: make([]SubcategoryFloor, ns),
		c:             c,
		weight:        effectiveWeights(c.cat, ix, weights),
		below:         make([][]belowEntry, ns),
		weakness:      make([]int, nm),
	}

	// Visit members in id order so every list comes out sorted by id
	// without sorting each one.
	byID := make([]int32, nm)
	for i := range byID {
		byID[i] = int32(i)
	}
	slices.SortFunc(byID, func(a, b int32) int { return cmp.Compare(c.Members[a].MemberID, c.Members[b].MemberID) })

	// Two sequential scans of the grid, row by row (a member's row is
	// contiguous; a subcategory's column is not). The first counts, per
	// subcategory, the members below baseline, the accepted risks and the
	// holds, and sums each member's weakness; the second writes each list
	// into one backing array, per subcategory in catalog order, so the
	// lists need no growing and AcceptedRisks and Holds come out in
	// catalog order then member id.
	high := make([]bool, ns)
	for si := range ns {
		high[si] = w.weight[si] >= HighConsequenceWeight
	}
	isHold := func(si int, x cell) (unique, highc bool) {
		a := &c.subs[si]
		unique = a.n >= 2 && a.minCount == 1 && x.level == a.min
		return unique, high[si] && x.level < base
	}
	nBelow := make([]int, ns+1)
	nAccepted := make([]int, ns+1)
	nHolds := make([]int, ns+1)
	for _, mi := range byID {
		weakness := 0
		for si, x := range c.cells[int(mi)*ns : int(mi+1)*ns] {
			if x.level == 0 {
				continue
			}
			if x.level < base {
				nBelow[si]++
			}
			if x.accepted {
				nAccepted[si]++
			}
			if u, h := isHold(si, x); u || h {
				nHolds[si]++
			}
			weakness += w.weight[si] * severity(x, c.DefaultTarget)
		}
		w.weakness[mi] = weakness
	}
	// Turn each list of counts into offsets: n[si] becomes where
	// subcategory si starts in the backing array and n[ns] the total, so
	// subcategory si owns n[si]:n[si+1].
	toOffsets := func(n []int) (total int) {
		for si := range ns {
			n[si], total = total, total+n[si]
		}
		n[ns] = total
		return total
	}
	belowAll := make([]belowEntry, toOffsets(nBelow))
	belowIDs := make([]int64, len(belowAll))
	w.AcceptedRisks = make([]AcceptedRisk, toOffsets(nAccepted))
	w.Holds = make([]FloorHold, toOffsets(nHolds))
	atBelow, atAccepted, atHolds := slices.Clone(nBelow), slices.Clone(nAccepted), slices.Clone(nHolds)
	for _, mi := range byID {
		id := c.Members[mi].MemberID
		for si, x := range c.cells[int(mi)*ns : int(mi+1)*ns] {
			if x.level == 0 {
				continue
			}
			if x.level < base {
				belowAll[atBelow[si]] = belowEntry{mi, x.level}
				belowIDs[atBelow[si]] = id
				atBelow[si]++
			}
			if x.accepted {
				w.AcceptedRisks[atAccepted[si]] = AcceptedRisk{id, ix.ids[si]}
				atAccepted[si]++
			}
			if u, h := isHold(si, x); u || h {
				w.Holds[atHolds[si]] = FloorHold{
					MemberID: id, SubcategoryID: ix.ids[si], Level: int(x.level), Weight: w.weight[si],
					UniqueMinimum: u, HighConsequence: h,
				}
				atHolds[si]++
			}
		}
	}

	for _, cn := range ix.cats {
		for si := cn.first; si < cn.end; si++ {
			a := c.subs[si]
			lo, hi := nBelow[si], nBelow[si+1]
			row := SubcategoryFloor{
				SubcategoryID: ix.ids[si], CategoryID: cn.id, FunctionID: ix.fns[cn.fn].id,
				Weight: w.weight[si], Answered: a.n, Baseline: c.DefaultTarget,
				BelowBaseline: belowIDs[lo:hi:hi], Below: hi - lo, Exposed: nAccepted[si+1] - nAccepted[si],
			}
			if a.n > 0 {
				row.Floor = Value{float64(a.min), true}
				row.Median = Value{c.Subcategories[si].Median, true}
			}
			w.Subcategories[si] = row
			w.below[si] = belowAll[lo:hi:hi]
		}
	}
	return w
}

// belowEntry is one member below baseline on a subcategory: its index in
// Comparison.Members and its level, kept together so the what-ifs read no
// other memory.
type belowEntry struct {
	mi, level int32
}

// severity is how weak one answer is, in levels, for the weakness of a
// member and the exposure of its neighbours: how far it is below the
// baseline, and for a formally accepted risk at least baseline − 1, as if
// the control were Not Performed (level 1). An accepted risk means the
// control is, by decision, not in place; the acceptance binds the member
// that signed it, not the neighbours it exposes. Never below 1 for an
// accepted risk, 0 for a level at or above baseline or no level.
func severity(x cell, baseline int) int {
	if x.level <= 0 {
		return 0
	}
	s := max(baseline-int(x.level), 0)
	if x.accepted {
		s = max(s, acceptedSeverity(baseline))
	}
	return s
}

func acceptedSeverity(baseline int) int { return max(baseline-1, 1) }

// FloorHolders groups Holds by member: most holds first, then most
// high-consequence holds (those are the controls an attacker tries first),
// then most unique minima, then by member id.
func (w *WeakestLink) FloorHolders() []FloorHolder {
	at := map[int64]int{}
	var out []FloorHolder
	for _, h := range w.Holds {
		i, ok := at[h.MemberID]
		if !ok {
			i = len(out)
			at[h.MemberID] = i
			out = append(out, FloorHolder{MemberID: h.MemberID})
		}
		fh := &out[i]
		fh.Holds = append(fh.Holds, h)
		if h.UniqueMinimum {
			fh.UniqueMinimum++
		}
		if h.HighConsequence {
			fh.HighConsequence++
		}
	}
	slices.SortFunc(out, func(a, b FloorHolder) int {
		if r := cmp.Compare(len(b.Holds), len(a.Holds)); r != 0 {
			return r
		}
		if r := cmp.Compare(b.HighConsequence, a.HighConsequence); r != 0 {
			return r
		}
		if r := cmp.Compare(b.UniqueMinimum, a.UniqueMinimum); r != 0 {
			return r
		}
		return cmp.Compare(a.MemberID, b.MemberID)
	})
	return out
}

// HoldsOf lists one member's floor holds, in catalog order: the "where you
// are the consortium's floor" list of a member's own view.
func (w *WeakestLink) HoldsOf(memberID int64) []FloorHold {
	var out []FloorHold
	for _, h := range w.Holds {
		if h.MemberID == memberID {
			out = append(out, h)
		}
	}
	return out
}

// Opportunity is the what-if of one member reaching the baseline on one
// subcategory: "if member X reaches the baseline on Y, the floor rises from
// FloorBefore to FloorAfter and one member fewer is below baseline".
type Opportunity struct {
	MemberID      int64
	SubcategoryID string
	// Level is the member's level now; Gap = baseline − Level, the levels
	// it would climb.
	Level, Gap int
	// FloorBefore and FloorAfter are the subcategory's floor now and once
	// the member is at the baseline. The floor only rises when the member
	// is alone at the minimum; it then becomes the next-lowest level, or
	// the baseline if that is lower.
	FloorBefore, FloorAfter int
	// BelowBefore and BelowAfter count members below the baseline (After
	// is always Before − 1; both are given for the sentence on the page).
	BelowBefore, BelowAfter int
	// Answered counts the members with a level on the subcategory: the
	// members whose floor it is.
	Answered int
	Weight   int
	// Impact = Weight × (Gap + (FloorAfter − FloorBefore) × Answered).
	// The member's own climb counts once; a rise of the floor counts once
	// for every member that answered, because the floor is the level the
	// whole consortium can be reached at. So lifting the lone weakest
	// member outranks an equal climb by a member that is one of many at
	// the bottom, and a heavier subcategory outranks a lighter one.
	Impact int
}

// Opportunities lists the what-ifs for every (member, subcategory) below
// the baseline, highest Impact first, ties in catalog order, then by member
// id; at most n of them (n ≤ 0: all). Subcategories weighted 0 are left
// out: a coordinator set them aside. Only the best n are kept while
// scanning, so asking for a top 10 of a large consortium costs no sort of
// every gap.
func (w *WeakestLink) Opportunities(n int) []Opportunity {
	type cand struct {
		impact int
		si, mi int32
	}
	c := w.c
	order := func(a, b cand) int {
		if r := cmp.Compare(b.impact, a.impact); r != 0 {
			return r
		}
		if r := cmp.Compare(a.si, b.si); r != 0 {
			return r
		}
		return cmp.Compare(c.Members[a.mi].MemberID, c.Members[b.mi].MemberID)
	}
	var top []cand
	if n > 0 {
		top = make([]cand, 0, n)
	}
	ns := len(c.ix.ids)
	for si, below := range w.below {
		weight := w.weight[si]
		if weight == 0 {
			continue
		}
		a := c.subs[si]
		for _, e := range below {
			level := int(e.level)
			before, after := floorAfter(a, level, w.Baseline)
			x := cand{weight * (w.Baseline - level + (after-before)*a.n), int32(si), e.mi}
			if n <= 0 {
				top = append(top, x)
				continue
			}
			if len(top) == n && order(x, top[n-1]) >= 0 {
				continue // not better than the worst kept
			}
			i, _ := slices.BinarySearchFunc(top, x, order)
			if len(top) < n {
				top = append(top, cand{})
			}
			copy(top[i+1:], top[i:len(top)-1])
			top[i] = x
		}
	}
	if n <= 0 {
		slices.SortFunc(top, order)
	}
	out := make([]Opportunity, len(top))
	for i, x := range top {
		a := c.subs[x.si]
		level := int(c.cells[int(x.mi)*ns+int(x.si)].level)
		before, after := floorAfter(a, level, w.Baseline)
		below := w.Subcategories[x.si].Below
		out[i] = Opportunity{
			MemberID: c.Members[x.mi].MemberID, SubcategoryID: c.ix.ids[x.si],
			Level: level, Gap: w.Baseline - level,
			FloorBefore: before, FloorAfter: after,
			BelowBefore: below, BelowAfter: below - 1,
			Answered: a.n, Weight: w.weight[x.si], Impact: x.impact,
		}
	}
	return out
}

// floorAfter is the floor of a subcategory before and after one member at
// level (below baseline) is raised to baseline.
func floorAfter(a subAgg, level, baseline int) (before, after int) {
	before, after = int(a.min), int(a.min)
	if level == int(a.min) && a.minCount == 1 {
		after = baseline
		if a.n > 1 {
			after = min(int(a.second), baseline)
		}
	}
	return before, after
}
