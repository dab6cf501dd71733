package pooling

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// towns are the members of the sharing tests. Carver has no population
// entered (a water district); Dunmore no budget and no staff.
func towns() []Member {
	return []Member{
		{ID: 1, Name: "Ashford", Population: 12000, ITBudget: 400000, Staff: 80, Endpoints: 100},
		{ID: 2, Name: "Brookton", Population: 4100, ITBudget: 90000, Staff: 25},
		{ID: 3, Name: "Carver", Population: 0, ITBudget: 60000, Staff: 15, Endpoints: 20},
		{ID: 4, Name: "Dunmore", Population: 900, ITBudget: 0, Staff: 0},
	}
}

func reversed(ms []Member) []Member {
	slices.Reverse(ms)
	return ms
}

func amounts(a Allocation) []int64 {
	var out []int64
	for _, s := range a.Shares {
		out = append(out, s.Amount)
	}
	return out
}

func TestSplitRules(t *testing.T) {
	tests := []struct {
		name    string
		total   int64
		members []Member
		rule    Rule
		blend   map[Rule]int
		want    []int64
		noBasis []int64
	}{
		{"equal, exact", 1200, towns(), RuleEqual, nil, []int64{300, 300, 300, 300}, nil},
		{"equal, the spare cents to the lowest ids", 1003, towns(), RuleEqual, nil, []int64{251, 251, 251, 250}, nil},
		{"equal, member order does not decide", 1003, reversed(towns()), RuleEqual, nil, []int64{250, 251, 251, 251}, nil},
		// 660000 × 12000/17000 = 465882.35, × 4100/17000 = 159176.47,
		// × 900/17000 = 34941.18: floors sum to 659999, the cent goes to
		// Brookton's .47.
		{"population, largest remainder", 660000, towns(), RulePopulation, nil, []int64{465882, 159177, 0, 34941}, []int64{3}},
		// 100000 × 400/550 = 72727.27, × 90/550 = 16363.64, × 60/550 =
		// 10909.09: the spare cent to Brookton's .64.
		{"budget", 100000, towns(), RuleBudget, nil, []int64{72727, 16364, 10909, 0}, []int64{4}},
		{"users (staff)", 1200, towns(), RuleUsers, nil, []int64{800, 250, 150, 0}, []int64{4}},
		// Endpoints: 100, 25 (estimated from staff), 20, none.
		{"endpoints, estimated from staff", 14500, towns(), RuleEndpoints, nil, []int64{10000, 2500, 2000, 0}, []int64{4}},
		{"zero total", 0, towns(), RulePopulation, nil, []int64{0, 0, 0, 0}, []int64{3}},
		// Parts: equal 50% = 330000 → 82500 each; population 50% =
		// 330000 → 232941.18, 79588.24, 0, 17470.59 → the cent to the .59.
		{"blend", 660000, towns(), RuleBlend, map[Rule]int{RuleEqual: 50, RulePopulation: 50},
			[]int64{82500 + 232941, 82500 + 79588, 82500, 82500 + 17471}, []int64{3}},
		{"blend with a zero part", 1000, towns()[:2], RuleBlend, map[Rule]int{RuleEqual: 100, RulePopulation: 0}, []int64{500, 500}, nil},
	}
	for _, tt := range tests {
		a, err := Split(tt.total, tt.members, tt.rule, tt.blend)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		var sum int64
		for _, v := range amounts(a) {
			sum += v
		}
		if sum != tt.total {
			t.Errorf("%s: shares sum to %d, want %d", tt.name, sum, tt.total)
		}
		if tt.want != nil && !slices.Equal(amounts(a), tt.want) {
			t.Errorf("%s: shares %v, want %v", tt.name, amounts(a), tt.want)
		}
		if !slices.Equal(a.NoBasis, tt.noBasis) {
			t.Errorf("%s: no basis %v, want %v", tt.name, a.NoBasis, tt.noBasis)
		}
		for i, s := range a.Shares {
			if s.MemberID != tt.members[i].ID || s.Name != tt.members[i].Name {
				t.Errorf("%s: share %d is %+v, want member %d in the order given", tt.name, i, s, tt.members[i].ID)
			}
		}
	}
}

// The parts of a blend are rounded with the same rule, ties in the order
// of Rules: 101 cents at 33/33/34 → 33.33, 33.33, 34.34: floors 33+33+34
// = 100, the spare cent to the largest remainder, .34 (users).
func TestSplitBlendParts(t *testing.T) {
	a, err := Split(101, towns()[:2], RuleBlend, map[Rule]int{RuleUsers: 34, RuleEqual: 33, RulePopulation: 33})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range a.Parts {
		got = append(got, string(p.Rule)+"="+dollars(p.Amount))
	}
	if want := "equal=0.33 population=0.33 users=0.35"; strings.Join(got, " ") != want {
		t.Errorf("parts %s, want %s", strings.Join(got, " "), want)
	}
	// A tie between parts: 3 cents at 50/50 is 1.5 and 1.5; the spare
	// cent goes to equal, first in Rules.
	a, err = Split(3, towns()[:2], RuleBlend, map[Rule]int{RulePopulation: 50, RuleEqual: 50})
	if err != nil {
		t.Fatal(err)
	}
	if a.Parts[0].Rule != RuleEqual || a.Parts[0].Amount != 2 || a.Parts[1].Amount != 1 {
		t.Errorf("parts %+v", a.Parts)
	}
}

