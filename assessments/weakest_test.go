package assessments

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"palisade/frameworks"
)

func floorRow(t *testing.T, w *WeakestLink, id string) SubcategoryFloor {
	t.Helper()
	for _, s := range w.Subcategories {
		if s.SubcategoryID == id {
			return s
		}
	}
	t.Fatalf("no row for %s", id)
	return SubcategoryFloor{}
}

// hold is a FloorHold in short: "2 unique high" = member 2, alone at the
// minimum and below baseline on a high-consequence subcategory.
func fmtHolds(hs []FloorHold) string {
	var b strings.Builder
	for i, h := range hs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d", h.MemberID)
		if h.UniqueMinimum {
			b.WriteString(" unique")
		}
		if h.HighConsequence {
			b.WriteString(" high")
		}
	}
	return b.String()
}

// TestFloor: one subcategory, members 1..n, baseline (default target) 5
// unless the case says otherwise. PR.AA-01 weighs 10 by default, so being
// below baseline there makes a floor-holder; GV.OC-01 weighs 2.
func TestFloor(t *testing.T) {
	cat := consortiumCatalog(t)
	tests := []struct {
		name     string
		sub      string
		baseline int
		levels   []string
		answered int
		floor    Value
		median   Value
		below    []int64
		exposed  int
		holds    string
	}{
		{name: "odd count", sub: "PR.AA-01", levels: []string{"3", "1", "6"},
			answered: 3, floor: val(1), median: val(3), below: []int64{1, 2},
			holds: "1 high, 2 unique high"},
		{name: "even count: median between the middle two", sub: "PR.AA-01", levels: []string{"4", "2", "6", "7"},
			answered: 4, floor: val(2), median: val(5), below: []int64{1, 2},
			holds: "1 high, 2 unique high"},
		{name: "tie at the minimum: nobody holds it alone", sub: "PR.AA-01", levels: []string{"2", "2", "6"},
			answered: 3, floor: val(2), median: val(2), below: []int64{1, 2},
			holds: "1 high, 2 high"},
		{name: "ordinary weight: only the unique minimum holds", sub: "GV.OC-01", levels: []string{"3", "1", "6"},
			answered: 3, floor: val(1), median: val(3), below: []int64{1, 2},
			holds: "2 unique"},
		{name: "a unique minimum above the baseline still holds the floor", sub: "GV.OC-01", levels: []string{"6", "7", "7"},
			answered: 3, floor: val(6), median: val(7), below: nil,
			holds: "1 unique"},
		{name: "one member alone is no comparison", sub: "PR.AA-01", levels: []string{"3"},
			answered: 1, floor: val(3), median: val(3), below: []int64{1},
			holds: "1 high"},
		{name: "everyone at or above baseline", sub: "PR.AA-01", levels: []string{"5", "6", "5"},
			answered: 3, floor: val(5), median: val(5), below: nil, holds: ""},
		{name: "N/A everywhere: no floor", sub: "PR.AA-01", levels: []string{"na", "na", "na"},
			answered: 0, floor: none, median: none, below: nil, holds: ""},
		{name: "members with no answers are left out", sub: "PR.AA-01", levels: []string{"-", "4", "-", "6"},
			answered: 2, floor: val(4), median: val(5), below: []int64{2},
			holds: "2 unique high"},
		{name: "accepted risk: scores 5, meets baseline, counted as exposed", sub: "PR.AA-01", levels: []string{"5a", "6", "7"},
			answered: 3, floor: val(5), median: val(6), below: nil, exposed: 1,
			holds: "1 unique"},
		{name: "accepted risk below a baseline of 6 is below too", sub: "PR.AA-01", baseline: 6, levels: []string{"5a", "6", "5a"},
			answered: 3, floor: val(5), median: val(5), below: []int64{1, 3}, exposed: 2,
			holds: "1 high, 3 high"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			baseline := tc.baseline
			if baseline == 0 {
				baseline = 5
			}
			w := Compare(cat, onOne(t, tc.sub, tc.levels...), baseline).WeakestLinks(nil)
			r := floorRow(t, w, tc.sub)
			if r.Answered != tc.answered {
				t.Errorf("answered %d, want %d", r.Answered, tc.answered)
			}
			checkValue(t, "floor", r.Floor, tc.floor)
			checkValue(t, "median", r.Median, tc.median)
			if r.Baseline != baseline || w.Baseline != baseline {
				t.Errorf("baseline %d/%d, want %d", r.Baseline, w.Baseline, baseline)
			}
			if !slices.Equal(r.BelowBaseline, tc.below) || r.Below != len(tc.below) {
				t.Errorf("below %v (%d), want %v", r.BelowBaseline, r.Below, tc.below)
			}
			if r.Exposed != tc.exposed || len(w.AcceptedRisks) != tc.exposed {
				t.Errorf("exposed %d, accepted risks %v, want %d", r.Exposed, w.AcceptedRisks, tc.exposed)
			}
			if got := fmtHolds(w.Holds); got != tc.holds {
				t.Errorf("holds %q, want %q", got, tc.holds)
			}
			// Every other subcategory is unanswered by everyone.
			for _, o := range w.Subcategories {
				if o.SubcategoryID != tc.sub && (o.Answered != 0 || o.Floor.OK || o.Median.OK || o.Below != 0) {
					t.Errorf("%s: %+v", o.SubcategoryID, o)
				}
			}
		})
	}
}

