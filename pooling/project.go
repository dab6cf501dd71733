package pooling

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"palisade/assessments"
	"palisade/frameworks"
)

// Member is one member of the consortium as risk pooling sees it: the
// sizes the cost models and sharing rules use, and its answers for the
// cycle being planned.
type Member struct {
	ID   int64
	Name string
	// Population is residents (or pupils) served, Staff the number of staff
	// with an account, Endpoints the number of computers and devices (when
	// 0 or less, estimated as Staff). 0 or less means not entered.
	Population, Staff, Endpoints int
	// ITBudget is the annual IT budget in whole dollars, as stored
	// elsewhere. It is only ever a basis for sharing costs (RuleBudget),
	// never money added to cents.
	ITBudget int64
	Answers  []assessments.Answer
}

// Plan enrols members in services: service key → member ids.
type Plan map[string][]int64

// DefaultBaseline is the baseline used when none is given: 5 on the NCSR
// scale ("Implementation in Progress"), its recommended minimum and the
// consortium's usual default target.
const DefaultBaseline = 5

// Projection is the consortium today and as it would be with a plan in
// place. Figures are computed the same way for both, so the differences
// (see Change, GapReduced) are the plan's effect alone.
type Projection struct {
	Baseline         int
	Today, Projected Snapshot
	Members          []MemberProjection // in the order the members were given
}

// Snapshot is the consortium's standing on the baseline at one moment.
type Snapshot struct {
	// Overall and Functions (in catalog order) are figures over the
	// members' own scores there, as assessments.Score computes them.
	Overall   Figures
	Functions []Figures
	// Gap is the consortium's weighted below-baseline gap: the sum over
	// members and answered subcategories of weight × (baseline − level)
	// where the level is below the baseline. N/A and unanswered
	// subcategories add nothing; a Risk Formally Accepted answer counts
	// at its score.
	Gap int64
	// BelowPairs counts (member, subcategory) pairs answered below the
	// baseline, whatever their weight.
	BelowPairs int
}

// Figures describe one node (overall or a function) across the members.
type Figures struct {
	ID, Name string
	// Floor is the lowest member score there and Median the median, with
	// the quantile rule of assessments.Stats. Neither is OK when no member
	// has a score there.
	Floor, Median assessments.Value
	// Scored counts the members with a score there.
	Scored int
	// MembersBelowBaseline lists, by member id, the members whose score
	// there is below the baseline.
	MembersBelowBaseline []int64
}

// MemberProjection is one member's part of a projection.
type MemberProjection struct {
	MemberID int64
	Name     string
	// Services are the keys of the services the member is enrolled in,
	// sorted.
	Services []string
	// Today and Projected are the member's overall score.
	Today, Projected assessments.Value
	// Answers are the member's projected answers, one per answered or N/A
	// subcategory, in catalog order. Unchanged answers are the member's own;
	// ids that are not in the catalog are left out (scoring ignores them).
	Answers []assessments.Answer
	// Uplifts are the subcategories a service changed, in catalog order.
	Uplifts []Uplift
}

// Uplift is one subcategory a service lifted for one member.
type Uplift struct {
	MemberID      int64
	ServiceKey    string
	SubcategoryID string
	// From is the member's own score (0: unanswered) and To the projected
	// one. FromAccepted marks a formally accepted risk that became an
	// implemented control.
	From, To     int
	FromAccepted bool
}

// Change is Projected minus Today at one node. Floor and Median are not OK
// when either side has none; MembersBelowBaseline is negative when fewer
// members are below.
type Change struct {
	Floor, Median        assessments.Value
	MembersBelowBaseline int
}

// Change is the change of the overall figures.
func (p Projection) Change() Change { return change(p.Today.Overall, p.Projected.Overall) }

// FunctionChange is the change of one function's figures.
func (p Projection) FunctionChange(functionID string) (Change, bool) {
	for i, f := range p.Today.Functions {
		if f.ID == functionID {
			return change(f, p.Projected.Functions[i]), true
		}
	}
	return Change{}, false
}

// GapReduced is how much the plan reduces the weighted below-baseline gap.
func (p Projection) GapReduced() int64 { return p.Today.Gap - p.Projected.Gap }

// BelowPairsChange is the change in (member, subcategory) pairs below the
// baseline; negative when there are fewer.
func (p Projection) BelowPairsChange() int { return p.Projected.BelowPairs - p.Today.BelowPairs }

// Lifted lists what one service lifted, for whom: every uplift credited to
// it, by member in the order given, then in catalog order.
func (p Projection) Lifted(serviceKey string) []Uplift {
	var out []Uplift
	for _, m := range p.Members {
		for _, u := range m.Uplifts {
			if u.ServiceKey == serviceKey {
				out = append(out, u)
			}
		}
	}
	return out
}

