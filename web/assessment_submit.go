package web

import (
	"errors"
	"fmt"
	"net/http"

	"palisade/assessments"
	"palisade/store"
	"palisade/views"
)

// submitAssessment sends a complete draft to the coordinator. An incomplete
// one comes back with the list of what is missing.
func (s *Server) submitAssessment(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	v := visitOf(r)
	if !a.canEdit {
		s.render(w, r, http.StatusLocked, views.AssessmentShow(s.assessmentPage(w, r, a, "Not submitted: "+a.header().LockReason()), s.crumbs(a)))
		return
	}
	if missing := assessments.Missing(s.catalog, domainAnswers(a.domain())); len(missing) > 0 {
		msg := fmt.Sprintf("Not submitted yet: %d questions still need an answer or a \"not applicable\". They are listed below.", len(missing))
		s.render(w, r, http.StatusUnprocessableEntity, views.AssessmentShow(s.assessmentPage(w, r, a, msg), s.crumbs(a)))
		return
	}
	if n := len(a.unconfirmed(s)); n > 0 {
		msg := fmt.Sprintf("Not submitted yet: %d answers carried over from the last cycle still need to be confirmed. They are listed below.", n)
		s.render(w, r, http.StatusUnprocessableEntity, views.AssessmentShow(s.assessmentPage(w, r, a, msg), s.crumbs(a)))
		return
	}
	err := s.store.SubmitAssessment(r.Context(), v.actor(s, r), a.assessment.ID)
	if errors.Is(err, store.ErrLocked) {
		s.render(w, r, http.StatusLocked, views.AssessmentShow(s.assessmentPage(w, r, a, "Not submitted: the assessment was already submitted or its cycle closed."), s.crumbs(a)))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", "Your assessment has been submitted to the consortium coordinator. Thank you.")
	http.Redirect(w, r, a.base()+"/results", http.StatusSeeOther)
}

func (s *Server) changeStatus(w http.ResponseWriter, r *http.Request, change func(*store.Store, *http.Request, store.Actor, int64) error, done string) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	v := visitOf(r)
	if a.assessment.ID == 0 {
		s.render(w, r, http.StatusUnprocessableEntity, views.AssessmentShow(s.assessmentPage(w, r, a, "This member has not started the assessment."), s.crumbs(a)))
		return
	}
	err := change(s.store, r, v.actor(s, r), a.assessment.ID)
	if errors.Is(err, store.ErrLocked) {
		s.render(w, r, http.StatusConflict, views.AssessmentShow(s.assessmentPage(w, r, a,
			"Nothing changed: the assessment is not in a state that allows this (it may have changed meanwhile, or its cycle is closed)."), s.crumbs(a)))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", done)
	http.Redirect(w, r, a.base(), http.StatusSeeOther)
}

func (s *Server) reviewAssessment(w http.ResponseWriter, r *http.Request) {
	s.changeStatus(w, r, func(st *store.Store, r *http.Request, act store.Actor, id int64) error {
		return st.ReviewAssessment(r.Context(), act, id)
	}, "The assessment is marked as reviewed.")
}

func (s *Server) reopenAssessment(w http.ResponseWriter, r *http.Request) {
	s.changeStatus(w, r, func(st *store.Store, r *http.Request, act store.Actor, id int64) error {
		return st.ReopenAssessment(r.Context(), act, id)
	}, "The assessment is open again for its IT lead to correct.")
}
