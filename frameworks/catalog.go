// Package frameworks holds the control catalogs Palisade assesses against
// (NIST CSF 2.0 first) and the maturity scales answers are given on. Both are
// plain data embedded in the binary, so a new framework or scale is a data
// change: see docs/catalog-format.md.
package frameworks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
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
	// Refuse what JSON decoding would quietly repair or ignore: a
	// byte-order mark (Windows editors add one), invalid UTF-8 anywhere
	// (also in fields we do not check, since the file is stored as given),
	// and anything after the catalog (two catalogs pasted into one file).
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		return nil, errors.New("catalog: the file starts with a byte-order mark; save it as UTF-8 without BOM")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		return nil, locateDecodeError(data, err)
	}
	if err := repeatedField(data); err != nil {
		return nil, err
	}
	if end := dec.InputOffset(); len(bytes.TrimSpace(data[end:])) > 0 {
		rest := data[end:]
		line, col := lineColumn(data, end+int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n"))))
		return nil, fmt.Errorf("catalog: line %d, column %d: more data after the end of the catalog", line, col)
	}
	if err := c.index(); err != nil {
		return nil, err // names the field, also for invalid UTF-8 in one
	}
	if !utf8.Valid(data) { // in a field the checks above do not read
		line, col := lineColumn(data, int64(firstInvalidUTF8(data)))
		return nil, fmt.Errorf("catalog: line %d, column %d: not valid UTF-8", line, col)
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
				mapped := map[string]bool{}
				for mi, m := range s.MapsTo {
					mp := fmt.Sprintf("%s.maps_to[%d]", sp, mi)
					switch {
					case !idPattern.MatchString(m):
						bad(mp, "%q is not a valid id", m)
					case mapped[m]:
						bad(mp, "%q is listed twice", m)
					}
					mapped[m] = true
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

// locateDecodeError adds the path of the bad field to an error of the JSON
// decoder, whose own messages name a field but not where it is (for
// `json: unknown field "colour"`, which of 106 subcategories?). It walks the
// document once more with the shape of a catalog and stops at the first
// problem, as the decoder does. When the walk does not find the same
// problem, the decoder's message is returned as it is.
func locateDecodeError(data []byte, err error) error {
	w := walker{dec: json.NewDecoder(bytes.NewReader(data))}
	w.dec.UseNumber()
	w.value("", catalogShape)
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	where := func(p string) string {
		if p == "" {
			return ""
		}
		return p + ": "
	}
	// The decoder checks the syntax of the whole value before anything
	// else, so a syntax error is located only when the walk met it too.
	synPath := ""
	if w.kind == syntaxProblem {
		synPath = w.path
	}
	switch {
	case errors.As(err, &syn):
		line, col := lineColumn(data, syn.Offset)
		return fmt.Errorf("catalog: %sline %d, column %d: %w", where(synPath), line, col, err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("catalog: %sthe file ends before the JSON does: %w", where(synPath), err)
	case errors.Is(err, io.EOF):
		return fmt.Errorf("catalog: the file is empty: %w", err)
	case errors.As(err, &typ) && w.kind == typeProblem && strings.EqualFold(typ.Field, indexRE.ReplaceAllString(w.path, "")):
		return fmt.Errorf("catalog: %s%w", where(w.path), err)
	case w.kind == unknownField && err.Error() == fmt.Sprintf("json: unknown field %q", w.key):
		return fmt.Errorf("catalog: %s%w", where(w.path), err)
	}
	return fmt.Errorf("catalog: %w", err)
}

var indexRE = regexp.MustCompile(`\[\d+\]`)

// lineColumn turns a byte offset into a 1-based line and column.
func lineColumn(data []byte, offset int64) (line, col int) {
	off := int(min(max(offset, 0), int64(len(data))))
	before := data[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = off - bytes.LastIndexByte(before, '\n')
	return line, col
}

// shape is what the decoder expects at one place of a catalog.
type shape struct {
	kind   byte // 'o' object, 'a' array, 's' string, 'i' whole number
	fields map[string]*shape
	elem   *shape
}

var (
	textShape        = &shape{kind: 's'}
	wholeShape       = &shape{kind: 'i'}
	subcategoryShape = &shape{kind: 'o', fields: map[string]*shape{"id": textShape, "question": textShape, "hint": textShape,
		"weight": wholeShape, "maps_to": {kind: 'a', elem: textShape}}}
	categoryShape = &shape{kind: 'o', fields: map[string]*shape{"id": textShape, "name": textShape,
		"subcategories": {kind: 'a', elem: subcategoryShape}}}
	functionShape = &shape{kind: 'o', fields: map[string]*shape{"id": textShape, "name": textShape, "summary": textShape,
		"categories": {kind: 'a', elem: categoryShape}}}
	catalogShape = &shape{kind: 'o', fields: map[string]*shape{"id": textShape, "name": textShape, "version": textShape,
		"source": textShape, "functions": {kind: 'a', elem: functionShape}}}
)

// field finds a field the way encoding/json does: case-insensitively.
func (s *shape) field(key string) *shape {
	if f, ok := s.fields[key]; ok {
		return f
	}
	for name, f := range s.fields {
		if strings.EqualFold(name, key) {
			return f
		}
	}
	return nil
}

type problem int

const (
	noProblem problem = iota
	syntaxProblem
	typeProblem
	unknownField
	duplicateField
)

// walker reads a document token by token and records the first problem
// with the path where it is.
type walker struct {
	dec  *json.Decoder
	kind problem
	path string
	key  string // the unknown or repeated field
}

func (w *walker) fail(kind problem, path string) bool {
	w.kind, w.path = kind, path
	return false
}

// value reads one value of the given shape at path; false means stop.
func (w *walker) value(path string, s *shape) bool {
	tok, err := w.dec.Token()
	if err != nil {
		return w.fail(syntaxProblem, path)
	}
	if tok == nil {
		return true // null leaves the zero value, as in the decoder
	}
	switch s.kind {
	case 'o':
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			return w.fail(typeProblem, path)
		}
		seen := map[string]bool{}
		for w.dec.More() {
			kt, err := w.dec.Token()
			if err != nil {
				return w.fail(syntaxProblem, path)
			}
			key, _ := kt.(string)
			f := s.field(key)
			if f == nil {
				w.key = key
				return w.fail(unknownField, path)
			}
			// encoding/json keeps the last of repeated fields (matched
			// case-insensitively); a repeated one is a mistake to show.
			if seen[strings.ToLower(key)] {
				w.key = key
				return w.fail(duplicateField, path)
			}
			seen[strings.ToLower(key)] = true
			p := key
			if path != "" {
				p = path + "." + key
			}
			if !w.value(p, f) {
				return false
			}
		}
		if _, err := w.dec.Token(); err != nil {
			return w.fail(syntaxProblem, path)
		}
	case 'a':
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return w.fail(typeProblem, path)
		}
		for i := 0; w.dec.More(); i++ {
			if !w.value(fmt.Sprintf("%s[%d]", path, i), s.elem) {
				return false
			}
		}
		if _, err := w.dec.Token(); err != nil {
			return w.fail(syntaxProblem, path)
		}
	case 's':
		if _, ok := tok.(string); !ok {
			return w.fail(typeProblem, path)
		}
	case 'i':
		n, ok := tok.(json.Number)
		if !ok {
			return w.fail(typeProblem, path)
		}
		if _, err := strconv.ParseInt(string(n), 10, strconv.IntSize); err != nil {
			return w.fail(typeProblem, path)
		}
	}
	return true
}

// firstInvalidUTF8 is the byte offset of the first invalid UTF-8 sequence.
func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(data)
}

// repeatedField finds a field given twice in one object of a document the
// decoder accepted (it keeps the last silently), with its path.
func repeatedField(data []byte) error {
	w := walker{dec: json.NewDecoder(bytes.NewReader(data))}
	w.dec.UseNumber()
	if w.value("", catalogShape) || w.kind != duplicateField {
		return nil
	}
	in := ""
	if w.path != "" {
		in = w.path + ": "
	}
	return fmt.Errorf("catalog: %sthe field %q is given twice", in, w.key)
}
