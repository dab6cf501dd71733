package web

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"palisade/accounts"
	"palisade/assessments"
	"palisade/store"
	"palisade/views"
)

// linkKindShort names each kind of link in a few words, for the edges of
// the graph, where the full name would not fit.
var linkKindShort = map[string]string{
	assessments.LinkSharedNetwork:     "Network",
	assessments.LinkVPN:               "VPN",
	assessments.LinkSharedApplication: "Application",
	assessments.LinkERP:               "ERP",
	assessments.LinkEmailTenant:       "Email",
	assessments.LinkMSP:               "Provider",
	assessments.LinkDataExchange:      "Data",
}

// linkKindPhrase names each kind of link inside a sentence ("over the
// VPN tunnel").
var linkKindPhrase = map[string]string{
	assessments.LinkSharedNetwork:     "the shared network",
	assessments.LinkVPN:               "the VPN tunnel",
	assessments.LinkSharedApplication: "the shared application",
	assessments.LinkERP:               "the shared ERP",
	assessments.LinkEmailTenant:       "the shared email tenant",
	assessments.LinkMSP:               "the shared managed service provider",
	assessments.LinkDataExchange:      "the data exchange",
}

// topWeaknesses is how many weaknesses reaching a member the exposure
// table lists; the rest are counted.
const topWeaknesses = 5

// linkFormValues are the fields of the "Add a link" form.
var linkFormValues = []string{"from", "to", "kind", "criticality", "note"}

const maxLinkNote = 500

func linkKindName(id string) string {
	for _, k := range assessments.LinkKinds() {
		if k.ID == id {
			return k.Name
		}
	}
	return id
}

// linksPage builds the interconnections page for the cycle asked for,
// with the form holding vals and errs (empty for a fresh form).
func (s *Server) linksPage(w http.ResponseWriter, r *http.Request, cc cycleComparison, vals, errs map[string]string, directed bool, formErr string) (views.LinksPage, error) {
	ctx := r.Context()
	v := visitOf(r)
	stored, err := s.store.LinksOfConsortium(ctx, v.consortium.ID)
	if err != nil {
		return views.LinksPage{}, err
	}
	weights, err := s.store.WeightsOfConsortium(ctx, v.consortium.ID)
	if err != nil {
		return views.LinksPage{}, err
	}
	if len(weights) == 0 {
		weights = nil // the defaults
	}
	wl := cc.cmp.WeakestLinks(weights)

	p := views.LinksPage{Page: s.page(w, r, "Interconnections", "links"), CycleName: cc.cycle.Name, Cycles: cc.cycleOptions(),
		Baseline: wl.Baseline, CanEdit: accounts.CanAdminister(v.grants, v.consortium.ID)}

	names := map[int64]string{}
	index := map[int64]int{}
	nodes := make([]views.GraphNode, len(cc.cmp.Members))
	for i, m := range cc.cmp.Members {
		names[m.MemberID] = m.Name
		index[m.MemberID] = i
		score := m.Result.Overall.Score
		nodes[i] = views.GraphNode{Name: m.Name, Score: score.V, Scored: score.OK, Population: m.Population}
	}

	links := make([]assessments.Link, len(stored))
	var edges []views.GraphEdge
	degree := map[int64]int{}
	for i, l := range stored {
		links[i] = l.Link
		degree[l.From]++
		degree[l.To]++
		crit := strconv.Itoa(l.Criticality) + " · " + criticalityLabel(l.Criticality)
		dir := "Both ways"
		if l.Directed {
			dir = "One way, from " + names[l.From] + " to " + names[l.To]
		}
		p.Links = append(p.Links, views.LinkRow{From: names[l.From], To: names[l.To], Kind: linkKindName(l.Kind), Criticality: crit,
			Direction: dir, Note: l.Note, DeleteAction: fmt.Sprintf("/consortium/links/%d/delete", l.ID)})
		from, okF := index[l.From]
		to, okT := index[l.To]
		if okF && okT {
			edges = append(edges, views.GraphEdge{From: from, To: to, Label: linkKindShort[l.Kind], Criticality: l.Criticality, Directed: l.Directed})
		}
	}
	p.Chart = views.GraphChart("links-graph", "Graph of the links between members: each member is a circle coloured by its overall score (darker is weaker) and sized by population, each link a line labelled with its kind.",
		nodes, edges)

	ids := make([]int64, len(cc.cmp.Members))
	for i, m := range cc.cmp.Members {
		ids[i] = m.MemberID
	}
	radius := assessments.BlastRadius(ids, links)
	for i, e := range wl.Exposures(links) {
		m := cc.cmp.Members[i]
		row := views.ExposureRow{Member: m.Name, Overall: heatCell(m.Result.Overall.Score), Exposure: e.Score, BlastRadius: radius[e.MemberID],
			Links: degree[e.MemberID]}
		for j, wk := range e.Weaknesses {
			if j == topWeaknesses {
				row.More = len(e.Weaknesses) - topWeaknesses
				break
			}
			sub, _ := s.catalog.Subcategory(wk.SubcategoryID)
			level := "level " + strconv.Itoa(wk.Level)
			if wk.Accepted {
				level = "a formally accepted risk"
			}
			row.Top = append(row.Top, views.WeaknessRow{From: names[wk.From], SubcategoryID: wk.SubcategoryID, Question: sub.Question, Level: level,
				Kind: linkKindPhrase[wk.Kind], Score: wk.Score})
		}
		p.Exposures = append(p.Exposures, row)
	}
	// Most exposed first; then the most reachable, then by name.
	slices.SortStableFunc(p.Exposures, func(a, b views.ExposureRow) int {
		if c := cmp.Compare(b.Exposure, a.Exposure); c != 0 {
			return c
		}
		if c := cmp.Compare(b.BlastRadius, a.BlastRadius); c != 0 {
			return c
		}
		return strings.Compare(a.Member, b.Member)
	})
	for i, rk := range wl.Ranking(links) {
		p.Ranking = append(p.Ranking, views.RankRow{Rank: i + 1, Member: names[rk.MemberID], BlastRadius: rk.BlastRadius, Weakness: rk.Weakness, Score: rk.Score})
	}

	if p.CanEdit {
		p.Form = s.linkForm(cc.members, vals, errs, directed, formErr)
	}
	return p, nil
}

