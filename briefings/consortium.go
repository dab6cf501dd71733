package briefings

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"palisade/assessments"
	"palisade/frameworks"
)

// The consortium briefing, for the consortium's governing board (6 to 15
// pages for a consortium of a dozen members): cover, executive summary,
// heatmap, distributions, weakest-link opportunities, interconnection
// exposure when links are recorded, recommended pooled services when the
// consortium has shared services, and an appendix with the method, the
// completion of every member and the data behind every chart. A section
// is never printed empty.

// Limits of the lists in the body; the appendix has everything.
const (
	maxWeakestSubcategories = 5
	maxBelowNamed           = 12
	maxRanking              = 10
	maxOpportunities        = 10
)

// WriteConsortium writes the consortium briefing as a PDF to w. Nothing is
// written when it returns an error: ErrNoScore (wrapped) when no member has
// a score in the cycle, ErrInvalid (wrapped) for incomplete input, or an
// error of w.
func WriteConsortium(w io.Writer, b ConsortiumBriefing) error {
	c, err := newConsortiumWriter(b)
	if err != nil {
		return err
	}
	c.cover()
	c.summary()
	c.heatmap()
	c.distributions()
	c.opportunities()
	c.interconnections()
	c.pooling()
	c.appendix()
	return c.d.write(w)
}

type consortiumWriter struct {
	d                 *doc
	b                 ConsortiumBriefing
	cmp               *assessments.Comparison
	wl                *assessments.WeakestLink
	scale             *frameworks.Scale
	baseline          int
	consortium, cycle string
	names             map[int64]string
	opps              []assessments.Opportunity
}

func newConsortiumWriter(b ConsortiumBriefing) (*consortiumWriter, error) {
	consortium, cycle := oneLine(b.Consortium), oneLine(b.Cycle)
	switch {
	case b.Catalog == nil:
		return nil, wrapInvalid("no catalog")
	case b.Generated.IsZero():
		return nil, wrapInvalid("no generation time")
	case consortium == "" || cycle == "":
		return nil, wrapInvalid("the consortium and cycle names are required")
	case b.Comparison == nil:
		return nil, wrapInvalid("no comparison")
	case b.Weakest == nil:
		return nil, wrapInvalid("no weakest-link report")
	case b.Comparison.CatalogID != b.Catalog.ID:
		return nil, wrapInvalid("the comparison is of catalog %q, not %q", b.Comparison.CatalogID, b.Catalog.ID)
	case b.Baseline != 0 && b.Baseline != b.Weakest.Baseline:
		return nil, wrapInvalid("baseline %d differs from the weakest-link report's %d", b.Baseline, b.Weakest.Baseline)
	case b.Previous != nil && (b.Previous.CatalogID != b.Catalog.ID || len(b.Previous.Functions) != len(b.Comparison.Functions)):
		return nil, wrapInvalid("the previous cycle's comparison is of another catalog")
	case !b.Comparison.Overall.OK():
		return nil, wrapNoScore("no member of %s has a scored assessment in cycle %s", consortium, cycle)
	}
	if _, err := pageFormat(b.PageSize); err != nil {
		return nil, wrapInvalid("page size %q is not A4 or Letter", b.PageSize)
	}
	names := map[int64]string{}
	var missing []string
	for _, m := range b.Comparison.Members {
		n := oneLine(b.Names[m.MemberID])
		if n == "" && b.Named {
			n = oneLine(m.Name)
		}
		if n == "" {
			missing = append(missing, fmt.Sprint(m.MemberID))
			continue
		}
		names[m.MemberID] = n
	}
	if len(missing) > 0 {
		if len(missing) > 10 {
			missing = append(missing[:10], "...")
		}
		return nil, wrapInvalid("no name or label for members %s", strings.Join(missing, ", "))
	}
	scale := b.Scale
	if scale == nil {
		scale = frameworks.NCSR()
	}
	baseline := b.Weakest.Baseline
	opps := b.Opportunities
	if opps == nil {
		opps = b.Weakest.Opportunities(maxOpportunities)
	}
	d, err := newDoc(b.PageSize, docInfo{
		Title:       "Consortium cybersecurity briefing: " + consortium + ", " + cycle,
		Author:      consortium,
		Subject:     fmt.Sprintf("%s self-assessments of the members of %s, cycle %s, on the %s", b.Catalog.Name, consortium, cycle, scale.Name),
		Keywords:    "cybersecurity, board briefing, consortium, weakest link, " + b.Catalog.Name,
		HeaderLeft:  consortium,
		HeaderRight: "Consortium board briefing · " + cycle,
		Generated:   b.Generated,
	})
	if err != nil {
		return nil, wrapInvalid("%v", err)
	}
	return &consortiumWriter{d: d, b: b, cmp: b.Comparison, wl: b.Weakest, scale: scale, baseline: baseline,
		consortium: consortium, cycle: cycle, names: names, opps: opps}, nil
}

