package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"palisade/accounts"
	"palisade/demo"
	"palisade/store"
)

// newPassphrase passes the password policy for every test account (it
// contains none of their names).
const newPassphrase = "copper kettle on a quiet porch"

func TestSignInStartsASession(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.newBrowser(t)
	wantStatus(t, "sign-in page", b.get(t, "/login"), http.StatusOK)

	res := b.post(t, "/login", url.Values{"email": {"  Coordinator@Demo.Palisade.Test "}, "password": {demo.Password}})
	wantRedirect(t, "sign in", res, "/")
	var session *http.Cookie
	for _, c := range (&http.Response{Header: res.header}).Cookies() {
		if c.Name == "palisade" {
			session = c
		}
	}
	if session == nil || session.Value == "" {
		t.Fatalf("no session cookie after sign-in; cookies %q", res.header.Values("Set-Cookie"))
	}
	if !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" {
		t.Errorf("session cookie %+v; want HttpOnly, SameSite=Lax, Path=/", session)
	}
	wantRedirect(t, "home of a coordinator", b.get(t, "/"), "/consortium")
	wantStatus(t, "consortium page", b.get(t, "/consortium"), http.StatusOK)

	// The page asked for before signing in is where sign-in leads, but
	// only on this site.
	next := ts.newBrowser(t)
	res = next.get(t, "/admin/audit?action=login.")
	wantRedirect(t, "audit log signed out", res, "/login")
	u, _ := url.Parse(res.location())
	res = next.post(t, "/login", url.Values{"email": {coordinatorEmail}, "password": {demo.Password}, "next": {u.Query().Get("next")}})
	if res.status != http.StatusSeeOther || res.location() != "/admin/audit?action=login." {
		t.Errorf("sign in with next: %d to %q; want 303 to /admin/audit?action=login.", res.status, res.location())
	}
	// Browsers drop tabs and newlines from a Location and read "\\" as
	// "/", so all of these would lead to evil.example.
	evil := ts.newBrowser(t)
	for _, target := range offSite[:2] {
		form := url.Values{"email": {boardEmail}, "password": {demo.Password}, "next": {target}}
		req, err := http.NewRequest(http.MethodPost, ts.URL+"/login", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res = evil.raw(t, req)
		if res.status != http.StatusSeeOther || res.location() != "/" {
			t.Errorf("sign in with next=%q: %d to %q; want 303 to /", target, res.status, res.location())
		}
	}

	ok := ts.audit(t, "login.ok")
	if len(ok) < 2 || ok[len(ok)-1].Actor != coordinatorEmail {
		t.Errorf("login.ok events %+v; want the coordinator's sign-ins", ok)
	}
	if ok[0].IP == "" {
		t.Errorf("login.ok event without an address: %+v", ok[0])
	}
}

// offSite are "next" targets that browsers would follow to another site.
var offSite = []string{"/\t/evil.example", "//evil.example/x", "https://evil.example/", "/\\evil.example", "/\t\\evil.example",
	"\t//evil.example", "/\n/evil.example", "/\r\n//evil.example", "javascript:alert(1)", "evil.example", "/\x7f/evil.example"}

func TestLocalPathKeepsRedirectsOnSite(t *testing.T) {
	t.Parallel()
	for _, p := range offSite {
		if got := localPath(p); got != "/" {
			t.Errorf("localPath(%q) = %q; want /", p, got)
		}
	}
	for _, p := range []string{"/", "/account", "/admin/audit?action=login.", "/members/3/cycles/2/categories/PR.AA#q-PR-AA-01", "/%09/x"} {
		if got := localPath(p); got != p {
			t.Errorf("localPath(%q) = %q; want it kept", p, got)
		}
	}
}

func TestFailedSignInSaysTheSameForUnknownEmails(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.newBrowser(t)
	wrong := b.post(t, "/login", url.Values{"email": {boardEmail}, "password": {"not the password at all"}})
	unknown := b.post(t, "/login", url.Values{"email": {"nobody@nowhere.gov"}, "password": {"not the password at all"}})
	if wrong.status != http.StatusUnauthorized || unknown.status != wrong.status {
		t.Fatalf("wrong password %d, unknown email %d; want both 401", wrong.status, unknown.status)
	}
	alert := regexp.MustCompile(`<div class="alert alert-error" role="alert">([^<]*)</div>`)
	mw, mu := alert.FindStringSubmatch(wrong.body), alert.FindStringSubmatch(unknown.body)
	if mw == nil || mu == nil || mw[1] != mu[1] || mw[1] != loginFailed {
		t.Errorf("messages %q and %q; want both %q", mw, mu, loginFailed)
	}
	// The typed email stays in the field, the password never comes back.
	if got := inputValue(t, unknown.body, "email"); got != "nobody@nowhere.gov" {
		t.Errorf("email field %q after a failed sign-in; want what was typed", got)
	}
	wantNotContains(t, "failed sign-in", wrong, "not the password at all")
	if b.cookie("palisade") != "" {
		t.Errorf("a session cookie was set by a failed sign-in")
	}

	empty := b.post(t, "/login", url.Values{"email": {boardEmail}})
	wantStatus(t, "sign in without a password", empty, http.StatusUnprocessableEntity)

	fails := ts.audit(t, "login.fail")
	reasons := map[string]bool{}
	for _, e := range fails {
		reasons[e.Detail] = true
	}
	if !reasons["wrong password"] || !reasons["unknown account"] {
		t.Errorf("login.fail events %+v; want one for the wrong password and one for the unknown account", fails)
	}
}

