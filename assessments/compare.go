package assessments

import (
	"bytes"
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"math"
	"slices"
	"strings"

	"palisade/frameworks"
)

// This file compares the members of a consortium with each other: the
// numbers behind the comparison dashboard (heatmap, distributions,
// percentiles, completion). The weakest-link report (weakest.go) and the
// interconnection analysis (links.go) are built on the same Comparison, so a
// dashboard reads each member's answers once. The rules are written out for
// coordinators in docs/weakest-link.md.

// MemberAnswers is one member of a consortium and its answers for one cycle.
type MemberAnswers struct {
	MemberID int64
	Name     string
	// Kind is the sort of local government ("city", "county", "school
	// district", ...). It is free text used only to sort and group.
	Kind string
	// Population is the number of residents served; 0 or less means
	// unknown (a 911 authority, say) and sorts last.
	Population int
	Answers    []Answer
}

// Stats is the spread of one number across the members that have it.
// Quartiles use linear interpolation between closest ranks (Hyndman & Fan
// type 7, the default of R, NumPy and Excel's PERCENTILE.INC): for sorted
// values x[0..n-1] the p-quantile is read at rank h = (n-1)·p, interpolating
// between x[floor h] and x[floor h + 1]. So the median of an even count is
// the mean of the two middle values, and Min and Max are the 0- and
// 1-quantiles. It was chosen because a coordinator checking a boxplot in a
// spreadsheet gets the same numbers.
type Stats struct {
	Min, Q1, Median, Q3, Max float64
	// Count is how many members the figures are over. When it is 0 the
	// other fields are meaningless (not zero scores): check OK first.
	Count int
}

// OK reports whether any member contributed, i.e. whether the figures mean
// anything. A node nobody has scored has no spread, not a spread of zeros.
func (s Stats) OK() bool { return s.Count > 0 }

// NodeStats is the spread of the scores of one function, category or
// subcategory.
type NodeStats struct {
	ID, Name string
	Stats
}

// Column is one column of the heatmap: a category, in catalog order.
type Column struct {
	ID, Name, FunctionID string
}

// MemberRow is one member's line of the comparison.
type MemberRow struct {
	MemberID   int64
	Name, Kind string
	Population int
	// Result is the member's own score, exactly as Score computes it.
	Result Result
	// Completion is Result.Overall.Completion(), kept here because the
	// "who has not submitted" table lists it for every member.
	Completion float64
	// Percentile is where the member's overall score stands among the
	// other members with an overall score (see percentile for the
	// definition); FunctionPercentiles is the same per function, in
	// catalog order. Not OK when the member has no score there or nobody
	// else has one to compare with.
	Percentile          Value
	FunctionPercentiles []Value
}

// Comparison is a consortium's answers for one cycle, digested once. It is
// immutable after Compare returns and safe to share between goroutines.
type Comparison struct {
	CatalogID string
	// DefaultTarget is the consortium's target level. It is the baseline of
	// the weakest-link report.
	DefaultTarget int
	// Members is in the order Compare was given; the Order* methods give
	// other orders as permutations of it.
	Members []MemberRow
	// Columns are the categories in catalog order, and Heatmap[i][j] is the
	// score of Members[i] on Columns[j] (not OK: nothing answered there).
	Columns []Column
	Heatmap [][]Value
	// Distributions over the members that have a score at that node.
	// For a subcategory that means members that answered it (N/A and
	// unanswered are left out); a Risk Formally Accepted answer counts at
	// its score, as in Score.
	// Subcategories have questions rather than names, so their NodeStats
	// Name is the id.
	Overall       Stats
	Functions     []NodeStats
	Categories    []NodeStats
	Subcategories []NodeStats

	cat   *frameworks.Catalog
	ix    *catalogIndex
	cells []cell   // member-major: cells[m*len(ix.ids)+s]
	subs  []subAgg // per subcategory, in catalog order
}

// cell is one member's effective answer to one subcategory for the
// weakest-link analysis. level 0 means no level (unanswered or N/A).
type cell struct {
	level    int32
	accepted bool
}

