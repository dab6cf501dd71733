package assessments

import (
	"fmt"
	"slices"
	"strings"

	"palisade/frameworks"
)

// Consortium-wide priority weights. A coordinator gives each subcategory a
// weight from 0 to 10; the weakest-link report multiplies gaps by it, so the
// controls that matter most to the whole consortium rise to the top. 0
// takes a subcategory out of the what-if list, exposure and ranking (it is
// still in the floor table). docs/weakest-link.md explains the defaults.

// MaxWeight is the highest consortium weight; 0 is the lowest.
const MaxWeight = 10

// HighConsequenceWeight is the weight from which a subcategory counts as
// high-consequence: a member below the baseline there is a floor-holder
// even when it does not hold the minimum alone. With the default weights
// these are exactly the priority controls of priorityWeights rated 8 or
// more (MFA, patching, backups, logging, EDR, the response and recovery
// plans, the asset inventories); a catalog weight of 3 alone (6 by default)
// does not reach it.
const HighConsequenceWeight = 8

// priorityWeights are the default weights of the controls that
// cyber-insurance applications and CISA's Cross-Sector Cybersecurity
// Performance Goals (CPGs) ask about first. Keys are CSF 2.0 subcategory
// ids, or category ids that set a minimum for every subcategory of the
// category. A subcategory gets the highest value that applies to it.
var priorityWeights = map[string]int{
	// Identity and MFA: the first questions of every cyber-insurance
	// application; the CPGs' account-security goals (MFA, unique
	// credentials, separate privileged accounts).
	"PR.AA":    6,
	"PR.AA-01": 10, // one account per person, managed
	"PR.AA-03": 10, // multi-factor authentication
	"PR.AA-05": 9,  // least privilege, separate admin accounts
	// Patching and software maintenance: the CPG goal of mitigating known
	// vulnerabilities; insurers ask about patch times and end-of-life
	// systems.
	"PR.PS-02": 10, // security updates, unsupported software removed
	"ID.RA-01": 8,  // vulnerability scanning
	"PR.PS-03": 7,  // firmware, end-of-life hardware
	// Backups and recovery: the CPG goals of system backups and recovery
	// planning; insurers ask for offline, tested backups.
	"PR.DS-11": 10, // backups kept out of attackers' reach, tested
	"RC.RP":    6,
	"RC.RP-01": 8, // recovery plan executed
	"RC.RP-02": 8, // restore priorities
	"RC.RP-03": 9, // backups checked clean before restoring
	// Logging and monitoring: the CPG goals of log collection and secure
	// log storage; insurers ask about EDR and log retention.
	"PR.PS-04": 9, // logs kept and collected
	"DE.CM":    6,
	"DE.CM-01": 8, // network monitoring
	"DE.CM-03": 7, // unusual account activity
	"DE.CM-09": 9, // endpoint detection (EDR)
	// Incident response: the CPG goals of incident response plans and
	// incident reporting; insurers ask for a tested plan.
	"RS.MA":    6,
	"RS.MA-01": 9, // response plan followed
	"RS.MA-02": 7, // triage
	"RS.MI":    6,
	"RS.MI-01": 8, // containment
	"RS.MI-02": 7, // eradication
	// Asset inventory: the first CPG goal; nothing above can be checked
	// without it.
	"ID.AM-01": 9, // hardware inventory
	"ID.AM-02": 9, // software inventory
}

// DefaultWeights gives every subcategory of cat its default consortium
// weight. It starts from the catalog's own weight, doubled so the catalog's
// 1..3 becomes 2..6 on the 0..10 scale (leaving room below an ordinary
// control for a coordinator to lower it without removing it), capped at 10.
// The priority controls above are then raised to their value. A
// subcategory of another framework gets the priority of the CSF 2.0
// subcategories it maps to (Subcategory.MapsTo). A nil catalog has no
// weights.
func DefaultWeights(cat *frameworks.Catalog) map[string]int {
	if cat == nil {
		return map[string]int{}
	}
	subs := cat.Subcategories()
	out := make(map[string]int, len(subs))
	for _, s := range subs {
		w := min(2*s.Weight, MaxWeight)
		w = max(w, priorityOf(s.ID), priorityOf(s.CategoryID))
		for _, m := range s.MapsTo {
			w = max(w, priorityOf(m), priorityOf(categoryOf(m)))
		}
		out[s.ID] = w
	}
	return out
}

func priorityOf(id string) int { return priorityWeights[id] }

// categoryOf is the category part of a CSF-style subcategory id:
// "PR.AA-01" → "PR.AA". An id without a '-' is returned as is.
func categoryOf(id string) string {
	if i := strings.LastIndexByte(id, '-'); i > 0 {
		return id[:i]
	}
	return id
}

// CheckWeights validates weights a coordinator saves for cat: every id must
// be a subcategory of cat and every weight a whole number in 0..10. The
// error names every bad entry, in id order, so the form can say what to
// fix. Ids left out are fine: they keep their default.
func CheckWeights(cat *frameworks.Catalog, weights map[string]int) error {
	ids := make([]string, 0, len(weights))
	for id := range weights {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var bad []string
	for _, id := range ids {
		w := weights[id]
		known := false
		if cat != nil {
			_, known = cat.Subcategory(id)
		}
		switch {
		case !known:
			bad = append(bad, fmt.Sprintf("%q is not a subcategory of the catalog", id))
		case w < 0 || w > MaxWeight:
			bad = append(bad, fmt.Sprintf("%s: weight %d is outside 0..%d", id, w, MaxWeight))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("weights: %s", strings.Join(bad, "; "))
	}
	return nil
}

// effectiveWeights turns a consortium's saved weights into one weight per
// subcategory of ix, in catalog order. Missing ids take the default; ids
// the catalog does not have are ignored and values are clamped to 0..10:
// weights are checked when saved (CheckWeights), and a stale row left by a
// catalog change must not take the dashboard down. nil means the defaults.
func effectiveWeights(cat *frameworks.Catalog, ix *catalogIndex, weights map[string]int) []int {
	def := DefaultWeights(cat)
	out := make([]int, len(ix.ids))
	for i, id := range ix.ids {
		w, ok := weights[id]
		if !ok {
			w = def[id]
		}
		out[i] = min(max(w, 0), MaxWeight)
	}
	return out
}
