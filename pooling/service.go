package pooling

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"palisade/frameworks"
)

// CostModel is what a shared service costs a year, in cents. The parts add
// up: a service can have a fixed platform fee and a price per endpoint.
type CostModel struct {
	Fixed     int64 `json:"fixed"`      // for the whole service, whoever enrols
	PerMember int64 `json:"per_member"` // per enrolled member
	PerUser   int64 `json:"per_user"`   // per staff member of each enrolled member (Member.Staff)
	// PerEndpoint is per device of each enrolled member. A member without
	// an endpoint count (Member.Endpoints <= 0) is estimated at one device
	// per staff member: small governments rarely know the count, and one
	// laptop or desktop per employee is the usual first guess of vendors'
	// quotes.
	PerEndpoint int64 `json:"per_endpoint"`
}

// For is the annual cost of the service for that enrolment set. Nobody
// enrolled means the service is not bought, so it costs nothing, not its
// fixed fee. Negative staff or endpoint counts count as 0.
func (c CostModel) For(members []Member) int64 {
	var users, endpoints int64
	for i := range members {
		users += members[i].users()
		endpoints += members[i].endpoints()
	}
	return c.forCounts(int64(len(members)), users, endpoints)
}

// forCounts is For on totals already summed, so the optimiser can price an
// enrolment set without building it; For and the optimiser must agree to
// the cent.
func (c CostModel) forCounts(members, users, endpoints int64) int64 {
	if members == 0 {
		return 0
	}
	return c.Fixed + c.PerMember*members + c.PerUser*users + c.PerEndpoint*endpoints
}

// Lift is what a service does for a member that enrols: it brings one
// subcategory to Level (a score on the maturity scale, 1..7 on the NCSR
// scale). A member already higher keeps its own level (see Project).
type Lift struct {
	SubcategoryID string `json:"subcategory"`
	Level         int    `json:"level"`
}

// Service is one shared service the consortium may buy or already runs.
type Service struct {
	// Key is a stable slug ([a-z0-9-], 1..40 characters), e.g. "mfa-idp".
	// Plans and enrolments refer to services by key.
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description"` // plain language, for officials
	Provider    string `json:"provider"`
	// ProviderKind is who runs it: ProviderConsortium, ProviderMember (one
	// member runs it for the others), ProviderState or ProviderVendor.
	ProviderKind string    `json:"provider_kind"`
	Lifts        []Lift    `json:"lifts"`
	Cost         CostModel `json:"cost"`
	// StandalonePerMember is what one member would pay a year to buy the
	// service on its own: the economy of scale a share is compared with.
	// 0 means not known.
	StandalonePerMember int64 `json:"standalone_per_member"`
	// Status is StatusProposed or StatusActive.
	Status string `json:"status"`
	// ShareRule is how the cost is split among the members enrolled (see
	// Split); Blend gives the percentages when it is RuleBlend and is
	// ignored otherwise.
	ShareRule Rule         `json:"share_rule"`
	Blend     map[Rule]int `json:"blend,omitempty"`
}

// Service statuses.
const (
	StatusProposed = "proposed"
	StatusActive   = "active"
)

// Provider kinds.
const (
	ProviderConsortium = "consortium"
	ProviderMember     = "member"
	ProviderState      = "state"
	ProviderVendor     = "vendor"
)

// Limits on a service's text, stated in the form's messages.
const (
	MaxServiceName        = 200
	MaxServiceDescription = 4000
	MaxServiceProvider    = 200
	MaxServiceKey         = 40
)

var keyPattern = regexp.MustCompile(`^[a-z0-9-]{1,40}$`)

// FieldErrors maps a form field name to a plain-language message, so a
// form can be shown again with each message next to its field. Nested
// fields are named like "lifts[2].subcategory" and "cost.per_user".
type FieldErrors map[string]string

