package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"palisade/accounts"
	"palisade/store"
	"palisade/views"
)

// assessmentContext is what every assessment page loads: the member (from
// the guard), the cycle in the URL, the assessment and its answers.
type assessmentContext struct {
	member     store.Member
	consortium store.Consortium
	cycle      store.Cycle
	assessment store.Assessment // ID 0 when the member has not started
	answers    map[string]store.Answer
	canEdit    bool // the viewer is the member's IT lead and answers may change
	// providedBy lists, per subcategory, the consortium's active services
	// the member takes that cover it ("Shared MFA service, level 6").
	providedBy map[string][]string
	isEditor   bool // the viewer is the member's IT lead
}

func (a assessmentContext) base() string {
	return fmt.Sprintf("/members/%d/cycles/%d", a.member.ID, a.cycle.ID)
}

func (a assessmentContext) header() views.AssessmentHeader {
	return views.AssessmentHeader{MemberName: a.member.Name, MemberKind: kindLabel(a.member.Kind), CycleName: a.cycle.Name,
		CycleOpen: a.cycle.Open(), Status: a.statusOrDraft(), Base: a.base(), CanEdit: a.canEdit,
		Trends: fmt.Sprintf("/members/%d/trends", a.member.ID)}
}

func (a assessmentContext) statusOrDraft() string {
	if a.assessment.Status == "" {
		return "draft"
	}
	return a.assessment.Status
}

// loadAssessment resolves the cycle of the URL within the member's
// consortium. An IT lead's first visit to an open cycle starts the draft;
// other viewers only read what exists, so looking never creates records.
func (s *Server) loadAssessment(w http.ResponseWriter, r *http.Request) (assessmentContext, bool) {
	v := visitOf(r)
	ctx := r.Context()
	a := assessmentContext{member: v.member, consortium: v.consortium}
	cycleID, err := strconv.ParseInt(chi.URLParam(r, "cycle"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return a, false
	}
	a.cycle, err = s.store.CycleByID(ctx, cycleID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && a.cycle.ConsortiumID != v.member.ConsortiumID) {
		s.notFound(w, r)
		return a, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return a, false
	}
	a.isEditor = accounts.CanEditMember(v.grants, v.member.ConsortiumID, v.member.ID)
	if a.isEditor && a.cycle.Open() {
		a.assessment, err = s.store.AssessmentFor(ctx, v.member.ID, a.cycle.ID)
	} else {
		a.assessment, err = s.store.AssessmentOf(ctx, v.member.ID, a.cycle.ID)
		if errors.Is(err, store.ErrNotFound) {
			err = nil
		}
	}
	if err != nil {
		s.serverError(w, r, err)
		return a, false
	}
	a.answers = map[string]store.Answer{}
	if a.assessment.ID != 0 {
		if a.answers, err = s.store.AnswersForAssessment(ctx, a.assessment.ID); err != nil {
			s.serverError(w, r, err)
			return a, false
		}
	}
	a.canEdit = a.isEditor && a.cycle.Open() && a.assessment.Status == "draft"
	services, err := s.store.ActiveServicesOfMember(ctx, a.member.ID)
	if err != nil {
		s.serverError(w, r, err)
		return a, false
	}
	a.providedBy = map[string][]string{}
	for _, st := range services {
		for _, l := range st.Lifts {
			a.providedBy[l.SubcategoryID] = append(a.providedBy[l.SubcategoryID], fmt.Sprintf("%s (level %d)", st.Name, l.Level))
		}
	}
	return a, true
}

func (a assessmentContext) domain() []store.Answer {
	out := make([]store.Answer, 0, len(a.answers))
	for _, x := range a.answers {
		out = append(out, x)
	}
	return out
}

// showMember opens the member's assessment in the current cycle.
func (s *Server) showMember(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	c, err := s.store.CurrentCycle(r.Context(), v.member.ConsortiumID)
	if errors.Is(err, store.ErrNotFound) {
		s.renderError(w, r, http.StatusNotFound, "No assessment cycle has been opened yet. Your consortium coordinator opens one when assessments start.")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/members/%d/cycles/%d", v.member.ID, c.ID), http.StatusSeeOther)
}

func (s *Server) crumbs(a assessmentContext, last ...views.Crumb) []views.Crumb {
	c := []views.Crumb{{Href: a.base(), Label: a.member.Name + ", " + a.cycle.Name}}
	return append(c, last...)
}

// unconfirmed lists, in catalog order, the answers carried over from the
// last cycle that nobody has confirmed yet.
func (a assessmentContext) unconfirmed(s *Server) []string {
	var out []string
	for _, sub := range s.catalog.Subcategories() {
		if a.answers[sub.ID].CarriedOver {
			out = append(out, sub.ID)
		}
	}
	return out
}
