package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"palisade/assessments"
)

// Answer is the current (or a past) version of one answer.
type Answer struct {
	ID            int64
	AssessmentID  int64
	SubcategoryID string
	Version       int
	Choice        string
	Score         int
	Target        int
	NotApplicable bool
	Justification string
	AcceptedBy    string
	Acceptance    string
	Notes         string
	Evidence      string
	ScaleID       string
	ScaleVersion  int
	AnsweredBy    string
	AnsweredAt    time.Time
	// CarriedOver marks an answer copied from the previous cycle that
	// nobody has confirmed yet; any save of the answer clears it.
	CarriedOver bool
}

// RiskAcceptedChoice is the key of the NCSR level "Risk Formally Accepted":
// it scores like a control in progress but is an open exposure.
const RiskAcceptedChoice = "risk-accepted"

// Domain returns the answer as the scoring functions see it.
func (a Answer) Domain() assessments.Answer {
	return assessments.Answer{SubcategoryID: a.SubcategoryID, Score: a.Score, NotApplicable: a.NotApplicable, Target: a.Target,
		RiskAccepted: a.Choice == RiskAcceptedChoice}
}

// ConflictError is returned when a save was based on a version that is no
// longer the current one: somebody else saved in between.
type ConflictError struct {
	Current Answer
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("answer %s was changed by %s (now version %d)", e.Current.SubcategoryID, e.Current.AnsweredBy, e.Current.Version)
}

const answerColumns = `id, assessment_id, subcategory_id, version, choice, score, target, not_applicable, justification,
	accepted_by, acceptance, notes, evidence, scale_id, scale_version, answered_by, answered_at, carried_over`

func scanAnswer(sc interface{ Scan(...any) error }) (Answer, error) {
	var a Answer
	var at string
	err := sc.Scan(&a.ID, &a.AssessmentID, &a.SubcategoryID, &a.Version, &a.Choice, &a.Score, &a.Target, &a.NotApplicable,
		&a.Justification, &a.AcceptedBy, &a.Acceptance, &a.Notes, &a.Evidence, &a.ScaleID, &a.ScaleVersion, &a.AnsweredBy, &at, &a.CarriedOver)
	a.AnsweredAt = parseTime(sql.NullString{String: at, Valid: true})
	return a, err
}

// SaveAnswer stores a new version of an answer. BaseVersion in a is the
// version the user started from (0 for a first answer): when another save
// came in between, nothing is written and a *ConflictError carries the
// current answer so the user can choose. Saves to a submitted assessment or
// a closed cycle fail with ErrLocked.
func (s *Store) SaveAnswer(ctx context.Context, act Actor, a Answer, baseVersion int) (Answer, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		memberID, err := assessmentEditable(ctx, tx, a.AssessmentID)
		if err != nil {
			return err
		}
		cur, err := currentAnswer(ctx, tx, a.AssessmentID, a.SubcategoryID)
		if err != nil {
			return err
		}
		if cur.Version != baseVersion {
			return &ConflictError{Current: cur}
		}
		if a, err = s.writeVersion(ctx, tx, a, cur.Version); err != nil {
			return err
		}
		if err := refreshLevels(ctx, tx, a.AssessmentID); err != nil {
			return err
		}
		return s.audit(ctx, tx, act, memberID, "answer.save", fmt.Sprintf("assessment %d %s", a.AssessmentID, a.SubcategoryID),
			fmt.Sprintf("version %d: %s", a.Version, a.summary()))
	})
	if err != nil {
		return Answer{}, err
	}
	return a, nil
}

// assessmentEditable fails with ErrLocked unless the assessment is a draft in
// an open cycle.
func assessmentEditable(ctx context.Context, tx *sql.Tx, assessmentID int64) (memberID int64, err error) {
	var status, cycleStatus string
	err = tx.QueryRowContext(ctx, `SELECT a.member_id, a.status, c.status FROM assessments a JOIN cycles c ON c.id = a.cycle_id WHERE a.id = ?`,
		assessmentID).Scan(&memberID, &status, &cycleStatus)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("assessment %d: %w", assessmentID, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("load assessment %d: %w", assessmentID, err)
	}
	if status != "draft" || cycleStatus != "open" {
		return memberID, fmt.Errorf("assessment %d is %s in a %s cycle: %w", assessmentID, status, cycleStatus, ErrLocked)
	}
	return memberID, nil
}

// summary is the audit log's short form of an answer.
func (a Answer) summary() string {
	if a.NotApplicable {
		return "not applicable"
	}
	return fmt.Sprintf("level %s (%d), target %d", a.Choice, a.Score, a.Target)
}

