package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"palisade/demo"
	"palisade/frameworks"
	"palisade/store"
)

// load is one run: the server's address, its store, and who signs in.
type load struct {
	o      options
	base   string
	st     *store.Store
	cat    *frameworks.Catalog
	big    demo.Big
	client *http.Client

	readers []persona // coordinators, then the board official
	leads   []persona // IT leads, one member each
}

type persona struct {
	email  string
	member int // index in big.Members (IT leads)
	cookie *http.Cookie
}

// ack is a save the server acknowledged: a 200 with ok and the new version
// (background save) or a 303 back to the question (form post).
type ack struct {
	assessment int64
	sub        string
	version    int
	choice     string
	target     int
	notes      string
}

// routeStats collects one route's requests.
type routeStats struct {
	times    []time.Duration
	statuses map[int]int
	errors   int // transport errors and unusable responses
}

// tally is what one worker saw; workers keep their own, merged at the end,
// so recording never contends on a lock.
type tally struct {
	routes    map[string]*routeStats
	acks      []ack
	conflicts int
	problems  []string // the first few, for the report
	nProblems int
}

func newTally() *tally { return &tally{routes: map[string]*routeStats{}} }

func (t *tally) route(name string) *routeStats {
	rs := t.routes[name]
	if rs == nil {
		rs = &routeStats{statuses: map[int]int{}}
		t.routes[name] = rs
	}
	return rs
}

func (t *tally) problem(format string, args ...any) {
	t.nProblems++
	if len(t.problems) < 20 {
		t.problems = append(t.problems, fmt.Sprintf(format, args...))
	}
}

// results is the merged tally of a run.
type results struct {
	*tally
	elapsed time.Duration
}

// drive runs the workers until the duration is over and merges what they
// saw. Workers 0..readers-1 read; the others save answers, each owning a
// disjoint set of IT leads (lead i belongs to writer i mod writers).
func (l *load) drive(d time.Duration) results {
	writers := l.o.workers - l.o.readers
	if writers > len(l.leads) {
		writers = len(l.leads)
	}
	owned := make([][]persona, writers)
	for i, p := range l.leads {
		owned[i%writers] = append(owned[i%writers], p)
	}
	tallies := make([]*tally, l.o.readers+writers)
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for w := range tallies {
		tallies[w] = newTally()
		wg.Go(func() {
			r := newRand(l.o.seed, w)
			if w < l.o.readers {
				l.reader(tallies[w], r, l.readers[w%len(l.readers)], deadline)
			} else {
				l.writer(tallies[w], r, owned[w-l.o.readers], deadline)
			}
		})
	}
	wg.Wait()
	all := newTally()
	for _, t := range tallies {
		for name, rs := range t.routes {
			m := all.route(name)
			m.times = append(m.times, rs.times...)
			m.errors += rs.errors
			for s, n := range rs.statuses {
				m.statuses[s] += n
			}
		}
		all.acks = append(all.acks, t.acks...)
		all.conflicts += t.conflicts
		all.nProblems += t.nProblems
		for _, p := range t.problems {
			if len(all.problems) < 30 {
				all.problems = append(all.problems, p)
			}
		}
	}
	return results{tally: all, elapsed: time.Since(start)}
}

// browserHeaders are what a browser sends with a request from one of
// Palisade's own pages; the cross-origin protection checks them on POSTs.
func (l *load) browserHeaders(req *http.Request) {
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if req.Method == http.MethodPost {
		req.Header.Set("Origin", l.base)
	}
	req.Header.Set("User-Agent", "palisade-load")
}

