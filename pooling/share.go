package pooling

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"palisade/assessments"
)

// Rule is how the cost of a shared service is split among the members
// enrolled in it. docs/pooling.md explains each rule for coordinators.
type Rule string

// The cost-sharing rules. Every rule but RuleEqual and RuleBlend is
// proportional: each member pays total × its basis / the sum of the bases.
const (
	RuleEqual      Rule = "equal"      // the same for everyone
	RulePopulation Rule = "population" // by residents served (Member.Population)
	RuleBudget     Rule = "budget"     // by annual IT budget (Member.ITBudget)
	RuleUsers      Rule = "users"      // by staff (Member.Staff)
	RuleEndpoints  Rule = "endpoints"  // by devices (Member.Endpoints, else Staff)
	RuleBlend      Rule = "blend"      // a mix of the others by percentage
)

// Rules lists every rule in the order a form offers them. The order is also
// the tie-break when a blend's cents are rounded, so it must not change.
func Rules() []Rule {
	return []Rule{RuleEqual, RulePopulation, RuleBudget, RuleUsers, RuleEndpoints, RuleBlend}
}

func (r Rule) valid() bool { return slices.Contains(Rules(), r) }

// Label is the rule in words, for a page or a CSV.
func (r Rule) Label() string {
	switch r {
	case RuleEqual:
		return "equal shares"
	case RulePopulation:
		return "by population"
	case RuleBudget:
		return "by IT budget"
	case RuleUsers:
		return "by number of staff"
	case RuleEndpoints:
		return "by number of endpoints"
	case RuleBlend:
		return "blend"
	}
	return string(r)
}

// ErrNoBasis is wrapped by the error of Split when no member has what a
// proportional rule divides by (every population blank, say). Use
// errors.Is to recognise it and errors.As with *NoBasisError for the rule.
var ErrNoBasis = errors.New("no member has a basis for this cost-sharing rule")

// NoBasisError says which rule had nothing to divide by. Its message is
// meant to be shown as is: "no member has a population entered; choose
// another rule".
type NoBasisError struct{ Rule Rule }

func (e *NoBasisError) Error() string {
	what := map[Rule]string{
		RulePopulation: "a population",
		RuleBudget:     "an IT budget",
		RuleUsers:      "a number of staff",
		RuleEndpoints:  "a number of endpoints or staff",
	}[e.Rule]
	if what == "" {
		what = "a basis for " + string(e.Rule)
	}
	return "no member has " + what + " entered; choose another rule"
}

func (e *NoBasisError) Unwrap() error { return ErrNoBasis }

// Share is what one member pays.
type Share struct {
	MemberID int64
	Name     string
	Amount   int64 // cents a year
	// Alone is what the member would pay to buy the service on its own
	// (Service.StandalonePerMember; 0: not known) and Saving = Alone −
	// Amount, negative when the member would pay less alone. Both are 0
	// when Alone is not known. Set them with WithAlone or SplitService.
	Alone, Saving int64
}

// Part is one rule's slice of a blended split.
type Part struct {
	Rule    Rule
	Percent int
	Amount  int64 // cents of the total split by this rule
	// NoBasis lists, by member id, the members who pay nothing of this
	// part because they have no basis for its rule.
	NoBasis []int64
}

// Allocation is a total split among members.
type Allocation struct {
	Total int64
	Rule  Rule
	Blend map[Rule]int // only for RuleBlend
	// Shares are in the order the members were given and sum to Total.
	Shares []Share
	// NoBasis lists, by member id, the members who pay nothing (of the
	// whole, or for a blend of at least one part) because their basis is 0
	// or not entered, so the page can say why.
	NoBasis []int64
	// Parts is one entry per rule of a blend with a percentage above 0, in
	// the order of Rules; empty for the other rules.
	Parts []Part
}

// Share returns the share of one member.
func (a Allocation) Share(memberID int64) (Share, bool) {
	i := slices.IndexFunc(a.Shares, func(s Share) bool { return s.MemberID == memberID })
	if i < 0 {
		return Share{}, false
	}
	return a.Shares[i], true
}

// WithAlone returns a copy of the allocation comparing every share with
// buying alone at perMember cents a year (0: not known, no comparison).
func (a Allocation) WithAlone(perMember int64) Allocation {
	a.Shares = slices.Clone(a.Shares)
	for i := range a.Shares {
		s := &a.Shares[i]
		s.Alone, s.Saving = 0, 0
		if perMember > 0 {
			s.Alone, s.Saving = perMember, perMember-s.Amount
		}
	}
	return a
}

// SplitService splits a year of service s among the members enrolled in
// it: the total is s.Cost.For(members), split by s.ShareRule (and
// s.Blend), with every share compared to s.StandalonePerMember.
func SplitService(s Service, members []Member) (Allocation, error) {
	a, err := Split(s.Cost.For(members), members, s.ShareRule, s.Blend)
	if err != nil {
		return Allocation{}, fmt.Errorf("sharing the cost of %s: %w", s.Key, err)
	}
	return a.WithAlone(s.StandalonePerMember), nil
}

