package views

// TrendsPage shows scores across cycles, for one member or the consortium.
type TrendsPage struct {
	Page
	Heading   string
	Lede      string
	Chart     Chart
	Columns   []string   // header of the table: the series names
	Rows      []TrendRow // one per cycle, oldest first
	Since     string     // "FY2025 to FY2026" when changes are listed
	Improved  []ChangeRow
	Regressed []ChangeRow
}

// TrendRow is one cycle's values.
type TrendRow struct {
	Cycle  string
	Values []string
}

// ChangeRow is one subcategory that moved between two cycles.
type ChangeRow struct {
	ID, Question  string
	Before, After int
}
