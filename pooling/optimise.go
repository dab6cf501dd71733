package pooling

import (
	"cmp"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"palisade/assessments"
	"palisade/frameworks"
)

// Options are what a coordinator sets before asking which services to buy.
type Options struct {
	// Budget is the most the plan may cost a year, in cents. Pinned
	// services count against it.
	Budget int64
	// Pinned services are in every plan (services already running, or
	// promised); Excluded ones in none. Keys of services given.
	Pinned, Excluded []string
	// Baseline is the level the gap is measured against; 0 means
	// DefaultBaseline.
	Baseline int
	// Weights are the consortium's weights (nil: the defaults), as in
	// Project.
	Weights map[string]int
	// MaxPlans is how many distinct plans to return at most; 0 or less
	// means 3.
	MaxPlans int
}

// DefaultMaxPlans is the number of plans Optimise returns by default.
const DefaultMaxPlans = 3

// Choice is one service in a plan.
type Choice struct {
	ServiceKey string
	// Members are the members enrolled, by id: exactly those whose
	// weighted below-baseline gap the service reduces once the services
	// taken before it are in place.
	Members []int64
	// Cost is CostModel.For of those members, in cents a year.
	Cost int64
	// GapReduced is how much the service reduced the weighted
	// below-baseline gap when it was taken, on top of the services taken
	// before it.
	GapReduced int64
	Pinned     bool
}

// PlanOption is one plan the optimiser suggests, with its effect.
type PlanOption struct {
	// Choices are in the order they were taken: pinned services first,
	// in the order given, then the greedy picks.
	Choices []Choice
	// Plan is the same as a Plan, for Project.
	Plan Plan
	// Cost is the sum of the choices' costs, in cents a year.
	Cost int64
	// GapBefore and GapAfter are the consortium's weighted below-baseline
	// gap today and with the plan (Snapshot.Gap).
	GapBefore, GapAfter int64
	// MembersHelped counts the distinct members enrolled in at least one
	// choice.
	MembersHelped int
	// FloorBefore and FloorAfter are the lowest overall member score.
	FloorBefore, FloorAfter assessments.Value
	// BelowBaselineBefore and BelowBaselineAfter count members whose
	// overall score is below the baseline; PairsBelowBefore and
	// PairsBelowAfter count (member, subcategory) pairs below it.
	BelowBaselineBefore, BelowBaselineAfter int
	PairsBelowBefore, PairsBelowAfter       int
}

// GapReduced is GapBefore − GapAfter.
func (o PlanOption) GapReduced() int64 { return o.GapBefore - o.GapAfter }

