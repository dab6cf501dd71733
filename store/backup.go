package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Backup writes a consistent copy of the database to dest while Palisade
// keeps running: VACUUM INTO reads one snapshot, so writes that happen
// meanwhile are either wholly in the copy or not at all. dest must not exist.
func (s *Store) Backup(ctx context.Context, dest string) error {
	abs, err := filepath.Abs(dest)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	if _, err := os.Stat(abs); err == nil {
		return fmt.Errorf("backup to %s: the file already exists; choose a new name", abs)
	}
	// On the writer connection: the read-only pool may not write even the
	// new file. Other writes wait for the copy, which takes well under a
	// second for a consortium's data.
	if _, err := s.w.ExecContext(ctx, "VACUUM INTO ?", abs); err != nil {
		return fmt.Errorf("backup to %s: %w", abs, err)
	}
	return nil
}

// ErrNotPalisade is returned for a file that is not a Palisade database.
var ErrNotPalisade = errors.New("not a Palisade database")

// VerifyFile checks that path is a healthy Palisade database this binary
// can use, and returns its schema version. It opens the file read-only.
func VerifyFile(ctx context.Context, path string) (int, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return 0, err
	}
	if fi, err := os.Stat(abs); err != nil {
		return 0, fmt.Errorf("%s: %w", abs, err)
	} else if fi.IsDir() {
		return 0, fmt.Errorf("%s: is a directory", abs)
	}
	db, err := sql.Open("sqlite", "file:"+escapePath(abs)+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return 0, fmt.Errorf("%s: %w", abs, err)
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return 0, fmt.Errorf("%s: %w: %v", abs, ErrNotPalisade, err)
	}
	if res != "ok" {
		return 0, fmt.Errorf("%s: the database is damaged: %s", abs, res)
	}
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('schema_version','consortia','members','answers','users')`).Scan(&tables); err != nil || tables != 5 {
		return 0, fmt.Errorf("%s: %w", abs, ErrNotPalisade)
	}
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_version").Scan(&v); err != nil || !v.Valid {
		return 0, fmt.Errorf("%s: %w", abs, ErrNotPalisade)
	}
	if int(v.Int64) > SchemaVersion() {
		return int(v.Int64), fmt.Errorf("%s: schema version %d is newer than this Palisade supports (%d): use a newer Palisade", abs, v.Int64, SchemaVersion())
	}
	return int(v.Int64), nil
}

// Restore replaces the database at dbPath with the backup at src, after
// checking src. The previous database is kept next to it (renamed with the
// time of the restore), never deleted. Palisade must not be running on
// dbPath meanwhile. It returns where the previous file was kept ("" when
// there was none).
func Restore(ctx context.Context, src, dbPath string, now time.Time) (string, error) {
	if _, err := VerifyFile(ctx, src); err != nil {
		return "", fmt.Errorf("restore refused: %w", err)
	}
	dst, err := filepath.Abs(dbPath)
	if err != nil {
		return "", err
	}
	tmp := dst + ".restoring"
	if err := copyFile(src, tmp); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("restore: copy %s: %w", src, err)
	}
	kept := ""
	if _, err := os.Stat(dst); err == nil {
		kept = dst + ".before-restore-" + now.UTC().Format("20060102-150405")
		if err := os.Rename(dst, kept); err != nil {
			os.Remove(tmp)
			return "", fmt.Errorf("restore: keep the previous database: %w", err)
		}
		// The write-ahead log belongs to the previous file: keep it with it.
		for _, ext := range []string{"-wal", "-shm"} {
			if _, err := os.Stat(dst + ext); err == nil {
				os.Rename(dst+ext, kept+ext)
			}
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		return kept, fmt.Errorf("restore: put the backup in place: %w", err)
	}
	return kept, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
