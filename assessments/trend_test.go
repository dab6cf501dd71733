package assessments

import (
	"testing"

	"palisade/frameworks"
)

func TestChangesListBiggestMovesFirst(t *testing.T) {
	cat := frameworks.CSF20()
	before := []Answer{{SubcategoryID: "GV.OC-01", Score: 2}, {SubcategoryID: "GV.OC-02", Score: 5}, {SubcategoryID: "GV.OC-03", Score: 3},
		{SubcategoryID: "GV.OC-04", Score: 4}, {SubcategoryID: "GV.OC-05", Score: 3, NotApplicable: true}, {SubcategoryID: "PR.AA-01", Score: 1}}
	after := []Answer{{SubcategoryID: "GV.OC-01", Score: 3}, {SubcategoryID: "GV.OC-02", Score: 2}, {SubcategoryID: "GV.OC-03", Score: 3},
		{SubcategoryID: "GV.OC-05", Score: 6}, {SubcategoryID: "PR.AA-01", Score: 4}, {SubcategoryID: "PR.AA-02", Score: 7}}
	got := Changes(cat, before, after)
	want := []Change{
		{"GV.OC-02", 5, 2, -3}, // biggest moves first; ties in catalog order
		{"PR.AA-01", 1, 4, 3},
		{"GV.OC-01", 2, 3, 1},
		// GV.OC-03 did not move; GV.OC-04 unanswered after; GV.OC-05 N/A before; PR.AA-02 new.
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v; want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("change %d: got %+v; want %+v", i, got[i], want[i])
		}
	}
	if len(Changes(cat, nil, after)) != 0 {
		t.Error("changes without an earlier cycle")
	}
}
