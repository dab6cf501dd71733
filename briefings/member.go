package briefings

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"palisade/assessments"
	"palisade/frameworks"
)

// The member briefing, for one member's council or board (4 to 8 pages):
// cover, one-page executive summary, charts, the gaps to close first, the
// decisions asked of the board, and an appendix with the method and every
// category score.

// maxGapRows is how many gaps the gaps table shows.
const maxGapRows = 15

// WriteMember writes the member briefing as a PDF to w. Nothing is written
// when it returns an error: ErrNoScore (wrapped) when the member has no
// answered question, ErrInvalid (wrapped) for incomplete input, or an error
// of w.
func WriteMember(w io.Writer, b MemberBriefing) error {
	m, err := newMemberWriter(b)
	if err != nil {
		return err
	}
	m.cover()
	m.summary()
	m.charts()
	m.gapsTable()
	m.decisions()
	m.pooling()
	m.appendix()
	return m.d.write(w)
}

type memberWriter struct {
	d                         *doc
	b                         MemberBriefing
	scale                     *frameworks.Scale
	baseline                  int
	member, consortium, cycle string
}

func newMemberWriter(b MemberBriefing) (*memberWriter, error) {
	member, consortium, cycle := oneLine(b.Member), oneLine(b.Consortium), oneLine(b.Cycle)
	switch {
	case b.Catalog == nil:
		return nil, wrapInvalid("no catalog")
	case b.Generated.IsZero():
		return nil, wrapInvalid("no generation time")
	case member == "" || consortium == "" || cycle == "":
		return nil, wrapInvalid("the member, consortium and cycle names are required")
	case len(b.Result.Functions) != len(b.Catalog.Functions):
		return nil, wrapInvalid("the result has %d functions, the catalog %s %d", len(b.Result.Functions), b.Catalog.ID, len(b.Catalog.Functions))
	case len(b.Median) != 0 && len(b.Median) != len(b.Result.Functions):
		return nil, wrapInvalid("%d medians for %d functions", len(b.Median), len(b.Result.Functions))
	case b.Previous != nil && len(b.Previous.Functions) != len(b.Result.Functions):
		return nil, wrapInvalid("the previous result has %d functions, this one %d", len(b.Previous.Functions), len(b.Result.Functions))
	case !b.Result.Overall.Score.OK:
		return nil, wrapNoScore("%s has no answered question in cycle %s", member, cycle)
	}
	if _, err := pageFormat(b.PageSize); err != nil {
		return nil, wrapInvalid("page size %q is not A4 or Letter", b.PageSize)
	}
	scale := b.Scale
	if scale == nil {
		scale = frameworks.NCSR()
	}
	baseline := b.Baseline
	if baseline == 0 {
		baseline = scale.RecommendedMinimum
	}
	if !scale.ValidTarget(baseline) {
		return nil, wrapInvalid("baseline %d is outside the scale %d..%d", baseline, scale.Min, scale.Max)
	}
	d, err := newDoc(b.PageSize, docInfo{
		Title:       "Cybersecurity board briefing: " + member + ", " + cycle,
		Author:      consortium,
		Subject:     fmt.Sprintf("%s self-assessment of %s, cycle %s, on the %s", b.Catalog.Name, member, cycle, scale.Name),
		Keywords:    "cybersecurity, board briefing, " + b.Catalog.Name + ", " + scale.Name,
		HeaderLeft:  member + " · " + consortium,
		HeaderRight: "Cybersecurity board briefing · " + cycle,
		Generated:   b.Generated,
	})
	if err != nil {
		return nil, wrapInvalid("%v", err)
	}
	return &memberWriter{d: d, b: b, scale: scale, baseline: baseline, member: member, consortium: consortium, cycle: cycle}, nil
}