// AnswersForAssessment returns the current answers of an assessment, keyed by
// subcategory id.
func (s *Store) AnswersForAssessment(ctx context.Context, assessmentID int64) (map[string]Answer, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+answerColumns+` FROM answers WHERE assessment_id = ? AND is_current = 1`, assessmentID)
	if err != nil {
		return nil, fmt.Errorf("load answers of assessment %d: %w", assessmentID, err)
	}
	defer rows.Close()
	out := map[string]Answer{}
	for rows.Next() {
		a, err := scanAnswer(rows)
		if err != nil {
			return nil, fmt.Errorf("load answers of assessment %d: %w", assessmentID, err)
		}
		out[a.SubcategoryID] = a
	}
	return out, rows.Err()
}

// AnswersForCycle returns the current answers of every assessment in a
// cycle, keyed by member id, in one query.
func (s *Store) AnswersForCycle(ctx context.Context, cycleID int64) (map[int64][]Answer, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT a.member_id, `+prefixed("x", answerColumns)+`
		FROM answers x JOIN assessments a ON a.id = x.assessment_id
		WHERE a.cycle_id = ? AND x.is_current = 1`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("load answers of cycle %d: %w", cycleID, err)
	}
	defer rows.Close()
	out := map[int64][]Answer{}
	for rows.Next() {
		var memberID int64
		a, err := scanAnswer(withLeading{rows, &memberID})
		if err != nil {
			return nil, fmt.Errorf("load answers of cycle %d: %w", cycleID, err)
		}
		out[memberID] = append(out[memberID], a)
	}
	return out, rows.Err()
}

// AnswerHistory returns every version of one answer, newest first.
func (s *Store) AnswerHistory(ctx context.Context, assessmentID int64, subcategoryID string) ([]Answer, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+answerColumns+` FROM answers WHERE assessment_id = ? AND subcategory_id = ? ORDER BY version DESC`,
		assessmentID, subcategoryID)
	if err != nil {
		return nil, fmt.Errorf("load history of answer %s: %w", subcategoryID, err)
	}
	defer rows.Close()
	var out []Answer
	for rows.Next() {
		a, err := scanAnswer(rows)
		if err != nil {
			return nil, fmt.Errorf("load history of answer %s: %w", subcategoryID, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ImportAnswers writes first versions of many answers in one transaction
// (demo data, bulk loads). Subcategories that already have an answer are left
// alone, so running it twice changes nothing.
func (s *Store) ImportAnswers(ctx context.Context, act Actor, assessmentID int64, answers []Answer) (int, error) {
	written := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		memberID, err := assessmentEditable(ctx, tx, assessmentID)
		if err != nil {
			return err
		}
		for _, a := range answers {
			at := a.AnsweredAt
			if at.IsZero() {
				at = s.now()
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO answers (assessment_id, subcategory_id, version, choice, score, target, not_applicable,
				justification, accepted_by, acceptance, notes, evidence, scale_id, scale_version, answered_by, answered_at)
				SELECT ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
				WHERE NOT EXISTS (SELECT 1 FROM answers WHERE assessment_id = ? AND subcategory_id = ?)`,
				assessmentID, a.SubcategoryID, a.Choice, a.Score, a.Target, a.NotApplicable,
				a.Justification, a.AcceptedBy, a.Acceptance, a.Notes, a.Evidence, a.ScaleID, a.ScaleVersion, a.AnsweredBy,
				at.UTC().Format(time.RFC3339), assessmentID, a.SubcategoryID)
			if err != nil {
				return fmt.Errorf("import answer %s: %w", a.SubcategoryID, err)
			}
			n, _ := res.RowsAffected()
			written += int(n)
		}
		if err := refreshLevels(ctx, tx, assessmentID); err != nil {
			return err
		}
		return s.audit(ctx, tx, act, memberID, "answer.import", fmt.Sprintf("assessment %d", assessmentID), fmt.Sprintf("%d answers", written))
	})
	if err != nil {
		return 0, err
	}
	return written, nil
}

