package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"palisade/accounts"
	"palisade/demo"
	"palisade/pooling"
	"palisade/store"
)

// serviceByKey finds a demo service.
func (ts *testServer) service(t *testing.T, key string) store.Service {
	t.Helper()
	list, err := ts.st.ServicesOfConsortium(context.Background(), ts.consortium.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if s.Key == key {
			return s
		}
	}
	t.Fatalf("no demo service %q", key)
	return store.Service{}
}

// enrol ticks exactly these members on a service's page and saves, as a
// coordinator does (the form carries the enrolled set it showed).
func enrol(t *testing.T, b *browser, page string, ids ...int64) response {
	t.Helper()
	form := url.Values{"base": {inputValue(t, b.get(t, page).body, "base")}}
	for _, id := range ids {
		form.Add("member", strconv.FormatInt(id, 10))
	}
	return b.post(t, page+"/enrolments", form)
}

func enrolledIn(t *testing.T, ts *testServer, serviceID int64) map[int64]string {
	t.Helper()
	list, err := ts.st.EnrolmentsOfConsortium(context.Background(), ts.consortium.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]string{}
	for _, e := range list {
		if e.ServiceID == serviceID {
			out[e.MemberID] = e.State
		}
	}
	return out
}

// A coordinator enrols two towns in the shared MFA service, sees what it
// does to the consortium and who pays what; the towns' IT lead then sees
// the service on the assessment.
func TestEnrolMembersInService(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	coord := ts.signIn(t, coordinatorEmail)
	mfa := ts.service(t, "mfa-idp")
	mill, pine := ts.member(t, millbrook), ts.member(t, pineHollow)
	page := fmt.Sprintf("/consortium/services/%d", mfa.ID)

	res := coord.get(t, "/consortium/services")
	wantStatus(t, "services", res, http.StatusOK)
	wantContains(t, "services", res, mfa.Name, "Threat intelligence feed")

	res = coord.get(t, page)
	wantStatus(t, "MFA service", res, http.StatusOK)
	wantContains(t, "MFA service before", res, "asked to join", "Nobody takes part yet")

	res = enrol(t, coord, page, mill.ID, pine.ID)
	wantRedirect(t, "enrol", res, page)
	if got := enrolledIn(t, ts, mfa.ID); got[mill.ID] != store.EnrolmentEnrolled || got[pine.ID] != store.EnrolmentEnrolled || len(got) != 2 {
		t.Fatalf("enrolments after saving: %v", got)
	}
	res = coord.get(t, page)
	wantContains(t, "MFA service after", res, "2 members now take part", "lowest overall score would go from")
	// The effect table: Protect's lowest member rises (both towns are the
	// floor on MFA).
	_, effect, _ := strings.Cut(res.body, "Effect of this service alone")
	effect, _, _ = strings.Cut(effect, "</table>")
	if !strings.Contains(effect, "Protect") || !strings.Contains(effect, "(+") {
		t.Errorf("no projected change shown:\n%s", effect)
	}
	// Shared by staff: Millbrook (28) and Pine Hollow (9) split the cost
	// to the cent.
	total := pooling.CostModel{PerUser: mfa.PerUserCents, PerMember: mfa.PerMemberCents, Fixed: mfa.FixedCents, PerEndpoint: mfa.PerEndpointCents}.
		For([]pooling.Member{{Staff: 28}, {Staff: 9}})
	wantContains(t, "MFA total", res, money(total)+" a year")
	csvRes := coord.get(t, page+"/shares.csv")
	wantStatus(t, "shares CSV", csvRes, http.StatusOK)
	rows, err := csv.NewReader(strings.NewReader(csvRes.body)).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("shares CSV: %v %v", rows, err)
	}
	var sum int64
	for _, row := range rows[1:] {
		c, ok := parseDollars(row[2])
		if !ok {
			t.Fatalf("share %q", row[2])
		}
		sum += c
	}
	if sum != total {
		t.Errorf("shares sum to %d cents; the service costs %d", sum, total)
	}

	// The plan page counts the new enrolments.
	res = coord.get(t, "/consortium/pooling")
	wantStatus(t, "pooling", res, http.StatusOK)
	wantContains(t, "pooling", res, mfa.Name, "2 members")

	// The IT lead sees the service next to the questions it covers.
	lead := ts.signIn(t, itEmail(millbrook))
	res = lead.get(t, fmt.Sprintf("/members/%d/cycles/%d/categories/PR.AA", mill.ID, ts.cycle.ID))
	wantContains(t, "Millbrook's PR.AA", res, "Provided by the consortium&#39;s "+mfa.Name+" (level 6)")
	res = lead.get(t, fmt.Sprintf("/members/%d/services", mill.ID))
	wantStatus(t, "Millbrook's services", res, http.StatusOK)
	wantContains(t, "Millbrook's services", res, "Our share of the cost", mfa.Name)
	wantNotContains(t, "Millbrook's services", res, pine.Name)
}

