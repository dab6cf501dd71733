// Command palisade-load drives a real Palisade server with mixed traffic and
// checks that no acknowledged save was lost.
//
//	go run ./cmd/palisade-load                     # 20 s, as CI runs it
//	go run ./cmd/palisade-load -duration 5m        # the long run of docs/performance.md
//
// It starts the server in this process on 127.0.0.1 (an ephemeral port, a
// fresh SQLite file in a temporary folder, the same web.New wiring and HTTP
// timeouts as cmd/palisade), generates a consortium of -members members
// (demo.LoadBig), and lets -workers goroutines send requests over real TCP
// for -duration:
//
//   - IT-lead workers open category pages and save answers, mostly as
//     static/autosave.js does (JSON), sometimes as the plain form POST. Each
//     IT lead belongs to exactly one worker and edits only its own member, so
//     every (member, question) pair has a single writer: any 409 conflict is
//     a failure, not an expected race.
//   - Reader workers, as coordinators or the board official, open the
//     comparison dashboard, the weakest-link report, assessment and category
//     pages, and now and then download a briefing PDF.
//
// At the end every acknowledged save is read back from the database. The
// command prints a table of latencies per route and exits 1 on any 5xx,
// transport error, unexpected status, conflict or lost save.
//
// Signing in: the coordinators and the board official sign in through the
// real login form. The IT leads' sessions are created through the store,
// the way the login handler creates them (a random token, its SHA-256 in the
// sessions table). Argon2id costs 64 MiB and about a quarter of a second per
// login on purpose; 50 logins would spend most of a 20 s run on the key
// derivation and measure it rather than the application, and the login rate
// limit (10 per address in 15 minutes) would refuse them from one address.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"palisade/accounts"
	"palisade/demo"
	"palisade/frameworks"
	"palisade/store"
	"palisade/web"
)

type options struct {
	duration     time.Duration
	workers      int
	readers      int
	members      int
	itLeads      int
	coordinators int
	pdfEvery     time.Duration
	seed         uint64
	db           string
	cpuProfile   string
}

func main() {
	code, err := run(os.Args[1:], os.Stdout, os.Stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "palisade-load:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("palisade-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "how long to send traffic")
	fs.IntVar(&o.workers, "workers", 16, "concurrent clients, IT-lead writers and readers together")
	fs.IntVar(&o.readers, "readers", 0, "how many of the workers are coordinators or the board official reading dashboards (default: a quarter)")
	fs.IntVar(&o.members, "members", 500, "members of the generated consortium")
	fs.IntVar(&o.itLeads, "itleads", 50, "IT leads who save answers, one member each")
	fs.IntVar(&o.coordinators, "coordinators", 3, "coordinators (the board official comes on top)")
	fs.DurationVar(&o.pdfEvery, "pdf-every", 4*time.Second, "each reader downloads a briefing PDF at most this often")
	fs.Uint64Var(&o.seed, "seed", 0, "random seed of the traffic mix (0: from the clock; printed)")
	fs.StringVar(&o.db, "db", "", "keep the database in this file (must not exist) instead of a temporary one")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the traffic phase (server and clients) to this file; read it with go tool pprof")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.readers == 0 {
		o.readers = max(1, o.workers/4)
	}
	switch {
	case o.duration <= 0:
		return o, errors.New("-duration must be positive")
	case o.members < 1:
		return o, errors.New("-members must be at least 1")
	case o.coordinators < 1:
		return o, errors.New("-coordinators must be at least 1")
	case o.itLeads < 1 || o.itLeads > o.members:
		return o, fmt.Errorf("-itleads must be between 1 and -members (%d)", o.members)
	case o.readers < 1 || o.readers >= o.workers:
		return o, errors.New("-readers must leave at least one of -workers to save answers, and be at least 1")
	}
	if o.seed == 0 {
		o.seed = uint64(time.Now().UnixNano())
	}
	return o, nil
}

