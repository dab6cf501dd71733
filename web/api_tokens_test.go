package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"palisade/store"
)

var newTokenRE = regexp.MustCompile(`<code id="new-token">(plsd_[A-Za-z0-9_-]+)</code>`)

// apiGet asks the API the way a script would: no cookies, only the token.
func apiGet(t *testing.T, ts *testServer, path, token string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return ts.newBrowser(t).raw(t, req)
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	coord := ts.signIn(t, coordinatorEmail)

	// Bad input: the form comes back with the values and nothing is made.
	res := coord.post(t, "/admin/api-tokens", url.Values{"name": {""}, "expiry": {"90"}})
	wantStatus(t, "token without a name", res, http.StatusUnprocessableEntity)
	wantContains(t, "token without a name", res, "Give the token a name")
	res = coord.post(t, "/admin/api-tokens", url.Values{"name": {"Forever script"}, "expiry": {"100000"}})
	wantStatus(t, "token with an unoffered lifetime", res, http.StatusUnprocessableEntity)
	if inputValue(t, res.body, "name") != "Forever script" {
		t.Errorf("the refused form lost the name")
	}
	if list, _ := ts.st.APITokensOfConsortium(ctx, ts.consortium.ID); len(list) != 0 {
		t.Fatalf("refused forms created %d tokens", len(list))
	}

	res = coord.post(t, "/admin/api-tokens", url.Values{"name": {"Budget <sheet>"}, "expiry": {"30"}})
	wantStatus(t, "create token", res, http.StatusOK)
	m := newTokenRE.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatalf("the new token is not shown:\n%s", res.text())
	}
	token := m[1]
	if res.header.Get("Cache-Control") != "no-store" {
		t.Errorf("the page showing a token may be cached: %q", res.header.Get("Cache-Control"))
	}
	wantContains(t, "token list", res, "Budget &lt;sheet&gt;")

	// Only a hash is kept: the token is not in the database.
	list, err := ts.st.APITokensOfConsortium(ctx, ts.consortium.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("tokens: %v %v", list, err)
	}
	if list[0].Hash == token || strings.Contains(list[0].Hash+list[0].Hint+list[0].Name, token) {
		t.Errorf("the token is stored in clear: %+v", list[0])
	}
	// Shown once: the list page does not show it again.
	wantNotContains(t, "list page", coord.get(t, "/admin/api-tokens"), token)

	// A script with the token reads what the coordinator reads.
	res = apiGet(t, ts, "/api/v1/members", token)
	wantStatus(t, "API with the token", res, http.StatusOK)
	var members struct{ Members []apiMember }
	if err := json.Unmarshal([]byte(res.body), &members); err != nil || len(members.Members) != 12 {
		t.Errorf("members with the token: %d, %v", len(members.Members), err)
	}
	if after, _ := ts.st.APITokensOfConsortium(ctx, ts.consortium.ID); after[0].LastUsedAt.IsZero() {
		t.Errorf("the token's use was not recorded")
	}

	// The token opens nothing but the API's GETs.
	for _, path := range []string{"/consortium", "/admin/accounts", "/"} {
		res := apiGet(t, ts, path, token)
		if !res.toLogin() {
			t.Errorf("GET %s with a token: %d %s; want the sign-in page", path, res.status, res.location())
		}
	}
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/admin/api-tokens", strings.NewReader("name=x&expiry=30"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+token)
	if res := ts.newBrowser(t).raw(t, req); !res.toLogin() {
		t.Errorf("POST with a token: %d; want the sign-in page", res.status)
	}

	// Wrong, malformed and foreign-scheme tokens are refused with a reason.
	for _, bad := range []string{token + "x", "plsd_", "not-a-token"} {
		res := apiGet(t, ts, "/api/v1/members", bad)
		wantStatus(t, "API with token "+bad, res, http.StatusUnauthorized)
		if !strings.Contains(res.header.Get("WWW-Authenticate"), "invalid_token") {
			t.Errorf("401 without WWW-Authenticate: %q", res.header.Get("WWW-Authenticate"))
		}
	}

	// Revoked: refused at once, and the revocation is audited.
	res = coord.post(t, fmt.Sprintf("/admin/api-tokens/%d/revoke", list[0].ID), url.Values{})
	wantRedirect(t, "revoke", res, "/admin/api-tokens")
	res = apiGet(t, ts, "/api/v1/members", token)
	wantStatus(t, "API with a revoked token", res, http.StatusUnauthorized)
	wantContains(t, "revoked token", res, "revoked")
	if len(ts.audit(t, "api_token.")) != 2 {
		t.Errorf("audit rows: %v", ts.audit(t, "api_token."))
	}
}

// A token acts with its owner's roles as they are now: a disabled owner
// stops it, and an IT lead's token (made by a coordinator who later became
// one, say) would see only what the IT lead sees.
func TestAPITokenFollowsOwner(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	coord := ts.signIn(t, coordinatorEmail)
	m := newTokenRE.FindStringSubmatch(coord.post(t, "/admin/api-tokens", url.Values{"name": {"Dashboard"}, "expiry": {"90"}}).body)
	if m == nil {
		t.Fatal("no token shown")
	}
	owner := ts.user(t, coordinatorEmail)
	if err := ts.st.SetUserDisabled(ctx, store.Actor{ConsortiumID: ts.consortium.ID}, owner.ID, true); err != nil {
		t.Fatal(err)
	}
	res := apiGet(t, ts, "/api/v1/members", m[1])
	wantStatus(t, "token of a disabled account", res, http.StatusUnauthorized)

	// A token of another consortium's id is not found by this one.
	if err := ts.st.RevokeAPIToken(ctx, store.Actor{}, ts.consortium.ID+1, 1); err == nil {
		t.Errorf("revoking through another consortium worked")
	}
}
