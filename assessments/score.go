package assessments

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
	"weak"

	"palisade/frameworks"
)

// The scoring rules are written out for people in docs/scoring.md; the
// functions below are their only implementation. They are pure: no I/O, no
// clock, no rounding (round only for display).

// Answer is one member's answer to one subcategory, as the domain sees it.
type Answer struct {
	SubcategoryID string
	Score         int  // score of the chosen level; 0 = unanswered
	NotApplicable bool // excluded from every mean
	Target        int  // target level; 0 = use the default target
	RiskAccepted  bool // the level is a formally accepted risk, not an implemented control
}

// Value is a mean that may not exist (nothing answered to average). It is
// kept apart from 0 because "not yet scored" must never look like the worst
// possible score on a dashboard.
type Value struct {
	V  float64
	OK bool
}

// Summary is the score of one node (overall, function or category).
type Summary struct {
	ID, Name string
	// Score is the mean described in docs/scoring.md; not OK when there is
	// nothing under the node to average.
	Score Value
	// Target is the mean target over the same answered applicable
	// subcategories, aggregated the same way as Score, so the two compare.
	Target Value
	// Gap is max(0, Target - Score) at this node, OK when Score is OK.
	Gap Value
	// Answered, NotApplicable and Total count subcategories under the node.
	Answered, NotApplicable, Total int
}

// Unanswered is how many subcategories under the node are neither answered
// nor marked not applicable.
func (s Summary) Unanswered() int { return s.Total - s.Answered - s.NotApplicable }

// Completion is the share of subcategories dealt with (answered or N/A),
// from 0 to 1. A node with no subcategories has nothing left to do, so it
// counts as complete rather than dividing by zero.
func (s Summary) Completion() float64 {
	if s.Total == 0 {
		return 1
	}
	return float64(s.Answered+s.NotApplicable) / float64(s.Total)
}

// Complete reports whether every subcategory is answered or N/A.
func (s Summary) Complete() bool { return s.Unanswered() == 0 }

// CategoryResult is the score of one category.
type CategoryResult = Summary

// FunctionResult is the score of one function and of its categories, in
// catalog order.
type FunctionResult struct {
	Summary
	Categories []Summary
}

// Result is the score of one member's assessment: overall and per function,
// in catalog order.
type Result struct {
	Overall   Summary
	Functions []FunctionResult
}

// Category returns the result of the category with the given id.
func (r Result) Category(id string) (Summary, bool) {
	for _, f := range r.Functions {
		for _, c := range f.Categories {
			if c.ID == id {
				return c, true
			}
		}
	}
	return Summary{}, false
}

// Function returns the result of the function with the given id.
func (r Result) Function(id string) (FunctionResult, bool) {
	for _, f := range r.Functions {
		if f.ID == id {
			return f, true
		}
	}
	return FunctionResult{}, false
}

// Score applies the rules of docs/scoring.md. Answers to ids that are not in
// the catalog are ignored (the store validates them before), and when one id
// is answered more than once the last answer wins. A nil catalog scores as
// an empty one.
func Score(cat *frameworks.Catalog, answers []Answer, defaultTarget int) Result {
	ix := indexOf(cat)
	var buf [stackSlots]slot
	st := ix.resolve(buf[:0], answers, defaultTarget)

	// Two allocations per call: the function results and one backing array
	// for every category, sliced per function. Scoring a consortium calls
	// this once per member, so it is kept lean (see score_bench_test.go).
	fns := make([]FunctionResult, len(ix.fns))
	cats := make([]Summary, len(ix.cats))
	var overall acc
	for fi, f := range ix.fns {
		var fa acc
		for ci := f.first; ci < f.end; ci++ {
			c := &ix.cats[ci]
			var ca acc
			for _, s := range st[c.first:c.end] {
				ca.subcategory(s)
			}
			cats[ci] = ca.summary(c.id, c.name)
			fa.child(&cats[ci])
		}
		fns[fi] = FunctionResult{Summary: fa.summary(f.id, f.name), Categories: cats[f.first:f.end:f.end]}
		overall.child(&fns[fi].Summary)
	}
	var id, name string
	if cat != nil {
		id, name = cat.ID, cat.Name
	}
	return Result{Overall: overall.summary(id, name), Functions: fns}
}

