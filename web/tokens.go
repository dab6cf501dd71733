package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"palisade/accounts"
	"palisade/store"
	"palisade/views"
)

// Lifetimes of one-time links.
const (
	setupLinkLife  = 24 * time.Hour
	inviteLinkLife = 7 * 24 * time.Hour
	resetLinkLife  = 24 * time.Hour
)

// linkProblem turns a token lookup error into words for the person holding
// the link, or "" when the link can be used.
func linkProblem(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, store.ErrTokenUsed):
		return "This link has already been used. Each link works once. If you still need access, ask your consortium coordinator for a new one."
	case errors.Is(err, store.ErrTokenExpired):
		return "This link has expired. Ask your consortium coordinator for a new one."
	default:
		return "This link is not valid. Check that you copied all of it, or ask your consortium coordinator for a new one."
	}
}

func passwordFields(values map[string]string, errs map[string]string) []views.Field {
	return []views.Field{
		{ID: "password", Name: "password", Label: "Choose a password", Type: "password", Autocomplete: "new-password", Required: true,
			Hint: "At least 12 characters. A short sentence you can remember works well; no special characters are required.", Error: errs["password"]},
		{ID: "confirm", Name: "confirm", Label: "Type the password again", Type: "password", Autocomplete: "new-password", Required: true, Error: errs["confirm"]},
	}
}

// checkNewPassword applies the password policy and the confirmation.
func checkNewPassword(form map[string]string, email, name string, errs map[string]string) {
	if err := accounts.CheckPassword(form["password"], email, name); err != nil {
		errs["password"] = err.Error()
	} else if form["password"] != form["confirm"] {
		errs["confirm"] = "The two passwords are not the same. Type them again."
	}
}

func formValues(r *http.Request, names ...string) map[string]string {
	out := map[string]string{}
	for _, n := range names {
		v := r.PostForm.Get(n)
		if n != "password" && n != "confirm" {
			v = strings.TrimSpace(v)
		}
		out[n] = v
	}
	return out
}

// ---- first-run setup ----

func (s *Server) setupPage(w http.ResponseWriter, r *http.Request, token, invalid string, vals, errs map[string]string, formErr string) views.TokenPage {
	fields := []views.Field{
		{ID: "consortium", Name: "consortium", Label: "Name of your consortium", Value: vals["consortium"], Required: true, MaxLength: 200,
			Hint: "For example: Cascade Valley Cyber Consortium", Error: errs["consortium"]},
		{ID: "cycle", Name: "cycle", Label: "Name of the first assessment cycle", Value: vals["cycle"], Required: true, MaxLength: 60,
			Hint: "For example: FY2026", Error: errs["cycle"]},
		{ID: "name", Name: "name", Label: "Your name", Value: vals["name"], Autocomplete: "name", Required: true, MaxLength: 200, Error: errs["name"]},
		{ID: "email", Name: "email", Label: "Your email", Type: "email", Value: vals["email"], Autocomplete: "username", Required: true, MaxLength: 254, Error: errs["email"]},
	}
	fields = append(fields, passwordFields(vals, errs)...)
	return views.TokenPage{Page: s.page(w, r, "Set up Palisade", ""), Kind: "setup", Token: token, Invalid: invalid, Fields: fields, Error: formErr,
		Intro: "Create your consortium and the first coordinator account. You can invite members' IT leads and board officials afterwards.", Submit: "Create consortium"}
}

func (s *Server) showSetup(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	_, err := s.store.TokenByHash(r.Context(), accounts.HashToken(token), store.PurposeSetup)
	status := http.StatusOK
	if err != nil {
		status = http.StatusNotFound
	}
	s.render(w, r, status, views.TokenShow(s.setupPage(w, r, token, linkProblem(err), map[string]string{"cycle": defaultCycleName(s.now())}, nil, "")))
}

