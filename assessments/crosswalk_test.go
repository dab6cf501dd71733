package assessments

import (
	"math"
	"reflect"
	"slices"
	"testing"

	"palisade/frameworks"
)

func mustCatalog(t *testing.T, doc string) *frameworks.Catalog {
	t.Helper()
	c, err := frameworks.ParseCatalog([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A small base framework (standing in for CSF 2.0) and a foreign one
// mapped onto it.
const crosswalkBase = `{"id":"base","name":"Base","version":"1","functions":[{"id":"B","name":"B","categories":[
 {"id":"B.X","name":"X","subcategories":[{"id":"B.X-01","question":"?","hint":"h"},{"id":"B.X-02","question":"?","hint":"h"},{"id":"B.X-03","question":"?","hint":"h"}]},
 {"id":"B.Y","name":"Y","subcategories":[{"id":"B.Y-01","question":"?","hint":"h"},{"id":"B.Y-02","question":"?","hint":"h"}]}]}]}`

const crosswalkForeign = `{"id":"foreign","name":"Foreign","version":"1","functions":[
 {"id":"G1","name":"One","categories":[{"id":"G1.A","name":"A","subcategories":[
  {"id":"a1","question":"?","hint":"h","maps_to":["B.X-01","B.X-02","B.X-03"]},
  {"id":"a2","question":"?","hint":"h","maps_to":["B.Y-01"]},
  {"id":"a3","question":"?","hint":"h"}]}]},
 {"id":"G2","name":"Two","categories":[{"id":"G2.A","name":"A","subcategories":[
  {"id":"b1","question":"?","hint":"h","maps_to":["B.Y-02"]},
  {"id":"b2","question":"?","hint":"h","maps_to":["B.X-01","B.Y-01","GONE-01"]},
  {"id":"b3","question":"?","hint":"h","maps_to":["B.X-03"]}]}]}]}`

func crosswalkAnswers() []Answer {
	return []Answer{
		{SubcategoryID: "B.X-02", Score: 7},            // replaced below: the last answer wins
		{SubcategoryID: "B.X-01", Score: 5, Target: 6}, // own target
		{SubcategoryID: "B.X-02", Score: 3},            // default target
		{SubcategoryID: "B.Y-01", Score: 2},            // default target
		{SubcategoryID: "B.Y-02", NotApplicable: true}, // N/A
		{SubcategoryID: "NOT-IN-BASE", Score: 1},       // ignored
		{SubcategoryID: "B.X-03", Score: 0, Target: 7}, // unanswered
	}
}

func TestCrosswalkItemIsItsWeakestMappedOutcome(t *testing.T) {
	base, foreign := mustCatalog(t, crosswalkBase), mustCatalog(t, crosswalkForeign)
	cw := CrosswalkOf(foreign, base, crosswalkAnswers(), 5)
	type want struct {
		level, target        int
		weakest              []string
		mapped, answered, na int
		state                ItemState
	}
	wants := map[string]want{
		// Lowest of 5 and 3; B.X-03 is not answered yet, so the level is provisional.
		"a1": {3, 6, []string{"B.X-02"}, 3, 2, 0, PartlyAnswered},
		"a2": {2, 5, []string{"B.Y-01"}, 1, 1, 0, Answered},
		"a3": {0, 0, nil, 0, 0, 0, NoEquivalent},
		"b1": {0, 0, nil, 1, 0, 1, AllNotApplicable},
		// GONE-01 is not in the base catalog: left out.
		"b2": {2, 6, []string{"B.Y-01"}, 2, 2, 0, Answered},
		"b3": {0, 0, nil, 1, 0, 0, NotAnswered},
	}
	if len(cw.Items) != len(wants) {
		t.Fatalf("%d items; want %d", len(cw.Items), len(wants))
	}
	for _, it := range cw.Items {
		w := wants[it.ID]
		got := want{it.Level, it.Target, it.Weakest, it.Mapped, it.Answered, it.NotApplicable, it.State}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("%s: %+v; want %+v", it.ID, got, w)
		}
	}
	b2, _ := cw.Item("b2")
	if b2.MapsTo[2].Known || b2.MapsTo[0].CategoryID != "B.X" || b2.MapsTo[1].Score != 2 {
		t.Errorf("b2 mapped outcomes: %+v", b2.MapsTo)
	}
	if cw.NoEquivalent != 1 || cw.NoEquivalentIn("G1.A") != 1 || cw.NoEquivalentIn("G1") != 1 || cw.NoEquivalentIn("G2") != 0 {
		t.Errorf("no-equivalent counts: %d, G1.A %d, G1 %d, G2 %d", cw.NoEquivalent, cw.NoEquivalentIn("G1.A"), cw.NoEquivalentIn("G1"), cw.NoEquivalentIn("G2"))
	}
}

func TestCrosswalkRollsUpWithScore(t *testing.T) {
	base, foreign := mustCatalog(t, crosswalkBase), mustCatalog(t, crosswalkForeign)
	cw := CrosswalkOf(foreign, base, crosswalkAnswers(), 5)
	// The roll-up is Score itself on the derived levels.
	if want := Score(foreign, DerivedAnswers(foreign, base, crosswalkAnswers(), 5), 5); !reflect.DeepEqual(cw.Result, want) {
		t.Errorf("roll-up differs from Score on the derived answers:\n%+v\n%+v", cw.Result, want)
	}
	near := func(v Value, want float64) bool { return v.OK && math.Abs(v.V-want) < 1e-9 }
	g1, _ := cw.Function("G1")
	g2a, _ := cw.Category("G2.A")
	// G1.A: mean of a1 (3) and a2 (2); a3 has no level. G2.A: b2 (2); b1 N/A.
	if !near(g1.Score, 2.5) || !near(g2a.Score, 2) || !near(cw.Overall.Score, 2.25) {
		t.Errorf("scores: G1 %v, G2.A %v, overall %v; want 2.5, 2, 2.25", g1.Score, g2a.Score, cw.Overall.Score)
	}
	// Targets: a1 6 and a2 5 in G1.A; b2 6 in G2.A.
	if !near(g1.Target, 5.5) || !near(g2a.Target, 6) {
		t.Errorf("targets: G1 %v, G2.A %v; want 5.5 and 6", g1.Target, g2a.Target)
	}
	if g2a.Total != 3 || g2a.Answered != 1 || g2a.NotApplicable != 1 {
		t.Errorf("G2.A counts %d answered, %d N/A of %d; want 1, 1 of 3", g2a.Answered, g2a.NotApplicable, g2a.Total)
	}
}

func TestCrosswalkOfNothing(t *testing.T) {
	base, foreign := mustCatalog(t, crosswalkBase), mustCatalog(t, crosswalkForeign)
	cw := CrosswalkOf(foreign, base, nil, 5)
	if cw.Overall.Score.OK || cw.Overall.Answered != 0 || len(cw.Items) != 6 {
		t.Errorf("no answers: %+v", cw.Overall)
	}
	for _, it := range cw.Items {
		if it.Level != 0 || (it.State != NotAnswered && it.State != NoEquivalent) {
			t.Errorf("%s: level %d state %d with no answers", it.ID, it.Level, it.State)
		}
	}
	if got := CrosswalkOf(nil, base, crosswalkAnswers(), 5); len(got.Items) != 0 || got.Overall.Score.OK {
		t.Errorf("nil foreign catalog: %+v", got)
	}
}

func TestCompareCrosswalkFloorAndMedianPerItem(t *testing.T) {
	base, foreign := mustCatalog(t, crosswalkBase), mustCatalog(t, crosswalkForeign)
	members := []MemberAnswers{
		{MemberID: 1, Name: "One", Answers: crosswalkAnswers()},
		{MemberID: 2, Name: "Two", Answers: []Answer{
			{SubcategoryID: "B.X-01", Score: 4}, {SubcategoryID: "B.X-02", Score: 6}, {SubcategoryID: "B.X-03", Score: 5}, {SubcategoryID: "B.Y-01", Score: 6}}},
		{MemberID: 3, Name: "Three"}, // not started
	}
	cmp := CompareCrosswalk(foreign, base, members, 5)
	stats := map[string]Stats{}
	for _, s := range cmp.Subcategories {
		stats[s.ID] = s.Stats
	}
	// a1: member one 3, member two min(4,6,5) = 4.
	if s := stats["a1"]; s.Count != 2 || s.Min != 3 || s.Median != 3.5 {
		t.Errorf("a1: %+v; want floor 3, median 3.5 over 2", s)
	}
	if s := stats["a3"]; s.OK() {
		t.Errorf("a3 has no CSF 2.0 equivalent but stats %+v", s)
	}
	if s := stats["b3"]; s.Count != 1 || s.Min != 5 {
		t.Errorf("b3: %+v; want member two's 5 only", s)
	}
	if cmp.CatalogID != "foreign" || !slices.ContainsFunc(cmp.Members, func(m MemberRow) bool { return m.Name == "Three" && !m.Result.Overall.Score.OK }) {
		t.Errorf("comparison %s, members %+v", cmp.CatalogID, cmp.Members)
	}
}
