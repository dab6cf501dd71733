package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"palisade/store"
)

// runBackup is `palisade backup --db palisade.db -o file.db`: a consistent
// copy taken while Palisade may keep running.
func runBackup(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("palisade backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", envOr("PALISADE_DB", "./palisade.db"), "database to back up (env PALISADE_DB)")
	out := fs.String("o", "", "file to write the backup to (must not exist)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: palisade backup [--db palisade.db] -o backup.db\n\nWrites a consistent copy of the database, also while Palisade is running.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("backup: name the backup file with -o")
	}
	if _, err := os.Stat(*db); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backup of %s written to %s\n", st.Path(), *out)
	return nil
}

// runRestore is `palisade restore [--db palisade.db] backup.db`. Stop
// Palisade first; the current database is kept beside the restored one.
func runRestore(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("palisade restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", envOr("PALISADE_DB", "./palisade.db"), "database to replace (env PALISADE_DB)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: palisade restore [--db palisade.db] backup.db\n\nReplaces the database with a backup, after checking it. Stop Palisade first.\nThe current database is kept beside it, renamed with the time of the restore.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("restore: name exactly one backup file")
	}
	kept, err := store.Restore(context.Background(), fs.Arg(0), *db, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Restored %s from %s\n", *db, fs.Arg(0))
	if kept != "" {
		fmt.Fprintf(stdout, "The previous database is kept as %s\n", kept)
	}
	return nil
}

func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}