func TestFloorRowIdentity(t *testing.T) {
	w := Compare(consortiumCatalog(t), smallConsortium(), 5).WeakestLinks(nil)
	want := []struct {
		id, cat, fn string
		weight      int
	}{
		{"GV.OC-01", "GV.OC", "GV", 2}, {"GV.SC-01", "GV.SC", "GV", 2},
		{"PR.AA-01", "PR.AA", "PR", 10}, {"PR.AA-03", "PR.AA", "PR", 10},
		{"PR.DS-01", "PR.DS", "PR", 4}, {"PR.DS-11", "PR.DS", "PR", 10},
	}
	if len(w.Subcategories) != len(want) {
		t.Fatalf("%d rows", len(w.Subcategories))
	}
	for i, x := range want {
		r := w.Subcategories[i]
		if r.SubcategoryID != x.id || r.CategoryID != x.cat || r.FunctionID != x.fn || r.Weight != x.weight {
			t.Errorf("row %d: %+v, want %+v", i, r, x)
		}
	}
	// Coordinator weights replace the defaults; ids left out keep them.
	w = Compare(consortiumCatalog(t), smallConsortium(), 5).WeakestLinks(map[string]int{"GV.OC-01": 7, "PR.AA-01": 0})
	if a, b, c := floorRow(t, w, "GV.OC-01").Weight, floorRow(t, w, "PR.AA-01").Weight, floorRow(t, w, "PR.AA-03").Weight; a != 7 || b != 0 || c != 10 {
		t.Errorf("weights %d %d %d, want 7 0 10", a, b, c)
	}
}

// TestAcceptedRisks: listed in catalog order then by member id, and never
// for an N/A answer (N/A wins, as in Score).
func TestAcceptedRisks(t *testing.T) {
	members := []MemberAnswers{
		mem(9, "Z", accepted("PR.DS-11"), accepted("GV.OC-01")),
		mem(3, "Y", accepted("PR.DS-11"), Answer{SubcategoryID: "PR.AA-01", Score: 5, RiskAccepted: true, NotApplicable: true}),
		mem(5, "X", scored("PR.DS-11", 5)),
	}
	w := Compare(consortiumCatalog(t), members, 5).WeakestLinks(nil)
	want := []AcceptedRisk{{9, "GV.OC-01"}, {3, "PR.DS-11"}, {9, "PR.DS-11"}}
	if !slices.Equal(w.AcceptedRisks, want) {
		t.Errorf("accepted risks %v, want %v", w.AcceptedRisks, want)
	}
	if r := floorRow(t, w, "PR.DS-11"); r.Exposed != 2 || r.Below != 0 || r.Floor != val(5) {
		t.Errorf("PR.DS-11: %+v", r)
	}
	if r := floorRow(t, w, "PR.AA-01"); r.Exposed != 0 || r.Answered != 0 {
		t.Errorf("PR.AA-01 (N/A): %+v", r)
	}
}

