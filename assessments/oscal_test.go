package assessments

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"palisade/frameworks"
)

// ---- the structure OSCAL 1.1.3 requires, from testdata/oscal ----

// arFacts are the required fields, allowed fields and datatypes of the
// assessment-results objects Palisade writes, derived from the OSCAL 1.1.3
// JSON schema (see "about" in the file).
type arFacts struct {
	Datatypes map[string]string `json:"datatypes"`
	Root      string            `json:"root"`
	Objects   map[string]struct {
		Required []string          `json:"required"`
		Fields   map[string]string `json:"fields"`
	} `json:"objects"`
}

func loadFacts(t *testing.T) (*arFacts, map[string]*regexp.Regexp) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "oscal", "assessment-results-1.1.3.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f arFacts
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	res := map[string]*regexp.Regexp{}
	for name, p := range f.Datatypes {
		re, err := regexp.Compile(p)
		if err != nil {
			t.Fatalf("datatype %s: %v", name, err)
		}
		res[name] = re
	}
	return &f, res
}

// schemaCheck walks a decoded JSON document as the facts describe it and
// returns every violation, by JSON path: a missing required property, a
// property the object does not allow, an empty array, a value of the wrong
// JSON type, a string that does not match its datatype's pattern, a value
// outside its allowed values.
func schemaCheck(t *testing.T, doc any) []string {
	t.Helper()
	f, res := loadFacts(t)
	var errs []string
	bad := func(path, format string, args ...any) { errs = append(errs, path+": "+fmt.Sprintf(format, args...)) }
	var field func(path, kind string, v any)
	object := func(path, name string, v any) {
		obj, ok := f.Objects[name]
		if !ok {
			t.Fatalf("facts: unknown object %q at %s", name, path)
		}
		m, ok := v.(map[string]any)
		if !ok {
			bad(path, "%s must be an object, is %T", name, v)
			return
		}
		for _, r := range obj.Required {
			if _, ok := m[r]; !ok {
				bad(path, "required property %q missing (%s)", r, name)
			}
		}
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range m {
				if !yield(k) {
					return
				}
			}
		})
		for _, k := range keys {
			kind, ok := obj.Fields[k]
			if !ok {
				bad(path, "property %q is not allowed in %s", k, name)
				continue
			}
			field(path+"."+k, kind, m[k])
		}
	}
	field = func(path, kind string, v any) {
		if kind == "any" {
			return
		}
		if elem, ok := strings.CutPrefix(kind, "[]"); ok {
			arr, ok := v.([]any)
			if !ok {
				bad(path, "must be an array, is %T", v)
				return
			}
			if len(arr) == 0 {
				bad(path, "array must have at least one item")
			}
			for i, x := range arr {
				field(fmt.Sprintf("%s[%d]", path, i), elem, x)
			}
			return
		}
		if _, isObj := f.Objects[kind]; isObj {
			object(path, kind, v)
			return
		}
		s, ok := v.(string)
		if !ok {
			bad(path, "must be a string, is %T", v)
			return
		}
		switch {
		case kind == "text":
		case kind == "uri-reference":
			if _, err := url.Parse(s); err != nil || s == "" || !uriChars.MatchString(s) {
				bad(path, "%q is not a URI reference", s)
			}
		case strings.HasPrefix(kind, "enum:"):
			if !slices.Contains(strings.Split(kind[5:], "|"), s) {
				bad(path, "%q is not one of %s", s, kind[5:])
			}
		case strings.HasPrefix(kind, "open:"):
			dt, values, _ := strings.Cut(kind[5:], ":")
			field(path, dt, v)
			if !slices.Contains(strings.Split(values, "|"), s) {
				bad(path, "%q is not one of the values OSCAL defines (%s)", s, values)
			}
		default:
			re, ok := res[kind]
			if !ok {
				t.Fatalf("facts: unknown field kind %q at %s", kind, path)
			}
			if !re.MatchString(s) {
				bad(path, "%q does not match the %s datatype", s, kind)
			}
		}
	}
	object("$", f.Root, doc)
	return errs
}

