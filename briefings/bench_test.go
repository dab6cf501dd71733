package briefings

import (
	"bytes"
	"fmt"
	"testing"
)

// Budgets (docs/briefings.md): a member briefing within 150 ms and a
// 500-member consortium briefing within 1 s. Run with
//
//	go test -run '^$' -bench Briefing -benchmem ./briefings
//
// The bytes/pdf metric is the size of the file written.

func BenchmarkMemberBriefing(b *testing.B) {
	f := newFixture(12)
	in := f.member(b, 0, "A4")
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := WriteMember(&buf, in); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes/pdf")
}

func BenchmarkConsortiumBriefing(b *testing.B) {
	for _, n := range []int{12, 500} {
		b.Run(fmt.Sprintf("members=%d", n), func(b *testing.B) {
			f := newFixture(n)
			in := f.consortium("A4", n <= 26)
			var size, pages int
			for b.Loop() {
				var buf bytes.Buffer
				if err := WriteConsortium(&buf, in); err != nil {
					b.Fatal(err)
				}
				size = buf.Len()
				pages = pageCount(buf.Bytes())
			}
			b.ReportMetric(float64(size), "bytes/pdf")
			b.ReportMetric(float64(pages), "pages")
		})
	}
}
