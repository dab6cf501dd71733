package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Session is a signed-in browser. Only the hash of the id the browser holds
// is stored.
type Session struct {
	IDHash     string
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	IP         string
	UserAgent  string
	// Pending is true between a right password and the second factor.
	Pending bool
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, sess Session) error {
	now := s.stamp()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, ip, user_agent, pending) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			sess.IDHash, sess.UserID, now, now, sess.IP, clip(sess.UserAgent, 300), sess.Pending)
		return err
	})
	if err != nil {
		return fmt.Errorf("create session for user %d: %w", sess.UserID, err)
	}
	return nil
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// SessionByHash returns a session by the hash of its id.
func (s *Store) SessionByHash(ctx context.Context, hash string) (Session, error) {
	var sess Session
	var created, seen string
	err := s.r.QueryRowContext(ctx, `SELECT id_hash, user_id, created_at, last_seen_at, ip, user_agent, pending FROM sessions WHERE id_hash = ?`, hash).
		Scan(&sess.IDHash, &sess.UserID, &created, &seen, &sess.IP, &sess.UserAgent, &sess.Pending)
	if errors.Is(err, sql.ErrNoRows) {
		return sess, fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return sess, fmt.Errorf("load session: %w", err)
	}
	sess.CreatedAt = parseTime(sql.NullString{String: created, Valid: true})
	sess.LastSeenAt = parseTime(sql.NullString{String: seen, Valid: true})
	return sess, nil
}

// TouchSession records activity on a session (for the idle timeout).
func (s *Store) TouchSession(ctx context.Context, hash string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?`, s.stamp(), hash)
		return err
	})
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, hash)
		return err
	})
}

// DeleteSessionsOfUser ends every session of a user ("sign out everywhere").
func (s *Store) DeleteSessionsOfUser(ctx context.Context, act Actor, userID int64) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return err
		}
		return s.audit(ctx, tx, act, 0, "session.end-all", fmt.Sprintf("user %d", userID), "")
	})
	if err != nil {
		return fmt.Errorf("end sessions of user %d: %w", userID, err)
	}
	return nil
}

// DeleteSessionsBefore removes sessions idle since before idle or created
// before absolute; it keeps the table small.
func (s *Store) DeleteSessionsBefore(ctx context.Context, idle, absolute time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?`,
			idle.UTC().Format(time.RFC3339), absolute.UTC().Format(time.RFC3339))
		return err
	})
}