// uriChars are the characters RFC 3986 allows in a URI reference.
var uriChars = regexp.MustCompile(`^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$`)

// ---- a member's answers ----

var (
	oscalOpened = time.Date(2025, 9, 1, 8, 0, 0, 0, time.UTC)
	oscalNow    = time.Date(2025, 10, 15, 16, 30, 5, 123, time.FixedZone("EDT", -4*3600))
)

const hostileName = "Town of \"Mill\\brook\" <script>alert(1)</script>\n\t\u2028[x](javascript:alert(1)) & \x00 *end*  \xff "

// oscalFixture: GV.OC-01 tested (above target, web evidence), GV.OC-02
// informal (below, text evidence), GV.OC-03 risk accepted at the target,
// GV.OC-04 not applicable, GV.OC-05 carried over at a lowered target,
// PR.AA-01 optimized with a target of 7, an id outside the catalog; every
// other subcategory unanswered.
func oscalFixture() OSCALInput {
	at := oscalOpened.Add(48 * time.Hour)
	return OSCALInput{
		Catalog: frameworks.CSF20(), Scale: frameworks.NCSR(),
		Consortium:    OSCALOrganisation{ID: 1, Name: "Lakes Region Consortium"},
		Member:        OSCALMember{ID: 4, Name: "Town of Millbrook", Slug: "town-of-millbrook", Kind: "town"},
		Cycle:         OSCALCycle{ID: 2, Name: "FY2026", OpenedAt: oscalOpened},
		Status:        "submitted",
		SubmittedAt:   oscalOpened.Add(30 * 24 * time.Hour),
		DefaultTarget: 5,
		LastModified:  oscalNow,
		Answers: []OSCALAnswer{
			{SubcategoryID: "GV.OC-01", Choice: "tested", Score: 6, Evidence: "https://intranet.millbrook.example/policies/mission.pdf",
				Notes: "Reviewed by the council in <b>May</b>.", AnsweredAt: at},
			{SubcategoryID: "GV.OC-02", Choice: "informal", Score: 2, Evidence: "Binder on the clerk's shelf", AnsweredAt: at},
			{SubcategoryID: "GV.OC-03", Choice: "risk-accepted", Score: 5, Target: 5, AcceptedBy: "Jane Roe, Town Manager",
				Acceptance: "No legal register until FY2027.", AnsweredAt: at},
			{SubcategoryID: "GV.OC-04", NotApplicable: true, Choice: "tested", Justification: "We provide no services to others.", AnsweredAt: at},
			{SubcategoryID: "GV.OC-05", Choice: "documented-policy", Score: 3, Target: 3, CarriedOver: true, AnsweredAt: oscalOpened.Add(-200 * 24 * time.Hour)},
			{SubcategoryID: "PR.AA-01", Choice: "optimized", Score: 7, Target: 7, Evidence: "javascript:alert(1)", AnsweredAt: at},
			{SubcategoryID: "XX.YY-01", Choice: "tested", Score: 6, AnsweredAt: at},
		},
	}
}

func build(t *testing.T, in OSCALInput) (OSCALDocument, []byte, map[string]any) {
	t.Helper()
	doc, err := BuildOSCAL(in)
	if err != nil {
		t.Fatal(err)
	}
	data, err := doc.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	if err := json.Unmarshal(data, &generic); err != nil {
		t.Fatalf("the export is not JSON: %v", err)
	}
	return doc, data, generic
}

// ---- tests ----

