package web

import (
	"net/http"
	"strconv"
	"strings"

	"palisade/assessments"
	"palisade/views"
)

func (s *Server) weightsPage(w http.ResponseWriter, r *http.Request, values map[string]string, errs map[string]string, formErr string) views.WeightsPage {
	def := assessments.DefaultWeights(s.catalog)
	p := views.WeightsPage{Page: s.page(w, r, "Priority weights", "weights"), Error: formErr}
	for _, f := range s.catalog.Functions {
		wf := views.WeightFunction{ID: f.ID, Name: f.Name}
		for _, c := range f.Categories {
			for _, sub := range c.Subcategories {
				wf.Rows = append(wf.Rows, views.WeightRow{ID: sub.ID, Question: sub.Question, Default: def[sub.ID],
					Field: views.Field{ID: "w-" + sub.ID, Name: "w-" + sub.ID, Label: sub.ID + ": " + sub.Question, Type: "number",
						InputMode: "numeric", Value: values[sub.ID], Error: errs[sub.ID]}})
			}
		}
		p.Functions = append(p.Functions, wf)
	}
	return p
}

// currentWeights is what the form shows: the consortium's own weight where
// it set one, otherwise the default.
func (s *Server) currentWeights(r *http.Request, consortiumID int64) (map[string]string, error) {
	own, err := s.store.WeightsOfConsortium(r.Context(), consortiumID)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for id, w := range assessments.DefaultWeights(s.catalog) {
		out[id] = strconv.Itoa(w)
	}
	for id, w := range own {
		out[id] = strconv.Itoa(w)
	}
	return out, nil
}

func (s *Server) showWeights(w http.ResponseWriter, r *http.Request) {
	vals, err := s.currentWeights(r, visitOf(r).consortium.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.WeightsShow(s.weightsPage(w, r, vals, nil, "")))
}

// saveWeights stores the weights that differ from the defaults, so a later
// change of a default still reaches questions the consortium left alone.
// One bad value refuses the whole form; nothing is saved.
func (s *Server) saveWeights(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	def := assessments.DefaultWeights(s.catalog)
	own := map[string]int{}
	if r.PostForm.Get("reset") != "1" {
		vals := map[string]string{}
		errs := map[string]string{}
		for _, sub := range s.catalog.Subcategories() {
			raw := strings.TrimSpace(r.PostForm.Get("w-" + sub.ID))
			vals[sub.ID] = raw
			if raw == "" {
				continue
			}
			n, err := strconv.Atoi(raw)
			if err != nil || n < 0 || n > assessments.MaxWeight {
				errs[sub.ID] = "Enter a whole number from 0 to 10."
				continue
			}
			if n != def[sub.ID] {
				own[sub.ID] = n
			}
		}
		for key := range r.PostForm {
			if id, ok := strings.CutPrefix(key, "w-"); ok {
				if _, known := s.catalog.Subcategory(id); !known {
					s.badRequest(w, r, "The form names a question that does not exist ("+clipText(id, 40)+"). Reload the page; nothing was saved.")
					return
				}
			}
		}
		if err := assessments.CheckWeights(s.catalog, own); err != nil && len(errs) == 0 {
			s.badRequest(w, r, err.Error())
			return
		}
		if len(errs) > 0 {
			s.render(w, r, http.StatusUnprocessableEntity, views.WeightsShow(s.weightsPage(w, r, vals, errs,
				"The weights were not saved. Please correct the values marked below.")))
			return
		}
	}
	if err := s.store.SaveWeights(r.Context(), v.actor(s, r), v.consortium.ID, own); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", "Priority weights saved. The weakest-link report uses them now.")
	http.Redirect(w, r, "/admin/weights", http.StatusSeeOther)
}
