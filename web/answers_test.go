package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"palisade/accounts"
	"palisade/demo"
	"palisade/frameworks"
	"palisade/store"
)

// checkedChoice returns the level checked in a question's form.
func checkedChoice(t *testing.T, form string) string {
	t.Helper()
	m := regexp.MustCompile(`name="choice" value="([^"]+)" checked`).FindStringSubmatch(form)
	if m == nil {
		return ""
	}
	return m[1]
}

// textareaValue returns the text of a question's textarea.
func textareaValue(t *testing.T, form, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<textarea[^>]*name="` + name + `"[^>]*>(.*?)</textarea>`).FindStringSubmatch(form)
	if m == nil {
		t.Fatalf("no textarea %q in the form", name)
	}
	return htmlUnescape(m[1])
}

// fieldError returns the message shown beside a question's field.
func fieldError(form, formID, field string) string {
	m := regexp.MustCompile(`<p class="field-error" id="` + formID + `-` + field + `-error" role="alert">([^<]*)</p>`).FindStringSubmatch(form)
	if m == nil {
		return ""
	}
	return htmlUnescape(m[1])
}

func decodeJSON(t *testing.T, res response) map[string]any {
	t.Helper()
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q; want JSON\n%s", ct, res.text())
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(res.body), &m); err != nil {
		t.Fatalf("decode %q: %v", res.body, err)
	}
	return m
}

func TestSaveAnswer(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	m := ts.member(t, eastgate)
	a := ts.assessment(t, m.ID, ts.cycle.ID)
	base := cyclePath(m.ID, ts.cycle.ID)
	lead := ts.signIn(t, itEmail(eastgate))

	// The IT lead opens the category and reads the version of the form.
	res := lead.get(t, base+"/categories/PR.AA")
	wantStatus(t, "category page", res, http.StatusOK)
	version := inputValue(t, formHTML(t, res.body, "q-PR-AA-01"), "version")
	if want := strconv.Itoa(ts.answers(t, a.ID)["PR.AA-01"].Version); version != want {
		t.Fatalf("form version %q; want %s", version, want)
	}

	res = lead.post(t, base+"/answers/PR.AA-01", url.Values{"version": {version}, "choice": {"tested"}, "target": {"6"},
		"notes": {"MFA on every admin account since May <b>really</b>"}, "evidence": {"https://intranet.eastgate.gov/mfa-report"},
		"justification": {""}, "accepted_by": {""}, "acceptance": {""}})
	if res.status != http.StatusSeeOther || res.location() != base+"/categories/PR.AA?saved=PR.AA-01#q-PR-AA-01" {
		t.Fatalf("plain save: %d to %q; want 303 back to the question\n%s", res.status, res.location(), res.text())
	}
	res = lead.get(t, strings.Split(res.location(), "#")[0])
	wantStatus(t, "category page after saving", res, http.StatusOK)
	form := formHTML(t, res.body, "q-PR-AA-01")
	if got := checkedChoice(t, form); got != "tested" {
		t.Errorf("checked level %q after saving; want tested", got)
	}
	if !strings.Contains(form, "Your answer has been saved.") {
		t.Errorf("no saved message at the question")
	}
	if !strings.Contains(form, `<option value="6" selected>`) {
		t.Errorf("target 6 not selected after saving")
	}
	if got := textareaValue(t, form, "notes"); got != "MFA on every admin account since May <b>really</b>" {
		t.Errorf("notes %q after saving", got)
	}
	if strings.Contains(res.body, "<b>really</b>") {
		t.Errorf("notes are not escaped in the page")
	}
	if !strings.Contains(form, `href="https://intranet.eastgate.gov/mfa-report"`) {
		t.Errorf("evidence link not shown")
	}
	v, _ := strconv.Atoi(version)
	saved := ts.answers(t, a.ID)["PR.AA-01"]
	if saved.Version != v+1 || saved.Choice != "tested" || saved.Score != 6 || saved.Target != 6 || saved.AnsweredBy != itEmail(eastgate) {
		t.Errorf("stored answer %+v", saved)
	}
	if got := inputValue(t, form, "version"); got != strconv.Itoa(v+1) {
		t.Errorf("form version %q after saving; want %d", got, v+1)
	}

	// The background save of autosave.js answers in JSON.
	res = lead.postJSON(t, base+"/answers/PR.AA-01", url.Values{"version": {strconv.Itoa(v + 1)}, "choice": {"optimized"}, "target": {""}})
	wantStatus(t, "background save", res, http.StatusOK)
	body := decodeJSON(t, res)
	if body["ok"] != true || body["version"] != float64(v+2) {
		t.Errorf("background save answered %s; want ok and version %d", res.body, v+2)
	}
	saved = ts.answers(t, a.ID)["PR.AA-01"]
	if saved.Choice != "optimized" || saved.Target != ts.consortium.DefaultTarget || saved.Notes != "" {
		t.Errorf("stored answer after the background save %+v; want optimized, the default target, no notes", saved)
	}

	// Not applicable, with its reason; and a formally accepted risk.
	cur := ts.answers(t, a.ID)
	wantRedirect(t, "not applicable", lead.post(t, base+"/answers/PR.AA-02", url.Values{"version": {strconv.Itoa(cur["PR.AA-02"].Version)},
		"na": {"1"}, "justification": {"We have no identity provider; the county runs it for us."}}), base+"/categories/PR.AA")
	wantRedirect(t, "risk accepted", lead.post(t, base+"/answers/PR.AA-03", url.Values{"version": {strconv.Itoa(cur["PR.AA-03"].Version)},
		"choice": {"risk-accepted"}, "accepted_by": {"Town manager"}, "acceptance": {"Too costly this year; reviewed monthly."}}), base+"/categories/PR.AA")
	after := ts.answers(t, a.ID)
	if na := after["PR.AA-02"]; !na.NotApplicable || na.Justification == "" {
		t.Errorf("not applicable answer %+v", na)
	}
	if ra := after["PR.AA-03"]; ra.Choice != "risk-accepted" || ra.Score != 5 || ra.AcceptedBy != "Town manager" {
		t.Errorf("risk-accepted answer %+v", ra)
	}

	saves := ts.audit(t, "answer.save")
	if len(saves) != 4 {
		t.Fatalf("%d answer.save events; want 4", len(saves))
	}
	if e := saves[len(saves)-1]; e.Actor != itEmail(eastgate) || e.MemberID != m.ID || e.ConsortiumID != ts.consortium.ID ||
		!strings.Contains(e.Target, "PR.AA-01") || !strings.Contains(e.Detail, "tested") {
		t.Errorf("first answer.save event %+v", e)
	}
}

func TestConcurrentEditsLoseNothing(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	m := ts.member(t, eastgate)
	a := ts.assessment(t, m.ID, ts.cycle.ID)
	base := cyclePath(m.ID, ts.cycle.ID)

	// Eastgate has a second IT lead.
	hash, err := accounts.HashPassword(demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.st.CreateUser(ctx, store.System, store.User{Email: "deputy@eastgate.gov", Name: "Deputy IT", PasswordHash: hash},
		[]accounts.Grant{{ConsortiumID: ts.consortium.ID, Role: accounts.ITLead, MemberID: m.ID}}); err != nil {
		t.Fatal(err)
	}
	one := ts.signIn(t, itEmail(eastgate))
	two := ts.signIn(t, "deputy@eastgate.gov")

	// Both open the same question.
	v1 := inputValue(t, formHTML(t, one.get(t, base+"/categories/PR.AA").body, "q-PR-AA-05"), "version")
	v2 := inputValue(t, formHTML(t, two.get(t, base+"/categories/PR.AA").body, "q-PR-AA-05"), "version")
	if v1 != v2 {
		t.Fatalf("versions %s and %s of the same answer", v1, v2)
	}
	start, _ := strconv.Atoi(v1)

	wantRedirect(t, "first save", one.post(t, base+"/answers/PR.AA-05", url.Values{"version": {v1}, "choice": {"tested"}, "notes": {"from the IT lead"}}),
		base+"/categories/PR.AA")

	// The second save is based on the old version: refused, and the page
	// shows both answers, the form keeping the deputy's.
	res := two.post(t, base+"/answers/PR.AA-05", url.Values{"version": {v2}, "choice": {"informal"}, "notes": {"from the deputy"}})
	wantStatus(t, "conflicting save", res, http.StatusConflict)
	form := formHTML(t, res.body, "q-PR-AA-05")
	for _, want := range []string{itEmail(eastgate) + " saved this answer while you were editing it", "Saved meanwhile by " + itEmail(eastgate),
		"6 · Tested and Verified", "from the IT lead", "Your answer (not saved yet)", "2 · Informally Performed"} {
		if !strings.Contains(form, want) {
			t.Errorf("conflict page lacks %q", want)
		}
	}
	if got := textareaValue(t, form, "notes"); got != "from the deputy" {
		t.Errorf("notes in the form %q; want the deputy's own", got)
	}
	if got := checkedChoice(t, form); got != "informal" {
		t.Errorf("checked level %q; want the deputy's own", got)
	}
	newVersion := inputValue(t, form, "version")
	if newVersion != strconv.Itoa(start+1) {
		t.Errorf("form version %q after the conflict; want the other save's %d", newVersion, start+1)
	}
	if cur := ts.answers(t, a.ID)["PR.AA-05"]; cur.Notes != "from the IT lead" {
		t.Errorf("the conflicting save overwrote the answer: %+v", cur)
	}

	// Pressing save again keeps the deputy's answer deliberately.
	wantRedirect(t, "save again", two.post(t, base+"/answers/PR.AA-05", url.Values{"version": {newVersion}, "choice": {"informal"},
		"notes": {"from the deputy"}}), base+"/categories/PR.AA")

	// The first lead's open page is now stale: autosave hears so in JSON.
	res = one.postJSON(t, base+"/answers/PR.AA-05", url.Values{"version": {strconv.Itoa(start + 1)}, "choice": {"optimized"}})
	wantStatus(t, "stale background save", res, http.StatusConflict)
	body := decodeJSON(t, res)
	theirs, _ := body["theirs"].(map[string]any)
	if body["conflict"] != true || body["ok"] != false || body["version"] != float64(start+2) || theirs["by"] != "deputy@eastgate.gov" {
		t.Errorf("stale background save answered %s", res.body)
	}

	history, err := ts.st.AnswerHistory(ctx, a.ID, "PR.AA-05")
	if err != nil {
		t.Fatal(err)
	}
	if len(history) < 3 || history[0].Notes != "from the deputy" || history[1].Notes != "from the IT lead" ||
		history[0].Version != start+2 || history[1].Version != start+1 {
		t.Errorf("history %+v; want the deputy's version on top of the IT lead's", history)
	}
}

func TestBadAnswersAreRefusedWithTheirValuesKept(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	m := ts.member(t, eastgate)
	a := ts.assessment(t, m.ID, ts.cycle.ID)
	base := cyclePath(m.ID, ts.cycle.ID)
	lead := ts.signIn(t, itEmail(eastgate))
	before := ts.answers(t, a.ID)
	version := strconv.Itoa(before["PR.AA-03"].Version)

	cases := []struct {
		name  string
		form  url.Values
		field string // where the message must be
		want  string // in the message
		notes string // echoed in the notes textarea
	}{
		{"unknown level", url.Values{"choice": {"excellent"}, "notes": {"typed notes stay"}}, "choice", "not a level", "typed notes stay"},
		{"no level at all", url.Values{"notes": {"nothing chosen"}}, "choice", "Choose a level", "nothing chosen"},
		{"not applicable without a reason", url.Values{"na": {"1"}, "notes": {"n/a notes"}}, "justification", "Explain why", "n/a notes"},
		{"notes too long", url.Values{"choice": {"tested"}, "notes": {strings.Repeat("é", 4001)}}, "notes", "the limit is 4000", strings.Repeat("é", 4001)},
		{"notes not UTF-8", url.Values{"choice": {"tested"}, "notes": {"bad \xff\xfe bytes"}}, "notes", "not valid text", ""},
		{"risk accepted without acceptance", url.Values{"choice": {"risk-accepted"}, "notes": {"accepted?"}}, "acceptance", "Write down the risk acceptance", "accepted?"},
		{"target outside the scale", url.Values{"choice": {"tested"}, "target": {"9"}, "notes": {"aiming high"}}, "target", "outside the scale", "aiming high"},
		{"target not a number", url.Values{"choice": {"tested"}, "target": {"seven"}}, "target", "whole number", ""},
		{"script link as evidence", url.Values{"choice": {"tested"}, "evidence": {"javascript:alert(1)"}}, "evidence", "http://", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.form.Set("version", version)
			res := lead.post(t, base+"/answers/PR.AA-03", c.form)
			wantStatus(t, c.name, res, http.StatusUnprocessableEntity)
			form := formHTML(t, res.body, "q-PR-AA-03")
			if msg := fieldError(form, "q-PR-AA-03", c.field); !strings.Contains(msg, c.want) {
				t.Errorf("message beside %s: %q; want it to contain %q\n%s", c.field, msg, c.want, res.text())
			}
			if !strings.Contains(form, "Not saved: please correct the answers marked below.") {
				t.Errorf("no form message")
			}
			if c.notes != "" {
				if got := textareaValue(t, form, "notes"); got != c.notes {
					t.Errorf("notes in the form %.40q; want what was typed", got)
				}
			}
			if got := inputValue(t, form, "version"); got != version {
				t.Errorf("version %q in the refused form; want %s", got, version)
			}
			// The same refusal for the background save, with the field.
			res = lead.postJSON(t, base+"/answers/PR.AA-03", c.form)
			wantStatus(t, c.name+" (background)", res, http.StatusUnprocessableEntity)
			body := decodeJSON(t, res)
			if errs, _ := body["errors"].(map[string]any); body["ok"] != false || errs[c.field] == nil {
				t.Errorf("background refusal %s; want ok false and an error for %s", res.body, c.field)
			}
		})
	}

	res := lead.post(t, base+"/answers/PR.AA-99", url.Values{"version": {"0"}, "choice": {"tested"}})
	wantStatus(t, "unknown question", res, http.StatusNotFound)
	wantContains(t, "unknown question", res, "There is no such question")
	wantStatus(t, "unknown category", lead.get(t, base+"/categories/XX.YY"), http.StatusNotFound)

	if after := ts.answers(t, a.ID); !reflect.DeepEqual(after, before) {
		t.Errorf("refused answers changed the stored ones")
	}
	if n := len(ts.audit(t, "answer.save")); n != 0 {
		t.Errorf("%d answer.save events after refused saves", n)
	}
}

func TestLockedAssessmentsRefuseAnswers(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)

	// Millbrook has submitted.
	mb := ts.member(t, millbrook)
	mbA := ts.assessment(t, mb.ID, ts.cycle.ID)
	mbBefore := ts.answers(t, mbA.ID)
	lead := ts.signIn(t, itEmail(millbrook))
	base := cyclePath(mb.ID, ts.cycle.ID)
	res := lead.get(t, base+"/categories/PR.AA")
	wantStatus(t, "submitted category page", res, http.StatusOK)
	wantContains(t, "submitted category page", res, "This assessment has been submitted, so its answers can no longer change.")
	wantNotContains(t, "submitted category page", res, "Save answer", "data-autosave")

	form := url.Values{"version": {strconv.Itoa(mbBefore["PR.AA-01"].Version)}, "choice": {"optimized"}, "notes": {"too late"}}
	res = lead.post(t, base+"/answers/PR.AA-01", form)
	wantStatus(t, "save to a submitted assessment", res, http.StatusLocked)
	wantContains(t, "save to a submitted assessment", res, "Nothing was saved: This assessment has been submitted", "A coordinator can reopen it.")
	wantStatus(t, "background save to a submitted assessment", lead.postJSON(t, base+"/answers/PR.AA-01", form), http.StatusLocked)
	wantStatus(t, "submit again", lead.post(t, base+"/submit", url.Values{}), http.StatusLocked)
	if after := ts.answers(t, mbA.ID); !reflect.DeepEqual(after, mbBefore) {
		t.Errorf("a submitted assessment changed")
	}

	// Last year's cycle is closed.
	eg := ts.member(t, eastgate)
	prev := ts.assessment(t, eg.ID, ts.prevCycle.ID)
	prevBefore := ts.answers(t, prev.ID)
	egLead := ts.signIn(t, itEmail(eastgate))
	prevBase := cyclePath(eg.ID, ts.prevCycle.ID)
	res = egLead.post(t, prevBase+"/answers/PR.AA-01", url.Values{"version": {strconv.Itoa(prevBefore["PR.AA-01"].Version)}, "choice": {"optimized"}})
	wantStatus(t, "save to a closed cycle", res, http.StatusLocked)
	wantContains(t, "save to a closed cycle", res, "The FY2025 cycle is closed")
	if after := ts.answers(t, prev.ID); !reflect.DeepEqual(after, prevBefore) {
		t.Errorf("an answer of a closed cycle changed")
	}
	wantStatus(t, "last year's results", egLead.get(t, prevBase+"/results"), http.StatusOK)
	if n := len(ts.audit(t, "answer.save")); n != 0 {
		t.Errorf("%d answer.save events after refused saves", n)
	}
}

func TestSubmitAndResults(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	cat := frameworks.CSF20()
	m := ts.member(t, pineHollow)
	a := ts.assessment(t, m.ID, ts.cycle.ID)
	base := cyclePath(m.ID, ts.cycle.ID)
	lead := ts.signIn(t, itEmail(pineHollow))

	// About 40% is answered: submitting lists what is missing.
	answered := ts.answers(t, a.ID)
	missing := len(cat.Subcategories()) - len(answered)
	if missing == 0 {
		t.Fatal("Pine Hollow's demo assessment is complete; the test needs an incomplete one")
	}
	res := lead.post(t, base+"/submit", url.Values{})
	wantStatus(t, "submit incomplete", res, http.StatusUnprocessableEntity)
	wantContains(t, "submit incomplete", res, fmt.Sprintf("Not submitted yet: %d questions still need an answer", missing))
	var firstMissing string
	for _, sub := range cat.Subcategories() {
		if _, ok := answered[sub.ID]; !ok {
			firstMissing = sub.ID
			break
		}
	}
	wantContains(t, "submit incomplete", res, "#"+formID(firstMissing)+`"`)
	if got := ts.assessment(t, m.ID, ts.cycle.ID); got.Status != "draft" {
		t.Fatalf("status %s after an incomplete submit", got.Status)
	}

	// The IT lead answers everything else.
	var rest []store.Answer
	for i, sub := range cat.Subcategories() {
		if _, ok := answered[sub.ID]; ok {
			continue
		}
		choice, score := "documented-policy", 3
		if i%3 == 0 {
			choice, score = "not-performed", 1
		}
		rest = append(rest, store.Answer{SubcategoryID: sub.ID, Choice: choice, Score: score, Target: 5, ScaleID: "ncsr", ScaleVersion: 1,
			AnsweredBy: itEmail(pineHollow)})
	}
	if n, err := ts.st.ImportAnswers(ctx, store.Actor{Email: itEmail(pineHollow)}, a.ID, rest); err != nil || n != missing {
		t.Fatalf("import %d answers: %d, %v", missing, n, err)
	}
	res = lead.post(t, base+"/submit", url.Values{})
	wantRedirect(t, "submit", res, base+"/results")
	if got := ts.assessment(t, m.ID, ts.cycle.ID); got.Status != "submitted" || got.SubmittedBy != itEmail(pineHollow) {
		t.Errorf("assessment after submitting %+v", got)
	}
	res = lead.get(t, base+"/results")
	wantStatus(t, "results", res, http.StatusOK)
	wantContains(t, "results", res, "Your assessment has been submitted to the consortium coordinator.")
	chart := regexp.MustCompile(`(?s)<script id="function-scores-options" type="application/json">(.*?)</script>`).FindStringSubmatch(res.body)
	if chart == nil {
		t.Fatalf("results page has no chart data block\n%s", res.text())
	}
	var options map[string]any
	if err := json.Unmarshal([]byte(chart[1]), &options); err != nil {
		t.Errorf("chart data is not a JSON object: %v\n%.200s", err, chart[1])
	} else if options["series"] == nil {
		t.Errorf("chart data has no series: %.200s", chart[1])
	}
	wantContains(t, "results", res, "The largest gaps", "Largest gaps between today's level and the target", `data-chart="function-scores-options"`)
	gapRows := regexp.MustCompile(`<span class="badge badge-gap">`).FindAllString(res.body, -1)
	if len(gapRows) == 0 || len(gapRows) > 10 {
		t.Errorf("%d rows in the largest gaps table; want 1 to 10", len(gapRows))
	}
	wantNotContains(t, "results", res, "Scores only count answered questions")
	res = lead.post(t, base+"/answers/PR.AA-01", url.Values{"version": {"1"}, "choice": {"optimized"}})
	wantStatus(t, "save after submitting", res, http.StatusLocked)

	// A board official reads the results but cannot answer.
	boardB := ts.signIn(t, boardEmail)
	wantStatus(t, "board official reads results", boardB.get(t, base+"/results"), http.StatusOK)
	wantStatus(t, "board official reads a category", boardB.get(t, base+"/categories/PR.AA"), http.StatusOK)
	wantStatus(t, "board official answers", boardB.post(t, base+"/answers/PR.AA-01", url.Values{"version": {"1"}, "choice": {"optimized"}}),
		http.StatusForbidden)
	wantStatus(t, "board official reviews", boardB.post(t, base+"/review", url.Values{}), http.StatusForbidden)

	var submitted bool
	for _, e := range ts.audit(t, "assessment.") {
		submitted = submitted || (e.Action == "assessment.submitted" && e.Actor == itEmail(pineHollow) && e.MemberID == m.ID)
	}
	if !submitted {
		t.Errorf("no assessment.submitted event")
	}
}

