package web

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"palisade/briefings"
	"palisade/pooling"
	"palisade/store"
)

// Risk pooling in the board briefings (docs/briefings.md): the consortium
// briefing's recommended pooled services and the member briefing's shared
// services and tabletop exercises. The figures come from the pooling
// domain exactly as on the plan, service and member-services pages; the
// briefings package only words them.
//
// Errors of the domain (a sharing rule with nothing to divide by, say) do
// not fail a briefing: the share is printed "Not yet set", or the part
// that cannot be worked out is left out and the error logged. Errors of
// the store do fail it, as for the rest of the briefing.

// briefingPooling loads the consortium's services and enrolments for the
// cycle of cc.
func (s *Server) briefingPooling(ctx context.Context, consortiumID int64, cc cycleComparison) (poolingState, error) {
	ps := poolingState{cc: cc}
	if err := s.fillPooling(ctx, consortiumID, &ps); err != nil {
		return ps, err
	}
	return ps, nil
}

// consortiumPooling is the consortium briefing's pooled-services section,
// nil when the consortium has no service.
//
// The recommended plan is pooling.Optimise's first plan over every service
// (proposed and active), with the members and answers of the cycle, the
// consortium's default target as baseline and its weights. Its budget is
// what the services members are enrolled in today cost (as on the plan
// page); when that is nothing (nobody enrolled, or only in free
// services), no budget limit is set: the plan then buys every service
// that closes some gap, each only for the members it helps, which is the
// cheapest way the optimiser finds to close the most of the gap.
func (s *Server) consortiumPooling(ps poolingState, baseline int, weights map[string]int) *briefings.ConsortiumPooling {
	if len(ps.services) == 0 {
		return nil
	}
	if len(weights) == 0 {
		weights = nil
	}
	services := ps.domainServices()
	byKey := map[string]store.Service{}
	for _, st := range ps.services {
		byKey[st.Key] = st
	}
	p := &briefings.ConsortiumPooling{}
	for _, st := range ps.services {
		enrolled := ps.enrolled(st.ID)
		if len(enrolled) == 0 {
			continue
		}
		cost := st.Domain().Cost.For(enrolled)
		p.Recorded = append(p.Recorded, briefings.PooledService{Name: st.Name, Status: st.Status, Members: len(enrolled), Cost: cost})
		p.RecordedCost += cost
	}

	budget := p.RecordedCost
	if budget > 0 {
		p.Budget = budget
		p.BudgetNote = "It is what the services the members are enrolled in today cost, so the plan shows what the same money could do."
	} else {
		// No limit: every service for every member costs at least as much
		// as any plan, since costs only grow with the members enrolled.
		for _, svc := range services {
			budget = addCapped(budget, svc.Cost.For(ps.members))
		}
		p.BudgetNote = "No member is enrolled in a paid service yet, so no budget limit was set: this is the plan that closes the most of the gap, each service bought only for the members it helps."
	}
	plans, err := pooling.Optimise(s.catalog, ps.members, services, pooling.Options{Budget: budget, Baseline: baseline, Weights: weights})
	if err != nil || len(plans) == 0 {
		s.log.Warn("briefing: recommended plan left out", "err", err)
		return nil
	}
	top := plans[0] // the best of the plans, as first on the plan page
	for _, c := range top.Choices {
		st := byKey[c.ServiceKey]
		p.Plan = append(p.Plan, briefings.PooledService{Name: st.Name, Status: st.Status, Members: len(c.Members), Cost: c.Cost})
	}
	p.TotalCost, p.MembersHelped = top.Cost, top.MembersHelped
	if top.MembersHelped > 0 {
		p.CostPerMember = top.Cost / int64(top.MembersHelped) // as on the plan page
	}
	p.FloorBefore, p.FloorAfter = top.FloorBefore, top.FloorAfter
	p.BelowBefore, p.BelowAfter = top.BelowBaselineBefore, top.BelowBaselineAfter
	p.AnswersBelowBefore, p.AnswersBelowAfter = top.PairsBelowBefore, top.PairsBelowAfter

	if len(p.Recorded) > 0 {
		proj, err := pooling.Project(s.catalog, ps.members, services, ps.plan(false), baseline, weights)
		if err != nil {
			s.log.Warn("briefing: projection of the recorded plan left out", "err", err)
			return p
		}
		row := func(name string, today, after pooling.Figures) briefings.PoolingRow {
			return briefings.PoolingRow{Name: name, FloorToday: today.Floor, FloorProjected: after.Floor,
				MedianToday: today.Median, MedianProjected: after.Median,
				BelowToday: len(today.MembersBelowBaseline), BelowProjected: len(after.MembersBelowBaseline)}
		}
		for i := range proj.Today.Functions {
			p.Projection = append(p.Projection, row(proj.Today.Functions[i].Name, proj.Today.Functions[i], proj.Projected.Functions[i]))
		}
		p.Projection = append(p.Projection, row("Overall", proj.Today.Overall, proj.Projected.Overall))
	}
	return p
}

