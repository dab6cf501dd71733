package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"palisade/accounts"
	"palisade/assessments"
	"palisade/frameworks"
	"palisade/store"
	"palisade/views"
)

// Results read by an imported framework (`palisade frameworks import`):
// members keep answering CSF 2.0, and assessments.CrosswalkOf works out
// each item of the other framework from those answers.

// importedFramework loads the imported catalog named by {framework}.
func (s *Server) importedFramework(w http.ResponseWriter, r *http.Request) (*frameworks.Catalog, bool) {
	id := chi.URLParam(r, "framework")
	sc, err := s.store.CatalogByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.renderError(w, r, http.StatusNotFound, "No framework with the id "+id+" has been imported. An administrator of this Palisade imports one with the palisade frameworks import command.")
		return nil, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return nil, false
	}
	cat, err := frameworks.ParseCatalog(sc.Raw)
	if err != nil {
		s.serverError(w, r, fmt.Errorf("imported catalog %s: %w", id, err))
		return nil, false
	}
	return cat, true
}

// frameworkLinks lists the imported frameworks as links under prefix
// (prefix + "/frameworks/" + id). A failure to read them is logged and
// shown as no links: the page they sit on is still right.
func (s *Server) frameworkLinks(ctx context.Context, prefix, except string) []views.NavLink {
	list, err := s.store.Catalogs(ctx)
	if err != nil {
		s.log.Error("list imported frameworks", "err", err)
		return nil
	}
	var out []views.NavLink
	for _, c := range list {
		if c.ID != except {
			out = append(out, views.NavLink{Key: c.ID, Href: prefix + "/frameworks/" + c.ID, Label: c.Name + " (version " + c.Version + ")"})
		}
	}
	return out
}

func frameworkInfo(c *frameworks.Catalog) views.FrameworkInfo {
	return views.FrameworkInfo{ID: c.ID, Name: c.Name, Version: c.Version, Source: c.Source}
}

// noEquivalent reports whether the crosswalk finds no CSF 2.0 outcome for
// an item.
func noEquivalent(cw assessments.Crosswalk, id string) bool {
	it, ok := cw.Item(id)
	return ok && it.State == assessments.NoEquivalent
}

// headingID is an HTML id for a function or category of an imported
// framework. Ids may hold dots and other characters; each byte that is not
// a letter or digit is written as _ and its hex code, so two different ids
// never share an HTML id ("1.A" and "1_A" stay apart).
func headingID(prefix, id string) string {
	var b strings.Builder
	b.WriteString(prefix + "-")
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "_%02x", c)
		}
	}
	return b.String()
}

// showMemberFramework is a member's results for a cycle by an imported
// framework.
func (s *Server) showMemberFramework(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	cat, ok := s.importedFramework(w, r)
	if !ok {
		return
	}
	v := visitOf(r)
	cw := assessments.CrosswalkOf(cat, s.catalog, domainAnswers(a.domain()), a.consortium.DefaultTarget)
	base := s.catalog.Name + " " + s.catalog.Version
	p := views.FrameworkPage{Page: s.page(w, r, a.member.Name+" by "+cat.Name, navKeyFor(v.grants, a.member.ID)), Header: a.header(),
		Framework: frameworkInfo(cat), NoEquivalent: cw.NoEquivalent, BaseName: base, ScaleName: s.scale.Name,
		Others: s.frameworkLinks(r.Context(), a.base(), cat.ID)}
	p.Overall = frameworkRow(cw.Overall, cw.NoEquivalent)
	if accounts.CanViewWholeConsortium(v.grants, a.member.ConsortiumID) {
		p.ConsortiumHref = "/consortium/frameworks/" + cat.ID
	}
	items := map[string]assessments.CrosswalkItem{}
	for _, it := range cw.Items {
		items[it.ID] = it
	}
	for fi, f := range cat.Functions {
		fr := cw.Functions[fi]
		fv := views.FrameworkFunction{FrameworkRow: frameworkRow(fr.Summary, cw.NoEquivalentIn(f.ID)), HeadingID: headingID("f", f.ID)}
		for ci, c := range f.Categories {
			cv := views.FrameworkCategory{FrameworkRow: frameworkRow(fr.Categories[ci], cw.NoEquivalentIn(c.ID)), HeadingID: headingID("c", c.ID)}
			for _, sub := range c.Subcategories {
				cv.Items = append(cv.Items, s.frameworkItem(a, sub, items[sub.ID], base))
			}
			fv.Categories = append(fv.Categories, cv)
		}
		p.Functions = append(p.Functions, fv)
	}
	s.render(w, r, http.StatusOK, views.FrameworkShow(p, s.crumbs(a, views.Crumb{Href: a.base() + "/results", Label: "Results"}, views.Crumb{Label: cat.Name})))
}

