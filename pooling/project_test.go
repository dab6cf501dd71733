package pooling

import (
	"slices"
	"strings"
	"testing"

	"palisade/assessments"
)

// TestProjectRule is the projection rule of docs/pooling.md, one member
// and one service lifting PR.AA-03 at a time.
func TestProjectRule(t *testing.T) {
	cat := smallCatalog(t)
	tests := []struct {
		name   string
		own    []assessments.Answer // the member's answers on PR.AA-03
		level  int                  // the service's level
		want   assessments.Answer   // projected answer on PR.AA-03; zero: none
		uplift string               // "" when the service changed nothing
	}{
		{"lower answer rises to the service level", []assessments.Answer{sc("PR.AA-03", 3)}, 6,
			sc("PR.AA-03", 6), "3→6"},
		{"higher answer is kept", []assessments.Answer{sc("PR.AA-03", 7)}, 6,
			sc("PR.AA-03", 7), ""},
		{"equal answer is kept", []assessments.Answer{sc("PR.AA-03", 6)}, 6,
			sc("PR.AA-03", 6), ""},
		{"unanswered is projected at the service level", nil, 6,
			sc("PR.AA-03", 6), "0→6"},
		{"an answer cleared to 0 counts as unanswered", []assessments.Answer{sc("PR.AA-03", 2), sc("PR.AA-03", 0)}, 5,
			sc("PR.AA-03", 5), "0→5"},
		{"N/A stays N/A", []assessments.Answer{na("PR.AA-03")}, 6,
			na("PR.AA-03"), ""},
		{"accepted risk becomes a plain answer at a higher level", []assessments.Answer{ra("PR.AA-03")}, 6,
			sc("PR.AA-03", 6), "5a→6"},
		{"accepted risk stays at an equal level", []assessments.Answer{ra("PR.AA-03")}, 5,
			ra("PR.AA-03"), ""},
		{"accepted risk stays above a lower level", []assessments.Answer{ra("PR.AA-03")}, 4,
			ra("PR.AA-03"), ""},
		{"the member's target is kept", []assessments.Answer{{SubcategoryID: "PR.AA-03", Score: 2, Target: 7}}, 5,
			assessments.Answer{SubcategoryID: "PR.AA-03", Score: 5, Target: 7}, "2→5"},
		{"the last answer wins", []assessments.Answer{sc("PR.AA-03", 7), sc("PR.AA-03", 2)}, 5,
			sc("PR.AA-03", 5), "2→5"},
	}
	for _, tt := range tests {
		m := member(1, append(slices.Clone(tt.own), sc("PR.DS-11", 4), assessments.Answer{SubcategoryID: "XX.YY-01", Score: 3})...)
		s := svc("mfa", 100, "PR.AA-03", tt.level)
		p, err := Project(cat, []Member{m}, []Service{s}, Plan{"mfa": {1}}, 5, nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		mp := p.Members[0]
		var got assessments.Answer
		for _, a := range mp.Answers {
			if a.SubcategoryID == "PR.AA-03" {
				got = a
			}
		}
		if got != tt.want {
			t.Errorf("%s: projected %+v, want %+v", tt.name, got, tt.want)
		}
		// PR.DS-11 is untouched and the unknown id is dropped.
		if want := []string{"PR.AA-03", "PR.DS-11"}; tt.want.SubcategoryID != "" && !slices.Equal(ids(mp.Answers), want) {
			t.Errorf("%s: projected ids %v, want %v", tt.name, ids(mp.Answers), want)
		}
		var ups []string
		for _, u := range mp.Uplifts {
			from := string(rune('0' + u.From))
			if u.FromAccepted {
				from += "a"
			}
			ups = append(ups, from+"→"+string(rune('0'+u.To)))
			if u.ServiceKey != "mfa" || u.SubcategoryID != "PR.AA-03" || u.MemberID != 1 {
				t.Errorf("%s: uplift %+v", tt.name, u)
			}
		}
		if got := strings.Join(ups, ","); got != tt.uplift {
			t.Errorf("%s: uplifts %q, want %q", tt.name, got, tt.uplift)
		}
	}
}

func ids(as []assessments.Answer) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.SubcategoryID)
	}
	return out
}

