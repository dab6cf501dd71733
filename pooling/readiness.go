package pooling

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"palisade/assessments"
	"palisade/frameworks"
)

// Insurance readiness. Municipal joint insurance funds and cyber risk pools
// increasingly grade members in cumulative tiers of cyber hygiene, paying
// an incentive (part of a cyber deductible reimbursed, say) at each tier.
// A checklist states each tier's requirements and which answers of the
// assessment show them. A member certifies each requirement ("yes", "no"
// or "not applicable"), and Readiness sets the certification against the
// assessment, so a "yes" the assessment does not back is flagged before
// the insurer finds it.

// Tier is one level of a checklist. Tiers are cumulative: reaching tier 2
// needs every requirement of tiers 1 and 2.
type Tier struct {
	Number      int    `json:"tier"` // 1..N, in order
	Name        string `json:"name"`
	Description string `json:"description"`
	// Incentive is what the pool pays a member at this tier, in cents a
	// year (for example part of a cyber deductible reimbursed).
	Incentive int64 `json:"incentive"`
}

// Requirement is one item of a checklist.
type Requirement struct {
	Key         string `json:"key"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Tier        int    `json:"tier"`
	// Evidence are the subcategories, each with a minimum level, that show
	// the requirement in an assessment. All of them must be met.
	Evidence []Lift `json:"evidence"`
}

// Checklist is a risk pool's tiers and requirements.
type Checklist struct {
	Name         string        `json:"name"`
	Source       string        `json:"source"`
	Tiers        []Tier        `json:"tiers"`
	Requirements []Requirement `json:"requirements"`
}

// Requirement returns the requirement with the given key.
func (cl Checklist) Requirement(key string) (Requirement, bool) {
	i := slices.IndexFunc(cl.Requirements, func(r Requirement) bool { return r.Key == key })
	if i < 0 {
		return Requirement{}, false
	}
	return cl.Requirements[i], true
}

// Tier returns tier n (1..N).
func (cl Checklist) Tier(n int) (Tier, bool) {
	if n < 1 || n > len(cl.Tiers) {
		return Tier{}, false
	}
	return cl.Tiers[n-1], true
}

// ParseChecklist decodes a checklist (as data/insurance.json) strictly and
// validates it against a catalog and scale: tiers numbered 1..N in order,
// each with at least one requirement; unique requirement keys; every
// evidence subcategory in the catalog, once per requirement, at a level of
// the scale.
func ParseChecklist(cat *frameworks.Catalog, scale *frameworks.Scale, b []byte) (Checklist, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var cl Checklist
	if err := dec.Decode(&cl); err != nil {
		return Checklist{}, fmt.Errorf("checklist: %w", err)
	}
	var bad []string
	fail := func(path, format string, args ...any) { bad = append(bad, path+": "+fmt.Sprintf(format, args...)) }
	text := func(path, s string, max int) {
		switch {
		case strings.TrimSpace(s) == "":
			fail(path, "empty")
		case strings.ContainsRune(s, utf8.RuneError):
			fail(path, "not valid UTF-8")
		case utf8.RuneCountInString(s) > max:
			fail(path, "longer than %d characters", max)
		}
	}
	text("name", cl.Name, MaxServiceName)
	if len(cl.Tiers) == 0 {
		fail("tiers", "none")
	}
	perTier := make([]int, len(cl.Tiers)+1)
	for i, t := range cl.Tiers {
		p := fmt.Sprintf("tiers[%d]", i)
		if t.Number != i+1 {
			fail(p+".tier", "%d, want %d: tiers are numbered 1, 2, 3, ... in order", t.Number, i+1)
		}
		text(p+".name", t.Name, MaxServiceName)
		if t.Incentive < 0 {
			fail(p+".incentive", "negative")
		}
	}
	seen := map[string]bool{}
	for i, r := range cl.Requirements {
		p := fmt.Sprintf("requirements[%d]", i)
		if !keyPattern.MatchString(r.Key) {
			fail(p+".key", "%q is not a key ([a-z0-9-], 1..40)", r.Key)
		}
		if seen[r.Key] {
			fail(p+".key", "duplicate %q", r.Key)
		}
		seen[r.Key] = true
		text(p+".title", r.Title, MaxServiceName)
		text(p+".description", r.Description, MaxServiceDescription)
		if r.Tier < 1 || r.Tier > len(cl.Tiers) {
			fail(p+".tier", "%d is not a tier (1..%d)", r.Tier, len(cl.Tiers))
		} else {
			perTier[r.Tier]++
		}
		if len(r.Evidence) == 0 {
			fail(p+".evidence", "none: say which answers show the requirement")
		}
		subs := map[string]bool{}
		for j, e := range r.Evidence {
			ep := fmt.Sprintf("%s.evidence[%d]", p, j)
			known := false
			if cat != nil {
				_, known = cat.Subcategory(e.SubcategoryID)
			}
			if !known {
				fail(ep+".subcategory", "%q is not a subcategory of the catalog", e.SubcategoryID)
			}
			if subs[e.SubcategoryID] {
				fail(ep+".subcategory", "%s listed twice", e.SubcategoryID)
			}
			subs[e.SubcategoryID] = true
			if !validLevel(scale, e.Level) {
				fail(ep+".level", "%d is not a level of the scale", e.Level)
			}
		}
	}
	for t := 1; t <= len(cl.Tiers); t++ {
		if perTier[t] == 0 {
			fail(fmt.Sprintf("tiers[%d]", t-1), "no requirements: the tier would be free")
		}
	}
	if len(bad) > 0 {
		return Checklist{}, fmt.Errorf("checklist: %s", strings.Join(bad, "; "))
	}
	return cl, nil
}

var defaultChecklist = sync.OnceValues(func() (Checklist, error) {
	b, err := data.ReadFile("data/insurance.json")
	if err != nil {
		return Checklist{}, fmt.Errorf("read embedded insurance checklist: %w", err)
	}
	cl, err := ParseChecklist(frameworks.CSF20(), frameworks.NCSR(), b)
	if err != nil {
		return Checklist{}, fmt.Errorf("embedded insurance checklist: %w", err)
	}
	return cl, nil
})

// DefaultChecklist is the readiness checklist Palisade ships
// (data/insurance.json), validated against CSF 2.0 and the NCSR scale when
// first loaded. The embedded data is checked by tests, so a failure here is
// a build defect and panics. Each call returns a fresh copy.
func DefaultChecklist() Checklist {
	cl, err := defaultChecklist()
	if err != nil {
		panic(err)
	}
	cl.Tiers = slices.Clone(cl.Tiers)
	cl.Requirements = slices.Clone(cl.Requirements)
	for i := range cl.Requirements {
		cl.Requirements[i].Evidence = slices.Clone(cl.Requirements[i].Evidence)
	}
	return cl
}

// Certification answers.
const (
	CertYes = "yes"
	CertNo  = "no"
	CertNA  = "na"
)

// MaxReason is the longest reason a certification may carry, in characters.
const MaxReason = 2000

// Certification is a member's own statement on one requirement. "no" and
// "na" need a written reason: the insurer reads it.
type Certification struct {
	RequirementKey string
	Answer         string // CertYes, CertNo or CertNA
	Reason         string
}

// CheckCertification validates one certification; nil when fine. Fields:
// "requirement", "answer", "reason".
func CheckCertification(cl Checklist, c Certification) FieldErrors {
	errs := FieldErrors{}
	if _, ok := cl.Requirement(c.RequirementKey); !ok {
		errs["requirement"] = fmt.Sprintf("%q is not a requirement of the %s checklist.", clip(c.RequirementKey), cl.Name)
	}
	reason := strings.TrimSpace(c.Reason)
	switch {
	case !utf8.ValidString(c.Reason) || strings.ContainsRune(c.Reason, utf8.RuneError):
		errs["reason"] = "The reason contains characters that are not valid text (invalid UTF-8). Please retype it."
	case utf8.RuneCountInString(reason) > MaxReason:
		errs["reason"] = fmt.Sprintf("The reason is %d characters long; the limit is %d.", utf8.RuneCountInString(reason), MaxReason)
	}
	switch c.Answer {
	case CertYes:
	case CertNo, CertNA:
		if reason == "" && errs["reason"] == "" {
			if c.Answer == CertNA {
				errs["reason"] = "Explain why this requirement does not apply to your organisation."
			} else {
				errs["reason"] = "Explain what is missing and what you plan to do about it."
			}
		}
	default:
		errs["answer"] = "Answer yes, no or not applicable."
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// ItemStatus is where a member stands on one requirement.
type ItemStatus string

// Item statuses. Only met and not applicable count towards a tier.
const (
	// ItemMet: the assessment meets every evidence level and the member
	// certified yes.
	ItemMet ItemStatus = "met"
	// ItemNotApplicable: the member certified the requirement does not
	// apply, with a reason. It counts as met for the tier.
	ItemNotApplicable ItemStatus = "not-applicable"
	// ItemNeedsCertification: the assessment meets it, but the member has
	// not certified it yet.
	ItemNeedsCertification ItemStatus = "needs-certification"
	// ItemDisagrees: the certification and the assessment disagree: a
	// "yes" the assessment does not back, or a "no" where the assessment
	// says it is in place. Either must be corrected before it counts.
	ItemDisagrees ItemStatus = "disagrees"
	// ItemMissing: the assessment does not meet it and nobody claims it does.
	ItemMissing ItemStatus = "missing"
)

// Counts reports whether the status counts towards a tier.
func (s ItemStatus) Counts() bool { return s == ItemMet || s == ItemNotApplicable }

// Shortfall is one evidence subcategory an assessment falls short on.
type Shortfall struct {
	SubcategoryID string
	Required      int
	// Level is the member's score (0: unanswered). NotApplicable and
	// Accepted say why a level that looks high enough still falls short:
	// an N/A answer has no level, and a formally accepted risk is a
	// decision not to have the control.
	Level         int
	NotApplicable bool
	Accepted      bool
}

// Fix is a service that would close a requirement on its own.
type Fix struct {
	ServiceKey, Name string
	// Enrolled: the member is already enrolled, so its assessment has not
	// caught up with the service yet (or the service is not delivering).
	Enrolled bool
}

// Item is one requirement and where the member stands on it.
type Item struct {
	Requirement Requirement
	Status      ItemStatus
	// Certified is the member's answer ("" when it has not certified, or
	// its certification is not valid) and Reason its reason.
	Certified, Reason string
	// AssessmentMeets: every evidence subcategory is answered at or above
	// its level. Shortfalls lists those that are not.
	AssessmentMeets bool
	Shortfalls      []Shortfall
	// ClosedBy lists the services, in the order given, that would close
	// every shortfall on their own (see Readiness). Empty when the
	// assessment already meets the requirement or it is not applicable.
	ClosedBy []Fix
}

// MemberReadiness is one member's standing against a checklist.
type MemberReadiness struct {
	Items []Item // in checklist order
	// Tier is the highest tier whose requirements, and those of every
	// lower tier, are all met or not applicable; 0 when none.
	Tier     int
	TierName string
	// NextTier is Tier + 1, or 0 at the top tier. NextMissing lists what
	// stands in its way (its items that do not count yet) and AtStake its
	// incentive in cents.
	NextTier     int
	NextTierName string
	NextMissing  []Item
	AtStake      int64
}

// Item returns the member's standing on one requirement.
func (r MemberReadiness) Item(key string) (Item, bool) {
	i := slices.IndexFunc(r.Items, func(it Item) bool { return it.Requirement.Key == key })
	if i < 0 {
		return Item{}, false
	}
	return r.Items[i], true
}

// Readiness sets one member's assessment and certifications against a
// checklist.
//
// An evidence subcategory is met by an answer at or above its level that
// is not N/A and not a formally accepted risk: an insurer asks whether the
// control is in place, and an accepted risk says it is not. Answers are
// read as Score reads them (the last answer to an id wins). A
// certification that fails CheckCertification counts as none. For every
// requirement the assessment does not meet, the services that would close
// it are listed: those whose lifts bring every shortfall to its level
// under the rule of Project (an N/A answer stays N/A, so no service closes
// it). enrolled says which service keys the member is enrolled in.
func Readiness(cl Checklist, answers []assessments.Answer, certs []Certification, services []Service, enrolled map[string]bool) MemberReadiness {
	byID := make(map[string]assessments.Answer, len(answers))
	for _, a := range answers {
		byID[a.SubcategoryID] = a
	}
	certified := map[string]Certification{}
	for _, c := range certs {
		if CheckCertification(cl, c) == nil {
			certified[c.RequirementKey] = c
		}
	}

	var r MemberReadiness
	for _, req := range cl.Requirements {
		it := Item{Requirement: req, AssessmentMeets: true}
		for _, e := range req.Evidence {
			a, ok := byID[e.SubcategoryID]
			if ok && !a.NotApplicable && !a.RiskAccepted && a.Score >= e.Level && a.Score > 0 {
				continue
			}
			it.AssessmentMeets = false
			sf := Shortfall{SubcategoryID: e.SubcategoryID, Required: e.Level}
			if ok {
				sf.NotApplicable = a.NotApplicable
				sf.Accepted = a.RiskAccepted && !a.NotApplicable && a.Score > 0
				if !a.NotApplicable {
					sf.Level = max(a.Score, 0)
				}
			}
			it.Shortfalls = append(it.Shortfalls, sf)
		}
		c, ok := certified[req.Key]
		if ok {
			it.Certified, it.Reason = c.Answer, strings.TrimSpace(c.Reason)
		}
		switch {
		case it.Certified == CertNA:
			it.Status = ItemNotApplicable
		case it.AssessmentMeets && it.Certified == CertYes:
			it.Status = ItemMet
		case it.AssessmentMeets && it.Certified == CertNo:
			it.Status = ItemDisagrees
		case it.AssessmentMeets:
			it.Status = ItemNeedsCertification
		case it.Certified == CertYes:
			it.Status = ItemDisagrees
		default:
			it.Status = ItemMissing
		}
		if !it.AssessmentMeets && it.Status != ItemNotApplicable {
			for _, s := range services {
				if closes(s, it.Shortfalls) {
					it.ClosedBy = append(it.ClosedBy, Fix{ServiceKey: s.Key, Name: s.Name, Enrolled: enrolled[s.Key]})
				}
			}
		}
		r.Items = append(r.Items, it)
	}

	for t := 1; t <= len(cl.Tiers); t++ {
		if !slices.ContainsFunc(r.Items, func(it Item) bool { return it.Requirement.Tier == t && !it.Status.Counts() }) {
			r.Tier, r.TierName = t, cl.Tiers[t-1].Name
			continue
		}
		break
	}
	if next, ok := cl.Tier(r.Tier + 1); ok {
		r.NextTier, r.NextTierName, r.AtStake = next.Number, next.Name, next.Incentive
		for _, it := range r.Items {
			if it.Requirement.Tier == next.Number && !it.Status.Counts() {
				r.NextMissing = append(r.NextMissing, it)
			}
		}
	}
	return r
}

// closes reports whether service s alone brings every shortfall to its
// required level, with the projection rule of Project.
func closes(s Service, shortfalls []Shortfall) bool {
	for _, sf := range shortfalls {
		level := 0
		for _, l := range s.Lifts {
			if l.SubcategoryID == sf.SubcategoryID {
				level = max(level, l.Level)
			}
		}
		switch {
		case level < sf.Required || sf.NotApplicable:
			return false
		case sf.Accepted && level <= sf.Level:
			return false // an accepted risk stays one unless the service is higher
		}
	}
	return len(shortfalls) > 0
}
