package web

import (
	"fmt"
	"net/http"

	"palisade/accounts"
)

// showHome sends each person to the page their main role starts from.
func (s *Server) showHome(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	for _, want := range []accounts.Role{accounts.Coordinator, accounts.ITLead, accounts.Board} {
		for _, g := range v.grants {
			if g.Role != want {
				continue
			}
			switch {
			case g.Role == accounts.Coordinator || (g.Role == accounts.Board && g.MemberID == 0):
				http.Redirect(w, r, "/consortium", http.StatusSeeOther)
			default:
				http.Redirect(w, r, fmt.Sprintf("/members/%d", g.MemberID), http.StatusSeeOther)
			}
			return
		}
	}
	s.renderError(w, r, http.StatusForbidden, "Your account has no role in any consortium yet. Ask your consortium coordinator to invite you.")
}
