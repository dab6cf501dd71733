package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"palisade/accounts"
	"palisade/assessments"
	"palisade/pooling"
	"palisade/store"
	"palisade/views"
)

// insuranceLevel is a member's answer as the evidence table shows it.
func (s *Server) insuranceLevel(a assessments.Answer, ok bool) string {
	switch {
	case ok && a.NotApplicable:
		return "Not applicable"
	case !ok || a.Score <= 0:
		return "Not answered"
	case a.RiskAccepted:
		return s.levelText(a.Score) + " (a formally accepted risk, so the control is not in place)"
	}
	return s.levelText(a.Score)
}

// insuranceExplain says in a sentence why an item has its status.
func insuranceExplain(it pooling.Item) string {
	switch it.Status {
	case pooling.ItemMet:
		return "The assessment shows it and it is certified: it counts."
	case pooling.ItemNotApplicable:
		return "Certified as not applicable, with a reason: it counts as met."
	case pooling.ItemNeedsCertification:
		return "The assessment shows it, but the IT lead has not certified it yet: it counts once certified."
	case pooling.ItemDisagrees:
		if it.Certified == pooling.CertYes {
			return "Certified \"yes\", but the assessment does not show it: raise the answers below or correct the certification."
		}
		return "Certified \"no\", but the assessment says it is in place: correct the answers or the certification."
	}
	return "The assessment does not show it yet."
}

// insuranceSummary is the sentence at the top of a member's checklist.
func insuranceSummary(member string, rd pooling.MemberReadiness) string {
	var b strings.Builder
	if rd.Tier == 0 {
		b.WriteString(member + " has not reached a tier yet.")
	} else {
		b.WriteString(member + " is at " + rd.TierName)
		if rd.NextTier == 0 {
			b.WriteString(", the top tier: every requirement counts.")
			return b.String()
		}
		b.WriteString(".")
	}
	if rd.NextTier == 0 {
		return b.String()
	}
	names := make([]string, len(rd.NextMissing))
	for i, it := range rd.NextMissing {
		names[i] = it.Requirement.Title
	}
	what := "requirements"
	if len(names) == 1 {
		what = "requirement"
	}
	fmt.Fprintf(&b, " To reach %s it still needs %d %s (%s); that tier is worth %s a year.", rd.NextTierName, len(names), what,
		insuranceJoin(names), money(rd.AtStake))
	return b.String()
}

// memberInsurancePage builds a member's checklist. override replaces the
// certification form of one requirement (a refused or conflicting save).
func (s *Server) memberInsurancePage(w http.ResponseWriter, r *http.Request, st insuranceState, certs []store.Certification,
	override *views.CertificationForm) views.MemberInsurancePage {
	v := visitOf(r)
	m := v.member
	rd := st.readiness(m.ID, certs)
	stored := map[string]store.Certification{}
	for _, c := range certs {
		stored[c.RequirementKey] = c
	}
	answers := map[string]assessments.Answer{}
	for _, a := range st.ps.cc.answers[m.ID] {
		answers[a.SubcategoryID] = a // the last answer to an id wins, as in Readiness
	}
	_, hasAssessment := st.ps.cc.statuses[m.ID]
	base := cyclePathOf(m.ID, st.ps.cc.cycle.ID)
	action := fmt.Sprintf("/members/%d/insurance", m.ID) + cycleQuery(r)

	p := views.MemberInsurancePage{Page: s.page(w, r, "Insurance readiness: "+m.Name, insuranceNavKey(v.grants, m.ID)), Member: m.Name,
		MemberHref: fmt.Sprintf("/members/%d", m.ID), CycleName: st.ps.cc.cycle.Name, ChecklistName: st.checklist.Name,
		Summary: insuranceSummary(m.Name, rd), CanCertify: accounts.CanEditMember(v.grants, m.ConsortiumID, m.ID),
		NoAssessment: len(st.ps.cc.answers[m.ID]) == 0}
	for _, it := range rd.Items {
		req := it.Requirement
		tier, _ := st.checklist.Tier(req.Tier)
		item := views.InsuranceItem{Key: req.Key, HeadingID: "req-" + req.Key + "-heading", Title: req.Title, Description: req.Description,
			Tier: tier.Name, Status: string(it.Status), StatusLabel: insuranceStatusLabel(it.Status), StatusClass: insuranceStatusClasses[it.Status],
			StatusExplain: insuranceExplain(it), Fixes: insuranceFixes(it.ClosedBy),
			ShowFixes: !it.AssessmentMeets && it.Status != pooling.ItemNotApplicable}
		short := map[string]bool{}
		for _, sf := range it.Shortfalls {
			short[sf.SubcategoryID] = true
		}
		for _, e := range req.Evidence {
			a, ok := answers[e.SubcategoryID]
			ev := views.InsuranceEvidence{SubcategoryID: e.SubcategoryID, Level: s.insuranceLevel(a, ok),
				Required: s.levelText(e.Level), Meets: !short[e.SubcategoryID]}
			if sub, known := s.catalog.Subcategory(e.SubcategoryID); known {
				ev.Question = sub.Question
				if hasAssessment && sub.CategoryID != "" {
					ev.Href = base + "/categories/" + sub.CategoryID
				}
			}
			item.Evidence = append(item.Evidence, ev)
		}
		c, certified := stored[req.Key]
		if certified {
			item.Answer, item.Reason, item.CertifiedAt = c.Answer, c.Reason, certifiedAtText(c.CertifiedAt)
			item.CertifiedBy = c.CertifiedByEmail
			if item.CertifiedBy == "" {
				item.CertifiedBy = "a former account"
			}
		}
		item.Form = views.CertificationForm{ID: "cert-" + req.Key, Action: action, Key: req.Key, Version: strconv.Itoa(c.Version),
			Answer: c.Answer, Reason: c.Reason}
		if override != nil && override.Key == req.Key {
			f := *override
			f.ID, f.Action = item.Form.ID, action
			item.Form = f
		}
		p.Items = append(p.Items, item)
	}
	return p
}

