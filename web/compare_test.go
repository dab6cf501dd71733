package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"palisade/store"
)

// The coordinator compares every member of a cycle, sees who holds the
// floor, and downloads the heatmap; the download is audited.
func TestCoordinatorComparesMembersAndFindsWeakestLinks(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	coord := ts.signIn(t, coordinatorEmail)

	res := coord.get(t, "/consortium/compare")
	wantStatus(t, "compare", res, http.StatusOK)
	wantContains(t, "compare", res, "Town of Millbrook", "Cascade County", `id="function-spread-options"`, "heat heat-", "PR.AA", "Spread per function")
	// Sorted weakest first by default: Millbrook's row comes before the county's.
	if i, j := strings.Index(res.body, "Town of Millbrook"), strings.Index(res.body, ">Cascade County<"); i < 0 || j < 0 || i > j {
		t.Errorf("Millbrook (at %d) should be listed before Cascade County (at %d) when ordered weakest first", i, j)
	}
	wantStatus(t, "compare by name", coord.get(t, "/consortium/compare?sort=name"), http.StatusOK)
	wantStatus(t, "compare by a function", coord.get(t, "/consortium/compare?sort=PR"), http.StatusOK)
	wantStatus(t, "previous cycle", coord.get(t, fmt.Sprintf("/consortium/compare?cycle=%d", ts.prevCycle.ID)), http.StatusOK)
	wantStatus(t, "unknown cycle", coord.get(t, "/consortium/compare?cycle=99999"), http.StatusNotFound)

	// A cycle of another consortium is refused like an unknown one.
	other, err := ts.st.CreateConsortium(t.Context(), store.Consortium{Name: "Elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	otherCycle, err := ts.st.CreateCycle(t.Context(), store.Cycle{ConsortiumID: other, Name: "FY2026"})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "cycle of another consortium", coord.get(t, fmt.Sprintf("/consortium/compare?cycle=%d", otherCycle)), http.StatusNotFound)

	res = coord.get(t, "/consortium/compare.csv")
	wantStatus(t, "CSV", res, http.StatusOK)
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("CSV content type %q", ct)
	}
	rows, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	if len(rows) != 13 || len(rows[0]) != 5+22 || rows[0][0] != "member" {
		t.Errorf("CSV has %d rows of %d columns; want a header and 12 members with 5+22 columns", len(rows), len(rows[0]))
	}
	if len(ts.audit(t, "export.compare")) != 1 {
		t.Error("the CSV download was not recorded in the audit log")
	}

	res = coord.get(t, "/consortium/compare.csv?table=spread")
	wantStatus(t, "spread CSV", res, http.StatusOK)
	rows, err = csv.NewReader(strings.NewReader(res.body)).ReadAll()
	if err != nil || len(rows) != 7 || rows[0][0] != "function" || rows[1][0] != "GV" {
		t.Errorf("spread CSV: %v rows %v; want a header and the 6 functions", err, rows)
	}
	wantStatus(t, "unknown table", coord.get(t, "/consortium/compare.csv?table=secrets"), http.StatusNotFound)

	res = coord.get(t, "/consortium/weakest")
	wantStatus(t, "weakest links", res, http.StatusOK)
	wantContains(t, "weakest links", res, "Who holds the floor", "If Town of Millbrook reaches level 5", "Formally accepted risks", "PR.AA-01", "Who puts the most others at risk")
}

// Board officials of the whole consortium read everything by name; IT
// leads compare too, but see only their own member by name: the others are
// "Member C", without links, kinds or sizes, in the page and in the CSV.
func TestComparisonAnonymisesPeersForITLeads(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	board := ts.signIn(t, boardEmail)
	wantContains(t, "board compare", board.get(t, "/consortium/compare"), "Cascade County")
	wantStatus(t, "board weakest", board.get(t, "/consortium/weakest"), http.StatusOK)

	members, err := ts.st.MembersOfConsortium(t.Context(), ts.consortium.ID)
	if err != nil {
		t.Fatal(err)
	}
	me := ts.member(t, millbrook)
	lead := ts.signIn(t, itEmail(millbrook))
	for _, p := range []string{"/consortium/compare", "/consortium/compare?sort=name", "/consortium/compare?sort=population", "/consortium/compare.csv"} {
		res := lead.get(t, p)
		wantStatus(t, "IT lead "+p, res, http.StatusOK)
		wantContains(t, "IT lead "+p, res, "Town of Millbrook")
		wantAnonymousLabels(t, "IT lead "+p, res)
		for _, m := range members {
			if m.ID != me.ID {
				wantNotContains(t, "IT lead "+p, res, m.Name, fmt.Sprintf("/members/%d/", m.ID))
			}
		}
	}
	wantNotContains(t, "IT lead sorts", lead.get(t, "/consortium/compare"), `value="population"`, `value="name"`)
	for _, p := range []string{"/consortium/weakest", "/consortium/links"} {
		wantStatus(t, "IT lead "+p, lead.get(t, p), http.StatusForbidden)
	}
}
