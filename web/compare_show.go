package web

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"palisade/accounts"
	"palisade/assessments"
	"palisade/store"
	"palisade/views"
)

// cycleComparison is what the comparison pages share: the cycle asked for
// (?cycle=, default the current one) and the analysis of its answers.
type cycleComparison struct {
	cycle    store.Cycle
	cycles   []store.Cycle
	members  []store.Member
	statuses map[int64]store.Assessment
	answers  map[int64][]assessments.Answer
	cmp      *assessments.Comparison
}

// loadComparison refuses a cycle of another consortium like an unknown one.
func (s *Server) loadComparison(w http.ResponseWriter, r *http.Request) (cycleComparison, bool) {
	v := visitOf(r)
	ctx := r.Context()
	var cc cycleComparison
	var err error
	if cc.cycles, err = s.store.CyclesOfConsortium(ctx, v.consortium.ID); err != nil {
		s.serverError(w, r, err)
		return cc, false
	}
	if len(cc.cycles) == 0 {
		s.renderError(w, r, http.StatusNotFound, "No assessment cycle has been opened yet, so there is nothing to compare.")
		return cc, false
	}
	if raw := r.URL.Query().Get("cycle"); raw != "" {
		id, _ := strconv.ParseInt(raw, 10, 64)
		for _, c := range cc.cycles {
			if c.ID == id {
				cc.cycle = c
			}
		}
		if cc.cycle.ID == 0 {
			s.renderError(w, r, http.StatusNotFound, "There is no such cycle in this consortium.")
			return cc, false
		}
	} else if cc.cycle, err = s.store.CurrentCycle(ctx, v.consortium.ID); err != nil {
		s.serverError(w, r, err)
		return cc, false
	}
	if err := s.analyse(ctx, v.consortium, &cc); err != nil {
		s.serverError(w, r, err)
		return cc, false
	}
	return cc, true
}

// analyse fills in the members, statuses, answers and analysis of
// cc.cycle; the analysis is reused until the store's next write.
func (s *Server) analyse(ctx context.Context, c store.Consortium, cc *cycleComparison) error {
	var err error
	if cc.members, err = s.store.MembersOfConsortium(ctx, c.ID); err != nil {
		return err
	}
	if cc.statuses, err = s.store.AssessmentsForCycle(ctx, cc.cycle.ID); err != nil {
		return err
	}
	gen := s.store.Generation()
	if hit, ok := s.comparisons.get(cc.cycle.ID, gen); ok {
		cc.answers, cc.cmp = hit.answers, hit.cmp
		return nil
	}
	answers, err := s.store.ScoresForCycle(ctx, cc.cycle.ID)
	if err != nil {
		return err
	}
	cc.answers = answers
	in := make([]assessments.MemberAnswers, len(cc.members))
	for i, m := range cc.members {
		in[i] = assessments.MemberAnswers{MemberID: m.ID, Name: m.Name, Kind: m.Kind, Population: m.Population, Answers: answers[m.ID]}
	}
	cc.cmp = assessments.Compare(s.catalog, in, c.DefaultTarget)
	s.comparisons.put(cc.cycle.ID, gen, cachedComparison{answers: answers, cmp: cc.cmp})
	return nil
}

// comparisonCache holds the analysis of recently viewed cycles, each valid
// for the store generation it was computed at: any write (an answer, a
// member, a setting) makes it stale. Entries are read-only once stored.
type comparisonCache struct {
	mu      sync.Mutex
	entries map[int64]cachedComparison
}

type cachedComparison struct {
	gen     int64
	answers map[int64][]assessments.Answer
	cmp     *assessments.Comparison
}

func (c *comparisonCache) get(cycleID, gen int64) (cachedComparison, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[cycleID]
	return e, ok && e.gen == gen
}

func (c *comparisonCache) put(cycleID, gen int64, e cachedComparison) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= 32 {
		c.entries = map[int64]cachedComparison{}
	}
	e.gen = gen
	c.entries[cycleID] = e
}

func (cc cycleComparison) cycleOptions() []views.Option {
	var out []views.Option
	for _, c := range cc.cycles {
		label := c.Name
		if !c.Open() {
			label += " (closed)"
		}
		out = append(out, views.Option{Value: strconv.FormatInt(c.ID, 10), Label: label, Selected: c.ID == cc.cycle.ID})
	}
	return out
}

