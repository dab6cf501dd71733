package briefings

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"palisade/assessments"
	"palisade/frameworks"
)

// checkPDF runs the checks every briefing must pass: the page count within
// bounds, metadata, page size, "Page n of N" on every page, and qpdf
// --check when qpdf is installed. It returns the text pdftotext extracts
// (reading order), or "" when pdftotext is not installed.
func checkPDF(t *testing.T, pdf []byte, size string, minPages, maxPages int, title, author string) (text, layout string, pages int) {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf[max(0, len(pdf)-64):], []byte("%%EOF")) {
		t.Fatalf("not a complete PDF (%d bytes)", len(pdf))
	}
	pages = pageCount(pdf)
	if pages < minPages || pages > maxPages {
		t.Errorf("%d pages, want %d..%d", pages, minPages, maxPages)
	}
	for _, key := range []string{"/Title ", "/Author ", "/Subject ", "/Creator ", "/CreationDate (D:20260314093000)", "/ModDate (D:20260314093000)"} {
		if !bytes.Contains(pdf, []byte(key)) {
			t.Errorf("metadata %q missing", key)
		}
	}
	box := map[string]string{"A4": "/MediaBox [0 0 595.28 841.89]", "Letter": "/MediaBox [0 0 612.00 792.00]"}[size]
	if !bytes.Contains(pdf, []byte(box)) {
		t.Errorf("page size %s: %q missing", size, box)
	}
	path := writeTemp(t, pdf)
	if _, ok := tool(t, "qpdf", "qpdf"); ok {
		run(t, "qpdf", "--check", path)
	}
	if _, ok := tool(t, "pdfinfo", "poppler-utils"); ok {
		info := map[string]string{}
		for _, l := range strings.Split(run(t, "pdfinfo", path), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok {
				info[k] = strings.TrimSpace(v)
			}
		}
		want := map[string]string{"Author": author, "Creator": "Palisade", "Pages": strconv.Itoa(pages)}
		if title != "" {
			want["Title"] = title
		}
		for k, v := range want {
			if info[k] != v {
				t.Errorf("pdfinfo %s: %q, want %q", k, info[k], v)
			}
		}
		if info["Subject"] == "" || !strings.Contains(info["CreationDate"], "2026") {
			t.Errorf("pdfinfo: no subject or creation date: %v", info)
		}
	}
	if _, ok := tool(t, "pdftotext", "poppler-utils"); !ok {
		return "", "", pages
	}
	text = run(t, "pdftotext", "-enc", "UTF-8", path, "-")
	layout = run(t, "pdftotext", "-layout", "-enc", "UTF-8", path, "-")
	for p := 1; p <= pages; p++ {
		if want := fmt.Sprintf("Page %d of %d", p, pages); !strings.Contains(text, want) {
			t.Errorf("%q missing", want)
		}
	}
	if !strings.Contains(text, confidential) || !strings.Contains(text, "Generated 14 March 2026") {
		t.Error("confidentiality footer or generation date missing")
	}
	checkInsidePage(t, path)
	return text, layout, pages
}

