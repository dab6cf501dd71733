package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"palisade/store"
)

// A coordinator closes the year and opens the next; each member starts from
// its last submitted answers, marked for its IT lead to confirm.
func TestNewCycleCarriesAnswersOverForConfirmation(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	coord := ts.signIn(t, coordinatorEmail)
	wantStatus(t, "cycles page", coord.get(t, "/admin/cycles"), http.StatusOK)

	res := coord.post(t, "/admin/cycles", url.Values{"name": {"FY2027"}})
	wantStatus(t, "open while FY2026 is open", res, http.StatusConflict)
	wantContains(t, "open while open", res, "another cycle is still open")
	wantStatus(t, "close another consortium's cycle", coord.post(t, "/admin/cycles/99999/close", nil), http.StatusNotFound)

	wantRedirect(t, "close FY2026", coord.post(t, fmt.Sprintf("/admin/cycles/%d/close", ts.cycle.ID), nil), "/admin/cycles")
	wantStatus(t, "duplicate name", coord.post(t, "/admin/cycles", url.Values{"name": {"fy2026"}}), http.StatusUnprocessableEntity)
	wantStatus(t, "empty name", coord.post(t, "/admin/cycles", url.Values{"name": {""}}), http.StatusUnprocessableEntity)
	wantRedirect(t, "open FY2027", coord.post(t, "/admin/cycles", url.Values{"name": {"FY2027"}}), "/admin/cycles")

	next, err := ts.st.CurrentCycle(t.Context(), ts.consortium.ID)
	if err != nil || next.Name != "FY2027" || !next.Open() {
		t.Fatalf("current cycle %+v %v; want FY2027 open", next, err)
	}
	carried := func(slug string) (int, int) {
		a := ts.assessment(t, ts.member(t, slug).ID, next.ID)
		all := ts.answers(t, a.ID)
		n := 0
		for _, x := range all {
			if x.CarriedOver {
				n++
			}
		}
		return n, len(all)
	}
	if n, all := carried(millbrook); n != 106 || all != 106 {
		t.Errorf("Millbrook (submitted in FY2026): %d of %d answers carried over; want 106 of 106", n, all)
	}
	if n, _ := carried(eastgate); n == 0 {
		t.Error("Eastgate (draft in FY2026) should start from its FY2025 submission")
	}
	if n, all := carried("kettle-river-tribal-nation"); n != 0 || all != 0 {
		t.Errorf("Kettle River never submitted: %d answers; want none", all)
	}
	// The demo closed FY2025 when it was loaded; this test closed FY2026.
	if len(ts.audit(t, "cycle.open")) != 1 || len(ts.audit(t, "cycle.close")) != 2 {
		t.Error("opening and closing cycles are not audited")
	}

	// The IT lead must confirm carried-over answers before submitting.
	mb := ts.member(t, millbrook)
	base := fmt.Sprintf("/members/%d/cycles/%d", mb.ID, next.ID)
	lead := ts.signIn(t, itEmail(millbrook))
	wantContains(t, "category page", lead.get(t, base+"/categories/PR.AA"), "Carried over from your last submitted assessment")
	res = lead.post(t, base+"/submit", nil)
	wantStatus(t, "submit with unconfirmed answers", res, http.StatusUnprocessableEntity)
	wantContains(t, "submit with unconfirmed answers", res, "106 answers carried over")

	a := ts.assessment(t, mb.ID, next.ID)
	cur := ts.answers(t, a.ID)["PR.AA-01"]
	wantRedirect(t, "confirm one", lead.post(t, base+"/answers/PR.AA-01", url.Values{"version": {strconv.Itoa(cur.Version)},
		"choice": {cur.Choice}, "target": {strconv.Itoa(cur.Target)}, "notes": {cur.Notes}, "evidence": {cur.Evidence}}), base+"/categories/PR.AA")
	if got := ts.answers(t, a.ID)["PR.AA-01"]; got.CarriedOver || got.Version != 2 {
		t.Errorf("after saving, PR.AA-01 is %+v; want confirmed version 2", got)
	}
	// The closed cycle is read-only.
	old := fmt.Sprintf("/members/%d/cycles/%d/answers/PR.AA-01", mb.ID, ts.cycle.ID)
	wantStatus(t, "save into the closed cycle", lead.post(t, old, url.Values{"version": {"1"}, "choice": {"tested"}}), http.StatusLocked)
}

// A coordinator downloads a backup of a single-consortium Palisade; with a
// second consortium on the server it is refused.
func TestCoordinatorDownloadsBackup(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	coord := ts.signIn(t, coordinatorEmail)
	res := coord.get(t, "/admin/backup.db")
	wantStatus(t, "backup", res, http.StatusOK)
	if !strings.HasPrefix(res.body, "SQLite format 3\x00") {
		t.Fatalf("backup is not a SQLite file: %q", res.body[:min(16, len(res.body))])
	}
	if len(ts.audit(t, "export.backup")) != 1 {
		t.Error("the backup download was not audited")
	}
	if _, err := ts.st.CreateConsortium(t.Context(), store.Consortium{Name: "Another"}); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "backup with two consortia", coord.get(t, "/admin/backup.db"), http.StatusForbidden)
	wantStatus(t, "IT lead", ts.signIn(t, itEmail(millbrook)).get(t, "/admin/backup.db"), http.StatusForbidden)
}
