package accounts

import "fmt"

// Role is what a person does in one consortium. A person may hold several
// roles, in one or several consortia; each is a Grant.
type Role string

// The roles. The values are stored in the database, so they must not change.
const (
	// Coordinator runs the consortium: manages members, cycles and accounts,
	// and reviews submitted assessments. Coordinators see every member but do
	// not answer for them.
	Coordinator Role = "coordinator"
	// ITLead answers the self-assessment for one member municipality.
	ITLead Role = "it_lead"
	// Board is an elected or appointed official who reads results, for the
	// whole consortium or for one member.
	Board Role = "board"
)

// Roles returns the roles in the order they are offered in forms.
func Roles() []Role {
	return []Role{Coordinator, ITLead, Board}
}

// Label is the role's name as shown to people.
func (r Role) Label() string {
	switch r {
	case Coordinator:
		return "Coordinator"
	case ITLead:
		return "Member IT lead"
	case Board:
		return "Board official"
	}
	return string(r)
}

// Valid reports whether r is one of the defined roles. A role read from the
// database or a form that is not valid grants nothing.
func (r Role) Valid() bool {
	switch r {
	case Coordinator, ITLead, Board:
		return true
	}
	return false
}

// ParseRole turns the stored or submitted form of a role ("coordinator",
// "it_lead", "board") into a Role, refusing anything else so that a tampered
// form cannot invent a role.
func ParseRole(s string) (Role, error) {
	if r := Role(s); r.Valid() {
		return r, nil
	}
	return "", fmt.Errorf("accounts: unknown role %q", s)
}

// Grant is one role held in one consortium. MemberID narrows the grant to one
// member municipality: an IT lead always has one (a grant without it gives
// nothing), a board official may have one (0 means the whole consortium), and
// a coordinator's is ignored.
type Grant struct {
	ConsortiumID int64
	Role         Role
	MemberID     int64 // 0 = whole consortium
}

// The permission functions below are the single place where roles turn into
// rights; handlers ask them rather than checking roles themselves. They are
// pure, deny by default, and take the consortium of the member as an explicit
// argument: callers must pass the consortium the member actually belongs to,
// as loaded from storage, never one taken from the request, or a grant in
// one consortium could be used to reach another consortium's member.

// CanViewMember reports whether the grants allow reading the assessments of
// member memberID of consortium consortiumID. A coordinator of the consortium
// sees every member; an IT lead sees only their own member; a board official
// sees the members in their scope, which is every member of the consortium
// when their grant has no MemberID and that one member otherwise.
func CanViewMember(grants []Grant, consortiumID, memberID int64) bool {
	if consortiumID <= 0 || memberID <= 0 {
		return false
	}
	for _, g := range grants {
		if g.ConsortiumID != consortiumID {
			continue
		}
		switch g.Role {
		case Coordinator:
			return true
		case ITLead:
			if g.MemberID == memberID {
				return true
			}
		case Board:
			if g.MemberID == 0 || g.MemberID == memberID {
				return true
			}
		}
	}
	return false
}

// CanEditMember reports whether the grants allow answering the
// self-assessment of member memberID, which only that member's IT lead may
// do. Coordinators are deliberately excluded: the answers are the member's
// own statement, and the coordinator reviews them, so a coordinator writing
// them would review their own work.
func CanEditMember(grants []Grant, consortiumID, memberID int64) bool {
	if consortiumID <= 0 || memberID <= 0 {
		return false
	}
	for _, g := range grants {
		if g.ConsortiumID == consortiumID && g.Role == ITLead && g.MemberID == memberID {
			return true
		}
	}
	return false
}

// CanAdminister reports whether the grants allow running the consortium:
// members, cycles, invitations and accounts. Only its coordinators may.
func CanAdminister(grants []Grant, consortiumID int64) bool {
	return hasRole(grants, consortiumID, Coordinator)
}

// CanReview reports whether the grants allow reviewing submitted assessments
// of the consortium's members (accepting them or sending them back). Only its
// coordinators may; it is a separate function from CanAdminister so that the
// two rights can diverge without touching every handler.
func CanReview(grants []Grant, consortiumID int64) bool {
	return hasRole(grants, consortiumID, Coordinator)
}

// CanViewWholeConsortium reports whether the grants show every member of
// the consortium by name: a coordinator or a board official of the whole
// consortium (not one limited to a member). It is the consortiumView rule
// of the web guard.
func CanViewWholeConsortium(grants []Grant, consortiumID int64) bool {
	if consortiumID <= 0 {
		return false
	}
	for _, g := range grants {
		if g.ConsortiumID == consortiumID && (g.Role == Coordinator || (g.Role == Board && g.MemberID == 0)) {
			return true
		}
	}
	return false
}

// CanViewConsortium reports whether the grants give any role in the
// consortium, the least right there is: seeing that the consortium exists
// and entering it. What can be seen inside is then up to the other functions.
// Grants with an unknown role, or an IT lead grant without a member, do not
// count.
func CanViewConsortium(grants []Grant, consortiumID int64) bool {
	if consortiumID <= 0 {
		return false
	}
	for _, g := range grants {
		if g.ConsortiumID != consortiumID {
			continue
		}
		switch g.Role {
		case Coordinator, Board:
			return true
		case ITLead:
			if g.MemberID > 0 {
				return true
			}
		}
	}
	return false
}

func hasRole(grants []Grant, consortiumID int64, role Role) bool {
	if consortiumID <= 0 {
		return false
	}
	for _, g := range grants {
		if g.ConsortiumID == consortiumID && g.Role == role {
			return true
		}
	}
	return false
}