func TestServiceFormRefusesBadInput(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	coord := ts.signIn(t, coordinatorEmail)
	before, _ := ts.st.ServicesOfConsortium(ctx, ts.consortium.ID)
	good := url.Values{"name": {"Regional SOC"}, "provider": {"Valley SOC"}, "provider_kind": {"vendor"}, "status": {"proposed"},
		"lifts": {"DE.CM-01 6\nDE.AE-02 5"}, "per_member": {"1,200.50"}, "share_rule": {"equal"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for key, vals := range good {
			f[key] = vals
		}
		f.Set(k, v)
		return f
	}
	for _, tc := range []struct {
		name      string
		form      url.Values
		message   string
		keepValue string
	}{
		{"negative cost", with("per_user", "-5"), "The cost per user cannot be negative.", "-5"},
		{"not a number", with("fixed", "lots"), "Enter an amount in dollars", "lots"},
		{"unknown subcategory", with("lifts", "DE.CM-01 6\nZZ.XX-99 5"), "Line 2: ZZ.XX-99 is not a", "ZZ.XX-99 5"},
		{"level outside the scale", with("lifts", "DE.CM-01 9"), "Line 1: 9 is not a level", "DE.CM-01 9"},
		{"unreadable line", with("lifts", "DE.CM-01"), "Line 1: write a subcategory and a level", "DE.CM-01"},
		{"no name", with("name", ""), "The name is required.", "Valley SOC"},
		{"blend not 100", with("share_rule", "blend"), "100", "Regional SOC"},
		{"hostile name", with("lifts", "XX 1"), "not a", "XX 1"},
	} {
		res := coord.post(t, "/consortium/services", tc.form)
		wantStatus(t, tc.name, res, http.StatusUnprocessableEntity)
		wantContains(t, tc.name, res, tc.message)
		if !strings.Contains(res.body, tc.keepValue) {
			t.Errorf("%s: the form lost the value %q", tc.name, tc.keepValue)
		}
	}
	res := coord.post(t, "/consortium/services", with("name", "<script>alert(1)</script>"))
	if res.status != http.StatusSeeOther {
		t.Fatalf("a hostile but valid name: %d; want it saved", res.status)
	}
	after, _ := ts.st.ServicesOfConsortium(ctx, ts.consortium.ID)
	if len(after) != len(before)+1 {
		t.Fatalf("services: %d before, %d after; want exactly the valid one added", len(before), len(after))
	}
	list := coord.get(t, "/consortium/services")
	wantNotContains(t, "list", list, "<script>alert(1)</script>")
	wantContains(t, "list", list, "&lt;script&gt;alert(1)&lt;/script&gt;")
}

func TestServiceEditConflict(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	coord := ts.signIn(t, coordinatorEmail)
	svc := ts.service(t, "edr")
	page := fmt.Sprintf("/consortium/services/%d", svc.ID)
	form := func(name string, version int) url.Values {
		return url.Values{"name": {name}, "provider_kind": {"vendor"}, "status": {"proposed"}, "lifts": {"DE.CM-09 5"},
			"per_endpoint": {"60"}, "share_rule": {"endpoints"}, "version": {strconv.Itoa(version)}}
	}
	wantRedirect(t, "first edit", coord.post(t, page, form("EDR (first)", svc.Version)), page)
	res := coord.post(t, page, form("EDR (second, stale)", svc.Version))
	wantStatus(t, "stale edit", res, http.StatusConflict)
	wantContains(t, "stale edit", res, "Someone else changed this service", "EDR (second, stale)")
	if got := ts.service(t, "edr"); got.Name != "EDR (first)" {
		t.Errorf("the stale edit overwrote the first: %q", got.Name)
	}
}

func TestEnrolmentRefusesOtherConsortium(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	other, err := ts.st.CreateConsortium(ctx, store.Consortium{Name: "Other", FrameworkID: ts.consortium.FrameworkID, ScaleID: ts.consortium.ScaleID, DefaultTarget: 5})
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := ts.st.CreateMember(ctx, store.System, store.Member{ConsortiumID: other, Name: "Stranger", Slug: "stranger", Kind: "county"})
	if err != nil {
		t.Fatal(err)
	}
	coord := ts.signIn(t, coordinatorEmail)
	svc := ts.service(t, "awareness-training")
	before := enrolledIn(t, ts, svc.ID)
	res := enrol(t, coord, fmt.Sprintf("/consortium/services/%d", svc.ID), ts.member(t, millbrook).ID, stranger)
	wantStatus(t, "enrol a stranger", res, http.StatusUnprocessableEntity)
	wantContains(t, "enrol a stranger", res, "not a member of this consortium")
	if after := enrolledIn(t, ts, svc.ID); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("enrolments changed: %v -> %v", before, after)
	}
	// Another consortium's service is not found.
	res = coord.get(t, fmt.Sprintf("/consortium/services/%d", 999999))
	wantStatus(t, "unknown service", res, http.StatusNotFound)
}

