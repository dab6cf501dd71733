package store

import (
	"context"
	"database/sql"

	"fmt"

	"palisade/assessments"
)

// Link is an interconnection between two members, as stored.
type Link struct {
	ID           int64
	ConsortiumID int64
	assessments.Link
	Note string
}

// CreateLink records an interconnection. Both members must belong to the
// consortium; the caller has checked the rest with assessments.CheckLink.
func (s *Store) CreateLink(ctx context.Context, act Actor, l Link) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM members WHERE consortium_id = ? AND id IN (?, ?)`,
			l.ConsortiumID, l.From, l.To).Scan(&n); err != nil {
			return err
		}
		if n != 2 {
			return fmt.Errorf("both members must belong to consortium %d: %w", l.ConsortiumID, ErrNotFound)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO links (consortium_id, from_member, to_member, kind, criticality, directed, note, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, l.ConsortiumID, l.From, l.To, l.Kind, l.Criticality, l.Directed, l.Note, s.stamp())
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		act.ConsortiumID = l.ConsortiumID
		return s.audit(ctx, tx, act, l.From, "link.create", fmt.Sprintf("link %d", id),
			fmt.Sprintf("%d -> %d %s criticality %d directed %t", l.From, l.To, l.Kind, l.Criticality, l.Directed))
	})
	if err != nil {
		return 0, fmt.Errorf("create link: %w", err)
	}
	return id, nil
}

// LinksOfConsortium returns a consortium's interconnections, oldest first.
func (s *Store) LinksOfConsortium(ctx context.Context, consortiumID int64) ([]Link, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, consortium_id, from_member, to_member, kind, criticality, directed, note
		FROM links WHERE consortium_id = ? ORDER BY id`, consortiumID)
	if err != nil {
		return nil, fmt.Errorf("links of consortium %d: %w", consortiumID, err)
	}
	defer rows.Close()
	var out []Link
	for rows.Next() {
		var l Link
		if err := rows.Scan(&l.ID, &l.ConsortiumID, &l.From, &l.To, &l.Kind, &l.Criticality, &l.Directed, &l.Note); err != nil {
			return nil, fmt.Errorf("links of consortium %d: %w", consortiumID, err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// DeleteLink removes an interconnection of the consortium.
func (s *Store) DeleteLink(ctx context.Context, act Actor, consortiumID, id int64) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM links WHERE id = ? AND consortium_id = ?`, id, consortiumID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		act.ConsortiumID = consortiumID
		return s.audit(ctx, tx, act, 0, "link.delete", fmt.Sprintf("link %d", id), "")
	})
	if err != nil {
		return fmt.Errorf("delete link %d: %w", id, err)
	}
	return nil
}

// WeightsOfConsortium returns the weights a consortium has set (absent
// subcategories use the defaults).
func (s *Store) WeightsOfConsortium(ctx context.Context, consortiumID int64) (map[string]int, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT subcategory_id, weight FROM weights WHERE consortium_id = ?`, consortiumID)
	if err != nil {
		return nil, fmt.Errorf("weights of consortium %d: %w", consortiumID, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var w int
		if err := rows.Scan(&id, &w); err != nil {
			return nil, fmt.Errorf("weights of consortium %d: %w", consortiumID, err)
		}
		out[id] = w
	}
	return out, rows.Err()
}

// SaveWeights replaces every weight of a consortium in one transaction: a
// refused weight leaves all of them as they were.
func (s *Store) SaveWeights(ctx context.Context, act Actor, consortiumID int64, weights map[string]int) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM weights WHERE consortium_id = ?`, consortiumID); err != nil {
			return err
		}
		for id, w := range weights {
			if _, err := tx.ExecContext(ctx, `INSERT INTO weights (consortium_id, subcategory_id, weight) VALUES (?, ?, ?)`, consortiumID, id, w); err != nil {
				return fmt.Errorf("weight of %s: %w", id, err)
			}
		}
		act.ConsortiumID = consortiumID
		return s.audit(ctx, tx, act, 0, "weights.save", fmt.Sprintf("consortium %d", consortiumID), fmt.Sprintf("%d weights", len(weights)))
	})
	if err != nil {
		return fmt.Errorf("save weights of consortium %d: %w", consortiumID, err)
	}
	return nil
}
