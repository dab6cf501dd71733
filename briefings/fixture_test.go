package briefings

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"palisade/assessments"
	"palisade/frameworks"
)

// A small consortium with hand-built answers, scored with the real
// assessments functions, so the tests check the briefings against the same
// numbers the pages show.

const (
	testConsortium = "Cascade Valley Cyber Consortium"
	testCycle      = "2025–26"
	testPrevCycle  = "2024–25"
	peña           = "Peña Valley Water District"
	longName       = "The Consolidated Regional Emergency Communications and Public Safety Answering Point Authority of the Greater Northern Lakes, Rivers and Valleys Intergovernmental Cooperative District"
)

var testGenerated = time.Date(2026, time.March, 14, 9, 30, 0, 0, time.UTC)

type testMember struct {
	name  string
	level float64  // typical level
	weak  []string // id prefixes held at level weakLevel
	weakL int
	// partial answers only some questions; none answers nothing.
	partial, none bool
	status        string
}

var testMembers = []testMember{
	{name: peña, level: 4.6, weak: []string{"PR.AA-03", "PR.DS-11"}, weakL: 1, status: "submitted"},
	{name: "Møller Township", level: 5.1, weak: []string{"DE.CM"}, weakL: 3, status: "reviewed"},
	{name: "Ville de Saint-Étienne-du-Lac", level: 4.8, status: "submitted"},
	{name: "Cascade County", level: 5.6, status: "reviewed"},
	{name: "City of Riverton", level: 5.0, weak: []string{"PR.PS-02"}, weakL: 3, status: "submitted"},
	{name: "Town of Millbrook", level: 3.0, weak: []string{"PR.AA", "RC.RP"}, weakL: 2, status: "submitted"},
	{name: "Kettle River Tribal Nation", level: 3.9, status: "draft"},
	{name: "North Valley Fire District", level: 3.8, weak: []string{"RS.MA"}, weakL: 2, status: "submitted"},
	{name: longName, level: 4.5, status: "submitted"},
	{name: "Harbor Port District", level: 4.1, status: "draft"},
	{name: "Village of Pine Hollow", level: 2.6, weak: []string{"PR.AA-03"}, weakL: 2, partial: true, status: "draft"},
	{name: "Eastgate Unified School District", none: true, status: "none"},
}

// answersFor builds one member's answers for a cycle (0 = current, 1 =
// previous) from fixed rules, no randomness.
func answersFor(cat *frameworks.Catalog, mi int, m testMember, cycle int) []assessments.Answer {
	if m.none {
		return nil
	}
	var out []assessments.Answer
	for i, s := range cat.Subcategories() {
		if m.partial && (i+mi)%5 >= 2 {
			continue
		}
		if (i+3*mi)%31 == 0 {
			out = append(out, assessments.Answer{SubcategoryID: s.ID, NotApplicable: true})
			continue
		}
		wobble := float64((i*37+mi*11+cycle*5)%5-2) * 0.8
		l := m.level + wobble - 0.5*float64(cycle)
		for _, p := range m.weak {
			if strings.HasPrefix(s.ID, p) {
				l = float64(m.weakL)
			}
		}
		level := int(l + 0.5)
		level = max(1, min(7, level))
		a := assessments.Answer{SubcategoryID: s.ID, Score: level}
		if mi == 1 && s.ID == "PR.AA-05" {
			a = assessments.Answer{SubcategoryID: s.ID, Score: 5, RiskAccepted: true}
		}
		out = append(out, a)
	}
	return out
}

type fixture struct {
	cat      *frameworks.Catalog
	scale    *frameworks.Scale
	current  []assessments.MemberAnswers
	previous []assessments.MemberAnswers
	members  []testMember
	cmp      *assessments.Comparison
	wl       *assessments.WeakestLink
	links    []assessments.Link
}

// newFixture builds a consortium of n members: the twelve above, then
// generated ones.
func newFixture(n int) *fixture {
	f := &fixture{cat: frameworks.CSF20(), scale: frameworks.NCSR()}
	for i := range n {
		var m testMember
		if i < len(testMembers) {
			m = testMembers[i]
		} else {
			m = testMember{name: fmt.Sprintf("Local Government %03d", i+1), level: 2.5 + float64(i%9)*0.45, status: "submitted"}
			if i%7 == 0 {
				m.weak, m.weakL = []string{"PR.AA-0"}, 1+i%3
			}
		}
		f.members = append(f.members, m)
		id := int64(101 + i)
		f.current = append(f.current, assessments.MemberAnswers{MemberID: id, Name: m.name, Answers: answersFor(f.cat, i, m, 0)})
		f.previous = append(f.previous, assessments.MemberAnswers{MemberID: id, Name: m.name, Answers: answersFor(f.cat, i, m, 1)})
	}
	f.cmp = assessments.Compare(f.cat, f.current, 5)
	f.wl = f.cmp.WeakestLinks(nil)
	for i := 0; i+1 < n; i += 2 {
		kinds := []string{assessments.LinkSharedNetwork, assessments.LinkEmailTenant, assessments.LinkDataExchange, assessments.LinkMSP}
		f.links = append(f.links, assessments.Link{From: int64(101 + i), To: int64(102 + i), Kind: kinds[(i/2)%len(kinds)], Criticality: 1 + i%3, Directed: i%4 == 2})
		if i+2 < n {
			f.links = append(f.links, assessments.Link{From: int64(102 + i), To: int64(103 + i), Kind: assessments.LinkSharedApplication, Criticality: 2})
		}
	}
	return f
}

