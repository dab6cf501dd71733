package frameworks

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// foreign builds a catalog of three functions whose last subcategory of the
// third function's first category is the fifth, so paths like
// functions[2].categories[0].subcategories[4].maps_to[1] exist.
func foreign(t *testing.T, id string, lastMapsTo ...string) []byte {
	t.Helper()
	type sub struct {
		ID       string   `json:"id"`
		Question string   `json:"question"`
		Hint     string   `json:"hint"`
		MapsTo   []string `json:"maps_to,omitempty"`
	}
	type cat struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Subs []sub  `json:"subcategories"`
	}
	type fn struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Cats []cat  `json:"categories"`
	}
	var fns []fn
	for f := range 3 {
		c := cat{ID: fmt.Sprintf("F%d.A", f), Name: "A"}
		for s := range 5 {
			c.Subs = append(c.Subs, sub{ID: fmt.Sprintf("F%d.A-%d", f, s), Question: "Is it done?", Hint: "It is.", MapsTo: []string{"GV.OC-01"}})
		}
		fns = append(fns, fn{ID: fmt.Sprintf("F%d", f), Name: "F", Cats: []cat{c}})
	}
	fns[2].Cats[0].Subs[4].MapsTo = lastMapsTo
	b, err := json.Marshal(map[string]any{"id": id, "name": "Foreign", "version": "1", "functions": fns})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const lastSub = "functions[2].categories[0].subcategories[4]"