func TestSessionFixation(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)

	// An attacker plants a session id in the victim's browser.
	victim := ts.newBrowser(t)
	victim.setCookie("palisade", "planted-by-the-attacker")
	wantRedirect(t, "sign in", victim.post(t, "/login", url.Values{"email": {itEmail(eastgate)}, "password": {demo.Password}}), "/")
	got := victim.cookie("palisade")
	if got == "" || got == "planted-by-the-attacker" {
		t.Fatalf("session cookie %q after sign-in; want a new one", got)
	}
	attacker := ts.newBrowser(t)
	attacker.setCookie("palisade", "planted-by-the-attacker")
	if res := attacker.get(t, "/account"); !res.toLogin() {
		t.Errorf("planted id after the victim signed in: %d; want sent to sign in", res.status)
	}

	// Signing in again, already signed in, also replaces the id.
	before := victim.cookie("palisade")
	wantRedirect(t, "sign in again", victim.post(t, "/login", url.Values{"email": {itEmail(eastgate)}, "password": {demo.Password}}), "/")
	after := victim.cookie("palisade")
	if after == before || after == "" {
		t.Fatalf("session id kept across a second sign-in")
	}
	old := ts.newBrowser(t)
	old.setCookie("palisade", before)
	if res := old.get(t, "/account"); !res.toLogin() {
		t.Errorf("the replaced session id still opens /account: %d", res.status)
	}
	wantStatus(t, "new session", victim.get(t, "/account"), http.StatusOK)
}

func TestSignOut(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.signIn(t, itEmail(eastgate))
	stolen := b.cookie("palisade")
	wantStatus(t, "account page", b.get(t, "/account"), http.StatusOK)

	wantRedirect(t, "sign out", b.post(t, "/logout", url.Values{}), "/login")
	if c := b.cookie("palisade"); c != "" {
		t.Errorf("session cookie %q still in the browser after signing out", c)
	}
	res := b.get(t, "/login")
	wantContains(t, "sign-in page after signing out", res, "You have signed out.")

	copyOf := ts.newBrowser(t)
	copyOf.setCookie("palisade", stolen)
	if res := copyOf.get(t, "/account"); !res.toLogin() {
		t.Errorf("the signed-out session id still opens /account: %d", res.status)
	}
	// A background save from a page left open says so in JSON.
	m := ts.member(t, eastgate)
	res = copyOf.postJSON(t, cyclePath(m.ID, ts.cycle.ID)+"/answers/PR.AA-01", url.Values{"version": {"1"}, "choice": {"optimized"}})
	wantStatus(t, "background save after signing out", res, http.StatusUnauthorized)
	var body map[string]any
	if err := json.Unmarshal([]byte(res.body), &body); err != nil || body["ok"] != false || !strings.Contains(fmt.Sprint(body["message"]), "Sign in again") {
		t.Errorf("background save after signing out: %s", res.body)
	}
	if len(ts.audit(t, "logout")) != 1 {
		t.Errorf("no logout event in the audit log")
	}
}

func TestSignOutEverywhere(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	office := ts.signIn(t, itEmail(harbor))
	phone := ts.signIn(t, itEmail(harbor))
	other := ts.signIn(t, itEmail(eastgate))

	wantRedirect(t, "sign out everywhere", office.post(t, "/account/sessions/end", url.Values{}), "/login")
	for name, b := range map[string]*browser{"office": office, "phone": phone} {
		if res := b.get(t, "/account"); !res.toLogin() {
			t.Errorf("%s browser after signing out everywhere: %d; want sent to sign in", name, res.status)
		}
	}
	wantStatus(t, "someone else's session", other.get(t, "/account"), http.StatusOK)
	if ev := ts.audit(t, "session.end-all"); len(ev) != 1 || ev[0].Actor != itEmail(harbor) {
		t.Errorf("session.end-all events %+v", ev)
	}
}

func TestDisabledAccountIsSignedOutAndCannotSignIn(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	coord := ts.signIn(t, coordinatorEmail)
	lead := ts.signIn(t, itEmail(harbor))
	m := ts.member(t, harbor)
	wantStatus(t, "IT lead's assessment", lead.get(t, cyclePath(m.ID, ts.cycle.ID)), http.StatusOK)

	u := ts.user(t, itEmail(harbor))
	res := coord.post(t, fmt.Sprintf("/admin/accounts/%d/disable", u.ID), url.Values{})
	wantRedirect(t, "disable account", res, "/admin/accounts")
	wantContains(t, "accounts page", coord.get(t, "/admin/accounts"), "is disabled and signed out everywhere")
	if !ts.user(t, itEmail(harbor)).Disabled {
		t.Fatal("account not disabled")
	}

	if res := lead.get(t, cyclePath(m.ID, ts.cycle.ID)); !res.toLogin() {
		t.Errorf("disabled IT lead's open browser: %d; want sent to sign in", res.status)
	}
	again := ts.newBrowser(t)
	res = again.post(t, "/login", url.Values{"email": {itEmail(harbor)}, "password": {demo.Password}})
	wantStatus(t, "disabled account signs in", res, http.StatusUnauthorized)
	wantContains(t, "disabled account signs in", res, loginFailed)

	// A coordinator cannot lock themselves out.
	self := ts.user(t, coordinatorEmail)
	wantRedirect(t, "disable oneself", coord.post(t, fmt.Sprintf("/admin/accounts/%d/disable", self.ID), url.Values{}), "/admin/accounts")
	if ts.user(t, coordinatorEmail).Disabled {
		t.Errorf("the coordinator disabled their own account")
	}
	wantContains(t, "accounts page", coord.get(t, "/admin/accounts"), "You cannot disable your own account.")

	wantRedirect(t, "enable account", coord.post(t, fmt.Sprintf("/admin/accounts/%d/enable", u.ID), url.Values{}), "/admin/accounts")
	ts.signIn(t, itEmail(harbor))

	var disabled, refused bool
	for _, e := range ts.audit(t, "account.") {
		disabled = disabled || (e.Action == "account.disable" && e.Target == fmt.Sprintf("user %d", u.ID) && e.Actor == coordinatorEmail)
	}
	for _, e := range ts.audit(t, "login.fail") {
		refused = refused || (e.Actor == itEmail(harbor) && e.Detail == "account disabled")
	}
	if !disabled || !refused {
		t.Errorf("audit log: account.disable recorded %t, refused sign-in recorded %t", disabled, refused)
	}
}

