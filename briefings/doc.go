package briefings

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jung-kurt/gofpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
)

// This file is the page machinery both briefings share: page size,
// embedded fonts, the running header and footer, and flowing text and
// tables that break across pages. All pagination is done here by hand
// (gofpdf's automatic page break is off), so a table row, a chart or a
// heading is never split or orphaned at the bottom of a page.

// family is the name the embedded Go fonts are registered under.
const family = "Go"

// confidential is printed on every cover and in every footer.
const confidential = "Confidential: contains security-sensitive information"

// Page geometry, in millimetres.
const (
	marginX      = 18.0
	marginTop    = 20.0 // content starts below the header rule
	marginBottom = 18.0 // content ends above the footer rule
	bodySize     = 10.0 // body text, points
	bodyLine     = 5.0  // body line height
)

// rgb is a colour, 0..255 per channel.
type rgb struct{ r, g, b int }

var (
	black     = rgb{0, 0, 0}
	white     = rgb{255, 255, 255}
	textGrey  = rgb{80, 80, 80}
	ruleGrey  = rgb{150, 150, 150}
	gridGrey  = rgb{215, 215, 215}
	headFill  = rgb{226, 231, 238}
	zebraFill = rgb{245, 246, 248}
	// After the Okabe-Ito palette (blue, sky blue, vermillion):
	// distinguishable with every common colour-vision deficiency. The two
	// blues used side by side also differ strongly in lightness, so they
	// stay apart on a black-and-white printout.
	dark   = rgb{0, 70, 120}    // deep blue: "you", the current cycle, medians
	light  = rgb{153, 204, 238} // light sky blue: the consortium, the past
	accent = rgb{213, 94, 0}    // vermillion: targets
)

// pageFormat maps the PageSize of a briefing to gofpdf's size name. Empty
// means A4.
func pageFormat(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "a4":
		return "A4", nil
	case "letter", "us letter", "us-letter", "usletter":
		return "Letter", nil
	}
	return "", fmt.Errorf("briefings: page size %q is not A4 or Letter", s)
}

// docInfo is the document metadata and the running header.
type docInfo struct {
	Title, Author, Subject, Keywords string
	HeaderLeft, HeaderRight          string
	Generated                        time.Time
}

// doc wraps a gofpdf document with the briefings' layout.
type doc struct {
	pdf      *gofpdf.Fpdf
	pw, ph   float64 // page width and height
	cw       float64 // content width
	bottom   float64 // lowest y content may reach
	info     docInfo
	footnote string
}

func newDoc(pageSize string, info docInfo) (*doc, error) {
	size, err := pageFormat(pageSize)
	if err != nil {
		return nil, err
	}
	pdf := gofpdf.NewCustom(&gofpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: size})
	// The alias must be set before the fonts are added: gofpdf sizes the
	// font subsets by it. Every digit of the total is also printed as some
	// page's own number, so its glyphs are always in the subset.
	pdf.AliasNbPages("{nb}")
	pdf.AddUTF8FontFromBytes(family, "", goregular.TTF)
	pdf.AddUTF8FontFromBytes(family, "B", gobold.TTF)
	pdf.AddUTF8FontFromBytes(family, "I", goitalic.TTF)
	pdf.SetTitle(clean(info.Title), true)
	pdf.SetAuthor(clean(info.Author), true)
	pdf.SetSubject(clean(info.Subject), true)
	pdf.SetKeywords(clean(info.Keywords), true)
	pdf.SetCreator("Palisade", true)
	pdf.SetProducer("Palisade (gofpdf)", true)
	// Fixed dates and sorted catalog maps: the same input gives the same bytes.
	pdf.SetCreationDate(info.Generated)
	pdf.SetModificationDate(info.Generated)
	pdf.SetCatalogSort(true)
	pdf.SetDisplayMode("fullwidth", "continuous")
	pdf.SetMargins(marginX, marginTop, marginX)
	pdf.SetAutoPageBreak(false, marginBottom)
	pdf.SetCellMargin(1)
	pw, ph := pdf.GetPageSize()
	d := &doc{pdf: pdf, pw: pw, ph: ph, cw: pw - 2*marginX, bottom: ph - marginBottom, info: info}
	d.footnote = confidential + ". Generated " + longDate(info.Generated) + "."
	pdf.SetHeaderFunc(d.header)
	pdf.SetFooterFunc(d.footer)
	pdf.SetFont(family, "", bodySize)
	return d, nil
}

