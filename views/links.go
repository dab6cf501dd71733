package views

// LinksPage shows the interconnections between members: the graph, the
// list of links, what reaches each member through them, and the ranking by
// blast radius × weakness. Coordinators also add and delete links.
type LinksPage struct {
	Page
	CycleName string
	Cycles    []Option
	Baseline  int
	Chart     Chart
	Links     []LinkRow
	Exposures []ExposureRow
	Ranking   []RankRow
	// CanEdit shows the form and the delete buttons (coordinators).
	CanEdit bool
	Form    LinkForm
}

// LinkRow is one recorded link.
type LinkRow struct {
	From, To, Kind, Note string
	Criticality          string
	Direction            string
	// DeleteAction is where the delete button posts to.
	DeleteAction string
}

// ExposureRow is what reaches one member through its links.
type ExposureRow struct {
	Member      string
	Overall     HeatCell
	Exposure    int
	BlastRadius int
	Links       int
	Top         []WeaknessRow
	More        int
}

// WeaknessRow is one weakness of a neighbour that reaches a member.
type WeaknessRow struct {
	From, SubcategoryID, Question, Level, Kind string
	Score                                      int
}

// RankRow is a member ranked by the harm its weakness can spread.
type RankRow struct {
	Rank                         int
	Member                       string
	BlastRadius, Weakness, Score int
}

// LinkForm is the "Add a link" form, with the values and errors of a
// refused attempt.
type LinkForm struct {
	Error                            string
	From, To, Kinds, Criticalities   []Option
	FromErr, ToErr, KindErr, CritErr string
	Directed                         bool
	Note                             Field
}