func TestSignInRateLimit(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.newBrowser(t)
	for i := 1; i <= 10; i++ {
		res := b.post(t, "/login", url.Values{"email": {boardEmail}, "password": {fmt.Sprintf("guess number %d", i)}})
		wantStatus(t, fmt.Sprintf("wrong password %d", i), res, http.StatusUnauthorized)
	}
	res := b.post(t, "/login", url.Values{"email": {boardEmail}, "password": {"guess number 11"}})
	wantStatus(t, "11th attempt", res, http.StatusTooManyRequests)
	wantContains(t, "11th attempt", res, "try again in 15 minutes")

	// While limited, even the right password does not get in, from this
	// address or from another one.
	wantStatus(t, "right password while limited", b.post(t, "/login", url.Values{"email": {boardEmail}, "password": {demo.Password}}),
		http.StatusTooManyRequests)
	elsewhere := ts.newBrowser(t)
	wantStatus(t, "right password from another address", elsewhere.post(t, "/login", url.Values{"email": {boardEmail}, "password": {demo.Password}}),
		http.StatusTooManyRequests)
	// Other people are not locked out by it.
	ts.signIn(t, coordinatorEmail)

	// After the window, the owner signs in.
	later := time.Now().Add(16 * time.Minute)
	ts.srv.SetClock(func() time.Time { return later })
	wantRedirect(t, "sign in after the window", b.post(t, "/login", url.Values{"email": {boardEmail}, "password": {demo.Password}}), "/")
}

func TestCrossSiteFormsAreRefused(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	lead := ts.signIn(t, itEmail(eastgate))
	coord := ts.signIn(t, coordinatorEmail)
	m := ts.member(t, eastgate)
	a := ts.assessment(t, m.ID, ts.cycle.ID)
	before := ts.answers(t, a.ID)

	crossSite := http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}}
	form := url.Values{"version": {strconv.Itoa(before["PR.AA-01"].Version)}, "choice": {"not-performed"}, "notes": {"pwned"}}
	res := lead.postWith(t, cyclePath(m.ID, ts.cycle.ID)+"/answers/PR.AA-01", form, crossSite)
	wantStatus(t, "cross-site answer", res, http.StatusForbidden)
	wantContains(t, "cross-site answer", res, "sent from another website")
	// Older browsers send only Origin.
	res = lead.postWith(t, cyclePath(m.ID, ts.cycle.ID)+"/answers/PR.AA-01", form, http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {""}})
	wantStatus(t, "cross-site answer with Origin only", res, http.StatusForbidden)
	if after := ts.answers(t, a.ID); !reflect.DeepEqual(after, before) {
		t.Errorf("a cross-site form changed an answer")
	}

	victim := ts.user(t, itEmail(eastgate))
	wantStatus(t, "cross-site disable", coord.postWith(t, fmt.Sprintf("/admin/accounts/%d/disable", victim.ID), url.Values{}, crossSite),
		http.StatusForbidden)
	wantStatus(t, "cross-site sign-out", lead.postWith(t, "/logout", url.Values{}, crossSite), http.StatusForbidden)
	if ts.user(t, itEmail(eastgate)).Disabled {
		t.Errorf("a cross-site form disabled an account")
	}
	wantStatus(t, "IT lead still signed in", lead.get(t, "/account"), http.StatusOK)
	wantStatus(t, "cross-site sign-in", ts.newBrowser(t).postWith(t, "/login",
		url.Values{"email": {boardEmail}, "password": {demo.Password}}, crossSite), http.StatusForbidden)
}

// scriptTag and friends find what a strict CSP would block in a page.
var (
	scriptTagRE   = regexp.MustCompile(`<script\b[^>]*>`)
	inlineStyleRE = regexp.MustCompile(`<[^>]+\sstyle=`)
	inlineEventRE = regexp.MustCompile(`<[^>]+\son[a-z]+=`)
	javascriptURL = regexp.MustCompile(`(?i)(href|src|action)="javascript:`)
)

func checkSecurityHeaders(t *testing.T, what string, res response) {
	t.Helper()
	h := res.header
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: CSP %q lacks %q", what, csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("%s: CSP %q allows inline code", what, csp)
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q", what, got)
	}
	if got := h.Get("Referrer-Policy"); got == "" || got == "unsafe-url" {
		t.Errorf("%s: Referrer-Policy %q", what, got)
	}
	if got := h.Get("X-Frame-Options"); got != "DENY" {
		t.Errorf("%s: X-Frame-Options %q", what, got)
	}
	if !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		return
	}
	// The page itself keeps to the policy: scripts are files or JSON data
	// blocks, and there are no inline styles or event handlers.
	for _, tag := range scriptTagRE.FindAllString(res.body, -1) {
		if !strings.Contains(tag, " src=") && !strings.Contains(tag, `type="application/json"`) {
			t.Errorf("%s: inline script %s would be blocked by the CSP", what, tag)
		}
	}
	for _, re := range []*regexp.Regexp{inlineStyleRE, inlineEventRE, javascriptURL} {
		if m := re.FindString(res.body); m != "" {
			t.Errorf("%s: %q would be blocked by the CSP", what, m)
		}
	}
}