func TestSplitErrors(t *testing.T) {
	noPop := []Member{{ID: 1, Name: "A"}, {ID: 2, Name: "B", Population: -5}}
	tests := []struct {
		name    string
		total   int64
		members []Member
		rule    Rule
		blend   map[Rule]int
		want    string
		noBasis bool
	}{
		{"no members", 100, nil, RuleEqual, nil, "no members", false},
		{"negative total", -1, towns(), RuleEqual, nil, "negative", false},
		{"unknown rule", 100, towns(), "wealth", nil, `"wealth" is not a cost-sharing rule`, false},
		{"member twice", 100, append(towns(), Member{ID: 2}), RuleEqual, nil, "member 2 is listed twice", false},
		{"nobody has a population", 100, noPop, RulePopulation, nil, "no member has a population entered; choose another rule", true},
		{"nobody has a budget", 100, noPop, RuleBudget, nil, "no member has an IT budget entered", true},
		{"nobody has staff", 100, noPop, RuleUsers, nil, "no member has a number of staff entered", true},
		{"nobody has endpoints or staff", 100, noPop, RuleEndpoints, nil, "no member has a number of endpoints or staff entered", true},
		{"a blend part with no basis", 100, noPop, RuleBlend, map[Rule]int{RuleEqual: 50, RulePopulation: 50},
			"50% population part of the blend: no member has a population entered", true},
		{"blend not summing to 100", 100, towns(), RuleBlend, map[Rule]int{RuleEqual: 60, RulePopulation: 60}, "add up to 120, not 100", false},
		{"blend naming blend", 100, towns(), RuleBlend, map[Rule]int{RuleBlend: 100}, "cannot contain itself", false},
		{"blend with an unknown rule", 100, towns(), RuleBlend, map[Rule]int{"wealth": 100}, `"wealth" is not`, false},
		{"blend with a negative percentage", 100, towns(), RuleBlend, map[Rule]int{RuleEqual: 110, RuleUsers: -10}, "-10% is not between 0 and 100", false},
		{"empty blend", 100, towns(), RuleBlend, nil, "at least one rule", false},
	}
	for _, tt := range tests {
		_, err := Split(tt.total, tt.members, tt.rule, tt.blend)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
			continue
		}
		var nb *NoBasisError
		if errors.Is(err, ErrNoBasis) != tt.noBasis || errors.As(err, &nb) != tt.noBasis {
			t.Errorf("%s: errors.Is(ErrNoBasis) = %v, want %v", tt.name, errors.Is(err, ErrNoBasis), tt.noBasis)
		}
	}
}

// TestSplitSumsToTheCent is the property the invoices depend on: for many
// random totals, member sets and rules, the shares sum to the total
// exactly, nobody pays a negative amount, members without a basis pay
// nothing, and every share is within one cent of its exact proportion.
func TestSplitSumsToTheCent(t *testing.T) {
	rng := rand.New(rand.NewPCG(2024, 11))
	rules := []Rule{RuleEqual, RulePopulation, RuleBudget, RuleUsers, RuleEndpoints, RuleBlend}
	for i := range 3000 {
		n := 1 + rng.IntN(40)
		members := make([]Member, n)
		for j := range members {
			members[j] = Member{ID: int64(rng.IntN(1000000)), Population: rng.IntN(3) * rng.IntN(2000000),
				ITBudget: int64(rng.IntN(4)) * rng.Int64N(5000000000), Staff: rng.IntN(2000) - 100, Endpoints: rng.IntN(5000) - 2000}
			members[j].ID = int64(j)*1000003 + members[j].ID%1000 // unique
		}
		members[rng.IntN(n)].Population = 1 + rng.IntN(100) // someone has a basis for every rule
		members[rng.IntN(n)].ITBudget = 1 + rng.Int64N(100)
		members[rng.IntN(n)].Staff = 1 + rng.IntN(100)
		total := rng.Int64N(1 << uint(1+rng.IntN(45)))
		if i%100 == 0 {
			total = math.MaxInt64 / 2 // no overflow at absurd totals
		}
		rule := rules[rng.IntN(len(rules))]
		var blend map[Rule]int
		if rule == RuleBlend {
			a := rng.IntN(101)
			b := rng.IntN(101 - a)
			blend = map[Rule]int{RuleEqual: a, RulePopulation: b, RuleUsers: 100 - a - b}
		}
		al, err := Split(total, members, rule, blend)
		if err != nil {
			t.Fatalf("case %d (%s): %v", i, rule, err)
		}
		var sum int64
		for j, s := range al.Shares {
			if s.Amount < 0 {
				t.Fatalf("case %d: negative share %d", i, s.Amount)
			}
			if rule != RuleBlend && rule != RuleEqual && members[j].basis(rule) <= 0 && s.Amount != 0 {
				t.Fatalf("case %d: member %d without a basis pays %d", i, s.MemberID, s.Amount)
			}
			sum += s.Amount
		}
		if sum != total {
			t.Fatalf("case %d (%s, %d members): shares sum to %d, want %d", i, rule, n, sum, total)
		}
		if rule != RuleBlend {
			var basisSum float64
			for j := range members {
				basisSum += float64(max(members[j].basis(rule), 0))
			}
			for j, s := range al.Shares {
				exact := float64(total) * float64(max(members[j].basis(rule), 0)) / basisSum
				if math.Abs(float64(s.Amount)-exact) > 1+exact*1e-12 {
					t.Fatalf("case %d: share %d, exact %.2f", i, s.Amount, exact)
				}
			}
		}
	}
}

