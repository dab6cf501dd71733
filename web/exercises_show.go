package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"palisade/accounts"
	"palisade/store"
	"palisade/views"
)

// Limits of the exercise form.
const (
	maxExerciseTitle    = 200
	maxExerciseScenario = 4000
	maxFindingText      = 1000
	exerciseFindingRows = 5
)

// calendarDate reports whether s is a real calendar date written YYYY-MM-DD.
func calendarDate(s string) bool {
	if len(s) != len("2006-01-02") {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// findingField is the name of a field of a finding row, e.g. finding-2-text.
func findingField(row int, what string) string {
	return "finding-" + strconv.Itoa(row) + "-" + what
}

// exerciseFormFields are the single-valued fields of the form.
func exerciseFormFields() []string {
	names := []string{"held_on", "title", "scenario"}
	for i := 1; i <= exerciseFindingRows; i++ {
		names = append(names, findingField(i, "subcategory"), findingField(i, "text"), findingField(i, "member"), findingField(i, "due"))
	}
	return names
}

// exercisesPage builds the exercises page; the form holds vals, the
// ticked members and errs (empty for a fresh form).
func (s *Server) exercisesPage(w http.ResponseWriter, r *http.Request, members []store.Member, vals map[string]string, ticked map[string]bool,
	errs map[string]string, formErr string) (views.ExercisesPage, error) {
	v := visitOf(r)
	list, err := s.store.ExercisesOfConsortium(r.Context(), v.consortium.ID)
	if err != nil {
		return views.ExercisesPage{}, err
	}
	names := map[int64]string{}
	for _, m := range members {
		names[m.ID] = m.Name
	}
	memberName := func(id int64) string {
		if id == 0 {
			return "The consortium"
		}
		if n, ok := names[id]; ok {
			return n
		}
		return "A former member"
	}
	p := views.ExercisesPage{Page: s.page(w, r, "Tabletop exercises", "exercises"), CanEdit: accounts.CanAdminister(v.grants, v.consortium.ID)}
	for _, e := range list {
		ev := views.ExerciseView{HeadingID: fmt.Sprintf("exercise-%d-heading", e.ID), Date: e.HeldOn, Title: e.Title, Scenario: e.Scenario,
			DeleteAction: fmt.Sprintf("/consortium/exercises/%d/delete", e.ID)}
		for _, id := range e.MemberIDs {
			ev.Members = append(ev.Members, memberName(id))
		}
		slices.Sort(ev.Members)
		for _, f := range e.Findings {
			fv := views.FindingView{SubcategoryID: f.SubcategoryID, Text: f.Text, Member: memberName(f.MemberID), Due: f.DueOn, Status: f.Status,
				Action: fmt.Sprintf("/consortium/findings/%d", f.ID)}
			if sub, ok := s.catalog.Subcategory(f.SubcategoryID); ok {
				fv.Question = sub.Question
			}
			if fv.Due == "" {
				fv.Due = "No date"
			}
			if f.Status == store.FindingDone {
				fv.StatusLabel, fv.NextStatus, fv.ButtonLabel = "Done", store.FindingOpen, "Reopen"
			} else {
				fv.StatusLabel, fv.NextStatus, fv.ButtonLabel = "Open", store.FindingDone, "Mark done"
			}
			ev.Findings = append(ev.Findings, fv)
		}
		p.Exercises = append(p.Exercises, ev)
	}
	if !p.CanEdit {
		return p, nil
	}
	f := views.ExerciseForm{Error: formErr, MembersErr: errs["members"],
		Date: views.Field{ID: "exercise-date", Name: "held_on", Label: "Date held", Type: "date", Value: vals["held_on"], Error: errs["held_on"],
			Hint: "As YYYY-MM-DD, for example 2026-03-14."},
		Title: views.Field{ID: "exercise-title", Name: "title", Label: "Title", Value: vals["title"], Error: errs["title"], MaxLength: maxExerciseTitle},
		Scenario: views.ExerciseText{ID: "exercise-scenario", Name: "scenario", Label: "Scenario (optional)", Value: vals["scenario"],
			Error: errs["scenario"], MaxLength: maxExerciseScenario, Hint: "What the exercise played through, for example ransomware at the county's shared ERP."}}
	for _, m := range members {
		id := strconv.FormatInt(m.ID, 10)
		f.Members = append(f.Members, views.ExerciseMember{ID: "exercise-member-" + id, Value: id, Label: m.Name, Checked: ticked[id]})
	}
	for i := 1; i <= exerciseFindingRows; i++ {
		sub, text, member, due := findingField(i, "subcategory"), findingField(i, "text"), findingField(i, "member"), findingField(i, "due")
		row := views.FindingFields{Legend: fmt.Sprintf("Finding %d (optional)", i),
			Subcategory: views.Field{ID: sub, Name: sub, Label: "CSF subcategory", Value: vals[sub], Error: errs[sub], MaxLength: 20,
				Hint: "An id like PR.AA-01; empty for a general finding."},
			Text:     views.Field{ID: text, Name: text, Label: "What was found and what to do", Value: vals[text], Error: errs[text], MaxLength: maxFindingText},
			Due:      views.Field{ID: due, Name: due, Label: "Due (optional)", Type: "date", Value: vals[due], Error: errs[due], Hint: "As YYYY-MM-DD."},
			MemberID: member, MemberName: member, MemberErr: errs[member]}
		row.Members = []views.Option{{Value: "", Label: "The consortium as a whole", Selected: vals[member] == ""}}
		for _, m := range members {
			id := strconv.FormatInt(m.ID, 10)
			row.Members = append(row.Members, views.Option{Value: id, Label: m.Name, Selected: vals[member] == id})
		}
		f.Findings = append(f.Findings, row)
	}
	p.Form = f
	return p, nil
}

func (s *Server) showExercises(w http.ResponseWriter, r *http.Request) {
	members, err := s.store.MembersOfConsortium(r.Context(), visitOf(r).consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p, err := s.exercisesPage(w, r, members, map[string]string{}, map[string]bool{}, map[string]string{}, "")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.ExercisesShow(p))
}

// createExercise records an exercise with its members and findings. A
// refused one is shown again with its values and the reason beside each
// field (422); nothing is stored.
func (s *Server) createExercise(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	ctx := r.Context()
	members, err := s.store.MembersOfConsortium(ctx, v.consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ours := map[int64]bool{}
	for _, m := range members {
		ours[m.ID] = true
	}
	vals := formValues(r, exerciseFormFields()...)
	errs := map[string]string{}
	ticked := map[string]bool{}
	e := store.Exercise{ConsortiumID: v.consortium.ID, HeldOn: vals["held_on"], Title: vals["title"], Scenario: vals["scenario"]}

	taking := map[int64]bool{}
	for _, raw := range r.PostForm["members"] {
		raw = strings.TrimSpace(raw)
		ticked[raw] = true
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || !ours[id] {
			errs["members"] = "Choose members of this consortium from the list."
			continue
		}
		if !taking[id] {
			taking[id] = true
			e.MemberIDs = append(e.MemberIDs, id)
		}
	}
	if len(r.PostForm["members"]) == 0 {
		errs["members"] = "Tick at least one member who took part."
	}
	switch {
	case vals["held_on"] == "":
		errs["held_on"] = "Enter the date the exercise was held."
	case !calendarDate(vals["held_on"]):
		errs["held_on"] = "Enter a real date as YYYY-MM-DD, for example 2026-03-14."
	}
	requireText(vals, errs, "title", "Give the exercise a title.", maxExerciseTitle)
	if vals["scenario"] != "" {
		requireText(vals, errs, "scenario", "", maxExerciseScenario)
	}
	for i := 1; i <= exerciseFindingRows; i++ {
		sub, text, member, due := findingField(i, "subcategory"), findingField(i, "text"), findingField(i, "member"), findingField(i, "due")
		if vals[sub] == "" && vals[text] == "" && vals[member] == "" && vals[due] == "" {
			continue // an unused row
		}
		f := store.Finding{Text: vals[text], DueOn: vals[due]}
		requireText(vals, errs, text, "Say what was found and what should be done.", maxFindingText)
		if vals[sub] != "" {
			id := strings.ToUpper(vals[sub])
			if _, ok := s.catalog.Subcategory(id); ok {
				f.SubcategoryID = id
			} else {
				errs[sub] = fmt.Sprintf("%q is not a subcategory of %s %s: use an id like PR.AA-01, or leave it empty.", clipText(vals[sub], 30),
					s.catalog.Name, s.catalog.Version)
			}
		}
		if vals[member] != "" {
			id, err := strconv.ParseInt(vals[member], 10, 64)
			switch {
			case err != nil || !ours[id]:
				errs[member] = "Choose a member of this consortium from the list, or the consortium as a whole."
			case !taking[id]:
				errs[member] = "This member did not take part: tick them above, or choose a member who did."
			default:
				f.MemberID = id
			}
		}
		if vals[due] != "" && !calendarDate(vals[due]) {
			errs[due] = "Enter a real date as YYYY-MM-DD, or leave it empty."
		}
		e.Findings = append(e.Findings, f)
	}
	refuse := func(msg string) {
		p, err := s.exercisesPage(w, r, members, vals, ticked, errs, msg)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, views.ExercisesShow(p))
	}
	if len(errs) > 0 {
		refuse("The exercise was not recorded. Please correct the fields marked below.")
		return
	}
	if _, err := s.store.CreateExercise(ctx, v.actor(s, r), e); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			// A member was removed in between.
			refuse("The exercise was not recorded: one of the members is no longer in this consortium. Choose again.")
			return
		}
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", fmt.Sprintf("Exercise recorded: %s, with %s.", e.Title, plural(len(e.Findings), "finding", "findings")))
	http.Redirect(w, r, "/consortium/exercises", http.StatusSeeOther)
}

// deleteExercise removes an exercise of the coordinator's consortium with
// its findings; one of another consortium is not found.
func (s *Server) deleteExercise(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	id, ok := urlID(r, "exercise")
	if !ok {
		s.notFound(w, r)
		return
	}
	if !confirmed(r) {
		s.renderError(w, r, http.StatusUnprocessableEntity, "The exercise was not deleted: tick “Yes, delete this exercise and its findings” first. Go back to try again.")
		return
	}
	err := s.store.DeleteExercise(r.Context(), v.actor(s, r), v.consortium.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		s.renderError(w, r, http.StatusNotFound, "There is no such exercise. It may have been deleted already.")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", "Exercise deleted, with its findings.")
	http.Redirect(w, r, "/consortium/exercises", http.StatusSeeOther)
}

// setFindingStatus marks a finding of the coordinator's consortium open or
// done.
func (s *Server) setFindingStatus(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	id, ok := urlID(r, "finding")
	if !ok {
		s.notFound(w, r)
		return
	}
	status := r.PostForm.Get("status")
	if status != store.FindingOpen && status != store.FindingDone {
		s.badRequest(w, r, "A finding can only be marked open or done. Reload the page and try again; nothing was saved.")
		return
	}
	err := s.store.SetFindingStatus(r.Context(), v.actor(s, r), v.consortium.ID, id, status)
	if errors.Is(err, store.ErrNotFound) {
		s.renderError(w, r, http.StatusNotFound, "There is no such finding. Its exercise may have been deleted.")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	msg := "Finding marked done."
	if status == store.FindingOpen {
		msg = "Finding reopened."
	}
	s.setFlash(w, "success", msg)
	http.Redirect(w, r, "/consortium/exercises", http.StatusSeeOther)
}
