package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"palisade/accounts"
	"palisade/store"
)

// visit is what the request knows about who is asking and, once the guard
// has run, which member and consortium the request is about.
type visit struct {
	user        store.User
	grants      []accounts.Grant
	sessionHash string
	pending     bool  // the password was right, the second factor is due
	apiToken    int64 // the personal API token the request came with, if any

	consortium store.Consortium // the consortium in scope of the route
	member     store.Member     // for member routes
}

type visitKey struct{}

func visitOf(r *http.Request) *visit {
	v, _ := r.Context().Value(visitKey{}).(*visit)
	return v
}

// signedIn reports whether a full (not pending) session is present.
func (v *visit) signedIn() bool { return v != nil && v.user.ID != 0 && !v.pending }

func (v *visit) actor(s *Server, r *http.Request) store.Actor {
	return store.Actor{UserID: v.user.ID, Email: v.user.Email, IP: s.clientIP(r), ConsortiumID: v.consortium.ID}
}

// sessionCookie is the name of the session cookie. With Secure cookies it
// carries the __Host- prefix, which makes browsers refuse it unless it is
// Secure, host-only and for the whole site.
func (s *Server) sessionCookie() string {
	if s.cfg.SecureCookies {
		return "__Host-palisade"
	}
	return "palisade"
}

// loadSession finds the session of the request, if any, and ends it when
// it is idle or too old, or its account is disabled.
func (s *Server) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := visitOf(r)
		if v == nil {
			v = &visit{}
			r = r.WithContext(context.WithValue(r.Context(), visitKey{}, v))
		}
		if c, err := r.Cookie(s.sessionCookie()); err == nil && c.Value != "" {
			s.resumeSession(w, r, v, c.Value)
		}
		if v.user.ID == 0 && r.Header.Get("Authorization") != "" && apiRead(r) {
			if !s.resumeAPIToken(w, r, v) {
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) resumeSession(w http.ResponseWriter, r *http.Request, v *visit, token string) {
	ctx := r.Context()
	hash := accounts.HashToken(token)
	sess, err := s.store.SessionByHash(ctx, hash)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.Error("load session", "err", err)
		}
		s.clearSessionCookie(w)
		return
	}
	now := s.now()
	if now.Sub(sess.LastSeenAt) > s.cfg.IdleTimeout || now.Sub(sess.CreatedAt) > s.cfg.AbsoluteTimeout {
		s.store.DeleteSession(ctx, hash)
		s.clearSessionCookie(w)
		return
	}
	u, err := s.store.UserByID(ctx, sess.UserID)
	if err != nil || u.Disabled {
		s.store.DeleteSession(ctx, hash)
		s.clearSessionCookie(w)
		return
	}
	grants, err := s.store.GrantsOfUser(ctx, u.ID)
	if err != nil {
		s.log.Error("load roles", "user", u.ID, "err", err)
		return
	}
	v.user, v.grants, v.sessionHash, v.pending = u, grants, hash, sess.Pending
	// Record activity at most once a minute: a write per request would
	// queue every page view behind the single writer.
	if now.Sub(sess.LastSeenAt) > time.Minute {
		if err := s.store.TouchSession(ctx, hash); err != nil {
			s.log.Warn("touch session", "err", err)
		}
	}
}

// startSession replaces any session of the browser with a new one, so an
// id planted before sign-in is worthless after it (session fixation).
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, userID int64, pending bool) error {
	if v := visitOf(r); v != nil && v.sessionHash != "" {
		s.store.DeleteSession(r.Context(), v.sessionHash)
	} else if c, err := r.Cookie(s.sessionCookie()); err == nil {
		s.store.DeleteSession(r.Context(), accounts.HashToken(c.Value))
	}
	token, hash, err := accounts.NewToken()
	if err != nil {
		return err
	}
	err = s.store.CreateSession(r.Context(), store.Session{IDHash: hash, UserID: userID, IP: s.clientIP(r), UserAgent: r.UserAgent(), Pending: pending})
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.sessionCookie(), Value: token, Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.cfg.AbsoluteTimeout.Seconds()),
	})
	return nil
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookie(), Value: "", Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// Flash messages survive one redirect in a short-lived cookie.
const flashCookie = "palisade_flash"

func (s *Server) setFlash(w http.ResponseWriter, kind, message string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(kind + "|" + message), Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) (kind, message string) {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return "", ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	raw, err := url.QueryUnescape(c.Value)
	if err != nil {
		return "", ""
	}
	kind, message, ok := strings.Cut(raw, "|")
	if !ok || (kind != "success" && kind != "info" && kind != "warning" && kind != "error") {
		return "", ""
	}
	return kind, message
}

// localPath accepts a redirect target only when it stays on this site.
// Control characters are refused too: browsers drop tabs and newlines from
// a Location, so "/\t/evil.example" would become "//evil.example".
func localPath(p string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") ||
		strings.IndexFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return "/"
	}
	return p
}
