package assessments

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"palisade/frameworks"
)

// The tests of compare.go, weakest.go, priority.go and links.go are the
// rules of docs/weakest-link.md written as examples, on the small
// consortium catalog below. Expected numbers are worked out by hand in the
// comments.

// consortiumCatalogJSON uses real CSF 2.0 ids so the default weights and
// the link kinds apply as they do on the full catalog:
//
//	GV  GV.OC  GV.OC-01 (w1 → default 2)
//	    GV.SC  GV.SC-01 (w1 → 2)
//	PR  PR.AA  PR.AA-01 (w3 → 10)  PR.AA-03 (w3 → 10)
//	    PR.DS  PR.DS-01 (w2 → 4)   PR.DS-11 (w3 → 10)
const consortiumCatalogJSON = `{
  "id": "consortium-test", "name": "Consortium test", "version": "1",
  "functions": [
    {"id": "GV", "name": "Govern", "categories": [
      {"id": "GV.OC", "name": "Organizational Context", "subcategories": [
        {"id": "GV.OC-01", "question": "q?", "hint": "h", "weight": 1}]},
      {"id": "GV.SC", "name": "Supply Chain", "subcategories": [
        {"id": "GV.SC-01", "question": "q?", "hint": "h", "weight": 1}]}]},
    {"id": "PR", "name": "Protect", "categories": [
      {"id": "PR.AA", "name": "Access Control", "subcategories": [
        {"id": "PR.AA-01", "question": "q?", "hint": "h", "weight": 3},
        {"id": "PR.AA-03", "question": "q?", "hint": "h", "weight": 3}]},
      {"id": "PR.DS", "name": "Data Security", "subcategories": [
        {"id": "PR.DS-01", "question": "q?", "hint": "h", "weight": 2},
        {"id": "PR.DS-11", "question": "q?", "hint": "h", "weight": 3}]}]}
  ]}`

func consortiumCatalog(t testing.TB) *frameworks.Catalog {
	t.Helper()
	cat, err := frameworks.ParseCatalog([]byte(consortiumCatalogJSON))
	if err != nil {
		t.Fatalf("consortium catalog: %v", err)
	}
	return cat
}

// accepted is a Risk Formally Accepted answer: it scores 5 on the NCSR scale.
func accepted(id string) Answer { return Answer{SubcategoryID: id, Score: 5, RiskAccepted: true} }

func mem(id int64, name string, answers ...Answer) MemberAnswers {
	return MemberAnswers{MemberID: id, Name: name, Answers: answers}
}

// onOne builds members 1..n (named M1..Mn) answering one subcategory: a
// number is a level, "5a" a formally accepted risk at 5, "na" not
// applicable and "-" no answer at all.
func onOne(t testing.TB, sub string, spec ...string) []MemberAnswers {
	t.Helper()
	out := make([]MemberAnswers, len(spec))
	for i, s := range spec {
		id := int64(i + 1)
		out[i] = mem(id, fmt.Sprintf("M%d", id))
		switch s {
		case "-":
		case "na":
			out[i].Answers = []Answer{na(sub)}
		case "5a":
			out[i].Answers = []Answer{accepted(sub)}
		default:
			n, err := strconv.Atoi(s)
			if err != nil {
				t.Fatalf("bad spec %q", s)
			}
			out[i].Answers = []Answer{scored(sub, n)}
		}
	}
	return out
}

func stats(min, q1, med, q3, max float64, n int) Stats { return Stats{min, q1, med, q3, max, n} }

func sameStats(a, b Stats) bool {
	return a.Count == b.Count && near(a.Min, b.Min) && near(a.Q1, b.Q1) && near(a.Median, b.Median) &&
		near(a.Q3, b.Q3) && near(a.Max, b.Max)
}

func subStats(t *testing.T, c *Comparison, id string) Stats {
	t.Helper()
	for _, s := range c.Subcategories {
		if s.ID == id {
			return s.Stats
		}
	}
	t.Fatalf("no subcategory %s", id)
	return Stats{}
}