// addCapped adds non-negative cents without overflowing.
func addCapped(a, b int64) int64 {
	if b > 0 && a > 1<<62-b {
		return 1 << 62
	}
	return a + b
}

// memberPooling is the member briefing's shared-services section, nil when
// the consortium has no service. Only this member's own shares are given.
func (s *Server) memberPooling(ps poolingState, memberID int64, baseline int) *briefings.MemberServices {
	if len(ps.services) == 0 {
		return nil
	}
	if baseline <= 0 {
		baseline = pooling.DefaultBaseline
	}
	i := slices.IndexFunc(ps.members, func(m pooling.Member) bool { return m.ID == memberID })
	if i < 0 {
		return nil
	}
	self := ps.members[i]
	state := map[int64]string{}
	for _, e := range ps.enrolments {
		if e.MemberID == memberID {
			state[e.ServiceID] = e.State
		}
	}
	out := &briefings.MemberServices{}
	for _, st := range ps.services {
		svc := st.Domain()
		enrolled := ps.enrolled(st.ID)
		if state[st.ID] == store.EnrolmentEnrolled {
			u := briefings.ServiceShare{Name: st.Name, Status: st.Status}
			if sh, ok := memberShare(svc, enrolled, memberID); ok {
				u.Share, u.Alone = sh.Amount, sh.Alone
				out.TotalShare += sh.Amount
			} else {
				u.ShareUnknown = true
			}
			out.Using = append(out.Using, u)
			continue
		}
		proj, err := pooling.Project(s.catalog, []pooling.Member{self}, []pooling.Service{svc}, pooling.Plan{svc.Key: {memberID}}, baseline, nil)
		if err != nil {
			s.log.Warn("briefing: service left out of the suggestions", "service", st.Key, "err", err)
			continue
		}
		var subs []string
		for _, mp := range proj.Members {
			for _, u := range mp.Uplifts {
				if u.From < baseline {
					subs = append(subs, u.SubcategoryID)
				}
			}
		}
		if len(subs) == 0 {
			continue
		}
		sg := briefings.ServiceSuggestion{Name: st.Name, Status: st.Status, Subcategories: subs, Requested: state[st.ID] == store.EnrolmentRequested}
		if sh, ok := memberShare(svc, append(slices.Clone(enrolled), self), memberID); ok {
			sg.EstimatedShare = sh.Amount
		} else {
			sg.ShareUnknown = true
		}
		out.ShouldJoin = append(out.ShouldJoin, sg)
	}
	// Those that would raise the most answers first; the store's order
	// (by name) otherwise.
	slices.SortStableFunc(out.ShouldJoin, func(a, b briefings.ServiceSuggestion) int {
		return cmp.Compare(len(b.Subcategories), len(a.Subcategories))
	})
	return out
}

// memberExercises are the tabletop exercises of a member, newest first,
// with the member's own follow-up actions still open.
func (s *Server) memberExercises(ctx context.Context, memberID int64) ([]briefings.ExerciseTaken, error) {
	list, err := s.store.ExercisesOfMember(ctx, memberID)
	if err != nil {
		return nil, fmt.Errorf("exercises for the briefing: %w", err)
	}
	out := make([]briefings.ExerciseTaken, 0, len(list))
	for _, e := range list {
		x := briefings.ExerciseTaken{Date: e.HeldOn, Title: e.Title}
		for _, f := range e.Findings {
			if f.MemberID == memberID && f.Status == store.FindingOpen {
				x.OpenFindings++
			}
		}
		out = append(out, x)
	}
	return out, nil
}
