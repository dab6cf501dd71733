package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"palisade/accounts"
	"palisade/demo"
	"palisade/store"
)

// outcome is what one person gets from one route.
type outcome int

const (
	allow        outcome = iota // the handler ran: not 401/403, not sent to sign in, no server error
	deny                        // 403, "no access"
	toLogin                     // 303 to /login by the guard: sign in first
	toHome                      // 303 to / : a signed-out page visited while signed in
	signOut                     // 303 to /login by the handler, which ended the session
	unauthorized                // 401 with a JSON message: the API's "sign in first"
)

func (o outcome) String() string {
	return [...]string{"allow", "deny", "to login", "to home", "sign out", "unauthorized"}[o]
}

// The people of the matrix, in the order of its columns.
const (
	anonymous = iota
	coordinator
	board // consortium-wide
	itA   // IT lead of member A (Town of Millbrook)
	itB   // IT lead of member B (Town of Eastgate)
	personas
)

var personaNames = [personas]string{"anonymous", "coordinator", "board", "it-lead-A", "it-lead-B"}

// routeMatrix is the expected outcome of every route for every person. The
// URL parameters are filled in as: {member} member A, {cycle} the current
// cycle, {category} PR.AA, {subcategory} PR.AA-01, {user} member A's IT
// lead, * app.css. POSTs carry an empty form.
//
// Every route chi knows must be here and every entry must be a route: a new
// route cannot ship without someone deciding who may use it.
var routeMatrix = map[string][personas]outcome{
	// columns: anonymous, coordinator, board, IT lead A, IT lead B
	"GET /static/*":    {allow, allow, allow, allow, allow},
	"GET /healthz":     {allow, allow, allow, allow, allow},
	"GET /login":       {allow, toHome, toHome, toHome, toHome},
	"POST /login":      {allow, allow, allow, allow, allow},
	"GET /login/code":  {toLogin, toLogin, toLogin, toLogin, toLogin},
	"POST /login/code": {toLogin, toLogin, toLogin, toLogin, toLogin},
	"POST /logout":     {signOut, signOut, signOut, signOut, signOut},
	"GET /setup":       {allow, toHome, toHome, toHome, toHome},
	"POST /setup":      {allow, allow, allow, allow, allow},
	"GET /invite":      {allow, toHome, toHome, toHome, toHome},
	"POST /invite":     {allow, allow, allow, allow, allow},
	"GET /reset":       {allow, toHome, toHome, toHome, toHome},
	"POST /reset":      {allow, allow, allow, allow, allow},

	"GET /":                      {toLogin, allow, allow, allow, allow},
	"GET /account":               {toLogin, allow, allow, allow, allow},
	"POST /account/password":     {toLogin, allow, allow, allow, allow},
	"POST /account/sessions/end": {toLogin, signOut, signOut, signOut, signOut},
	"GET /account/totp":          {toLogin, allow, allow, allow, allow},
	"POST /account/totp":         {toLogin, allow, allow, allow, allow},
	"POST /account/totp/off":     {toLogin, allow, allow, allow, allow},

	"GET /consortium":                      {toLogin, allow, allow, deny, deny},
	"GET /consortium/compare":              {toLogin, allow, allow, allow, allow},
	"GET /consortium/compare.csv":          {toLogin, allow, allow, allow, allow},
	"GET /consortium/weakest":              {toLogin, allow, allow, deny, deny},
	"GET /consortium/trends":               {toLogin, allow, allow, deny, deny},
	"GET /consortium/results":              {toLogin, allow, allow, deny, deny},
	"GET /consortium/briefing.pdf":         {toLogin, allow, allow, deny, deny},
	"GET /consortium/links":                {toLogin, allow, allow, deny, deny},
	"POST /consortium/links":               {toLogin, allow, deny, deny, deny},
	"POST /consortium/links/{link}/delete": {toLogin, allow, deny, deny, deny},

	"GET /members/{member}":                                       {toLogin, allow, allow, allow, deny},
	"GET /members/{member}/peers":                                 {toLogin, allow, allow, allow, deny},
	"GET /members/{member}/trends":                                {toLogin, allow, allow, allow, deny},
	"GET /members/{member}/cycles/{cycle}":                        {toLogin, allow, allow, allow, deny},
	"GET /members/{member}/cycles/{cycle}/categories/{category}":  {toLogin, allow, allow, allow, deny},
	"POST /members/{member}/cycles/{cycle}/answers/{subcategory}": {toLogin, deny, deny, allow, deny},
	"POST /members/{member}/cycles/{cycle}/submit":                {toLogin, deny, deny, allow, deny},
	"POST /members/{member}/cycles/{cycle}/review":                {toLogin, allow, deny, deny, deny},
	"POST /members/{member}/cycles/{cycle}/reopen":                {toLogin, allow, deny, deny, deny},
	"GET /members/{member}/cycles/{cycle}/results":                {toLogin, allow, allow, allow, deny},
	"GET /api/v1/cycles":                                          {unauthorized, allow, allow, allow, allow},
	"GET /api/v1/members":                                         {unauthorized, allow, allow, allow, allow},
	"GET /api/v1/members/{member}/cycles/{cycle}/scores":          {unauthorized, allow, allow, allow, deny},
	"GET /api/v1/members/{member}/cycles/{cycle}/gaps":            {unauthorized, allow, allow, allow, deny},
	"GET /members/{member}/cycles/{cycle}/answers.csv":            {toLogin, allow, allow, allow, deny},
	"GET /members/{member}/cycles/{cycle}/oscal.json":             {toLogin, allow, allow, allow, deny},
	"GET /members/{member}/cycles/{cycle}/import":                 {toLogin, deny, deny, allow, deny},
	"POST /members/{member}/cycles/{cycle}/import":                {toLogin, deny, deny, allow, deny},
	"POST /members/{member}/cycles/{cycle}/import/confirm":        {toLogin, deny, deny, allow, deny},
	"GET /members/{member}/cycles/{cycle}/briefing.pdf":           {toLogin, allow, allow, allow, deny},
	// No framework is imported here: the guard decides before the handler
	// looks the framework up (and answers 404).
	"GET /members/{member}/cycles/{cycle}/frameworks/{framework}": {toLogin, allow, allow, allow, deny},
	"GET /consortium/frameworks/{framework}":                      {toLogin, allow, allow, deny, deny},

	"GET /consortium/services":                          {toLogin, allow, allow, allow, allow},
	"POST /consortium/services":                         {toLogin, allow, deny, deny, deny},
	"GET /consortium/services/new":                      {toLogin, allow, deny, deny, deny},
	"POST /consortium/services/defaults":                {toLogin, allow, deny, deny, deny},
	"GET /consortium/services/{service}":                {toLogin, allow, allow, deny, deny},
	"POST /consortium/services/{service}":               {toLogin, allow, deny, deny, deny},
	"GET /consortium/services/{service}/edit":           {toLogin, allow, deny, deny, deny},
	"POST /consortium/services/{service}/delete":        {toLogin, allow, deny, deny, deny},
	"POST /consortium/services/{service}/enrolments":    {toLogin, allow, deny, deny, deny},
	"GET /consortium/services/{service}/shares.csv":     {toLogin, allow, allow, deny, deny},
	"GET /consortium/pooling":                           {toLogin, allow, allow, deny, deny},
	"GET /members/{member}/services":                    {toLogin, allow, allow, allow, deny},
	"POST /members/{member}/services/{service}/request": {toLogin, deny, deny, allow, deny},

	"GET /consortium/insurance":                         {toLogin, allow, allow, deny, deny},
	"POST /admin/insurance":                             {toLogin, allow, deny, deny, deny},
	"GET /members/{member}/insurance":                   {toLogin, allow, allow, allow, deny},
	"POST /members/{member}/insurance":                  {toLogin, deny, deny, allow, deny},
	"GET /consortium/exercises":                         {toLogin, allow, allow, deny, deny},
	"POST /consortium/exercises":                        {toLogin, allow, deny, deny, deny},
	"POST /consortium/exercises/{exercise}/delete":      {toLogin, allow, deny, deny, deny},
	"POST /consortium/findings/{finding}":               {toLogin, allow, deny, deny, deny},
	"GET /consortium/services/{service}/agreements/new": {toLogin, allow, deny, deny, deny},
	"POST /consortium/services/{service}/agreements":    {toLogin, allow, deny, deny, deny},
	"POST /consortium/agreements/{agreement}/delete":    {toLogin, allow, deny, deny, deny},

	"GET /admin/members":                    {toLogin, allow, deny, deny, deny},
	"POST /admin/members":                   {toLogin, allow, deny, deny, deny},
	"GET /admin/accounts":                   {toLogin, allow, deny, deny, deny},
	"POST /admin/invitations":               {toLogin, allow, deny, deny, deny},
	"POST /admin/accounts/{user}/disable":   {toLogin, allow, deny, deny, deny},
	"POST /admin/accounts/{user}/enable":    {toLogin, allow, deny, deny, deny},
	"POST /admin/accounts/{user}/reset":     {toLogin, allow, deny, deny, deny},
	"GET /admin/settings":                   {toLogin, allow, deny, deny, deny},
	"POST /admin/settings":                  {toLogin, allow, deny, deny, deny},
	"GET /admin/audit":                      {toLogin, allow, deny, deny, deny},
	"GET /admin/weights":                    {toLogin, allow, deny, deny, deny},
	"GET /admin/cycles":                     {toLogin, allow, deny, deny, deny},
	"GET /admin/backup.db":                  {toLogin, allow, deny, deny, deny},
	"POST /admin/cycles":                    {toLogin, allow, deny, deny, deny},
	"POST /admin/cycles/{cycle}/close":      {toLogin, allow, deny, deny, deny},
	"POST /admin/weights":                   {toLogin, allow, deny, deny, deny},
	"GET /admin/api-tokens":                 {toLogin, allow, deny, deny, deny},
	"POST /admin/api-tokens":                {toLogin, allow, deny, deny, deny},
	"POST /admin/api-tokens/{token}/revoke": {toLogin, allow, deny, deny, deny},
}