// TestSubcategoryDistribution: quartiles by linear interpolation between
// closest ranks, over the members that answered (N/A and no answer left
// out, an accepted risk at 5).
func TestSubcategoryDistribution(t *testing.T) {
	cat := consortiumCatalog(t)
	tests := []struct {
		name   string
		levels []string
		want   Stats
	}{
		// sorted 1 2 3: ranks h = 2p → Q1 at 0.5 (1.5), median at 1, Q3 at 1.5.
		{"odd count", []string{"3", "1", "2"}, stats(1, 1.5, 2, 2.5, 3, 3)},
		// sorted 1 2 3 4: h = 3p → Q1 at 0.75 (1.75), median at 1.5
		// (the mean of the middle two), Q3 at 2.25 (3.25).
		{"even count", []string{"4", "1", "3", "2"}, stats(1, 1.75, 2.5, 3.25, 4, 4)},
		{"one member", []string{"5"}, stats(5, 5, 5, 5, 5, 1)},
		// sorted 2 2 2 7: Q3 at 2.25 = 2 + 0.25 × (7 − 2).
		{"ties", []string{"2", "7", "2", "2"}, stats(2, 2, 2, 3.25, 7, 4)},
		{"N/A and unanswered are left out", []string{"na", "4", "-", "6"}, stats(4, 4.5, 5, 5.5, 6, 2)},
		{"an accepted risk counts at 5", []string{"5a", "1", "3"}, stats(1, 2, 3, 4, 5, 3)},
		{"N/A everywhere: no spread", []string{"na", "na", "na"}, Stats{}},
		{"nobody answered", []string{"-", "-"}, Stats{}},
		{"no members", nil, Stats{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Compare(cat, onOne(t, "PR.AA-01", tc.levels...), 5)
			got := subStats(t, c, "PR.AA-01")
			if !sameStats(got, tc.want) {
				t.Errorf("stats %+v, want %+v", got, tc.want)
			}
			if got.OK() != (tc.want.Count > 0) {
				t.Errorf("OK() = %v with count %d", got.OK(), got.Count)
			}
		})
	}
}

func TestQuantile(t *testing.T) {
	tests := []struct {
		sorted []float64
		p      float64
		want   float64
	}{
		{[]float64{7}, 0.5, 7},
		{[]float64{1, 2}, 0.5, 1.5},
		{[]float64{1, 2, 3, 4, 5}, 0.25, 2},
		{[]float64{1, 2, 3, 4, 5}, 1, 5},
		{[]float64{1, 2, 3, 4, 5}, 0, 1},
		{[]float64{10, 20, 30, 40}, 0.75, 32.5},
	}
	for _, tc := range tests {
		if got := quantile(tc.sorted, tc.p); !near(got, tc.want) {
			t.Errorf("quantile(%v, %v) = %v, want %v", tc.sorted, tc.p, got, tc.want)
		}
	}
}

func TestPercentile(t *testing.T) {
	tenth := 0.1 // a variable, so the sum below is not worked out exactly by the compiler
	tests := []struct {
		name   string
		sorted []float64
		v      Value
		want   Value
	}{
		// (below + (tied − 1)/2) / (n − 1) × 100
		{"best", []float64{1, 2, 3}, val(3), val(100)},
		{"worst", []float64{1, 2, 3}, val(1), val(0)},
		{"middle", []float64{1, 2, 3}, val(2), val(50)},
		{"everyone tied", []float64{4, 4, 4, 4}, val(4), val(50)},
		// below 1, tied 2 (itself and one peer): (1 + 0.5) / 3.
		{"tied with one peer", []float64{1, 3, 3, 5}, val(3), val(50)},
		{"tied at the bottom", []float64{2, 2, 6}, val(2), val(25)},
		// Means reached by a different route differ in the last bit:
		// 0.1 + 0.2 at run time is 0.30000000000000004.
		{"tie within rounding", []float64{0.3, tenth + 2*tenth, 1}, val(tenth + 2*tenth), val(25)},
		{"alone: no percentile", []float64{3}, val(3), none},
		{"no score: no percentile", []float64{1, 2}, none, none},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := percentile(tc.sorted, tc.v)
			if got.OK != tc.want.OK || !near(got.V, tc.want.V) {
				t.Errorf("percentile = %s, want %s", fmtValue(got), fmtValue(tc.want))
			}
		})
	}
}

