package frameworks

import (
	"fmt"
	"regexp"
	"strings"
)

// This file checks a catalog of another framework (NIST CSF 1.1, CISA's
// performance goals, ...) before it is imported, so that its results can be
// worked out from the CSF 2.0 answers members already give: see "Importing
// another framework" in docs/catalog-format.md.

// ParseImport parses a catalog for import: every check of ParseCatalog,
// then CheckMapping against the built-in CSF 2.0. It returns a checked
// catalog or an error naming the path of each bad field, never both.
func ParseImport(data []byte) (*Catalog, error) {
	c, err := ParseCatalog(data)
	if err != nil {
		return nil, err
	}
	if err := CheckMapping(c, CSF20()); err != nil {
		return nil, err
	}
	return c, nil
}

// CheckMapping checks that an imported catalog fits beside base (the
// built-in CSF 2.0):
//
//   - its id is not base's id, in any letter case: answers and consortia
//     name base by its id, so a catalog with the same id would shadow it;
//   - every maps_to entry is a subcategory of base;
//   - at least one of its subcategories maps to base, or there would be
//     nothing to show.
//
// Problems are reported like ParseCatalog's, in document order, e.g.
// `catalog cisa-cpg: functions[1].categories[0].subcategories[3].maps_to[0]: "PR.AC-1" is not a CSF 2.0 subcategory`.
func CheckMapping(c, base *Catalog) error {
	var errs []string
	bad := func(path, format string, args ...any) {
		errs = append(errs, path+": "+fmt.Sprintf(format, args...))
	}
	if strings.EqualFold(c.ID, base.ID) {
		bad("id", "%q is the id of the built-in %s %s; give the imported catalog its own id", c.ID, base.Name, base.Version)
	}
	mapped := 0
	for fi, f := range c.Functions {
		for ci, cat := range f.Categories {
			for si, s := range cat.Subcategories {
				if len(s.MapsTo) > 0 {
					mapped++
				}
				for mi, id := range s.MapsTo {
					if _, ok := base.Subcategory(id); ok {
						continue
					}
					path := fmt.Sprintf("functions[%d].categories[%d].subcategories[%d].maps_to[%d]", fi, ci, si, mi)
					if near := nearID(base, id); near != "" {
						bad(path, "%q is not a %s subcategory (did you mean %q?)", id, base.Name+" "+base.Version, near)
					} else {
						bad(path, "%q is not a %s subcategory", id, base.Name+" "+base.Version)
					}
				}
			}
		}
	}
	if mapped == 0 {
		bad("functions", "no subcategory has maps_to, so no result could be worked out from %s answers", base.Version)
	}
	if len(errs) == 0 {
		return nil
	}
	if len(errs) > 20 {
		errs = append(errs[:20], fmt.Sprintf("... and %d more", len(errs)-20))
	}
	return fmt.Errorf("catalog %s: %s", c.ID, strings.Join(errs, "; "))
}

var shortNumber = regexp.MustCompile(`^([A-Za-z]{2}\.[A-Za-z]{2})-(\d)$`)

// nearID suggests the id base spells differently: CSF 1.1 wrote ID.AM-1
// where CSF 2.0 writes ID.AM-01, and letter case is easy to get wrong.
func nearID(base *Catalog, id string) string {
	candidates := []string{strings.ToUpper(id)}
	if m := shortNumber.FindStringSubmatch(id); m != nil {
		candidates = append(candidates, strings.ToUpper(m[1])+"-0"+m[2])
	}
	for _, c := range candidates {
		if _, ok := base.Subcategory(c); ok && c != id {
			return c
		}
	}
	return ""
}