func (d *doc) header() {
	p := d.pdf
	p.SetFont(family, "", 8)
	p.SetTextColor(textGrey.r, textGrey.g, textGrey.b)
	half := d.cw/2 - 2
	p.SetXY(marginX, 8)
	p.CellFormat(half, 5, d.fit(d.info.HeaderLeft, half), "", 0, "L", false, 0, "")
	p.SetXY(marginX+d.cw/2+2, 8)
	p.CellFormat(half, 5, d.fit(d.info.HeaderRight, half), "", 0, "R", false, 0, "")
	d.rule(14)
	p.SetTextColor(0, 0, 0)
	p.SetXY(marginX, marginTop)
}

func (d *doc) footer() {
	p := d.pdf
	y := d.ph - 13
	d.rule(y)
	p.SetFont(family, "", 8)
	p.SetTextColor(textGrey.r, textGrey.g, textGrey.b)
	page := fmt.Sprintf("Page %d of {nb}", p.PageNo())
	pw := 28.0
	p.SetXY(marginX, y+1.5)
	p.CellFormat(d.cw-pw, 4.5, d.fit(d.footnote, d.cw-pw), "", 0, "L", false, 0, "")
	p.SetXY(marginX+d.cw-pw, y+1.5)
	p.CellFormat(pw, 4.5, page, "", 0, "R", false, 0, "")
	p.SetTextColor(0, 0, 0)
}

func (d *doc) rule(y float64) {
	p := d.pdf
	p.SetDrawColor(ruleGrey.r, ruleGrey.g, ruleGrey.b)
	p.SetLineWidth(0.2)
	p.Line(marginX, y, d.pw-marginX, y)
	p.SetDrawColor(0, 0, 0)
}

// write finishes the document and writes it to w. Nothing is written when
// the document is in error: a half-made PDF is never sent.
func (d *doc) write(w io.Writer) error {
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("briefings: %w", err)
	}
	d.pdf.Close()
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("briefings: %w", err)
	}
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("briefings: writing the PDF: %w", err)
	}
	return nil
}

// newPage starts a page; content begins below the header.
func (d *doc) newPage() {
	d.pdf.AddPage()
	d.pdf.SetXY(marginX, marginTop)
}

// y is the current vertical position.
func (d *doc) y() float64 { return d.pdf.GetY() }

// room is the height left on the page.
func (d *doc) room() float64 { return d.bottom - d.pdf.GetY() }

// ensure starts a new page unless h millimetres are left on this one.
func (d *doc) ensure(h float64) {
	if d.room() < h {
		d.newPage()
	}
}

// gap moves down by h, or to the next page when that would leave the page.
func (d *doc) gap(h float64) {
	if d.room() <= h {
		d.newPage()
		return
	}
	d.pdf.SetXY(marginX, d.y()+h)
}

func (d *doc) font(style string, size float64) { d.pdf.SetFont(family, style, size) }

func (d *doc) color(c rgb) { d.pdf.SetTextColor(c.r, c.g, c.b) }

func (d *doc) fill(c rgb) { d.pdf.SetFillColor(c.r, c.g, c.b) }

func (d *doc) draw(c rgb) { d.pdf.SetDrawColor(c.r, c.g, c.b) }

// lines wraps text to width w (a cell's width: the cell margins are taken
// off) in the current font. Line breaks in the text are kept. Words are
// measured with GetStringWidth, the measure CellFormat aligns with; gofpdf's
// own SplitText counts characters the font lacks as zero wide and
// mishandles line breaks. A word wider than the line is cut.
func (d *doc) lines(text string, w float64) []string {
	avail := w - 2*d.pdf.GetCellMargin()
	space := d.pdf.GetStringWidth(" ")
	var out []string
	for _, para := range strings.Split(clean(text), "\n") {
		line, lw := "", 0.0
		for _, word := range strings.Fields(para) {
			ww := d.pdf.GetStringWidth(word)
			for ww > avail {
				if line != "" {
					out = append(out, line)
					line, lw = "", 0
				}
				r := []rune(word)
				k := d.fitRunes(r, avail)
				out = append(out, string(r[:k]))
				word = string(r[k:])
				ww = d.pdf.GetStringWidth(word)
			}
			if line != "" && lw+space+ww > avail {
				out = append(out, line)
				line, lw = "", 0
			}
			if line != "" {
				line += " "
				lw += space
			}
			line += word
			lw += ww
		}
		if line != "" || len(out) == 0 || para == "" {
			out = append(out, line)
		}
	}
	return out
}

