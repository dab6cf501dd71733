package frameworks

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// ---------------------------------------------------------------------------
// The embedded NIST CSF 2.0 catalog
// ---------------------------------------------------------------------------

func TestCSF20HasTheShapeOfCSF20(t *testing.T) {
	c := CSF20()
	if c.ID != "csf-2.0" || c.Version != "2.0" {
		t.Errorf("catalog id/version = %q/%q, want csf-2.0/2.0", c.ID, c.Version)
	}
	fns, cats, subs := c.Counts()
	if fns != 6 || cats != 22 || subs != 106 {
		t.Errorf("Counts() = %d functions, %d categories, %d subcategories; want 6, 22, 106", fns, cats, subs)
	}
	if n := len(c.Subcategories()); n != 106 {
		t.Errorf("len(Subcategories()) = %d, want 106", n)
	}

	perFunction := []struct {
		id, name            string
		categories, subcats int
	}{
		{"GV", "Govern", 6, 31},
		{"ID", "Identify", 3, 21},
		{"PR", "Protect", 5, 22},
		{"DE", "Detect", 2, 11},
		{"RS", "Respond", 4, 13},
		{"RC", "Recover", 2, 8},
	}
	if len(c.Functions) != len(perFunction) {
		t.Fatalf("%d functions, want %d", len(c.Functions), len(perFunction))
	}
	for i, want := range perFunction {
		f := c.Functions[i]
		t.Run(want.id, func(t *testing.T) {
			if f.ID != want.id || f.Name != want.name {
				t.Errorf("function %d is %s %q, want %s %q", i, f.ID, f.Name, want.id, want.name)
			}
			subcats := 0
			for _, cat := range f.Categories {
				subcats += len(cat.Subcategories)
			}
			if len(f.Categories) != want.categories || subcats != want.subcats {
				t.Errorf("%s has %d categories / %d subcategories, want %d / %d",
					f.ID, len(f.Categories), subcats, want.categories, want.subcats)
			}
			if strings.TrimSpace(f.Summary) == "" {
				t.Errorf("%s has no summary", f.ID)
			}
		})
	}
}

func TestCSF20IDsNestAndLookupsAgree(t *testing.T) {
	c := CSF20()
	for _, f := range c.Functions {
		for _, cat := range f.Categories {
			if !strings.HasPrefix(cat.ID, f.ID+".") {
				t.Errorf("category %s is not under function %s", cat.ID, f.ID)
			}
			if cat.FunctionID != f.ID {
				t.Errorf("category %s: FunctionID = %q, want %q", cat.ID, cat.FunctionID, f.ID)
			}
			got, ok := c.Category(cat.ID)
			if !ok || got.ID != cat.ID {
				t.Errorf("Category(%q) = %v, %v", cat.ID, got, ok)
			}
			for _, s := range cat.Subcategories {
				if !strings.HasPrefix(s.ID, cat.ID+"-") {
					t.Errorf("subcategory %s is not under category %s", s.ID, cat.ID)
				}
				got, ok := c.Subcategory(s.ID)
				if !ok {
					t.Errorf("Subcategory(%q) not found", s.ID)
					continue
				}
				if got.CategoryID != cat.ID || got.FunctionID != f.ID {
					t.Errorf("%s: CategoryID/FunctionID = %q/%q, want %q/%q",
						s.ID, got.CategoryID, got.FunctionID, cat.ID, f.ID)
				}
			}
		}
	}
}

// Every outcome is asked as Palisade's own plain-language question.
func TestCSF20EverySubcategoryIsAnswerable(t *testing.T) {
	for _, s := range CSF20().Subcategories() {
		t.Run(s.ID, func(t *testing.T) {
			if !strings.HasSuffix(s.Question, "?") {
				t.Errorf("question does not end with '?': %q", s.Question)
			}
			if strings.TrimSpace(s.Hint) == "" {
				t.Error("hint is empty")
			}
			if s.Weight < 1 || s.Weight > 10 {
				t.Errorf("weight %d is outside 1..10", s.Weight)
			}
			if len(s.MapsTo) != 0 {
				t.Errorf("maps_to = %v; CSF 2.0 does not map to itself", s.MapsTo)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Cross-check against the shared NIST reference data
// ---------------------------------------------------------------------------

// refCatalog is the structure of shared/reference/nist-csf-*.json.
type refCatalog struct {
	Functions []struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		Description string `json:"description"`
		Categories  []struct {
			ID            string `json:"id"`
			Name          string `json:"name"`
			Description   string `json:"description"`
			Subcategories []struct {
				ID   string `json:"id"`
				Text string `json:"text"`
			} `json:"subcategories"`
		} `json:"categories"`
	} `json:"functions"`
}

// loadReference reads ../shared/reference/<name> relative to the repository
// root (the nearest directory above the working directory holding go.mod),
// and skips the test when the file is not there.
func loadReference(t *testing.T, name string) *refCatalog {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skipf("reference check skipped: no go.mod above the test directory, so ../shared/reference/%s cannot be located", name)
		}
		dir = parent
	}
	path := filepath.Join(dir, "..", "shared", "reference", name)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("reference check skipped: %s not found (it lives outside the module)", path)
	}
	if err != nil {
		t.Fatalf("read reference: %v", err)
	}
	var ref refCatalog
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatalf("parse reference %s: %v", path, err)
	}
	return &ref
}

