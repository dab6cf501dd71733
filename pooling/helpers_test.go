package pooling

import (
	"testing"

	"palisade/assessments"
	"palisade/frameworks"
)

// smallCatalogJSON is a cut-down CSF 2.0 with real ids, so the default
// weights apply as on the full catalog:
//
//	GV  GV.PO  GV.PO-01 (catalog 2 → weight 4)
//	PR  PR.AA  PR.AA-03 (→ 10)
//	    PR.DS  PR.DS-11 (→ 10)
//	DE  DE.CM  DE.CM-09 (→ 9)
//
// It is also the catalog of the worked example in docs/pooling.md.
const smallCatalogJSON = `{
  "id": "small", "name": "Cut-down CSF", "version": "1",
  "functions": [
    {"id": "GV", "name": "Govern", "categories": [
      {"id": "GV.PO", "name": "Policy", "subcategories": [
        {"id": "GV.PO-01", "question": "q?", "hint": "h", "weight": 2}]}]},
    {"id": "PR", "name": "Protect", "categories": [
      {"id": "PR.AA", "name": "Access Control", "subcategories": [
        {"id": "PR.AA-03", "question": "q?", "hint": "h", "weight": 3}]},
      {"id": "PR.DS", "name": "Data Security", "subcategories": [
        {"id": "PR.DS-11", "question": "q?", "hint": "h", "weight": 3}]}]},
    {"id": "DE", "name": "Detect", "categories": [
      {"id": "DE.CM", "name": "Continuous Monitoring", "subcategories": [
        {"id": "DE.CM-09", "question": "q?", "hint": "h", "weight": 3}]}]}
  ]}`

func smallCatalog(t testing.TB) *frameworks.Catalog {
	t.Helper()
	cat, err := frameworks.ParseCatalog([]byte(smallCatalogJSON))
	if err != nil {
		t.Fatalf("small catalog: %v", err)
	}
	return cat
}

func sc(id string, score int) assessments.Answer {
	return assessments.Answer{SubcategoryID: id, Score: score}
}

func na(id string) assessments.Answer {
	return assessments.Answer{SubcategoryID: id, NotApplicable: true}
}

// ra is a Risk Formally Accepted answer: 5 on the NCSR scale.
func ra(id string) assessments.Answer {
	return assessments.Answer{SubcategoryID: id, Score: 5, RiskAccepted: true}
}

func member(id int64, answers ...assessments.Answer) Member {
	return Member{ID: id, Name: "M" + string(rune('0'+id)), Staff: 10, Answers: answers}
}

// svc is a service lifting subcategories ("PR.AA-03", 6, ...) at a fixed
// price in cents.
func svc(key string, fixed int64, lifts ...any) Service {
	s := Service{Key: key, Name: key, ProviderKind: ProviderVendor, Status: StatusProposed, ShareRule: RuleEqual,
		Cost: CostModel{Fixed: fixed}}
	for i := 0; i < len(lifts); i += 2 {
		s.Lifts = append(s.Lifts, Lift{SubcategoryID: lifts[i].(string), Level: lifts[i+1].(int)})
	}
	return s
}

func val(v float64) assessments.Value { return assessments.Value{V: v, OK: true} }

// near compares values that are means of small integers.
func near(a, b assessments.Value) bool {
	if a.OK != b.OK {
		return false
	}
	d := a.V - b.V
	return !a.OK || (d < 1e-9 && d > -1e-9)
}
