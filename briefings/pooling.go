package briefings

import (
	"fmt"
	"strings"
	"time"

	"palisade/assessments"
)

// Risk pooling in the briefings: the consortium briefing's "Recommended
// pooled services" and the member briefing's "Shared services" and
// "Tabletop exercises". As everywhere in the package, the figures (plans,
// costs, shares, floors) are computed by the caller, with package pooling
// and the store; these structs carry them already worked out, and the
// package only words and lays them out. Money is in whole US cents and
// printed as "$12,345.67".

// ConsortiumPooling is the consortium briefing's pooled-services section:
// the plan the optimiser recommends within a budget, and the services the
// members are enrolled in today with their effect.
type ConsortiumPooling struct {
	// Budget is the yearly budget the plan was chosen within, in cents; 0
	// means no budget limit. BudgetNote says in one plain sentence how
	// the budget was chosen ("It is what the services the members are
	// enrolled in today cost."); printed after the budget.
	Budget     int64
	BudgetNote string
	// Plan is the recommended plan's services, in the order chosen (best
	// value for money first). Empty: no service would close any gap within
	// the budget, and the section says so.
	Plan []PooledService
	// TotalCost is the plan's cost a year in cents; MembersHelped the
	// number of distinct members taking part in at least one of its
	// services, and CostPerMember the average cost for each of them.
	TotalCost     int64
	MembersHelped int
	CostPerMember int64
	// FloorBefore and FloorAfter are the lowest overall member score today
	// and with the plan.
	FloorBefore, FloorAfter assessments.Value
	// BelowBefore and BelowAfter count members whose overall score is
	// below the baseline, today and with the plan.
	BelowBefore, BelowAfter int
	// AnswersBelowBefore and AnswersBelowAfter count answers (member and
	// question) below the baseline across the consortium.
	AnswersBelowBefore, AnswersBelowAfter int
	// Recorded are the services members are enrolled in today (active or
	// proposed), with the members enrolled and what that costs;
	// RecordedCost is their sum. Empty: "no member is enrolled yet".
	Recorded     []PooledService
	RecordedCost int64
	// Projection is the consortium today and with the recorded
	// enrolments: one row per function, then the overall row last. Empty:
	// the table and chart are left out.
	Projection []PoolingRow
}

// PooledService is one service of a plan.
type PooledService struct {
	Name string
	// Status is "active" (printed "Running") or "proposed"; other values
	// print as they are.
	Status string
	// Members is how many members take part; Cost what the service costs
	// a year for them, in cents.
	Members int
	Cost    int64
}

// PoolingRow is one function (or overall) today and projected.
type PoolingRow struct {
	Name string
	// The lowest member score and the median, today and projected.
	FloorToday, FloorProjected   assessments.Value
	MedianToday, MedianProjected assessments.Value
	// Members below the baseline there, today and projected.
	BelowToday, BelowProjected int
}

// MemberServices is the member briefing's shared-services section. Only
// the member's own figures are given: never another member's share or
// name.
type MemberServices struct {
	// Using are the services the member is enrolled in.
	Using []ServiceShare
	// ShouldJoin are services the member is not enrolled in that would
	// raise some of its answers below the baseline, best first.
	ShouldJoin []ServiceSuggestion
	// TotalShare is the sum of the member's known shares (ShareUnknown
	// ones left out), in cents a year.
	TotalShare int64
}

// ServiceShare is a service the member takes part in and its share.
type ServiceShare struct {
	Name, Status string // Status as in PooledService
	// Share is what the member pays a year, in cents; Alone what it would
	// pay to buy the service on its own (0: not known).
	Share, Alone int64
	// ShareUnknown marks a share that cannot be worked out yet (the
	// sharing rule divides by a figure no member has entered): printed
	// "Not yet set" instead of Share.
	ShareUnknown bool
}

// ServiceSuggestion is a service worth joining.
type ServiceSuggestion struct {
	Name, Status string // Status as in PooledService
	// Subcategories are the ids of the member's answers below the
	// baseline the service would raise, in catalog order.
	Subcategories []string
	// EstimatedShare is what the member would pay a year if it joined the
	// members enrolled now, in cents; ShareUnknown as in ServiceShare.
	EstimatedShare int64
	ShareUnknown   bool
	// Requested is true when the member has already asked to join.
	Requested bool
}

// ExerciseTaken is a tabletop exercise the member took part in or has
// follow-up actions from.
type ExerciseTaken struct {
	// Date is when it was held, "2006-01-02" (printed "14 March 2026";
	// any other text prints as it is); Title its name.
	Date, Title string
	// OpenFindings counts the follow-up actions of the member from the
	// exercise that are still open.
	OpenFindings int
}

