package web

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"palisade/pooling"
	"palisade/store"
	"palisade/views"
)

// The service form: coordinators add, edit and remove shared services.
// The form is parsed into a pooling.Service and checked by
// pooling.CheckService, so the rules live in one place; this file only
// turns text into numbers and messages back onto fields.

// serviceMoneyFields are the price fields of the form, in dollars.
var serviceMoneyFields = []struct{ name, label, hint string }{
	{"fixed", "Fixed cost for the whole consortium", "Platform or licence fees paid once, whoever takes part."},
	{"per_member", "Per member taking part", ""},
	{"per_user", "Per staff member of each member taking part", "For services priced per user, such as training or MFA."},
	{"per_endpoint", "Per computer or device", "For services priced per endpoint, such as EDR or MDR. Members without a device count are estimated at one per staff member."},
	{"standalone", "What one member would pay alone", "The stand-alone price a year, to show each member its saving. Leave empty when not known."},
}

// serviceCostField maps a form field to the name pooling.CheckService uses.
var serviceCostField = map[string]string{"fixed": "cost.fixed", "per_member": "cost.per_member", "per_user": "cost.per_user",
	"per_endpoint": "cost.per_endpoint", "standalone": "standalone_per_member"}

// maxDollars bounds a price field: no consortium service costs a billion
// dollars a year, and the bound keeps cents well inside int64.
const maxDollars = 1_000_000_000

var providerKindLabels = []views.Option{{Value: pooling.ProviderConsortium, Label: "The consortium"}, {Value: pooling.ProviderMember, Label: "A member, for the others"},
	{Value: pooling.ProviderState, Label: "The state"}, {Value: pooling.ProviderVendor, Label: "A vendor"}}

var serviceStatusLabels = []views.Option{{Value: pooling.StatusProposed, Label: "Proposed"}, {Value: pooling.StatusActive, Label: "Active (running)"}}

// serviceForm is what the form holds: the values as typed, the errors by
// field name, and the service's version when editing.
type serviceForm struct {
	vals    map[string]string
	errs    map[string]string
	version int
}

// formOfService fills the form from a stored service.
func formOfService(st store.Service) serviceForm {
	f := serviceForm{vals: map[string]string{"name": st.Name, "description": st.Description, "provider": st.Provider,
		"provider_kind": st.ProviderKind, "status": st.Status, "share_rule": st.ShareRule,
		"fixed": centsText(st.FixedCents), "per_member": centsText(st.PerMemberCents), "per_user": centsText(st.PerUserCents),
		"per_endpoint": centsText(st.PerEndpointCents), "standalone": centsText(st.StandaloneCents)},
		errs: map[string]string{}, version: st.Version}
	var lines []string
	for _, l := range st.Lifts {
		lines = append(lines, fmt.Sprintf("%s %d", l.SubcategoryID, l.Level))
	}
	f.vals["lifts"] = strings.Join(lines, "\n")
	for r, p := range st.Blend {
		f.vals["blend-"+r] = strconv.Itoa(p)
	}
	return f
}

// centsText shows cents in a form field: whole dollars without decimals.
func centsText(c int64) string {
	if c == 0 {
		return ""
	}
	if c%100 == 0 {
		return strconv.FormatInt(c/100, 10)
	}
	return fmt.Sprintf("%d.%02d", c/100, c%100)
}

