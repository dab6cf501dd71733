package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"palisade/accounts"
)

// User is a person who can sign in.
type User struct {
	ID           int64
	Email        string
	Name         string
	PasswordHash string
	Disabled     bool
	TOTPSecret   string
	Version      int
	CreatedAt    time.Time
}

// HasTOTP says whether the user has a second factor set up.
func (u User) HasTOTP() bool { return u.TOTPSecret != "" }

// ErrEmailTaken is returned when an account with the email already exists.
var ErrEmailTaken = errors.New("an account with this email already exists")

const userColumns = `id, email, name, password_hash, disabled, totp_secret, version, created_at`

func scanUser(sc interface{ Scan(...any) error }) (User, error) {
	var u User
	var at string
	err := sc.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.Disabled, &u.TOTPSecret, &u.Version, &at)
	u.CreatedAt = parseTime(sql.NullString{String: at, Valid: true})
	return u, err
}

// CreateUser adds an account with its roles. The email is stored trimmed;
// comparisons ignore case.
func (s *Store) CreateUser(ctx context.Context, act Actor, u User, grants []accounts.Grant) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.insertUser(ctx, tx, act, u, grants)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("create user %s: %w", u.Email, err)
	}
	return id, nil
}

func (s *Store) insertUser(ctx context.Context, tx *sql.Tx, act Actor, u User, grants []accounts.Grant) (int64, error) {
	email := strings.TrimSpace(u.Email)
	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email = ?`, email).Scan(&exists); err != nil {
		return 0, err
	}
	if exists > 0 {
		return 0, ErrEmailTaken
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO users (email, name, password_hash, disabled, totp_secret, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		email, u.Name, u.PasswordHash, u.Disabled, u.TOTPSecret, s.stamp())
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	for _, g := range grants {
		if err := insertGrant(ctx, tx, id, g); err != nil {
			return 0, err
		}
		act.ConsortiumID = g.ConsortiumID
		if err := s.audit(ctx, tx, act, g.MemberID, "account.create", email, "role="+string(g.Role)); err != nil {
			return 0, err
		}
	}
	if len(grants) == 0 {
		if err := s.audit(ctx, tx, act, 0, "account.create", email, ""); err != nil {
			return 0, err
		}
	}
	return id, nil
}

func insertGrant(ctx context.Context, tx *sql.Tx, userID int64, g accounts.Grant) error {
	var member any
	if g.MemberID != 0 {
		member = g.MemberID
	}
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO roles (user_id, consortium_id, role, member_id) VALUES (?, ?, ?, ?)`,
		userID, g.ConsortiumID, string(g.Role), member)
	if err != nil {
		return fmt.Errorf("grant %s: %w", g.Role, err)
	}
	return nil
}

// AddGrant gives an existing user one more role. Every session of the user
// ends, so the new rights start with a fresh session id.
func (s *Store) AddGrant(ctx context.Context, act Actor, userID int64, g accounts.Grant) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := insertGrant(ctx, tx, userID, g); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return err
		}
		act.ConsortiumID = g.ConsortiumID
		return s.audit(ctx, tx, act, g.MemberID, "account.grant", fmt.Sprintf("user %d", userID), "role="+string(g.Role))
	})
	if err != nil {
		return fmt.Errorf("add role to user %d: %w", userID, err)
	}
	return nil
}

// UserByID returns one account.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("user %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("load user %d: %w", id, err)
	}
	return u, nil
}

// UserByEmail returns the account with this email (any case).
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, strings.TrimSpace(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("user %q: %w", email, ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("load user %q: %w", email, err)
	}
	return u, nil
}