// smallConsortium is four members on the consortium catalog; Dunmore has
// not started.
//
//	            GV.OC-01 GV.SC-01 PR.AA-01 PR.AA-03 PR.DS-01 PR.DS-11
//	Ashford        4        2        3        5        6        2
//	Brookton       6       N/A      5 acc     6        5        6
//	Carver         2        4        1        3        -        -
//	Dunmore        -        -        -        -        -        -
func smallConsortium() []MemberAnswers {
	return []MemberAnswers{
		{MemberID: 11, Name: "Ashford", Kind: "town", Population: 12000, Answers: []Answer{
			scored("GV.OC-01", 4), scored("GV.SC-01", 2), scored("PR.AA-01", 3),
			scored("PR.AA-03", 5), scored("PR.DS-01", 6), scored("PR.DS-11", 2)}},
		{MemberID: 22, Name: "Brookton", Kind: "county", Population: 50000, Answers: []Answer{
			scored("GV.OC-01", 6), na("GV.SC-01"), accepted("PR.AA-01"),
			scored("PR.AA-03", 6), scored("PR.DS-01", 5), scored("PR.DS-11", 6)}},
		{MemberID: 33, Name: "Carver", Kind: "town", Population: 3000, Answers: []Answer{
			scored("GV.OC-01", 2), scored("GV.SC-01", 4), scored("PR.AA-01", 1), scored("PR.AA-03", 3)}},
		{MemberID: 44, Name: "Dunmore", Kind: "", Population: 0},
	}
}

// TestCompareMembers checks each member's line: its Result (the one Score
// gives), heatmap row, completion and percentiles.
//
//	Ashford   GV.OC 4, GV.SC 2 → GV 3;  PR.AA (3+5)/2 = 4, PR.DS (6+2)/2 = 4 → PR 4;  overall 3.5
//	Brookton  GV.OC 6, GV.SC -  → GV 6;  PR.AA 5.5, PR.DS 5.5 → PR 5.5;              overall 5.75
//	Carver    GV.OC 2, GV.SC 4 → GV 3;  PR.AA 2, PR.DS -  → PR 2;                    overall 2.5
//	Dunmore   nothing
//
// Percentiles, (below + (tied − 1)/2) / (n − 1) × 100:
//
//	overall  2.5 3.5 5.75       → Carver 0, Ashford 50, Brookton 100
//	GV       3 3 6              → Ashford and Carver (0 + 1/2)/2 = 25, Brookton 100
//	PR       2 4 5.5            → Carver 0, Ashford 50, Brookton 100
func TestCompareMembers(t *testing.T) {
	cat := consortiumCatalog(t)
	in := smallConsortium()
	c := Compare(cat, in, 5)

	if c.CatalogID != "consortium-test" || c.DefaultTarget != 5 {
		t.Errorf("catalog %q target %d", c.CatalogID, c.DefaultTarget)
	}
	wantCols := []Column{
		{"GV.OC", "Organizational Context", "GV"}, {"GV.SC", "Supply Chain", "GV"},
		{"PR.AA", "Access Control", "PR"}, {"PR.DS", "Data Security", "PR"},
	}
	if !slices.Equal(c.Columns, wantCols) {
		t.Errorf("columns %v", c.Columns)
	}
	type want struct {
		heat       []Value
		completion float64
		overall    Value
		pct        Value
		fnPct      []Value
	}
	wants := []want{
		{[]Value{val(4), val(2), val(4), val(4)}, 1, val(3.5), val(50), []Value{val(25), val(50)}},
		{[]Value{val(6), none, val(5.5), val(5.5)}, 1, val(5.75), val(100), []Value{val(100), val(100)}},
		{[]Value{val(2), val(4), val(2), none}, 4.0 / 6, val(2.5), val(0), []Value{val(25), val(0)}},
		{[]Value{none, none, none, none}, 0, none, none, []Value{none, none}},
	}
	if len(c.Members) != len(wants) || len(c.Heatmap) != len(wants) {
		t.Fatalf("%d members, %d heatmap rows", len(c.Members), len(c.Heatmap))
	}
	for i, w := range wants {
		m := c.Members[i]
		t.Run(m.Name, func(t *testing.T) {
			if m.MemberID != in[i].MemberID || m.Kind != in[i].Kind || m.Population != in[i].Population {
				t.Errorf("identity %+v", m)
			}
			if !reflect.DeepEqual(m.Result, Score(cat, in[i].Answers, 5)) {
				t.Errorf("Result differs from Score")
			}
			for j := range w.heat {
				checkValue(t, "heatmap "+c.Columns[j].ID, c.Heatmap[i][j], w.heat[j])
			}
			if !near(m.Completion, w.completion) {
				t.Errorf("completion %v, want %v", m.Completion, w.completion)
			}
			checkValue(t, "overall", m.Result.Overall.Score, w.overall)
			checkValue(t, "percentile", m.Percentile, w.pct)
			for j := range w.fnPct {
				checkValue(t, "percentile "+m.Result.Functions[j].ID, m.FunctionPercentiles[j], w.fnPct[j])
			}
		})
	}
}