// send makes one request and records its time and status under route. It
// returns the status and body; status 0 means a transport error.
func (l *load) send(t *tally, route string, p persona, method, path string, form url.Values, header http.Header) (int, []byte, http.Header) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, l.base+path, body)
	if err != nil {
		t.problem("%s %s: %v", method, path, err)
		return 0, nil, nil
	}
	l.browserHeaders(req)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.AddCookie(p.cookie)
	rs := t.route(route)
	start := time.Now()
	res, err := l.client.Do(req)
	if err != nil {
		rs.errors++
		t.problem("%s %s as %s: %v", method, path, p.email, err)
		return 0, nil, nil
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	elapsed := time.Since(start)
	if err != nil {
		rs.errors++
		t.problem("%s %s as %s: reading the body: %v", method, path, p.email, err)
		return 0, nil, nil
	}
	rs.times = append(rs.times, elapsed)
	rs.statuses[res.StatusCode]++
	return res.StatusCode, b, res.Header
}

// expect records a problem unless the status is the one wanted.
func expect(t *tally, what string, got, want int, body []byte) bool {
	if got == want {
		return true
	}
	if got != 0 { // transport errors were recorded already
		t.problem("%s: status %d, want %d: %.200s", what, got, want, visibleText(body))
	}
	return false
}

var tagRE = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<[^>]*>`)

func visibleText(b []byte) string {
	return strings.Join(strings.Fields(tagRE.ReplaceAllString(string(b), " ")), " ")
}

// versionRE finds each question's form and the version it is based on.
var versionRE = regexp.MustCompile(`(?s)<form id="(q-[^"]+)" class="answer-form".*?name="version" value="(\d+)"`)

func formID(sub string) string { return "q-" + strings.ReplaceAll(sub, ".", "-") }

// levels the writers choose from: not "risk formally accepted", which needs
// more fields.
var levels = []string{"not-performed", "informal", "documented-policy", "partial-procedures", "in-progress", "tested", "optimized"}

// writer is an IT lead at work: open a category of their own assessment,
// change one to three answers there, repeat. The versions the page shows
// must be exactly those of this worker's last acknowledged saves, since no
// one else edits these answers.
func (l *load) writer(t *tally, r *rand.Rand, leads []persona, deadline time.Time) {
	known := map[string]int{} // "member/sub" -> version acknowledged last
	seq := 0
	cycle := l.big.Cycle.ID
	for time.Now().Before(deadline) {
		p := leads[r.IntN(len(leads))]
		m := l.big.Members[p.member]
		fn := l.cat.Functions[r.IntN(len(l.cat.Functions))]
		cat := fn.Categories[r.IntN(len(fn.Categories))]
		base := fmt.Sprintf("/members/%d/cycles/%d", m.ID, cycle)
		status, body, _ := l.send(t, "GET category page (IT lead)", p, http.MethodGet, base+"/categories/"+cat.ID, nil, nil)
		if !expect(t, "category "+cat.ID+" of "+m.Name, status, http.StatusOK, body) {
			continue
		}
		onPage := map[string]int{}
		for _, mm := range versionRE.FindAllSubmatch(body, -1) {
			v, _ := strconv.Atoi(string(mm[2]))
			onPage[string(mm[1])] = v
		}
		for range 1 + r.IntN(3) {
			sub := cat.Subcategories[r.IntN(len(cat.Subcategories))].ID
			key := fmt.Sprintf("%d/%s", p.member, sub)
			v, ok := onPage[formID(sub)]
			if !ok {
				t.problem("category page %s of %s has no form for %s", cat.ID, m.Name, sub)
				continue
			}
			if want, saved := known[key]; saved && v != want {
				t.problem("%s %s: the page is based on version %d, but version %d was acknowledged last (lost or foreign write)", m.Name, sub, v, want)
			}
			seq++
			a := ack{assessment: l.big.Assessments[p.member], sub: sub, version: v + 1, choice: levels[r.IntN(len(levels))],
				target: 5, notes: fmt.Sprintf("load seed %d, %s, save %d", l.o.seed, p.email, seq)}
			form := url.Values{"version": {strconv.Itoa(v)}, "choice": {a.choice}, "target": {""}, "notes": {a.notes},
				"justification": {""}, "accepted_by": {""}, "acceptance": {""}, "evidence": {""}}
			if r.IntN(3) == 0 {
				a.target = 1 + r.IntN(7)
				form.Set("target", strconv.Itoa(a.target))
			}
			path := base + "/answers/" + sub
			if r.IntN(4) == 0 {
				// The plain form POST (no JavaScript): 303 back to the question.
				status, body, h := l.send(t, "POST answer (form)", p, http.MethodPost, path, form, nil)
				if status == http.StatusConflict {
					t.conflicts++
				}
				if !expect(t, "form save of "+sub+" for "+m.Name, status, http.StatusSeeOther, body) {
					continue
				}
				if loc := h.Get("Location"); !strings.Contains(loc, "?saved="+sub+"#") {
					t.problem("form save of %s: redirected to %q, not back to the saved question", sub, loc)
					continue
				}
			} else {
				// The background save of static/autosave.js.
				hdr := http.Header{"X-Requested-With": {"fetch"}, "Accept": {"application/json"}}
				status, body, _ := l.send(t, "POST answer (autosave)", p, http.MethodPost, path, form, hdr)
				if status == http.StatusConflict {
					t.conflicts++
				}
				if !expect(t, "background save of "+sub+" for "+m.Name, status, http.StatusOK, body) {
					continue
				}
				var res struct {
					OK      bool `json:"ok"`
					Version int  `json:"version"`
				}
				if err := json.Unmarshal(body, &res); err != nil || !res.OK || res.Version != a.version {
					t.problem("background save of %s: answered %.200s; want ok and version %d", sub, body, a.version)
					continue
				}
			}
			t.acks = append(t.acks, a)
			known[key] = a.version
			onPage[formID(sub)] = a.version
		}
	}
}

