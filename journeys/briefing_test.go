package journeys

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestCoordinatorDownloadsBriefings: the demo coordinator signs in, looks at
// the comparison dashboard and the weakest-link report, then downloads the
// consortium briefing (the form on the dashboard) and a member's briefing
// (the link on its results page) by clicking them, as a person would. Each
// file the browser saved must be a whole PDF: a briefing that fails half way
// must never reach a board packet as a truncated file.
func TestCoordinatorDownloadsBriefings(t *testing.T) {
	browserCtx := startBrowser(t)
	a := startApp(t)
	tb := openTab(t, browserCtx, a.URL, "coordinator")
	tb.signIn(coordinatorEmail)

	for _, path := range []string{"/consortium/compare", "/consortium/weakest"} {
		tb.visit(path, http.StatusOK)
		if charts := tb.count(`[data-chart]`); charts > 0 {
			tb.waitFor("every chart drawn on "+path,
				fmt.Sprintf(`document.querySelectorAll('[data-chart][data-chart-ready="true"] :is(svg, canvas)').length >= %d`, charts), 10*time.Second)
		}
	}

	dl := tb.allowDownloads()

	// The consortium briefing: the dashboard's form, with its defaults
	// (anonymised, A4).
	tb.visit("/consortium/compare", http.StatusOK)
	consortiumPDF := dl.click(`form[action="/consortium/briefing.pdf"] button[type="submit"]`)
	checkPDF(t, "consortium briefing", consortiumPDF)

	// A member's briefing: the A4 link on Cascade County's results page.
	results := a.assessment(t, cascadeCounty) + "/results"
	tb.visit(results, http.StatusOK)
	href := eval[string](tb, `(document.querySelector('a[href$="/briefing.pdf"]') || {href: ""}).href`)
	if want := a.URL + a.assessment(t, cascadeCounty) + "/briefing.pdf"; href != want {
		tb.fatalf("member briefing link %q, want %q", href, want)
	}
	memberPDF := dl.click(`a[href$="/briefing.pdf"]`)
	checkPDF(t, "member briefing", memberPDF)

	if bytes.Equal(consortiumPDF, memberPDF) {
		t.Errorf("the consortium and the member briefing are the same file")
	}
	// Downloading leaves the page where it was, with a clean console.
	if got := tb.path(); got != results {
		tb.errorf("after the download the tab shows %s, want %s", got, results)
	}
	tb.settle()
	tb.checkConsole()
}

// downloads saves the tab's downloads into a temporary folder and reports
// when each one is complete.
type downloads struct {
	tb  *tab
	dir string
}

// allowDownloads lets the tab's browser context save files. Headless
// Chromium refuses downloads unless told where to put them; the events say
// when a file is complete, so no test sleeps and hopes.
func (tb *tab) allowDownloads() *downloads {
	tb.t.Helper()
	dir := tb.t.TempDir()
	events := true
	_, err := chromedp.CallBrowser(tb.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior:         browser.SetDownloadBehaviorBehaviorAllowAndName,
		BrowserContextID: chromedp.FromContext(tb.ctx).BrowserContextID,
		DownloadPath:     dir,
		EventsEnabled:    &events,
	})
	if err != nil {
		tb.fatalf("allow downloads: %v", err)
	}
	return &downloads{tb: tb, dir: dir}
}

// click clicks the element that starts a download and returns the bytes of
// the file once the browser says it is complete.
func (d *downloads) click(sel string) []byte {
	tb := d.tb
	tb.t.Helper()
	tb.checkConsole()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	// Subscribe before clicking, so the events of a fast download are not
	// missed. Downloads are browser events, not the page's.
	begin := chromedp.BrowserEvents(ctx, browser.DownloadWillBegin)
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	if err := tb.run(chromedp.Click(chromedp.CSS(sel))); err != nil {
		tb.fatalf("click %s: %v", sel, err)
	}
	var guid, name string
	for ev, err := range begin {
		if err != nil {
			tb.fatalf("no download started after clicking %s: %v", sel, err)
		}
		guid, name = ev.GUID, ev.SuggestedFilename
		break
	}
	if !strings.HasSuffix(name, ".pdf") {
		tb.errorf("download named %q, want a .pdf file", name)
	}
	for ev, err := range progress {
		if err != nil {
			tb.fatalf("download %s (%s) did not complete: %v", name, sel, err)
		}
		if ev.GUID != guid {
			continue
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			tb.fatalf("download %s was canceled", name)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			break
		}
	}
	// allowAndName saves the file under its GUID.
	b, err := os.ReadFile(filepath.Join(d.dir, guid))
	if err != nil {
		tb.fatalf("read the downloaded %s: %v", name, err)
	}
	tb.t.Logf("downloaded %s: %d bytes", name, len(b))
	return b
}

// checkPDF checks that b is one whole PDF: the header, the end-of-file
// marker, and (when poppler-utils is installed) pdfinfo can read it.
func checkPDF(t *testing.T, what string, b []byte) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("%s: does not start with %%PDF- (starts %q)", what, b[:min(len(b), 16)])
	}
	if !bytes.HasSuffix(bytes.TrimRight(b, "\r\n"), []byte("%%EOF")) {
		t.Errorf("%s: does not end with %%%%EOF (ends %q)", what, b[max(0, len(b)-16):])
	}
	pdfinfo, err := exec.LookPath("pdfinfo")
	if err != nil {
		t.Logf("%s: pdfinfo (poppler-utils) not installed, structure not checked further", what)
		return
	}
	file := filepath.Join(t.TempDir(), "briefing.pdf")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdfinfo, file).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("Pages:")) {
		t.Errorf("%s: pdfinfo refuses it: %v\n%s", what, err, out)
	}
	// pdfinfo prints "Syntax Error" yet exits 0 for some damaged files.
	if bytes.Contains(out, []byte("Syntax Error")) || bytes.Contains(out, []byte("Syntax Warning")) {
		t.Errorf("%s: pdfinfo reports problems:\n%s", what, out)
	}
}
