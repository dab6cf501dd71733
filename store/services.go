package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"palisade/pooling"
)

// ErrDuplicate is returned when a record would take a name or key that
// another record already has.
var ErrDuplicate = errors.New("already in use")

// Service is a shared service a consortium runs for its members, as stored.
// Money is in cents. Blend maps a share rule to its percent when ShareRule
// is "blend" (nil otherwise). Version is the optimistic-concurrency counter:
// SaveService succeeds only from the version it was read at.
type Service struct {
	ID, ConsortiumID                                                            int64
	Key, Name, Description, Provider, ProviderKind, Status                      string
	FixedCents, PerMemberCents, PerUserCents, PerEndpointCents, StandaloneCents int64
	ShareRule                                                                   string
	Blend                                                                       map[string]int
	Lifts                                                                       []ServiceLift
	Version                                                                     int
}

// ServiceLift is the level a service brings an enrolled member to on one
// subcategory.
type ServiceLift struct {
	SubcategoryID string
	Level         int
}

// serviceSelect reads services with their lifts in one statement: the lifts
// come as a JSON array from a correlated subquery (primary-key lookups),
// so a list of services costs one query and is one consistent snapshot.
const serviceSelect = `SELECT s.id, s.consortium_id, s.key, s.name, s.description, s.provider, s.provider_kind, s.status,
	s.fixed_cents, s.per_member_cents, s.per_user_cents, s.per_endpoint_cents, s.standalone_cents, s.share_rule, s.blend, s.version,
	(SELECT json_group_array(json_object('SubcategoryID', l.subcategory_id, 'Level', l.level)) FROM service_lifts l WHERE l.service_id = s.id)
	FROM services s`

func scanService(sc interface{ Scan(...any) error }) (Service, error) {
	var v Service
	var blend, lifts string
	if err := sc.Scan(&v.ID, &v.ConsortiumID, &v.Key, &v.Name, &v.Description, &v.Provider, &v.ProviderKind, &v.Status,
		&v.FixedCents, &v.PerMemberCents, &v.PerUserCents, &v.PerEndpointCents, &v.StandaloneCents, &v.ShareRule, &blend, &v.Version, &lifts); err != nil {
		return v, err
	}
	if blend != "" {
		if err := json.Unmarshal([]byte(blend), &v.Blend); err != nil {
			return v, fmt.Errorf("service %d: blend: %w", v.ID, err)
		}
	}
	if err := json.Unmarshal([]byte(lifts), &v.Lifts); err != nil {
		return v, fmt.Errorf("service %d: lifts: %w", v.ID, err)
	}
	if len(v.Lifts) == 0 {
		v.Lifts = nil
	}
	sort.Slice(v.Lifts, func(i, j int) bool { return v.Lifts[i].SubcategoryID < v.Lifts[j].SubcategoryID })
	return v, nil
}