// parseServiceForm reads the posted form into a service and the form to
// re-show. Text that is not a number is an error here; everything else is
// checked by pooling.CheckService.
func (s *Server) parseServiceForm(r *http.Request, key string) (pooling.Service, serviceForm) {
	names := []string{"name", "description", "provider", "provider_kind", "status", "share_rule", "lifts"}
	for _, m := range serviceMoneyFields {
		names = append(names, m.name)
	}
	for _, rule := range pooling.Rules() {
		if rule != pooling.RuleBlend {
			names = append(names, "blend-"+string(rule))
		}
	}
	f := serviceForm{vals: formValues(r, names...), errs: map[string]string{}}
	f.version, _ = strconv.Atoi(r.PostForm.Get("version"))
	ps := pooling.Service{Key: key, Name: f.vals["name"], Description: f.vals["description"], Provider: f.vals["provider"],
		ProviderKind: f.vals["provider_kind"], Status: f.vals["status"], ShareRule: pooling.Rule(f.vals["share_rule"])}
	cents := map[string]int64{}
	for _, m := range serviceMoneyFields {
		c, ok := parseDollars(f.vals[m.name])
		switch {
		case !ok:
			f.errs[m.name] = "Enter an amount in dollars with at most two decimals after a point, like 1200 or 1,200.50."
		case c > maxDollars*100:
			f.errs[m.name] = "Enter at most $1,000,000,000 a year."
		}
		cents[m.name] = c
	}
	ps.Cost = pooling.CostModel{Fixed: cents["fixed"], PerMember: cents["per_member"], PerUser: cents["per_user"], PerEndpoint: cents["per_endpoint"]}
	ps.StandalonePerMember = cents["standalone"]
	if ps.ShareRule == pooling.RuleBlend {
		ps.Blend = map[pooling.Rule]int{}
		for _, rule := range pooling.Rules() {
			raw := f.vals["blend-"+string(rule)]
			if rule == pooling.RuleBlend || raw == "" {
				continue
			}
			p, err := strconv.Atoi(raw)
			if err != nil || p < 0 || p > 100 {
				f.errs["blend-"+string(rule)] = "Enter a whole percentage from 0 to 100."
				continue
			}
			if p > 0 {
				ps.Blend[rule] = p
			}
		}
	}
	lines := parseLiftLines(f.vals["lifts"], &ps, f.errs)
	checked := pooling.CheckService(s.catalog, s.scale, ps)
	// In a fixed order (sorted field names), so the line messages joined
	// into one come out the same way on every submit.
	for _, field := range slices.Sorted(maps.Keys(checked)) {
		msg := checked[field]
		switch {
		case strings.HasPrefix(field, "lifts["):
			// lifts[3].level -> the line of the textarea it came from.
			var i int
			fmt.Sscanf(field, "lifts[%d]", &i)
			if i >= 0 && i < len(lines) {
				msg = fmt.Sprintf("Line %d: %s", lines[i], msg)
			}
			f.errs["lifts"] = strings.TrimSpace(f.errs["lifts"] + " " + msg)
		case strings.HasPrefix(field, "cost.") || field == "standalone_per_member":
			for name, domain := range serviceCostField {
				if domain == field && f.errs[name] == "" {
					f.errs[name] = msg
				}
			}
		case field == "blend":
			f.errs["share_rule"] = msg
		case field == "key":
			// The key is made from the name: an empty name has its own
			// message, anything else lacks letters or digits.
			if strings.TrimSpace(ps.Name) != "" {
				f.errs["name"] = "Use at least one letter (a to z) or digit in the name."
			}
		default:
			if f.errs[field] == "" {
				f.errs[field] = msg
			}
		}
	}
	return ps, f
}

// parseLiftLines reads "PR.AA-03 6" lines (also "PR.AA-03 = 6" or
// "PR.AA-03: 6") into the service's lifts, and returns the line number of
// each lift so the domain's messages can point at the line.
func parseLiftLines(text string, ps *pooling.Service, errs map[string]string) []int {
	var lines []int
	for n, line := range strings.Split(text, "\n") {
		fields := strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' || r == '=' || r == ':' || r == ',' || r == '\r' })
		if len(fields) == 0 {
			continue
		}
		level, err := strconv.Atoi(fields[len(fields)-1])
		if len(fields) != 2 || err != nil {
			errs["lifts"] = strings.TrimSpace(errs["lifts"] + " " + fmt.Sprintf("Line %d: write a subcategory and a level, like PR.AA-03 6.", n+1))
			continue
		}
		ps.Lifts = append(ps.Lifts, pooling.Lift{SubcategoryID: strings.ToUpper(fields[0]), Level: level})
		lines = append(lines, n+1)
	}
	return lines
}

