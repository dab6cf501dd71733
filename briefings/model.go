// Package briefings writes Palisade's PDF board briefings: the member
// briefing, read by one member's council or board, and the consortium
// briefing, read by the consortium's governing board (docs/briefings.md).
//
// The package lays out and words numbers; it computes none. Every score,
// median, spread, floor, what-if and exposure comes from package
// assessments (Score, Gaps, Compare, WeakestLinks, Opportunities,
// Exposures, Ranking), computed by the caller and passed in the input
// structs below, so a briefing always agrees with the pages. It does no
// I/O besides writing the PDF, reads no clock and knows nothing of HTTP or
// the database. Fonts (the Go fonts, UTF-8) are embedded in the binary.
package briefings

import (
	"errors"
	"fmt"
	"time"

	"palisade/assessments"
	"palisade/frameworks"
)

// ErrNoScore is returned (wrapped, with the member or consortium and the
// cycle named) when there is nothing to brief on: a member with no answered
// question, or a cycle in which no member has a score. Callers show it as
// "422 Unprocessable" or a CLI exit status 2; no PDF is written.
var ErrNoScore = errors.New("nothing to brief on")

// ErrInvalid is returned (wrapped) when the input is incomplete or
// inconsistent: no catalog, no generation time, an unknown page size, a
// comparison of another catalog. It is a programming error of the caller;
// no PDF is written.
var ErrInvalid = errors.New("invalid briefing input")

// MemberBriefing is everything the member briefing shows. The web layer or
// the CLI fills it from the store and the assessments functions.
type MemberBriefing struct {
	// Consortium, Member and Cycle are display names ("Cascade Valley
	// Cyber Consortium", "Peña Valley Water District", "2025-26"). Any
	// UTF-8 prints; long names wrap.
	Consortium, Member, Cycle string
	// Generated is the time the briefing is made: printed on every page
	// and used as the PDF creation date. Required (the package reads no
	// clock); the same input and time give the same bytes.
	Generated time.Time
	// PageSize is "A4" (also when empty) or "Letter".
	PageSize string
	// Catalog is the framework the member was assessed against (required),
	// Scale the maturity scale (nil: the NCSR scale).
	Catalog *frameworks.Catalog
	Scale   *frameworks.Scale
	// Baseline is the consortium's default target (normally 5); 0 means
	// the scale's recommended minimum.
	Baseline int
	// Result is the member's score for the cycle: assessments.Score of its
	// answers with the consortium's default target. An overall score is
	// required (ErrNoScore otherwise).
	Result assessments.Result
	// Previous is the member's result for the previous cycle, nil when
	// there is none; PreviousCycle is that cycle's name.
	Previous      *assessments.Result
	PreviousCycle string
	// Median is the consortium median of each function, in the order of
	// Result.Functions (Comparison.Functions[i].Median, not OK when its
	// Count is 0); MedianOverall is Comparison.Overall.Median. Percentile
	// is the member's MemberRow.Percentile. SetComparison fills these and
	// PeerOverall from the cycle's comparison. All optional: without
	// them the briefing leaves the consortium out of the sentences and
	// charts it cannot fill.
	Median        []assessments.Value
	MedianOverall assessments.Value
	Percentile    assessments.Value
	// PeerOverall is every member's overall score under the label the
	// member may see (anonymised by the caller, e.g. with
	// assessments.AnonymousLabels), the member itself marked Self.
	PeerOverall []PeerScore
	// Gaps is the member's gap list in priority order (assessments.Gaps);
	// the briefing shows the first 15 and builds its summary and default
	// decisions on the first ones.
	Gaps []assessments.Gap
	// Decisions are the decisions asked of the board, one sentence each.
	// Empty: decisions are proposed from the top gaps.
	Decisions []string
	// Services are the consortium's shared services as they concern this
	// member: those it takes part in with its share of the cost, and those
	// worth joining (see pooling.go). Nil: the section is left out (the
	// consortium has no shared service).
	Services *MemberServices
	// Exercises are the tabletop exercises the member took part in or has
	// follow-up actions from, newest first. Empty: the section is left out.
	Exercises []ExerciseTaken
}

