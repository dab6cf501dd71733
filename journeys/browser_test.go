// Package journeys drives the real Palisade server with a real headless
// Chromium (chromedp): people sign in through the login form, move around
// with the keyboard, save answers with and without JavaScript, and every
// page is checked by axe-core. Every tab fails its test on a console error,
// an uncaught exception or a Content-Security-Policy violation.
//
// The tests skip when no Chromium is installed, so `go test ./...` passes on
// a machine with only Go. See README.md in this folder for what CI installs.
package journeys

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"palisade/demo"
	"palisade/frameworks"
	"palisade/store"
	"palisade/web"
)

// Demo accounts (see demo.Accounts).
const (
	coordinatorEmail = "coordinator@demo.palisade.test"
	boardEmail       = "board@demo.palisade.test"
	eastgate         = "town-of-eastgate" // draft in the open cycle, every question answered
	cascadeCounty    = "cascade-county"   // submitted in the open cycle
)

func itEmail(slug string) string { return "it@" + slug + ".demo.palisade.test" }

// stepTimeout bounds one browser step (a navigation, a click, a wait), so a
// broken page fails its test instead of hanging the package.
const stepTimeout = 15 * time.Second

// ---------- the server ----------

// app is a running Palisade on a fresh database holding the demo consortium.
// Each test gets its own: the login rate limit counts every sign-in from
// 127.0.0.1, and tests that save answers must not see each other's.
type app struct {
	st         *store.Store
	URL        string
	consortium store.Consortium
	cycle      store.Cycle // the open cycle
}

func startApp(t *testing.T) *app {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "palisade.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if err := demo.Load(ctx, st, frameworks.CSF20(), frameworks.NCSR()); err != nil {
		t.Fatalf("load demo: %v", err)
	}
	all, err := st.Consortia(ctx)
	if err != nil || len(all) != 1 {
		t.Fatalf("demo consortia: %v, %v", all, err)
	}
	cycle, err := st.CurrentCycle(ctx, all[0].ID)
	if err != nil {
		t.Fatalf("current cycle: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(web.New(web.Config{}, st, logger))
	t.Cleanup(srv.Close)
	return &app{st: st, URL: srv.URL, consortium: all[0], cycle: cycle}
}

// memberID is the id of a demo member.
func (a *app) memberID(t *testing.T, slug string) int64 {
	t.Helper()
	m, err := a.st.MemberBySlug(context.Background(), a.consortium.ID, slug)
	if err != nil {
		t.Fatalf("member %s: %v", slug, err)
	}
	return m.ID
}

// assessment is the path of a member's assessment in the open cycle.
func (a *app) assessment(t *testing.T, slug string) string {
	return fmt.Sprintf("/members/%d/cycles/%d", a.memberID(t, slug), a.cycle.ID)
}

// ---------- the browser ----------

// One headless Chromium serves the whole package (starting one takes a
// second or two); every tab gets a fresh browser context, so people never
// share cookies, storage or cache. TestMain stops it and removes its profile.
var shared struct {
	once    sync.Once
	ctx     context.Context // has run once: the browser process is up
	skip    string          // why the tests skip (no Chromium)
	err     error           // why the browser could not start
	stop    func()
	profile string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.stop != nil {
		shared.stop()
	}
	if shared.profile != "" {
		os.RemoveAll(shared.profile)
	}
	os.Exit(code)
}

// findChromium looks for the browser on PATH.
func findChromium() (string, error) {
	names := []string{"chromium", "chromium-browser", "google-chrome"}
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("none of %s is on PATH (Debian: apt-get install chromium)", strings.Join(names, ", "))
}

// startBrowser returns the package's browser, starting it on first use, or
// skips the test when no Chromium is installed.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	shared.once.Do(func() {
		path, err := findChromium()
		if err != nil {
			shared.skip = "chromium not installed: " + err.Error()
			return
		}
		shared.profile, err = os.MkdirTemp("", "palisade-journeys-chromium-")
		if err != nil {
			shared.err = err
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("no-first-run", true),
			chromedp.UserDataDir(shared.profile),
			chromedp.WindowSize(1280, 900),
		)
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(allocCtx)
		shared.stop = func() { cancel(); cancelAlloc() }
		// The first action starts the browser. No timeout on this context:
		// it would end the browser.
		if err := chromedp.Do(ctx); err != nil {
			shared.err = fmt.Errorf("start %s: %w", path, err)
			return
		}
		shared.ctx = ctx
	})
	if shared.skip != "" {
		skipOrFail(t, shared.skip)
	}
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.ctx
}

