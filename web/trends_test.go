package web

import (
	"fmt"
	"net/http"
	"testing"
)

func TestTrendsAcrossCycles(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	m := ts.member(t, millbrook)
	lead := ts.signIn(t, itEmail(millbrook))
	res := lead.get(t, fmt.Sprintf("/members/%d/trends", m.ID))
	wantStatus(t, "member trends", res, http.StatusOK)
	// The demo's FY2025 answers sit about 0.6 below FY2026, so both lists
	// have entries and both cycles are rows.
	wantContains(t, "member trends", res, "Trends: Town of Millbrook", "FY2025", "FY2026", `id="member-trend-options"`, "What moved most, FY2025 to FY2026", "Improved")
	wantStatus(t, "another member's trends", lead.get(t, fmt.Sprintf("/members/%d/trends", ts.member(t, riverton).ID)), http.StatusForbidden)
	wantStatus(t, "IT lead, consortium trends", lead.get(t, "/consortium/trends"), http.StatusForbidden)

	coord := ts.signIn(t, coordinatorEmail)
	res = coord.get(t, "/consortium/trends")
	wantStatus(t, "consortium trends", res, http.StatusOK)
	wantContains(t, "consortium trends", res, "Consortium trends", "FY2025", "FY2026", `id="consortium-trend-options"`, "Members assessed")
}