// serviceFormPage builds the form page.
func (s *Server) serviceFormPage(w http.ResponseWriter, r *http.Request, heading, action, cancel string, f serviceForm, formErr string) views.ServiceFormPage {
	p := views.ServiceFormPage{Page: s.page(w, r, heading, "services"), Heading: heading, Action: action, Cancel: cancel,
		Version: f.version, Error: formErr, ProviderKindErr: f.errs["provider_kind"], StatusErr: f.errs["status"], RuleErr: f.errs["share_rule"]}
	p.Text = []views.Field{
		{ID: "name", Name: "name", Label: "Name", Value: f.vals["name"], Required: true, MaxLength: pooling.MaxServiceName, Error: f.errs["name"],
			Hint: "For example: Shared multi-factor sign-in"},
		{ID: "provider", Name: "provider", Label: "Provider", Value: f.vals["provider"], MaxLength: pooling.MaxServiceProvider, Error: f.errs["provider"],
			Hint: "Who delivers it: a vendor's name, the state agency, or the member that runs it."},
	}
	p.Description = views.Field{ID: "description", Name: "description", Label: "What it is, in plain words", Value: f.vals["description"],
		MaxLength: pooling.MaxServiceDescription, Error: f.errs["description"]}
	p.Lifts = views.Field{ID: "lifts", Name: "lifts", Label: "Questions it answers, one per line", Value: f.vals["lifts"], Required: true, Error: f.errs["lifts"],
		Hint: "The CSF 2.0 subcategory and the level (1 to 7) the service brings a member to, for example “PR.AA-03 6” for multi-factor sign-in at level 6."}
	p.ProviderKind = optionsWith(providerKindLabels, f.vals["provider_kind"])
	p.Status = optionsWith(serviceStatusLabels, f.vals["status"])
	for _, m := range serviceMoneyFields {
		p.Money = append(p.Money, views.Field{ID: m.name, Name: m.name, Label: m.label, Hint: m.hint, Value: f.vals[m.name],
			InputMode: "decimal", MaxLength: 20, Error: f.errs[m.name]})
	}
	for _, rule := range pooling.Rules() {
		p.Rule = append(p.Rule, views.Option{Value: string(rule), Label: ruleLabel(rule), Selected: f.vals["share_rule"] == string(rule)})
		if rule != pooling.RuleBlend {
			p.Blend = append(p.Blend, views.Field{ID: "blend-" + string(rule), Name: "blend-" + string(rule), Label: "Blend: % " + rule.Label(),
				Value: f.vals["blend-"+string(rule)], InputMode: "numeric", MaxLength: 3, Error: f.errs["blend-"+string(rule)]})
		}
	}
	return p
}

// ruleLabel is a rule in words with a capital, for a select.
func ruleLabel(r pooling.Rule) string {
	l := r.Label()
	return strings.ToUpper(l[:1]) + l[1:]
}

// optionsWith copies options with the one of value selected.
func optionsWith(options []views.Option, value string) []views.Option {
	out := slices.Clone(options)
	for i := range out {
		out[i].Selected = out[i].Value == value
	}
	return out
}

func (s *Server) newService(w http.ResponseWriter, r *http.Request) {
	f := serviceForm{vals: map[string]string{"provider_kind": pooling.ProviderVendor, "status": pooling.StatusProposed,
		"share_rule": string(pooling.RuleEqual)}, errs: map[string]string{}}
	s.render(w, r, http.StatusOK, views.ServiceForm(s.serviceFormPage(w, r, "Add a shared service", "/consortium/services", "/consortium/services", f, "")))
}

