package assessments

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"palisade/frameworks"
)

func TestCheckLink(t *testing.T) {
	members := []int64{1, 2, 3}
	ok := Link{From: 1, To: 2, Kind: LinkVPN, Criticality: 2}
	with := func(change func(*Link)) Link {
		l := ok
		change(&l)
		return l
	}
	tests := []struct {
		name string
		link Link
		want string // "" = valid
	}{
		{"valid", ok, ""},
		{"directed, every kind and criticality bound", with(func(l *Link) { l.Directed, l.Kind, l.Criticality = true, LinkMSP, 3 }), ""},
		{"lowest criticality", with(func(l *Link) { l.Kind, l.Criticality = LinkDataExchange, 1 }), ""},
		{"to itself", with(func(l *Link) { l.To = 1 }), "link: a member cannot be linked to itself (member 1)"},
		{"from another consortium", with(func(l *Link) { l.From = 9 }), "link: member 9 is not a member of this consortium"},
		{"to another consortium", with(func(l *Link) { l.To = 9 }), "link: member 9 is not a member of this consortium"},
		{"unknown kind", with(func(l *Link) { l.Kind = "carrier-pigeon" }),
			`link: kind "carrier-pigeon" is not one of shared-network, vpn, shared-application, erp, email-tenant, managed-service-provider, data-exchange`},
		{"no kind", with(func(l *Link) { l.Kind = "" }),
			`link: kind "" is not one of shared-network, vpn, shared-application, erp, email-tenant, managed-service-provider, data-exchange`},
		{"criticality 0", with(func(l *Link) { l.Criticality = 0 }), "link: criticality 0 is outside 1..3"},
		{"criticality 4", with(func(l *Link) { l.Criticality = 4 }), "link: criticality 4 is outside 1..3"},
		{"everything wrong at once", Link{From: 7, To: 7, Kind: "x", Criticality: -1},
			`link: a member cannot be linked to itself (member 7); member 7 is not a member of this consortium; kind "x" is not one of shared-network, vpn, shared-application, erp, email-tenant, managed-service-provider, data-exchange; criticality -1 is outside 1..3`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckLink(tc.link, members)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || err.Error() != tc.want):
				t.Errorf("error %v, want %s", err, tc.want)
			}
		})
	}
	// A consortium without members has nobody to link.
	want := "link: member 1 is not a member of this consortium; member 2 is not a member of this consortium"
	if err := CheckLink(ok, nil); err == nil || err.Error() != want {
		t.Errorf("no members: %v", err)
	}
}

// TestLinkKinds: the seven kinds, each carrying real CSF 2.0 categories,
// and callers cannot change the table.
func TestLinkKinds(t *testing.T) {
	cat := frameworks.CSF20()
	kinds := LinkKinds()
	var ids []string
	for _, k := range kinds {
		ids = append(ids, k.ID)
		if k.Name == "" || k.Why == "" || len(k.Carries) == 0 {
			t.Errorf("%s is not described: %+v", k.ID, k)
		}
		for _, c := range k.Carries {
			if _, ok := cat.Category(c); !ok {
				t.Errorf("%s carries %s, not a CSF 2.0 category", k.ID, c)
			}
		}
	}
	if got := strings.Join(ids, " "); got != "shared-network vpn shared-application erp email-tenant managed-service-provider data-exchange" {
		t.Errorf("kinds %s", got)
	}
	kinds[0].Carries[0] = "XX"
	kinds[1].ID = "XX"
	if again := LinkKinds(); again[0].Carries[0] != "PR.AA" || again[1].ID != LinkVPN {
		t.Errorf("LinkKinds shares its table with callers")
	}
}