// Member returns the projection of one member.
func (p Projection) Member(id int64) (MemberProjection, bool) {
	i := slices.IndexFunc(p.Members, func(m MemberProjection) bool { return m.MemberID == id })
	if i < 0 {
		return MemberProjection{}, false
	}
	return p.Members[i], true
}

func change(a, b Figures) Change {
	diff := func(x, y assessments.Value) assessments.Value {
		if !x.OK || !y.OK {
			return assessments.Value{}
		}
		return assessments.Value{V: y.V - x.V, OK: true}
	}
	return Change{
		Floor:                diff(a.Floor, b.Floor),
		Median:               diff(a.Median, b.Median),
		MembersBelowBaseline: len(b.MembersBelowBaseline) - len(a.MembersBelowBaseline),
	}
}

// Project works out what the consortium would look like with plan in
// place. For a member enrolled in a service, on each subcategory the
// service lifts to level L:
//
//   - an answered subcategory is projected at max(own score, L): a service
//     never lowers a member that is already better;
//   - an unanswered one is projected at L: the service delivers the
//     control whether or not the member has answered the question;
//   - an N/A one stays N/A: the outcome does not apply to the member;
//   - a Risk Formally Accepted answer counts at its score (5 on the NCSR
//     scale) and becomes a plain answer at L only when L is higher: a
//     service at 5 does not replace a decision not to do it.
//
// A member enrolled in several services that lift the same subcategory
// gets the highest level, credited to the service that gives it (ties to
// the lower key). Targets are kept. A baseline of 0 or less means
// DefaultBaseline; weights are the consortium's weights as in
// assessments.DefaultWeights (nil: the defaults; missing ids keep their
// default; values are clamped to 0..10). The plan must name only services
// and members that were given; member ids and service keys must be unique.
func Project(cat *frameworks.Catalog, members []Member, services []Service, plan Plan, baseline int, weights map[string]int) (Projection, error) {
	p, err := newProjector(cat, members, services, baseline, weights)
	if err != nil {
		return Projection{}, fmt.Errorf("project: %w", err)
	}
	pr, err := p.project(plan)
	if err != nil {
		return Projection{}, fmt.Errorf("project: %w", err)
	}
	return pr, nil
}

// projector holds the members' answers resolved into a grid, so the
// optimiser can try many plans on one reading of the answers.
type projector struct {
	cat      *frameworks.Catalog
	ix       subIndex
	members  []Member
	byID     map[int64]int
	services map[string]*Service
	lifts    map[string][]liftAt // per service key, subcategories of the catalog only
	baseline int
	// grid[m*ns+s] is member m's level on subcategory s: levelNA,
	// levelNone or a score. accepted marks formally accepted risks and
	// src the answer (index into Member.Answers) the cell came from, -1
	// for none.
	grid     []int8
	accepted []bool
	src      []int32
	today    Snapshot
	todayCmp *assessments.Comparison
	// scratch holds projected answers for apply without detail, reused
	// from one call to the next.
	scratch []assessments.Answer
}

// Cell levels besides scores.
const (
	levelNA   int8 = -1
	levelNone int8 = 0
)

// liftAt is a Lift resolved to a position in the catalog.
type liftAt struct {
	pos   int
	level int8
}

// subIndex is the catalog flattened: subcategories in catalog order.
type subIndex struct {
	ids    []string
	pos    map[string]int
	weight []int64 // effective consortium weight of each subcategory
}

func newSubIndex(cat *frameworks.Catalog, weights map[string]int) subIndex {
	ix := subIndex{pos: map[string]int{}}
	if cat == nil {
		return ix
	}
	def := assessments.DefaultWeights(cat)
	for _, f := range cat.Functions {
		for _, c := range f.Categories {
			for _, s := range c.Subcategories {
				w, ok := weights[s.ID]
				if !ok {
					w = def[s.ID]
				}
				ix.pos[s.ID] = len(ix.ids)
				ix.ids = append(ix.ids, s.ID)
				ix.weight = append(ix.weight, int64(min(max(w, 0), assessments.MaxWeight)))
			}
		}
	}
	return ix
}