func (c *consortiumWriter) name(id int64) string {
	if n, ok := c.names[id]; ok {
		return n
	}
	return fmt.Sprintf("Member #%d", id)
}

// status is the assessment status of a member in words.
func (c *consortiumWriter) status(id int64) string {
	switch s := strings.ToLower(strings.TrimSpace(c.b.Statuses[id])); s {
	case "", "none":
		return "Not started"
	case "draft", "submitted", "reviewed":
		return strings.ToUpper(s[:1]) + s[1:]
	default:
		return oneLine(c.b.Statuses[id])
	}
}

func (c *consortiumWriter) cover() {
	d := c.d
	d.newPage()
	d.pdf.SetXY(marginX, 42)
	d.font("B", 11)
	d.color(dark)
	d.textAt(marginX, d.cw, 6, "CONSORTIUM CYBERSECURITY BRIEFING", "L")
	d.gap(3)
	d.font("B", 24)
	d.color(black)
	d.textAt(marginX, d.cw, 10.5, c.consortium, "L")
	d.gap(3)
	d.font("", 13)
	d.textAt(marginX, d.cw, 6.5, "Prepared for the governing board of "+c.consortium, "L")
	d.gap(10)
	naming := "Members are named."
	if !c.b.Named {
		naming = "Members are shown under anonymous labels."
	}
	for _, f := range [][2]string{
		{"Assessment cycle", c.cycle},
		{"Members", fmt.Sprintf("%d. %s", len(c.cmp.Members), naming)},
		{"Framework", catalogTitle(c.b.Catalog)},
		{"Maturity scale", c.scale.Name},
		{"Generated", longDate(c.b.Generated)},
	} {
		d.labelled(f[0]+":", f[1])
	}
	d.gap(8)
	confidentialBox(d, "This briefing describes weaknesses in the cybersecurity of the consortium's members, and which members hold the others back, that an attacker could use. Share it only with the board and the staff who need it. Check with counsel before releasing it under public-records law, and do not post it with public meeting materials.")
	d.gap(6)
	d.note("This briefing is made by Palisade from the members' self-assessments. Its figures are the same as on the Palisade comparison and weakest-link pages for the cycle; the appendix explains how they are worked out and gives the data behind every chart.")
}

