package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"palisade/assessments"
	"palisade/store"
)

// downloadOSCALDoc fetches a member's OSCAL export and decodes it.
func downloadOSCALDoc(t *testing.T, b *browser, path string) (response, assessments.OSCALDocument) {
	t.Helper()
	res := b.get(t, path)
	wantStatus(t, "OSCAL export "+path+" as "+b.email, res, http.StatusOK)
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q; want application/json", ct)
	}
	var doc assessments.OSCALDocument
	if err := json.Unmarshal([]byte(res.body), &doc); err != nil {
		t.Fatalf("the OSCAL export does not parse: %v\n%.300s", err, res.body)
	}
	return res, doc
}

func findingStates(doc assessments.OSCALDocument) map[string]string {
	out := map[string]string{}
	for _, f := range doc.AssessmentResults.Results[0].Findings {
		out[strings.TrimSuffix(f.Target.TargetID, "_statement")] = f.Target.Status.State
	}
	return out
}

// Who may see a member downloads its OSCAL assessment results; others get
// 403; a cycle that does not exist or belongs to another consortium is 404.
func TestOSCALExport(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	m := ts.member(t, millbrook) // submitted in the current cycle
	base := cyclePath(m.ID, ts.cycle.ID)
	path := base + "/oscal.json"
	auditBefore := len(ts.audit(t, "export.oscal"))

	coord := ts.signIn(t, coordinatorEmail)
	wantContains(t, "assessment page", coord.get(t, base), `href="`+path+`"`, "OSCAL assessment results (JSON)")
	res, doc := downloadOSCALDoc(t, coord, path)
	disp := res.header.Get("Content-Disposition")
	if !strings.HasPrefix(disp, "attachment;") || !strings.Contains(disp, `filename="palisade-`+m.Slug+"-") || !strings.HasSuffix(disp, `-oscal-ar.json"`) {
		t.Errorf("Content-Disposition %q", disp)
	}
	ar := doc.AssessmentResults
	if ar.Metadata.OSCALVersion != assessments.OSCALVersion || !strings.Contains(ar.Metadata.Title, m.Name) ||
		!strings.Contains(ar.Metadata.Title, ts.cycle.Name) || ar.Metadata.Parties[0].Name != m.Name ||
		ar.Metadata.Parties[1].Name != ts.consortium.Name {
		t.Errorf("metadata %+v", ar.Metadata)
	}
	if !strings.HasPrefix(ar.ImportAP.Href, "#") || ar.BackMatter == nil || ar.BackMatter.Resources[0].UUID != ar.ImportAP.Href[1:] {
		t.Errorf("import-ap %q does not name the method resource", ar.ImportAP.Href)
	}
	r := ar.Results[0]
	if r.End == "" {
		t.Error("a submitted assessment's result has no end")
	}
	// One finding per answered subcategory, with the state its score gives.
	answers := ts.answers(t, ts.assessment(t, m.ID, ts.cycle.ID).ID)
	answered := 0
	states := findingStates(doc)
	for id, x := range answers {
		if x.NotApplicable || x.Choice == "" {
			if _, ok := states[id]; ok {
				t.Errorf("%s (N/A or unanswered) has a finding", id)
			}
			continue
		}
		answered++
		target := x.Target
		if target == 0 {
			target = ts.consortium.DefaultTarget
		}
		want := assessments.OSCALSatisfied
		if x.Score < target {
			want = assessments.OSCALNotSatisfied
		}
		if states[id] != want {
			t.Errorf("%s at %d, target %d: finding %q; want %q", id, x.Score, target, states[id], want)
		}
	}
	if answered == 0 || len(r.Findings) != answered {
		t.Errorf("%d findings for %d answered subcategories", len(r.Findings), answered)
	}

	// The member's IT lead and the board get the same file, byte for byte.
	lead := ts.signIn(t, itEmail(millbrook))
	if again, _ := downloadOSCALDoc(t, lead, path); again.body != res.body {
		t.Error("the IT lead's export differs from the coordinator's")
	}
	downloadOSCALDoc(t, ts.signIn(t, boardEmail), path)
	// The closed previous cycle has its own document.
	if _, prev := downloadOSCALDoc(t, coord, cyclePath(m.ID, ts.prevCycle.ID)+"/oscal.json"); prev.AssessmentResults.UUID == ar.UUID ||
		prev.AssessmentResults.Results[0].End == "" {
		t.Error("the previous cycle's export has the current one's uuid or no end")
	}

	// Another member's IT lead: no access. Unknown or foreign cycles: 404.
	wantStatus(t, "other member's IT lead", ts.signIn(t, itEmail(eastgate)).get(t, path), http.StatusForbidden)
	wantStatus(t, "unknown cycle", coord.get(t, cyclePath(m.ID, 999999)+"/oscal.json"), http.StatusNotFound)
	otherID, err := ts.st.CreateConsortium(ctx, store.Consortium{Name: "Other Consortium"})
	if err != nil {
		t.Fatal(err)
	}
	otherCycle, err := ts.st.CreateCycle(ctx, store.Cycle{ConsortiumID: otherID, Name: "FY2026"})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "another consortium's cycle", coord.get(t, cyclePath(m.ID, otherCycle)+"/oscal.json"), http.StatusNotFound)

	if n := len(ts.audit(t, "export.oscal")); n != auditBefore+4 {
		t.Errorf("%d export.oscal audit events; want %d (one per download)", n, auditBefore+4)
	}
}

// Changing one answer in the application changes that finding's state in
// the next export.
func TestOSCALExportFollowsAnswers(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	m := ts.member(t, eastgate) // draft, every question answered
	base := cyclePath(m.ID, ts.cycle.ID)
	lead := ts.signIn(t, itEmail(eastgate))
	_, before := downloadOSCALDoc(t, lead, base+"/oscal.json")

	cur := ts.answers(t, ts.assessment(t, m.ID, ts.cycle.ID).ID)["PR.AA-01"]
	choice, want := "not-performed", assessments.OSCALNotSatisfied
	if before := findingStates(before)["PR.AA-01"]; before == assessments.OSCALNotSatisfied {
		choice, want = "optimized", assessments.OSCALSatisfied
	}
	lead.post(t, base+"/answers/PR.AA-01", url.Values{"version": {strconv.Itoa(cur.Version)}, "choice": {choice}, "target": {"5"}})
	if got := ts.answers(t, cur.AssessmentID)["PR.AA-01"]; got.Choice != choice {
		t.Fatalf("the answer was not saved: %+v", got)
	}

	_, after := downloadOSCALDoc(t, lead, base+"/oscal.json")
	sb, sa := findingStates(before), findingStates(after)
	for id, s := range sb {
		switch {
		case id == "PR.AA-01" && sa[id] != want:
			t.Errorf("PR.AA-01 is %q after the change; want %q", sa[id], want)
		case id != "PR.AA-01" && sa[id] != s:
			t.Errorf("%s changed from %q to %q", id, s, sa[id])
		}
	}
	if before.AssessmentResults.Metadata.Version == after.AssessmentResults.Metadata.Version {
		t.Error("the document version did not change")
	}
}
