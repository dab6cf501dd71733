package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"palisade/store"
)

// certifications returns a member's stored certifications by requirement.
func (ts *testServer) certifications(t *testing.T, memberID int64) map[string]store.Certification {
	t.Helper()
	list, err := ts.st.CertificationsOfMember(context.Background(), memberID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.Certification{}
	for _, c := range list {
		out[c.RequirementKey] = c
	}
	return out
}

// createTestService adds a service to the demo consortium and returns its id.
func (ts *testServer) createTestService(t *testing.T, key, name string, lifts ...store.ServiceLift) int64 {
	t.Helper()
	id, err := ts.st.CreateService(context.Background(), store.System, store.Service{ConsortiumID: ts.consortium.ID, Key: key, Name: name,
		ProviderKind: "consortium", Status: "active", ShareRule: "equal", Lifts: lifts})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// insuranceRow is the row of a member in the consortium readiness table.
func insuranceRow(t *testing.T, body string, memberID int64) string {
	t.Helper()
	start := strings.Index(body, fmt.Sprintf(`<th scope="row"><a href="/members/%d/insurance">`, memberID))
	if start < 0 {
		t.Fatalf("no row for member %d in the readiness table", memberID)
	}
	end := strings.Index(body[start:], "</tr>")
	return body[start : start+end]
}

// requirementSection is the section of one requirement on a member's
// checklist.
func requirementSection(t *testing.T, body, key string) string {
	t.Helper()
	start := strings.Index(body, `id="req-`+key+`"`)
	if start < 0 {
		t.Fatalf("no section for requirement %s", key)
	}
	end := strings.Index(body[start:], "</section>")
	return body[start : start+end]
}

func errorBeside(t *testing.T, html, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `-error"[^>]*>([^<]*)<`).FindStringSubmatch(html)
	if m == nil {
		return ""
	}
	return htmlUnescape(m[1])
}

// The consortium page shows the tiers with their incentives, each member's
// tier, what the next one needs, which pooled service would close it, and
// the money at stake.
func TestInsuranceReadinessShowsTiersAndMoney(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	county, mb, eg := ts.member(t, cascadeCounty), ts.member(t, millbrook), ts.member(t, eastgate)

	training := ts.createTestService(t, "awareness", "Regional awareness training", store.ServiceLift{SubcategoryID: "PR.AT-01", Level: 6})
	if err := ts.st.SetEnrolment(ctx, store.System, ts.consortium.ID, training, mb.ID, store.EnrolmentEnrolled); err != nil {
		t.Fatal(err)
	}
	// Cascade County reaches tier 1: two items certified yes (its
	// answers show them), two not applicable with a reason.
	for _, c := range []store.Certification{
		{RequirementKey: "asset-inventory", Answer: "na", Reason: "The state's managed-device programme keeps our inventory."},
		{RequirementKey: "backups", Answer: "yes"},
		{RequirementKey: "awareness-training", Answer: "na", Reason: "Training is delivered by the state for all county staff."},
		{RequirementKey: "unique-accounts", Answer: "yes"},
	} {
		if err := ts.st.SaveCertification(ctx, store.System, county.ID, c); err != nil {
			t.Fatal(err)
		}
	}

	coord := ts.signIn(t, coordinatorEmail)
	res := coord.get(t, "/consortium/insurance")
	wantStatus(t, "readiness", res, http.StatusOK)
	wantContains(t, "readiness", res, "Tier 1: Basic hygiene", "Tier 2: Core controls", "Tier 3: Advanced protection", "$2,500.00", "$5,000.00",
		"$10,000.00", "<caption>Readiness of each member</caption>", `<th scope="col" class="num">Money at stake</th>`, "How the tiers work", "Needs certification",
		`<form id="insurance-tiers-form"`, `href="/consortium/insurance" aria-current="page"`)

	row := insuranceRow(t, res.body, county.ID)
	for _, want := range []string{"<td>Tier 1: Basic hygiene</td>", "<td>Tier 2: Core controls</td>", "$5,000.00",
		"Multi-factor authentication for remote access, administrators and email (missing)"} {
		if !strings.Contains(row, want) {
			t.Errorf("Cascade County's row lacks %q:\n%s", want, row)
		}
	}
	row = insuranceRow(t, res.body, mb.ID)
	for _, want := range []string{"<td>No tier yet</td>", "<td>Tier 1: Basic hygiene</td>", "$2,500.00", "Security awareness training (missing)",
		"Regional awareness training (already enrolled)"} {
		if !strings.Contains(row, want) {
			t.Errorf("Millbrook's row lacks %q:\n%s", want, row)
		}
	}
	row = insuranceRow(t, res.body, eg.ID)
	if !strings.Contains(row, "Regional awareness training") || strings.Contains(row, "Regional awareness training (already enrolled)") {
		t.Errorf("Eastgate's row should name the training service as a fix, not as enrolled:\n%s", row)
	}

	// The member's own page says the same in one sentence, and links each
	// subcategory to the category page of its assessment.
	res = coord.get(t, fmt.Sprintf("/members/%d/insurance", county.ID))
	wantStatus(t, "county checklist", res, http.StatusOK)
	wantContains(t, "county checklist", res, "Cascade County is at Tier 1: Basic hygiene. To reach Tier 2: Core controls it still needs",
		"that tier is worth $5,000.00 a year", fmt.Sprintf(`href="/members/%d/cycles/%d/categories/ID.AM"`, county.ID, ts.cycle.ID),
		"Not applicable", "The state&#39;s managed-device programme keeps our inventory.")
	wantNotContains(t, "county checklist as coordinator", res, `<form id="cert-`)

	board := ts.signIn(t, boardEmail)
	res = board.get(t, "/consortium/insurance")
	wantStatus(t, "board reads readiness", res, http.StatusOK)
	wantContains(t, "board reads readiness", res, "$5,000.00")
	wantNotContains(t, "board reads readiness", res, `<form id="insurance-tiers-form"`)
	wantStatus(t, "board saves tiers", board.post(t, "/admin/insurance", url.Values{"tier-1-name": {"X"}, "tier-1-incentive": {"1"}}), http.StatusForbidden)

	lead := ts.signIn(t, itEmail(millbrook))
	wantStatus(t, "IT lead reads the consortium's readiness", lead.get(t, "/consortium/insurance"), http.StatusForbidden)
	res = lead.get(t, fmt.Sprintf("/members/%d/insurance", mb.ID))
	wantStatus(t, "IT lead reads own checklist", res, http.StatusOK)
	wantContains(t, "IT lead reads own checklist", res, fmt.Sprintf(`href="/members/%d/insurance" aria-current="page"`, mb.ID),
		"Town of Millbrook has not reached a tier yet.", "Regional awareness training (already enrolled)")
}

// An IT lead certifies one requirement at a time; bad input is shown again
// with the values, a stale form does not overwrite, and nobody else can
// certify for the member.
func TestITLeadCertifiesInsurance(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	county := ts.member(t, cascadeCounty)
	path := fmt.Sprintf("/members/%d/insurance", county.ID)
	lead := ts.signIn(t, itEmail(cascadeCounty))

	res := lead.get(t, path)
	wantStatus(t, "checklist", res, http.StatusOK)
	wantContains(t, "checklist", res, `<form id="cert-backups"`, "Cascade County has not reached a tier yet.")
	if sec := requirementSection(t, res.body, "backups"); !strings.Contains(sec, "Needs certification") {
		t.Errorf("backups before certifying: want Needs certification\n%s", sec)
	}

	res = lead.post(t, path, url.Values{"requirement": {"backups"}, "answer": {"yes"}, "reason": {""}, "version": {"0"}})
	wantRedirect(t, "certify backups", res, path)
	c := ts.certifications(t, county.ID)["backups"]
	if c.Answer != "yes" || c.Version != 1 || c.CertifiedByEmail != itEmail(cascadeCounty) {
		t.Errorf("stored %+v; want yes at version 1 by the IT lead", c)
	}
	audited := 0
	for _, e := range ts.audit(t, "certification.save") {
		if e.MemberID == county.ID {
			audited++
		}
	}
	if audited != 1 {
		t.Errorf("the certification was audited %d times; want once", audited)
	}
	res = lead.get(t, path)
	wantContains(t, "after certifying", res, "Certified: Regular backups: yes.")
	sec := requirementSection(t, res.body, "backups")
	if !strings.Contains(sec, `badge-met">Met<`) || !strings.Contains(sec, "Yes, certified by "+itEmail(cascadeCounty)) {
		t.Errorf("backups after certifying: want Met, certified by the IT lead\n%s", sec)
	}

	// No or not applicable without a reason, or no answer: 422, the values
	// are kept beside the field, nothing is saved.
	auditBefore := len(ts.audit(t, "certification."))
	for _, tc := range []struct {
		name, answer, reason, field, msg string
	}{
		{"no without reason", "no", "  ", "reason", "Explain what is missing"},
		{"na without reason", "na", "", "reason", "Explain why this requirement does not apply"},
		{"unknown answer", "maybe", "Kept reason", "answer", "Answer yes, no or not applicable"},
		{"no answer", "", "Kept reason", "answer", "Answer yes, no or not applicable"},
		{"reason too long", "no", strings.Repeat("r", 2001), "reason", "the limit is 2000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := lead.post(t, path, url.Values{"requirement": {"awareness-training"}, "answer": {tc.answer}, "reason": {tc.reason}, "version": {"0"}})
			wantStatus(t, tc.name, res, http.StatusUnprocessableEntity)
			form := formHTML(t, res.body, "cert-awareness-training")
			if got := errorBeside(t, form, "cert-awareness-training-"+tc.field); !strings.Contains(got, tc.msg) {
				t.Errorf("%s: error beside %s is %q; want %q", tc.name, tc.field, got, tc.msg)
			}
			if !strings.Contains(form, "The certification was not saved") {
				t.Errorf("%s: no message at the top of the form", tc.name)
			}
			if tc.answer == "no" || tc.answer == "na" {
				if !strings.Contains(form, `value="`+tc.answer+`" checked`) {
					t.Errorf("%s: the chosen answer is not kept", tc.name)
				}
			}
			if tc.reason == "Kept reason" && !strings.Contains(form, ">Kept reason</textarea>") {
				t.Errorf("%s: the reason is not kept", tc.name)
			}
			if _, ok := ts.certifications(t, county.ID)["awareness-training"]; ok {
				t.Fatalf("%s: a certification was stored", tc.name)
			}
		})
	}
	if n := len(ts.audit(t, "certification.")); n != auditBefore {
		t.Errorf("refused certifications left %d audit events", n-auditBefore)
	}
	wantStatus(t, "unknown requirement", lead.post(t, path, url.Values{"requirement": {"flood-insurance"}, "answer": {"yes"}, "version": {"0"}}),
		http.StatusBadRequest)
	wantStatus(t, "version abc", lead.post(t, path, url.Values{"requirement": {"edr"}, "answer": {"yes"}, "version": {"abc"}}), http.StatusBadRequest)

	// A stale form: the certification saved meanwhile is kept and shown.
	res = lead.post(t, path, url.Values{"requirement": {"backups"}, "answer": {"no"}, "reason": {"Our backup job failed in May."}, "version": {"0"}})
	wantStatus(t, "stale certification", res, http.StatusConflict)
	form := formHTML(t, res.body, "cert-backups")
	for _, want := range []string{"Someone else certified this requirement", "Certified meanwhile by " + itEmail(cascadeCounty), "<p>Yes</p>",
		">Our backup job failed in May.</textarea>", `value="no" checked`} {
		if !strings.Contains(form, want) {
			t.Errorf("conflict form lacks %q\n%s", want, form)
		}
	}
	if got := inputValue(t, form, "version"); got != "1" {
		t.Errorf("conflict form carries version %q; want the current 1", got)
	}
	if c := ts.certifications(t, county.ID)["backups"]; c.Answer != "yes" || c.Version != 1 {
		t.Errorf("after a stale save: %+v; want yes at version 1, untouched", c)
	}
	// From the current version, the change goes through.
	wantRedirect(t, "certify again", lead.post(t, path, url.Values{"requirement": {"backups"}, "answer": {"no"},
		"reason": {"Our backup job failed in May."}, "version": {"1"}}), path)
	if c := ts.certifications(t, county.ID)["backups"]; c.Answer != "no" || c.Version != 2 || c.Reason != "Our backup job failed in May." {
		t.Errorf("after saving from version 1: %+v", c)
	}

	// Hostile text is stored as written and shown as text.
	hostile := `<script>alert(1)</script>`
	wantRedirect(t, "hostile reason", lead.post(t, path, url.Values{"requirement": {"edr"}, "answer": {"na"}, "reason": {hostile}, "version": {"0"}}), path)
	res = lead.get(t, path)
	if strings.Contains(res.body, hostile) {
		t.Fatalf("the reason broke out as markup")
	}
	wantContains(t, "hostile reason", res, "&lt;script&gt;alert(1)&lt;/script&gt;")

	// Nobody but the member's IT lead certifies.
	before := ts.certifications(t, county.ID)
	form2 := url.Values{"requirement": {"mfa"}, "answer": {"yes"}, "version": {"0"}}
	other := ts.signIn(t, itEmail(millbrook))
	wantStatus(t, "another member's IT lead reads", other.get(t, path), http.StatusForbidden)
	wantStatus(t, "another member's IT lead certifies", other.post(t, path, form2), http.StatusForbidden)
	wantStatus(t, "coordinator certifies", ts.signIn(t, coordinatorEmail).post(t, path, form2), http.StatusForbidden)
	wantStatus(t, "board certifies", ts.signIn(t, boardEmail).post(t, path, form2), http.StatusForbidden)
	if after := ts.certifications(t, county.ID); len(after) != len(before) {
		t.Errorf("refused certifications changed the member's: %v", after)
	}
}