func TestSplitServiceAndAlone(t *testing.T) {
	s := svc("backup", 300000, "PR.DS-11", 6)
	s.Cost.PerMember = 120000
	s.ShareRule, s.StandalonePerMember = RulePopulation, 1000000
	a, err := SplitService(s, towns()[:3])
	if err != nil {
		t.Fatal(err)
	}
	// $3,000 + 3 × $1,200 = $6,600 by population (Carver none): as in
	// docs/pooling.md, $4,919.25 and $1,680.75.
	want := []Share{
		{MemberID: 1, Name: "Ashford", Amount: 491925, Alone: 1000000, Saving: 508075},
		{MemberID: 2, Name: "Brookton", Amount: 168075, Alone: 1000000, Saving: 831925},
		{MemberID: 3, Name: "Carver", Amount: 0, Alone: 1000000, Saving: 1000000},
	}
	if !slices.Equal(a.Shares, want) || a.Total != 660000 || !slices.Equal(a.NoBasis, []int64{3}) {
		t.Errorf("allocation %+v", a)
	}
	if sh, ok := a.Share(2); !ok || sh.Amount != 168075 {
		t.Errorf("Share(2) = %+v %v", sh, ok)
	}
	if b := a.WithAlone(0); b.Shares[0].Alone != 0 || b.Shares[0].Saving != 0 || a.Shares[0].Alone == 0 {
		t.Errorf("WithAlone(0) must clear the comparison on a copy: %+v / %+v", b.Shares[0], a.Shares[0])
	}
	s.ShareRule = RuleUsers
	if _, err := SplitService(s, []Member{{ID: 9}}); err == nil || !strings.Contains(err.Error(), "sharing the cost of backup") {
		t.Errorf("error %v", err)
	}
}

func TestWriteAllocationCSV(t *testing.T) {
	members := []Member{
		{ID: 1, Name: "=HYPERLINK(\"http://evil\")", Population: 300},
		{ID: 2, Name: "Brookton, Village of", Population: 100},
		{ID: 3, Name: "-Carver", Population: 0},
	}
	a, err := Split(100001, members, RuleBlend, map[Rule]int{RulePopulation: 60, RuleEqual: 40})
	if err != nil {
		t.Fatal(err)
	}
	a = a.WithAlone(50000)
	var buf bytes.Buffer
	if err := WriteAllocationCSV(&buf, a); err != nil {
		t.Fatal(err)
	}
	// Parts: equal 40000.4 → 40000, population 60000.6 → 60001.
	// equal 40000 / 3 → 13334, 13333, 13333; population 60001 × 3/4 =
	// 45000.75 → 45001, × 1/4 = 15000.25 → 15000.
	want := `member,rule,share,alone,saving
"'=HYPERLINK(""http://evil"")","blend: equal shares 40%, by population 60%",583.35,500.00,-83.35
"Brookton, Village of","blend: equal shares 40%, by population 60%",283.33,500.00,216.67
'-Carver,"blend: equal shares 40%, by population 60%",133.33,500.00,366.67
`
	if buf.String() != want {
		t.Errorf("CSV\n%s\nwant\n%s", buf.String(), want)
	}

	plain, _ := Split(250, members[1:2], RuleEqual, nil)
	buf.Reset()
	WriteAllocationCSV(&buf, plain)
	if want := "member,rule,share,alone,saving\n\"Brookton, Village of\",equal shares,2.50,,\n"; buf.String() != want {
		t.Errorf("CSV without alone\n%q\nwant\n%q", buf.String(), want)
	}
}

func TestDollars(t *testing.T) {
	for cents, want := range map[int64]string{0: "0.00", 5: "0.05", 123456: "1234.56", -50: "-0.50", -100: "-1.00",
		math.MinInt64: "-92233720368547758.08", math.MaxInt64: "92233720368547758.07"} {
		if got := dollars(cents); got != want {
			t.Errorf("dollars(%d) = %s, want %s", cents, got, want)
		}
	}
}
