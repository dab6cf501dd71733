package pooling

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"palisade/frameworks"
)

func TestCostModelFor(t *testing.T) {
	town := Member{ID: 1, Staff: 80, Endpoints: 100}
	village := Member{ID: 2, Staff: 25} // endpoints not entered: estimated as 25
	district := Member{ID: 3, Staff: -4, Endpoints: -1}
	model := CostModel{Fixed: 100000, PerMember: 20000, PerUser: 700, PerEndpoint: 900}
	tests := []struct {
		name    string
		members []Member
		want    int64
	}{
		{"nobody enrolled costs nothing, not the fixed fee", nil, 0},
		{"one member with endpoints", []Member{town}, 100000 + 20000 + 80*700 + 100*900},
		{"endpoints estimated as one per staff member", []Member{village}, 100000 + 20000 + 25*700 + 25*900},
		{"negative counts count as zero", []Member{district}, 100000 + 20000},
		{"the parts add up over members", []Member{town, village, district},
			100000 + 3*20000 + (80+25)*700 + (100+25)*900},
	}
	for _, tt := range tests {
		if got := model.For(tt.members); got != tt.want {
			t.Errorf("%s: For = %d, want %d", tt.name, got, tt.want)
		}
	}
}

// goodService passes CheckService; each case below breaks one thing.
func goodService() Service {
	return Service{
		Key: "mfa-idp", Name: "Identity provider with MFA", Description: "One sign-in with a second step.",
		Provider: "A vendor", ProviderKind: ProviderVendor, Status: StatusProposed, ShareRule: RuleUsers,
		Lifts: []Lift{{"PR.AA-03", 6}, {"PR.AA-01", 5}},
		Cost:  CostModel{Fixed: 1500000, PerUser: 7200}, StandalonePerMember: 900000,
	}
}