// Tier names and incentives: bad input is refused whole with the values
// kept; good input is stored and shown.
func TestInsuranceTiersForm(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	coord := ts.signIn(t, coordinatorEmail)
	base := inputValue(t, formHTML(t, coord.get(t, "/consortium/insurance").body, "insurance-tiers-form"), "base")
	good := func() url.Values {
		return url.Values{"tier-1-name": {"Bronze"}, "tier-1-incentive": {"$1,234.56"}, "tier-2-name": {"Silver"}, "tier-2-incentive": {"5000"},
			"tier-3-name": {"Gold"}, "tier-3-incentive": {"0"}, "base": {base}}
	}
	with := func(k, v string) url.Values {
		f := good()
		f.Set(k, v)
		return f
	}
	for _, tc := range []struct {
		name  string
		form  url.Values
		field string
		msg   string
	}{
		{"negative", with("tier-2-incentive", "-5"), "tier-2-incentive", "cannot be negative"},
		{"not a number", with("tier-2-incentive", "lots"), "tier-2-incentive", "Enter an amount in dollars"},
		{"exponent", with("tier-2-incentive", "1e12"), "tier-2-incentive", "Enter an amount in dollars"},
		{"too many decimals", with("tier-2-incentive", "10.001"), "tier-2-incentive", "at most two decimals"},
		{"too much", with("tier-2-incentive", "10000000.01"), "tier-2-incentive", "at most $10,000,000.00"},
		{"huge", with("tier-2-incentive", "999999999999"), "tier-2-incentive", "at most $10,000,000.00"},
		{"empty incentive", with("tier-2-incentive", ""), "tier-2-incentive", "Enter an amount"},
		{"empty name", with("tier-3-name", " "), "tier-3-name", "Give the tier a name"},
		{"long name", with("tier-3-name", strings.Repeat("n", 101)), "tier-3-name", "too long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := coord.post(t, "/admin/insurance", tc.form)
			wantStatus(t, tc.name, res, http.StatusUnprocessableEntity)
			form := formHTML(t, res.body, "insurance-tiers-form")
			if got := errorBeside(t, form, tc.field); !strings.Contains(got, tc.msg) {
				t.Errorf("%s: error beside %s is %q; want %q", tc.name, tc.field, got, tc.msg)
			}
			wantContains(t, tc.name, res, "The tiers were not saved")
			if got := inputValue(t, form, "tier-1-incentive"); got != "$1,234.56" {
				t.Errorf("%s: tier 1's incentive re-shown as %q", tc.name, got)
			}
			if tc.field != "tier-2-incentive" {
				return
			}
			if got := inputValue(t, form, "tier-2-incentive"); got != strings.TrimSpace(tc.form.Get("tier-2-incentive")) {
				t.Errorf("%s: the bad value is re-shown as %q", tc.name, got)
			}
			if tiers, err := ts.st.InsuranceTiers(ctx, ts.consortium.ID); err != nil || len(tiers) != 0 {
				t.Fatalf("%s: tiers stored %v, %v; want none", tc.name, tiers, err)
			}
		})
	}

	wantRedirect(t, "save tiers", coord.post(t, "/admin/insurance", good()), "/consortium/insurance")
	tiers, err := ts.st.InsuranceTiers(ctx, ts.consortium.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.InsuranceTier{{Tier: 1, Name: "Bronze", IncentiveCents: 123456}, {Tier: 2, Name: "Silver", IncentiveCents: 500000},
		{Tier: 3, Name: "Gold", IncentiveCents: 0}}
	if fmt.Sprint(tiers) != fmt.Sprint(want) {
		t.Errorf("stored %v; want %v", tiers, want)
	}

	res := coord.get(t, "/consortium/insurance")
	wantContains(t, "after saving", res, "Tier names and incentives saved", "<th scope=\"row\">Bronze</th>", "$1,234.56",
		`value="1234.56"`)
	mb := ts.member(t, millbrook)
	if row := insuranceRow(t, res.body, mb.ID); !strings.Contains(row, "<td>Bronze</td>") || !strings.Contains(row, "$1,234.56") {
		t.Errorf("Millbrook's row does not use the new tier 1:\n%s", row)
	}

	// A second coordinator's form, opened before that save, is refused
	// with its values kept and nothing overwritten.
	stale := with("tier-2-incentive", "7777")
	res = coord.post(t, "/admin/insurance", stale)
	wantStatus(t, "stale tiers", res, http.StatusConflict)
	wantContains(t, "stale tiers", res, "Someone else changed the tiers")
	if got := inputValue(t, formHTML(t, res.body, "insurance-tiers-form"), "tier-2-incentive"); got != "7777" {
		t.Errorf("the refused form lost the value: %q", got)
	}
	if again, _ := ts.st.InsuranceTiers(ctx, ts.consortium.ID); fmt.Sprint(again) != fmt.Sprint(want) {
		t.Errorf("the stale form overwrote the tiers: %v", again)
	}
}