func (c *consortiumWriter) summary() {
	d, cm := c.d, c.cmp
	d.newPage()
	d.heading("Executive summary", 20)

	counts := map[string]int{}
	for _, m := range cm.Members {
		counts[c.status(m.MemberID)]++
	}
	var st []string
	for _, s := range []string{"Reviewed", "Submitted", "Draft", "Not started"} {
		if counts[s] > 0 {
			st = append(st, fmt.Sprintf("%s %d", strings.ToLower(s), counts[s]))
		}
	}
	d.subheading("Who took part", 10)
	d.para(fmt.Sprintf("%d of the consortium's %s have a score in the %s cycle (%s). Unanswered questions are left out of the scores, never counted as zero.",
		cm.Overall.Count, plural(len(cm.Members), "member", "members"), c.cycle, strings.Join(st, ", ")))

	o := cm.Overall
	d.subheading("Where the consortium stands", 40)
	d.para(fmt.Sprintf("The median member scores %s out of %d overall, %s the consortium's baseline of %s. Overall scores range from %s to %s.",
		num(o.Median), c.scale.Max, compareWords(o.Median, float64(c.baseline)), levelText(c.scale, c.baseline), num(o.Min), num(o.Max)))
	rows := [][]string{}
	for i, f := range cm.Functions {
		rows = append(rows, []string{f.Name, statScore(f.Stats, f.Median), statScore(f.Stats, f.Min), fmt.Sprint(c.belowInFunction(i)), fmt.Sprint(f.Count)})
	}
	rows = append(rows, []string{"Overall", statScore(o, o.Median), statScore(o, o.Min), fmt.Sprint(c.belowOverall()), fmt.Sprint(o.Count)})
	d.table([]column{
		{"Function", 0.32, "L", 0}, {"Median", 0.15, "C", 0}, {"Lowest member", 0.18, "C", 0},
		{"Members below baseline", 0.2, "C", 0}, {"With a score", 0.15, "C", 0},
	}, rows, tableStyle{Bold: func(r int) bool { return r == len(rows)-1 }})

	c.change()

	d.subheading("The weakest links", 20)
	subs := c.weakestSubcategories()
	if len(subs) == 0 {
		d.para(fmt.Sprintf("No member is below the baseline of %d on any weighted question.", c.baseline))
	} else {
		d.para("An attacker does not need to beat the consortium's average: one weak member connected to the others is a way in. These questions gain most if the members at the bottom reach the baseline:")
		var items []string
		for _, s := range subs {
			w := wordsFor(c.b.Catalog, s.CategoryID)
			items = append(items, fmt.Sprintf("%s (%s): lowest level %s, median %s; %d of %d members below the baseline.",
				s.SubcategoryID, w.Plain, floorText(c.scale, s.Floor), score(s.Median), s.Below, s.Answered))
		}
		d.bullets(items, false)
	}
	switch n := len(c.wl.AcceptedRisks); {
	case n == 1:
		d.para("1 answer is a formally accepted risk: the control is, by decision, not in place. It counts as open exposure for the members connected to that member.")
	case n > 1:
		d.para(fmt.Sprintf("%d answers are formally accepted risks: the controls are, by decision, not in place. They count as open exposure for the members connected to those members.", n))
	}

	d.subheading("Members below the baseline overall", 15)
	var below []string
	for _, i := range cm.OrderByOverall(false) {
		m := cm.Members[i]
		if m.Result.Overall.Score.OK && m.Result.Overall.Score.V < float64(c.baseline) {
			below = append(below, fmt.Sprintf("%s (%s)", c.name(m.MemberID), num(m.Result.Overall.Score.V)))
		}
	}
	switch {
	case len(below) == 0:
		d.para(fmt.Sprintf("Every member with a score is at or above the baseline of %d overall.", c.baseline))
	case len(below) <= maxBelowNamed:
		d.para(fmt.Sprintf("%s below the baseline of %d overall, lowest first: %s.", plural(len(below), "member is", "members are"), c.baseline, list(below)))
	default:
		d.para(fmt.Sprintf("%d members are below the baseline of %d overall. The lowest %d: %s; the others are in Appendix B.",
			len(below), c.baseline, maxBelowNamed, strings.Join(below[:maxBelowNamed], ", ")))
	}
}

// statScore shows one figure of a spread, or a dash when nobody has a
// score.
func statScore(s assessments.Stats, v float64) string {
	if !s.OK() {
		return dash
	}
	return num(v)
}

func floorText(s *frameworks.Scale, v assessments.Value) string {
	if !v.OK {
		return dash
	}
	return levelText(s, int(v.V))
}