func TestCheckService(t *testing.T) {
	cat, scale := frameworks.CSF20(), frameworks.NCSR()
	if errs := CheckService(cat, scale, goodService()); errs != nil {
		t.Fatalf("good service refused: %v", errs)
	}
	tests := []struct {
		name   string
		change func(*Service)
		field  string // the field that must be flagged
		want   string // part of its message
	}{
		{"empty key", func(s *Service) { s.Key = "" }, "key", "short key"},
		{"upper-case key", func(s *Service) { s.Key = "MFA" }, "key", "lowercase"},
		{"key with a space", func(s *Service) { s.Key = "mfa idp" }, "key", "lowercase"},
		{"key too long", func(s *Service) { s.Key = strings.Repeat("a", 41) }, "key", "at most 40"},
		{"empty name", func(s *Service) { s.Name = "  " }, "name", "required"},
		{"name too long", func(s *Service) { s.Name = strings.Repeat("é", 201) }, "name", "201 characters"},
		{"description too long", func(s *Service) { s.Description = strings.Repeat("x", 4001) }, "description", "limit is 4000"},
		{"invalid UTF-8 in the name", func(s *Service) { s.Name = "Bad \xff name" }, "name", "invalid UTF-8"},
		{"replacement character in the provider", func(s *Service) { s.Provider = "Bad \ufffd" }, "provider", "invalid UTF-8"},
		{"bad provider kind", func(s *Service) { s.ProviderKind = "county" }, "provider_kind", "not a kind of provider"},
		{"bad status", func(s *Service) { s.Status = "retired" }, "status", "not a status"},
		{"bad rule", func(s *Service) { s.ShareRule = "wealth" }, "share_rule", "not a way of sharing"},
		{"blend not summing to 100", func(s *Service) {
			s.ShareRule, s.Blend = RuleBlend, map[Rule]int{RuleEqual: 50, RulePopulation: 40}
		}, "blend", "add up to 90"},
		{"blend naming blend", func(s *Service) {
			s.ShareRule, s.Blend = RuleBlend, map[Rule]int{RuleEqual: 50, RuleBlend: 50}
		}, "blend", "cannot contain itself"},
		{"blend with an unknown rule", func(s *Service) {
			s.ShareRule, s.Blend = RuleBlend, map[Rule]int{RuleEqual: 50, "wealth": 50}
		}, "blend", `"wealth" is not`},
		{"empty blend", func(s *Service) { s.ShareRule = RuleBlend }, "blend", "at least one rule"},
		{"negative fixed cost", func(s *Service) { s.Cost.Fixed = -1 }, "cost.fixed", "negative"},
		{"negative per member", func(s *Service) { s.Cost.PerMember = -1 }, "cost.per_member", "negative"},
		{"negative per user", func(s *Service) { s.Cost.PerUser = -1 }, "cost.per_user", "negative"},
		{"negative per endpoint", func(s *Service) { s.Cost.PerEndpoint = -1 }, "cost.per_endpoint", "negative"},
		{"negative stand-alone price", func(s *Service) { s.StandalonePerMember = -1 }, "standalone_per_member", "negative"},
		{"no lifts", func(s *Service) { s.Lifts = nil }, "lifts", "which subcategories"},
		{"unknown subcategory", func(s *Service) { s.Lifts = append(s.Lifts, Lift{"ZZ.XX-99", 5}) },
			"lifts[2].subcategory", "ZZ.XX-99 is not a NIST Cybersecurity Framework 2.0 subcategory"},
		{"level above the scale", func(s *Service) { s.Lifts[0].Level = 8 }, "lifts[0].level", "8 is not a level"},
		{"level 0", func(s *Service) { s.Lifts[1].Level = 0 }, "lifts[1].level", "(1 to 7)"},
		{"duplicate subcategory", func(s *Service) { s.Lifts = append(s.Lifts, Lift{"PR.AA-03", 5}) },
			"lifts[2].subcategory", "already lifted by lifts[0]"},
	}
	for _, tt := range tests {
		s := goodService()
		s.Lifts = slices.Clone(s.Lifts)
		tt.change(&s)
		errs := CheckService(cat, scale, s)
		if !strings.Contains(errs[tt.field], tt.want) {
			t.Errorf("%s: %s = %q, want it to contain %q (all: %v)", tt.name, tt.field, errs[tt.field], tt.want, errs)
		}
		if len(errs) != 1 {
			t.Errorf("%s: %d errors, want only %s: %v", tt.name, len(errs), tt.field, errs)
		}
	}
}

func TestCheckServiceIgnoresBlendUnlessBlended(t *testing.T) {
	s := goodService()
	s.Blend = map[Rule]int{RuleEqual: 10} // left over from a form; not used by RuleUsers
	if errs := CheckService(frameworks.CSF20(), frameworks.NCSR(), s); errs != nil {
		t.Errorf("errors %v", errs)
	}
}

func TestCheckServiceNilCatalogAndScale(t *testing.T) {
	errs := CheckService(nil, nil, goodService())
	if errs["lifts[0].subcategory"] == "" || errs["lifts[0].level"] == "" {
		t.Errorf("nil catalog and scale must refuse every lift, got %v", errs)
	}
}