// subAgg holds what the weakest-link report needs about one subcategory
// beyond its Stats: the floor, how many members share it, and the lowest
// level once one floor member is taken out.
type subAgg struct {
	n        int   // members with a level
	min      int32 // the floor
	minCount int   // members at the floor
	second   int32 // second-lowest level counting duplicates (sorted[1]); 0 when n < 2
}

// Compare scores every member and works out the consortium's spread. It
// makes one pass over the members: each member's answers are scored with
// Score and folded into a members × subcategories grid in the same step,
// and nothing afterwards goes back to the answers. The rest works on the
// grid and on per-node columns: subcategory levels are counted
// (levelsByHistogram), and only the 29 overall, function and category
// columns of mean scores are sorted, so the cost is linear in the number
// of members apart from those sorts (n log n, small next to scoring; see
// compare_bench_test.go).
//
// Answers are read as Score reads them: ids not in the catalog are ignored
// and the last answer to an id wins. Member ids are expected to be unique.
func Compare(cat *frameworks.Catalog, members []MemberAnswers, defaultTarget int) *Comparison {
	ix := indexOf(cat)
	nm, ns, nc, nf := len(members), len(ix.ids), len(ix.cats), len(ix.fns)
	c := &Comparison{
		DefaultTarget: defaultTarget,
		Members:       make([]MemberRow, nm),
		Columns:       make([]Column, nc),
		Heatmap:       make([][]Value, nm),
		cat:           cat,
		ix:            ix,
		cells:         make([]cell, nm*ns),
	}
	if cat != nil {
		c.CatalogID = cat.ID
	}
	for ci, cn := range ix.cats {
		c.Columns[ci] = Column{ID: cn.id, Name: cn.name, FunctionID: ix.fns[cn.fn].id}
	}

	heat := make([]Value, nm*nc) // one backing array for every heatmap row
	pct := make([]Value, nm*nf)  // likewise for the function percentiles
	var maxLevel int32           // highest level anyone answered
	for mi := range members {
		m := &members[mi]
		r := Score(cat, m.Answers, defaultTarget)
		row := heat[mi*nc : (mi+1)*nc : (mi+1)*nc]
		k := 0
		for _, f := range r.Functions {
			for _, cs := range f.Categories {
				row[k] = cs.Score
				k++
			}
		}
		c.Heatmap[mi] = row
		c.Members[mi] = MemberRow{
			MemberID: m.MemberID, Name: m.Name, Kind: m.Kind, Population: m.Population,
			Result: r, Completion: r.Overall.Completion(),
			FunctionPercentiles: pct[mi*nf : (mi+1)*nf : (mi+1)*nf],
		}
		maxLevel = max(maxLevel, ix.fillCells(c.cells[mi*ns:(mi+1)*ns], m.Answers))
	}

	// Distributions: one scratch column, reused for every node, holds the
	// node's scores sorted.
	sorted := make([]float64, 0, nm)
	column := func(get func(mi int) Value) []float64 {
		sorted = sorted[:0]
		for mi := range c.Members {
			if v := get(mi); v.OK {
				sorted = append(sorted, v.V)
			}
		}
		slices.Sort(sorted)
		return sorted
	}

	s := column(func(mi int) Value { return c.Members[mi].Result.Overall.Score })
	c.Overall = statsOf(s)
	for mi := range c.Members {
		c.Members[mi].Percentile = percentile(s, c.Members[mi].Result.Overall.Score)
	}

	c.Functions = make([]NodeStats, nf)
	for fi, fn := range ix.fns {
		s := column(func(mi int) Value { return c.Members[mi].Result.Functions[fi].Score })
		c.Functions[fi] = NodeStats{ID: fn.id, Name: fn.name, Stats: statsOf(s)}
		for mi := range c.Members {
			m := &c.Members[mi]
			m.FunctionPercentiles[fi] = percentile(s, m.Result.Functions[fi].Score)
		}
	}

	c.Categories = make([]NodeStats, nc)
	for ci, cn := range ix.cats {
		s := column(func(mi int) Value { return c.Heatmap[mi][ci] })
		c.Categories[ci] = NodeStats{ID: cn.id, Name: cn.name, Stats: statsOf(s)}
	}

	c.Subcategories = make([]NodeStats, ns)
	c.subs = make([]subAgg, ns)
	if maxLevel <= maxHistogramLevel {
		c.levelsByHistogram(maxLevel)
	} else {
		c.levelsBySorting(sorted)
	}
	return c
}