// cover writes the cover page.
func (m *memberWriter) cover() {
	d := m.d
	d.newPage()
	d.pdf.SetXY(marginX, 42)
	d.font("B", 11)
	d.color(dark)
	d.textAt(marginX, d.cw, 6, "CYBERSECURITY BOARD BRIEFING", "L")
	d.gap(3)
	d.font("B", 24)
	d.color(black)
	d.textAt(marginX, d.cw, 10.5, m.member, "L")
	d.gap(3)
	d.font("", 13)
	d.textAt(marginX, d.cw, 6.5, "Prepared for the governing body of "+m.member, "L")
	d.gap(10)
	facts := [][2]string{
		{"Consortium", m.consortium},
		{"Assessment cycle", m.cycle},
		{"Framework", catalogTitle(m.b.Catalog)},
		{"Maturity scale", m.scale.Name},
		{"Generated", longDate(m.b.Generated)},
	}
	if m.b.Previous != nil && oneLine(m.b.PreviousCycle) != "" {
		facts = append(facts, [2]string{"Compared with", "the " + oneLine(m.b.PreviousCycle) + " cycle"})
	}
	for _, f := range facts {
		d.labelled(f[0]+":", f[1])
	}
	d.gap(8)
	m.confidentialBox()
	d.gap(6)
	d.note("This briefing is made by Palisade from " + m.member + "'s self-assessment. Its figures are the same as on the Palisade results and comparison pages for the cycle; the appendix explains how they are worked out.")
}

// confidentialBox is the boxed confidentiality notice of a cover.
func (m *memberWriter) confidentialBox() {
	confidentialBox(m.d, "This briefing describes weaknesses in "+m.member+"'s cybersecurity that an attacker could use. Share it only with the board and the staff who need it. Check with counsel before releasing it under public-records law, and do not post it with public meeting materials.")
}

func confidentialBox(d *doc, text string) {
	d.font("", 9.5)
	ls := d.lines(text, d.cw-8)
	h := 6 + 6 + float64(len(ls))*4.6 + 3
	d.ensure(h)
	y := d.y()
	d.draw(black)
	d.pdf.SetLineWidth(0.6)
	d.fill(zebraFill)
	d.pdf.Rect(marginX, y, d.cw, h, "FD")
	d.pdf.SetXY(marginX+4, y+3)
	d.font("B", 11)
	d.pdf.CellFormat(d.cw-8, 6, confidential, "", 0, "L", false, 0, "")
	d.font("", 9.5)
	for i, l := range ls {
		d.pdf.SetXY(marginX+4, y+10+float64(i)*4.6)
		d.pdf.CellFormat(d.cw-8, 4.6, l, "", 0, "L", false, 0, "")
	}
	d.pdf.SetXY(marginX, y+h)
}

func catalogTitle(c *frameworks.Catalog) string {
	if c.Version != "" && !strings.Contains(c.Name, c.Version) {
		return c.Name + " " + c.Version
	}
	return c.Name
}