// Gap is how far one answered applicable subcategory is below its target.
type Gap struct {
	SubcategoryID, CategoryID, FunctionID string
	Current, Target, Gap, Weight          int
}

// Gaps lists answered applicable subcategories whose target exceeds the current level,
// ordered by Gap*Weight desc, then Gap desc, then catalog order.
// Weight comes from the catalog, so the outcomes insurers and CISA ask for
// first rise to the top of a to-do list at equal distance from target.
func Gaps(cat *frameworks.Catalog, answers []Answer, defaultTarget int) []Gap {
	ix := indexOf(cat)
	var buf [stackSlots]slot
	st := ix.resolve(buf[:0], answers, defaultTarget)
	n := 0
	for _, s := range st {
		if s.state == answered && s.target > s.score {
			n++
		}
	}
	out := make([]Gap, 0, n)
	for ci := range ix.cats {
		c := &ix.cats[ci]
		for i := c.first; i < c.end; i++ {
			s := st[i]
			if s.state != answered || s.target <= s.score {
				continue
			}
			out = append(out, Gap{
				SubcategoryID: ix.ids[i], CategoryID: c.id, FunctionID: ix.fns[c.fn].id,
				Current: int(s.score), Target: int(s.target), Gap: int(s.target - s.score), Weight: int(ix.weight[i]),
			})
		}
	}
	// out is in catalog order, so a stable sort on the two keys leaves ties
	// in catalog order.
	slices.SortStableFunc(out, func(a, b Gap) int {
		if c := cmp.Compare(b.Gap*b.Weight, a.Gap*a.Weight); c != 0 {
			return c
		}
		return cmp.Compare(b.Gap, a.Gap)
	})
	return out
}

// Missing lists, in catalog order, the ids of subcategories neither answered nor N/A.
// The result is empty, not nil, when nothing is missing.
func Missing(cat *frameworks.Catalog, answers []Answer) []string {
	ix := indexOf(cat)
	var buf [stackSlots]slot
	st := ix.resolve(buf[:0], answers, 0)
	n := 0
	for _, s := range st {
		if s.state == unanswered {
			n++
		}
	}
	out := make([]string, 0, n)
	for i, s := range st {
		if s.state == unanswered {
			out = append(out, ix.ids[i])
		}
	}
	return out
}

// slot is the effective answer to one subcategory after duplicates and
// unknown ids are resolved.
type slot struct {
	score, target int32
	state         state
}

type state uint8

const (
	unanswered state = iota
	answered
	notApplicable
)

// stackSlots covers CSF 2.0 (106 subcategories) with room to spare, so a
// call needs no heap memory for its working state; bigger catalogs spill to
// the heap and still work.
const stackSlots = 160

// resolve turns answers into one slot per subcategory, in catalog order.
func (ix *catalogIndex) resolve(buf []slot, answers []Answer, defaultTarget int) []slot {
	st := slices.Grow(buf[:0], len(ix.ids))[:len(ix.ids)]
	clear(st)
	next := 0
	for i := range answers {
		a := &answers[i]
		// Answers usually arrive in catalog order (the store reads them
		// that way), so try the position after the last hit before the
		// map lookup.
		p := -1
		if next < len(ix.ids) && ix.ids[next] == a.SubcategoryID {
			p = next
		} else if q, ok := ix.pos[a.SubcategoryID]; ok {
			p = int(q)
		} else {
			continue // not in this catalog: ignored
		}
		next = p + 1
		s := slot{}
		switch {
		case a.NotApplicable:
			s.state = notApplicable
		case a.Score > 0:
			s.state, s.score, s.target = answered, int32(a.Score), int32(defaultTarget)
			if a.Target > 0 {
				s.target = int32(a.Target)
			}
		}
		st[p] = s // last one wins
	}
	return st
}

