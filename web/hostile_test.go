package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"palisade/accounts"
	"palisade/demo"
	"palisade/store"
)

const hostileScript = "<script>alert(1)</script>"

// hostileValues are posted into every field of every form, one at a time.
var hostileValues = []struct{ name, value string }{
	{"script", hostileScript},
	{"sql", "' OR 1=1; DROP TABLE members; --"},
	{"invalid UTF-8", "bad \xff\xfe\xc3\x28 bytes"},
	{"1 MB", strings.Repeat("A", 1<<20)},
	{"huge number", "99999999999999999999"},
	{"negative", "-1"},
	{"empty", ""},
}

// hostileRoute says how to post to one POST route: as whom, which fields
// its handler reads, and values that are valid for all of them, so each
// hostile value is the only thing wrong with the form it is in.
type hostileRoute struct {
	as     string // a persona of hostileRun.people; "anonymous" is a fresh browser each time
	member string // fills {member}; Eastgate (a draft) unless set
	fields []string
	valid  func(h *hostileRun) url.Values // made afresh for every post
	upload string                         // the form is multipart with this file field
	// shows is a page that displays the free text of the fields in text
	// when the route stores it, looked at (as showsAs) whenever a post with
	// the script in one of them was accepted.
	shows, showsAs string
	text           []string
	// found is where the form was found, for routes discovered from the
	// pages (see discoverForms); action is the form's address, params the
	// values of its URL parameters, refresh reads the form again after an
	// accepted post.
	found, action string
	params        map[string]string
	refresh       func(h *hostileRun)
	// lookup fills URL parameters with the oldest row of a table, read when
	// the route's turn comes (rows made by the routes before it count).
	lookup map[string]string
	// signsOut: the route ends the session by design; it is posted last,
	// once, and must send the person to sign in.
	signsOut bool
}

