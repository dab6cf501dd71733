package views

// AssessmentHeader identifies whose assessment a page is about.
type AssessmentHeader struct {
	MemberName string
	MemberKind string
	CycleName  string
	CycleOpen  bool
	Status     string // draft, submitted, reviewed
	Base       string // URL prefix of the assessment, /members/{m}/cycles/{c}
	CanEdit    bool   // the viewer may change answers now
	Trends     string // the member's trends page
}

// StatusLabel is the status in words.
func (h AssessmentHeader) StatusLabel() string {
	switch h.Status {
	case "submitted":
		return "Submitted"
	case "reviewed":
		return "Reviewed"
	}
	return "Draft"
}

// LockReason says why answers cannot change, or "" when they can.
func (h AssessmentHeader) LockReason() string {
	switch {
	case !h.CycleOpen:
		return "The " + h.CycleName + " cycle is closed, so its answers can no longer change."
	case h.Status != "draft":
		return "This assessment has been submitted, so its answers can no longer change. A coordinator can reopen it."
	}
	return ""
}

// AssessmentPage is the overview of one assessment: functions with progress.
type AssessmentPage struct {
	Page
	Header     AssessmentHeader
	Functions  []FunctionProgress
	Answered   int
	NA         int
	Total      int
	Completion float64
	Missing    []MissingQuestion
	// Unconfirmed are answers carried over from the last cycle that the IT
	// lead has not confirmed yet; they block submission like missing ones.
	Unconfirmed []MissingQuestion
	CanSubmit   bool // the viewer may submit (role), whatever is missing
	CanReview   bool // the viewer is a coordinator and the cycle is open
	Error       string
}

// FunctionProgress is one function on the overview.
type FunctionProgress struct {
	ID, Name, Summary string
	Done, Total       int
	Completion        float64
	Categories        []CategoryProgress
}

// CategoryProgress is one category on the overview.
type CategoryProgress struct {
	ID, Name    string
	Href        string
	Done, Total int
	Completion  float64
}

// MissingQuestion is a question not yet answered, linked to its form.
type MissingQuestion struct {
	ID, Question, Href string
}

// CategoryPage lists one category's questions as answer forms.
type CategoryPage struct {
	Page
	Header       AssessmentHeader
	FunctionName string
	CategoryID   string
	CategoryName string
	Questions    []QuestionForm
	Choices      []ChoiceView
	ScaleMin     int
	ScaleMax     int
	Prev, Next   *NavLink
}

// ChoiceView is one level of the maturity scale.
type ChoiceView struct {
	Key, Name, Definition string
	Score                 int
	RequiresAcceptance    bool
}

// AnswerValues are the form's values: what is stored, or what the person
// typed when a save was refused.
type AnswerValues struct {
	Choice        string
	Target        string
	NotApplicable bool
	Justification string
	AcceptedBy    string
	Acceptance    string
	Notes         string
	Evidence      string
	Version       int
}

// QuestionForm is one subcategory's answer form.
type QuestionForm struct {
	ID           string // subcategory id, e.g. PR.AA-05
	FormID       string // HTML id, e.g. q-PR-AA-05
	Question     string
	Hint         string
	Action       string
	Values       AnswerValues
	Errors       map[string]string
	Message      string // shown at the top of the form (role=alert when an error)
	Saved        bool   // just saved (no-JS round trip)
	LastSaved    string // "by X on date", empty when never answered
	EvidenceLink string // evidence as a safe http(s) link, if it is one
	Conflict     *Conflict
	// CarriedOver is true for an answer copied from the last cycle and not
	// confirmed yet.
	CarriedOver   bool
	DefaultTarget int
	// ProvidedBy names the consortium's active shared services the member
	// takes that cover this question, with the level each brings.
	ProvidedBy []string
}

// Conflict shows both sides of a refused stale save so the person can keep
// either.
type Conflict struct {
	TheirsBy    string
	ReloadHref  string // the question's page, to drop my edit and keep theirs
	TheirsAt    string
	Theirs      AnswerValues
	TheirsLevel string
	MineLevel   string
}

func (q QuestionForm) errID(field string) string { return q.FormID + "-" + field + "-error" }

// describedBy joins the hint id and, when the field has an error, the
// error id, so screen readers announce both.
func (q QuestionForm) describedBy(field string, hint bool) string {
	ids := ""
	if hint {
		ids = q.FormID + "-" + field + "-hint"
	}
	if q.Errors[field] != "" {
		if ids != "" {
			ids += " "
		}
		ids += q.errID(field)
	}
	return ids
}

func (q QuestionForm) invalid(field string) string {
	if q.Errors[field] != "" {
		return "true"
	}
	return "false"
}

// ResultsPage shows a member's scores against targets.
type ResultsPage struct {
	Page
	Header     AssessmentHeader
	Overall    ScoreRow
	Functions  []FunctionScores
	Gaps       []GapRow
	Chart      Chart
	ScaleName  string
	Baseline   int
	Unanswered int
	// Frameworks are imported frameworks the results can also be read by.
	Frameworks []NavLink
}

// ScoreRow is a score against its target.
type ScoreRow struct {
	ID, Name        string
	Href            string
	Score, Target   float64
	Scored          bool
	Gap             float64
	Completion      float64
	Answered, Total int
}

// FunctionScores is a function's row with its categories.
type FunctionScores struct {
	ScoreRow
	Categories []ScoreRow
}

// GapRow is one of the largest gaps.
type GapRow struct {
	ID, Question string
	Href         string
	CurrentLevel string
	Current      int
	Target       int
	Gap          int
	Weight       int
}

// Chart is a chart's options and its accessible description. The options
// go into a JSON data block read by static/charts.js, never into an inline
// script.
type Chart struct {
	ID      string
	Label   string // aria-label: what the chart shows in one sentence
	Options map[string]any
	Tall    bool
}

func (c Chart) class() string {
	if c.Tall {
		return "chart chart-tall"
	}
	return "chart"
}
