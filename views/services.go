package views

// ServicesPage lists the consortium's shared services.
type ServicesPage struct {
	Page
	Services []ServiceRow
	CanEdit  bool
	// MemberName is set for an IT lead: the rows then show their member's
	// enrolment and a button to ask to join.
	MemberName string
}

// ServiceRow is one service in the list.
type ServiceRow struct {
	Name, Href, Status, Provider string
	Covers                       string // "MFA (PR.AA-03) to 6, ..."
	Cost                         string // a year, for the members enrolled
	Enrolled, Requested          int
	// For an IT lead: their member's state ("Enrolled", "Requested", "")
	// and where to post a request.
	MyState       string
	RequestAction string
}

// ServicePage shows one service: what it lifts, who is enrolled, what it
// costs each of them and the agreements behind it.
type ServicePage struct {
	Page
	ID                              int64
	Name, Description, Provider     string
	ProviderKind, Status, CostModel string
	Standalone                      string
	Lifts                           []LiftRow
	CanEdit                         bool
	EditHref, DeleteAction          string

	// Enrolment: one checkbox per member.
	EnrolAction string
	Members     []EnrolRow
	// EnrolBase identifies the enrolled set the form shows, so a save over
	// someone else's change is refused; EnrolError says so.
	EnrolBase  string
	EnrolError string

	// Effect of this service alone on the consortium, today vs enrolled.
	Effect []ProjectionRow

	// Cost sharing among the enrolled members.
	Rule       string
	Total      string
	Shares     []ShareRow
	NoBasis    string // members paying nothing for want of a basis
	ShareError string
	SharesCSV  string

	Agreements   []AgreementRow
	AgreementNew string
}

// LiftRow is one subcategory a service lifts.
type LiftRow struct {
	ID, Name, Level string
	Href            string
}

// EnrolRow is one member's checkbox on the enrolment form.
type EnrolRow struct {
	ID        int64
	Name      string
	Checked   bool
	Requested bool
	// Helps says what the service would lift for this member ("3 of 4
	// controls below the baseline"), empty when it lifts nothing.
	Helps string
}

// ShareRow is one member's share of a service's cost.
type ShareRow struct {
	Name, Share, Alone, Saving string
}

// AgreementRow is one MOU or SLA behind a service.
type AgreementRow struct {
	Title, Parties, Dates, Renewal string
	DocumentURL                    string
	DeleteAction                   string
}

// ServiceFormPage adds or edits a service.
type ServiceFormPage struct {
	Page
	Heading, Action string
	Version         int
	Text            []Field
	Description     Field
	Lifts           Field
	ProviderKind    []Option
	ProviderKindErr string
	Status          []Option
	StatusErr       string
	Money           []Field
	Rule            []Option
	RuleErr         string
	Blend           []Field
	Error           string
	Cancel          string
}

// ProjectionRow is one line of a today-versus-projected table.
type ProjectionRow struct {
	Name                         string
	FloorToday, FloorProjected   string
	MedianToday, MedianProjected string
	BelowToday, BelowProjected   string
	FloorChange, MedianChange    string
	BelowChange                  string
	Improves                     bool
}

// PoolingPage is the plan of pooled services: the consortium today and as
// projected with everyone enrolled as recorded, and the optimiser.
type PoolingPage struct {
	Page
	CycleName string
	CycleID   int64
	Cycles    []Option
	Baseline  int
	Rows      []ProjectionRow
	Chart     Chart
	PlanCost  string
	InPlan    []PlanServiceRow
	GapToday  string
	GapAfter  string

	// Optimiser form and results.
	Budget      Field
	Choices     []PlanChoiceField
	Ran         bool
	OptError    string
	Plans       []PlanRow
	MembersNote string
}

// PlanServiceRow is one service in the recorded plan.
type PlanServiceRow struct {
	Name, Href, Status, Cost string
	Members                  int
}

// PlanChoiceField lets the coordinator pin or exclude a service.
type PlanChoiceField struct {
	Key, Name string
	Options   []Option
}

// PlanRow is one plan the optimiser proposes.
type PlanRow struct {
	Rank                    int
	Cost, CostPerMember     string
	MembersHelped           string
	FloorBefore, FloorAfter string
	BelowBefore, BelowAfter string
	GapReduced              string
	Services                []PlanStep
}

// PlanStep is one service of a proposed plan.
type PlanStep struct {
	Name, Cost, Members, GapReduced string
}

// MemberServicesPage is a member's view of the pooled services: what it
// uses, what it asked for, what would help it, and its share of the cost.
type MemberServicesPage struct {
	Page
	MemberName string
	Using      []MemberServiceRow
	Requested  []MemberServiceRow
	Suggested  []MemberServiceRow
	CanRequest bool
	TotalShare string
}

// MemberServiceRow is one service as a member sees it.
type MemberServiceRow struct {
	Name, Description, Provider string
	Covers                      string
	Share, Alone                string
	ShareNote                   string // why the share is not known
	Helps                       string
	RequestAction               string
}