// maxHistogramLevel bounds the levels counted in a histogram rather than
// sorted. Maturity scales have a handful of levels (the NCSR 7), so one
// counter per level and subcategory is far cheaper than sorting 106
// columns; a scale with scores above this (a 0..100 percentage, say) falls
// back to sorting.
const maxHistogramLevel = 63

// levelsByHistogram fills Subcategories and subs by counting the levels of
// each subcategory: one sequential scan of the grid, then quantiles read
// off the counts.
func (c *Comparison) levelsByHistogram(maxLevel int32) {
	ns, width := len(c.ix.ids), int(maxLevel)+1
	counts := make([]int32, ns*width)
	for m := range c.Members {
		for si, x := range c.cells[m*ns : (m+1)*ns] {
			counts[si*width+int(x.level)]++ // level 0 (no level) is counted and ignored
		}
	}
	for si, id := range c.ix.ids {
		h := counts[si*width : (si+1)*width]
		h[0] = 0
		n := 0
		for _, k := range h {
			n += int(k)
		}
		// at is the k-th lowest level (0-based).
		at := func(k int) float64 {
			for level, cnt := range h {
				if k < int(cnt) {
					return float64(level)
				}
				k -= int(cnt)
			}
			return float64(width - 1) // k >= n: not asked
		}
		c.Subcategories[si] = NodeStats{ID: id, Name: id, Stats: statsAt(n, at)}
		c.subs[si] = subAggAt(n, at, func(level int32) int { return int(h[level]) })
	}
}

// levelsBySorting does what levelsByHistogram does by sorting each
// subcategory's column of levels, for scales too wide to count.
func (c *Comparison) levelsBySorting(scratch []float64) {
	ns := len(c.ix.ids)
	for si, id := range c.ix.ids {
		col := scratch[:0]
		for m := range c.Members {
			if l := c.cells[m*ns+si].level; l > 0 {
				col = append(col, float64(l))
			}
		}
		slices.Sort(col)
		at := func(k int) float64 { return col[k] }
		c.Subcategories[si] = NodeStats{ID: id, Name: id, Stats: statsAt(len(col), at)}
		c.subs[si] = subAggAt(len(col), at, func(level int32) int {
			lo, _ := slices.BinarySearch(col, float64(level))
			hi, _ := slices.BinarySearch(col, float64(level)+0.5)
			return hi - lo
		})
	}
}

// subAggAt builds a subAgg from the k-th lowest level (at) and the number
// of members at a level (count).
func subAggAt(n int, at func(k int) float64, count func(level int32) int) subAgg {
	a := subAgg{n: n}
	if n > 0 {
		a.min = int32(at(0))
		a.minCount = count(a.min)
	}
	if n > 1 {
		a.second = int32(at(1))
	}
	return a
}

// fillCells resolves one member's answers into its row of the grid with the
// rules of resolve in score.go (unknown ids ignored, last answer wins, N/A
// has no level), plus the risk-accepted flag that Score does not need. It
// returns the highest level it wrote.
func (ix *catalogIndex) fillCells(row []cell, answers []Answer) (maxLevel int32) {
	next := 0
	for i := range answers {
		a := &answers[i]
		p := -1
		if next < len(ix.ids) && ix.ids[next] == a.SubcategoryID {
			p = next
		} else if q, ok := ix.pos[a.SubcategoryID]; ok {
			p = int(q)
		} else {
			continue
		}
		next = p + 1
		var x cell
		if !a.NotApplicable && a.Score > 0 {
			x = cell{level: int32(min(a.Score, math.MaxInt32)), accepted: a.RiskAccepted}
			maxLevel = max(maxLevel, x.level)
		}
		row[p] = x
	}
	return maxLevel
}