func fmtValue(v assessments.Value) string {
	if !v.OK {
		return "–"
	}
	return fmt.Sprintf("%.1f", v.V)
}

// heatTexts formats each distinct score once: a large heatmap repeats the
// same few dozen values thousands of times.
type heatTexts map[float64]views.HeatCell

func (t heatTexts) cell(v assessments.Value) views.HeatCell {
	if !v.OK {
		return heatCell(v)
	}
	c, ok := t[v.V]
	if !ok {
		c = heatCell(v)
		t[v.V] = c
	}
	return c
}

func heatCell(v assessments.Value) views.HeatCell {
	if !v.OK {
		return views.HeatCell{Text: "–"}
	}
	// FormatFloat rounds exactly as the %.1f of every other page does.
	return views.HeatCell{Text: strconv.FormatFloat(v.V, 'f', 1, 64), Level: max(1, min(7, int(v.V+0.5)))}
}

// order picks the member order the coordinator asked for.
func order(cmp *assessments.Comparison, sort string) []int {
	switch sort {
	case "name":
		return cmp.OrderByName()
	case "kind":
		return cmp.OrderByKind()
	case "population":
		return cmp.OrderByPopulation(true)
	case "", "overall":
		return cmp.OrderByOverall(false)
	}
	return cmp.OrderByFunction(sort, false)
}

func (s *Server) showCompare(w http.ResponseWriter, r *http.Request) {
	cc, ok := s.loadComparison(w, r)
	if !ok {
		return
	}
	v := visitOf(r)
	namer := s.namer(v, cc)
	sort := r.URL.Query().Get("sort")
	if _, isFn := s.functionOf(sort); sort != "" && sort != "name" && sort != "kind" && sort != "population" && sort != "overall" && !isFn {
		sort = "overall"
	}
	// Ordering by name, kind or size would tell anonymised viewers who is
	// who (the largest member is the county), so they order by scores only.
	if !namer.all && (sort == "name" || sort == "kind" || sort == "population") {
		sort = "overall"
	}
	p := views.ComparePage{Page: s.page(w, r, "Compare members", "compare"), CycleName: cc.cycle.Name, Cycles: cc.cycleOptions(),
		Baseline: v.consortium.DefaultTarget, CSVHref: fmt.Sprintf("/consortium/compare.csv?cycle=%d", cc.cycle.ID)}
	p.SpreadCSVHref = p.CSVHref + "&table=spread"
	p.CanBrief = namer.all && accounts.CanViewWholeConsortium(v.grants, v.consortium.ID)
	p.CycleID = strconv.FormatInt(cc.cycle.ID, 10)
	for _, o := range []views.Option{{Value: "overall", Label: "Overall score, weakest first"}, {Value: "name", Label: "Name"},
		{Value: "kind", Label: "Kind"}, {Value: "population", Label: "Population, largest first"}} {
		if o.Value != "overall" && !namer.all {
			continue
		}
		o.Selected = o.Value == sort || (sort == "" && o.Value == "overall")
		p.Sorts = append(p.Sorts, o)
	}
	for _, f := range s.catalog.Functions {
		p.Sorts = append(p.Sorts, views.Option{Value: f.ID, Label: f.Name + " score, weakest first", Selected: f.ID == sort})
	}
	for _, c := range cc.cmp.Columns {
		p.Columns = append(p.Columns, views.HeatColumn{ID: c.ID, Name: c.Name})
	}
	texts := heatTexts{}
	for _, i := range order(cc.cmp, sort) {
		m := cc.cmp.Members[i]
		name := namer.label(m.MemberID, m.Name)
		base := ""
		if namer.visible(m.MemberID) {
			base = fmt.Sprintf("/members/%d/cycles/%d", m.MemberID, cc.cycle.ID)
		}
		row := views.HeatRow{Name: name, Overall: heatCell(m.Result.Overall.Score)}
		if base != "" {
			row.Href = base + "/results"
		}
		for j, val := range cc.cmp.Heatmap[i] {
			cell := texts.cell(val)
			if val.OK && base != "" {
				cell.Href = base + "/categories/" + cc.cmp.Columns[j].ID
			}
			row.Cells = append(row.Cells, cell)
		}
		p.Rows = append(p.Rows, row)
		st := cc.statuses[m.MemberID]
		status := st.Status
		if status == "" {
			status = "none"
		}
		p.Completion = append(p.Completion, views.CompletionRow{Name: name, Href: base, Status: status, StatusLabel: statusLabels[status], Completion: m.Completion})
	}
	var names []string
	lows := views.ScoreSeries{Name: "Lowest member (floor)"}
	medians := views.ScoreSeries{Name: "Median member"}
	baseline := views.ScoreSeries{Name: "Baseline"}
	for _, f := range cc.cmp.Functions {
		p.Functions = append(p.Functions, views.DistributionRow{ID: f.ID, Name: f.Name, Count: f.Count,
			Min: fmtStat(f.Stats, f.Min), Q1: fmtStat(f.Stats, f.Q1), Median: fmtStat(f.Stats, f.Median), Q3: fmtStat(f.Stats, f.Q3), Max: fmtStat(f.Stats, f.Max)})
		names = append(names, f.Name)
		lows.Values, lows.OK = append(lows.Values, f.Min), append(lows.OK, f.OK())
		medians.Values, medians.OK = append(medians.Values, f.Median), append(medians.OK, f.OK())
		baseline.Values, baseline.OK = append(baseline.Values, float64(v.consortium.DefaultTarget)), append(baseline.OK, true)
	}
	p.Chart = views.BarChart("function-spread", "Bar chart of the lowest and the median member score in each function, beside the consortium baseline.",
		names, s.scale.Max, lows, medians, baseline)
	s.render(w, r, http.StatusOK, views.CompareShow(p))
}