// TestWhatIf: baseline 5; PR.AA-01 weighs 10 and GV.OC-01 weighs 2.
// Impact = weight × (gap + floor rise × members answering).
func TestWhatIf(t *testing.T) {
	cat := consortiumCatalog(t)
	op := func(member int64, sub string, level, before, after, below, answered, weight int) Opportunity {
		gap := 5 - level
		return Opportunity{MemberID: member, SubcategoryID: sub, Level: level, Gap: gap,
			FloorBefore: before, FloorAfter: after, BelowBefore: below, BelowAfter: below - 1,
			Answered: answered, Weight: weight, Impact: weight * (gap + (after-before)*answered)}
	}
	tests := []struct {
		name   string
		sub    string
		levels []string
		want   []Opportunity
	}{
		{
			// Member 2 alone at 1: 1 → 3 (the next level up), so
			// 10 × (4 + 2 × 3) = 100. Member 1 at 3: no rise, 10 × 2 = 20.
			name: "the lone minimum lifts the floor to the next level", sub: "PR.AA-01", levels: []string{"3", "1", "6"},
			want: []Opportunity{op(2, "PR.AA-01", 1, 1, 3, 2, 3, 10), op(1, "PR.AA-01", 3, 1, 1, 2, 3, 10)},
		},
		{
			// The next level (6) is above the baseline: the floor stops
			// at 5. 10 × (3 + 3 × 3) = 120.
			name: "the floor rises at most to the baseline", sub: "PR.AA-01", levels: []string{"2", "6", "7"},
			want: []Opportunity{op(1, "PR.AA-01", 2, 2, 5, 1, 3, 10)},
		},
		{
			// Two at the floor: lifting one leaves the other there.
			// 10 × 3 each, by member id.
			name: "a shared minimum does not move", sub: "PR.AA-01", levels: []string{"6", "2", "2"},
			want: []Opportunity{op(2, "PR.AA-01", 2, 2, 2, 2, 3, 10), op(3, "PR.AA-01", 2, 2, 2, 2, 3, 10)},
		},
		{
			// Alone: the floor becomes the baseline. 10 × (2 + 2 × 1) = 40.
			name: "a single member", sub: "PR.AA-01", levels: []string{"3", "na", "-"},
			want: []Opportunity{op(1, "PR.AA-01", 3, 3, 5, 1, 1, 10)},
		},
		{
			// 2 × (4 + 2 × 3) = 20; 2 × 2 = 4.
			name: "lighter weight", sub: "GV.OC-01", levels: []string{"3", "1", "6"},
			want: []Opportunity{op(2, "GV.OC-01", 1, 1, 3, 2, 3, 2), op(1, "GV.OC-01", 3, 1, 1, 2, 3, 2)},
		},
		{name: "nobody below", sub: "PR.AA-01", levels: []string{"5", "5a", "7"}, want: []Opportunity{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Compare(cat, onOne(t, tc.sub, tc.levels...), 5).WeakestLinks(nil).Opportunities(0)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got\n%v\nwant\n%v", got, tc.want)
			}
		})
	}
}

