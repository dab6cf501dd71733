package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"palisade/assessments"
	"palisade/pooling"
	"palisade/store"
)

// The risk-pooling pages (services, plans, readiness) work on pooling's
// plain structs; this file turns store rows into them, so every page
// converts the same way.

// poolingMembers are the members with their sizes and their answers of
// the cycle being planned.
func poolingMembers(members []store.Member, answers map[int64][]assessments.Answer) []pooling.Member {
	out := make([]pooling.Member, len(members))
	for i, m := range members {
		out[i] = pooling.Member{ID: m.ID, Name: m.Name, Population: m.Population, Staff: m.Staff, Endpoints: m.Endpoints,
			ITBudget: int64(m.ITBudget), Answers: answers[m.ID]}
	}
	return out
}

// poolingState is what the pooling pages share: the cycle's comparison,
// the consortium's services and who is enrolled in what.
type poolingState struct {
	cc         cycleComparison
	services   []store.Service
	enrolments []store.Enrolment
	members    []pooling.Member
}

// loadPooling loads the pooling state for the cycle asked for (?cycle=,
// default the current one); it has answered the request when ok is false.
// Before the first cycle it works on the members without answers, so
// services and enrolments can be set up ahead of the first assessment.
func (s *Server) loadPooling(w http.ResponseWriter, r *http.Request) (poolingState, bool) {
	if r.URL.Query().Get("cycle") == "" {
		ps, err := s.currentPooling(r.Context(), visitOf(r).consortium)
		if err != nil {
			s.serverError(w, r, err)
			return ps, false
		}
		return ps, true
	}
	cc, ok := s.loadComparison(w, r)
	if !ok {
		return poolingState{}, false
	}
	ps := poolingState{cc: cc}
	if err := s.fillPooling(r.Context(), visitOf(r).consortium.ID, &ps); err != nil {
		s.serverError(w, r, err)
		return ps, false
	}
	return ps, true
}

// currentPooling is the pooling state of the consortium's current cycle
// or, before any cycle is opened, of its members without answers.
func (s *Server) currentPooling(ctx context.Context, c store.Consortium) (poolingState, error) {
	var ps poolingState
	var err error
	if ps.cc.cycles, err = s.store.CyclesOfConsortium(ctx, c.ID); err != nil {
		return ps, err
	}
	ps.cc.cycle, err = s.store.CurrentCycle(ctx, c.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if ps.cc.members, err = s.store.MembersOfConsortium(ctx, c.ID); err != nil {
			return ps, err
		}
		in := make([]assessments.MemberAnswers, len(ps.cc.members))
		for i, m := range ps.cc.members {
			in[i] = assessments.MemberAnswers{MemberID: m.ID, Name: m.Name, Kind: m.Kind, Population: m.Population}
		}
		ps.cc.cmp = assessments.Compare(s.catalog, in, c.DefaultTarget)
	case err != nil:
		return ps, err
	default:
		if err := s.analyse(ctx, c, &ps.cc); err != nil {
			return ps, err
		}
	}
	return ps, s.fillPooling(ctx, c.ID, &ps)
}

func (s *Server) fillPooling(ctx context.Context, consortiumID int64, ps *poolingState) error {
	var err error
	if ps.services, err = s.store.ServicesOfConsortium(ctx, consortiumID); err != nil {
		return fmt.Errorf("load services: %w", err)
	}
	if ps.enrolments, err = s.store.EnrolmentsOfConsortium(ctx, consortiumID); err != nil {
		return fmt.Errorf("load enrolments: %w", err)
	}
	ps.members = poolingMembers(ps.cc.members, ps.cc.answers)
	return nil
}

// domainServices are the consortium's services as the pooling domain sees
// them, in the store's order.
func (ps poolingState) domainServices() []pooling.Service {
	out := make([]pooling.Service, len(ps.services))
	for i, st := range ps.services {
		out[i] = st.Domain()
	}
	return out
}

// plan is who is enrolled (not merely requested) in which service; with
// activeOnly, only services already running count.
func (ps poolingState) plan(activeOnly bool) pooling.Plan {
	keys := map[int64]store.Service{}
	for _, st := range ps.services {
		keys[st.ID] = st
	}
	plan := pooling.Plan{}
	for _, e := range ps.enrolments {
		st, ok := keys[e.ServiceID]
		if !ok || e.State != store.EnrolmentEnrolled || (activeOnly && st.Status != pooling.StatusActive) {
			continue
		}
		plan[st.Key] = append(plan[st.Key], e.MemberID)
	}
	return plan
}

// enrolled returns the members enrolled in a service, in member order.
func (ps poolingState) enrolled(serviceID int64) []pooling.Member {
	in := map[int64]bool{}
	for _, e := range ps.enrolments {
		if e.ServiceID == serviceID && e.State == store.EnrolmentEnrolled {
			in[e.MemberID] = true
		}
	}
	return slices.DeleteFunc(slices.Clone(ps.members), func(m pooling.Member) bool { return !in[m.ID] })
}

// service finds a service of the consortium by its id in the URL.
func (ps poolingState) service(id int64) (store.Service, bool) {
	i := slices.IndexFunc(ps.services, func(st store.Service) bool { return st.ID == id })
	if i < 0 {
		return store.Service{}, false
	}
	return ps.services[i], true
}

// money formats cents as dollars for people: "$12,345.67".
func money(cents int64) string { return pooling.Money(cents) }

// dollarsPattern is an amount in dollars as people type it: digits with
// commas only between groups of three ("12,500"), and at most two decimals
// after a point. A comma anywhere else ("2,50", a decimal comma) is
// refused rather than guessed at.
var dollarsPattern = regexp.MustCompile(`^(\d{1,3}(,\d{3})+|\d{1,12})(\.\d{1,2})?$`)

// parseDollars reads an amount typed in dollars ("1,200", "$99.50",
// "-5") as cents; empty is 0. A minus sign is read, so that the caller can
// say that the amount cannot be negative; callers set their own maximum.
func parseDollars(raw string) (int64, bool) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return 0, true
	}
	neg := false
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		neg, s = true, rest
	} else if rest, ok := strings.CutPrefix(s, "−"); ok {
		neg, s = true, rest
	}
	s = strings.TrimSpace(strings.TrimPrefix(s, "$"))
	if !dollarsPattern.MatchString(s) {
		return 0, false
	}
	whole, frac, _ := strings.Cut(strings.ReplaceAll(s, ",", ""), ".")
	d, err := strconv.ParseInt(whole, 10, 64) // at most 12 digits: no overflow
	if err != nil {
		return 0, false
	}
	frac = (frac + "00")[:2]
	c, _ := strconv.ParseInt(frac, 10, 64)
	cents := d*100 + c
	if neg {
		cents = -cents
	}
	return cents, true
}