// Exercises: a good one is listed and reaches the member's data; bad ones
// are refused with their values; findings are marked done; exercises of
// another consortium cannot be touched.
func TestTabletopExercises(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	coord := ts.signIn(t, coordinatorEmail)
	county, mb, eg := ts.member(t, cascadeCounty), ts.member(t, millbrook), ts.member(t, eastgate)
	id := func(m store.Member) string { return strconv.FormatInt(m.ID, 10) }

	other, err := ts.st.CreateConsortium(ctx, store.Consortium{Name: "Elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := ts.st.CreateMember(ctx, store.System, store.Member{ConsortiumID: other, Name: "Far Town", Slug: "far-town", Kind: "municipality"})
	if err != nil {
		t.Fatal(err)
	}
	strangerID := strconv.FormatInt(stranger, 10)

	res := coord.get(t, "/consortium/exercises")
	wantStatus(t, "exercises", res, http.StatusOK)
	wantContains(t, "exercises", res, `<form id="exercise-form"`, `href="/consortium/exercises" aria-current="page"`)
	demoExercises, err := ts.st.ExercisesOfConsortium(ctx, ts.consortium.ID)
	if err != nil {
		t.Fatal(err)
	}
	before := len(demoExercises)
	auditBefore := len(ts.audit(t, "exercise."))

	hostile := `Ransomware <script>alert(1)</script>`
	good := func() url.Values {
		return url.Values{"held_on": {"2026-03-14"}, "title": {hostile}, "scenario": {"Encrypted ERP on a Friday night."},
			"members":               {id(county), id(mb)},
			"finding-1-subcategory": {"rs.ma-01"}, "finding-1-text": {"Call tree out of date"}, "finding-1-member": {id(mb)}, "finding-1-due": {"2026-06-30"},
			"finding-2-text": {"Buy a shared incident-response retainer"}}
	}
	with := func(k, v string) url.Values {
		f := good()
		f.Set(k, v)
		return f
	}
	for _, tc := range []struct {
		name  string
		form  url.Values
		field string
		msg   string
	}{
		{"unknown subcategory", with("finding-1-subcategory", "PR.XX-99"), "finding-1-subcategory", "is not a subcategory"},
		{"finding member of another consortium", with("finding-1-member", strangerID), "finding-1-member", "member of this consortium"},
		{"finding member who did not take part", with("finding-1-member", id(eg)), "finding-1-member", "did not take part"},
		{"participant of another consortium", with("members", strangerID), "exercise-members", "members of this consortium"},
		{"no participants", with("members", ""), "exercise-members", "members of this consortium"},
		{"finding without text", with("finding-1-text", ""), "finding-1-text", "Say what was found"},
		{"impossible date", with("held_on", "2026-02-30"), "exercise-date", "real date"},
		{"no date", with("held_on", ""), "exercise-date", "Enter the date"},
		{"bad due date", with("finding-1-due", "soon"), "finding-1-due", "real date"},
		{"no title", with("title", ""), "exercise-title", "Give the exercise a title"},
		{"long title", with("title", strings.Repeat("t", 201)), "exercise-title", "too long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := coord.post(t, "/consortium/exercises", tc.form)
			wantStatus(t, tc.name, res, http.StatusUnprocessableEntity)
			form := formHTML(t, res.body, "exercise-form")
			if got := errorBeside(t, form, tc.field); !strings.Contains(got, tc.msg) {
				t.Errorf("%s: error beside %s is %q; want %q", tc.name, tc.field, got, tc.msg)
			}
			wantContains(t, tc.name, res, "The exercise was not recorded")
			if strings.Contains(res.body, "<script>alert") {
				t.Errorf("%s: the title broke out as markup", tc.name)
			}
			if tc.field != "exercise-title" && inputValue(t, form, "title") != hostile {
				t.Errorf("%s: the title is not kept", tc.name)
			}
			if tc.field != "exercise-members" && !strings.Contains(form, `value="`+id(county)+`" checked`) {
				t.Errorf("%s: the ticked members are not kept", tc.name)
			}
			if list, _ := ts.st.ExercisesOfConsortium(ctx, ts.consortium.ID); len(list) != before {
				t.Fatalf("%s: %d exercises stored; want the %d there were", tc.name, len(list), before)
			}
		})
	}
	if n := len(ts.audit(t, "exercise.")); n != auditBefore {
		t.Errorf("refused exercises left %d audit events", n-auditBefore)
	}

	wantRedirect(t, "record an exercise", coord.post(t, "/consortium/exercises", good()), "/consortium/exercises")
	list, err := ts.st.ExercisesOfConsortium(ctx, ts.consortium.ID)
	if err != nil || len(list) != before+1 {
		t.Fatalf("exercises %v, %v; want the one recorded added", list, err)
	}
	ex := list[0] // newest first
	if ex.HeldOn != "2026-03-14" || ex.Title != hostile || len(ex.MemberIDs) != 2 || len(ex.Findings) != 2 ||
		ex.Findings[0].SubcategoryID != "RS.MA-01" || ex.Findings[0].MemberID != mb.ID || ex.Findings[0].DueOn != "2026-06-30" ||
		ex.Findings[1].SubcategoryID != "" || ex.Findings[1].MemberID != 0 {
		t.Errorf("stored %+v", ex)
	}
	mine, err := ts.st.ExercisesOfMember(ctx, mb.ID)
	if err != nil || len(mine) == 0 || mine[0].ID != ex.ID || len(mine[0].Findings) != 2 {
		t.Errorf("Millbrook's exercises %+v, %v; want the exercise with its own and the consortium's finding", mine, err)
	}
	if theirs, _ := ts.st.ExercisesOfMember(ctx, eg.ID); len(theirs) > 0 && theirs[0].ID == ex.ID {
		t.Errorf("Eastgate, which did not take part, has the exercise")
	}

	res = coord.get(t, "/consortium/exercises")
	wantContains(t, "after recording", res, "Exercise recorded", "Ransomware &lt;script&gt;alert(1)&lt;/script&gt;", "Held on 2026-03-14",
		"Cascade County, Town of Millbrook", "RS.MA-01", "Call tree out of date", "2026-06-30", "The consortium", "Mark done",
		fmt.Sprintf(`action="/consortium/findings/%d"`, ex.Findings[0].ID), fmt.Sprintf(`action="/consortium/exercises/%d/delete"`, ex.ID))
	if strings.Contains(res.body, "<script>alert") {
		t.Fatalf("the title broke out as markup")
	}

	// Findings are marked done and reopened.
	fpath := fmt.Sprintf("/consortium/findings/%d", ex.Findings[0].ID)
	wantRedirect(t, "mark done", coord.post(t, fpath, url.Values{"status": {"done"}}), "/consortium/exercises")
	if got, _ := ts.st.ExercisesOfConsortium(ctx, ts.consortium.ID); got[0].Findings[0].Status != store.FindingDone {
		t.Errorf("finding status %q; want done", got[0].Findings[0].Status)
	}
	wantContains(t, "after marking done", coord.get(t, "/consortium/exercises"), "Finding marked done", "Reopen")
	wantStatus(t, "status closed", coord.post(t, fpath, url.Values{"status": {"closed"}}), http.StatusBadRequest)
	wantStatus(t, "unknown finding", coord.post(t, "/consortium/findings/999999", url.Values{"status": {"done"}}), http.StatusNotFound)

	// Board officials read, IT leads do not see, neither changes.
	board := ts.signIn(t, boardEmail)
	res = board.get(t, "/consortium/exercises")
	wantStatus(t, "board reads exercises", res, http.StatusOK)
	wantContains(t, "board reads exercises", res, "Call tree out of date")
	wantNotContains(t, "board reads exercises", res, `<form id="exercise-form"`, "/delete", "Reopen")
	wantStatus(t, "board records", board.post(t, "/consortium/exercises", good()), http.StatusForbidden)
	lead := ts.signIn(t, itEmail(millbrook))
	wantStatus(t, "IT lead reads exercises", lead.get(t, "/consortium/exercises"), http.StatusForbidden)
	wantStatus(t, "IT lead marks a finding", lead.post(t, fpath, url.Values{"status": {"open"}}), http.StatusForbidden)

	// Another consortium's exercise cannot be changed from this one.
	otherEx, err := ts.st.CreateExercise(ctx, store.System, store.Exercise{ConsortiumID: other, HeldOn: "2026-01-10", Title: "Theirs",
		MemberIDs: []int64{stranger}, Findings: []store.Finding{{Text: "Their finding"}}})
	if err != nil {
		t.Fatal(err)
	}
	theirs, _ := ts.st.ExercisesOfConsortium(ctx, other)
	wantStatus(t, "delete another consortium's exercise", coord.post(t, fmt.Sprintf("/consortium/exercises/%d/delete", otherEx), url.Values{"confirm": {"yes"}}),
		http.StatusNotFound)
	wantStatus(t, "mark another consortium's finding", coord.post(t, fmt.Sprintf("/consortium/findings/%d", theirs[0].Findings[0].ID),
		url.Values{"status": {"done"}}), http.StatusNotFound)
	if after, _ := ts.st.ExercisesOfConsortium(ctx, other); len(after) != 1 || after[0].Findings[0].Status != store.FindingOpen {
		t.Errorf("the other consortium's exercise changed: %+v", after)
	}

	// Deleting.
	del := fmt.Sprintf("/consortium/exercises/%d/delete", ex.ID)
	wantStatus(t, "delete without ticking the box", coord.post(t, del, url.Values{}), http.StatusUnprocessableEntity)
	if got, _ := ts.st.ExercisesOfConsortium(ctx, ts.consortium.ID); len(got) != before+1 {
		t.Errorf("an unconfirmed delete removed the exercise")
	}
	wantRedirect(t, "delete", coord.post(t, del, url.Values{"confirm": {"yes"}}), "/consortium/exercises")
	if got, _ := ts.st.ExercisesOfConsortium(ctx, ts.consortium.ID); len(got) != before {
		t.Errorf("%d exercises after deleting; want %d", len(got), before)
	}
	wantStatus(t, "delete again", coord.post(t, del, url.Values{"confirm": {"yes"}}), http.StatusNotFound)
	wantStatus(t, "delete exercise abc", coord.post(t, "/consortium/exercises/abc/delete", url.Values{}), http.StatusNotFound)
}

// Agreements behind a service: stored on good input, refused with the
// values on bad input, deleted; only coordinators of the consortium.
func TestServiceAgreements(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	coord := ts.signIn(t, coordinatorEmail)
	svc := ts.createTestService(t, "soc", "Regional SOC", store.ServiceLift{SubcategoryID: "DE.CM-09", Level: 6})
	base := fmt.Sprintf("/consortium/services/%d", svc)
	agreements := func() []store.Agreement {
		t.Helper()
		a, err := ts.st.AgreementsOfConsortium(ctx, ts.consortium.ID)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}

	res := coord.get(t, base+"/agreements/new")
	wantStatus(t, "new agreement", res, http.StatusOK)
	wantContains(t, "new agreement", res, "New agreement for Regional SOC", `<form id="agreement-form"`, `action="`+base+`/agreements"`)

	good := func() url.Values {
		return url.Values{"title": {"MOU for the regional SOC"}, "parties": {"The consortium; Cascade County (host)"}, "starts_on": {"2026-07-01"},
			"ends_on": {"2027-06-30"}, "renewal": {"Annual, 90 days' notice"}, "document_url": {"https://docs.example.org/soc-mou.pdf"}}
	}
	with := func(k, v string) url.Values {
		f := good()
		f.Set(k, v)
		return f
	}
	for _, tc := range []struct {
		name  string
		form  url.Values
		field string
		msg   string
	}{
		{"javascript URL", with("document_url", "javascript:alert(1)"), "agreement-document-url", "starting with https://"},
		{"data URL", with("document_url", "data:text/html,<script>alert(1)</script>"), "agreement-document-url", "starting with https://"},
		{"relative URL", with("document_url", "/files/mou.pdf"), "agreement-document-url", "starting with https://"},
		{"no host", with("document_url", "https://"), "agreement-document-url", "starting with https://"},
		{"long URL", with("document_url", "https://example.org/"+strings.Repeat("a", 2000)), "agreement-document-url", "too long"},
		{"ends before it starts", with("ends_on", "2026-06-30"), "agreement-ends-on", "cannot end before it starts"},
		{"bad start", with("starts_on", "2026-13-01"), "agreement-starts-on", "real date"},
		{"no start", with("starts_on", ""), "agreement-starts-on", "Enter the date"},
		{"no title", with("title", ""), "agreement-title", "Give the agreement a title"},
		{"long title", with("title", strings.Repeat("t", 201)), "agreement-title", "too long"},
		{"no parties", with("parties", ""), "agreement-parties", "parties"},
		{"long parties", with("parties", strings.Repeat("p", 501)), "agreement-parties", "too long"},
		{"long renewal", with("renewal", strings.Repeat("r", 101)), "agreement-renewal", "too long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := coord.post(t, base+"/agreements", tc.form)
			wantStatus(t, tc.name, res, http.StatusUnprocessableEntity)
			form := formHTML(t, res.body, "agreement-form")
			if got := errorBeside(t, form, tc.field); !strings.Contains(got, tc.msg) {
				t.Errorf("%s: error beside %s is %q; want %q", tc.name, tc.field, got, tc.msg)
			}
			wantContains(t, tc.name, res, "The agreement was not saved")
			if tc.field != "agreement-parties" && inputValue(t, form, "parties") != "The consortium; Cascade County (host)" {
				t.Errorf("%s: the parties are not kept", tc.name)
			}
			if strings.Contains(res.body, `href="javascript:`) || strings.Contains(res.body, "<script>alert") {
				t.Errorf("%s: the URL became a link or markup", tc.name)
			}
			if n := len(agreements()); n != 0 {
				t.Fatalf("%s: %d agreements stored; want none", tc.name, n)
			}
		})
	}

	res = coord.post(t, base+"/agreements", good())
	wantRedirect(t, "save agreement", res, base)
	list := agreements()
	if len(list) != 1 {
		t.Fatalf("%d agreements; want 1", len(list))
	}
	a := list[0]
	if a.ServiceID != svc || a.Title != "MOU for the regional SOC" || a.StartsOn != "2026-07-01" || a.EndsOn != "2027-06-30" ||
		a.DocumentURL != "https://docs.example.org/soc-mou.pdf" || a.Renewal != "Annual, 90 days' notice" {
		t.Errorf("stored %+v", a)
	}
	wantRedirect(t, "open-ended agreement", coord.post(t, base+"/agreements", with("ends_on", "")), base)
	if n := len(agreements()); n != 2 {
		t.Errorf("%d agreements after an open-ended one; want 2", n)
	}

	wantStatus(t, "agreement for an unknown service", coord.post(t, "/consortium/services/999999/agreements", good()), http.StatusNotFound)
	board := ts.signIn(t, boardEmail)
	wantStatus(t, "board adds an agreement", board.post(t, base+"/agreements", good()), http.StatusForbidden)
	wantStatus(t, "board deletes an agreement", board.post(t, fmt.Sprintf("/consortium/agreements/%d/delete", a.ID), url.Values{}), http.StatusForbidden)

	del := fmt.Sprintf("/consortium/agreements/%d/delete", a.ID)
	wantStatus(t, "delete agreement without ticking the box", coord.post(t, del, url.Values{}), http.StatusUnprocessableEntity)
	if n := len(agreements()); n != 2 {
		t.Errorf("%d agreements after an unconfirmed delete; want 2", n)
	}
	wantRedirect(t, "delete agreement", coord.post(t, del, url.Values{"confirm": {"yes"}}), base)
	if n := len(agreements()); n != 1 {
		t.Errorf("%d agreements after deleting one; want 1", n)
	}
	wantStatus(t, "delete again", coord.post(t, del, url.Values{"confirm": {"yes"}}), http.StatusNotFound)
}

// A certification made while reading an older cycle comes back to that
// cycle, not the current one.
func TestCertifyKeepsTheCycle(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	m := ts.member(t, eastgate)
	lead := ts.signIn(t, itEmail(eastgate))
	path := fmt.Sprintf("/members/%d/insurance?cycle=%d", m.ID, ts.prevCycle.ID)
	res := lead.get(t, path)
	wantStatus(t, "older cycle", res, http.StatusOK)
	wantContains(t, "older cycle", res, fmt.Sprintf(`action="/members/%d/insurance?cycle=%d"`, m.ID, ts.prevCycle.ID))
	res = lead.post(t, path, url.Values{"requirement": {"backups"}, "answer": {"no"}, "reason": {"Tape drive broke."}, "version": {"0"}})
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location(), path+"#") {
		t.Errorf("after certifying: %d to %q; want back to %s", res.status, res.location(), path)
	}
}
