package views

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// ComparePage is the consortium comparison dashboard of one cycle.
type ComparePage struct {
	Page
	CycleName  string
	Cycles     []Option
	Sorts      []Option
	Columns    []HeatColumn
	Rows       []HeatRow
	Functions  []DistributionRow
	Chart      Chart
	Completion []CompletionRow
	CSVHref    string
	// SpreadCSVHref downloads the numbers behind the spread chart.
	SpreadCSVHref string
	Baseline      int
	// CanBrief shows the consortium briefing form (coordinators and
	// consortium-wide board officials).
	CanBrief bool
	CycleID  string
}

// HeatColumn is a category column of the heatmap.
type HeatColumn struct{ ID, Name string }

// HeatRow is one member's row of the heatmap.
type HeatRow struct {
	Name, Href string
	Overall    HeatCell
	Cells      []HeatCell
}

// HeatCell is one coloured cell; Level is 0 when there is no score.
type HeatCell struct {
	Text  string
	Level int
	Href  string
}

// heatClasses are built once: a 500-member heatmap has 11,000 cells.
var heatClasses = [...]string{"heat heat-none", "heat heat-1", "heat heat-2", "heat heat-3", "heat heat-4", "heat heat-5", "heat heat-6", "heat heat-7"}

func (c HeatCell) class() string {
	if c.Level < 0 || c.Level >= len(heatClasses) {
		return heatClasses[0]
	}
	return heatClasses[c.Level]
}

// DistributionRow is the spread of one function's scores over members.
type DistributionRow struct {
	ID, Name                 string
	Min, Q1, Median, Q3, Max string
	Count                    int
}

// CompletionRow says how far a member is.
type CompletionRow struct {
	Name, Href, Status, StatusLabel string
	Completion                      float64
}

// WeakestPage is the weakest-link report of one cycle.
type WeakestPage struct {
	Page
	CycleName     string
	Cycles        []Option
	Baseline      int
	Subcategories []FloorRow
	Holders       []HolderRow
	Opportunities []OpportunityRow
	AcceptedRisks []AcceptedRow
	Ranking       []RankRow
}

// FloorRow is one subcategory of the weakest-link table.
type FloorRow struct {
	ID, Question, Floor, Median string
	Weight, Answered, Below     int
	Exposed                     int
	BelowNames                  string
}

// HolderRow is a member that holds the consortium's floor somewhere.
type HolderRow struct {
	Name                           string
	UniqueMinimum, HighConsequence int
	Where                          string
}

// OpportunityRow is a what-if, in words.
type OpportunityRow struct {
	Sentence string
	Impact   int
}

// AcceptedRow lists one member's formally accepted risks: open exposure.
type AcceptedRow struct {
	Member string
	IDs    []string
}

func (a AcceptedRow) list() string { return strings.Join(a.IDs, ", ") }

func itoa(n int) string { return strconv.Itoa(n) }

// heatCells writes a row's cells directly: a 500-member heatmap has 11,000
// of them, and templ's class and text handling cost several allocations
// each. Texts and links are escaped here as templ would; classes come from
// a fixed list.
func heatCells(cells []HeatCell) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		for _, c := range cells {
			parts := [...]string{`<td class="`, c.class(), `">`, "", "", "", templ.EscapeString(c.Text), "", "</td>"}
			if c.Href != "" {
				parts[3], parts[4], parts[5], parts[7] = `<a href="`, templ.EscapeString(string(templ.URL(c.Href))), `">`, "</a>"
			}
			for _, part := range parts {
				if _, err := io.WriteString(w, part); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
