package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"palisade/accounts"
	"palisade/store"
	"palisade/views"
)

// One message for every failed sign-in, so the page never tells whether an
// email has an account.
const loginFailed = "That email and password do not match an account. Check both and try again."

func loginFields(email string) (views.Field, views.Field) {
	return views.Field{ID: "email", Name: "email", Label: "Email", Type: "email", Value: email, Autocomplete: "username", Required: true},
		views.Field{ID: "password", Name: "password", Label: "Password", Type: "password", Autocomplete: "current-password", Required: true}
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request) {
	email, password := loginFields("")
	s.render(w, r, http.StatusOK, views.LoginShow(views.LoginPage{Page: s.page(w, r, "Sign in", ""), Email: email, Password: password,
		Next: localPath(r.URL.Query().Get("next"))}))
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	password := r.PostForm.Get("password")
	next := localPath(r.PostForm.Get("next"))
	fail := func(status int, msg string) {
		ef, pf := loginFields(email)
		s.render(w, r, status, views.LoginShow(views.LoginPage{Page: s.page(w, r, "Sign in", ""), Email: ef, Password: pf, Next: next, Error: msg}))
	}
	if email == "" || password == "" {
		fail(http.StatusUnprocessableEntity, "Enter your email and your password.")
		return
	}
	if msg := s.limited(r, email); msg != "" {
		fail(http.StatusTooManyRequests, msg)
		return
	}
	ctx := r.Context()
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.serverError(w, r, err)
		return
	}
	if err != nil || u.PasswordHash == "" {
		accounts.DummyVerify(password)
		s.store.Record(ctx, store.Actor{Email: email, IP: s.clientIP(r)}, 0, "login.fail", email, "unknown account")
		fail(http.StatusUnauthorized, loginFailed)
		return
	}
	ok, err := accounts.VerifyPassword(u.PasswordHash, password)
	if err != nil {
		s.log.Error("verify password", "user", u.ID, "err", err)
	}
	if !ok || u.Disabled {
		reason := "wrong password"
		if ok {
			reason = "account disabled"
		}
		s.store.Record(ctx, s.signInActor(r, u.ID, u.Email), 0, "login.fail", u.Email, reason)
		fail(http.StatusUnauthorized, loginFailed)
		return
	}
	if accounts.NeedsRehash(u.PasswordHash) {
		if h, err := accounts.HashPassword(password); err == nil {
			s.store.RehashPassword(ctx, u.ID, h)
		}
	}
	// With a second factor, the account's attempts keep counting until the
	// code is right (loginCode resets them): otherwise signing in again with
	// the password would give a fresh allowance of guesses at the code.
	if !u.HasTOTP() {
		s.accountLimit.Reset(accountKey(email))
	}
	// A right password does not use up the allowance of the address, which
	// a whole town hall may share.
	s.ipLimit.Forgive("ip:" + s.clientIP(r))
	if err := s.startSession(w, r, u.ID, u.HasTOTP()); err != nil {
		s.serverError(w, r, err)
		return
	}
	if u.HasTOTP() {
		http.Redirect(w, r, "/login/code?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	s.store.Record(ctx, s.signInActor(r, u.ID, u.Email), 0, "login.ok", u.Email, "")
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// signInActor is the audit actor of a sign-in or sign-out. It names the
// consortium of the account's first role, so that the event appears in that
// consortium's audit log: events without a consortium appear in none.
func (s *Server) signInActor(r *http.Request, userID int64, email string) store.Actor {
	a := store.Actor{UserID: userID, Email: email, IP: s.clientIP(r)}
	if grants, err := s.store.GrantsOfUser(r.Context(), userID); err == nil && len(grants) > 0 {
		a.ConsortiumID = grants[0].ConsortiumID
	}
	return a
}

func accountKey(email string) string { return "account:" + strings.ToLower(strings.TrimSpace(email)) }

// limited counts an attempt against the client address and the account and
// returns the message to show when either has had too many.
func (s *Server) limited(r *http.Request, email string) string {
	okIP, waitIP := s.ipLimit.Allow("ip:" + s.clientIP(r))
	okAcct, waitAcct := true, waitIP
	if email != "" {
		okAcct, waitAcct = s.accountLimit.Allow(accountKey(email))
	}
	if okIP && okAcct {
		return ""
	}
	wait := max(waitIP, waitAcct)
	if okIP {
		wait = waitAcct
	} else if okAcct {
		wait = waitIP
	}
	s.log.Warn("rate limit", "path", r.URL.Path, "ip", s.clientIP(r))
	return "Too many attempts. For your security, please try again in " + accounts.MinutesText(wait) + "."
}

func codeField(errMsg string) views.Field {
	return views.Field{ID: "code", Name: "code", Label: "6-digit code", Autocomplete: "one-time-code", InputMode: "numeric", MaxLength: 8, Required: true, Error: errMsg}
}

func (s *Server) showLoginCode(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, views.CodeShow(views.CodePage{Page: s.page(w, r, "Sign-in code", ""), Code: codeField(""),
		Next: localPath(r.URL.Query().Get("next"))}))
}

func (s *Server) loginCode(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	fail := func(status int, msg string) {
		s.render(w, r, status, views.CodeShow(views.CodePage{Page: s.page(w, r, "Sign-in code", ""), Code: codeField(msg),
			Next: localPath(r.Form.Get("next"))}))
	}
	if msg := s.limited(r, v.user.Email); msg != "" {
		fail(http.StatusTooManyRequests, msg)
		return
	}
	step, ok := accounts.VerifyTOTPStep(v.user.TOTPSecret, r.PostForm.Get("code"), s.now())
	if ok {
		fresh, err := s.store.UseTOTPStep(r.Context(), v.user.ID, step)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		ok = fresh
	}
	if !ok {
		s.store.Record(r.Context(), s.signInActor(r, v.user.ID, v.user.Email), 0, "login.fail", v.user.Email, "wrong second-factor code")
		fail(http.StatusUnauthorized, "That code is not right. Codes change every 30 seconds; enter the one your app shows now.")
		return
	}
	s.accountLimit.Reset(accountKey(v.user.Email))
	// A new session id once fully signed in: the pending one is discarded.
	if err := s.startSession(w, r, v.user.ID, false); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.store.Record(r.Context(), s.signInActor(r, v.user.ID, v.user.Email), 0, "login.ok", v.user.Email, "with second factor")
	http.Redirect(w, r, localPath(r.Form.Get("next")), http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	if v != nil && v.sessionHash != "" {
		if err := s.store.DeleteSession(r.Context(), v.sessionHash); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.store.Record(r.Context(), s.signInActor(r, v.user.ID, v.user.Email), 0, "logout", v.user.Email, "")
	}
	s.clearSessionCookie(w)
	s.setFlash(w, "info", "You have signed out.")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
