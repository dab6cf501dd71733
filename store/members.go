package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Member kinds, as stored.
var MemberKinds = []string{"municipality", "county", "school-district", "utility", "special-district", "tribal"}

// Member is one local government in a consortium.
type Member struct {
	ID           int64
	ConsortiumID int64
	Name         string
	Slug         string
	Kind         string
	Population   int
	Staff        int
	ITBudget     int // whole dollars a year
	ContactName  string
	ContactEmail string
	Endpoints    int // computers and servers it runs (a basis for sharing service costs)
	Version      int
}

const memberColumns = `id, consortium_id, name, slug, kind, population, staff, it_budget, contact_name, contact_email, endpoints, version`

func scanMember(sc interface{ Scan(...any) error }) (Member, error) {
	var m Member
	err := sc.Scan(&m.ID, &m.ConsortiumID, &m.Name, &m.Slug, &m.Kind, &m.Population, &m.Staff, &m.ITBudget, &m.ContactName, &m.ContactEmail, &m.Endpoints, &m.Version)
	return m, err
}

// CreateMember adds a member and returns its id.
func (s *Store) CreateMember(ctx context.Context, act Actor, m Member) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`INSERT INTO members (consortium_id, name, slug, kind, population, staff, it_budget, contact_name, contact_email, endpoints, created_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.ConsortiumID, m.Name, m.Slug, m.Kind, m.Population, m.Staff, m.ITBudget, m.ContactName, m.ContactEmail, m.Endpoints, s.stamp())
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		act.ConsortiumID = m.ConsortiumID
		return s.audit(ctx, tx, act, id, "member.create", m.Name, fmt.Sprintf("kind=%s population=%d", m.Kind, m.Population))
	})
	if err != nil {
		return 0, fmt.Errorf("create member %q: %w", m.Name, err)
	}
	return id, nil
}

// SaveMemberEndpoints sets how many endpoints a member of the consortium
// runs.
func (s *Store) SaveMemberEndpoints(ctx context.Context, act Actor, consortiumID, memberID int64, endpoints int) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE members SET endpoints = ?, version = version + 1 WHERE id = ? AND consortium_id = ?`,
			endpoints, memberID, consortiumID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("member %d of consortium %d: %w", memberID, consortiumID, ErrNotFound)
		}
		act.ConsortiumID = consortiumID
		return s.audit(ctx, tx, act, memberID, "member.endpoints", fmt.Sprintf("member %d", memberID), fmt.Sprintf("endpoints=%d", endpoints))
	})
	if err != nil {
		return fmt.Errorf("save endpoints of member %d: %w", memberID, err)
	}
	return nil
}

// MemberByID returns one member.
func (s *Store) MemberByID(ctx context.Context, id int64) (Member, error) {
	m, err := scanMember(s.r.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM members WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("member %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("load member %d: %w", id, err)
	}
	return m, nil
}

// MemberBySlug returns the member of a consortium with the given slug.
func (s *Store) MemberBySlug(ctx context.Context, consortiumID int64, slug string) (Member, error) {
	m, err := scanMember(s.r.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM members WHERE consortium_id = ? AND slug = ?`, consortiumID, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("member %q: %w", slug, ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("load member %q: %w", slug, err)
	}
	return m, nil
}

// MembersOfConsortium returns a consortium's members by name.
func (s *Store) MembersOfConsortium(ctx context.Context, consortiumID int64) ([]Member, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+memberColumns+` FROM members WHERE consortium_id = ? ORDER BY name COLLATE NOCASE, id`, consortiumID)
	if err != nil {
		return nil, fmt.Errorf("list members of consortium %d: %w", consortiumID, err)
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, fmt.Errorf("list members of consortium %d: %w", consortiumID, err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Slug makes the short name of a member used in demo email addresses and
// exports: lowercase letters and digits joined by single dashes.
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(name) {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(c)
			dash = false
		default:
			dash = true
		}
	}
	return b.String()
}
