package web

import (
	"net/http"
	"strings"

	"palisade/accounts"
	"palisade/views"
)

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, errs map[string]string, formErr string) views.AccountPage {
	v := visitOf(r)
	var roles []string
	for _, g := range v.grants {
		label := g.Role.Label()
		if g.MemberID != 0 {
			if m, err := s.store.MemberByID(r.Context(), g.MemberID); err == nil {
				label += ", " + m.Name
			}
		}
		roles = append(roles, label)
	}
	return views.AccountPage{
		Page: s.page(w, r, "My account", "account"), Name: v.user.Name, Email: v.user.Email, Roles: roles,
		HasTOTP: v.user.HasTOTP(), TOTPRequired: s.totpRequiredFor(r, v),
		Password: []views.Field{
			{ID: "current", Name: "current", Label: "Current password", Type: "password", Autocomplete: "current-password", Error: errs["current"]},
			{ID: "password", Name: "password", Label: "New password", Type: "password", Autocomplete: "new-password",
				Hint: "At least 12 characters. A short sentence you can remember works well.", Error: errs["password"]},
			{ID: "confirm", Name: "confirm", Label: "Type the new password again", Type: "password", Autocomplete: "new-password", Error: errs["confirm"]},
		},
		PasswordError: formErr,
	}
}

func (s *Server) totpRequiredFor(r *http.Request, v *visit) bool {
	for _, g := range v.grants {
		if g.Role == accounts.Coordinator {
			if c, err := s.store.ConsortiumByID(r.Context(), g.ConsortiumID); err == nil && c.RequireTOTP {
				return true
			}
		}
	}
	return false
}

func (s *Server) showAccount(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, views.AccountShow(s.accountPage(w, r, nil, "")))
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	vals := formValues(r, "current", "password", "confirm")
	errs := map[string]string{}
	if msg := s.limited(r, v.user.Email); msg != "" {
		s.render(w, r, http.StatusTooManyRequests, views.AccountShow(s.accountPage(w, r, errs, msg)))
		return
	}
	if ok, _ := accounts.VerifyPassword(v.user.PasswordHash, vals["current"]); !ok {
		errs["current"] = "That is not your current password."
	} else {
		checkNewPassword(vals, v.user.Email, v.user.Name, errs)
	}
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, views.AccountShow(s.accountPage(w, r, errs, "Your password was not changed. Please correct the fields marked below.")))
		return
	}
	hash, err := accounts.HashPassword(vals["password"])
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// SetPassword ends every session, this one included; a fresh one keeps
	// the person signed in here while other devices are signed out.
	if err := s.store.SetPassword(r.Context(), v.actor(s, r), v.user.ID, hash); err != nil {
		s.serverError(w, r, err)
		return
	}
	v.sessionHash = ""
	if err := s.startSession(w, r, v.user.ID, false); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", "Your password has been changed. Other devices have been signed out.")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

func (s *Server) endSessions(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	if err := s.store.DeleteSessionsOfUser(r.Context(), v.actor(s, r), v.user.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.clearSessionCookie(w)
	s.setFlash(w, "info", "You have been signed out everywhere.")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) totpPage(w http.ResponseWriter, r *http.Request, secret, errMsg string) views.TOTPPage {
	v := visitOf(r)
	code := codeField(errMsg)
	return views.TOTPPage{Page: s.page(w, r, "Second sign-in step", "account"), Enabled: v.user.HasTOTP(), Secret: groupBy4(secret),
		URI: accounts.TOTPURI("Palisade", v.user.Email, secret), Code: code}
}

func groupBy4(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (s *Server) showTOTP(w http.ResponseWriter, r *http.Request) {
	secret, err := accounts.NewTOTPSecret()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.TOTPShow(s.totpPage(w, r, secret, "")))
}

// enableTOTP turns the second factor on once the person proves their app
// produces the right codes for the secret shown to them. The secret travels
// in the form (it was on their screen already) so nothing half-set-up is
// stored.
func (s *Server) enableTOTP(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	secret := strings.ToUpper(strings.ReplaceAll(r.PostForm.Get("secret"), " ", ""))
	if v.user.HasTOTP() {
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return
	}
	if msg := s.limited(r, v.user.Email); msg != "" {
		s.render(w, r, http.StatusTooManyRequests, views.TOTPShow(s.totpPage(w, r, secret, msg)))
		return
	}
	if len(secret) < 16 || !accounts.VerifyTOTP(secret, r.PostForm.Get("code"), s.now()) {
		s.render(w, r, http.StatusUnprocessableEntity, views.TOTPShow(s.totpPage(w, r, secret,
			"That code does not match. Check the key was typed correctly, then enter the code your app shows now.")))
		return
	}
	if err := s.store.SetTOTP(r.Context(), v.actor(s, r), v.user.ID, secret); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", "The second sign-in step is on. Next time you sign in, Palisade will ask for a code from your app.")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

func (s *Server) disableTOTP(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	// Turning protection off asks for the password, so an unattended
	// signed-in browser is not enough to weaken the account.
	if msg := s.limited(r, v.user.Email); msg != "" {
		s.setFlash(w, "error", msg)
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return
	}
	if ok, _ := accounts.VerifyPassword(v.user.PasswordHash, r.PostForm.Get("password")); !ok {
		s.setFlash(w, "error", "The second sign-in step is still on: the password you entered is not right.")
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return
	}
	if s.totpRequiredFor(r, v) {
		s.setFlash(w, "error", "Your consortium requires coordinators to use the second sign-in step, so it stays on.")
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return
	}
	if err := s.store.SetTOTP(r.Context(), v.actor(s, r), v.user.ID, ""); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "info", "The second sign-in step is off.")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}
