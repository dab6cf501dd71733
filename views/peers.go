package views

// PeersPage shows one member's position among the consortium's members.
// Other members appear under anonymous labels unless names are shared.
type PeersPage struct {
	Page
	Header    AssessmentHeader
	CycleName string
	Cycles    []Option
	Named     bool // other members are shown by name
	Functions []PeerFunctionRow
	Chart     Chart
	Peers     []PeerRow
	Holds     []PeerHoldRow
	Gaps      []PeerGapRow
	Baseline  int
}

// PeerFunctionRow is the member's score in a function against everyone's.
type PeerFunctionRow struct {
	ID, Name, Ours, Median, Lowest, Highest, Percentile string
}

// PeerRow is one member in the list of peers.
type PeerRow struct {
	Label, Overall string
	Completion     float64
	Self           bool
}

// PeerHoldRow is a question where the member holds the consortium's floor.
type PeerHoldRow struct {
	ID, Question string
	Level        int
	Why          string
}

// PeerGapRow says what the other members do where this one is below the
// baseline: levels only, never their notes.
type PeerGapRow struct {
	ID, Question string
	Level        int
	AtBaseline   int
	Others       int
	Median       string
}
