package web

import (
	"fmt"
	"net/http"
	"slices"

	"palisade/accounts"
	"palisade/pooling"
	"palisade/store"
	"palisade/views"
)

// showMemberServices is a member's side of risk pooling: the services it
// takes and its share of their cost, the ones it asked to join, and the
// ones that would lift its answers below the baseline, with what it would
// pay. Only this member's own shares are shown, never another member's.
func (s *Server) showMemberServices(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	ctx := r.Context()
	ps, err := s.currentPooling(ctx, v.consortium)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var self pooling.Member
	for _, m := range ps.members {
		if m.ID == v.member.ID {
			self = m
		}
	}
	p := views.MemberServicesPage{Page: s.page(w, r, "Shared services", "services"), MemberName: v.member.Name,
		CanRequest: accounts.CanEditMember(v.grants, v.consortium.ID, v.member.ID)}
	state := map[int64]string{}
	for _, e := range ps.enrolments {
		if e.MemberID == v.member.ID {
			state[e.ServiceID] = e.State
		}
	}
	var total int64
	unknown := 0 // shares the sharing rule cannot say for this member
	const notSet = "Our share is not set yet: the way the consortium shares this cost needs a figure about us (population, IT budget, staff or devices) that has not been entered. Ask the coordinator."
	for _, st := range ps.services {
		svc := st.Domain()
		row := views.MemberServiceRow{Name: st.Name, Description: st.Description, Provider: orDash(st.Provider), Covers: liftSummary(st.Lifts)}
		enrolled := ps.enrolled(st.ID)
		switch state[st.ID] {
		case store.EnrolmentEnrolled:
			if share, ok := memberShare(svc, enrolled, self.ID); ok {
				row.Share, total = money(share.Amount), total+share.Amount
				if share.Alone > 0 {
					row.Alone = money(share.Alone)
				}
			} else {
				row.ShareNote, unknown = notSet, unknown+1
			}
			if st.Status != pooling.StatusActive {
				row.Helps = "Proposed: not running yet."
			}
			p.Using = append(p.Using, row)
		case store.EnrolmentRequested:
			p.Requested = append(p.Requested, row)
		default:
			helps, err := s.helpsByMember(svc, []pooling.Member{self}, v.consortium.DefaultTarget)
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			if helps[self.ID] == "" {
				continue
			}
			row.Helps = "It " + helps[self.ID] + "."
			if share, ok := memberShare(svc, append(enrolled, self), self.ID); ok {
				row.Share = money(share.Amount) + " (estimate, if it joined now)"
				if share.Alone > 0 {
					row.Alone = money(share.Alone)
				}
			} else {
				row.ShareNote = notSet
			}
			row.RequestAction = fmt.Sprintf("/members/%d/services/%d/request", v.member.ID, st.ID)
			p.Suggested = append(p.Suggested, row)
		}
	}
	p.TotalShare = money(total)
	if unknown > 0 {
		p.TotalShare += fmt.Sprintf(", plus %s not set yet", plural(unknown, "share", "shares"))
	}
	s.render(w, r, http.StatusOK, views.MemberServicesShow(p))
}

// memberShare is one member's share of a service among the members given;
// not ok when the rule cannot say it: nobody has the figure it divides by,
// or this member lacks it (it would show as $0.00, which is not its share
// but a figure missing on the Members page).
func memberShare(svc pooling.Service, members []pooling.Member, memberID int64) (pooling.Share, bool) {
	alloc, err := pooling.SplitService(svc, members)
	if err != nil || slices.Contains(alloc.NoBasis, memberID) {
		return pooling.Share{}, false
	}
	return alloc.Share(memberID)
}