// Optimise suggests which services to buy within a budget, and for whom,
// to reduce the consortium's weighted below-baseline gap (Snapshot.Gap).
// It is greedy, written out in docs/pooling.md:
//
//  1. Pinned services are taken first, in the order given, each enrolled
//     for the members whose gap it reduces. If they alone cost more than
//     the budget, that is an error naming them.
//  2. Then, repeatedly, every service not yet taken, pinned or excluded is
//     a candidate: enrolled for exactly the members whose gap it would
//     still reduce (an earlier pick may already have lifted a member), at
//     CostModel.For of those members. Among the candidates that reduce the
//     gap and fit in what is left of the budget, the one with the highest
//     reduction per dollar is taken; a candidate that costs nothing ranks
//     above any that costs something. Ties go to the larger reduction,
//     then the lower cost, then the key in alphabetical order.
//  3. It stops when no candidate fits or none reduces the gap.
//
// Greedy is fast and easy to follow but not always the best plan: one
// service with the best ratio can use up the budget that two slightly
// worse ones would have shared for a larger total. To show alternatives,
// Optimise re-runs the greedy rule leaving out, one at a time and in the
// order picked, each service the first plan picked (not the pinned ones),
// then each service picked by those plans in turn, and so on (breadth
// first). A plan identical to one already found, or one that buys nothing
// beyond the pinned services, is skipped (the first plan is always kept).
// It stops at MaxPlans plans (or after a bounded number of tries). The
// plans are returned best first: largest gap reduction, then lowest cost,
// then the order they were found; the greedy plan is not always first.
//
// Errors: a negative budget; a pinned or excluded key that is not a
// service given, or that is both pinned and excluded; a service with a
// negative cost; unknown or duplicate members or services as in Project.
func Optimise(cat *frameworks.Catalog, members []Member, services []Service, opt Options) ([]PlanOption, error) {
	if opt.Budget < 0 {
		return nil, fmt.Errorf("optimise: the budget %s is negative", dollars(opt.Budget))
	}
	p, err := newProjector(cat, members, services, opt.Baseline, opt.Weights)
	if err != nil {
		return nil, fmt.Errorf("optimise: %w", err)
	}
	g, err := newGreedy(p, services, opt)
	if err != nil {
		return nil, fmt.Errorf("optimise: %w", err)
	}
	maxPlans := opt.MaxPlans
	if maxPlans <= 0 {
		maxPlans = DefaultMaxPlans
	}

	var plans [][]Choice // in the order found
	seen := map[string]bool{}
	// queue holds sets of extra exclusions (service indexes) still to try.
	queue := [][]int{nil}
	tried := map[string]bool{"[]": true}
	for runs := 0; len(queue) > 0 && len(plans) < maxPlans && runs < maxRuns(maxPlans); runs++ {
		extra := queue[0]
		queue = queue[1:]
		choices, err := g.run(extra)
		if err != nil {
			return nil, fmt.Errorf("optimise: %w", err)
		}
		sig := signature(choices)
		if !seen[sig] && (len(plans) == 0 || slices.ContainsFunc(choices, func(c Choice) bool { return !c.Pinned })) {
			seen[sig] = true
			plans = append(plans, choices)
		}
		for _, c := range choices {
			if c.Pinned {
				continue
			}
			next := append(slices.Clone(extra), g.index[c.ServiceKey])
			slices.Sort(next)
			if k := fmt.Sprint(next); !tried[k] {
				tried[k] = true
				queue = append(queue, next)
			}
		}
	}

	out := make([]PlanOption, len(plans))
	for i, choices := range plans {
		if out[i], err = g.option(choices); err != nil {
			return nil, fmt.Errorf("optimise: %w", err)
		}
	}
	// Stable, so equal plans stay in the order found.
	slices.SortStableFunc(out, func(a, b PlanOption) int {
		if c := cmp.Compare(b.GapReduced(), a.GapReduced()); c != 0 {
			return c
		}
		return cmp.Compare(a.Cost, b.Cost)
	})
	return out, nil
}

// maxRuns bounds the greedy runs spent looking for distinct plans, so a
// catalogue of near-identical services cannot make a request slow.
func maxRuns(maxPlans int) int { return 4*maxPlans + 4 }

// signature identifies a plan by what it buys for whom, whatever the order.
func signature(choices []Choice) string {
	parts := make([]string, len(choices))
	for i, c := range choices {
		b := []byte(c.ServiceKey)
		for _, id := range c.Members {
			b = strconv.AppendInt(append(b, ' '), id, 10)
		}
		parts[i] = string(b)
	}
	slices.Sort(parts)
	return strings.Join(parts, ";")
}

// greedy is the optimiser's working state: the projector's grid and, per
// service, what it lifts and what it costs.
type greedy struct {
	p        *projector
	budget   int64
	services []*Service
	lifts    [][]liftAt
	index    map[string]int // key → position in services
	pinned   []int
	excluded []bool
	// overlaps[k] lists the other services that lift a subcategory k
	// lifts: the only ones whose reductions can change when k is taken.
	overlaps [][]int
	// users and endpoints per member, as the cost model counts them.
	users, endpoints []int64
}

func newGreedy(p *projector, services []Service, opt Options) (*greedy, error) {
	g := &greedy{
		p: p, budget: opt.Budget,
		index:     make(map[string]int, len(services)),
		excluded:  make([]bool, len(services)),
		overlaps:  make([][]int, len(services)),
		users:     make([]int64, len(p.members)),
		endpoints: make([]int64, len(p.members)),
	}
	for i := range services {
		s := &services[i]
		c := s.Cost
		if c.Fixed < 0 || c.PerMember < 0 || c.PerUser < 0 || c.PerEndpoint < 0 {
			return nil, fmt.Errorf("service %s has a negative cost", s.Key)
		}
		g.index[s.Key] = i
		g.services = append(g.services, s)
		g.lifts = append(g.lifts, p.lifts[s.Key])
	}
	for k := range g.lifts {
		for o := range g.lifts {
			if o != k && slices.ContainsFunc(g.lifts[k], func(a liftAt) bool {
				return slices.ContainsFunc(g.lifts[o], func(b liftAt) bool { return a.pos == b.pos })
			}) {
				g.overlaps[k] = append(g.overlaps[k], o)
			}
		}
	}
	for mi := range p.members {
		g.users[mi], g.endpoints[mi] = p.members[mi].users(), p.members[mi].endpoints()
	}
	var bad []string
	pinned := map[string]bool{}
	for _, k := range opt.Pinned {
		i, ok := g.index[k]
		switch {
		case !ok:
			bad = append(bad, fmt.Sprintf("pinned service %q is not among the services given", k))
		case !pinned[k]:
			pinned[k] = true
			g.pinned = append(g.pinned, i)
		}
	}
	for _, k := range opt.Excluded {
		i, ok := g.index[k]
		switch {
		case !ok:
			bad = append(bad, fmt.Sprintf("excluded service %q is not among the services given", k))
		case pinned[k]:
			bad = append(bad, fmt.Sprintf("service %q is both pinned and excluded", k))
		default:
			g.excluded[i] = true
		}
	}
	if len(bad) > 0 {
		return nil, errors.New(strings.Join(bad, "; "))
	}
	return g, nil
}