func (f *fixture) ids() []int64 {
	out := make([]int64, len(f.current))
	for i, m := range f.current {
		out[i] = m.MemberID
	}
	return out
}

// member builds the member briefing of member index mi.
func (f *fixture) member(t testing.TB, mi int, size string) MemberBriefing {
	t.Helper()
	cur := f.current[mi]
	res := assessments.Score(f.cat, cur.Answers, 5)
	prev := assessments.Score(f.cat, f.previous[mi].Answers, 5)
	b := MemberBriefing{
		Consortium: testConsortium, Member: cur.Name, Cycle: testCycle,
		Generated: testGenerated, PageSize: size,
		Catalog: f.cat, Scale: f.scale, Baseline: 5,
		Result: res, Previous: &prev, PreviousCycle: testPrevCycle,
		Gaps: assessments.Gaps(f.cat, cur.Answers, 5),
	}
	if err := b.SetComparison(f.cmp, cur.MemberID, assessments.AnonymousLabels(f.ids(), "cycle-secret")); err != nil {
		t.Fatal(err)
	}
	return b
}

// consortium builds the consortium briefing.
func (f *fixture) consortium(size string, named bool) ConsortiumBriefing {
	names := map[int64]string{}
	if named {
		for _, m := range f.current {
			names[m.MemberID] = m.Name
		}
	} else {
		names = assessments.AnonymousLabels(f.ids(), "cycle-secret")
	}
	statuses := map[int64]string{}
	for i, m := range f.members {
		statuses[f.current[i].MemberID] = m.status
	}
	return ConsortiumBriefing{
		Consortium: testConsortium, Cycle: testCycle, Generated: testGenerated, PageSize: size,
		Catalog: f.cat, Scale: f.scale, Baseline: 5,
		Comparison: f.cmp, Weakest: f.wl,
		Names: names, Named: named, Statuses: statuses, Links: f.links,
	}
}

// PDF inspection helpers.

var pageObject = regexp.MustCompile(`/Type\s*/Page[^s]`)

// pageCount counts page objects ("/Type /Page", not "/Type /Pages").
func pageCount(pdf []byte) int { return len(pageObject.FindAll(pdf, -1)) }

// tool returns the path of a command, or skips the calling part of a test
// with a message when it is not installed.
func tool(t *testing.T, name, pkg string) (string, bool) {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Logf("%s not on PATH: skipping its checks (Debian package %s)", name, pkg)
		return "", false
	}
	return p, true
}

// writeTemp writes a PDF to a temporary file.
func writeTemp(t *testing.T, pdf []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "briefing.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// squash collapses runs of white space, so text wrapped over lines
// compares with the original.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// inOrder checks that each string occurs in text after the previous one.
func inOrder(t *testing.T, text string, parts ...string) {
	t.Helper()
	at := 0
	for _, p := range parts {
		i := strings.Index(text[at:], p)
		if i < 0 {
			if strings.Contains(text, p) {
				t.Errorf("%q is out of order (expected after byte %d)", p, at)
			} else {
				t.Errorf("%q not found in the text", p)
			}
			continue
		}
		at += i + len(p)
	}
}

// renderPNG renders pages of a briefing to PNG files in the directory
// named by PALISADE_BRIEFING_PNG, for looking at while developing. It does
// nothing when the variable is unset or pdftoppm is missing.
func renderPNG(t *testing.T, name string, pdf []byte, pages ...int) {
	t.Helper()
	dir := os.Getenv("PALISADE_BRIEFING_PNG")
	if dir == "" {
		return
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Log("pdftoppm not on PATH: no PNG rendered")
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(src, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		run(t, "pdftoppm", "-r", "80", "-png", "-f", fmt.Sprint(p), "-l", fmt.Sprint(p), src, filepath.Join(dir, fmt.Sprintf("%s-p%d", name, p)))
	}
}

func mustWrite(t testing.TB, write func(*bytes.Buffer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
