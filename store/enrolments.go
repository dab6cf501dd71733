package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
)

// Enrolment states, as stored.
const (
	EnrolmentRequested = "requested"
	EnrolmentEnrolled  = "enrolled"
)

// Enrolment is a member's place in a service: requested by an IT lead or
// enrolled by a coordinator. RequestedBy is the user who asked (0: nobody,
// the coordinator enrolled the member directly). DecidedAt is when it was
// last enrolled ("" while requested).
type Enrolment struct {
	ServiceID, MemberID int64
	State, Note         string
	RequestedBy         int64
	CreatedAt           string
	DecidedAt           string
}

// nullIfZero stores an id of 0 (none) as NULL.
func nullIfZero(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// checkMembersOf refuses, naming them, members that do not belong to the
// consortium.
func checkMembersOf(ctx context.Context, tx *sql.Tx, consortiumID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	list, _ := json.Marshal(ids)
	rows, err := tx.QueryContext(ctx, `SELECT j.value FROM json_each(?) j
		WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.id = j.value AND m.consortium_id = ?)`, string(list), consortiumID)
	if err != nil {
		return err
	}
	defer rows.Close()
	var strangers []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		strangers = append(strangers, id)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(strangers) > 0 {
		return fmt.Errorf("members %v do not belong to consortium %d: %w", strangers, consortiumID, ErrNotFound)
	}
	return nil
}

// SetEnrolment puts a member of the consortium in a service of the
// consortium in the given state (a coordinator enrols the member or
// approves a request), keeping who requested it and the note.
func (s *Store) SetEnrolment(ctx context.Context, act Actor, consortiumID, serviceID, memberID int64, state string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := checkServiceOf(ctx, tx, consortiumID, serviceID); err != nil {
			return err
		}
		if err := checkMembersOf(ctx, tx, consortiumID, []int64{memberID}); err != nil {
			return err
		}
		now := s.stamp()
		var decided any
		if state == EnrolmentEnrolled {
			decided = now
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO enrolments (service_id, member_id, state, created_at, decided_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (service_id, member_id) DO UPDATE SET state = excluded.state, decided_at = excluded.decided_at`,
			serviceID, memberID, state, now, decided); err != nil {
			return err
		}
		act.ConsortiumID = consortiumID
		return s.audit(ctx, tx, act, memberID, "enrolment.set", fmt.Sprintf("service %d", serviceID), "state="+state)
	})
	if err != nil {
		return fmt.Errorf("set enrolment of member %d in service %d: %w", memberID, serviceID, err)
	}
	return nil
}

// RequestEnrolment records that an IT lead (act.UserID) asks for their
// member to join a service of the consortium. An existing request gets
// the new note; a member already enrolled stays enrolled.
func (s *Store) RequestEnrolment(ctx context.Context, act Actor, consortiumID, serviceID, memberID int64, note string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := checkServiceOf(ctx, tx, consortiumID, serviceID); err != nil {
			return err
		}
		if err := checkMembersOf(ctx, tx, consortiumID, []int64{memberID}); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO enrolments (service_id, member_id, state, requested_by, note, created_at) VALUES (?, ?, 'requested', ?, ?, ?)
			ON CONFLICT (service_id, member_id) DO UPDATE SET requested_by = excluded.requested_by, note = excluded.note
			WHERE enrolments.state = 'requested'`,
			serviceID, memberID, nullIfZero(act.UserID), note, s.stamp())
		if err != nil {
			return err
		}
		detail := "note=" + note
		if n, _ := res.RowsAffected(); n == 0 {
			detail = "already enrolled"
		}
		act.ConsortiumID = consortiumID
		return s.audit(ctx, tx, act, memberID, "enrolment.request", fmt.Sprintf("service %d", serviceID), detail)
	})
	if err != nil {
		return fmt.Errorf("request enrolment of member %d in service %d: %w", memberID, serviceID, err)
	}
	return nil
}

// RemoveEnrolment takes a member out of a service of the consortium (or
// withdraws its request).
func (s *Store) RemoveEnrolment(ctx context.Context, act Actor, consortiumID, serviceID, memberID int64) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM enrolments WHERE service_id = ? AND member_id = ?
			AND service_id IN (SELECT id FROM services WHERE consortium_id = ?)`, serviceID, memberID, consortiumID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("enrolment in a service of consortium %d: %w", consortiumID, ErrNotFound)
		}
		act.ConsortiumID = consortiumID
		return s.audit(ctx, tx, act, memberID, "enrolment.remove", fmt.Sprintf("service %d", serviceID), "")
	})
	if err != nil {
		return fmt.Errorf("remove enrolment of member %d from service %d: %w", memberID, serviceID, err)
	}
	return nil
}

// SetEnrolments makes memberIDs the enrolled members of a service of the
// consortium, in one transaction: members not listed lose their enrolment,
// listed ones are enrolled (a pending request becomes an enrolment), and
// requests of members not listed stay pending. When any member does not
// belong to the consortium nothing is saved.
func (s *Store) SetEnrolments(ctx context.Context, act Actor, consortiumID, serviceID int64, memberIDs []int64) error {
	ids := slices.Clone(memberIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := checkServiceOf(ctx, tx, consortiumID, serviceID); err != nil {
			return err
		}
		if err := checkMembersOf(ctx, tx, consortiumID, ids); err != nil {
			return err
		}
		list, _ := json.Marshal(append([]int64{}, ids...)) // [] rather than null when empty
		if _, err := tx.ExecContext(ctx, `DELETE FROM enrolments WHERE service_id = ? AND state = 'enrolled'
			AND member_id NOT IN (SELECT value FROM json_each(?))`, serviceID, string(list)); err != nil {
			return err
		}
		now := s.stamp()
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO enrolments (service_id, member_id, state, created_at, decided_at) VALUES (?, ?, 'enrolled', ?, ?)
				ON CONFLICT (service_id, member_id) DO UPDATE SET state = 'enrolled', decided_at = excluded.decided_at
				WHERE enrolments.state <> 'enrolled'`, serviceID, id, now, now); err != nil {
				return fmt.Errorf("enrol member %d: %w", id, err)
			}
		}
		act.ConsortiumID = consortiumID
		return s.audit(ctx, tx, act, 0, "enrolments.set", fmt.Sprintf("service %d", serviceID), fmt.Sprintf("enrolled=%v", ids))
	})
	if err != nil {
		return fmt.Errorf("set enrolments of service %d: %w", serviceID, err)
	}
	return nil
}

// EnrolmentsOfConsortium returns the enrolments and requests in the
// consortium's services, by service and member.
func (s *Store) EnrolmentsOfConsortium(ctx context.Context, consortiumID int64) ([]Enrolment, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT e.service_id, e.member_id, e.state, e.note, IFNULL(e.requested_by, 0), e.created_at, IFNULL(e.decided_at, '')
		FROM enrolments e JOIN services s ON s.id = e.service_id
		WHERE s.consortium_id = ? ORDER BY e.service_id, e.member_id`, consortiumID)
	if err != nil {
		return nil, fmt.Errorf("enrolments of consortium %d: %w", consortiumID, err)
	}
	defer rows.Close()
	var out []Enrolment
	for rows.Next() {
		var e Enrolment
		if err := rows.Scan(&e.ServiceID, &e.MemberID, &e.State, &e.Note, &e.RequestedBy, &e.CreatedAt, &e.DecidedAt); err != nil {
			return nil, fmt.Errorf("enrolments of consortium %d: %w", consortiumID, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("enrolments of consortium %d: %w", consortiumID, err)
	}
	return out, nil
}