// change compares the cycle with the previous one, when there is one
// with scores: the median and the lowest member per function and overall,
// and how many members are below the baseline. Members can differ between
// cycles (one joined, one did not take part), so these are figures of the
// consortium as it was each time, not of the same members.
func (c *consortiumWriter) change() {
	prev := c.b.Previous
	if prev == nil || !prev.Overall.OK() {
		return
	}
	d, cm := c.d, c.cmp
	name := oneLine(c.b.PreviousCycle)
	if name == "" {
		name = "the previous cycle"
	}
	d.subheading("Change since "+name, 25)
	was, now := prev.Overall, cm.Overall
	d.para(fmt.Sprintf("Since %s the median member has gone from %s to %s overall and the lowest member from %s to %s; members below the baseline went from %d to %d. These are the consortium as it was in each cycle: members who joined or did not take part change them too.",
		name, num(was.Median), num(now.Median), num(was.Min), num(now.Min), belowOverall(prev, c.baseline), belowOverall(cm, c.baseline)))
	rows := [][]string{}
	for i, f := range cm.Functions {
		p := prev.Functions[i]
		rows = append(rows, []string{f.Name, statScore(p.Stats, p.Median), statScore(f.Stats, f.Median), statScore(p.Stats, p.Min), statScore(f.Stats, f.Min)})
	}
	rows = append(rows, []string{"Overall", statScore(was, was.Median), statScore(now, now.Median), statScore(was, was.Min), statScore(now, now.Min)})
	d.table([]column{
		{"Function", 0.32, "L", 0}, {"Median then", 0.17, "C", 0}, {"Median now", 0.17, "C", 0},
		{"Lowest then", 0.17, "C", 0}, {"Lowest now", 0.17, "C", 0},
	}, rows, tableStyle{Bold: func(r int) bool { return r == len(rows)-1 }})
}

// belowInFunction counts members whose score on function fi is below the
// baseline.
func (c *consortiumWriter) belowInFunction(fi int) int {
	n := 0
	for _, m := range c.cmp.Members {
		if fi < len(m.Result.Functions) {
			if s := m.Result.Functions[fi].Score; s.OK && s.V < float64(c.baseline) {
				n++
			}
		}
	}
	return n
}

func (c *consortiumWriter) belowOverall() int { return belowOverall(c.cmp, c.baseline) }

// belowOverall counts the members of a comparison whose overall score is
// below the baseline.
func belowOverall(cm *assessments.Comparison, baseline int) int {
	n := 0
	for _, m := range cm.Members {
		if s := m.Result.Overall.Score; s.OK && s.V < float64(baseline) {
			n++
		}
	}
	return n
}

// weakestSubcategories are the questions of the top what-ifs, in their
// order, each once.
func (c *consortiumWriter) weakestSubcategories() []assessments.SubcategoryFloor {
	var out []assessments.SubcategoryFloor
	seen := map[string]bool{}
	for _, o := range c.opps {
		if seen[o.SubcategoryID] || len(out) == maxWeakestSubcategories {
			continue
		}
		seen[o.SubcategoryID] = true
		if i := slices.IndexFunc(c.wl.Subcategories, func(s assessments.SubcategoryFloor) bool { return s.SubcategoryID == o.SubcategoryID }); i >= 0 {
			out = append(out, c.wl.Subcategories[i])
		}
	}
	return out
}

func (c *consortiumWriter) heatmap() {
	d, cm := c.d, c.cmp
	d.newPage()
	d.heading("Heatmap: every member, every function", 60)
	y := d.chartTitle(d.y(), "Function scores by member")
	d.pdf.SetXY(marginX, y)
	d.note("Rows (vertical axis): members, highest overall score first. Columns (horizontal axis): the functions of " + catalogTitle(c.b.Catalog) + ", then the overall score and the share of questions dealt with. Darker cells are lower scores; every cell prints its score, so the chart reads in black and white.")
	d.heatLegend(c.scale.Min, c.scale.Max)
	nf := len(cm.Functions)
	cols := []column{{"Member", 0.28, "L", 0}}
	fw := 0.54 / float64(max(nf, 1))
	for _, f := range cm.Functions {
		cols = append(cols, column{f.Name, fw, "C", 0})
	}
	cols = append(cols, column{"Overall", 0.09, "C", 0}, column{"Complete", 0.09, "C", 0})
	order := cm.OrderByOverall(true)
	rows := make([][]string, len(order))
	vals := make([][]assessments.Value, len(order))
	for r, i := range order {
		m := cm.Members[i]
		row := []string{c.name(m.MemberID)}
		var vs []assessments.Value
		for _, f := range m.Result.Functions {
			row = append(row, score(f.Score))
			vs = append(vs, f.Score)
		}
		row = append(row, score(m.Result.Overall.Score), percent(m.Completion))
		vs = append(vs, m.Result.Overall.Score)
		rows[r], vals[r] = row, vs
	}
	size := 8.5
	if len(rows) > 60 {
		size = 7.5
	}
	d.table(cols, rows, tableStyle{Size: size, Fill: func(r, col int) (rgb, bool) {
		if col == 0 || col > len(vals[r]) {
			return rgb{}, false
		}
		v := vals[r][col-1]
		if !v.OK {
			return white, true
		}
		return heat(v.V, c.scale.Min, c.scale.Max), true
	}})
}

