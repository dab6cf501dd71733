package pooling

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"palisade/assessments"
	"palisade/frameworks"
)

// lowMembers are two members at level 1 on every question of the small
// catalog. With the baseline 5 each is 4 below everywhere, so a service
// lifting one question to 5 for both reduces the gap by 2 × 4 × weight:
// GV.PO-01 32, PR.AA-03 80, PR.DS-11 80, DE.CM-09 72.
func lowMembers() []Member {
	all := func(id int64) Member {
		return member(id, sc("GV.PO-01", 1), sc("PR.AA-03", 1), sc("PR.DS-11", 1), sc("DE.CM-09", 1))
	}
	return []Member{all(1), all(2)}
}

// ratioServices cost a fixed price whoever enrols, so their ratios are:
//
//	policy  32 / $100  = 0.32 a dollar
//	backup  80 / $500  = 0.16
//	edr     72 / $800  = 0.09
//	mfa     80 / $1000 = 0.08
func ratioServices() []Service {
	return []Service{
		svc("mfa", 100000, "PR.AA-03", 5),
		svc("backup", 50000, "PR.DS-11", 5),
		svc("edr", 80000, "DE.CM-09", 5),
		svc("policy", 10000, "GV.PO-01", 5),
	}
}

// picks describes a plan as "key(members)=reduction/$cost ...".
func picks(o PlanOption) string {
	var s []string
	for _, c := range o.Choices {
		p := ""
		if c.Pinned {
			p = "pinned "
		}
		s = append(s, fmt.Sprintf("%s%s%v=%d/$%s", p, c.ServiceKey, c.Members, c.GapReduced, dollars(c.Cost)))
	}
	return strings.Join(s, " ")
}

func TestOptimiseGreedy(t *testing.T) {
	cat := smallCatalog(t)
	tests := []struct {
		name     string
		services []Service
		members  []Member
		opt      Options
		want     string // the first plan
	}{
		{"highest reduction per dollar first, until the budget runs out",
			ratioServices(), lowMembers(), Options{Budget: 140000},
			"policy[1 2]=32/$100.00 backup[1 2]=80/$500.00 edr[1 2]=72/$800.00"},
		{"a candidate that no longer fits is skipped, a cheaper one still taken",
			ratioServices(), lowMembers(), Options{Budget: 100000},
			"policy[1 2]=32/$100.00 backup[1 2]=80/$500.00"},
		{"a big budget buys everything that helps",
			ratioServices(), lowMembers(), Options{Budget: 1 << 40},
			"policy[1 2]=32/$100.00 backup[1 2]=80/$500.00 edr[1 2]=72/$800.00 mfa[1 2]=80/$1000.00"},
		{"pinned first, whatever its ratio",
			ratioServices(), lowMembers(), Options{Budget: 140000, Pinned: []string{"mfa"}},
			"pinned mfa[1 2]=80/$1000.00 policy[1 2]=32/$100.00"},
		{"excluded never",
			ratioServices(), lowMembers(), Options{Budget: 140000, Excluded: []string{"policy"}},
			"backup[1 2]=80/$500.00 edr[1 2]=72/$800.00"},
		{"nothing fits",
			ratioServices(), lowMembers(), Options{Budget: 9999},
			""},
		{"a free service ranks first even with a small reduction",
			append(ratioServices(), svc("free-tips", 0, "GV.PO-01", 3)), lowMembers(), Options{Budget: 60000},
			// free-tips: 2 × (4 − 2) × 4 = 16 for nothing; policy then
			// lifts the rest of GV.PO-01: 2 × 2 × 4 = 16 for $100.
			"free-tips[1 2]=16/$0.00 backup[1 2]=80/$500.00 policy[1 2]=16/$100.00"},
		{"a zero budget still takes free services",
			append(ratioServices(), svc("free-tips", 0, "GV.PO-01", 3)), lowMembers(), Options{Budget: 0},
			"free-tips[1 2]=16/$0.00"},
		{"a service that helps nobody is never picked, even free",
			append(ratioServices(), svc("free-but-useless", 0, "PR.AA-03", 1)), lowMembers(), Options{Budget: 10000},
			"policy[1 2]=32/$100.00"},
		{"equal ratios: the larger reduction first",
			// big: 80 for $400 (0.2); small: GV.PO-01 32 for $160 (0.2).
			[]Service{svc("small", 16000, "GV.PO-01", 5), svc("big", 40000, "PR.AA-03", 5)}, lowMembers(), Options{Budget: 1 << 40},
			"big[1 2]=80/$400.00 small[1 2]=32/$160.00"},
		{"identical services: the first key, and the twin no longer helps",
			[]Service{svc("twin-b", 100, "PR.AA-03", 5), svc("twin-a", 100, "PR.AA-03", 5)}, lowMembers(), Options{Budget: 1 << 40},
			"twin-a[1 2]=80/$1.00"},
		{"free twins: the first key",
			[]Service{svc("free-b", 0, "PR.AA-03", 5), svc("free-a", 0, "PR.AA-03", 5)}, lowMembers(), Options{Budget: 0},
			"free-a[1 2]=80/$0.00"},
	}
	for _, tt := range tests {
		plans, err := Optimise(cat, tt.members, tt.services, tt.opt)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		// The greedy plan is the one found first; with these services it
		// is also the best, so it comes first.
		if got := picks(plans[0]); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
		for _, p := range plans {
			if p.Cost > tt.opt.Budget {
				t.Errorf("%s: plan %s costs %d, over the budget %d", tt.name, picks(p), p.Cost, tt.opt.Budget)
			}
		}
	}
}

