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

	"palisade/accounts"
	"palisade/demo"
	"palisade/store"
)

func TestAddMember(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	coord := ts.signIn(t, coordinatorEmail)
	wantStatus(t, "members page", coord.get(t, "/admin/members"), http.StatusOK)
	count := func() int {
		list, err := ts.st.MembersOfConsortium(ctx, ts.consortium.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	before := count()

	good := url.Values{"name": {"Town of Westbrook"}, "kind": {"municipality"}, "population": {"4,200"}, "staff": {"31"},
		"it_budget": {"$55,000"}, "contact_name": {"Robin Ellis"}, "contact_email": {"robin@westbrook.gov"}}
	bad := []struct {
		name   string
		change url.Values
		field  string // id of the field with the message
		want   string
		kept   []string // values that must come back in the form
	}{
		{"empty name", url.Values{"name": {"  "}}, "name-error", "Enter the member's name.", []string{`value="4,200"`, `value="Robin Ellis"`, `value="robin@westbrook.gov"`}},
		{"bad kind", url.Values{"kind": {"castle"}}, "kind-error", "Choose what kind", []string{`value="Town of Westbrook"`, `value="$55,000"`}},
		{"population not a number", url.Values{"population": {"abc"}}, "population-error", "Enter a whole number", []string{`value="abc"`, `value="Town of Westbrook"`, `<option value="municipality" selected>`}},
		{"negative staff", url.Values{"staff": {"-3"}}, "staff-error", "Enter a whole number", []string{`value="-3"`}},
		{"name taken", url.Values{"name": {"Town of Millbrook"}}, "name-error", "already exists", []string{`value="Town of Millbrook"`}},
		{"name without letters", url.Values{"name": {"!!!"}}, "name-error", "at least one letter", nil},
		{"bad contact email", url.Values{"contact_email": {"robin at westbrook"}}, "contact_email-error", "Enter an email address", []string{`value="robin at westbrook"`}},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			form := url.Values{}
			for k, v := range good {
				form[k] = v
			}
			for k, v := range c.change {
				form[k] = v
			}
			res := coord.post(t, "/admin/members", form)
			wantStatus(t, c.name, res, http.StatusUnprocessableEntity)
			m := regexp.MustCompile(`<p class="field-error" id="` + c.field + `" role="alert">([^<]*)</p>`).FindStringSubmatch(res.body)
			if m == nil || !strings.Contains(htmlUnescape(m[1]), c.want) {
				t.Errorf("message %q beside the field; want %q\n%s", m, c.want, res.text())
			}
			wantContains(t, c.name, res, "The member was not added.")
			wantContains(t, c.name, res, c.kept...)
			if n := count(); n != before {
				t.Errorf("%d members after a refused form; want %d", n, before)
			}
		})
	}

	res := coord.post(t, "/admin/members", good)
	wantRedirect(t, "add member", res, "/admin/members")
	wantContains(t, "members page", coord.get(t, "/admin/members"), "Town of Westbrook has been added.")
	m, err := ts.st.MemberBySlug(ctx, ts.consortium.ID, "town-of-westbrook")
	if err != nil {
		t.Fatal(err)
	}
	if m.Population != 4200 || m.Staff != 31 || m.ITBudget != 55000 || m.Kind != "municipality" || m.ContactEmail != "robin@westbrook.gov" {
		t.Errorf("stored member %+v", m)
	}
	// The new member can be opened, and has not started.
	res = coord.get(t, fmt.Sprintf("/members/%d", m.ID))
	wantRedirect(t, "new member", res, cyclePath(m.ID, ts.cycle.ID))
	wantStatus(t, "new member's assessment", coord.get(t, cyclePath(m.ID, ts.cycle.ID)), http.StatusOK)
	if ev := ts.audit(t, "member.create"); len(ev) == 0 || ev[0].Target != "Town of Westbrook" || ev[0].Actor != coordinatorEmail {
		t.Errorf("member.create events %+v", ev)
	}
}