// candidate is one service priced for the members it would help now.
type candidate struct {
	svc       int
	reduction int64
	cost      int64
}

// better reports whether a ranks before b: free before paid, then the
// higher reduction per cent (compared exactly as a.reduction × b.cost
// against b.reduction × a.cost in 128 bits, so no division by zero and no
// rounding), then the larger reduction, the lower cost and the key.
func (g *greedy) better(a, b candidate) bool {
	if (a.cost == 0) != (b.cost == 0) {
		return a.cost == 0
	}
	if a.cost > 0 {
		ah, al := bits.Mul64(uint64(a.reduction), uint64(b.cost))
		bh, bl := bits.Mul64(uint64(b.reduction), uint64(a.cost))
		if ah != bh {
			return ah > bh
		}
		if al != bl {
			return al > bl
		}
	}
	if a.reduction != b.reduction {
		return a.reduction > b.reduction
	}
	if a.cost != b.cost {
		return a.cost < b.cost
	}
	return g.services[a.svc].Key < g.services[b.svc].Key
}

// memberReduction is how much service k would reduce member mi's gap on
// the grid cur. It can be negative: an unanswered subcategory lifted to a
// level below the baseline starts to count as a gap.
func (g *greedy) memberReduction(cur []int8, mi, k int) int64 {
	p := g.p
	ns := len(p.ix.ids)
	row := cur[mi*ns : (mi+1)*ns]
	var red int64
	for _, l := range g.lifts[k] {
		c := row[l.pos]
		if nl := lifted(c, l.level); nl != c {
			w := p.ix.weight[l.pos]
			red += deficit(c, w, p.baseline) - deficit(nl, w, p.baseline)
		}
	}
	return red
}

// pass is one greedy run in progress. Rather than re-pricing every service
// for every member after each pick, it keeps each member's reduction per
// service and, per service, the totals over the members it helps; a pick
// changes only the rows of the members it enrols, so only those members'
// reductions for the services that overlap it are worked out again. The
// result is the same as re-pricing everything.
type pass struct {
	g     *greedy
	cur   []int8  // the grid as lifted by the services taken so far
	red   []int64 // red[k*members+mi]: member mi's reduction by service k
	tot   []helped
	taken []bool
}

// helped sums what the cost model and the ranking need over the members a
// service would help (reduction > 0).
type helped struct{ reduction, members, users, endpoints int64 }

func (t *helped) add(g *greedy, mi int, r int64, sign int64) {
	if r > 0 {
		t.reduction += sign * r
		t.members += sign
		t.users += sign * g.users[mi]
		t.endpoints += sign * g.endpoints[mi]
	}
}

func (g *greedy) newPass() *pass {
	nm, nk := len(g.p.members), len(g.services)
	ps := &pass{g: g, cur: slices.Clone(g.p.grid), red: make([]int64, nk*nm), tot: make([]helped, nk), taken: slices.Clone(g.excluded)}
	for k := range nk {
		for mi := range nm {
			r := g.memberReduction(ps.cur, mi, k)
			ps.red[k*nm+mi] = r
			ps.tot[k].add(g, mi, r, 1)
		}
	}
	return ps
}

// candidate is service k priced for the members it would help now.
func (ps *pass) candidate(k int) candidate {
	t := ps.tot[k]
	return candidate{svc: k, reduction: t.reduction, cost: ps.g.services[k].Cost.forCounts(t.members, t.users, t.endpoints)}
}

