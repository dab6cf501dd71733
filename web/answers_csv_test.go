package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// upload posts a file the way a browser's file input does.
func (b *browser) upload(t *testing.T, path string, content []byte) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "answers.csv")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, b.ts.URL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(t, req)
}

var tokenInput = regexp.MustCompile(`name="token" value="([^"]+)"`)

// An IT lead downloads the answers, edits them in a spreadsheet, uploads
// the file, sees what will change, and confirms; a bad file changes nothing
// and names each problem.
func TestSpreadsheetRoundTrip(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	m := ts.member(t, eastgate)
	base := cyclePath(m.ID, ts.cycle.ID)
	a := ts.assessment(t, m.ID, ts.cycle.ID)
	lead := ts.signIn(t, itEmail(eastgate))

	res := lead.get(t, base+"/answers.csv")
	wantStatus(t, "download", res, http.StatusOK)
	original := res.body
	before := ts.answers(t, a.ID)

	// Uploading the file unchanged changes nothing.
	res = lead.upload(t, base+"/import", []byte(original))
	wantStatus(t, "unchanged upload", res, http.StatusOK)
	wantContains(t, "unchanged upload", res, "The file changes nothing")

	// Edit two rows, as a spreadsheet user would.
	records, err := csv.NewReader(strings.NewReader(original)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range records {
		if rec[0] == "PR.AA-01" || rec[0] == "PR.AA-02" {
			rec[2] = "optimized"
		}
	}
	var edited bytes.Buffer
	csv.NewWriter(&edited).WriteAll(records)
	res = lead.upload(t, base+"/import", edited.Bytes())
	wantStatus(t, "edited upload", res, http.StatusOK)
	wantContains(t, "edited upload", res, "The file will change 2 answers", "7 · Optimized")
	if got := ts.answers(t, a.ID); got["PR.AA-01"].Version != before["PR.AA-01"].Version {
		t.Fatal("the preview saved something")
	}
	token := tokenInput.FindStringSubmatch(res.body)
	if token == nil {
		t.Fatal("no confirmation token in the preview")
	}
	wantRedirect(t, "confirm", lead.post(t, base+"/import/confirm", url.Values{"token": {token[1]}}), base)
	after := ts.answers(t, a.ID)
	for _, id := range []string{"PR.AA-01", "PR.AA-02"} {
		if after[id].Choice != "optimized" || after[id].Version != before[id].Version+1 {
			t.Errorf("%s after import: %+v", id, after[id])
		}
	}
	if after["GV.OC-01"].Version != before["GV.OC-01"].Version {
		t.Error("an unchanged answer got a new version")
	}
	wantStatus(t, "confirm twice", lead.post(t, base+"/import/confirm", url.Values{"token": {token[1]}}), http.StatusGone)

	// Export then import gives identical answers.
	again := lead.get(t, base+"/answers.csv").body
	res = lead.upload(t, base+"/import", []byte(again))
	wantContains(t, "re-upload of the export", res, "The file changes nothing")

	// A bad file: every problem named, nothing changed.
	bad := "subcategory_id,level,target\nGV.OC-01,9,\nGV.OC-01,3,\nXX.YY-01,3,\n"
	res = lead.upload(t, base+"/import", []byte(bad))
	wantStatus(t, "bad file", res, http.StatusUnprocessableEntity)
	wantContains(t, "bad file", res, "line 2, column level: level 9 is outside 1-7", "nothing was changed")
	// Binary garbage and an oversized upload.
	wantStatus(t, "garbage", lead.upload(t, base+"/import", []byte("PK\x03\x04\x00\xff\xfe garbage")), http.StatusUnprocessableEntity)
	res = lead.upload(t, base+"/import", bytes.Repeat([]byte("x"), 3<<20))
	if res.status != http.StatusRequestEntityTooLarge && res.status != http.StatusBadRequest {
		t.Errorf("3 MB upload: status %d; want 413", res.status)
	}
	if got := ts.answers(t, a.ID); fmt.Sprint(len(got)) != fmt.Sprint(len(after)) || got["PR.AA-01"].Version != after["PR.AA-01"].Version {
		t.Error("a refused upload changed answers")
	}

	// Another member's IT lead can neither read nor import this member's file.
	other := ts.signIn(t, itEmail(harbor))
	wantStatus(t, "other lead download", other.get(t, base+"/answers.csv"), http.StatusForbidden)
	wantStatus(t, "other lead upload", other.upload(t, base+"/import", []byte(original)), http.StatusForbidden)
	if len(ts.audit(t, "answer.import")) == 0 || len(ts.audit(t, "export.answers")) == 0 {
		t.Error("import and export are not audited")
	}
}