func TestOSCALMatchesSchemaFacts(t *testing.T) {
	for name, in := range map[string]OSCALInput{
		"answered": oscalFixture(),
		"not started": func() OSCALInput {
			in := oscalFixture()
			in.Answers, in.Status, in.SubmittedAt = nil, "", time.Time{}
			return in
		}(),
		"hostile names": func() OSCALInput {
			in := oscalFixture()
			in.Member.Name, in.Member.Slug, in.Member.Kind = hostileName, " \n ", "\t"
			in.Consortium.Name, in.Cycle.Name = hostileName, "\n"
			in.Answers[0].Notes, in.Answers[1].Evidence = hostileName, hostileName
			in.Answers[0].Evidence = "https://intranet.example/a file [draft].pdf?x=<1>"
			return in
		}(),
		"closed cycle, draft": func() OSCALInput {
			in := oscalFixture()
			in.Status, in.SubmittedAt, in.Cycle.ClosedAt = "draft", time.Time{}, oscalOpened.Add(90*24*time.Hour)
			return in
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			_, _, generic := build(t, in)
			for _, e := range schemaCheck(t, generic) {
				t.Error(e)
			}
			for _, e := range referenceCheck(generic) {
				t.Error(e)
			}
		})
	}
}

// The checker finds what the schema forbids: each mutation of a valid
// document must be reported at its path.
func TestOSCALSchemaCheckFails(t *testing.T) {
	mutations := []struct {
		name, path string
		change     func(ar map[string]any)
	}{
		{"missing uuid", "$.assessment-results.results[0]", func(ar map[string]any) { delete(result0(ar), "uuid") }},
		{"state outside the enum", "target.status.state", func(ar map[string]any) {
			first(result0(ar), "findings")["target"].(map[string]any)["status"].(map[string]any)["state"] = "partially-satisfied"
		}},
		{"datetime without a time zone", "metadata.last-modified", func(ar map[string]any) {
			ar["metadata"].(map[string]any)["last-modified"] = "2025-10-15T16:30:05"
		}},
		{"version 1 uuid", "observations[0].uuid", func(ar map[string]any) {
			first(result0(ar), "observations")["uuid"] = "6ba7b811-9dad-11d1-80b4-00c04fd430c8"
		}},
		{"unknown property", "property \"score\" is not allowed", func(ar map[string]any) { first(result0(ar), "findings")["score"] = 6 }},
		{"empty array", "observations: array must have at least one item", func(ar map[string]any) { result0(ar)["observations"] = []any{} }},
		{"method OSCAL does not define", "methods[0]", func(ar map[string]any) { first(result0(ar), "observations")["methods"] = []any{"GUESS"} }},
		{"name with a line break", "parties[0].name", func(ar map[string]any) {
			ar["metadata"].(map[string]any)["parties"].([]any)[0].(map[string]any)["name"] = "Town\nof"
		}},
		{"prop name that is not a token", "props[0].name", func(ar map[string]any) {
			result0(ar)["props"].([]any)[0].(map[string]any)["name"] = "1 score"
		}},
		{"target type outside the enum", "target.type", func(ar map[string]any) {
			first(result0(ar), "findings")["target"].(map[string]any)["type"] = "control-id"
		}},
	}
	for _, m := range mutations {
		t.Run(m.name, func(t *testing.T) {
			_, _, generic := build(t, oscalFixture())
			m.change(generic["assessment-results"].(map[string]any))
			errs := schemaCheck(t, generic)
			if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, m.path) }) {
				t.Errorf("no error at %q; got %q", m.path, errs)
			}
		})
	}
}

func result0(ar map[string]any) map[string]any {
	return ar["results"].([]any)[0].(map[string]any)
}

func first(m map[string]any, key string) map[string]any { return m[key].([]any)[0].(map[string]any) }