// threeMembers is the consortium of TestProjectFigures. Scores (category
// means, then function means, then overall):
//
//	A: GV 2, PR (2+4)/2 = 3, DE 3 → 8/3       B: GV 5, PR (6+2)/2 = 4, DE 5 → 14/3
//	C: GV 6, PR (4+6)/2 = 5, DE 7 → 6
func threeMembers() []Member {
	return []Member{
		member(1, sc("GV.PO-01", 2), sc("PR.AA-03", 2), sc("PR.DS-11", 4), sc("DE.CM-09", 3)),
		member(2, sc("GV.PO-01", 5), sc("PR.AA-03", 6), sc("PR.DS-11", 2), sc("DE.CM-09", 5)),
		member(3, sc("GV.PO-01", 6), sc("PR.AA-03", 4), sc("PR.DS-11", 6), sc("DE.CM-09", 7)),
	}
}

func TestProjectFigures(t *testing.T) {
	cat := smallCatalog(t)
	services := []Service{svc("mfa", 100, "PR.AA-03", 6), svc("backup", 100, "PR.DS-11", 6)}
	// A and C get MFA, A and B backups. Projected:
	//	A: GV 2, PR 6, DE 3 → 11/3   B: 5, 6, 5 → 16/3   C: 6, 6, 7 → 19/3
	p, err := Project(cat, threeMembers(), services, Plan{"mfa": {1, 3}, "backup": {2, 1}}, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		got          Figures
		floor, med   float64
		below        []int64
		scored       int
		wantID       string
		wantFunction bool
	}{
		{"overall today", p.Today.Overall, 8.0 / 3, 14.0 / 3, []int64{1, 2}, 3, "small", false},
		{"overall projected", p.Projected.Overall, 11.0 / 3, 16.0 / 3, []int64{1}, 3, "small", false},
		{"Protect today", p.Today.Functions[1], 3, 4, []int64{1, 2}, 3, "PR", true},
		{"Protect projected", p.Projected.Functions[1], 6, 6, []int64{}, 3, "PR", true},
		{"Detect unchanged", p.Projected.Functions[2], 3, 5, []int64{1}, 3, "DE", true},
	}
	for _, tt := range tests {
		f := tt.got
		if f.ID != tt.wantID || !near(f.Floor, val(tt.floor)) || !near(f.Median, val(tt.med)) ||
			!slices.Equal(f.MembersBelowBaseline, tt.below) || f.Scored != tt.scored {
			t.Errorf("%s: %+v, want floor %.3f median %.3f below %v", tt.name, f, tt.floor, tt.med, tt.below)
		}
	}
	if got := len(p.Today.Functions); got != 3 {
		t.Errorf("%d functions, want 3 in catalog order", got)
	}

	// Weighted gap (weights GV.PO-01 4, PR.AA-03 10, PR.DS-11 10, DE.CM-09 9):
	// today A 3×4 + 3×10 + 1×10 + 2×9 = 70, B 3×10 = 30, C 1×10 = 10;
	// projected only A's GV.PO-01 and DE.CM-09 are left: 12 + 18.
	if p.Today.Gap != 110 || p.Projected.Gap != 30 || p.GapReduced() != 80 {
		t.Errorf("gap %d → %d (reduced %d), want 110 → 30", p.Today.Gap, p.Projected.Gap, p.GapReduced())
	}
	if p.Today.BelowPairs != 6 || p.Projected.BelowPairs != 2 || p.BelowPairsChange() != -4 {
		t.Errorf("pairs below %d → %d, want 6 → 2", p.Today.BelowPairs, p.Projected.BelowPairs)
	}
	ch := p.Change()
	if !near(ch.Floor, val(1)) || !near(ch.Median, val(2.0/3)) || ch.MembersBelowBaseline != -1 {
		t.Errorf("overall change %+v", ch)
	}
	if ch, ok := p.FunctionChange("PR"); !ok || !near(ch.Floor, val(3)) || ch.MembersBelowBaseline != -2 {
		t.Errorf("PR change %+v %v", ch, ok)
	}
	if _, ok := p.FunctionChange("RS"); ok {
		t.Error("a function that is not in the catalog has no change")
	}

	// Who was lifted by what.
	var got []string
	for _, u := range p.Lifted("mfa") {
		got = append(got, u.SubcategoryID+" for "+string(rune('0'+u.MemberID)))
	}
	if want := "PR.AA-03 for 1,PR.AA-03 for 3"; strings.Join(got, ",") != want {
		t.Errorf("mfa lifted %v, want %s", got, want)
	}
	if b, _ := p.Member(2); !slices.Equal(b.Services, []string{"backup"}) || !near(b.Today, val(14.0/3)) || !near(b.Projected, val(16.0/3)) {
		t.Errorf("member 2: %+v", b)
	}
}

