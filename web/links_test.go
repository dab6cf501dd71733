package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"palisade/assessments"
	"palisade/store"
)

const (
	cascadeCounty = "cascade-county"
	kettleRiver   = "kettle-river-tribal-nation"
)

// links returns the links of the test server's consortium.
func (ts *testServer) links(t *testing.T) []store.Link {
	t.Helper()
	l, err := ts.st.LinksOfConsortium(context.Background(), ts.consortium.ID)
	if err != nil {
		t.Fatalf("links: %v", err)
	}
	return l
}

// graphOptions returns the parsed options of the interconnection graph.
func graphOptions(t *testing.T, body string) map[string]any {
	t.Helper()
	m := regexp.MustCompile(`(?s)<script[^>]*id="links-graph-options"[^>]*>(.*?)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no links-graph-options data block on the page")
	}
	var opts map[string]any
	if err := json.Unmarshal([]byte(m[1]), &opts); err != nil {
		t.Fatalf("graph options are not JSON: %v\n%s", err, m[1])
	}
	return opts
}

// The coordinator sees the demo's links as a graph and tables, adds a
// link, sees it, and deletes it; both are audited.
func TestCoordinatorRecordsLinks(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	coord := ts.signIn(t, coordinatorEmail)
	before := len(ts.links(t))
	if before == 0 {
		t.Fatalf("the demo has no links")
	}

	res := coord.get(t, "/consortium/links")
	wantStatus(t, "links", res, http.StatusOK)
	wantContains(t, "links", res, `id="links-graph-options"`, `data-chart="links-graph-options"`, "Exposure per member", "Blast radius",
		"blast radius × weakness", "Consolidated 911 dispatch", "Add a link", `<form id="link-form"`, `href="/consortium/links"`, "From Town of Millbrook")
	opts := graphOptions(t, res.body)
	series := opts["series"].([]any)[0].(map[string]any)
	if series["type"] != "graph" {
		t.Errorf("series type %v; want graph", series["type"])
	}
	if n := len(series["data"].([]any)); n != 12 {
		t.Errorf("%d nodes; want the 12 demo members", n)
	}
	if n := len(series["links"].([]any)); n != before {
		t.Errorf("%d edges; want the %d demo links", n, before)
	}
	var arrows int
	for _, l := range series["links"].([]any) {
		if sym := l.(map[string]any)["symbol"].([]any); sym[1] == "arrow" {
			arrows++
		}
	}
	if arrows == 0 {
		t.Errorf("no edge has an arrow; the demo's water authority feed is one way")
	}
	wantStatus(t, "links of the previous cycle", coord.get(t, fmt.Sprintf("/consortium/links?cycle=%d", ts.prevCycle.ID)), http.StatusOK)
	wantStatus(t, "links of an unknown cycle", coord.get(t, "/consortium/links?cycle=99999"), http.StatusNotFound)

	harbor, kettle := ts.member(t, harbor), ts.member(t, kettleRiver)
	res = coord.post(t, "/consortium/links", url.Values{"from": {strconv.FormatInt(harbor.ID, 10)}, "to": {strconv.FormatInt(kettle.ID, 10)},
		"kind": {assessments.LinkDataExchange}, "criticality": {"3"}, "directed": {"1"}, "note": {"Tide and vessel feed"}})
	wantRedirect(t, "add a link", res, "/consortium/links")
	after := ts.links(t)
	if len(after) != before+1 {
		t.Fatalf("%d links after adding one; want %d", len(after), before+1)
	}
	added := after[len(after)-1]
	want := assessments.Link{From: harbor.ID, To: kettle.ID, Kind: assessments.LinkDataExchange, Criticality: 3, Directed: true}
	if added.Link != want || added.Note != "Tide and vessel feed" || added.ConsortiumID != ts.consortium.ID {
		t.Errorf("stored %+v; want %+v with its note", added, want)
	}
	if ev := ts.audit(t, "link.create"); len(ev) == 0 {
		t.Errorf("adding a link was not audited")
	}
	res = coord.get(t, "/consortium/links")
	wantContains(t, "links after adding", res, "Link added", "Tide and vessel feed", "One way, from Harbor Port District to Kettle River Tribal Nation",
		fmt.Sprintf(`action="/consortium/links/%d/delete"`, added.ID))
	if n := len(graphOptions(t, res.body)["series"].([]any)[0].(map[string]any)["links"].([]any)); n != before+1 {
		t.Errorf("%d edges after adding a link; want %d", n, before+1)
	}

	res = coord.post(t, fmt.Sprintf("/consortium/links/%d/delete", added.ID), url.Values{})
	wantRedirect(t, "delete a link", res, "/consortium/links")
	if n := len(ts.links(t)); n != before {
		t.Errorf("%d links after deleting; want %d", n, before)
	}
	if ev := ts.audit(t, "link.delete"); len(ev) != 1 {
		t.Errorf("%d link.delete audit events; want 1", len(ev))
	}
	wantContains(t, "links after deleting", coord.get(t, "/consortium/links"), "Link deleted")
	wantStatus(t, "delete it again", coord.post(t, fmt.Sprintf("/consortium/links/%d/delete", added.ID), url.Values{}), http.StatusNotFound)
	wantStatus(t, "delete link abc", coord.post(t, "/consortium/links/abc/delete", url.Values{}), http.StatusNotFound)
	wantStatus(t, "delete link 0", coord.post(t, "/consortium/links/0/delete", url.Values{}), http.StatusNotFound)

	// A link of another consortium cannot be deleted from this one.
	ctx := context.Background()
	other, err := ts.st.CreateConsortium(ctx, store.Consortium{Name: "Elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	var otherIDs []int64
	for _, name := range []string{"Far Town", "Far County"} {
		id, err := ts.st.CreateMember(ctx, store.System, store.Member{ConsortiumID: other, Name: name, Slug: store.Slug(name), Kind: "municipality"})
		if err != nil {
			t.Fatal(err)
		}
		otherIDs = append(otherIDs, id)
	}
	otherLink, err := ts.st.CreateLink(ctx, store.System, store.Link{ConsortiumID: other,
		Link: assessments.Link{From: otherIDs[0], To: otherIDs[1], Kind: assessments.LinkVPN, Criticality: 2}})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "delete another consortium's link", coord.post(t, fmt.Sprintf("/consortium/links/%d/delete", otherLink), url.Values{}), http.StatusNotFound)
	if l, _ := ts.st.LinksOfConsortium(ctx, other); len(l) != 1 {
		t.Errorf("the other consortium has %d links; want its 1, untouched", len(l))
	}
}

// A refused link is shown again with its values and the reason beside the
// field, and nothing is stored.
func TestBadLinksAreRefused(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	coord := ts.signIn(t, coordinatorEmail)
	a, b := strconv.FormatInt(ts.member(t, harbor).ID, 10), strconv.FormatInt(ts.member(t, kettleRiver).ID, 10)

	other, err := ts.st.CreateConsortium(ctx, store.Consortium{Name: "Elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := ts.st.CreateMember(ctx, store.System, store.Member{ConsortiumID: other, Name: "Far Town", Slug: "far-town", Kind: "municipality"})
	if err != nil {
		t.Fatal(err)
	}
	strangerID := strconv.FormatInt(stranger, 10)

	good := func() url.Values {
		return url.Values{"from": {a}, "to": {b}, "kind": {assessments.LinkVPN}, "criticality": {"2"}, "note": {"Kept note"}, "directed": {"1"}}
	}
	with := func(k, v string) url.Values {
		f := good()
		f.Set(k, v)
		return f
	}
	before := len(ts.links(t))
	auditBefore := len(ts.audit(t, "link."))
	for _, tc := range []struct {
		name  string
		form  url.Values
		field string // the field whose error is shown
		msg   string
	}{
		{"self link", with("to", a), "link-to", "cannot be linked to itself"},
		{"member of another consortium (to)", with("to", strangerID), "link-to", "member of this consortium"},
		{"member of another consortium (from)", with("from", strangerID), "link-from", "member of this consortium"},
		{"unknown member", with("to", "999999"), "link-to", "member of this consortium"},
		{"non-numeric from", with("from", "abc"), "link-from", "member of this consortium"},
		{"non-numeric to", with("to", "1; DROP TABLE links"), "link-to", "member of this consortium"},
		{"missing from", with("from", ""), "link-from", "Choose the member"},
		{"unknown kind", with("kind", "carrier-pigeon"), "link-kind", "kind of link"},
		{"missing kind", with("kind", ""), "link-kind", "kind of link"},
		{"criticality 0", with("criticality", "0"), "link-criticality", "from 1 to 3"},
		{"criticality 4", with("criticality", "4"), "link-criticality", "from 1 to 3"},
		{"criticality -1", with("criticality", "-1"), "link-criticality", "from 1 to 3"},
		{"criticality high", with("criticality", "high"), "link-criticality", "from 1 to 3"},
		{"note too long", with("note", strings.Repeat("n", 501)), "link-note", "too long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := coord.post(t, "/consortium/links", tc.form)
			wantStatus(t, tc.name, res, http.StatusUnprocessableEntity)
			form := formHTML(t, res.body, "link-form")
			errRE := regexp.MustCompile(`id="` + tc.field + `-error"[^>]*>([^<]*)<`)
			m := errRE.FindStringSubmatch(form)
			if m == nil || !strings.Contains(htmlUnescape(m[1]), tc.msg) {
				t.Errorf("%s: no error %q beside %s; errors: %v", tc.name, tc.msg, tc.field, regexp.MustCompile(`field-error[^>]*>[^<]*`).FindAllString(form, -1))
			}
			wantContains(t, tc.name, res, "The link was not added")
			// The values are kept.
			if tc.field != "link-note" {
				if got := inputValue(t, form, "note"); got != "Kept note" {
					t.Errorf("%s: note re-shown as %q; want the value sent", tc.name, got)
				}
			}
			if !strings.Contains(form, `name="directed" value="1" checked`) {
				t.Errorf("%s: the one-way box is not ticked any more", tc.name)
			}
			if tc.field != "link-kind" && !strings.Contains(form, `<option value="vpn" selected>`) {
				t.Errorf("%s: the chosen kind is not selected any more", tc.name)
			}
			if n := len(ts.links(t)); n != before {
				t.Fatalf("%s: %d links; want %d, nothing stored", tc.name, n, before)
			}
		})
	}
	if n := len(ts.audit(t, "link.")); n != auditBefore {
		t.Errorf("refused links left %d audit events; want none", n-auditBefore)
	}
	// An empty form names every field.
	res := coord.post(t, "/consortium/links", url.Values{})
	wantStatus(t, "empty form", res, http.StatusUnprocessableEntity)
	wantContains(t, "empty form", res, `id="link-from-error"`, `id="link-to-error"`, `id="link-kind-error"`, `id="link-criticality-error"`)
	if n := len(ts.links(t)); n != before {
		t.Errorf("%d links after refused forms; want %d", n, before)
	}
}

// Board officials of the whole consortium read the links but cannot change
// them; IT leads cannot see them.
func TestLinksAccess(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	links := ts.links(t)
	before := len(links)
	form := url.Values{"from": {strconv.FormatInt(ts.member(t, harbor).ID, 10)}, "to": {strconv.FormatInt(ts.member(t, kettleRiver).ID, 10)},
		"kind": {assessments.LinkVPN}, "criticality": {"2"}}
	deletePath := fmt.Sprintf("/consortium/links/%d/delete", links[0].ID)

	board := ts.signIn(t, boardEmail)
	res := board.get(t, "/consortium/links")
	wantStatus(t, "board reads links", res, http.StatusOK)
	wantContains(t, "board reads links", res, `id="links-graph-options"`, "Exposure per member", `href="/consortium/links"`)
	wantNotContains(t, "board reads links", res, `<form id="link-form"`, "/delete")
	wantStatus(t, "board adds a link", board.post(t, "/consortium/links", form), http.StatusForbidden)
	wantStatus(t, "board deletes a link", board.post(t, deletePath, url.Values{}), http.StatusForbidden)

	lead := ts.signIn(t, itEmail(millbrook))
	wantStatus(t, "IT lead reads links", lead.get(t, "/consortium/links"), http.StatusForbidden)
	wantStatus(t, "IT lead adds a link", lead.post(t, "/consortium/links", form), http.StatusForbidden)
	wantStatus(t, "IT lead deletes a link", lead.post(t, deletePath, url.Values{}), http.StatusForbidden)
	wantNotContains(t, "IT lead's home", lead.get(t, fmt.Sprintf("/members/%d", ts.member(t, millbrook).ID)), `href="/consortium/links"`)

	if n := len(ts.links(t)); n != before {
		t.Errorf("%d links after refused changes; want %d", n, before)
	}
}

// A member may be named anything; in the graph's options the name is
// escaped, and intact once parsed.
func TestLinksGraphEscapesMemberNames(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	hostile := `</script><script>alert(1)</script>`
	id, err := ts.st.CreateMember(ctx, store.System, store.Member{ConsortiumID: ts.consortium.ID, Name: hostile, Slug: "hostile", Kind: "municipality", Population: 900})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.st.CreateLink(ctx, store.System, store.Link{ConsortiumID: ts.consortium.ID,
		Link: assessments.Link{From: id, To: ts.member(t, millbrook).ID, Kind: assessments.LinkMSP, Criticality: 3}}); err != nil {
		t.Fatal(err)
	}
	res := ts.signIn(t, coordinatorEmail).get(t, "/consortium/links")
	wantStatus(t, "links", res, http.StatusOK)
	if strings.Contains(res.body, "<script>alert") {
		t.Fatalf("the member's name broke out as markup")
	}
	block := regexp.MustCompile(`(?s)<script[^>]*id="links-graph-options"[^>]*>(.*?)</script>`).FindStringSubmatch(res.body)
	if block == nil || !strings.Contains(block[1], `\u003c/script\u003e\u003cscript\u003ealert(1)`) {
		t.Fatalf("the name is not escaped in the graph options")
	}
	var found bool
	for _, n := range graphOptions(t, res.body)["series"].([]any)[0].(map[string]any)["data"].([]any) {
		if n.(map[string]any)["name"] == hostile {
			found = true
		}
	}
	if !found {
		t.Errorf("no node carries the member's name intact")
	}
	wantContains(t, "links", res, "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;")
}

// The demo's links carry Millbrook's weak accounts and patching to the
// county over its VPN and to the other towns through their shared
// provider; Millbrook reaches more members than it is linked to.
func TestDemoLinksSpreadMillbrooksWeaknesses(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	members, err := ts.st.MembersOfConsortium(ctx, ts.consortium.ID)
	if err != nil {
		t.Fatal(err)
	}
	answers, err := ts.st.AnswersForCycle(ctx, ts.cycle.ID)
	if err != nil {
		t.Fatal(err)
	}
	in := make([]assessments.MemberAnswers, len(members))
	for i, m := range members {
		in[i] = assessments.MemberAnswers{MemberID: m.ID, Name: m.Name, Kind: m.Kind, Population: m.Population, Answers: domainAnswers(answers[m.ID])}
	}
	wl := assessments.Compare(ts.srv.catalog, in, ts.consortium.DefaultTarget).WeakestLinks(nil)
	var links []assessments.Link
	for _, l := range ts.links(t) {
		links = append(links, l.Link)
	}
	mb := ts.member(t, millbrook).ID
	reached := map[int64]map[string]bool{} // member -> kinds Millbrook's weaknesses reach it over
	for _, e := range wl.Exposures(links) {
		for _, w := range e.Weaknesses {
			if w.From == mb {
				if reached[e.MemberID] == nil {
					reached[e.MemberID] = map[string]bool{}
				}
				reached[e.MemberID][w.Kind] = true
			}
		}
	}
	for slug, kind := range map[string]string{cascadeCounty: assessments.LinkVPN, pineHollow: assessments.LinkMSP, eastgate: assessments.LinkMSP} {
		if !reached[ts.member(t, slug).ID][kind] {
			t.Errorf("Millbrook's weaknesses do not reach %s over %s (they reach it over %v)", slug, kind, reached[ts.member(t, slug).ID])
		}
	}
	radius := assessments.BlastRadius([]int64{mb, ts.member(t, cascadeCounty).ID, ts.member(t, riverton).ID, ts.member(t, pineHollow).ID,
		ts.member(t, eastgate).ID}, links)
	if radius[mb] != 4 {
		t.Errorf("Millbrook's blast radius among itself, the county, Riverton and the two towns is %d; want 4", radius[mb])
	}
	var rank int
	for i, r := range wl.Ranking(links) {
		if r.MemberID == mb {
			rank = i + 1
		}
	}
	if rank != 1 {
		t.Errorf("Millbrook ranks %d by blast radius × weakness; want 1", rank)
	}
}

// Every kind of link has a short name for the graph and a phrase for
// sentences.
func TestEveryLinkKindIsNamed(t *testing.T) {
	for _, k := range assessments.LinkKinds() {
		if linkKindShort[k.ID] == "" || linkKindPhrase[k.ID] == "" {
			t.Errorf("link kind %s has no short name or phrase in web/links_show.go", k.ID)
		}
	}
}
