package web

import (
	"fmt"
	"net/http"
	"strings"

	"palisade/accounts"
	"palisade/pooling"
	"palisade/store"
	"palisade/views"
)

// showServices lists the consortium's shared services. Coordinators and
// board officials see how many members take each; an IT lead also sees its
// own member's enrolment and can ask to join. Nobody but a coordinator
// sees which other members are enrolled: that would tell who lacks what.
func (s *Server) showServices(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	ctx := r.Context()
	services, err := s.store.ServicesOfConsortium(ctx, v.consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	enrolments, err := s.store.EnrolmentsOfConsortium(ctx, v.consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	members, err := s.store.MembersOfConsortium(ctx, v.consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	byID := map[int64]store.Member{}
	for _, m := range members {
		byID[m.ID] = m
	}
	p := views.ServicesPage{Page: s.page(w, r, "Shared services", "services"), CanEdit: accounts.CanAdminister(v.grants, v.consortium.ID)}
	mine := itLeadMember(v.grants, v.consortium.ID)
	if mine != 0 {
		p.MemberName = byID[mine].Name
	}
	canOpen := accounts.CanViewWholeConsortium(v.grants, v.consortium.ID)
	for _, st := range services {
		ps := st.Domain()
		var enrolled []pooling.Member
		row := views.ServiceRow{Name: st.Name, Status: statusLabel(st.Status), Provider: st.Provider, Covers: liftSummary(st.Lifts)}
		if canOpen {
			row.Href = fmt.Sprintf("/consortium/services/%d", st.ID)
		}
		for _, e := range enrolments {
			if e.ServiceID != st.ID {
				continue
			}
			if e.State == store.EnrolmentEnrolled {
				row.Enrolled++
				m := byID[e.MemberID]
				enrolled = append(enrolled, pooling.Member{ID: m.ID, Staff: m.Staff, Endpoints: m.Endpoints})
			} else {
				row.Requested++
			}
			if e.MemberID == mine {
				row.MyState = map[string]string{store.EnrolmentEnrolled: "Enrolled", store.EnrolmentRequested: "Asked to join"}[e.State]
			}
		}
		row.Cost = money(ps.Cost.For(enrolled))
		if mine != 0 && row.MyState == "" {
			row.RequestAction = fmt.Sprintf("/members/%d/services/%d/request", mine, st.ID)
		}
		p.Services = append(p.Services, row)
	}
	s.render(w, r, http.StatusOK, views.ServicesShow(p))
}

// itLeadMember is the member a person is the IT lead of in the
// consortium, 0 for none.
func itLeadMember(grants []accounts.Grant, consortiumID int64) int64 {
	for _, g := range grants {
		if g.Role == accounts.ITLead && g.ConsortiumID == consortiumID {
			return g.MemberID
		}
	}
	return 0
}

func statusLabel(status string) string {
	if status == pooling.StatusActive {
		return "Active"
	}
	return "Proposed"
}

// liftSummary says in one line what a service puts in place.
func liftSummary(lifts []store.ServiceLift) string {
	parts := make([]string, len(lifts))
	for i, l := range lifts {
		parts[i] = fmt.Sprintf("%s at %d", l.SubcategoryID, l.Level)
	}
	return strings.Join(parts, ", ")
}
