package views

// ExercisesPage lists the consortium's tabletop exercises, newest first,
// with their findings; coordinators also record exercises and mark
// findings done.
type ExercisesPage struct {
	Page
	Exercises []ExerciseView
	// CanEdit shows the form and the buttons (coordinators).
	CanEdit bool
	Form    ExerciseForm
}

// ExerciseView is one exercise.
type ExerciseView struct {
	HeadingID    string
	Date, Title  string
	Scenario     string
	Members      []string
	Findings     []FindingView
	DeleteAction string
}

// FindingView is one finding and its follow-up action.
type FindingView struct {
	SubcategoryID, Question string
	Text, Member, Due       string
	Status, StatusLabel     string
	// Action is where the status button posts; NextStatus and
	// ButtonLabel are what it does.
	Action, NextStatus, ButtonLabel string
}

// ExerciseForm records an exercise, with the values and errors of a
// refused attempt.
type ExerciseForm struct {
	Error       string
	Date, Title Field
	Scenario    ExerciseText
	Members     []ExerciseMember
	MembersErr  string
	Findings    []FindingFields
}

// ExerciseText is a labelled multi-line field.
type ExerciseText struct {
	ID, Name, Label, Hint, Value, Error string
	MaxLength                           int
}

// ExerciseMember is one checkbox of a group.
type ExerciseMember struct {
	ID, Value, Label string
	Checked          bool
}

// FindingFields are the inputs of one finding row of the form.
type FindingFields struct {
	Legend                 string
	Subcategory, Text, Due Field
	MemberID, MemberName   string // the select's id and name
	MemberErr              string
	Members                []Option
}

// AgreementPage is the form that records an agreement (an MOU or SLA)
// behind a service.
type AgreementPage struct {
	Page
	Service, ServiceHref string
	Action               string
	Error                string
	Title, Parties       Field
	StartsOn, EndsOn     Field
	Renewal, DocumentURL Field
}

func (t ExerciseText) describedBy() string {
	ids := ""
	if t.Hint != "" {
		ids = t.ID + "-hint"
	}
	if t.Error != "" {
		if ids != "" {
			ids += " "
		}
		ids += t.ID + "-error"
	}
	return ids
}