func run(args []string, stdout, stderr io.Writer) (int, error) {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return 0, err
	}
	ctx := context.Background()
	printMachine(stdout, "before")

	dbPath := o.db
	if dbPath == "" {
		dir, err := os.MkdirTemp("", "palisade-load-")
		if err != nil {
			return 0, err
		}
		defer os.RemoveAll(dir)
		dbPath = filepath.Join(dir, "palisade.db")
	} else if _, err := os.Stat(dbPath); err == nil {
		return 0, fmt.Errorf("-db %s already exists; name a new file", dbPath)
	}
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return 0, err
	}
	defer st.Close()

	start := time.Now()
	cat, scale := frameworks.CSF20(), frameworks.NCSR()
	big, err := demo.LoadBig(ctx, st, cat, scale, fmt.Sprintf("Load test consortium (%d members)", o.members), o.members)
	if err != nil {
		return 0, fmt.Errorf("generate the consortium: %w", err)
	}
	fmt.Fprintf(stdout, "generated %d members with %d answers each in %v\n", o.members, len(cat.Subcategories()), time.Since(start).Round(time.Millisecond))

	// Errors of the server go to stderr (5xx are logged there); the
	// request log of every request would drown the report.
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := &http.Server{
		Handler:           web.New(web.Config{}, st, logger),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	go srv.Serve(ln)
	base := "http://" + ln.Addr().String()

	l := &load{o: o, base: base, st: st, cat: cat, big: big,
		client: &http.Client{
			Transport: &http.Transport{MaxIdleConnsPerHost: o.workers, MaxIdleConns: o.workers},
			Timeout:   time.Minute,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		}}
	start = time.Now()
	if err := l.signIn(ctx); err != nil {
		return 0, err
	}
	fmt.Fprintf(stdout, "signed in %d coordinators and the board official through the form, %d IT leads through the store, in %v\n",
		o.coordinators, o.itLeads, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(stdout, "server %s, %d workers (%d readers), seed %d, running for %v\n\n", base, o.workers, o.readers, o.seed, o.duration)

	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return 0, err
		}
	}
	results := l.drive(o.duration)
	if o.cpuProfile != "" {
		pprof.StopCPUProfile()
	}

	shutdown, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return 0, fmt.Errorf("stop the server: %w", err)
	}
	lost, extra, err := verifySaves(ctx, st, results.acks)
	if err != nil {
		return 0, fmt.Errorf("read the saves back: %w", err)
	}
	failures := report(stdout, o, results, lost, extra)
	printMachine(stdout, "after")
	if failures > 0 {
		fmt.Fprintf(stdout, "\nFAIL: %d problems (see above)\n", failures)
		return 1, nil
	}
	fmt.Fprintln(stdout, "\nok: no server error, no transport error, no conflict, no lost save")
	return 0, nil
}

// signIn gives every persona a session cookie.
func (l *load) signIn(ctx context.Context) error {
	hash, err := accounts.HashPassword(demo.Password)
	if err != nil {
		return err
	}
	var readers []string
	for i := range l.o.coordinators {
		email := fmt.Sprintf("coordinator%d@big.palisade.test", i+1)
		if _, err := l.big.AddUser(ctx, l.st, email, fmt.Sprintf("Coordinator %d", i+1), hash, accounts.Coordinator, 0); err != nil {
			return err
		}
		readers = append(readers, email)
	}
	if _, err := l.big.AddUser(ctx, l.st, "board@big.palisade.test", "Board official", hash, accounts.Board, 0); err != nil {
		return err
	}
	readers = append(readers, "board@big.palisade.test")
	for _, email := range readers {
		c, err := l.login(email, demo.Password)
		if err != nil {
			return err
		}
		l.readers = append(l.readers, persona{email: email, cookie: c})
	}
	cookieName := l.readers[0].cookie.Name
	for i := range l.o.itLeads {
		uid, err := l.big.AddUser(ctx, l.st, demo.BigITLead(i), fmt.Sprintf("IT lead %d", i+1), hash, accounts.ITLead, i)
		if err != nil {
			return err
		}
		token, tokenHash, err := accounts.NewToken()
		if err != nil {
			return err
		}
		if err := l.st.CreateSession(ctx, store.Session{IDHash: tokenHash, UserID: uid, IP: "127.0.0.1", UserAgent: "palisade-load"}); err != nil {
			return err
		}
		l.leads = append(l.leads, persona{email: demo.BigITLead(i), member: i, cookie: &http.Cookie{Name: cookieName, Value: token}})
	}
	return nil
}

// login signs in through POST /login and returns the session cookie.
func (l *load) login(email, password string) (*http.Cookie, error) {
	form := "email=" + urlEscape(email) + "&password=" + urlEscape(password)
	req, err := http.NewRequest(http.MethodPost, l.base+"/login", strings.NewReader(form))
	if err != nil {
		return nil, err
	}
	l.browserHeaders(req)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := l.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sign in as %s: %w", email, err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		return nil, fmt.Errorf("sign in as %s: %d to %q; want 303 to /", email, res.StatusCode, res.Header.Get("Location"))
	}
	for _, c := range res.Cookies() {
		if c.Value != "" && strings.Contains(c.Name, "palisade") && c.Name != "palisade_flash" {
			return &http.Cookie{Name: c.Name, Value: c.Value}, nil
		}
	}
	return nil, fmt.Errorf("sign in as %s: no session cookie in %q", email, res.Header.Values("Set-Cookie"))
}

// printMachine prints what the figures depend on: cores, CPU, load.
func printMachine(w io.Writer, when string) {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	loadavg := "unknown"
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		loadavg = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	fmt.Fprintf(w, "machine (%s): %d CPUs (nproc), %s, load average %s, %s/%s, GOMAXPROCS %d\n",
		when, runtime.NumCPU(), model, loadavg, runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
}

// newRand is the random source of one worker, derived from the seed so a
// run's traffic mix can be repeated.
func newRand(seed uint64, worker int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, uint64(worker)))
}
