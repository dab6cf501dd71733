package views

import "strings"

// InsurancePage is the consortium's risk-pool readiness: the tiers of the
// checklist, each member's tier and what the next one would take, and for
// coordinators the form that sets tier names and incentives.
type InsurancePage struct {
	Page
	CycleName     string
	ChecklistName string
	Source        string
	Tiers         []InsuranceTierRow
	Members       []InsuranceMemberRow
	// CanEdit shows the tiers form (coordinators).
	CanEdit bool
	Form    InsuranceTierForm
}

// InsuranceTierRow is one tier of the checklist with its requirements.
type InsuranceTierRow struct {
	Number       int
	Name         string
	Description  string
	Incentive    string // "$2,500.00"
	Requirements []string
}

// InsuranceMemberRow is one member's standing in the readiness table.
type InsuranceMemberRow struct {
	Member, Href string
	Tier         string // its tier's name, or "No tier yet"
	// Counts of requirements by status; Met includes not applicable.
	Met, Missing, NeedsCertification, Disagrees int
	NextTier                                    string // "" at the top tier
	NextMissing                                 []InsuranceGap
	AtStake                                     string // "" at the top tier
}

// InsuranceGap is a requirement of the next tier that does not count yet,
// with the pooled services that would close it.
type InsuranceGap struct {
	Title  string
	Status string // plain-language status, e.g. "missing"
	// Note says what would close it: the pooled services (FixesText), or
	// a certification when the assessment already shows it.
	Note string
}

// InsuranceFix is a pooled service that would close a requirement.
type InsuranceFix struct {
	Name     string
	Enrolled bool
}

// InsuranceTierForm sets the name and incentive of each tier.
type InsuranceTierForm struct {
	Error string
	// Base identifies the tiers as the form shows them, so a save made
	// over someone else's change is refused (see saveInsuranceTiers).
	Base  string
	Tiers []InsuranceTierFields
}

// InsuranceTierFields are one tier's inputs.
type InsuranceTierFields struct {
	Number          int
	Legend          string
	Name, Incentive Field
}

// MemberInsurancePage is one member's checklist: where it stands on each
// requirement and, for its IT lead, a certification form per requirement.
type MemberInsurancePage struct {
	Page
	Member        string
	MemberHref    string
	CycleName     string
	ChecklistName string
	// Summary says in one sentence the member's tier, the next tier, what
	// it still needs and the money at stake.
	Summary    string
	CanCertify bool
	// NoAssessment is set when the member has no answers in the cycle.
	NoAssessment bool
	Items        []InsuranceItem
}

// InsuranceItem is one requirement and the member's standing on it.
type InsuranceItem struct {
	Key, HeadingID     string
	Title, Description string
	Tier               string
	Status             string // pooling.ItemStatus
	StatusLabel        string
	StatusClass        string // badge class
	StatusExplain      string
	Evidence           []InsuranceEvidence
	// The stored certification ("" Answer: none).
	Answer, Reason, CertifiedBy, CertifiedAt string
	// ShowFixes: the assessment does not show the requirement, so the
	// pooled services that would close it are worth listing.
	ShowFixes bool
	Fixes     []InsuranceFix
	Form      CertificationForm
}

// InsuranceEvidence is one mapped subcategory: the member's level against
// the level the requirement needs.
type InsuranceEvidence struct {
	SubcategoryID, Question string
	Href                    string // the category page of the member's assessment
	Level, Required         string
	Meets                   bool
}

// CertificationForm certifies one requirement, with the values and errors
// of a refused attempt, or both sides of a conflict.
type CertificationForm struct {
	ID, Action, Key string
	Version         string
	Answer, Reason  string
	AnswerErr       string
	ReasonErr       string
	Error           string
	Conflict        *CertificationConflict
}

// CertificationConflict is the certification someone saved while the IT
// lead was editing.
type CertificationConflict struct {
	Answer, Reason, By, At string
}

// certAnswerLabel names a certification answer for people.
func certAnswerLabel(a string) string {
	switch a {
	case "yes":
		return "Yes"
	case "no":
		return "No"
	case "na":
		return "Not applicable"
	}
	return "Not certified"
}

func (f CertificationForm) answerDescribedBy() string {
	if f.AnswerErr != "" {
		return f.ID + "-answer-error"
	}
	return ""
}

func (f CertificationForm) reasonDescribedBy() string {
	ids := f.ID + "-reason-hint"
	if f.ReasonErr != "" {
		ids += " " + f.ID + "-reason-error"
	}
	return ids
}

// FixesText says which pooled services would close a requirement.
func FixesText(fixes []InsuranceFix) string {
	if len(fixes) == 0 {
		return "No pooled service of the consortium closes it yet."
	}
	parts := make([]string, len(fixes))
	for i, f := range fixes {
		parts[i] = f.Name
		if f.Enrolled {
			parts[i] += " (already enrolled)"
		}
	}
	return "Pooled services that would close it: " + strings.Join(parts, ", ") + "."
}
