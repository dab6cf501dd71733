package views

import (
	"math"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Colours of the charts: blue and orange from a colour-blind-safe palette
// (Okabe-Ito), with decal patterns on so bars also differ in black and white.
var chartColors = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7"}

// ScoreSeries is one named set of values for a bar chart; a value that is
// not OK is drawn as a missing bar, never as zero.
type ScoreSeries struct {
	Name   string
	Values []float64
	OK     []bool
}

// BarChart builds the options of a grouped bar chart (categories on the x
// axis, one bar per series) on the 0..max maturity axis. go-echarts only
// builds the options: they are rendered as JSON into a data block and drawn
// by static/charts.js, because go-echarts' own page script does not escape
// names and would need an inline script.
func BarChart(id, label string, categories []string, max int, series ...ScoreSeries) Chart {
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithAnimation(false),
		charts.WithColorsOpts(opts.Colors(chartColors)),
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true), Decal: &opts.AriaDecal{Show: opts.Bool(true)}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithYAxisOpts(opts.YAxis{Name: "Maturity (1 to " + strconv.Itoa(max) + ")", NameLocation: "middle", NameGap: 32, Min: 0, Max: max, MinInterval: 1}),
		charts.WithXAxisOpts(opts.XAxis{AxisLabel: &opts.AxisLabel{Interval: "0"}}),
	)
	bar.SetXAxis(categories)
	for _, s := range series {
		data := make([]opts.BarData, len(s.Values))
		for i, v := range s.Values {
			if i < len(s.OK) && !s.OK[i] {
				data[i] = opts.BarData{Value: "-"}
				continue
			}
			data[i] = opts.BarData{Value: math.Round(v*10) / 10}
		}
		bar.AddSeries(s.Name, data)
	}
	bar.Validate()
	return Chart{ID: id, Label: label, Options: bar.JSON()}
}

// LineChart builds the options of a line chart over cycles (categories on
// the x axis), one line per series, on the 0..max maturity axis. A missing
// value leaves a gap in its line.
func LineChart(id, label string, categories []string, max int, series ...ScoreSeries) Chart {
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithAnimation(false),
		charts.WithColorsOpts(opts.Colors(append(chartColors, "#56B4E9", "#D55E00", "#000000"))),
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true), Decal: &opts.AriaDecal{Show: opts.Bool(true)}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithYAxisOpts(opts.YAxis{Name: "Maturity (1 to " + strconv.Itoa(max) + ")", NameLocation: "middle", NameGap: 32, Min: 0, Max: max, MinInterval: 1}),
	)
	line.SetXAxis(categories)
	for _, s := range series {
		data := make([]opts.LineData, len(s.Values))
		for i, v := range s.Values {
			if i < len(s.OK) && !s.OK[i] {
				data[i] = opts.LineData{Value: "-"}
				continue
			}
			data[i] = opts.LineData{Value: math.Round(v*10) / 10}
		}
		line.AddSeries(s.Name, data, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true)}))
	}
	line.Validate()
	return Chart{ID: id, Label: label, Options: line.JSON()}
}