// referenceCheck applies the model's rules that the JSON schema cannot
// state: uuids are unique, role and party references resolve, findings
// point at observations of the result, "#uuid" hrefs name a back-matter
// resource.
func referenceCheck(doc map[string]any) []string {
	var errs []string
	ar := doc["assessment-results"].(map[string]any)
	uuids := map[string]string{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if u, ok := x["uuid"].(string); ok {
				if prev, dup := uuids[u]; dup {
					errs = append(errs, fmt.Sprintf("uuid %s at %s and %s", u, prev, path))
				}
				uuids[u] = path
			}
			for k, y := range x {
				walk(path+"."+k, y)
			}
		case []any:
			for i, y := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), y)
			}
		}
	}
	walk("$", ar)
	md := ar["metadata"].(map[string]any)
	roles, parties := map[string]bool{}, map[string]bool{}
	for _, r := range md["roles"].([]any) {
		roles[r.(map[string]any)["id"].(string)] = true
	}
	for _, p := range md["parties"].([]any) {
		parties[p.(map[string]any)["uuid"].(string)] = true
	}
	for _, rp := range md["responsible-parties"].([]any) {
		rp := rp.(map[string]any)
		if !roles[rp["role-id"].(string)] {
			errs = append(errs, "responsible party for undefined role "+rp["role-id"].(string))
		}
		for _, u := range rp["party-uuids"].([]any) {
			if !parties[u.(string)] {
				errs = append(errs, "responsible party names unknown party "+u.(string))
			}
		}
	}
	resources := map[string]bool{}
	if bm, ok := ar["back-matter"].(map[string]any); ok {
		for _, r := range bm["resources"].([]any) {
			resources[r.(map[string]any)["uuid"].(string)] = true
		}
	}
	hrefs := []string{ar["import-ap"].(map[string]any)["href"].(string)}
	for _, r := range ar["results"].([]any) {
		r := r.(map[string]any)
		obs := map[string]bool{}
		list, _ := r["observations"].([]any)
		for _, o := range list {
			o := o.(map[string]any)
			obs[o["uuid"].(string)] = true
			for _, s := range o["subjects"].([]any) {
				if u := s.(map[string]any)["subject-uuid"].(string); !parties[u] {
					errs = append(errs, "observation subject is not a party: "+u)
				}
			}
		}
		findings, _ := r["findings"].([]any)
		for _, f := range findings {
			for _, ro := range f.(map[string]any)["related-observations"].([]any) {
				if u := ro.(map[string]any)["observation-uuid"].(string); !obs[u] {
					errs = append(errs, "finding refers to unknown observation "+u)
				}
			}
		}
		for _, cs := range r["reviewed-controls"].(map[string]any)["control-selections"].([]any) {
			links, _ := cs.(map[string]any)["links"].([]any)
			for _, l := range links {
				hrefs = append(hrefs, l.(map[string]any)["href"].(string))
			}
		}
	}
	for _, h := range hrefs {
		if id, ok := strings.CutPrefix(h, "#"); ok && !resources[id] {
			errs = append(errs, "href "+h+" names no back-matter resource")
		}
	}
	for u, path := range uuids {
		if u[14] != '5' {
			errs = append(errs, fmt.Sprintf("uuid %s at %s is not version 5", u, path))
		}
	}
	return errs
}

