package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"palisade/demo"
	"palisade/frameworks"
	"palisade/store"
)

// The handler tests drive the real server over real HTTP, with a real
// SQLite database in a temporary directory, the way a browser would: a
// cookie jar per person, redirects not followed (so a test can see each
// 303), and the headers browsers send with a same-site form.
//
// Every browser comes from its own address (see newBrowser): the login rate
// limit counts every attempt per address, successful ones included, so
// several people signing in from one address would soon be refused, as they
// would be in production behind one NAT.

// Demo members used throughout the tests.
const (
	millbrook  = "town-of-millbrook"      // submitted in the current cycle
	eastgate   = "town-of-eastgate"       // draft, every question answered
	harbor     = "harbor-port-district"   // draft, every question answered
	pineHollow = "village-of-pine-hollow" // draft, about 40% answered
	riverton   = "city-of-riverton"       // submitted
	alderFalls = "city-of-alder-falls"    // submitted
)

const (
	coordinatorEmail = "coordinator@demo.palisade.test"
	boardEmail       = "board@demo.palisade.test"
)

func itEmail(slug string) string { return "it@" + slug + ".demo.palisade.test" }

// testServer is a running Palisade with its store.
type testServer struct {
	srv  *Server
	st   *store.Store
	http *httptest.Server
	URL  string

	// The demo consortium and its cycles (zero without demo data).
	consortium store.Consortium
	cycle      store.Cycle // current, open
	prevCycle  store.Cycle // previous, closed

	transport *http.Transport
	ips       atomic.Int64
}

// newTestServer starts a server on a fresh database holding the demo
// consortium.
func newTestServer(t *testing.T) *testServer {
	t.Helper()
	return startServer(t, true)
}

// newEmptyTestServer starts a server on a fresh, empty database (first run).
func newEmptyTestServer(t *testing.T) *testServer {
	t.Helper()
	return startServer(t, false)
}

