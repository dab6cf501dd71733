package journeys

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"palisade/demo"
)

// TestRolesSeeOnlyTheirPages signs in as each demo role through the login
// form and checks what the role sees (landing page, navigation) and that
// pages outside the role answer "No access", with no console error or CSP
// violation on any page visited.
func TestRolesSeeOnlyTheirPages(t *testing.T) {
	browser := startBrowser(t)
	a := startApp(t)
	eastgateAssessment := a.assessment(t, eastgate)
	eastgateCategory := eastgateAssessment + "/categories/PR.AA"
	cascadeID := a.memberID(t, cascadeCounty)
	adminPages := map[string]string{
		"/admin/members":  "Members",
		"/admin/accounts": "Accounts",
		"/admin/audit":    "Audit log",
		"/admin/settings": "Consortium settings",
	}

	t.Run("coordinator", func(t *testing.T) {
		tb := openTab(t, browser, a.URL, "coordinator")
		if got := tb.signIn(coordinatorEmail); got != "/consortium" {
			tb.errorf("landed on %s, want /consortium", got)
		}
		wantHeading(tb, demo.ConsortiumName)
		wantNav(tb, []string{"Consortium", "Members", "Accounts", "Audit log", "Settings", "My account"}, []string{"Our assessment"})
		for path, heading := range adminPages {
			tb.visit(path, http.StatusOK)
			wantHeading(tb, heading)
		}
		tb.visit(fmt.Sprintf("/members/%d/cycles/%d", cascadeID, a.cycle.ID), http.StatusOK)
		wantHeading(tb, "Self-assessment: Cascade County")
		// Coordinators review; only the member's IT lead answers.
		tb.visit(eastgateCategory, http.StatusOK)
		wantReadOnly(tb)
	})

	t.Run("board", func(t *testing.T) {
		tb := openTab(t, browser, a.URL, "board")
		if got := tb.signIn(boardEmail); got != "/consortium" {
			tb.errorf("landed on %s, want /consortium", got)
		}
		wantHeading(tb, demo.ConsortiumName)
		wantNav(tb, []string{"Consortium", "My account"}, []string{"Members", "Accounts", "Audit log", "Settings", "Our assessment"})
		for path := range adminPages {
			tb.visit(path, http.StatusForbidden)
			wantHeading(tb, "No access")
		}
		// Board officials may read any member's answers, not change them.
		tb.visit(eastgateCategory, http.StatusOK)
		wantHeading(tb, "Identity Management, Authentication, and Access Control PR.AA")
		wantReadOnly(tb)
		// Clicking a level changes nothing: the radios are disabled.
		first := `form.answer-form input[name="choice"]:not(:checked)`
		before := eval[string](tb, `(document.querySelector('form.answer-form input[name="choice"]:checked') || {value: ""}).value`)
		if err := tb.run(chromedp.Click(chromedp.CSS(first + " + .level-name"))); err != nil {
			tb.fatalf("click a level: %v", err)
		}
		after := eval[string](tb, `(document.querySelector('form.answer-form input[name="choice"]:checked') || {value: ""}).value`)
		if before != after {
			tb.errorf("board official changed the chosen level from %q to %q by clicking", before, after)
		}
		// And the server refuses a save sent from the page anyway.
		action := eval[string](tb, `document.querySelector('form.answer-form').action`)
		tb.mu.Lock()
		tb.expected[action] = true // the 403 below is logged as a failed resource
		tb.mu.Unlock()
		status := eval[int](tb, `(async () => {
			const form = document.querySelector('form.answer-form');
			const body = new URLSearchParams(new FormData(form));
			body.set('choice', 'optimized');
			for (const el of form.elements) { if (el.name && el.disabled) body.set(el.name, el.value); }
			const r = await fetch(form.action, {method: 'POST', body, headers: {'X-Requested-With': 'fetch', 'Accept': 'application/json'}});
			return r.status;
		})()`, chromedp.EvalAwaitPromise)
		if status != http.StatusForbidden {
			tb.errorf("board official's save of an answer: status %d, want 403", status)
		}
		tb.settle()
		tb.checkConsole()
	})

	t.Run("IT lead", func(t *testing.T) {
		tb := openTab(t, browser, a.URL, "it-lead")
		if got := tb.signIn(itEmail(eastgate)); got != eastgateAssessment {
			tb.errorf("landed on %s, want %s", got, eastgateAssessment)
		}
		wantHeading(tb, "Self-assessment: Town of Eastgate")
		wantNav(tb, []string{"Our assessment", "My account"}, []string{"Consortium", "Members", "Accounts", "Audit log", "Settings"})
		for _, path := range []string{
			fmt.Sprintf("/members/%d/cycles/%d", cascadeID, a.cycle.ID), // another member's assessment
			fmt.Sprintf("/members/%d/cycles/%d/results", cascadeID, a.cycle.ID),
			fmt.Sprintf("/members/%d", cascadeID),
			"/consortium",
			"/admin/accounts",
		} {
			tb.visit(path, http.StatusForbidden)
			wantHeading(tb, "No access")
			if strings.Contains(tb.text("main"), "Cascade County") {
				tb.errorf("%s: the No access page names the other member", path)
			}
		}
		// Their own questions are theirs to answer.
		tb.visit(eastgateCategory, http.StatusOK)
		if n := tb.count(`form.answer-form input[name="choice"]:disabled`); n != 0 {
			tb.errorf("IT lead's own category page: %d disabled level radios, want 0", n)
		}
		if n := tb.count(`form.answer-form button.save-button`); n == 0 {
			tb.errorf("IT lead's own category page: no Save answer buttons")
		}
	})
}

// wantHeading checks the page's h1.
func wantHeading(tb *tab, want string) {
	tb.t.Helper()
	if got := strings.Join(strings.Fields(tb.text("h1")), " "); got != want {
		tb.errorf("heading %q, want %q", got, want)
	}
}

// wantNav checks which links the main navigation has.
func wantNav(tb *tab, want, notWant []string) {
	tb.t.Helper()
	got := tb.navLinks()
	for _, w := range want {
		if !slices.Contains(got, w) {
			tb.errorf("navigation %q has no %q", got, w)
		}
	}
	for _, w := range notWant {
		if slices.Contains(got, w) {
			tb.errorf("navigation %q has %q, which this role must not see", got, w)
		}
	}
}

// wantReadOnly checks that a category page offers no way to change answers.
func wantReadOnly(tb *tab) {
	tb.t.Helper()
	if n := tb.count(`form.answer-form input[name="choice"]`); n == 0 {
		tb.fatalf("no level radios on the category page")
	}
	if n := tb.count(`form.answer-form input[name="choice"]:enabled`); n != 0 {
		tb.errorf("%d level radios are enabled, want all disabled", n)
	}
	if n := tb.count(`form.answer-form :is(select, textarea, input[type="text"], input[type="checkbox"]):enabled`); n != 0 {
		tb.errorf("%d answer fields are enabled, want all disabled", n)
	}
	if n := eval[int](tb, `Array.from(document.querySelectorAll('button')).filter(b => b.textContent.includes('Save answer')).length`); n != 0 {
		tb.errorf("%d Save answer buttons, want none", n)
	}
	if n := tb.count(`form[data-autosave]`); n != 0 {
		tb.errorf("%d forms would autosave, want none", n)
	}
}