func TestBlastRadius(t *testing.T) {
	und := func(a, b int64) Link { return Link{From: a, To: b, Kind: LinkVPN, Criticality: 1} }
	dir := func(a, b int64) Link {
		return Link{From: a, To: b, Kind: LinkDataExchange, Criticality: 1, Directed: true}
	}
	tests := []struct {
		name    string
		members []int64
		links   []Link
		want    map[int64]int
	}{
		{"no links", []int64{1, 2}, nil, map[int64]int{1: 0, 2: 0}},
		{"a chain, and a disconnected member",
			[]int64{1, 2, 3, 4}, []Link{und(1, 2), und(2, 3)},
			map[int64]int{1: 2, 2: 2, 3: 2, 4: 0}},
		{"directed chain: weakness flows From → To",
			[]int64{1, 2, 3}, []Link{dir(1, 2), dir(2, 3)},
			map[int64]int{1: 2, 2: 1, 3: 0}},
		{"directed cycle terminates",
			[]int64{1, 2, 3, 4}, []Link{dir(1, 2), dir(2, 3), dir(3, 1)},
			map[int64]int{1: 2, 2: 2, 3: 2, 4: 0}},
		{"undirected cycle with a tail",
			[]int64{1, 2, 3, 4, 5}, []Link{und(1, 2), und(2, 3), und(3, 1), dir(3, 4)},
			map[int64]int{1: 3, 2: 3, 3: 3, 4: 0, 5: 0}},
		{"two links between the same pair count once",
			[]int64{1, 2}, []Link{und(1, 2), dir(1, 2), und(2, 1)},
			map[int64]int{1: 1, 2: 1}},
		{"links to outsiders and to itself are ignored",
			[]int64{1, 2}, []Link{und(1, 9), und(2, 2), dir(9, 2)},
			map[int64]int{1: 0, 2: 0}},
		{"duplicate member ids", []int64{1, 1, 2}, []Link{und(1, 2)}, map[int64]int{1: 1, 2: 1}},
		{"nobody", nil, []Link{und(1, 2)}, map[int64]int{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := BlastRadius(tc.members, tc.links); !maps.Equal(got, tc.want) {
				t.Errorf("blast radius %v, want %v", got, tc.want)
			}
		})
	}
}

func fmtExposure(e Exposure) string {
	s := fmt.Sprintf("%d=%d", e.MemberID, e.Score)
	for _, k := range e.Weaknesses {
		acc := ""
		if k.Accepted {
			acc = " accepted"
		}
		s += fmt.Sprintf(" [%d %s L%d%s %d×%d×%d %s]", k.From, k.SubcategoryID, k.Level, acc, k.Weight, k.Severity, k.Criticality, k.Kind)
	}
	return s
}

