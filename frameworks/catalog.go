// Package frameworks holds the control catalogs Palisade assesses against
// (NIST CSF 2.0 first) and the maturity scales answers are given on. Both are
// plain data embedded in the binary, so a new framework or scale is a data
// change: see docs/catalog-format.md.
package frameworks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Catalog is one framework's core: functions, categories and subcategories
// (the outcomes a member rates itself against).
type Catalog struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Version   string     `json:"version"`
	Source    string     `json:"source"`
	Functions []Function `json:"functions"`

	byID map[string]*Subcategory
	cats map[string]*Category
}

// Function is the top level of a catalog (CSF 2.0: Govern, Identify, ...).
type Function struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Summary    string     `json:"summary"`
	Categories []Category `json:"categories"`
}

// Category groups related subcategories (CSF 2.0: GV.OC, ID.AM, ...).
type Category struct {
	ID            string        `json:"id"`
	Name          string        `json:"name"`
	Subcategories []Subcategory `json:"subcategories"`

	// FunctionID is filled in when the catalog is loaded.
	FunctionID string `json:"-"`
}

// Subcategory is one outcome. Question and Hint are Palisade's own plain
// language for the IT lead of a small town; the official NIST text is not
// repeated here.
type Subcategory struct {
	ID       string `json:"id"`
	Question string `json:"question"`
	Hint     string `json:"hint"`
	// Weight is the default priority of this outcome when gaps are ranked
	// across a consortium (1 ordinary .. 3 the controls insurers and CISA's
	// performance goals ask for first). Coordinators may override it.
	Weight int `json:"weight"`
	// MapsTo lists CSF 2.0 subcategory ids this outcome corresponds to; it
	// is used by catalogs of other frameworks and empty in CSF 2.0 itself.
	MapsTo []string `json:"maps_to,omitempty"`

	// CategoryID and FunctionID are filled in when the catalog is loaded.
	CategoryID string `json:"-"`
	FunctionID string `json:"-"`
}

// Limits on catalog text, so a malformed import cannot fill the screen.
const (
	maxNameLen     = 200
	maxQuestionLen = 300
	maxHintLen     = 600
)

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)

// ParseCatalog decodes and validates a catalog. Errors name the path of the
// bad field, e.g. `functions[2].categories[0].subcategories[4].question: empty`.
func ParseCatalog(data []byte) (*Catalog, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	if err := c.index(); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *Catalog) index() error {
	var errs []string
	bad := func(path, format string, args ...any) {
		errs = append(errs, path+": "+fmt.Sprintf(format, args...))
	}
	text := func(path, s string, max int) {
		switch {
		case strings.TrimSpace(s) == "":
			bad(path, "empty")
		case !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError):
			// encoding/json turns invalid UTF-8 into U+FFFD while decoding,
			// so the replacement character is what bad input looks like here.
			bad(path, "not valid UTF-8")
		case utf8.RuneCountInString(s) > max:
			bad(path, "longer than %d characters", max)
		}
	}
	id := func(path, s string, seen map[string]bool) {
		if !idPattern.MatchString(s) {
			bad(path, "%q is not a valid id (letters, digits, '.', '_' or '-', at most 32)", s)
			return
		}
		if seen[s] {
			bad(path, "duplicate id %q", s)
		}
		seen[s] = true
	}
	if !idPattern.MatchString(c.ID) {
		bad("id", "%q is not a valid id", c.ID)
	}
	text("name", c.Name, maxNameLen)
	text("version", c.Version, 40)
	if len(c.Functions) == 0 {
		bad("functions", "no functions")
	}
	seen := map[string]bool{}
	c.byID = map[string]*Subcategory{}
	c.cats = map[string]*Category{}
	for fi := range c.Functions {
		f := &c.Functions[fi]
		fp := fmt.Sprintf("functions[%d]", fi)
		id(fp+".id", f.ID, seen)
		text(fp+".name", f.Name, maxNameLen)
		if len(f.Categories) == 0 {
			bad(fp+".categories", "no categories")
		}
		for ci := range f.Categories {
			cat := &f.Categories[ci]
			cp := fmt.Sprintf("%s.categories[%d]", fp, ci)
			id(cp+".id", cat.ID, seen)
			text(cp+".name", cat.Name, maxNameLen)
			cat.FunctionID = f.ID
			c.cats[cat.ID] = cat
			if len(cat.Subcategories) == 0 {
				bad(cp+".subcategories", "no subcategories")
			}
			for si := range cat.Subcategories {
				s := &cat.Subcategories[si]
				sp := fmt.Sprintf("%s.subcategories[%d]", cp, si)
				id(sp+".id", s.ID, seen)
				text(sp+".question", s.Question, maxQuestionLen)
				text(sp+".hint", s.Hint, maxHintLen)
				if s.Weight == 0 {
					s.Weight = 1
				}
				if s.Weight < 1 || s.Weight > 10 {
					bad(sp+".weight", "%d is outside 1..10", s.Weight)
				}
				s.CategoryID, s.FunctionID = cat.ID, f.ID
				c.byID[s.ID] = s
			}
		}
	}
	if len(errs) > 0 {
		if len(errs) > 20 {
			errs = append(errs[:20], fmt.Sprintf("... and %d more", len(errs)-20))
		}
		return fmt.Errorf("catalog %s: %s", c.ID, strings.Join(errs, "; "))
	}
	return nil
}

// Subcategory returns the subcategory with the given id.
func (c *Catalog) Subcategory(id string) (*Subcategory, bool) {
	s, ok := c.byID[id]
	return s, ok
}

// Category returns the category with the given id.
func (c *Catalog) Category(id string) (*Category, bool) {
	cat, ok := c.cats[id]
	return cat, ok
}

// Subcategories returns every subcategory in catalog order.
func (c *Catalog) Subcategories() []*Subcategory {
	out := make([]*Subcategory, 0, len(c.byID))
	for fi := range c.Functions {
		for ci := range c.Functions[fi].Categories {
			for si := range c.Functions[fi].Categories[ci].Subcategories {
				out = append(out, &c.Functions[fi].Categories[ci].Subcategories[si])
			}
		}
	}
	return out
}

// Counts returns how many functions, categories and subcategories there are.
func (c *Catalog) Counts() (functions, categories, subcategories int) {
	return len(c.Functions), len(c.cats), len(c.byID)
}
