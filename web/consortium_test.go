package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"palisade/assessments"
)

// The consortium page's overall scores are each member's own score as
// Score computes it from the full answers, though the page reads them from
// the cached comparison (built from the compact copy of the levels).
func TestConsortiumPageScores(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ctx := context.Background()
	coord := ts.signIn(t, coordinatorEmail)
	res := coord.get(t, "/consortium")
	wantStatus(t, "consortium", res, http.StatusOK)
	all, err := ts.st.AnswersForCycle(ctx, ts.cycle.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{millbrook, riverton, eastgate} {
		m := ts.member(t, slug)
		want := assessments.Score(ts.srv.catalog, domainAnswers(all[m.ID]), ts.consortium.DefaultTarget).Overall.Score
		row := memberRowOf(res.body, m.Name)
		if !want.OK || !strings.Contains(row, fmt.Sprintf(">%.1f<", want.V)) {
			t.Errorf("%s: row %q lacks its score %.1f", m.Name, row, want.V)
		}
	}
	wantContains(t, "not started", res, "Not started")
	// The demo runs shared services: the page says what they do.
	wantContains(t, "pooling summary", res, "With the members enrolled in shared services as recorded, the lowest overall score would go from")
}

// memberRowOf is the table row of the page that names a member.
func memberRowOf(body, name string) string {
	i := strings.Index(body, ">"+name+"<")
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(body[:i], "<tr")
	end := strings.Index(body[i:], "</tr>")
	if start < 0 || end < 0 {
		return ""
	}
	return body[start : i+end]
}
