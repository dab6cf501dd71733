package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"palisade/store"
	"palisade/views"
)

var kindLabels = map[string]string{
	"municipality": "City, town or village", "county": "County", "school-district": "School district",
	"utility": "Utility", "special-district": "Special district", "tribal": "Tribal government",
}

func kindLabel(k string) string {
	if l, ok := kindLabels[k]; ok {
		return l
	}
	return k
}

func (s *Server) membersPage(w http.ResponseWriter, r *http.Request, vals, errs map[string]string, formErr string) (views.MembersPage, error) {
	v := visitOf(r)
	members, err := s.store.MembersOfConsortium(r.Context(), v.consortium.ID)
	if err != nil {
		return views.MembersPage{}, err
	}
	p := views.MembersPage{Page: s.page(w, r, "Members", "members"), Error: formErr, KindErr: errs["kind"]}
	for _, m := range members {
		p.Members = append(p.Members, views.MemberRow{Name: m.Name, Kind: kindLabel(m.Kind), Href: fmt.Sprintf("/members/%d", m.ID),
			Population: strconv.Itoa(m.Population)})
	}
	p.Kinds = []views.Option{{Value: "", Label: "Choose…"}}
	for _, k := range store.MemberKinds {
		p.Kinds = append(p.Kinds, views.Option{Value: k, Label: kindLabel(k), Selected: vals["kind"] == k})
	}
	p.Fields = []views.Field{
		{ID: "name", Name: "name", Label: "Name", Value: vals["name"], Required: true, MaxLength: 200, Hint: "For example: Town of Millbrook", Error: errs["name"]},
		{ID: "population", Name: "population", Label: "Population served", Value: vals["population"], InputMode: "numeric", Error: errs["population"]},
		{ID: "staff", Name: "staff", Label: "Number of staff", Value: vals["staff"], InputMode: "numeric", Error: errs["staff"]},
		{ID: "it_budget", Name: "it_budget", Label: "Annual IT budget (US dollars)", Value: vals["it_budget"], InputMode: "numeric", Error: errs["it_budget"]},
		{ID: "contact_name", Name: "contact_name", Label: "Contact name", Value: vals["contact_name"], MaxLength: 200, Error: errs["contact_name"]},
		{ID: "contact_email", Name: "contact_email", Label: "Contact email", Type: "email", Value: vals["contact_email"], MaxLength: 254, Error: errs["contact_email"]},
	}
	return p, nil
}

func (s *Server) showMembers(w http.ResponseWriter, r *http.Request) {
	p, err := s.membersPage(w, r, map[string]string{}, map[string]string{}, "")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.MembersShow(p))
}

func (s *Server) createMember(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	vals := formValues(r, "name", "kind", "population", "staff", "it_budget", "contact_name", "contact_email")
	errs := map[string]string{}
	requireText(vals, errs, "name", "Enter the member's name.", 200)
	if _, ok := kindLabels[vals["kind"]]; !ok {
		errs["kind"] = "Choose what kind of organisation this is."
	}
	nums := map[string]int{}
	for _, f := range []string{"population", "staff", "it_budget"} {
		raw := strings.ReplaceAll(strings.ReplaceAll(vals[f], ",", ""), "$", "")
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 || n > 100_000_000_000 {
			errs[f] = "Enter a whole number, such as 12500."
			continue
		}
		nums[f] = n
	}
	if vals["contact_email"] != "" {
		tmp := map[string]string{"email": vals["contact_email"]}
		checkEmail(tmp, errs)
		if msg, ok := errs["email"]; ok {
			delete(errs, "email")
			errs["contact_email"] = msg
		}
	}
	if vals["contact_name"] != "" {
		requireText(vals, errs, "contact_name", "", 200)
	}
	slug := store.Slug(vals["name"])
	if errs["name"] == "" && slug == "" {
		errs["name"] = "Use at least one letter or digit in the name."
	}
	if errs["name"] == "" {
		if _, err := s.store.MemberBySlug(r.Context(), v.consortium.ID, slug); err == nil {
			errs["name"] = "A member with this name already exists."
		} else if !errors.Is(err, store.ErrNotFound) {
			s.serverError(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		p, err := s.membersPage(w, r, vals, errs, "The member was not added. Please correct the fields marked below.")
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, views.MembersShow(p))
		return
	}
	_, err := s.store.CreateMember(r.Context(), v.actor(s, r), store.Member{ConsortiumID: v.consortium.ID, Name: vals["name"], Slug: slug, Kind: vals["kind"],
		Population: nums["population"], Staff: nums["staff"], ITBudget: nums["it_budget"], ContactName: vals["contact_name"], ContactEmail: vals["contact_email"]})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", vals["name"]+" has been added. Invite its IT lead under Accounts.")
	http.Redirect(w, r, "/admin/members", http.StatusSeeOther)
}