// reader is a coordinator or the board official looking at results.
func (l *load) reader(t *tally, r *rand.Rand, p persona, deadline time.Time) {
	cycle := l.big.Cycle.ID
	// Stagger the first download so readers do not all build a PDF at once.
	nextPDF := time.Now().Add(time.Duration(r.Int64N(int64(l.o.pdfEvery) + 1)))
	pdfs := 0
	for time.Now().Before(deadline) {
		m := l.big.Members[r.IntN(len(l.big.Members))]
		base := fmt.Sprintf("/members/%d/cycles/%d", m.ID, cycle)
		if time.Now().After(nextPDF) {
			nextPDF = time.Now().Add(l.o.pdfEvery)
			route, path := "GET /consortium/briefing.pdf", fmt.Sprintf("/consortium/briefing.pdf?cycle=%d", cycle)
			if pdfs%2 == 1 {
				route, path = "GET member briefing.pdf", base+"/briefing.pdf"
			}
			pdfs++
			status, body, _ := l.send(t, route, p, http.MethodGet, path, nil, nil)
			if expect(t, path, status, http.StatusOK, body) &&
				(!bytes.HasPrefix(body, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimRight(body, "\r\n"), []byte("%%EOF"))) {
				t.problem("%s: not a whole PDF (%d bytes)", path, len(body))
			}
			continue
		}
		var route, path string
		switch n := r.IntN(100); {
		case n < 30:
			route, path = "GET /consortium/compare", "/consortium/compare"
		case n < 55:
			route, path = "GET /consortium/weakest", "/consortium/weakest"
		case n < 65:
			route, path = "GET /consortium", "/consortium"
		case n < 80:
			route, path = "GET assessment page", base
		default:
			fn := l.cat.Functions[r.IntN(len(l.cat.Functions))]
			cat := fn.Categories[r.IntN(len(fn.Categories))]
			route, path = "GET category page (reader)", base+"/categories/"+cat.ID
		}
		status, body, _ := l.send(t, route, p, http.MethodGet, path, nil, nil)
		expect(t, path+" as "+p.email, status, http.StatusOK, body)
	}
}