func (c *consortiumWriter) distributions() {
	d, cm := c.d, c.cmp
	d.heading("How scores are spread", 70)
	var rows []rangeRow
	for _, f := range cm.Functions {
		rows = append(rows, rangeRow{f.Name, f.Stats})
	}
	rows = append(rows, rangeRow{"Overall", cm.Overall})
	d.rangeChart("Spread of member scores by function", "Maturity level", rows, c.scale.Min, c.scale.Max, c.baseline)
	d.note("For each function: the line runs from the lowest to the highest member score, the box covers the middle half of the members (first to third quartile) and the dark mark is the median. Only members with a score there are counted (right-hand column). The figures are in Appendix C.")
}

func (c *consortiumWriter) opportunities() {
	d := c.d
	d.heading("Where one member's progress lifts everyone", 50)
	if len(c.opps) == 0 {
		d.para(fmt.Sprintf("No member is below the baseline of %d on any weighted question, so there is no weakest link to lift.", c.baseline))
		return
	}
	d.para(fmt.Sprintf("For each member below the baseline on a question, Palisade asks: if this member reached level %d there, what would change? The consortium's lowest level on the question (its floor) rises only when that member is alone at the bottom. The list is ordered by impact: the weight of the question times the levels gained by the member and, when the floor rises, by every member. These are the %s with the largest impact.",
		c.baseline, plural(len(c.opps), "improvement", "improvements")))
	var rows [][]string
	for i, o := range c.opps {
		rows = append(rows, []string{fmt.Sprint(i + 1), c.name(o.MemberID), o.SubcategoryID + ": " + question(c.b.Catalog, o.SubcategoryID), c.whatIf(o), fmt.Sprint(o.Impact)})
	}
	d.table([]column{
		{"#", 0.05, "R", 0}, {"Member", 0.19, "L", 0}, {"Question", 0.35, "L", 4},
		{fmt.Sprintf("Effect if the member reached level %d", c.baseline), 0.31, "L", 0}, {"Impact", 0.10, "C", 0},
	}, rows, tableStyle{Size: 8.5})
}

// whatIf says in words what one opportunity changes.
func (c *consortiumWriter) whatIf(o assessments.Opportunity) string {
	var floor string
	if o.FloorAfter > o.FloorBefore {
		floor = fmt.Sprintf("The consortium's lowest level rises from %d to %d for all %d members who answered.", o.FloorBefore, o.FloorAfter, o.Answered)
	} else {
		floor = fmt.Sprintf("The lowest level stays at %d: another member is there too.", o.FloorBefore)
	}
	return fmt.Sprintf("Climbs %s from level %d. %s Members below the baseline: %d, then %d.",
		plural(o.Gap, "level", "levels"), o.Level, floor, o.BelowBefore, o.BelowAfter)
}

