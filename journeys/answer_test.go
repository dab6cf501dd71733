package journeys

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The first question of the category the answer tests use.
const (
	category      = "PR.AA"
	firstQuestion = "PR.AA-01"
	firstForm     = "q-PR-AA-01"
)

// storedChoice is the level saved for a question of Eastgate's assessment.
func storedChoice(t *testing.T, a *app, subcategory string) string {
	t.Helper()
	ctx := context.Background()
	as, err := a.st.AssessmentFor(ctx, a.memberID(t, eastgate), a.cycle.ID)
	if err != nil {
		t.Fatalf("Eastgate's assessment: %v", err)
	}
	answers, err := a.st.AnswersForAssessment(ctx, as.ID)
	if err != nil {
		t.Fatalf("answers: %v", err)
	}
	return answers[subcategory].Choice
}

// checkedChoice is the level radio checked in a question's form.
func checkedChoice(tb *tab, formID string) string {
	tb.t.Helper()
	return eval[string](tb, fmt.Sprintf(`(document.querySelector('#%s input[name="choice"]:checked') || {value: ""}).value`, formID))
}

// TestITLeadAnswersWithKeyboard: Eastgate's IT lead reaches the first
// question with Tab, changes the level with the arrow keys, sees the
// background save confirmed, and finds the level still chosen after a
// reload; the results page then draws its chart.
func TestITLeadAnswersWithKeyboard(t *testing.T) {
	browser := startBrowser(t)
	a := startApp(t)
	base := a.assessment(t, eastgate)
	tb := openTab(t, browser, a.URL, "it-lead")
	tb.signIn(itEmail(eastgate))
	tb.visit(base+"/categories/"+category, http.StatusOK)

	if got := eval[string](tb, `document.querySelector('form.answer-form').id`); got != firstForm {
		tb.fatalf("first question form is #%s, want #%s", got, firstForm)
	}
	// With JavaScript the forms save by themselves: no Save answer buttons.
	if n := tb.count(`.save-button:not(.js-hidden)`); n != 0 {
		tb.errorf("%d Save answer buttons are shown although autosave is on", n)
	}

	// Tab from the top of the page to the first question's levels: the
	// skip link, the header, the breadcrumbs, then the radio group.
	focused := `(() => { const e = document.activeElement; return e && e.name === 'choice' && e.form ? e.form.id : ''; })()`
	for presses := 1; ; presses++ {
		if presses > 40 {
			tb.fatalf("40 presses of Tab did not reach the levels of %s; focus is on %s", firstQuestion,
				eval[string](tb, `document.activeElement.outerHTML.slice(0, 120)`))
		}
		if err := tb.run(chromedp.KeyEvent(kb.Tab)); err != nil {
			tb.fatalf("press Tab: %v", err)
		}
		if id := eval[string](tb, focused); id == firstForm {
			t.Logf("reached the levels of %s after %d presses of Tab", firstQuestion, presses)
			break
		} else if id != "" {
			tb.fatalf("Tab reached the levels of #%s before those of #%s", id, firstForm)
		}
	}
	// Focus is visibly on the radio (keyboard users must see where they are).
	if !eval[bool](tb, `document.activeElement.matches(':focus-visible')`) {
		tb.errorf("the focused radio does not match :focus-visible")
	}

	choices := eval[[]string](tb, fmt.Sprintf(`Array.from(document.querySelectorAll('#%s input[name="choice"]')).map(e => e.value)`, firstForm))
	before := checkedChoice(tb, firstForm)
	if before == "" {
		// Nothing chosen yet: Space chooses the focused level.
		if err := tb.run(chromedp.KeyEvent(" ")); err != nil {
			tb.fatalf("press Space: %v", err)
		}
		before = checkedChoice(tb, firstForm)
	}
	// Arrow keys move to the next level and choose it. Avoid "risk
	// formally accepted", which needs more fields.
	i := slices.Index(choices, before)
	key, want := kb.ArrowDown, choices[(i+1)%len(choices)]
	if want == "risk-accepted" {
		key, want = kb.ArrowUp, choices[(i-1+len(choices))%len(choices)]
	}
	if err := tb.run(chromedp.KeyEvent(key)); err != nil {
		tb.fatalf("press an arrow key: %v", err)
	}
	// Space on the chosen level keeps it chosen.
	if err := tb.run(chromedp.KeyEvent(" ")); err != nil {
		tb.fatalf("press Space: %v", err)
	}
	if got := checkedChoice(tb, firstForm); got != want {
		tb.fatalf("after the arrow key the checked level is %q, want %q (was %q)", got, want, before)
	}
	status := fmt.Sprintf(`document.querySelector('#%s .save-status')`, firstForm)
	tb.waitFor("the autosave status to say Saved", status+`.textContent.trim().startsWith('Saved')`, 10*time.Second)
	t.Logf("status: %q", eval[string](tb, status+`.textContent.trim()`))
	if got := storedChoice(t, a, firstQuestion); got != want {
		tb.errorf("stored level %q, want %q", got, want)
	}
	tb.checkConsole()

	tb.submit("reload", http.StatusOK, chromedp.Reload())
	if got := checkedChoice(tb, firstForm); got != want {
		tb.errorf("after reloading the checked level is %q, want %q", got, want)
	}

	// The results page draws its chart (ECharts, SVG renderer) in place of
	// the fallback.
	tb.visit(base+"/results", http.StatusOK)
	if n := tb.count(`[data-chart]`); n == 0 {
		tb.fatalf("no [data-chart] element on the results page")
	}
	tb.waitFor("the chart to be drawn", `document.querySelector('[data-chart][data-chart-ready="true"] :is(svg, canvas)')`, 10*time.Second)
	if n := tb.count(`[data-chart] svg`); n == 0 {
		tb.errorf("the chart was not drawn as SVG")
	}
	if got := eval[string](tb, `document.querySelector('[data-chart]').getAttribute('role') || ''`); got != "img" {
		tb.errorf("chart role %q, want img", got)
	}
}

