package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"palisade/accounts"
	"palisade/assessments"
	"palisade/pooling"
	"palisade/store"
	"palisade/views"
)

// showService shows one service: what it puts in place, who takes part
// (a form for coordinators), its effect on the consortium, each member's
// share of the cost and the agreements behind it.
func (s *Server) showService(w http.ResponseWriter, r *http.Request) {
	st, ok := s.serviceOfURL(w, r)
	if !ok {
		return
	}
	ps, ok := s.loadPooling(w, r)
	if !ok {
		return
	}
	p, err := s.servicePage(w, r, ps, st, nil)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.ServiceShow(p))
}

// servicePage builds a service's page; ticked, when not nil, are the
// members to show ticked instead of those enrolled (a refused form).
func (s *Server) servicePage(w http.ResponseWriter, r *http.Request, ps poolingState, st store.Service, ticked map[int64]bool) (views.ServicePage, error) {
	v := visitOf(r)
	ctx := r.Context()
	svc := st.Domain()
	base := fmt.Sprintf("/consortium/services/%d", st.ID)
	p := views.ServicePage{Page: s.page(w, r, st.Name, "services"), ID: st.ID, Name: st.Name, Description: st.Description,
		Provider: orDash(st.Provider), ProviderKind: providerKindLabel(st.ProviderKind), Status: statusLabel(st.Status),
		CostModel: costModelText(svc.Cost), Standalone: "Not known", CanEdit: accounts.CanAdminister(v.grants, v.consortium.ID),
		EditHref: base + "/edit", DeleteAction: base + "/delete", EnrolAction: base + "/enrolments",
		SharesCSV: base + "/shares.csv", AgreementNew: base + "/agreements/new", Rule: pooling.RuleText(svc.ShareRule, svc.Blend)}
	if st.StandaloneCents > 0 {
		p.Standalone = money(st.StandaloneCents) + " a year per member"
	}
	for _, l := range st.Lifts {
		row := views.LiftRow{ID: l.SubcategoryID, Level: s.levelText(l.Level)}
		if sub, ok := s.catalog.Subcategory(l.SubcategoryID); ok {
			row.Name = sub.Question
		}
		p.Lifts = append(p.Lifts, row)
	}

	weights, err := s.store.WeightsOfConsortium(ctx, v.consortium.ID)
	if err != nil {
		return p, err
	}
	enrolled := ps.enrolled(st.ID)
	requested := map[int64]bool{}
	for _, e := range ps.enrolments {
		if e.ServiceID == st.ID && e.State == store.EnrolmentRequested {
			requested[e.MemberID] = true
		}
	}
	helps, err := s.helpsByMember(svc, ps.members, v.consortium.DefaultTarget)
	if err != nil {
		return p, err
	}
	isEnrolled := map[int64]bool{}
	ids := make([]int64, len(enrolled))
	for i, m := range enrolled {
		isEnrolled[m.ID] = true
		ids[i] = m.ID
	}
	p.EnrolBase = enrolmentStamp(ids)
	if ticked == nil {
		ticked = isEnrolled
	}
	for _, m := range ps.members {
		p.Members = append(p.Members, views.EnrolRow{ID: m.ID, Name: m.Name, Checked: ticked[m.ID], Requested: requested[m.ID], Helps: helps[m.ID]})
	}

	proj, err := pooling.Project(s.catalog, ps.members, []pooling.Service{svc}, pooling.Plan{svc.Key: ids}, v.consortium.DefaultTarget, weights)
	if err != nil {
		return p, err
	}
	p.Effect = s.projectionRows(proj)

	p.Total = money(svc.Cost.For(enrolled))
	if len(enrolled) == 0 {
		p.ShareError = "Nobody takes part yet, so there is nothing to share."
	} else {
		alloc, err := pooling.SplitService(svc, enrolled)
		var noBasis *pooling.NoBasisError
		switch {
		case errors.As(err, &noBasis):
			p.ShareError = shareProblem(noBasis)
		case err != nil:
			return p, err
		default:
			for _, sh := range alloc.Shares {
				row := views.ShareRow{Name: sh.Name, Share: money(sh.Amount), Alone: "–", Saving: "–"}
				if sh.Alone > 0 {
					row.Alone, row.Saving = money(sh.Alone), money(sh.Saving)
				}
				p.Shares = append(p.Shares, row)
			}
			p.NoBasis = noBasisText(alloc, ps.members)
		}
	}

	agreements, err := s.store.AgreementsOfConsortium(ctx, v.consortium.ID)
	if err != nil {
		return p, err
	}
	for _, a := range agreements {
		if a.ServiceID != st.ID {
			continue
		}
		dates := "from " + a.StartsOn
		if a.EndsOn != "" {
			dates += " to " + a.EndsOn
		}
		p.Agreements = append(p.Agreements, views.AgreementRow{Title: a.Title, Parties: a.Parties, Dates: dates, Renewal: a.Renewal,
			DocumentURL: a.DocumentURL, DeleteAction: fmt.Sprintf("/consortium/agreements/%d/delete", a.ID)})
	}
	return p, nil
}

