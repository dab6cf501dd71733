package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
)

func TestReadOnlyAPI(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	m := ts.member(t, millbrook)
	lead := ts.signIn(t, itEmail(millbrook))

	var members struct{ Members []apiMember }
	res := lead.get(t, "/api/v1/members")
	wantStatus(t, "members", res, http.StatusOK)
	if err := json.Unmarshal([]byte(res.body), &members); err != nil || len(members.Members) != 1 || members.Members[0].ID != m.ID {
		t.Errorf("an IT lead's member list: %+v %v; want only their member", members, err)
	}
	var scores struct {
		Member    int64
		Overall   apiScore
		Functions []apiScore
	}
	res = lead.get(t, fmt.Sprintf("/api/v1/members/%d/cycles/%d/scores", m.ID, ts.cycle.ID))
	wantStatus(t, "scores", res, http.StatusOK)
	if err := json.Unmarshal([]byte(res.body), &scores); err != nil || scores.Overall.Score == nil || len(scores.Functions) != 6 || len(scores.Functions[0].Categories) != 6 {
		t.Errorf("scores: %v, %+v", err, scores)
	}
	var gaps struct{ Gaps []apiGap }
	res = lead.get(t, fmt.Sprintf("/api/v1/members/%d/cycles/%d/gaps", m.ID, ts.cycle.ID))
	if err := json.Unmarshal([]byte(res.body), &gaps); err != nil || len(gaps.Gaps) == 0 || gaps.Gaps[0].Gap <= 0 {
		t.Errorf("gaps: %v, %d", err, len(gaps.Gaps))
	}
	res = lead.get(t, fmt.Sprintf("/api/v1/members/%d/cycles/%d/scores", ts.member(t, riverton).ID, ts.cycle.ID))
	wantStatus(t, "another member's scores", res, http.StatusForbidden)
	if res.header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("API refusal is %q; want JSON", res.header.Get("Content-Type"))
	}

	coord := ts.signIn(t, coordinatorEmail)
	res = coord.get(t, "/api/v1/members")
	if err := json.Unmarshal([]byte(res.body), &members); err != nil || len(members.Members) != 12 {
		t.Errorf("the coordinator's member list has %d members; want 12", len(members.Members))
	}
	var cycles struct{ Cycles []apiCycle }
	res = coord.get(t, "/api/v1/cycles")
	if err := json.Unmarshal([]byte(res.body), &cycles); err != nil || len(cycles.Cycles) != 2 || cycles.Cycles[0].Status != "open" {
		t.Errorf("cycles: %+v %v", cycles, err)
	}
	wantStatus(t, "signed out", ts.newBrowser(t).get(t, "/api/v1/members"), http.StatusUnauthorized)
}
