package briefings

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"palisade/assessments"
)

// Charts are drawn with gofpdf's vector primitives (rectangles, lines,
// text), not pasted in as images: they print sharply, the labels stay
// searchable text, and the PDF stays small. Every chart has a title, a
// legend and labelled axes, prints its numbers next to the marks so it
// reads without colour, and uses colours that stay apart for colour-blind
// readers and on a black-and-white printer.

// series is one kind of bar in a bar chart.
type series struct {
	Name  string
	Color rgb
}

// barGroup is one position on the x axis: one bar per series.
type barGroup struct {
	Label  string
	Values []assessments.Value // one per series; not OK: no bar, a dash
	Target assessments.Value   // drawn as a marker line when OK
}

// barChart is a grouped vertical bar chart on the maturity scale.
type barChart struct {
	Title, YLabel, XLabel string
	Series                []series
	Groups                []barGroup
	Min, Max              int    // y axis
	Baseline              int    // dashed line; 0: none
	TargetName            string // legend entry for the target markers; "": none
	Height                float64
}

// yAxis draws horizontal grid lines and tick labels for whole levels from
// lo to hi and returns the function mapping a value to a y position.
func (d *doc) yAxis(left, right, top, bottom float64, lo, hi int) func(float64) float64 {
	span := float64(hi - lo)
	if span <= 0 {
		span = 1
	}
	yOf := func(v float64) float64 {
		v = math.Max(float64(lo), math.Min(float64(hi), v))
		return bottom - (v-float64(lo))/span*(bottom-top)
	}
	d.font("", 7.5)
	d.color(textGrey)
	d.pdf.SetLineWidth(0.15)
	for l := lo; l <= hi; l++ {
		y := yOf(float64(l))
		d.draw(gridGrey)
		d.pdf.Line(left, y, right, y)
		d.pdf.SetXY(left-9, y-2)
		d.pdf.CellFormat(8, 4, fmt.Sprint(l), "", 0, "R", false, 0, "")
	}
	d.color(black)
	d.draw(black)
	d.pdf.SetLineWidth(0.3)
	d.pdf.Line(left, top, left, bottom)
	d.pdf.Line(left, bottom, right, bottom)
	return yOf
}

// baselineLine draws the consortium baseline as a dashed line across the
// plot (the legend names it).
func (d *doc) baselineLine(left, right, y float64) {
	d.draw(rgb{60, 60, 60})
	d.pdf.SetLineWidth(0.4)
	d.pdf.SetDashPattern([]float64{1.6, 1.2}, 0)
	d.pdf.Line(left, y, right, y)
	d.pdf.SetDashPattern([]float64{}, 0)
	d.draw(black)
}

// legend draws legend entries on one line from x at y and returns the y
// below it. Each entry is a swatch (a filled box, a solid or a dashed line).
type legendEntry struct {
	Name  string
	Kind  string // "box", "line" or "dash"
	Color rgb
}

func (d *doc) legend(x, y float64, entries []legendEntry) float64 {
	d.font("", 8)
	lineH := 4.5
	right := marginX + d.cw
	for _, e := range entries {
		w := d.pdf.GetStringWidth(e.Name) + 2*d.pdf.GetCellMargin()
		if x+7+w > right && x > marginX {
			x, y = marginX, y+lineH
		}
		switch e.Kind {
		case "box":
			d.fill(e.Color)
			d.pdf.SetLineWidth(0.15)
			d.pdf.Rect(x, y+0.8, 5, 3, "FD")
		case "line":
			d.draw(e.Color)
			d.pdf.SetLineWidth(0.8)
			d.pdf.Line(x, y+2.3, x+5, y+2.3)
		case "dash":
			d.draw(e.Color)
			d.pdf.SetLineWidth(0.4)
			d.pdf.SetDashPattern([]float64{1.6, 1.2}, 0)
			d.pdf.Line(x, y+2.3, x+5, y+2.3)
			d.pdf.SetDashPattern([]float64{}, 0)
		}
		d.draw(black)
		d.pdf.SetXY(x+6, y)
		d.pdf.CellFormat(w, lineH, e.Name, "", 0, "L", false, 0, "")
		x += 6 + w + 4
	}
	return y + lineH
}

