package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"palisade/demo"
	"palisade/frameworks"
)

// TestCrashKeepsAcknowledgedSaves builds the real binary, serves the demo
// consortium from a file, and lets IT leads save answers over HTTP while the
// process is killed with SIGKILL at random moments, round after round. After
// the last round the database must hold every acknowledged save, nothing
// half written, and pass SQLite's integrity check.
//
// What "acknowledged" guarantees: the server answers 200 to a background
// save only after the transaction holding the new version, the refreshed
// compact levels and the audit row has committed (synchronous=FULL, WAL).
// So an acknowledged version v must be in the answer's history with exactly
// the values sent, and the current version must be v or a later one. A later
// one is allowed only if it is a save the same client sent and never heard
// back about (the kill cut the connection after the commit): each answer has
// a single writer here, so the client knows every value that could be there.
//
// SIGKILL is a process crash, not a power cut: the kernel still writes what
// SQLite handed it. Power loss is what synchronous=FULL is for, and it is
// not simulated here.
func TestCrashKeepsAcknowledgedSaves(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it repeatedly; skipped with -short")
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("PALISADE_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (rerun with PALISADE_CRASH_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	dir := t.TempDir()
	bin := filepath.Join(dir, "palisade")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "palisade.db")
	p := &process{t: t, bin: bin, db: db, addr: freeAddr(t)}
	base := "http://" + p.addr

	// The first start loads the demo consortium into the file; later
	// starts find it there (demo.Load is idempotent) and keep the sessions.
	p.start()
	var clients []*saver
	for i, slug := range []string{"town-of-eastgate", "town-of-eastgate", "harbor-port-district", "village-of-pine-hollow"} {
		clients = append(clients, newSaver(t, base, i, "it@"+slug+".demo.palisade.test"))
	}
	// Eastgate's IT lead is signed in twice, in two browsers; the two split
	// the questions so each answer still has a single writer.
	subs := frameworks.CSF20().Subcategories()
	for i, c := range clients {
		for j, sub := range subs {
			if i >= 2 || j%2 == i {
				c.subs = append(c.subs, sub.ID)
			}
		}
	}

	const rounds = 5
	for round := range rounds {
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for _, c := range clients {
			wg.Go(func() { c.run(ctx, rand.New(rand.NewPCG(seed, uint64(round*len(clients)+c.id+1)))) })
		}
		// Let the clients get going, then kill at a random moment.
		wait := time.Duration(300+rng.IntN(1200)) * time.Millisecond
		time.Sleep(wait)
		p.kill()
		cancel()
		wg.Wait()
		acked := 0
		for _, c := range clients {
			acked += c.acked
		}
		t.Logf("round %d: killed after %v; %d saves acknowledged so far", round+1, wait, acked)
		p.start()
	}
	// The server came back after the last kill; stop it the same way and
	// look at the file it left.
	p.kill()

	conn, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var integrity string
	if err := conn.QueryRow("PRAGMA integrity_check").Scan(&integrity); err != nil || integrity != "ok" {
		t.Errorf("PRAGMA integrity_check: %q, %v", integrity, err)
	}
	var fkProblems int
	if err := conn.QueryRow("SELECT count(*) FROM pragma_foreign_key_check").Scan(&fkProblems); err != nil || fkProblems != 0 {
		t.Errorf("foreign key check: %d problems, %v", fkProblems, err)
	}
	total, unheard, landed := 0, 0, 0
	for _, c := range clients {
		total += c.acked
		unheard += c.unheard
		landed += c.landed
		c.verify(conn)
	}
	if total == 0 {
		t.Fatal("no save was acknowledged in any round: the test proved nothing")
	}
	checkLevels(t, conn)
	checkChains(t, conn)
	t.Logf("%d acknowledged saves checked after %d kills; %d saves got no reply, of which %d were found committed when read again",
		total, rounds+1, unheard, landed)
}

