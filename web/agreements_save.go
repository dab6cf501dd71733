package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"palisade/store"
	"palisade/views"
)

// Limits of the agreement form.
const (
	maxAgreementTitle   = 200
	maxAgreementParties = 500
	maxAgreementRenewal = 100
	maxAgreementURL     = 2000
)

var agreementFormValues = []string{"title", "parties", "starts_on", "ends_on", "renewal", "document_url"}

// agreementService loads the service named in the URL, of the
// coordinator's consortium; it has answered the request when ok is false.
func (s *Server) agreementService(w http.ResponseWriter, r *http.Request) (store.Service, bool) {
	id, ok := urlID(r, "service")
	if !ok {
		s.notFound(w, r)
		return store.Service{}, false
	}
	sv, err := s.store.ServiceByID(r.Context(), visitOf(r).consortium.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		s.renderError(w, r, http.StatusNotFound, "There is no such service in this consortium.")
		return sv, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return sv, false
	}
	return sv, true
}

func (s *Server) agreementPage(w http.ResponseWriter, r *http.Request, sv store.Service, vals, errs map[string]string, formErr string) views.AgreementPage {
	href := fmt.Sprintf("/consortium/services/%d", sv.ID)
	field := func(name, label, hint string, max int) views.Field {
		return views.Field{ID: "agreement-" + strings.ReplaceAll(name, "_", "-"), Name: name, Label: label, Hint: hint, Value: vals[name],
			Error: errs[name], MaxLength: max}
	}
	p := views.AgreementPage{Page: s.page(w, r, "New agreement: "+sv.Name, "services"), Service: sv.Name, ServiceHref: href,
		Action: href + "/agreements", Error: formErr,
		Title:    field("title", "Title", "For example: Memorandum of understanding for the regional SOC.", maxAgreementTitle),
		Parties:  field("parties", "Parties", "Who signed it, for example: the consortium, Cascade County and the Town of Millbrook.", maxAgreementParties),
		StartsOn: field("starts_on", "Starts on", "As YYYY-MM-DD.", 0),
		EndsOn:   field("ends_on", "Ends on (optional)", "As YYYY-MM-DD; empty when it runs until terminated.", 0),
		Renewal:  field("renewal", "Renewal (optional)", "For example: renews each July 1 unless a party gives 90 days' notice.", maxAgreementRenewal),
		DocumentURL: field("document_url", "Link to the signed document (optional)", "An address starting with https:// or http://, for example on your document library.",
			maxAgreementURL)}
	p.StartsOn.Type, p.EndsOn.Type = "date", "date"
	p.DocumentURL.Type = "url"
	return p
}

func (s *Server) agreementCrumbs(sv store.Service) []views.Crumb {
	return []views.Crumb{{Href: "/consortium", Label: "Consortium"}, {Href: fmt.Sprintf("/consortium/services/%d", sv.ID), Label: sv.Name},
		{Label: "New agreement"}}
}

// showAgreementForm is the empty form for an agreement behind a service.
func (s *Server) showAgreementForm(w http.ResponseWriter, r *http.Request) {
	sv, ok := s.agreementService(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, views.AgreementForm(s.agreementPage(w, r, sv, map[string]string{}, map[string]string{}, ""), s.agreementCrumbs(sv)))
}

// checkDocumentURL is "" for an absolute http(s) address, else what is
// wrong with it.
func checkDocumentURL(raw string) string {
	if len(raw) > maxAgreementURL {
		return fmt.Sprintf("The address is too long: at most %d characters.", maxAgreementURL)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		strings.ContainsAny(raw, " \t\r\n<>\"\\") {
		return "Enter a full web address starting with https:// or http://, or leave it empty."
	}
	return ""
}

// createServiceAgreement records an agreement behind a service of the
// coordinator's consortium. A refused one is shown again with its values
// and the reason beside each field (422); nothing is stored.
func (s *Server) createServiceAgreement(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	sv, ok := s.agreementService(w, r)
	if !ok {
		return
	}
	v := visitOf(r)
	vals := formValues(r, agreementFormValues...)
	errs := map[string]string{}
	requireText(vals, errs, "title", "Give the agreement a title.", maxAgreementTitle)
	requireText(vals, errs, "parties", "Say who the parties to the agreement are.", maxAgreementParties)
	switch {
	case vals["starts_on"] == "":
		errs["starts_on"] = "Enter the date the agreement starts."
	case !calendarDate(vals["starts_on"]):
		errs["starts_on"] = "Enter a real date as YYYY-MM-DD, for example 2026-07-01."
	}
	switch {
	case vals["ends_on"] == "":
	case !calendarDate(vals["ends_on"]):
		errs["ends_on"] = "Enter a real date as YYYY-MM-DD, or leave it empty."
	case errs["starts_on"] == "" && vals["ends_on"] < vals["starts_on"]:
		errs["ends_on"] = "The agreement cannot end before it starts."
	}
	if vals["renewal"] != "" {
		requireText(vals, errs, "renewal", "", maxAgreementRenewal)
	}
	if vals["document_url"] != "" {
		if msg := checkDocumentURL(vals["document_url"]); msg != "" {
			errs["document_url"] = msg
		}
	}
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, views.AgreementForm(s.agreementPage(w, r, sv, vals, errs,
			"The agreement was not saved. Please correct the fields marked below."), s.agreementCrumbs(sv)))
		return
	}
	a := store.Agreement{ServiceID: sv.ID, ConsortiumID: v.consortium.ID, Title: vals["title"], Parties: vals["parties"],
		StartsOn: vals["starts_on"], EndsOn: vals["ends_on"], Renewal: vals["renewal"], DocumentURL: vals["document_url"]}
	if _, err := s.store.CreateAgreement(r.Context(), v.actor(s, r), a); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			s.renderError(w, r, http.StatusNotFound, "The service no longer exists in this consortium. Nothing was saved.")
			return
		}
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", "Agreement saved: "+a.Title+".")
	http.Redirect(w, r, fmt.Sprintf("/consortium/services/%d", sv.ID), http.StatusSeeOther)
}

// deleteServiceAgreement removes an agreement behind a service of the
// coordinator's consortium; one of another consortium is not found.
func (s *Server) deleteServiceAgreement(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	id, ok := urlID(r, "agreement")
	if !ok {
		s.notFound(w, r)
		return
	}
	if !confirmed(r) {
		s.renderError(w, r, http.StatusUnprocessableEntity, "The agreement was not deleted: tick “Yes, delete” next to it first. Go back to try again.")
		return
	}
	all, err := s.store.AgreementsOfConsortium(r.Context(), v.consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var serviceID int64
	for _, a := range all {
		if a.ID == id {
			serviceID = a.ServiceID
		}
	}
	if serviceID != 0 {
		err = s.store.DeleteAgreement(r.Context(), v.actor(s, r), v.consortium.ID, id)
	}
	if serviceID == 0 || errors.Is(err, store.ErrNotFound) {
		s.renderError(w, r, http.StatusNotFound, "There is no such agreement. It may have been deleted already.")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", "Agreement deleted.")
	http.Redirect(w, r, fmt.Sprintf("/consortium/services/%d", serviceID), http.StatusSeeOther)
}
