package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// APIToken is a personal token for the read-only JSON API. Only the hash of
// the secret is stored; Hint is its first characters, so its owner can tell
// two tokens apart without the store holding anything usable.
type APIToken struct {
	ID           int64
	UserID       int64
	ConsortiumID int64
	Name         string
	Hash         string
	Hint         string
	CreatedAt    time.Time
	ExpiresAt    time.Time
	LastUsedAt   time.Time // zero when never used
	RevokedAt    time.Time // zero while not revoked
	// OwnerEmail is filled by APITokensOfConsortium, for the list page.
	OwnerEmail string
}

// Usable reports whether the token may still be used at now.
func (t APIToken) Usable(now time.Time) bool {
	return t.RevokedAt.IsZero() && now.Before(t.ExpiresAt)
}

// ErrTokenRevoked is returned for a token that was revoked or has expired.
var ErrTokenRevoked = errors.New("this API token was revoked or has expired")

const apiTokenColumns = `t.id, t.user_id, t.consortium_id, t.name, t.hash, t.hint, t.created_at, t.expires_at, t.last_used_at, t.revoked_at`

func scanAPIToken(sc interface{ Scan(...any) error }, extra ...any) (APIToken, error) {
	var t APIToken
	var created, expires, used, revoked sql.NullString
	dest := append([]any{&t.ID, &t.UserID, &t.ConsortiumID, &t.Name, &t.Hash, &t.Hint, &created, &expires, &used, &revoked}, extra...)
	err := sc.Scan(dest...)
	t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt = parseTime(created), parseTime(expires), parseTime(used), parseTime(revoked)
	return t, err
}

// CreateAPIToken stores a new token (its hash) and audits it.
func (s *Store) CreateAPIToken(ctx context.Context, act Actor, t APIToken) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (user_id, consortium_id, name, hash, hint, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, t.UserID, t.ConsortiumID, t.Name, t.Hash, t.Hint, s.stamp(), t.ExpiresAt.UTC().Format(time.RFC3339))
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		act.ConsortiumID = t.ConsortiumID
		return s.audit(ctx, tx, act, 0, "api_token.create", fmt.Sprintf("api token %d", id),
			fmt.Sprintf("name=%q expires=%s", t.Name, t.ExpiresAt.UTC().Format(time.DateOnly)))
	})
	if err != nil {
		return 0, fmt.Errorf("create API token: %w", err)
	}
	return id, nil
}

// APITokenByHash returns the token with that hash if it can still be used:
// unknown tokens give ErrNotFound, revoked or expired ones ErrTokenRevoked.
func (s *Store) APITokenByHash(ctx context.Context, hash string) (APIToken, error) {
	t, err := scanAPIToken(s.r.QueryRowContext(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens t WHERE t.hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return APIToken{}, ErrNotFound
	}
	if err != nil {
		return APIToken{}, fmt.Errorf("load API token: %w", err)
	}
	if !t.Usable(s.now()) {
		return t, ErrTokenRevoked
	}
	return t, nil
}

// APITokensOfConsortium lists the consortium's tokens, newest first, with
// their owners' emails; revoked and expired ones are kept for the record.
func (s *Store) APITokensOfConsortium(ctx context.Context, consortiumID int64) ([]APIToken, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+apiTokenColumns+`, u.email FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.consortium_id = ? ORDER BY t.id DESC`, consortiumID)
	if err != nil {
		return nil, fmt.Errorf("API tokens of consortium %d: %w", consortiumID, err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var email string
		t, err := scanAPIToken(rows, &email)
		if err != nil {
			return nil, fmt.Errorf("API tokens of consortium %d: %w", consortiumID, err)
		}
		t.OwnerEmail = email
		out = append(out, t)
	}
	return out, rows.Err()
}

// TouchAPIToken records that the token was used now.
func (s *Store) TouchAPIToken(ctx context.Context, id int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, s.stamp(), id)
		return err
	})
}

// RevokeAPIToken ends a token of the consortium at once. Revoking a token
// twice is not an error; a token of another consortium is ErrNotFound.
func (s *Store) RevokeAPIToken(ctx context.Context, act Actor, consortiumID, id int64) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?), revoked_by = coalesce(revoked_by, ?)
			WHERE id = ? AND consortium_id = ?`, s.stamp(), nullID(act.UserID), id, consortiumID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		act.ConsortiumID = consortiumID
		return s.audit(ctx, tx, act, 0, "api_token.revoke", fmt.Sprintf("api token %d", id), "")
	})
	if err != nil {
		return fmt.Errorf("revoke API token %d: %w", id, err)
	}
	return nil
}

// nullID stores 0 as NULL, for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