// process is the server binary, started and killed again and again on the
// same file and address.
type process struct {
	t       *testing.T
	bin, db string
	addr    string
	cmd     *exec.Cmd
	output  bytes.Buffer
	loaded  bool // the demo consortium is in the file
}

func (p *process) start() {
	p.t.Helper()
	args := []string{"--db", p.db, "--addr", p.addr, "--log-level", "warn"}
	if !p.loaded {
		args = append(args, "--demo")
		p.loaded = true
	}
	p.cmd = exec.Command(p.bin, args...)
	// The test's own PALISADE_* settings must not leak into the child.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PALISADE_") {
			p.cmd.Env = append(p.cmd.Env, kv)
		}
	}
	p.output.Reset()
	p.cmd.Stdout, p.cmd.Stderr = &p.output, &p.output
	if err := p.cmd.Start(); err != nil {
		p.t.Fatalf("start %s: %v", p.bin, err)
	}
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := client.Get("http://" + p.addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			p.cmd.Process.Kill()
			p.cmd.Wait()
			p.t.Fatalf("the server did not become healthy after a restart: %v\n%s", err, p.output.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *process) kill() {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		p.t.Fatalf("kill: %v", err)
	}
	p.cmd.Wait()
	if strings.Contains(p.output.String(), "level=ERROR") {
		p.t.Errorf("the server logged errors before it was killed:\n%s", p.output.String())
	}
}

// freeAddr finds a loopback port that is free now; the server listens on
// it in every round.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// attempt is one save sent, with the version it would create.
type attempt struct {
	version int
	choice  string
	notes   string
}

// saver is one signed-in browser saving answers it alone edits.
type saver struct {
	t      *testing.T
	id     int
	base   string // e.g. http://127.0.0.1:port
	email  string
	cookie *http.Cookie
	path   string // the assessment, /members/{id}/cycles/{cycle}
	member int64
	cycle  int64
	subs   []string

	known     map[string]int // the version each answer is at, when certain
	uncertain map[string]bool
	attempts  map[string][]attempt // every save sent, acknowledged or not
	acks      map[string][]attempt // every save acknowledged
	acked     int
	unheard   int // saves sent that got no reply (cut by a kill)
	landed    int // of those, the ones found committed after the restart
	problems  []string
	seq       int
}

// newSaver signs in through the login form; the session lives in SQLite, so
// it outlives every restart.
func newSaver(t *testing.T, base string, id int, email string) *saver {
	t.Helper()
	s := &saver{t: t, id: id, base: base, email: email, known: map[string]int{}, uncertain: map[string]bool{},
		attempts: map[string][]attempt{}, acks: map[string][]attempt{}}
	form := url.Values{"email": {email}, "password": {demo.Password}}
	res, _, err := s.do(context.Background(), http.MethodPost, "/login", form, nil)
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %v %v", email, status(res), err)
	}
	for _, c := range res.Cookies() {
		if c.Name == "palisade" {
			s.cookie = &http.Cookie{Name: c.Name, Value: c.Value}
		}
	}
	if s.cookie == nil {
		t.Fatalf("sign in as %s: no session cookie", email)
	}
	// Home sends an IT lead to their member, which sends them to the
	// current cycle's assessment.
	path := "/"
	for range 3 {
		res, _, err = s.do(context.Background(), http.MethodGet, path, nil, nil)
		if err != nil || res.StatusCode != http.StatusSeeOther {
			break
		}
		path = res.Header.Get("Location")
	}
	if _, err := fmt.Sscanf(path, "/members/%d/cycles/%d", &s.member, &s.cycle); err != nil {
		t.Fatalf("%s: home led to %q, not to an assessment", email, path)
	}
	s.path = path
	return s
}

func status(res *http.Response) string {
	if res == nil {
		return "no response"
	}
	return res.Status
}