// TestCompareNodeDistributions: the spread of each node is over the
// members that have a score there (see TestCompareMembers for the scores).
func TestCompareNodeDistributions(t *testing.T) {
	c := Compare(consortiumCatalog(t), smallConsortium(), 5)
	want := map[string]Stats{
		// 2.5 3.5 5.75: Q1 at rank 0.5 = 3, Q3 at 1.5 = 3.5 + 0.5 × 2.25.
		overall: stats(2.5, 3, 3.5, 4.625, 5.75, 3),
		"GV":    stats(3, 3, 3, 4.5, 6, 3),
		"PR":    stats(2, 3, 4, 4.75, 5.5, 3),
		"GV.OC": stats(2, 3, 4, 5, 6, 3),
		"GV.SC": stats(2, 2.5, 3, 3.5, 4, 2),
		"PR.AA": stats(2, 3, 4, 4.75, 5.5, 3),
		// 4 5.5: Q1 = 4 + 0.25 × 1.5.
		"PR.DS": stats(4, 4.375, 4.75, 5.125, 5.5, 2),
		// Subcategories: Brookton's accepted risk is at 5.
		"PR.AA-01": stats(1, 2, 3, 4, 5, 3),
		"GV.SC-01": stats(2, 2.5, 3, 3.5, 4, 2),
		"PR.DS-11": stats(2, 3, 4, 5, 6, 2),
	}
	got := map[string]Stats{overall: c.Overall}
	for _, list := range [][]NodeStats{c.Functions, c.Categories, c.Subcategories} {
		for _, n := range list {
			got[n.ID] = n.Stats
		}
	}
	if len(c.Functions) != 2 || len(c.Categories) != 4 || len(c.Subcategories) != 6 {
		t.Errorf("%d functions, %d categories, %d subcategories", len(c.Functions), len(c.Categories), len(c.Subcategories))
	}
	for id, w := range want {
		if !sameStats(got[id], w) {
			t.Errorf("%s: %+v, want %+v", id, got[id], w)
		}
	}
}

func TestCompareEmpty(t *testing.T) {
	cat := consortiumCatalog(t)
	for name, c := range map[string]*Comparison{
		"no members":     Compare(cat, nil, 5),
		"nil catalog":    Compare(nil, smallConsortium(), 5),
		"nothing at all": Compare(nil, nil, 5),
	} {
		t.Run(name, func(t *testing.T) {
			if c.Overall.OK() {
				t.Errorf("overall spread %+v", c.Overall)
			}
			for _, n := range slices.Concat(c.Functions, c.Categories, c.Subcategories) {
				if n.OK() {
					t.Errorf("%s has a spread %+v", n.ID, n.Stats)
				}
			}
			w := c.WeakestLinks(nil)
			if len(w.Holds) != 0 || len(w.AcceptedRisks) != 0 || len(w.Opportunities(0)) != 0 {
				t.Errorf("weakest link of nothing: %+v", w)
			}
			for _, m := range c.Members {
				if m.Percentile.OK || m.Completion != 1 {
					// A nil catalog has nothing to do: complete, no score.
					t.Errorf("%s: %+v", m.Name, m)
				}
			}
		})
	}
}

// TestOrders: stable, ties by name (case-insensitive) then id, and no
// score last in both directions.
func TestOrders(t *testing.T) {
	c := Compare(consortiumCatalog(t), smallConsortium(), 5)
	names := func(order []int) string {
		out := make([]string, len(order))
		for i, k := range order {
			out[i] = c.Members[k].Name
		}
		return strings.Join(out, " ")
	}
	tests := []struct {
		name  string
		order []int
		want  string
	}{
		{"by name", c.OrderByName(), "Ashford Brookton Carver Dunmore"},
		{"overall, best first", c.OrderByOverall(true), "Brookton Ashford Carver Dunmore"},
		{"overall, worst first", c.OrderByOverall(false), "Carver Ashford Brookton Dunmore"},
		// Ashford and Carver both score 3 on GV: by name.
		{"GV, best first", c.OrderByFunction("GV", true), "Brookton Ashford Carver Dunmore"},
		{"GV, worst first", c.OrderByFunction("GV", false), "Ashford Carver Brookton Dunmore"},
		{"PR, worst first", c.OrderByFunction("PR", false), "Carver Ashford Brookton Dunmore"},
		{"unknown function: by name", c.OrderByFunction("XX", true), "Ashford Brookton Carver Dunmore"},
		// county < town; Dunmore has no kind.
		{"by kind", c.OrderByKind(), "Brookton Ashford Carver Dunmore"},
		{"population, largest first", c.OrderByPopulation(true), "Brookton Ashford Carver Dunmore"},
		{"population, smallest first", c.OrderByPopulation(false), "Carver Ashford Brookton Dunmore"},
	}
	for _, tc := range tests {
		if got := names(tc.order); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}

	// Equal scores: "alpha" before "Beta" whatever the case, and the same
	// name twice goes by member id.
	same := []Answer{scored("GV.OC-01", 3)}
	c = Compare(consortiumCatalog(t), []MemberAnswers{
		mem(9, "Beta", same...), mem(8, "alpha", same...), mem(7, "Beta", same...),
	}, 5)
	got := c.OrderByOverall(true)
	if want := []int{1, 2, 0}; !slices.Equal(got, want) {
		t.Errorf("ties: %v, want %v", got, want)
	}
}