func newProjector(cat *frameworks.Catalog, members []Member, services []Service, baseline int, weights map[string]int) (*projector, error) {
	if baseline <= 0 {
		baseline = DefaultBaseline
	}
	ix := newSubIndex(cat, weights)
	ns := len(ix.ids)
	p := &projector{
		cat: cat, ix: ix, members: members, baseline: baseline,
		byID:     make(map[int64]int, len(members)),
		services: make(map[string]*Service, len(services)),
		lifts:    make(map[string][]liftAt, len(services)),
		grid:     make([]int8, len(members)*ns),
		accepted: make([]bool, len(members)*ns),
		src:      make([]int32, len(members)*ns),
	}
	for i := range services {
		s := &services[i]
		if p.services[s.Key] != nil {
			return nil, fmt.Errorf("service key %q is used twice", s.Key)
		}
		p.services[s.Key] = s
		// Lifts of unknown ids or levels are skipped rather than refused:
		// services are checked when saved (CheckService), and a stale one
		// must not stop the page. Repeated ids keep the highest level.
		var ls []liftAt
		for _, l := range s.Lifts {
			pos, ok := ix.pos[l.SubcategoryID]
			if !ok || l.Level < 1 {
				continue
			}
			level := int8(min(l.Level, 127))
			if k := slices.IndexFunc(ls, func(x liftAt) bool { return x.pos == pos }); k >= 0 {
				ls[k].level = max(ls[k].level, level)
				continue
			}
			ls = append(ls, liftAt{pos, level})
		}
		p.lifts[s.Key] = ls
	}
	for mi := range members {
		m := &members[mi]
		if _, dup := p.byID[m.ID]; dup {
			return nil, fmt.Errorf("member id %d is given twice", m.ID)
		}
		p.byID[m.ID] = mi
		row, acc, src := p.grid[mi*ns:(mi+1)*ns], p.accepted[mi*ns:(mi+1)*ns], p.src[mi*ns:(mi+1)*ns]
		for s := range src {
			src[s] = -1
		}
		// The rules of assessments.Score: unknown ids ignored, the last
		// answer to an id wins, N/A has no level, score 0 is unanswered.
		for ai, a := range m.Answers {
			s, ok := ix.pos[a.SubcategoryID]
			if !ok {
				continue
			}
			switch {
			case a.NotApplicable:
				row[s], acc[s], src[s] = levelNA, false, int32(ai)
			case a.Score > 0:
				row[s], acc[s], src[s] = int8(min(a.Score, 127)), a.RiskAccepted, int32(ai)
			default:
				row[s], acc[s], src[s] = levelNone, false, -1
			}
		}
	}
	p.todayCmp = assessments.Compare(cat, p.memberAnswers(nil), baseline)
	p.today = p.snapshot(p.todayCmp, p.grid)
	return p, nil
}

// lifted is a cell's level after a lift to level: see Project.
func lifted(cur, level int8) int8 {
	switch {
	case cur == levelNA:
		return levelNA
	case cur == levelNone:
		return level
	}
	return max(cur, level)
}

// deficit is one cell's contribution to the weighted below-baseline gap.
func deficit(level int8, weight int64, baseline int) int64 {
	if level <= 0 {
		return 0
	}
	return weight * int64(max(baseline-int(level), 0))
}

// memberAnswers builds the input of assessments.Compare: the members' own
// answers, or their projected ones when projected is not nil.
func (p *projector) memberAnswers(projected [][]assessments.Answer) []assessments.MemberAnswers {
	out := make([]assessments.MemberAnswers, len(p.members))
	for i, m := range p.members {
		out[i] = assessments.MemberAnswers{MemberID: m.ID, Name: m.Name, Population: m.Population, Answers: m.Answers}
		if projected != nil {
			out[i].Answers = projected[i]
		}
	}
	return out
}

// checkPlan validates a plan and turns it into, per member, the sorted
// keys of its services.
func (p *projector) checkPlan(plan Plan) ([][]string, error) {
	enrolled := make([][]string, len(p.members))
	for _, key := range slices.Sorted(maps.Keys(plan)) {
		if p.services[key] == nil {
			return nil, fmt.Errorf("the plan names service %q, which is not among the services given", key)
		}
		for _, id := range plan[key] {
			mi, ok := p.byID[id]
			if !ok {
				return nil, fmt.Errorf("the plan enrols member %d in %s, but there is no such member", id, key)
			}
			if !slices.Contains(enrolled[mi], key) { // a member listed twice enrols once
				enrolled[mi] = append(enrolled[mi], key)
			}
		}
	}
	return enrolled, nil
}

// project is Project on the projector's members and services.
func (p *projector) project(plan Plan) (Projection, error) { return p.apply(plan, true) }

