package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"palisade/assessments"
	"palisade/briefings"
	"palisade/store"
)

// pageSize reads ?size=letter (US Letter); anything else is A4.
func pageSize(r *http.Request) string {
	if r.URL.Query().Get("size") == "letter" {
		return "Letter"
	}
	return "A4"
}

// sendPDF writes a finished PDF. Briefings are built in memory first, so a
// failure shows an error page instead of half a file.
func (s *Server) sendPDF(w http.ResponseWriter, r *http.Request, name string, pdf *bytes.Buffer) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.pdf"`, csvSafeName(name)))
	w.Header().Set("Content-Length", strconv.Itoa(pdf.Len()))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(pdf.Bytes())
}

func (s *Server) briefingFailed(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, briefings.ErrNoScore) {
		s.renderError(w, r, http.StatusUnprocessableEntity, "There is nothing to brief on yet: no question has been answered in this cycle.")
		return
	}
	s.serverError(w, r, err)
}

// downloadMemberBriefing is the PDF for one member's board. Other members
// appear only under their anonymous labels, even when the consortium shares
// names on screen: the briefing leaves the building in a meeting packet.
func (s *Server) downloadMemberBriefing(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	v := visitOf(r)
	ctx := r.Context()
	cc := cycleComparison{cycle: a.cycle}
	if err := s.analyse(ctx, a.consortium, &cc); err != nil {
		s.serverError(w, r, err)
		return
	}
	answers := cc.answers[a.member.ID]
	b := briefings.MemberBriefing{Consortium: a.consortium.Name, Member: a.member.Name, Cycle: a.cycle.Name, Generated: s.now(),
		PageSize: pageSize(r), Catalog: s.catalog, Scale: s.scale, Baseline: a.consortium.DefaultTarget,
		Result: assessments.Score(s.catalog, answers, a.consortium.DefaultTarget),
		Gaps:   assessments.Gaps(s.catalog, answers, a.consortium.DefaultTarget)}
	// Other members are always under anonymous labels here, even when the
	// consortium shares names with IT leads on screen: a member briefing
	// goes into a council's public meeting packet (docs/briefings.md).
	ids := make([]int64, len(cc.members))
	for i, m := range cc.members {
		ids[i] = m.ID
	}
	labels := assessments.AnonymousLabels(ids, a.cycle.AnonSeed)
	labels[a.member.ID] = a.member.Name
	if err := b.SetComparison(cc.cmp, a.member.ID, labels); err != nil {
		s.serverError(w, r, err)
		return
	}
	if prev, ok, err := s.previousCycle(r, a.consortium.ID, a.cycle); err != nil {
		s.serverError(w, r, err)
		return
	} else if ok {
		scores, err := s.store.ScoresForCycle(ctx, prev.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if list := scores[a.member.ID]; len(list) > 0 {
			res := assessments.Score(s.catalog, list, a.consortium.DefaultTarget)
			b.Previous, b.PreviousCycle = &res, prev.Name
		}
	}
	ps, err := s.briefingPooling(ctx, a.consortium.ID, cc)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	b.Services = s.memberPooling(ps, a.member.ID, a.consortium.DefaultTarget)
	if b.Exercises, err = s.memberExercises(ctx, a.member.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	var pdf bytes.Buffer
	if err := briefings.WriteMember(&pdf, b); err != nil {
		s.briefingFailed(w, r, err)
		return
	}
	if err := s.store.Record(ctx, v.actor(s, r), a.member.ID, "briefing.download", "member briefing "+a.cycle.Name, b.PageSize); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.sendPDF(w, r, "palisade-briefing-"+a.member.Slug+"-"+a.cycle.Name, &pdf)
}

// previousCycle is the cycle opened before c, if any.
func (s *Server) previousCycle(r *http.Request, consortiumID int64, c store.Cycle) (store.Cycle, bool, error) {
	cycles, err := s.store.CyclesOfConsortium(r.Context(), consortiumID) // newest first
	if err != nil {
		return store.Cycle{}, false, err
	}
	for i, x := range cycles {
		if x.ID == c.ID && i+1 < len(cycles) {
			return cycles[i+1], true, nil
		}
	}
	return store.Cycle{}, false, nil
}

// downloadConsortiumBriefing is the PDF for the consortium's governing
// board. Whoever generates it chooses whether members are named
// (?names=named) or anonymised (the default).
func (s *Server) downloadConsortiumBriefing(w http.ResponseWriter, r *http.Request) {
	cc, ok := s.loadComparison(w, r)
	if !ok {
		return
	}
	v := visitOf(r)
	ctx := r.Context()
	weights, err := s.store.WeightsOfConsortium(ctx, v.consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	links, err := s.domainLinks(ctx, v.consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	named := r.URL.Query().Get("names") == "named"
	ids := make([]int64, len(cc.members))
	names := map[int64]string{}
	for i, m := range cc.members {
		ids[i] = m.ID
		names[m.ID] = m.Name
	}
	if !named {
		names = assessments.AnonymousLabels(ids, cc.cycle.AnonSeed)
	}
	statuses := map[int64]string{}
	for id, a := range cc.statuses {
		statuses[id] = a.Status
	}
	wl := cc.cmp.WeakestLinks(weights)
	b := briefings.ConsortiumBriefing{Consortium: v.consortium.Name, Cycle: cc.cycle.Name, Generated: s.now(), PageSize: pageSize(r),
		Catalog: s.catalog, Scale: s.scale, Baseline: v.consortium.DefaultTarget, Comparison: cc.cmp, Weakest: wl,
		Opportunities: wl.Opportunities(10), Names: names, Named: named, Statuses: statuses, Links: links}
	if prev, ok, err := s.previousCycle(r, v.consortium.ID, cc.cycle); err != nil {
		s.serverError(w, r, err)
		return
	} else if ok {
		pc := cycleComparison{cycle: prev}
		if err := s.analyse(ctx, v.consortium, &pc); err != nil {
			s.serverError(w, r, err)
			return
		}
		b.Previous, b.PreviousCycle = pc.cmp, prev.Name
	}
	ps, err := s.briefingPooling(ctx, v.consortium.ID, cc)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	b.Pooling = s.consortiumPooling(ps, v.consortium.DefaultTarget, weights)
	var pdf bytes.Buffer
	if err := briefings.WriteConsortium(&pdf, b); err != nil {
		s.briefingFailed(w, r, err)
		return
	}
	detail := b.PageSize + ", members anonymised"
	if named {
		detail = b.PageSize + ", members named"
	}
	if err := s.store.Record(ctx, v.actor(s, r), 0, "briefing.download", "consortium briefing "+cc.cycle.Name, detail); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.sendPDF(w, r, "palisade-consortium-briefing-"+cc.cycle.Name, &pdf)
}
