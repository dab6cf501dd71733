package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"palisade/store"
)

func TestHelpListsEveryFlagWithItsEnvironmentVariable(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run([]string{"--help"}, &out, &errOut)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("run --help: %v", err)
	}
	help := errOut.String()
	for _, want := range []string{
		"-addr", "PALISADE_ADDR", "-db", "PALISADE_DB", "-demo", "PALISADE_DEMO", "-base-url", "PALISADE_BASE_URL",
		"-trust-proxy", "PALISADE_TRUST_PROXY", "-secure-cookies", "PALISADE_SECURE_COOKIES", "-idle-timeout", "PALISADE_IDLE_TIMEOUT",
		"-absolute-timeout", "PALISADE_ABSOLUTE_TIMEOUT", "-log-format", "PALISADE_LOG_FORMAT", "-log-level", "PALISADE_LOG_LEVEL",
		"-smtp-addr", "PALISADE_SMTP_ADDR", "-smtp-from", "-smtp-user", "-smtp-password",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("--help does not mention %s", want)
		}
	}
	// Every flag defined must carry its environment variable.
	flagsListed, envListed := 0, strings.Count(help, "(env PALISADE_")
	for _, line := range strings.Split(help, "\n") {
		if strings.HasPrefix(line, "  -") {
			flagsListed++
		}
	}
	if flagsListed == 0 || flagsListed != envListed {
		t.Errorf("%d flags listed but %d environment variables", flagsListed, envListed)
	}
}

func TestEnvironmentGivesDefaultsAndFlagsWin(t *testing.T) {
	t.Setenv("PALISADE_ADDR", "127.0.0.1:9999")
	t.Setenv("PALISADE_DEMO", "true")
	c, err := flags(nil, &bytes.Buffer{})
	if err != nil || c.addr != "127.0.0.1:9999" || !c.demo {
		t.Fatalf("from env: %+v %v", c, err)
	}
	c, err = flags([]string{"--addr", "localhost:1"}, &bytes.Buffer{})
	if err != nil || c.addr != "localhost:1" {
		t.Fatalf("flag over env: %+v %v", c, err)
	}
}

func TestStartStopsWithAClearMessage(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.db")
	os.WriteFile(notDB, []byte(strings.Repeat("not sqlite ", 500)), 0o600)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"corrupt database", []string{"--db", notDB, "--addr", "127.0.0.1:0"}, notDB},
		{"database is a folder", []string{"--db", dir, "--addr", "127.0.0.1:0"}, "is a directory"},
		{"bad log format", []string{"--log-format", "xml"}, "--log-format"},
		{"bad cookie setting", []string{"--secure-cookies", "maybe", "--db", filepath.Join(dir, "ok.db")}, "--secure-cookies"},
		{"stray argument", []string{"serve"}, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(tt.args, &bytes.Buffer{}, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run %v: %v; want an error mentioning %q", tt.args, err, tt.want)
			}
		})
	}
}

func TestIsLocal(t *testing.T) {
	for addr, want := range map[string]bool{"localhost:8080": true, "127.0.0.1:80": true, "[::1]:8080": true, ":8080": false, "0.0.0.0:8080": false, "palisade.example.org:443": false} {
		if got := isLocal(addr); got != want {
			t.Errorf("isLocal(%q) = %v; want %v", addr, got, want)
		}
	}
}

func TestBackupAndRestoreCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "palisade.db")
	backup := filepath.Join(dir, "backup.db")
	var out bytes.Buffer
	if err := run([]string{"backup", "--db", db, "-o", backup}, &out, &out); err == nil {
		t.Error("backup of a database that does not exist succeeded")
	}
	// Create the database the way a first start does.
	st, err := store.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if err := run([]string{"backup", "--db", db, "-o", backup}, &out, &out); err != nil {
		t.Fatalf("backup: %v (%s)", err, out.String())
	}
	if err := run([]string{"backup", "--db", db}, &out, &out); err == nil {
		t.Error("backup without -o succeeded")
	}
	out.Reset()
	if err := run([]string{"restore", "--db", db, backup}, &out, &out); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if !strings.Contains(out.String(), "previous database is kept as") {
		t.Errorf("restore output %q does not say where the previous file went", out.String())
	}
	notDB := filepath.Join(dir, "notes.txt")
	os.WriteFile(notDB, []byte("hello"), 0o600)
	if err := run([]string{"restore", "--db", db, notDB}, &out, &out); err == nil || !strings.Contains(err.Error(), "not a Palisade database") {
		t.Errorf("restore of a text file: %v", err)
	}
}