// helpsByMember says, per member, what the service would lift if the
// member took it, as a phrase ("would lift 2 answers below the baseline and
// would cover 1 question not answered yet"); members it would not help are
// left out. It asks the domain's projection with everyone enrolled, so the page
// and the plans agree on what "helps" means.
func (s *Server) helpsByMember(svc pooling.Service, members []pooling.Member, baseline int) (map[int64]string, error) {
	ids := make([]int64, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	proj, err := pooling.Project(s.catalog, members, []pooling.Service{svc}, pooling.Plan{svc.Key: ids}, baseline, nil)
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, mp := range proj.Members {
		below, unanswered := 0, 0
		for _, u := range mp.Uplifts {
			switch {
			case u.From == 0:
				unanswered++
			case u.From < baseline:
				below++
			}
		}
		var parts []string
		if below > 0 {
			parts = append(parts, fmt.Sprintf("would lift %s below the baseline", plural(below, "answer", "answers")))
		}
		if unanswered > 0 {
			parts = append(parts, fmt.Sprintf("would cover %s not answered yet", plural(unanswered, "question", "questions")))
		}
		if len(parts) > 0 {
			out[mp.MemberID] = strings.Join(parts, " and ")
		}
	}
	return out, nil
}

func memberName(members []pooling.Member, id int64) string {
	for _, m := range members {
		if m.ID == id {
			return m.Name
		}
	}
	return fmt.Sprintf("member %d", id)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func providerKindLabel(kind string) string {
	for _, o := range providerKindLabels {
		if o.Value == kind {
			return strings.ToLower(o.Label)
		}
	}
	return kind
}

// costModelText says a cost model in words: "$12,000.00 a year plus
// $8.00 per device".
func costModelText(c pooling.CostModel) string {
	var parts []string
	if c.Fixed > 0 {
		parts = append(parts, money(c.Fixed)+" a year for the consortium")
	}
	if c.PerMember > 0 {
		parts = append(parts, money(c.PerMember)+" per member")
	}
	if c.PerUser > 0 {
		parts = append(parts, money(c.PerUser)+" per staff member")
	}
	if c.PerEndpoint > 0 {
		parts = append(parts, money(c.PerEndpoint)+" per device")
	}
	if len(parts) == 0 {
		return "No cost"
	}
	return strings.Join(parts, " plus ") + ", a year"
}

// levelText names a level of the scale: "6 · Tested and Verified", or
// the number alone when the scale has no such level.
func (s *Server) levelText(level int) string {
	if name := s.scale.Level(level); name != "" {
		return fmt.Sprintf("%d · %s", level, name)
	}
	return strconv.Itoa(level)
}

// projectionRows turns a projection into table rows: overall first, then
// each function.
func (s *Server) projectionRows(p pooling.Projection) []views.ProjectionRow {
	row := func(name string, today, proj pooling.Figures) views.ProjectionRow {
		r := views.ProjectionRow{Name: name, FloorToday: fmtValue(today.Floor), FloorProjected: fmtValue(proj.Floor),
			MedianToday: fmtValue(today.Median), MedianProjected: fmtValue(proj.Median),
			BelowToday: fmt.Sprint(len(today.MembersBelowBaseline)), BelowProjected: fmt.Sprint(len(proj.MembersBelowBaseline))}
		r.FloorChange = signedChange(today.Floor, proj.Floor)
		r.MedianChange = signedChange(today.Median, proj.Median)
		if d := len(proj.MembersBelowBaseline) - len(today.MembersBelowBaseline); d != 0 {
			r.BelowChange = fmt.Sprintf("%+d", d)
		}
		r.Improves = r.FloorChange != "" || r.MedianChange != "" || r.BelowChange != ""
		return r
	}
	rows := []views.ProjectionRow{row("Overall", p.Today.Overall, p.Projected.Overall)}
	for i := range p.Today.Functions {
		rows = append(rows, row(p.Today.Functions[i].Name, p.Today.Functions[i], p.Projected.Functions[i]))
	}
	return rows
}

// signedChange is "+0.4" when b differs from a (at one decimal), "" when
// not or when either is missing.
func signedChange(a, b assessments.Value) string {
	if !a.OK || !b.OK {
		return ""
	}
	d := fmt.Sprintf("%+.1f", b.V-a.V)
	if d == "+0.0" || d == "-0.0" {
		return ""
	}
	return d
}

// shareProblem says why a cost cannot be shared by its rule, as a sentence.
func shareProblem(e *pooling.NoBasisError) string {
	msg := e.Error()
	return "The cost cannot be shared: " + msg + "."
}

// plural is "1 answer" or "3 answers".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// noBasisText says who pays nothing, or nothing of one part of a blend,
// because the figure the rule divides by is not entered for them.
func noBasisText(alloc pooling.Allocation, members []pooling.Member) string {
	names := func(ids []int64) string {
		var out []string
		for _, id := range ids {
			out = append(out, memberName(members, id))
		}
		return strings.Join(out, ", ")
	}
	if alloc.Rule != pooling.RuleBlend {
		if len(alloc.NoBasis) == 0 {
			return ""
		}
		return names(alloc.NoBasis) + " pay nothing under this rule because the figure it divides by has not been entered for them (Members page)."
	}
	var parts []string
	for _, part := range alloc.Parts {
		if len(part.NoBasis) > 0 {
			parts = append(parts, fmt.Sprintf("%s pay nothing of the %d%% shared %s", names(part.NoBasis), part.Percent, part.Rule.Label()))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "; ") + ", because the figure it divides by has not been entered for them (Members page)."
}

// enrolmentStamp identifies a set of enrolled members (in any order), for
// the enrolment form: the set is replaced as a whole, so a save based on
// another set than the current one is refused rather than undoing someone
// else's ticks.
func enrolmentStamp(ids []int64) string {
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	h := sha256.New()
	for _, id := range sorted {
		fmt.Fprintf(h, "%d,", id)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
