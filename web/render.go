package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"palisade/accounts"
	"palisade/views"
)

// render writes a templ component as a full HTML response.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := c.Render(r.Context(), w); err != nil {
		s.log.Error("render", "path", r.URL.Path, "err", err)
	}
}

// page is what every page shares, built from the visit.
func (s *Server) page(w http.ResponseWriter, r *http.Request, title, active string) views.Page {
	p := views.Page{Title: title, Active: active}
	if kind, msg := s.takeFlash(w, r); msg != "" {
		p.Flash = views.Flash{Kind: kind, Message: msg}
	}
	v := visitOf(r)
	if !v.signedIn() {
		return p
	}
	p.User = &views.User{Name: v.user.Name, Email: v.user.Email, Roles: roleSummary(v.grants), Nav: navFor(v.grants)}
	return p
}

func roleSummary(grants []accounts.Grant) string {
	var labels []string
	seen := map[accounts.Role]bool{}
	for _, g := range grants {
		if !seen[g.Role] {
			seen[g.Role] = true
			labels = append(labels, g.Role.Label())
		}
	}
	return strings.Join(labels, ", ")
}

// navFor lists the places a person's roles open, in the order they use
// them most.
func navFor(grants []accounts.Grant) []views.NavLink {
	var nav []views.NavLink
	add := func(key, href, label string) {
		for _, l := range nav {
			if l.Key == key {
				return
			}
		}
		nav = append(nav, views.NavLink{Key: key, Href: href, Label: label})
	}
	for _, g := range grants {
		switch {
		case g.Role == accounts.ITLead:
			add("assessment", fmt.Sprintf("/members/%d", g.MemberID), "Our assessment")
			add("peers", fmt.Sprintf("/members/%d/peers", g.MemberID), "How we compare")
			add("services", fmt.Sprintf("/members/%d/services", g.MemberID), "Shared services")
			add("compare", "/consortium/compare", "Compare")
			add("insurance", fmt.Sprintf("/members/%d/insurance", g.MemberID), "Insurance")
		case g.Role == accounts.Board && g.MemberID != 0:
			add("member", fmt.Sprintf("/members/%d", g.MemberID), "Our results")
			add("peers", fmt.Sprintf("/members/%d/peers", g.MemberID), "How we compare")
		}
	}
	for _, g := range grants {
		if g.Role == accounts.Coordinator || (g.Role == accounts.Board && g.MemberID == 0) {
			add("consortium", "/consortium", "Consortium")
			add("compare", "/consortium/compare", "Compare")
			add("weakest", "/consortium/weakest", "Weakest links")
			add("trends", "/consortium/trends", "Trends")
			add("links", "/consortium/links", "Links")
			add("services", "/consortium/services", "Shared services")
			add("insurance", "/consortium/insurance", "Insurance")
			add("exercises", "/consortium/exercises", "Exercises")
		}
	}
	for _, g := range grants {
		if g.Role == accounts.Coordinator {
			add("members", "/admin/members", "Members")
			add("cycles", "/admin/cycles", "Cycles")
			add("accounts", "/admin/accounts", "Accounts")
			add("audit", "/admin/audit", "Audit log")
			add("weights", "/admin/weights", "Weights")
			add("api-tokens", "/admin/api-tokens", "API tokens")
			add("settings", "/admin/settings", "Settings")
		}
	}
	add("account", "/account", "My account")
	return nav
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, message string) {
	if wantsJSON(r) {
		writeJSON(w, status, map[string]any{"ok": false, "message": message})
		return
	}
	title := http.StatusText(status)
	switch status {
	case http.StatusForbidden:
		title = "No access"
	case http.StatusNotFound:
		title = "Page not found"
	case http.StatusTooManyRequests:
		title = "Too many attempts"
	case http.StatusInternalServerError:
		title = "Something went wrong"
	}
	s.render(w, r, status, views.ErrorPage(s.page(w, r, title, ""), status, message))
}

// serverError logs the cause and shows a calm page; details stay in the log.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	s.renderError(w, r, http.StatusInternalServerError, "Something went wrong on our side, and it has been logged. Nothing was partly saved; please try again.")
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound, "There is no page at this address. It may have moved, or the link may be incomplete.")
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusMethodNotAllowed, "This address does not accept that kind of request.")
}

func (s *Server) badRequest(w http.ResponseWriter, r *http.Request, message string) {
	s.renderError(w, r, http.StatusBadRequest, message)
}

// wantsJSON is true for the background saves of static/autosave.js.
func wantsJSON(r *http.Request) bool {
	return r.Header.Get("X-Requested-With") == "fetch" || strings.Contains(r.Header.Get("Accept"), "application/json") ||
		strings.HasPrefix(r.URL.Path, "/api/")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// parseForm reads a form body, turning an oversized body into a clear 413.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		status := http.StatusBadRequest
		msg := "The form could not be read. Please go back and try again."
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			status = http.StatusRequestEntityTooLarge
			msg = fmt.Sprintf("The form was too large (over %d KB) and was not saved. Shorten the longest text and try again.", maxFormBytes>>10)
		}
		s.renderError(w, r, status, msg)
		return false
	}
	return true
}

// urlID reads a positive id from a URL parameter ({service}, {token}...);
// false when it is not one, which handlers answer with 404.
func urlID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	return id, err == nil && id > 0
}