func TestSecurityHeadersOnEveryPage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	anon := ts.newBrowser(t)
	m := ts.member(t, eastgate)
	base := cyclePath(m.ID, ts.cycle.ID)

	pages := map[string]response{
		"sign-in page":    anon.get(t, "/login"),
		"reset page":      anon.get(t, "/reset"),
		"404 page":        anon.get(t, "/no/such/page"),
		"static file":     anon.get(t, "/static/app.css"),
		"health check":    anon.get(t, "/healthz"),
		"wrong method":    anon.get(t, "/logout"),
		"bad invite link": anon.get(t, "/invite?token=nope"),
	}
	lead := ts.signIn(t, itEmail(eastgate))
	pages["assessment page"] = lead.get(t, base)
	pages["category page"] = lead.get(t, base+"/categories/PR.AA")
	pages["results page"] = lead.get(t, base+"/results")
	pages["account page"] = lead.get(t, "/account")
	pages["second-step page"] = lead.get(t, "/account/totp")
	pages["403 page"] = lead.get(t, "/admin/audit")
	pages["refused answer"] = lead.post(t, base+"/answers/PR.AA-01", url.Values{"version": {"1"}, "choice": {"bogus"}})
	coord := ts.signIn(t, coordinatorEmail)
	for _, p := range []string{"/consortium", "/admin/members", "/admin/accounts", "/admin/settings", "/admin/audit"} {
		pages["coordinator "+p] = coord.get(t, p)
	}

	for what, res := range pages {
		if res.status >= 500 {
			t.Errorf("%s: status %d", what, res.status)
		}
		checkSecurityHeaders(t, what, res)
	}
	if got := pages["404 page"].status; got != http.StatusNotFound {
		t.Errorf("404 page: status %d", got)
	}
	if got := pages["wrong method"].status; got != http.StatusMethodNotAllowed {
		t.Errorf("GET /logout: status %d; want 405", got)
	}
	if cc := pages["results page"].header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("results page Cache-Control %q; want no-store (confidential data)", cc)
	}
}

// inviteLink extracts the one-time link from the accounts page.
func inviteLink(t *testing.T, res response, kind string) string {
	t.Helper()
	m := regexp.MustCompile(`<code id="new-link">https?://[^/]+(/` + kind + `\?token=[A-Za-z0-9_-]+)</code>`).FindStringSubmatch(res.body)
	if m == nil {
		t.Fatalf("no %s link on the page\n%s", kind, res.text())
	}
	return m[1]
}

func TestInvitation(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	coord := ts.signIn(t, coordinatorEmail)
	m := ts.member(t, pineHollow)

	res := coord.post(t, "/admin/invitations", url.Values{"email": {"jordan@pinehollow.gov"}, "name": {"Jordan Reyes"}, "role": {"it_lead"},
		"member": {strconv.FormatInt(m.ID, 10)}})
	wantStatus(t, "create invitation", res, http.StatusOK)
	wantContains(t, "create invitation", res, "Invitation for jordan@pinehollow.gov as Member IT lead")
	link := inviteLink(t, res, "invite")
	token := strings.TrimPrefix(link, "/invite?token=")

	guest := ts.newBrowser(t)
	res = guest.get(t, link)
	wantStatus(t, "open invitation", res, http.StatusOK)
	wantContains(t, "open invitation", res, "You have been invited to Palisade as Member IT lead, with the email jordan@pinehollow.gov")
	if got := inputValue(t, res.body, "name"); got != "Jordan Reyes" {
		t.Errorf("name field %q; want the name the coordinator typed", got)
	}
	res = guest.post(t, "/invite", url.Values{"token": {token}, "name": {"Jordan Reyes"}, "password": {newPassphrase}, "confirm": {newPassphrase}})
	wantRedirect(t, "accept invitation", res, "/")
	wantRedirect(t, "home of the new IT lead", guest.get(t, "/"), fmt.Sprintf("/members/%d", m.ID))
	wantStatus(t, "new IT lead's assessment", guest.get(t, cyclePath(m.ID, ts.cycle.ID)), http.StatusOK)
	u := ts.user(t, "jordan@pinehollow.gov")
	grants, err := ts.st.GrantsOfUser(context.Background(), u.ID)
	if err != nil || len(grants) != 1 || grants[0] != (accounts.Grant{ConsortiumID: ts.consortium.ID, Role: accounts.ITLead, MemberID: m.ID}) {
		t.Errorf("grants of the invited person %+v, %v", grants, err)
	}

	// The link works once.
	again := ts.newBrowser(t)
	res = again.get(t, link)
	wantContains(t, "open a used invitation", res, "already been used")
	res = again.post(t, "/invite", url.Values{"token": {token}, "name": {"Someone Else"}, "password": {newPassphrase + "!"}, "confirm": {newPassphrase + "!"}})
	wantStatus(t, "accept a used invitation", res, http.StatusGone)
	wantContains(t, "accept a used invitation", res, "already been used")
	if got := ts.user(t, "jordan@pinehollow.gov"); got.Name != "Jordan Reyes" || got.PasswordHash != u.PasswordHash {
		t.Errorf("the used link changed the account: %+v", got)
	}
	if again.cookie("palisade") != "" {
		t.Errorf("a used invitation signed someone in")
	}

	// Inviting someone who has an account adds the role to it (and ends
	// their sessions); the same role twice is refused. Refused forms keep
	// values.
	res = coord.post(t, "/admin/invitations", url.Values{"email": {"jordan@pinehollow.gov"}, "name": {"Jordan"}, "role": {"board"}})
	wantRedirect(t, "invite an existing account", res, "/admin/accounts")
	wantContains(t, "role added", coord.get(t, "/admin/accounts"), "already had an account: the role")
	if grants, err := ts.st.GrantsOfUser(t.Context(), u.ID); err != nil || len(grants) != 2 {
		t.Errorf("Jordan's roles after adding one: %v %v", grants, err)
	}
	res = coord.post(t, "/admin/invitations", url.Values{"email": {"jordan@pinehollow.gov"}, "name": {"Jordan"}, "role": {"board"}})
	wantStatus(t, "the same role again", res, http.StatusUnprocessableEntity)
	wantContains(t, "the same role again", res, "This person already has this role.")
	res = coord.post(t, "/admin/invitations", url.Values{"email": {"casey@pinehollow.gov"}, "name": {"Casey"}, "role": {"it_lead"}})
	wantStatus(t, "invite an IT lead without a member", res, http.StatusUnprocessableEntity)
	wantContains(t, "invite an IT lead without a member", res, "An IT lead belongs to one member.", `value="casey@pinehollow.gov"`)
	res = coord.post(t, "/admin/invitations", url.Values{"email": {"casey@pinehollow.gov"}, "role": {"superuser"}})
	wantStatus(t, "invite with an invented role", res, http.StatusUnprocessableEntity)
	wantContains(t, "invite with an invented role", res, "Choose a role.")

	var created bool
	for _, e := range ts.audit(t, "account.create") {
		created = created || e.Target == "jordan@pinehollow.gov"
	}
	if !created || len(ts.audit(t, "token.invite")) != 1 {
		t.Errorf("audit log lacks the invitation (%d token.invite) or the new account (%t)", len(ts.audit(t, "token.invite")), created)
	}
}