// chartTitle draws a chart's title and returns the y below it.
func (d *doc) chartTitle(y float64, title string) float64 {
	d.font("B", 10.5)
	d.color(black)
	for _, l := range d.lines(title, d.cw) {
		d.pdf.SetXY(marginX, y)
		d.pdf.CellFormat(d.cw, 5.5, l, "", 0, "L", false, 0, "")
		y += 5.5
	}
	return y + 0.5
}

// axisLabel writes a small grey axis title.
func (d *doc) axisLabel(x, y, w float64, text, align string) {
	d.font("I", 8)
	d.color(textGrey)
	d.pdf.SetXY(x, y)
	d.pdf.CellFormat(w, 4, d.fit(text, w), "", 0, align, false, 0, "")
	d.color(black)
}

func (d *doc) bars(c barChart) {
	d.ensure(c.Height)
	y0 := d.y()
	y := d.chartTitle(y0, c.Title)
	var entries []legendEntry
	for _, s := range c.Series {
		entries = append(entries, legendEntry{s.Name, "box", s.Color})
	}
	if c.TargetName != "" {
		entries = append(entries, legendEntry{c.TargetName, "line", accent})
	}
	if c.Baseline > 0 {
		entries = append(entries, legendEntry{fmt.Sprintf("Consortium baseline (%d)", c.Baseline), "dash", rgb{60, 60, 60}})
	}
	y = d.legend(marginX, y, entries) + 1
	d.axisLabel(marginX, y, d.cw, c.YLabel, "L")
	top := y + 6
	bottom := y0 + c.Height - 13
	left, right := marginX+10, marginX+d.cw
	yOf := d.yAxis(left, right, top, bottom, c.Min, c.Max)

	n := max(len(c.Groups), 1)
	gw := (right - left) / float64(n)
	ns := max(len(c.Series), 1)
	bw := gw * 0.72 / float64(ns)
	for gi, g := range c.Groups {
		gx := left + float64(gi)*gw
		bx := gx + gw*0.14
		for si, v := range g.Values {
			x := bx + float64(si)*bw
			d.font("", 7)
			if !v.OK {
				d.pdf.SetXY(x, bottom-4.5)
				d.pdf.CellFormat(bw, 4, dash, "", 0, "C", false, 0, "")
				continue
			}
			col := c.Series[si%len(c.Series)].Color
			d.fill(col)
			d.pdf.SetLineWidth(0.15)
			top := yOf(v.V)
			d.pdf.Rect(x, top, bw, bottom-top, "FD")
			d.pdf.SetXY(x-1, top-4)
			d.pdf.CellFormat(bw+2, 4, num(v.V), "", 0, "C", false, 0, "")
		}
		if g.Target.OK {
			ty := yOf(g.Target.V)
			d.draw(accent)
			d.pdf.SetLineWidth(0.8)
			d.pdf.Line(gx+gw*0.08, ty, gx+gw*0.92, ty)
			d.draw(black)
		}
		d.font("", 7.5)
		ls := d.lines(g.Label, gw)
		if len(ls) > 2 {
			ls = ls[:2]
			ls[1] = d.fit(ls[1]+"…", gw)
		}
		for k, l := range ls {
			d.pdf.SetXY(gx, bottom+1+float64(k)*3.4)
			d.pdf.CellFormat(gw, 3.4, l, "", 0, "C", false, 0, "")
		}
	}
	if c.Baseline > 0 {
		d.baselineLine(left, right, yOf(float64(c.Baseline)))
	}
	d.axisLabel(left, y0+c.Height-5, right-left, c.XLabel, "C")
	d.pdf.SetXY(marginX, y0+c.Height)
	d.gap(3)
}