// A member in two services lifting the same subcategory gets the higher
// level, credited to the service that gives it; on a tie the lower key.
func TestProjectOverlappingServices(t *testing.T) {
	cat := smallCatalog(t)
	services := []Service{svc("zz-high", 1, "PR.AA-03", 6), svc("aa-low", 1, "PR.AA-03", 5), svc("bb-same", 1, "PR.AA-03", 6)}
	tests := []struct {
		plan Plan
		want string
	}{
		{Plan{"zz-high": {1}, "aa-low": {1}}, "zz-high 6"},
		{Plan{"zz-high": {1}, "bb-same": {1}}, "bb-same 6"},
		{Plan{"aa-low": {1, 1}}, "aa-low 5"}, // listed twice, enrolled once
	}
	for _, tt := range tests {
		p, err := Project(cat, []Member{member(1, sc("PR.AA-03", 1))}, services, tt.plan, 5, nil)
		if err != nil {
			t.Fatal(err)
		}
		ups := p.Members[0].Uplifts
		if len(ups) != 1 || ups[0].ServiceKey+" "+string(rune('0'+ups[0].To)) != tt.want {
			t.Errorf("%v: uplifts %+v, want %s", tt.plan, ups, tt.want)
		}
	}
}

func TestProjectErrors(t *testing.T) {
	cat := smallCatalog(t)
	services := []Service{svc("mfa", 1, "PR.AA-03", 6)}
	tests := []struct {
		name     string
		members  []Member
		services []Service
		plan     Plan
		want     string
	}{
		{"unknown service", threeMembers(), services, Plan{"soc": {1}}, `service "soc", which is not among`},
		{"unknown member", threeMembers(), services, Plan{"mfa": {1, 9}}, "member 9 in mfa, but there is no such member"},
		{"duplicate member", append(threeMembers(), member(2)), services, Plan{}, "member id 2 is given twice"},
		{"duplicate service", threeMembers(), append(services, svc("mfa", 2, "PR.DS-11", 5)), Plan{}, `"mfa" is used twice`},
	}
	for _, tt := range tests {
		_, err := Project(cat, tt.members, tt.services, tt.plan, 5, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "project: ") {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestProjectEmptyPlanChangesNothing(t *testing.T) {
	cat := smallCatalog(t)
	p, err := Project(cat, threeMembers(), nil, nil, 0, nil) // baseline 0: the default 5
	if err != nil {
		t.Fatal(err)
	}
	if p.Baseline != 5 || p.Today.Gap != p.Projected.Gap || p.Today.Gap != 110 || p.Change().MembersBelowBaseline != 0 {
		t.Errorf("empty plan: baseline %d gap %d → %d", p.Baseline, p.Today.Gap, p.Projected.Gap)
	}
	for i, m := range p.Members {
		if !slices.Equal(m.Answers, threeMembers()[i].Answers) || m.Uplifts != nil {
			t.Errorf("member %d answers changed: %v", m.MemberID, m.Answers)
		}
	}
}

// Weights change the gap: 0 takes a subcategory out, missing ids keep the
// default, out-of-range values are clamped.
func TestProjectWeights(t *testing.T) {
	cat := smallCatalog(t)
	tests := []struct {
		weights map[string]int
		want    int64
	}{
		{nil, 110},
		{map[string]int{"PR.AA-03": 0}, 110 - 40},
		{map[string]int{"GV.PO-01": 1, "DE.CM-09": 99}, 110 - 9 + 2},
		{map[string]int{"GV.PO-01": -3}, 110 - 12},
	}
	for _, tt := range tests {
		p, err := Project(cat, threeMembers(), nil, nil, 5, tt.weights)
		if err != nil {
			t.Fatal(err)
		}
		if p.Today.Gap != tt.want {
			t.Errorf("weights %v: gap %d, want %d", tt.weights, p.Today.Gap, tt.want)
		}
	}
}

// An unanswered subcategory lifted below the baseline starts to count in
// the gap: the service delivers the control at that level.
func TestProjectUnansweredBelowBaselineAddsGap(t *testing.T) {
	cat := smallCatalog(t)
	p, err := Project(cat, []Member{member(1, sc("PR.DS-11", 5))}, []Service{svc("tpl", 1, "GV.PO-01", 4)}, Plan{"tpl": {1}}, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Today.Gap != 0 || p.Projected.Gap != 4 || p.Projected.BelowPairs != 1 {
		t.Errorf("gap %d → %d, pairs %d", p.Today.Gap, p.Projected.Gap, p.Projected.BelowPairs)
	}
}
