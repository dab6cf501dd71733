package web

import (
	"fmt"
	"net/http"

	"palisade/accounts"
	"palisade/assessments"
)

// The read-only JSON API (docs/api.md) answers with the same sessions and
// the same access rules as the pages: every route is in the route table
// with its rule, and the guard applies it before any handler runs.

type apiCycle struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

func (s *Server) apiCycles(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	cycles, err := s.store.CyclesOfConsortium(r.Context(), v.consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out := []apiCycle{}
	for _, c := range cycles {
		out = append(out, apiCycle{ID: c.ID, Name: c.Name, Status: c.Status})
	}
	writeJSON(w, http.StatusOK, map[string]any{"cycles": out})
}

type apiMember struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Population int    `json:"population"`
}

// apiMembers lists the members the person may see: all of them for
// coordinators and consortium-wide board officials, their own otherwise.
func (s *Server) apiMembers(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	members, err := s.store.MembersOfConsortium(r.Context(), v.consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out := []apiMember{}
	for _, m := range members {
		if accounts.CanViewMember(v.grants, v.consortium.ID, m.ID) {
			out = append(out, apiMember{ID: m.ID, Name: m.Name, Kind: m.Kind, Population: m.Population})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"members": out})
}

type apiScore struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Score      *float64   `json:"score"`
	Target     *float64   `json:"target"`
	Gap        *float64   `json:"gap"`
	Answered   int        `json:"answered"`
	NA         int        `json:"not_applicable"`
	Total      int        `json:"total"`
	Categories []apiScore `json:"categories,omitempty"`
}

func optional(v assessments.Value) *float64 {
	if !v.OK {
		return nil
	}
	x := v.V
	return &x
}

func apiScoreOf(sm assessments.Summary) apiScore {
	return apiScore{ID: sm.ID, Name: sm.Name, Score: optional(sm.Score), Target: optional(sm.Target), Gap: optional(sm.Gap),
		Answered: sm.Answered, NA: sm.NotApplicable, Total: sm.Total}
}

// apiScores is a member's scores in a cycle, as on its results page.
func (s *Server) apiScores(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	res := assessments.Score(s.catalog, domainAnswers(a.domain()), a.consortium.DefaultTarget)
	overall := apiScoreOf(res.Overall)
	overall.ID, overall.Name = "overall", "Overall"
	var fns []apiScore
	for _, f := range res.Functions {
		fs := apiScoreOf(f.Summary)
		for _, c := range f.Categories {
			fs.Categories = append(fs.Categories, apiScoreOf(c))
		}
		fns = append(fns, fs)
	}
	writeJSON(w, http.StatusOK, map[string]any{"member": a.member.ID, "cycle": a.cycle.ID, "status": a.statusOrDraft(),
		"completion": res.Overall.Completion(), "overall": overall, "functions": fns})
}

type apiGap struct {
	Subcategory string `json:"subcategory"`
	Question    string `json:"question"`
	Current     int    `json:"current"`
	Target      int    `json:"target"`
	Gap         int    `json:"gap"`
	Weight      int    `json:"weight"`
}

// apiGaps is a member's gaps in a cycle, largest first (docs/scoring.md).
func (s *Server) apiGaps(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	out := []apiGap{}
	for _, g := range assessments.Gaps(s.catalog, domainAnswers(a.domain()), a.consortium.DefaultTarget) {
		sub, _ := s.catalog.Subcategory(g.SubcategoryID)
		out = append(out, apiGap{Subcategory: g.SubcategoryID, Question: sub.Question, Current: g.Current, Target: g.Target, Gap: g.Gap, Weight: g.Weight})
	}
	writeJSON(w, http.StatusOK, map[string]any{"member": a.member.ID, "cycle": a.cycle.ID, "gaps": out, "count": len(out),
		"note": fmt.Sprintf("levels on the %s", s.scale.Name)})
}
