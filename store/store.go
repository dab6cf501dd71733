// Package store keeps Palisade's data in SQLite (modernc.org/sqlite, pure
// Go). All SQL lives in this package, next to its ordered migrations.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Store holds two pools on the same file. SQLite allows one writer at a
// time and a lock cannot be upgraded inside a deferred transaction without
// SQLITE_BUSY, so every write goes through a single connection that starts
// its transactions IMMEDIATE; reads use a separate read-only pool and see the
// last committed state thanks to WAL.
type Store struct {
	path string
	w    *sql.DB
	r    *sql.DB
	now  func() time.Time
	// generation counts committed write transactions, so readers can
	// cache what they computed from the data until the next write.
	generation atomic.Int64
}

// ErrNotFound is returned when a record asked for by id or name is absent.
var ErrNotFound = errors.New("not found")

// Open opens (creating if needed) the database at path and applies pending
// migrations. It fails with a message naming the file when the file cannot
// be written, is not a SQLite database, is corrupt, or was written by a newer
// Palisade.
func Open(ctx context.Context, path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	if fi, err := os.Stat(abs); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("database %s: is a directory, not a file", abs)
	}
	pragmas := "_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"
	w, err := sql.Open("sqlite", "file:"+escapePath(abs)+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", abs, err)
	}
	w.SetMaxOpenConns(1)
	s := &Store{path: abs, w: w, now: func() time.Time { return time.Now().UTC() }}
	if err := s.check(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("database %s: %w", abs, err)
	}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("database %s: %w", abs, err)
	}
	r, err := sql.Open("sqlite", "file:"+escapePath(abs)+"?mode=ro&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("database %s: %w", abs, err)
	}
	r.SetMaxOpenConns(8)
	s.r = r
	return s, nil
}

func escapePath(p string) string {
	return (&url.URL{Path: p}).EscapedPath()
}

// check proves the file is a healthy, writable SQLite database before any
// migration touches it.
func (s *Store) check(ctx context.Context) error {
	var mode string
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("cannot open: %w", err)
	}
	var res string
	if err := s.w.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		return fmt.Errorf("integrity check failed: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("database is corrupt: %s", res)
	}
	// A write proves the file and its folder are writable (WAL needs both).
	if _, err := s.w.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)"); err != nil {
		return fmt.Errorf("cannot write: %w", err)
	}
	return nil
}

// Close closes both pools.
func (s *Store) Close() error {
	var errs []error
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	errs = append(errs, s.w.Close())
	return errors.Join(errs...)
}

// Path is the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Ping checks that the database answers a query (health checks).
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1 FROM schema_version LIMIT 1").Scan(&one); err != nil {
		return fmt.Errorf("database %s: %w", s.path, err)
	}
	return nil
}

func (s *Store) stamp() string { return s.now().Format(time.RFC3339) }

// tx runs fn in one write transaction, committed only when fn succeeds.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	s.generation.Add(1)
	return nil
}

// Generation changes after every committed write made through this Store.
// A value computed from the data at one generation is still right while
// the generation is the same (Palisade is the only writer of its file).
func (s *Store) Generation() int64 { return s.generation.Load() }

func parseTime(s sql.NullString) time.Time {
	if !s.Valid {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339, s.String)
	return t
}

// prefixed qualifies a comma-separated column list with a table alias.
func prefixed(alias, columns string) string {
	var b strings.Builder
	for i, c := range strings.Split(columns, ",") {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(alias + "." + strings.TrimSpace(c))
	}
	return b.String()
}

// withLeading scans extra leading columns before the ones a scan function
// knows about, so one scan function serves queries that select more.
type withLeading struct {
	rows    *sql.Rows
	leading any
}

func (w withLeading) Scan(dest ...any) error {
	return w.rows.Scan(append([]any{w.leading}, dest...)...)
}
