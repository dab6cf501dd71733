package assessments

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"palisade/frameworks"
)

// Run with: go test -run '^$' -bench Comparison -benchmem ./assessments
//
// BenchmarkComparison times what a dashboard request does with a cycle's
// answers: Compare, then WeakestLinks, then the top 20 opportunities, for
// 50, 500 and 5,000 members answering all 106 CSF 2.0 subcategories. The
// time per member (ns/member) should stay about flat as the consortium
// grows: the analysis is linear apart from sorting each node's scores.

// consortiumMembers is n members answering every subcategory of cat, in
// catalog order as the store returns them: about 1 in 12 N/A, levels 1..7
// otherwise, and one 5 in four a formally accepted risk. The seed makes it
// the same on every run.
func consortiumMembers(cat *frameworks.Catalog, n int) []MemberAnswers {
	rng := rand.New(rand.NewPCG(uint64(n), 106))
	subs := cat.Subcategories()
	kinds := []string{"city", "town", "county", "school district", "special district"}
	out := make([]MemberAnswers, n)
	for i := range out {
		answers := make([]Answer, len(subs))
		for j, s := range subs {
			a := Answer{SubcategoryID: s.ID}
			if rng.IntN(12) == 0 {
				a.NotApplicable = true
			} else {
				a.Score = 1 + rng.IntN(7)
				a.RiskAccepted = a.Score == 5 && rng.IntN(4) == 0
			}
			answers[j] = a
		}
		out[i] = MemberAnswers{
			MemberID: int64(10_000 + i), Name: fmt.Sprintf("Member %05d", i),
			Kind: kinds[i%len(kinds)], Population: 500 + rng.IntN(200_000), Answers: answers,
		}
	}
	return out
}

var (
	sinkComparison    *Comparison
	sinkOpportunities []Opportunity
)

func BenchmarkComparison(b *testing.B) {
	cat := frameworks.CSF20()
	for _, n := range []int{50, 500, 5000} {
		members := consortiumMembers(cat, n)
		b.Run(fmt.Sprintf("members=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c := Compare(cat, members, 5)
				w := c.WeakestLinks(nil)
				sinkOpportunities = w.Opportunities(20)
				sinkComparison = c
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/member")
			if len(sinkOpportunities) != 20 {
				b.Fatalf("%d opportunities", len(sinkOpportunities))
			}
		})
	}
}