// defaultCycleName suggests the US local-government fiscal year (most run
// July to June, named after the year they end in).
func defaultCycleName(now time.Time) string {
	y := now.Year()
	if now.Month() >= time.July {
		y++
	}
	return "FY" + itoa(y)
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	vals := formValues(r, "token", "consortium", "cycle", "name", "email", "password", "confirm")
	errs := map[string]string{}
	if msg := s.limited(r, ""); msg != "" {
		s.render(w, r, http.StatusTooManyRequests, views.TokenShow(s.setupPage(w, r, vals["token"], "", vals, errs, msg)))
		return
	}
	requireText(vals, errs, "consortium", "Enter the name of your consortium.", 200)
	requireText(vals, errs, "cycle", "Enter a name for the first cycle, such as FY2026.", 60)
	requireText(vals, errs, "name", "Enter your name.", 200)
	checkEmail(vals, errs)
	checkNewPassword(vals, vals["email"], vals["name"], errs)
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, views.TokenShow(s.setupPage(w, r, vals["token"], "", vals, errs, "Please correct the fields marked below.")))
		return
	}
	hash, err := accounts.HashPassword(vals["password"])
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	userID, _, err := s.store.RedeemSetup(r.Context(), s.clientIP(r), accounts.HashToken(vals["token"]), store.Setup{
		ConsortiumName: vals["consortium"], CycleName: vals["cycle"], Email: vals["email"], Name: vals["name"], PasswordHash: hash})
	if msg := linkProblem(err); msg != "" && !errors.Is(err, store.ErrEmailTaken) {
		if !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrTokenUsed) && !errors.Is(err, store.ErrTokenExpired) {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, http.StatusGone, views.TokenShow(s.setupPage(w, r, "", msg, vals, nil, "")))
		return
	}
	if err := s.startSession(w, r, userID, false); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", "Your consortium is ready. Next: add your members, then invite their IT leads.")
	http.Redirect(w, r, "/admin/members", http.StatusSeeOther)
}

// ---- invitations ----

func (s *Server) invitePage(w http.ResponseWriter, r *http.Request, token string, t store.Token, invalid string, vals, errs map[string]string, formErr string) views.TokenPage {
	fields := []views.Field{
		{ID: "name", Name: "name", Label: "Your name", Value: vals["name"], Autocomplete: "name", Required: true, MaxLength: 200, Error: errs["name"]},
	}
	fields = append(fields, passwordFields(vals, errs)...)
	intro := ""
	if invalid == "" {
		intro = "You have been invited to Palisade as " + t.Grant.Role.Label() + ", with the email " + t.Email + ". Choose your password to finish."
	}
	return views.TokenPage{Page: s.page(w, r, "Accept your invitation", ""), Kind: "invite", Token: token, Invalid: invalid, Intro: intro,
		Fields: fields, Error: formErr, Submit: "Create my account"}
}

func (s *Server) showInvite(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	t, err := s.store.TokenByHash(r.Context(), accounts.HashToken(token), store.PurposeInvite)
	status := http.StatusOK
	if err != nil {
		status = http.StatusNotFound
	}
	s.render(w, r, status, views.TokenShow(s.invitePage(w, r, token, t, linkProblem(err), map[string]string{"name": t.Name}, nil, "")))
}

