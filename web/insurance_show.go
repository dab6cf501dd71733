package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"palisade/accounts"
	"palisade/pooling"
	"palisade/store"
	"palisade/views"
)

// Insurance readiness: the checklist of pooling.DefaultChecklist, with the
// tier names and incentives the consortium set, set against each member's
// answers of the cycle and its certifications (pooling.Readiness).

// insuranceState is what the readiness pages share.
type insuranceState struct {
	ps        poolingState
	checklist pooling.Checklist
	services  []pooling.Service
	// serviceKeys maps a stored service id to its key.
	serviceKeys map[int64]string
}

// insuranceChecklist is the default checklist with the consortium's own
// tier names and incentives where it set them.
func (s *Server) insuranceChecklist(ctx context.Context, consortiumID int64) (pooling.Checklist, error) {
	cl := pooling.DefaultChecklist()
	tiers, err := s.store.InsuranceTiers(ctx, consortiumID)
	if err != nil {
		return cl, err
	}
	for _, t := range tiers {
		if t.Tier < 1 || t.Tier > len(cl.Tiers) {
			continue // a tier the checklist no longer has
		}
		if t.Name != "" {
			cl.Tiers[t.Tier-1].Name = t.Name
		}
		cl.Tiers[t.Tier-1].Incentive = t.IncentiveCents
	}
	return cl, nil
}

// loadInsurance loads the cycle's comparison (cached), the services and
// enrolments, and the checklist; it has answered the request when ok is
// false.
func (s *Server) loadInsurance(w http.ResponseWriter, r *http.Request) (insuranceState, bool) {
	ps, ok := s.loadPooling(w, r)
	if !ok {
		return insuranceState{}, false
	}
	cl, err := s.insuranceChecklist(r.Context(), visitOf(r).consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return insuranceState{}, false
	}
	st := insuranceState{ps: ps, checklist: cl, services: ps.domainServices(), serviceKeys: map[int64]string{}}
	for _, sv := range ps.services {
		st.serviceKeys[sv.ID] = sv.Key
	}
	return st, true
}

// readiness is one member's standing, from its answers of the cycle and its
// certifications.
func (st insuranceState) readiness(memberID int64, certs []store.Certification) pooling.MemberReadiness {
	enrolled := map[string]bool{}
	for _, e := range st.ps.enrolments {
		if e.MemberID == memberID && e.State == store.EnrolmentEnrolled {
			if key, ok := st.serviceKeys[e.ServiceID]; ok {
				enrolled[key] = true
			}
		}
	}
	pc := make([]pooling.Certification, len(certs))
	for i, c := range certs {
		pc[i] = pooling.Certification{RequirementKey: c.RequirementKey, Answer: c.Answer, Reason: c.Reason}
	}
	return pooling.Readiness(st.checklist, st.ps.cc.answers[memberID], pc, st.services, enrolled)
}

var insuranceStatusLabels = map[pooling.ItemStatus]string{
	pooling.ItemMet:                "Met",
	pooling.ItemNotApplicable:      "Not applicable",
	pooling.ItemNeedsCertification: "Needs certification",
	pooling.ItemDisagrees:          "Disagrees",
	pooling.ItemMissing:            "Missing",
}

var insuranceStatusClasses = map[pooling.ItemStatus]string{
	pooling.ItemMet:                "badge-met",
	pooling.ItemNotApplicable:      "badge-met",
	pooling.ItemNeedsCertification: "badge-draft",
	pooling.ItemDisagrees:          "badge-gap",
	pooling.ItemMissing:            "badge-gap",
}

func insuranceStatusLabel(st pooling.ItemStatus) string {
	if l, ok := insuranceStatusLabels[st]; ok {
		return l
	}
	return string(st)
}

// insuranceTierName is a member's tier for people.
func insuranceTierName(rd pooling.MemberReadiness) string {
	if rd.Tier == 0 {
		return "No tier yet"
	}
	return rd.TierName
}

func insuranceFixes(fixes []pooling.Fix) []views.InsuranceFix {
	out := make([]views.InsuranceFix, len(fixes))
	for i, f := range fixes {
		out[i] = views.InsuranceFix{Name: f.Name, Enrolled: f.Enrolled}
	}
	return out
}

// insuranceGapNote says what would make an item count: a certification
// when the assessment already shows it, otherwise a pooled service.
func insuranceGapNote(it pooling.Item) string {
	switch {
	case it.AssessmentMeets && it.Status == pooling.ItemDisagrees:
		return "Certified \"no\" though the assessment shows it: the member should correct one or the other."
	case it.AssessmentMeets:
		return "The assessment shows it: it only needs the IT lead's certification."
	}
	return views.FixesText(insuranceFixes(it.ClosedBy))
}

