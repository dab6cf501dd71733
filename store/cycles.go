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

// ErrCycleOpen is returned when a new cycle is opened while another one is
// still open: "the current cycle" must stay one cycle.
var ErrCycleOpen = errors.New("another cycle is still open")

// OpenCycle opens a new assessment cycle and starts every member's
// assessment in it as a copy of that member's last submitted (or reviewed)
// answers, each marked carried over for the IT lead to confirm. All of it
// happens in one transaction.
func (s *Store) OpenCycle(ctx context.Context, act Actor, consortiumID int64, name string) (int64, int, error) {
	var id int64
	copied := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM cycles WHERE consortium_id = ? AND status = 'open'`, consortiumID).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return ErrCycleOpen
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO cycles (consortium_id, name, status, opened_at, anon_seed) VALUES (?, ?, 'open', ?, lower(hex(randomblob(16))))`,
			consortiumID, name, s.stamp())
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		// Each member's newest submitted or reviewed assessment.
		rows, err := tx.QueryContext(ctx, `SELECT m.id, (SELECT a.id FROM assessments a JOIN cycles c ON c.id = a.cycle_id
				WHERE a.member_id = m.id AND a.status IN ('submitted','reviewed') AND c.id <> ? ORDER BY c.opened_at DESC, c.id DESC LIMIT 1)
			FROM members m WHERE m.consortium_id = ?`, id, consortiumID)
		if err != nil {
			return err
		}
		type source struct{ member, assessment int64 }
		var sources []source
		for rows.Next() {
			var src source
			var prev sql.NullInt64
			if err := rows.Scan(&src.member, &prev); err != nil {
				rows.Close()
				return err
			}
			src.assessment = prev.Int64
			sources = append(sources, src)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, src := range sources {
			res, err := tx.ExecContext(ctx, `INSERT INTO assessments (member_id, cycle_id, created_at) VALUES (?, ?, ?)`, src.member, id, s.stamp())
			if err != nil {
				return err
			}
			aid, err := res.LastInsertId()
			if err != nil {
				return err
			}
			if src.assessment == 0 {
				continue
			}
			res, err = tx.ExecContext(ctx, `INSERT INTO answers (assessment_id, subcategory_id, version, is_current, choice, score, target, not_applicable,
				justification, accepted_by, acceptance, notes, evidence, scale_id, scale_version, answered_by, answered_at, carried_over)
				SELECT ?, subcategory_id, 1, 1, choice, score, target, not_applicable, justification, accepted_by, acceptance, notes, evidence,
				scale_id, scale_version, answered_by, answered_at, 1
				FROM answers WHERE assessment_id = ? AND is_current = 1`, aid, src.assessment)
			if err != nil {
				return fmt.Errorf("carry answers of member %d over: %w", src.member, err)
			}
			n, _ := res.RowsAffected()
			copied += int(n)
			if err := refreshLevels(ctx, tx, aid); err != nil {
				return err
			}
		}
		act.ConsortiumID = consortiumID
		return s.audit(ctx, tx, act, 0, "cycle.open", fmt.Sprintf("cycle %d", id), fmt.Sprintf("%s: %d answers carried over", name, copied))
	})
	if err != nil {
		return 0, 0, fmt.Errorf("open cycle %q: %w", name, err)
	}
	return id, copied, nil
}
