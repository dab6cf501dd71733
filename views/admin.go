package views

// AccountPage is the signed-in person's own account.
type AccountPage struct {
	Page
	Name, Email   string
	Roles         []string
	HasTOTP       bool
	TOTPRequired  bool
	Password      []Field
	PasswordError string
}

// TOTPPage sets up the second factor.
type TOTPPage struct {
	Page
	Enabled bool
	Secret  string // grouped in fours for typing
	URI     string // otpauth:// link for authenticator apps on the same device
	Code    Field
	Error   string
}

// MembersPage lists the consortium's members and adds new ones.
type MembersPage struct {
	Page
	Members []MemberRow
	Fields  []Field
	Kinds   []Option
	KindErr string
	Error   string
}

// MemberRow is one member in a list.
type MemberRow struct {
	Name, Kind, Href string
	Population       string
	Status           string // assessment status in the current cycle
	StatusLabel      string
	Completion       float64
	Score            string
	ResultsHref      string
}

// AccountsPage lists accounts and invites people.
type AccountsPage struct {
	Page
	Accounts   []AccountRow
	Invite     []Field
	Roles      []Option
	Members    []Option
	RoleErr    string
	MemberErr  string
	Error      string
	NewLink    string // a link just created, shown once
	NewLinkFor string
	MailSent   bool
}

// AccountRow is one account with what can be done to it.
type AccountRow struct {
	ID       int64
	Name     string
	Email    string
	Roles    string
	Disabled bool
	HasTOTP  bool
	Self     bool
}

// SettingsPage edits the consortium's settings.
type SettingsPage struct {
	Page
	Name          Field
	DefaultTarget []Option
	TargetErr     string
	ShareNames    bool
	RequireTOTP   bool
	Version       int
	Error         string
}

// AuditPage shows the audit log with filters.
type AuditPage struct {
	Page
	Actor, Action string
	Members       []Option
	Events        []EventRow
	Limit         int
}

// EventRow is one audit event as shown.
type EventRow struct {
	At, Actor, Action, Member, Target, Detail, IP string
}

// ConsortiumPage is the coordinator's and board's view of all members in
// the current cycle.
type ConsortiumPage struct {
	Page
	Name      string
	CycleName string
	Members   []MemberRow
	Submitted int
	// Frameworks are imported frameworks the consortium can be read by.
	Frameworks []NavLink
	// Pooling is a sentence on today vs projected with the recorded
	// shared-service enrolments; empty when nobody is enrolled.
	Pooling string
}

func (v AuditPage) actorField() Field {
	return Field{ID: "actor", Name: "actor", Label: "Person (email contains)", Value: v.Actor}
}

func (v AuditPage) actionField() Field {
	return Field{ID: "action", Name: "action", Label: "Action starts with", Value: v.Action, Hint: "For example answer. or login."}
}
