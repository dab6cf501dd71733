package assessments

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"palisade/frameworks"
)

// The tests in this file are the scoring rules of docs/scoring.md written as
// examples. Every expected number is worked out by hand in the case's
// comment, on the small catalog below.

// testCatalogJSON is a two-function catalog small enough to score by hand:
//
//	F1  F1.A  F1.A-01 (w1)  F1.A-02 (w3)  F1.A-03 (w2)
//	    F1.B  F1.B-01 (w1)  F1.B-02 (w1, weight left out)
//	F2  F2.A  F2.A-01 (w2)  F2.A-02 (w2)
const testCatalogJSON = `{
  "id": "test", "name": "Test Framework", "version": "1",
  "functions": [
    {"id": "F1", "name": "First", "categories": [
      {"id": "F1.A", "name": "Alpha", "subcategories": [
        {"id": "F1.A-01", "question": "q?", "hint": "h", "weight": 1},
        {"id": "F1.A-02", "question": "q?", "hint": "h", "weight": 3},
        {"id": "F1.A-03", "question": "q?", "hint": "h", "weight": 2}
      ]},
      {"id": "F1.B", "name": "Beta", "subcategories": [
        {"id": "F1.B-01", "question": "q?", "hint": "h", "weight": 1},
        {"id": "F1.B-02", "question": "q?", "hint": "h"}
      ]}
    ]},
    {"id": "F2", "name": "Second", "categories": [
      {"id": "F2.A", "name": "Gamma", "subcategories": [
        {"id": "F2.A-01", "question": "q?", "hint": "h", "weight": 2},
        {"id": "F2.A-02", "question": "q?", "hint": "h", "weight": 2}
      ]}
    ]}
  ]
}`

func testCatalog(t testing.TB) *frameworks.Catalog {
	t.Helper()
	cat, err := frameworks.ParseCatalog([]byte(testCatalogJSON))
	if err != nil {
		t.Fatalf("test catalog: %v", err)
	}
	return cat
}

// Shorthands so the tables read like the rules.
func scored(id string, score int) Answer { return Answer{SubcategoryID: id, Score: score} }
func targeted(id string, score, target int) Answer {
	return Answer{SubcategoryID: id, Score: score, Target: target}
}
func na(id string) Answer { return Answer{SubcategoryID: id, NotApplicable: true} }

func val(v float64) Value { return Value{V: v, OK: true} }

var none = Value{}

// node is what a case expects of one Summary.
type node struct {
	Score, Target, Gap             Value
	Answered, NotApplicable, Total int
	Completion                     float64
}

// overall is the key of the overall summary in a case's want map; the other
// keys are function and category ids.
const overall = "*"

// allNodes lists every node of the test catalog, so each case states the
// whole result rather than the parts that happen to be interesting.
var allNodes = []string{overall, "F1", "F1.A", "F1.B", "F2", "F2.A"}