func TestLetters(t *testing.T) {
	for i, want := range map[int]string{0: "A", 1: "B", 25: "Z", 26: "AA", 27: "AB", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA"} {
		if got := letters(i); got != want {
			t.Errorf("letters(%d) = %s, want %s", i, got, want)
		}
	}
}

func TestAnonymousLabels(t *testing.T) {
	ids := make([]int64, 30)
	for i := range ids {
		ids[i] = int64(100 + i)
	}
	a := AnonymousLabels(ids, "cycle-2025-secret")

	// Every member gets its own label, A..Z then AA..AD.
	var want []string
	for i := range 30 {
		want = append(want, "Member "+letters(i))
	}
	got := make([]string, 0, len(a))
	for _, l := range a {
		got = append(got, l)
	}
	slices.Sort(got)
	slices.Sort(want)
	if len(a) != 30 || !slices.Equal(got, want) {
		t.Fatalf("labels %v", got)
	}

	// Stable for a seed, whatever the order of the ids.
	shuffled := slices.Clone(ids)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	if b := AnonymousLabels(append(shuffled, ids[3]), "cycle-2025-secret"); !reflect.DeepEqual(a, b) {
		t.Errorf("labels changed with the order of ids or a duplicate")
	}

	// Not the id order: "Member A" is not simply the smallest id.
	inOrder := true
	for i, id := range ids {
		if a[id] != "Member "+letters(i) {
			inOrder = false
		}
	}
	if inOrder {
		t.Errorf("labels follow the id order")
	}

	// Another cycle shuffles them.
	if b := AnonymousLabels(ids, "cycle-2026-secret"); reflect.DeepEqual(a, b) {
		t.Errorf("labels are the same for another seed")
	}

	if l := AnonymousLabels(nil, "x"); len(l) != 0 {
		t.Errorf("labels of nobody: %v", l)
	}
}

// TestCompareCSF20 runs the whole analysis on the real catalog: three
// members answering every one of the 106 outcomes at 2, 4 and 6.
func TestCompareCSF20(t *testing.T) {
	cat := frameworks.CSF20()
	var members []MemberAnswers
	for i, level := range []int{2, 4, 6} {
		m := mem(int64(i+1), fmt.Sprintf("M%d", i+1))
		for _, s := range cat.Subcategories() {
			m.Answers = append(m.Answers, scored(s.ID, level))
		}
		members = append(members, m)
	}
	c := Compare(cat, members, 5)
	if len(c.Columns) != 22 || len(c.Functions) != 6 || len(c.Subcategories) != 106 {
		t.Fatalf("%d columns, %d functions, %d subcategories", len(c.Columns), len(c.Functions), len(c.Subcategories))
	}
	if !sameStats(c.Overall, stats(2, 3, 4, 5, 6, 3)) {
		t.Errorf("overall %+v", c.Overall)
	}
	for i, m := range c.Members {
		for j, p := range m.FunctionPercentiles {
			checkValue(t, fmt.Sprintf("%s percentile %d", m.Name, j), p, val(float64(i)*50))
		}
	}

	w := c.WeakestLinks(nil)
	for _, s := range w.Subcategories {
		if s.Floor != val(2) || s.Median != val(4) || !slices.Equal(s.BelowBaseline, []int64{1, 2}) {
			t.Fatalf("%s: %+v", s.SubcategoryID, s)
		}
	}
	// Every outcome: M1 is alone at the floor (2 → 4 if it reaches 5) and
	// M2 one level short. The top is M1 on the heaviest outcomes (weight
	// 10): 10 × (3 + 2 × 3) = 90, in catalog order.
	all := w.Opportunities(0)
	if len(all) != 2*106 {
		t.Fatalf("%d opportunities", len(all))
	}
	top := w.Opportunities(5)
	if !slices.Equal(top, all[:5]) {
		t.Errorf("top 5 is not the head of the full list:\n%v\n%v", top, all[:5])
	}
	for i := 1; i < len(all); i++ {
		if all[i].Impact > all[i-1].Impact {
			t.Fatalf("not by impact at %d: %+v after %+v", i, all[i], all[i-1])
		}
	}
	// PR.AA-01 is the first outcome weighted 10 in catalog order.
	want := Opportunity{MemberID: 1, SubcategoryID: "PR.AA-01", Level: 2, Gap: 3, FloorBefore: 2, FloorAfter: 4,
		BelowBefore: 2, BelowAfter: 1, Answered: 3, Weight: 10, Impact: 90}
	if all[0] != want {
		t.Errorf("first opportunity %+v, want %+v", all[0], want)
	}
}

