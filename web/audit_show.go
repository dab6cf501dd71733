package web

import (
	"net/http"
	"strconv"

	"palisade/store"
	"palisade/views"
)

func (s *Server) showAudit(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	q := r.URL.Query()
	f := store.AuditFilter{ConsortiumID: v.consortium.ID, Actor: clipText(q.Get("actor"), 200), Action: clipText(q.Get("action"), 100), Limit: 500}
	memberParam := q.Get("member")
	if id, err := strconv.ParseInt(memberParam, 10, 64); err == nil {
		f.MemberID = id
	}
	members, err := s.store.MembersOfConsortium(r.Context(), v.consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	names := map[int64]string{}
	p := views.AuditPage{Page: s.page(w, r, "Audit log", "audit"), Actor: f.Actor, Action: f.Action, Limit: f.Limit,
		Members: []views.Option{{Value: "", Label: "All members"}}}
	for _, m := range members {
		names[m.ID] = m.Name
		id := strconv.FormatInt(m.ID, 10)
		p.Members = append(p.Members, views.Option{Value: id, Label: m.Name, Selected: id == memberParam})
	}
	events, err := s.store.AuditEvents(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, e := range events {
		p.Events = append(p.Events, views.EventRow{At: e.At.UTC().Format("2006-01-02 15:04:05"), Actor: e.Actor, Action: e.Action,
			Member: names[e.MemberID], Target: e.Target, Detail: e.Detail, IP: e.IP})
	}
	s.render(w, r, http.StatusOK, views.AuditShow(p))
}

func clipText(s string, n int) string {
	if !utf8Valid(s) {
		return ""
	}
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