// TestExposure: what reaches each member from its direct neighbours, on
// the consortium catalog (weights GV.OC-01 2, GV.SC-01 2, PR.AA-01 10,
// PR.AA-03 10, PR.DS-01 4, PR.DS-11 10), baseline 5.
//
//	         GV.SC-01 PR.AA-01 PR.AA-03 PR.DS-01 PR.DS-11
//	1           1        2        5        3        6
//	2           6        5a       6        6        6
//	3           6        6        6        6        6
//	4           -        -        -        -        -
func TestExposure(t *testing.T) {
	cat := consortiumCatalog(t)
	members := []MemberAnswers{
		mem(1, "One", scored("GV.SC-01", 1), scored("PR.AA-01", 2), scored("PR.AA-03", 5), scored("PR.DS-01", 3), scored("PR.DS-11", 6)),
		mem(2, "Two", scored("GV.SC-01", 6), accepted("PR.AA-01"), scored("PR.AA-03", 6), scored("PR.DS-01", 6), scored("PR.DS-11", 6)),
		mem(3, "Three", scored("GV.SC-01", 6), scored("PR.AA-01", 6), scored("PR.AA-03", 6), scored("PR.DS-01", 6), scored("PR.DS-11", 6)),
		mem(4, "Four"),
	}
	tests := []struct {
		name    string
		links   []Link
		weights map[string]int
		want    []string
	}{
		{
			name: "no links: nothing reaches anyone",
			want: []string{"1=0", "2=0", "3=0", "4=0"},
		},
		{
			// PR.AA travels over an email tenant, PR.DS does not. One's
			// PR.AA-01 at 2: 10 × 3 × 2 = 60 reaches Two; Two's accepted
			// risk on PR.AA-01 counts as 4 levels: 10 × 4 × 2 = 80.
			name:  "undirected: both ways, only what the kind carries",
			links: []Link{{From: 1, To: 2, Kind: LinkEmailTenant, Criticality: 2}},
			want:  []string{"1=80 [2 PR.AA-01 L5 accepted 10×4×2 email-tenant]", "2=60 [1 PR.AA-01 L2 10×3×2 email-tenant]", "3=0", "4=0"},
		},
		{
			// One sends data to Three: One's PR.DS-01 at 3 reaches Three
			// (4 × 2 × 3 = 24), nothing goes back.
			name:  "directed: From's weakness reaches To only",
			links: []Link{{From: 1, To: 3, Kind: LinkDataExchange, Criticality: 3, Directed: true}},
			want:  []string{"1=0", "2=0", "3=24 [1 PR.DS-01 L3 4×2×3 data-exchange]", "4=0"},
		},
		{
			// An MSP carries GV.SC and PR.AA: GV.SC-01 at 1 is 2 × 4 = 8
			// per level of criticality, PR.AA-01 10 × 3. Ordered by score.
			name:  "a provider carries supply chain and access control",
			links: []Link{{From: 1, To: 3, Kind: LinkMSP, Criticality: 1}},
			want:  []string{"1=0", "2=0", "3=38 [1 PR.AA-01 L2 10×3×1 managed-service-provider] [1 GV.SC-01 L1 2×4×1 managed-service-provider]", "4=0"},
		},
		{
			// Two links carry PR.AA-01 from One to Three: it counts once,
			// at the higher criticality (VPN, 3); equal criticality would
			// pick the kind listed first. PR.DS-01 comes over the
			// application link only.
			name: "a weakness carried by two links counts once, at the worst",
			links: []Link{
				{From: 1, To: 3, Kind: LinkSharedApplication, Criticality: 1},
				{From: 3, To: 1, Kind: LinkVPN, Criticality: 3},
			},
			want: []string{"1=0", "2=0", "3=98 [1 PR.AA-01 L2 10×3×3 vpn] [1 PR.DS-01 L3 4×2×1 shared-application]", "4=0"},
		},
		{
			name:    "weight 0 leaves a subcategory out",
			links:   []Link{{From: 1, To: 3, Kind: LinkMSP, Criticality: 1}},
			weights: map[string]int{"PR.AA-01": 0},
			want:    []string{"1=0", "2=0", "3=8 [1 GV.SC-01 L1 2×4×1 managed-service-provider]", "4=0"},
		},
		{
			// Four answered nothing: nothing travels from it. Links that
			// CheckLink refuses are ignored.
			name: "a member with no answers, and bad links",
			links: []Link{
				{From: 4, To: 3, Kind: LinkVPN, Criticality: 3},
				{From: 1, To: 1, Kind: LinkVPN, Criticality: 3},
				{From: 1, To: 99, Kind: LinkVPN, Criticality: 3},
				{From: 1, To: 3, Kind: "bogus", Criticality: 3},
				{From: 1, To: 3, Kind: LinkVPN, Criticality: 0},
			},
			want: []string{"1=0", "2=0", "3=0", "4=0"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := Compare(cat, members, 5).WeakestLinks(tc.weights)
			var got []string
			for _, e := range w.Exposures(tc.links) {
				got = append(got, fmtExposure(e))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("exposures\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestRanking: blast radius × weakness, weakness = Σ weight × severity
// (members of TestExposure: One 2×4 + 10×3 + 4×2 = 46; Two's accepted risk
// 10 × 4 = 40; Three 0; Four 0).
func TestRanking(t *testing.T) {
	cat := consortiumCatalog(t)
	members := []MemberAnswers{
		mem(1, "One", scored("GV.SC-01", 1), scored("PR.AA-01", 2), scored("PR.AA-03", 5), scored("PR.DS-01", 3), scored("PR.DS-11", 6)),
		mem(2, "Two", scored("GV.SC-01", 6), accepted("PR.AA-01"), scored("PR.AA-03", 6), scored("PR.DS-01", 6), scored("PR.DS-11", 6)),
		mem(3, "Three", scored("PR.AA-01", 6)),
		mem(4, "Four"),
	}
	w := Compare(cat, members, 5).WeakestLinks(nil)
	rank := func(links []Link) string {
		var out []string
		for _, r := range w.Ranking(links) {
			out = append(out, fmt.Sprintf("%d:%d×%d=%d", r.MemberID, r.BlastRadius, r.Weakness, r.Score))
		}
		return strings.Join(out, " ")
	}
	tests := []struct {
		name  string
		links []Link
		want  string
	}{
		// Nobody reaches anybody: all 0, then by weakness.
		{"no links", nil, "1:0×46=0 2:0×40=0 3:0×0=0 4:0×0=0"},
		// Two reaches One, Three and Four through the chain; One reaches
		// nobody (its only link points at it).
		{"a directed star from Two",
			[]Link{
				{From: 2, To: 1, Kind: LinkMSP, Criticality: 1, Directed: true},
				{From: 2, To: 3, Kind: LinkVPN, Criticality: 1},
				{From: 3, To: 4, Kind: LinkVPN, Criticality: 1},
			},
			"2:3×40=120 1:0×46=0 3:3×0=0 4:3×0=0"},
		// In a cycle everyone reaches the other two.
		{"a cycle",
			[]Link{
				{From: 1, To: 2, Kind: LinkVPN, Criticality: 1, Directed: true},
				{From: 2, To: 3, Kind: LinkVPN, Criticality: 1, Directed: true},
				{From: 3, To: 1, Kind: LinkVPN, Criticality: 1, Directed: true},
			},
			"1:2×46=92 2:2×40=80 3:2×0=0 4:0×0=0"},
	}
	for _, tc := range tests {
		if got := rank(tc.links); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