// cyclePathOf is the address of a member's assessment in a cycle.
func cyclePathOf(memberID, cycleID int64) string {
	return fmt.Sprintf("/members/%d/cycles/%d", memberID, cycleID)
}

// insuranceNavKey marks "Insurance" in the navigation for everyone: the IT
// lead's link goes to this page, everyone else's to the consortium's.
func insuranceNavKey(grants []accounts.Grant, memberID int64) string {
	for _, g := range grants {
		if g.MemberID == memberID && g.Role == accounts.Board {
			return "member"
		}
	}
	return "insurance"
}

func (s *Server) memberInsuranceCrumbs(m store.Member) []views.Crumb {
	return []views.Crumb{{Href: fmt.Sprintf("/members/%d", m.ID), Label: m.Name}, {Label: "Insurance readiness"}}
}

func (s *Server) showMemberInsurance(w http.ResponseWriter, r *http.Request) {
	st, ok := s.loadInsurance(w, r)
	if !ok {
		return
	}
	m := visitOf(r).member
	certs, err := s.store.CertificationsOfMember(r.Context(), m.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.MemberInsuranceShow(s.memberInsurancePage(w, r, st, certs, nil), s.memberInsuranceCrumbs(m)))
}

// certifyInsurance records the IT lead's certification of one requirement.
// A refused one is shown again with its values and the reason beside the
// field (422); one certified by someone else meanwhile is not overwritten:
// both are shown (409). Nothing is stored in either case.
func (s *Server) certifyInsurance(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	m := v.member
	ctx := r.Context()
	key := strings.TrimSpace(r.PostForm.Get("requirement"))
	answer := strings.TrimSpace(r.PostForm.Get("answer"))
	typedReason := r.PostForm.Get("reason")
	reason := strings.TrimSpace(typedReason)
	version, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("version")))
	if err != nil || version < 0 {
		s.badRequest(w, r, "The form is missing its version number. Reload the page and certify again; nothing was saved.")
		return
	}
	cl, err := s.insuranceChecklist(ctx, v.consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	errs := pooling.CheckCertification(cl, pooling.Certification{RequirementKey: key, Answer: answer, Reason: reason})
	if msg := errs["requirement"]; msg != "" {
		s.badRequest(w, r, msg+" Reload the page and certify again; nothing was saved.")
		return
	}
	form := views.CertificationForm{Key: key, Version: strconv.Itoa(version), Answer: answer, Reason: typedReason}
	rerender := func(status int, f views.CertificationForm) {
		st, ok := s.loadInsurance(w, r)
		if !ok {
			return
		}
		certs, err := s.store.CertificationsOfMember(ctx, m.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, status, views.MemberInsuranceShow(s.memberInsurancePage(w, r, st, certs, &f), s.memberInsuranceCrumbs(m)))
	}
	if len(errs) > 0 {
		form.AnswerErr, form.ReasonErr = errs["answer"], errs["reason"]
		form.Error = "The certification was not saved. Please correct the fields marked below."
		rerender(http.StatusUnprocessableEntity, form)
		return
	}
	err = s.store.SaveCertification(ctx, v.actor(s, r), m.ID, store.Certification{RequirementKey: key, Answer: answer, Reason: reason, Version: version})
	if errors.Is(err, store.ErrStale) {
		certs, lerr := s.store.CertificationsOfMember(ctx, m.ID)
		if lerr != nil {
			s.serverError(w, r, lerr)
			return
		}
		form.Version = "0"
		for _, c := range certs {
			if c.RequirementKey == key {
				by := c.CertifiedByEmail
				if by == "" {
					by = "a former account"
				}
				form.Version = strconv.Itoa(c.Version)
				form.Conflict = &views.CertificationConflict{Answer: c.Answer, Reason: c.Reason, By: by, At: certifiedAtText(c.CertifiedAt)}
			}
		}
		form.Error = "Someone else certified this requirement while you were editing, so yours was not saved and theirs was kept. Compare both below."
		rerender(http.StatusConflict, form)
		return
	}
	if errors.Is(err, store.ErrNotFound) {
		s.renderError(w, r, http.StatusNotFound, "This member no longer exists. Nothing was saved.")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	req, _ := cl.Requirement(key)
	s.setFlash(w, "success", fmt.Sprintf("Certified: %s: %s.", req.Title, certAnswerText(answer)))
	http.Redirect(w, r, fmt.Sprintf("/members/%d/insurance%s#req-%s", m.ID, cycleQuery(r), key), http.StatusSeeOther)
}

// certAnswerText names a certification answer inside a sentence.
func certAnswerText(a string) string {
	switch a {
	case pooling.CertYes:
		return "yes"
	case pooling.CertNo:
		return "no"
	}
	return "not applicable"
}

// cycleQuery keeps the cycle a page was opened for (?cycle=) on the form
// it posts and the page it returns to, so a certification made while
// reading an older cycle is judged against that cycle's answers.
func cycleQuery(r *http.Request) string {
	if id, err := strconv.ParseInt(r.URL.Query().Get("cycle"), 10, 64); err == nil && id > 0 {
		return "?cycle=" + strconv.FormatInt(id, 10)
	}
	return ""
}
