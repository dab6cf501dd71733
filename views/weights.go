package views

// WeightsPage edits the consortium's priority weight per question.
type WeightsPage struct {
	Page
	Functions []WeightFunction
	Error     string
}

// WeightFunction groups the weights of one function.
type WeightFunction struct {
	ID, Name string
	Rows     []WeightRow
}

// WeightRow is one question's weight input.
type WeightRow struct {
	ID, Question string
	Default      int
	Field        Field
}
