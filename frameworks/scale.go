package frameworks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Scale is a versioned maturity scale. Answers store the scale id and
// version they were made on, so a later edit of the scale never changes the
// meaning of an old answer.
type Scale struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	Name    string `json:"name"`
	Source  string `json:"source"`
	// Min and Max bound the scores; RecommendedMinimum is the baseline a
	// member should reach and the default target.
	Min                int      `json:"min"`
	Max                int      `json:"max"`
	RecommendedMinimum int      `json:"recommended_minimum"`
	Choices            []Choice `json:"choices"`

	byKey map[string]*Choice
}

// Choice is one answer on a scale. Several choices may share a score: on the
// NCSR scale "Implementation in Progress" and "Risk Formally Accepted" both
// score 5.
type Choice struct {
	Key        string `json:"key"`
	Score      int    `json:"score"`
	Name       string `json:"name"`
	Definition string `json:"definition"`
	// RequiresAcceptance marks a choice that must carry a written risk
	// acceptance naming who accepted it.
	RequiresAcceptance bool `json:"requires_acceptance,omitempty"`
}

// ParseScale decodes and validates a scale.
func ParseScale(data []byte) (*Scale, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Scale
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("scale: %w", err)
	}
	var errs []string
	if !idPattern.MatchString(s.ID) {
		errs = append(errs, fmt.Sprintf("id: %q is not a valid id", s.ID))
	}
	if s.Version < 1 {
		errs = append(errs, "version: must be 1 or more")
	}
	if s.Min < 0 || s.Max <= s.Min {
		errs = append(errs, fmt.Sprintf("min/max: %d..%d is not a range", s.Min, s.Max))
	}
	if s.RecommendedMinimum < s.Min || s.RecommendedMinimum > s.Max {
		errs = append(errs, fmt.Sprintf("recommended_minimum: %d is outside %d..%d", s.RecommendedMinimum, s.Min, s.Max))
	}
	if len(s.Choices) == 0 {
		errs = append(errs, "choices: none")
	}
	s.byKey = map[string]*Choice{}
	for i := range s.Choices {
		c := &s.Choices[i]
		p := fmt.Sprintf("choices[%d]", i)
		if !idPattern.MatchString(c.Key) {
			errs = append(errs, fmt.Sprintf("%s.key: %q is not a valid key", p, c.Key))
		}
		if s.byKey[c.Key] != nil {
			errs = append(errs, fmt.Sprintf("%s.key: duplicate %q", p, c.Key))
		}
		if c.Score < s.Min || c.Score > s.Max {
			errs = append(errs, fmt.Sprintf("%s.score: %d is outside %d..%d", p, c.Score, s.Min, s.Max))
		}
		if strings.TrimSpace(c.Name) == "" || strings.TrimSpace(c.Definition) == "" {
			errs = append(errs, p+": name and definition are required")
		}
		s.byKey[c.Key] = c
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("scale %s: %s", s.ID, strings.Join(errs, "; "))
	}
	return &s, nil
}

// Choice returns the choice with the given key.
func (s *Scale) Choice(key string) (*Choice, bool) {
	c, ok := s.byKey[key]
	return c, ok
}

// ValidTarget reports whether t can be a target level on this scale.
func (s *Scale) ValidTarget(t int) bool { return t >= s.Min && t <= s.Max }

// Level returns the display name of a whole score (the first choice with
// that score), e.g. 5 -> "Implementation in Progress".
func (s *Scale) Level(score int) string {
	for _, c := range s.Choices {
		if c.Score == score {
			return c.Name
		}
	}
	return ""
}
