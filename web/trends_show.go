package web

import (
	"fmt"
	"net/http"
	"slices"

	"palisade/assessments"
	"palisade/store"
	"palisade/views"
)

// cyclesOldestFirst analyses every cycle of the consortium (each cached
// until the next write), oldest first.
func (s *Server) cyclesOldestFirst(r *http.Request, c store.Consortium) ([]cycleComparison, error) {
	cycles, err := s.store.CyclesOfConsortium(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	slices.Reverse(cycles)
	out := make([]cycleComparison, len(cycles))
	for i, cy := range cycles {
		out[i].cycle = cy
		if err := s.analyse(r.Context(), c, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// showMemberTrends: a member's function scores across cycles, and the
// questions that moved most between its last two assessed cycles.
func (s *Server) showMemberTrends(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	all, err := s.cyclesOldestFirst(r, v.consortium)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	me := v.member
	p := views.TrendsPage{Page: s.page(w, r, "Trends: "+me.Name, navKeyFor(v.grants, me.ID)), Heading: "Trends: " + me.Name,
		Lede: "Average level per function in each cycle. Gaps in a line are cycles without answers there."}
	series := make([]views.ScoreSeries, len(s.catalog.Functions)+1)
	for i, f := range s.catalog.Functions {
		series[i].Name = f.Name
		p.Columns = append(p.Columns, f.Name)
	}
	series[len(series)-1].Name = "Overall"
	p.Columns = append(p.Columns, "Overall")
	var names []string
	var assessed []int // indexes of cycles where the member answered
	for ci, cc := range all {
		names = append(names, cc.cycle.Name)
		res := assessments.Score(s.catalog, cc.answers[me.ID], v.consortium.DefaultTarget)
		row := views.TrendRow{Cycle: cc.cycle.Name}
		for i, fr := range res.Functions {
			series[i].Values, series[i].OK = append(series[i].Values, fr.Score.V), append(series[i].OK, fr.Score.OK)
			row.Values = append(row.Values, fmtValue(fr.Score))
		}
		last := len(series) - 1
		series[last].Values, series[last].OK = append(series[last].Values, res.Overall.Score.V), append(series[last].OK, res.Overall.Score.OK)
		row.Values = append(row.Values, fmtValue(res.Overall.Score))
		p.Rows = append(p.Rows, row)
		if res.Overall.Score.OK {
			assessed = append(assessed, ci)
		}
	}
	p.Chart = views.LineChart("member-trend", "Line chart of "+me.Name+"'s average level per function in each cycle.", names, s.scale.Max, series...)
	if n := len(assessed); n >= 2 {
		before, after := all[assessed[n-2]], all[assessed[n-1]]
		p.Since = before.cycle.Name + " to " + after.cycle.Name
		for _, c := range assessments.Changes(s.catalog, before.answers[me.ID], after.answers[me.ID]) {
			sub, _ := s.catalog.Subcategory(c.SubcategoryID)
			row := views.ChangeRow{ID: c.SubcategoryID, Question: sub.Question, Before: c.Before, After: c.After}
			if c.Delta > 0 && len(p.Improved) < 10 {
				p.Improved = append(p.Improved, row)
			} else if c.Delta < 0 && len(p.Regressed) < 10 {
				p.Regressed = append(p.Regressed, row)
			}
		}
	}
	s.render(w, r, http.StatusOK, views.TrendsShow(p, []views.Crumb{{Href: fmt.Sprintf("/members/%d", me.ID), Label: me.Name}, {Label: "Trends"}}))
}

// showConsortiumTrends: the consortium's median and floor across cycles.
func (s *Server) showConsortiumTrends(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	all, err := s.cyclesOldestFirst(r, v.consortium)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := views.TrendsPage{Page: s.page(w, r, "Trends", "trends"), Heading: "Consortium trends",
		Lede:    "The middle member's overall level (median) and the lowest member's (the floor) in each cycle, against the baseline. The table adds each function's median.",
		Columns: []string{"Median", "Floor", "Members assessed"}}
	for _, f := range s.catalog.Functions {
		p.Columns = append(p.Columns, f.Name+" median")
	}
	median := views.ScoreSeries{Name: "Median member"}
	floor := views.ScoreSeries{Name: "Lowest member (floor)"}
	baseline := views.ScoreSeries{Name: "Baseline"}
	var names []string
	for _, cc := range all {
		o := cc.cmp.Overall
		names = append(names, cc.cycle.Name)
		median.Values, median.OK = append(median.Values, o.Median), append(median.OK, o.OK())
		floor.Values, floor.OK = append(floor.Values, o.Min), append(floor.OK, o.OK())
		baseline.Values, baseline.OK = append(baseline.Values, float64(v.consortium.DefaultTarget)), append(baseline.OK, true)
		row := views.TrendRow{Cycle: cc.cycle.Name, Values: []string{fmtStat(o, o.Median), fmtStat(o, o.Min), fmt.Sprint(o.Count)}}
		for _, f := range cc.cmp.Functions {
			row.Values = append(row.Values, fmtStat(f.Stats, f.Median))
		}
		p.Rows = append(p.Rows, row)
	}
	p.Chart = views.LineChart("consortium-trend", "Line chart of the median and the lowest member's overall level in each cycle, with the baseline.", names, s.scale.Max, median, floor, baseline)
	s.render(w, r, http.StatusOK, views.TrendsShow(p, nil))
}
