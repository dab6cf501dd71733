package web

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"palisade/store"
)

// pdfText extracts the text of a PDF with pdftotext (Debian poppler-utils),
// or skips the text checks when it is not installed.
func pdfText(t *testing.T, pdf string) (string, bool) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext not installed (apt-get install poppler-utils): text checks skipped")
		return "", false
	}
	path := filepath.Join(t.TempDir(), "b.pdf")
	if err := os.WriteFile(path, []byte(pdf), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out), true
}

func wantPDF(t *testing.T, what string, r response) {
	t.Helper()
	wantStatus(t, what, r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); ct != "application/pdf" || !strings.HasPrefix(r.body, "%PDF-") {
		t.Fatalf("%s: content type %q, starts %q; want a PDF", what, ct, r.body[:min(8, len(r.body))])
	}
}

func TestBoardBriefingsDownload(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	members, err := ts.st.MembersOfConsortium(t.Context(), ts.consortium.ID)
	if err != nil {
		t.Fatal(err)
	}
	mb := ts.member(t, millbrook)
	memberPath := fmt.Sprintf("/members/%d/cycles/%d/briefing.pdf", mb.ID, ts.cycle.ID)

	coord := ts.signIn(t, coordinatorEmail)
	res := coord.get(t, memberPath)
	wantPDF(t, "member briefing", res)
	if text, ok := pdfText(t, res.body); ok {
		for _, want := range []string{"Town of Millbrook", ts.consortium.Name, "Confidential", "Page 1 of", "FY2025"} {
			if !strings.Contains(text, want) {
				t.Errorf("member briefing text lacks %q", want)
			}
		}
		// Peers are anonymised in a member's briefing.
		for _, m := range members {
			if m.ID != mb.ID && strings.Contains(text, m.Name) {
				t.Errorf("member briefing names another member: %q", m.Name)
			}
		}
	}
	wantPDF(t, "member briefing, Letter", coord.get(t, memberPath+"?size=letter"))

	res = coord.get(t, "/consortium/briefing.pdf")
	wantPDF(t, "consortium briefing", res)
	anonymous, ok := pdfText(t, res.body)
	if ok && strings.Contains(anonymous, "Cascade County") {
		t.Error("the anonymised consortium briefing names Cascade County")
	}
	if ok && (!strings.Contains(anonymous, "Change since FY2025") || !strings.Contains(anonymous, "Median then")) {
		t.Error("the consortium briefing has no change since the previous cycle")
	}
	res = coord.get(t, "/consortium/briefing.pdf?names=named&size=letter")
	wantPDF(t, "named consortium briefing", res)
	if text, ok := pdfText(t, res.body); ok && !strings.Contains(text, "Cascade County") {
		t.Error("the named consortium briefing does not name Cascade County")
	}
	if n := len(ts.audit(t, "briefing.download")); n != 4 {
		t.Errorf("%d briefing downloads audited; want 4", n)
	}

	// Nothing answered: a clear refusal, not an empty PDF.
	kettle := ts.member(t, "kettle-river-tribal-nation")
	res = coord.get(t, fmt.Sprintf("/members/%d/cycles/%d/briefing.pdf", kettle.ID, ts.cycle.ID))
	wantStatus(t, "briefing without answers", res, http.StatusUnprocessableEntity)

	// An IT lead gets their own member's briefing, nobody else's, and not
	// the consortium's.
	lead := ts.signIn(t, itEmail(millbrook))
	wantPDF(t, "IT lead's own briefing", lead.get(t, memberPath))
	wantStatus(t, "another member's briefing", lead.get(t, fmt.Sprintf("/members/%d/cycles/%d/briefing.pdf", ts.member(t, riverton).ID, ts.cycle.ID)), http.StatusForbidden)
	wantStatus(t, "consortium briefing", lead.get(t, "/consortium/briefing.pdf"), http.StatusForbidden)
	if bytes.Contains([]byte(lead.get(t, "/consortium/compare").body), []byte("/consortium/briefing.pdf")) {
		t.Error("the IT lead's comparison page offers the consortium briefing")
	}
}

// A member briefing goes into a council's public packet: other members are
// anonymous in it even when the consortium shows names to IT leads.
func TestMemberBriefingAnonymousWithSharedNames(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	c := ts.consortium
	c.ShareNames = true
	if err := ts.st.SaveConsortiumSettings(t.Context(), store.System, c, c.Version); err != nil {
		t.Fatal(err)
	}
	mb := ts.member(t, millbrook)
	res := ts.signIn(t, itEmail(millbrook)).get(t, fmt.Sprintf("/members/%d/cycles/%d/briefing.pdf", mb.ID, ts.cycle.ID))
	wantPDF(t, "member briefing", res)
	text, ok := pdfText(t, res.body)
	if !ok {
		return
	}
	members, err := ts.st.MembersOfConsortium(t.Context(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		if m.ID != mb.ID && strings.Contains(text, m.Name) {
			t.Errorf("the member briefing names %q", m.Name)
		}
	}
}