// members are the indexes of the members service k would help now.
func (ps *pass) members(k int) []int {
	nm := len(ps.g.p.members)
	var out []int
	for mi, r := range ps.red[k*nm : (k+1)*nm] {
		if r > 0 {
			out = append(out, mi)
		}
	}
	return out
}

// take enrols the members service k helps, lifts them and returns the
// choice.
func (ps *pass) take(k int, pinned bool) Choice {
	g := ps.g
	p, nm, ns := g.p, len(g.p.members), len(g.p.ix.ids)
	c := ps.candidate(k)
	enrol := ps.members(k)
	ch := Choice{ServiceKey: g.services[k].Key, Members: make([]int64, 0, len(enrol)), Cost: c.cost, GapReduced: c.reduction, Pinned: pinned}
	for _, mi := range enrol {
		ch.Members = append(ch.Members, p.members[mi].ID)
		for _, l := range g.lifts[k] {
			cell := &ps.cur[mi*ns+l.pos]
			*cell = lifted(*cell, l.level)
		}
	}
	slices.Sort(ch.Members)
	ps.taken[k] = true
	for _, o := range g.overlaps[k] {
		if ps.taken[o] {
			continue
		}
		for _, mi := range enrol {
			old := ps.red[o*nm+mi]
			r := g.memberReduction(ps.cur, mi, o)
			if r != old {
				ps.tot[o].add(g, mi, old, -1)
				ps.tot[o].add(g, mi, r, 1)
				ps.red[o*nm+mi] = r
			}
		}
	}
	return ch
}

// run is one greedy pass with extra services left out.
func (g *greedy) run(extra []int) ([]Choice, error) {
	ps := g.newPass()
	for _, k := range extra {
		ps.taken[k] = true
	}
	var choices []Choice
	left := g.budget
	for _, k := range g.pinned {
		c := ps.take(k, true)
		choices = append(choices, c)
		left -= c.Cost
	}
	if left < 0 {
		e := &OverBudgetError{Pinned: choices, Budget: g.budget}
		for _, c := range choices {
			e.Total += c.Cost
		}
		return nil, e
	}
	for {
		best, found := candidate{}, false
		for k := range g.services {
			if ps.taken[k] {
				continue
			}
			c := ps.candidate(k)
			if c.reduction <= 0 || c.cost > left {
				continue
			}
			if !found || g.better(c, best) {
				best, found = c, true
			}
		}
		if !found {
			return choices, nil
		}
		choices = append(choices, ps.take(best.svc, false))
		left -= best.cost
	}
}

// option projects a plan in full for its before and after figures.
func (g *greedy) option(choices []Choice) (PlanOption, error) {
	o := PlanOption{Choices: choices, Plan: Plan{}}
	helped := map[int64]bool{}
	for _, c := range choices {
		o.Plan[c.ServiceKey] = c.Members
		o.Cost += c.Cost
		for _, id := range c.Members {
			helped[id] = true
		}
	}
	o.MembersHelped = len(helped)
	pr, err := g.p.apply(o.Plan, false)
	if err != nil {
		return PlanOption{}, err
	}
	o.GapBefore, o.GapAfter = pr.Today.Gap, pr.Projected.Gap
	o.FloorBefore, o.FloorAfter = pr.Today.Overall.Floor, pr.Projected.Overall.Floor
	o.BelowBaselineBefore = len(pr.Today.Overall.MembersBelowBaseline)
	o.BelowBaselineAfter = len(pr.Projected.Overall.MembersBelowBaseline)
	o.PairsBelowBefore, o.PairsBelowAfter = pr.Today.BelowPairs, pr.Projected.BelowPairs
	return o, nil
}

// OverBudgetError is returned (wrapped) by Optimise when the pinned
// services alone cost more than the budget: Pinned are their choices (the
// members each would help and its cost), Total their sum, in cents.
type OverBudgetError struct {
	Pinned        []Choice
	Total, Budget int64
}

func (e *OverBudgetError) Error() string {
	var names []string
	for _, c := range e.Pinned {
		names = append(names, fmt.Sprintf("%s $%s", c.ServiceKey, dollars(c.Cost)))
	}
	return fmt.Sprintf("the pinned services cost $%s a year (%s), more than the budget of $%s",
		dollars(e.Total), strings.Join(names, ", "), dollars(e.Budget))
}