// peerChart shows every member's overall score as a bar, highest first,
// with the reader's own member highlighted: where it stands without naming
// anyone.
func (d *doc) peerChart(title, xLabel string, peers []PeerScore, lo, hi, baseline int, height float64) {
	var ps []PeerScore
	for _, p := range peers {
		if p.Score.OK {
			ps = append(ps, p)
		}
	}
	slices.SortStableFunc(ps, func(a, b PeerScore) int { return cmp.Compare(b.Score.V, a.Score.V) })
	d.ensure(height)
	y0 := d.y()
	y := d.chartTitle(y0, title)
	entries := []legendEntry{{"Your organisation", "box", dark}, {"Other members", "box", light}}
	if baseline > 0 {
		entries = append(entries, legendEntry{fmt.Sprintf("Consortium baseline (%d)", baseline), "dash", rgb{60, 60, 60}})
	}
	y = d.legend(marginX, y, entries) + 1
	d.axisLabel(marginX, y, d.cw, "Overall score (maturity level)", "L")
	top := y + 8
	bottom := y0 + height - 12
	left, right := marginX+10, marginX+d.cw
	yOf := d.yAxis(left, right, top, bottom, lo, hi)
	n := max(len(ps), 1)
	gw := (right - left) / float64(n)
	bw := gw * 0.75
	for i, p := range ps {
		x := left + float64(i)*gw + (gw-bw)/2
		ty := yOf(p.Score.V)
		col := light
		if p.Self {
			col = dark
		}
		d.fill(col)
		d.pdf.SetLineWidth(0.1)
		style := "F"
		if bw > 1.2 {
			style = "FD"
		}
		d.pdf.Rect(x, ty, bw, bottom-ty, style)
		if p.Self {
			d.font("B", 8)
			label := "You: " + num(p.Score.V)
			w := d.pdf.GetStringWidth(label) + 2
			lx := math.Max(left, math.Min(right-w, x+bw/2-w/2))
			d.pdf.SetXY(lx, ty-4.5)
			d.pdf.CellFormat(w, 4, label, "", 0, "C", false, 0, "")
		}
		if n <= 40 {
			d.font("", 6.5)
			label := oneLine(p.Label)
			if d.pdf.GetStringWidth(label)+1 > gw {
				if f := strings.Fields(label); len(f) > 0 {
					label = f[len(f)-1]
				}
			}
			if d.pdf.GetStringWidth(label)+1 <= gw {
				d.pdf.SetXY(left+float64(i)*gw, bottom+0.8)
				d.pdf.CellFormat(gw, 3.2, label, "", 0, "C", false, 0, "")
			}
		}
	}
	if baseline > 0 {
		d.baselineLine(left, right, yOf(float64(baseline)))
	}
	d.axisLabel(left, y0+height-6, right-left, xLabel, "C")
	d.pdf.SetXY(marginX, y0+height)
	d.gap(3)
}

// rangeRow is one row of a distribution chart.
type rangeRow struct {
	Label string
	Stats assessments.Stats
}

// rangeChart draws one horizontal box per row: a line from the lowest to
// the highest score, a box over the middle half (first to third quartile)
// and a thick mark at the median, on a common maturity axis.
func (d *doc) rangeChart(title, xLabel string, rows []rangeRow, lo, hi, baseline int) {
	rowH := 8.0
	labelW := 42.0
	countW := 16.0
	height := 22 + rowH*float64(len(rows)) + 12
	d.ensure(height)
	y0 := d.y()
	y := d.chartTitle(y0, title)
	entries := []legendEntry{
		{"Lowest to highest", "line", black},
		{"Middle half of members", "box", light},
		{"Median", "box", dark},
	}
	if baseline > 0 {
		entries = append(entries, legendEntry{fmt.Sprintf("Consortium baseline (%d)", baseline), "dash", rgb{60, 60, 60}})
	}
	y = d.legend(marginX, y, entries) + 2
	left, right := marginX+labelW, marginX+d.cw-countW
	top := y
	bottom := top + rowH*float64(len(rows))
	span := float64(max(hi-lo, 1))
	xOf := func(v float64) float64 {
		v = math.Max(float64(lo), math.Min(float64(hi), v))
		return left + (v-float64(lo))/span*(right-left)
	}
	d.pdf.SetLineWidth(0.15)
	d.font("", 7.5)
	for l := lo; l <= hi; l++ {
		x := xOf(float64(l))
		d.draw(gridGrey)
		d.pdf.Line(x, top, x, bottom)
		d.color(textGrey)
		d.pdf.SetXY(x-4, bottom+0.8)
		d.pdf.CellFormat(8, 3.5, fmt.Sprint(l), "", 0, "C", false, 0, "")
	}
	d.color(black)
	d.draw(black)
	d.pdf.SetLineWidth(0.3)
	d.pdf.Line(left, bottom, right, bottom)
	d.axisLabel(right+1, top-4.5, countW-1, "Members", "R")
	for i, r := range rows {
		cy := top + rowH*float64(i) + rowH/2
		d.font("", 8.5)
		d.pdf.SetXY(marginX, cy-2.2)
		d.pdf.CellFormat(labelW-2, 4.4, d.fit(r.Label, labelW-2), "", 0, "L", false, 0, "")
		d.pdf.SetXY(right+1, cy-2.2)
		d.pdf.CellFormat(countW-1, 4.4, fmt.Sprint(r.Stats.Count), "", 0, "R", false, 0, "")
		if !r.Stats.OK() {
			d.pdf.SetXY(left, cy-2.2)
			d.pdf.CellFormat(right-left, 4.4, "no scores", "", 0, "C", false, 0, "")
			continue
		}
		s := r.Stats
		d.draw(black)
		d.pdf.SetLineWidth(0.4)
		d.pdf.Line(xOf(s.Min), cy, xOf(s.Max), cy)
		d.pdf.Line(xOf(s.Min), cy-1.5, xOf(s.Min), cy+1.5)
		d.pdf.Line(xOf(s.Max), cy-1.5, xOf(s.Max), cy+1.5)
		d.fill(light)
		d.pdf.SetLineWidth(0.2)
		bx := xOf(s.Q1)
		d.pdf.Rect(bx, cy-2.2, math.Max(xOf(s.Q3)-bx, 0.4), 4.4, "FD")
		d.fill(dark)
		mx := xOf(s.Median)
		d.pdf.Rect(mx-0.7, cy-2.8, 1.4, 5.6, "F")
	}
	if baseline > 0 {
		x := xOf(float64(baseline))
		d.draw(rgb{60, 60, 60})
		d.pdf.SetLineWidth(0.4)
		d.pdf.SetDashPattern([]float64{1.6, 1.2}, 0)
		d.pdf.Line(x, top, x, bottom)
		d.pdf.SetDashPattern([]float64{}, 0)
		d.draw(black)
	}
	d.axisLabel(left, bottom+5, right-left, xLabel, "C")
	d.pdf.SetXY(marginX, bottom+10)
	d.gap(3)
}

