package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"palisade/accounts"
	"palisade/store"
	"palisade/views"
)

// accountsPage builds the accounts page; link is a one-time link just made.
func (s *Server) accountsPage(w http.ResponseWriter, r *http.Request, vals, errs map[string]string, formErr string) (views.AccountsPage, error) {
	v := visitOf(r)
	ctx := r.Context()
	list, err := s.store.AccountsOfConsortium(ctx, v.consortium.ID)
	if err != nil {
		return views.AccountsPage{}, err
	}
	members, err := s.store.MembersOfConsortium(ctx, v.consortium.ID)
	if err != nil {
		return views.AccountsPage{}, err
	}
	names := map[int64]string{}
	for _, m := range members {
		names[m.ID] = m.Name
	}
	p := views.AccountsPage{Page: s.page(w, r, "Accounts", "accounts"), Error: formErr, RoleErr: errs["role"], MemberErr: errs["member"]}
	for _, a := range list {
		var roles []string
		for _, g := range a.Grants {
			label := g.Role.Label()
			if g.MemberID != 0 {
				label += " (" + names[g.MemberID] + ")"
			}
			roles = append(roles, label)
		}
		p.Accounts = append(p.Accounts, views.AccountRow{ID: a.ID, Name: a.Name, Email: a.Email, Roles: strings.Join(roles, ", "),
			Disabled: a.Disabled, HasTOTP: a.HasTOTP(), Self: a.ID == v.user.ID})
	}
	p.Invite = []views.Field{
		{ID: "invite-name", Name: "name", Label: "Name", Value: vals["name"], MaxLength: 200, Error: errs["name"]},
		{ID: "invite-email", Name: "email", Label: "Email", Type: "email", Value: vals["email"], MaxLength: 254, Required: true, Error: errs["email"]},
	}
	for _, role := range []accounts.Role{accounts.ITLead, accounts.Board, accounts.Coordinator} {
		p.Roles = append(p.Roles, views.Option{Value: string(role), Label: role.Label(), Selected: vals["role"] == string(role)})
	}
	p.Members = []views.Option{{Value: "", Label: "Whole consortium (no single member)"}}
	for _, m := range members {
		id := strconv.FormatInt(m.ID, 10)
		p.Members = append(p.Members, views.Option{Value: id, Label: m.Name, Selected: vals["member"] == id})
	}
	return p, nil
}

func (s *Server) showAccounts(w http.ResponseWriter, r *http.Request) {
	p, err := s.accountsPage(w, r, map[string]string{}, map[string]string{}, "")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.AccountsShow(p))
}

