package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// InsuranceTier is the incentive (in cents) a consortium gives members at
// one insurance tier (1..9).
type InsuranceTier struct {
	Tier           int
	Name           string
	IncentiveCents int64
}

// InsuranceTiers returns the tiers a consortium has set, by tier; none when
// it never set them (the caller then uses the defaults).
func (s *Store) InsuranceTiers(ctx context.Context, consortiumID int64) ([]InsuranceTier, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT tier, name, incentive_cents FROM insurance_tiers WHERE consortium_id = ? ORDER BY tier`, consortiumID)
	if err != nil {
		return nil, fmt.Errorf("insurance tiers of consortium %d: %w", consortiumID, err)
	}
	defer rows.Close()
	var out []InsuranceTier
	for rows.Next() {
		var t InsuranceTier
		if err := rows.Scan(&t.Tier, &t.Name, &t.IncentiveCents); err != nil {
			return nil, fmt.Errorf("insurance tiers of consortium %d: %w", consortiumID, err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("insurance tiers of consortium %d: %w", consortiumID, err)
	}
	return out, nil
}

// SaveInsuranceTiers replaces every tier of a consortium in one
// transaction: a refused tier leaves all of them as they were.
func (s *Store) SaveInsuranceTiers(ctx context.Context, act Actor, consortiumID int64, tiers []InsuranceTier) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM insurance_tiers WHERE consortium_id = ?`, consortiumID); err != nil {
			return err
		}
		detail := ""
		for _, t := range tiers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO insurance_tiers (consortium_id, tier, name, incentive_cents) VALUES (?, ?, ?, ?)`,
				consortiumID, t.Tier, t.Name, t.IncentiveCents); err != nil {
				return fmt.Errorf("tier %d: %w", t.Tier, err)
			}
			detail += fmt.Sprintf("%d=%d ", t.Tier, t.IncentiveCents)
		}
		act.ConsortiumID = consortiumID
		return s.audit(ctx, tx, act, 0, "insurance.tiers", fmt.Sprintf("consortium %d", consortiumID), detail)
	})
	if err != nil {
		return fmt.Errorf("save insurance tiers of consortium %d: %w", consortiumID, err)
	}
	return nil
}

// Certification is a member's certified answer ("yes", "no" or "na") to one
// insurance requirement. CertifiedBy is the user who certified it (0 when
// Palisade did) and CertifiedByEmail their email; both are set by the store
// from the actor. Version is the optimistic-concurrency counter (0: new).
type Certification struct {
	MemberID         int64
	RequirementKey   string
	Answer, Reason   string
	CertifiedBy      int64
	CertifiedByEmail string
	CertifiedAt      string
	Version          int
}

const certificationSelect = `SELECT c.member_id, c.requirement_key, c.answer, c.reason, IFNULL(c.certified_by, 0), IFNULL(u.email, ''), c.certified_at, c.version
	FROM certifications c LEFT JOIN users u ON u.id = c.certified_by`

func (s *Store) queryCertifications(ctx context.Context, query string, args ...any) ([]Certification, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Certification
	for rows.Next() {
		var c Certification
		if err := rows.Scan(&c.MemberID, &c.RequirementKey, &c.Answer, &c.Reason, &c.CertifiedBy, &c.CertifiedByEmail, &c.CertifiedAt, &c.Version); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CertificationsOfMember returns a member's certifications by requirement.
func (s *Store) CertificationsOfMember(ctx context.Context, memberID int64) ([]Certification, error) {
	out, err := s.queryCertifications(ctx, certificationSelect+` WHERE c.member_id = ? ORDER BY c.requirement_key`, memberID)
	if err != nil {
		return nil, fmt.Errorf("certifications of member %d: %w", memberID, err)
	}
	return out, nil
}

// CertificationsOfConsortium returns the certifications of every member of
// a consortium, by member id, each by requirement.
func (s *Store) CertificationsOfConsortium(ctx context.Context, consortiumID int64) (map[int64][]Certification, error) {
	list, err := s.queryCertifications(ctx, certificationSelect+` JOIN members m ON m.id = c.member_id
		WHERE m.consortium_id = ? ORDER BY c.member_id, c.requirement_key`, consortiumID)
	if err != nil {
		return nil, fmt.Errorf("certifications of consortium %d: %w", consortiumID, err)
	}
	out := map[int64][]Certification{}
	for _, c := range list {
		out[c.MemberID] = append(out[c.MemberID], c)
	}
	return out, nil
}

// SaveCertification records the actor's certified answer for a member. With
// c.Version 0 the requirement must not be certified yet; otherwise the
// certification must still be at c.Version. Either way a mismatch is
// ErrStale and the certification moves to the next version.
func (s *Store) SaveCertification(ctx context.Context, act Actor, memberID int64, c Certification) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var consortium int64
		err := tx.QueryRowContext(ctx, `SELECT consortium_id FROM members WHERE id = ?`, memberID).Scan(&consortium)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("member %d: %w", memberID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		var res sql.Result
		if c.Version == 0 {
			res, err = tx.ExecContext(ctx, `INSERT INTO certifications (member_id, requirement_key, answer, reason, certified_by, certified_at)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (member_id, requirement_key) DO NOTHING`,
				memberID, c.RequirementKey, c.Answer, c.Reason, nullIfZero(act.UserID), s.stamp())
		} else {
			res, err = tx.ExecContext(ctx, `UPDATE certifications SET answer = ?, reason = ?, certified_by = ?, certified_at = ?, version = version + 1
				WHERE member_id = ? AND requirement_key = ? AND version = ?`,
				c.Answer, c.Reason, nullIfZero(act.UserID), s.stamp(), memberID, c.RequirementKey, c.Version)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrStale
		}
		act.ConsortiumID = consortium
		return s.audit(ctx, tx, act, memberID, "certification.save", c.RequirementKey,
			fmt.Sprintf("answer=%s version=%d reason=%q", c.Answer, c.Version+1, c.Reason))
	})
	if err != nil {
		return fmt.Errorf("save certification %q of member %d: %w", c.RequirementKey, memberID, err)
	}
	return nil
}