// createService stores a new service; its key is made from its name.
func (s *Server) createService(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	key := serviceKey(r.PostForm.Get("name"))
	ps, f := s.parseServiceForm(r, key)
	refuse := func(status int, msg string) {
		s.render(w, r, status, views.ServiceForm(s.serviceFormPage(w, r, "Add a shared service", "/consortium/services", "/consortium/services", f, msg)))
	}
	if len(f.errs) > 0 {
		refuse(http.StatusUnprocessableEntity, "The service was not saved. Check the fields marked below.")
		return
	}
	id, err := s.store.CreateService(r.Context(), v.actor(s, r), store.ServiceOf(v.consortium.ID, ps))
	if errors.Is(err, store.ErrDuplicate) {
		// The key is made from the name's letters and digits, so two names
		// can clash without being equal ("MFA IdP" and "mfa-idp").
		f.errs["name"] = fmt.Sprintf("This name is too close to the name of a service the consortium already has (both shorten to %q). Choose another name.", ps.Key)
		refuse(http.StatusUnprocessableEntity, "The service was not saved. Check the fields marked below.")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", ps.Name+" has been added. Tick the members that take part.")
	http.Redirect(w, r, fmt.Sprintf("/consortium/services/%d", id), http.StatusSeeOther)
}

// serviceKey makes a service's stable key from its name.
func serviceKey(name string) string {
	k := store.Slug(name)
	if len(k) > pooling.MaxServiceKey {
		k = strings.TrimRight(k[:pooling.MaxServiceKey], "-")
	}
	return k
}

// serviceOfURL loads the {service} of the URL from the consortium; it has
// answered 404 when ok is false.
func (s *Server) serviceOfURL(w http.ResponseWriter, r *http.Request) (store.Service, bool) {
	id, ok := urlID(r, "service")
	if !ok {
		s.notFound(w, r)
		return store.Service{}, false
	}
	st, err := s.store.ServiceByID(r.Context(), visitOf(r).consortium.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return st, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return st, false
	}
	return st, true
}

func (s *Server) editService(w http.ResponseWriter, r *http.Request) {
	st, ok := s.serviceOfURL(w, r)
	if !ok {
		return
	}
	href := fmt.Sprintf("/consortium/services/%d", st.ID)
	s.render(w, r, http.StatusOK, views.ServiceForm(s.serviceFormPage(w, r, "Edit "+st.Name, href, href, formOfService(st), "")))
}

// saveService replaces a service's fields; an edit based on an older
// version is refused (409) with the form as typed, never overwritten.
func (s *Server) saveService(w http.ResponseWriter, r *http.Request) {
	st, ok := s.serviceOfURL(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	href := fmt.Sprintf("/consortium/services/%d", st.ID)
	ps, f := s.parseServiceForm(r, st.Key)
	refuse := func(status int, msg string) {
		s.render(w, r, status, views.ServiceForm(s.serviceFormPage(w, r, "Edit "+st.Name, href, href, f, msg)))
	}
	if len(f.errs) == 0 {
		msg, err := s.shareRuleProblem(r, st, ps)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if msg != "" {
			f.errs["share_rule"] = msg
		}
	}
	if len(f.errs) > 0 {
		refuse(http.StatusUnprocessableEntity, "The service was not saved. Check the fields marked below.")
		return
	}
	next := store.ServiceOf(v.consortium.ID, ps)
	next.ID, next.Version = st.ID, f.version
	err := s.store.SaveService(r.Context(), v.actor(s, r), next)
	if errors.Is(err, store.ErrStale) {
		f.version = st.Version
		refuse(http.StatusConflict, "Someone else changed this service while you were editing it. Your values are below and were not saved; "+
			"open the service in another tab to see the current ones, then save again to keep yours.")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", ps.Name+" has been saved.")
	http.Redirect(w, r, href, http.StatusSeeOther)
}

func (s *Server) deleteService(w http.ResponseWriter, r *http.Request) {
	st, ok := s.serviceOfURL(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	if !confirmed(r) {
		s.renderError(w, r, http.StatusUnprocessableEntity, "The service was not deleted: tick “Yes, delete this service, its enrolments and its agreements” first. Go back to try again.")
		return
	}
	v := visitOf(r)
	if err := s.store.DeleteService(r.Context(), v.actor(s, r), v.consortium.ID, st.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", st.Name+" and its enrolments and agreements have been deleted.")
	http.Redirect(w, r, "/consortium/services", http.StatusSeeOther)
}

// addDefaultServices copies Palisade's list of common services into an
// empty catalogue, as proposals; a consortium that has services already
// gets none (it would make duplicates of ones it edited).
func (s *Server) addDefaultServices(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	ctx := r.Context()
	have, err := s.store.ServicesOfConsortium(ctx, v.consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(have) > 0 {
		s.setFlash(w, "info", "The consortium already has services, so the common list was not added.")
		http.Redirect(w, r, "/consortium/services", http.StatusSeeOther)
		return
	}
	var list []store.Service
	for _, ps := range pooling.DefaultServices() {
		ps.Status = pooling.StatusProposed
		list = append(list, store.ServiceOf(v.consortium.ID, ps))
	}
	if _, err := s.store.CreateServices(ctx, v.actor(s, r), list); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", "Palisade's common services have been added as proposals. Check their prices and enrol members.")
	http.Redirect(w, r, "/consortium/services", http.StatusSeeOther)
}

// shareRuleProblem says why a sharing rule cannot split the cost among
// the members already taking the service (every one of them lacks the
// figure it divides by), so a coordinator learns it when choosing the
// rule, not from a broken table later; "" when the rule works.
func (s *Server) shareRuleProblem(r *http.Request, st store.Service, ps pooling.Service) (string, error) {
	state, err := s.currentPooling(r.Context(), visitOf(r).consortium)
	if err != nil {
		return "", err
	}
	enrolled := state.enrolled(st.ID)
	if len(enrolled) == 0 {
		return "", nil
	}
	var noBasis *pooling.NoBasisError
	if _, err := pooling.SplitService(ps, enrolled); errors.As(err, &noBasis) {
		return "The members taking part cannot share the cost this way: " + noBasis.Error() + " (figures are entered on the Members page).", nil
	}
	return "", nil
}

// confirmed reports whether a destructive form's "Yes, delete" box was
// ticked: deleting a service or an exercise takes its enrolments,
// agreements or findings with it, so one stray click must not do it.
func confirmed(r *http.Request) bool { return r.PostForm.Get("confirm") == "yes" }
