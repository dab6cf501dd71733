package web

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
)

// downloadBackup gives a coordinator a consistent copy of the whole
// database (the same as `palisade backup`). The file holds every consortium
// of this Palisade, so it is offered only when there is one: a coordinator
// must never carry away another consortium's data.
func (s *Server) downloadBackup(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	all, err := s.store.Consortia(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(all) != 1 || all[0].ID != v.consortium.ID {
		s.renderError(w, r, http.StatusForbidden, "This Palisade holds more than one consortium, so a full backup would include other consortia's data. Ask the server's administrator to run `palisade backup`.")
		return
	}
	dir, err := os.MkdirTemp("", "palisade-backup-")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "backup.db")
	if err := s.store.Backup(r.Context(), path); err != nil {
		s.serverError(w, r, err)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.store.Record(r.Context(), v.actor(s, r), 0, "export.backup", "database", strconv.FormatInt(fi.Size(), 10)+" bytes"); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.sqlite3")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="palisade-backup-%s.db"`, s.now().UTC().Format("20060102-150405")))
	w.Header().Set("Content-Length", strconv.FormatInt(fi.Size(), 10))
	w.Header().Set("Cache-Control", "no-store")
	http.ServeContent(w, r, "", fi.ModTime(), f)
}