// textAt writes wrapped text in a box of width w at x, from the current y,
// breaking to new pages as needed (continuing at the same x).
func (d *doc) textAt(x, w, lh float64, text, align string) {
	for _, l := range d.lines(text, w) {
		d.ensure(lh)
		y := d.y()
		d.pdf.SetXY(x, y)
		d.pdf.CellFormat(w, lh, l, "", 0, align, false, 0, "")
		d.pdf.SetXY(marginX, y+lh)
	}
}

// para writes a paragraph of body text and a small space after it.
func (d *doc) para(text string) {
	d.font("", bodySize)
	d.color(black)
	d.textAt(marginX, d.cw, bodyLine, text, "L")
	d.gap(2)
}

// note writes small grey text (captions, explanations under a chart).
func (d *doc) note(text string) {
	d.font("I", 8.5)
	d.color(textGrey)
	d.textAt(marginX, d.cw, 4, text, "L")
	d.color(black)
	d.gap(2)
}

// span is a piece of text in one style ("" regular, "B" bold, "I"
// italic), for paragraphs that mix styles.
type span struct {
	Style, Text string
}

// richLines wraps spans to width w at size points. Words are kept whole
// unless a single word is wider than the line.
func (d *doc) richLines(spans []span, w, size float64) [][]span {
	var lines [][]span
	var cur []span
	curW := 0.0
	flush := func() {
		lines = append(lines, cur)
		cur, curW = nil, 0
	}
	add := func(style, word string, ww float64) {
		d.font(style, size)
		if len(cur) > 0 {
			sp := d.pdf.GetStringWidth(" ")
			if curW+sp+ww > w {
				flush()
			} else {
				cur[len(cur)-1].Text += " "
				curW += sp
			}
		}
		if len(cur) > 0 && cur[len(cur)-1].Style == style {
			cur[len(cur)-1].Text += word
		} else {
			cur = append(cur, span{style, word})
		}
		curW += ww
	}
	for _, sp := range spans {
		for _, word := range strings.Fields(clean(sp.Text)) {
			d.font(sp.Style, size)
			ww := d.pdf.GetStringWidth(word)
			for ww > w {
				// A word wider than the line (a long unbroken name) is cut.
				r := []rune(word)
				k := d.fitRunes(r, w)
				if len(cur) > 0 {
					flush()
				}
				cur = []span{{sp.Style, string(r[:k])}}
				flush()
				word = string(r[k:])
				ww = d.pdf.GetStringWidth(word)
			}
			if word != "" {
				add(sp.Style, word, ww)
			}
		}
	}
	if len(cur) > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// rich writes spans wrapped in a box of width w at x from the current y,
// breaking to new pages as needed.
func (d *doc) rich(x, w, lh, size float64, spans []span) {
	// Text starts one cell margin in, as in CellFormat, so rich and plain
	// paragraphs line up.
	margin := d.pdf.GetCellMargin()
	lines := d.richLines(spans, w-2*margin, size)
	d.pdf.SetCellMargin(0)
	for _, l := range lines {
		d.ensure(lh)
		y := d.y()
		cx := x + margin
		for _, sp := range l {
			d.font(sp.Style, size)
			sw := d.pdf.GetStringWidth(sp.Text)
			d.pdf.SetXY(cx, y)
			d.pdf.CellFormat(sw, lh, sp.Text, "", 0, "L", false, 0, "")
			cx += sw
		}
		d.pdf.SetXY(marginX, y+lh)
	}
	d.pdf.SetCellMargin(margin)
	d.font("", bodySize)
}

// labelled writes "Label text" with the label in bold, wrapping under it.
// Used for facts on covers and terms in the glossary.
func (d *doc) labelled(label, text string) {
	d.color(black)
	d.rich(marginX, d.cw, bodyLine, bodySize, []span{{"B", label}, {"", text}})
	d.gap(1.5)
}

// item is one entry of a list: an optional bold lead, then text.
type item struct {
	Lead, Text string
}

// bullets writes a list with hanging indents; numbered when numbered is
// true. Bullets are drawn, not typed, so extracted text has no stray
// symbols.
func (d *doc) bullets(items []string, numbered bool) {
	its := make([]item, len(items))
	for i, s := range items {
		its[i] = item{Text: s}
	}
	d.list(its, numbered)
}

func (d *doc) list(items []item, numbered bool) {
	d.color(black)
	indent := 6.0
	for i, it := range items {
		spans := []span{{"B", it.Lead}, {"", it.Text}}
		n := len(d.richLines(spans, d.cw-indent, bodySize))
		d.ensure(bodyLine * float64(min(n, 2)))
		y := d.y()
		if numbered {
			d.font("", bodySize)
			d.pdf.SetXY(marginX, y)
			d.pdf.CellFormat(indent, bodyLine, fmt.Sprintf("%d.", i+1), "", 0, "L", false, 0, "")
		} else {
			d.fill(black)
			d.pdf.Circle(marginX+1.8, y+bodyLine/2, 0.75, "F")
		}
		d.pdf.SetXY(marginX, y)
		d.rich(marginX+indent, d.cw-indent, bodyLine, bodySize, spans)
		d.gap(1.2)
	}
	d.gap(1)
}

// heading starts a section: a bookmark in the outline and a bold title,
// kept with at least keep millimetres of what follows.
func (d *doc) heading(text string, keep float64) {
	d.ensure(12 + keep)
	if d.y() > marginTop+1 {
		d.gap(3)
	}
	d.pdf.Bookmark(clean(text), 0, -1)
	d.font("B", 15)
	d.color(dark)
	d.textAt(marginX, d.cw, 7, text, "L")
	d.color(black)
	d.gap(2)
}

// subheading is a smaller title inside a section.
func (d *doc) subheading(text string, keep float64) {
	d.ensure(9 + keep)
	if d.y() > marginTop+1 {
		d.gap(2)
	}
	d.pdf.Bookmark(clean(text), 1, -1)
	d.font("B", 11.5)
	d.color(black)
	d.textAt(marginX, d.cw, 6, text, "L")
	d.gap(1)
}

// fit shortens text with an ellipsis until it fits in width w (one line,
// in the current font).
func (d *doc) fit(text string, w float64) string {
	text = strings.ReplaceAll(clean(text), "\n", " ")
	avail := w - 2*d.pdf.GetCellMargin()
	if d.pdf.GetStringWidth(text) <= avail {
		return text
	}
	r := []rune(text)
	k := d.fitRunes(r, avail-d.pdf.GetStringWidth("…"))
	return strings.TrimRightFunc(string(r[:k]), unicode.IsSpace) + "…"
}

// fitRunes is the largest k such that r[:k] fits in width w in the
// current font, and at least 1 so that cutting a word always progresses.
// A binary search: names can be long.
func (d *doc) fitRunes(r []rune, w float64) int {
	lo, hi := 1, len(r)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if d.pdf.GetStringWidth(string(r[:mid])) <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// column is one column of a table.
type column struct {
	Head  string
	Width float64 // share of the content width; the shares should sum to 1
	Align string  // "L", "C" or "R"
	// MaxLines caps the lines of a wrapped cell (the rest is cut with an
	// ellipsis); 0: maxCellLines, enough for any name, so that no row is
	// taller than a page.
	MaxLines int
}

// maxCellLines caps every table cell.
const maxCellLines = 12

// tableStyle tunes a table.
type tableStyle struct {
	Size float64 // font size in points; 0: 9
	// Bold marks rows printed in bold (totals, the member itself).
	Bold func(row int) bool
	// Fill gives a cell its own background (the heatmap); ok false leaves
	// the table's zebra stripes.
	Fill func(row, col int) (c rgb, ok bool)
}

// table draws rows under a header row. A row never splits: when it does
// not fit, the table continues on a new page under a repeated header.
func (d *doc) table(cols []column, rows [][]string, st tableStyle) {
	size := st.Size
	if size == 0 {
		size = 9
	}
	lh := size * 0.45
	pad := 1.0
	ws := make([]float64, len(cols))
	for i, c := range cols {
		ws[i] = c.Width * d.cw
	}
	layout := func(cells []string, style string) ([][]string, float64) {
		d.font(style, size)
		out := make([][]string, len(cols))
		n := 1
		for i := range cols {
			text := ""
			if i < len(cells) {
				text = cells[i]
			}
			ls := d.lines(text, ws[i])
			limit := cols[i].MaxLines
			if limit == 0 {
				limit = maxCellLines
			}
			if len(ls) > limit {
				ls = ls[:limit]
				ls[len(ls)-1] = d.fit(ls[len(ls)-1]+"…", ws[i])
			}
			out[i] = ls
			n = max(n, len(ls))
		}
		return out, float64(n)*lh + 2*pad
	}
	heads := make([]string, len(cols))
	for i, c := range cols {
		heads[i] = c.Head
	}
	hl, hh := layout(heads, "B")
	drawRow := func(ls [][]string, h float64, style string, bg func(col int) (rgb, bool), fg func(col int) rgb) {
		y := d.y()
		x := marginX
		d.font(style, size)
		for i := range cols {
			if c, ok := bg(i); ok {
				d.fill(c)
				d.pdf.Rect(x, y, ws[i], h, "F")
			}
			d.color(fg(i))
			for k, l := range ls[i] {
				d.pdf.SetXY(x, y+pad+float64(k)*lh)
				d.pdf.CellFormat(ws[i], lh, l, "", 0, cols[i].Align, false, 0, "")
			}
			x += ws[i]
		}
		d.color(black)
		d.draw(gridGrey)
		d.pdf.SetLineWidth(0.15)
		d.pdf.Line(marginX, y+h, marginX+d.cw, y+h)
		d.draw(black)
		d.pdf.SetXY(marginX, y+h)
	}
	header := func() {
		drawRow(hl, hh, "B", func(int) (rgb, bool) { return headFill, true }, func(int) rgb { return black })
	}
	_, h0 := layout(safeRow(rows, 0), "")
	d.ensure(hh + h0)
	header()
	for r, row := range rows {
		style := ""
		if st.Bold != nil && st.Bold(r) {
			style = "B"
		}
		ls, h := layout(row, style)
		if d.room() < h {
			d.newPage()
			header()
		}
		bg := func(col int) (rgb, bool) {
			if st.Fill != nil {
				if c, ok := st.Fill(r, col); ok {
					return c, true
				}
			}
			return zebraFill, r%2 == 1
		}
		fg := func(col int) rgb {
			if c, ok := bg(col); ok {
				return textOn(c)
			}
			return black
		}
		drawRow(ls, h, style, bg, fg)
	}
	d.gap(3)
}

func safeRow(rows [][]string, i int) []string {
	if i < len(rows) {
		return rows[i]
	}
	return nil
}

// clean makes text safe for the embedded fonts: control characters become
// spaces (line breaks are kept), invalid UTF-8 and characters outside the
// Basic Multilingual Plane (which gofpdf cannot encode) become U+FFFD.
// Characters the Go fonts have no glyph for still extract correctly as
// text; they print as an empty box.
func clean(s string) string {
	if s == "" {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, w := 0, 0; i < len(s); i += w {
		r, size := utf8.DecodeRuneInString(s[i:])
		w = size
		switch {
		case r == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			b.WriteByte('\n')
		case r == '\n':
			b.WriteByte('\n')
		case r == utf8.RuneError && size <= 1, r > 0xFFFF:
			b.WriteRune('\uFFFD')
		case unicode.IsControl(r), r == '\u2028', r == '\u2029':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// oneLine is clean without line breaks: for names and labels.
func oneLine(s string) string {
	return strings.Join(strings.Fields(clean(s)), " ")
}