// PeerScore is one member on the "position among peers" chart.
type PeerScore struct {
	Label string
	Score assessments.Value
	Self  bool
}

// ConsortiumBriefing is everything the consortium briefing shows.
type ConsortiumBriefing struct {
	// Consortium and Cycle are display names.
	Consortium, Cycle string
	// Generated, PageSize, Catalog and Scale are as in MemberBriefing.
	Generated time.Time
	PageSize  string
	Catalog   *frameworks.Catalog
	Scale     *frameworks.Scale
	// Baseline is the consortium's default target: 0 means the
	// weakest-link report's (Comparison.DefaultTarget); any other value
	// must equal it.
	Baseline int
	// Comparison is assessments.Compare over the cycle's members
	// (required; at least one member must have a score).
	Comparison *assessments.Comparison
	// Weakest is Comparison.WeakestLinks(the consortium's weights)
	// (required).
	Weakest *assessments.WeakestLink
	// Opportunities are the what-ifs to show, best first; nil means
	// Weakest.Opportunities(10).
	Opportunities []assessments.Opportunity
	// Names maps member id to the name printed for it. When Named is
	// false the names are anonymous labels (assessments.AnonymousLabels)
	// and every member must have one; when Named is true a missing entry
	// falls back to the member's name in the comparison.
	Names map[int64]string
	Named bool
	// Statuses maps member id to the status of its assessment in the
	// cycle: "draft", "submitted", "reviewed" or "none" (missing: "none").
	Statuses map[int64]string
	// Links are the consortium's interconnections; without them the
	// interconnection section is left out.
	Links []assessments.Link
	// Previous is the comparison of the previous cycle (same catalog),
	// PreviousCycle its name; nil leaves out "Change since" in the
	// summary.
	Previous      *assessments.Comparison
	PreviousCycle string
	// Pooling is the recommended plan of pooled services and the services
	// members are enrolled in today (see pooling.go). Nil: the section is
	// left out (the consortium has no shared service).
	Pooling *ConsortiumPooling
}

// SetComparison fills the consortium context of a member briefing from the
// cycle's comparison: Median, MedianOverall, Percentile and PeerOverall
// (labels maps member id to the label this member may see; the member
// itself is shown as Member when it has no label). It changes nothing else,
// and returns an error wrapping ErrInvalid when memberID is not in the
// comparison.
func (b *MemberBriefing) SetComparison(c *assessments.Comparison, memberID int64, labels map[int64]string) error {
	if c == nil {
		return wrapInvalid("no comparison")
	}
	self := -1
	for i := range c.Members {
		if c.Members[i].MemberID == memberID {
			self = i
			break
		}
	}
	if self < 0 {
		return wrapInvalid("member %d is not in the comparison", memberID)
	}
	b.Median = make([]assessments.Value, len(c.Functions))
	for i, f := range c.Functions {
		if f.OK() {
			b.Median[i] = assessments.Value{V: f.Median, OK: true}
		}
	}
	b.MedianOverall = assessments.Value{}
	if c.Overall.OK() {
		b.MedianOverall = assessments.Value{V: c.Overall.Median, OK: true}
	}
	b.Percentile = c.Members[self].Percentile
	b.PeerOverall = make([]PeerScore, 0, len(c.Members))
	for _, i := range c.OrderByOverall(true) {
		m := &c.Members[i]
		label := labels[m.MemberID]
		if label == "" && i == self {
			label = b.Member
		}
		b.PeerOverall = append(b.PeerOverall, PeerScore{Label: label, Score: m.Result.Overall.Score, Self: i == self})
	}
	return nil
}

func wrapInvalid(format string, args ...any) error {
	return fmt.Errorf("briefings: %w: "+format, append([]any{ErrInvalid}, args...)...)
}

func wrapNoScore(format string, args ...any) error {
	return fmt.Errorf("briefings: %w: "+format, append([]any{ErrNoScore}, args...)...)
}
