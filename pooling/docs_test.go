package pooling

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"palisade/assessments"
)

// TestDocsExample checks the worked example of docs/pooling.md: it works
// the example out with this package, renders the rows of the page's tables
// the way the page writes them, and requires every row to be on the page
// word for word. Change the page, the code and this test together.
func TestDocsExample(t *testing.T) {
	page, err := os.ReadFile("../docs/pooling.md")
	if err != nil {
		t.Fatalf("read the page: %v", err)
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(string(page), "\n") {
		lines[strings.TrimSpace(l)] = true
	}
	for _, row := range append(docsExampleRows(t), docsCatalogueRows()...) {
		if !lines[row] {
			t.Errorf("docs/pooling.md has no line\n\t%s", row)
		}
	}
}

// The example consortium: three members on the cut-down catalog.
func docsMembers() []Member {
	return []Member{
		{ID: 1, Name: "Ashford", Population: 12000, Staff: 80, Endpoints: 100, Answers: []assessments.Answer{
			sc("GV.PO-01", 3), sc("PR.AA-03", 2), sc("PR.DS-11", 4), sc("DE.CM-09", 3)}},
		{ID: 2, Name: "Brookton", Population: 4100, Staff: 25, Answers: []assessments.Answer{
			sc("GV.PO-01", 5), ra("PR.AA-03"), sc("PR.DS-11", 2)}},
		{ID: 3, Name: "Carver", Staff: 15, Endpoints: 20, Answers: []assessments.Answer{
			na("GV.PO-01"), sc("PR.AA-03", 6), sc("PR.DS-11", 3), sc("DE.CM-09", 5)}},
	}
}

func docsServices() []Service {
	mfa := svc("mfa", 200000, "PR.AA-03", 6)
	mfa.Cost.PerUser, mfa.ShareRule = 7200, RuleUsers
	backup := svc("backup", 300000, "PR.DS-11", 6)
	backup.Cost.PerMember, backup.ShareRule, backup.StandalonePerMember = 120000, RulePopulation, 1000000
	edr := svc("edr", 0, "DE.CM-09", 5)
	edr.Cost.PerEndpoint, edr.ShareRule = 4800, RuleEndpoints
	return []Service{mfa, backup, edr}
}

func docsExampleRows(t *testing.T) []string {
	t.Helper()
	cat := smallCatalog(t)
	members, services := docsMembers(), docsServices()
	names := map[int64]string{}
	for _, m := range members {
		names[m.ID] = m.Name
	}
	who := func(ids []int64) string {
		var s []string
		for _, id := range ids {
			s = append(s, names[id])
		}
		if len(s) == 0 {
			return "nobody"
		}
		return strings.Join(s, ", ")
	}
	perThousand := func(red, cost int64) string {
		if cost == 0 {
			return "free"
		}
		return fmt.Sprintf("%.2f", float64(red)*100000/float64(cost))
	}
	var rows []string

	// The first round of the greedy rule: every candidate priced.
	p, err := newProjector(cat, members, services, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	g, err := newGreedy(p, services, Options{Budget: 1200000})
	if err != nil {
		t.Fatal(err)
	}
	first := g.newPass()
	for k, s := range services {
		c := first.candidate(k)
		var ids []int64
		for _, mi := range first.members(k) {
			ids = append(ids, members[mi].ID)
		}
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | %d | %s |",
			s.Key, who(ids), usd(c.cost), c.reduction, perThousand(c.reduction, c.cost)))
	}

	// The plans.
	plans, err := Optimise(cat, members, services, Options{Budget: 1200000})
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range plans {
		var picked []string
		for _, c := range o.Choices {
			picked = append(picked, fmt.Sprintf("%s (%s)", c.ServiceKey, who(c.Members)))
		}
		rows = append(rows, fmt.Sprintf("| %d | %s | %s | %d | %d |", i+1, strings.Join(picked, ", "), usd(o.Cost), o.GapReduced(), o.GapAfter))
	}
	for i, c := range plans[0].Choices {
		rows = append(rows, fmt.Sprintf("| %d | %s | %s | %s | %d | %s |",
			i+1, c.ServiceKey, who(c.Members), usd(c.Cost), c.GapReduced, usd(1200000-sumCost(plans[0].Choices[:i+1]))))
	}

	// The projection of the first plan.
	pr, err := Project(cat, members, services, plans[0].Plan, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	num := func(v assessments.Value) string {
		if !v.OK {
			return "—"
		}
		return fmt.Sprintf("%.4g", v.V)
	}
	rows = append(rows,
		fmt.Sprintf("| Floor (lowest overall score) | %s | %s |", num(pr.Today.Overall.Floor), num(pr.Projected.Overall.Floor)),
		fmt.Sprintf("| Median overall score | %s | %s |", num(pr.Today.Overall.Median), num(pr.Projected.Overall.Median)),
		fmt.Sprintf("| Members below 5 overall | %s | %s |", who(pr.Today.Overall.MembersBelowBaseline), who(pr.Projected.Overall.MembersBelowBaseline)),
		fmt.Sprintf("| Answers below 5 | %d | %d |", pr.Today.BelowPairs, pr.Projected.BelowPairs),
		fmt.Sprintf("| Weighted gap | %d | %d |", pr.Today.Gap, pr.Projected.Gap),
	)
	for _, m := range pr.Members {
		var ups []string
		for _, u := range m.Uplifts {
			ups = append(ups, fmt.Sprintf("%s %d → %d (%s)", u.SubcategoryID, u.From, u.To, u.ServiceKey))
		}
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s |", m.Name, num(m.Today), num(m.Projected), strings.Join(ups, "; ")))
	}

	// Sharing the backup service.
	enrolled := plans[0].Plan["backup"]
	if len(enrolled) != len(members) {
		t.Fatalf("backup enrols %v, the page says all three", enrolled)
	}
	byPop, err := SplitService(services[1], members)
	if err != nil {
		t.Fatal(err)
	}
	blend, err := Split(byPop.Total, members, RuleBlend, map[Rule]int{RuleEqual: 50, RulePopulation: 50})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range byPop.Shares {
		pop := "not entered"
		if members[i].Population > 0 {
			pop = thousands(int64(members[i].Population))
		}
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %s |", s.Name, pop, usd(s.Amount), usd(s.Saving), usd(blend.Shares[i].Amount)))
	}
	if who(byPop.NoBasis) != "Carver" {
		t.Errorf("no basis: %v", byPop.NoBasis)
	}

	// Readiness on the mini checklist.
	certs := map[int64][]Certification{
		2: {cert("backups", "yes", "")},
		3: {cert("backups", "no", "Replacing the backup server this spring"), cert("mfa", "yes", "")},
	}
	for _, m := range members[1:] {
		r := Readiness(miniChecklist(), m.Answers, certs[m.ID], services, nil)
		for _, it := range r.Items[:2] {
			certified := it.Certified
			if certified == "" {
				certified = "—"
			}
			assessment := "meets"
			for _, sf := range it.Shortfalls {
				level := fmt.Sprintf("at %d", sf.Level)
				if sf.Accepted {
					level = "accepted risk"
				}
				assessment = fmt.Sprintf("%s %s, needs %d", sf.SubcategoryID, level, sf.Required)
			}
			fixes := []string{}
			for _, f := range it.ClosedBy {
				fixes = append(fixes, f.ServiceKey)
			}
			if len(fixes) == 0 {
				fixes = append(fixes, "—")
			}
			rows = append(rows, fmt.Sprintf("| %s | %s (tier %d) | %s | %s | %s | %s |",
				m.Name, it.Requirement.Key, it.Requirement.Tier, certified, assessment, it.Status, strings.Join(fixes, ", ")))
		}
		rows = append(rows, fmt.Sprintf("- %s: tier %d; next tier %d, %s at stake.", m.Name, r.Tier, r.NextTier, usd(r.AtStake)))
	}

	// Greedy is not optimal.
	one := []Member{member(1, sc("GV.PO-01", 1), sc("PR.AA-03", 1), sc("DE.CM-09", 1))}
	abc := []Service{svc("a", 500000, "PR.AA-03", 5), svc("b", 460000, "DE.CM-09", 5), svc("c", 460000, "GV.PO-01", 5)}
	alt, err := Optimise(cat, one, abc, Options{Budget: 920000, Weights: map[string]int{"GV.PO-01": 9}})
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range alt {
		var keys []string
		for _, c := range o.Choices {
			keys = append(keys, strings.ToUpper(c.ServiceKey))
		}
		rows = append(rows, fmt.Sprintf("| %d | %s | %s | %d |", i+1, strings.Join(keys, " + "), usd(o.Cost), o.GapReduced()))
	}
	if testing.Verbose() {
		t.Log("rows:\n" + strings.Join(rows, "\n"))
	}
	return rows
}

func sumCost(cs []Choice) int64 {
	var s int64
	for _, c := range cs {
		s += c.Cost
	}
	return s
}

// usd writes cents as the page does: $4,919.25.
func usd(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s$%s.%02d", sign, thousands(cents/100), cents%100)
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// docsCatalogueRows are the tables of the default services and the default
// checklist, so the page cannot drift from the shipped data.
func docsCatalogueRows() []string {
	var rows []string
	for _, s := range DefaultServices() {
		var lifts []string
		for _, l := range s.Lifts {
			lifts = append(lifts, fmt.Sprintf("%s → %d", l.SubcategoryID, l.Level))
		}
		rule := string(s.ShareRule)
		if s.ShareRule == RuleBlend {
			var parts []string
			for _, r := range Rules() {
				if p := s.Blend[r]; p > 0 {
					parts = append(parts, fmt.Sprintf("%d%% %s", p, r))
				}
			}
			rule = strings.Join(parts, ", ")
		}
		rows = append(rows, fmt.Sprintf("| `%s` | %s | %s | %s | %s | %s |",
			s.Key, s.Name, strings.Join(lifts, ", "), costText(s.Cost), whole(s.StandalonePerMember), rule))
	}
	cl := DefaultChecklist()
	for _, tier := range cl.Tiers {
		rows = append(rows, fmt.Sprintf("| %d | %s | %s |", tier.Number, tier.Name, whole(tier.Incentive)))
	}
	for _, r := range cl.Requirements {
		var ev []string
		for _, e := range r.Evidence {
			ev = append(ev, fmt.Sprintf("%s ≥ %d", e.SubcategoryID, e.Level))
		}
		rows = append(rows, fmt.Sprintf("| %d | `%s` | %s | %s |", r.Tier, r.Key, r.Title, strings.Join(ev, ", ")))
	}
	return rows
}

// costText is a cost model in words: "$15,000 + $72 per user".
func costText(c CostModel) string {
	var parts []string
	add := func(v int64, unit string) {
		if v > 0 {
			parts = append(parts, whole(v)+unit)
		}
	}
	add(c.Fixed, "")
	add(c.PerMember, " per member")
	add(c.PerUser, " per user")
	add(c.PerEndpoint, " per endpoint")
	if len(parts) == 0 {
		return "free"
	}
	return strings.Join(parts, " + ")
}

// whole is usd without the cents when there are none: $15,000.
func whole(cents int64) string {
	if cents%100 == 0 {
		return "$" + thousands(cents/100)
	}
	return usd(cents)
}