// acc accumulates the counts and means of one node.
type acc struct {
	score, target float64 // sums of the scores and targets being averaged
	n             int     // how many were averaged
	answered, na  int
	total         int
}

func (a *acc) subcategory(s slot) {
	a.total++
	switch s.state {
	case answered:
		a.answered++
		a.score += float64(s.score)
		a.target += float64(s.target)
		a.n++
	case notApplicable:
		a.na++
	}
}

// child adds a child node: its counts always, its means only when it has a
// score, so an all-N/A or unanswered category does not drag a function down.
func (a *acc) child(c *Summary) {
	a.total += c.Total
	a.answered += c.Answered
	a.na += c.NotApplicable
	if c.Score.OK {
		a.score += c.Score.V
		a.target += c.Target.V
		a.n++
	}
}

func (a *acc) summary(id, name string) Summary {
	s := Summary{ID: id, Name: name, Answered: a.answered, NotApplicable: a.na, Total: a.total}
	if a.n > 0 {
		n := float64(a.n)
		s.Score = Value{a.score / n, true}
		s.Target = Value{a.target / n, true}
		s.Gap = Value{max(0, s.Target.V-s.Score.V), true}
	}
	return s
}

// catalogIndex is the shape of a catalog flattened into slices, so scoring
// walks arrays instead of building maps on every call. Subcategories of a
// category, and categories of a function, are contiguous in catalog order.
type catalogIndex struct {
	ids    []string         // subcategory ids in catalog order
	weight []int32          // subcategory weights
	pos    map[string]int32 // subcategory id -> position in ids
	cats   []catNode
	fns    []fnNode
}

type catNode struct {
	id, name   string
	fn         int32
	first, end int // range in catalogIndex.ids
}

type fnNode struct {
	id, name   string
	first, end int // range in catalogIndex.cats
}

// indexes caches one catalogIndex per catalog. Catalogs are immutable once
// parsed, so the index never goes stale. Keys are weak so that a catalog
// parsed for a one-off (an import preview, a test) is not kept alive by the
// cache; its entry is deleted when it is collected.
var indexes sync.Map // weak.Pointer[frameworks.Catalog] -> *catalogIndex

var emptyIndex = &catalogIndex{}

func indexOf(cat *frameworks.Catalog) *catalogIndex {
	if cat == nil {
		return emptyIndex
	}
	key := weak.Make(cat)
	if v, ok := indexes.Load(key); ok {
		return v.(*catalogIndex)
	}
	v, loaded := indexes.LoadOrStore(key, buildIndex(cat))
	if !loaded {
		runtime.AddCleanup(cat, func(k weak.Pointer[frameworks.Catalog]) { indexes.Delete(k) }, key)
	}
	return v.(*catalogIndex)
}

// buildIndex must not keep a pointer to cat itself, or the weak key in
// indexes would never be collected.
func buildIndex(cat *frameworks.Catalog) *catalogIndex {
	ix := &catalogIndex{pos: map[string]int32{}}
	for fi := range cat.Functions {
		f := &cat.Functions[fi]
		fn := fnNode{id: f.ID, name: f.Name, first: len(ix.cats)}
		for ci := range f.Categories {
			c := &f.Categories[ci]
			cn := catNode{id: c.ID, name: c.Name, fn: int32(fi), first: len(ix.ids)}
			for si := range c.Subcategories {
				s := &c.Subcategories[si]
				ix.pos[s.ID] = int32(len(ix.ids))
				ix.ids = append(ix.ids, s.ID)
				ix.weight = append(ix.weight, int32(s.Weight))
			}
			cn.end = len(ix.ids)
			ix.cats = append(ix.cats, cn)
		}
		fn.end = len(ix.cats)
		ix.fns = append(ix.fns, fn)
	}
	return ix
}