// statsOf summarises sorted values.
func statsOf(sorted []float64) Stats {
	return statsAt(len(sorted), func(k int) float64 { return sorted[k] })
}

// statsAt summarises n values given the k-th lowest (0-based), so sorted
// columns and level histograms share one definition.
func statsAt(n int, at func(k int) float64) Stats {
	if n == 0 {
		return Stats{}
	}
	return Stats{
		Min: at(0), Q1: quantileAt(n, at, 0.25), Median: quantileAt(n, at, 0.5),
		Q3: quantileAt(n, at, 0.75), Max: at(n - 1), Count: n,
	}
}

// quantile is the p-quantile of sorted values (type 7; see Stats).
func quantile(sorted []float64, p float64) float64 {
	return quantileAt(len(sorted), func(k int) float64 { return sorted[k] }, p)
}

// quantileAt is the p-quantile of n values by linear interpolation between
// closest ranks: rank h = (n-1)·p, between the values at floor(h) and
// floor(h)+1.
func quantileAt(n int, at func(k int) float64, p float64) float64 {
	h := float64(n-1) * p
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return at(n - 1)
	}
	a := at(lo)
	return a + (h-float64(lo))*(at(lo+1)-a)
}

// tieTolerance treats two means as equal when they differ by less than
// this. Means of the same answers reached in a different order can differ
// in the last bit; a member must not rank above a peer for that.
const tieTolerance = 1e-9

// percentile is the share of the other members (those with a score) that v
// is above, ties counted as half, from 0 to 100:
//
//	percentile = (below + (tied - 1) / 2) / (n - 1) × 100
//
// where below counts scores lower than v, tied counts scores equal to v
// (the member's own included) and n counts all scores. The best member is
// at 100, the worst at 0, and a consortium where everyone scores the same
// puts everyone at 50, so a tie never reads as being ahead or behind. It
// has no value when v has none or nobody else has a score: a percentile of
// one is meaningless. sorted is the column v belongs to.
func percentile(sorted []float64, v Value) Value {
	if !v.OK || len(sorted) < 2 {
		return Value{}
	}
	below, _ := slices.BinarySearch(sorted, v.V-tieTolerance)
	upto, _ := slices.BinarySearch(sorted, v.V+tieTolerance)
	tied := upto - below
	if tied == 0 { // v is not in the column; cannot happen for its own column
		return Value{}
	}
	return Value{(float64(below) + float64(tied-1)/2) / float64(len(sorted)-1) * 100, true}
}

// Ordering the heatmap. Every order is stable and total: ties go by name
// (case-insensitive), then by member id, so a page never reshuffles between
// two loads. Members without a score on the sort key always go last, in
// either direction: no score is not a low score. The methods return
// permutations of Members (indexes into Members and Heatmap) and change
// nothing.

// OrderByName orders members alphabetically.
func (c *Comparison) OrderByName() []int {
	return c.order(func(a, b *MemberRow) int { return 0 })
}

// OrderByOverall orders members by overall score, highest first when desc.
func (c *Comparison) OrderByOverall(desc bool) []int {
	return c.orderByScore(func(m *MemberRow) Value { return m.Result.Overall.Score }, desc)
}

// OrderByFunction orders members by their score on one function. An id
// that is not a function of the catalog orders by name, so a stale sort
// link still shows the heatmap.
func (c *Comparison) OrderByFunction(functionID string, desc bool) []int {
	fi := slices.IndexFunc(c.ix.fns, func(f fnNode) bool { return f.id == functionID })
	if fi < 0 {
		return c.OrderByName()
	}
	return c.orderByScore(func(m *MemberRow) Value { return m.Result.Functions[fi].Score }, desc)
}

