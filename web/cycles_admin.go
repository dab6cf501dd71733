package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"palisade/store"
	"palisade/views"
)

func (s *Server) cyclesPage(w http.ResponseWriter, r *http.Request, name, errMsg, formErr string) (views.CyclesPage, error) {
	v := visitOf(r)
	cycles, err := s.store.CyclesOfConsortium(r.Context(), v.consortium.ID)
	if err != nil {
		return views.CyclesPage{}, err
	}
	if name == "" && errMsg == "" {
		name = defaultCycleName(s.now())
	}
	p := views.CyclesPage{Page: s.page(w, r, "Assessment cycles", "cycles"), Error: formErr, OpenOK: true,
		Name: views.Field{ID: "name", Name: "name", Label: "Name of the new cycle", Value: name, MaxLength: 60, Hint: "For example: FY2027", Error: errMsg}}
	for _, c := range cycles {
		row := views.CycleRow{Name: c.Name, Status: c.Status, StatusLabel: "Closed", Opened: c.OpenedAt.Format("2 Jan 2006")}
		if !c.ClosedAt.IsZero() {
			row.Closed = c.ClosedAt.Format("2 Jan 2006")
		}
		if c.Open() {
			row.StatusLabel = "Open"
			row.CloseAction = fmt.Sprintf("/admin/cycles/%d/close", c.ID)
			p.OpenOK = false
		}
		p.Cycles = append(p.Cycles, row)
	}
	return p, nil
}

func (s *Server) showCycles(w http.ResponseWriter, r *http.Request) {
	p, err := s.cyclesPage(w, r, "", "", "")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.CyclesShow(p))
}

// openCycle starts a new cycle; members' assessments start from their last
// submitted answers (store.OpenCycle).
func (s *Server) openCycle(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	vals := formValues(r, "name")
	errs := map[string]string{}
	requireText(vals, errs, "name", "Enter a name for the cycle, such as FY2027.", 60)
	refuse := func(status int, msg, formErr string) {
		p, err := s.cyclesPage(w, r, vals["name"], msg, formErr)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, status, views.CyclesShow(p))
	}
	if errs["name"] == "" {
		cycles, err := s.store.CyclesOfConsortium(r.Context(), v.consortium.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		for _, c := range cycles {
			if strings.EqualFold(c.Name, vals["name"]) {
				errs["name"] = "A cycle with this name already exists."
			}
		}
	}
	if errs["name"] != "" {
		refuse(http.StatusUnprocessableEntity, errs["name"], "No cycle was opened. Please correct the name.")
		return
	}
	_, copied, err := s.store.OpenCycle(r.Context(), v.actor(s, r), v.consortium.ID, vals["name"])
	if errors.Is(err, store.ErrCycleOpen) {
		refuse(http.StatusConflict, "", "No cycle was opened: another cycle is still open. Close it first.")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", fmt.Sprintf("%s is open. %d answers were carried over from members' last submitted assessments for their IT leads to confirm.", vals["name"], copied))
	http.Redirect(w, r, "/admin/cycles", http.StatusSeeOther)
}

func (s *Server) closeCycle(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	id, err := strconv.ParseInt(chi.URLParam(r, "cycle"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	c, err := s.store.CycleByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.ConsortiumID != v.consortium.ID) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !c.Open() {
		s.setFlash(w, "info", c.Name+" was already closed.")
		http.Redirect(w, r, "/admin/cycles", http.StatusSeeOther)
		return
	}
	if err := s.store.CloseCycle(r.Context(), v.actor(s, r), c.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", c.Name+" is closed; its answers are now read-only.")
	http.Redirect(w, r, "/admin/cycles", http.StatusSeeOther)
}