func TestSettings(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	coord := ts.signIn(t, coordinatorEmail)

	res := coord.get(t, "/admin/settings")
	wantStatus(t, "settings page", res, http.StatusOK)
	version := inputValue(t, res.body, "version")

	// Two coordinators opened the page; the first one saves.
	wantRedirect(t, "save settings", coord.post(t, "/admin/settings", url.Values{"name": {"Cascade Valley Consortium"}, "default_target": {"6"},
		"share_names": {"1"}, "version": {version}}), "/admin/settings")
	c, err := ts.st.ConsortiumByID(ctx, ts.consortium.ID)
	if err != nil || c.Name != "Cascade Valley Consortium" || c.DefaultTarget != 6 || !c.ShareNames || c.RequireTOTP {
		t.Fatalf("settings after saving %+v, %v", c, err)
	}
	wantContains(t, "settings page", coord.get(t, "/admin/settings"), "Settings saved.")

	// The second one saves from the old page: refused, their values shown.
	res = coord.post(t, "/admin/settings", url.Values{"name": {"Old Name"}, "default_target": {"4"}, "version": {version}})
	wantStatus(t, "stale settings", res, http.StatusConflict)
	wantContains(t, "stale settings", res, "Another coordinator changed these settings", `value="Cascade Valley Consortium"`, `<option value="6" selected>`)
	if got := inputValue(t, res.body, "version"); got != strconv.Itoa(c.Version) {
		t.Errorf("version %q in the refreshed form; want %d", got, c.Version)
	}
	if after, _ := ts.st.ConsortiumByID(ctx, ts.consortium.ID); after != c {
		t.Errorf("stale save changed the settings: %+v", after)
	}

	res = coord.post(t, "/admin/settings", url.Values{"name": {"X"}, "default_target": {"12"}, "version": {strconv.Itoa(c.Version)}})
	wantStatus(t, "target outside the scale", res, http.StatusUnprocessableEntity)
	wantContains(t, "target outside the scale", res, "Choose a level from the list.")
	res = coord.post(t, "/admin/settings", url.Values{"name": {""}, "default_target": {"5"}, "version": {strconv.Itoa(c.Version)}})
	wantStatus(t, "empty name", res, http.StatusUnprocessableEntity)
	wantContains(t, "empty name", res, "Enter the consortium&#39;s name.")
	wantStatus(t, "tampered version", coord.post(t, "/admin/settings", url.Values{"name": {"X"}, "default_target": {"5"}, "version": {"abc"}}),
		http.StatusBadRequest)
	if after, _ := ts.st.ConsortiumByID(ctx, ts.consortium.ID); after != c {
		t.Errorf("refused saves changed the settings: %+v", after)
	}
	if ev := ts.audit(t, "settings.save"); len(ev) != 1 {
		t.Errorf("%d settings.save events; want 1", len(ev))
	}
}

// auditRows returns the actor and action of each row of the audit page.
func auditRows(t *testing.T, res response) [][2]string {
	t.Helper()
	var out [][2]string
	for _, m := range regexp.MustCompile(`<tr><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td>`).FindAllStringSubmatch(res.body, -1) {
		out = append(out, [2]string{htmlUnescape(m[1]), htmlUnescape(m[2])})
	}
	return out
}