func TestOSCALContent(t *testing.T) {
	in := oscalFixture()
	doc, _, _ := build(t, in)
	ar := doc.AssessmentResults
	if ar.Metadata.OSCALVersion != "1.1.3" || ar.Metadata.LastModified != "2025-10-15T20:30:05Z" {
		t.Errorf("metadata %+v", ar.Metadata)
	}
	if !strings.Contains(ar.Metadata.Title, "Town of Millbrook") || !strings.Contains(ar.Metadata.Title, "FY2026") {
		t.Errorf("title %q does not name the member and the cycle", ar.Metadata.Title)
	}
	if len(ar.Results) != 1 {
		t.Fatalf("%d results; want 1", len(ar.Results))
	}
	r := ar.Results[0]
	if r.Start != "2025-09-01T08:00:00Z" || r.End != "2025-10-01T08:00:00Z" {
		t.Errorf("result runs %s to %s; want the cycle start to the submission", r.Start, r.End)
	}

	// One finding per answered subcategory, in catalog order, with the
	// state its score and target give.
	want := map[string]string{"GV.OC-01": OSCALSatisfied, "GV.OC-02": OSCALNotSatisfied, "GV.OC-03": OSCALSatisfied,
		"GV.OC-05": OSCALSatisfied, "PR.AA-01": OSCALSatisfied}
	got := map[string]string{}
	var order []string
	for _, f := range r.Findings {
		id, ok := strings.CutSuffix(f.Target.TargetID, "_statement")
		if !ok || f.Target.Type != "statement-id" {
			t.Errorf("finding %s targets %s %q; want the statement id of a subcategory", f.Title, f.Target.Type, f.Target.TargetID)
		}
		if _, ok := in.Catalog.Subcategory(id); !ok {
			t.Errorf("finding target %q is not in the catalog", f.Target.TargetID)
		}
		got[id] = f.Target.Status.State
		order = append(order, id)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("finding states %v; want %v", got, want)
	}
	if !slices.IsSortedFunc(order, func(a, b string) int { return catalogPos(in.Catalog, a) - catalogPos(in.Catalog, b) }) {
		t.Errorf("findings not in catalog order: %v", order)
	}
	f3 := findingOf(t, r, "GV.OC-03")
	if f3.Target.Status.Reason != "other" || !hasProp(f3.Props, "risk-accepted", "true") {
		t.Errorf("risk-accepted finding %+v: want reason other and risk-accepted=true", f3)
	}
	f2 := findingOf(t, r, "GV.OC-02")
	if f2.Target.Status.Reason != "fail" || !hasProp(f2.Props, "ncsr-score", "2") || !hasProp(f2.Props, "target", "5") {
		t.Errorf("GV.OC-02 finding %+v", f2)
	}

	// Observations: answered and N/A ones; N/A has no finding.
	obs := map[string]OSCALObservation{}
	for _, o := range r.Observations {
		obs[o.Title] = o
	}
	if len(obs) != 6 {
		t.Errorf("%d observations; want 6 (5 answered, 1 N/A)", len(obs))
	}
	na, ok := obs["GV.OC-04"]
	if _, hasFinding := got["GV.OC-04"]; !ok || hasFinding || !hasProp(na.Props, "not-applicable", "true") ||
		!strings.Contains(na.Description, "We provide no services to others.") {
		t.Errorf("N/A GV.OC-04: observation %+v, finding %v", na, hasFinding)
	}
	o1 := obs["GV.OC-01"]
	if o1.Methods[0] != "EXAMINE" || len(o1.RelevantEvidence) != 1 || o1.RelevantEvidence[0].Href != "https://intranet.millbrook.example/policies/mission.pdf" {
		t.Errorf("GV.OC-01 evidence %+v, methods %v", o1.RelevantEvidence, o1.Methods)
	}
	if !strings.Contains(o1.Description, "Tested and Verified") || !strings.Contains(o1.Description, "Score 6, target 5") {
		t.Errorf("GV.OC-01 description %q does not give the level name and score", o1.Description)
	}
	if !strings.Contains(o1.Remarks, `\<b\>May\</b\>`) {
		t.Errorf("notes %q are not in the remarks, escaped", o1.Remarks)
	}
	if e := obs["GV.OC-02"].RelevantEvidence; len(e) != 1 || e[0].Href != "" || !strings.Contains(e[0].Description, "Binder") {
		t.Errorf("text evidence %+v: want a description without href", e)
	}
	if e := obs["PR.AA-01"].RelevantEvidence; len(e) != 1 || e[0].Href != "" {
		t.Errorf("javascript: evidence became a link: %+v", e)
	}
	if o := obs["GV.OC-05"]; !slices.Contains(o.Types, "historic") || o.Collected != "2025-02-13T08:00:00Z" {
		t.Errorf("carried-over GV.OC-05: types %v, collected %s", o.Types, o.Collected)
	}
	if o := obs["GV.OC-03"]; !strings.Contains(o.Remarks, "Jane Roe") {
		t.Errorf("risk acceptance not in the remarks: %q", o.Remarks)
	}

	// Reviewed controls: answered and N/A; unanswered listed as not assessed.
	var reviewed []string
	for _, c := range r.ReviewedControls.ControlSelections[0].IncludeControls {
		reviewed = append(reviewed, c.ControlID)
	}
	if fmt.Sprint(reviewed) != "[GV.OC-01 GV.OC-02 GV.OC-03 GV.OC-04 GV.OC-05 PR.AA-01]" {
		t.Errorf("reviewed controls %v", reviewed)
	}
	_, _, total := in.Catalog.Counts()
	notAssessed := 0
	for _, p := range r.Props {
		if p.Name == "not-assessed" {
			notAssessed++
			if _, ok := in.Catalog.Subcategory(p.Value); !ok || slices.Contains(reviewed, p.Value) {
				t.Errorf("not-assessed %q", p.Value)
			}
		}
	}
	if notAssessed != total-6 || !hasProp(r.Props, "not-assessed-count", fmt.Sprint(total-6)) ||
		!strings.Contains(r.Description, fmt.Sprintf("Not assessed (%d): GV.RM-01", total-6)) {
		t.Errorf("%d not-assessed props of %d subcategories; description %q", notAssessed, total, r.Description)
	}
	for _, p := range append(slices.Clone(r.Props), r.Findings[0].Props...) {
		if p.NS != OSCALNamespace {
			t.Errorf("prop %s has ns %q", p.Name, p.NS)
		}
	}
}

