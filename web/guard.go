package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"

	"palisade/accounts"
	"palisade/store"
)

// guard enforces a route's access rule: who must be signed in, and for
// routes about a member, that the member in the URL is in the person's
// scope. It loads that member and its consortium once, so handlers use
// what the guard checked instead of trusting ids from the request again.
func (s *Server) guard(rule access) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			v := visitOf(r)
			switch rule {
			case public:
				next.ServeHTTP(w, r)
				return
			case anonymousOK:
				if v.signedIn() && r.Method == http.MethodGet {
					http.Redirect(w, r, "/", http.StatusSeeOther)
					return
				}
				next.ServeHTTP(w, r)
				return
			case secondFactor:
				if v == nil || v.user.ID == 0 || !v.pending {
					http.Redirect(w, r, "/login", http.StatusSeeOther)
					return
				}
				next.ServeHTTP(w, r)
				return
			}

			if !v.signedIn() {
				s.toLogin(w, r)
				return
			}
			if v.apiToken != 0 && s.mustSetUpTOTP(r, v) {
				s.renderError(w, r, http.StatusForbidden, "Your consortium requires a second sign-in step, and the owner of this API token has not set one up.")
				return
			}
			if rule != accountSetup && s.mustSetUpTOTP(r, v) {
				s.setFlash(w, "warning", "Your consortium requires coordinators to use a second sign-in step. Set it up to continue.")
				http.Redirect(w, r, "/account/totp", http.StatusSeeOther)
				return
			}

			ok, status := s.allowed(w, r, rule, v)
			if !ok {
				if status == http.StatusNotFound {
					s.notFound(w, r)
					return
				}
				s.deny(w, r, v)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// allowed applies the rule to the person and, for member routes, to the
// member in the URL.
func (s *Server) allowed(w http.ResponseWriter, r *http.Request, rule access, v *visit) (bool, int) {
	ctx := r.Context()
	switch rule {
	case signedIn, accountSetup:
		if len(v.grants) > 0 {
			if c, err := s.store.ConsortiumByID(ctx, v.grants[0].ConsortiumID); err == nil {
				v.consortium = c
			}
		}
		return true, 0
	case consortiumView, administer:
		for _, g := range v.grants {
			ok := accounts.CanAdminister(v.grants, g.ConsortiumID)
			if rule == consortiumView {
				ok = accounts.CanViewWholeConsortium(v.grants, g.ConsortiumID)
			}
			if ok {
				c, err := s.store.ConsortiumByID(ctx, g.ConsortiumID)
				if err != nil {
					return false, http.StatusNotFound
				}
				v.consortium = c
				return true, 0
			}
		}
		return false, http.StatusForbidden
	case consortiumMember:
		for _, g := range v.grants {
			c, err := s.store.ConsortiumByID(ctx, g.ConsortiumID)
			if err != nil {
				return false, http.StatusNotFound
			}
			v.consortium = c
			return true, 0
		}
		return false, http.StatusForbidden
	case memberView, memberEdit, memberReview:
		id, err := strconv.ParseInt(chi.URLParam(r, "member"), 10, 64)
		if err != nil || id <= 0 {
			return false, http.StatusNotFound
		}
		m, err := s.store.MemberByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			// Same answer as "not yours": ids of other consortia's members
			// must not be discoverable.
			return false, http.StatusForbidden
		}
		if err != nil {
			s.log.Error("load member", "member", id, "err", err)
			return false, http.StatusNotFound
		}
		var ok bool
		switch rule {
		case memberView:
			ok = accounts.CanViewMember(v.grants, m.ConsortiumID, m.ID)
		case memberEdit:
			ok = accounts.CanEditMember(v.grants, m.ConsortiumID, m.ID)
		case memberReview:
			ok = accounts.CanReview(v.grants, m.ConsortiumID)
		}
		if !ok {
			return false, http.StatusForbidden
		}
		c, err := s.store.ConsortiumByID(ctx, m.ConsortiumID)
		if err != nil {
			return false, http.StatusNotFound
		}
		v.member, v.consortium = m, c
		return true, 0
	}
	return false, http.StatusForbidden
}

// mustSetUpTOTP is true for a coordinator without a second factor in a
// consortium that requires one.
func (s *Server) mustSetUpTOTP(r *http.Request, v *visit) bool {
	if v.user.HasTOTP() {
		return false
	}
	for _, g := range v.grants {
		if g.Role != accounts.Coordinator {
			continue
		}
		if c, err := s.store.ConsortiumByID(r.Context(), g.ConsortiumID); err == nil && c.RequireTOTP {
			return true
		}
	}
	return false
}

func (s *Server) toLogin(w http.ResponseWriter, r *http.Request) {
	if wantsJSON(r) {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"ok": false, "message": "Your session has ended. Sign in again in another tab, then save again; your answer is still on this page."})
		return
	}
	target := "/login"
	if r.Method == http.MethodGet {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func (s *Server) deny(w http.ResponseWriter, r *http.Request, v *visit) {
	s.log.Warn("access denied", "user", v.user.ID, "method", r.Method, "path", r.URL.Path, "ip", s.clientIP(r))
	if wantsJSON(r) {
		writeJSON(w, http.StatusForbidden, map[string]any{"ok": false, "message": "You do not have access to this."})
		return
	}
	s.renderError(w, r, http.StatusForbidden, "You do not have access to this page. If you think you should, ask your consortium coordinator.")
}