func criticalityLabel(c int) string {
	switch c {
	case 1:
		return "low"
	case 2:
		return "medium"
	case 3:
		return "high"
	}
	return "?"
}

func (s *Server) linkForm(members []store.Member, vals, errs map[string]string, directed bool, formErr string) views.LinkForm {
	f := views.LinkForm{Error: formErr, FromErr: errs["from"], ToErr: errs["to"], KindErr: errs["kind"], CritErr: errs["criticality"], Directed: directed,
		Note: views.Field{ID: "link-note", Name: "note", Label: "Note (optional)", Value: vals["note"], MaxLength: maxLinkNote, Error: errs["note"],
			Hint: "For example: the county's fibre ring, or the name of the shared system."}}
	f.From = []views.Option{{Value: "", Label: "Choose…"}}
	f.To = []views.Option{{Value: "", Label: "Choose…"}}
	for _, m := range members {
		id := strconv.FormatInt(m.ID, 10)
		f.From = append(f.From, views.Option{Value: id, Label: m.Name, Selected: vals["from"] == id})
		f.To = append(f.To, views.Option{Value: id, Label: m.Name, Selected: vals["to"] == id})
	}
	f.Kinds = []views.Option{{Value: "", Label: "Choose…"}}
	for _, k := range assessments.LinkKinds() {
		f.Kinds = append(f.Kinds, views.Option{Value: k.ID, Label: k.Name, Selected: vals["kind"] == k.ID})
	}
	crit := vals["criticality"]
	if crit == "" {
		crit = "2"
	}
	for c := assessments.MinCriticality; c <= assessments.MaxCriticality; c++ {
		val := strconv.Itoa(c)
		f.Criticalities = append(f.Criticalities, views.Option{Value: val, Label: val + " · " + criticalityLabel(c), Selected: crit == val})
	}
	return f
}

