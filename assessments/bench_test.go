package assessments

import (
	"math/rand/v2"
	"testing"

	"palisade/frameworks"
)

// Run with: go test -run '^$' -bench . -benchmem ./assessments
//
// The budget is scoring a 500-member consortium well under 10 ms per
// operation on one core (a coordinator's dashboard does this on each load).

// memberAnswers is one member's answers to every subcategory of cat, in
// catalog order as the store returns them: about 1 in 10 N/A, 1 in 10 left
// unanswered, 1 in 4 with its own target. rng makes it deterministic.
func memberAnswers(cat *frameworks.Catalog, rng *rand.Rand) []Answer {
	subs := cat.Subcategories()
	out := make([]Answer, 0, len(subs))
	for _, s := range subs {
		a := Answer{SubcategoryID: s.ID}
		switch r := rng.IntN(10); {
		case r == 0:
			a.NotApplicable = true
		case r == 1:
			continue // unanswered: no row
		default:
			a.Score = 1 + rng.IntN(7)
			if rng.IntN(4) == 0 {
				a.Target = 1 + rng.IntN(7)
			}
		}
		out = append(out, a)
	}
	return out
}

// fullMember answers all 106 CSF 2.0 subcategories, every 9th one N/A.
func fullMember(cat *frameworks.Catalog) []Answer {
	subs := cat.Subcategories()
	out := make([]Answer, len(subs))
	for i, s := range subs {
		out[i] = Answer{SubcategoryID: s.ID, Score: 1 + i%7}
		if i%9 == 0 {
			out[i] = Answer{SubcategoryID: s.ID, NotApplicable: true}
		}
	}
	return out
}

var sink Result

func BenchmarkScoreMember(b *testing.B) {
	cat := frameworks.CSF20()
	answers := fullMember(cat)
	if len(answers) != 106 {
		b.Fatalf("%d answers, want 106", len(answers))
	}
	b.ReportAllocs()
	for b.Loop() {
		sink = Score(cat, answers, 5)
	}
}

func BenchmarkGapsMember(b *testing.B) {
	cat := frameworks.CSF20()
	answers := fullMember(cat)
	b.ReportAllocs()
	var gaps []Gap
	for b.Loop() {
		gaps = Gaps(cat, answers, 5)
	}
	if len(gaps) == 0 {
		b.Fatal("no gaps")
	}
}

func BenchmarkScoreConsortium500(b *testing.B) {
	cat := frameworks.CSF20()
	rng := rand.New(rand.NewPCG(2024, 500))
	members := make([][]Answer, 500)
	for i := range members {
		members[i] = memberAnswers(cat, rng)
	}
	results := make([]Result, len(members))
	b.ReportAllocs()
	for b.Loop() {
		for i, answers := range members {
			results[i] = Score(cat, answers, 5)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(members)), "ns/member")
}