// hostileRoutes lists every POST route. TestHostileInput fails when chi
// serves a POST route that is not here: a new form must be added to it.
var hostileRoutes = map[string]hostileRoute{
	"POST /login": {as: "anonymous", fields: []string{"email", "password", "next"},
		valid: func(h *hostileRun) url.Values {
			return url.Values{"email": {boardEmail}, "password": {demo.Password}, "next": {"/consortium"}}
		}},
	"POST /login/code": {as: "pending", fields: []string{"code", "next"},
		valid: func(h *hostileRun) url.Values { return url.Values{"code": {"123456"}, "next": {"/"}} }},
	"POST /setup": {as: "anonymous", fields: []string{"token", "consortium", "cycle", "name", "email", "password", "confirm"},
		valid: func(h *hostileRun) url.Values {
			// A valid setup link. The confirmation differs from the password:
			// every field is still checked, and no post pays for an argon2id
			// hash (a quarter of a second) only to be refused by the store
			// because the database has accounts.
			return url.Values{"token": {h.token(store.PurposeSetup, "", 0)}, "consortium": {"Hostile Consortium"}, "cycle": {"FY2030"},
				"name": {"Setup Person"}, "email": {h.unique("setup") + "@example.org"}, "password": {"correct horse battery staple"},
				"confirm": {"correct horse battery stapler"}}
		}},
	"POST /invite": {as: "anonymous", fields: []string{"token", "name", "password", "confirm"}, shows: "/admin/accounts", showsAs: "coordinator", text: []string{"name"},
		valid: func(h *hostileRun) url.Values {
			return url.Values{"token": {h.token(store.PurposeInvite, h.unique("invitee")+"@example.org", 0)}, "name": {"Invited Person"},
				"password": {"correct horse battery staple"}, "confirm": {"correct horse battery staple"}}
		}},
	"POST /reset": {as: "anonymous", fields: []string{"token", "password", "confirm"},
		valid: func(h *hostileRun) url.Values {
			return url.Values{"token": {h.token(store.PurposeReset, "", h.victim)}, "password": {"correct horse battery staple"},
				"confirm": {"correct horse battery staple"}}
		}},
	"POST /logout": {as: "coordinator", signsOut: true, valid: func(*hostileRun) url.Values { return url.Values{} }},

	"POST /account/password": {as: "coordinator", fields: []string{"current", "password", "confirm"},
		valid: func(*hostileRun) url.Values {
			// The same new password twice would be accepted; the
			// confirmation differs, so an accepted hostile value would show.
			return url.Values{"current": {demo.Password}, "password": {"correct horse battery staple"}, "confirm": {"correct horse battery stapler"}}
		}},
	"POST /account/sessions/end": {as: "coordinator", signsOut: true, valid: func(*hostileRun) url.Values { return url.Values{} }},
	"POST /account/totp": {as: "coordinator", fields: []string{"secret", "code"},
		valid: func(*hostileRun) url.Values {
			return url.Values{"secret": {"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}, "code": {"123456"}}
		}},
	"POST /account/totp/off": {as: "coordinator", fields: []string{"password"},
		valid: func(*hostileRun) url.Values { return url.Values{"password": {demo.Password}} }},

	"POST /consortium/links": {as: "coordinator", fields: []string{"from", "to", "kind", "criticality", "note", "directed"},
		shows: "/consortium/links", showsAs: "coordinator", text: []string{"note"},
		valid: func(h *hostileRun) url.Values {
			return url.Values{"from": {h.id(eastgate)}, "to": {h.id(harbor)}, "kind": {"vpn"}, "criticality": {"2"}, "note": {"A note"}, "directed": {""}}
		}},
	"POST /consortium/links/{link}/delete": {as: "coordinator", valid: func(*hostileRun) url.Values { return url.Values{} }},

	"POST /members/{member}/cycles/{cycle}/answers/{subcategory}": {as: "it-eastgate",
		fields: []string{"version", "choice", "target", "na", "justification", "accepted_by", "acceptance", "notes", "evidence"},
		shows:  "/members/{member}/cycles/{cycle}/categories/PR.AA", showsAs: "it-eastgate",
		text: []string{"justification", "accepted_by", "acceptance", "notes", "evidence"},
		valid: func(h *hostileRun) url.Values {
			return url.Values{"version": {strconv.Itoa(h.answerVersion("PR.AA-01"))}, "choice": {"tested"}, "target": {"6"}, "na": {""},
				"justification": {""}, "accepted_by": {""}, "acceptance": {""}, "notes": {"Notes"}, "evidence": {"https://example.org/report"}}
		}},
	// Pine Hollow's assessment is incomplete, so submitting it is refused
	// and the other routes keep a draft to post to.
	"POST /members/{member}/cycles/{cycle}/submit": {as: "it-pine", member: pineHollow, valid: func(*hostileRun) url.Values { return url.Values{} }},
	"POST /members/{member}/cycles/{cycle}/review": {as: "coordinator", valid: func(*hostileRun) url.Values { return url.Values{} }},
	"POST /members/{member}/cycles/{cycle}/reopen": {as: "coordinator", valid: func(*hostileRun) url.Values { return url.Values{} }},
	"POST /members/{member}/cycles/{cycle}/import": {as: "it-eastgate", upload: "file", fields: []string{"file"},
		valid: func(*hostileRun) url.Values {
			return url.Values{"file": {"subcategory,level,target,not_applicable,justification,notes,evidence\nPR.AA-01,tested,6,,,,\n"}}
		}},
	"POST /members/{member}/cycles/{cycle}/import/confirm": {as: "it-eastgate", fields: []string{"token"},
		valid: func(*hostileRun) url.Values { return url.Values{"token": {"not-a-preview"}} }},

	"POST /admin/members": {as: "coordinator", fields: []string{"name", "kind", "population", "staff", "it_budget", "contact_name", "contact_email"},
		shows: "/admin/members", showsAs: "coordinator", text: []string{"name", "contact_name"},
		valid: func(h *hostileRun) url.Values {
			return url.Values{"name": {"Member " + h.unique("m")}, "kind": {"municipality"}, "population": {"1200"}, "staff": {"12"},
				"it_budget": {"$40,000"}, "contact_name": {"Pat Doe"}, "contact_email": {"pat@example.org"}}
		}},
	// The invited name is shown once the invitation is accepted (POST /invite).
	"POST /admin/invitations": {as: "coordinator", fields: []string{"name", "email", "role", "member"},
		valid: func(h *hostileRun) url.Values {
			return url.Values{"name": {"New Person"}, "email": {h.unique("new") + "@example.org"}, "role": {string(accounts.ITLead)}, "member": {h.id(harbor)}}
		}},
	"POST /admin/accounts/{user}/disable": {as: "coordinator", valid: func(*hostileRun) url.Values { return url.Values{} }},
	"POST /admin/accounts/{user}/enable":  {as: "coordinator", valid: func(*hostileRun) url.Values { return url.Values{} }},
	"POST /admin/accounts/{user}/reset":   {as: "coordinator", valid: func(*hostileRun) url.Values { return url.Values{} }},
	"POST /admin/settings": {as: "coordinator", fields: []string{"name", "default_target", "version", "share_names", "require_totp"},
		shows: "/admin/settings", showsAs: "coordinator", text: []string{"name"},
		valid: func(h *hostileRun) url.Values {
			c, err := h.ts.st.ConsortiumByID(context.Background(), h.ts.consortium.ID)
			if err != nil {
				h.t.Fatal(err)
			}
			return url.Values{"name": {c.Name}, "default_target": {"5"}, "version": {strconv.Itoa(c.Version)}, "share_names": {""}, "require_totp": {""}}
		}},
	// Offered only while the consortium has no services; refused with a
	// message otherwise.
	"POST /consortium/services/defaults": {as: "coordinator", valid: func(*hostileRun) url.Values { return url.Values{} }},
	// The demo has no agreements and no API tokens, so no page offers these
	// forms until the routes that create them have run.
	"POST /consortium/agreements/{agreement}/delete": {as: "coordinator", lookup: map[string]string{"agreement": "agreements"},
		valid: func(*hostileRun) url.Values { return url.Values{} }},
	"POST /admin/api-tokens/{token}/revoke": {as: "coordinator", lookup: map[string]string{"token": "api_tokens"},
		valid: func(*hostileRun) url.Values { return url.Values{} }},
	"POST /admin/weights": {as: "coordinator", fields: []string{"reset", "w-PR.AA-01"},
		valid: func(*hostileRun) url.Values { return url.Values{"reset": {""}, "w-PR.AA-01": {"3"}} }},
	// Closing the open cycle locks every answer, so it runs after the
	// routes that need a draft; opening a cycle is refused while one is
	// open, so it runs after closing.
	"POST /admin/cycles/{cycle}/close": {as: "coordinator", valid: func(*hostileRun) url.Values { return url.Values{} }},
	"POST /admin/cycles": {as: "coordinator", fields: []string{"name"}, shows: "/admin/cycles", showsAs: "coordinator", text: []string{"name"},
		valid: func(h *hostileRun) url.Values { return url.Values{"name": {"FY" + h.unique("")}} }},
}

// hostileLast are run after all other routes, in this order.
var hostileLast = []string{"POST /admin/cycles/{cycle}/close", "POST /admin/cycles", "POST /logout", "POST /account/sessions/end"}

// hostileRun is the state of one walk over the routes.
type hostileRun struct {
	t      *testing.T
	ts     *testServer
	people map[string]*browser
	victim int64 // an account the admin routes act on: Riverton's IT lead
	link   int64
	n      int

	// The content hash of the database, and SQLite's data_version when it
	// was taken: data_version changes only when another connection
	// commits, so most refused posts need no new hash.
	conn        *sql.Conn
	dataVersion int64
	digest      string

	statuses map[int]int // of the current route, for the log
}

// personaFor is who posts to a route with this access rule: someone the
// rule lets in, so the handler itself meets the values.
func personaFor(rule access) string {
	switch rule {
	case public, anonymousOK:
		return "anonymous"
	case secondFactor:
		return "pending"
	case memberEdit:
		return "it-eastgate"
	}
	return "coordinator"
}

// TestHostileInput posts hostile values into every field of every POST
// route, as a persona allowed to use it. Whatever comes in: never a 5xx; a
// refusal (4xx) changes nothing in the database; a redirect stays on this
// site; no response carries the script unescaped, and where the text is
// legitimately stored, the page showing it has it escaped.
//
// The routes of hostileRoutes have their fields listed by hand (they need
// one-time links, fresh versions or an order). Any other POST route must be
// the action of a form on a page the persona can reach: its fields and
// their values as the page fills them in are taken from there.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	h := &hostileRun{t: t, ts: ts, people: map[string]*browser{}}
	db, err := sql.Open("sqlite", "file:"+ts.st.Path()+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if h.conn, err = db.Conn(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.conn.Close() })
	h.dataVersion = -1
	h.victim = ts.user(t, itEmail(riverton)).ID
	links, err := ts.st.LinksOfConsortium(ctx, ts.consortium.ID)
	if err != nil || len(links) == 0 {
		t.Fatalf("demo links: %v, %v", links, err)
	}
	h.link = links[0].ID

	h.people["coordinator"] = ts.signIn(t, coordinatorEmail)
	h.people["it-eastgate"] = ts.signIn(t, itEmail(eastgate))
	h.people["it-pine"] = ts.signIn(t, itEmail(pineHollow))
	h.people["pending"] = h.pendingSecondFactor()

	served := map[string]bool{}
	if err := chi.Walk(ts.srv.Router(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method == http.MethodPost {
			served[method+" "+route] = true
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(served) < 20 {
		t.Fatalf("chi.Walk found only %d POST routes", len(served))
	}
	for key := range hostileRoutes {
		if !served[key] {
			t.Errorf("hostileRoutes lists %s, which is not a route", key)
		}
	}
	routes := map[string]*hostileRoute{}
	discovered := h.discoverForms()
	for key := range served {
		if spec, ok := hostileRoutes[key]; ok {
			routes[key] = &spec
		} else if spec, ok := discovered[key]; ok {
			routes[key] = spec
		} else {
			t.Errorf("%s: no page offers a form for it; add it to hostileRoutes with the fields its handler reads", key)
		}
	}
	// Routes that delete or revoke run after the others, which may need
	// what they delete; then the ones that close the cycle or sign out.
	var order, removing []string
	for key := range routes {
		switch {
		case slices.Contains(hostileLast, key):
		case strings.HasSuffix(key, "/delete") || strings.HasSuffix(key, "/revoke"):
			removing = append(removing, key)
		default:
			order = append(order, key)
		}
	}
	slices.Sort(order)
	slices.Sort(removing)
	order = append(append(order, removing...), hostileLast...)

	posts := 0
	for _, key := range order {
		spec := routes[key]
		t.Run(key, func(t *testing.T) {
			h.t = t // subtests run one after the other
			h.statuses = map[int]int{}
			defer func() { t.Logf("statuses: %v", h.statuses) }()
			_, pattern, _ := strings.Cut(key, " ")
			for param, table := range spec.lookup {
				id := "999999999" // none yet: the handler's "not found"
				h.conn.QueryRowContext(context.Background(), `SELECT id FROM "`+table+`" ORDER BY id LIMIT 1`).Scan(&id)
				if spec.params == nil {
					spec.params = map[string]string{}
				}
				spec.params[param] = id
			}
			path := spec.action
			if path == "" {
				path = h.fill(pattern, spec)
			}
			if spec.signsOut {
				// Posted once, with junk beside it, from a fresh session: the
				// session must end and the browser be sent to sign in.
				h.ts.srv.accountLimit.Reset(accountKey(coordinatorEmail))
				h.people[spec.as] = h.ts.signIn(t, coordinatorEmail)
				form := spec.valid(h)
				form.Set("junk", hostileScript)
				res := h.post(spec, path, form, "junk field")
				posts++
				if !res.toLogin() {
					t.Errorf("%s: %d to %q; want the session ended and 303 to /login", key, res.status, res.location())
				}
				if after := h.people[spec.as].get(t, "/account"); !after.toLogin() {
					t.Errorf("%s: afterwards /account answers %d; want the session ended", key, after.status)
				}
				return
			}
			for _, field := range spec.fields {
				for _, hv := range hostileValues {
					form := spec.valid(h)
					form.Set(field, hv.value)
					res := h.post(spec, path, form, field+"="+hv.name)
					posts++
					if hv.value == hostileScript && res.status < 400 {
						h.wantEscaped(spec, field)
					}
				}
			}
			// Every field hostile at once, and a field named by the script.
			form := spec.valid(h)
			for _, field := range spec.fields {
				form.Set(field, hostileScript)
			}
			form.Set(hostileScript, hostileScript)
			h.post(spec, path, form, "every field="+hostileValues[0].name)
			posts++
			// Hostile values in the URL's parameters, with a valid form.
			for _, param := range regexp.MustCompile(`\{[a-z]+\}`).FindAllString(pattern, -1) {
				for _, hv := range hostileValues {
					p := strings.Replace(pattern, param, url.PathEscape(hv.value), 1)
					h.post(spec, h.fill(p, spec), spec.valid(h), param+"="+hv.name)
					posts++
				}
			}
		})
	}
	h.t = t
	t.Logf("%d hostile posts to %d routes (%d found on the pages)", posts, len(order), len(routes)-len(hostileRoutes))
}

// post sends one hostile form and checks the response and the database.
func (h *hostileRun) post(spec *hostileRoute, path string, form url.Values, what string) response {
	t := h.t
	t.Helper()
	b := h.people[spec.as]
	if spec.as == "anonymous" {
		b = h.ts.newBrowser(t)
	}
	// The rate limits (10 attempts in 15 minutes) would soon answer 429
	// without looking at the form; the point here is what the handlers do
	// with the values, so every post starts with a fresh allowance.
	h.ts.srv.ipLimit.Reset("ip:" + b.ip)
	for _, e := range []string{b.email, form.Get("email"), coordinatorEmail, boardEmail} {
		h.ts.srv.accountLimit.Reset(accountKey(e))
	}
	req := h.request(spec, path, form)
	before := h.hash()
	res := b.do(t, req)
	h.statuses[res.status]++
	what = fmt.Sprintf("POST %.80s as %s with %s", path, spec.as, what)
	switch {
	case res.status >= 500:
		t.Errorf("%s: server error %d\n%s", what, res.status, res.text())
	case res.status < 200:
		t.Errorf("%s: status %d", what, res.status)
	case res.status >= 300 && res.status < 400:
		if loc := res.location(); !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
			t.Errorf("%s: redirected off the site to %q", what, loc)
		}
	case res.status >= 400:
		if after := h.hash(); after != before {
			t.Errorf("%s: refused with %d, yet the database changed", what, res.status)
		}
	}
	if strings.Contains(res.body, hostileScript) {
		i := strings.Index(res.body, hostileScript)
		t.Errorf("%s: the response (%d, %s) carries the script unescaped: …%s…", what, res.status, res.header.Get("Content-Type"),
			res.body[max(0, i-120):min(len(res.body), i+60)])
	}
	if res.status < 400 && spec.refresh != nil {
		spec.refresh(h) // the form's hidden version may have moved on
	}
	return res
}

func (h *hostileRun) request(spec *hostileRoute, path string, form url.Values) *http.Request {
	t := h.t
	t.Helper()
	var body bytes.Buffer
	contentType := "application/x-www-form-urlencoded"
	if spec.upload == "" {
		body.WriteString(form.Encode())
	} else {
		mw := multipart.NewWriter(&body)
		for k, vs := range form {
			for _, v := range vs {
				if k == spec.upload {
					fw, err := mw.CreateFormFile(k, "answers.csv")
					if err != nil {
						t.Fatal(err)
					}
					fw.Write([]byte(v))
				} else {
					mw.WriteField(k, v)
				}
			}
		}
		mw.Close()
		contentType = mw.FormDataContentType()
	}
	req, err := http.NewRequest(http.MethodPost, h.ts.URL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	return req
}

// wantEscaped looks at the page that shows what the route stores after a
// post with the script was accepted: the script is there as text, never as
// markup. Routes found on the pages show their own page again.
func (h *hostileRun) wantEscaped(spec *hostileRoute, field string) {
	t := h.t
	t.Helper()
	page, as := spec.shows, spec.showsAs
	if page == "" {
		page, as = spec.found, spec.as
	}
	if page == "" || as == "anonymous" {
		return
	}
	res := h.people[as].get(t, h.fill(page, spec))
	if res.status >= 500 {
		t.Errorf("%s after the script was stored: %d", page, res.status)
	}
	if strings.Contains(res.body, hostileScript) {
		t.Errorf("%s shows the script from %s unescaped", page, field)
	}
	if slices.Contains(spec.text, field) && !strings.Contains(res.body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the script in %s was accepted, but %s does not show it (escaped)", field, page)
	}
}

// fill puts real ids into a route pattern; the ids of a form found on a
// page come from its action.
func (h *hostileRun) fill(pattern string, spec *hostileRoute) string {
	member := eastgate
	if spec != nil && spec.member != "" {
		member = spec.member
	}
	pairs := []string{
		"{member}", h.id(member),
		"{cycle}", strconv.FormatInt(h.ts.cycle.ID, 10),
		"{subcategory}", "PR.AA-01",
		"{category}", "PR.AA",
		"{user}", strconv.FormatInt(h.victim, 10),
		"{link}", strconv.FormatInt(h.link, 10),
	}
	if spec != nil {
		for k, v := range spec.params {
			pairs = append([]string{"{" + k + "}", v}, pairs...)
		}
	}
	return strings.NewReplacer(pairs...).Replace(pattern)
}

func (h *hostileRun) id(slug string) string {
	return strconv.FormatInt(h.ts.member(h.t, slug).ID, 10)
}

func (h *hostileRun) unique(prefix string) string {
	h.n++
	return fmt.Sprintf("%s%d", prefix, 3000+h.n)
}

// answerVersion is the current version of one of Eastgate's answers.
func (h *hostileRun) answerVersion(sub string) int {
	a := h.ts.assessment(h.t, h.ts.member(h.t, eastgate).ID, h.ts.cycle.ID)
	return h.ts.answers(h.t, a.ID)[sub].Version
}

// token makes a fresh one-time link, so a post is not refused merely
// because an earlier one used the link.
func (h *hostileRun) token(purpose, email string, userID int64) string {
	token, hash, err := accounts.NewToken()
	if err != nil {
		h.t.Fatal(err)
	}
	t := store.Token{Hash: hash, Purpose: purpose, Email: email, UserID: userID, ExpiresAt: time.Now().Add(time.Hour)}
	if purpose == store.PurposeInvite {
		t.Grant = accounts.Grant{ConsortiumID: h.ts.consortium.ID, Role: accounts.Board}
	}
	if err := h.ts.st.CreateToken(context.Background(), store.System, t); err != nil {
		h.t.Fatal(err)
	}
	return token
}

// pendingSecondFactor signs in an account with a second factor and stops
// at the code: the state in which /login/code is posted.
func (h *hostileRun) pendingSecondFactor() *browser {
	t := h.t
	ctx := context.Background()
	hash, err := accounts.HashPassword(demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	const email = "second-factor@example.org"
	id, err := h.ts.st.CreateUser(ctx, store.System, store.User{Email: email, Name: "Two Steps", PasswordHash: hash},
		[]accounts.Grant{{ConsortiumID: h.ts.consortium.ID, Role: accounts.Board}})
	if err != nil {
		t.Fatal(err)
	}
	secret, err := accounts.NewTOTPSecret()
	if err != nil {
		t.Fatal(err)
	}
	if err := h.ts.st.SetTOTP(ctx, store.System, id, secret); err != nil {
		t.Fatal(err)
	}
	b := h.ts.newBrowser(t)
	res := b.post(t, "/login", url.Values{"email": {email}, "password": {demo.Password}})
	wantRedirect(t, "sign in with a second factor", res, "/login/code")
	b.email = email
	return b
}

// ---- forms found on the pages ----

var (
	formTagRE     = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	inputTagRE    = regexp.MustCompile(`(?is)<(input|button)\b([^>]*)>`)
	selectTagRE   = regexp.MustCompile(`(?is)<select\b([^>]*)>(.*?)</select>`)
	optionTagRE   = regexp.MustCompile(`(?is)<option\b([^>]*)>`)
	textareaTagRE = regexp.MustCompile(`(?is)<textarea\b([^>]*)>(.*?)</textarea>`)
	hrefRE        = regexp.MustCompile(`\bhref="(/[^"#]*)`)
)

// attr returns an attribute of a tag's attribute text (HTML-unescaped);
// boolean attributes are present with the value "".
func attr(attrs, name string) (string, bool) {
	m := regexp.MustCompile(`(?i)(?:^|\s)` + name + `(?:="([^"]*)")?(?:\s|/|$)`).FindStringSubmatch(attrs)
	if m == nil {
		return "", false
	}
	return htmlUnescape(m[1]), true
}

// postForm is a POST form as the page offers it.
type postForm struct {
	action string
	fields []string
	values url.Values
	upload string
}

// postForms lists the POST forms of a page with the values a browser would
// send without anyone typing: hidden fields, filled-in inputs, checked
// boxes, selected options, textarea contents.
func postForms(body, page string) []postForm {
	var out []postForm
	for _, f := range formTagRE.FindAllStringSubmatch(body, -1) {
		if m, _ := attr(f[1], "method"); !strings.EqualFold(m, "post") {
			continue
		}
		pf := postForm{action: page, values: url.Values{}}
		if a, ok := attr(f[1], "action"); ok && a != "" {
			pf.action = a
		}
		add := func(name string) {
			if name != "" && !slices.Contains(pf.fields, name) {
				pf.fields = append(pf.fields, name)
			}
		}
		for _, in := range inputTagRE.FindAllStringSubmatch(f[2], -1) {
			name, _ := attr(in[2], "name")
			if _, off := attr(in[2], "disabled"); off || name == "" {
				continue
			}
			value, _ := attr(in[2], "value")
			typ, _ := attr(in[2], "type")
			typ = strings.ToLower(typ)
			add(name)
			switch {
			case strings.EqualFold(in[1], "button") || typ == "submit" || typ == "image":
				if !pf.values.Has(name) {
					pf.values.Set(name, value) // as if this button were pressed
				}
			case typ == "file":
				pf.upload = name
			case typ == "checkbox" || typ == "radio":
				if _, on := attr(in[2], "checked"); on {
					if value == "" {
						value = "on"
					}
					pf.values.Add(name, value)
				}
			default:
				pf.values.Add(name, value)
			}
		}
		for _, sel := range selectTagRE.FindAllStringSubmatch(f[2], -1) {
			name, _ := attr(sel[1], "name")
			if _, off := attr(sel[1], "disabled"); off || name == "" {
				continue
			}
			add(name)
			var first, chosen string
			for i, o := range optionTagRE.FindAllStringSubmatch(sel[2], -1) {
				v, _ := attr(o[1], "value")
				if i == 0 {
					first = v
				}
				if _, on := attr(o[1], "selected"); on && chosen == "" {
					chosen = v
				}
			}
			if chosen == "" {
				chosen = first
			}
			pf.values.Set(name, chosen)
		}
		for _, ta := range textareaTagRE.FindAllStringSubmatch(f[2], -1) {
			name, _ := attr(ta[1], "name")
			if _, off := attr(ta[1], "disabled"); off || name == "" {
				continue
			}
			add(name)
			pf.values.Set(name, htmlUnescape(strings.TrimPrefix(ta[2], "\n")))
		}
		out = append(out, pf)
	}
	return out
}

// discoverForms visits the pages the coordinator and Eastgate's IT lead
// can reach (every GET route whose parameters are known, and the links on
// the pages, up to a bound) and keeps, per POST route, the first form whose
// action is that route, found by the persona allowed to use it.
func (h *hostileRun) discoverForms() map[string]*hostileRoute {
	t := h.t
	out := map[string]*hostileRoute{}
	router := h.ts.srv.Router()
	var start []string
	chi.Walk(router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if p := h.fill(route, nil); method == http.MethodGet && !strings.ContainsAny(p, "{*") {
			start = append(start, p)
		}
		return nil
	})
	slices.Sort(start)
	eastgateID := h.id(eastgate)
	for _, who := range []string{"coordinator", "it-eastgate"} {
		b := h.people[who]
		queue := append([]string{"/"}, start...)
		seen := map[string]bool{}
		for len(queue) > 0 && len(seen) < 200 {
			p := queue[0]
			queue = queue[1:]
			if seen[p] || skipCrawl(p, eastgateID) {
				continue
			}
			seen[p] = true
			res := b.get(t, p)
			if res.status == http.StatusSeeOther {
				queue = append(queue, res.locationPath())
				continue
			}
			if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
				continue
			}
			for _, f := range postForms(res.body, p) {
				action, _, _ := strings.Cut(f.action, "?")
				rctx := chi.NewRouteContext()
				pattern := router.Find(rctx, http.MethodPost, action)
				key := "POST " + pattern
				if pattern == "" || out[key] != nil || hostileRoutes[key].valid != nil || personaFor(h.ts.srv.rules[key]) != who {
					continue
				}
				spec := &hostileRoute{as: who, fields: f.fields, upload: f.upload, found: p, action: f.action, params: map[string]string{}}
				for i, k := range rctx.URLParams.Keys {
					spec.params[k] = rctx.URLParams.Values[i]
				}
				values := f.values
				spec.valid = func(*hostileRun) url.Values { return cloneValues(values) }
				spec.refresh = func(h *hostileRun) {
					res := h.people[spec.as].get(h.t, spec.found)
					for _, g := range postForms(res.body, spec.found) {
						if g.action == spec.action {
							values = g.values
						}
					}
				}
				out[key] = spec
			}
			for _, m := range hrefRE.FindAllStringSubmatch(res.body, -1) {
				link, _, _ := strings.Cut(htmlUnescape(m[1]), "?")
				if router.Find(chi.NewRouteContext(), http.MethodGet, link) != "" && !seen[link] {
					queue = append(queue, link)
				}
			}
		}
	}
	return out
}

// skipCrawl leaves out downloads, the API, sign-out pages, the 22 category
// pages of each assessment (their forms are listed by hand) and other
// members than Eastgate, to keep the walk short.
func skipCrawl(p, eastgateID string) bool {
	for _, suffix := range []string{".pdf", ".csv", ".db", ".json"} {
		if strings.HasSuffix(p, suffix) {
			return true
		}
	}
	if strings.HasPrefix(p, "/static/") || strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/login") || strings.Contains(p, "/categories/") ||
		p == "/consortium/results" {
		return true
	}
	if rest, ok := strings.CutPrefix(p, "/members/"); ok {
		id, _, _ := strings.Cut(rest, "/")
		return id != eastgateID
	}
	return false
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// hash is a digest of every row of every table but those that change on
// their own with any request: sessions (last seen) and the audit log
// (refused attempts are recorded on purpose). Rate limits live in memory.
func (h *hostileRun) hash() string {
	t := h.t
	t.Helper()
	ctx := context.Background()
	var dv int64
	if err := h.conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&dv); err != nil {
		t.Fatal(err)
	}
	if dv == h.dataVersion {
		return h.digest
	}
	tables, err := h.conn.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('sessions', 'audit_log') ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for tables.Next() {
		var n string
		tables.Scan(&n)
		names = append(names, n)
	}
	tables.Close()
	sum := sha256.New()
	for _, name := range names {
		rows, err := h.conn.QueryContext(ctx, `SELECT * FROM "`+name+`"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		var lines []string
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%#v", vals))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		slices.Sort(lines)
		fmt.Fprintf(sum, "%s %d\n%s\n", name, len(lines), strings.Join(lines, "\n"))
	}
	h.dataVersion, h.digest = dv, hex.EncodeToString(sum.Sum(nil))
	return h.digest
}