// incentiveText is an amount of cents as the tiers form shows it: plain
// dollars and cents, without a currency sign or separators.
func incentiveText(cents int64) string {
	return fmt.Sprintf("%d.%02d", cents/100, cents%100)
}

// certifiedAtText shows a stored time stamp for people.
func certifiedAtText(stamp string) string {
	t, err := time.Parse(time.RFC3339, stamp)
	if err != nil {
		return stamp
	}
	return t.UTC().Format("2 Jan 2006 at 15:04") + " UTC"
}

// insuranceJoin joins names as a sentence does: "a, b and c".
func insuranceJoin(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// insurancePage builds the consortium's readiness page, with the tiers
// form holding vals and errs (the current tiers when vals is nil).
func (s *Server) insurancePage(w http.ResponseWriter, r *http.Request, st insuranceState, vals, errs map[string]string, formErr string) (views.InsurancePage, error) {
	v := visitOf(r)
	certs, err := s.store.CertificationsOfConsortium(r.Context(), v.consortium.ID)
	if err != nil {
		return views.InsurancePage{}, err
	}
	cl := st.checklist
	p := views.InsurancePage{Page: s.page(w, r, "Insurance readiness", "insurance"), CycleName: st.ps.cc.cycle.Name,
		ChecklistName: cl.Name, Source: cl.Source, CanEdit: accounts.CanAdminister(v.grants, v.consortium.ID)}
	for _, t := range cl.Tiers {
		row := views.InsuranceTierRow{Number: t.Number, Name: t.Name, Description: t.Description, Incentive: money(t.Incentive)}
		for _, req := range cl.Requirements {
			if req.Tier == t.Number {
				row.Requirements = append(row.Requirements, req.Title)
			}
		}
		p.Tiers = append(p.Tiers, row)
	}
	for _, m := range st.ps.cc.members {
		rd := st.readiness(m.ID, certs[m.ID])
		row := views.InsuranceMemberRow{Member: m.Name, Href: fmt.Sprintf("/members/%d/insurance", m.ID), Tier: insuranceTierName(rd)}
		for _, it := range rd.Items {
			switch it.Status {
			case pooling.ItemMet, pooling.ItemNotApplicable:
				row.Met++
			case pooling.ItemMissing:
				row.Missing++
			case pooling.ItemNeedsCertification:
				row.NeedsCertification++
			case pooling.ItemDisagrees:
				row.Disagrees++
			}
		}
		if rd.NextTier != 0 {
			row.NextTier, row.AtStake = rd.NextTierName, money(rd.AtStake)
			for _, it := range rd.NextMissing {
				row.NextMissing = append(row.NextMissing, views.InsuranceGap{Title: it.Requirement.Title,
					Status: strings.ToLower(insuranceStatusLabel(it.Status)), Note: insuranceGapNote(it)})
			}
		}
		p.Members = append(p.Members, row)
	}
	if p.CanEdit {
		if vals == nil {
			vals = map[string]string{}
			for _, t := range cl.Tiers {
				vals[insuranceTierField(t.Number, "name")] = t.Name
				vals[insuranceTierField(t.Number, "incentive")] = incentiveText(t.Incentive)
			}
		}
		p.Form = views.InsuranceTierForm{Error: formErr, Base: tiersStamp(cl)}
		for _, t := range cl.Tiers {
			n := strconv.Itoa(t.Number)
			name, inc := insuranceTierField(t.Number, "name"), insuranceTierField(t.Number, "incentive")
			p.Form.Tiers = append(p.Form.Tiers, views.InsuranceTierFields{Number: t.Number, Legend: "Tier " + n,
				Name: views.Field{ID: name, Name: name, Label: "Name of tier " + n, Value: vals[name], Error: errs[name], MaxLength: maxTierName},
				Incentive: views.Field{ID: inc, Name: inc, Label: "Incentive for tier " + n + " (dollars a year)", Value: vals[inc], Error: errs[inc],
					InputMode: "decimal", Hint: "For example 2500 or 2500.00; 0 when the tier earns nothing."}})
		}
	}
	return p, nil
}

// insuranceTierField is the name of a field of the tiers form, e.g. tier-2-incentive.
func insuranceTierField(tier int, what string) string {
	return "tier-" + strconv.Itoa(tier) + "-" + what
}

func (s *Server) showInsurance(w http.ResponseWriter, r *http.Request) {
	st, ok := s.loadInsurance(w, r)
	if !ok {
		return
	}
	p, err := s.insurancePage(w, r, st, nil, nil, "")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.InsuranceShow(p))
}
