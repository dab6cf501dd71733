package web

import (
	"fmt"
	"net/http"

	"palisade/accounts"
	"palisade/assessments"
	"palisade/views"
)

func (s *Server) assessmentPage(w http.ResponseWriter, r *http.Request, a assessmentContext, errMsg string) views.AssessmentPage {
	res := assessments.Score(s.catalog, domainAnswers(a.domain()), a.consortium.DefaultTarget)
	v := visitOf(r)
	p := views.AssessmentPage{Page: s.page(w, r, "Self-assessment: "+a.member.Name, navKeyFor(v.grants, a.member.ID)), Header: a.header(),
		Answered: res.Overall.Answered, NA: res.Overall.NotApplicable, Total: res.Overall.Total, Completion: res.Overall.Completion(),
		CanSubmit: a.isEditor, Error: errMsg,
		CanReview: accounts.CanReview(v.grants, a.member.ConsortiumID) && a.cycle.Open() && a.assessment.ID != 0}
	for i, f := range s.catalog.Functions {
		fr := res.Functions[i]
		fp := views.FunctionProgress{ID: f.ID, Name: f.Name, Summary: f.Summary, Done: fr.Answered + fr.NotApplicable, Total: fr.Total,
			Completion: fr.Completion()}
		for j, c := range f.Categories {
			cr := fr.Categories[j]
			fp.Categories = append(fp.Categories, views.CategoryProgress{ID: c.ID, Name: c.Name, Href: a.base() + "/categories/" + c.ID,
				Done: cr.Answered + cr.NotApplicable, Total: cr.Total, Completion: cr.Completion()})
		}
		p.Functions = append(p.Functions, fp)
	}
	for _, id := range a.unconfirmed(s) {
		sub, _ := s.catalog.Subcategory(id)
		p.Unconfirmed = append(p.Unconfirmed, views.MissingQuestion{ID: id, Question: sub.Question,
			Href: fmt.Sprintf("%s/categories/%s#%s", a.base(), sub.CategoryID, formID(id))})
	}
	for _, id := range assessments.Missing(s.catalog, domainAnswers(a.domain())) {
		sub, _ := s.catalog.Subcategory(id)
		p.Missing = append(p.Missing, views.MissingQuestion{ID: id, Question: sub.Question,
			Href: fmt.Sprintf("%s/categories/%s#%s", a.base(), sub.CategoryID, formID(id))})
	}
	return p
}

// navKeyFor marks the navigation entry of a member page: the IT lead's own
// assessment, or a board official's own results.
func navKeyFor(grants []accounts.Grant, memberID int64) string {
	for _, g := range grants {
		if g.MemberID == memberID && g.Role == accounts.ITLead {
			return "assessment"
		}
		if g.MemberID == memberID && g.Role == accounts.Board {
			return "member"
		}
	}
	return "consortium"
}

func (s *Server) showAssessment(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, views.AssessmentShow(s.assessmentPage(w, r, a, ""), s.crumbs(a)))
}