// ---------- a tab, with its console watched ----------

// tab is one person's browser tab.
type tab struct {
	t    *testing.T
	name string // for messages and screenshot names
	ctx  context.Context
	base string
	noJS bool // JavaScript is off in this tab

	mu       sync.Mutex
	problems []string        // console errors, exceptions, CSP violations not yet reported
	notes    []string        // warnings, logged for information
	expected map[string]bool // URLs visited on purpose that answer with an error status
	last     string          // the page the problems belong to
}

// openTab opens a tab in a fresh browser context (no cookies, no cache) of
// the shared browser. When the test fails, a screenshot of the tab's page is saved in
// test-output/ at the repository root.
func openTab(t *testing.T, browser context.Context, base, name string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // open the tab before listening
		t.Fatalf("open tab %s: %v", name, err)
	}
	tb := &tab{t: t, name: name, ctx: ctx, base: base, expected: map[string]bool{}}
	if err := chromedp.Listen(ctx, tb.onEvent); err != nil {
		t.Fatalf("listen to tab %s: %v", name, err)
	}
	// chromedp enables the log domain for every tab; enabling it again is
	// harmless and keeps this file's promise independent of that.
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("enable log domain: %v", err)
	}
	t.Cleanup(func() {
		tb.checkConsole()
		if t.Failed() {
			tb.screenshot("at-end")
		}
	})
	return tb
}

var cspPattern = regexp.MustCompile(`Content[- ]Security[- ]Policy|Refused to`)

// onEvent runs in the tab's event loop: it only records.
func (tb *tab) onEvent(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		text := argsText(ev.Args)
		switch {
		case ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert || cspPattern.MatchString(text):
			tb.problems = append(tb.problems, fmt.Sprintf("console.%s: %s%s", ev.Type, text, stackPlace(ev.StackTrace)))
		case ev.Type == runtime.ConsoleAPICalledTypeWarning:
			tb.notes = append(tb.notes, "console.warn: "+text)
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + firstLine(d.Exception.Description)
		}
		tb.problems = append(tb.problems, fmt.Sprintf("uncaught exception: %s (%s:%d:%d)", text, d.URL, d.LineNumber+1, d.ColumnNumber+1))
	case *log.EventEntryAdded:
		e := ev.Entry
		csp := cspPattern.MatchString(e.Text)
		switch {
		case csp || e.Level == log.EntryLevelError:
			if !csp && e.Source == log.EntrySourceNetwork && tb.expected[e.URL] {
				return // the 403/404 of a page visited on purpose
			}
			tb.problems = append(tb.problems, fmt.Sprintf("log %s/%s: %s (%s)", e.Source, e.Level, e.Text, e.URL))
		case e.Level == log.EntryLevelWarning:
			tb.notes = append(tb.notes, fmt.Sprintf("log %s/warning: %s (%s)", e.Source, e.Text, e.URL))
		}
	}
}

func argsText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		switch {
		case a.Type == runtime.RemoteObjectTypeString:
			var s string
			if err := json.Unmarshal([]byte(a.Value), &s); err == nil {
				parts = append(parts, s)
				continue
			}
			parts = append(parts, string(a.Value))
		case len(a.Value) > 0:
			parts = append(parts, string(a.Value))
		case a.Description != "":
			parts = append(parts, firstLine(a.Description))
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

func stackPlace(st *runtime.StackTrace) string {
	if st == nil || len(st.CallFrames) == 0 {
		return ""
	}
	f := st.CallFrames[0]
	return fmt.Sprintf(" (%s:%d:%d)", f.URL, f.LineNumber+1, f.ColumnNumber+1)
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// checkConsole fails the test for every problem seen since the last check.
func (tb *tab) checkConsole() {
	tb.t.Helper()
	tb.mu.Lock()
	problems, notes, page := tb.problems, tb.notes, tb.last
	tb.problems, tb.notes = nil, nil
	tb.mu.Unlock()
	for _, n := range notes {
		tb.t.Logf("%s on %s: %s", tb.name, page, n)
	}
	for _, p := range problems {
		tb.t.Errorf("%s on %s: %s", tb.name, page, p)
	}
	if len(problems) > 0 {
		tb.screenshot("console")
	}
}

// run runs browser steps with a time limit.
func (tb *tab) run(steps ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	return chromedp.Do(ctx, steps...)
}

// eval evaluates a JavaScript expression in the page (through DevTools, so
// CSP does not apply) and decodes its value.
func eval[T any](tb *tab, expr string, opts ...chromedp.EvaluateOption) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		tb.fatalf("evaluate %.80q: %v", expr, err)
	}
	return v
}

