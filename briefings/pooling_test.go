package briefings

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"palisade/assessments"
)

// Names a coordinator might type: markup, quotes, backslashes,
// parentheses (PDF string delimiters), accents, CJK.
const (
	socName = `SOC <b>&amp; "Ω" (Peña) \ 中文`
	mfaName = "Identity & MFA for Møller"
	bakName = "Immutable backups – Saint-Étienne"
)

func pct(v float64) assessments.Value { return assessments.Value{V: v, OK: true} }

// poolingFixture is a consortium pooling section built on the fixture's
// comparison: the projection's today figures are the comparison's.
func poolingFixture(f *fixture) *ConsortiumPooling {
	p := &ConsortiumPooling{
		Budget: 48_250_00, BudgetNote: "It is what the services the members are enrolled in today cost.",
		Plan: []PooledService{
			{Name: mfaName, Status: "proposed", Members: 4, Cost: 8_000_00},
			{Name: socName, Status: "active", Members: 6, Cost: 36_000_50},
		},
		TotalCost: 44_000_50, MembersHelped: 7, CostPerMember: 6_285_78,
		FloorBefore: pct(2.34), FloorAfter: pct(3.06),
		BelowBefore: 6, BelowAfter: 4, AnswersBelowBefore: 412, AnswersBelowAfter: 287,
		Recorded: []PooledService{
			{Name: socName, Status: "active", Members: 3, Cost: 30_000_00},
			{Name: bakName, Status: "proposed", Members: 2, Cost: 18_250_00},
		},
		RecordedCost: 48_250_00,
	}
	for _, fn := range f.cmp.Functions {
		p.Projection = append(p.Projection, PoolingRow{Name: fn.Name,
			FloorToday: pct(fn.Min), FloorProjected: pct(fn.Min + 1), MedianToday: pct(fn.Median), MedianProjected: pct(fn.Median + 0.25),
			BelowToday: 5, BelowProjected: 3})
	}
	o := f.cmp.Overall
	p.Projection = append(p.Projection, PoolingRow{Name: "Overall", FloorToday: pct(o.Min), FloorProjected: pct(o.Min + 0.5),
		MedianToday: pct(o.Median), MedianProjected: pct(o.Median + 0.1), BelowToday: 6, BelowProjected: 5})
	return p
}

func memberServicesFixture() (*MemberServices, []ExerciseTaken) {
	s := &MemberServices{
		Using: []ServiceShare{
			{Name: socName, Status: "active", Share: 10_000_00, Alone: 25_000_00},
			{Name: bakName, Status: "proposed", ShareUnknown: true},
		},
		ShouldJoin: []ServiceSuggestion{
			{Name: mfaName, Status: "proposed", Subcategories: []string{"PR.AA-01", "PR.AA-03", "PR.DS-11"}, EstimatedShare: 2_000_00, Requested: true},
			{Name: "Patch service", Status: "active", Subcategories: []string{"PR.PS-02"}, ShareUnknown: true},
		},
		TotalShare: 10_000_00,
	}
	ex := []ExerciseTaken{
		{Date: "2026-02-10", Title: "Ransomware at the water plant – Ærøskøbing drill", OpenFindings: 2},
		{Date: "2025-09-03", Title: "Phishing <of> the mayor's (office)", OpenFindings: 0},
	}
	return s, ex
}

