package journeys

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, installed by `npm ci --prefix journeys` from the
// exact version pinned in package.json.
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js"))
	if errors.Is(err, os.ErrNotExist) {
		skipOrFail(t, "axe-core is not installed: run `npm ci --prefix journeys` (it reads journeys/package-lock.json)")
	}
	if err != nil {
		t.Fatalf("read axe-core: %v", err)
	}
	return string(b)
}

// axeViolation is one failed rule on a page, with its first few elements.
type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Count   int    `json:"count"`
	Nodes   []struct {
		Target  []string `json:"target"`
		HTML    string   `json:"html"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

// axeRun checks the whole document against WCAG 2.1 A and AA.
const axeRun = `(async () => {
	const r = await axe.run(document, {
		runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
		resultTypes: ['violations'],
	});
	return {passes: r.passes.length, violations: r.violations.map(v => ({
		id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl, count: v.nodes.length,
		nodes: v.nodes.slice(0, 3).map(n => ({
			target: n.target.map(String), html: n.html.slice(0, 240), summary: n.failureSummary || '',
		})),
	}))};
})()`

type axeResult struct {
	Passes     int            `json:"passes"`
	Violations []axeViolation `json:"violations"`
}

// runTogether lists the elements whose visually hidden text touches the
// text beside it without a space.
const runTogether = `Array.from(document.querySelectorAll('.visually-hidden')).filter(el => {
	const text = el.textContent;
	if (text.trim() === '') return false;
	const prev = el.previousSibling ? el.previousSibling.textContent : '';
	const next = el.nextSibling ? el.nextSibling.textContent : '';
	return (prev !== '' && !/\s$/.test(prev) && !/^[\s.,;:!?)]/.test(text)) ||
		(next !== '' && !/^[\s.,;:!?)]/.test(next) && !/\s$/.test(text));
}).map(el => el.parentElement.outerHTML.slice(0, 240))`

// runAxe runs axe-core on the tab's page. It is evaluated through DevTools,
// so the page's CSP (script-src 'self') does not block it.
func runAxe(tb *tab, source string) axeResult {
	tb.t.Helper()
	eval[chromedp.Void](tb, source)
	res := eval[axeResult](tb, axeRun, chromedp.EvalAwaitPromise)
	if res.Passes == 0 {
		tb.fatalf("axe-core checked nothing on %s", tb.path())
	}
	return res
}

// checkAccessibility runs axe-core on the tab's page and fails the test for
// every violation, saying what to fix and where.
func checkAccessibility(tb *tab, source string) {
	tb.t.Helper()
	page := tb.path()
	// Text hidden for screen readers must not run into the visible text
	// next to it: "Disable" + "Dana" is read as "DisableDana". (templ drops
	// a space at the start of an element's text, so axe cannot see this.)
	for _, html := range eval[[]string](tb, runTogether) {
		tb.errorf("%s: visually hidden text runs into the text next to it (the accessible name lacks a space): %s", page, html)
	}
	for _, v := range runAxe(tb, source).Violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprintf("\n\t\t%s  %s\n\t\t\t%s", strings.Join(n.Target, " > "), n.HTML,
				strings.ReplaceAll(n.Summary, "\n", "\n\t\t\t")))
		}
		tb.errorf("%s: axe %s (%s, %d elements): %s <%s>%s", page, v.ID, v.Impact, v.Count, v.Help, v.HelpURL, strings.Join(where, ""))
	}
	checkStructure(tb)
	tb.checkConsole()
}

// TestAccessibility runs axe-core (WCAG 2.1 A and AA rules) on every main
// page of every role. Any violation fails, with the rule, its impact, the
// help text and the first elements concerned.
func TestAccessibility(t *testing.T) {
	source := axeSource(t)
	browser := startBrowser(t)
	a := startApp(t)
	eastgateBase := a.assessment(t, eastgate)
	cascadeBase := a.assessment(t, cascadeCounty)

	check := func(tb *tab, path string, status int) {
		tb.t.Helper()
		tb.visit(path, status)
		if strings.HasSuffix(path, "/results") {
			tb.waitFor("the chart to be drawn", `document.querySelector('[data-chart-ready="true"]')`, 10*time.Second)
		}
		checkAccessibility(tb, source)
	}

	t.Run("signed out", func(t *testing.T) {
		tb := openTab(t, browser, a.URL, "anonymous")
		check(tb, "/login", http.StatusOK)
		check(tb, "/reset", http.StatusOK)
		check(tb, "/no-such-page", http.StatusNotFound)

		// The structure checks can fail too: a page without its skip link
		// and with a skipped heading level is caught.
		eval[chromedp.Void](tb, `document.querySelector('a.skip-link').remove(); document.querySelector('main').append(document.createElement('h4'))`)
		if got := strings.Join(eval[[]string](tb, structureProblems), "; "); !strings.Contains(got, "no skip link") || !strings.Contains(got, "jumps from h1 to h4") {
			t.Errorf("a page without a skip link and with h1 -> h4: the structure check said %q", got)
		}

		// The check can fail: a field without a label is found.
		eval[chromedp.Void](tb, `document.querySelector('main').append(document.createElement('input'))`)
		if res := runAxe(tb, source); len(res.Violations) == 0 || res.Violations[0].ID != "label" {
			t.Errorf("an input without a label: axe reported %+v, want the rule label", res.Violations)
		}
	})

	t.Run("IT lead", func(t *testing.T) {
		tb := openTab(t, browser, a.URL, "it-lead")
		tb.signIn(itEmail(eastgate))
		for _, path := range []string{
			eastgateBase,
			eastgateBase + "/categories/PR.AA",
			eastgateBase + "/results",
			eastgateBase + "/import",
			fmt.Sprintf("/members/%d/trends", a.memberID(t, eastgate)),
			fmt.Sprintf("/members/%d/peers", a.memberID(t, eastgate)),
			fmt.Sprintf("/members/%d/insurance", a.memberID(t, eastgate)),
			fmt.Sprintf("/members/%d/services", a.memberID(t, eastgate)),
			"/consortium/services",
			"/account",
			"/account/totp",
		} {
			check(tb, path, http.StatusOK)
		}
		check(tb, "/no-such-page", http.StatusNotFound)
		check(tb, "/consortium", http.StatusForbidden)
	})

	t.Run("coordinator", func(t *testing.T) {
		tb := openTab(t, browser, a.URL, "coordinator")
		tb.signIn(coordinatorEmail)
		for _, path := range []string{
			"/consortium",
			"/consortium/compare",
			"/consortium/weakest",
			"/consortium/trends",
			"/consortium/links",
			"/consortium/insurance",
			"/consortium/exercises",
			"/consortium/services",
			"/consortium/services/1",
			"/consortium/services/1/edit",
			"/consortium/services/new",
			"/consortium/pooling",
			"/consortium/pooling?plan=1&budget=40000",
			fmt.Sprintf("/members/%d/insurance", a.memberID(t, cascadeCounty)),
			"/admin/members",
			"/admin/accounts",
			"/admin/settings",
			"/admin/audit",
			"/admin/weights",
			"/admin/api-tokens",
			"/admin/cycles",
			cascadeBase,
			cascadeBase + "/categories/GV.OC",
			cascadeBase + "/results",
		} {
			check(tb, path, http.StatusOK)
		}
		// A refused form: its errors are announced and tied to their fields.
		tb.visit("/consortium/services/new", http.StatusOK)
		tb.mu.Lock()
		tb.expected[tb.base+"/consortium/services"] = true // the 422 is the point
		tb.mu.Unlock()
		tb.submit("Save the service", http.StatusUnprocessableEntity, chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
		if n := tb.count(`.field-error[role="alert"]`); n == 0 {
			tb.errorf("the refused service form shows no field error")
		}
		checkAccessibility(tb, source)
	})

	t.Run("board", func(t *testing.T) {
		tb := openTab(t, browser, a.URL, "board")
		tb.signIn(boardEmail)
		check(tb, "/consortium", http.StatusOK)
		check(tb, "/consortium/compare", http.StatusOK)
		check(tb, "/consortium/insurance", http.StatusOK)
		check(tb, "/consortium/exercises", http.StatusOK)
		check(tb, eastgateBase+"/results", http.StatusOK)
	})
}
