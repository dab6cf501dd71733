package web

import (
	"errors"
	"fmt"
	"net/http"

	"palisade/assessments"
	"palisade/store"
	"palisade/views"
)

var statusLabels = map[string]string{"none": "Not started", "draft": "Draft", "submitted": "Submitted", "reviewed": "Reviewed"}

// showConsortium lists every member with its assessment in the current
// cycle: for coordinators and consortium-wide board officials.
func (s *Server) showConsortium(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	ctx := r.Context()
	p := views.ConsortiumPage{Page: s.page(w, r, v.consortium.Name, "consortium"), Name: v.consortium.Name}
	members, err := s.store.MembersOfConsortium(ctx, v.consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	cycle, err := s.store.CurrentCycle(ctx, v.consortium.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.serverError(w, r, err)
		return
	}
	var byMember map[int64]store.Assessment
	var answers map[int64][]store.Answer
	if cycle.ID != 0 {
		p.CycleName = cycle.Name
		if byMember, err = s.store.AssessmentsForCycle(ctx, cycle.ID); err != nil {
			s.serverError(w, r, err)
			return
		}
		if answers, err = s.store.AnswersForCycle(ctx, cycle.ID); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	for _, m := range members {
		row := views.MemberRow{Name: m.Name, Kind: kindLabel(m.Kind), Href: fmt.Sprintf("/members/%d", m.ID), Status: "none", Score: "–"}
		if a, ok := byMember[m.ID]; ok {
			row.Status = a.Status
			if a.Status != "draft" {
				p.Submitted++
			}
			res := assessments.Score(s.catalog, domainAnswers(answers[m.ID]), v.consortium.DefaultTarget)
			row.Completion = res.Overall.Completion()
			if res.Overall.Score.OK {
				row.Score = fmt.Sprintf("%.1f", res.Overall.Score.V)
				row.ResultsHref = fmt.Sprintf("/members/%d/cycles/%d/results", m.ID, cycle.ID)
			}
		}
		row.StatusLabel = statusLabels[row.Status]
		p.Members = append(p.Members, row)
	}
	p.Frameworks = s.frameworkLinks(ctx, "/consortium", "")
	s.render(w, r, http.StatusOK, views.ConsortiumShow(p))
}

func domainAnswers(list []store.Answer) []assessments.Answer {
	out := make([]assessments.Answer, len(list))
	for i, a := range list {
		out[i] = a.Domain()
	}
	return out
}