func TestReviewAndReopen(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	coord := ts.signIn(t, coordinatorEmail)

	// Reviewing a submitted assessment.
	af := ts.member(t, alderFalls)
	afBase := cyclePath(af.ID, ts.cycle.ID)
	res := coord.get(t, afBase)
	wantStatus(t, "submitted assessment", res, http.StatusOK)
	wantRedirect(t, "review", coord.post(t, afBase+"/review", url.Values{}), afBase)
	if got := ts.assessment(t, af.ID, ts.cycle.ID); got.Status != "reviewed" || got.ReviewedBy != coordinatorEmail {
		t.Errorf("assessment after review %+v", got)
	}
	wantContains(t, "after review", coord.get(t, afBase), "The assessment is marked as reviewed.")
	wantStatus(t, "review twice", coord.post(t, afBase+"/review", url.Values{}), http.StatusConflict)
	wantStatus(t, "reopen a reviewed assessment", coord.post(t, afBase+"/reopen", url.Values{}), http.StatusConflict)

	// Reopening a submitted one lets its IT lead correct it.
	rv := ts.member(t, riverton)
	rvA := ts.assessment(t, rv.ID, ts.cycle.ID)
	rvBase := cyclePath(rv.ID, ts.cycle.ID)
	wantRedirect(t, "reopen", coord.post(t, rvBase+"/reopen", url.Values{}), rvBase)
	if got := ts.assessment(t, rv.ID, ts.cycle.ID); got.Status != "draft" {
		t.Fatalf("assessment after reopening %+v", got)
	}
	lead := ts.signIn(t, itEmail(riverton))
	cur := ts.answers(t, rvA.ID)["ID.AM-01"]
	wantRedirect(t, "correct an answer", lead.post(t, rvBase+"/answers/ID.AM-01", url.Values{"version": {strconv.Itoa(cur.Version)},
		"choice": {"partial-procedures"}, "notes": {"corrected after review"}}), rvBase+"/categories/ID.AM")
	wantRedirect(t, "submit again", lead.post(t, rvBase+"/submit", url.Values{}), rvBase+"/results")
	if got := ts.assessment(t, rv.ID, ts.cycle.ID); got.Status != "submitted" {
		t.Errorf("assessment after resubmitting %+v", got)
	}

	// A draft cannot be reviewed, a closed cycle cannot change, and a
	// member who has not started has nothing to review.
	eg := ts.member(t, eastgate)
	wantStatus(t, "review a draft", coord.post(t, cyclePath(eg.ID, ts.cycle.ID)+"/review", url.Values{}), http.StatusConflict)
	wantStatus(t, "reopen last year's", coord.post(t, cyclePath(eg.ID, ts.prevCycle.ID)+"/reopen", url.Values{}), http.StatusConflict)
	kr := ts.member(t, "kettle-river-tribal-nation")
	krBase := cyclePath(kr.ID, ts.cycle.ID)
	res = coord.post(t, krBase+"/review", url.Values{})
	wantStatus(t, "review an assessment not started", res, http.StatusUnprocessableEntity)
	wantContains(t, "review an assessment not started", res, "has not started")

	// Looking does not create anything; the IT lead's first visit does.
	wantStatus(t, "coordinator opens an assessment not started", coord.get(t, krBase), http.StatusOK)
	wantStatus(t, "coordinator opens its results", coord.get(t, krBase+"/results"), http.StatusOK)
	if _, err := ts.st.AssessmentOf(context.Background(), kr.ID, ts.cycle.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("looking at an assessment not started created one (%v)", err)
	}
	krLead := ts.signIn(t, itEmail("kettle-river-tribal-nation"))
	wantRedirect(t, "IT lead's home", krLead.get(t, "/"), fmt.Sprintf("/members/%d", kr.ID))
	wantRedirect(t, "IT lead's member page", krLead.get(t, fmt.Sprintf("/members/%d", kr.ID)), krBase)
	wantStatus(t, "IT lead's first visit", krLead.get(t, krBase), http.StatusOK)
	krA := ts.assessment(t, kr.ID, ts.cycle.ID)
	if krA.Status != "draft" {
		t.Errorf("first visit made %+v; want a draft", krA)
	}
	// A version for an answer nobody saved is a tampered or outdated form.
	res = krLead.post(t, krBase+"/answers/GV.OC-01", url.Values{"version": {"3"}, "choice": {"informal"}})
	wantStatus(t, "version of an answer that does not exist", res, http.StatusBadRequest)
	if got := inputValue(t, formHTML(t, res.body, "q-GV-OC-01"), "version"); got != "0" {
		t.Errorf("refused form based on version %q; want 0", got)
	}
	wantNotContains(t, "version of an answer that does not exist", res, "saved this answer while you were editing")
	if n := len(ts.answers(t, krA.ID)); n != 0 {
		t.Errorf("%d answers stored after a refused save", n)
	}
	wantRedirect(t, "first answer", krLead.post(t, krBase+"/answers/GV.OC-01", url.Values{"version": {"0"}, "choice": {"informal"}}),
		krBase+"/categories/GV.OC")
	if got := ts.answers(t, krA.ID)["GV.OC-01"]; got.Version != 1 || got.Choice != "informal" {
		t.Errorf("first answer %+v", got)
	}
}