// apply projects a plan. With detail it fills Projection.Members; without,
// only the snapshots, for the optimiser's before-and-after figures: then
// it reuses one buffer for the projected answers between calls and hands
// members nothing lifted to Compare with their own answers, which Compare
// reads exactly as their projected ones.
func (p *projector) apply(plan Plan, detail bool) (Projection, error) {
	enrolled, err := p.checkPlan(plan)
	if err != nil {
		return Projection{}, err
	}
	ns, nm := len(p.ix.ids), len(p.members)
	grid := slices.Clone(p.grid)
	pr := Projection{Baseline: p.baseline, Today: p.today}
	projected := make([][]assessments.Answer, nm)
	// One backing array for every member's projected answers: a member has
	// at most one per subcategory, so each gets a fixed window of it.
	var backing []assessments.Answer
	if detail {
		backing = make([]assessments.Answer, nm*ns)
		pr.Members = make([]MemberProjection, nm)
	} else {
		if p.scratch == nil {
			p.scratch = make([]assessments.Answer, nm*ns)
		}
		backing = p.scratch
	}
	by := make([]string, ns) // service credited with each cell of the current member
	// Uplifts go into one slice, cut per member at the end (upTo[mi] is
	// where member mi's end), sized for every lift changing something so
	// it never grows.
	var uplifts []Uplift
	if detail {
		room := 0
		for _, keys := range enrolled {
			for _, key := range keys {
				room += len(p.lifts[key])
			}
		}
		uplifts = make([]Uplift, 0, room)
	}
	upTo := make([]int, nm)
	for mi := range p.members {
		m := &p.members[mi]
		row := grid[mi*ns : (mi+1)*ns]
		clear(by)
		// Keys are sorted and a cell changes only on a strictly higher
		// level, so the lower key keeps the credit on a tie.
		changed := false
		for _, key := range enrolled[mi] {
			for _, l := range p.lifts[key] {
				cur := row[l.pos]
				nl := lifted(cur, l.level)
				if nl > cur { // an unanswered cell (0) always rises to the level
					row[l.pos], by[l.pos], changed = nl, key, true
				}
			}
		}
		if !detail && !changed {
			projected[mi] = m.Answers
			continue
		}
		answers := backing[mi*ns : mi*ns : (mi+1)*ns]
		for s, level := range row {
			src := p.src[mi*ns+s]
			switch {
			case by[s] != "":
				a := assessments.Answer{SubcategoryID: p.ix.ids[s], Score: int(level)}
				if src >= 0 {
					a.Target = m.Answers[src].Target
				}
				answers = append(answers, a)
				if detail {
					uplifts = append(uplifts, Uplift{
						MemberID: m.ID, ServiceKey: by[s], SubcategoryID: p.ix.ids[s],
						From: int(max(p.grid[mi*ns+s], 0)), To: int(level), FromAccepted: p.accepted[mi*ns+s],
					})
				}
			case src >= 0:
				answers = append(answers, m.Answers[src])
			}
		}
		projected[mi] = answers
		if detail {
			pr.Members[mi] = MemberProjection{MemberID: m.ID, Name: m.Name, Services: enrolled[mi], Answers: answers}
			upTo[mi] = len(uplifts)
		}
	}
	c := assessments.Compare(p.cat, p.memberAnswers(projected), p.baseline)
	pr.Projected = p.snapshot(c, grid)
	if detail {
		from := 0
		for mi, to := range upTo {
			mp := &pr.Members[mi]
			if to > from {
				mp.Uplifts = uplifts[from:to:to]
			}
			from = to
			mp.Today = p.todayCmp.Members[mi].Result.Overall.Score
			mp.Projected = c.Members[mi].Result.Overall.Score
		}
	}
	return pr, nil
}

// belowTolerance keeps a mean that should be exactly the baseline (5.0 from
// a sum of fifths, say) from counting as below it by a rounding error.
const belowTolerance = 1e-9

// snapshot reads the figures off a comparison and the gap off a grid.
func (p *projector) snapshot(c *assessments.Comparison, grid []int8) Snapshot {
	base := float64(p.baseline) - belowTolerance
	figures := func(id, name string, st assessments.Stats, score func(mi int) assessments.Value) Figures {
		f := Figures{ID: id, Name: name, Scored: st.Count, MembersBelowBaseline: []int64{}}
		if st.OK() {
			f.Floor = assessments.Value{V: st.Min, OK: true}
			f.Median = assessments.Value{V: st.Median, OK: true}
		}
		for mi := range c.Members {
			if v := score(mi); v.OK && v.V < base {
				f.MembersBelowBaseline = append(f.MembersBelowBaseline, c.Members[mi].MemberID)
			}
		}
		slices.SortFunc(f.MembersBelowBaseline, cmp.Compare)
		return f
	}
	var s Snapshot
	var id, name string
	if p.cat != nil {
		id, name = p.cat.ID, p.cat.Name
	}
	s.Overall = figures(id, name, c.Overall, func(mi int) assessments.Value { return c.Members[mi].Result.Overall.Score })
	s.Functions = make([]Figures, len(c.Functions))
	for fi, f := range c.Functions {
		s.Functions[fi] = figures(f.ID, f.Name, f.Stats, func(mi int) assessments.Value {
			return c.Members[mi].Result.Functions[fi].Score
		})
	}
	ns := len(p.ix.ids)
	for i, level := range grid {
		if level > 0 && int(level) < p.baseline {
			s.BelowPairs++
			s.Gap += deficit(level, p.ix.weight[i%ns], p.baseline)
		}
	}
	return s
}