func TestScore(t *testing.T) {
	cat := testCatalog(t)
	tests := []struct {
		name          string
		answers       []Answer
		defaultTarget int
		want          map[string]node
	}{
		{
			// Nothing answered: no score anywhere (not zero), nothing
			// complete.
			name:          "empty input",
			answers:       nil,
			defaultTarget: 5,
			want: map[string]node{
				overall: {none, none, none, 0, 0, 7, 0},
				"F1":    {none, none, none, 0, 0, 5, 0},
				"F1.A":  {none, none, none, 0, 0, 3, 0},
				"F1.B":  {none, none, none, 0, 0, 2, 0},
				"F2":    {none, none, none, 0, 0, 2, 0},
				"F2.A":  {none, none, none, 0, 0, 2, 0},
			},
		},
		{
			// F1.B is entirely N/A: it has no score but is complete, and F1
			// is the mean of F1.A alone.
			//   F1.A = (3+5)/2 = 4          F1.B = none
			//   F1   = 4 (F1.B skipped)     F2.A = F2 = 2 (F2.A-02 N/A)
			//   overall = (4+2)/2 = 3; target 5 everywhere.
			name: "all-N/A category is skipped, not zero",
			answers: []Answer{
				scored("F1.A-01", 3), scored("F1.A-02", 5),
				na("F1.B-01"), na("F1.B-02"),
				scored("F2.A-01", 2), na("F2.A-02"),
			},
			defaultTarget: 5,
			want: map[string]node{
				overall: {val(3), val(5), val(2), 3, 3, 7, 6.0 / 7},
				"F1":    {val(4), val(5), val(1), 2, 2, 5, 4.0 / 5},
				"F1.A":  {val(4), val(5), val(1), 2, 0, 3, 2.0 / 3},
				"F1.B":  {none, none, none, 0, 2, 2, 1},
				"F2":    {val(2), val(5), val(3), 1, 1, 2, 1},
				"F2.A":  {val(2), val(5), val(3), 1, 1, 2, 1},
			},
		},
		{
			// Unanswered subcategories are left out of the means, and
			// each level averages the level below it (not the
			// subcategories), so the overall is 2.75 and not the flat
			// mean (2+4+6+1)/4 = 3.25.
			//   F1.A = (2+4)/2 = 3   F1.B = 6   F1 = (3+6)/2 = 4.5
			//   F2.A = F2 = 1        overall = (4.5+1)/2 = 2.75
			name: "partial answers: unanswered is not zero",
			answers: []Answer{
				scored("F1.A-01", 2), scored("F1.A-02", 4),
				scored("F1.B-01", 6),
				scored("F2.A-01", 1),
			},
			defaultTarget: 5,
			want: map[string]node{
				overall: {val(2.75), val(5), val(2.25), 4, 0, 7, 4.0 / 7},
				"F1":    {val(4.5), val(5), val(0.5), 3, 0, 5, 3.0 / 5},
				"F1.A":  {val(3), val(5), val(2), 2, 0, 3, 2.0 / 3},
				"F1.B":  {val(6), val(5), val(0), 1, 0, 2, 1.0 / 2},
				"F2":    {val(1), val(5), val(4), 1, 0, 2, 1.0 / 2},
				"F2.A":  {val(1), val(5), val(4), 1, 0, 2, 1.0 / 2},
			},
		},
		{
			// A target on the answer beats the default (4 here); targets
			// are averaged exactly like scores; a gap is never negative.
			//   F1.A: scores 2,4  targets 6,4(default)  -> 3 / 5,   gap 2
			//   F1.B: scores 3,5  targets 3,4(default)  -> 4 / 3.5, gap 0 (exceeded)
			//   F1:   (3+4)/2 = 3.5 / (5+3.5)/2 = 4.25,  gap 0.75
			//   F2.A: 7 / 7 (met exactly), gap 0; F2.A-02 is N/A and
			//         its target is ignored.
			//   overall: (3.5+7)/2 = 5.25 / (4.25+7)/2 = 5.625, gap 0.375
			name: "default target vs per-answer target",
			answers: []Answer{
				targeted("F1.A-01", 2, 6), scored("F1.A-02", 4),
				targeted("F1.B-01", 3, 3), scored("F1.B-02", 5),
				targeted("F2.A-01", 7, 7), {SubcategoryID: "F2.A-02", NotApplicable: true, Target: 2},
			},
			defaultTarget: 4,
			want: map[string]node{
				overall: {val(5.25), val(5.625), val(0.375), 5, 1, 7, 6.0 / 7},
				"F1":    {val(3.5), val(4.25), val(0.75), 4, 0, 5, 4.0 / 5},
				"F1.A":  {val(3), val(5), val(2), 2, 0, 3, 2.0 / 3},
				"F1.B":  {val(4), val(3.5), val(0), 2, 0, 2, 1},
				"F2":    {val(7), val(7), val(0), 1, 1, 2, 1},
				"F2.A":  {val(7), val(7), val(0), 1, 1, 2, 1},
			},
		},
		{
			// Everything at or above target: every gap is 0, not negative.
			name: "gap is 0 when the target is met or exceeded",
			answers: []Answer{
				scored("F1.A-01", 5), scored("F1.A-02", 6), scored("F1.A-03", 7),
				scored("F1.B-01", 5), scored("F1.B-02", 5),
				targeted("F2.A-01", 3, 2), targeted("F2.A-02", 4, 4),
			},
			defaultTarget: 5,
			want: map[string]node{
				// F1 = (6+5)/2 = 5.5, F2 = 3.5 / 3, overall (5.5+3.5)/2 = 4.5 / (5+3)/2 = 4
				overall: {val(4.5), val(4), val(0), 7, 0, 7, 1},
				"F1":    {val(5.5), val(5), val(0), 5, 0, 5, 1},
				"F1.A":  {val(6), val(5), val(0), 3, 0, 3, 1},
				"F1.B":  {val(5), val(5), val(0), 2, 0, 2, 1},
				"F2":    {val(3.5), val(3), val(0), 2, 0, 2, 1},
				"F2.A":  {val(3.5), val(3), val(0), 2, 0, 2, 1},
			},
		},
		{
			// Ids outside the catalog (including a category id) are
			// ignored; a repeated id keeps its last answer; Score 0 means
			// unanswered, and a later answer can undo an earlier N/A.
			//   F1.A-01: 1 then 5 -> 5     F1.A-02: N/A then 3 -> 3
			//   F1.A-03: 6 then Score 0 -> unanswered
			//   F1.A = (5+3)/2 = 4 = F1 = overall
			name: "unknown ids ignored, last answer wins",
			answers: []Answer{
				scored("XX.ZZ-99", 1), scored("F1.A", 1), scored("f1.a-01", 1),
				scored("F1.A-01", 1), na("F1.A-02"), scored("F1.A-03", 6),
				scored("F1.A-01", 5), scored("F1.A-02", 3), scored("F1.A-03", 0),
				scored("nope", 7),
			},
			defaultTarget: 5,
			want: map[string]node{
				overall: {val(4), val(5), val(1), 2, 0, 7, 2.0 / 7},
				"F1":    {val(4), val(5), val(1), 2, 0, 5, 2.0 / 5},
				"F1.A":  {val(4), val(5), val(1), 2, 0, 3, 2.0 / 3},
				"F1.B":  {none, none, none, 0, 0, 2, 0},
				"F2":    {none, none, none, 0, 0, 2, 0},
				"F2.A":  {none, none, none, 0, 0, 2, 0},
			},
		},
		{
			// A whole function N/A: overall is the mean of the other
			// function only, and is complete.
			name: "all-N/A function is skipped at the top",
			answers: []Answer{
				na("F1.A-01"), na("F1.A-02"), na("F1.A-03"), na("F1.B-01"), na("F1.B-02"),
				scored("F2.A-01", 2), scored("F2.A-02", 5),
			},
			defaultTarget: 6,
			want: map[string]node{
				overall: {val(3.5), val(6), val(2.5), 2, 5, 7, 1},
				"F1":    {none, none, none, 0, 5, 5, 1},
				"F1.A":  {none, none, none, 0, 3, 3, 1},
				"F1.B":  {none, none, none, 0, 2, 2, 1},
				"F2":    {val(3.5), val(6), val(2.5), 2, 0, 2, 1},
				"F2.A":  {val(3.5), val(6), val(2.5), 2, 0, 2, 1},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Score(cat, tc.answers, tc.defaultTarget)
			checkShape(t, cat, r)
			for _, id := range allNodes {
				want, ok := tc.want[id]
				if !ok {
					t.Fatalf("case does not state node %s", id)
				}
				checkNode(t, id, nodeOf(t, r, id), want)
			}
		})
	}
}