func TestConsortiumBriefingPooling(t *testing.T) {
	f := newFixture(12)
	for _, size := range []string{"A4", "Letter"} {
		for _, named := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/named=%v", size, named), func(t *testing.T) {
				b := f.consortium(size, named)
				b.Pooling = poolingFixture(f)
				pdf := mustWrite(t, func(w *bytes.Buffer) error { return WriteConsortium(w, b) })
				renderPNG(t, fmt.Sprintf("consortium-pooling-%s-%v", size, named), pdf, 8, 9, 10)
				text, layout, pages := checkPDF(t, pdf, size, 6, 18, "Consortium cybersecurity briefing: "+testConsortium+", "+testCycle, testConsortium)
				t.Logf("%d pages, %d bytes", pages, len(pdf))
				if text == "" {
					return
				}
				flat := squash(text)
				inOrder(t, flat,
					"Where one member's progress lifts everyone", "Interconnections",
					"Recommended pooled services", "baseline of 5 for the money",
					"The budget used is $48,250.00 a year. It is what the services the members are enrolled in today cost.",
					"Cost: $44,000.50 a year in total, on average $6,285.78 for each of the 7 members taking part.",
					"The lowest overall score of any member rises from 2.3 to 3.1.",
					"Members below the baseline overall: 6 today, 4 with these services.",
					"Answers below the baseline across all members: 412 today, 287 with these services.",
					"The board is asked to consider these services",
					"Services the members are enrolled in today",
					"Members are enrolled in 2 services (1 running, 1 proposed), costing $48,250.00 a year in all.",
					"Lowest member score today and with the services members are enrolled in",
					"Appendix A")
				for _, name := range []string{socName, mfaName, bakName} {
					if !strings.Contains(flat, name) {
						t.Errorf("service name %q is not printed", name)
					}
				}
				lines := strings.Split(layout, "\n")
				for _, want := range [][2]string{
					{mfaName, "Proposed 4 $8,000.00"}, {socName, "Running 6 $36,000.50"}, {"Total", "7 members in all $44,000.50"},
					{bakName, "Proposed 2 $18,250.00"}, {"Total", "$48,250.00"},
				} {
					if !containsLine(lines, want[0], want[1]) {
						t.Errorf("no row %q with %q", want[0], want[1])
					}
				}
				for _, r := range b.Pooling.Projection {
					want := strings.Join([]string{score(r.FloorToday), score(r.FloorProjected), score(r.MedianToday), score(r.MedianProjected), "5 3"}, " ")
					if r.Name == "Overall" {
						want = strings.Join([]string{score(r.FloorToday), score(r.FloorProjected), score(r.MedianToday), score(r.MedianProjected), "6 5"}, " ")
					}
					if !containsLine(lines, r.Name, want) {
						t.Errorf("projection row of %s lacks %q", r.Name, want)
					}
				}
				if !named {
					for _, m := range testMembers {
						if strings.Contains(flat, m.name) {
							t.Errorf("anonymous briefing names %q", m.name)
						}
					}
				}
			})
		}
	}
}

func TestConsortiumBriefingPoolingEmpty(t *testing.T) {
	f := newFixture(12)
	b := f.consortium("A4", true)
	b.Pooling = &ConsortiumPooling{BudgetNote: "No budget was set."}
	pdf := mustWrite(t, func(w *bytes.Buffer) error { return WriteConsortium(w, b) })
	text, _, _ := checkPDF(t, pdf, "A4", 6, 16, "", testConsortium)
	if text == "" {
		return
	}
	flat := squash(text)
	inOrder(t, flat, "Recommended pooled services", "No budget was set.", "there is no service to recommend",
		"Services the members are enrolled in today", "No member is enrolled in a shared service yet.", "Appendix A")
	for _, not := range []string{"The budget used is", "Lowest member score today and with"} {
		if strings.Contains(flat, not) {
			t.Errorf("%q printed without the data for it", not)
		}
	}
}

func TestConsortiumBriefingWithoutPooling(t *testing.T) {
	f := newFixture(12)
	pdf := mustWrite(t, func(w *bytes.Buffer) error { return WriteConsortium(w, f.consortium("A4", true)) })
	text, _, _ := checkPDF(t, pdf, "A4", 6, 15, "", testConsortium)
	if text != "" && strings.Contains(text, "Recommended pooled services") {
		t.Error("the pooled-services section is printed without pooling data")
	}
}

func TestMemberBriefingPooling(t *testing.T) {
	f := newFixture(12)
	for _, size := range []string{"A4", "Letter"} {
		t.Run(size, func(t *testing.T) {
			b := f.member(t, 0, size)
			b.Services, b.Exercises = memberServicesFixture()
			pdf := mustWrite(t, func(w *bytes.Buffer) error { return WriteMember(w, b) })
			renderPNG(t, "member-pooling-"+size, pdf, 5, 6)
			text, layout, pages := checkPDF(t, pdf, size, 4, 10, "Cybersecurity board briefing: "+peña+", "+testCycle, testConsortium)
			t.Logf("%d pages, %d bytes", pages, len(pdf))
			if text == "" {
				return
			}
			flat := squash(text)
			inOrder(t, flat,
				"Decisions for the board",
				"Shared services and "+peña+"'s share of the cost",
				"Services "+peña+" takes part in",
				peña+"'s share of the shared services it takes part in comes to $10,000.00 a year, not counting the services whose share is not yet set.",
				"A proposed service is not running yet",
				"\"Not yet set\" means",
				"Services worth joining",
				"below the consortium's baseline of 5",
				"The board is asked to decide whether to join",
				"Tabletop exercises",
				"The consortium has recorded 2 exercises involving "+peña+". 2 follow-up actions for "+peña+" are still open.",
				"Appendix A")
			lines := strings.Split(layout, "\n")
			for _, want := range [][2]string{
				{socName, "Running $10,000.00 $25,000.00"}, {bakName, "Proposed Not yet set –"}, {"Total", "$10,000.00"},
				{mfaName, "$2,000.00"}, {"Patch service", "Not yet set"},
				{"10 February 2026", "2"}, {"3 September 2025", "0"},
			} {
				if !containsLine(lines, want[0], want[1]) {
					t.Errorf("no row %q with %q", want[0], want[1])
				}
			}
			for _, want := range []string{
				"3 questions below the baseline, in accounts, passwords and multi-factor sign-in (PR.AA-01, PR.AA-03) and protecting data and backups (PR.DS-11).",
				"Proposed: not running yet. " + peña + " has asked to join.",
				"1 question below the baseline, in keeping systems updated and securely set up (PR.PS-02).",
				"Ransomware at the water plant – Ærøskøbing drill", "Phishing <of> the mayor's (office)",
				socName, mfaName, bakName,
			} {
				if !strings.Contains(flat, want) {
					t.Errorf("%q missing", want)
				}
			}
		})
	}
}

