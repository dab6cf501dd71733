package frameworks

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// ---------------------------------------------------------------------------
// The embedded NCSR maturity scale
// ---------------------------------------------------------------------------

func TestNCSRScaleShape(t *testing.T) {
	s := NCSR()
	if s.ID != "ncsr" || s.Version != 1 {
		t.Errorf("id/version = %q/%d, want ncsr/1", s.ID, s.Version)
	}
	if s.Min != 1 || s.Max != 7 {
		t.Errorf("range = %d..%d, want 1..7", s.Min, s.Max)
	}
	if s.RecommendedMinimum != 5 {
		t.Errorf("recommended minimum = %d, want 5 (CIS's baseline for SLTT members)", s.RecommendedMinimum)
	}
	if len(s.Choices) != 8 {
		t.Errorf("%d choices, want 8", len(s.Choices))
	}
	scores := map[int]bool{}
	for _, c := range s.Choices {
		scores[c.Score] = true
	}
	if len(scores) != 7 {
		t.Errorf("%d distinct scores, want 7", len(scores))
	}
	for score := 1; score <= 7; score++ {
		if !scores[score] {
			t.Errorf("no choice scores %d", score)
		}
	}
}

// The official NCSR level names, in NCSR order. Keys are stored with answers,
// so they are part of the contract too.
func TestNCSRChoicesInOrder(t *testing.T) {
	want := []struct {
		key                string
		score              int
		name               string
		requiresAcceptance bool
	}{
		{"not-performed", 1, "Not Performed", false},
		{"informal", 2, "Informally Performed", false},
		{"documented-policy", 3, "Documented Policy", false},
		{"partial-procedures", 4, "Partially Documented Standards and/or Procedures", false},
		{"in-progress", 5, "Implementation in Progress", false},
		{"risk-accepted", 5, "Risk Formally Accepted", true},
		{"tested", 6, "Tested and Verified", false},
		{"optimized", 7, "Optimized", false},
	}
	s := NCSR()
	if len(s.Choices) != len(want) {
		t.Fatalf("%d choices, want %d", len(s.Choices), len(want))
	}
	for i, w := range want {
		got := s.Choices[i]
		t.Run(w.key, func(t *testing.T) {
			if got.Key != w.key || got.Score != w.score || got.Name != w.name || got.RequiresAcceptance != w.requiresAcceptance {
				t.Errorf("choice %d = {%s %d %q acceptance=%v}, want {%s %d %q acceptance=%v}",
					i, got.Key, got.Score, got.Name, got.RequiresAcceptance,
					w.key, w.score, w.name, w.requiresAcceptance)
			}
			c, ok := s.Choice(w.key)
			if !ok || c != &s.Choices[i] {
				t.Errorf("Choice(%q) = %v, %v; want choice %d", w.key, c, ok, i)
			}
		})
	}
}

func TestNCSRRiskAccepted(t *testing.T) {
	s := NCSR()
	c, ok := s.Choice("risk-accepted")
	if !ok {
		t.Fatal(`no "risk-accepted" choice`)
	}
	if c.Score != 5 || !c.RequiresAcceptance {
		t.Errorf("risk-accepted: score %d, RequiresAcceptance %v; want 5, true", c.Score, c.RequiresAcceptance)
	}
	for _, other := range s.Choices {
		if other.Key != "risk-accepted" && other.RequiresAcceptance {
			t.Errorf("%s also requires a risk acceptance", other.Key)
		}
	}
	if _, ok := s.Choice("risk-acceptance"); ok {
		t.Error(`Choice("risk-acceptance") found, want not found`)
	}
}

// Each definition is Palisade's own one-line gloss, short enough to show next
// to the radio button.
func TestNCSRDefinitionsAreOneLine(t *testing.T) {
	for _, c := range NCSR().Choices {
		t.Run(c.Key, func(t *testing.T) {
			d := c.Definition
			switch {
			case strings.TrimSpace(d) == "":
				t.Error("definition is empty")
			case strings.ContainsAny(d, "\r\n"):
				t.Errorf("definition spans lines: %q", d)
			case d != strings.TrimSpace(d):
				t.Errorf("definition has surrounding space: %q", d)
			case utf8.RuneCountInString(d) > 120:
				t.Errorf("definition is %d characters, want at most 120", utf8.RuneCountInString(d))
			}
		})
	}
}

func TestNCSRValidTarget(t *testing.T) {
	tests := []struct {
		target int
		want   bool
	}{
		{-1, false},
		{0, false},
		{1, true},
		{5, true},
		{7, true},
		{8, false},
		{100, false},
	}
	s := NCSR()
	for _, tt := range tests {
		if got := s.ValidTarget(tt.target); got != tt.want {
			t.Errorf("ValidTarget(%d) = %v, want %v", tt.target, got, tt.want)
		}
	}
	if !s.ValidTarget(s.RecommendedMinimum) {
		t.Error("the recommended minimum is not a valid target")
	}
}