// TestOpportunityOrder: by impact, then catalog order, then member id; a
// top n is the head of the full list; weight 0 is left out.
//
//	         PR.AA-01 PR.AA-03 GV.OC-01 PR.DS-01
//	id 7        3        3        1        4
//	id 4        3        3        6        6
//	id 6        6        6        6        6
//
// PR.AA-01 and PR.AA-03 (w10): 7 and 4 share the floor at 3, no rise:
// 10 × 2 = 20 each. GV.OC-01 (w2): 7 alone at 1, 1 → 5 (next level 6
// capped at the baseline): 2 × (4 + 4 × 3) = 32. PR.DS-01 (w4): 7 alone at
// 4, 4 → 5: 4 × (1 + 1 × 3) = 16.
func TestOpportunityOrder(t *testing.T) {
	all := func(levels ...int) []Answer {
		ids := []string{"PR.AA-01", "PR.AA-03", "GV.OC-01", "PR.DS-01"}
		out := make([]Answer, len(ids))
		for i, id := range ids {
			out[i] = scored(id, levels[i])
		}
		return out
	}
	members := []MemberAnswers{
		mem(7, "Seven", all(3, 3, 1, 4)...),
		mem(4, "Four", all(3, 3, 6, 6)...),
		mem(6, "Six", all(6, 6, 6, 6)...),
	}
	w := Compare(consortiumCatalog(t), members, 5).WeakestLinks(nil)
	short := func(ops []Opportunity) string {
		var out []string
		for _, o := range ops {
			out = append(out, fmt.Sprintf("%d %s %d", o.MemberID, o.SubcategoryID, o.Impact))
		}
		return strings.Join(out, "; ")
	}
	want := "7 GV.OC-01 32; 4 PR.AA-01 20; 7 PR.AA-01 20; 4 PR.AA-03 20; 7 PR.AA-03 20; 7 PR.DS-01 16"
	if got := short(w.Opportunities(0)); got != want {
		t.Errorf("order\n%s\nwant\n%s", got, want)
	}
	if got := short(w.Opportunities(3)); got != "7 GV.OC-01 32; 4 PR.AA-01 20; 7 PR.AA-01 20" {
		t.Errorf("top 3: %s", got)
	}
	if got := short(w.Opportunities(-1)); got != want {
		t.Errorf("n < 0: %s", got)
	}
	w = Compare(consortiumCatalog(t), members, 5).WeakestLinks(map[string]int{"PR.AA-01": 0, "GV.OC-01": 1})
	// GV.OC-01 at weight 1: 16, tied with PR.DS-01 and before it in catalog order.
	if got := short(w.Opportunities(0)); got != "4 PR.AA-03 20; 7 PR.AA-03 20; 7 GV.OC-01 16; 7 PR.DS-01 16" {
		t.Errorf("with weights: %s", got)
	}
}

func TestFloorHolders(t *testing.T) {
	// smallConsortium (baseline 5):
	//   GV.OC-01  4 6 2      Carver (33) alone at 2
	//   GV.SC-01  2 - 4      Ashford (11) alone at 2
	//   PR.AA-01  3 5a 1     Carver alone at 1, and below on w10; Ashford below on w10
	//   PR.AA-03  5 6 3      Carver alone at 3 and below on w10
	//   PR.DS-01  6 5 -      Brookton (22) alone at 5
	//   PR.DS-11  2 6 -      Ashford alone at 2 and below on w10
	w := Compare(consortiumCatalog(t), smallConsortium(), 5).WeakestLinks(nil)
	if got, want := fmtHolds(w.Holds), "33 unique, 11 unique, 11 high, 33 unique high, 33 unique high, 22 unique, 11 unique high"; got != want {
		t.Errorf("holds %s, want %s", got, want)
	}
	var got []string
	for _, h := range w.FloorHolders() {
		got = append(got, fmt.Sprintf("%d:%d/%d/%d", h.MemberID, len(h.Holds), h.UniqueMinimum, h.HighConsequence))
	}
	if want := "33:3/3/2 11:3/2/2 22:1/1/0"; strings.Join(got, " ") != want {
		t.Errorf("floor holders %v, want %s", got, want)
	}
	if hs := w.HoldsOf(11); fmtHolds(hs) != "11 unique, 11 high, 11 unique high" || hs[0].SubcategoryID != "GV.SC-01" || hs[2].Level != 2 || hs[2].Weight != 10 {
		t.Errorf("HoldsOf(11) = %+v", hs)
	}
	if hs := w.HoldsOf(44); len(hs) != 0 {
		t.Errorf("Dunmore (no answers) holds %v", hs)
	}
}

