package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"palisade/pooling"
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
	formErr, status := "The tiers were not saved. Please correct the fields marked below.", http.StatusUnprocessableEntity
	if r.PostForm.Get("base") != tiersStamp(cl) {
		// Someone saved the tiers after this form was opened: refuse, show
		// theirs in the table and these values in the form; saving again
		// keeps these (the form now carries the current stamp).
		formErr, status = "Someone else changed the tiers while you were editing. Their values are in the table of tiers above; yours are in the form below and were not saved. Save again to keep yours.", http.StatusConflict
		errs[""] = formErr
	}
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
		p, err := s.insurancePage(w, r, st, vals, errs, formErr)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, status, views.InsuranceShow(p))
		return
	}
	if err := s.store.SaveInsuranceTiers(r.Context(), v.actor(s, r), v.consortium.ID, tiers); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", "Tier names and incentives saved.")
	http.Redirect(w, r, "/consortium/insurance", http.StatusSeeOther)
}

// tiersStamp identifies the tier names and incentives as they are now: a
// short hash, posted back with the form. The tiers are replaced as a whole,
// so comparing the stamp is how a save made over someone else's refuses.
func tiersStamp(cl pooling.Checklist) string {
	h := sha256.New()
	for _, t := range cl.Tiers {
		fmt.Fprintf(h, "%d\x00%s\x00%d\x00", t.Number, t.Name, t.Incentive)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