// A rule with nothing to divide by is explained, not a crash or a wrong
// split.
func TestShareRuleWithoutBasis(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	coord := ts.signIn(t, coordinatorEmail)
	svc := ts.service(t, "ir-retainer") // shared by population
	tribal := ts.member(t, "kettle-river-tribal-nation")
	noPop, err := ts.st.CreateMember(ctx, store.System, store.Member{ConsortiumID: ts.consortium.ID, Name: "911 Authority", Slug: "911-authority", Kind: "special-district"})
	if err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/consortium/services/%d", svc.ID)
	wantRedirect(t, "enrol", enrol(t, coord, page, noPop), page)
	res := coord.get(t, page)
	wantStatus(t, "no basis", res, http.StatusOK)
	wantContains(t, "no basis", res, "The cost cannot be shared: no member has a population entered; choose another rule.")
	wantStatus(t, "no-basis CSV", coord.get(t, page+"/shares.csv"), http.StatusUnprocessableEntity)

	wantRedirect(t, "enrol", enrol(t, coord, page, noPop, tribal.ID), page)
	res = coord.get(t, page)
	wantContains(t, "partly no basis", res, "911 Authority pay nothing under this rule")
}

func TestRequestToJoinService(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	mill := ts.member(t, millbrook)
	svc := ts.service(t, "immutable-backup")
	lead := ts.signIn(t, itEmail(millbrook))
	res := lead.get(t, fmt.Sprintf("/members/%d/services", mill.ID))
	wantContains(t, "suggested", res, svc.Name, "Ask to join", "(estimate, if it joined now)")
	res = lead.post(t, fmt.Sprintf("/members/%d/services/%d/request", mill.ID, svc.ID), url.Values{})
	wantRedirect(t, "request", res, fmt.Sprintf("/members/%d/services", mill.ID))
	if got := enrolledIn(t, ts, svc.ID); got[mill.ID] != store.EnrolmentRequested {
		t.Errorf("request not recorded: %v", got)
	}
	// Another member's IT lead cannot ask on Millbrook's behalf.
	other := ts.signIn(t, itEmail(eastgate))
	wantStatus(t, "request for another member", other.post(t, fmt.Sprintf("/members/%d/services/%d/request", mill.ID, svc.ID), url.Values{}), http.StatusForbidden)
}