// OrderByKind groups members by kind (alphabetically, case-insensitive),
// members with no kind last.
func (c *Comparison) OrderByKind() []int {
	return c.order(func(a, b *MemberRow) int {
		ka, kb := strings.ToLower(a.Kind), strings.ToLower(b.Kind)
		if r := trueFirst(ka != "", kb != ""); r != 0 {
			return r // no kind sorts after
		}
		return cmp.Compare(ka, kb)
	})
}

// OrderByPopulation orders members by population, largest first when desc;
// an unknown population (0 or less) goes last either way.
func (c *Comparison) OrderByPopulation(desc bool) []int {
	return c.order(func(a, b *MemberRow) int {
		if r := trueFirst(a.Population > 0, b.Population > 0); r != 0 {
			return r // known first
		}
		if desc {
			return cmp.Compare(b.Population, a.Population)
		}
		return cmp.Compare(a.Population, b.Population)
	})
}

func (c *Comparison) orderByScore(get func(*MemberRow) Value, desc bool) []int {
	return c.order(func(a, b *MemberRow) int {
		va, vb := get(a), get(b)
		if r := trueFirst(va.OK, vb.OK); r != 0 {
			return r // scored first
		}
		if !va.OK || math.Abs(va.V-vb.V) < tieTolerance {
			return 0
		}
		if desc {
			return cmp.Compare(vb.V, va.V)
		}
		return cmp.Compare(va.V, vb.V)
	})
}

// trueFirst orders true before false.
func trueFirst(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

// order sorts member indexes by key, then by name and member id.
func (c *Comparison) order(key func(a, b *MemberRow) int) []int {
	lower := make([]string, len(c.Members))
	idx := make([]int, len(c.Members))
	for i := range c.Members {
		lower[i] = strings.ToLower(c.Members[i].Name)
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		a, b := &c.Members[i], &c.Members[j]
		if r := key(a, b); r != 0 {
			return r
		}
		if r := cmp.Compare(lower[i], lower[j]); r != 0 {
			return r
		}
		if r := cmp.Compare(a.Name, b.Name); r != 0 {
			return r
		}
		return cmp.Compare(a.MemberID, b.MemberID)
	})
	return idx
}

// AnonymousLabels names members "Member A", "Member B", ... "Member Z",
// "Member AA", "Member AB", ... for people who may compare themselves with
// peers but not identify them.
//
// The letters follow the order of HMAC-SHA256(seed, member id), not the
// order of names or ids, so "Member A" is not the oldest member or the first
// in the alphabet. Pass the same seed for a whole cycle (the cycle's own
// random token, not something a member can read such as its name or id) and
// the labels stay the same on every page of that cycle, while a new cycle
// shuffles them so a member cannot follow a peer from year to year. With a
// guessable seed and known ids the labels could be recomputed, hence the
// secret. Labels depend on the set of ids: a member added mid-cycle can
// shift the labels that come after it. Duplicate ids get one label.
func AnonymousLabels(memberIDs []int64, seed string) map[int64]string {
	type keyed struct {
		id  int64
		sum [sha256.Size]byte
	}
	mac := hmac.New(sha256.New, []byte(seed))
	ks := make([]keyed, 0, len(memberIDs))
	seen := make(map[int64]bool, len(memberIDs))
	var buf [8]byte
	for _, id := range memberIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		mac.Reset()
		binary.BigEndian.PutUint64(buf[:], uint64(id))
		mac.Write(buf[:])
		k := keyed{id: id}
		mac.Sum(k.sum[:0])
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if r := bytes.Compare(a.sum[:], b.sum[:]); r != 0 {
			return r
		}
		return cmp.Compare(a.id, b.id)
	})
	out := make(map[int64]string, len(ks))
	for i, k := range ks {
		out[k.id] = "Member " + letters(i)
	}
	return out
}

// letters is i in bijective base 26: 0 → A, 25 → Z, 26 → AA, 27 → AB,
// 701 → ZZ, 702 → AAA, like spreadsheet columns.
func letters(i int) string {
	var b []byte
	for n := i + 1; n > 0; n = (n - 1) / 26 {
		b = append(b, byte('A'+(n-1)%26))
	}
	slices.Reverse(b)
	return string(b)
}