func (s *Store) queryServices(ctx context.Context, what string, query string, args ...any) ([]Service, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []Service
	for rows.Next() {
		v, err := scanService(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// blendText is the stored form of a blend: ” when unused.
func blendText(b map[string]int) (string, error) {
	if len(b) == 0 {
		return "", nil
	}
	j, err := json.Marshal(b) // keys sorted: the same blend is the same text
	if err != nil {
		return "", fmt.Errorf("blend: %w", err)
	}
	return string(j), nil
}

// checkServiceKey refuses a key another service of the consortium has.
func checkServiceKey(ctx context.Context, tx *sql.Tx, consortiumID int64, key string, exceptID int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM services WHERE consortium_id = ? AND key = ? AND id <> ?`,
		consortiumID, key, exceptID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("another service of consortium %d has the key %q: %w", consortiumID, key, ErrDuplicate)
	}
	return nil
}

func insertLifts(ctx context.Context, tx *sql.Tx, serviceID int64, lifts []ServiceLift) error {
	for _, l := range lifts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_lifts (service_id, subcategory_id, level) VALUES (?, ?, ?)`,
			serviceID, l.SubcategoryID, l.Level); err != nil {
			return fmt.Errorf("lift of %s: %w", l.SubcategoryID, err)
		}
	}
	return nil
}

func serviceDetail(v Service, blend string) string {
	return fmt.Sprintf("key=%s status=%s provider_kind=%s fixed=%d per_member=%d per_user=%d per_endpoint=%d standalone=%d share_rule=%s blend=%s lifts=%d",
		v.Key, v.Status, v.ProviderKind, v.FixedCents, v.PerMemberCents, v.PerUserCents, v.PerEndpointCents, v.StandaloneCents, v.ShareRule, blend, len(v.Lifts))
}

// CreateService adds a service with its lifts and returns its id. A key
// another service of the consortium has is refused with ErrDuplicate.
func (s *Store) CreateService(ctx context.Context, act Actor, v Service) (int64, error) {
	ids, err := s.CreateServices(ctx, act, []Service{v})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// CreateServices adds several services in one transaction (all or none)
// and returns their ids in order.
func (s *Store) CreateServices(ctx context.Context, act Actor, list []Service) ([]int64, error) {
	ids := make([]int64, len(list))
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for i, v := range list {
			id, err := s.insertService(ctx, tx, act, v)
			if err != nil {
				return fmt.Errorf("create service %q: %w", v.Key, err)
			}
			ids[i] = id
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

func (s *Store) insertService(ctx context.Context, tx *sql.Tx, act Actor, v Service) (int64, error) {
	blend, err := blendText(v.Blend)
	if err != nil {
		return 0, err
	}
	if err := checkServiceKey(ctx, tx, v.ConsortiumID, v.Key, 0); err != nil {
		return 0, err
	}
	now := s.stamp()
	res, err := tx.ExecContext(ctx, `INSERT INTO services (consortium_id, key, name, description, provider, provider_kind, status,
		fixed_cents, per_member_cents, per_user_cents, per_endpoint_cents, standalone_cents, share_rule, blend, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ConsortiumID, v.Key, v.Name, v.Description, v.Provider, v.ProviderKind, v.Status,
		v.FixedCents, v.PerMemberCents, v.PerUserCents, v.PerEndpointCents, v.StandaloneCents, v.ShareRule, blend, now, now)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if err := insertLifts(ctx, tx, id, v.Lifts); err != nil {
		return 0, err
	}
	act.ConsortiumID = v.ConsortiumID
	return id, s.audit(ctx, tx, act, 0, "service.create", fmt.Sprintf("service %d %s", id, v.Name), serviceDetail(v, blend))
}

// SaveService replaces the fields and lifts of a service if it is still at
// v.Version (ErrStale otherwise) and moves it to the next version. A
// service of another consortium is ErrNotFound.
func (s *Store) SaveService(ctx context.Context, act Actor, v Service) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		blend, err := blendText(v.Blend)
		if err != nil {
			return err
		}
		var current int
		err = tx.QueryRowContext(ctx, `SELECT version FROM services WHERE id = ? AND consortium_id = ?`, v.ID, v.ConsortiumID).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("service of consortium %d: %w", v.ConsortiumID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if current != v.Version {
			return ErrStale
		}
		if err := checkServiceKey(ctx, tx, v.ConsortiumID, v.Key, v.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE services SET key = ?, name = ?, description = ?, provider = ?, provider_kind = ?, status = ?,
			fixed_cents = ?, per_member_cents = ?, per_user_cents = ?, per_endpoint_cents = ?, standalone_cents = ?, share_rule = ?, blend = ?,
			version = version + 1, updated_at = ? WHERE id = ?`,
			v.Key, v.Name, v.Description, v.Provider, v.ProviderKind, v.Status,
			v.FixedCents, v.PerMemberCents, v.PerUserCents, v.PerEndpointCents, v.StandaloneCents, v.ShareRule, blend, s.stamp(), v.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM service_lifts WHERE service_id = ?`, v.ID); err != nil {
			return err
		}
		if err := insertLifts(ctx, tx, v.ID, v.Lifts); err != nil {
			return err
		}
		act.ConsortiumID = v.ConsortiumID
		return s.audit(ctx, tx, act, 0, "service.save", fmt.Sprintf("service %d %s", v.ID, v.Name),
			fmt.Sprintf("version=%d %s", v.Version+1, serviceDetail(v, blend)))
	})
	if err != nil {
		return fmt.Errorf("save service %d: %w", v.ID, err)
	}
	return nil
}

// DeleteService removes a service of the consortium with its lifts,
// enrolments and agreements.
func (s *Store) DeleteService(ctx context.Context, act Actor, consortiumID, id int64) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var key string
		err := tx.QueryRowContext(ctx, `DELETE FROM services WHERE id = ? AND consortium_id = ? RETURNING key`, id, consortiumID).Scan(&key)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("service of consortium %d: %w", consortiumID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		act.ConsortiumID = consortiumID
		return s.audit(ctx, tx, act, 0, "service.delete", fmt.Sprintf("service %d", id), "key="+key)
	})
	if err != nil {
		return fmt.Errorf("delete service %d: %w", id, err)
	}
	return nil
}

// ServicesOfConsortium returns a consortium's services with their lifts, by
// name.
func (s *Store) ServicesOfConsortium(ctx context.Context, consortiumID int64) ([]Service, error) {
	return s.queryServices(ctx, fmt.Sprintf("services of consortium %d", consortiumID),
		serviceSelect+` WHERE s.consortium_id = ? ORDER BY s.name COLLATE NOCASE, s.id`, consortiumID)
}

// ServiceByID returns one service of the consortium with its lifts
// (ErrNotFound when it belongs to another consortium).
func (s *Store) ServiceByID(ctx context.Context, consortiumID, id int64) (Service, error) {
	v, err := scanService(s.r.QueryRowContext(ctx, serviceSelect+` WHERE s.id = ? AND s.consortium_id = ?`, id, consortiumID))
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("service %d of consortium %d: %w", id, consortiumID, ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("load service %d: %w", id, err)
	}
	return v, nil
}

// ActiveServicesOfMember returns the active services the member is
// enrolled in (not merely requested), with their lifts, by name.
func (s *Store) ActiveServicesOfMember(ctx context.Context, memberID int64) ([]Service, error) {
	return s.queryServices(ctx, fmt.Sprintf("active services of member %d", memberID),
		serviceSelect+` JOIN enrolments e ON e.service_id = s.id
		WHERE e.member_id = ? AND e.state = 'enrolled' AND s.status = 'active' ORDER BY s.name COLLATE NOCASE, s.id`, memberID)
}

// Agreement is a memorandum of understanding or service-level agreement
// behind a service. Dates are ISO "YYYY-MM-DD"; EndsOn is "" when open-ended.
// ConsortiumID is the service's consortium.
type Agreement struct {
	ID, ServiceID, ConsortiumID int64
	Title, Parties              string
	StartsOn, EndsOn            string
	Renewal                     string // e.g. "annual auto-renew"
	DocumentURL                 string
	CreatedAt                   string
}

// CreateAgreement records an agreement behind a service of a.ConsortiumID
// and returns its id.
func (s *Store) CreateAgreement(ctx context.Context, act Actor, a Agreement) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := checkServiceOf(ctx, tx, a.ConsortiumID, a.ServiceID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO agreements (service_id, title, parties, starts_on, ends_on, renewal, document_url, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.ServiceID, a.Title, a.Parties, a.StartsOn, a.EndsOn, a.Renewal, a.DocumentURL, s.stamp())
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		act.ConsortiumID = a.ConsortiumID
		return s.audit(ctx, tx, act, 0, "agreement.create", fmt.Sprintf("agreement %d %s", id, a.Title),
			fmt.Sprintf("service=%d starts_on=%s ends_on=%s renewal=%q", a.ServiceID, a.StartsOn, a.EndsOn, a.Renewal))
	})
	if err != nil {
		return 0, fmt.Errorf("create agreement %q: %w", a.Title, err)
	}
	return id, nil
}

// DeleteAgreement removes an agreement behind a service of the consortium.
func (s *Store) DeleteAgreement(ctx context.Context, act Actor, consortiumID, id int64) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM agreements WHERE id = ?
			AND service_id IN (SELECT id FROM services WHERE consortium_id = ?)`, id, consortiumID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("agreement of consortium %d: %w", consortiumID, ErrNotFound)
		}
		act.ConsortiumID = consortiumID
		return s.audit(ctx, tx, act, 0, "agreement.delete", fmt.Sprintf("agreement %d", id), "")
	})
	if err != nil {
		return fmt.Errorf("delete agreement %d: %w", id, err)
	}
	return nil
}

// AgreementsOfConsortium returns the agreements behind a consortium's
// services, by service and start date.
func (s *Store) AgreementsOfConsortium(ctx context.Context, consortiumID int64) ([]Agreement, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT a.id, a.service_id, s.consortium_id, a.title, a.parties, a.starts_on, a.ends_on, a.renewal, a.document_url, a.created_at
		FROM agreements a JOIN services s ON s.id = a.service_id
		WHERE s.consortium_id = ? ORDER BY a.service_id, a.starts_on, a.id`, consortiumID)
	if err != nil {
		return nil, fmt.Errorf("agreements of consortium %d: %w", consortiumID, err)
	}
	defer rows.Close()
	var out []Agreement
	for rows.Next() {
		var a Agreement
		if err := rows.Scan(&a.ID, &a.ServiceID, &a.ConsortiumID, &a.Title, &a.Parties, &a.StartsOn, &a.EndsOn, &a.Renewal, &a.DocumentURL, &a.CreatedAt); err != nil {
			return nil, fmt.Errorf("agreements of consortium %d: %w", consortiumID, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("agreements of consortium %d: %w", consortiumID, err)
	}
	return out, nil
}

// checkServiceOf refuses a service that is not the consortium's.
func checkServiceOf(ctx context.Context, tx *sql.Tx, consortiumID, serviceID int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM services WHERE id = ? AND consortium_id = ?`, serviceID, consortiumID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("service %d does not belong to consortium %d: %w", serviceID, consortiumID, ErrNotFound)
	}
	return nil
}

// Domain is the service as the pooling domain sees it.
func (st Service) Domain() pooling.Service {
	ps := pooling.Service{Key: st.Key, Name: st.Name, Description: st.Description, Provider: st.Provider, ProviderKind: st.ProviderKind,
		Cost:                pooling.CostModel{Fixed: st.FixedCents, PerMember: st.PerMemberCents, PerUser: st.PerUserCents, PerEndpoint: st.PerEndpointCents},
		StandalonePerMember: st.StandaloneCents, Status: st.Status, ShareRule: pooling.Rule(st.ShareRule)}
	for _, l := range st.Lifts {
		ps.Lifts = append(ps.Lifts, pooling.Lift{SubcategoryID: l.SubcategoryID, Level: l.Level})
	}
	if len(st.Blend) > 0 {
		ps.Blend = map[pooling.Rule]int{}
		for r, p := range st.Blend {
			ps.Blend[pooling.Rule(r)] = p
		}
	}
	return ps
}

// ServiceOf is a checked pooling service, to be stored for a consortium.
func ServiceOf(consortiumID int64, ps pooling.Service) Service {
	st := Service{ConsortiumID: consortiumID, Key: ps.Key, Name: ps.Name, Description: ps.Description, Provider: ps.Provider,
		ProviderKind: ps.ProviderKind, Status: ps.Status, FixedCents: ps.Cost.Fixed, PerMemberCents: ps.Cost.PerMember,
		PerUserCents: ps.Cost.PerUser, PerEndpointCents: ps.Cost.PerEndpoint, StandaloneCents: ps.StandalonePerMember, ShareRule: string(ps.ShareRule)}
	for _, l := range ps.Lifts {
		st.Lifts = append(st.Lifts, ServiceLift{SubcategoryID: l.SubcategoryID, Level: l.Level})
	}
	if ps.ShareRule == pooling.RuleBlend && len(ps.Blend) > 0 {
		st.Blend = map[string]int{}
		for r, p := range ps.Blend {
			st.Blend[string(r)] = p
		}
	}
	return st
}