func TestOptimiserPage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	coord := ts.signIn(t, coordinatorEmail)
	res := coord.get(t, "/consortium/pooling?plan=1&budget=60000")
	wantStatus(t, "plans", res, http.StatusOK)
	wantContains(t, "plans", res, "Plan 1:", "members helped")
	res = coord.get(t, "/consortium/pooling?plan=1&budget=lots")
	wantContains(t, "bad budget", res, "Enter the budget in dollars", "lots")
	res = coord.get(t, "/consortium/pooling?plan=1&budget=10&choice-mdr-soc=pin")
	wantContains(t, "pinned over budget", res, "The plans were not computed", "Managed detection and response (regional security operations centre) $")
	wantNotContains(t, "pinned over budget", res, "optimise:")
}

// The default list goes into an empty catalogue in one piece, and only
// into an empty one.
func TestAddDefaultServices(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	coord := ts.signIn(t, coordinatorEmail)
	list, _ := ts.st.ServicesOfConsortium(ctx, ts.consortium.ID)
	wantRedirect(t, "defaults with services", coord.post(t, "/consortium/services/defaults", url.Values{}), "/consortium/services")
	if again, _ := ts.st.ServicesOfConsortium(ctx, ts.consortium.ID); len(again) != len(list) {
		t.Fatalf("the default list was added to a catalogue that had services: %d -> %d", len(list), len(again))
	}
	for _, s := range list {
		if err := ts.st.DeleteService(ctx, store.System, ts.consortium.ID, s.ID); err != nil {
			t.Fatal(err)
		}
	}
	wantRedirect(t, "defaults", coord.post(t, "/consortium/services/defaults", url.Values{}), "/consortium/services")
	got, _ := ts.st.ServicesOfConsortium(ctx, ts.consortium.ID)
	if len(got) != len(pooling.DefaultServices()) {
		t.Fatalf("%d services after adding the defaults; want %d", len(got), len(pooling.DefaultServices()))
	}
	for _, s := range got {
		if s.Status != pooling.StatusProposed {
			t.Errorf("%s added as %s; defaults are proposals", s.Key, s.Status)
		}
	}
}

// Choosing a sharing rule the members taking part have no figures for is
// refused on the form, and the service keeps its rule.
func TestShareRuleRefusedWithoutBasis(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	coord := ts.signIn(t, coordinatorEmail)
	svc := ts.service(t, "tabletop") // equal shares
	noPop, err := ts.st.CreateMember(ctx, store.System, store.Member{ConsortiumID: ts.consortium.ID, Name: "911 Authority", Slug: "911-authority", Kind: "special-district"})
	if err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/consortium/services/%d", svc.ID)
	wantRedirect(t, "enrol", enrol(t, coord, page, noPop), page)
	form := formOfService(ts.service(t, "tabletop"))
	post := url.Values{"version": {strconv.Itoa(form.version)}}
	for k, v := range form.vals {
		post.Set(k, v)
	}
	post.Set("share_rule", "population")
	res := coord.post(t, page, post)
	wantStatus(t, "population rule without populations", res, http.StatusUnprocessableEntity)
	wantContains(t, "population rule without populations", res, "cannot share the cost this way: no member has a population entered")
	if got := ts.service(t, "tabletop"); got.ShareRule != "equal" || got.Version != svc.Version {
		t.Errorf("the refused rule was saved: %q version %d", got.ShareRule, got.Version)
	}
	post.Set("share_rule", "equal")
	wantRedirect(t, "equal shares", coord.post(t, page, post), page)
}

// Deleting a service takes its enrolments and agreements with it, so it
// needs the box ticked.
func TestDeleteServiceNeedsConfirmation(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	coord := ts.signIn(t, coordinatorEmail)
	svc := ts.service(t, "threat-intel")
	del := fmt.Sprintf("/consortium/services/%d/delete", svc.ID)
	wantStatus(t, "delete without ticking", coord.post(t, del, url.Values{}), http.StatusUnprocessableEntity)
	if len(enrolledIn(t, ts, svc.ID)) != 12 {
		t.Fatalf("an unconfirmed delete touched the enrolments")
	}
	wantRedirect(t, "delete", coord.post(t, del, url.Values{"confirm": {"yes"}}), "/consortium/services")
	if got := enrolledIn(t, ts, svc.ID); len(got) != 0 {
		t.Errorf("enrolments left after deleting the service: %v", got)
	}
	wantStatus(t, "the deleted service", coord.get(t, fmt.Sprintf("/consortium/services/%d", svc.ID)), http.StatusNotFound)
}

