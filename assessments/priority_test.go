package assessments

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"palisade/frameworks"
)

// TestDefaultWeightsCSF20: twice the catalog weight, raised for the
// controls insurers and the CPGs ask about first.
func TestDefaultWeightsCSF20(t *testing.T) {
	cat := frameworks.CSF20()
	w := DefaultWeights(cat)
	if len(w) != 106 {
		t.Fatalf("%d weights, want 106", len(w))
	}
	for id, v := range w {
		if v < 0 || v > MaxWeight {
			t.Errorf("%s: %d", id, v)
		}
	}
	tests := []struct {
		id     string
		weight int
		why    string
	}{
		{"GV.OC-01", 2, "catalog weight 1, doubled"},
		{"GV.OC-03", 4, "catalog weight 2, doubled"},
		{"PR.AT-01", 6, "catalog weight 3, doubled; not a priority control"},
		{"PR.AA-03", 10, "MFA"},
		{"PR.AA-01", 10, "accounts"},
		{"PR.AA-06", 6, "PR.AA category minimum over catalog weight 1"},
		{"PR.PS-02", 10, "patching"},
		{"PR.PS-03", 7, "end-of-life hardware"},
		{"PR.DS-11", 10, "backups"},
		{"RC.RP-03", 9, "backups checked before restore"},
		{"RC.RP-04", 6, "RC.RP category minimum"},
		{"PR.PS-04", 9, "logging"},
		{"DE.CM-09", 9, "EDR"},
		{"DE.CM-02", 6, "DE.CM category minimum"},
		{"RS.MA-01", 9, "response plan"},
		{"RS.MI-01", 8, "containment"},
		{"ID.AM-01", 9, "hardware inventory"},
		{"ID.AM-02", 9, "software inventory"},
		{"ID.AM-03", 4, "catalog weight 2, not a priority control"},
	}
	for _, tc := range tests {
		if w[tc.id] != tc.weight {
			t.Errorf("%s = %d, want %d (%s)", tc.id, w[tc.id], tc.weight, tc.why)
		}
	}

	// The high-consequence set is the short list of docs/weakest-link.md.
	var high []string
	for _, s := range cat.Subcategories() {
		if w[s.ID] >= HighConsequenceWeight {
			high = append(high, s.ID)
		}
	}
	want := "ID.AM-01 ID.AM-02 ID.RA-01 PR.AA-01 PR.AA-03 PR.AA-05 PR.DS-11 PR.PS-02 PR.PS-04 DE.CM-01 DE.CM-09 RS.MA-01 RS.MI-01 RC.RP-01 RC.RP-02 RC.RP-03"
	if got := strings.Join(high, " "); got != want {
		t.Errorf("high-consequence\n%s\nwant\n%s", got, want)
	}
}

// TestPriorityTableIds guards the table against typos: every key is a
// subcategory or a category of CSF 2.0.
func TestPriorityTableIds(t *testing.T) {
	cat := frameworks.CSF20()
	for id, v := range priorityWeights {
		_, isSub := cat.Subcategory(id)
		_, isCat := cat.Category(id)
		if !isSub && !isCat {
			t.Errorf("%s is not in CSF 2.0", id)
		}
		if v < 1 || v > MaxWeight {
			t.Errorf("%s: %d", id, v)
		}
	}
}

// TestDefaultWeightsMapsTo: a subcategory of another framework takes the
// priority of the CSF 2.0 outcomes it maps to.
func TestDefaultWeightsMapsTo(t *testing.T) {
	cat, err := frameworks.ParseCatalog([]byte(`{
  "id": "cpg", "name": "CPG", "version": "1",
  "functions": [{"id": "X", "name": "X", "categories": [{"id": "X.A", "name": "A", "subcategories": [
    {"id": "2.H", "question": "q?", "hint": "h", "weight": 1, "maps_to": ["PR.AA-03"]},
    {"id": "2.S", "question": "q?", "hint": "h", "weight": 1, "maps_to": ["RC.RP-04", "GV.OC-01"]},
    {"id": "9.Z", "question": "q?", "hint": "h", "weight": 2},
    {"id": "9.Y", "question": "q?", "hint": "h", "weight": 7}
  ]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	got := DefaultWeights(cat)
	want := map[string]int{"2.H": 10, "2.S": 6, "9.Z": 4, "9.Y": 10}
	if !maps.Equal(got, want) {
		t.Errorf("weights %v, want %v", got, want)
	}
	if w := DefaultWeights(nil); len(w) != 0 {
		t.Errorf("nil catalog: %v", w)
	}
}

func TestCheckWeights(t *testing.T) {
	cat := consortiumCatalog(t)
	tests := []struct {
		name    string
		weights map[string]int
		want    string // "" = valid
	}{
		{"none", nil, ""},
		{"bounds are allowed", map[string]int{"GV.OC-01": 0, "PR.AA-01": 10}, ""},
		{"defaults are valid", DefaultWeights(cat), ""},
		{"unknown id", map[string]int{"PR.AA-99": 3}, `weights: "PR.AA-99" is not a subcategory of the catalog`},
		{"a category is not a subcategory", map[string]int{"PR.AA": 3}, `weights: "PR.AA" is not a subcategory of the catalog`},
		{"negative", map[string]int{"GV.OC-01": -1}, "weights: GV.OC-01: weight -1 is outside 0..10"},
		{"too high", map[string]int{"PR.DS-11": 11}, "weights: PR.DS-11: weight 11 is outside 0..10"},
		{"every bad entry, in id order", map[string]int{"PR.DS-11": 11, "GV.OC-01": 5, "AA": 1, "GV.SC-01": -3},
			`weights: "AA" is not a subcategory of the catalog; GV.SC-01: weight -3 is outside 0..10; PR.DS-11: weight 11 is outside 0..10`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckWeights(cat, tc.weights)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || err.Error() != tc.want):
				t.Errorf("error %v, want %s", err, tc.want)
			}
		})
	}
	if err := CheckWeights(nil, map[string]int{"X": 1}); err == nil {
		t.Errorf("nil catalog accepted a weight")
	}
}

// TestEffectiveWeights: what the report uses when saved weights are stale.
func TestEffectiveWeights(t *testing.T) {
	cat := consortiumCatalog(t)
	got := effectiveWeights(cat, indexOf(cat), map[string]int{"GV.OC-01": 99, "GV.SC-01": -4, "PR.DS-01": 1, "XX-01": 5})
	// Clamped, clamped, default, default, saved, default; XX-01 ignored.
	if want := []int{10, 0, 10, 10, 1, 10}; !slices.Equal(got, want) {
		t.Errorf("effective weights %v, want %v", got, want)
	}
}
