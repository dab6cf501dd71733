package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"palisade/assessments"
	"palisade/pooling"
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
	cycle, err := s.store.CurrentCycle(ctx, v.consortium.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.serverError(w, r, err)
		return
	}
	// The scores come from the comparison of the cycle, cached until the
	// next write, as on the dashboards: scoring every member from its full
	// answers on each view made this the slowest page under load
	// (docs/performance.md).
	cc := cycleComparison{cycle: cycle}
	var results map[int64]*assessments.MemberRow
	if cycle.ID != 0 {
		p.CycleName = cycle.Name
		if err := s.analyse(ctx, v.consortium, &cc); err != nil {
			s.serverError(w, r, err)
			return
		}
		results = make(map[int64]*assessments.MemberRow, len(cc.cmp.Members))
		for i := range cc.cmp.Members {
			results[cc.cmp.Members[i].MemberID] = &cc.cmp.Members[i]
		}
	} else if cc.members, err = s.store.MembersOfConsortium(ctx, v.consortium.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, m := range cc.members {
		row := views.MemberRow{Name: m.Name, Kind: kindLabel(m.Kind), Href: fmt.Sprintf("/members/%d", m.ID), Status: "none", Score: "–"}
		if a, ok := cc.statuses[m.ID]; ok {
			row.Status = a.Status
			if a.Status != "draft" {
				p.Submitted++
			}
			if res, ok := results[m.ID]; ok {
				row.Completion = res.Completion
				if score := res.Result.Overall.Score; score.OK {
					row.Score = fmt.Sprintf("%.1f", score.V)
					row.ResultsHref = fmt.Sprintf("/members/%d/cycles/%d/results", m.ID, cycle.ID)
				}
			}
		}
		row.StatusLabel = statusLabels[row.Status]
		p.Members = append(p.Members, row)
	}
	if cycle.ID != 0 {
		var err error
		if p.Pooling, err = s.poolingSummary(ctx, v.consortium, cc); err != nil {
			s.serverError(w, r, err)
			return
		}
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

// poolingSummary says in one sentence what the recorded shared-service
// enrolments do to the consortium: today vs projected, for the dashboard.
func (s *Server) poolingSummary(ctx context.Context, c store.Consortium, cc cycleComparison) (string, error) {
	ps := poolingState{cc: cc}
	if err := s.fillPooling(ctx, c.ID, &ps); err != nil {
		return "", err
	}
	plan := ps.plan(false)
	if len(plan) == 0 {
		return "", nil
	}
	weights, err := s.store.WeightsOfConsortium(ctx, c.ID)
	if err != nil {
		return "", err
	}
	proj, err := pooling.Project(s.catalog, ps.members, ps.domainServices(), plan, c.DefaultTarget, weights)
	if err != nil {
		return "", err
	}
	today, after := proj.Today.Overall, proj.Projected.Overall
	return fmt.Sprintf("With the members enrolled in shared services as recorded, the lowest overall score would go from %s today to %s, and the members below the baseline from %d to %d.",
		fmtValue(today.Floor), fmtValue(after.Floor), len(today.MembersBelowBaseline), len(after.MembersBelowBaseline)), nil
}
