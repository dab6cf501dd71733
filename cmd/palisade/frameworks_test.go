package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"palisade/frameworks"
	"palisade/store"
)

const exampleCatalog = "../../docs/examples/cisa-cpg.json"

// newDB creates a database the way a first start does.
func newDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "palisade.db")
	st, err := store.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	return db
}

func storedCatalogs(t *testing.T, db string) []store.StoredCatalog {
	t.Helper()
	st, err := store.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	list, err := st.Catalogs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestFrameworksImportTheExample(t *testing.T) {
	db := newDB(t)
	var out, errOut bytes.Buffer
	if err := run([]string{"frameworks", "import", "--db", db, exampleCatalog}, &out, &errOut); err != nil {
		t.Fatalf("import: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "Imported CISA Cross-Sector Cybersecurity Performance Goals 1.0.1 (cisa-cpg): 38 items, 37 with a CSF 2.0 equivalent, 1 without.") {
		t.Errorf("import said %q", out.String())
	}
	list := storedCatalogs(t, db)
	if len(list) != 1 || list[0].ID != "cisa-cpg" || list[0].ImportedBy != "command line" {
		t.Fatalf("stored %+v", list)
	}

	// The same id again: refused without --replace, replaced with it.
	err := run([]string{"frameworks", "import", "--db", db, exampleCatalog}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "already imported") || !strings.Contains(err.Error(), "--replace") {
		t.Errorf("second import: %v; want a refusal that mentions --replace", err)
	}
	out.Reset()
	// Flags may also follow the file.
	if err := run([]string{"frameworks", "import", exampleCatalog, "--db", db, "--replace"}, &out, &errOut); err != nil {
		t.Fatalf("import --replace: %v", err)
	}
	if !strings.HasPrefix(out.String(), "Replaced version 1.0.1 with") {
		t.Errorf("replace said %q", out.String())
	}

	out.Reset()
	if err := run([]string{"frameworks", "list", "--db", db}, &out, &errOut); err != nil {
		t.Fatalf("list: %v", err)
	}
	if !strings.Contains(out.String(), "cisa-cpg") || !strings.Contains(out.String(), "1.0.1") || !strings.Contains(out.String(), "command line") {
		t.Errorf("list printed %q", out.String())
	}

	// What was stored is exactly the file, and parses as it did.
	st, err := store.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, err := st.CatalogByID(t.Context(), "cisa-cpg")
	want, _ := os.ReadFile(exampleCatalog)
	if err != nil || !bytes.Equal(got.Raw, want) {
		t.Fatalf("stored JSON differs from the file (%v)", err)
	}
	if _, err := frameworks.ParseImport(got.Raw); err != nil {
		t.Errorf("stored catalog: %v", err)
	}
	ev, err := st.AuditEvents(t.Context(), store.AuditFilter{Action: "catalog."})
	if err != nil || len(ev) != 2 || ev[0].Actor != "command line" {
		t.Errorf("audit: %+v, %v", ev, err)
	}
}

func TestFrameworksImportRefusesABadFileAndWritesNothing(t *testing.T) {
	good, err := os.ReadFile(exampleCatalog)
	if err != nil {
		t.Fatal(err)
	}
	replace := func(old, new string) string {
		if strings.Count(string(good), old) < 1 {
			t.Fatalf("test bug: %q not in the example", old)
		}
		return strings.Replace(string(good), old, new, 1)
	}
	// The example's Protect function is functions[1]; its first category
	// (accounts) holds 2.A first.
	const acct = "functions[1].categories[0].subcategories[0]"
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"bad JSON", `{"id": "x", "functions": [`, []string{"the file ends before the JSON does"}},
		{"unknown field", replace(`"weight": 3,`+"\n              \"maps_to\": [\n                \"PR.AA-01\",\n                \"PR.PS-01\"", `"weigth": 3,`+"\n              \"maps_to\": [\n                \"PR.AA-01\",\n                \"PR.PS-01\""),
			[]string{acct + `: json: unknown field "weigth"`}},
		{"maps_to an unknown CSF 2.0 id", replace(`"PR.PS-01"`, `"PR.AC-01"`),
			[]string{acct + `.maps_to[1]: "PR.AC-01" is not a NIST Cybersecurity Framework`}},
		{"duplicate ids", replace(`"id": "2.B"`, `"id": "2.A"`),
			[]string{"functions[1].categories[0].subcategories[1].id: duplicate id \"2.A\""}},
		{"the built-in id", replace(`"id": "cisa-cpg"`, `"id": "csf-2.0"`),
			[]string{`id: "csf-2.0" is the id of the built-in`}},
	}
	db := newDB(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "catalog.json")
			if err := os.WriteFile(file, []byte(tt.doc), 0o600); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			err := run([]string{"frameworks", "import", "--db", db, file}, &out, &out)
			if err == nil {
				t.Fatalf("imported; want a refusal")
			}
			for _, w := range append(tt.want, "nothing was imported") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\n  does not contain %q", err, w)
				}
			}
			if n := len(storedCatalogs(t, db)); n != 0 {
				t.Errorf("%d catalogs stored after a refused import", n)
			}
		})
	}
}

func TestFrameworksCommandUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run([]string{"frameworks"}, &out, &errOut); err == nil || !strings.Contains(errOut.String(), "palisade frameworks import") {
		t.Errorf("no subcommand: %v, usage %q", err, errOut.String())
	}
	errOut.Reset()
	if err := run([]string{"frameworks", "import", "--help"}, &out, &errOut); !errors.Is(err, flag.ErrHelp) || !strings.Contains(errOut.String(), "-replace") {
		t.Errorf("import --help: %v, %q", err, errOut.String())
	}
	if err := run([]string{"frameworks", "import", "--db", newDB(t)}, &out, &errOut); err == nil || !strings.Contains(err.Error(), "exactly one catalog file") {
		t.Errorf("import without a file: %v", err)
	}
	if err := run([]string{"frameworks", "remove"}, &out, &errOut); err == nil || !strings.Contains(err.Error(), `unknown command "remove"`) {
		t.Errorf("unknown subcommand: %v", err)
	}
	// A mistyped --db is not created.
	missing := filepath.Join(t.TempDir(), "typo.db")
	if err := run([]string{"frameworks", "import", "--db", missing, exampleCatalog}, &out, &errOut); err == nil {
		t.Error("import into a database that does not exist succeeded")
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("a database was created by a mistyped --db")
	}
	if err := run([]string{"frameworks", "list", "--db", missing}, &out, &errOut); err == nil {
		t.Error("list of a database that does not exist succeeded")
	}
	out.Reset()
	if err := run([]string{"frameworks", "list", "--db", newDB(t)}, &out, &errOut); err != nil || !strings.Contains(out.String(), "No framework has been imported") {
		t.Errorf("list of an empty database: %v, %q", err, out.String())
	}
}
