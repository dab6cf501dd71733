package web

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"palisade/assessments"
	"palisade/frameworks"
	"palisade/pooling"
	"palisade/store"
)

// squashText collapses white space, so text wrapped over lines compares
// with the original.
func squashText(s string) string { return strings.Join(strings.Fields(s), " ") }

// between is the text from the first from to the next to after it.
func between(text, from, to string) string {
	i := strings.Index(text, from)
	if i < 0 {
		return ""
	}
	rest := text[i:]
	if j := strings.Index(rest, to); j >= 0 {
		return rest[:j]
	}
	return rest
}

func TestBriefingPoolingSections(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := t.Context()
	cid := ts.consortium.ID
	mb, rv, cascade := ts.member(t, millbrook), ts.member(t, riverton), ts.member(t, "cascade-county")
	pine, alder := ts.member(t, pineHollow), ts.member(t, alderFalls)
	memberPath := fmt.Sprintf("/members/%d/cycles/%d/briefing.pdf", mb.ID, ts.cycle.ID)
	coord := ts.signIn(t, coordinatorEmail)

	// Start from no service and no exercise, whatever the demo holds:
	// the sections are then left out.
	demoServices, err := ts.st.ServicesOfConsortium(ctx, cid)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range demoServices {
		if err := ts.st.DeleteService(ctx, store.System, cid, st.ID); err != nil {
			t.Fatal(err)
		}
	}
	demoExercises, err := ts.st.ExercisesOfConsortium(ctx, cid)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range demoExercises {
		if err := ts.st.DeleteExercise(ctx, store.System, cid, e.ID); err != nil {
			t.Fatal(err)
		}
	}
	res := coord.get(t, memberPath)
	wantPDF(t, "member briefing without services", res)
	if text, ok := pdfText(t, res.body); ok {
		for _, not := range []string{"Shared services and", "Tabletop exercises"} {
			if strings.Contains(text, not) {
				t.Errorf("member briefing without services prints %q", not)
			}
		}
	}
	res = coord.get(t, "/consortium/briefing.pdf")
	wantPDF(t, "consortium briefing without services", res)
	if text, ok := pdfText(t, res.body); ok && strings.Contains(text, "Recommended pooled services") {
		t.Error("consortium briefing without services prints the pooled-services section")
	}

	const (
		socName = `Regional SOC «Détection» <b> & "24x7"`
		mfaName = "Identity & MFA – Peña"
	)
	soc, err := ts.st.CreateService(ctx, store.System, store.Service{ConsortiumID: cid, Key: "soc", Name: socName, Provider: "Valley COG",
		ProviderKind: pooling.ProviderConsortium, Status: pooling.StatusActive, FixedCents: 30_000_00, StandaloneCents: 25_000_00,
		ShareRule: string(pooling.RuleEqual), Lifts: []store.ServiceLift{{SubcategoryID: "DE.CM-01", Level: 6}, {SubcategoryID: "PR.PS-02", Level: 6}}})
	if err != nil {
		t.Fatal(err)
	}
	var lifts []store.ServiceLift
	for i := 1; i <= 5; i++ {
		lifts = append(lifts, store.ServiceLift{SubcategoryID: fmt.Sprintf("PR.AA-0%d", i), Level: 6})
	}
	mfa, err := ts.st.CreateService(ctx, store.System, store.Service{ConsortiumID: cid, Key: "mfa", Name: mfaName, Provider: "State IdP",
		ProviderKind: pooling.ProviderState, Status: pooling.StatusProposed, PerMemberCents: 2_000_00, ShareRule: string(pooling.RuleEqual), Lifts: lifts})
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.st.SetEnrolments(ctx, store.System, cid, soc, []int64{mb.ID, rv.ID, cascade.ID}); err != nil {
		t.Fatal(err)
	}
	if err := ts.st.SetEnrolments(ctx, store.System, cid, mfa, []int64{pine.ID, alder.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.st.CreateExercise(ctx, store.System, store.Exercise{ConsortiumID: cid, HeldOn: "2026-02-10", Title: "Ransomware drill – Ærøskøbing",
		MemberIDs: []int64{mb.ID, rv.ID}, Findings: []store.Finding{
			{Text: "Restore of the backups never tested", MemberID: mb.ID},
			{Text: "Call tree out of date", MemberID: mb.ID, Status: store.FindingDone},
			{Text: "Riverton's own action", MemberID: rv.ID},
		}}); err != nil {
		t.Fatal(err)
	}
	members, err := ts.st.MembersOfConsortium(ctx, cid)
	if err != nil {
		t.Fatal(err)
	}

	// The member briefing: the services Millbrook uses with its share, the
	// one worth joining with an estimate, and its exercise.
	res = coord.get(t, memberPath)
	wantPDF(t, "member briefing with services", res)
	if text, ok := pdfText(t, res.body); ok {
		flat := squashText(text)
		for _, want := range []string{
			"Shared services and Town of Millbrook's share of the cost", socName, "Running",
			"Town of Millbrook's share of the shared services it takes part in comes to $10,000.00 a year.", "$25,000.00",
			"Services worth joining", mfaName, "$2,000.00", "Proposed: not running yet.",
			"Tabletop exercises", "10 February 2026", "Ransomware drill – Ærøskøbing",
			"1 follow-up action for Town of Millbrook is still open.",
		} {
			if !strings.Contains(flat, want) {
				t.Errorf("member briefing lacks %q", want)
			}
		}
	}

	// The consortium briefing: the recommended plan within the budget of
	// the recorded plan ($30,000 + 2 × $2,000), and the recorded plan.
	cc := cycleComparison{cycle: ts.cycle}
	if err := ts.srv.analyse(ctx, ts.consortium, &cc); err != nil {
		t.Fatal(err)
	}
	ps, err := ts.srv.briefingPooling(ctx, cid, cc)
	if err != nil {
		t.Fatal(err)
	}
	want := ts.srv.consortiumPooling(ps, ts.consortium.DefaultTarget, nil)
	if want == nil || len(want.Plan) == 0 || want.TotalCost > 34_000_00 || want.Budget != 34_000_00 {
		t.Fatalf("recommended plan %+v; want services within $34,000.00", want)
	}
	res = coord.get(t, "/consortium/briefing.pdf")
	wantPDF(t, "consortium briefing with services", res)
	if text, ok := pdfText(t, res.body); ok {
		flat := squashText(text)
		for _, w := range []string{
			"Recommended pooled services", "The budget used is $34,000.00 a year.",
			fmt.Sprintf("Cost: %s a year in total", money(want.TotalCost)),
			"Services the members are enrolled in today", socName, mfaName, "$30,000.00", "$4,000.00",
			"Members are enrolled in 2 services (1 running, 1 proposed), costing $34,000.00 a year in all.",
			"Lowest member score today and with the services members are enrolled in",
		} {
			if !strings.Contains(flat, w) {
				t.Errorf("consortium briefing lacks %q", w)
			}
		}
		for _, s := range want.Plan {
			if !strings.Contains(flat, squashText(s.Name)) || !strings.Contains(flat, money(s.Cost)) {
				t.Errorf("the plan's service %q at %s is not printed", s.Name, money(s.Cost))
			}
		}
		for _, m := range members {
			if strings.Contains(between(flat, "Recommended pooled services", "Appendix A"), m.Name) {
				t.Errorf("the anonymised pooled-services section names %q", m.Name)
			}
		}
	}

	// The IT lead's own briefing: the same section, and no other member
	// named in it.
	lead := ts.signIn(t, itEmail(millbrook))
	res = lead.get(t, memberPath)
	wantPDF(t, "IT lead's briefing", res)
	if text, ok := pdfText(t, res.body); ok {
		flat := squashText(text)
		section := between(flat, "Shared services and", "Appendix A")
		if !strings.Contains(section, socName) || !strings.Contains(section, "$10,000.00") || !strings.Contains(section, mfaName) {
			t.Errorf("IT lead's pooling section lacks the services or the share:\n%s", section)
		}
		for _, m := range members {
			if m.ID != mb.ID && strings.Contains(section, m.Name) {
				t.Errorf("IT lead's pooling section names another member: %q", m.Name)
			}
		}
		if strings.Contains(section, "Riverton's own action") {
			t.Error("another member's finding is printed")
		}
	}
}

// A share the domain cannot work out (no member has a population for a
// population rule) is "not yet set", not a failed briefing.
func TestBriefingMemberPoolingShareNotSet(t *testing.T) {
	t.Parallel()
	s := &Server{catalog: frameworks.CSF20(), scale: frameworks.NCSR(), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	lift := []store.ServiceLift{{SubcategoryID: "PR.AA-01", Level: 6}}
	ps := poolingState{
		services: []store.Service{
			{ID: 1, Key: "a", Name: "A", Status: pooling.StatusActive, FixedCents: 1_000_00, ShareRule: string(pooling.RulePopulation), Lifts: lift},
			{ID: 2, Key: "b", Name: "B", Status: pooling.StatusProposed, FixedCents: 1_000_00, ShareRule: string(pooling.RulePopulation),
				Lifts: []store.ServiceLift{{SubcategoryID: "PR.AA-02", Level: 6}}},
		},
		enrolments: []store.Enrolment{{ServiceID: 1, MemberID: 7, State: store.EnrolmentEnrolled}, {ServiceID: 2, MemberID: 7, State: store.EnrolmentRequested}},
		members: []pooling.Member{{ID: 7, Name: "Seven", Answers: []assessments.Answer{
			{SubcategoryID: "PR.AA-01", Score: 2}, {SubcategoryID: "PR.AA-02", Score: 2}}}},
	}
	got := s.memberPooling(ps, 7, 5)
	if got == nil || len(got.Using) != 1 || !got.Using[0].ShareUnknown || got.TotalShare != 0 {
		t.Fatalf("using %+v", got)
	}
	if len(got.ShouldJoin) != 1 || !got.ShouldJoin[0].ShareUnknown || !got.ShouldJoin[0].Requested ||
		strings.Join(got.ShouldJoin[0].Subcategories, ",") != "PR.AA-02" {
		t.Fatalf("should join %+v", got.ShouldJoin)
	}
	if s.memberPooling(poolingState{members: ps.members}, 7, 5) != nil || s.consortiumPooling(poolingState{members: ps.members}, 5, nil) != nil {
		t.Error("sections without services are not nil")
	}
	cp := s.consortiumPooling(ps, 5, map[string]int{})
	if cp == nil || cp.RecordedCost != 1_000_00 || cp.Budget != 1_000_00 || len(cp.Projection) == 0 {
		t.Fatalf("consortium pooling %+v", cp)
	}
}
