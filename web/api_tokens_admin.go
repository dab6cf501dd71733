package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"palisade/accounts"
	"palisade/store"
	"palisade/views"
)

// apiTokenLives are the lifetimes a coordinator can choose, in days. There
// is no "never": a forgotten token in an old script should die on its own.
var apiTokenLives = []int{30, 90, 365}

const defaultAPITokenLife = 90

// apiTokensPage builds the API tokens page with the form holding vals/errs.
func (s *Server) apiTokensPage(w http.ResponseWriter, r *http.Request, vals, errs map[string]string) (views.APITokensPage, error) {
	v := visitOf(r)
	list, err := s.store.APITokensOfConsortium(r.Context(), v.consortium.ID)
	if err != nil {
		return views.APITokensPage{}, err
	}
	now := s.now()
	p := views.APITokensPage{Page: s.page(w, r, "API tokens", "api-tokens"), Error: errs[""], BaseURL: s.baseURL(r),
		Name: views.Field{ID: "token-name", Name: "name", Label: "What is it for?", Hint: "For example: \"Budget spreadsheet\" or \"Regional dashboard script\".",
			Value: vals["name"], MaxLength: 100, Required: true, Error: errs["name"]}}
	life := vals["expiry"]
	if life == "" {
		life = strconv.Itoa(defaultAPITokenLife)
	}
	for _, d := range apiTokenLives {
		p.Expiry = append(p.Expiry, views.Option{Value: strconv.Itoa(d), Label: fmt.Sprintf("%d days", d), Selected: life == strconv.Itoa(d)})
	}
	for _, t := range list {
		row := views.APITokenRow{ID: t.ID, Name: t.Name, Owner: t.OwnerEmail, Hint: t.Hint, Created: t.CreatedAt.Format(time.DateOnly),
			Expires: t.ExpiresAt.Format(time.DateOnly), LastUsed: "Never", Status: "Active", Revocable: true}
		if !t.LastUsedAt.IsZero() {
			row.LastUsed = t.LastUsedAt.Format("2006-01-02 15:04")
		}
		switch {
		case !t.RevokedAt.IsZero():
			row.Status, row.Revocable = "Revoked "+t.RevokedAt.Format(time.DateOnly), false
		case !now.Before(t.ExpiresAt):
			row.Status, row.Revocable = "Expired", false
		}
		p.Tokens = append(p.Tokens, row)
	}
	return p, nil
}

func (s *Server) showAPITokens(w http.ResponseWriter, r *http.Request) {
	p, err := s.apiTokensPage(w, r, map[string]string{}, map[string]string{})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.APITokensShow(p))
}

// createAPIToken makes a token for the coordinator asking and shows it once,
// in the response itself (never in a redirect, a cookie or the log).
func (s *Server) createAPIToken(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	vals := formValues(r, "name", "expiry")
	errs := map[string]string{}
	requireText(vals, errs, "name", "Give the token a name that says what it is for.", 100)
	days, err := strconv.Atoi(vals["expiry"])
	if err != nil || !validLife(days) {
		errs["expiry"] = "Choose how long the token lasts."
		errs[""] = "Choose one of the offered lifetimes."
	}
	if len(errs) > 0 {
		if errs[""] == "" {
			errs[""] = "The token was not created. Check the field marked below."
		}
		p, err := s.apiTokensPage(w, r, vals, errs)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, views.APITokensShow(p))
		return
	}
	secret, _, err := accounts.NewToken()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	token := apiTokenPrefix + secret
	// The stored hash is of the whole token, prefix included: that is what
	// a script sends.
	t := store.APIToken{UserID: v.user.ID, ConsortiumID: v.consortium.ID, Name: vals["name"], Hash: accounts.HashToken(token),
		Hint: token[:len(apiTokenPrefix)+4], ExpiresAt: s.now().AddDate(0, 0, days)}
	if _, err := s.store.CreateAPIToken(r.Context(), v.actor(s, r), t); err != nil {
		s.serverError(w, r, err)
		return
	}
	p, err := s.apiTokensPage(w, r, map[string]string{}, map[string]string{})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.NewToken, p.NewTokenFor = token, fmt.Sprintf("Your token \"%s\", valid for %d days:", t.Name, days)
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, views.APITokensShow(p))
}

func validLife(days int) bool {
	for _, d := range apiTokenLives {
		if d == days {
			return true
		}
	}
	return false
}

// revokeAPIToken ends any token of the consortium at once; coordinators can
// revoke each other's tokens, for when someone leaves.
func (s *Server) revokeAPIToken(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	id, ok := urlID(r, "token")
	if !ok {
		s.notFound(w, r)
		return
	}
	err := s.store.RevokeAPIToken(r.Context(), v.actor(s, r), v.consortium.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", "The token was revoked. Scripts using it now get “401 Unauthorized”.")
	http.Redirect(w, r, "/admin/api-tokens", http.StatusSeeOther)
}
