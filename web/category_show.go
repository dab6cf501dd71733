package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"palisade/assessments"
	"palisade/frameworks"
	"palisade/store"
	"palisade/views"
)

// formID is the HTML id of a question's form, e.g. q-PR-AA-05.
func formID(subcategoryID string) string {
	return "q-" + strings.NewReplacer(".", "-").Replace(subcategoryID)
}

func valuesOf(a store.Answer) views.AnswerValues {
	t := ""
	if a.Target != 0 {
		t = strconv.Itoa(a.Target)
	}
	return views.AnswerValues{Choice: a.Choice, Target: t, NotApplicable: a.NotApplicable, Justification: a.Justification,
		AcceptedBy: a.AcceptedBy, Acceptance: a.Acceptance, Notes: a.Notes, Evidence: a.Evidence, Version: a.Version}
}

func lastSaved(a store.Answer) string {
	if a.Version == 0 {
		return ""
	}
	return "Last saved by " + a.AnsweredBy + " on " + a.AnsweredAt.UTC().Format("2 Jan 2006 at 15:04") + " UTC"
}

// categoryPage builds a category's forms from the stored answers; override
// replaces one question's form (a refused save shown with its values).
func (s *Server) categoryPage(w http.ResponseWriter, r *http.Request, a assessmentContext, cat *frameworks.Category, override *views.QuestionForm) views.CategoryPage {
	v := visitOf(r)
	fn, _ := s.functionOf(cat.FunctionID)
	p := views.CategoryPage{Page: s.page(w, r, cat.Name+" ("+cat.ID+")", navKeyFor(v.grants, a.member.ID)), Header: a.header(),
		FunctionName: fn.Name, CategoryID: cat.ID, CategoryName: cat.Name, ScaleMin: s.scale.Min, ScaleMax: s.scale.Max}
	for _, c := range s.scale.Choices {
		p.Choices = append(p.Choices, views.ChoiceView{Key: c.Key, Name: c.Name, Definition: c.Definition, Score: c.Score, RequiresAcceptance: c.RequiresAcceptance})
	}
	for _, sub := range cat.Subcategories {
		if override != nil && override.ID == sub.ID {
			p.Questions = append(p.Questions, *override)
			continue
		}
		ans := a.answers[sub.ID]
		q := s.questionForm(a, sub)
		q.Values = valuesOf(ans)
		q.LastSaved = lastSaved(ans)
		q.CarriedOver = ans.CarriedOver
		q.EvidenceLink, _ = assessments.EvidenceLink(ans.Evidence)
		p.Questions = append(p.Questions, q)
	}
	// Previous and next categories across the whole catalog, so the IT
	// lead can walk through every question in order.
	all := s.allCategories()
	for i, c := range all {
		if c.ID != cat.ID {
			continue
		}
		if i > 0 {
			p.Prev = &views.NavLink{Href: a.base() + "/categories/" + all[i-1].ID, Label: all[i-1].Name}
		}
		if i < len(all)-1 {
			p.Next = &views.NavLink{Href: a.base() + "/categories/" + all[i+1].ID, Label: all[i+1].Name}
		}
	}
	return p
}

func (s *Server) questionForm(a assessmentContext, sub frameworks.Subcategory) views.QuestionForm {
	return views.QuestionForm{ID: sub.ID, FormID: formID(sub.ID), Question: sub.Question, Hint: sub.Hint,
		Action: a.base() + "/answers/" + sub.ID, DefaultTarget: a.consortium.DefaultTarget, ProvidedBy: a.providedBy[sub.ID]}
}

func (s *Server) functionOf(id string) (frameworks.Function, bool) {
	for _, f := range s.catalog.Functions {
		if f.ID == id {
			return f, true
		}
	}
	return frameworks.Function{}, false
}

func (s *Server) allCategories() []*frameworks.Category {
	var out []*frameworks.Category
	for fi := range s.catalog.Functions {
		for ci := range s.catalog.Functions[fi].Categories {
			out = append(out, &s.catalog.Functions[fi].Categories[ci])
		}
	}
	return out
}

func (s *Server) showCategory(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	cat, ok := s.catalog.Category(chi.URLParam(r, "category"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "There is no such category in "+s.catalog.Name+" "+s.catalog.Version+".")
		return
	}
	p := s.categoryPage(w, r, a, cat, nil)
	// After a plain form save the page comes back here; say so at the
	// question that was saved (autosave says it in place instead).
	if saved := r.URL.Query().Get("saved"); saved != "" {
		for i := range p.Questions {
			if p.Questions[i].ID == saved {
				p.Questions[i].Saved = true
				p.Questions[i].Message = "Your answer has been saved."
			}
		}
	}
	s.render(w, r, http.StatusOK, views.CategoryShow(p, s.crumbs(a, views.Crumb{Label: cat.Name})))
}