func TestNCSRLevel(t *testing.T) {
	tests := []struct {
		score int
		want  string
	}{
		{0, ""},
		{1, "Not Performed"},
		{2, "Informally Performed"},
		{3, "Documented Policy"},
		{4, "Partially Documented Standards and/or Procedures"},
		{5, "Implementation in Progress"}, // the first choice scoring 5
		{6, "Tested and Verified"},
		{7, "Optimized"},
		{8, ""},
		{-3, ""},
	}
	s := NCSR()
	for _, tt := range tests {
		if got := s.Level(tt.score); got != tt.want {
			t.Errorf("Level(%d) = %q, want %q", tt.score, got, tt.want)
		}
	}
}

// ---------------------------------------------------------------------------
// ParseScale
// ---------------------------------------------------------------------------

const minimalScale = `{
  "id": "yn",
  "version": 2,
  "name": "Yes or no",
  "source": "test",
  "min": 0,
  "max": 1,
  "recommended_minimum": 1,
  "choices": [
    {"key": "no", "score": 0, "name": "No", "definition": "Not done."},
    {"key": "waived", "score": 0, "name": "Waived", "definition": "Not done, risk accepted.", "requires_acceptance": true},
    {"key": "yes", "score": 1, "name": "Yes", "definition": "Done."}
  ]
}`

func editScale(t *testing.T, old, new string) []byte {
	t.Helper()
	if n := strings.Count(minimalScale, old); n != 1 {
		t.Fatalf("test bug: %q occurs %d times in minimalScale", old, n)
	}
	return []byte(strings.Replace(minimalScale, old, new, 1))
}

func TestParseScaleMinimal(t *testing.T) {
	s, err := ParseScale([]byte(minimalScale))
	if err != nil {
		t.Fatalf("minimal scale rejected: %v", err)
	}
	if s.ID != "yn" || s.Version != 2 || s.Min != 0 || s.Max != 1 || s.RecommendedMinimum != 1 {
		t.Errorf("parsed %+v", s)
	}
	if w, ok := s.Choice("waived"); !ok || w.Score != 0 || !w.RequiresAcceptance {
		t.Errorf("Choice(waived) = %+v, %v", w, ok)
	}
	if got := s.Level(0); got != "No" {
		t.Errorf("Level(0) = %q, want the first choice scoring 0, %q", got, "No")
	}
	if !s.ValidTarget(0) || !s.ValidTarget(1) || s.ValidTarget(2) {
		t.Error("ValidTarget does not follow min/max")
	}
}

func TestParseScaleErrors(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     []string
	}{
		{"unknown field", `"source": "test",`, `"source": "test", "colour": "red",`,
			[]string{"scale:", `unknown field "colour"`}},
		{"unknown choice field", `"definition": "Done."`, `"definition": "Done.", "weight": 2`,
			[]string{"scale:", `unknown field "weight"`}},
		{"not JSON", minimalScale, `{"id":`,
			[]string{"scale:"}},
		{"bad id", `"id": "yn"`, `"id": "yes/no"`,
			[]string{`id: "yes/no" is not a valid id`}},
		{"version 0", `"version": 2`, `"version": 0`,
			[]string{"scale yn:", "version: must be 1 or more"}},
		{"version missing", `"version": 2,`, ``,
			[]string{"version: must be 1 or more"}},
		{"max equal to min", `"max": 1`, `"max": 0`,
			[]string{"min/max: 0..0 is not a range"}},
		{"negative min", `"min": 0`, `"min": -1`,
			[]string{"min/max: -1..1 is not a range"}},
		{"recommended above max", `"recommended_minimum": 1`, `"recommended_minimum": 2`,
			[]string{"recommended_minimum: 2 is outside 0..1"}},
		{"bad key", `"key": "yes"`, `"key": "yes!"`,
			[]string{`choices[2].key: "yes!" is not a valid key`}},
		{"duplicate key", `"key": "yes"`, `"key": "no"`,
			[]string{`choices[2].key: duplicate "no"`}},
		{"score above max", `"score": 1`, `"score": 2`,
			[]string{"choices[2].score: 2 is outside 0..1"}},
		{"missing name", `"name": "Yes", `, ``,
			[]string{"choices[2]: name and definition are required"}},
		{"blank definition", `"definition": "Done."`, `"definition": " "`,
			[]string{"choices[2]: name and definition are required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseScale(editScale(t, tt.old, tt.new))
			if err == nil {
				t.Fatalf("accepted, want error containing %q", tt.want)
			}
			if s != nil {
				t.Errorf("returned a scale along with error %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\n  does not contain %q", err, w)
				}
			}
		})
	}
}

func TestParseScaleNoChoices(t *testing.T) {
	_, err := ParseScale([]byte(`{"id":"e","version":1,"name":"E","min":1,"max":3,"recommended_minimum":2,"choices":[]}`))
	if err == nil || !strings.Contains(err.Error(), "choices: none") {
		t.Errorf("error = %v, want it to contain %q", err, "choices: none")
	}
}
