package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestResultsExportCSVAndJSON(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	coord := ts.signIn(t, coordinatorEmail)

	res := coord.get(t, "/consortium/results")
	wantStatus(t, "CSV", res, http.StatusOK)
	rows, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	byCycle, _ := ts.st.AnswersForCycle(t.Context(), ts.cycle.ID)
	want := 0
	for _, list := range byCycle {
		want += len(list)
	}
	if len(rows)-1 != want || rows[0][3] != "subcategory_id" {
		t.Errorf("CSV has %d answer rows; want %d (one per stored answer)", len(rows)-1, want)
	}

	res = coord.get(t, "/consortium/results?format=json")
	wantStatus(t, "JSON", res, http.StatusOK)
	var out resultsExport
	dec := json.NewDecoder(strings.NewReader(res.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out.Framework != "csf-2.0" || len(out.Members) != 12 || out.Cycle != "FY2026" {
		t.Errorf("JSON: framework %q, %d members, cycle %q", out.Framework, len(out.Members), out.Cycle)
	}
	for _, m := range out.Members {
		if m.Name == "Town of Millbrook" && (m.Overall == nil || len(m.Answers) != 106 || m.Status != "submitted") {
			t.Errorf("Millbrook in JSON: %+v", m)
		}
	}
	if len(ts.audit(t, "export.results")) != 2 {
		t.Error("exports not audited")
	}
	wantStatus(t, "IT lead", ts.signIn(t, itEmail(millbrook)).get(t, "/consortium/results"), http.StatusForbidden)
}

// BenchmarkExportConsortium writes a 500-member cycle's results as CSV and
// as JSON (analysis cached, as on a second download).
func BenchmarkExportConsortium(b *testing.B) {
	srv, _ := bigConsortium(b, 500)
	c, _ := srv.store.ConsortiumByID(b.Context(), 1)
	cc := cycleComparison{}
	cc.cycle, _ = srv.store.CurrentCycle(b.Context(), c.ID)
	if err := srv.analyse(b.Context(), c, &cc); err != nil {
		b.Fatal(err)
	}
	b.Run("csv", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := writeResultsCSV(io.Discard, cc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json", func(b *testing.B) {
		b.ReportAllocs()
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			json.NewEncoder(&buf).Encode(srv.resultsOf(cc, c.Name, c.DefaultTarget))
		}
	})
}
