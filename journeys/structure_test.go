package journeys

import (
	"strings"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Checks of a page's structure that axe-core does not make (or makes only
// as "best practice"), run on every page of TestAccessibility: a
// descriptive title, a working skip link that is the first thing the
// keyboard reaches and shows where focus is, one h1 and no skipped heading
// levels, every form error tied to its field and announced, and every chart
// described and backed by a table.

// structureProblems is evaluated in the page; it returns one sentence per
// problem found.
const structureProblems = `(() => {
  const out = [];
  const title = document.title.trim();
  if (!title.endsWith('· Palisade') || title.length < 'x · Palisade'.length) out.push('title "' + title + '" does not name the page');
  const skip = document.querySelector('a.skip-link');
  if (!skip) out.push('no skip link');
  else {
    const target = document.getElementById((skip.getAttribute('href') || '').replace('#', ''));
    if (!target) out.push('the skip link points nowhere');
    const focusables = Array.from(document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])'));
    if (focusables[0] !== skip) out.push('the skip link is not the first thing the keyboard reaches');
  }
  const h1 = document.querySelectorAll('h1');
  if (h1.length !== 1) out.push(h1.length + ' h1 headings; want exactly one');
  let last = 0;
  for (const h of document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')) {
    const level = Number(h.tagName[1]);
    if (last && level > last + 1) out.push('heading "' + h.textContent.trim().slice(0, 40) + '" jumps from h' + last + ' to h' + level);
    last = level;
  }
  for (const e of document.querySelectorAll('.field-error:not([hidden])')) {
    if (e.getAttribute('role') !== 'alert') out.push('the error "' + e.textContent.trim().slice(0, 40) + '" is not announced (role=alert)');
    if (!e.id || !document.querySelector('[aria-describedby~="' + e.id + '"]')) out.push('the error "' + e.textContent.trim().slice(0, 40) + '" is not tied to a field (aria-describedby)');
  }
  for (const c of document.querySelectorAll('[data-chart]')) {
    if (c.getAttribute('role') !== 'img' || !(c.getAttribute('aria-label') || '').trim()) out.push('chart #' + c.id + ' has no text description');
    const after = Array.from(document.querySelectorAll('main table')).some(t => c.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING);
    if (!after) out.push('chart #' + c.id + ' has no table with its numbers after it');
  }
  return out;
})()`

// focusShown is true when the element with focus is drawn with a visible
// focus indicator (an outline or a box shadow).
const focusShown = `(() => {
  const e = document.activeElement;
  if (!e || e === document.body) return false;
  const st = getComputedStyle(e);
  return (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0) || st.boxShadow !== 'none';
})()`

// checkStructure reports every structural problem of the current page.
func checkStructure(tb *tab) {
	tb.t.Helper()
	page := tb.path()
	for _, p := range eval[[]string](tb, structureProblems) {
		tb.errorf("%s: %s", page, p)
	}
	// The first Tab press reaches the skip link, and focus is visible.
	// Called right after the page loads, before anything has had focus.
	if err := tb.run(chromedp.KeyEvent(kb.Tab)); err != nil {
		tb.errorf("%s: press Tab: %v", page, err)
		return
	}
	if got := eval[string](tb, `document.activeElement ? document.activeElement.className : ""`); !strings.Contains(got, "skip-link") {
		tb.errorf("%s: the first Tab reaches %q, not the skip link", page, got)
	}
	if !eval[bool](tb, focusShown) {
		tb.errorf("%s: the focused element has no visible focus indicator", page)
	}
}
