package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Cycle is one assessment round of a consortium, e.g. "FY2026".
type Cycle struct {
	ID           int64
	ConsortiumID int64
	Name         string
	Status       string // open or closed
	OpenedAt     time.Time
	ClosedAt     time.Time
	// AnonSeed is a random secret of the cycle from which anonymous peer
	// labels are derived.
	AnonSeed string
}

// Open reports whether answers may still change in the cycle.
func (c Cycle) Open() bool { return c.Status == "open" }

const cycleColumns = `id, consortium_id, name, status, opened_at, closed_at, anon_seed`

func scanCycle(sc interface{ Scan(...any) error }) (Cycle, error) {
	var c Cycle
	var opened string
	var closed sql.NullString
	err := sc.Scan(&c.ID, &c.ConsortiumID, &c.Name, &c.Status, &opened, &closed, &c.AnonSeed)
	c.OpenedAt = parseTime(sql.NullString{String: opened, Valid: true})
	c.ClosedAt = parseTime(closed)
	return c, err
}

// CreateCycle adds a cycle (open unless status says closed) and returns its id.
func (s *Store) CreateCycle(ctx context.Context, c Cycle) (int64, error) {
	if c.Status == "" {
		c.Status = "open"
	}
	var closed any
	if c.Status == "closed" {
		closed = s.stamp()
	}
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO cycles (consortium_id, name, status, opened_at, closed_at, anon_seed) VALUES (?, ?, ?, ?, ?, lower(hex(randomblob(16))))`,
			c.ConsortiumID, c.Name, c.Status, s.stamp(), closed)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("create cycle %q: %w", c.Name, err)
	}
	return id, nil
}

// CycleByID returns one cycle.
func (s *Store) CycleByID(ctx context.Context, id int64) (Cycle, error) {
	c, err := scanCycle(s.r.QueryRowContext(ctx, `SELECT `+cycleColumns+` FROM cycles WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("cycle %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("load cycle %d: %w", id, err)
	}
	return c, nil
}

// CyclesOfConsortium returns a consortium's cycles, newest first.
func (s *Store) CyclesOfConsortium(ctx context.Context, consortiumID int64) ([]Cycle, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+cycleColumns+` FROM cycles WHERE consortium_id = ? ORDER BY opened_at DESC, id DESC`, consortiumID)
	if err != nil {
		return nil, fmt.Errorf("list cycles of consortium %d: %w", consortiumID, err)
	}
	defer rows.Close()
	var out []Cycle
	for rows.Next() {
		c, err := scanCycle(rows)
		if err != nil {
			return nil, fmt.Errorf("list cycles of consortium %d: %w", consortiumID, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CurrentCycle returns the newest open cycle of a consortium, or the newest
// cycle when none is open.
func (s *Store) CurrentCycle(ctx context.Context, consortiumID int64) (Cycle, error) {
	cycles, err := s.CyclesOfConsortium(ctx, consortiumID)
	if err != nil {
		return Cycle{}, err
	}
	for _, c := range cycles {
		if c.Open() {
			return c, nil
		}
	}
	if len(cycles) > 0 {
		return cycles[0], nil
	}
	return Cycle{}, fmt.Errorf("current cycle of consortium %d: %w", consortiumID, ErrNotFound)
}

// CloseCycle marks a cycle closed; its answers become read-only.
func (s *Store) CloseCycle(ctx context.Context, act Actor, id int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE cycles SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'open'`, s.stamp(), id)
		if err != nil {
			return fmt.Errorf("close cycle %d: %w", id, err)
		}
		return s.audit(ctx, tx, act, 0, "cycle.close", fmt.Sprintf("cycle %d", id), "")
	})
}
