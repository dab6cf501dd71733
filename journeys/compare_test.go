package journeys

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestComparisonDashboards: the coordinator's dashboard draws every chart
// with a real size and has the tables behind them; an IT lead's comparison
// page carries no other member's name anywhere in its HTML.
func TestComparisonDashboards(t *testing.T) {
	browser := startBrowser(t)
	a := startApp(t)

	t.Run("coordinator", func(t *testing.T) {
		tb := openTab(t, browser, a.URL, "coordinator")
		tb.signIn(coordinatorEmail)
		for _, path := range []string{"/consortium/compare", "/consortium/weakest"} {
			tb.visit(path, http.StatusOK)
			charts := tb.count(`[data-chart]`)
			if charts > 0 {
				tb.waitFor("every chart drawn", fmt.Sprintf(`document.querySelectorAll('[data-chart][data-chart-ready="true"] :is(svg, canvas)').length >= %d`, charts), 10*time.Second)
				sized := eval[int](tb, `Array.from(document.querySelectorAll('[data-chart] :is(svg, canvas)')).filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 }).length`)
				if sized < charts {
					tb.errorf("%s: %d of %d charts have a non-zero size", path, sized, charts)
				}
			}
			if n := tb.count(`table.data-table caption`); n == 0 {
				tb.errorf("%s: no data table with a caption", path)
			}
		}
		tb.visit("/consortium/compare", http.StatusOK)
		if n := tb.count(`table.heatmap tbody tr`); n != 12 {
			tb.errorf("heatmap has %d member rows, want 12", n)
		}
	})

	t.Run("IT lead", func(t *testing.T) {
		tb := openTab(t, browser, a.URL, "it-lead")
		tb.signIn(itEmail(eastgate))
		id := a.memberID(t, eastgate)
		members, err := a.st.MembersOfConsortium(t.Context(), a.consortium.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{fmt.Sprintf("/members/%d/peers", id), "/consortium/compare"} {
			tb.visit(path, http.StatusOK)
			tb.waitFor("the chart drawn", `document.querySelector('[data-chart][data-chart-ready="true"] :is(svg, canvas)')`, 10*time.Second)
			html := eval[string](tb, `document.documentElement.outerHTML`)
			for _, m := range members {
				if m.ID != id && strings.Contains(html, m.Name) {
					tb.errorf("%s names another member to the IT lead: %q", path, m.Name)
				}
			}
		}
		tb.visit("/consortium/weakest", http.StatusForbidden)
	})
}