func (s *Server) acceptInvite(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	vals := formValues(r, "token", "name", "password", "confirm")
	hash := accounts.HashToken(vals["token"])
	if msg := s.limited(r, ""); msg != "" {
		s.render(w, r, http.StatusTooManyRequests, views.TokenShow(s.invitePage(w, r, vals["token"], store.Token{}, msg, vals, nil, "")))
		return
	}
	t, err := s.store.TokenByHash(r.Context(), hash, store.PurposeInvite)
	if msg := linkProblem(err); msg != "" {
		s.render(w, r, http.StatusGone, views.TokenShow(s.invitePage(w, r, "", t, msg, vals, nil, "")))
		return
	}
	errs := map[string]string{}
	requireText(vals, errs, "name", "Enter your name.", 200)
	checkNewPassword(vals, t.Email, vals["name"], errs)
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, views.TokenShow(s.invitePage(w, r, vals["token"], t, "", vals, errs, "Please correct the fields marked below.")))
		return
	}
	pw, err := accounts.HashPassword(vals["password"])
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	u, err := s.store.RedeemInvite(r.Context(), s.clientIP(r), hash, vals["name"], pw)
	switch {
	case errors.Is(err, store.ErrEmailTaken):
		s.render(w, r, http.StatusConflict, views.TokenShow(s.invitePage(w, r, "", t,
			"An account with the email "+t.Email+" already exists. Sign in with it; your coordinator can add the new role to that account.", vals, nil, "")))
		return
	case linkProblem(err) != "" && err != nil && (errors.Is(err, store.ErrTokenUsed) || errors.Is(err, store.ErrTokenExpired) || errors.Is(err, store.ErrNotFound)):
		s.render(w, r, http.StatusGone, views.TokenShow(s.invitePage(w, r, "", t, linkProblem(err), vals, nil, "")))
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	if err := s.startSession(w, r, u.ID, false); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", "Welcome to Palisade, "+u.Name+".")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// ---- password reset ----

func (s *Server) resetPage(w http.ResponseWriter, r *http.Request, token, invalid string, vals, errs map[string]string, formErr string) views.TokenPage {
	return views.TokenPage{Page: s.page(w, r, "Choose a new password", ""), Kind: "reset", Token: token, Invalid: invalid,
		Intro: "Choose a new password. Every place you are signed in will be signed out.", Fields: passwordFields(vals, errs), Error: formErr, Submit: "Save new password"}
}

func (s *Server) showReset(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	if token == "" {
		// Without SMTP Palisade cannot send anything, so people who forgot
		// their password are sent to the person who can make them a link.
		p := views.TokenPage{Page: s.page(w, r, "Forgotten your password?", ""), Kind: "reset",
			Invalid: "Ask your consortium coordinator for a password-reset link. They can create one in Palisade under Accounts; it works once, for 24 hours."}
		s.render(w, r, http.StatusOK, views.TokenShow(p))
		return
	}
	_, err := s.store.TokenByHash(r.Context(), accounts.HashToken(token), store.PurposeReset)
	status := http.StatusOK
	if err != nil {
		status = http.StatusNotFound
	}
	s.render(w, r, status, views.TokenShow(s.resetPage(w, r, token, linkProblem(err), nil, nil, "")))
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	vals := formValues(r, "token", "password", "confirm")
	hash := accounts.HashToken(vals["token"])
	if msg := s.limited(r, ""); msg != "" {
		s.render(w, r, http.StatusTooManyRequests, views.TokenShow(s.resetPage(w, r, vals["token"], msg, nil, nil, "")))
		return
	}
	t, err := s.store.TokenByHash(r.Context(), hash, store.PurposeReset)
	if msg := linkProblem(err); msg != "" {
		s.render(w, r, http.StatusGone, views.TokenShow(s.resetPage(w, r, "", msg, nil, nil, "")))
		return
	}
	u, err := s.store.UserByID(r.Context(), t.UserID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	errs := map[string]string{}
	checkNewPassword(vals, u.Email, u.Name, errs)
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, views.TokenShow(s.resetPage(w, r, vals["token"], "", vals, errs, "Please correct the fields marked below.")))
		return
	}
	pw, err := accounts.HashPassword(vals["password"])
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if _, err := s.store.RedeemReset(r.Context(), s.clientIP(r), hash, pw); err != nil {
		if msg := linkProblem(err); errors.Is(err, store.ErrTokenUsed) || errors.Is(err, store.ErrTokenExpired) {
			s.render(w, r, http.StatusGone, views.TokenShow(s.resetPage(w, r, "", msg, nil, nil, "")))
			return
		}
		s.serverError(w, r, err)
		return
	}
	s.clearSessionCookie(w)
	s.setFlash(w, "success", "Your password has been changed. Sign in with the new one.")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// ---- small form checks shared by the account forms ----

func requireText(vals, errs map[string]string, name, msg string, maxLen int) {
	v := vals[name]
	switch {
	case v == "":
		errs[name] = msg
	case !utf8Valid(v):
		errs[name] = "This contains characters that are not valid text. Retype it."
	case runeLen(v) > maxLen:
		errs[name] = "This is too long: at most " + itoa(maxLen) + " characters."
	}
}

func checkEmail(vals, errs map[string]string) {
	e := vals["email"]
	at := strings.LastIndex(e, "@")
	switch {
	case e == "":
		errs["email"] = "Enter an email address."
	case !utf8Valid(e) || len(e) > 254 || at < 1 || at == len(e)-1 || strings.ContainsAny(e, " \t\r\n<>,;\""):
		errs["email"] = "Enter an email address like name@town.gov."
	}
}