// summary writes the one-page executive summary.
func (m *memberWriter) summary() {
	d, b := m.d, m.b
	r := b.Result
	d.newPage()
	d.heading("Executive summary", 20)

	overall := r.Overall.Score.V
	var s []string
	s = append(s, fmt.Sprintf("%s scores %s out of %d overall on the %s (%d = %s, %d = %s).",
		m.member, num(overall), m.scale.Max, scaleShort(m.scale), m.scale.Min, levelName(m.scale, m.scale.Min), m.scale.Max, levelName(m.scale, m.scale.Max)))
	base := fmt.Sprintf("That is %s the consortium's baseline of %s", compareWords(overall, float64(m.baseline)), levelText(m.scale, m.baseline))
	if b.MedianOverall.OK {
		base += fmt.Sprintf(" and %s the consortium median of %s", compareWords(overall, b.MedianOverall.V), num(b.MedianOverall.V))
	}
	s = append(s, base+".")
	if b.Percentile.OK {
		s = append(s, fmt.Sprintf("It is ahead of %d %% of the other members with a score.", int(b.Percentile.V+0.5)))
	} else if rank, n := m.rank(); n > 1 {
		s = append(s, fmt.Sprintf("It is %s of %d members with a score.", ordinal(rank), n))
	}
	d.subheading("Where "+m.member+" stands", 15)
	d.para(strings.Join(s, " "))

	best, worst := extremes(r)
	if best >= 0 && worst >= 0 && best != worst {
		d.para(fmt.Sprintf("Strongest area: %s (%s). Weakest area: %s (%s).",
			r.Functions[best].Name, score(r.Functions[best].Score), r.Functions[worst].Name, score(r.Functions[worst].Score)))
	}
	o := r.Overall
	d.para(fmt.Sprintf("The assessment is %s complete: %d of %d questions answered or marked not applicable. Unanswered questions are left out of the scores, never counted as zero.",
		percent(o.Completion()), o.Answered+o.NotApplicable, o.Total))

	if p := b.Previous; p != nil && p.Overall.Score.OK {
		prev := oneLine(b.PreviousCycle)
		if prev == "" {
			prev = "the previous cycle"
		}
		d.subheading("Change since "+prev, 10)
		d.para(m.changeText(*p, prev))
	}

	if st := strengths(r, 3); len(st) > 0 {
		d.subheading("What is going well", 10)
		var items []string
		for _, c := range st {
			w := wordsFor(b.Catalog, c.ID)
			items = append(items, fmt.Sprintf("%s (%s %s): %s, %s.", w.Plain, c.ID, c.Name, score(c.Score), targetWords(c)))
		}
		d.bullets(items, false)
	}

	top := topGapsByCategory(b.Gaps, 3)
	d.subheading("The most important gaps", 10)
	if len(top) == 0 {
		d.para("No answered question is below its target.")
	} else {
		var items []item
		for _, g := range top {
			w := wordsFor(b.Catalog, g.first.CategoryID)
			t := fmt.Sprintf("Now at level %s, target %d. Why it matters: %s What it would take: %s",
				levelText(m.scale, g.first.Current), g.first.Target, w.Why, w.Take)
			if g.more > 0 {
				t += fmt.Sprintf(" (%s in this area below target.)", plural(g.more, "more question", "more questions"))
			}
			items = append(items, item{Lead: fmt.Sprintf("%s (%s).", w.Plain, g.first.SubcategoryID), Text: t})
		}
		d.list(items, true)
	}
	decisions := m.decisionList()
	d.para(fmt.Sprintf("The board is asked to make %s, listed under \"Decisions for the board\".", plural(len(decisions), "decision", "decisions")))
}

// scaleShort names the scale in running text.
func scaleShort(s *frameworks.Scale) string {
	if s.ID == "ncsr" {
		return "NCSR maturity scale"
	}
	return s.Name
}

// rank is the member's place among the peers with a score (1 = highest)
// and how many have one; 0, 0 without peers.
func (m *memberWriter) rank() (rank, n int) {
	var self assessments.Value
	found := false
	for _, p := range m.b.PeerOverall {
		if p.Self {
			self, found = p.Score, true
		}
	}
	if !found || !self.OK {
		return 0, 0
	}
	rank = 1
	for _, p := range m.b.PeerOverall {
		if !p.Score.OK {
			continue
		}
		n++
		if !p.Self && p.Score.V > self.V+1e-9 {
			rank++
		}
	}
	return rank, n
}

// extremes are the indexes of the highest and lowest scored functions
// (first in catalog order on ties), -1 when none has a score.
func extremes(r assessments.Result) (best, worst int) {
	best, worst = -1, -1
	for i, f := range r.Functions {
		if !f.Score.OK {
			continue
		}
		if best < 0 || f.Score.V > r.Functions[best].Score.V {
			best = i
		}
		if worst < 0 || f.Score.V < r.Functions[worst].Score.V {
			worst = i
		}
	}
	return best, worst
}