func fmtStat(st assessments.Stats, x float64) string {
	if !st.OK() {
		return "–"
	}
	return fmt.Sprintf("%.1f", x)
}

// downloadCompare serves the numbers behind the dashboard as CSV, and
// records the export in the audit log: ?table=heatmap (default), one row
// per member with its category scores, or ?table=spread, the distribution
// per function behind the chart.
func (s *Server) downloadCompare(w http.ResponseWriter, r *http.Request) {
	table := r.URL.Query().Get("table")
	if table == "" {
		table = "heatmap"
	}
	if table != "heatmap" && table != "spread" {
		s.renderError(w, r, http.StatusNotFound, "There is no such table to download. Choose the heatmap or the spread per function.")
		return
	}
	cc, ok := s.loadComparison(w, r)
	if !ok {
		return
	}
	v := visitOf(r)
	if err := s.store.Record(r.Context(), v.actor(s, r), 0, "export.compare", "cycle "+strconv.FormatInt(cc.cycle.ID, 10), table+" CSV"); err != nil {
		s.serverError(w, r, err)
		return
	}
	var rows [][]string
	switch table {
	case "heatmap":
		head := []string{"member", "kind", "population", "completion_percent", "overall"}
		for _, c := range cc.cmp.Columns {
			head = append(head, c.ID)
		}
		rows = append(rows, head)
		namer := s.namer(v, cc)
		for i, m := range cc.cmp.Members {
			kind, population := m.Kind, strconv.Itoa(m.Population)
			if !namer.visible(m.MemberID) {
				kind, population = "", ""
			}
			row := []string{assessments.SafeCell(namer.label(m.MemberID, m.Name)), kind, population, strconv.Itoa(int(m.Completion*100 + 0.5)), csvValue(m.Result.Overall.Score)}
			for _, val := range cc.cmp.Heatmap[i] {
				row = append(row, csvValue(val))
			}
			rows = append(rows, row)
		}
	case "spread":
		rows = append(rows, []string{"function", "name", "lowest", "lower_quartile", "median", "upper_quartile", "highest", "members", "baseline"})
		for _, f := range cc.cmp.Functions {
			stat := func(x float64) string { return csvValue(assessments.Value{V: x, OK: f.OK()}) }
			rows = append(rows, []string{f.ID, f.Name, stat(f.Min), stat(f.Q1), stat(f.Median), stat(f.Q3), stat(f.Max),
				strconv.Itoa(f.Count), strconv.Itoa(v.consortium.DefaultTarget)})
		}
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="palisade-%s-%s.csv"`, table, csvSafeName(cc.cycle.Name)))
	w.Header().Set("Cache-Control", "no-store")
	out := csv.NewWriter(w)
	out.WriteAll(rows)
	if err := out.Error(); err != nil && !errors.Is(err, http.ErrHandlerTimeout) {
		s.log.Warn("write CSV", "err", err)
	}
}

func csvValue(v assessments.Value) string {
	if !v.OK {
		return ""
	}
	return strconv.FormatFloat(v.V, 'f', 2, 64)
}

func csvSafeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, s)
}
