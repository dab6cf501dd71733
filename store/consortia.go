package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Consortium is a group of local governments pooling cyber risk.
type Consortium struct {
	ID            int64
	Name          string
	FrameworkID   string
	ScaleID       string
	DefaultTarget int
	// ShareNames lets IT leads see other members by name in comparisons;
	// off by default, when peers are anonymised.
	ShareNames bool
	// RequireTOTP makes a second factor compulsory for coordinators.
	RequireTOTP bool
	Version     int
}

const consortiumColumns = `id, name, framework_id, scale_id, default_target, share_names, require_totp, version`

func scanConsortium(sc interface{ Scan(...any) error }) (Consortium, error) {
	var c Consortium
	err := sc.Scan(&c.ID, &c.Name, &c.FrameworkID, &c.ScaleID, &c.DefaultTarget, &c.ShareNames, &c.RequireTOTP, &c.Version)
	return c, err
}

// CreateConsortium adds a consortium and returns its id.
func (s *Store) CreateConsortium(ctx context.Context, c Consortium) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = insertConsortium(ctx, tx, c, s.stamp())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("create consortium %q: %w", c.Name, err)
	}
	return id, nil
}

func insertConsortium(ctx context.Context, tx *sql.Tx, c Consortium, at string) (int64, error) {
	if c.FrameworkID == "" {
		c.FrameworkID = "csf-2.0"
	}
	if c.ScaleID == "" {
		c.ScaleID = "ncsr"
	}
	if c.DefaultTarget == 0 {
		c.DefaultTarget = 5
	}
	res, err := tx.ExecContext(ctx,
		`INSERT INTO consortia (name, framework_id, scale_id, default_target, share_names, require_totp, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.Name, c.FrameworkID, c.ScaleID, c.DefaultTarget, c.ShareNames, c.RequireTOTP, at)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// ConsortiumByID returns one consortium.
func (s *Store) ConsortiumByID(ctx context.Context, id int64) (Consortium, error) {
	c, err := scanConsortium(s.r.QueryRowContext(ctx, `SELECT `+consortiumColumns+` FROM consortia WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("consortium %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("load consortium %d: %w", id, err)
	}
	return c, nil
}

// Consortia returns every consortium, oldest first.
func (s *Store) Consortia(ctx context.Context) ([]Consortium, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+consortiumColumns+` FROM consortia ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list consortia: %w", err)
	}
	defer rows.Close()
	var out []Consortium
	for rows.Next() {
		c, err := scanConsortium(rows)
		if err != nil {
			return nil, fmt.Errorf("list consortia: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ErrStale is returned when a record was changed by someone else since the
// version the user started from.
var ErrStale = errors.New("changed by someone else since you opened it")

// SaveConsortiumSettings updates the settings of a consortium if it is still
// at baseVersion.
func (s *Store) SaveConsortiumSettings(ctx context.Context, act Actor, c Consortium, baseVersion int) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE consortia SET name = ?, default_target = ?, share_names = ?, require_totp = ?, version = version + 1
			WHERE id = ? AND version = ?`, c.Name, c.DefaultTarget, c.ShareNames, c.RequireTOTP, c.ID, baseVersion)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrStale
		}
		return s.audit(ctx, tx, act, 0, "settings.save", fmt.Sprintf("consortium %d", c.ID),
			fmt.Sprintf("name=%q default_target=%d share_names=%t require_totp=%t", c.Name, c.DefaultTarget, c.ShareNames, c.RequireTOTP))
	})
	if err != nil {
		return fmt.Errorf("save settings of consortium %d: %w", c.ID, err)
	}
	return nil
}
