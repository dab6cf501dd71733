package web

import (
	"fmt"
	"net/http"
	"slices"

	"palisade/accounts"
	"palisade/assessments"
	"palisade/views"
)

// showPeers shows one member where it stands among the consortium's
// members. IT leads and member board officials see the others under
// anonymous labels (stable for the cycle) unless the coordinator shares
// names; the page never carries another member's name or notes otherwise.
func (s *Server) showPeers(w http.ResponseWriter, r *http.Request) {
	cc, ok := s.loadComparison(w, r)
	if !ok {
		return
	}
	v := visitOf(r)
	me := v.member
	namer := s.namer(v, cc)
	named := namer.all
	label := namer.label
	p := views.PeersPage{Page: s.page(w, r, "How "+me.Name+" compares", "peers"), CycleName: cc.cycle.Name, Cycles: cc.cycleOptions(),
		Named: named, Baseline: v.consortium.DefaultTarget,
		Header: views.AssessmentHeader{MemberName: me.Name, CycleName: cc.cycle.Name, Base: fmt.Sprintf("/members/%d", me.ID)}}

	self := slices.IndexFunc(cc.cmp.Members, func(m assessments.MemberRow) bool { return m.MemberID == me.ID })
	if self < 0 {
		s.notFound(w, r)
		return
	}
	mine := cc.cmp.Members[self]
	var names []string
	ours := views.ScoreSeries{Name: "Yours"}
	medians := views.ScoreSeries{Name: "Consortium median"}
	baseline := views.ScoreSeries{Name: "Baseline"}
	for i, f := range cc.cmp.Functions {
		fr := mine.Result.Functions[i]
		pct := "–"
		if pv := mine.FunctionPercentiles[i]; pv.OK {
			pct = fmt.Sprintf("%.0f%% of members", pv.V)
		}
		p.Functions = append(p.Functions, views.PeerFunctionRow{ID: f.ID, Name: f.Name, Ours: fmtValue(fr.Score),
			Lowest: fmtStat(f.Stats, f.Min), Median: fmtStat(f.Stats, f.Median), Highest: fmtStat(f.Stats, f.Max), Percentile: pct})
		names = append(names, f.Name)
		ours.Values, ours.OK = append(ours.Values, fr.Score.V), append(ours.OK, fr.Score.OK)
		medians.Values, medians.OK = append(medians.Values, f.Median), append(medians.OK, f.OK())
		baseline.Values, baseline.OK = append(baseline.Values, float64(v.consortium.DefaultTarget)), append(baseline.OK, true)
	}
	p.Chart = views.BarChart("peer-functions", "Bar chart of your average level per function beside the consortium median and the baseline.",
		names, s.scale.Max, ours, medians, baseline)

	// Highest first; members without a score last. The order, not the
	// catalog of names, is what an IT lead may learn.
	for _, i := range cc.cmp.OrderByOverall(true) {
		m := cc.cmp.Members[i]
		p.Peers = append(p.Peers, views.PeerRow{Label: label(m.MemberID, m.Name), Overall: fmtValue(m.Result.Overall.Score),
			Completion: m.Completion, Self: m.MemberID == me.ID})
	}

	weights, err := s.store.WeightsOfConsortium(r.Context(), v.consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	wl := cc.cmp.WeakestLinks(weights)
	for _, h := range wl.HoldsOf(me.ID) {
		sub, _ := s.catalog.Subcategory(h.SubcategoryID)
		why := "below the baseline on a high-priority question"
		if h.UniqueMinimum {
			why = "the only member at the lowest level"
		}
		p.Holds = append(p.Holds, views.PeerHoldRow{ID: h.SubcategoryID, Question: sub.Question, Level: h.Level, Why: why})
	}
	for _, f := range wl.Subcategories {
		if !slices.Contains(f.BelowBaseline, me.ID) {
			continue
		}
		sub, _ := s.catalog.Subcategory(f.SubcategoryID)
		p.Gaps = append(p.Gaps, views.PeerGapRow{ID: f.SubcategoryID, Question: sub.Question, Level: cc.level(me.ID, f.SubcategoryID),
			AtBaseline: f.Answered - f.Below, Others: f.Answered - 1, Median: fmtValue(f.Median)})
	}
	s.render(w, r, http.StatusOK, views.PeersShow(p, []views.Crumb{{Href: p.Header.Base, Label: me.Name}, {Label: "How we compare"}}))
}

// memberNamer decides how other members appear to the viewer: by name to
// coordinators, consortium-wide board officials, and everyone when the
// coordinator shares names; otherwise as "Member C", from the cycle's secret,
// except the members the viewer may see anyway (their own).
type memberNamer struct {
	all    bool
	own    func(id int64) bool
	labels map[int64]string
}

func (s *Server) namer(v *visit, cc cycleComparison) memberNamer {
	n := memberNamer{all: v.consortium.ShareNames || accounts.CanViewWholeConsortium(v.grants, v.consortium.ID)}
	n.own = func(id int64) bool { return accounts.CanViewMember(v.grants, v.consortium.ID, id) }
	ids := make([]int64, len(cc.members))
	for i, m := range cc.members {
		ids[i] = m.ID
	}
	n.labels = assessments.AnonymousLabels(ids, cc.cycle.AnonSeed)
	return n
}

// visible says whether the viewer may know who this member is.
func (n memberNamer) visible(id int64) bool { return n.all || n.own(id) }

func (n memberNamer) label(id int64, name string) string {
	if n.visible(id) {
		return name
	}
	return n.labels[id]
}

// level is a member's stored level on one question (0 when unanswered).
func (cc cycleComparison) level(memberID int64, subcategoryID string) int {
	for _, a := range cc.answers[memberID] {
		if a.SubcategoryID == subcategoryID {
			return a.Score
		}
	}
	return 0
}