var saverClient = &http.Client{
	Timeout: 10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

func (s *saver) do(ctx context.Context, method, path string, form url.Values, header http.Header) (*http.Response, []byte, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, body)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if method == http.MethodPost {
		req.Header.Set("Origin", s.base)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if s.cookie != nil {
		req.AddCookie(s.cookie)
	}
	res, err := saverClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res, b, err
}

var formVersionRE = regexp.MustCompile(`(?s)<form id="(q-[^"]+)" class="answer-form".*?name="version" value="(\d+)"`)

// refresh reads the versions of a category's answers from its page, as a
// browser reopening the page would.
func (s *saver) refresh(ctx context.Context, sub string) error {
	cat, _, _ := strings.Cut(sub, "-")
	res, body, err := s.do(ctx, http.MethodGet, s.path+"/categories/"+cat, nil, nil)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("category %s: %s", cat, res.Status)
	}
	for _, m := range formVersionRE.FindAllSubmatch(body, -1) {
		id := strings.Replace(strings.TrimPrefix(string(m[1]), "q-"), "-", ".", 1)
		v, _ := strconv.Atoi(string(m[2]))
		if !slices.Contains(s.subs, id) {
			continue
		}
		if want, ok := s.known[id]; ok && !s.uncertain[id] && v != want {
			s.problems = append(s.problems, fmt.Sprintf("%s: the page shows version %d of %s after version %d was acknowledged", s.email, v, id, want))
		}
		if s.uncertain[id] {
			// The unacknowledged save either committed or did not:
			// nothing in between.
			if want := s.known[id]; v != want && v != want+1 {
				s.problems = append(s.problems, fmt.Sprintf("%s: %s is at version %d after an unacknowledged save based on %d", s.email, id, v, want))
			} else if v == want+1 {
				s.landed++
			}
		}
		s.known[id] = v
		delete(s.uncertain, id)
	}
	return nil
}

// run saves answers until the context ends (the server was killed).
func (s *saver) run(ctx context.Context, r *rand.Rand) {
	levels := []string{"not-performed", "informal", "documented-policy", "partial-procedures", "in-progress", "tested", "optimized"}
	for ctx.Err() == nil {
		sub := s.subs[r.IntN(len(s.subs))]
		if _, ok := s.known[sub]; !ok || s.uncertain[sub] {
			if err := s.refresh(ctx, sub); err != nil {
				return // the server is gone
			}
		}
		base := s.known[sub]
		s.seq++
		a := attempt{version: base + 1, choice: levels[r.IntN(len(levels))], notes: fmt.Sprintf("%s save %d", s.email, s.seq)}
		s.attempts[sub] = append(s.attempts[sub], a)
		form := url.Values{"version": {strconv.Itoa(base)}, "choice": {a.choice}, "notes": {a.notes}}
		res, body, err := s.do(ctx, http.MethodPost, s.path+"/answers/"+sub, form,
			http.Header{"X-Requested-With": {"fetch"}, "Accept": {"application/json"}})
		if err != nil {
			// No answer: the save may or may not have committed.
			s.uncertain[sub] = true
			s.unheard++
			return
		}
		var reply struct {
			OK      bool `json:"ok"`
			Version int  `json:"version"`
		}
		if res.StatusCode != http.StatusOK || json.Unmarshal(body, &reply) != nil || !reply.OK || reply.Version != a.version {
			s.problems = append(s.problems, fmt.Sprintf("%s: save of %s based on %d: %s %.200s", s.email, sub, base, res.Status, body))
			s.uncertain[sub] = true
			continue
		}
		s.known[sub] = a.version
		s.acks[sub] = append(s.acks[sub], a)
		s.acked++
	}
}