func startServer(t *testing.T, withDemo bool) *testServer {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	ts := &testServer{st: st}
	if withDemo {
		if err := demo.Load(ctx, st, frameworks.CSF20(), frameworks.NCSR()); err != nil {
			t.Fatalf("load demo: %v", err)
		}
		all, err := st.Consortia(ctx)
		if err != nil || len(all) != 1 {
			t.Fatalf("demo consortia: %v, %v", all, err)
		}
		ts.consortium = all[0]
		cycles, err := st.CyclesOfConsortium(ctx, ts.consortium.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cycles {
			if c.Open() && ts.cycle.ID == 0 {
				ts.cycle = c
			}
			if !c.Open() && ts.prevCycle.ID == 0 {
				ts.prevCycle = c
			}
		}
		if cur, err := st.CurrentCycle(ctx, ts.consortium.ID); err != nil || cur.ID != ts.cycle.ID {
			t.Fatalf("current cycle %+v, %v; want the open one %+v", cur, err, ts.cycle)
		}
		if ts.cycle.ID == 0 || ts.prevCycle.ID == 0 {
			t.Fatalf("demo cycles %+v: want one open and one closed", cycles)
		}
	}
	// TrustProxy lets each test browser have its own client address (see
	// newBrowser); everything else is the default configuration.
	ts.srv = New(Config{TrustProxy: true}, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ts.http = httptest.NewServer(ts.srv)
	ts.URL = ts.http.URL
	ts.transport = &http.Transport{MaxIdleConnsPerHost: 8}
	t.Cleanup(func() {
		ts.transport.CloseIdleConnections()
		ts.http.Close()
	})
	return ts
}

// member returns a demo member by its slug.
func (ts *testServer) member(t *testing.T, slug string) store.Member {
	t.Helper()
	m, err := ts.st.MemberBySlug(context.Background(), ts.consortium.ID, slug)
	if err != nil {
		t.Fatalf("member %s: %v", slug, err)
	}
	return m
}

// user returns an account by email.
func (ts *testServer) user(t *testing.T, email string) store.User {
	t.Helper()
	u, err := ts.st.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	return u
}

// assessment returns a member's assessment in a cycle.
func (ts *testServer) assessment(t *testing.T, memberID, cycleID int64) store.Assessment {
	t.Helper()
	a, err := ts.st.AssessmentOf(context.Background(), memberID, cycleID)
	if err != nil {
		t.Fatalf("assessment of member %d in cycle %d: %v", memberID, cycleID, err)
	}
	return a
}

// answers returns the current answers of an assessment.
func (ts *testServer) answers(t *testing.T, assessmentID int64) map[string]store.Answer {
	t.Helper()
	m, err := ts.st.AnswersForAssessment(context.Background(), assessmentID)
	if err != nil {
		t.Fatalf("answers of assessment %d: %v", assessmentID, err)
	}
	return m
}

// audit returns the audit events whose action starts with prefix.
func (ts *testServer) audit(t *testing.T, prefix string) []store.Event {
	t.Helper()
	ev, err := ts.st.AuditEvents(context.Background(), store.AuditFilter{Action: prefix, Limit: 1000})
	if err != nil {
		t.Fatalf("audit events: %v", err)
	}
	return ev
}

// cyclePath is the address of a member's assessment in a cycle.
func cyclePath(memberID, cycleID int64) string {
	return fmt.Sprintf("/members/%d/cycles/%d", memberID, cycleID)
}

// browser is one person's browser: its own cookies and client address.
type browser struct {
	ts     *testServer
	client *http.Client
	ip     string
	email  string // who signed in, if anyone
}

// newBrowser opens a browser with no cookies. Each browser gets its own
// client address, as different people would have.
func (ts *testServer) newBrowser(t *testing.T) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	n := ts.ips.Add(1)
	return &browser{
		ts: ts,
		ip: fmt.Sprintf("10.%d.%d.%d", (n>>16)&255, (n>>8)&255, n&255),
		client: &http.Client{
			Jar:       jar,
			Transport: ts.transport,
			Timeout:   30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
	}
}

// signIn opens a browser and signs in with the password of the demo.
func (ts *testServer) signIn(t *testing.T, email string) *browser {
	t.Helper()
	return ts.signInWith(t, email, demo.Password)
}

// signInWith opens a browser and signs in; it fails the test unless the
// sign-in is complete (no second factor due).
func (ts *testServer) signInWith(t *testing.T, email, password string) *browser {
	t.Helper()
	b := ts.newBrowser(t)
	res := b.post(t, "/login", url.Values{"email": {email}, "password": {password}})
	if res.status != http.StatusSeeOther || res.location() != "/" {
		t.Fatalf("sign in as %s: %d to %q; want 303 to /\n%s", email, res.status, res.location(), res.text())
	}
	b.email = email
	return b
}

// response is a response with its body read.
type response struct {
	status int
	header http.Header
	body   string
}

func (r response) location() string { return r.header.Get("Location") }

// locationPath is the path of the redirect target, without its query.
func (r response) locationPath() string {
	u, err := url.Parse(r.location())
	if err != nil {
		return r.location()
	}
	return u.Path
}

// toLogin reports whether the response sends the browser to the sign-in page.
func (r response) toLogin() bool {
	return r.status == http.StatusSeeOther && r.locationPath() == "/login"
}

// text is the visible text of the body, for failure messages.
func (r response) text() string {
	s := tagRE.ReplaceAllString(r.body, " ")
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 1500 {
		s = s[:1500] + "…"
	}
	return s
}

var tagRE = regexp.MustCompile(`(?s)<script.*?</script>|<[^>]*>`)

// do sends a request the way a browser would from a page of this site.
func (b *browser) do(t *testing.T, req *http.Request) response {
	t.Helper()
	b.prepare(req)
	res, err := b.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	return readResponse(t, req, res)
}

// raw sends a request without the cookie jar and without looking at the
// response beyond reading it, so that even a Location the http client
// would refuse to parse can be checked.
func (b *browser) raw(t *testing.T, req *http.Request) response {
	t.Helper()
	b.prepare(req)
	res, err := b.ts.transport.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	return readResponse(t, req, res)
}

func (b *browser) prepare(req *http.Request) {
	// A header given as "" is left out, like an older browser would.
	if _, ok := req.Header["Origin"]; !ok && req.Method != http.MethodGet && req.Method != http.MethodHead {
		req.Header.Set("Origin", b.ts.URL)
	}
	if _, ok := req.Header["Sec-Fetch-Site"]; !ok {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for k, v := range req.Header {
		if len(v) == 1 && v[0] == "" {
			delete(req.Header, k)
		}
	}
	req.Header.Set("X-Forwarded-For", b.ip)
	req.Header.Set("User-Agent", "palisade-test-browser")
}

func readResponse(t *testing.T, req *http.Request, res *http.Response) response {
	t.Helper()
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL.Path, err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(body)}
}

func (b *browser) get(t *testing.T, path string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html")
	return b.do(t, req)
}

// post sends a form as a browser does.
func (b *browser) post(t *testing.T, path string, form url.Values) response {
	t.Helper()
	return b.postWith(t, path, form, nil)
}

// postJSON sends a form the way static/autosave.js does, asking for JSON.
func (b *browser) postJSON(t *testing.T, path string, form url.Values) response {
	t.Helper()
	return b.postWith(t, path, form, http.Header{"X-Requested-With": {"fetch"}, "Accept": {"application/json"}})
}

func (b *browser) postWith(t *testing.T, path string, form url.Values, header http.Header) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	return b.do(t, req)
}

// cookie returns the value of a cookie the browser holds for the site.
func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.ts.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// setCookie puts a cookie into the browser, as a planted or copied one.
func (b *browser) setCookie(name, value string) {
	u, _ := url.Parse(b.ts.URL)
	b.client.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// ---- small assertions on pages ----

func wantStatus(t *testing.T, what string, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("%s: status %d; want %d (location %q)\n%s", what, r.status, want, r.location(), r.text())
	}
}

func wantRedirect(t *testing.T, what string, r response, path string) {
	t.Helper()
	if r.status != http.StatusSeeOther || r.locationPath() != path {
		t.Fatalf("%s: %d to %q; want 303 to %s\n%s", what, r.status, r.location(), path, r.text())
	}
}

func wantContains(t *testing.T, what string, r response, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.body, p) {
			t.Errorf("%s: page does not contain %q\n%s", what, p, r.text())
		}
	}
}

func wantNotContains(t *testing.T, what string, r response, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(r.body, p) {
			t.Errorf("%s: page contains %q; it should not", what, p)
		}
	}
}

// inputValue returns the value attribute of the input with the given name
// (the first one on the page).
func inputValue(t *testing.T, body, name string) string {
	t.Helper()
	re := regexp.MustCompile(`<input[^>]*\bname="` + regexp.QuoteMeta(name) + `"[^>]*>`)
	tag := re.FindString(body)
	if tag == "" {
		t.Fatalf("no input named %q on the page", name)
	}
	m := regexp.MustCompile(`\bvalue="([^"]*)"`).FindStringSubmatch(tag)
	if m == nil {
		return ""
	}
	return htmlUnescape(m[1])
}

// formHTML returns the HTML of the form with the given id.
func formHTML(t *testing.T, body, id string) string {
	t.Helper()
	start := strings.Index(body, `<form id="`+id+`"`)
	if start < 0 {
		t.Fatalf("no form %q on the page", id)
	}
	end := strings.Index(body[start:], "</form>")
	if end < 0 {
		t.Fatalf("form %q is not closed", id)
	}
	return body[start : start+end]
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&quot;", `"`).Replace(s)
}
