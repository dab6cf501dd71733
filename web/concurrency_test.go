package web

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// editor is one of the two browsers editing the same answer: the version
// its page is based on, as the hidden field of the form would carry it.
type editor struct {
	name string
	b    *browser
	base int
}

// answerModel is what the answer must be: the last acknowledged save, and
// the notes of every acknowledged version (each save's notes are unique).
type answerModel struct {
	version int
	notes   string
	byVer   map[int]string
}

// TestConcurrentInterleavedEditsLoseNothing: Eastgate's IT lead is signed in
// twice and edits one answer from both browsers, each saving with the
// version its page was based on, in 1,000 random interleavings of reads,
// saves and simultaneous saves. A save based on a stale version must get the
// conflict flow (both answers shown, either can be kept); an acknowledged
// save is never replaced by one that did not see it; the stored history is
// exactly the chain of acknowledged saves, and the final answer the last of
// them. The seed is logged; PALISADE_INTERLEAVING_SEED repeats a run.
func TestConcurrentInterleavedEditsLoseNothing(t *testing.T) {
	t.Parallel()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("PALISADE_INTERLEAVING_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (rerun with PALISADE_INTERLEAVING_SEED=%d)", seed, seed)
	r := rand.New(rand.NewPCG(seed, 0))

	ts := newTestServer(t)
	m := ts.member(t, eastgate)
	a := ts.assessment(t, m.ID, ts.cycle.ID)
	base := cyclePath(m.ID, ts.cycle.ID)
	const sub, page, formID = "PR.AA-05", "/categories/PR.AA", "q-PR-AA-05"
	start := ts.answers(t, a.ID)[sub]
	model := answerModel{version: start.Version, notes: start.Notes, byVer: map[int]string{start.Version: start.Notes}}
	eds := [2]*editor{{name: "first", b: ts.signIn(t, itEmail(eastgate))}, {name: "second", b: ts.signIn(t, itEmail(eastgate))}}
	levels := []string{"not-performed", "informal", "documented-policy", "partial-procedures", "in-progress", "tested", "optimized"}
	edits, conflicts := 0, 0
	newNotes := func(e *editor) string {
		edits++
		return fmt.Sprintf("%s browser, edit %d <b>&", e.name, edits)
	}

	// read opens the question, as reloading the page does: it must show
	// the last acknowledged save.
	read := func(e *editor, step string) {
		t.Helper()
		res := e.b.get(t, base+page)
		wantStatus(t, step, res, http.StatusOK)
		form := formHTML(t, res.body, formID)
		v, _ := strconv.Atoi(inputValue(t, form, "version"))
		if notes := textareaValue(t, form, "notes"); v != model.version || notes != model.notes {
			t.Fatalf("%s: the page shows version %d %q; the last acknowledged save is version %d %q", step, v, notes, model.version, model.notes)
		}
		e.base = v
	}
	acknowledged := func(e *editor, notes string) {
		model.version++
		model.notes = notes
		model.byVer[model.version] = notes
		e.base = model.version
	}
	// afterConflict takes one of the two ways the conflict offers: keep
	// mine (the form is now based on their version, so saving again
	// replaces theirs knowingly), or keep theirs (reload the question).
	afterConflict := func(e *editor, step string) {
		t.Helper()
		if r.IntN(2) == 0 {
			e.base = model.version
		} else {
			read(e, step+", then keep theirs")
		}
	}

	// saveJSON is the background save of autosave.js.
	saveJSON := func(e *editor, step string) {
		t.Helper()
		notes, stale := newNotes(e), e.base != model.version
		res := e.b.postJSON(t, base+"/answers/"+sub, url.Values{"version": {strconv.Itoa(e.base)}, "choice": {levels[r.IntN(len(levels))]}, "notes": {notes}})
		body := decodeJSON(t, res)
		if !stale {
			if res.status != http.StatusOK || body["ok"] != true || body["version"] != float64(model.version+1) {
				t.Fatalf("%s: save based on the current version %d answered %d %s", step, e.base, res.status, res.body)
			}
			acknowledged(e, notes)
			return
		}
		theirs, _ := body["theirs"].(map[string]any)
		if res.status != http.StatusConflict || body["conflict"] != true || body["version"] != float64(model.version) || theirs["notes"] != model.notes {
			t.Fatalf("%s: save based on stale version %d (current %d %q) answered %d %s", step, e.base, model.version, model.notes, res.status, res.body)
		}
		conflicts++
		afterConflict(e, step)
	}

	// saveForm is the Save answer button without JavaScript.
	saveForm := func(e *editor, step string) {
		t.Helper()
		notes, stale := newNotes(e), e.base != model.version
		res := e.b.post(t, base+"/answers/"+sub, url.Values{"version": {strconv.Itoa(e.base)}, "choice": {levels[r.IntN(len(levels))]}, "notes": {notes}})
		if !stale {
			wantRedirect(t, step, res, base+page)
			acknowledged(e, notes)
			return
		}
		wantStatus(t, step, res, http.StatusConflict)
		// Both answers are on the page; the form keeps mine, based on theirs.
		_, box, ok := strings.Cut(res.body, `<div class="conflict">`)
		theirsPart, minePart, ok2 := strings.Cut(box, `<div class="conflict-mine">`)
		ok = ok && ok2
		esc := func(s string) string { return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s) }
		if !ok || !strings.Contains(theirsPart, esc(model.notes)) || !strings.Contains(minePart, esc(notes)) {
			t.Fatalf("%s: the conflict page does not show theirs (%q) and mine (%q) side by side\n%s", step, model.notes, notes, res.text())
		}
		if !strings.Contains(theirsPart, `href="`+base+page+"#"+formID+`" class="keep-theirs"`) {
			t.Fatalf("%s: the conflict page offers no way to keep theirs", step)
		}
		form := formHTML(t, res.body, formID)
		if v := inputValue(t, form, "version"); v != strconv.Itoa(model.version) || textareaValue(t, form, "notes") != notes {
			t.Fatalf("%s: the conflict form is based on version %s with notes %q; want mine on top of version %d", step, v, textareaValue(t, form, "notes"), model.version)
		}
		conflicts++
		afterConflict(e, step)
	}

	// race sends both browsers' saves at the same moment: the store must
	// let exactly the saves based on the current version through, one of
	// them at most, and refuse the other with the winner's answer.
	race := func(step string) {
		t.Helper()
		type outcome struct {
			res   response
			err   error
			notes string
		}
		var out [2]outcome
		var wg sync.WaitGroup
		for i, e := range eds {
			out[i].notes = newNotes(e)
			form := url.Values{"version": {strconv.Itoa(e.base)}, "choice": {levels[r.IntN(len(levels))]}, "notes": {out[i].notes}}
			wg.Go(func() { out[i].res, out[i].err = e.b.tryPostJSON(base+"/answers/"+sub, form) })
		}
		wg.Wait()
		before := model
		winner := -1
		for i, o := range out {
			if o.err != nil {
				t.Fatalf("%s: %s browser: %v", step, eds[i].name, o.err)
			}
			if o.res.status == http.StatusOK {
				if winner >= 0 {
					t.Fatalf("%s: both saves were acknowledged, one of them without seeing the other", step)
				}
				winner = i
			} else if o.res.status != http.StatusConflict {
				t.Fatalf("%s: %s browser's save answered %d %s", step, eds[i].name, o.res.status, o.res.body)
			}
		}
		fresh := eds[0].base == before.version || eds[1].base == before.version
		if fresh != (winner >= 0) {
			t.Fatalf("%s: bases %d and %d against current %d, yet winner %d", step, eds[0].base, eds[1].base, before.version, winner)
		}
		if winner >= 0 {
			if eds[winner].base != before.version {
				t.Fatalf("%s: the %s browser's save based on stale version %d was acknowledged", step, eds[winner].name, eds[winner].base)
			}
			body := decodeJSON(t, out[winner].res)
			if body["version"] != float64(before.version+1) {
				t.Fatalf("%s: winner got version %v, want %d", step, body["version"], before.version+1)
			}
			acknowledged(eds[winner], out[winner].notes)
		}
		for i, o := range out {
			if i == winner {
				continue
			}
			// The refusal names the answer that was current when the
			// loser's transaction ran: before or after the winner's.
			body := decodeJSON(t, o.res)
			theirs, _ := body["theirs"].(map[string]any)
			v := int(body["version"].(float64))
			if body["conflict"] != true || (v != before.version && v != model.version) || theirs["notes"] != model.byVer[v] {
				t.Fatalf("%s: %s browser's refusal %s; want the conflict with version %d or %d", step, eds[i].name, o.res.body, before.version, model.version)
			}
			conflicts++
			afterConflict(eds[i], step)
		}
	}

	read(eds[0], "first read")
	read(eds[1], "second read")
	const interleavings = 1000
	for n := range interleavings {
		// Each interleaving is two to five steps by either browser; a
		// browser's page may be stale from an earlier interleaving.
		for s := range 2 + r.IntN(4) {
			e := eds[r.IntN(2)]
			step := fmt.Sprintf("interleaving %d step %d (%s browser)", n, s, e.name)
			switch k := r.IntN(10); {
			case k < 2:
				read(e, step+": read")
			case k < 6:
				saveJSON(e, step+": background save")
			case k < 8:
				saveForm(e, step+": form save")
			default:
				race(fmt.Sprintf("interleaving %d step %d: both save at once", n, s))
			}
		}
	}

	// The stored history is exactly the chain of acknowledged saves: every
	// version was based on the one before it, which its saver had seen.
	history, err := ts.st.AnswerHistory(t.Context(), a.ID, sub)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) == 0 || history[0].Version != model.version || history[0].Notes != model.notes {
		t.Fatalf("final answer %+v; want the last acknowledged save, version %d %q", history[0], model.version, model.notes)
	}
	for i, h := range history {
		if want := model.version - i; h.Version != want {
			t.Fatalf("history has version %d where %d belongs: the chain is broken", h.Version, want)
		}
		if want, ok := model.byVer[h.Version]; ok && h.Notes != want {
			t.Errorf("version %d holds %q; %q was acknowledged as that version", h.Version, h.Notes, want)
		}
	}
	if saves := len(model.byVer) - 1; saves < interleavings || conflicts < interleavings/4 {
		t.Fatalf("only %d acknowledged saves and %d stale saves: the interleavings did not exercise the conflict flow", saves, conflicts)
	}
	t.Logf("%d acknowledged saves, %d stale saves refused with the conflict flow", len(model.byVer)-1, conflicts)
}

// tryPostJSON is postJSON for other goroutines than the test's: it returns
// the error instead of failing the test (t.Fatal must not be called there).
func (b *browser) tryPostJSON(path string, form url.Values) (response, error) {
	req, err := http.NewRequest(http.MethodPost, b.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Requested-With", "fetch")
	req.Header.Set("Accept", "application/json")
	b.prepare(req)
	res, err := b.client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return response{}, err
	}
	return response{status: res.StatusCode, header: res.Header, body: string(body)}, nil
}