// maxExercises is how many exercises the member briefing lists.
const maxExercises = 10

// notSet stands for a share that cannot be worked out yet.
const notSet = "Not yet set"

// statusWord is a service status in words.
func statusWord(status string) string {
	switch strings.ToLower(strings.TrimSpace(status)) {
	case "active":
		return "Running"
	case "proposed":
		return "Proposed"
	}
	return oneLine(status)
}

func proposed(status string) bool { return strings.ToLower(strings.TrimSpace(status)) == "proposed" }

// exerciseDate is an ISO date as printed on the briefings.
func exerciseDate(s string) string {
	if t, err := time.Parse("2006-01-02", strings.TrimSpace(s)); err == nil {
		return longDate(t)
	}
	return oneLine(s)
}

// pooling writes the consortium's pooled-services section.
func (c *consortiumWriter) pooling() {
	p := c.b.Pooling
	if p == nil {
		return
	}
	d := c.d
	d.heading("Recommended pooled services", 50)
	d.para(fmt.Sprintf("Some cybersecurity services cost less when the consortium buys them once for several members, and they lift the members at the bottom, where an attacker is most likely to get in. Palisade looked for the services that close the most of the members' gap below the baseline of %d for the money, counting each service only for the members it would help.", c.baseline))
	var budget string
	if p.Budget > 0 {
		budget = fmt.Sprintf("The budget used is %s a year.", money(p.Budget))
	}
	if n := strings.TrimSpace(oneLine(p.BudgetNote)); n != "" {
		budget = strings.TrimSpace(budget + " " + n)
	}
	if budget != "" {
		d.para(budget)
	}

	if len(p.Plan) == 0 {
		d.para("No shared service of the consortium would raise a member's answers below the baseline within this budget, so there is no service to recommend.")
	} else {
		rows := make([][]string, 0, len(p.Plan)+1)
		for i, s := range p.Plan {
			rows = append(rows, []string{fmt.Sprint(i + 1), oneLine(s.Name), statusWord(s.Status), fmt.Sprint(s.Members), money(s.Cost)})
		}
		rows = append(rows, []string{"", "Total", "", plural(p.MembersHelped, "member", "members") + " in all", money(p.TotalCost)})
		d.table([]column{
			{"#", 0.06, "R", 0}, {"Service", 0.42, "L", 0}, {"Status", 0.12, "L", 0}, {"Members taking part", 0.2, "C", 0}, {"Cost a year", 0.2, "R", 0},
		}, rows, tableStyle{Bold: func(r int) bool { return r == len(rows)-1 }})
		var items []string
		if p.MembersHelped > 0 {
			items = append(items, fmt.Sprintf("Cost: %s a year in total, on average %s for each of the %s taking part.",
				money(p.TotalCost), money(p.CostPerMember), plural(p.MembersHelped, "member", "members")))
		} else {
			items = append(items, fmt.Sprintf("Cost: %s a year in total.", money(p.TotalCost)))
		}
		if p.FloorBefore.OK && p.FloorAfter.OK {
			if num(p.FloorBefore.V) == num(p.FloorAfter.V) {
				items = append(items, fmt.Sprintf("The lowest overall score of any member stays at %s: the member at the bottom is held back by questions these services do not cover.", num(p.FloorBefore.V)))
			} else {
				items = append(items, fmt.Sprintf("The lowest overall score of any member rises from %s to %s.", num(p.FloorBefore.V), num(p.FloorAfter.V)))
			}
		}
		items = append(items,
			fmt.Sprintf("Members below the baseline overall: %d today, %d with these services.", p.BelowBefore, p.BelowAfter),
			fmt.Sprintf("Answers below the baseline across all members: %d today, %d with these services.", p.AnswersBelowBefore, p.AnswersBelowAfter))
		d.bullets(items, false)
		d.para("The board is asked to consider these services for the coming budget year, and to ask the coordinator for quotes, the agreements behind them and how the cost would be shared among the members taking part.")
		d.note("The services are listed in the order Palisade chose them, the most improvement for the money first, so the list can be cut from the bottom if money is short. The plan is worked out afresh, as if no member were enrolled yet, so it may include services already running, for other members than today. \"With these services\" assumes each member taking part reaches the level the service delivers on the questions it covers.")
	}

	d.subheading("Services the members are enrolled in today", 35)
	if len(p.Recorded) == 0 {
		d.para("No member is enrolled in a shared service yet.")
		return
	}
	rows := make([][]string, 0, len(p.Recorded)+1)
	running := 0
	for _, s := range p.Recorded {
		if !proposed(s.Status) {
			running++
		}
		rows = append(rows, []string{oneLine(s.Name), statusWord(s.Status), fmt.Sprint(s.Members), money(s.Cost)})
	}
	rows = append(rows, []string{"Total", "", "", money(p.RecordedCost)})
	var kinds []string
	if running > 0 {
		kinds = append(kinds, fmt.Sprintf("%d running", running))
	}
	if n := len(p.Recorded) - running; n > 0 {
		kinds = append(kinds, fmt.Sprintf("%d proposed", n))
	}
	d.para(fmt.Sprintf("Members are enrolled in %s (%s), costing %s a year in all.",
		plural(len(p.Recorded), "service", "services"), strings.Join(kinds, ", "), money(p.RecordedCost)))
	d.table([]column{
		{"Service", 0.5, "L", 0}, {"Status", 0.14, "L", 0}, {"Members", 0.14, "C", 0}, {"Cost a year", 0.22, "R", 0},
	}, rows, tableStyle{Bold: func(r int) bool { return r == len(rows)-1 }})
	if len(p.Projection) == 0 {
		return
	}
	var groups []barGroup
	for _, r := range p.Projection {
		groups = append(groups, barGroup{Label: r.Name, Values: []assessments.Value{r.FloorToday, r.FloorProjected}})
	}
	d.bars(barChart{
		Title:  "Lowest member score today and with the services members are enrolled in",
		YLabel: fmt.Sprintf("Lowest member score: maturity level (%d = %s, %d = %s)", c.scale.Min, levelName(c.scale, c.scale.Min), c.scale.Max, levelName(c.scale, c.scale.Max)),
		XLabel: catalogTitle(c.b.Catalog) + " functions",
		Series: []series{{"Today", light}, {"With the services", dark}}, Groups: groups,
		Min: 0, Max: c.scale.Max, Baseline: c.baseline, Height: 80,
	})
	prows := make([][]string, len(p.Projection))
	for i, r := range p.Projection {
		prows[i] = []string{oneLine(r.Name), score(r.FloorToday), score(r.FloorProjected), score(r.MedianToday), score(r.MedianProjected),
			fmt.Sprint(r.BelowToday), fmt.Sprint(r.BelowProjected)}
	}
	d.table([]column{
		{"Function", 0.25, "L", 0}, {"Lowest today", 0.125, "C", 0}, {"Lowest with services", 0.125, "C", 0},
		{"Median today", 0.125, "C", 0}, {"Median with services", 0.125, "C", 0},
		{"Below baseline today", 0.125, "C", 0}, {"Below baseline with services", 0.125, "C", 0},
	}, prows, tableStyle{Size: 8.5, Bold: func(r int) bool { return r == len(prows)-1 }})
	d.note("Lowest is the lowest member score and median the middle one; below baseline counts the members under the baseline there. \"With services\" assumes every enrolled member reaches the level each service delivers on the questions it covers; a service never lowers a member that is already better.")
}

