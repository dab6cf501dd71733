package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"palisade/assessments"
)

// refreshLevels rewrites the compact copy of an assessment's current levels
// (assessments.levels) from its answers. Every answer write calls it in its
// own transaction, so the copy is never behind the answers.
func refreshLevels(ctx context.Context, tx *sql.Tx, assessmentID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE assessments SET levels = IFNULL((
		SELECT group_concat(subcategory_id || ':' || score || ':' || target || ':' || not_applicable || ':' || (choice = ?), ';')
		FROM answers WHERE answers.assessment_id = assessments.id AND answers.is_current = 1), '') WHERE id = ?`,
		RiskAcceptedChoice, assessmentID)
	if err != nil {
		return fmt.Errorf("refresh levels of assessment %d: %w", assessmentID, err)
	}
	return nil
}

// parseLevels reads the compact form back. Subcategory ids share the
// memory of the packed string.
func parseLevels(packed string) ([]assessments.Answer, error) {
	if packed == "" {
		return nil, nil
	}
	out := make([]assessments.Answer, 0, strings.Count(packed, ";")+1)
	for entry := range strings.SplitSeq(packed, ";") {
		id, rest, ok1 := strings.Cut(entry, ":")
		score, rest, ok2 := strings.Cut(rest, ":")
		target, rest, ok3 := strings.Cut(rest, ":")
		na, accepted, ok4 := strings.Cut(rest, ":")
		s, err1 := strconv.Atoi(score)
		t, err2 := strconv.Atoi(target)
		if !ok1 || !ok2 || !ok3 || !ok4 || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("malformed levels entry %q", entry)
		}
		out = append(out, assessments.Answer{SubcategoryID: id, Score: s, Target: t, NotApplicable: na == "1", RiskAccepted: accepted == "1"})
	}
	return out, nil
}
