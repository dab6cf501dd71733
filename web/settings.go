package web

import (
	"errors"
	"net/http"
	"strconv"

	"palisade/store"
	"palisade/views"
)

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request, c store.Consortium, errs map[string]string, formErr string) views.SettingsPage {
	p := views.SettingsPage{Page: s.page(w, r, "Settings", "settings"), ShareNames: c.ShareNames, RequireTOTP: c.RequireTOTP, Version: c.Version,
		Error: formErr, TargetErr: errs["default_target"],
		Name: views.Field{ID: "name", Name: "name", Label: "Consortium name", Value: c.Name, MaxLength: 200, Required: true, Error: errs["name"]}}
	for t := s.scale.Min; t <= s.scale.Max; t++ {
		label := strconv.Itoa(t) + " · " + s.scale.Level(t)
		p.DefaultTarget = append(p.DefaultTarget, views.Option{Value: strconv.Itoa(t), Label: label, Selected: t == c.DefaultTarget})
	}
	return p
}

func (s *Server) showSettings(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, views.SettingsShow(s.settingsPage(w, r, visitOf(r).consortium, nil, "")))
}

func (s *Server) saveSettings(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := visitOf(r)
	vals := formValues(r, "name", "default_target", "version")
	errs := map[string]string{}
	requireText(vals, errs, "name", "Enter the consortium's name.", 200)
	c := v.consortium
	c.Name = vals["name"]
	c.ShareNames = r.PostForm.Get("share_names") == "1"
	c.RequireTOTP = r.PostForm.Get("require_totp") == "1"
	t, err := strconv.Atoi(vals["default_target"])
	if err != nil || !s.scale.ValidTarget(t) {
		errs["default_target"] = "Choose a level from the list."
	} else {
		c.DefaultTarget = t
	}
	base, err := strconv.Atoi(vals["version"])
	if err != nil {
		s.badRequest(w, r, "The form is missing its version. Reload the page and try again.")
		return
	}
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, views.SettingsShow(s.settingsPage(w, r, c, errs, "The settings were not saved. Please correct the fields marked below.")))
		return
	}
	err = s.store.SaveConsortiumSettings(r.Context(), v.actor(s, r), c, base)
	if errors.Is(err, store.ErrStale) {
		// Someone saved in between: show their values, and say so, rather
		// than overwrite them.
		cur, lerr := s.store.ConsortiumByID(r.Context(), c.ID)
		if lerr != nil {
			s.serverError(w, r, lerr)
			return
		}
		s.render(w, r, http.StatusConflict, views.SettingsShow(s.settingsPage(w, r, cur, nil,
			"Another coordinator changed these settings while you were editing. The form now shows their values; make your change again and save.")))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setFlash(w, "success", "Settings saved.")
	http.Redirect(w, r, "/admin/settings", http.StatusSeeOther)
}
