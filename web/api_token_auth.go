package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"palisade/accounts"
	"palisade/store"
)

// Personal API tokens (docs/api.md) let a script read the JSON API without
// a browser session. A token is accepted only on GET requests
// under /api/, so it can never change anything or open a page, and it acts
// with its owner's roles in the token's consortium as they are now: a role
// taken away or an account disabled stops the token too.

// apiTokenPrefix starts every token, so a leaked one is easy to recognise
// (and to search for in code and logs).
const apiTokenPrefix = "plsd_"

// apiRead reports whether a request may be authorised by an API token.
func apiRead(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") && r.Method == http.MethodGet
}

// resumeAPIToken signs the request in with the bearer token of its
// Authorization header. A header that is present but wrong is answered
// with 401 at once rather than treated as anonymous, so a script learns
// that its token is the problem; it returns false when it has answered.
func (s *Server) resumeAPIToken(w http.ResponseWriter, r *http.Request, v *visit) bool {
	refuse := func(msg string) bool {
		w.Header().Set("WWW-Authenticate", `Bearer realm="palisade", error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"ok": false, "message": msg})
		return false
	}
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || !strings.HasPrefix(token, apiTokenPrefix) {
		return refuse("Send a personal API token as: Authorization: Bearer plsd_...")
	}
	ctx := r.Context()
	t, err := s.store.APITokenByHash(ctx, accounts.HashToken(token))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return refuse("This API token is not known. Check that it was copied whole.")
	case errors.Is(err, store.ErrTokenRevoked):
		return refuse("This API token was revoked or has expired. A coordinator can create a new one under Administration, API tokens.")
	case err != nil:
		s.serverError(w, r, err)
		return false
	}
	u, err := s.store.UserByID(ctx, t.UserID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return refuse("The account this API token belongs to no longer exists.")
	case err != nil:
		s.serverError(w, r, err)
		return false
	case u.Disabled:
		return refuse("The account this API token belongs to is disabled.")
	}
	grants, err := s.store.GrantsOfUser(ctx, u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return false
	}
	// Only the roles in the token's consortium: a person in two consortia
	// makes one token per consortium.
	var scoped []accounts.Grant
	for _, g := range grants {
		if g.ConsortiumID == t.ConsortiumID {
			scoped = append(scoped, g)
		}
	}
	if len(scoped) == 0 {
		return refuse("The person this API token belongs to no longer has a role in its consortium.")
	}
	v.user, v.grants, v.apiToken = u, scoped, t.ID
	// As with sessions, record use at most once a minute.
	if s.now().Sub(t.LastUsedAt) > time.Minute {
		if err := s.store.TouchAPIToken(ctx, t.ID); err != nil {
			s.log.Warn("touch API token", "err", err)
		}
	}
	return true
}