// Two coordinators edit who takes part: the second save, made on the page
// as it was before the first, is refused and undoes nothing.
func TestEnrolmentConflict(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	a, b := ts.signIn(t, coordinatorEmail), ts.signIn(t, coordinatorEmail)
	svc := ts.service(t, "mfa-idp")
	page := fmt.Sprintf("/consortium/services/%d", svc.ID)
	mill, pine := ts.member(t, millbrook), ts.member(t, pineHollow)
	stale := inputValue(t, b.get(t, page).body, "base")
	wantRedirect(t, "first coordinator", enrol(t, a, page, mill.ID), page)
	res := b.post(t, page+"/enrolments", url.Values{"base": {stale}, "member": {strconv.FormatInt(pine.ID, 10)}})
	wantStatus(t, "second coordinator", res, http.StatusConflict)
	wantContains(t, "second coordinator", res, "Someone else changed who takes part", mill.Name)
	if got := enrolledIn(t, ts, svc.ID); got[mill.ID] != store.EnrolmentEnrolled || got[pine.ID] == store.EnrolmentEnrolled {
		t.Errorf("the stale save changed the enrolments: %v", got)
	}
	// The refused form keeps the second coordinator's tick; saving it
	// again, knowingly, works.
	if !strings.Contains(res.body, fmt.Sprintf(`name="member" value="%d" checked`, pine.ID)) {
		t.Errorf("the refused form lost the tick on %s", pine.Name)
	}
	retry := url.Values{"base": {inputValue(t, res.body, "base")}, "member": {strconv.FormatInt(pine.ID, 10)}}
	wantRedirect(t, "saving again", b.post(t, page+"/enrolments", retry), page)
}

// Services can be set up before the first assessment cycle is opened: the
// pages work on the members without answers.
func TestServicesBeforeTheFirstCycle(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	cid, err := ts.st.CreateConsortium(ctx, store.Consortium{Name: "Lakeshore", FrameworkID: ts.consortium.FrameworkID, ScaleID: ts.consortium.ScaleID, DefaultTarget: 5})
	if err != nil {
		t.Fatal(err)
	}
	act := store.Actor{Email: "system", ConsortiumID: cid}
	mid, err := ts.st.CreateMember(ctx, act, store.Member{ConsortiumID: cid, Name: "Lakeshore Village", Slug: "lakeshore-village", Kind: "municipality", Staff: 12})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := accounts.HashPassword(demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.st.CreateUser(ctx, act, store.User{Email: "coordinator@lakeshore.gov", Name: "Lakeshore Coordinator", PasswordHash: hash},
		[]accounts.Grant{{ConsortiumID: cid, Role: accounts.Coordinator}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.st.CreateUser(ctx, act, store.User{Email: "it@lakeshore.gov", Name: "Lakeshore IT", PasswordHash: hash},
		[]accounts.Grant{{ConsortiumID: cid, Role: accounts.ITLead, MemberID: mid}}); err != nil {
		t.Fatal(err)
	}
	coord := ts.signIn(t, "coordinator@lakeshore.gov")
	res := coord.post(t, "/consortium/services", url.Values{"name": {"Shared MFA"}, "provider_kind": {"vendor"}, "status": {"active"},
		"lifts": {"PR.AA-03 6"}, "per_user": {"60"}, "share_rule": {"users"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("create a service before any cycle: %d\n%s", res.status, res.text())
	}
	page := res.location()
	wantStatus(t, "service page before any cycle", coord.get(t, page), http.StatusOK)
	wantRedirect(t, "enrol before any cycle", enrol(t, coord, page, mid), page)
	wantContains(t, "shares before any cycle", coord.get(t, page), "$720.00")
	wantStatus(t, "plan page before any cycle", coord.get(t, "/consortium/pooling"), http.StatusOK)
	lead := ts.signIn(t, "it@lakeshore.gov")
	res = lead.get(t, fmt.Sprintf("/members/%d/services", mid))
	wantStatus(t, "member's services before any cycle", res, http.StatusOK)
	wantContains(t, "member's services before any cycle", res, "Shared MFA", "$720.00")
}