// baseURL is where one-time links point.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimRight(s.cfg.BaseURL, "/")
	}
	scheme := "http"
	if s.overTLS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) createInvitation(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	ctx := r.Context()
	vals := formValues(r, "name", "email", "role", "member")
	errs := map[string]string{}
	checkEmail(vals, errs)
	if vals["name"] != "" {
		requireText(vals, errs, "name", "", 200)
	}
	role, err := accounts.ParseRole(vals["role"])
	if err != nil {
		errs["role"] = "Choose a role."
	}
	grant := accounts.Grant{ConsortiumID: v.consortium.ID, Role: role}
	if vals["member"] != "" {
		id, err := strconv.ParseInt(vals["member"], 10, 64)
		m, merr := s.store.MemberByID(ctx, id)
		// A member id from another consortium is refused like an unknown
		// one: the form cannot be used to reach outside the consortium.
		if err != nil || merr != nil || m.ConsortiumID != v.consortium.ID {
			errs["member"] = "Choose a member from the list."
		} else {
			grant.MemberID = m.ID
		}
	}
	switch {
	case role == accounts.ITLead && grant.MemberID == 0 && errs["member"] == "":
		errs["member"] = "An IT lead belongs to one member. Choose which."
	case role == accounts.Coordinator && grant.MemberID != 0:
		errs["member"] = "A coordinator works for the whole consortium. Choose \"Whole consortium\"."
	}
	// Someone who already has an account (in this consortium or another)
	// gets the role added to it instead of an invitation: one person can be
	// the IT lead of a member and a board official, say.
	var existing *store.User
	if errs["email"] == "" {
		u, err := s.store.UserByEmail(ctx, vals["email"])
		switch {
		case err == nil:
			existing = &u
			if msg, err := s.grantProblem(r, u, grant); err != nil {
				s.serverError(w, r, err)
				return
			} else if msg != "" && len(errs) == 0 {
				errs["email"] = msg
			}
		case !errors.Is(err, store.ErrNotFound):
			s.serverError(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		p, err := s.accountsPage(w, r, vals, errs, "No invitation was created. Please correct the fields marked below.")
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, views.AccountsShow(p))
		return
	}
	if existing != nil {
		if err := s.store.AddGrant(ctx, v.actor(s, r), existing.ID, grant); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.setFlash(w, "success", existing.Email+" already had an account: the role "+role.Label()+" has been added to it. They will be asked to sign in again.")
		http.Redirect(w, r, "/admin/accounts", http.StatusSeeOther)
		return
	}
	token, hash, err := accounts.NewToken()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	err = s.store.CreateToken(ctx, v.actor(s, r), store.Token{Hash: hash, Purpose: store.PurposeInvite, Email: vals["email"], Name: vals["name"],
		Grant: grant, CreatedBy: v.user.ID, ExpiresAt: s.now().Add(inviteLinkLife)})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	link := s.baseURL(r) + "/invite?token=" + token
	s.showLink(w, r, link, "Invitation for "+vals["email"]+" as "+role.Label()+":", vals["email"], "Your invitation to Palisade",
		"You have been invited to Palisade by "+v.user.Name+". Open this link to choose your password (it works once, for 7 days):\n\n"+link)
}

// grantProblem says why a role cannot be added to an existing account:
// it has it already, or the account is disabled (enable it first, on
// purpose). "" when the role can be added.
func (s *Server) grantProblem(r *http.Request, u store.User, g accounts.Grant) (string, error) {
	if u.Disabled {
		return "This person's account is disabled. Enable it in the table above first, then add the role.", nil
	}
	grants, err := s.store.GrantsOfUser(r.Context(), u.ID)
	if err != nil {
		return "", err
	}
	for _, have := range grants {
		if have == g {
			return "This person already has this role.", nil
		}
	}
	return "", nil
}

// showLink shows a freshly made one-time link on the accounts page, and
// sends it by email when SMTP is configured.
func (s *Server) showLink(w http.ResponseWriter, r *http.Request, link, label, to, subject, body string) {
	p, err := s.accountsPage(w, r, map[string]string{}, map[string]string{}, "")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.NewLink, p.NewLinkFor = link, label
	if s.cfg.Mailer != nil {
		if err := s.cfg.Mailer.Send(to, subject, body); err != nil {
			s.log.Error("send email", "to", to, "err", err)
			p.Error = "The email could not be sent (" + err.Error() + "). Send the link yourself."
		} else {
			p.MailSent = true
		}
	}
	s.render(w, r, http.StatusOK, views.AccountsShow(p))
}

// accountInConsortium loads the {user} of the URL if they hold a role in the
// coordinator's consortium; coordinators cannot act on anyone else.
func (s *Server) accountInConsortium(w http.ResponseWriter, r *http.Request) (store.User, bool) {
	v := visitOf(r)
	id, err := strconv.ParseInt(chi.URLParam(r, "user"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return store.User{}, false
	}
	grants, err := s.store.GrantsOfUser(r.Context(), id)
	if err != nil {
		s.serverError(w, r, err)
		return store.User{}, false
	}
	for _, g := range grants {
		if g.ConsortiumID == v.consortium.ID {
			u, err := s.store.UserByID(r.Context(), id)
			if err != nil {
				s.serverError(w, r, err)
				return u, false
			}
			return u, true
		}
	}
	s.deny(w, r, v)
	return store.User{}, false
}

func (s *Server) setAccountDisabled(w http.ResponseWriter, r *http.Request, disabled bool) {
	v := visitOf(r)
	u, ok := s.accountInConsortium(w, r)
	if !ok {
		return
	}
	if u.ID == v.user.ID {
		s.setFlash(w, "error", "You cannot disable your own account.")
		http.Redirect(w, r, "/admin/accounts", http.StatusSeeOther)
		return
	}
	if err := s.store.SetUserDisabled(r.Context(), v.actor(s, r), u.ID, disabled); err != nil {
		s.serverError(w, r, err)
		return
	}
	msg := u.Name + "'s account is enabled again."
	if disabled {
		msg = u.Name + "'s account is disabled and signed out everywhere."
	}
	s.setFlash(w, "success", msg)
	http.Redirect(w, r, "/admin/accounts", http.StatusSeeOther)
}

func (s *Server) disableAccount(w http.ResponseWriter, r *http.Request) {
	s.setAccountDisabled(w, r, true)
}
func (s *Server) enableAccount(w http.ResponseWriter, r *http.Request) {
	s.setAccountDisabled(w, r, false)
}

func (s *Server) createResetLink(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	u, ok := s.accountInConsortium(w, r)
	if !ok {
		return
	}
	token, hash, err := accounts.NewToken()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	err = s.store.CreateToken(r.Context(), v.actor(s, r), store.Token{Hash: hash, Purpose: store.PurposeReset, Email: u.Email, UserID: u.ID,
		Grant: accounts.Grant{ConsortiumID: v.consortium.ID}, CreatedBy: v.user.ID, ExpiresAt: s.now().Add(resetLinkLife)})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	link := s.baseURL(r) + "/reset?token=" + token
	s.showLink(w, r, link, fmt.Sprintf("Password-reset link for %s (works once, for %d hours):", u.Email, int(resetLinkLife/time.Hour)), u.Email,
		"Reset your Palisade password", "Open this link to choose a new Palisade password (it works once, for 24 hours):\n\n"+link)
}