// waitFor evaluates a JavaScript expression every 50 ms until it is true.
// (chromedp.Poll builds its predicate with new Function, which Palisade's
// CSP rightly refuses, so it cannot be used here.)
func (tb *tab) waitFor(what, expr string, timeout time.Duration) {
	tb.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if eval[bool](tb, "Boolean("+expr+")") {
			return
		}
		if time.Now().After(deadline) {
			tb.fatalf("waited %v for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// visit opens a path and checks the HTTP status of the page it ends on,
// then the console. The console errors a deliberate 403/404 causes ("Failed
// to load resource") are expected.
func (tb *tab) visit(path string, wantStatus int) {
	tb.t.Helper()
	tb.checkConsole()
	if wantStatus >= 400 {
		tb.mu.Lock()
		tb.expected[tb.base+path] = true
		tb.mu.Unlock()
	}
	tb.setPage(path)
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(tb.base+path))
	if err != nil {
		tb.fatalf("open %s: %v", path, err)
	}
	tb.checkResponse(path, resp, wantStatus)
}

// submit runs the steps (a click that sends a form) and waits for the page
// that comes back.
func (tb *tab) submit(what string, wantStatus int, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	tb.checkConsole()
	tb.setPage(what)
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		tb.fatalf("%s: %v", what, err)
	}
	tb.checkResponse(what, resp, wantStatus)
}

func (tb *tab) checkResponse(what string, resp *network.Response, wantStatus int) {
	tb.t.Helper()
	if resp == nil {
		tb.fatalf("%s: no response", what)
	}
	loc := tb.path()
	tb.setPage(loc)
	if int(resp.Status) != wantStatus {
		tb.fatalf("%s: ended on %s with status %d, want %d", what, loc, resp.Status, wantStatus)
	}
	// Deferred scripts have run by the load event; give the page's own
	// work (charts, autosave wiring) a moment, then look at the console.
	tb.settle()
	tb.checkConsole()
}

// settle waits until the page's scripts have had a chance to run.
func (tb *tab) settle() {
	tb.t.Helper()
	if tb.noJS {
		return // nothing runs, and a promise would never settle
	}
	eval[chromedp.Void](tb, `new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))`, chromedp.EvalAwaitPromise)
}

func (tb *tab) setPage(p string) {
	tb.mu.Lock()
	tb.last = p
	tb.mu.Unlock()
}

// path is the path (and query) of the page the tab shows.
func (tb *tab) path() string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		tb.fatalf("location: %v", err)
	}
	return strings.TrimPrefix(loc, tb.base)
}

// text is the visible text of the first element matching a CSS selector.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	return eval[string](tb, fmt.Sprintf(`(document.querySelector(%q) || {innerText: ""}).innerText`, sel))
}

// count is the number of elements matching a CSS selector.
func (tb *tab) count(sel string) int {
	tb.t.Helper()
	return eval[int](tb, fmt.Sprintf(`document.querySelectorAll(%q).length`, sel))
}

func (tb *tab) fatalf(format string, args ...any) {
	tb.t.Helper()
	tb.screenshot("failure")
	tb.t.Fatalf(tb.name+": "+format, args...)
}