// Routes that end sessions or lock someone out run after all the others;
// freshSessions ones get people signed in afresh for their row.
var (
	destructiveOrder = []string{"POST /admin/accounts/{user}/disable", "POST /logout", "POST /account/sessions/end"}
	freshSessions    = map[string]bool{"POST /logout": true, "POST /account/sessions/end": true}
)

func TestRouteMatrix(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	memberA := ts.member(t, millbrook)
	itLeadA := ts.user(t, itEmail(millbrook))

	// Every route chi serves is in the matrix, and the other way round.
	chiRoutes := map[string]bool{}
	err := chi.Walk(ts.srv.Router(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		chiRoutes[method+" "+route] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for key := range chiRoutes {
		if _, ok := routeMatrix[key]; !ok {
			t.Errorf("route %q is not in the route matrix: decide who may use it and add it", key)
		}
		if _, ok := ts.srv.rules[key]; !ok {
			t.Errorf("route %q has no access rule", key)
		}
	}
	for key := range routeMatrix {
		if !chiRoutes[key] {
			t.Errorf("matrix entry %q is not a route", key)
		}
	}
	if len(chiRoutes) < 30 {
		t.Fatalf("chi.Walk found only %d routes", len(chiRoutes))
	}

	fill := strings.NewReplacer(
		"{member}", strconv.FormatInt(memberA.ID, 10),
		"{cycle}", strconv.FormatInt(ts.cycle.ID, 10),
		"{category}", "PR.AA",
		"{subcategory}", "PR.AA-01",
		"{framework}", "cisa-cpg",
		"{user}", strconv.FormatInt(itLeadA.ID, 10),
		"{token}", "1",
		"{service}", "1",
		"{exercise}", "1",
		"{finding}", "1",
		"{agreement}", "1",
		"*", "app.css",
	)
	emails := [personas]string{"", coordinatorEmail, boardEmail, itEmail(millbrook), itEmail(eastgate)}
	signInAll := func() [personas]*browser {
		var bs [personas]*browser
		bs[anonymous] = ts.newBrowser(t)
		for p := coordinator; p < personas; p++ {
			bs[p] = ts.signIn(t, emails[p])
		}
		return bs
	}
	shared := signInAll()

	check := func(t *testing.T, key string, p int, b *browser) {
		t.Helper()
		method, pattern, _ := strings.Cut(key, " ")
		path := fill.Replace(pattern)
		var res response
		if method == http.MethodGet {
			res = b.get(t, path)
		} else {
			res = b.post(t, path, url.Values{})
		}
		want := routeMatrix[key][p]
		what := fmt.Sprintf("%s %s as %s", method, path, personaNames[p])
		switch want {
		case allow:
			if res.status == http.StatusUnauthorized || res.status == http.StatusForbidden || res.toLogin() || res.status >= 500 {
				t.Errorf("%s: %d (to %q); want the page or action (allowed)\n%s", what, res.status, res.location(), res.text())
			}
		case deny:
			if res.status != http.StatusForbidden {
				t.Errorf("%s: %d (to %q); want 403\n%s", what, res.status, res.location(), res.text())
			} else if !strings.Contains(res.body, "You do not have access") {
				t.Errorf("%s: 403 without the no-access message\n%s", what, res.text())
			}
		case unauthorized:
			if res.status != http.StatusUnauthorized || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
				t.Errorf("%s: %d %q; want 401 with JSON", what, res.status, res.header.Get("Content-Type"))
			}
		case toLogin:
			if !res.toLogin() {
				t.Errorf("%s: %d (to %q); want 303 to /login", what, res.status, res.location())
			} else if method == http.MethodGet && p == anonymous && pattern != "/login/code" {
				// The sign-in page brings people back where they were going.
				u, _ := url.Parse(res.location())
				if next := u.Query().Get("next"); next != path {
					t.Errorf("%s: sent to sign in with next=%q; want %q", what, next, path)
				}
			}
		case toHome:
			if res.status != http.StatusSeeOther || res.location() != "/" {
				t.Errorf("%s: %d (to %q); want 303 to /", what, res.status, res.location())
			}
		case signOut:
			if !res.toLogin() || !strings.Contains(strings.Join(res.header.Values("Set-Cookie"), "\n"), flashCookie+"=info") {
				t.Errorf("%s: %d (to %q, cookies %q); want 303 to /login with a signed-out message", what, res.status, res.location(), res.header.Values("Set-Cookie"))
			}
			if p != anonymous {
				if after := b.get(t, "/account"); !after.toLogin() {
					t.Errorf("%s: afterwards /account gives %d; want the session ended (303 to /login)", what, after.status)
				}
			}
		}
	}

	keys := make([]string, 0, len(routeMatrix))
	destructive := map[string]bool{}
	for _, k := range destructiveOrder {
		destructive[k] = true
	}
	for k := range routeMatrix {
		if !destructive[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, key := range keys {
		t.Run(key, func(t *testing.T) {
			for p := range personas {
				check(t, key, p, shared[p])
			}
		})
	}

	// Disabling locks member A's IT lead out: the coordinator goes last,
	// then the account is enabled again for the rows after it.
	t.Run("POST /admin/accounts/{user}/disable", func(t *testing.T) {
		for _, p := range []int{anonymous, board, itA, itB, coordinator} {
			check(t, "POST /admin/accounts/{user}/disable", p, shared[p])
		}
		u := ts.user(t, itEmail(millbrook))
		if !u.Disabled {
			t.Errorf("member A's IT lead is not disabled after the coordinator disabled them")
		}
		if err := ts.st.SetUserDisabled(ctx, store.System, u.ID, false); err != nil {
			t.Fatal(err)
		}
	})
	for _, key := range destructiveOrder[1:] {
		if !freshSessions[key] {
			t.Fatalf("%s must sign people in afresh", key)
		}
		t.Run(key, func(t *testing.T) {
			fresh := signInAll()
			for p := range personas {
				check(t, key, p, fresh[p])
			}
		})
	}
}

// An IT lead can reach only their own member, whatever URL they type.
func TestHorizontalEscalation(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	a, b := ts.member(t, millbrook), ts.member(t, eastgate)
	bAssessment := ts.assessment(t, b.ID, ts.cycle.ID)
	bBefore := ts.answers(t, bAssessment.ID)
	leadA := ts.signIn(t, itEmail(millbrook))
	leadB := ts.signIn(t, itEmail(eastgate))
	coord := ts.signIn(t, coordinatorEmail)

	bBase := cyclePath(b.ID, ts.cycle.ID)
	for _, path := range []string{
		fmt.Sprintf("/members/%d", b.ID),
		bBase,
		bBase + "/results",
		bBase + "/categories/PR.AA",
		cyclePath(b.ID, ts.prevCycle.ID) + "/results",
	} {
		wantStatus(t, "IT lead of A opens "+path, leadA.get(t, path), http.StatusForbidden)
	}

	// A well-formed answer for B, sent by A's IT lead: refused, and B's
	// answers are exactly what they were.
	cur := bBefore["PR.AA-01"]
	form := url.Values{"version": {strconv.Itoa(cur.Version)}, "choice": {"optimized"}, "target": {"7"}, "notes": {"written by member A"}}
	wantStatus(t, "IT lead of A saves B's answer", leadA.post(t, bBase+"/answers/PR.AA-01", form), http.StatusForbidden)
	res := leadA.postJSON(t, bBase+"/answers/PR.AA-01", form)
	wantStatus(t, "IT lead of A saves B's answer in the background", res, http.StatusForbidden)
	var body map[string]any
	if err := json.Unmarshal([]byte(res.body), &body); err != nil || body["ok"] != false {
		t.Errorf("background save refused with %q; want JSON with ok false", res.body)
	}
	wantStatus(t, "IT lead of A submits B's assessment", leadA.post(t, bBase+"/submit", url.Values{}), http.StatusForbidden)
	wantStatus(t, "IT lead of A reviews B's assessment", leadA.post(t, bBase+"/review", url.Values{}), http.StatusForbidden)
	if after := ts.answers(t, bAssessment.ID); !reflect.DeepEqual(after, bBefore) {
		t.Errorf("B's answers changed after refused saves by A's IT lead")
	}
	if got := ts.assessment(t, b.ID, ts.cycle.ID); got.Status != "draft" {
		t.Errorf("B's assessment is %s after A's IT lead tried to submit it; want draft", got.Status)
	}

	// An IT lead cannot invite people, not even to their own member.
	invitesBefore := len(ts.audit(t, "token."))
	res = leadA.post(t, "/admin/invitations", url.Values{"email": {"friend@millbrook.gov"}, "name": {"Friend"}, "role": {"coordinator"},
		"member": {strconv.FormatInt(a.ID, 10)}})
	wantStatus(t, "IT lead of A invites someone", res, http.StatusForbidden)
	if n := len(ts.audit(t, "token.")); n != invitesBefore {
		t.Errorf("an invitation was created by an IT lead (%d token events, was %d)", n, invitesBefore)
	}
	wantStatus(t, "IT lead of A disables B's IT lead", leadA.post(t, fmt.Sprintf("/admin/accounts/%d/disable", ts.user(t, itEmail(eastgate)).ID), url.Values{}),
		http.StatusForbidden)
	if ts.user(t, itEmail(eastgate)).Disabled {
		t.Errorf("B's IT lead was disabled by A's IT lead")
	}

	// Ids that do not exist look like ids of someone else's members, so
	// they cannot be probed; ids that are not numbers are not pages.
	for _, path := range []string{"/members/999999", cyclePath(999999, ts.cycle.ID), cyclePath(999999, ts.cycle.ID) + "/results"} {
		res := coord.get(t, path)
		if res.status != http.StatusForbidden && res.status != http.StatusNotFound {
			t.Errorf("coordinator opens %s: %d; want 403 or 404", path, res.status)
		}
	}
	wantStatus(t, "coordinator opens /members/abc", coord.get(t, "/members/abc"), http.StatusNotFound)
	wantStatus(t, "coordinator opens a cycle that does not exist", coord.get(t, cyclePath(b.ID, 999999)), http.StatusNotFound)

	// A cycle of another consortium, with a member of this one.
	otherID, err := ts.st.CreateConsortium(ctx, store.Consortium{Name: "Other Consortium"})
	if err != nil {
		t.Fatal(err)
	}
	otherCycle, err := ts.st.CreateCycle(ctx, store.Cycle{ConsortiumID: otherID, Name: "FY2026"})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "coordinator opens B in another consortium's cycle", coord.get(t, cyclePath(b.ID, otherCycle)), http.StatusNotFound)
	wantStatus(t, "IT lead of B saves into another consortium's cycle",
		leadB.post(t, cyclePath(b.ID, otherCycle)+"/answers/PR.AA-01", url.Values{"version": {"0"}, "choice": {"optimized"}}), http.StatusNotFound)

	// A board official of one member sees that member only.
	hash, err := accounts.HashPassword(demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.st.CreateUser(ctx, store.System, store.User{Email: "council@millbrook.gov", Name: "Council member", PasswordHash: hash},
		[]accounts.Grant{{ConsortiumID: ts.consortium.ID, Role: accounts.Board, MemberID: a.ID}}); err != nil {
		t.Fatal(err)
	}
	council := ts.signIn(t, "council@millbrook.gov")
	wantStatus(t, "member board official opens A's results", council.get(t, cyclePath(a.ID, ts.cycle.ID)+"/results"), http.StatusOK)
	wantStatus(t, "member board official opens B's results", council.get(t, bBase+"/results"), http.StatusForbidden)
	wantStatus(t, "member board official opens the consortium", council.get(t, "/consortium"), http.StatusForbidden)
	wantRedirect(t, "member board official's home", council.get(t, "/"), fmt.Sprintf("/members/%d", a.ID))

	// Hidden fields are checked like any other input.
	res = leadB.post(t, bBase+"/answers/PR.AA-01", url.Values{"version": {"abc"}, "choice": {"optimized"}})
	wantStatus(t, "save with version=abc", res, http.StatusBadRequest)
	wantContains(t, "save with version=abc", res, "version number")
	res = leadB.post(t, bBase+"/answers/PR.AA-01", url.Values{"version": {"-1"}, "choice": {"optimized"}})
	wantStatus(t, "save with version=-1", res, http.StatusBadRequest)

	// A form over 64 KiB is refused whole.
	res = leadB.post(t, bBase+"/answers/PR.AA-01", url.Values{"version": {strconv.Itoa(cur.Version)}, "choice": {"optimized"},
		"notes": {strings.Repeat("x", 100<<10)}})
	wantStatus(t, "oversized save", res, http.StatusRequestEntityTooLarge)
	wantContains(t, "oversized save", res, "too large")

	if after := ts.answers(t, bAssessment.ID); !reflect.DeepEqual(after, bBefore) {
		t.Errorf("B's answers changed after refused saves")
	}
}
