package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"palisade/assessments"
	"palisade/frameworks"
)

func TestCoordinatorChangesPriorityWeights(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	coord := ts.signIn(t, coordinatorEmail)
	res := coord.get(t, "/admin/weights")
	wantStatus(t, "weights page", res, http.StatusOK)
	if n := strings.Count(res.body, `type="number"`); n != 106 {
		t.Errorf("%d weight inputs; want 106", n)
	}

	def := assessments.DefaultWeights(frameworks.CSF20())
	form := url.Values{}
	for id, w := range def {
		form.Set("w-"+id, strconv.Itoa(w))
	}
	// One bad value refuses everything and keeps what was typed.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("w-GV.OC-01", "11")
	bad.Set("w-PR.AA-01", "3")
	res = coord.post(t, "/admin/weights", bad)
	wantStatus(t, "weight 11", res, http.StatusUnprocessableEntity)
	wantContains(t, "weight 11", res, "Enter a whole number from 0 to 10.", `value="11"`)
	if got, _ := ts.st.WeightsOfConsortium(t.Context(), ts.consortium.ID); len(got) != 0 {
		t.Errorf("a refused form saved weights: %v", got)
	}
	bad.Set("w-GV.OC-01", "abc")
	wantStatus(t, "weight abc", coord.post(t, "/admin/weights", bad), http.StatusUnprocessableEntity)
	bad.Set("w-GV.OC-01", "1")
	bad.Set("w-XX.YY-99", "1")
	wantStatus(t, "unknown question", coord.post(t, "/admin/weights", bad), http.StatusBadRequest)

	// Setting every weight to 0 empties the list of opportunities.
	zero := url.Values{}
	for id := range def {
		zero.Set("w-"+id, "0")
	}
	wantRedirect(t, "save zeros", coord.post(t, "/admin/weights", zero), "/admin/weights")
	got, _ := ts.st.WeightsOfConsortium(t.Context(), ts.consortium.ID)
	if len(got) != 106 {
		t.Errorf("%d weights stored; want 106 (all differ from the defaults)", len(got))
	}
	wantContains(t, "weakest links with zero weights", coord.get(t, "/consortium/weakest"), "No member is below the baseline on any weighted question.")
	if len(ts.audit(t, "weights.save")) != 1 {
		t.Error("saving weights was not audited")
	}

	// Only differences from the defaults are kept; restoring empties them.
	form.Set("w-PR.AA-01", "1")
	wantRedirect(t, "one change", coord.post(t, "/admin/weights", form), "/admin/weights")
	if got, _ := ts.st.WeightsOfConsortium(t.Context(), ts.consortium.ID); len(got) != 1 || got["PR.AA-01"] != 1 {
		t.Errorf("stored %v; want only PR.AA-01=1", got)
	}
	wantRedirect(t, "restore", coord.post(t, "/admin/weights", url.Values{"reset": {"1"}}), "/admin/weights")
	if got, _ := ts.st.WeightsOfConsortium(t.Context(), ts.consortium.ID); len(got) != 0 {
		t.Errorf("after restoring defaults %v remain", got)
	}
}