func frameworkRow(sm assessments.Summary, noEquivalent int) views.FrameworkRow {
	// Items whose mapped answers are all "not applicable" can never get a
	// level, so they are not counted as waiting for one.
	return views.FrameworkRow{ID: sm.ID, Name: sm.Name, Level: fmtValue(sm.Score), WithLevel: sm.Answered, Mapped: sm.Total - noEquivalent - sm.NotApplicable}
}

func (s *Server) frameworkItem(a assessmentContext, sub frameworks.Subcategory, it assessments.CrosswalkItem, base string) views.FrameworkItem {
	out := views.FrameworkItem{ID: sub.ID, Question: sub.Question, Level: "–"}
	if it.Level > 0 {
		out.Level = fmt.Sprintf("%d · %s", it.Level, s.scale.Level(it.Level))
	}
	switch it.State {
	case assessments.NotAnswered:
		out.Note = "Waiting for answers."
	case assessments.PartlyAnswered:
		out.Note = "Not every matching answer is in yet, so the level may still go down."
	case assessments.AllNotApplicable:
		out.Level, out.Note = "Not applicable", "Every matching answer is marked not applicable."
	}
	if it.Mapped > 0 {
		out.Coverage = fmt.Sprintf("%d of %d", it.Answered, it.Mapped)
		if it.NotApplicable > 0 {
			out.Coverage += fmt.Sprintf(" (%d not applicable)", it.NotApplicable)
		}
	}
	for _, m := range it.MapsTo {
		l := views.MappedLink{ID: m.ID, Weakest: it.Level > 0 && m.Score == it.Level}
		switch {
		case !m.Known:
			l.Level = "no longer in " + base
		case m.NotApplicable:
			l.Level = "not applicable"
		case m.Score > 0:
			l.Level = fmt.Sprintf("level %d", m.Score)
		default:
			l.Level = "not answered yet"
		}
		if m.Known {
			l.Href = a.base() + "/categories/" + m.CategoryID + "#" + formID(m.ID)
		}
		out.Mapped = append(out.Mapped, l)
	}
	return out
}

// showConsortiumFramework is the whole consortium by an imported framework:
// the floor and median of each item across members.
func (s *Server) showConsortiumFramework(w http.ResponseWriter, r *http.Request) {
	cat, ok := s.importedFramework(w, r)
	if !ok {
		return
	}
	cc, ok := s.loadComparison(w, r)
	if !ok {
		return
	}
	v := visitOf(r)
	members := make([]assessments.MemberAnswers, len(cc.members))
	for i, m := range cc.members {
		members[i] = assessments.MemberAnswers{MemberID: m.ID, Name: m.Name, Answers: cc.answers[m.ID]}
	}
	cmp := assessments.CompareCrosswalk(cat, s.catalog, members, v.consortium.DefaultTarget)
	// Which items have no equivalent, decided as the crosswalk decides it
	// (also an item whose mapped ids are no longer in the catalog).
	shape := assessments.CrosswalkOf(cat, s.catalog, nil, v.consortium.DefaultTarget)
	stats := make(map[string]assessments.Stats, len(cmp.Subcategories))
	for _, st := range cmp.Subcategories {
		stats[st.ID] = st.Stats
	}
	p := views.FrameworkSpreadPage{Page: s.page(w, r, cat.Name+": whole consortium", "consortium"), Framework: frameworkInfo(cat),
		Action: "/consortium/frameworks/" + cat.ID, CycleName: cc.cycle.Name, Cycles: cc.cycleOptions(), Members: len(members),
		BaseName: s.catalog.Name + " " + s.catalog.Version}
	for _, f := range cat.Functions {
		fv := views.FrameworkSpreadFunction{ID: f.ID, Name: f.Name, HeadingID: headingID("f", f.ID)}
		for _, c := range f.Categories {
			cv := views.FrameworkSpreadCategory{ID: c.ID, Name: c.Name, HeadingID: headingID("c", c.ID)}
			for _, sub := range c.Subcategories {
				st := stats[sub.ID]
				item := views.FrameworkSpreadItem{ID: sub.ID, Question: sub.Question, Floor: "–", Median: "–", WithLevel: st.Count, NoEquivalent: noEquivalent(shape, sub.ID)}
				if st.OK() {
					item.Floor, item.Median = fmt.Sprintf("%.0f", st.Min), fmt.Sprintf("%.1f", st.Median)
				}
				cv.Items = append(cv.Items, item)
			}
			fv.Categories = append(fv.Categories, cv)
		}
		p.Functions = append(p.Functions, fv)
	}
	s.render(w, r, http.StatusOK, views.FrameworkSpreadShow(p))
}
