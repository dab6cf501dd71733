package web

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"palisade/assessments"
)

// resultsExport is the JSON form of a cycle's results: every member with
// its scores and its answers' levels (no free texts).
type resultsExport struct {
	Consortium string          `json:"consortium"`
	Cycle      string          `json:"cycle"`
	Framework  string          `json:"framework"`
	Scale      string          `json:"scale"`
	Baseline   int             `json:"baseline"`
	Members    []memberResults `json:"members"`
}

type memberResults struct {
	ID         int64              `json:"id"`
	Name       string             `json:"name"`
	Kind       string             `json:"kind"`
	Population int                `json:"population"`
	Status     string             `json:"status"`
	Completion float64            `json:"completion"`
	Overall    *float64           `json:"overall"`
	Functions  map[string]float64 `json:"functions"`
	Answers    []answerLevel      `json:"answers"`
}

type answerLevel struct {
	Subcategory   string `json:"subcategory"`
	Score         int    `json:"score,omitempty"`
	Target        int    `json:"target"`
	NotApplicable bool   `json:"not_applicable,omitempty"`
	RiskAccepted  bool   `json:"risk_accepted,omitempty"`
}

// downloadResults exports a cycle's results for other tools: ?format=json,
// or CSV in long format (one row per member and answered subcategory).
// Coordinators and consortium-wide board officials only; audited.
func (s *Server) downloadResults(w http.ResponseWriter, r *http.Request) {
	cc, ok := s.loadComparison(w, r)
	if !ok {
		return
	}
	v := visitOf(r)
	format := "csv"
	if r.URL.Query().Get("format") == "json" {
		format = "json"
	}
	if err := s.store.Record(r.Context(), v.actor(s, r), 0, "export.results", "cycle "+strconv.FormatInt(cc.cycle.ID, 10), format); err != nil {
		s.serverError(w, r, err)
		return
	}
	name := "palisade-results-" + csvSafeName(cc.cycle.Name)
	w.Header().Set("Cache-Control", "no-store")
	if format == "json" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.json"`)
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		enc.Encode(s.resultsOf(cc, v.consortium.Name, v.consortium.DefaultTarget))
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	writeResultsCSV(w, cc)
}

func (s *Server) resultsOf(cc cycleComparison, consortium string, baseline int) resultsExport {
	out := resultsExport{Consortium: consortium, Cycle: cc.cycle.Name, Framework: s.catalog.ID, Scale: fmt.Sprintf("%s v%d", s.scale.ID, s.scale.Version), Baseline: baseline}
	members := map[int64]int{}
	for i, m := range cc.members {
		members[m.ID] = i
	}
	for _, row := range cc.cmp.Members {
		m := cc.members[members[row.MemberID]]
		status := cc.statuses[m.ID].Status
		if status == "" {
			status = "none"
		}
		mr := memberResults{ID: m.ID, Name: m.Name, Kind: m.Kind, Population: m.Population, Status: status, Completion: row.Completion,
			Functions: map[string]float64{}}
		if row.Result.Overall.Score.OK {
			o := row.Result.Overall.Score.V
			mr.Overall = &o
		}
		for _, f := range row.Result.Functions {
			if f.Score.OK {
				mr.Functions[f.ID] = f.Score.V
			}
		}
		for _, a := range cc.answers[m.ID] {
			mr.Answers = append(mr.Answers, answerLevel{Subcategory: a.SubcategoryID, Score: a.Score, Target: a.Target, NotApplicable: a.NotApplicable, RiskAccepted: a.RiskAccepted})
		}
		out.Members = append(out.Members, mr)
	}
	return out
}

func writeResultsCSV(w io.Writer, cc cycleComparison) error {
	out := csv.NewWriter(w)
	out.Write([]string{"cycle", "member", "kind", "subcategory_id", "score", "target", "not_applicable", "risk_accepted"})
	for _, m := range cc.members {
		for _, a := range cc.answers[m.ID] {
			out.Write([]string{cc.cycle.Name, assessments.SafeCell(m.Name), m.Kind, a.SubcategoryID, strconv.Itoa(a.Score), strconv.Itoa(a.Target),
				strconv.FormatBool(a.NotApplicable), strconv.FormatBool(a.RiskAccepted)})
		}
	}
	out.Flush()
	return out.Error()
}