var (
	bboxPage = regexp.MustCompile(`<page width="([0-9.]+)" height="([0-9.]+)">`)
	bboxWord = regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>`)
)

// checkInsidePage checks with pdftotext -bbox that every word lies within
// the page's side margins: long names wrap or are cut, never run off the
// page.
func checkInsidePage(t *testing.T, path string) {
	t.Helper()
	out := run(t, "pdftotext", "-bbox", "-enc", "UTF-8", path, "-")
	m := bboxPage.FindStringSubmatch(out)
	if m == nil {
		t.Fatal("pdftotext -bbox: no page size")
	}
	width, _ := strconv.ParseFloat(m[1], 64)
	margin := marginX / 25.4 * 72
	bad := 0
	for _, w := range bboxWord.FindAllStringSubmatch(out, -1) {
		x0, _ := strconv.ParseFloat(w[1], 64)
		x1, _ := strconv.ParseFloat(w[3], 64)
		if x0 < margin-1 || x1 > width-margin+1 {
			if bad++; bad <= 5 {
				t.Errorf("word %q at x %.1f..%.1f is outside the margins (%.1f..%.1f)", w[5], x0, x1, margin, width-margin)
			}
		}
	}
}

func TestMemberBriefing(t *testing.T) {
	f := newFixture(12)
	for _, size := range []string{"A4", "Letter"} {
		t.Run(size, func(t *testing.T) {
			b := f.member(t, 0, size)
			pdf := mustWrite(t, func(w *bytes.Buffer) error { return WriteMember(w, b) })
			renderPNG(t, "member-"+size, pdf, 1, 2, 3)
			text, layout, pages := checkPDF(t, pdf, size, 4, 8, "Cybersecurity board briefing: "+peña+", "+testCycle, testConsortium)
			t.Logf("%s: %d pages, %d bytes", size, pages, len(pdf))
			if text == "" {
				return
			}
			flat := squash(text)
			inOrder(t, flat,
				"CYBERSECURITY BOARD BRIEFING", peña, "Prepared for the governing body of "+peña, testConsortium, testCycle, confidential,
				"Executive summary", "Where "+peña+" stands",
				fmt.Sprintf("%s scores %s out of 7 overall", peña, num(b.Result.Overall.Score.V)),
				fmt.Sprintf("consortium median of %s", num(b.MedianOverall.V)),
				"Change since "+testPrevCycle, "What is going well", "The most important gaps",
				"How "+peña+" compares", "Scores by function", "Position among the consortium's members", "Trend:",
				"The gaps to close first", "Decisions for the board", "The board is asked to:",
				"Appendix A", "The maturity scale", "Appendix B. All scores")
			// Every gap of the table, with its plain-language question, in order.
			var parts []string
			for i, g := range b.Gaps[:maxGapRows] {
				parts = append(parts, fmt.Sprintf("%d %s", i+1, g.SubcategoryID), squash(question(f.cat, g.SubcategoryID)))
			}
			inOrder(t, flat[strings.Index(flat, "The gaps to close first"):], parts...)
			// Every number of the appendix table is the analysis's, rounded.
			lines := strings.Split(layout, "\n")
			for _, fn := range b.Result.Functions {
				for _, c := range fn.Categories {
					want := strings.Join([]string{score(c.Score), score(c.Target), score(c.Gap), percent(c.Completion())}, " ")
					if !containsLine(lines, c.ID, want) {
						t.Errorf("appendix row of %s lacks %q", c.ID, want)
					}
				}
			}
			// The percentile sentence comes from the comparison.
			if want := fmt.Sprintf("ahead of %d %% of the other members", int(b.Percentile.V+0.5)); !strings.Contains(flat, want) {
				t.Errorf("%q missing", want)
			}
			// The top gap's plain-language reasons.
			w := wordsFor(f.cat, b.Gaps[0].CategoryID)
			if !strings.Contains(flat, w.Why) || !strings.Contains(flat, w.Take) {
				t.Error("the top gap's why and what-it-takes sentences are missing")
			}
		})
	}
}

// containsLine reports whether a line of layout text contains both
// the row's label and its figures.
func containsLine(lines []string, label, figures string) bool {
	for _, l := range lines {
		if strings.Contains(l, label) && strings.Contains(squash(l), figures) {
			return true
		}
	}
	return false
}

func TestMemberBriefingExecutiveSummaryIsOnePage(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not on PATH (Debian package poppler-utils)")
	}
	f := newFixture(12)
	for _, size := range []string{"A4", "Letter"} {
		pdf := mustWrite(t, func(w *bytes.Buffer) error { return WriteMember(w, f.member(t, 0, size)) })
		path := writeTemp(t, pdf)
		p2 := run(t, "pdftotext", "-f", "2", "-l", "2", "-enc", "UTF-8", path, "-")
		p3 := run(t, "pdftotext", "-f", "3", "-l", "3", "-enc", "UTF-8", path, "-")
		if !strings.Contains(p2, "Executive summary") || !strings.Contains(p2, "Decisions for the board") {
			t.Errorf("%s: the executive summary does not fit on page 2:\n%s", size, p2)
		}
		if !strings.Contains(p3, "How "+peña+" compares") {
			t.Errorf("%s: page 3 does not start the charts", size)
		}
	}
}

func TestMemberBriefingDeterministic(t *testing.T) {
	f := newFixture(12)
	a := mustWrite(t, func(w *bytes.Buffer) error { return WriteMember(w, f.member(t, 2, "A4")) })
	b := mustWrite(t, func(w *bytes.Buffer) error { return WriteMember(w, f.member(t, 2, "A4")) })
	if !bytes.Equal(a, b) {
		t.Error("two runs with the same input and time give different bytes")
	}
	c := mustWrite(t, func(w *bytes.Buffer) error { return WriteConsortium(w, f.consortium("A4", true)) })
	d := mustWrite(t, func(w *bytes.Buffer) error { return WriteConsortium(w, f.consortium("A4", true)) })
	if !bytes.Equal(c, d) {
		t.Error("consortium briefing: two runs give different bytes")
	}
}

// A member on its own: no previous cycle, no consortium context, no gaps,
// and decisions given by the caller.
func TestMemberBriefingMinimal(t *testing.T) {
	cat := frameworks.CSF20()
	var answers []assessments.Answer
	for i, s := range cat.Subcategories() {
		answers = append(answers, assessments.Answer{SubcategoryID: s.ID, Score: 5 + i%3})
	}
	b := MemberBriefing{
		Consortium: "Fjord Coast Digital Alliance", Member: "Kommune of Ærøskøbing", Cycle: "2026",
		Generated: testGenerated, Catalog: cat,
		Result:    assessments.Score(cat, answers, 5),
		Gaps:      assessments.Gaps(cat, answers, 5),
		Decisions: []string{"Approve joining the consortium's shared MFA service.", "  "},
	}
	if len(b.Gaps) != 0 {
		t.Fatalf("fixture has %d gaps", len(b.Gaps))
	}
	pdf := mustWrite(t, func(w *bytes.Buffer) error { return WriteMember(w, b) })
	text, _, _ := checkPDF(t, pdf, "A4", 4, 8, "Cybersecurity board briefing: Kommune of Ærøskøbing, 2026", "Fjord Coast Digital Alliance")
	if text == "" {
		return
	}
	flat := squash(text)
	for _, want := range []string{"Kommune of Ærøskøbing", "No answered question is below its target", "Approve joining the consortium's shared MFA service.", "The board is asked to make 1 decision"} {
		if !strings.Contains(flat, want) {
			t.Errorf("%q missing", want)
		}
	}
	for _, not := range []string{"Trend:", "Position among", "Change since", "consortium median"} {
		if strings.Contains(flat, not) {
			t.Errorf("%q printed without the data for it", not)
		}
	}
}

func TestLongNamesWrap(t *testing.T) {
	f := newFixture(12)
	b := f.member(t, 8, "Letter") // longName
	pdf := mustWrite(t, func(w *bytes.Buffer) error { return WriteMember(w, b) })
	text, _, _ := checkPDF(t, pdf, "Letter", 4, 8, "Cybersecurity board briefing: "+longName+", "+testCycle, testConsortium)
	if text != "" && !strings.Contains(squash(text), longName) {
		t.Error("the long name is not printed in full on the cover")
	}
	// A name with no space to break at is cut to fit, not run off the page.
	b.Member = strings.Repeat("Llanfairpwllgwyngyll", 6) + "-Wastewater-Authority"
	b.Consortium = "Consorcio Intermunicipal de Ciberseguridad de la Región de Peñarroya-Pueblonuevo y Alrededores"
	pdf = mustWrite(t, func(w *bytes.Buffer) error { return WriteMember(w, b) })
	checkPDF(t, pdf, "Letter", 4, 8, "", b.Consortium)
	renderPNG(t, "member-unbroken", pdf, 1)
}

func TestUnusualText(t *testing.T) {
	f := newFixture(12)
	b := f.member(t, 0, "A4")
	// Characters outside the fonts (CJK), outside the Basic Multilingual
	// Plane (emoji, which gofpdf cannot encode), control characters and
	// invalid UTF-8 must not break the document.
	b.Member = "Town of Ωmega 中文 🛡️ \x07Tab\tand\r\nnewline \xff end"
	b.Decisions = []string{"Approve (with parentheses) \\ backslashes and <angle> brackets & ampersands"}
	pdf := mustWrite(t, func(w *bytes.Buffer) error { return WriteMember(w, b) })
	text, _, _ := checkPDF(t, pdf, "A4", 4, 8, "", testConsortium)
	if text != "" && !strings.Contains(squash(text), "Approve (with parentheses) \\ backslashes and <angle> brackets & ampersands") {
		t.Error("special characters do not survive")
	}
	if text != "" && !strings.Contains(text, "Town of Ωmega 中文") {
		t.Error("Greek and CJK characters do not extract")
	}
}

func TestConsortiumBriefing(t *testing.T) {
	f := newFixture(12)
	for _, size := range []string{"A4", "Letter"} {
		for _, named := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/named=%v", size, named), func(t *testing.T) {
				b := f.consortium(size, named)
				pdf := mustWrite(t, func(w *bytes.Buffer) error { return WriteConsortium(w, b) })
				renderPNG(t, fmt.Sprintf("consortium-%s-%v", size, named), pdf, 1, 2, 3)
				text, layout, pages := checkPDF(t, pdf, size, 6, 15, "Consortium cybersecurity briefing: "+testConsortium+", "+testCycle, testConsortium)
				t.Logf("%s named=%v: %d pages, %d bytes", size, named, pages, len(pdf))
				if text == "" {
					return
				}
				flat := squash(text)
				cm := f.cmp
				inOrder(t, flat,
					"CONSORTIUM CYBERSECURITY BRIEFING", testConsortium, confidential,
					"Executive summary", "Who took part",
					fmt.Sprintf("%d of the consortium's %d members have a score", cm.Overall.Count, len(cm.Members)),
					fmt.Sprintf("The median member scores %s out of 7 overall", num(cm.Overall.Median)),
					"The weakest links", "Members below the baseline overall",
					"Heatmap", "Function scores by member", "How scores are spread", "Spread of member scores by function",
					"Where one member's progress lifts everyone",
					"Interconnections: how a weakness spreads", "Members whose weaknesses could spread furthest", "Members most exposed",
					"Appendix A", "Appendix B. Completion by member", "Appendix C. Data behind the charts",
					"C.1 Spread by function", "C.2 Spread by category", "C.3 Weakest-link figures")
				if strings.Contains(strings.ToLower(flat), "pool") {
					t.Error("a pooled-services section is printed before the pooling feature exists")
				}
				// The summary table's figures are the comparison's.
				lines := strings.Split(layout, "\n")
				for i, fn := range cm.Functions {
					below := 0
					for _, m := range cm.Members {
						if s := m.Result.Functions[i].Score; s.OK && s.V < 5 {
							below++
						}
					}
					want := fmt.Sprintf("%s %s %d %d", num(fn.Median), num(fn.Min), below, fn.Count)
					if !containsLine(lines, fn.Name, want) {
						t.Errorf("summary row of %s lacks %q", fn.Name, want)
					}
				}
				// The top what-if in words, with its member.
				o := f.wl.Opportunities(1)[0]
				names := b.Names
				if !strings.Contains(flat, fmt.Sprintf("Climbs %d levels from level %d.", o.Gap, o.Level)) || !strings.Contains(flat, names[o.MemberID]) {
					t.Error("the top opportunity is not described")
				}
				if named {
					for _, n := range []string{peña, "Møller Township", "Ville de Saint-Étienne-du-Lac", longName} {
						if !strings.Contains(flat, n) {
							t.Errorf("member name %q missing", n)
						}
					}
				} else {
					for _, m := range testMembers {
						if strings.Contains(flat, m.name) {
							t.Errorf("anonymous briefing names %q", m.name)
						}
					}
					if !strings.Contains(flat, "Members are shown under anonymous labels") {
						t.Error("the anonymous briefing does not say so")
					}
				}
			})
		}
	}
}

func TestConsortiumBriefingWithoutLinks(t *testing.T) {
	f := newFixture(12)
	b := f.consortium("A4", true)
	b.Links = nil
	pdf := mustWrite(t, func(w *bytes.Buffer) error { return WriteConsortium(w, b) })
	text, _, _ := checkPDF(t, pdf, "A4", 6, 15, "Consortium cybersecurity briefing: "+testConsortium+", "+testCycle, testConsortium)
	if text != "" && strings.Contains(text, "Interconnections") {
		t.Error("the interconnection section is printed without links")
	}
}

// A larger consortium: the heatmap and the tables run over several pages,
// each with its header repeated.
func TestConsortiumBriefingTablesBreak(t *testing.T) {
	f := newFixture(120)
	b := f.consortium("Letter", false)
	pdf := mustWrite(t, func(w *bytes.Buffer) error { return WriteConsortium(w, b) })
	_, layout, pages := checkPDF(t, pdf, "Letter", 10, 40, "Consortium cybersecurity briefing: "+testConsortium+", "+testCycle, testConsortium)
	t.Logf("120 members: %d pages, %d bytes", pages, len(pdf))
	if layout == "" {
		return
	}
	heads := regexp.MustCompile(`Member\s+Govern\s+Identify\s+Protect\s+Detect\s+Respond\s+Recover\s+Overall\s+Complete`).FindAllString(layout, -1)
	if len(heads) < 3 {
		t.Errorf("heatmap header printed %d times; want it repeated on every page of a 120-row heatmap", len(heads))
	}
	completion := regexp.MustCompile(`Member\s+Status\s+Complete\s+Answered\s+N/A\s+Unanswered\s+Overall`).FindAllString(layout, -1)
	if len(completion) < 3 {
		t.Errorf("completion header printed %d times", len(completion))
	}
}

func TestBadInput(t *testing.T) {
	f := newFixture(12)
	noAnswers := f.member(t, 11, "A4") // Eastgate: nothing answered
	cases := []struct {
		name  string
		write func(*bytes.Buffer) error
		want  error
	}{
		{"member with no answers", func(w *bytes.Buffer) error { return WriteMember(w, noAnswers) }, ErrNoScore},
		{"no catalog", func(w *bytes.Buffer) error {
			b := f.member(t, 0, "A4")
			b.Catalog = nil
			return WriteMember(w, b)
		}, ErrInvalid},
		{"no generation time", func(w *bytes.Buffer) error {
			b := f.member(t, 0, "A4")
			b.Generated = time.Time{}
			return WriteMember(w, b)
		}, ErrInvalid},
		{"page size", func(w *bytes.Buffer) error {
			b := f.member(t, 0, "A3")
			return WriteMember(w, b)
		}, ErrInvalid},
		{"no member name", func(w *bytes.Buffer) error {
			b := f.member(t, 0, "A4")
			b.Member = " \t"
			return WriteMember(w, b)
		}, ErrInvalid},
		{"medians of another catalog", func(w *bytes.Buffer) error {
			b := f.member(t, 0, "A4")
			b.Median = b.Median[:2]
			return WriteMember(w, b)
		}, ErrInvalid},
		{"consortium without scores", func(w *bytes.Buffer) error {
			empty := []assessments.MemberAnswers{{MemberID: 1, Name: "A"}, {MemberID: 2, Name: "B"}}
			c := assessments.Compare(f.cat, empty, 5)
			b := f.consortium("A4", true)
			b.Comparison, b.Weakest, b.Links = c, c.WeakestLinks(nil), nil
			return WriteConsortium(w, b)
		}, ErrNoScore},
		{"anonymous without labels", func(w *bytes.Buffer) error {
			b := f.consortium("A4", false)
			b.Names = map[int64]string{101: "Member A"}
			return WriteConsortium(w, b)
		}, ErrInvalid},
		{"no weakest-link report", func(w *bytes.Buffer) error {
			b := f.consortium("A4", true)
			b.Weakest = nil
			return WriteConsortium(w, b)
		}, ErrInvalid},
		{"baseline differs from the report", func(w *bytes.Buffer) error {
			b := f.consortium("A4", true)
			b.Baseline = 4
			return WriteConsortium(w, b)
		}, ErrInvalid},
		{"unknown member for SetComparison", func(w *bytes.Buffer) error {
			var b MemberBriefing
			return b.SetComparison(f.cmp, 99999, nil)
		}, ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := c.write(&buf)
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
			if buf.Len() != 0 {
				t.Errorf("%d bytes written despite the error", buf.Len())
			}
			t.Log(err)
		})
	}
}

func TestWordsCoverCSF(t *testing.T) {
	cat := frameworks.CSF20()
	if cat.ID != csfID {
		t.Fatalf("CSF 2.0 catalog id %q, words are keyed to %q", cat.ID, csfID)
	}
	seen := 0
	for _, fn := range cat.Functions {
		if functionWords[fn.ID] == "" {
			t.Errorf("function %s has no plain description", fn.ID)
		}
		for _, c := range fn.Categories {
			w, ok := csfWords[c.ID]
			if !ok || w.Plain == "" || w.Why == "" || w.Take == "" || w.Decision == "" {
				t.Errorf("category %s lacks plain-language words", c.ID)
			}
			for _, s := range []string{w.Why, w.Take, w.Decision} {
				if !strings.HasSuffix(s, ".") {
					t.Errorf("%s: %q is not a sentence", c.ID, s)
				}
			}
			seen++
		}
	}
	if seen != 22 || len(csfWords) != 22 {
		t.Errorf("%d categories in the catalog, %d described; want 22", seen, len(csfWords))
	}
}

// The heatmap colours get steadily lighter with the score, so the order
// survives a grey-scale printout, and the number in each cell is printed
// in the colour that contrasts with it.
func TestHeatPaletteReadsInGrey(t *testing.T) {
	prev := -1.0
	for l := 1.0; l <= 7; l += 0.5 {
		c := heat(l, 1, 7)
		y := luminance(c)
		if y <= prev {
			t.Errorf("level %.1f is not lighter than the level below (%.3f <= %.3f)", l, y, prev)
		}
		prev = y
		text := textOn(c)
		if r := contrast(c, text); r < 4.5 {
			t.Errorf("level %.1f: contrast of the cell number %.1f, want at least 4.5", l, r)
		}
	}
}

func contrast(a, b rgb) float64 {
	x, y := luminance(a)+0.05, luminance(b)+0.05
	return math.Max(x, y) / math.Min(x, y)
}

func TestFormat(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{score(assessments.Value{}), "–"},
		{score(assessments.Value{V: 4.375, OK: true}), "4.4"},
		{percent(7.0 / 9), "78 %"},
		{signed(0.44), "+0.4"}, {signed(-0.31), "−0.3"}, {signed(0.01), "0.0"},
		{ordinal(1), "1st"}, {ordinal(2), "2nd"}, {ordinal(3), "3rd"}, {ordinal(11), "11th"}, {ordinal(22), "22nd"},
		{compareWords(4.375, 5), "0.6 below"}, {compareWords(5.04, 5), "level with"}, {compareWords(4.96, 4.94), "just above"},
		{list([]string{"a", "b", "c"}), "a, b and c"},
		{clean("a\x00b\r\nc\U0001F600"), "a b\nc\uFFFD"},
		{lowerFirst("Shared network"), "shared network"}, {lowerFirst("GIS"), "GIS"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// With the previous cycle's comparison, the summary says what changed,
// with figures computed from that comparison; without it, nothing.
func TestConsortiumBriefingChangeSinceLastCycle(t *testing.T) {
	f := newFixture(12)
	b := f.consortium("A4", true)
	prev := assessments.Compare(f.cat, f.previous, 5)
	b.Previous, b.PreviousCycle = prev, "FY2025"
	pdf := mustWrite(t, func(w *bytes.Buffer) error { return WriteConsortium(w, b) })
	text, _, _ := checkPDF(t, pdf, "A4", 6, 15, "Consortium cybersecurity briefing: "+testConsortium+", "+testCycle, testConsortium)
	if text != "" {
		want := fmt.Sprintf("Since FY2025 the median member has gone from %s to %s overall", num(prev.Overall.Median), num(f.cmp.Overall.Median))
		if !strings.Contains(squash(text), want) {
			t.Errorf("the summary lacks %q", want)
		}
		if !strings.Contains(text, "Median then") {
			t.Error("no table of change per function")
		}
	}

	b.Previous = nil
	pdf = mustWrite(t, func(w *bytes.Buffer) error { return WriteConsortium(w, b) })
	if text, _, _ := checkPDF(t, pdf, "A4", 6, 15, "Consortium cybersecurity briefing: "+testConsortium+", "+testCycle, testConsortium); strings.Contains(text, "Change since") {
		t.Error("a change section without a previous cycle")
	}

	b.Previous = &assessments.Comparison{CatalogID: "other"}
	if err := WriteConsortium(&bytes.Buffer{}, b); !errors.Is(err, ErrInvalid) {
		t.Errorf("a previous comparison of another catalog: %v; want ErrInvalid", err)
	}
}