func (tb *tab) errorf(format string, args ...any) {
	tb.t.Helper()
	tb.screenshot("failure")
	tb.t.Errorf(tb.name+": "+format, args...)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// screenshot saves the page as test-output/<test>_<tab>_<page>_<why>.png.
func (tb *tab) screenshot(why string) {
	tb.mu.Lock()
	page := tb.last
	tb.mu.Unlock()
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Logf("%s: no screenshot: %v", tb.name, err)
		return
	}
	dir := filepath.Join("..", "test-output")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Logf("screenshot: %v", err)
		return
	}
	name := strings.Join([]string{tb.t.Name(), tb.name, page, why}, "_")
	name = strings.Trim(unsafeName.ReplaceAllString(name, "-"), "-")
	if len(name) > 150 {
		name = name[:150]
	}
	file := filepath.Join(dir, name+".png")
	if err := os.WriteFile(file, buf, 0o644); err != nil {
		tb.t.Logf("screenshot: %v", err)
		return
	}
	abs, _ := filepath.Abs(file)
	tb.t.Logf("%s: screenshot of %s saved to %s", tb.name, page, abs)
}

// ---------- signing in ----------

// signIn signs in through the real login form: it types into the fields and
// presses the button, as a person would. It returns the landing path.
func (tb *tab) signIn(email string) string {
	tb.t.Helper()
	tb.visit("/login", http.StatusOK)
	if err := tb.run(
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.Password),
	); err != nil {
		tb.fatalf("fill in the login form: %v", err)
	}
	tb.submit("sign in as "+email, http.StatusOK, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)))
	landing := tb.path()
	if strings.HasPrefix(landing, "/login") {
		tb.fatalf("still on %s after signing in as %s: %q", landing, email, tb.text(".alert"))
	}
	return landing
}

// navLinks lists the labels of the main navigation.
func (tb *tab) navLinks() []string {
	tb.t.Helper()
	return eval[[]string](tb, `Array.from(document.querySelectorAll('nav.site-nav a')).map(a => a.textContent.trim())`)
}

// ---------- the watcher watches ----------

// TestConsoleWatcherSeesCSPViolations makes sure the console checks of every
// other test can fail: a page under Palisade's CSP with an inline script and
// an inline style must be reported, a clean page must not.
func TestConsoleWatcherSeesCSPViolations(t *testing.T) {
	browser := startBrowser(t)
	const csp = "default-src 'self'; script-src 'self'; style-src 'self'"
	mux := http.NewServeMux()
	mux.HandleFunc("/bad", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		io.WriteString(w, `<!DOCTYPE html><html lang="en"><title>bad</title><p style="color:red">x</p><script>document.title = "ran"</script>`)
	})
	mux.HandleFunc("/error", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `<!DOCTYPE html><html lang="en"><title>error</title><script>console.error("boom"); null.x</script>`)
	})
	mux.HandleFunc("/good", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		io.WriteString(w, `<!DOCTYPE html><html lang="en"><title>good</title><p>fine</p>`)
	})
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// The recorded problems are taken directly, before checkConsole would
	// report them as failures of this test.
	tb := openTab(t, browser, srv.URL, "watcher")
	take := func(path string) []string {
		ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
		defer cancel()
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+path)); err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		tb.settle()
		tb.mu.Lock()
		defer tb.mu.Unlock()
		p := tb.problems
		tb.problems, tb.notes = nil, nil
		return p
	}
	got := strings.Join(take("/bad"), "\n")
	if !strings.Contains(got, "script-src") || !strings.Contains(got, "style-src") {
		t.Errorf("inline script and style under CSP: want both violations reported, got:\n%s", got)
	}
	got = strings.Join(take("/error"), "\n")
	if !strings.Contains(got, "console.error: boom") || !strings.Contains(got, "uncaught exception") {
		t.Errorf("console.error and a TypeError: want both reported, got:\n%s", got)
	}
	if got := take("/good"); len(got) > 0 {
		t.Errorf("clean page: want no problems, got %q", got)
	}
}

// skipOrFail skips a journey whose tools are missing, so `go test ./...`
// passes on a machine with only Go; CI sets PALISADE_JOURNEYS=required
// (.ci/run), where a missing tool must fail rather than skip silently.
func skipOrFail(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("PALISADE_JOURNEYS") == "required" {
		t.Fatal(why + " (PALISADE_JOURNEYS=required)")
	}
	t.Skip(why)
}
