package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"palisade/pooling"
	"palisade/store"
	"palisade/views"
)

// saveEnrolments replaces who takes part in a service with the members
// ticked on its page. Every id must be a member of the consortium; one that
// is not refuses the whole form and nothing changes. The flash says what
// the change does to the consortium's floor, the question a coordinator
// asks next.
func (s *Server) saveEnrolments(w http.ResponseWriter, r *http.Request) {
	st, ok := s.serviceOfURL(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	var ids []int64
	seen := map[int64]bool{}
	for _, raw := range r.PostForm["member"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			s.renderError(w, r, http.StatusUnprocessableEntity, "The list of members could not be read; nothing was changed. Go back and try again.")
			return
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	ps, err := s.currentPooling(r.Context(), v.consortium)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var current []int64
	for _, m := range ps.enrolled(st.ID) {
		current = append(current, m.ID)
	}
	if r.PostForm.Get("base") != enrolmentStamp(current) {
		// Someone changed who takes part since this form was shown: show
		// the current enrolments marked and these ticks in the form.
		ticked := map[int64]bool{}
		for _, id := range ids {
			ticked[id] = true
		}
		p, err := s.servicePage(w, r, ps, st, ticked)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		p.EnrolError = fmt.Sprintf("Someone else changed who takes part while you were editing: %d members are enrolled now (%s). Your ticks are below and were not saved; save again to keep them.",
			len(current), memberNames(ps.members, current))
		s.render(w, r, http.StatusConflict, views.ServiceShow(p))
		return
	}
	err = s.store.SetEnrolments(r.Context(), v.actor(s, r), v.consortium.ID, st.ID, ids)
	if errors.Is(err, store.ErrNotFound) {
		s.renderError(w, r, http.StatusUnprocessableEntity, "One of the members ticked is not a member of this consortium; nothing was changed.")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	msg := fmt.Sprintf("%d members now take part in %s.", len(ids), st.Name)
	if effect := s.floorEffect(r, st); effect != "" {
		msg += " " + effect
	}
	s.setFlash(w, "success", msg)
	http.Redirect(w, r, fmt.Sprintf("/consortium/services/%d", st.ID), http.StatusSeeOther)
}

// floorEffect words the effect of the whole recorded plan on the lowest
// overall score, for the flash after an enrolment change.
func (s *Server) floorEffect(r *http.Request, st store.Service) string {
	v := visitOf(r)
	ctx := r.Context()
	ps, err := s.currentPooling(ctx, v.consortium)
	if err != nil {
		return ""
	}
	weights, _ := s.store.WeightsOfConsortium(ctx, v.consortium.ID)
	proj, err := pooling.Project(s.catalog, ps.members, ps.domainServices(), ps.plan(false), v.consortium.DefaultTarget, weights)
	if err != nil || !proj.Today.Overall.Floor.OK {
		return ""
	}
	return fmt.Sprintf("With every recorded enrolment, the lowest overall score would go from %s to %s.",
		fmtValue(proj.Today.Overall.Floor), fmtValue(proj.Projected.Overall.Floor))
}

// requestEnrolment records an IT lead's request to join a service; the
// coordinator decides on its page.
func (s *Server) requestEnrolment(w http.ResponseWriter, r *http.Request) {
	st, ok := s.serviceOfURL(w, r)
	if !ok {
		return
	}
	v := visitOf(r)
	if err := s.store.RequestEnrolment(r.Context(), v.actor(s, r), v.consortium.ID, st.ID, v.member.ID, ""); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", "Your request to join "+st.Name+" has been sent to the consortium's coordinator.")
	http.Redirect(w, r, fmt.Sprintf("/members/%d/services", v.member.ID), http.StatusSeeOther)
}

// downloadShares is a service's cost allocation as CSV.
func (s *Server) downloadShares(w http.ResponseWriter, r *http.Request) {
	st, ok := s.serviceOfURL(w, r)
	if !ok {
		return
	}
	ps, ok := s.loadPooling(w, r)
	if !ok {
		return
	}
	enrolled := ps.enrolled(st.ID)
	if len(enrolled) == 0 {
		s.renderError(w, r, http.StatusNotFound, "Nobody takes part in this service yet, so there are no shares to download.")
		return
	}
	alloc, err := pooling.SplitService(st.Domain(), enrolled)
	var noBasis *pooling.NoBasisError
	if errors.As(err, &noBasis) {
		s.renderError(w, r, http.StatusUnprocessableEntity, shareProblem(noBasis))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-shares.csv"`, st.Key))
	w.Header().Set("Cache-Control", "no-store")
	if err := pooling.WriteAllocationCSV(w, alloc); err != nil {
		s.log.Error("write shares CSV", "err", err)
	}
}

// memberNames lists members by name, "none" for nobody.
func memberNames(members []pooling.Member, ids []int64) string {
	if len(ids) == 0 {
		return "none"
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = memberName(members, id)
	}
	return strings.Join(names, ", ")
}
