package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Assessment is one member's self-assessment in one cycle.
type Assessment struct {
	ID          int64
	MemberID    int64
	CycleID     int64
	Status      string // draft, submitted, reviewed
	SubmittedBy string
	SubmittedAt time.Time
	ReviewedBy  string
	ReviewedAt  time.Time
	Version     int
}

// ErrLocked is returned for a change to an assessment that is submitted or
// reviewed, or whose cycle is closed.
var ErrLocked = errors.New("the assessment can no longer be changed")

const assessmentColumns = `id, member_id, cycle_id, status, submitted_by, submitted_at, reviewed_by, reviewed_at, version`

func scanAssessment(sc interface{ Scan(...any) error }) (Assessment, error) {
	var a Assessment
	var sub, rev sql.NullString
	err := sc.Scan(&a.ID, &a.MemberID, &a.CycleID, &a.Status, &a.SubmittedBy, &sub, &a.ReviewedBy, &rev, &a.Version)
	a.SubmittedAt, a.ReviewedAt = parseTime(sub), parseTime(rev)
	return a, err
}

// AssessmentFor returns the member's assessment in the cycle, creating an
// empty draft the first time it is asked for.
func (s *Store) AssessmentFor(ctx context.Context, memberID, cycleID int64) (Assessment, error) {
	a, err := scanAssessment(s.r.QueryRowContext(ctx,
		`SELECT `+assessmentColumns+` FROM assessments WHERE member_id = ? AND cycle_id = ?`, memberID, cycleID))
	if err == nil {
		return a, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("load assessment of member %d in cycle %d: %w", memberID, cycleID, err)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx,
			`INSERT INTO assessments (member_id, cycle_id, created_at) VALUES (?, ?, ?) ON CONFLICT (member_id, cycle_id) DO NOTHING`,
			memberID, cycleID, s.stamp())
		if err != nil {
			return err
		}
		a, err = scanAssessment(tx.QueryRowContext(ctx,
			`SELECT `+assessmentColumns+` FROM assessments WHERE member_id = ? AND cycle_id = ?`, memberID, cycleID))
		return err
	})
	if err != nil {
		return a, fmt.Errorf("create assessment of member %d in cycle %d: %w", memberID, cycleID, err)
	}
	return a, nil
}

// AssessmentByID returns one assessment.
func (s *Store) AssessmentByID(ctx context.Context, id int64) (Assessment, error) {
	a, err := scanAssessment(s.r.QueryRowContext(ctx, `SELECT `+assessmentColumns+` FROM assessments WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("assessment %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("load assessment %d: %w", id, err)
	}
	return a, nil
}

// AssessmentsForCycle returns every assessment in a cycle, keyed by member.
func (s *Store) AssessmentsForCycle(ctx context.Context, cycleID int64) (map[int64]Assessment, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+assessmentColumns+` FROM assessments WHERE cycle_id = ?`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("list assessments of cycle %d: %w", cycleID, err)
	}
	defer rows.Close()
	out := map[int64]Assessment{}
	for rows.Next() {
		a, err := scanAssessment(rows)
		if err != nil {
			return nil, fmt.Errorf("list assessments of cycle %d: %w", cycleID, err)
		}
		out[a.MemberID] = a
	}
	return out, rows.Err()
}

// SubmitAssessment moves a draft to submitted. The caller has checked that
// every applicable subcategory is answered; answers cannot be emptied once
// given, so that stays true inside this transaction.
func (s *Store) SubmitAssessment(ctx context.Context, act Actor, id int64) error {
	return s.setStatus(ctx, act, id, "draft", "submitted", `submitted_by = ?, submitted_at = ?`)
}

// ReviewAssessment moves a submitted assessment to reviewed.
func (s *Store) ReviewAssessment(ctx context.Context, act Actor, id int64) error {
	return s.setStatus(ctx, act, id, "submitted", "reviewed", `reviewed_by = ?, reviewed_at = ?`)
}

// ReopenAssessment moves a submitted assessment back to draft so its member
// can correct it (a coordinator's decision).
func (s *Store) ReopenAssessment(ctx context.Context, act Actor, id int64) error {
	return s.setStatus(ctx, act, id, "submitted", "draft", `submitted_by = '', submitted_at = NULL, reviewed_by = ?, reviewed_at = ?`)
}

func (s *Store) setStatus(ctx context.Context, act Actor, id int64, from, to, set string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var status, cycleStatus string
		var memberID int64
		err := tx.QueryRowContext(ctx, `SELECT a.member_id, a.status, c.status FROM assessments a JOIN cycles c ON c.id = a.cycle_id WHERE a.id = ?`, id).
			Scan(&memberID, &status, &cycleStatus)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("assessment %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("load assessment %d: %w", id, err)
		}
		if status != from || cycleStatus != "open" {
			return fmt.Errorf("assessment %d is %s in a %s cycle: %w", id, status, cycleStatus, ErrLocked)
		}
		_, err = tx.ExecContext(ctx, `UPDATE assessments SET status = ?, `+set+`, version = version + 1 WHERE id = ?`, to, act.Email, s.stamp(), id)
		if err != nil {
			return fmt.Errorf("set assessment %d to %s: %w", id, to, err)
		}
		return s.audit(ctx, tx, act, memberID, "assessment."+to, fmt.Sprintf("assessment %d", id), from+" -> "+to)
	})
}

// AssessmentOf returns the member's assessment in the cycle without creating
// one; ErrNotFound when the member has not started it.
func (s *Store) AssessmentOf(ctx context.Context, memberID, cycleID int64) (Assessment, error) {
	a, err := scanAssessment(s.r.QueryRowContext(ctx,
		`SELECT `+assessmentColumns+` FROM assessments WHERE member_id = ? AND cycle_id = ?`, memberID, cycleID))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("assessment of member %d in cycle %d: %w", memberID, cycleID, ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("load assessment of member %d in cycle %d: %w", memberID, cycleID, err)
	}
	return a, nil
}
