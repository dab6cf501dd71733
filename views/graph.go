package views

import (
	"math"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// GraphNode is one member in the interconnection graph.
type GraphNode struct {
	Name string
	// Score is the member's overall score; without Scored the node is
	// drawn as "no score" (white), never as level 0.
	Score  float64
	Scored bool
	// Population sizes the node, within bounds so a county does not
	// swallow a village.
	Population int
}

// GraphEdge is one link between two nodes, by index in the node list.
type GraphEdge struct {
	From, To int
	// Label is drawn on the edge (a short name of the link kind).
	Label string
	// Criticality 1..3 sets the line's width.
	Criticality int
	// Directed draws an arrow at To: weakness travels From → To only.
	Directed bool
}

// scoreColors are the heatmap's colours (static/app.css .heat-1 … .heat-7):
// one blue hue from dark (weak) to pale (strong), which reads the same for
// the common colour-vision deficiencies and stays ordered in greyscale.
var scoreColors = [...]string{"#08306b", "#08519c", "#2171b5", "#6baed6", "#9ecae1", "#c6dbef", "#eff3ff"}

// noScoreColor is the fill of a member without a score (.heat-none).
const noScoreColor = "#ffffff"

// ScoreBand is the heatmap level (1..7) a score is coloured as, or 0 for
// no score.
func ScoreBand(score float64, ok bool) int {
	if !ok {
		return 0
	}
	return max(1, min(7, int(score+0.5)))
}

// nodeSize maps a population to a symbol diameter in pixels, on a log
// scale bounded to 16..56.
func nodeSize(population int) float64 {
	if population <= 1 {
		return 16
	}
	return math.Round(max(16, min(56, 9*math.Log10(float64(population))-8)))
}

// graphNode and graphLink are written out by hand because go-echarts'
// GraphNode has no label and its GraphLink has no per-link symbol (arrow).
type graphNode struct {
	Name       string          `json:"name"`
	Value      any             `json:"value,omitempty"`
	Category   int             `json:"category"`
	SymbolSize float64         `json:"symbolSize"`
	ItemStyle  *opts.ItemStyle `json:"itemStyle"`
	Label      *opts.Label     `json:"label,omitempty"`
}

type graphLink struct {
	Source    int             `json:"source"`
	Target    int             `json:"target"`
	Symbol    [2]string       `json:"symbol"`
	Label     *opts.EdgeLabel `json:"label,omitempty"`
	LineStyle *opts.LineStyle `json:"lineStyle"`
}

// GraphChart builds the options of the interconnection graph: members as
// nodes coloured by overall score (the heatmap's scale, with a legend of
// score bands), sized by population, and links as edges labelled with
// their kind, thicker when more critical, with an arrow when weakness
// travels one way only. Like BarChart it returns options only, drawn by
// static/charts.js from a JSON data block; names are never put into an
// inline script.
func GraphChart(id, label string, nodes []GraphNode, edges []GraphEdge) Chart {
	g := charts.NewGraph()
	g.SetGlobalOptions(
		charts.WithAnimation(false),
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true)}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
	)
	// One category per score band, so the legend explains the colours.
	categories := make([]*opts.GraphCategory, 0, len(scoreColors)+1)
	categories = append(categories, &opts.GraphCategory{Name: "No score", ItemStyle: &opts.ItemStyle{Color: noScoreColor, BorderColor: "#555555", BorderWidth: 1}})
	for i, c := range scoreColors {
		categories = append(categories, &opts.GraphCategory{Name: "Overall level " + itoa(i+1), ItemStyle: &opts.ItemStyle{Color: c, BorderColor: "#333333", BorderWidth: 1}})
	}
	g.AddSeries("Members", nil, nil,
		charts.WithGraphChartOpts(opts.GraphChart{
			Layout:     "circular",
			Roam:       opts.Bool(false),
			Categories: categories,
			EdgeLabel:  &opts.EdgeLabel{Show: opts.Bool(true), FontSize: 11, Color: "#222222"},
		}),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right", Color: "#111111", Formatter: "{b}"}),
	)
	ns := make([]graphNode, len(nodes))
	for i, n := range nodes {
		band := ScoreBand(n.Score, n.Scored)
		node := graphNode{Name: n.Name, Category: band, SymbolSize: nodeSize(n.Population),
			ItemStyle: &opts.ItemStyle{Color: noScoreColor, BorderColor: "#555555", BorderWidth: 1}}
		if n.Scored {
			node.Value = math.Round(n.Score*10) / 10
			node.ItemStyle.Color, node.ItemStyle.BorderColor = scoreColors[band-1], "#333333"
			// The score is printed beside the name, so the chart reads
			// without colour (in print, say). Only the server's number is
			// in the template; {b} is the name.
			node.Label = &opts.Label{Show: opts.Bool(true), Formatter: "{b} (" + strconv.FormatFloat(math.Round(n.Score*10)/10, 'f', 1, 64) + ")"}
		}
		ns[i] = node
	}
	ls := make([]graphLink, 0, len(edges))
	parallel := map[[2]int]int{} // links so far between the same two nodes
	for _, e := range edges {
		if e.From < 0 || e.From >= len(nodes) || e.To < 0 || e.To >= len(nodes) {
			continue
		}
		l := graphLink{Source: e.From, Target: e.To, Symbol: [2]string{"none", "none"},
			LineStyle: &opts.LineStyle{Color: "#444444", Width: float32(1 + 1.5*float64(max(0, e.Criticality-1))), Opacity: opts.Float(0.9)}}
		if e.Directed {
			l.Symbol[1] = "arrow"
		}
		// Links between the same two members curve apart instead of
		// drawing over each other.
		pair := [2]int{min(e.From, e.To), max(e.From, e.To)}
		if n := parallel[pair]; n > 0 {
			c := float32(0.25 * float64(n))
			if e.From > e.To {
				c = -c
			}
			l.LineStyle.Curveness = c
		}
		parallel[pair]++
		if e.Label != "" {
			// A literal formatter: the label is a fixed kind name from the
			// server, never a member's name.
			l.Label = &opts.EdgeLabel{Show: opts.Bool(true), Formatter: e.Label}
		}
		ls = append(ls, l)
	}
	g.MultiSeries[0].Data = ns
	g.MultiSeries[0].Links = ls
	g.MultiSeries[0].EdgeSymbolSize = 10
	g.Validate()
	return Chart{ID: id, Label: label, Options: g.JSON(), Tall: true}
}
