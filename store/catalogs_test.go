package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"palisade/frameworks"
)

func exampleCatalog(t *testing.T) ([]byte, CatalogMeta) {
	t.Helper()
	raw, err := os.ReadFile("../docs/examples/cisa-cpg.json")
	if err != nil {
		t.Fatal(err)
	}
	c, err := frameworks.ParseImport(raw)
	if err != nil {
		t.Fatal(err)
	}
	return raw, CatalogMeta{ID: c.ID, Version: c.Version, Name: c.Name}
}

func catalogCount(t *testing.T, s *Store) int {
	t.Helper()
	list, err := s.Catalogs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func TestImportCatalogKeepsTheJSONAsImported(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	raw, meta := exampleCatalog(t)
	act := Actor{Email: "command line"}
	if prev, err := s.ImportCatalog(ctx, act, raw, meta, false); err != nil || prev != "" {
		t.Fatalf("import: %q, %v", prev, err)
	}
	list, err := s.Catalogs(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("Catalogs: %+v, %v", list, err)
	}
	if got := list[0]; got.CatalogMeta != meta || got.Raw != nil || len(got.SHA256) != 64 || got.ImportedAt.IsZero() || got.ImportedBy != "command line" {
		t.Errorf("listed %+v", got)
	}
	got, err := s.CatalogByID(ctx, meta.ID)
	if err != nil || !bytes.Equal(got.Raw, raw) {
		t.Fatalf("CatalogByID: %v; JSON kept as imported: %v", err, bytes.Equal(got.Raw, raw))
	}
	if _, err := frameworks.ParseImport(got.Raw); err != nil {
		t.Errorf("stored JSON does not parse again: %v", err)
	}
	if _, err := s.CatalogByID(ctx, "csf-1.1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown catalog: %v; want ErrNotFound", err)
	}
	ev, err := s.AuditEvents(ctx, AuditFilter{Action: "catalog."})
	if err != nil || len(ev) != 1 || ev[0].Action != "catalog.import" || ev[0].Target != "catalog cisa-cpg" || !strings.Contains(ev[0].Detail, `version="1.0.1"`) {
		t.Errorf("audit: %+v, %v", ev, err)
	}
}

func TestImportCatalogTwiceNeedsReplace(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	raw, meta := exampleCatalog(t)
	if _, err := s.ImportCatalog(ctx, System, raw, meta, false); err != nil {
		t.Fatal(err)
	}
	_, err := s.ImportCatalog(ctx, System, raw, meta, false)
	if !errors.Is(err, ErrCatalogExists) || !strings.Contains(err.Error(), "version 1.0.1") {
		t.Fatalf("second import: %v; want ErrCatalogExists naming the version", err)
	}
	// The same id in other letters is the same catalog.
	upper := meta
	upper.ID = strings.ToUpper(meta.ID)
	if _, err := s.ImportCatalog(ctx, System, raw, upper, false); !errors.Is(err, ErrCatalogExists) {
		t.Errorf("the id in capitals: %v; want ErrCatalogExists", err)
	}
	// A newer version replaces the old one only when asked to.
	newer := bytes.Replace(raw, []byte(`"version": "1.0.1"`), []byte(`"version": "1.0.2"`), 1)
	meta2 := meta
	meta2.Version = "1.0.2"
	if _, err := s.ImportCatalog(ctx, System, newer, meta2, false); !errors.Is(err, ErrCatalogExists) {
		t.Errorf("other version without replace: %v", err)
	}
	prev, err := s.ImportCatalog(ctx, System, newer, meta2, true)
	if err != nil || prev != "1.0.1" {
		t.Fatalf("replace: %q, %v", prev, err)
	}
	got, err := s.CatalogByID(ctx, meta.ID)
	if err != nil || got.Version != "1.0.2" || !bytes.Equal(got.Raw, newer) || catalogCount(t, s) != 1 {
		t.Errorf("after replace: %+v, %v, %d catalogs", got.CatalogMeta, err, catalogCount(t, s))
	}
	ev, _ := s.AuditEvents(ctx, AuditFilter{Action: "catalog."})
	if len(ev) != 2 || ev[0].Action != "catalog.replace" || !strings.Contains(ev[0].Detail, `replaces version "1.0.1"`) {
		t.Errorf("audit: %+v", ev)
	}
}

func TestImportCatalogIsAllOrNothing(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	raw, meta := exampleCatalog(t)
	bad := []struct {
		name string
		raw  []byte
		meta CatalogMeta
	}{
		{"no id", raw, CatalogMeta{Version: "1", Name: "X"}},
		{"no JSON", nil, meta},
		{"not UTF-8", []byte("{\xff}"), meta},
		// Refused by the table's checks inside the transaction: the audit
		// event written before it must go too.
		{"version too long", raw, CatalogMeta{ID: meta.ID, Version: strings.Repeat("9", 161), Name: meta.Name}},
	}
	for _, tt := range bad {
		if _, err := s.ImportCatalog(ctx, System, tt.raw, tt.meta, true); err == nil {
			t.Errorf("%s: imported", tt.name)
		}
	}
	if n := catalogCount(t, s); n != 0 {
		t.Errorf("%d catalogs stored after refused imports", n)
	}
	if ev, _ := s.AuditEvents(ctx, AuditFilter{Action: "catalog."}); len(ev) != 0 {
		t.Errorf("audit events of refused imports: %+v", ev)
	}
}
