package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"palisade/assessments"
	"palisade/views"
)

// showWeakest is the weakest-link report: where the consortium's floor is,
// who holds it, and what would lift it most.
func (s *Server) showWeakest(w http.ResponseWriter, r *http.Request) {
	cc, ok := s.loadComparison(w, r)
	if !ok {
		return
	}
	names := map[int64]string{}
	for _, m := range cc.members {
		names[m.ID] = m.Name
	}
	weights, err := s.store.WeightsOfConsortium(r.Context(), visitOf(r).consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	wl := cc.cmp.WeakestLinks(weights)
	p := views.WeakestPage{Page: s.page(w, r, "Weakest links", "weakest"), CycleName: cc.cycle.Name, Cycles: cc.cycleOptions(), Baseline: wl.Baseline}

	for _, o := range wl.Opportunities(15) {
		sub, _ := s.catalog.Subcategory(o.SubcategoryID)
		sentence := fmt.Sprintf("If %s reaches level %d on %s (%s), now at %d", names[o.MemberID], wl.Baseline, o.SubcategoryID, strings.TrimSuffix(sub.Question, "?"), o.Level)
		if o.FloorAfter > o.FloorBefore {
			sentence += fmt.Sprintf(", the consortium's floor there rises from %d to %d", o.FloorBefore, o.FloorAfter)
		} else {
			sentence += fmt.Sprintf(", the floor stays at %d", o.FloorBefore)
		}
		sentence += fmt.Sprintf(" and members below the baseline go from %d to %d.", o.BelowBefore, o.BelowAfter)
		p.Opportunities = append(p.Opportunities, views.OpportunityRow{Sentence: sentence, Impact: o.Impact})
	}
	links, err := s.domainLinks(r.Context(), visitOf(r).consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for i, rk := range wl.Ranking(links) {
		if rk.Score == 0 {
			break
		}
		p.Ranking = append(p.Ranking, views.RankRow{Rank: i + 1, Member: names[rk.MemberID], BlastRadius: rk.BlastRadius, Weakness: rk.Weakness, Score: rk.Score})
	}
	for _, h := range wl.FloorHolders() {
		var where []string
		for _, hold := range h.Holds {
			where = append(where, hold.SubcategoryID)
		}
		if len(where) > 12 {
			where = append(where[:12], fmt.Sprintf("and %d more", len(h.Holds)-12))
		}
		p.Holders = append(p.Holders, views.HolderRow{Name: names[h.MemberID], UniqueMinimum: h.UniqueMinimum, HighConsequence: h.HighConsequence,
			Where: strings.Join(where, ", ")})
	}
	// One line per member: a consortium of hundreds can hold thousands of
	// accepted risks, and the question texts are in the table below.
	byMember := map[int64]int{}
	for _, a := range wl.AcceptedRisks {
		i, ok := byMember[a.MemberID]
		if !ok {
			i = len(p.AcceptedRisks)
			byMember[a.MemberID] = i
			p.AcceptedRisks = append(p.AcceptedRisks, views.AcceptedRow{Member: names[a.MemberID]})
		}
		p.AcceptedRisks[i].IDs = append(p.AcceptedRisks[i].IDs, a.SubcategoryID)
	}
	floors := slices.Clone(wl.Subcategories)
	// Highest priority first; among equals, the most members below.
	slices.SortStableFunc(floors, func(a, b assessments.SubcategoryFloor) int {
		if a.Weight != b.Weight {
			return b.Weight - a.Weight
		}
		return b.Below - a.Below
	})
	for _, f := range floors {
		sub, _ := s.catalog.Subcategory(f.SubcategoryID)
		var below []string
		for _, id := range f.BelowBaseline {
			below = append(below, names[id])
		}
		p.Subcategories = append(p.Subcategories, views.FloorRow{ID: f.SubcategoryID, Question: sub.Question, Floor: fmtValue(f.Floor), Median: fmtValue(f.Median),
			Weight: f.Weight, Answered: f.Answered, Below: f.Below, Exposed: f.Exposed, BelowNames: strings.Join(below, ", ")})
	}
	s.render(w, r, http.StatusOK, views.WeakestShow(p))
}

// domainLinks are the consortium's interconnections as the analysis takes
// them.
func (s *Server) domainLinks(ctx context.Context, consortiumID int64) ([]assessments.Link, error) {
	stored, err := s.store.LinksOfConsortium(ctx, consortiumID)
	if err != nil {
		return nil, err
	}
	links := make([]assessments.Link, len(stored))
	for i, l := range stored {
		links[i] = l.Link
	}
	return links, nil
}