func catalogPos(cat *frameworks.Catalog, id string) int {
	return slices.IndexFunc(cat.Subcategories(), func(s *frameworks.Subcategory) bool { return s.ID == id })
}

func findingOf(t *testing.T, r OSCALResult, id string) OSCALFinding {
	t.Helper()
	for _, f := range r.Findings {
		if f.Target.TargetID == id+"_statement" {
			return f
		}
	}
	t.Fatalf("no finding for %s", id)
	return OSCALFinding{}
}

func hasProp(props []OSCALProperty, name, value string) bool {
	return slices.ContainsFunc(props, func(p OSCALProperty) bool { return p.Name == name && p.Value == value })
}

// The same data gives the same bytes; another export time changes
// last-modified only.
func TestOSCALDeterministic(t *testing.T) {
	_, a, _ := build(t, oscalFixture())
	in := oscalFixture()
	slices.Reverse(in.Answers[:6]) // answer order does not matter
	_, b, _ := build(t, in)
	if !bytes.Equal(a, b) {
		t.Fatal("two exports of the same data differ")
	}
	in.LastModified = in.LastModified.Add(time.Hour)
	_, c, _ := build(t, in)
	la, lc := strings.Split(string(a), "\n"), strings.Split(string(c), "\n")
	if len(la) != len(lc) {
		t.Fatalf("a later export has %d lines, the first %d", len(lc), len(la))
	}
	var diff []string
	for i := range la {
		if la[i] != lc[i] {
			diff = append(diff, strings.TrimSpace(lc[i]))
		}
	}
	if len(diff) != 1 || !strings.HasPrefix(diff[0], `"last-modified": "2025-10-15T21:30:05Z"`) {
		t.Errorf("a later export differs in %q; want last-modified only", diff)
	}
}

// Changing one answer changes that finding's state, and nothing else but
// the document version.
func TestOSCALOneAnswerChanges(t *testing.T) {
	before, _, _ := build(t, oscalFixture())
	in := oscalFixture()
	in.Answers[1].Choice, in.Answers[1].Score = "tested", 6 // GV.OC-02, was informal
	after, _, _ := build(t, in)
	fb, fa := before.AssessmentResults.Results[0].Findings, after.AssessmentResults.Results[0].Findings
	if len(fb) != len(fa) {
		t.Fatalf("%d findings, then %d", len(fb), len(fa))
	}
	var changed []string
	for i := range fb {
		if fb[i].UUID != fa[i].UUID {
			t.Errorf("finding %s changed its uuid", fb[i].Title)
		}
		if fb[i].Target.Status.State != fa[i].Target.Status.State {
			changed = append(changed, fmt.Sprintf("%s %s->%s", fb[i].Title, fb[i].Target.Status.State, fa[i].Target.Status.State))
		}
	}
	if fmt.Sprint(changed) != "[GV.OC-02 not-satisfied->satisfied]" {
		t.Errorf("changed states %v; want GV.OC-02 only", changed)
	}
	if before.AssessmentResults.UUID != after.AssessmentResults.UUID {
		t.Error("the document uuid changed with an answer")
	}
	if before.AssessmentResults.Metadata.Version == after.AssessmentResults.Metadata.Version {
		t.Error("the document version did not change with an answer")
	}
}