func TestDefaultServicesAreValid(t *testing.T) {
	cat, scale := frameworks.CSF20(), frameworks.NCSR()
	services := DefaultServices()
	if n := len(services); n < 10 || n > 15 {
		t.Errorf("%d default services, want about 12", n)
	}
	keys := map[string]bool{}
	for _, s := range services {
		if errs := CheckService(cat, scale, s); errs != nil {
			t.Errorf("%s: %v", s.Key, errs)
		}
		if keys[s.Key] {
			t.Errorf("duplicate key %s", s.Key)
		}
		keys[s.Key] = true
		if s.Status != StatusProposed {
			t.Errorf("%s: status %q, want proposed", s.Key, s.Status)
		}
		if s.Cost.For([]Member{{ID: 1, Staff: 50}}) <= 0 || s.StandalonePerMember <= 0 {
			t.Errorf("%s: no price", s.Key)
		}
		if len(s.Description) < 80 {
			t.Errorf("%s: description too short to explain the service", s.Key)
		}
	}
	for _, want := range []string{"vciso", "mdr-soc", "shared-firewall", "mfa-idp", "edr", "vuln-patch",
		"immutable-backup", "awareness-training", "ir-retainer", "tabletop", "policy-templates", "threat-intel"} {
		if !keys[want] {
			t.Errorf("no default service %s", want)
		}
	}

	// The lifts the brief and docs/pooling.md name.
	lifts := func(key string) map[string]int {
		for _, s := range services {
			if s.Key == key {
				m := map[string]int{}
				for _, l := range s.Lifts {
					m[l.SubcategoryID] = l.Level
				}
				return m
			}
		}
		return nil
	}
	for key, want := range map[string]map[string]int{
		"mfa-idp":          {"PR.AA-03": 6, "PR.AA-01": 5, "PR.AA-05": 5},
		"immutable-backup": {"PR.DS-11": 6, "RC.RP-03": 5},
	} {
		if got := lifts(key); !maps.Equal(got, want) {
			t.Errorf("%s lifts %v, want %v", key, got, want)
		}
	}
	// MDR at $8 per endpoint a month.
	if got := lifts("mdr-soc"); got == nil {
		t.Error("no mdr-soc")
	}
	for _, s := range services {
		if s.Key == "mdr-soc" && s.Cost.PerEndpoint != 8*12*100 {
			t.Errorf("mdr-soc per endpoint %d cents a year, want %d", s.Cost.PerEndpoint, 8*12*100)
		}
	}
}

func TestDefaultServicesReturnsACopy(t *testing.T) {
	a := DefaultServices()
	a[0].Lifts[0].Level = 1
	a[0].Name = "changed"
	b := DefaultServices()
	if b[0].Lifts[0].Level == 1 || b[0].Name == "changed" {
		t.Error("DefaultServices shares memory between calls")
	}
}

func TestParseServicesStrict(t *testing.T) {
	cat, scale := frameworks.CSF20(), frameworks.NCSR()
	good := `[{"key":"x","name":"X","provider_kind":"vendor","status":"proposed","share_rule":"equal",
		"lifts":[{"subcategory":"PR.AA-03","level":5}],"cost":{"fixed":1,"per_member":0,"per_user":0,"per_endpoint":0}}]`
	if _, err := ParseServices(cat, scale, []byte(good)); err != nil {
		t.Fatalf("good catalogue refused: %v", err)
	}
	tests := []struct{ name, json, want string }{
		{"unknown field", strings.Replace(good, `"fixed":1`, `"fixed":1,"per_seat":5`, 1), "unknown field"},
		{"invalid service", strings.Replace(good, `"level":5`, `"level":9`, 1), "lifts[0].level"},
		{"duplicate key", "[" + good[1:len(good)-1] + "," + good[1:], "used by another service"},
		{"trailing data", good + "[]", "after the list"},
	}
	for _, tt := range tests {
		_, err := ParseServices(cat, scale, []byte(tt.json))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

// The service catalogue's subcategories must all be answerable questions:
// a lift on an id the catalog does not have would silently do nothing.
func TestDefaultServicesLiftRealQuestions(t *testing.T) {
	cat := frameworks.CSF20()
	for _, s := range DefaultServices() {
		for _, l := range s.Lifts {
			if _, ok := cat.Subcategory(l.SubcategoryID); !ok {
				t.Errorf("%s lifts %s, not in CSF 2.0", s.Key, l.SubcategoryID)
			}
			if l.Level < 4 || l.Level > 6 {
				t.Errorf("%s lifts %s to %d: claims should stay between 4 and 6", s.Key, l.SubcategoryID, l.Level)
			}
		}
	}
}
