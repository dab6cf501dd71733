package accounts_test

import (
	"testing"

	"palisade/accounts"
)

func TestRoleLabelsAndParsing(t *testing.T) {
	tests := []struct {
		in    string
		role  accounts.Role
		label string
	}{
		{"coordinator", accounts.Coordinator, "Coordinator"},
		{"it_lead", accounts.ITLead, "Member IT lead"},
		{"board", accounts.Board, "Board official"},
	}
	for _, tt := range tests {
		r, err := accounts.ParseRole(tt.in)
		if err != nil || r != tt.role {
			t.Errorf("ParseRole(%q) = %q, %v; want %q", tt.in, r, err, tt.role)
		}
		if got := r.Label(); got != tt.label {
			t.Errorf("%q.Label() = %q; want %q", r, got, tt.label)
		}
	}
	if got := accounts.Roles(); len(got) != 3 || got[0] != accounts.Coordinator || got[1] != accounts.ITLead || got[2] != accounts.Board {
		t.Errorf("Roles() = %v", got)
	}
	for _, bad := range []string{"", "admin", "Coordinator", " board", "it-lead", "itlead"} {
		if r, err := accounts.ParseRole(bad); err == nil {
			t.Errorf("ParseRole(%q) = %q, nil; want an error", bad, r)
		}
	}
}

// Consortium 1 has members 11 and 12; consortium 2 has member 21.
var (
	coord1   = accounts.Grant{ConsortiumID: 1, Role: accounts.Coordinator}
	lead11   = accounts.Grant{ConsortiumID: 1, Role: accounts.ITLead, MemberID: 11}
	board1   = accounts.Grant{ConsortiumID: 1, Role: accounts.Board}
	board11  = accounts.Grant{ConsortiumID: 1, Role: accounts.Board, MemberID: 11}
	coord2   = accounts.Grant{ConsortiumID: 2, Role: accounts.Coordinator}
	lead21   = accounts.Grant{ConsortiumID: 2, Role: accounts.ITLead, MemberID: 21}
	leadNone = accounts.Grant{ConsortiumID: 1, Role: accounts.ITLead} // malformed: no member
	bogus    = accounts.Grant{ConsortiumID: 1, Role: "superuser"}
)

func grants(g ...accounts.Grant) []accounts.Grant { return g }

type memberCase struct {
	name       string
	grants     []accounts.Grant
	consortium int64
	member     int64
	want       bool
}

func TestCanViewMember(t *testing.T) {
	tests := []memberCase{
		{"coordinator sees any member of the consortium", grants(coord1), 1, 11, true},
		{"coordinator sees the other member too", grants(coord1), 1, 12, true},
		{"coordinator of another consortium sees nothing here", grants(coord2), 1, 11, false},
		{"coordinator does not see another consortium's member", grants(coord1), 2, 21, false},
		{"IT lead sees their member", grants(lead11), 1, 11, true},
		{"IT lead does not see another member", grants(lead11), 1, 12, false},
		{"IT lead of a member elsewhere does not see this consortium", grants(lead21), 1, 11, false},
		{"IT lead's member id in the wrong consortium", grants(lead11), 2, 11, false},
		{"board of the whole consortium sees every member", grants(board1), 1, 12, true},
		{"board of one member sees that member", grants(board11), 1, 11, true},
		{"board of one member does not see another", grants(board11), 1, 12, false},
		{"board does not see another consortium", grants(board1), 2, 21, false},
		{"several grants: any one suffices", grants(lead21, lead11), 1, 11, true},
		{"several grants in other places do not add up", grants(lead21, board11), 1, 12, false},
		{"IT lead grant without a member gives nothing", grants(leadNone), 1, 11, false},
		{"unknown role gives nothing", grants(bogus), 1, 11, false},
		{"no grants", nil, 1, 11, false},
		{"member 0 is not a member", grants(coord1, board1), 1, 0, false},
		{"consortium 0 is not a consortium", grants(accounts.Grant{Role: accounts.Coordinator}), 0, 11, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := accounts.CanViewMember(tt.grants, tt.consortium, tt.member); got != tt.want {
				t.Errorf("CanViewMember(%v, %d, %d) = %v; want %v", tt.grants, tt.consortium, tt.member, got, tt.want)
			}
		})
	}
}

