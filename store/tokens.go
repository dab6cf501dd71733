package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"palisade/accounts"
)

// Token purposes.
const (
	PurposeSetup  = "setup"  // create the first coordinator on an empty database
	PurposeInvite = "invite" // join a consortium with a role
	PurposeReset  = "reset"  // choose a new password
)

// Token is a one-time link. Only the hash of the secret part is stored; the
// link itself is shown once to whoever created it.
type Token struct {
	Hash      string
	Purpose   string
	Email     string
	Name      string
	Grant     accounts.Grant // for invitations
	UserID    int64          // for resets
	CreatedBy int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// Errors of one-time links, worded for the person who clicked the link.
var (
	ErrTokenUsed    = errors.New("this link has already been used")
	ErrTokenExpired = errors.New("this link has expired")
)

// CreateToken stores a one-time link.
func (s *Store) CreateToken(ctx context.Context, act Actor, t Token) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var cid, mid, uid, by any
		if t.Grant.ConsortiumID != 0 {
			cid = t.Grant.ConsortiumID
		}
		if t.Grant.MemberID != 0 {
			mid = t.Grant.MemberID
		}
		if t.UserID != 0 {
			uid = t.UserID
		}
		if t.CreatedBy != 0 {
			by = t.CreatedBy
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO tokens (hash, purpose, email, name, consortium_id, role, member_id, user_id, created_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.Hash, t.Purpose, t.Email, t.Name, cid, string(t.Grant.Role), mid, uid, by,
			s.stamp(), t.ExpiresAt.UTC().Format(time.RFC3339))
		if err != nil {
			return err
		}
		if act.ConsortiumID == 0 {
			act.ConsortiumID = t.Grant.ConsortiumID
		}
		target := t.Email
		if t.UserID != 0 {
			target = fmt.Sprintf("user %d", t.UserID)
		}
		return s.audit(ctx, tx, act, t.Grant.MemberID, "token."+t.Purpose, target, "role="+string(t.Grant.Role))
	})
	if err != nil {
		return fmt.Errorf("create %s link: %w", t.Purpose, err)
	}
	return nil
}

// TokenByHash returns a link that can still be used: unknown links give
// ErrNotFound, used or expired ones ErrTokenUsed or ErrTokenExpired.
func (s *Store) TokenByHash(ctx context.Context, hash, purpose string) (Token, error) {
	return s.validToken(ctx, s.r, hash, purpose)
}

func (s *Store) validToken(ctx context.Context, q querier, hash, purpose string) (Token, error) {
	var t Token
	var role, created, expires string
	var used sql.NullString
	err := q.QueryRowContext(ctx, `SELECT hash, purpose, email, name, IFNULL(consortium_id, 0), role, IFNULL(member_id, 0), IFNULL(user_id, 0),
		IFNULL(created_by, 0), created_at, expires_at, used_at FROM tokens WHERE hash = ? AND purpose = ?`, hash, purpose).
		Scan(&t.Hash, &t.Purpose, &t.Email, &t.Name, &t.Grant.ConsortiumID, &role, &t.Grant.MemberID, &t.UserID, &t.CreatedBy, &created, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("link: %w", ErrNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("load link: %w", err)
	}
	t.Grant.Role = accounts.Role(role)
	t.CreatedAt = parseTime(sql.NullString{String: created, Valid: true})
	t.ExpiresAt = parseTime(sql.NullString{String: expires, Valid: true})
	t.UsedAt = parseTime(used)
	switch {
	case used.Valid:
		return t, ErrTokenUsed
	case !s.now().Before(t.ExpiresAt):
		return t, ErrTokenExpired
	}
	return t, nil
}

func (s *Store) useToken(ctx context.Context, tx *sql.Tx, hash, purpose string) (Token, error) {
	t, err := s.validToken(ctx, tx, hash, purpose)
	if err != nil {
		return t, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tokens SET used_at = ? WHERE hash = ?`, s.stamp(), hash); err != nil {
		return t, err
	}
	return t, nil
}

// HasOpenSetupToken reports whether an unused, unexpired setup link exists.
func (s *Store) HasOpenSetupToken(ctx context.Context) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM tokens WHERE purpose = 'setup' AND used_at IS NULL AND expires_at > ?`, s.stamp()).Scan(&n)
	return n > 0, err
}

// Setup is what the first coordinator enters on the setup page.
type Setup struct {
	ConsortiumName string
	CycleName      string // the first assessment cycle, opened at once
	Email, Name    string
	PasswordHash   string
}

// RedeemSetup uses a setup link: it creates the consortium, the first
// coordinator and their role in one transaction, and refuses once any
// account exists.
func (s *Store) RedeemSetup(ctx context.Context, ip, hash string, in Setup) (userID, consortiumID int64, err error) {
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.useToken(ctx, tx, hash, PurposeSetup); err != nil {
			return err
		}
		var users int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&users); err != nil {
			return err
		}
		if users > 0 {
			return ErrTokenUsed
		}
		consortiumID, err = insertConsortium(ctx, tx, Consortium{Name: in.ConsortiumName}, s.stamp())
		if err != nil {
			return err
		}
		if in.CycleName != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO cycles (consortium_id, name, status, opened_at, anon_seed) VALUES (?, ?, 'open', ?, lower(hex(randomblob(16))))`,
				consortiumID, in.CycleName, s.stamp()); err != nil {
				return err
			}
		}
		act := Actor{Email: in.Email, IP: ip, ConsortiumID: consortiumID}
		userID, err = s.insertUser(ctx, tx, act, User{Email: in.Email, Name: in.Name, PasswordHash: in.PasswordHash},
			[]accounts.Grant{{ConsortiumID: consortiumID, Role: accounts.Coordinator}})
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("first-run setup: %w", err)
	}
	return userID, consortiumID, nil
}

// RedeemInvite uses an invitation: a new account is created with the
// invited role. Name and password come from the invited person.
func (s *Store) RedeemInvite(ctx context.Context, ip, hash, name, passwordHash string) (User, error) {
	var u User
	err := s.tx(ctx, func(tx *sql.Tx) error {
		t, err := s.useToken(ctx, tx, hash, PurposeInvite)
		if err != nil {
			return err
		}
		act := Actor{Email: t.Email, IP: ip, ConsortiumID: t.Grant.ConsortiumID}
		u = User{Email: t.Email, Name: name, PasswordHash: passwordHash}
		u.ID, err = s.insertUser(ctx, tx, act, u, []accounts.Grant{t.Grant})
		return err
	})
	if err != nil {
		return u, fmt.Errorf("accept invitation: %w", err)
	}
	return u, nil
}

// RedeemReset uses a password-reset link: the new password is set and every
// session of the account ends.
func (s *Store) RedeemReset(ctx context.Context, ip, hash, passwordHash string) (int64, error) {
	var userID int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		t, err := s.useToken(ctx, tx, hash, PurposeReset)
		if err != nil {
			return err
		}
		userID = t.UserID
		return s.setPassword(ctx, tx, Actor{UserID: t.UserID, Email: t.Email, IP: ip, ConsortiumID: t.Grant.ConsortiumID}, t.UserID, passwordHash)
	})
	if err != nil {
		return 0, fmt.Errorf("reset password: %w", err)
	}
	return userID, nil
}