// sameIDs reports ids missing from got, extra in got, and (when the sets are
// equal) the first place where the order differs.
func sameIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	var missing, extra []string
	for _, id := range want {
		if !slices.Contains(got, id) {
			missing = append(missing, id)
		}
	}
	for _, id := range got {
		if !slices.Contains(want, id) {
			extra = append(extra, id)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%s: missing from catalog: %v", what, missing)
	}
	if len(extra) > 0 {
		t.Errorf("%s: in catalog but not in NIST reference: %v", what, extra)
	}
	if len(missing) == 0 && len(extra) == 0 && !slices.Equal(got, want) {
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: order differs at position %d: catalog has %s, reference has %s", what, i, got[i], want[i])
				break
			}
		}
	}
}

func TestCSF20MatchesNISTReference(t *testing.T) {
	ref := loadReference(t, "nist-csf-2.0.json")
	c := CSF20()

	var gotFns, wantFns []string
	for _, f := range c.Functions {
		gotFns = append(gotFns, f.ID)
	}
	for _, f := range ref.Functions {
		wantFns = append(wantFns, f.ID)
	}
	sameIDs(t, "functions", gotFns, wantFns)

	var gotCats, wantCats, gotSubs, wantSubs []string
	for _, f := range c.Functions {
		for _, cat := range f.Categories {
			gotCats = append(gotCats, cat.ID)
			for _, s := range cat.Subcategories {
				gotSubs = append(gotSubs, s.ID)
			}
		}
	}
	for _, rf := range ref.Functions {
		for _, rc := range rf.Categories {
			wantCats = append(wantCats, rc.ID)
			for _, rs := range rc.Subcategories {
				wantSubs = append(wantSubs, rs.ID)
			}
		}
	}
	sameIDs(t, "categories", gotCats, wantCats)
	sameIDs(t, "subcategories", gotSubs, wantSubs)

	// Names and parentage, for everything present on both sides.
	byID := map[string]Function{}
	for _, f := range c.Functions {
		byID[f.ID] = f
	}
	for _, rf := range ref.Functions {
		f, ok := byID[rf.ID]
		if !ok {
			continue
		}
		if f.Name != rf.Name {
			t.Errorf("function %s: name %q, NIST has %q", rf.ID, f.Name, rf.Name)
		}
		for _, rc := range rf.Categories {
			cat, ok := c.Category(rc.ID)
			if !ok {
				continue
			}
			if cat.Name != rc.Name {
				t.Errorf("category %s: name %q, NIST has %q", rc.ID, cat.Name, rc.Name)
			}
			if cat.FunctionID != rf.ID {
				t.Errorf("category %s is under %s, NIST puts it under %s", rc.ID, cat.FunctionID, rf.ID)
			}
			for _, rs := range rc.Subcategories {
				if s, ok := c.Subcategory(rs.ID); ok && s.CategoryID != rc.ID {
					t.Errorf("subcategory %s is under %s, NIST puts it under %s", rs.ID, s.CategoryID, rc.ID)
				}
			}
		}
	}
}

// normalizeText folds the typographic differences the reference README
// warns about (dashes, apostrophes, whitespace, a final period) and case.
func normalizeText(s string) string {
	s = strings.NewReplacer("\u2014", "-", "\u2013", "-", "\u2019", "'", "\u2018", "'").Replace(s)
	s = strings.Join(strings.Fields(s), " ")
	s = strings.TrimRight(s, ".?")
	return strings.ToLower(s)
}