// pooling writes the member's shared services and exercises.
func (m *memberWriter) pooling() {
	m.services()
	m.exercises()
}

func (m *memberWriter) services() {
	s := m.b.Services
	if s == nil {
		return
	}
	d := m.d
	d.heading("Shared services and "+m.member+"'s share of the cost", 40)
	d.para("The consortium buys some cybersecurity services once for several members. Each member taking part pays a share of the cost, usually much less than buying the service on its own.")

	d.subheading("Services "+m.member+" takes part in", 35)
	if len(s.Using) == 0 {
		d.para(m.member + " does not take part in any shared service yet.")
	} else {
		rows := make([][]string, 0, len(s.Using)+1)
		unknown, anyProposed := false, false
		for _, u := range s.Using {
			share := money(u.Share)
			if u.ShareUnknown {
				share, unknown = notSet, true
			}
			alone := dash
			if u.Alone > 0 {
				alone = money(u.Alone)
			}
			anyProposed = anyProposed || proposed(u.Status)
			rows = append(rows, []string{oneLine(u.Name), statusWord(u.Status), share, alone})
		}
		rows = append(rows, []string{"Total", "", money(s.TotalShare), ""})
		d.table([]column{
			{"Service", 0.44, "L", 0}, {"Status", 0.14, "L", 0}, {"Our share a year", 0.21, "R", 0}, {"Buying alone", 0.21, "R", 0},
		}, rows, tableStyle{Bold: func(r int) bool { return r == len(rows)-1 }})
		t := fmt.Sprintf("%s's share of the shared services it takes part in comes to %s a year", m.member, money(s.TotalShare))
		if unknown {
			t += ", not counting the services whose share is not yet set"
		}
		t += "."
		if anyProposed {
			t += " A proposed service is not running yet; its share is an estimate until it starts."
		}
		d.para(t)
		if unknown {
			d.note("\"Not yet set\" means the share cannot be worked out yet: the way the consortium splits this service's cost needs a figure, such as population or number of staff, that has not been entered. The consortium coordinator can enter it.")
		} else {
			d.note("\"Buying alone\" is what the provider quotes for one member buying the service on its own; a dash means it is not known.")
		}
	}

	d.subheading("Services worth joining", 45)
	if len(s.ShouldJoin) == 0 {
		d.para("No other shared service of the consortium would raise one of " + m.member + "'s answers below the baseline.")
		return
	}
	d.para(fmt.Sprintf("These shared services would raise answers where %s is below the consortium's baseline of %d. The share is an estimate of what %s would pay a year if it joined the members taking part now (the whole cost when none does yet).",
		m.member, m.baseline, m.member))
	rows := make([][]string, 0, len(s.ShouldJoin))
	for _, sg := range s.ShouldJoin {
		share := money(sg.EstimatedShare)
		if sg.ShareUnknown {
			share = notSet
		}
		rows = append(rows, []string{oneLine(sg.Name), m.suggestionWords(sg), share})
	}
	d.table([]column{
		{"Service", 0.3, "L", 0}, {"What it would improve", 0.48, "L", 0}, {"Estimated share a year", 0.22, "R", 0},
	}, rows, tableStyle{})
	d.para("The board is asked to decide whether to join these services, and to ask the IT lead or the consortium coordinator for the agreement behind each and its exact cost.")
}

