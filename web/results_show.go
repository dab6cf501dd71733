package web

import (
	"fmt"
	"net/http"

	"palisade/assessments"
	"palisade/views"
)

// showResults shows a member's scores against targets, the largest gaps and
// a chart of function scores.
func (s *Server) showResults(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	v := visitOf(r)
	answers := domainAnswers(a.domain())
	res := assessments.Score(s.catalog, answers, a.consortium.DefaultTarget)
	p := views.ResultsPage{Page: s.page(w, r, "Results: "+a.member.Name, navKeyFor(v.grants, a.member.ID)), Header: a.header(),
		Overall: scoreRow(res.Overall, ""), ScaleName: s.scale.Name, Baseline: s.scale.RecommendedMinimum, Unanswered: res.Overall.Unanswered()}
	var names []string
	scores := views.ScoreSeries{Name: "Score"}
	targets := views.ScoreSeries{Name: "Target"}
	for i, f := range s.catalog.Functions {
		fr := res.Functions[i]
		row := views.FunctionScores{ScoreRow: scoreRow(fr.Summary, "")}
		for _, c := range fr.Categories {
			row.Categories = append(row.Categories, scoreRow(c, a.base()+"/categories/"+c.ID))
		}
		p.Functions = append(p.Functions, row)
		names = append(names, f.Name)
		scores.Values, scores.OK = append(scores.Values, fr.Score.V), append(scores.OK, fr.Score.OK)
		targets.Values, targets.OK = append(targets.Values, fr.Target.V), append(targets.OK, fr.Target.OK)
	}
	p.Chart = views.BarChart("function-scores", fmt.Sprintf("Bar chart of %s's average maturity per function beside its target, on a scale of %d to %d.",
		a.member.Name, s.scale.Min, s.scale.Max), names, s.scale.Max, scores, targets)
	gaps := assessments.Gaps(s.catalog, answers, a.consortium.DefaultTarget)
	if len(gaps) > 10 {
		gaps = gaps[:10]
	}
	for _, g := range gaps {
		sub, _ := s.catalog.Subcategory(g.SubcategoryID)
		p.Gaps = append(p.Gaps, views.GapRow{ID: g.SubcategoryID, Question: sub.Question, Href: a.base() + "/categories/" + g.CategoryID + "#" + formID(g.SubcategoryID),
			CurrentLevel: s.scale.Level(g.Current), Current: g.Current, Target: g.Target, Gap: g.Gap, Weight: g.Weight})
	}
	p.Frameworks = s.frameworkLinks(r.Context(), a.base(), "")
	s.render(w, r, http.StatusOK, views.ResultsShow(p, s.crumbs(a, views.Crumb{Label: "Results"})))
}

func scoreRow(sm assessments.Summary, href string) views.ScoreRow {
	return views.ScoreRow{ID: sm.ID, Name: sm.Name, Href: href, Score: sm.Score.V, Target: sm.Target.V, Scored: sm.Score.OK, Gap: sm.Gap.V,
		Completion: sm.Completion(), Answered: sm.Answered, Total: sm.Total}
}
