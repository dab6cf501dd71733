package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"palisade/accounts"
	"palisade/assessments"
	"palisade/store"
	"palisade/views"
)

// downloadAnswers serves a member's answers as CSV (one row per
// subcategory), the start of the spreadsheet round trip. Audited.
func (s *Server) downloadAnswers(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	v := visitOf(r)
	rows := map[string]assessments.CSVAnswer{}
	for id, x := range a.answers {
		rows[id] = assessments.CSVAnswer{SubcategoryID: id, Choice: x.Choice, Target: x.Target, NotApplicable: x.NotApplicable,
			Justification: x.Justification, AcceptedBy: x.AcceptedBy, Acceptance: x.Acceptance, Notes: x.Notes, Evidence: x.Evidence}
	}
	var buf bytes.Buffer
	if err := assessments.WriteAnswersCSV(&buf, s.catalog, s.scale, rows); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.store.Record(r.Context(), v.actor(s, r), a.member.ID, "export.answers", "cycle "+a.cycle.Name, "CSV"); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="palisade-%s-%s.csv"`, a.member.Slug, csvSafeName(a.cycle.Name)))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request, a assessmentContext) views.ImportPage {
	v := visitOf(r)
	return views.ImportPage{Page: s.page(w, r, "Answers from a spreadsheet", navKeyFor(v.grants, a.member.ID)), Header: a.header(),
		MaxKB: assessments.MaxCSVBytes >> 10, MaxRows: assessments.MaxCSVRows, ExportHref: a.base() + "/answers.csv"}
}

func (s *Server) showImport(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, views.ImportShow(s.importPage(w, r, a), s.crumbs(a, views.Crumb{Label: "Spreadsheet"})))
}

// pendingImports keeps checked uploads between the preview and the
// confirmation, for 30 minutes, bound to the person and the assessment.
type pendingImports struct {
	mu    sync.Mutex
	items map[string]pendingImport
}

type pendingImport struct {
	userID, assessmentID int64
	answers              []store.Answer
	base                 map[string]int
	expires              time.Time
}

func (p *pendingImports) put(now time.Time, item pendingImport) (string, error) {
	token, _, err := accounts.NewToken()
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.items == nil {
		p.items = map[string]pendingImport{}
	}
	for k, it := range p.items {
		if now.After(it.expires) {
			delete(p.items, k)
		}
	}
	p.items[token] = item
	return token, nil
}

func (p *pendingImports) take(now time.Time, token string, userID, assessmentID int64) (pendingImport, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	it, ok := p.items[token]
	if !ok || it.userID != userID || it.assessmentID != assessmentID || now.After(it.expires) {
		return pendingImport{}, false
	}
	delete(p.items, token)
	return it, true
}

// previewImport checks an uploaded CSV whole. A bad file comes back with
// every problem by line and column; a good one with the list of changes to
// confirm. Nothing is saved here.
func (s *Server) previewImport(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	v := visitOf(r)
	crumbs := s.crumbs(a, views.Crumb{Label: "Spreadsheet"})
	refuse := func(status int, errs ...string) {
		p := s.importPage(w, r, a)
		p.Errors = errs
		s.render(w, r, status, views.ImportShow(p, crumbs))
	}
	if !a.canEdit {
		refuse(http.StatusLocked, "Nothing can be imported: "+a.header().LockReason())
		return
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			refuse(http.StatusRequestEntityTooLarge, fmt.Sprintf("The file is larger than %d KB.", assessments.MaxCSVBytes>>10))
			return
		}
		refuse(http.StatusBadRequest, "Choose a CSV file to upload.")
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, assessments.MaxCSVBytes+1))
	if err != nil {
		refuse(http.StatusBadRequest, "The file could not be read. Please upload it again.")
		return
	}
	checked, problems := assessments.ParseAnswersCSV(s.catalog, s.scale, data, a.consortium.DefaultTarget)
	if problems != nil {
		var msgs []string
		for i, p := range problems {
			if i == 50 {
				msgs = append(msgs, fmt.Sprintf("and %d more problems", len(problems)-50))
				break
			}
			msgs = append(msgs, p.Error())
		}
		refuse(http.StatusUnprocessableEntity, msgs...)
		return
	}
	item := pendingImport{userID: v.user.ID, assessmentID: a.assessment.ID, base: map[string]int{}, expires: s.now().Add(30 * time.Minute)}
	p := s.importPage(w, r, a)
	for _, c := range checked {
		next := s.answerToStore(a, c, v.user.Email)
		cur := a.answers[c.SubcategoryID]
		item.base[c.SubcategoryID] = cur.Version
		item.answers = append(item.answers, next)
		if cur.Version != 0 && !cur.CarriedOver && cur.Same(next) {
			p.Unchanged++
			continue
		}
		sub, _ := s.catalog.Subcategory(c.SubcategoryID)
		p.Changes = append(p.Changes, views.ImportChange{ID: c.SubcategoryID, Question: sub.Question, Before: s.describe(cur), After: s.describe(next)})
	}
	if p.Token, err = s.imports.put(s.now(), item); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.ImportShow(p, crumbs))
}

// describe says an answer in a few words for the preview.
func (s *Server) describe(a store.Answer) string {
	switch {
	case a.Version == 0 && a.Choice == "" && !a.NotApplicable:
		return "Not answered"
	case a.NotApplicable:
		return "Not applicable"
	}
	text := s.levelName(a.Choice) + ", target " + strconv.Itoa(a.Target)
	if a.CarriedOver {
		text += " (carried over, not confirmed)"
	}
	return text
}

// confirmImport saves a previewed import in one transaction, unless an
// answer changed since the preview.
func (s *Server) confirmImport(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	a, ok := s.loadAssessment(w, r)
	if !ok {
		return
	}
	v := visitOf(r)
	crumbs := s.crumbs(a, views.Crumb{Label: "Spreadsheet"})
	item, ok := s.imports.take(s.now(), r.PostForm.Get("token"), v.user.ID, a.assessment.ID)
	if !ok {
		p := s.importPage(w, r, a)
		p.Errors = []string{"This preview has expired or was already used. Upload the file again."}
		s.render(w, r, http.StatusGone, views.ImportShow(p, crumbs))
		return
	}
	n, err := s.store.ReplaceAnswers(r.Context(), v.actor(s, r), a.assessment.ID, item.answers, item.base)
	switch {
	case errors.Is(err, store.ErrChanged):
		p := s.importPage(w, r, a)
		p.Errors = []string{"Nothing was saved: some answers were changed by someone else after you checked the file. Download the answers again or upload the file again to see the new differences."}
		s.render(w, r, http.StatusConflict, views.ImportShow(p, crumbs))
		return
	case errors.Is(err, store.ErrLocked):
		p := s.importPage(w, r, a)
		p.Errors = []string{"Nothing was saved: the assessment was submitted or its cycle closed meanwhile."}
		s.render(w, r, http.StatusLocked, views.ImportShow(p, crumbs))
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", fmt.Sprintf("%d answers from the spreadsheet were saved.", n))
	http.Redirect(w, r, a.base(), http.StatusSeeOther)
}
