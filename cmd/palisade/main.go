// Command palisade serves the Palisade web application.
//
//	palisade --demo          serve a demo consortium on http://localhost:8080
//	palisade --help          list every flag and its environment variable
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"palisade/accounts"
	"palisade/demo"
	"palisade/frameworks"
	"palisade/store"
	"palisade/web"
)

type config struct {
	addr, db, baseURL, secureCookies, logFormat, logLevel string
	demo, trustProxy                                      bool
	idle, absolute                                        time.Duration
	smtpAddr, smtpFrom, smtpUser, smtpPassword            string
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "palisade:", err)
		os.Exit(1)
	}
}

// flags defines every flag with its environment variable: the environment
// gives the default, the command line wins.
func flags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("palisade", flag.ContinueOnError)
	fs.SetOutput(stderr)
	str := func(p *string, name, env, def, usage string) {
		if v, ok := os.LookupEnv(env); ok {
			def = v
		}
		fs.StringVar(p, name, def, usage+" (env "+env+")")
	}
	boolean := func(p *bool, name, env string, usage string) {
		def := false
		if v, ok := os.LookupEnv(env); ok {
			def, _ = strconv.ParseBool(v)
		}
		fs.BoolVar(p, name, def, usage+" (env "+env+")")
	}
	dur := func(p *time.Duration, name, env string, def time.Duration, usage string) {
		if v, ok := os.LookupEnv(env); ok {
			if d, err := time.ParseDuration(v); err == nil {
				def = d
			}
		}
		fs.DurationVar(p, name, def, usage+" (env "+env+")")
	}
	str(&c.addr, "addr", "PALISADE_ADDR", "localhost:8080", "address to listen on, host:port")
	str(&c.db, "db", "PALISADE_DB", "./palisade.db", "SQLite database file (created if missing)")
	boolean(&c.demo, "demo", "PALISADE_DEMO", "load the demo consortium and its accounts (password "+demo.Password+")")
	str(&c.baseURL, "base-url", "PALISADE_BASE_URL", "", "public URL used in one-time links, e.g. https://palisade.example.org (default: from the request)")
	boolean(&c.trustProxy, "trust-proxy", "PALISADE_TRUST_PROXY", "trust X-Forwarded-For/-Proto from a TLS reverse proxy in front")
	str(&c.secureCookies, "secure-cookies", "PALISADE_SECURE_COOKIES", "auto", "Secure flag on cookies: auto (off only on localhost), true or false")
	dur(&c.idle, "idle-timeout", "PALISADE_IDLE_TIMEOUT", 2*time.Hour, "sign out after this long without activity")
	dur(&c.absolute, "absolute-timeout", "PALISADE_ABSOLUTE_TIMEOUT", 12*time.Hour, "sign out this long after signing in")
	str(&c.logFormat, "log-format", "PALISADE_LOG_FORMAT", "text", "log format: text or json")
	str(&c.logLevel, "log-level", "PALISADE_LOG_LEVEL", "info", "log level: debug, info, warn or error")
	str(&c.smtpAddr, "smtp-addr", "PALISADE_SMTP_ADDR", "", "SMTP server host:port; when set, invitation and reset links are also emailed")
	str(&c.smtpFrom, "smtp-from", "PALISADE_SMTP_FROM", "", "sender address of emails")
	str(&c.smtpUser, "smtp-user", "PALISADE_SMTP_USER", "", "SMTP user name")
	str(&c.smtpPassword, "smtp-password", "PALISADE_SMTP_PASSWORD", "", "SMTP password (prefer the environment variable)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: palisade [flags]\n       palisade backup [--db palisade.db] -o backup.db\n       palisade restore [--db palisade.db] backup.db\n       palisade frameworks import [--db palisade.db] [--replace] catalog.json\n       palisade frameworks list [--db palisade.db]\n\nServes Palisade, cybersecurity self-assessments for consortia of local governments.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	}
	return c, nil
}

func newLogger(c config, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", c.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: use text or json", c.logFormat)
}

// isLocal reports whether the listen address only serves this machine,
// where browsers accept plain HTTP as a secure context.
func isLocal(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "backup":
			return runBackup(args[1:], stdout, stderr)
		case "restore":
			return runRestore(args[1:], stdout, stderr)
		case "frameworks":
			return runFrameworks(args[1:], stdout, stderr)
		}
	}
	c, err := flags(args, stderr)
	if err != nil {
		return err
	}
	log, err := newLogger(c, stderr)
	if err != nil {
		return err
	}
	secure := !isLocal(c.addr)
	switch c.secureCookies {
	case "auto":
	case "true", "false":
		secure = c.secureCookies == "true"
	default:
		return fmt.Errorf("--secure-cookies %q: use auto, true or false", c.secureCookies)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := store.Open(ctx, c.db)
	if err != nil {
		return err
	}
	defer st.Close()
	log.Info("database ready", "file", st.Path(), "schema", store.SchemaVersion())

	base := c.baseURL
	if base == "" {
		host := c.addr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		host = strings.Replace(host, "0.0.0.0", "localhost", 1)
		base = "http://" + host
	}
	base = strings.TrimRight(base, "/")

	if c.demo {
		if err := demo.Load(ctx, st, frameworks.CSF20(), frameworks.NCSR()); err != nil {
			return fmt.Errorf("load demo consortium: %w", err)
		}
		fmt.Fprintf(stdout, "\nDemo consortium %q is ready at %s\nSign in with password %q as:\n", demo.ConsortiumName, base, demo.Password)
		for _, a := range demo.Accounts() {
			fmt.Fprintf(stdout, "  %-52s %s\n", a.Email, a.Role)
		}
		fmt.Fprintln(stdout)
	} else if err := printSetupLink(ctx, st, stdout, base); err != nil {
		return err
	}

	cfg := web.Config{SecureCookies: secure, TrustProxy: c.trustProxy, BaseURL: c.baseURL, IdleTimeout: c.idle, AbsoluteTimeout: c.absolute}
	if c.smtpAddr != "" {
		cfg.Mailer = web.SMTPMailer{Addr: c.smtpAddr, From: c.smtpFrom, Username: c.smtpUser, Password: c.smtpPassword}
	}
	srv := &http.Server{
		Addr:              c.addr,
		Handler:           web.New(cfg, st, log),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.addr, err)
	}
	go sweepSessions(ctx, st, log, c.idle, c.absolute)
	log.Info("serving", "addr", ln.Addr().String(), "url", base, "secure_cookies", secure)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in progress")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// printSetupLink prints a one-time link to create the first coordinator
// when the database has no account yet. There is no default password.
func printSetupLink(ctx context.Context, st *store.Store, w io.Writer, base string) error {
	n, err := st.UserCount(ctx)
	if err != nil || n > 0 {
		return err
	}
	token, hash, err := accounts.NewToken()
	if err != nil {
		return err
	}
	err = st.CreateToken(ctx, store.System, store.Token{Hash: hash, Purpose: store.PurposeSetup, ExpiresAt: time.Now().Add(24 * time.Hour)})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nPalisade has no accounts yet. To create your consortium and the first coordinator, open\n\n  %s/setup?token=%s\n\nThe link works once, for 24 hours. Restarting prints a new one until setup is done.\n\n", base, token)
	return nil
}

func sweepSessions(ctx context.Context, st *store.Store, log *slog.Logger, idle, absolute time.Duration) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			now := time.Now()
			if err := st.DeleteSessionsBefore(ctx, now.Add(-idle), now.Add(-absolute)); err != nil {
				log.Warn("sweep sessions", "err", err)
			}
		}
	}
}
