package journeys

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// millbrook is the demo town at the consortium's floor on MFA.
const millbrook = "town-of-millbrook"

// TestPooledServiceJourney: the coordinator enrols two towns in the shared
// MFA service on its page and sees the projected floor change; the towns'
// IT lead then finds the service next to the questions it covers.
func TestPooledServiceJourney(t *testing.T) {
	browser := startBrowser(t)
	a := startApp(t)
	mill, pine := a.memberID(t, millbrook), a.memberID(t, "village-of-pine-hollow")

	services, err := a.st.ServicesOfConsortium(t.Context(), a.consortium.ID)
	if err != nil {
		t.Fatal(err)
	}
	var mfa int64
	for _, s := range services {
		if s.Key == "mfa-idp" {
			mfa = s.ID
		}
	}
	if mfa == 0 {
		t.Fatal("the demo has no mfa-idp service")
	}

	t.Run("coordinator", func(t *testing.T) {
		tb := openTab(t, browser, a.URL, "coordinator")
		tb.signIn(coordinatorEmail)
		tb.visit("/consortium/pooling", http.StatusOK)
		before := tb.text(`#projection-caption`)
		floorBefore := tb.text(`table:has(#projection-caption) tbody tr:first-child td:nth-child(3)`)
		if before == "" {
			tb.fatalf("the plan page has no projection table")
		}

		tb.visit(fmt.Sprintf("/consortium/services/%d", mfa), http.StatusOK)
		for _, id := range []int64{mill, pine} {
			sel := fmt.Sprintf(`input[name="member"][value="%d"]`, id)
			if err := tb.run(chromedp.Click(chromedp.CSS(sel))); err != nil {
				tb.fatalf("tick member %d: %v", id, err)
			}
		}
		tb.submit("Save who takes part", http.StatusOK, chromedp.Click(chromedp.CSS(`form[action$="/enrolments"] button[type="submit"]`)))
		flash := tb.text(`[role="status"], .alert-success`)
		if !strings.Contains(flash, "2 members now take part") || !strings.Contains(flash, "lowest overall score would go from") {
			tb.errorf("after enrolling: %q", flash)
		}
		effect := tb.text(`#effect-caption`)
		if effect == "" {
			tb.errorf("no effect table on the service page")
		}

		tb.visit("/consortium/pooling", http.StatusOK)
		floorAfter := tb.text(`table:has(#projection-caption) tbody tr:first-child td:nth-child(3)`)
		if floorAfter == floorBefore {
			tb.errorf("the projected lowest overall score did not change: %q before and after", floorAfter)
		}
	})

	t.Run("IT lead", func(t *testing.T) {
		tb := openTab(t, browser, a.URL, "it-lead")
		tb.signIn(itEmail(millbrook))
		tb.visit(a.assessment(t, millbrook)+"/categories/PR.AA", http.StatusOK)
		note := tb.text(`.provided-by`)
		if !strings.Contains(note, "Identity provider with multi-factor sign-in") {
			tb.errorf("the MFA service is not shown on the assessment: %q", note)
		}
		tb.visit(fmt.Sprintf("/members/%d/services", mill), http.StatusOK)
		if got := tb.text(`main`); !strings.Contains(got, "Our share of the cost") {
			tb.errorf("the member's services page has no share: %q", got)
		}
	})
}