// verify checks the client's saves against the file.
func (s *saver) verify(conn *sql.DB) {
	t := s.t
	t.Helper()
	for _, p := range s.problems {
		t.Error(p)
	}
	var assessment int64
	if err := conn.QueryRow(`SELECT id FROM assessments WHERE member_id = ? AND cycle_id = ?`, s.member, s.cycle).Scan(&assessment); err != nil {
		t.Fatalf("assessment of %s: %v", s.email, err)
	}
	for sub, sent := range s.attempts {
		rows, err := conn.Query(`SELECT version, choice, notes, is_current FROM answers WHERE assessment_id = ? AND subcategory_id = ? ORDER BY version`, assessment, sub)
		if err != nil {
			t.Fatal(err)
		}
		stored := map[int]attempt{}
		current := 0
		for rows.Next() {
			var a attempt
			var isCurrent bool
			if err := rows.Scan(&a.version, &a.choice, &a.notes, &isCurrent); err != nil {
				t.Fatal(err)
			}
			stored[a.version] = a
			if isCurrent {
				current = a.version
			}
		}
		rows.Close()
		lastAck := 0
		for _, a := range s.acks[sub] {
			if got, ok := stored[a.version]; !ok || got != a {
				t.Errorf("%s %s: acknowledged version %d (%s, %q) is stored as %+v (found: %v)", s.email, sub, a.version, a.choice, a.notes, got, ok)
			}
			lastAck = max(lastAck, a.version)
		}
		if current < lastAck {
			t.Errorf("%s %s: current version %d is older than the acknowledged %d: a lost save", s.email, sub, current, lastAck)
		}
		// Every version after the last acknowledged one must be a save
		// this client sent (and did not hear back about). Versions from
		// before its first save (the demo's own answer) are not its.
		from := max(lastAck, sent[0].version-1)
		for v := from + 1; v <= current; v++ {
			got := stored[v]
			if !slices.ContainsFunc(sent, func(a attempt) bool { return a == got }) {
				t.Errorf("%s %s: version %d (%s, %q) was never sent by this client", s.email, sub, v, got.choice, got.notes)
			}
		}
	}
}

// checkLevels compares each assessment's compact copy of its levels with
// its current answers: both are written in one transaction, so a crash can
// never leave one without the other.
func checkLevels(t *testing.T, conn *sql.DB) {
	t.Helper()
	rows, err := conn.Query(`SELECT a.id, a.levels, IFNULL((SELECT group_concat(x.subcategory_id || ':' || x.score || ':' || x.target || ':' ||
		x.not_applicable || ':' || (x.choice = 'risk-accepted'), ';') FROM answers x WHERE x.assessment_id = a.id AND x.is_current = 1), '')
		FROM assessments a`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var stored, fromAnswers string
		if err := rows.Scan(&id, &stored, &fromAnswers); err != nil {
			t.Fatal(err)
		}
		n++
		a, b := strings.Split(stored, ";"), strings.Split(fromAnswers, ";")
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Errorf("assessment %d: levels %.120q disagree with its current answers %.120q", id, stored, fromAnswers)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no assessment in the database")
	}
}

// checkChains checks every answer's history: versions 1..n without gap or
// repeat, exactly one current version, and it is the newest.
func checkChains(t *testing.T, conn *sql.DB) {
	t.Helper()
	rows, err := conn.Query(`SELECT assessment_id, subcategory_id, count(*), min(version), max(version), count(DISTINCT version),
		sum(is_current), max(CASE WHEN is_current = 1 THEN version END) FROM answers GROUP BY assessment_id, subcategory_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var assessment int64
		var sub string
		var count, lo, hi, distinct, currents int
		var current sql.NullInt64
		if err := rows.Scan(&assessment, &sub, &count, &lo, &hi, &distinct, &currents, &current); err != nil {
			t.Fatal(err)
		}
		if lo != 1 || hi != count || distinct != count || currents != 1 || current.Int64 != int64(hi) {
			t.Errorf("assessment %d %s: %d versions from %d to %d (%d distinct), %d current (version %v)",
				assessment, sub, count, lo, hi, distinct, currents, current)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