func TestParseImportNamesThePathOfABadMapping(t *testing.T) {
	tests := []struct {
		name   string
		doc    []byte
		want   []string
		wantOK bool
	}{
		{"good", foreign(t, "foreign", "PR.AA-03", "PR.AA-05"), nil, true},
		{"unknown CSF 2.0 id", foreign(t, "foreign", "PR.AA-03", "PR.ZZ-09"),
			[]string{"catalog foreign: " + lastSub + `.maps_to[1]: "PR.ZZ-09" is not a NIST Cybersecurity Framework`}, false},
		{"CSF 1.1 spelling gets a suggestion", foreign(t, "foreign", "ID.AM-1"),
			[]string{lastSub + `.maps_to[0]: "ID.AM-1" is not a`, `did you mean "ID.AM-01"?`}, false},
		{"withdrawn CSF 1.1 id", foreign(t, "foreign", "PR.AC-1"),
			[]string{lastSub + `.maps_to[0]: "PR.AC-1" is not a`}, false},
		{"not an id at all", foreign(t, "foreign", "PR.AA-03", "PR AA 05"),
			[]string{lastSub + `.maps_to[1]: "PR AA 05" is not a valid id`}, false},
		{"listed twice", foreign(t, "foreign", "PR.AA-03", "PR.AA-03"),
			[]string{lastSub + `.maps_to[1]: "PR.AA-03" is listed twice`}, false},
		{"the built-in id", foreign(t, "csf-2.0", "PR.AA-03"),
			[]string{`catalog csf-2.0: id: "csf-2.0" is the id of the built-in`}, false},
		{"the built-in id in capitals", foreign(t, "CSF-2.0", "PR.AA-03"),
			[]string{`id: "CSF-2.0" is the id of the built-in`}, false},
		{"unknown field", []byte(strings.Replace(string(foreign(t, "foreign", "PR.AA-03")), `"maps_to":["PR.AA-03"]`, `"mapsTo":["PR.AA-03"]`, 1)),
			[]string{"catalog: " + lastSub + `: json: unknown field "mapsTo"`}, false},
		{"number in maps_to", []byte(strings.Replace(string(foreign(t, "foreign", "PR.AA-03", "PR.AA-05")), `"PR.AA-05"`, `5`, 1)),
			[]string{"catalog: " + lastSub + ".maps_to[1]: json: cannot unmarshal number"}, false},
		{"duplicate item id", []byte(strings.Replace(string(foreign(t, "foreign", "PR.AA-03")), `"F2.A-4"`, `"F2.A-3"`, 1)),
			[]string{lastSub + `.id: duplicate id "F2.A-3"`}, false},
		{"bad JSON", []byte("{\n  \"id\": \"x\",\n  \"functions\": [}\n"),
			[]string{"catalog: functions: line 3, column 18: invalid character '}'"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseImport(tt.doc)
			if tt.wantOK {
				if err != nil || c == nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || c != nil {
				t.Fatalf("accepted (catalog %v, error %v); want an error", c != nil, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\n  does not contain %q", err, w)
				}
			}
		})
	}
}

func TestParseImportNeedsAtLeastOneMapping(t *testing.T) {
	doc := `{"id":"x","name":"X","version":"1","functions":[{"id":"F","name":"F","categories":[{"id":"F.A","name":"A","subcategories":[{"id":"F.A-1","question":"Q?","hint":"h"}]}]}]}`
	_, err := ParseImport([]byte(doc))
	if err == nil || !strings.Contains(err.Error(), "functions: no subcategory has maps_to") {
		t.Errorf("error = %v; want the missing mapping named", err)
	}
}

func TestDecodeErrorsKeepTheDecoderMessage(t *testing.T) {
	// The path is added in front; what the decoder said stays, so nothing
	// that searched for it breaks.
	_, err := ParseCatalog(edit(t, `"weight": 3`, `"weight": "3"`))
	if err == nil || !strings.Contains(err.Error(), "functions[0].categories[0].subcategories[0].weight: json: cannot unmarshal string") {
		t.Errorf("error = %v", err)
	}
	for _, doc := range []string{"", "   ", `{"id": `, `[`, `{"functions":[{"categories":[{"subcategories":[{"weight":1e400}]}]}]}`} {
		if c, err := ParseCatalog([]byte(doc)); err == nil || c != nil || !strings.HasPrefix(err.Error(), "catalog") {
			t.Errorf("ParseCatalog(%q) = %v, %v; want an error starting with catalog", doc, c, err)
		}
	}
}

// The example shipped in docs/examples is a real catalog: CISA's
// Cross-Sector Cybersecurity Performance Goals 1.0.1.
func TestExampleCISAPerformanceGoals(t *testing.T) {
	b, err := os.ReadFile("../docs/examples/cisa-cpg.json")
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseImport(b)
	if err != nil {
		t.Fatalf("docs/examples/cisa-cpg.json: %v", err)
	}
	var ids []string
	unmapped := 0
	for _, s := range c.Subcategories() {
		ids = append(ids, s.ID)
		if !strings.HasSuffix(s.Question, "?") {
			t.Errorf("%s: question does not end with ?: %q", s.ID, s.Question)
		}
		if s.Weight < 1 || s.Weight > 3 {
			t.Errorf("%s: weight %d; keep 1..3", s.ID, s.Weight)
		}
		if len(s.MapsTo) == 0 {
			unmapped++
		}
		for _, m := range s.MapsTo {
			if _, ok := CSF20().Subcategory(m); !ok {
				t.Errorf("%s maps to %s, which is not in CSF 2.0", s.ID, m)
			}
		}
	}
	// CPG 1.0.1: nine Identify, 24 Protect, one Detect, three Respond and
	// one Recover goal.
	var want []string
	for _, section := range []struct {
		n     string
		goals int
	}{{"1", 9}, {"2", 24}, {"3", 1}, {"4", 3}, {"5", 1}} {
		for i := range section.goals {
			want = append(want, section.n+"."+string(rune('A'+i)))
		}
	}
	slices.Sort(ids)
	if !slices.Equal(ids, want) {
		t.Errorf("goal ids\n  %v\nwant\n  %v", ids, want)
	}
	if fns, _, subs := c.Counts(); fns != 5 || subs != 38 {
		t.Errorf("%d functions, %d goals; want 5 and 38", fns, subs)
	}
	if unmapped != 1 {
		t.Errorf("%d goals without maps_to; want 1 (1.D)", unmapped)
	}
}

// A 108-item CSF 1.1 catalog imports. It is built at test time from the
// reference data beside the repository, which is not part of Palisade; the
// maps_to here pairs each 1.1 id with the CSF 2.0 id of the same number
// where one exists, a structural stand-in, not a reviewed mapping.
func TestCSF11SizedCatalogImports(t *testing.T) {
	b, err := os.ReadFile("../../shared/reference/nist-csf-1.1.json")
	if err != nil {
		t.Skipf("no CSF 1.1 reference data beside the repository (%v)", err)
	}
	var ref struct {
		Functions []struct {
			ID, Name   string
			Categories []struct {
				ID, Name      string
				Subcategories []struct{ ID, Text string }
			}
		}
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	type sub struct {
		ID       string   `json:"id"`
		Question string   `json:"question"`
		Hint     string   `json:"hint"`
		MapsTo   []string `json:"maps_to,omitempty"`
	}
	var fns []map[string]any
	for _, f := range ref.Functions {
		var cats []map[string]any
		for _, c := range f.Categories {
			var subs []sub
			for _, s := range c.Subcategories {
				x := sub{ID: s.ID, Question: "Is " + s.ID + " in place?", Hint: "See the CSF 1.1 core."}
				if m := shortNumber.FindStringSubmatch(s.ID); m != nil {
					if _, ok := CSF20().Subcategory(m[1] + "-0" + m[2]); ok {
						x.MapsTo = []string{m[1] + "-0" + m[2]}
					}
				}
				subs = append(subs, x)
			}
			cats = append(cats, map[string]any{"id": c.ID, "name": c.Name, "subcategories": subs})
		}
		fns = append(fns, map[string]any{"id": f.ID, "name": f.Name, "categories": cats})
	}
	doc, err := json.Marshal(map[string]any{"id": "csf-1.1", "name": "NIST CSF", "version": "1.1", "functions": fns})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseImport(doc)
	if err != nil {
		t.Fatal(err)
	}
	if fns, cats, subs := c.Counts(); fns != 5 || cats != 23 || subs != 108 {
		t.Errorf("%d/%d/%d; want 5 functions, 23 categories, 108 subcategories", fns, cats, subs)
	}
}