// viridis is the viridis colour map at five stops: perceptually even,
// readable with every common colour-vision deficiency, and steadily
// lighter from low to high, so it also reads on a grey-scale printout.
var viridis = []rgb{{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}}

// heat is the colour of a score on the lo..hi scale.
func heat(v float64, lo, hi int) rgb {
	t := 0.0
	if hi > lo {
		t = (v - float64(lo)) / float64(hi-lo)
	}
	t = math.Max(0, math.Min(1, t))
	pos := t * float64(len(viridis)-1)
	i := min(int(pos), len(viridis)-2)
	f := pos - float64(i)
	a, b := viridis[i], viridis[i+1]
	mix := func(x, y int) int { return int(math.Round(float64(x) + f*float64(y-x))) }
	return rgb{mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b)}
}

// luminance is the relative lightness of a colour, 0 (black) to 1 (white).
func luminance(c rgb) float64 {
	lin := func(x int) float64 {
		v := float64(x) / 255
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.r) + 0.7152*lin(c.g) + 0.0722*lin(c.b)
}

// textOn is black or white, whichever contrasts more with a background:
// the two are equal at a luminance of about 0.18, where either gives a
// contrast ratio of 4.5 or more (WCAG AA).
func textOn(bg rgb) rgb {
	if luminance(bg) < 0.18 {
		return white
	}
	return black
}

// heatLegend draws the colour scale of the heatmap, one swatch per level.
func (d *doc) heatLegend(lo, hi int) {
	d.ensure(9)
	y := d.y()
	d.font("", 8)
	d.pdf.SetXY(marginX, y)
	label := "Colour scale (maturity level):"
	lw := d.pdf.GetStringWidth(label) + 3
	d.pdf.CellFormat(lw, 6, label, "", 0, "L", false, 0, "")
	x := marginX + lw
	for l := lo; l <= hi; l++ {
		c := heat(float64(l), lo, hi)
		d.fill(c)
		d.pdf.Rect(x, y, 9, 6, "F")
		d.color(textOn(c))
		d.pdf.SetXY(x, y)
		d.pdf.CellFormat(9, 6, fmt.Sprint(l), "", 0, "C", false, 0, "")
		d.color(black)
		x += 9
	}
	d.pdf.SetXY(x+2, y)
	d.pdf.CellFormat(marginX+d.cw-x-2, 6, d.fit("White cell with a dash: no score.", marginX+d.cw-x-2), "", 0, "L", false, 0, "")
	d.pdf.SetXY(marginX, y+6)
	d.gap(3)
}