// suggestionWords says what a service would improve for the member, by
// plain-language area: "2 questions below the baseline, in accounts,
// passwords and multi-factor sign-in (PR.AA-01, PR.AA-03)."
func (m *memberWriter) suggestionWords(sg ServiceSuggestion) string {
	type area struct {
		name string
		ids  []string
	}
	var areas []area
	at := map[string]int{}
	for _, id := range sg.Subcategories {
		id = oneLine(id)
		key := id
		name := id
		if sub, ok := m.b.Catalog.Subcategory(id); ok {
			key = sub.CategoryID
			name = wordsFor(m.b.Catalog, sub.CategoryID).Plain
		}
		if i, ok := at[key]; ok {
			areas[i].ids = append(areas[i].ids, id)
			continue
		}
		at[key] = len(areas)
		areas = append(areas, area{name: name, ids: []string{id}})
	}
	var parts []string
	for _, a := range areas {
		if len(a.ids) == 1 && a.ids[0] == a.name {
			parts = append(parts, a.name)
			continue
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", lowerFirst(a.name), strings.Join(a.ids, ", ")))
	}
	t := plural(len(sg.Subcategories), "question", "questions") + " below the baseline"
	if len(parts) > 0 {
		t += ", in " + list(parts)
	}
	t += "."
	if proposed(sg.Status) {
		t += " Proposed: not running yet."
	}
	if sg.Requested {
		t += " " + m.member + " has asked to join."
	}
	return t
}

func (m *memberWriter) exercises() {
	ex := m.b.Exercises
	if len(ex) == 0 {
		return
	}
	d := m.d
	d.heading("Tabletop exercises", 30)
	d.para("A tabletop exercise rehearses a cyber incident around a table: staff and officials walk through a realistic scenario to test the response plan and who decides what. Each exercise records findings, the things to put right, and who follows them up.")
	open := 0
	for _, e := range ex {
		open += max(e.OpenFindings, 0)
	}
	shown := ex[:min(len(ex), maxExercises)]
	rows := make([][]string, len(shown))
	for i, e := range shown {
		rows[i] = []string{exerciseDate(e.Date), oneLine(e.Title), fmt.Sprint(max(e.OpenFindings, 0))}
	}
	d.table([]column{
		{"Date", 0.2, "L", 0}, {"Exercise", 0.56, "L", 0}, {"Open follow-up actions", 0.24, "C", 0},
	}, rows, tableStyle{})
	if len(ex) > len(shown) {
		d.note(fmt.Sprintf("The %d most recent of %s are listed; the open actions count all of them.", len(shown), plural(len(ex), "exercise", "exercises")))
	}
	switch {
	case open == 0:
		d.para(fmt.Sprintf("The consortium has recorded %s involving %s. None of its follow-up actions is still open.", plural(len(ex), "exercise", "exercises"), m.member))
	default:
		still := "are still open. The board is asked to check that they are completed, each by an agreed date."
		if open == 1 {
			still = "is still open. The board is asked to check that it is completed by an agreed date."
		}
		d.para(fmt.Sprintf("The consortium has recorded %s involving %s. %s for %s %s",
			plural(len(ex), "exercise", "exercises"), m.member, plural(open, "follow-up action", "follow-up actions"), m.member, still))
	}
}