func (c *consortiumWriter) interconnections() {
	if len(c.b.Links) == 0 {
		return
	}
	d := c.d
	kinds := map[string]string{}
	for _, k := range assessments.LinkKinds() {
		kinds[k.ID] = k.Name
	}
	ids := make([]int64, len(c.cmp.Members))
	for i, m := range c.cmp.Members {
		ids[i] = m.MemberID
	}
	var valid []assessments.Link
	byKind := map[string]int{}
	for _, l := range c.b.Links {
		if assessments.CheckLink(l, ids) == nil {
			valid = append(valid, l)
			byKind[l.Kind]++
		}
	}
	if len(valid) == 0 {
		return
	}
	d.heading("Interconnections: how a weakness spreads", 60)
	var kl []string
	for _, k := range assessments.LinkKinds() {
		if n := byKind[k.ID]; n > 0 {
			kl = append(kl, fmt.Sprintf("%s: %d", lowerFirst(k.Name), n))
		}
	}
	d.para(fmt.Sprintf("%s between members are recorded (%s). A weakness travels over a link when the link carries it: a weak login crosses a shared network or a shared mail tenant, a weak backup does not.",
		plural(len(valid), "link", "links"), strings.Join(kl, "; ")))

	ranking := c.wl.Ranking(valid)
	var rrows [][]string
	for _, r := range ranking {
		if r.Score == 0 || len(rrows) == maxRanking {
			continue
		}
		rrows = append(rrows, []string{c.name(r.MemberID), fmt.Sprint(r.BlastRadius), fmt.Sprint(r.Weakness), fmt.Sprint(r.Score)})
	}
	d.subheading("Members whose weaknesses could spread furthest", 30)
	if len(rrows) == 0 {
		d.para("No member that others can be reached from has a weakness below the baseline.")
	} else {
		d.para("Reach is how many members can be reached from the member by following links; weakness is the sum of its weighted levels below the baseline (accepted risks counted as not performed). The risk to others is reach times weakness.")
		d.table([]column{{"Member", 0.46, "L", 0}, {"Reach (members)", 0.18, "C", 0}, {"Weakness", 0.18, "C", 0}, {"Risk to others", 0.18, "C", 0}}, rrows, tableStyle{})
	}

	exps := c.wl.Exposures(valid)
	slices.SortStableFunc(exps, func(a, b assessments.Exposure) int {
		if a.Score != b.Score {
			return b.Score - a.Score
		}
		return labelCompare(c.name(a.MemberID), c.name(b.MemberID))
	})
	var erows [][]string
	for _, e := range exps {
		if e.Score == 0 || len(erows) == maxRanking {
			continue
		}
		src := ""
		if len(e.Weaknesses) > 0 {
			w := e.Weaknesses[0]
			kind := kinds[w.Kind]
			if kind == "" {
				kind = w.Kind
			}
			what := fmt.Sprintf("level %d on %s", w.Level, w.SubcategoryID)
			if w.Accepted {
				what = "accepted risk on " + w.SubcategoryID
			}
			src = fmt.Sprintf("%s: %s, over the %s link (criticality %d).", c.name(w.From), what, lowerFirst(kind), w.Criticality)
			if n := len(e.Weaknesses) - 1; n > 0 {
				src += fmt.Sprintf(" %s reach it.", plural(n, "more weakness", "more weaknesses"))
			}
		}
		erows = append(erows, []string{c.name(e.MemberID), fmt.Sprint(e.Score), src})
	}
	d.subheading("Members most exposed by their neighbours", 30)
	if len(erows) == 0 {
		d.para("No weakness below the baseline reaches a member over its links.")
		return
	}
	d.para("Exposure adds up the weaknesses of a member's direct neighbours that travel over the links between them: the weight of the question times how far the neighbour is below the baseline times the criticality of the link.")
	d.table([]column{{"Member", 0.3, "L", 0}, {"Exposure", 0.12, "C", 0}, {"Largest source", 0.58, "L", 0}}, erows, tableStyle{})
}