func TestAuditLogPage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	coord := ts.signIn(t, coordinatorEmail)
	lead := ts.signIn(t, itEmail(eastgate))
	m := ts.member(t, eastgate)
	a := ts.assessment(t, m.ID, ts.cycle.ID)
	v := ts.answers(t, a.ID)["PR.AA-01"].Version
	wantRedirect(t, "save an answer", lead.post(t, cyclePath(m.ID, ts.cycle.ID)+"/answers/PR.AA-01",
		url.Values{"version": {strconv.Itoa(v)}, "choice": {"tested"}}), cyclePath(m.ID, ts.cycle.ID)+"/categories/PR.AA")

	// Another consortium's events never show.
	other, err := ts.st.CreateConsortium(ctx, store.Consortium{Name: "Other Consortium"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.st.CreateUser(ctx, store.Actor{Email: "system", ConsortiumID: other}, store.User{Email: "stranger@other.gov", Name: "Stranger"},
		[]accounts.Grant{{ConsortiumID: other, Role: accounts.Coordinator}}); err != nil {
		t.Fatal(err)
	}

	res := coord.get(t, "/admin/audit")
	wantStatus(t, "audit log", res, http.StatusOK)
	all := auditRows(t, res)
	actions := map[string]bool{}
	for _, r := range all {
		actions[r[1]] = true
	}
	for _, want := range []string{"answer.save", "answer.import", "member.create", "account.create"} {
		if !actions[want] {
			t.Errorf("unfiltered audit log has no %s", want)
		}
	}
	wantNotContains(t, "audit log", res, "stranger@other.gov")

	res = coord.get(t, "/admin/audit?action=answer.")
	wantStatus(t, "audit log of answers", res, http.StatusOK)
	rows := auditRows(t, res)
	if len(rows) == 0 {
		t.Fatal("no answer events in the filtered audit log")
	}
	var sawSave bool
	for _, r := range rows {
		if !strings.HasPrefix(r[1], "answer.") {
			t.Errorf("filter action=answer. shows %q", r[1])
		}
		sawSave = sawSave || (r[1] == "answer.save" && r[0] == itEmail(eastgate))
	}
	if !sawSave {
		t.Errorf("filtered audit log lacks the IT lead's answer.save")
	}
	if got := inputValue(t, res.body, "action"); got != "answer." {
		t.Errorf("action filter field %q; want it kept", got)
	}

	res = coord.get(t, "/admin/audit?actor="+url.QueryEscape(itEmail(eastgate))+"&member="+strconv.FormatInt(m.ID, 10))
	rows = auditRows(t, res)
	if len(rows) == 0 {
		t.Fatal("no events for the IT lead and member")
	}
	for _, r := range rows {
		if r[0] != itEmail(eastgate) {
			t.Errorf("filter actor shows %q", r[0])
		}
	}
	// LIKE wildcards in a filter are matched literally.
	if rows := auditRows(t, coord.get(t, "/admin/audit?action=%25")); len(rows) != 0 {
		t.Errorf("filter action=%% shows %d events; want none", len(rows))
	}

	wantStatus(t, "IT lead opens the audit log", lead.get(t, "/admin/audit"), http.StatusForbidden)
	wantStatus(t, "IT lead filters the audit log", lead.get(t, "/admin/audit?action=login."), http.StatusForbidden)
}

func TestCoordinatorsStayInTheirConsortium(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	coord := ts.signIn(t, coordinatorEmail)

	// A second consortium with its own coordinator and member.
	other, err := ts.st.CreateConsortium(ctx, store.Consortium{Name: "Lakeshore Cyber Consortium"})
	if err != nil {
		t.Fatal(err)
	}
	act := store.Actor{Email: "system", ConsortiumID: other}
	otherMember, err := ts.st.CreateMember(ctx, act, store.Member{ConsortiumID: other, Name: "Town of Lakeshore", Slug: "town-of-lakeshore", Kind: "municipality"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.st.CreateCycle(ctx, store.Cycle{ConsortiumID: other, Name: "FY2026"}); err != nil {
		t.Fatal(err)
	}
	hash, err := accounts.HashPassword(demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	strangerID, err := ts.st.CreateUser(ctx, act, store.User{Email: "coordinator@lakeshore.gov", Name: "Lakeshore Coordinator", PasswordHash: hash},
		[]accounts.Grant{{ConsortiumID: other, Role: accounts.Coordinator}})
	if err != nil {
		t.Fatal(err)
	}

	for _, action := range []string{"disable", "reset", "enable"} {
		res := coord.post(t, fmt.Sprintf("/admin/accounts/%d/%s", strangerID, action), url.Values{})
		wantStatus(t, action+" an account of another consortium", res, http.StatusForbidden)
	}
	if u := ts.user(t, "coordinator@lakeshore.gov"); u.Disabled {
		t.Errorf("a coordinator disabled an account of another consortium")
	}
	if n := len(ts.audit(t, "token.reset")); n != 0 {
		t.Errorf("a reset link was made for an account of another consortium")
	}
	wantStatus(t, "disable an account that does not exist", coord.post(t, "/admin/accounts/999999/disable", url.Values{}), http.StatusForbidden)
	wantStatus(t, "disable an account named by text", coord.post(t, "/admin/accounts/abc/disable", url.Values{}), http.StatusNotFound)
	wantNotContains(t, "accounts page", coord.get(t, "/admin/accounts"), "coordinator@lakeshore.gov")

	// Invitations cannot point at another consortium's member.
	res := coord.post(t, "/admin/invitations", url.Values{"email": {"sneaky@lakeshore.gov"}, "role": {"it_lead"}, "member": {strconv.FormatInt(otherMember, 10)}})
	wantStatus(t, "invite to another consortium's member", res, http.StatusUnprocessableEntity)
	wantContains(t, "invite to another consortium's member", res, "Choose a member from the list.")
	if n := len(ts.audit(t, "token.invite")); n != 0 {
		t.Errorf("an invitation to another consortium's member was created")
	}

	// The other coordinator sees none of the demo consortium.
	stranger := ts.signIn(t, "coordinator@lakeshore.gov")
	mb := ts.member(t, millbrook)
	for _, path := range []string{fmt.Sprintf("/members/%d", mb.ID), cyclePath(mb.ID, ts.cycle.ID), cyclePath(mb.ID, ts.cycle.ID) + "/results"} {
		wantStatus(t, "other coordinator opens "+path, stranger.get(t, path), http.StatusForbidden)
	}
	wantStatus(t, "other coordinator reopens a demo assessment", stranger.post(t, cyclePath(mb.ID, ts.cycle.ID)+"/reopen", url.Values{}),
		http.StatusForbidden)
	if got := ts.assessment(t, mb.ID, ts.cycle.ID); got.Status != "submitted" {
		t.Errorf("Millbrook's assessment is %s after another consortium's coordinator reopened it", got.Status)
	}
	res = stranger.get(t, "/consortium")
	wantStatus(t, "other coordinator's consortium", res, http.StatusOK)
	wantContains(t, "other coordinator's consortium", res, "Town of Lakeshore")
	wantNotContains(t, "other coordinator's consortium", res, "Town of Millbrook")
	u := ts.user(t, itEmail(millbrook))
	wantStatus(t, "other coordinator disables a demo account", stranger.post(t, fmt.Sprintf("/admin/accounts/%d/disable", u.ID), url.Values{}),
		http.StatusForbidden)
	if ts.user(t, itEmail(millbrook)).Disabled {
		t.Errorf("another consortium's coordinator disabled a demo account")
	}
}

// Sign-ins, failed ones above all, are what a coordinator looks for in the
// audit log after a suspected break-in.
func TestAuditLogShowsSignIns(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	wantStatus(t, "wrong password", ts.newBrowser(t).post(t, "/login", url.Values{"email": {itEmail(harbor)}, "password": {"not it at all"}}),
		http.StatusUnauthorized)
	lead := ts.signIn(t, itEmail(eastgate))
	wantRedirect(t, "sign out", lead.post(t, "/logout", url.Values{}), "/login")
	coord := ts.signIn(t, coordinatorEmail)

	rows := auditRows(t, coord.get(t, "/admin/audit?action=login."))
	seen := map[[2]string]bool{}
	for _, r := range rows {
		seen[r] = true
	}
	for _, want := range [][2]string{{itEmail(harbor), "login.fail"}, {itEmail(eastgate), "login.ok"}, {coordinatorEmail, "login.ok"}} {
		if !seen[want] {
			t.Errorf("audit log filtered on login. lacks %s by %s; has %v", want[1], want[0], rows)
		}
	}
	if rows := auditRows(t, coord.get(t, "/admin/audit?action=logout")); len(rows) != 1 || rows[0][0] != itEmail(eastgate) {
		t.Errorf("audit log filtered on logout: %v", rows)
	}
}