// Split divides total cents among members by rule. The shares always sum
// to total exactly, to the cent:
//
//  1. Each member's exact share is total × basis / sum of bases (the basis
//     is 1 for everyone under RuleEqual).
//  2. Everyone gets the whole cents of the exact share (rounded down).
//  3. The cents left over (fewer than the number of members) go one each
//     to the members with the largest fractions of a cent dropped in step
//     2, ties to the lower member id: the largest-remainder method.
//
// Under a proportional rule a member whose basis is 0 or negative (not
// entered) pays nothing and is listed in NoBasis; if that is every member
// the error wraps ErrNoBasis. A blend first splits the total into one part
// per rule by percentage, with the same largest-remainder rounding (ties
// in the order of Rules), then splits each part by its rule and adds up
// each member's shares. Errors: no members, a member id given twice, a
// negative total, an unknown rule, or a blend that names RuleBlend or an
// unknown rule, has a negative percentage, or does not sum to 100.
func Split(total int64, members []Member, rule Rule, blend map[Rule]int) (Allocation, error) {
	if len(members) == 0 {
		return Allocation{}, errors.New("split: no members to share the cost")
	}
	if total < 0 {
		return Allocation{}, fmt.Errorf("split: the total %s is negative", dollars(total))
	}
	seen := make(map[int64]bool, len(members))
	for _, m := range members {
		if seen[m.ID] {
			return Allocation{}, fmt.Errorf("split: member %d is listed twice", m.ID)
		}
		seen[m.ID] = true
	}
	a := Allocation{Total: total, Rule: rule, Shares: make([]Share, len(members))}
	for i, m := range members {
		a.Shares[i] = Share{MemberID: m.ID, Name: m.Name}
	}
	if rule != RuleBlend {
		if !rule.valid() {
			return Allocation{}, fmt.Errorf("split: %q is not a cost-sharing rule", rule)
		}
		amounts, noBasis, err := splitBy(total, members, rule)
		if err != nil {
			return Allocation{}, fmt.Errorf("split %s: %w", rule.Label(), err)
		}
		for i, v := range amounts {
			a.Shares[i].Amount = v
		}
		a.NoBasis = noBasis
		return a, nil
	}

	if err := checkBlend(blend); err != nil {
		return Allocation{}, fmt.Errorf("split: %w", err)
	}
	a.Blend = make(map[Rule]int, len(blend))
	var rules []Rule
	var pcts []int64
	for _, r := range Rules() {
		if p := blend[r]; p > 0 {
			a.Blend[r] = p
			rules = append(rules, r)
			pcts = append(pcts, int64(p))
		}
	}
	// The parts are split like members, rules standing in for members
	// and their position in Rules for the member id.
	parts, err := largestRemainder(total, pcts, func(i, j int) int { return cmp.Compare(i, j) })
	if err != nil {
		return Allocation{}, fmt.Errorf("split: %w", err)
	}
	noBasis := map[int64]bool{}
	for k, r := range rules {
		amounts, nb, err := splitBy(parts[k], members, r)
		if err != nil {
			return Allocation{}, fmt.Errorf("split the %d%% %s part of the blend: %w", pcts[k], r, err)
		}
		for i, v := range amounts {
			a.Shares[i].Amount += v
		}
		for _, id := range nb {
			noBasis[id] = true
		}
		a.Parts = append(a.Parts, Part{Rule: r, Percent: int(pcts[k]), Amount: parts[k], NoBasis: nb})
	}
	if len(noBasis) > 0 {
		a.NoBasis = slices.Sorted(maps.Keys(noBasis))
	}
	return a, nil
}

// checkBlend validates the percentages of a blend.
func checkBlend(blend map[Rule]int) error {
	if len(blend) == 0 {
		return errors.New("a blend needs percentages for at least one rule, summing to 100")
	}
	sum := 0
	var bad []string
	for _, r := range slices.Sorted(maps.Keys(blend)) {
		p := blend[r]
		switch {
		case r == RuleBlend:
			bad = append(bad, "a blend cannot contain itself")
		case !r.valid():
			bad = append(bad, fmt.Sprintf("%q is not a cost-sharing rule", clip(string(r))))
		case p < 0 || p > 100:
			bad = append(bad, fmt.Sprintf("%s: %d%% is not between 0 and 100", r, p))
		}
		sum += p
	}
	if len(bad) == 0 && sum != 100 {
		bad = append(bad, fmt.Sprintf("the percentages add up to %d, not 100", sum))
	}
	if len(bad) > 0 {
		return fmt.Errorf("blend: %s", strings.Join(bad, "; "))
	}
	return nil
}

// splitBy splits total by one simple rule; members is non-empty.
func splitBy(total int64, members []Member, rule Rule) (amounts []int64, noBasis []int64, err error) {
	basis := make([]int64, len(members))
	some := false
	for i := range members {
		b := members[i].basis(rule)
		if b <= 0 {
			noBasis = append(noBasis, members[i].ID)
			continue
		}
		basis[i], some = b, true
	}
	if !some {
		return nil, nil, &NoBasisError{Rule: rule}
	}
	slices.Sort(noBasis)
	amounts, err = largestRemainder(total, basis, func(i, j int) int { return cmp.Compare(members[i].ID, members[j].ID) })
	return amounts, noBasis, err
}

