package views

// ImportPage uploads a filled-in CSV, shows what was wrong with it, or
// previews what it will change before the person confirms.
type ImportPage struct {
	Page
	Header     AssessmentHeader
	Errors     []string // one per problem, "line 14, column level: ..."
	Changes    []ImportChange
	Unchanged  int
	Token      string // set on a preview: confirming applies it
	MaxKB      int
	MaxRows    int
	ExportHref string
}

// ImportChange is one answer the import will change.
type ImportChange struct {
	ID, Question, Before, After string
}