func (c *consortiumWriter) appendix() {
	d, cm := c.d, c.cmp
	d.newPage()
	methodAppendix(d, "Appendix A. How the figures are worked out", c.b.Catalog, c.scale, c.baseline)
	d.subheading("Comparing members and the weakest link", 30)
	d.bullets([]string{
		"Spreads (lowest, quartiles, median, highest) count only members with a score there; quartiles are interpolated as in spreadsheets (PERCENTILE.INC).",
		"The floor of a question is the lowest level of the members who answered it. Members' own targets are not used here: a member that set itself a low target is still a way in for the others.",
		"An answer of \"Risk Formally Accepted\" counts as 5 for the floor and the median, but as open exposure, as if not performed, for the interconnection figures.",
		"Each question has a consortium weight from 0 to 10 (multi-factor sign-in, patching, backups, monitoring and incident response weigh most); questions weighted 0 are left out of the what-ifs.",
		"Impact of a what-if = weight × (levels the member climbs + rise of the floor × members who answered).",
	}, false)

	d.heading("Appendix B. Completion by member", 30)
	d.para("Status is that of the member's assessment in the cycle. Completion counts questions answered or marked not applicable.")
	var rows [][]string
	for _, i := range cm.OrderByName() {
		m := cm.Members[i]
		o := m.Result.Overall
		rows = append(rows, []string{c.name(m.MemberID), c.status(m.MemberID), percent(m.Completion),
			fmt.Sprint(o.Answered), fmt.Sprint(o.NotApplicable), fmt.Sprint(o.Unanswered()), score(o.Score)})
	}
	if !c.b.Named {
		slices.SortStableFunc(rows, func(a, b []string) int { return labelCompare(a[0], b[0]) })
	}
	d.table([]column{
		{"Member", 0.34, "L", 0}, {"Status", 0.13, "L", 0}, {"Complete", 0.11, "C", 0}, {"Answered", 0.11, "C", 0},
		{"N/A", 0.09, "C", 0}, {"Unanswered", 0.12, "C", 0}, {"Overall", 0.10, "C", 0},
	}, rows, tableStyle{Size: 8.5})

	d.heading("Appendix C. Data behind the charts", 30)
	d.para("The heatmap prints every score in its cells. These tables give the figures of the spread chart, the same for every category, and the weakest-link figures of every question where a member is below the baseline or has accepted a risk.")
	d.subheading("C.1 Spread by function", 25)
	spread := func(ns []assessments.NodeStats, label func(assessments.NodeStats) string) [][]string {
		var out [][]string
		for _, n := range ns {
			out = append(out, spreadRow(label(n), n.Stats))
		}
		return out
	}
	fr := spread(cm.Functions, func(n assessments.NodeStats) string { return n.Name })
	fr = append(fr, spreadRow("Overall", cm.Overall))
	spreadCols := []column{
		{"", 0.34, "L", 0}, {"Lowest", 0.11, "C", 0}, {"Q1", 0.11, "C", 0}, {"Median", 0.11, "C", 0},
		{"Q3", 0.11, "C", 0}, {"Highest", 0.11, "C", 0}, {"Members", 0.11, "C", 0},
	}
	spreadCols[0].Head = "Function"
	d.table(spreadCols, fr, tableStyle{Size: 8.5, Bold: func(r int) bool { return r == len(fr)-1 }})
	d.subheading("C.2 Spread by category", 25)
	spreadCols[0].Head = "Category"
	d.table(spreadCols, spread(cm.Categories, func(n assessments.NodeStats) string { return n.ID + "  " + n.Name }), tableStyle{Size: 8.5})

	d.subheading("C.3 Weakest-link figures", 25)
	var wrows [][]string
	for _, s := range c.wl.Subcategories {
		if s.Below == 0 && s.Exposed == 0 {
			continue
		}
		wrows = append(wrows, []string{s.SubcategoryID, fmt.Sprint(s.Weight), fmt.Sprint(s.Answered), score(s.Floor), score(s.Median), fmt.Sprint(s.Below), fmt.Sprint(s.Exposed)})
	}
	if len(wrows) == 0 {
		d.para(fmt.Sprintf("No member is below the baseline of %d on any question, and no risk is formally accepted.", c.baseline))
		return
	}
	d.table([]column{
		{"Question", 0.16, "L", 0}, {"Weight", 0.12, "C", 0}, {"Answered", 0.14, "C", 0}, {"Floor", 0.14, "C", 0},
		{"Median", 0.14, "C", 0}, {"Below baseline", 0.16, "C", 0}, {"Accepted risks", 0.14, "C", 0},
	}, wrows, tableStyle{Size: 8.5})
}

func spreadRow(label string, s assessments.Stats) []string {
	return []string{label, statScore(s, s.Min), statScore(s, s.Q1), statScore(s, s.Median), statScore(s, s.Q3), statScore(s, s.Max), fmt.Sprint(s.Count)}
}

// labelCompare orders anonymous labels as "Member B" < "Member Z" <
// "Member AA": shorter first, then alphabetically, so the completion table
// does not reveal anything the labels hide.
func labelCompare(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// lowerFirst lowercases the first letter of a name used inside a sentence
// ("Shared network or fibre" -> "shared network or fibre"), leaving
// acronyms ("GIS", "ERP") alone.
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 1 && unicode.IsUpper(r[0]) && !unicode.IsUpper(r[1]) {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}
