package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"
)

// An IT lead sees where their member stands, with every other member
// anonymised: no other member's name appears anywhere in the page.
func TestITLeadSeesAnonymisedPeers(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	members, err := ts.st.MembersOfConsortium(t.Context(), ts.consortium.ID)
	if err != nil {
		t.Fatal(err)
	}
	me := ts.member(t, millbrook)
	lead := ts.signIn(t, itEmail(millbrook))
	res := lead.get(t, fmt.Sprintf("/members/%d/peers", me.ID))
	wantStatus(t, "peers", res, http.StatusOK)
	wantAnonymousLabels(t, "peers", res)
	wantContains(t, "peers", res, "How Town of Millbrook compares", "Where you hold the consortium", `id="peer-functions-options"`, "(you)")
	for _, m := range members {
		if m.ID != me.ID {
			wantNotContains(t, "peers", res, m.Name)
		}
	}
	// Labels are stable within the cycle.
	again := lead.get(t, fmt.Sprintf("/members/%d/peers", me.ID))
	if again.body != res.body {
		t.Error("the page changed between two visits; labels must be stable per cycle")
	}
	// The previous cycle, and another member's view, follow the rules too.
	wantStatus(t, "previous cycle", lead.get(t, fmt.Sprintf("/members/%d/peers?cycle=%d", me.ID, ts.prevCycle.ID)), http.StatusOK)
	wantStatus(t, "another member", lead.get(t, fmt.Sprintf("/members/%d/peers", ts.member(t, riverton).ID)), http.StatusForbidden)

	// Once the coordinator shares names, peers are named.
	coord := ts.signIn(t, coordinatorEmail)
	wantRedirect(t, "share names", coord.post(t, "/admin/settings", url.Values{"name": {ts.consortium.Name},
		"default_target": {"5"}, "share_names": {"1"}, "version": {strconv.Itoa(ts.consortium.Version)}}), "/admin/settings")
	wantContains(t, "peers with names", lead.get(t, fmt.Sprintf("/members/%d/peers", me.ID)), "Cascade County")
}

var anonymousLabel = regexp.MustCompile(`Member [A-Z]{1,2}\b`)

// wantAnonymousLabels checks that other members appear under labels.
func wantAnonymousLabels(t *testing.T, what string, r response) {
	t.Helper()
	if n := len(anonymousLabel.FindAllString(r.body, -1)); n < 5 {
		t.Errorf("%s: %d anonymous labels like \"Member C\"; want the other members labelled", what, n)
	}
}
