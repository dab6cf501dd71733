package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Actor is who makes a change and from where. Every change that a person
// makes is written to the audit log inside the same transaction as the
// change itself, so the log cannot miss a committed change.
type Actor struct {
	UserID       int64
	Email        string
	IP           string
	ConsortiumID int64
}

// System is the actor for changes made by Palisade itself (demo seeding,
// migrations of data).
var System = Actor{Email: "system"}

// Event is one row of the audit log.
type Event struct {
	ID           int64
	At           time.Time
	UserID       int64
	Actor        string
	ConsortiumID int64
	MemberID     int64
	Action       string
	Target       string
	Detail       string
	IP           string
}

func (s *Store) audit(ctx context.Context, tx *sql.Tx, a Actor, memberID int64, action, target, detail string) error {
	var uid, cid, mid any
	if a.UserID != 0 {
		uid = a.UserID
	}
	if a.ConsortiumID != 0 {
		cid = a.ConsortiumID
	}
	if memberID != 0 {
		mid = memberID
	}
	actor := a.Email
	if actor == "" {
		actor = "system"
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, user_id, actor, consortium_id, member_id, action, target, detail, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.stamp(), uid, actor, cid, mid, action, target, detail, a.IP)
	if err != nil {
		return fmt.Errorf("write audit log (%s): %w", action, err)
	}
	return nil
}

// Record writes an audit event that has no other change to go with (a
// login, a download, a refused attempt).
func (s *Store) Record(ctx context.Context, a Actor, memberID int64, action, target, detail string) error {
	return s.tx(ctx, func(tx *sql.Tx) error { return s.audit(ctx, tx, a, memberID, action, target, detail) })
}

// AuditFilter narrows the audit log. Zero values match everything.
type AuditFilter struct {
	ConsortiumID int64
	Actor        string // substring of the actor's email
	Action       string // prefix, e.g. "answer."
	MemberID     int64
	Limit        int
}

// AuditEvents returns the newest events matching f (at most f.Limit, 200 by
// default).
func (s *Store) AuditEvents(ctx context.Context, f AuditFilter) ([]Event, error) {
	var where []string
	var args []any
	if f.ConsortiumID != 0 {
		where = append(where, "consortium_id = ?")
		args = append(args, f.ConsortiumID)
	}
	if f.Actor != "" {
		where = append(where, "actor LIKE ? ESCAPE '\\'")
		args = append(args, "%"+likeEscape(f.Actor)+"%")
	}
	if f.Action != "" {
		where = append(where, "action LIKE ? ESCAPE '\\'")
		args = append(args, likeEscape(f.Action)+"%")
	}
	if f.MemberID != 0 {
		where = append(where, "member_id = ?")
		args = append(args, f.MemberID)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	q := `SELECT id, at, IFNULL(user_id, 0), actor, IFNULL(consortium_id, 0), IFNULL(member_id, 0), action, target, detail, ip FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at string
		if err := rows.Scan(&e.ID, &at, &e.UserID, &e.Actor, &e.ConsortiumID, &e.MemberID, &e.Action, &e.Target, &e.Detail, &e.IP); err != nil {
			return nil, fmt.Errorf("read audit log: %w", err)
		}
		e.At = parseTime(sql.NullString{String: at, Valid: true})
		out = append(out, e)
	}
	return out, rows.Err()
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
