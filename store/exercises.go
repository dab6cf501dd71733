package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Exercise is a tabletop exercise of a consortium: who took part and what
// it found. HeldOn is an ISO date.
type Exercise struct {
	ID, ConsortiumID        int64
	HeldOn, Title, Scenario string
	CreatedAt               string
	MemberIDs               []int64
	Findings                []Finding
}

// Finding statuses, as stored.
const (
	FindingOpen = "open"
	FindingDone = "done"
)

// Finding is one thing an exercise found, on a subcategory ("" when
// general). MemberID is whose follow-up action it is (0: the consortium's).
// DueOn is an ISO date or "".
type Finding struct {
	ID, ExerciseID      int64
	SubcategoryID, Text string
	MemberID            int64
	DueOn, Status       string
}

// CreateExercise records an exercise with its members and findings in one
// transaction and returns its id. Every member (taking part or owning a
// finding) must belong to the consortium; a finding without a status is
// open.
func (s *Store) CreateExercise(ctx context.Context, act Actor, e Exercise) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		members := append([]int64{}, e.MemberIDs...)
		for _, f := range e.Findings {
			if f.MemberID != 0 {
				members = append(members, f.MemberID)
			}
		}
		if err := checkMembersOf(ctx, tx, e.ConsortiumID, members); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO exercises (consortium_id, held_on, title, scenario, created_at) VALUES (?, ?, ?, ?, ?)`,
			e.ConsortiumID, e.HeldOn, e.Title, e.Scenario, s.stamp())
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		for _, m := range e.MemberIDs {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO exercise_members (exercise_id, member_id) VALUES (?, ?)`, id, m); err != nil {
				return fmt.Errorf("member %d: %w", m, err)
			}
		}
		for i, f := range e.Findings {
			if f.Status == "" {
				f.Status = FindingOpen
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO findings (exercise_id, subcategory_id, text, member_id, due_on, status) VALUES (?, ?, ?, ?, ?, ?)`,
				id, f.SubcategoryID, f.Text, nullIfZero(f.MemberID), f.DueOn, f.Status); err != nil {
				return fmt.Errorf("finding %d: %w", i+1, err)
			}
		}
		act.ConsortiumID = e.ConsortiumID
		return s.audit(ctx, tx, act, 0, "exercise.create", fmt.Sprintf("exercise %d %s", id, e.Title),
			fmt.Sprintf("held_on=%s members=%v findings=%d", e.HeldOn, e.MemberIDs, len(e.Findings)))
	})
	if err != nil {
		return 0, fmt.Errorf("create exercise %q: %w", e.Title, err)
	}
	return id, nil
}

// DeleteExercise removes an exercise of the consortium with its members
// and findings.
func (s *Store) DeleteExercise(ctx context.Context, act Actor, consortiumID, id int64) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM exercises WHERE id = ? AND consortium_id = ?`, id, consortiumID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("exercise of consortium %d: %w", consortiumID, ErrNotFound)
		}
		act.ConsortiumID = consortiumID
		return s.audit(ctx, tx, act, 0, "exercise.delete", fmt.Sprintf("exercise %d", id), "")
	})
	if err != nil {
		return fmt.Errorf("delete exercise %d: %w", id, err)
	}
	return nil
}

// SetFindingStatus marks a finding of an exercise of the consortium open or
// done.
func (s *Store) SetFindingStatus(ctx context.Context, act Actor, consortiumID, findingID int64, status string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var member int64
		err := tx.QueryRowContext(ctx, `UPDATE findings SET status = ? WHERE id = ?
			AND exercise_id IN (SELECT id FROM exercises WHERE consortium_id = ?) RETURNING IFNULL(member_id, 0)`,
			status, findingID, consortiumID).Scan(&member)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("finding of consortium %d: %w", consortiumID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		act.ConsortiumID = consortiumID
		return s.audit(ctx, tx, act, member, "finding.status", fmt.Sprintf("finding %d", findingID), "status="+status)
	})
	if err != nil {
		return fmt.Errorf("set status of finding %d: %w", findingID, err)
	}
	return nil
}

// ExercisesOfConsortium returns a consortium's exercises, newest first,
// with their members and findings.
func (s *Store) ExercisesOfConsortium(ctx context.Context, consortiumID int64) ([]Exercise, error) {
	out, err := s.queryExercises(ctx, `e.consortium_id = ?`, []any{consortiumID}, `1`, nil)
	if err != nil {
		return nil, fmt.Errorf("exercises of consortium %d: %w", consortiumID, err)
	}
	return out, nil
}

// ExercisesOfMember returns the exercises a member took part in or owns a
// finding of, newest first, with all their members but only the findings
// that are the member's or the consortium's (another member's follow-up
// actions are left out).
func (s *Store) ExercisesOfMember(ctx context.Context, memberID int64) ([]Exercise, error) {
	out, err := s.queryExercises(ctx,
		`e.id IN (SELECT exercise_id FROM exercise_members WHERE member_id = ? UNION SELECT exercise_id FROM findings WHERE member_id = ?)`,
		[]any{memberID, memberID}, `(f.member_id IS NULL OR f.member_id = ?)`, []any{memberID})
	if err != nil {
		return nil, fmt.Errorf("exercises of member %d: %w", memberID, err)
	}
	return out, nil
}

// queryExercises reads the exercises matching where (on alias e), their
// members and their findings matching findingsWhere (on alias f) in one
// read transaction, so the three queries see the same data.
func (s *Store) queryExercises(ctx context.Context, where string, args []any, findingsWhere string, findingArgs []any) ([]Exercise, error) {
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	rows, err := tx.QueryContext(ctx, `SELECT e.id, e.consortium_id, e.held_on, e.title, e.scenario, e.created_at
		FROM exercises e WHERE `+where+` ORDER BY e.held_on DESC, e.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	var out []Exercise
	index := map[int64]int{}
	for rows.Next() {
		var e Exercise
		if err := rows.Scan(&e.ID, &e.ConsortiumID, &e.HeldOn, &e.Title, &e.Scenario, &e.CreatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		index[e.ID] = len(out)
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}

	rows, err = tx.QueryContext(ctx, `SELECT em.exercise_id, em.member_id FROM exercise_members em
		JOIN exercises e ON e.id = em.exercise_id WHERE `+where+` ORDER BY em.exercise_id, em.member_id`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var ex, m int64
		if err := rows.Scan(&ex, &m); err != nil {
			rows.Close()
			return nil, err
		}
		if i, ok := index[ex]; ok {
			out[i].MemberIDs = append(out[i].MemberIDs, m)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = tx.QueryContext(ctx, `SELECT f.id, f.exercise_id, f.subcategory_id, f.text, IFNULL(f.member_id, 0), f.due_on, f.status
		FROM findings f JOIN exercises e ON e.id = f.exercise_id
		WHERE (`+where+`) AND `+findingsWhere+` ORDER BY f.exercise_id, f.id`, append(append([]any{}, args...), findingArgs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f Finding
		if err := rows.Scan(&f.ID, &f.ExerciseID, &f.SubcategoryID, &f.Text, &f.MemberID, &f.DueOn, &f.Status); err != nil {
			return nil, err
		}
		if i, ok := index[f.ExerciseID]; ok {
			out[i].Findings = append(out[i].Findings, f)
		}
	}
	return out, rows.Err()
}
