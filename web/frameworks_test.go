package web

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"palisade/accounts"
	"palisade/assessments"
	"palisade/demo"
	"palisade/frameworks"
	"palisade/store"
)

// importExample imports docs/examples/cisa-cpg.json the way the command
// does: checked completely, then stored in one transaction.
func importExample(t *testing.T, ts *testServer) *frameworks.Catalog {
	t.Helper()
	raw, err := os.ReadFile("../docs/examples/cisa-cpg.json")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := frameworks.ParseImport(raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.st.ImportCatalog(context.Background(), store.Actor{Email: "command line"}, raw,
		store.CatalogMeta{ID: cat.ID, Version: cat.Version, Name: cat.Name}, false); err != nil {
		t.Fatal(err)
	}
	return cat
}

// rowOf returns the table row of an item, found by its id cell.
func rowOf(t *testing.T, body, id string) string {
	t.Helper()
	start := strings.Index(body, `<span class="question-id">`+id+`</span>`)
	if start < 0 {
		t.Fatalf("no row for %s", id)
	}
	end := strings.Index(body[start:], "</tr>")
	return body[start : start+end]
}

var headingRE = regexp.MustCompile(`<h([1-6])[ >]`)

// wantHeadingsInOrder checks that headings never skip a level going down.
func wantHeadingsInOrder(t *testing.T, what, body string) {
	t.Helper()
	prev := 0
	for _, m := range headingRE.FindAllStringSubmatch(body, -1) {
		level := int(m[1][0] - '0')
		if level > prev+1 {
			t.Errorf("%s: h%d follows h%d", what, level, prev)
		}
		prev = level
	}
	if prev == 0 {
		t.Errorf("%s: no headings", what)
	}
}

func TestFrameworkPagesShowLevelsWorkedOutFromCSF20(t *testing.T) {
	ts := newTestServer(t)
	m := ts.member(t, millbrook)
	results := cyclePath(m.ID, ts.cycle.ID) + "/results"
	coord := ts.signIn(t, coordinatorEmail)

	// Before any import, the results and consortium pages say nothing.
	res := coord.get(t, results)
	wantStatus(t, "results before import", res, http.StatusOK)
	wantNotContains(t, "results before import", res, "The same results by other frameworks", "/frameworks/")
	wantNotContains(t, "consortium before import", coord.get(t, "/consortium"), "The same results by other frameworks")

	cat := importExample(t, ts)
	page := cyclePath(m.ID, ts.cycle.ID) + "/frameworks/cisa-cpg"
	wantContains(t, "results after import", coord.get(t, results), "The same results by other frameworks", `href="`+page+`"`)
	wantContains(t, "consortium after import", coord.get(t, "/consortium"), `href="/consortium/frameworks/cisa-cpg"`)

	res = coord.get(t, page)
	wantStatus(t, "member by CPG", res, http.StatusOK)
	wantContains(t, "member by CPG", res, "results by CISA Cross-Sector Cybersecurity Performance Goals", "<caption>", `<th scope="col">Item</th>`,
		`<th scope="row"><span class="question-id">2.H</span>`, `href="/consortium/frameworks/cisa-cpg"`)
	wantHeadingsInOrder(t, "member by CPG", res.body)

	// The levels are the crosswalk of the member's stored answers.
	a := ts.assessment(t, m.ID, ts.cycle.ID)
	var answers []assessments.Answer
	for _, x := range ts.answers(t, a.ID) {
		answers = append(answers, x.Domain())
	}
	cw := assessments.CrosswalkOf(cat, frameworks.CSF20(), answers, ts.consortium.DefaultTarget)
	levels := 0
	for _, it := range cw.Items {
		row := rowOf(t, res.body, it.ID)
		switch it.State {
		case assessments.NoEquivalent:
			if !strings.Contains(row, "No NIST Cybersecurity Framework 2.0 equivalent") && !strings.Contains(row, "equivalent") {
				t.Errorf("%s: row does not say it has no equivalent: %s", it.ID, row)
			}
		default:
			if it.Level > 0 {
				levels++
				want := fmt.Sprintf("%d · %s", it.Level, frameworks.NCSR().Level(it.Level))
				if !strings.Contains(row, want) {
					t.Errorf("%s: row does not show level %q: %s", it.ID, want, row)
				}
			}
		}
		for _, mo := range it.MapsTo {
			href := fmt.Sprintf(`href="%s/categories/%s#%s"`, cyclePath(m.ID, ts.cycle.ID), mo.CategoryID, formID(mo.ID))
			if !strings.Contains(row, href) {
				t.Errorf("%s: no link to %s (%s)", it.ID, mo.ID, href)
			}
		}
	}
	if levels < 30 {
		t.Errorf("only %d of 38 goals have a level for a member that submitted", levels)
	}
	if !strings.Contains(rowOf(t, res.body, "1.D"), "No NIST") {
		t.Errorf("1.D row: %s", rowOf(t, res.body, "1.D"))
	}

	// A member part-way through its assessment: some goals wait.
	ph := ts.member(t, pineHollow)
	res = coord.get(t, cyclePath(ph.ID, ts.cycle.ID)+"/frameworks/cisa-cpg")
	wantStatus(t, "partly answered member by CPG", res, http.StatusOK)
	wantContains(t, "partly answered member by CPG", res, "may still go down")

	// The whole consortium: floor and median per goal.
	res = coord.get(t, "/consortium/frameworks/cisa-cpg")
	wantStatus(t, "consortium by CPG", res, http.StatusOK)
	wantContains(t, "consortium by CPG", res, "the whole consortium", "Lowest level (floor)", "Median", `<th scope="row"><span class="question-id">2.R</span>`)
	wantHeadingsInOrder(t, "consortium by CPG", res.body)
	res = coord.get(t, fmt.Sprintf("/consortium/frameworks/cisa-cpg?cycle=%d", ts.prevCycle.ID))
	wantStatus(t, "consortium by CPG, previous cycle", res, http.StatusOK)

	// Unknown frameworks and cycles are not pages.
	wantStatus(t, "unknown framework", coord.get(t, cyclePath(m.ID, ts.cycle.ID)+"/frameworks/csf-1.1"), http.StatusNotFound)
	wantStatus(t, "unknown framework, consortium", coord.get(t, "/consortium/frameworks/csf-1.1"), http.StatusNotFound)
	wantStatus(t, "cycle of nowhere", coord.get(t, cyclePath(m.ID, 999999)+"/frameworks/cisa-cpg"), http.StatusNotFound)
}

func TestFrameworkPagesFollowTheAccessRules(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	importExample(t, ts)
	a := ts.member(t, millbrook)
	page := cyclePath(a.ID, ts.cycle.ID) + "/frameworks/cisa-cpg"

	// A member of another consortium.
	otherID, err := ts.st.CreateConsortium(ctx, store.Consortium{Name: "Other Consortium"})
	if err != nil {
		t.Fatal(err)
	}
	otherMember, err := ts.st.CreateMember(ctx, store.Actor{Email: "test", ConsortiumID: otherID},
		store.Member{ConsortiumID: otherID, Name: "Far Town", Slug: "far-town", Kind: "municipality"})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := accounts.HashPassword(demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.st.CreateUser(ctx, store.System, store.User{Email: "it@far-town.test", Name: "Far IT", PasswordHash: hash},
		[]accounts.Grant{{ConsortiumID: otherID, Role: accounts.ITLead, MemberID: otherMember}}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		who, path string
		want      int
	}{
		{itEmail(millbrook), page, http.StatusOK},
		{boardEmail, page, http.StatusOK},
		{itEmail(eastgate), page, http.StatusForbidden},
		{"it@far-town.test", page, http.StatusForbidden},
		{boardEmail, "/consortium/frameworks/cisa-cpg", http.StatusOK},
		{itEmail(millbrook), "/consortium/frameworks/cisa-cpg", http.StatusForbidden},
		{"it@far-town.test", "/consortium/frameworks/cisa-cpg", http.StatusForbidden},
	}
	for _, tt := range tests {
		res := ts.signIn(t, tt.who).get(t, tt.path)
		wantStatus(t, tt.who+" opens "+tt.path, res, tt.want)
		if tt.want == http.StatusOK && tt.who == itEmail(millbrook) {
			// An IT lead does not get a link to the consortium-wide view.
			wantNotContains(t, "IT lead's page", res, `href="/consortium/frameworks/cisa-cpg"`)
		}
	}
	if res := ts.newBrowser(t).get(t, page); !res.toLogin() {
		t.Errorf("signed out: %d to %q; want sign in first", res.status, res.location())
	}
}