// The questions are Palisade's own words: none may be NIST's outcome text,
// verbatim or embedded.
func TestCSF20QuestionsAreNotNISTText(t *testing.T) {
	ref := loadReference(t, "nist-csf-2.0.json")
	c := CSF20()
	for _, rf := range ref.Functions {
		for _, rc := range rf.Categories {
			for _, rs := range rc.Subcategories {
				s, ok := c.Subcategory(rs.ID)
				if !ok {
					continue // reported by TestCSF20MatchesNISTReference
				}
				official := normalizeText(rs.Text)
				if official == "" {
					t.Errorf("%s: reference text is empty", rs.ID)
					continue
				}
				for _, own := range []struct{ field, text string }{
					{"question", s.Question},
					{"hint", s.Hint},
				} {
					mine := normalizeText(own.text)
					if mine == official || strings.Contains(mine, official) {
						t.Errorf("%s: %s repeats the official NIST text %q", rs.ID, own.field, rs.Text)
					}
				}
			}
		}
	}
}

// ---------------------------------------------------------------------------
// ParseCatalog
// ---------------------------------------------------------------------------

// minimalCatalog is the smallest useful valid catalog. Error cases below are
// written as one edit of it.
const minimalCatalog = `{
  "id": "mini",
  "name": "Mini framework",
  "version": "1.0",
  "source": "test",
  "functions": [{
    "id": "F",
    "name": "Function",
    "summary": "The only function.",
    "categories": [{
      "id": "F.A",
      "name": "Alpha",
      "subcategories": [
        {"id": "F.A-01", "question": "Is the first thing done?", "hint": "It is written down.", "weight": 3, "maps_to": ["GV.OC-01"]},
        {"id": "F.A-02", "question": "Is the second thing done?", "hint": "Someone checks it."}
      ]
    }]
  }]
}`

// edit returns minimalCatalog with old replaced by new; old must occur once.
func edit(t *testing.T, old, new string) []byte {
	t.Helper()
	if n := strings.Count(minimalCatalog, old); n != 1 {
		t.Fatalf("test bug: %q occurs %d times in minimalCatalog", old, n)
	}
	return []byte(strings.Replace(minimalCatalog, old, new, 1))
}

func TestParseCatalogMinimal(t *testing.T) {
	c, err := ParseCatalog([]byte(minimalCatalog))
	if err != nil {
		t.Fatalf("minimal catalog rejected: %v", err)
	}
	if f, cats, subs := c.Counts(); f != 1 || cats != 1 || subs != 2 {
		t.Errorf("Counts() = %d, %d, %d; want 1, 1, 2", f, cats, subs)
	}

	cat, ok := c.Category("F.A")
	if !ok || cat.Name != "Alpha" || cat.FunctionID != "F" {
		t.Errorf("Category(F.A) = %+v, %v; want Alpha under F", cat, ok)
	}

	tests := []struct {
		id     string
		weight int
		mapsTo []string
	}{
		{"F.A-01", 3, []string{"GV.OC-01"}},
		{"F.A-02", 1, nil}, // weight omitted: defaults to 1
	}
	for _, tt := range tests {
		s, ok := c.Subcategory(tt.id)
		if !ok {
			t.Errorf("Subcategory(%q) not found", tt.id)
			continue
		}
		if s.Weight != tt.weight {
			t.Errorf("%s: weight %d, want %d", tt.id, s.Weight, tt.weight)
		}
		if s.CategoryID != "F.A" || s.FunctionID != "F" {
			t.Errorf("%s: CategoryID/FunctionID = %q/%q, want F.A/F", tt.id, s.CategoryID, s.FunctionID)
		}
		if !slices.Equal(s.MapsTo, tt.mapsTo) {
			t.Errorf("%s: maps_to %v, want %v", tt.id, s.MapsTo, tt.mapsTo)
		}
	}

	var order []string
	for _, s := range c.Subcategories() {
		order = append(order, s.ID)
	}
	if !slices.Equal(order, []string{"F.A-01", "F.A-02"}) {
		t.Errorf("Subcategories() order = %v", order)
	}

	for _, id := range []string{"F", "F.B", "f.a", ""} {
		if _, ok := c.Category(id); ok {
			t.Errorf("Category(%q) found, want not found", id)
		}
	}
	for _, id := range []string{"F.A", "F.A-03", "f.a-01", ""} {
		if _, ok := c.Subcategory(id); ok {
			t.Errorf("Subcategory(%q) found, want not found", id)
		}
	}
}