// changeText describes the change from the previous cycle.
func (m *memberWriter) changeText(p assessments.Result, prev string) string {
	r := m.b.Result
	now, then := r.Overall.Score.V, p.Overall.Score.V
	var t string
	switch diff := now - then; {
	case num(now) == num(then):
		t = fmt.Sprintf("The overall score is unchanged at %s since %s.", num(now), prev)
	case diff > 0:
		t = fmt.Sprintf("The overall score rose by %s, from %s in %s to %s.", num(diff), num(then), prev, num(now))
	default:
		t = fmt.Sprintf("The overall score fell by %s, from %s in %s to %s.", num(-diff), num(then), prev, num(now))
	}
	up, down := -1, -1
	var upD, downD float64
	for i, f := range r.Functions {
		pf := p.Functions[i]
		if !f.Score.OK || !pf.Score.OK {
			continue
		}
		diff := f.Score.V - pf.Score.V
		if diff > upD {
			up, upD = i, diff
		}
		if diff < downD {
			down, downD = i, diff
		}
	}
	var parts []string
	if up >= 0 && num(upD) != "0.0" {
		parts = append(parts, fmt.Sprintf("biggest improvement %s (%s)", r.Functions[up].Name, signed(upD)))
	}
	if down >= 0 && num(-downD) != "0.0" {
		parts = append(parts, fmt.Sprintf("biggest fall %s (%s)", r.Functions[down].Name, signed(downD)))
	}
	if len(parts) > 0 {
		t += " By function: " + strings.Join(parts, "; ") + "."
	}
	return t
}

// strengths are the n highest-scoring categories, ties in catalog order.
func strengths(r assessments.Result, n int) []assessments.Summary {
	var all []assessments.Summary
	for _, f := range r.Functions {
		for _, c := range f.Categories {
			if c.Score.OK {
				all = append(all, c)
			}
		}
	}
	slices.SortStableFunc(all, func(a, b assessments.Summary) int { return cmp.Compare(b.Score.V, a.Score.V) })
	return all[:min(n, len(all))]
}

// targetWords places a score against its target, on rounded figures.
func targetWords(s assessments.Summary) string {
	if !s.Target.OK {
		return "no target"
	}
	switch w := compareWords(s.Score.V, s.Target.V); w {
	case "level with":
		return "at its target of " + num(s.Target.V)
	default:
		return w + " its target of " + num(s.Target.V)
	}
}

// categoryGap is the top gap of one category and how many more gaps the
// category has.
type categoryGap struct {
	first assessments.Gap
	more  int
}

// topGapsByCategory takes the gaps in priority order and keeps the first
// gap of each of the first n categories, so the summary names n different
// things to do rather than three questions about one.
func topGapsByCategory(gaps []assessments.Gap, n int) []categoryGap {
	var out []categoryGap
	at := map[string]int{}
	for _, g := range gaps {
		if i, ok := at[g.CategoryID]; ok {
			out[i].more++
			continue
		}
		if len(out) == n {
			continue
		}
		at[g.CategoryID] = len(out)
		out = append(out, categoryGap{first: g})
	}
	return out
}