func (s *Server) showLinks(w http.ResponseWriter, r *http.Request) {
	cc, ok := s.loadComparison(w, r)
	if !ok {
		return
	}
	p, err := s.linksPage(w, r, cc, map[string]string{}, map[string]string{}, false, "")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.LinksShow(p))
}

// createLink records a link between two members of the coordinator's
// consortium. A refused link is shown again with its values and what to
// fix beside each field; nothing is stored.
func (s *Server) createLink(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	ctx := r.Context()
	vals := formValues(r, linkFormValues...)
	directed := r.PostForm.Get("directed") == "1"
	members, err := s.store.MembersOfConsortium(ctx, v.consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	memberIDs := make([]int64, len(members))
	for i, m := range members {
		memberIDs[i] = m.ID
	}
	errs := map[string]string{}
	memberID := func(field, missing string) int64 {
		raw := vals[field]
		if raw == "" {
			errs[field] = missing
			return 0
		}
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || !slices.Contains(memberIDs, id) {
			errs[field] = "Choose a member of this consortium from the list."
			return 0
		}
		return id
	}
	l := store.Link{ConsortiumID: v.consortium.ID, Note: vals["note"]}
	l.From = memberID("from", "Choose the member the link starts from.")
	l.To = memberID("to", "Choose the member the link goes to.")
	if l.From != 0 && l.From == l.To {
		errs["to"] = "A member cannot be linked to itself: choose another member."
	}
	l.Kind = vals["kind"]
	if !slices.ContainsFunc(assessments.LinkKinds(), func(k assessments.LinkKind) bool { return k.ID == l.Kind }) {
		errs["kind"] = "Choose a kind of link from the list."
	}
	crit, err := strconv.Atoi(vals["criticality"])
	if err != nil || crit < assessments.MinCriticality || crit > assessments.MaxCriticality {
		errs["criticality"] = fmt.Sprintf("Choose a criticality from %d to %d.", assessments.MinCriticality, assessments.MaxCriticality)
	}
	l.Criticality = crit
	l.Directed = directed
	if vals["note"] != "" {
		requireText(vals, errs, "note", "", maxLinkNote)
	}
	formErr := ""
	if len(errs) > 0 {
		formErr = "The link was not added. Please correct the fields marked below."
	} else if err := assessments.CheckLink(l.Link, memberIDs); err != nil {
		// CheckLink is the rule of the model; the checks above only say
		// which field is wrong. Anything it refuses is refused here too.
		formErr = "The link was not added: " + strings.TrimPrefix(err.Error(), "link: ") + "."
	}
	if formErr != "" {
		cc, ok := s.loadComparison(w, r)
		if !ok {
			return
		}
		p, err := s.linksPage(w, r, cc, vals, errs, directed, formErr)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, views.LinksShow(p))
		return
	}
	if _, err := s.store.CreateLink(ctx, v.actor(s, r), l); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			// A member was removed in between.
			s.renderError(w, r, http.StatusUnprocessableEntity, "One of the two members is no longer in this consortium. Nothing was saved; go back and choose again.")
			return
		}
		s.serverError(w, r, err)
		return
	}
	names := map[int64]string{}
	for _, m := range members {
		names[m.ID] = m.Name
	}
	s.setFlash(w, "success", fmt.Sprintf("Link added: %s to %s over %s.", names[l.From], names[l.To], linkKindPhrase[l.Kind]))
	http.Redirect(w, r, "/consortium/links", http.StatusSeeOther)
}

// deleteLink removes a link of the coordinator's consortium; a link of
// another consortium is not found, like one that does not exist.
func (s *Server) deleteLink(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	id, err := strconv.ParseInt(chi.URLParam(r, "link"), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return
	}
	err = s.store.DeleteLink(r.Context(), v.actor(s, r), v.consortium.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		s.renderError(w, r, http.StatusNotFound, "There is no such link. It may have been deleted already.")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", "Link deleted.")
	http.Redirect(w, r, "/consortium/links", http.StatusSeeOther)
}
