package web

import (
	"net/http"
	"strings"

	"palisade/store"
	"palisade/views"
)

// Limits of the tiers form.
const (
	maxTierName         = 100
	maxIncentiveDollars = 10_000_000
)

// parseIncentive reads an incentive in dollars ("2500", "2,500.00",
// "$2500.5") as cents; the message says what is wrong otherwise.
func parseIncentive(raw string) (int64, string) {
	if strings.TrimSpace(raw) == "" {
		return 0, "Enter an amount in dollars, or 0 when the tier earns nothing."
	}
	cents, ok := parseDollars(raw)
	switch {
	case !ok:
		return 0, "Enter an amount in dollars with at most two decimals after a point, like 2500 or 2,500.50."
	case cents < 0:
		return 0, "The incentive cannot be negative: enter 0 or more."
	case cents > maxIncentiveDollars*100:
		return 0, "The incentive can be at most $10,000,000.00."
	}
	return cents, ""
}

// saveInsuranceTiers stores the name and incentive of every tier of the
// checklist. One bad value refuses the whole form; nothing is saved.
func (s *Server) saveInsuranceTiers(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	cl, err := s.insuranceChecklist(r.Context(), v.consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	vals := map[string]string{}
	errs := map[string]string{}
	tiers := make([]store.InsuranceTier, 0, len(cl.Tiers))
	for _, t := range cl.Tiers {
		name, inc := insuranceTierField(t.Number, "name"), insuranceTierField(t.Number, "incentive")
		vals[name] = strings.TrimSpace(r.PostForm.Get(name))
		vals[inc] = strings.TrimSpace(r.PostForm.Get(inc))
		requireText(vals, errs, name, "Give the tier a name.", maxTierName)
		cents, msg := parseIncentive(vals[inc])
		if msg != "" {
			errs[inc] = msg
		}
		tiers = append(tiers, store.InsuranceTier{Tier: t.Number, Name: vals[name], IncentiveCents: cents})
	}
	if len(errs) > 0 {
		st, ok := s.loadInsurance(w, r)
		if !ok {
			return
		}
		p, err := s.insurancePage(w, r, st, vals, errs, "The tiers were not saved. Please correct the fields marked below.")
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, views.InsuranceShow(p))
		return
	}
	if err := s.store.SaveInsuranceTiers(r.Context(), v.actor(s, r), v.consortium.ID, tiers); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", "Tier names and incentives saved.")
	http.Redirect(w, r, "/consortium/insurance", http.StatusSeeOther)
}