// ScoresForCycle returns, per member, the current answers of a cycle as the
// analysis sees them (level, target, N/A, accepted risk) and nothing more.
// The comparison pages read every answer of every member, so this reads the
// compact copy kept on each assessment (one row per member) rather than
// every answer row with its texts and timestamps.
func (s *Store) ScoresForCycle(ctx context.Context, cycleID int64) (map[int64][]assessments.Answer, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT member_id, levels FROM assessments WHERE cycle_id = ?`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("load scores of cycle %d: %w", cycleID, err)
	}
	defer rows.Close()
	out := map[int64][]assessments.Answer{}
	for rows.Next() {
		var memberID int64
		var packed string
		if err := rows.Scan(&memberID, &packed); err != nil {
			return nil, fmt.Errorf("load scores of cycle %d: %w", cycleID, err)
		}
		list, err := parseLevels(packed)
		if err != nil {
			return nil, fmt.Errorf("load scores of member %d in cycle %d: %w", memberID, cycleID, err)
		}
		if list != nil {
			out[memberID] = list
		}
	}
	return out, rows.Err()
}

// ErrChanged is returned by ReplaceAnswers when an answer changed after the
// versions the caller based its import on.
var ErrChanged = errors.New("answers changed since the import was previewed")

// ReplaceAnswers writes new versions of many answers in one transaction:
// all or nothing. base holds, per subcategory, the version the import was
// previewed against (0: none); if any differs now, nothing is written and
// ErrChanged is returned. Answers equal to the current one are skipped.
func (s *Store) ReplaceAnswers(ctx context.Context, act Actor, assessmentID int64, answers []Answer, base map[string]int) (int, error) {
	written := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		memberID, err := assessmentEditable(ctx, tx, assessmentID)
		if err != nil {
			return err
		}
		for _, a := range answers {
			cur, err := currentAnswer(ctx, tx, assessmentID, a.SubcategoryID)
			if err != nil {
				return err
			}
			if cur.Version != base[a.SubcategoryID] {
				return ErrChanged
			}
			if cur.Version != 0 && !cur.CarriedOver && cur.Same(a) {
				continue
			}
			a.AssessmentID = assessmentID
			if _, err := s.writeVersion(ctx, tx, a, cur.Version); err != nil {
				return err
			}
			written++
		}
		if err := refreshLevels(ctx, tx, assessmentID); err != nil {
			return err
		}
		return s.audit(ctx, tx, act, memberID, "answer.import", fmt.Sprintf("assessment %d", assessmentID), fmt.Sprintf("CSV: %d answers changed", written))
	})
	if err != nil {
		return 0, err
	}
	return written, nil
}

// Same reports whether b says what a says: the same level, target, N/A
// and texts (who and when aside).
func (a Answer) Same(b Answer) bool {
	return a.Choice == b.Choice && a.Score == b.Score && a.Target == b.Target && a.NotApplicable == b.NotApplicable &&
		a.Justification == b.Justification && a.AcceptedBy == b.AcceptedBy && a.Acceptance == b.Acceptance &&
		a.Notes == b.Notes && a.Evidence == b.Evidence
}

// currentAnswer is the current version of one answer, or a zero Answer
// (version 0) when it was never answered.
func currentAnswer(ctx context.Context, tx *sql.Tx, assessmentID int64, subcategoryID string) (Answer, error) {
	cur, err := scanAnswer(tx.QueryRowContext(ctx, `SELECT `+answerColumns+` FROM answers
		WHERE assessment_id = ? AND subcategory_id = ? AND is_current = 1`, assessmentID, subcategoryID))
	if errors.Is(err, sql.ErrNoRows) {
		return Answer{}, nil
	}
	if err != nil {
		return Answer{}, fmt.Errorf("load answer %s: %w", subcategoryID, err)
	}
	return cur, nil
}

// writeVersion retires the current version of a's answer and writes a as
// version prev+1, answered now. The caller has checked prev is current.
func (s *Store) writeVersion(ctx context.Context, tx *sql.Tx, a Answer, prev int) (Answer, error) {
	if _, err := tx.ExecContext(ctx, `UPDATE answers SET is_current = 0 WHERE assessment_id = ? AND subcategory_id = ? AND is_current = 1`,
		a.AssessmentID, a.SubcategoryID); err != nil {
		return a, fmt.Errorf("retire answer %s: %w", a.SubcategoryID, err)
	}
	a.Version = prev + 1
	a.AnsweredAt = s.now().Truncate(time.Second)
	a.CarriedOver = false
	res, err := tx.ExecContext(ctx, `INSERT INTO answers (assessment_id, subcategory_id, version, choice, score, target, not_applicable,
		justification, accepted_by, acceptance, notes, evidence, scale_id, scale_version, answered_by, answered_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.AssessmentID, a.SubcategoryID, a.Version, a.Choice, a.Score, a.Target, a.NotApplicable,
		a.Justification, a.AcceptedBy, a.Acceptance, a.Notes, a.Evidence, a.ScaleID, a.ScaleVersion, a.AnsweredBy,
		a.AnsweredAt.Format(time.RFC3339))
	if err != nil {
		return a, fmt.Errorf("insert answer %s: %w", a.SubcategoryID, err)
	}
	a.ID, err = res.LastInsertId()
	return a, err
}