// docsExampleCatalog is the cut-down catalog of docs/weakest-link.md.
const docsExampleCatalog = `{
  "id": "example", "name": "Cut-down CSF", "version": "1",
  "functions": [
    {"id": "GV", "name": "Govern", "categories": [
      {"id": "GV.SC", "name": "Supply Chain", "subcategories": [
        {"id": "GV.SC-01", "question": "q?", "hint": "h", "weight": 1}]}]},
    {"id": "PR", "name": "Protect", "categories": [
      {"id": "PR.AA", "name": "Access Control", "subcategories": [
        {"id": "PR.AA-03", "question": "q?", "hint": "h", "weight": 3}]},
      {"id": "PR.DS", "name": "Data Security", "subcategories": [
        {"id": "PR.DS-01", "question": "q?", "hint": "h", "weight": 2},
        {"id": "PR.DS-11", "question": "q?", "hint": "h", "weight": 3}]}]}
  ]}`

// TestWeakestLinkDocsExample checks the worked example of
// docs/weakest-link.md, so the numbers coordinators read there are the
// numbers the code produces. Change them together.
func TestWeakestLinkDocsExample(t *testing.T) {
	cat, err := frameworks.ParseCatalog([]byte(docsExampleCatalog))
	if err != nil {
		t.Fatal(err)
	}
	const (
		ashford, brookton, carver, dunmore, eastfield = 1, 2, 3, 4, 5
	)
	members := []MemberAnswers{
		mem(ashford, "Ashford", scored("GV.SC-01", 4), scored("PR.AA-03", 2), scored("PR.DS-01", 5), scored("PR.DS-11", 6)),
		mem(brookton, "Brookton", scored("GV.SC-01", 6), accepted("PR.AA-03"), scored("PR.DS-01", 3), scored("PR.DS-11", 3)),
		mem(carver, "Carver", scored("GV.SC-01", 2), scored("PR.AA-03", 6), na("PR.DS-01"), scored("PR.DS-11", 3)),
		mem(dunmore, "Dunmore", scored("GV.SC-01", 5), scored("PR.AA-03", 4), scored("PR.DS-01", 4), scored("PR.DS-11", 7)),
		mem(eastfield, "Eastfield"),
	}
	links := []Link{
		{From: ashford, To: brookton, Kind: LinkSharedNetwork, Criticality: 3},
		{From: brookton, To: carver, Kind: LinkEmailTenant, Criticality: 2},
		{From: dunmore, To: carver, Kind: LinkDataExchange, Criticality: 1, Directed: true},
	}
	w := Compare(cat, members, 5).WeakestLinks(nil)

	// The weakest-link table.
	rows := []struct {
		id            string
		weight        int
		floor, median float64
		below         []int64
		exposed       int
	}{
		{"GV.SC-01", 2, 2, 4.5, []int64{ashford, carver}, 0},
		{"PR.AA-03", 10, 2, 4.5, []int64{ashford, dunmore}, 1},
		{"PR.DS-01", 4, 3, 4, []int64{brookton, dunmore}, 0},
		{"PR.DS-11", 10, 3, 4.5, []int64{brookton, carver}, 0},
	}
	for _, r := range rows {
		got := floorRow(t, w, r.id)
		if got.Weight != r.weight || got.Floor != val(r.floor) || got.Median != val(r.median) ||
			!slices.Equal(got.BelowBaseline, r.below) || got.Below != len(r.below) || got.Exposed != r.exposed {
			t.Errorf("%s: %+v, want %+v", r.id, got, r)
		}
	}
	if want := []AcceptedRisk{{brookton, "PR.AA-03"}}; !slices.Equal(w.AcceptedRisks, want) {
		t.Errorf("accepted risks %v", w.AcceptedRisks)
	}

	// Floor-holders.
	if got, want := fmtHolds(w.Holds), "3 unique, 1 unique high, 4 high, 2 unique, 2 high, 3 high"; got != want {
		t.Errorf("holds %s, want %s", got, want)
	}
	var holders []string
	for _, h := range w.FloorHolders() {
		holders = append(holders, fmt.Sprintf("%d:%d", h.MemberID, len(h.Holds)))
	}
	if got := strings.Join(holders, " "); got != "2:2 3:2 1:1 4:1" {
		t.Errorf("floor holders %s", got)
	}

	// What-if.
	var ops []string
	for _, o := range w.Opportunities(0) {
		ops = append(ops, fmt.Sprintf("%d %s %d→%d below %d→%d impact %d",
			o.MemberID, o.SubcategoryID, o.FloorBefore, o.FloorAfter, o.BelowBefore, o.BelowAfter, o.Impact))
	}
	wantOps := []string{
		"1 PR.AA-03 2→4 below 2→1 impact 110",
		"3 GV.SC-01 2→4 below 2→1 impact 22",
		"2 PR.DS-01 3→4 below 2→1 impact 20",
		"2 PR.DS-11 3→3 below 2→1 impact 20",
		"3 PR.DS-11 3→3 below 2→1 impact 20",
		"4 PR.AA-03 2→2 below 2→1 impact 10",
		"4 PR.DS-01 3→3 below 2→1 impact 4",
		"1 GV.SC-01 2→2 below 2→1 impact 2",
	}
	if !slices.Equal(ops, wantOps) {
		t.Errorf("opportunities\n%s\nwant\n%s", strings.Join(ops, "\n"), strings.Join(wantOps, "\n"))
	}

	// Exposure.
	var exp []string
	for _, e := range w.Exposures(links) {
		s := fmt.Sprintf("%d=%d", e.MemberID, e.Score)
		for _, k := range e.Weaknesses {
			s += fmt.Sprintf(" [%d %s sev %d ×w%d ×c%d via %s = %d]", k.From, k.SubcategoryID, k.Severity, k.Weight, k.Criticality, k.Kind, k.Score)
		}
		exp = append(exp, s)
	}
	wantExp := []string{
		"1=120 [2 PR.AA-03 sev 4 ×w10 ×c3 via shared-network = 120]",
		"2=90 [1 PR.AA-03 sev 3 ×w10 ×c3 via shared-network = 90]",
		"3=84 [2 PR.AA-03 sev 4 ×w10 ×c2 via email-tenant = 80] [4 PR.DS-01 sev 1 ×w4 ×c1 via data-exchange = 4]",
		"4=0",
		"5=0",
	}
	if !slices.Equal(exp, wantExp) {
		t.Errorf("exposures\n%s\nwant\n%s", strings.Join(exp, "\n"), strings.Join(wantExp, "\n"))
	}

	// Blast radius and ranking.
	var rank []string
	for _, r := range w.Ranking(links) {
		rank = append(rank, fmt.Sprintf("%d: %d × %d = %d", r.MemberID, r.BlastRadius, r.Weakness, r.Score))
	}
	wantRank := []string{"2: 2 × 68 = 136", "1: 2 × 32 = 64", "3: 2 × 26 = 52", "4: 3 × 14 = 42", "5: 0 × 0 = 0"}
	if !slices.Equal(rank, wantRank) {
		t.Errorf("ranking\n%s\nwant\n%s", strings.Join(rank, "\n"), strings.Join(wantRank, "\n"))
	}
}
