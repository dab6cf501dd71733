package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// CatalogMeta names an imported catalog of another framework.
type CatalogMeta struct {
	ID      string // the catalog's own id, e.g. cisa-cpg
	Version string
	Name    string
}

// StoredCatalog is an imported catalog as kept. Raw is the JSON exactly as
// it was imported, after it passed frameworks.ParseImport; Catalogs leaves
// it empty.
type StoredCatalog struct {
	CatalogMeta
	Raw        []byte
	SHA256     string
	ImportedAt time.Time
	ImportedBy string
}

// ErrCatalogExists is returned when a catalog with the same id is already
// imported and the import does not ask to replace it.
var ErrCatalogExists = errors.New("a catalog with this id is already imported")

// ImportCatalog keeps a checked catalog (raw JSON and the id, version and
// name parsed from it) in one transaction with its audit event, so it is
// either wholly there or not at all. Catalogs are global to the
// installation. When a catalog with the same id exists, the import fails
// with ErrCatalogExists unless replace is true; it returns the version it
// replaced ("" when there was none).
func (s *Store) ImportCatalog(ctx context.Context, act Actor, raw []byte, meta CatalogMeta, replace bool) (string, error) {
	switch {
	case strings.TrimSpace(meta.ID) == "" || strings.TrimSpace(meta.Version) == "" || strings.TrimSpace(meta.Name) == "":
		return "", fmt.Errorf("import catalog: id, version and name are required")
	case len(raw) == 0 || !utf8.Valid(raw):
		return "", fmt.Errorf("import catalog %s: the JSON is empty or not UTF-8", meta.ID)
	}
	sum := sha256.Sum256(raw)
	digest := hex.EncodeToString(sum[:])
	var previous string
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var old sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT version FROM catalogs WHERE catalog_id = ?`, meta.ID).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		action, detail := "catalog.import", fmt.Sprintf("version=%q name=%q sha256=%s", meta.Version, meta.Name, digest)
		if old.Valid {
			if !replace {
				return fmt.Errorf("%w (version %s)", ErrCatalogExists, old.String)
			}
			previous = old.String
			action, detail = "catalog.replace", detail+fmt.Sprintf(" replaces version %q", old.String)
			if _, err := tx.ExecContext(ctx, `DELETE FROM catalogs WHERE catalog_id = ?`, meta.ID); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO catalogs (catalog_id, version, name, raw, sha256, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			meta.ID, meta.Version, meta.Name, string(raw), digest, s.stamp(), actorName(act))
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, act, 0, action, "catalog "+meta.ID, detail)
	})
	if err != nil {
		return "", fmt.Errorf("import catalog %s: %w", meta.ID, err)
	}
	return previous, nil
}

func actorName(a Actor) string {
	if a.Email == "" {
		return "system"
	}
	return a.Email
}

const catalogColumns = `catalog_id, version, name, sha256, imported_at, imported_by`

func scanCatalog(sc interface{ Scan(...any) error }, extra ...any) (StoredCatalog, error) {
	var c StoredCatalog
	var at string
	err := sc.Scan(append([]any{&c.ID, &c.Version, &c.Name, &c.SHA256, &at, &c.ImportedBy}, extra...)...)
	c.ImportedAt = parseTime(sql.NullString{String: at, Valid: true})
	return c, err
}

// Catalogs lists the imported catalogs by name, without their JSON.
func (s *Store) Catalogs(ctx context.Context) ([]StoredCatalog, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+catalogColumns+` FROM catalogs ORDER BY name, catalog_id`)
	if err != nil {
		return nil, fmt.Errorf("list catalogs: %w", err)
	}
	defer rows.Close()
	var out []StoredCatalog
	for rows.Next() {
		c, err := scanCatalog(rows)
		if err != nil {
			return nil, fmt.Errorf("list catalogs: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CatalogByID returns one imported catalog with its JSON, or ErrNotFound.
func (s *Store) CatalogByID(ctx context.Context, id string) (StoredCatalog, error) {
	var raw string
	c, err := scanCatalog(s.r.QueryRowContext(ctx, `SELECT `+catalogColumns+`, raw FROM catalogs WHERE catalog_id = ?`, id), &raw)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("catalog %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("load catalog %q: %w", id, err)
	}
	c.Raw = []byte(raw)
	return c, nil
}