// decisionList is the caller's decisions, or decisions proposed from the
// top gaps.
func (m *memberWriter) decisionList() []string {
	var out []string
	for _, s := range m.b.Decisions {
		if s = oneLine(s); s != "" {
			out = append(out, s)
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, g := range topGapsByCategory(m.b.Gaps, 3) {
		w := wordsFor(m.b.Catalog, g.first.CategoryID)
		ids := []string{g.first.SubcategoryID}
		for _, x := range m.b.Gaps {
			if x.CategoryID == g.first.CategoryID && x.SubcategoryID != g.first.SubcategoryID && len(ids) < 4 {
				ids = append(ids, x.SubcategoryID)
			}
		}
		out = append(out, fmt.Sprintf("%s (Gaps on %s.)", w.Decision, list(ids)))
	}
	if len(out) == 0 {
		out = append(out, fmt.Sprintf("Note that %s meets its targets in the %s cycle and ask to keep the controls tested.", m.member, m.cycle))
	}
	out = append(out, "Ask for a progress report on these decisions before the next assessment cycle.")
	return out
}

// charts writes the comparison charts.
func (m *memberWriter) charts() {
	d, b := m.d, m.b
	r := b.Result
	d.newPage()
	d.heading("How "+m.member+" compares", 90)
	var groups []barGroup
	ser := []series{{"Your score", dark}}
	withMedian := len(b.Median) == len(r.Functions)
	if withMedian {
		ser = append(ser, series{"Consortium median", light})
	}
	for i, f := range r.Functions {
		g := barGroup{Label: f.Name, Values: []assessments.Value{f.Score}, Target: f.Target}
		if withMedian {
			g.Values = append(g.Values, b.Median[i])
		}
		groups = append(groups, g)
	}
	og := barGroup{Label: "Overall", Values: []assessments.Value{r.Overall.Score}, Target: r.Overall.Target}
	if withMedian {
		og.Values = append(og.Values, b.MedianOverall)
	}
	groups = append(groups, og)
	yl := fmt.Sprintf("Score: maturity level (%d = %s, %d = %s)", m.scale.Min, levelName(m.scale, m.scale.Min), m.scale.Max, levelName(m.scale, m.scale.Max))
	title := "Scores by function, against your target"
	if withMedian {
		title += " and the consortium median"
	}
	d.bars(barChart{
		Title:  title,
		YLabel: yl, XLabel: catalogTitle(b.Catalog) + " functions",
		Series: ser, Groups: groups, Min: 0, Max: m.scale.Max, Baseline: m.baseline,
		TargetName: "Your target", Height: 88,
	})
	d.note("Each function's score is the average of its category scores; the overall score is the average of the function scores, so every function counts equally. A dash means nothing was answered there.")

	if rank, n := m.rank(); n > 1 {
		d.peerChart("Position among the consortium's members (overall score)",
			"Members with a score, highest to lowest. Other members are not named.",
			b.PeerOverall, 0, m.scale.Max, m.baseline, 72)
		d.note(fmt.Sprintf("%s is %s highest of %d members with an overall score this cycle.", m.member, ordinal(rank), n))
	}

	if p := b.Previous; p != nil && p.Overall.Score.OK {
		prev := oneLine(b.PreviousCycle)
		if prev == "" {
			prev = "Previous cycle"
		}
		var tg []barGroup
		for i, f := range r.Functions {
			tg = append(tg, barGroup{Label: f.Name, Values: []assessments.Value{p.Functions[i].Score, f.Score}})
		}
		tg = append(tg, barGroup{Label: "Overall", Values: []assessments.Value{p.Overall.Score, r.Overall.Score}})
		d.bars(barChart{
			Title:  "Trend: scores in " + prev + " and " + m.cycle,
			YLabel: yl, XLabel: catalogTitle(b.Catalog) + " functions, by assessment cycle",
			Series: []series{{prev, light}, {m.cycle, dark}}, Groups: tg, Min: 0, Max: m.scale.Max,
			Baseline: m.baseline, Height: 82,
		})
	}
}

// gapsTable writes the top gaps.
func (m *memberWriter) gapsTable() {
	d, b := m.d, m.b
	d.heading("The gaps to close first", 40)
	if len(b.Gaps) == 0 {
		d.para("No answered question is below its target: there is no gap to close in this cycle.")
		return
	}
	n := min(len(b.Gaps), maxGapRows)
	d.para(fmt.Sprintf("These are the questions furthest below their target, in priority order: the gap is multiplied by how much the question matters, so the controls that insurers and CISA's Cross-Sector Cybersecurity Performance Goals ask for first come before others. Showing %d of %s below target.",
		n, plural(len(b.Gaps), "question", "questions")))
	rows := make([][]string, n)
	for i, g := range b.Gaps[:n] {
		rows[i] = []string{
			fmt.Sprint(i + 1), g.SubcategoryID, question(b.Catalog, g.SubcategoryID),
			fmt.Sprint(g.Current), fmt.Sprint(g.Target), fmt.Sprint(g.Gap),
		}
	}
	d.table([]column{
		{"#", 0.05, "R", 0}, {"Question", 0.11, "L", 0}, {"What the question asks", 0.57, "L", 0},
		{"Now", 0.09, "C", 0}, {"Target", 0.09, "C", 0}, {"Gap", 0.09, "C", 0},
	}, rows, tableStyle{})
	d.note("Now and Target are levels of the maturity scale (see the appendix). Questions marked not applicable or not yet answered are not listed.")
}

// decisions writes the decisions asked of the board.
func (m *memberWriter) decisions() {
	d := m.d
	d.heading("Decisions for the board", 30)
	d.para("The board is asked to:")
	d.bullets(m.decisionList(), true)
	if len(m.b.Decisions) == 0 {
		d.note("These decisions are proposed from the most important gaps. The consortium coordinator can advise on costs and on services the consortium shares.")
	}
}

// appendix writes the method and every score.
func (m *memberWriter) appendix() {
	d, b := m.d, m.b
	methodAppendix(d, "Appendix A. How the scores are worked out", b.Catalog, m.scale, m.baseline)

	d.heading("Appendix B. All scores", 30)
	d.para(fmt.Sprintf("Every function and category of %s for %s in the %s cycle. Completion counts questions answered or marked not applicable.", catalogTitle(b.Catalog), m.member, m.cycle))
	r := b.Result
	var rows [][]string
	bold := map[int]bool{}
	add := func(s assessments.Summary, name string, strong bool) {
		if strong {
			bold[len(rows)] = true
		}
		rows = append(rows, []string{name, score(s.Score), score(s.Target), score(s.Gap), percent(s.Completion())})
	}
	add(r.Overall, "Overall", true)
	for _, f := range r.Functions {
		add(f.Summary, f.ID+"  "+f.Name, true)
		for _, c := range f.Categories {
			add(c, "      "+c.ID+"  "+c.Name, false)
		}
	}
	d.table([]column{
		{"Function or category", 0.56, "L", 0}, {"Score", 0.11, "C", 0}, {"Target", 0.11, "C", 0},
		{"Gap", 0.11, "C", 0}, {"Complete", 0.11, "C", 0},
	}, rows, tableStyle{Size: 8.5, Bold: func(i int) bool { return bold[i] }})
}

// methodAppendix explains the scale, the scoring rules and the baseline;
// both briefings share it.
func methodAppendix(d *doc, title string, cat *frameworks.Catalog, scale *frameworks.Scale, baseline int) {
	d.heading(title, 30)
	nf, nc, ns := cat.Counts()
	d.para(fmt.Sprintf("The assessment follows %s: %d functions, %d categories and %d questions. Each question is answered on the %s, or marked not applicable with a written reason.",
		catalogTitle(cat), nf, nc, ns, scale.Name))
	var fl []string
	for _, f := range cat.Functions {
		if t, ok := functionWords[f.ID]; ok && cat.ID == csfID {
			fl = append(fl, t)
		} else {
			fl = append(fl, f.Name+" ("+strings.TrimSuffix(f.Summary, ".")+")")
		}
	}
	d.para("The functions are " + list(fl) + ".")

	d.subheading("The maturity scale", 30)
	var rows [][]string
	for _, c := range scale.Choices {
		rows = append(rows, []string{fmt.Sprint(c.Score), c.Name, c.Definition})
	}
	d.table([]column{{"Level", 0.1, "C", 0}, {"Name", 0.3, "L", 0}, {"What it means", 0.6, "L", 0}}, rows, tableStyle{})

	d.subheading("Scoring rules", 30)
	d.bullets([]string{
		"A category's score is the average of its answered questions. Questions marked not applicable are left out, and unanswered questions lower completion, never the score.",
		"A function's score is the average of its category scores, and the overall score the average of the function scores: every category counts equally in its function and every function equally overall, however many questions each has.",
		"A target is the level aimed for on a question: the consortium baseline unless the member set its own. The gap is the target minus the score, and never negative.",
		"\"Risk Formally Accepted\" is an answer that scores 5: an accountable official decided in writing not to do something. The consortium's weakest-link report still counts it as open exposure.",
		"Gaps are listed by gap multiplied by the question's weight (1 to 3; the controls insurers and CISA ask for first weigh most), then by gap, then in framework order.",
		"Everything is calculated at full precision and rounded only when printed: scores to one decimal, completion to a whole percentage, so printed figures do not always add up exactly.",
	}, false)

	d.subheading("Baseline", 15)
	d.para(fmt.Sprintf("The consortium's baseline is level %s: the level the consortium asks every member to reach, and the default target. On the NCSR scale, 5 is the recommended minimum.", levelText(scale, baseline)))

	d.subheading("Terms used", 30)
	var terms []item
	for _, g := range glossary {
		terms = append(terms, item{Lead: g[0] + ":", Text: g[1]})
	}
	d.list(terms, false)
}