func TestMemberBriefingPoolingAbsentOrEmpty(t *testing.T) {
	f := newFixture(12)
	pdf := mustWrite(t, func(w *bytes.Buffer) error { return WriteMember(w, f.member(t, 0, "A4")) })
	if text, _, _ := checkPDF(t, pdf, "A4", 4, 8, "", testConsortium); text != "" {
		for _, not := range []string{"Shared services and", "Services worth joining", "Tabletop exercises"} {
			if strings.Contains(text, not) {
				t.Errorf("%q printed without pooling data", not)
			}
		}
	}

	b := f.member(t, 0, "A4")
	b.Services = &MemberServices{}
	b.Exercises = []ExerciseTaken{{Date: "spring 2025", Title: "Tabletop", OpenFindings: 0}}
	pdf = mustWrite(t, func(w *bytes.Buffer) error { return WriteMember(w, b) })
	text, _, _ := checkPDF(t, pdf, "A4", 4, 9, "", testConsortium)
	if text == "" {
		return
	}
	inOrder(t, squash(text), "Shared services and", peña+" does not take part in any shared service yet.",
		"No other shared service of the consortium would raise one of "+peña+"'s answers below the baseline.",
		"Tabletop exercises", "spring 2025", "None of its follow-up actions is still open.", "Appendix A")
}

func TestMemberBriefingManyExercises(t *testing.T) {
	f := newFixture(12)
	b := f.member(t, 0, "A4")
	for i := range 13 {
		b.Exercises = append(b.Exercises, ExerciseTaken{Date: fmt.Sprintf("2025-%02d-01", 12-i%12), Title: fmt.Sprintf("Drill %d", i+1), OpenFindings: 1})
	}
	pdf := mustWrite(t, func(w *bytes.Buffer) error { return WriteMember(w, b) })
	text, _, _ := checkPDF(t, pdf, "A4", 4, 10, "", testConsortium)
	if text == "" {
		return
	}
	flat := squash(text)
	for _, want := range []string{"The 10 most recent of 13 exercises are listed", "13 follow-up actions for " + peña + " are still open", "Drill 10"} {
		if !strings.Contains(flat, want) {
			t.Errorf("%q missing", want)
		}
	}
	if strings.Contains(flat, "Drill 11") {
		t.Error("more than 10 exercises listed")
	}
}

func TestPoolingDeterministic(t *testing.T) {
	f := newFixture(12)
	mb := func() MemberBriefing {
		b := f.member(t, 0, "A4")
		b.Services, b.Exercises = memberServicesFixture()
		return b
	}
	a := mustWrite(t, func(w *bytes.Buffer) error { return WriteMember(w, mb()) })
	b := mustWrite(t, func(w *bytes.Buffer) error { return WriteMember(w, mb()) })
	if !bytes.Equal(a, b) {
		t.Error("member briefing with services: two runs give different bytes")
	}
	cb := func() ConsortiumBriefing {
		b := f.consortium("Letter", false)
		b.Pooling = poolingFixture(f)
		return b
	}
	c := mustWrite(t, func(w *bytes.Buffer) error { return WriteConsortium(w, cb()) })
	d := mustWrite(t, func(w *bytes.Buffer) error { return WriteConsortium(w, cb()) })
	if !bytes.Equal(c, d) {
		t.Error("consortium briefing with pooling: two runs give different bytes")
	}
}

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		cents int64
		want  string
	}{
		{0, "$0.00"}, {5, "$0.05"}, {100, "$1.00"}, {99_999, "$999.99"}, {100_000, "$1,000.00"},
		{1_234_567, "$12,345.67"}, {123_456_789_00, "$123,456,789.00"}, {-500, "−$5.00"},
		{-9223372036854775808, "−$92,233,720,368,547,758.08"},
	} {
		if got := money(c.cents); got != c.want {
			t.Errorf("money(%d) = %q, want %q", c.cents, got, c.want)
		}
	}
	if got := exerciseDate("2026-03-14"); got != "14 March 2026" {
		t.Errorf("exerciseDate: %q", got)
	}
}