// UserCount is the number of accounts (0 on a fresh database).
func (s *Store) UserCount(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// GrantsOfUser returns the roles a user holds, in every consortium.
func (s *Store) GrantsOfUser(ctx context.Context, userID int64) ([]accounts.Grant, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT consortium_id, role, IFNULL(member_id, 0) FROM roles WHERE user_id = ? ORDER BY consortium_id, role, member_id`, userID)
	if err != nil {
		return nil, fmt.Errorf("roles of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []accounts.Grant
	for rows.Next() {
		var g accounts.Grant
		var role string
		if err := rows.Scan(&g.ConsortiumID, &role, &g.MemberID); err != nil {
			return nil, fmt.Errorf("roles of user %d: %w", userID, err)
		}
		g.Role = accounts.Role(role)
		out = append(out, g)
	}
	return out, rows.Err()
}

// Account is a user with the roles held in one consortium.
type Account struct {
	User
	Grants []accounts.Grant
}

// AccountsOfConsortium lists the users holding a role in the consortium,
// by name.
func (s *Store) AccountsOfConsortium(ctx context.Context, consortiumID int64) ([]Account, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT r.role, IFNULL(r.member_id, 0), `+prefixed("u", userColumns)+`
		FROM roles r JOIN users u ON u.id = r.user_id WHERE r.consortium_id = ? ORDER BY u.name, u.id, r.role`, consortiumID)
	if err != nil {
		return nil, fmt.Errorf("accounts of consortium %d: %w", consortiumID, err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		var role string
		var member int64
		u, err := scanUser(leading2{rows, &role, &member})
		if err != nil {
			return nil, fmt.Errorf("accounts of consortium %d: %w", consortiumID, err)
		}
		g := accounts.Grant{ConsortiumID: consortiumID, Role: accounts.Role(role), MemberID: member}
		if n := len(out); n > 0 && out[n-1].ID == u.ID {
			out[n-1].Grants = append(out[n-1].Grants, g)
			continue
		}
		out = append(out, Account{User: u, Grants: []accounts.Grant{g}})
	}
	return out, rows.Err()
}

type leading2 struct {
	rows *sql.Rows
	a, b any
}

func (l leading2) Scan(dest ...any) error { return l.rows.Scan(append([]any{l.a, l.b}, dest...)...) }

// SetPassword replaces a user's password hash and ends all their sessions
// (a reset must lock out whoever knew the old password).
func (s *Store) SetPassword(ctx context.Context, act Actor, userID int64, hash string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error { return s.setPassword(ctx, tx, act, userID, hash) })
	if err != nil {
		return fmt.Errorf("set password of user %d: %w", userID, err)
	}
	return nil
}

func (s *Store) setPassword(ctx context.Context, tx *sql.Tx, act Actor, userID int64, hash string) error {
	res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, version = version + 1 WHERE id = ?`, hash, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return err
	}
	return s.audit(ctx, tx, act, 0, "account.password", fmt.Sprintf("user %d", userID), "")
}

// RehashPassword quietly upgrades a hash made with older parameters; unlike
// SetPassword it keeps sessions, as the password itself is unchanged.
func (s *Store) RehashPassword(ctx context.Context, userID int64, hash string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
		return err
	})
}

// SetTOTP sets (or with "" removes) a user's second-factor secret.
func (s *Store) SetTOTP(ctx context.Context, act Actor, userID int64, secret string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = ?, version = version + 1 WHERE id = ?`, secret, userID); err != nil {
			return err
		}
		action := "account.totp.on"
		if secret == "" {
			action = "account.totp.off"
		}
		return s.audit(ctx, tx, act, 0, action, fmt.Sprintf("user %d", userID), "")
	})
	if err != nil {
		return fmt.Errorf("set second factor of user %d: %w", userID, err)
	}
	return nil
}

// SetUserDisabled disables or enables an account. Disabling ends every
// session of the account at once.
func (s *Store) SetUserDisabled(ctx context.Context, act Actor, userID int64, disabled bool) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled = ?, version = version + 1 WHERE id = ?`, disabled, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		action := "account.enable"
		if disabled {
			action = "account.disable"
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, act, 0, action, fmt.Sprintf("user %d", userID), "")
	})
	if err != nil {
		return fmt.Errorf("disable user %d: %w", userID, err)
	}
	return nil
}

// UseTOTPStep records that the code of a time step was used to sign in. It
// returns false when a code of that step or a later one was already used,
// so each code works once.
func (s *Store) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_step = ? WHERE id = ? AND totp_step < ?`, step, userID, step)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("record second-factor step of user %d: %w", userID, err)
	}
	return n == 1, nil
}