// TestTopOpportunitiesMatchFullList checks the bounded selection of
// Opportunities(n) against sorting everything, on generated consortia.
func TestTopOpportunitiesMatchFullList(t *testing.T) {
	cat := frameworks.CSF20()
	rng := rand.New(rand.NewPCG(7, 7))
	members := make([]MemberAnswers, 40)
	for i := range members {
		members[i] = MemberAnswers{MemberID: int64(1000 - i), Name: fmt.Sprintf("M%02d", i), Answers: memberAnswers(cat, rng)}
	}
	w := Compare(cat, members, 5).WeakestLinks(nil)
	all := w.Opportunities(0)
	for _, n := range []int{1, 7, 50, len(all), len(all) + 10} {
		got := w.Opportunities(n)
		if !slices.Equal(got, all[:min(n, len(all))]) {
			t.Errorf("Opportunities(%d) is not the head of Opportunities(0)", n)
		}
	}
}

// TestWideScale: levels above maxHistogramLevel (a 0..100 scale) are
// sorted instead of counted, with the same results.
//
//	levels 100 20 70 70 → sorted 20 70 70 100: Q1 at rank 0.75 = 20 + 0.75 × 50,
//	Q3 at 2.25 = 70 + 0.25 × 30. Baseline 80: member 2 alone at 20; lifting
//	it moves the floor to the next level, 70: 1 × (60 + 50 × 4) = 260.
func TestWideScale(t *testing.T) {
	c := Compare(consortiumCatalog(t), onOne(t, "GV.OC-01", "100", "20", "70", "70"), 80)
	if got := subStats(t, c, "GV.OC-01"); !sameStats(got, stats(20, 57.5, 70, 77.5, 100, 4)) {
		t.Errorf("stats %+v", got)
	}
	w := c.WeakestLinks(map[string]int{"GV.OC-01": 1})
	if r := floorRow(t, w, "GV.OC-01"); r.Floor != val(20) || r.Median != val(70) || !slices.Equal(r.BelowBaseline, []int64{2, 3, 4}) {
		t.Errorf("row %+v", r)
	}
	if fmtHolds(w.Holds) != "2 unique" {
		t.Errorf("holds %s", fmtHolds(w.Holds))
	}
	ops := w.Opportunities(1)
	if len(ops) != 1 || ops[0].MemberID != 2 || ops[0].FloorAfter != 70 || ops[0].Impact != 260 {
		t.Errorf("opportunities %+v", ops)
	}
}

// TestHistogramMatchesSorting: the two ways of summarising levels agree on
// generated consortia.
func TestHistogramMatchesSorting(t *testing.T) {
	cat := frameworks.CSF20()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 5, 33} {
		members := make([]MemberAnswers, n)
		for i := range members {
			members[i] = MemberAnswers{MemberID: int64(i), Answers: memberAnswers(cat, rng)}
		}
		c := Compare(cat, members, 5)
		hist := slices.Clone(c.Subcategories)
		histAgg := slices.Clone(c.subs)
		c.levelsBySorting(make([]float64, 0, n))
		for si := range hist {
			if !sameStats(hist[si].Stats, c.Subcategories[si].Stats) || histAgg[si] != c.subs[si] {
				t.Errorf("n=%d %s: histogram %+v %+v, sorting %+v %+v", n, hist[si].ID,
					hist[si].Stats, histAgg[si], c.Subcategories[si].Stats, c.subs[si])
			}
		}
	}
}