// nodeOf finds a summary by id through the public lookups.
func nodeOf(t *testing.T, r Result, id string) Summary {
	t.Helper()
	if id == overall {
		return r.Overall
	}
	if f, ok := r.Function(id); ok {
		return f.Summary
	}
	if c, ok := r.Category(id); ok {
		return c
	}
	t.Fatalf("no node %s in result", id)
	return Summary{}
}

func checkNode(t *testing.T, id string, got Summary, want node) {
	t.Helper()
	checkValue(t, id+" score", got.Score, want.Score)
	checkValue(t, id+" target", got.Target, want.Target)
	checkValue(t, id+" gap", got.Gap, want.Gap)
	if got.Answered != want.Answered || got.NotApplicable != want.NotApplicable || got.Total != want.Total {
		t.Errorf("%s counts: answered/N/A/total = %d/%d/%d, want %d/%d/%d",
			id, got.Answered, got.NotApplicable, got.Total, want.Answered, want.NotApplicable, want.Total)
	}
	if !near(got.Completion(), want.Completion) {
		t.Errorf("%s completion = %v, want %v", id, got.Completion(), want.Completion)
	}
	if got.Complete() != (want.Completion == 1) {
		t.Errorf("%s Complete() = %v with completion %v", id, got.Complete(), want.Completion)
	}
	if got.Unanswered() != want.Total-want.Answered-want.NotApplicable {
		t.Errorf("%s Unanswered() = %d", id, got.Unanswered())
	}
}