// basis is what a rule divides by for one member; 0 or less means none.
func (m *Member) basis(rule Rule) int64 {
	switch rule {
	case RuleEqual:
		return 1
	case RulePopulation:
		return int64(m.Population)
	case RuleBudget:
		return m.ITBudget
	case RuleUsers:
		return m.users()
	case RuleEndpoints:
		return m.endpoints()
	}
	return 0
}

// largestRemainder splits total (≥ 0) in proportion to weights (≥ 0, not
// all 0), exactly to the unit: floors first, then the units left over to
// the largest remainders, ties by tie (an order of indexes). Products are
// computed in 128 bits, so a budget in dollars times a total in cents
// cannot overflow.
func largestRemainder(total int64, weights []int64, tie func(i, j int) int) ([]int64, error) {
	var sum uint64
	for _, w := range weights {
		var carry uint64
		sum, carry = bits.Add64(sum, uint64(max(w, 0)), 0)
		if carry != 0 {
			return nil, errors.New("the shares' bases are too large to add up")
		}
	}
	if sum == 0 {
		return nil, errors.New("nothing to divide by")
	}
	out := make([]int64, len(weights))
	rem := make([]uint64, len(weights))
	left := total
	for i, w := range weights {
		if w <= 0 {
			continue
		}
		// total × w / sum < 2^63 because w ≤ sum, so hi < sum and Div64
		// cannot overflow.
		hi, lo := bits.Mul64(uint64(total), uint64(w))
		q, r := bits.Div64(hi, lo, sum)
		out[i], rem[i] = int64(q), r
		left -= int64(q)
	}
	// Fewer units are left than there are positive weights, since each
	// remainder is below one unit; give them out largest remainder first.
	order := make([]int, 0, len(weights))
	for i, w := range weights {
		if w > 0 {
			order = append(order, i)
		}
	}
	slices.SortFunc(order, func(i, j int) int {
		if c := cmp.Compare(rem[j], rem[i]); c != 0 {
			return c
		}
		return tie(i, j)
	})
	for k := 0; left > 0; k++ {
		out[order[k]]++
		left--
	}
	return out, nil
}

// users is the member's staff count, 0 when not entered.
func (m *Member) users() int64 { return int64(max(m.Staff, 0)) }

// endpoints is the member's device count, estimated as one per staff
// member when not entered (see CostModel.PerEndpoint).
func (m *Member) endpoints() int64 {
	if m.Endpoints > 0 {
		return int64(m.Endpoints)
	}
	return m.users()
}

// CSVAllocationColumns are the columns of WriteAllocationCSV.
var CSVAllocationColumns = []string{"member", "rule", "share", "alone", "saving"}

// WriteAllocationCSV writes one row per share: the member's name, the rule
// in words (a blend with its percentages), and the share, the stand-alone
// price and the saving in dollars with two decimals (alone and saving are
// blank when the stand-alone price is not known). Names that a spreadsheet
// would run as a formula are prefixed with an apostrophe.
func WriteAllocationCSV(w io.Writer, a Allocation) error {
	rule := RuleText(a.Rule, a.Blend)
	out := csv.NewWriter(w)
	out.Write(CSVAllocationColumns)
	for _, s := range a.Shares {
		alone, saving := "", ""
		if s.Alone > 0 {
			alone, saving = dollars(s.Alone), dollars(s.Saving)
		}
		out.Write([]string{assessments.SafeCell(s.Name), rule, dollars(s.Amount), alone, saving})
	}
	out.Flush()
	if err := out.Error(); err != nil {
		return fmt.Errorf("write allocation CSV: %w", err)
	}
	return nil
}

// dollars formats cents as dollars with two decimals and no thousands
// separator, so a spreadsheet reads it as a number: 123456 → "1234.56".
func dollars(cents int64) string {
	sign := ""
	u := uint64(cents)
	if cents < 0 {
		sign, u = "-", uint64(-(cents+1))+1 // safe for math.MinInt64
	}
	return sign + strconv.FormatUint(u/100, 10) + "." + fmt.Sprintf("%02d", u%100)
}

// RuleText says a sharing rule in words, a blend with its percentages:
// "by population", "blend: equal shares 50%, by population 50%".
func RuleText(rule Rule, blend map[Rule]int) string {
	if rule != RuleBlend {
		return rule.Label()
	}
	var parts []string
	for _, r := range Rules() {
		if p := blend[r]; p > 0 {
			parts = append(parts, fmt.Sprintf("%s %d%%", r.Label(), p))
		}
	}
	return "blend: " + strings.Join(parts, ", ")
}

// Money formats cents for people: "$12,345.67", "−$5.00". Pages and
// briefings print amounts with it; CSV files use plain numbers instead.
func Money(cents int64) string {
	sign := ""
	u := uint64(cents)
	if cents < 0 {
		sign, u = "−", uint64(-(cents+1))+1 // safe for math.MinInt64
	}
	whole := strconv.FormatUint(u/100, 10)
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	return fmt.Sprintf("%s$%s.%02d", sign, whole, u%100)
}