// CheckService validates a service as a coordinator entered it. It returns
// nil when the service is fine, otherwise one message per bad field.
func CheckService(cat *frameworks.Catalog, scale *frameworks.Scale, s Service) FieldErrors {
	errs := FieldErrors{}
	text := func(field, label, v string, max int, required bool) {
		switch {
		case !utf8.ValidString(v) || strings.ContainsRune(v, utf8.RuneError):
			// JSON decoding turns invalid UTF-8 into U+FFFD, so that is
			// what bad input looks like once it has been through a form.
			errs[field] = label + " contains characters that are not valid text (invalid UTF-8). Please retype it."
		case required && strings.TrimSpace(v) == "":
			errs[field] = label + " is required."
		case utf8.RuneCountInString(v) > max:
			errs[field] = fmt.Sprintf("%s is %d characters long; the limit is %d.", label, utf8.RuneCountInString(v), max)
		}
	}
	switch {
	case s.Key == "":
		errs["key"] = "Give the service a short key, for example mfa-idp."
	case !keyPattern.MatchString(s.Key):
		errs["key"] = fmt.Sprintf("The key %q may use only lowercase letters, digits and hyphens, at most %d characters.", clip(s.Key), MaxServiceKey)
	}
	text("name", "The name", s.Name, MaxServiceName, true)
	text("description", "The description", s.Description, MaxServiceDescription, false)
	text("provider", "The provider", s.Provider, MaxServiceProvider, false)

	switch s.ProviderKind {
	case ProviderConsortium, ProviderMember, ProviderState, ProviderVendor:
	default:
		errs["provider_kind"] = fmt.Sprintf("%q is not a kind of provider; choose consortium, member, state or vendor.", clip(s.ProviderKind))
	}
	switch s.Status {
	case StatusProposed, StatusActive:
	default:
		errs["status"] = fmt.Sprintf("%q is not a status; choose proposed or active.", clip(s.Status))
	}
	if !s.ShareRule.valid() {
		errs["share_rule"] = fmt.Sprintf("%q is not a way of sharing costs; choose equal, population, budget, users, endpoints or blend.", clip(string(s.ShareRule)))
	} else if s.ShareRule == RuleBlend {
		if err := checkBlend(s.Blend); err != nil {
			errs["blend"] = err.Error()
		}
	}

	money := func(field, label string, v int64) {
		if v < 0 {
			errs[field] = label + " cannot be negative."
		}
	}
	money("cost.fixed", "The fixed cost", s.Cost.Fixed)
	money("cost.per_member", "The cost per member", s.Cost.PerMember)
	money("cost.per_user", "The cost per user", s.Cost.PerUser)
	money("cost.per_endpoint", "The cost per endpoint", s.Cost.PerEndpoint)
	money("standalone_per_member", "The stand-alone price", s.StandalonePerMember)

	if len(s.Lifts) == 0 {
		errs["lifts"] = "Say which subcategories the service improves, and to which level."
	}
	seen := map[string]int{}
	for i, l := range s.Lifts {
		field := fmt.Sprintf("lifts[%d]", i)
		known := false
		if cat != nil {
			_, known = cat.Subcategory(l.SubcategoryID)
		}
		switch {
		case !known:
			name := "the catalog"
			if cat != nil {
				name = cat.Name + " " + cat.Version
			}
			errs[field+".subcategory"] = fmt.Sprintf("%s is not a %s subcategory.", clip(l.SubcategoryID), name)
		case seen[l.SubcategoryID] > 0:
			errs[field+".subcategory"] = fmt.Sprintf("%s is already lifted by lifts[%d]; list each subcategory once.", l.SubcategoryID, seen[l.SubcategoryID]-1)
		default:
			seen[l.SubcategoryID] = i + 1
		}
		if !validLevel(scale, l.Level) {
			if scale == nil {
				errs[field+".level"] = fmt.Sprintf("%d is not a level of the scale.", l.Level)
			} else {
				errs[field+".level"] = fmt.Sprintf("%d is not a level of the %s (%d to %d).", l.Level, scale.Name, scale.Min, scale.Max)
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// validLevel reports whether level is the score of some choice of scale:
// a service delivers a level a member could have chosen, and a score of 0
// would read as "unanswered".
func validLevel(scale *frameworks.Scale, level int) bool {
	if scale == nil || level < 1 {
		return false
	}
	return slices.ContainsFunc(scale.Choices, func(c frameworks.Choice) bool { return c.Score == level })
}

// clip shortens a mistyped or hostile value before it is echoed in a message.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "\ufffd")
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}

//go:embed data/*.json
var data embed.FS

// ParseServices decodes a service catalogue (a JSON array of services, as
// in data/services.json) strictly: unknown fields are errors, so a typo in
// a field name cannot silently drop a cost. Every service must pass
// CheckService and keys must be unique.
func ParseServices(cat *frameworks.Catalog, scale *frameworks.Scale, b []byte) ([]Service, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var out []Service
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("services: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("services: unexpected data after the list")
	}
	var bad []string
	seen := map[string]bool{}
	for i, s := range out {
		if errs := CheckService(cat, scale, s); errs != nil {
			for _, f := range slices.Sorted(maps.Keys(errs)) {
				bad = append(bad, fmt.Sprintf("[%d] %s: %s", i, f, errs[f]))
			}
		}
		if seen[s.Key] {
			bad = append(bad, fmt.Sprintf("[%d] key: %q is used by another service", i, s.Key))
		}
		seen[s.Key] = true
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("services: %s", strings.Join(bad, "; "))
	}
	return out, nil
}

var defaultServices = sync.OnceValues(func() ([]Service, error) {
	b, err := data.ReadFile("data/services.json")
	if err != nil {
		return nil, fmt.Errorf("read embedded services: %w", err)
	}
	s, err := ParseServices(frameworks.CSF20(), frameworks.NCSR(), b)
	if err != nil {
		return nil, fmt.Errorf("embedded services: %w", err)
	}
	return s, nil
})

// DefaultServices is the catalogue of shared services Palisade ships
// (data/services.json), against CSF 2.0 and the NCSR scale. The embedded
// data is checked by tests, so a failure here is a build defect and panics.
// Each call returns a fresh copy the caller may change.
func DefaultServices() []Service {
	s, err := defaultServices()
	if err != nil {
		panic(err)
	}
	out := make([]Service, len(s))
	for i, v := range s {
		v.Lifts = slices.Clone(v.Lifts)
		v.Blend = maps.Clone(v.Blend)
		out[i] = v
	}
	return out
}