func TestCanEditMember(t *testing.T) {
	tests := []memberCase{
		{"IT lead answers for their member", grants(lead11), 1, 11, true},
		{"IT lead does not answer for another member", grants(lead11), 1, 12, false},
		{"IT lead's member id in the wrong consortium", grants(lead11), 2, 11, false},
		{"IT lead of another consortium", grants(lead21), 1, 11, false},
		{"coordinator does not fill in answers", grants(coord1), 1, 11, false},
		{"board does not fill in answers", grants(board1, board11), 1, 11, false},
		{"coordinator who is also the IT lead may, as IT lead", grants(coord1, lead11), 1, 11, true},
		{"IT lead grant without a member gives nothing", grants(leadNone), 1, 0, false},
		{"no grants", nil, 1, 11, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := accounts.CanEditMember(tt.grants, tt.consortium, tt.member); got != tt.want {
				t.Errorf("CanEditMember(%v, %d, %d) = %v; want %v", tt.grants, tt.consortium, tt.member, got, tt.want)
			}
		})
	}
}

type consortiumCase struct {
	name       string
	grants     []accounts.Grant
	consortium int64
	want       bool
}

// CanAdminister and CanReview have the same rule today: coordinators only.
func TestCanAdministerAndCanReview(t *testing.T) {
	tests := []consortiumCase{
		{"coordinator of the consortium", grants(coord1), 1, true},
		{"coordinator of another consortium", grants(coord2), 1, false},
		{"IT lead", grants(lead11), 1, false},
		{"board of the whole consortium", grants(board1), 1, false},
		{"board of one member", grants(board11), 1, false},
		{"coordinator elsewhere and IT lead here", grants(coord2, lead11), 1, false},
		{"unknown role", grants(bogus), 1, false},
		{"no grants", nil, 1, false},
		{"consortium 0", grants(accounts.Grant{Role: accounts.Coordinator}), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := accounts.CanAdminister(tt.grants, tt.consortium); got != tt.want {
				t.Errorf("CanAdminister(%v, %d) = %v; want %v", tt.grants, tt.consortium, got, tt.want)
			}
			if got := accounts.CanReview(tt.grants, tt.consortium); got != tt.want {
				t.Errorf("CanReview(%v, %d) = %v; want %v", tt.grants, tt.consortium, got, tt.want)
			}
		})
	}
}

func TestCanViewConsortium(t *testing.T) {
	tests := []consortiumCase{
		{"coordinator", grants(coord1), 1, true},
		{"IT lead of a member", grants(lead11), 1, true},
		{"board of the whole consortium", grants(board1), 1, true},
		{"board of one member", grants(board11), 1, true},
		{"grants in another consortium only", grants(coord2, lead21), 1, false},
		{"IT lead grant without a member", grants(leadNone), 1, false},
		{"unknown role", grants(bogus), 1, false},
		{"no grants", nil, 1, false},
		{"consortium 0", grants(accounts.Grant{Role: accounts.Board}), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := accounts.CanViewConsortium(tt.grants, tt.consortium); got != tt.want {
				t.Errorf("CanViewConsortium(%v, %d) = %v; want %v", tt.grants, tt.consortium, got, tt.want)
			}
		})
	}
}

func TestCanViewWholeConsortium(t *testing.T) {
	for _, tc := range []struct {
		name   string
		grants []accounts.Grant
		want   bool
	}{
		{"coordinator", []accounts.Grant{{ConsortiumID: 1, Role: accounts.Coordinator}}, true},
		{"board of the whole consortium", []accounts.Grant{{ConsortiumID: 1, Role: accounts.Board}}, true},
		{"board of one member", []accounts.Grant{{ConsortiumID: 1, Role: accounts.Board, MemberID: 7}}, false},
		{"IT lead", []accounts.Grant{{ConsortiumID: 1, Role: accounts.ITLead, MemberID: 7}}, false},
		{"coordinator elsewhere", []accounts.Grant{{ConsortiumID: 2, Role: accounts.Coordinator}}, false},
		{"nothing", nil, false},
	} {
		if got := accounts.CanViewWholeConsortium(tc.grants, 1); got != tc.want {
			t.Errorf("%s: %t; want %t", tc.name, got, tc.want)
		}
	}
	if accounts.CanViewWholeConsortium([]accounts.Grant{{ConsortiumID: 0, Role: accounts.Coordinator}}, 0) {
		t.Error("consortium 0 is nobody's")
	}
}
