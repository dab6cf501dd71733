package store_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"palisade/demo"
	"palisade/frameworks"
	"palisade/store"
)

// contentHash hashes every row of every table, in a fixed order, with row
// counts: two databases with the same hash hold the same data.
func contentHash(t *testing.T, path string) (string, map[string]int) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("%s: integrity_check %q %v", path, ok, err)
	}
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	h := sha256.New()
	counts := map[string]int{}
	for _, table := range tables {
		r, err := db.Query(`SELECT * FROM "` + table + `" ORDER BY rowid`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := r.Columns()
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			r.Scan(ptrs...)
			fmt.Fprintf(h, "%s%v\n", table, vals)
			counts[table]++
		}
		r.Close()
	}
	return fmt.Sprintf("%x", h.Sum(nil)), counts
}

func TestBackupAndRestoreRoundTripTheDemo(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live := filepath.Join(dir, "palisade.db")
	st, err := store.Open(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, st, frameworks.CSF20(), frameworks.NCSR()); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	if err := st.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if err := st.Backup(ctx, backup); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("backup over an existing file: %v; want refused", err)
	}
	st.Close()
	want, counts := contentHash(t, live)
	got, _ := contentHash(t, backup)
	if got != want {
		t.Fatal("the backup differs from the database")
	}
	if counts["answers"] < 1000 || counts["users"] < 14 {
		t.Fatalf("demo too small to prove anything: %v", counts)
	}

	// Restore into a new place and over the live file (kept aside).
	if _, err := store.VerifyFile(ctx, backup); err != nil {
		t.Fatal(err)
	}
	restored := filepath.Join(dir, "restored.db")
	if kept, err := store.Restore(ctx, backup, restored, time.Now()); err != nil || kept != "" {
		t.Fatalf("restore into a new file: kept %q, %v", kept, err)
	}
	if got, _ := contentHash(t, restored); got != want {
		t.Error("the restored database differs from the original")
	}
	kept, err := store.Restore(ctx, backup, live, time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	if err != nil || !strings.HasSuffix(kept, ".before-restore-20261123-120000") {
		t.Fatalf("restore over the live file: kept %q, %v", kept, err)
	}
	if _, err := os.Stat(kept); err != nil {
		t.Errorf("the previous database was not kept: %v", err)
	}
	// The restored file opens and works.
	st, err = store.Open(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, err := st.UserCount(ctx); err != nil || n != counts["users"] {
		t.Errorf("restored database has %d users (%v); want %d", n, err, counts["users"])
	}
}

func TestRestoreRefusesWhatIsNotAPalisadeBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte(strings.Repeat("binary garbage \x00\xff", 300)), 0o600)
	other := filepath.Join(dir, "other.db")
	db, _ := sql.Open("sqlite", "file:"+other)
	db.Exec("CREATE TABLE notes (x TEXT)")
	db.Close()
	newer := filepath.Join(dir, "newer.db")
	st, err := store.Open(ctx, newer)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, _ = sql.Open("sqlite", "file:"+newer)
	db.Exec("INSERT INTO schema_version (version, applied_at) VALUES (999, 'x')")
	db.Close()

	live := filepath.Join(dir, "palisade.db")
	os.WriteFile(live, []byte("the current database"), 0o600)
	for _, c := range []struct{ name, path, want string }{
		{"garbage", garbage, "not a Palisade database"},
		{"another SQLite database", other, "not a Palisade database"},
		{"newer schema", newer, "newer than this Palisade supports"},
		{"missing file", filepath.Join(dir, "nope.db"), "no such file"},
	} {
		_, err := store.Restore(ctx, c.path, live, time.Now())
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want an error mentioning %q", c.name, err, c.want)
		}
		if c.name != "missing file" && !errors.Is(err, store.ErrNotPalisade) && c.name != "newer schema" {
			t.Errorf("%s: %v; want ErrNotPalisade", c.name, err)
		}
		if b, _ := os.ReadFile(live); string(b) != "the current database" {
			t.Fatalf("%s: a refused restore changed the current database", c.name)
		}
	}
}
