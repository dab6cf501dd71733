package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"palisade/pooling"
	"palisade/views"
)

// Choices of the optimiser form for each service.
const (
	choiceMay     = "may"
	choicePin     = "pin"
	choiceExclude = "exclude"
)

// showPooling is the plan page: the consortium today and as projected with
// every recorded enrolment, then, when asked (?plan=1&budget=...), the
// optimiser's best plans within a budget, with services pinned or left
// out. It only reads, so it is a GET a coordinator can bookmark.
func (s *Server) showPooling(w http.ResponseWriter, r *http.Request) {
	ps, ok := s.loadPooling(w, r)
	if !ok {
		return
	}
	v := visitOf(r)
	ctx := r.Context()
	weights, err := s.store.WeightsOfConsortium(ctx, v.consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	services := ps.domainServices()
	plan := ps.plan(false)
	proj, err := pooling.Project(s.catalog, ps.members, services, plan, v.consortium.DefaultTarget, weights)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := views.PoolingPage{Page: s.page(w, r, "Pooled services plan", "pooling"), CycleName: ps.cc.cycle.Name, CycleID: ps.cc.cycle.ID, Cycles: ps.cc.cycleOptions(),
		Baseline: proj.Baseline, Rows: s.projectionRows(proj), GapToday: fmt.Sprint(proj.Today.Gap), GapAfter: fmt.Sprint(proj.Projected.Gap)}

	var planCost int64
	for _, st := range ps.services {
		enrolled := ps.enrolled(st.ID)
		if len(enrolled) == 0 {
			continue
		}
		cost := st.Domain().Cost.For(enrolled)
		planCost += cost
		p.InPlan = append(p.InPlan, views.PlanServiceRow{Name: st.Name, Href: fmt.Sprintf("/consortium/services/%d", st.ID),
			Status: statusLabel(st.Status), Cost: money(cost), Members: len(enrolled)})
	}
	p.PlanCost = money(planCost)

	names := []string{"Overall"}
	today := views.ScoreSeries{Name: "Lowest member today"}
	after := views.ScoreSeries{Name: "Lowest member with the plan"}
	add := func(t, a pooling.Figures) {
		today.Values, today.OK = append(today.Values, t.Floor.V), append(today.OK, t.Floor.OK)
		after.Values, after.OK = append(after.Values, a.Floor.V), append(after.OK, a.Floor.OK)
	}
	add(proj.Today.Overall, proj.Projected.Overall)
	for i := range proj.Today.Functions {
		names = append(names, proj.Today.Functions[i].Name)
		add(proj.Today.Functions[i], proj.Projected.Functions[i])
	}
	p.Chart = views.BarChart("pooling-floor", "Bar chart of the lowest member score overall and per function, today and with the recorded plan.",
		names, s.scale.Max, today, after)

	s.optimiserForm(r, &p, ps, planCost)
	if p.Ran && p.OptError == "" {
		s.runOptimiser(r, &p, ps, services, weights)
	}
	s.render(w, r, http.StatusOK, views.PoolingShow(p))
}

// optimiserForm fills the optimiser's form from the query: the budget
// (default: what the recorded plan costs, or $50,000 when there is none)
// and what to do with each service.
func (s *Server) optimiserForm(r *http.Request, p *views.PoolingPage, ps poolingState, planCost int64) {
	q := r.URL.Query()
	p.Ran = q.Get("plan") == "1"
	budget := q.Get("budget")
	if budget == "" {
		if planCost == 0 {
			planCost = 50_000_00
		}
		budget = centsText(planCost)
	}
	p.Budget = views.Field{ID: "budget", Name: "budget", Label: "Budget a year, in dollars", Value: budget, InputMode: "decimal", MaxLength: 20,
		Hint: "Pinned services count against it."}
	for _, st := range ps.services {
		choice := q.Get("choice-" + st.Key)
		if choice == "" {
			choice = choiceMay
		}
		p.Choices = append(p.Choices, views.PlanChoiceField{Key: st.Key, Name: st.Name, Options: optionsWith([]views.Option{
			{Value: choiceMay, Label: "May be chosen"}, {Value: choicePin, Label: "Must be in every plan"}, {Value: choiceExclude, Label: "Leave out"}}, choice)})
	}
}

// runOptimiser asks the domain for plans and words them.
func (s *Server) runOptimiser(r *http.Request, p *views.PoolingPage, ps poolingState, services []pooling.Service, weights map[string]int) {
	v := visitOf(r)
	budget, ok := parseDollars(p.Budget.Value)
	if !ok || budget < 0 || budget > maxDollars*100 {
		p.Budget.Error = "Enter the budget in dollars, like 40000 or 40,000.00."
		p.OptError = "The plans were not computed. Check the budget."
		return
	}
	opt := pooling.Options{Budget: budget, Baseline: v.consortium.DefaultTarget, Weights: weights}
	for _, c := range p.Choices {
		switch r.URL.Query().Get("choice-" + c.Key) {
		case choicePin:
			opt.Pinned = append(opt.Pinned, c.Key)
		case choiceExclude:
			opt.Excluded = append(opt.Excluded, c.Key)
		}
	}
	names := map[string]string{}
	for _, sv := range services {
		names[sv.Key] = sv.Name
	}
	plans, err := pooling.Optimise(s.catalog, ps.members, services, opt)
	var over *pooling.OverBudgetError
	switch {
	case errors.As(err, &over):
		var parts []string
		for _, c := range over.Pinned {
			parts = append(parts, names[c.ServiceKey]+" "+money(c.Cost))
		}
		p.Budget.Error = fmt.Sprintf("The services that must be in every plan cost %s a year (%s), more than this budget.", money(over.Total), strings.Join(parts, ", "))
		p.OptError = "The plans were not computed: raise the budget or let fewer services be pinned."
		return
	case err != nil:
		s.log.Error("optimise", "err", err)
		p.OptError = "The plans could not be computed from these choices. Check the budget and the services to consider, then try again."
		return
	}
	for i, plan := range plans {
		row := views.PlanRow{Rank: i + 1, Cost: money(plan.Cost), MembersHelped: fmt.Sprint(plan.MembersHelped),
			FloorBefore: fmtValue(plan.FloorBefore), FloorAfter: fmtValue(plan.FloorAfter),
			BelowBefore: fmt.Sprint(plan.BelowBaselineBefore), BelowAfter: fmt.Sprint(plan.BelowBaselineAfter),
			GapReduced: fmt.Sprint(plan.GapReduced()), CostPerMember: "–"}
		if plan.MembersHelped > 0 {
			row.CostPerMember = money(plan.Cost / int64(plan.MembersHelped))
		}
		for _, c := range plan.Choices {
			var who []string
			for _, id := range c.Members {
				who = append(who, memberName(ps.members, id))
			}
			step := views.PlanStep{Name: names[c.ServiceKey], Cost: money(c.Cost), Members: strings.Join(who, ", "), GapReduced: fmt.Sprint(c.GapReduced)}
			if c.Pinned {
				step.Name += " (pinned)"
			}
			row.Services = append(row.Services, step)
		}
		p.Plans = append(p.Plans, row)
	}
}
