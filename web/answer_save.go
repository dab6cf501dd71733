package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"palisade/assessments"
	"palisade/frameworks"
	"palisade/store"
	"palisade/views"
)

// saveAnswer stores one answer. It serves both the plain form POST (the page
// comes back, with the person's values and messages when refused) and the
// background saves of static/autosave.js (JSON). Nothing is partly saved:
// the answer is checked whole, then written in one transaction with its
// audit row, and only if nobody saved in between.
func (s *Server) saveAnswer(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	v := visitOf(r)
	sub, ok := s.catalog.Subcategory(chi.URLParam(r, "subcategory"))
	if !ok {
		msg := "There is no such question in " + s.catalog.Name + " " + s.catalog.Version + ". Nothing was saved."
		if wantsJSON(r) {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"ok": false, "message": msg, "errors": map[string]string{"subcategory": msg}})
			return
		}
		s.renderError(w, r, http.StatusNotFound, msg)
		return
	}
	cat, _ := s.catalog.Category(sub.CategoryID)
	f := r.PostForm
	in := assessments.AnswerInput{SubcategoryID: sub.ID, Choice: f.Get("choice"), Target: f.Get("target"), NotApplicable: f.Get("na") == "1",
		Justification: f.Get("justification"), AcceptedBy: f.Get("accepted_by"), Acceptance: f.Get("acceptance"), Notes: f.Get("notes"), Evidence: f.Get("evidence")}
	typed := views.AnswerValues{Choice: in.Choice, Target: in.Target, NotApplicable: in.NotApplicable, Justification: in.Justification,
		AcceptedBy: in.AcceptedBy, Acceptance: in.Acceptance, Notes: in.Notes, Evidence: in.Evidence}
	base, err := strconv.Atoi(f.Get("version"))
	if err != nil || base < 0 {
		s.refuseAnswer(w, r, a, cat, sub.ID, typed, http.StatusBadRequest, "The form is missing its version number. Reload the page; nothing was saved.", nil)
		return
	}
	typed.Version = base
	if !a.canEdit {
		msg := "Nothing was saved: " + a.header().LockReason()
		s.refuseAnswer(w, r, a, cat, sub.ID, typed, http.StatusLocked, msg, nil)
		return
	}
	checked, errs := assessments.CheckAnswer(s.catalog, s.scale, in, a.consortium.DefaultTarget)
	if len(errs) > 0 {
		s.refuseAnswer(w, r, a, cat, sub.ID, typed, http.StatusUnprocessableEntity, "Not saved: please correct the answers marked below.", errs)
		return
	}
	saved, err := s.store.SaveAnswer(r.Context(), v.actor(s, r), s.answerToStore(a, checked, v.user.Email), base)
	var conflict *store.ConflictError
	switch {
	case errors.As(err, &conflict) && conflict.Current.Version == 0:
		// A version for an answer nobody saved: a tampered or outdated form,
		// not someone else's edit. The form comes back based on "no answer".
		typed.Version = 0
		s.refuseAnswer(w, r, a, cat, sub.ID, typed, http.StatusBadRequest, "The form's version number does not match this question. Reload the page; nothing was saved.", nil)
		return
	case errors.As(err, &conflict):
		s.answerConflict(w, r, a, cat, sub.ID, typed, conflict.Current)
		return
	case errors.Is(err, store.ErrLocked):
		s.refuseAnswer(w, r, a, cat, sub.ID, typed, http.StatusLocked, "Nothing was saved: this assessment can no longer be changed (it was submitted or its cycle closed).", nil)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "version": saved.Version, "saved_at": saved.AnsweredAt.UTC().Format("15:04") + " UTC", "message": "Saved"})
		return
	}
	http.Redirect(w, r, a.base()+"/categories/"+cat.ID+"?saved="+sub.ID+"#"+formID(sub.ID), http.StatusSeeOther)
}

// refuseAnswer answers a save that was not made: JSON for background saves,
// otherwise the category page with this question's typed values and the
// messages next to its fields.
func (s *Server) refuseAnswer(w http.ResponseWriter, r *http.Request, a assessmentContext, cat *frameworks.Category, subID string, typed views.AnswerValues, status int, msg string, errs map[string]string) {
	if wantsJSON(r) {
		writeJSON(w, status, map[string]any{"ok": false, "message": msg, "errors": errs})
		return
	}
	sub, _ := s.catalog.Subcategory(subID)
	q := s.questionForm(a, *sub)
	q.Values, q.Errors, q.Message = typed, errs, msg
	if q.Errors == nil {
		q.Errors = map[string]string{"subcategory": msg}
	}
	q.LastSaved = lastSaved(a.answers[subID])
	s.render(w, r, status, views.CategoryShow(s.categoryPage(w, r, a, cat, &q), s.crumbs(a, views.Crumb{Label: cat.Name})))
}

// answerConflict shows both answers when someone else saved first. The form
// keeps the person's own values with the other version as its base, so
// pressing save again keeps theirs deliberately; reloading keeps the other.
func (s *Server) answerConflict(w http.ResponseWriter, r *http.Request, a assessmentContext, cat *frameworks.Category, subID string, typed views.AnswerValues, cur store.Answer) {
	msg := "Not saved: " + cur.AnsweredBy + " saved this answer while you were editing it. Compare the two below and keep either."
	if wantsJSON(r) {
		writeJSON(w, http.StatusConflict, map[string]any{"ok": false, "conflict": true, "message": msg, "version": cur.Version,
			"theirs": map[string]any{"by": cur.AnsweredBy, "choice": cur.Choice, "target": cur.Target, "not_applicable": cur.NotApplicable, "notes": cur.Notes}})
		return
	}
	sub, _ := s.catalog.Subcategory(subID)
	q := s.questionForm(a, *sub)
	typed.Version = cur.Version
	q.Values, q.Message = typed, msg
	q.LastSaved = lastSaved(cur)
	q.Conflict = &views.Conflict{TheirsBy: cur.AnsweredBy, TheirsAt: cur.AnsweredAt.UTC().Format("2 Jan 2006 15:04") + " UTC",
		ReloadHref: a.base() + "/categories/" + cat.ID + "#" + formID(subID), Theirs: valuesOf(cur),
		TheirsLevel: s.levelName(cur.Choice), MineLevel: s.levelName(typed.Choice)}
	s.render(w, r, http.StatusConflict, views.CategoryShow(s.categoryPage(w, r, a, cat, &q), s.crumbs(a, views.Crumb{Label: cat.Name})))
}

func (s *Server) levelName(choice string) string {
	if c, ok := s.scale.Choice(choice); ok {
		return strconv.Itoa(c.Score) + " · " + c.Name
	}
	return ""
}

// answerToStore is a checked answer as the store keeps it, made on this
// scale by this person.
func (s *Server) answerToStore(a assessmentContext, c assessments.CheckedAnswer, by string) store.Answer {
	return store.Answer{AssessmentID: a.assessment.ID, SubcategoryID: c.SubcategoryID, Choice: c.Choice, Score: c.Score, Target: c.Target,
		NotApplicable: c.NotApplicable, Justification: c.Justification, AcceptedBy: c.AcceptedBy, Acceptance: c.Acceptance,
		Notes: c.Notes, Evidence: c.Evidence, ScaleID: s.scale.ID, ScaleVersion: s.scale.Version, AnsweredBy: by}
}