func TestExpiredInvitation(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()

	// A link made eight days ago.
	token, hash, err := accounts.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	m := ts.member(t, harbor)
	err = ts.st.CreateToken(ctx, store.System, store.Token{Hash: hash, Purpose: store.PurposeInvite, Email: "late@harbor.gov",
		Grant: accounts.Grant{ConsortiumID: ts.consortium.ID, Role: accounts.ITLead, MemberID: m.ID}, ExpiresAt: time.Now().Add(-24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	b := ts.newBrowser(t)
	res := b.get(t, "/invite?token="+token)
	wantContains(t, "open an expired invitation", res, "This link has expired.")
	res = b.post(t, "/invite", url.Values{"token": {token}, "name": {"Late Comer"}, "password": {newPassphrase}, "confirm": {newPassphrase}})
	wantStatus(t, "accept an expired invitation", res, http.StatusGone)
	wantContains(t, "accept an expired invitation", res, "expired")
	if _, err := ts.st.UserByEmail(ctx, "late@harbor.gov"); err == nil {
		t.Errorf("an expired invitation created an account")
	}

	// A link made now, used a week and a day later.
	coord := ts.signIn(t, coordinatorEmail)
	link := inviteLink(t, coord.post(t, "/admin/invitations", url.Values{"email": {"slow@harbor.gov"}, "role": {"board"}}), "invite")
	later := time.Now().Add(inviteLinkLife + time.Hour)
	ts.srv.SetClock(func() time.Time { return later })
	res = b.post(t, "/invite", url.Values{"token": {strings.TrimPrefix(link, "/invite?token=")}, "name": {"Slow Reader"},
		"password": {newPassphrase}, "confirm": {newPassphrase}})
	wantStatus(t, "accept an invitation after 7 days", res, http.StatusGone)
	wantContains(t, "accept an invitation after 7 days", res, "This link has expired.")

	wantStatus(t, "accept an invitation that does not exist", b.post(t, "/invite", url.Values{"token": {"made-up"}, "name": {"X"},
		"password": {newPassphrase}, "confirm": {newPassphrase}}), http.StatusGone)
}

func TestPasswordPolicyOnInvitation(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	token, hash, err := accounts.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	err = ts.st.CreateToken(context.Background(), store.System, store.Token{Hash: hash, Purpose: store.PurposeInvite, Email: "morgan.lee@riverton.gov",
		Grant: accounts.Grant{ConsortiumID: ts.consortium.ID, Role: accounts.Board}, ExpiresAt: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	b := ts.newBrowser(t)
	cases := []struct {
		name, password, confirm, field, message string
	}{
		{"too short", "short pw", "short pw", "password", "at least 12"},
		{"common", "password1234", "password1234", "password", ""},
		{"contains the name", "morgan likes tea", "morgan likes tea", "password", ""},
		{"not confirmed", newPassphrase, newPassphrase + " typo", "confirm", "not the same"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := b.post(t, "/invite", url.Values{"token": {token}, "name": {"Morgan Lee"}, "password": {c.password}, "confirm": {c.confirm}})
			wantStatus(t, c.name, res, http.StatusUnprocessableEntity)
			errRE := regexp.MustCompile(`<p class="field-error" id="` + c.field + `-error" role="alert">([^<]+)</p>`)
			m := errRE.FindStringSubmatch(res.body)
			if m == nil {
				t.Fatalf("no message beside the %s field\n%s", c.field, res.text())
			}
			if !strings.Contains(strings.ToLower(m[1]), c.message) {
				t.Errorf("message %q; want it to mention %q", m[1], c.message)
			}
			if got := inputValue(t, res.body, "name"); got != "Morgan Lee" {
				t.Errorf("name field %q; want the typed name kept", got)
			}
			if got := inputValue(t, res.body, "password"); got != "" {
				t.Errorf("the password was sent back in the page")
			}
			wantContains(t, c.name, res, `value="`+token+`"`)
		})
	}
	if _, err := ts.st.UserByEmail(context.Background(), "morgan.lee@riverton.gov"); err == nil {
		t.Errorf("an account was created by a refused form")
	}
	wantRedirect(t, "acceptable password", b.post(t, "/invite", url.Values{"token": {token}, "name": {"Morgan Lee"},
		"password": {newPassphrase}, "confirm": {newPassphrase}}), "/")
}

func TestPasswordResetLink(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	coord := ts.signIn(t, coordinatorEmail)
	lead := ts.signIn(t, itEmail(harbor))
	u := ts.user(t, itEmail(harbor))

	res := coord.post(t, fmt.Sprintf("/admin/accounts/%d/reset", u.ID), url.Values{})
	wantStatus(t, "create reset link", res, http.StatusOK)
	wantContains(t, "create reset link", res, "Password-reset link for "+itEmail(harbor))
	link := inviteLink(t, res, "reset")
	token := strings.TrimPrefix(link, "/reset?token=")

	b := ts.newBrowser(t)
	wantStatus(t, "open reset link", b.get(t, link), http.StatusOK)
	res = b.post(t, "/reset", url.Values{"token": {token}, "password": {"too short"}, "confirm": {"too short"}})
	wantStatus(t, "short new password", res, http.StatusUnprocessableEntity)
	res = b.post(t, "/reset", url.Values{"token": {token}, "password": {newPassphrase}, "confirm": {newPassphrase}})
	wantRedirect(t, "reset password", res, "/login")
	wantContains(t, "sign-in page", b.get(t, "/login"), "Your password has been changed.")

	// Every session of the account ended with the reset.
	if res := lead.get(t, "/account"); !res.toLogin() {
		t.Errorf("a session from before the reset still works: %d", res.status)
	}
	old := ts.newBrowser(t)
	wantStatus(t, "old password", old.post(t, "/login", url.Values{"email": {itEmail(harbor)}, "password": {demo.Password}}), http.StatusUnauthorized)
	ts.signInWith(t, itEmail(harbor), newPassphrase)

	res = ts.newBrowser(t).post(t, "/reset", url.Values{"token": {token}, "password": {newPassphrase + " again"}, "confirm": {newPassphrase + " again"}})
	wantStatus(t, "reuse reset link", res, http.StatusGone)
	wantContains(t, "reuse reset link", res, "already been used")
	if len(ts.audit(t, "account.password")) != 1 || len(ts.audit(t, "token.reset")) != 1 {
		t.Errorf("audit log lacks the reset link or the password change")
	}
}

func TestFirstRunSetup(t *testing.T) {
	t.Parallel()
	ts := newEmptyTestServer(t)
	ctx := context.Background()
	token, hash, err := accounts.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.st.CreateToken(ctx, store.System, store.Token{Hash: hash, Purpose: store.PurposeSetup, ExpiresAt: time.Now().Add(setupLinkLife)}); err != nil {
		t.Fatal(err)
	}
	b := ts.newBrowser(t)
	res := b.get(t, "/setup?token="+token)
	wantStatus(t, "open setup link", res, http.StatusOK)
	wantContains(t, "open setup link", res, "Create consortium")
	wantStatus(t, "setup link without the token", ts.newBrowser(t).get(t, "/setup"), http.StatusNotFound)

	form := url.Values{"token": {token}, "consortium": {"Lakeshore Cyber Consortium"}, "cycle": {"FY2027"}, "name": {"Avery Quinn"},
		"email": {"avery@lakeshore.gov"}, "password": {"short"}, "confirm": {"short"}}
	res = b.post(t, "/setup", form)
	wantStatus(t, "setup with a short password", res, http.StatusUnprocessableEntity)
	wantContains(t, "setup with a short password", res, `value="Lakeshore Cyber Consortium"`, `value="avery@lakeshore.gov"`)
	if n, _ := ts.st.UserCount(ctx); n != 0 {
		t.Fatalf("%d users after a refused setup", n)
	}

	form.Set("password", newPassphrase)
	form.Set("confirm", newPassphrase)
	wantRedirect(t, "setup", b.post(t, "/setup", form), "/admin/members")
	wantStatus(t, "members page of the new coordinator", b.get(t, "/admin/members"), http.StatusOK)
	u := ts.user(t, "avery@lakeshore.gov")
	grants, err := ts.st.GrantsOfUser(ctx, u.ID)
	if err != nil || len(grants) != 1 || grants[0].Role != accounts.Coordinator {
		t.Fatalf("grants of the first coordinator %+v, %v", grants, err)
	}
	c, err := ts.st.ConsortiumByID(ctx, grants[0].ConsortiumID)
	if err != nil || c.Name != "Lakeshore Cyber Consortium" {
		t.Errorf("consortium %+v, %v", c, err)
	}
	if cur, err := ts.st.CurrentCycle(ctx, c.ID); err != nil || cur.Name != "FY2027" || !cur.Open() {
		t.Errorf("first cycle %+v, %v; want FY2027, open", cur, err)
	}

	// The link is spent: a second use creates nothing.
	other := ts.newBrowser(t)
	form.Set("email", "intruder@evil.example")
	form.Set("consortium", "Intruders")
	res = other.post(t, "/setup", form)
	wantStatus(t, "second use of the setup link", res, http.StatusGone)
	wantContains(t, "second use of the setup link", res, "already been used")
	if n, _ := ts.st.UserCount(ctx); n != 1 {
		t.Errorf("%d users after a second setup; want 1", n)
	}
	if all, _ := ts.st.Consortia(ctx); len(all) != 1 {
		t.Errorf("%d consortia after a second setup; want 1", len(all))
	}

	// Another valid setup link is refused too once an account exists.
	token2, hash2, _ := accounts.NewToken()
	if err := ts.st.CreateToken(ctx, store.System, store.Token{Hash: hash2, Purpose: store.PurposeSetup, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	form.Set("token", token2)
	wantStatus(t, "a second setup link", other.post(t, "/setup", form), http.StatusGone)
	if n, _ := ts.st.UserCount(ctx); n != 1 {
		t.Errorf("%d users after a second setup link; want 1", n)
	}
}

// totpSecret reads the key shown on the set-up page.
func totpSecret(t *testing.T, res response) string {
	t.Helper()
	secret := strings.ReplaceAll(inputValue(t, res.body, "secret"), " ", "")
	if len(secret) < 16 {
		t.Fatalf("second-step key %q is too short", secret)
	}
	return secret
}

func totpNow(t *testing.T, secret string) string {
	t.Helper()
	code, err := accounts.TOTPCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// wrongCode is a 6-digit code that is not valid now, nor in the next minute.
func wrongCode(t *testing.T, secret string) string {
	t.Helper()
	for i := 0; i < 1000000; i += 7919 {
		c := fmt.Sprintf("%06d", i)
		if !accounts.VerifyTOTP(secret, c, time.Now()) && !accounts.VerifyTOTP(secret, c, time.Now().Add(time.Minute)) {
			return c
		}
	}
	t.Fatal("no wrong code found")
	return ""
}

func TestSecondSignInStep(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.signIn(t, itEmail(harbor))
	res := b.get(t, "/account/totp")
	wantStatus(t, "second-step page", res, http.StatusOK)
	secret := totpSecret(t, res)

	res = b.post(t, "/account/totp", url.Values{"secret": {secret}, "code": {wrongCode(t, secret)}})
	wantStatus(t, "turn on with a wrong code", res, http.StatusUnprocessableEntity)
	if ts.user(t, itEmail(harbor)).HasTOTP() {
		t.Fatal("second step on after a wrong code")
	}
	wantRedirect(t, "turn on", b.post(t, "/account/totp", url.Values{"secret": {secret}, "code": {totpNow(t, secret)}}), "/account")
	if !ts.user(t, itEmail(harbor)).HasTOTP() {
		t.Fatal("second step not on")
	}

	// Signing in now takes the password, then a code; the page asked for
	// at the start is where it ends.
	m := ts.member(t, harbor)
	results := cyclePath(m.ID, ts.cycle.ID) + "/results"
	phone := ts.newBrowser(t)
	res = phone.post(t, "/login", url.Values{"email": {itEmail(harbor)}, "password": {demo.Password}, "next": {results}})
	wantRedirect(t, "password accepted", res, "/login/code")
	codePage := res.location()
	if res := phone.get(t, "/"); !res.toLogin() {
		t.Errorf("home with only the password: %d to %q; want sent to sign in", res.status, res.location())
	}
	if res := phone.get(t, cyclePath(m.ID, ts.cycle.ID)); !res.toLogin() {
		t.Errorf("assessment with only the password: %d; want sent to sign in", res.status)
	}
	res = phone.get(t, codePage)
	wantStatus(t, "code page", res, http.StatusOK)
	next := inputValue(t, res.body, "next")
	if next != results {
		t.Errorf("code page carries next=%q; want %q", next, results)
	}
	pending := phone.cookie("palisade")
	res = phone.post(t, "/login/code", url.Values{"code": {wrongCode(t, secret)}, "next": {next}})
	wantStatus(t, "wrong code", res, http.StatusUnauthorized)
	wantContains(t, "wrong code", res, "That code is not right.")
	if got := inputValue(t, res.body, "next"); got != results {
		t.Errorf("code page after a wrong code carries next=%q; want %q", got, results)
	}
	res = phone.post(t, "/login/code", url.Values{"code": {totpNow(t, secret)}, "next": {next}})
	if res.status != http.StatusSeeOther || res.location() != results {
		t.Errorf("right code: %d to %q; want 303 to %s", res.status, res.location(), results)
	}
	if phone.cookie("palisade") == pending {
		t.Errorf("the session id was not replaced after the second step")
	}
	wantRedirect(t, "home", phone.get(t, "/"), fmt.Sprintf("/members/%d", m.ID))
	wantStatus(t, "assessment", phone.get(t, cyclePath(m.ID, ts.cycle.ID)), http.StatusOK)

	var withCode, wrong bool
	for _, e := range ts.audit(t, "login.") {
		withCode = withCode || (e.Action == "login.ok" && e.Detail == "with second factor")
		wrong = wrong || (e.Action == "login.fail" && e.Detail == "wrong second-factor code")
	}
	if !withCode || !wrong || len(ts.audit(t, "account.totp.on")) != 1 {
		t.Errorf("audit log: sign-in with code %t, wrong code %t, totp.on %d", withCode, wrong, len(ts.audit(t, "account.totp.on")))
	}

	// The pending id of the first step opens nothing once replaced.
	stale := ts.newBrowser(t)
	stale.setCookie("palisade", pending)
	if res := stale.get(t, "/login/code"); !res.toLogin() {
		t.Errorf("the pending session still opens the code page: %d", res.status)
	}
}

func TestCoordinatorsMustSetUpSecondStepWhenRequired(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	coord := ts.signIn(t, coordinatorEmail)
	lead := ts.signIn(t, itEmail(harbor))

	res := coord.get(t, "/admin/settings")
	wantStatus(t, "settings page", res, http.StatusOK)
	version := inputValue(t, res.body, "version")
	wantRedirect(t, "require the second step", coord.post(t, "/admin/settings", url.Values{"name": {demo.ConsortiumName}, "default_target": {"5"},
		"require_totp": {"1"}, "version": {version}}), "/admin/settings")
	c, err := ts.st.ConsortiumByID(context.Background(), ts.consortium.ID)
	if err != nil || !c.RequireTOTP {
		t.Fatalf("consortium after saving settings %+v, %v", c, err)
	}

	for _, path := range []string{"/consortium", "/admin/accounts", "/"} {
		wantRedirect(t, "coordinator without second step opens "+path, coord.get(t, path), "/account/totp")
	}
	res = coord.get(t, "/account/totp")
	wantStatus(t, "second-step page", res, http.StatusOK)
	wantContains(t, "second-step page", res, "Your consortium requires coordinators to use a second sign-in step.")
	wantStatus(t, "account page", coord.get(t, "/account"), http.StatusOK)
	// IT leads are not concerned.
	wantStatus(t, "IT lead", lead.get(t, cyclePath(ts.member(t, harbor).ID, ts.cycle.ID)), http.StatusOK)

	secret := totpSecret(t, coord.get(t, "/account/totp"))
	wantRedirect(t, "turn on", coord.post(t, "/account/totp", url.Values{"secret": {secret}, "code": {totpNow(t, secret)}}), "/account")
	wantStatus(t, "consortium page with the second step on", coord.get(t, "/consortium"), http.StatusOK)

	// While required, it cannot be turned off.
	wantRedirect(t, "turn off", coord.post(t, "/account/totp/off", url.Values{"password": {demo.Password}}), "/account")
	if !ts.user(t, coordinatorEmail).HasTOTP() {
		t.Errorf("a coordinator turned off a required second step")
	}
}

// Signing in again with the password must not give a fresh allowance of
// second-factor guesses: the account's attempts are counted until the
// sign-in is complete.
func TestSecondFactorGuessesAreLimitedPerAccount(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	u := ts.user(t, itEmail(harbor))
	secret := "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	if err := ts.st.SetTOTP(context.Background(), store.System, u.ID, secret); err != nil {
		t.Fatal(err)
	}
	wrong := wrongCode(t, secret)
	checked := 0 // wrong codes actually checked (not refused by the limit)
	for round := 0; round < 3; round++ {
		b := ts.newBrowser(t) // a new address each round
		res := b.post(t, "/login", url.Values{"email": {itEmail(harbor)}, "password": {demo.Password}})
		if res.status == http.StatusTooManyRequests {
			break
		}
		wantRedirect(t, fmt.Sprintf("password, round %d", round), res, "/login/code")
		for i := 0; i < 9; i++ {
			res := b.post(t, "/login/code", url.Values{"code": {wrong}})
			if res.status == http.StatusTooManyRequests {
				break
			}
			wantStatus(t, "wrong code", res, http.StatusUnauthorized)
			checked++
		}
	}
	if checked > 10 {
		t.Errorf("%d second-factor codes were checked for one account within 15 minutes; want at most 10", checked)
	}
}

func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	start := time.Now()
	at := func(d time.Duration) { ts.srv.SetClock(func() time.Time { return start.Add(d) }) }

	idle := ts.signIn(t, boardEmail)
	busy := ts.signIn(t, coordinatorEmail)
	// The busy person keeps working: activity keeps the session alive...
	for _, d := range []time.Duration{90 * time.Minute, 3 * time.Hour, 270 * time.Minute} {
		at(d)
		wantStatus(t, fmt.Sprintf("busy after %v", d), busy.get(t, "/account"), http.StatusOK)
	}
	// ...while the idle one ended after two hours without a request.
	if res := idle.get(t, "/account"); !res.toLogin() {
		t.Errorf("session idle for 4.5 hours: %d; want sent to sign in", res.status)
	}
	// Twelve hours after signing in, every session ends.
	for _, d := range []time.Duration{6 * time.Hour, 450 * time.Minute, 9 * time.Hour, 630 * time.Minute, 11*time.Hour + 50*time.Minute} {
		at(d)
		wantStatus(t, fmt.Sprintf("busy after %v", d), busy.get(t, "/account"), http.StatusOK)
	}
	at(12*time.Hour + 5*time.Minute)
	if res := busy.get(t, "/account"); !res.toLogin() {
		t.Errorf("session 12 hours after sign-in: %d; want sent to sign in", res.status)
	}
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	here := ts.signIn(t, itEmail(eastgate))
	there := ts.signIn(t, itEmail(eastgate))

	res := here.post(t, "/account/password", url.Values{"current": {"wrong current password"}, "password": {newPassphrase}, "confirm": {newPassphrase}})
	wantStatus(t, "wrong current password", res, http.StatusUnprocessableEntity)
	wantContains(t, "wrong current password", res, "That is not your current password.")
	res = here.post(t, "/account/password", url.Values{"current": {demo.Password}, "password": {"short"}, "confirm": {"short"}})
	wantStatus(t, "short new password", res, http.StatusUnprocessableEntity)

	wantRedirect(t, "change password", here.post(t, "/account/password", url.Values{"current": {demo.Password}, "password": {newPassphrase},
		"confirm": {newPassphrase}}), "/account")
	wantContains(t, "account page", here.get(t, "/account"), "Your password has been changed. Other devices have been signed out.")
	if res := there.get(t, "/account"); !res.toLogin() {
		t.Errorf("other device after the password change: %d; want sent to sign in", res.status)
	}
	wantStatus(t, "old password", ts.newBrowser(t).post(t, "/login", url.Values{"email": {itEmail(eastgate)}, "password": {demo.Password}}),
		http.StatusUnauthorized)
	ts.signInWith(t, itEmail(eastgate), newPassphrase)
}

// Turning the second step off asks for the password: an unattended signed-in
// browser is not enough to weaken an account.
func TestTurningSecondStepOffNeedsThePassword(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	email := itEmail("harbor-port-district")
	lead := ts.signIn(t, email)
	secret := totpSecret(t, lead.get(t, "/account/totp"))
	wantRedirect(t, "turn on", lead.post(t, "/account/totp", url.Values{"secret": {secret}, "code": {totpNow(t, secret)}}), "/account")

	wantRedirect(t, "turn off without password", lead.post(t, "/account/totp/off", url.Values{}), "/account")
	wantRedirect(t, "turn off with a wrong password", lead.post(t, "/account/totp/off", url.Values{"password": {"not the password at all"}}), "/account")
	if !ts.user(t, email).HasTOTP() {
		t.Fatal("the second step was turned off without the password")
	}
	wantRedirect(t, "turn off with the password", lead.post(t, "/account/totp/off", url.Values{"password": {demo.Password}}), "/account")
	if ts.user(t, email).HasTOTP() {
		t.Error("the second step is still on after turning it off with the password")
	}
}