func checkValue(t *testing.T, what string, got, want Value) {
	t.Helper()
	if got.OK != want.OK || (want.OK && !near(got.V, want.V)) {
		t.Errorf("%s = %s, want %s", what, fmtValue(got), fmtValue(want))
	}
	if !got.OK && got.V != 0 {
		t.Errorf("%s: a missing value carries %v", what, got.V)
	}
}

func fmtValue(v Value) string {
	if !v.OK {
		return "none"
	}
	return fmt.Sprint(v.V)
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// checkShape: functions and categories come back in catalog order with
// their ids and names, and the overall carries the catalog's.
func checkShape(t *testing.T, cat *frameworks.Catalog, r Result) {
	t.Helper()
	if r.Overall.ID != cat.ID || r.Overall.Name != cat.Name {
		t.Errorf("overall is %q %q, want the catalog's %q %q", r.Overall.ID, r.Overall.Name, cat.ID, cat.Name)
	}
	if len(r.Functions) != len(cat.Functions) {
		t.Fatalf("%d functions, want %d", len(r.Functions), len(cat.Functions))
	}
	for i, f := range cat.Functions {
		got := r.Functions[i]
		if got.ID != f.ID || got.Name != f.Name || len(got.Categories) != len(f.Categories) {
			t.Fatalf("function %d is %s %q with %d categories, want %s %q with %d",
				i, got.ID, got.Name, len(got.Categories), f.ID, f.Name, len(f.Categories))
		}
		for j, c := range f.Categories {
			if got.Categories[j].ID != c.ID || got.Categories[j].Name != c.Name {
				t.Errorf("%s category %d is %s, want %s", f.ID, j, got.Categories[j].ID, c.ID)
			}
		}
	}
}

func TestScoreIgnoresAnswerOrder(t *testing.T) {
	cat := testCatalog(t)
	inOrder := []Answer{
		scored("F1.A-01", 2), targeted("F1.A-02", 4, 7), na("F1.A-03"),
		scored("F1.B-02", 6), scored("F2.A-01", 1), scored("F2.A-02", 3),
	}
	want := Score(cat, inOrder, 5)
	reversed := slices.Clone(inOrder)
	slices.Reverse(reversed)
	if got := Score(cat, reversed, 5); !reflect.DeepEqual(got, want) {
		t.Errorf("reversed answers score differently:\n got %+v\nwant %+v", got, want)
	}
	rotated := append(slices.Clone(inOrder[3:]), inOrder[:3]...)
	if got := Score(cat, rotated, 5); !reflect.DeepEqual(got, want) {
		t.Errorf("rotated answers score differently:\n got %+v\nwant %+v", got, want)
	}
}

func TestResultLookups(t *testing.T) {
	cat := testCatalog(t)
	r := Score(cat, []Answer{scored("F1.B-01", 4), scored("F2.A-02", 2)}, 5)
	tests := []struct {
		kind, id string
		found    bool
		score    Value
		cats     int // categories under a function
	}{
		{"category", "F1.A", true, none, 0},
		{"category", "F1.B", true, val(4), 0},
		{"category", "F2.A", true, val(2), 0},
		{"category", "F1", false, none, 0},      // a function is not a category
		{"category", "F1.B-01", false, none, 0}, // nor is a subcategory
		{"category", "", false, none, 0},
		{"function", "F1", true, val(4), 2},
		{"function", "F2", true, val(2), 1},
		{"function", "F1.A", false, none, 0},
		{"function", "F3", false, none, 0},
	}
	for _, tc := range tests {
		t.Run(tc.kind+" "+tc.id, func(t *testing.T) {
			var got Summary
			var ok bool
			switch tc.kind {
			case "category":
				got, ok = r.Category(tc.id)
			case "function":
				var f FunctionResult
				f, ok = r.Function(tc.id)
				got = f.Summary
				if len(f.Categories) != tc.cats {
					t.Errorf("%d categories, want %d", len(f.Categories), tc.cats)
				}
			}
			if ok != tc.found {
				t.Fatalf("found = %v, want %v", ok, tc.found)
			}
			if !ok {
				if !reflect.DeepEqual(got, Summary{}) {
					t.Errorf("not found but returned %+v", got)
				}
				return
			}
			if got.ID != tc.id {
				t.Errorf("returned %s", got.ID)
			}
			checkValue(t, tc.id, got.Score, tc.score)
		})
	}
}

func TestGaps(t *testing.T) {
	cat := testCatalog(t)
	type g = Gap
	tests := []struct {
		name          string
		answers       []Answer
		defaultTarget int
		want          []Gap
	}{
		{
			name: "nothing answered, no gaps",
			want: []Gap{},
		},
		{
			// Default target 5. Gap x weight:
			//   F1.A-01 4 -> gap 1 x w1 = 1
			//   F1.A-02 4 -> gap 1 x w3 = 3
			//   F1.A-03 3 -> gap 2 x w2 = 4
			//   F1.B-01 1 -> gap 4 x w1 = 4
			//   F1.B-02 5 -> met: not listed
			//   F2.A-01 3 -> gap 2 x w2 = 4
			//   F2.A-02 2, target 3 -> gap 1 x w2 = 2
			// Three tie at 4: the larger gap (F1.B-01) first although it
			// comes later in the catalog, then the equal gaps in catalog
			// order (F1.A-03 before F2.A-01). The weight lifts F1.A-02
			// (gap 1) above F2.A-02 and F1.A-01 (also gap 1).
			name: "ordered by gap x weight, then gap, then catalog order",
			answers: []Answer{
				scored("F2.A-02", 2), // out of order on purpose
				scored("F1.A-01", 4), scored("F1.A-02", 4), scored("F1.A-03", 3),
				scored("F1.B-01", 1), scored("F1.B-02", 5),
				scored("F2.A-01", 3),
				targeted("F2.A-02", 2, 3), // last answer wins
			},
			defaultTarget: 5,
			want: []Gap{
				{"F1.B-01", "F1.B", "F1", 1, 5, 4, 1},
				{"F1.A-03", "F1.A", "F1", 3, 5, 2, 2},
				{"F2.A-01", "F2.A", "F2", 3, 5, 2, 2},
				{"F1.A-02", "F1.A", "F1", 4, 5, 1, 3},
				{"F2.A-02", "F2.A", "F2", 2, 3, 1, 2},
				{"F1.A-01", "F1.A", "F1", 4, 5, 1, 1},
			},
		},
		{
			// N/A and unanswered subcategories have no gap, whatever
			// their target; a per-answer target at or below the current
			// level leaves none either. F1.B-02 has the default weight 1.
			name: "only answered applicable subcategories below target",
			answers: []Answer{
				{SubcategoryID: "F1.A-01", NotApplicable: true, Target: 7},
				{SubcategoryID: "F1.A-02", Target: 7},
				targeted("F1.A-03", 4, 4),
				targeted("F1.B-01", 6, 2),
				scored("F1.B-02", 1),
				scored("unknown", 1),
			},
			defaultTarget: 3,
			want: []Gap{
				{"F1.B-02", "F1.B", "F1", 1, 3, 2, 1},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Gaps(cat, tc.answers, tc.defaultTarget)
			if got == nil {
				t.Error("Gaps returned nil, want an empty slice")
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Gaps =\n%s\nwant\n%s", fmtGaps(got), fmtGaps(tc.want))
			}
		})
	}
}

func fmtGaps(gs []Gap) string {
	var b strings.Builder
	for _, g := range gs {
		fmt.Fprintf(&b, "  %+v\n", g)
	}
	return b.String()
}

func TestMissing(t *testing.T) {
	cat := testCatalog(t)
	all := []string{"F1.A-01", "F1.A-02", "F1.A-03", "F1.B-01", "F1.B-02", "F2.A-01", "F2.A-02"}
	tests := []struct {
		name    string
		answers []Answer
		want    []string
	}{
		{"nothing answered: everything, in catalog order", nil, all},
		{
			// Answered and N/A are dealt with; Score 0 and unknown ids are
			// not answers. Input order does not matter.
			"answered and N/A are not missing",
			[]Answer{
				scored("F2.A-02", 0), na("F1.B-01"), scored("F1.A-02", 3), scored("ZZ-01", 4),
			},
			[]string{"F1.A-01", "F1.A-03", "F1.B-02", "F2.A-01", "F2.A-02"},
		},
		{
			"everything dealt with: empty, not nil",
			[]Answer{
				scored("F1.A-01", 1), scored("F1.A-02", 1), na("F1.A-03"),
				scored("F1.B-01", 7), na("F1.B-02"), scored("F2.A-01", 2), scored("F2.A-02", 3),
			},
			[]string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Missing(cat, tc.answers)
			if got == nil {
				t.Error("Missing returned nil, want an empty slice")
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Missing = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestNilCatalog(t *testing.T) {
	r := Score(nil, []Answer{scored("GV.OC-01", 3)}, 5)
	if r.Overall.Score.OK || r.Overall.Total != 0 || len(r.Functions) != 0 {
		t.Errorf("nil catalog scored as %+v", r)
	}
	if r.Overall.Completion() != 1 {
		t.Errorf("nil catalog completion = %v, want 1 (nothing to do)", r.Overall.Completion())
	}
	if g := Gaps(nil, []Answer{scored("GV.OC-01", 3)}, 5); len(g) != 0 {
		t.Errorf("nil catalog gaps = %v", g)
	}
	if m := Missing(nil, nil); len(m) != 0 {
		t.Errorf("nil catalog missing = %v", m)
	}
}

// TestScoreCSF20 scores the real catalog: every one of its 106 outcomes at
// 3 against a target of 5.
func TestScoreCSF20(t *testing.T) {
	cat := frameworks.CSF20()
	subs := cat.Subcategories()
	if len(subs) != 106 {
		t.Fatalf("CSF 2.0 has %d subcategories, want 106", len(subs))
	}
	answers := make([]Answer, len(subs))
	for i, s := range subs {
		answers[i] = scored(s.ID, 3)
	}
	r := Score(cat, answers, 5)
	checkNode(t, "overall", r.Overall, node{val(3), val(5), val(2), 106, 0, 106, 1})
	if len(r.Functions) != 6 {
		t.Errorf("%d functions, want 6", len(r.Functions))
	}
	for _, f := range r.Functions {
		checkValue(t, f.ID+" score", f.Score, val(3))
		checkValue(t, f.ID+" gap", f.Gap, val(2))
		for _, c := range f.Categories {
			checkValue(t, c.ID+" score", c.Score, val(3))
		}
	}
	if g := Gaps(cat, answers, 5); len(g) != 106 {
		t.Errorf("%d gaps, want 106", len(g))
	} else if g[0].Weight != 3 || g[len(g)-1].Weight != 1 {
		t.Errorf("gaps not led by the heaviest outcomes: first %+v, last %+v", g[0], g[len(g)-1])
	}
	if m := Missing(cat, answers); len(m) != 0 {
		t.Errorf("missing %v", m)
	}
}

// TestScoreLargeCatalog covers catalogs bigger than the stack buffer Score
// starts with: they must score the same way.
func TestScoreLargeCatalog(t *testing.T) {
	const cats, per = 10, 30 // 300 subcategories
	var b strings.Builder
	b.WriteString(`{"id":"big","name":"Big","version":"1","functions":[{"id":"B","name":"B","categories":[`)
	for c := range cats {
		if c > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":"B.%02d","name":"C","subcategories":[`, c)
		for s := range per {
			if s > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"id":"B.%02d-%02d","question":"q?","hint":"h"}`, c, s)
		}
		b.WriteString("]}")
	}
	b.WriteString("]}]}")
	cat, err := frameworks.ParseCatalog([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	// Category c: every subcategory at c%7+1, except the last, which is N/A
	// in even categories and left unanswered in odd ones.
	var answers []Answer
	wantSum := 0.0
	for c := range cats {
		for s := range per - 1 {
			answers = append(answers, scored(fmt.Sprintf("B.%02d-%02d", c, s), c%7+1))
		}
		if c%2 == 0 {
			answers = append(answers, na(fmt.Sprintf("B.%02d-%02d", c, per-1)))
		}
		wantSum += float64(c%7 + 1)
	}
	r := Score(cat, answers, 7)
	checkNode(t, "overall", r.Overall, node{
		val(wantSum / cats), val(7), val(7 - wantSum/cats),
		cats * (per - 1), cats / 2, cats * per, float64(cats*per-cats/2) / (cats * per),
	})
	if m := Missing(cat, answers); len(m) != cats/2 || m[0] != "B.01-29" {
		t.Errorf("missing %v", m)
	}
}

// TestDocsWorkedExample checks the worked example of docs/scoring.md, so the
// numbers people read there are the numbers the code produces.
func TestDocsWorkedExample(t *testing.T) {
	cat, err := frameworks.ParseCatalog([]byte(`{
  "id": "example", "name": "Cut-down CSF", "version": "1",
  "functions": [
    {"id": "GV", "name": "Govern", "categories": [
      {"id": "GV.OC", "name": "Organizational Context", "subcategories": [
        {"id": "GV.OC-01", "question": "q?", "hint": "h", "weight": 1},
        {"id": "GV.OC-02", "question": "q?", "hint": "h", "weight": 1},
        {"id": "GV.OC-03", "question": "q?", "hint": "h", "weight": 2}]},
      {"id": "GV.SC", "name": "Supply Chain", "subcategories": [
        {"id": "GV.SC-01", "question": "q?", "hint": "h", "weight": 1},
        {"id": "GV.SC-02", "question": "q?", "hint": "h", "weight": 1}]}]},
    {"id": "PR", "name": "Protect", "categories": [
      {"id": "PR.AA", "name": "Access Control", "subcategories": [
        {"id": "PR.AA-01", "question": "q?", "hint": "h", "weight": 3},
        {"id": "PR.AA-02", "question": "q?", "hint": "h", "weight": 1}]},
      {"id": "PR.DS", "name": "Data Security", "subcategories": [
        {"id": "PR.DS-01", "question": "q?", "hint": "h", "weight": 2},
        {"id": "PR.DS-02", "question": "q?", "hint": "h", "weight": 2}]}]}
  ]}`))
	if err != nil {
		t.Fatal(err)
	}
	answers := []Answer{
		scored("GV.OC-01", 4), scored("GV.OC-02", 6),
		na("GV.SC-01"), na("GV.SC-02"),
		scored("PR.AA-01", 3), targeted("PR.AA-02", 2, 6),
		scored("PR.DS-01", 5), // Risk Formally Accepted
	}
	r := Score(cat, answers, 5)
	want := map[string]node{
		overall: {val(4.375), val(5.125), val(0.75), 5, 2, 9, 7.0 / 9},
		"GV":    {val(5), val(5), val(0), 2, 2, 5, 4.0 / 5},
		"GV.OC": {val(5), val(5), val(0), 2, 0, 3, 2.0 / 3},
		"GV.SC": {none, none, none, 0, 2, 2, 1},
		"PR":    {val(3.75), val(5.25), val(1.5), 3, 0, 4, 3.0 / 4},
		"PR.AA": {val(2.5), val(5.5), val(3), 2, 0, 2, 1},
		"PR.DS": {val(5), val(5), val(0), 1, 0, 2, 1.0 / 2},
	}
	for id, w := range want {
		checkNode(t, id, nodeOf(t, r, id), w)
	}
	shown := fmt.Sprintf("%.1f %.1f %.1f", r.Overall.Score.V, r.Overall.Target.V, r.Overall.Gap.V)
	if shown != "4.4 5.1 0.8" {
		t.Errorf("overall shown as %s, want 4.4 5.1 0.8", shown)
	}
	gotGaps := Gaps(cat, answers, 5)
	wantGaps := []Gap{
		{"PR.AA-01", "PR.AA", "PR", 3, 5, 2, 3},
		{"PR.AA-02", "PR.AA", "PR", 2, 6, 4, 1},
		{"GV.OC-01", "GV.OC", "GV", 4, 5, 1, 1},
	}
	if !slices.Equal(gotGaps, wantGaps) {
		t.Errorf("Gaps =\n%s\nwant\n%s", fmtGaps(gotGaps), fmtGaps(wantGaps))
	}
	if m := Missing(cat, answers); !slices.Equal(m, []string{"GV.OC-03", "PR.DS-02"}) {
		t.Errorf("Missing = %v", m)
	}
}