// Enrolment sets and costs are recomputed after every pick: a member an
// earlier service already lifted is not enrolled (nor paid for) again.
func TestOptimiseRecomputesOverlaps(t *testing.T) {
	cat := smallCatalog(t)
	members := []Member{
		member(1, sc("PR.AA-03", 1), sc("PR.DS-11", 1)),
		member(2, sc("PR.AA-03", 1), sc("PR.DS-11", 6)), // no backup gap
	}
	perMember := func(key string, cents int64, lifts ...any) Service {
		s := svc(key, 0, lifts...)
		s.Cost = CostModel{PerMember: cents}
		return s
	}
	services := []Service{
		perMember("mfa", 10000, "PR.AA-03", 5),                   // both: 80 for $200 (0.4)
		perMember("bundle", 16000, "PR.AA-03", 5, "PR.DS-11", 5), // both: 80 + 40 for $320 (0.375)
	}
	plans, err := Optimise(cat, members, services, Options{Budget: 1 << 40, MaxPlans: 1})
	if err != nil {
		t.Fatal(err)
	}
	// After mfa, the bundle only helps member 1 (backups: 40) and costs
	// one member's $160, not both members' $320.
	if got, want := picks(plans[0]), "mfa[1 2]=80/$200.00 bundle[1]=40/$160.00"; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	o := plans[0]
	if o.GapBefore != 120 || o.GapAfter != 0 || o.Cost != 36000 || o.MembersHelped != 2 {
		t.Errorf("option %+v", o)
	}
}

func TestOptimiseErrors(t *testing.T) {
	cat := smallCatalog(t)
	neg := svc("neg", -1, "PR.AA-03", 5)
	tests := []struct {
		name     string
		services []Service
		opt      Options
		want     []string
	}{
		{"pinned alone over budget, named", ratioServices(), Options{Budget: 150000, Pinned: []string{"mfa", "edr"}},
			[]string{"pinned services cost $1800.00", "mfa $1000.00", "edr $800.00", "budget of $1500.00"}},
		{"unknown pinned", ratioServices(), Options{Budget: 1, Pinned: []string{"soc"}}, []string{`pinned service "soc" is not`}},
		{"unknown excluded", ratioServices(), Options{Budget: 1, Excluded: []string{"soc"}}, []string{`excluded service "soc" is not`}},
		{"pinned and excluded", ratioServices(), Options{Budget: 1 << 40, Pinned: []string{"mfa"}, Excluded: []string{"mfa"}},
			[]string{`"mfa" is both pinned and excluded`}},
		{"negative budget", ratioServices(), Options{Budget: -1}, []string{"budget -0.01 is negative"}},
		{"negative cost", append(ratioServices(), neg), Options{Budget: 1}, []string{"neg has a negative cost"}},
	}
	for _, tt := range tests {
		_, err := Optimise(cat, lowMembers(), tt.services, tt.opt)
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q, want %q", tt.name, err, w)
			}
		}
	}
}