// TestWorksWithoutJavaScript: with JavaScript off, Eastgate's IT lead signs
// in, chooses a level with the mouse and saves it with the Save answer button
// (a plain form POST), then sees the confirmation and the level chosen.
func TestWorksWithoutJavaScript(t *testing.T) {
	browser := startBrowser(t)
	a := startApp(t)
	base := a.assessment(t, eastgate)
	tb := openTab(t, browser, a.URL, "it-lead-no-js")
	if _, err := chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("turn JavaScript off: %v", err)
	}
	tb.noJS = true
	tb.signIn(itEmail(eastgate))
	tb.visit(base+"/categories/"+category, http.StatusOK)

	// autosave.js did not run: the Save answer buttons are there to use.
	if n := tb.count(`#` + firstForm + ` .save-button:not(.js-hidden)`); n != 1 {
		tb.fatalf("%d visible Save answer buttons in #%s, want 1 (is JavaScript really off?)", n, firstForm)
	}
	if eval[bool](tb, `document.querySelector('[data-chart-ready]') !== null || typeof window.echarts !== 'undefined'`) {
		tb.fatalf("page scripts ran although JavaScript is off")
	}

	before := checkedChoice(tb, firstForm)
	want := "tested"
	if before == want {
		want = "optimized"
	}
	radio := fmt.Sprintf(`#%s input[name="choice"][value=%q]`, firstForm, want)
	if err := tb.run(chromedp.Click(chromedp.CSS(radio + " + .level-name"))); err != nil {
		tb.fatalf("click level %s: %v", want, err)
	}
	if got := checkedChoice(tb, firstForm); got != want {
		tb.fatalf("after the click the checked level is %q, want %q", got, want)
	}
	tb.submit("Save answer", http.StatusOK, chromedp.Click(chromedp.CSS(`#`+firstForm+` button.save-button`)))

	if got, wantPath := tb.path(), base+"/categories/"+category+"?saved="+firstQuestion+"#"+firstForm; got != wantPath {
		tb.errorf("after saving the page is %s, want %s", got, wantPath)
	}
	msg := tb.text(`#` + firstForm + ` .alert-success`)
	if !strings.Contains(msg, "Your answer has been saved.") {
		tb.errorf("confirmation %q, want %q", msg, "Your answer has been saved.")
	}
	if got := checkedChoice(tb, firstForm); got != want {
		tb.errorf("after saving the checked level is %q, want %q", got, want)
	}
	if got := storedChoice(t, a, firstQuestion); got != want {
		tb.errorf("stored level %q, want %q (was %q)", got, want, before)
	}
}