// Hostile names and texts come out as valid JSON and valid OSCAL strings,
// and cannot turn into markup in a tool that renders OSCAL's Markdown.
func TestOSCALHostileText(t *testing.T) {
	in := oscalFixture()
	in.Member.Name, in.Answers[0].Notes = hostileName, hostileName
	doc, data, _ := build(t, in)
	var back OSCALDocument
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	md := back.AssessmentResults.Metadata
	name := md.Parties[0].Name
	if strings.ContainsAny(name, "\n\t\x00\u2028") || strings.TrimSpace(name) != name || !strings.Contains(name, `"Mill\brook" <script>`) {
		t.Errorf("party name %q", name)
	}
	for _, s := range []string{md.Title, back.AssessmentResults.Results[0].Observations[0].Remarks} {
		if strings.Contains(s, "<script>") || unescapedLink.MatchString(s) || !strings.Contains(s, `\<script\>`) {
			t.Errorf("markup text %q is not escaped", s)
		}
	}
	if strings.Contains(string(data), "<script>") {
		t.Error("raw <script> in the JSON bytes")
	}
	if md.Title != doc.AssessmentResults.Metadata.Title {
		t.Error("title does not survive a JSON round trip")
	}
}

// unescapedLink is "](" not preceded by a backslash: a Markdown link.
var unescapedLink = regexp.MustCompile(`(^|[^\\])\]\(`)

func TestOSCALNothingAnswered(t *testing.T) {
	in := oscalFixture()
	in.Answers, in.Status, in.SubmittedAt = nil, "", time.Time{}
	doc, data, _ := build(t, in)
	r := doc.AssessmentResults.Results[0]
	if len(r.Findings) != 0 || len(r.Observations) != 0 || r.End != "" || len(r.ReviewedControls.ControlSelections[0].IncludeControls) != 0 {
		t.Errorf("an untouched assessment has findings, observations, an end or controls: %+v", r)
	}
	if bytes.Contains(data, []byte(`"findings"`)) || bytes.Contains(data, []byte(`"include-controls"`)) {
		t.Error("empty arrays are written (OSCAL arrays need at least one item)")
	}
	if !hasProp(r.Props, "assessment-status", "not-started") {
		t.Errorf("props %v", r.Props)
	}
}

func TestOSCALRefusesBadInput(t *testing.T) {
	for name, change := range map[string]func(*OSCALInput){
		"no catalog":       func(in *OSCALInput) { in.Catalog = nil },
		"no scale":         func(in *OSCALInput) { in.Scale = nil },
		"no cycle start":   func(in *OSCALInput) { in.Cycle.OpenedAt = time.Time{} },
		"no last-modified": func(in *OSCALInput) { in.LastModified = time.Time{} },
		"year 3000":        func(in *OSCALInput) { in.LastModified = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC) },
	} {
		in := oscalFixture()
		change(&in)
		if _, err := BuildOSCAL(in); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestUUIDv5(t *testing.T) {
	// RFC 9562, Appendix A.4: namespace DNS, name "www.example.com".
	dns := [16]byte{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	if got := formatUUID(uuidV5(dns, "www.example.com")); got != "2ed6657d-e927-568b-95e1-2665a8aea6a2" {
		t.Errorf("uuidV5 = %s", got)
	}
	_, res := loadFacts(t)
	doc, _, _ := build(t, oscalFixture())
	var all []string
	all = append(all, doc.AssessmentResults.UUID, doc.AssessmentResults.Results[0].UUID)
	for _, o := range doc.AssessmentResults.Results[0].Observations {
		all = append(all, o.UUID)
	}
	sort.Strings(all)
	for _, u := range all {
		if !res["uuid"].MatchString(u) || u[14] != '5' || !strings.ContainsRune("89ab", rune(u[19])) {
			t.Errorf("%s is not a version 5, variant 10 uuid", u)
		}
	}
}