// The greedy-is-not-optimal example of docs/pooling.md: A has the best
// ratio but leaves no room for B and C, which together reduce the gap
// more. The alternatives find B + C and put it first.
//
//	A PR.AA-03 for 1 member: 40 for $5,000 (8 per $1,000)
//	B DE.CM-09:              36 for $4,600 (7.8 per $1,000)
//	C GV.PO-01 (weight 9):   36 for $4,600
func TestOptimiseAlternatives(t *testing.T) {
	cat := smallCatalog(t)
	one := []Member{member(1, sc("GV.PO-01", 1), sc("PR.AA-03", 1), sc("DE.CM-09", 1))}
	services := []Service{svc("a", 500000, "PR.AA-03", 5), svc("b", 460000, "DE.CM-09", 5), svc("c", 460000, "GV.PO-01", 5)}
	opt := Options{Budget: 920000, Weights: map[string]int{"GV.PO-01": 9}}
	plans, err := Optimise(cat, one, services, opt)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range plans {
		got = append(got, fmt.Sprintf("%s → gap %d", picks(p), p.GapAfter))
	}
	// Found in this order: [a] (greedy), [b c] (a left out), [c] (a and b
	// left out); returned by reduction.
	want := []string{
		"b[1]=36/$4600.00 c[1]=36/$4600.00 → gap 40",
		"a[1]=40/$5000.00 → gap 72",
		"c[1]=36/$4600.00 → gap 76",
	}
	if !slices.Equal(got, want) {
		t.Errorf("plans\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Distinct, and deterministic from one call to the next.
	seen := map[string]bool{}
	for _, p := range plans {
		if seen[picks(p)] {
			t.Errorf("plan %s returned twice", picks(p))
		}
		seen[picks(p)] = true
	}
	for range 5 {
		again, _ := Optimise(cat, one, services, opt)
		for i := range again {
			if picks(again[i]) != picks(plans[i]) {
				t.Fatalf("run %d differs: %s vs %s", i, picks(again[i]), picks(plans[i]))
			}
		}
	}

	// MaxPlans limits, and alternatives keep the pinned services.
	plans, err = Optimise(cat, one, services, Options{Budget: 1 << 40, MaxPlans: 2, Pinned: []string{"c"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 2 {
		t.Fatalf("%d plans, want 2", len(plans))
	}
	for _, p := range plans {
		if len(p.Choices) == 0 || !p.Choices[0].Pinned || p.Choices[0].ServiceKey != "c" {
			t.Errorf("plan %s does not start with pinned c", picks(p))
		}
	}
}

// When nothing helps there is one plan, with no choices.
func TestOptimiseNothingHelps(t *testing.T) {
	cat := smallCatalog(t)
	good := []Member{member(1, sc("PR.AA-03", 6))}
	plans, err := Optimise(cat, good, ratioServices(), Options{Budget: 1 << 40})
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 1 || len(plans[0].Choices) != 0 || plans[0].GapBefore != 0 || plans[0].Cost != 0 {
		t.Errorf("plans %+v", plans)
	}
}

// The figures of each plan come from Project, and the choices' reductions
// add up to them: the greedy bookkeeping and the projection agree.
func TestOptimiseFiguresMatchProject(t *testing.T) {
	cat := frameworks.CSF20()
	members := generatedMembers(cat, 60, 7)
	services := DefaultServices()
	plans, err := Optimise(cat, members, services, Options{Budget: 30000000, MaxPlans: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 3 {
		t.Fatalf("%d plans, want 3", len(plans))
	}
	for i, o := range plans {
		var sum, cost int64
		helped := map[int64]bool{}
		for _, c := range o.Choices {
			sum += c.GapReduced
			cost += c.Cost
			var enrolled []Member
			for _, m := range members {
				if slices.Contains(c.Members, m.ID) {
					enrolled = append(enrolled, m)
					helped[m.ID] = true
				}
			}
			s := services[slices.IndexFunc(services, func(s Service) bool { return s.Key == c.ServiceKey })]
			if got := s.Cost.For(enrolled); got != c.Cost {
				t.Errorf("plan %d %s: cost %d, CostModel.For says %d", i, c.ServiceKey, c.Cost, got)
			}
		}
		if o.GapBefore-o.GapAfter != sum || o.Cost != cost || o.Cost > 30000000 || o.MembersHelped != len(helped) {
			t.Errorf("plan %d: gap %d → %d, choices reduce %d; cost %d vs %d; helped %d vs %d",
				i, o.GapBefore, o.GapAfter, sum, o.Cost, cost, o.MembersHelped, len(helped))
		}
		p, err := Project(cat, members, services, o.Plan, 5, nil)
		if err != nil {
			t.Fatal(err)
		}
		if p.Projected.Gap != o.GapAfter || !near(p.Projected.Overall.Floor, o.FloorAfter) ||
			len(p.Projected.Overall.MembersBelowBaseline) != o.BelowBaselineAfter || p.Projected.BelowPairs != o.PairsBelowAfter {
			t.Errorf("plan %d disagrees with Project", i)
		}
		if i > 0 && plans[i-1].GapReduced() < o.GapReduced() {
			t.Errorf("plan %d reduces more than plan %d", i, i-1)
		}
	}
}

// generatedMembers answers every subcategory of cat for n members,
// deterministically: about 1 in 12 N/A, 1 in 12 unanswered, 1 in 20 a
// formally accepted risk, the rest levels 1..7 leaning low, as a
// consortium of small governments does.
func generatedMembers(cat *frameworks.Catalog, n int, seed uint64) []Member {
	rng := rand.New(rand.NewPCG(seed, 1))
	subs := cat.Subcategories()
	out := make([]Member, n)
	for i := range out {
		staff := 5 + rng.IntN(400)
		m := Member{ID: int64(i + 1), Name: fmt.Sprintf("Member %d", i+1), Population: 500 + rng.IntN(80000),
			Staff: staff, ITBudget: int64(20000 + rng.IntN(2000000))}
		if rng.IntN(3) > 0 {
			m.Endpoints = staff + rng.IntN(staff)
		}
		m.Answers = make([]assessments.Answer, 0, len(subs))
		for _, s := range subs {
			a := assessments.Answer{SubcategoryID: s.ID}
			switch r := rng.IntN(60); {
			case r < 5:
				a.NotApplicable = true
			case r < 10:
				// unanswered: a row with no score, as a half-filled form saves
			case r < 13:
				a.Score, a.RiskAccepted = 5, true
			default:
				a.Score = 1 + min(rng.IntN(5), rng.IntN(8))
			}
			m.Answers = append(m.Answers, a)
		}
		out[i] = m
	}
	return out
}

// benchServices are the default services plus synthetic ones, 20 in all.
func benchServices(cat *frameworks.Catalog) []Service {
	services := DefaultServices()
	rng := rand.New(rand.NewPCG(99, 2))
	subs := cat.Subcategories()
	for i := len(services); i < 20; i++ {
		s := Service{Key: fmt.Sprintf("synthetic-%d", i), Name: "Synthetic", ProviderKind: ProviderVendor,
			Status: StatusProposed, ShareRule: RuleEqual,
			Cost: CostModel{Fixed: int64(rng.IntN(5000000)), PerUser: int64(rng.IntN(5000))}}
		for _, k := range rng.Perm(len(subs))[:2+rng.IntN(5)] {
			s.Lifts = append(s.Lifts, Lift{subs[k].ID, 5 + rng.IntN(2)})
		}
		services = append(services, s)
	}
	return services
}

// BenchmarkOptimise: 500 members answering all 106 questions, 20 services,
// a budget that buys about half of them, three plans. The budget is well
// under 200 ms per operation.
//
//	go test -run '^$' -bench Optimise -benchmem ./pooling/
func BenchmarkOptimise(b *testing.B) {
	cat := frameworks.CSF20()
	members := generatedMembers(cat, 500, 1)
	for _, m := range members {
		if len(m.Answers) != 106 {
			b.Fatalf("%d answers, want 106", len(m.Answers))
		}
	}
	services := benchServices(cat)
	opt := Options{Budget: 2000000000, MaxPlans: 3}
	plans, err := Optimise(cat, members, services, opt)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Optimise(cat, members, services, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(plans[0].Choices)), "picks")
}

// The optimiser keeps reductions up to date incrementally after each pick;
// they must equal pricing every service again from scratch.
func TestPassMatchesRepricing(t *testing.T) {
	cat := frameworks.CSF20()
	members := generatedMembers(cat, 80, 3)
	services := benchServices(cat)
	p, err := newProjector(cat, members, services, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	g, err := newGreedy(p, services, Options{Budget: 1 << 40})
	if err != nil {
		t.Fatal(err)
	}
	ps := g.newPass()
	for pick := range services {
		for k := range services {
			if ps.taken[k] {
				continue
			}
			var want helped
			for mi := range members {
				want.add(g, mi, g.memberReduction(ps.cur, mi, k), 1)
			}
			if ps.tot[k] != want {
				t.Fatalf("after %d picks, %s: kept %+v, repriced %+v", pick, services[k].Key, ps.tot[k], want)
			}
		}
		ps.take(pick, false) // every service in turn, whatever its rank
	}
}