func TestParseCatalogAcceptsLimitsExactly(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
	}{
		{"id of 32 characters", `"id": "F.A-02"`, `"id": "` + strings.Repeat("x", 32) + `"`},
		{"question of 300 characters", `"Is the second thing done?"`, `"` + strings.Repeat("é", 299) + `?"`},
		{"hint of 600 characters", `"Someone checks it."`, `"` + strings.Repeat("é", 600) + `"`},
		{"name of 200 characters", `"name": "Alpha"`, `"name": "` + strings.Repeat("é", 200) + `"`},
		{"weight 10", `"weight": 3`, `"weight": 10`},
		{"weight 1", `"weight": 3`, `"weight": 1`},
		{"id with dot, dash and underscore", `"id": "F.A-02"`, `"id": "a_b.c-9"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseCatalog(edit(t, tt.old, tt.new)); err != nil {
				t.Errorf("rejected: %v", err)
			}
		})
	}
}

func TestParseCatalogErrorsNameTheField(t *testing.T) {
	const sub0 = "functions[0].categories[0].subcategories[0]"
	const sub1 = "functions[0].categories[0].subcategories[1]"
	tests := []struct {
		name     string
		old, new string
		want     []string // substrings the error must contain
	}{
		// Decoding: encoding/json names the field, not its indexed path.
		{"unknown field", `"weight": 3`, `"weight": 3, "colour": "red"`,
			[]string{"catalog:", `unknown field "colour"`}},
		{"wrong type", `"weight": 3`, `"weight": "3"`,
			[]string{"catalog:", "subcategories.weight"}},
		{"not JSON", minimalCatalog, `{"id": `,
			[]string{"catalog:"}},

		// Required text.
		{"empty question", `"Is the first thing done?"`, `"   "`,
			[]string{"catalog mini:", sub0 + ".question: empty"}},
		{"missing question", `"question": "Is the first thing done?", `, ``,
			[]string{sub0 + ".question: empty"}},
		{"empty hint", `"Someone checks it."`, `""`,
			[]string{sub1 + ".hint: empty"}},
		{"missing category name", `"name": "Alpha",`, ``,
			[]string{"functions[0].categories[0].name: empty"}},
		{"missing function name", `"name": "Function",`, ``,
			[]string{"functions[0].name: empty"}},
		{"missing catalog name", `"name": "Mini framework",`, ``,
			[]string{"catalog mini: name: empty"}},
		{"missing version", `"version": "1.0",`, ``,
			[]string{"version: empty"}},

		// Ids.
		{"duplicate subcategory id", `"id": "F.A-02"`, `"id": "F.A-01"`,
			[]string{sub1 + `.id: duplicate id "F.A-01"`}},
		{"category id reuses function id", `"id": "F.A",`, `"id": "F",`,
			[]string{`functions[0].categories[0].id: duplicate id "F"`}},
		{"space in id", `"id": "F.A-01"`, `"id": "F.A 01"`,
			[]string{sub0 + `.id: "F.A 01" is not a valid id`}},
		{"slash in id", `"id": "F.A-01"`, `"id": "F/A-01"`,
			[]string{sub0 + `.id: "F/A-01" is not a valid id`}},
		{"id starting with a dot", `"id": "F.A",`, `"id": ".A",`,
			[]string{`functions[0].categories[0].id: ".A" is not a valid id`}},
		{"non-ASCII id", `"id": "F",`, `"id": "Ф",`,
			[]string{`functions[0].id: "Ф" is not a valid id`}},
		{"id of 33 characters", `"id": "F.A-02"`, `"id": "` + strings.Repeat("x", 33) + `"`,
			[]string{sub1 + ".id:", "is not a valid id"}},
		{"empty subcategory id", `"id": "F.A-02"`, `"id": ""`,
			[]string{sub1 + `.id: "" is not a valid id`}},
		{"bad catalog id", `"id": "mini"`, `"id": "mini framework"`,
			[]string{`id: "mini framework" is not a valid id`}},

		// Length limits count characters, not bytes.
		{"question over 300", `"Is the second thing done?"`, `"` + strings.Repeat("é", 300) + `?"`,
			[]string{sub1 + ".question: longer than 300 characters"}},
		{"hint over 600", `"Someone checks it."`, `"` + strings.Repeat("é", 601) + `"`,
			[]string{sub1 + ".hint: longer than 600 characters"}},
		{"category name over 200", `"name": "Alpha"`, `"name": "` + strings.Repeat("a", 201) + `"`,
			[]string{"functions[0].categories[0].name: longer than 200 characters"}},
		{"version over 40", `"version": "1.0"`, `"version": "` + strings.Repeat("1", 41) + `"`,
			[]string{"version: longer than 40 characters"}},

		// Invalid UTF-8 (encoding/json turns it into U+FFFD; that is rejected).
		{"invalid UTF-8 in hint", `"Someone checks it."`, "\"Someone \xff checks it.\"",
			[]string{sub1 + ".hint: not valid UTF-8"}},
		{"invalid UTF-8 in question", `"Is the first thing done?"`, "\"Is the \xc3\x28 thing done?\"",
			[]string{sub0 + ".question: not valid UTF-8"}},
		{"escaped U+FFFD in name", `"name": "Alpha"`, `"name": "Al\ufffdpha"`,
			[]string{"functions[0].categories[0].name: not valid UTF-8"}},

		// Weight.
		{"weight 11", `"weight": 3`, `"weight": 11`,
			[]string{sub0 + ".weight: 11 is outside 1..10"}},
		{"negative weight", `"weight": 3`, `"weight": -1`,
			[]string{sub0 + ".weight: -1 is outside 1..10"}},
	}
	// Empty functions, categories and subcategories: see
	// TestParseCatalogStructureErrors.

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCatalog(edit(t, tt.old, tt.new))
			if err == nil {
				t.Fatalf("accepted, want error containing %q", tt.want)
			}
			if c != nil {
				t.Errorf("returned a catalog along with error %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\n  does not contain %q", err, w)
				}
			}
		})
	}
}

func TestParseCatalogStructureErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"empty functions",
			`{"id":"e","name":"E","version":"1","functions":[]}`,
			"catalog e: functions: no functions"},
		{"functions omitted",
			`{"id":"e","name":"E","version":"1"}`,
			"functions: no functions"},
		{"function without categories",
			`{"id":"e","name":"E","version":"1","functions":[{"id":"F","name":"F","categories":[]}]}`,
			"functions[0].categories: no categories"},
		{"category without subcategories",
			`{"id":"e","name":"E","version":"1","functions":[{"id":"F","name":"F","categories":[{"id":"F.A","name":"A"}]}]}`,
			"functions[0].categories[0].subcategories: no subcategories"},
		{"data after the catalog",
			`{"id":"e","name":"E","version":"1"}` + "\n{\"id\":\"x\"}",
			"line 2, column 1: more data after the end of the catalog"},
		{"byte-order mark",
			"\xef\xbb\xbf" + `{"id":"e","name":"E","version":"1"}`,
			"byte-order mark"},
		{"a field given twice",
			strings.Replace(minimalCatalog, `"name": "Alpha"`, `"name": "Alpha", "Name": "Beta"`, 1),
			`functions[0].categories[0]: the field "Name" is given twice`},
		{"invalid UTF-8 in a field nobody checks",
			strings.Replace(minimalCatalog, `"source": "test"`, "\"source\": \"\xff\"", 1),
			": not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCatalog([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParseCatalogReportsEveryProblemUpToTwenty(t *testing.T) {
	// Twenty-five bad subcategories: all are found, in document order, and
	// the list is cut after twenty.
	var subs []string
	for i := range 25 {
		subs = append(subs, fmt.Sprintf(`{"id":"S-%02d","question":"","hint":"h"}`, i))
	}
	doc := `{"id":"many","name":"M","version":"1","functions":[{"id":"F","name":"F","categories":[{"id":"F.A","name":"A","subcategories":[` +
		strings.Join(subs, ",") + `]}]}]}`
	_, err := ParseCatalog([]byte(doc))
	if err == nil {
		t.Fatal("accepted 25 empty questions")
	}
	msg := err.Error()
	if n := strings.Count(msg, ".question: empty"); n != 20 {
		t.Errorf("%d problems listed, want 20", n)
	}
	if !strings.HasSuffix(msg, "... and 5 more") {
		t.Errorf("error does not end with %q: ...%s", "... and 5 more", msg[max(0, len(msg)-60):])
	}
	first := strings.Index(msg, "subcategories[0].question")
	second := strings.Index(msg, "subcategories[1].question")
	if first < 0 || second < first {
		t.Errorf("problems are not in document order: %s", msg)
	}
}
