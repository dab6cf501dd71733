package web

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"palisade/accounts"
	"palisade/frameworks"
	"palisade/store"
)

// BenchmarkCompareDashboard500 times the comparison dashboard handler, from
// request to rendered page, for a consortium of 500 members with 106
// answers each, and reports the 50th and 99th percentile of the iterations.
// Run: go test -run '^$' -bench CompareDashboard500 -benchtime 200x ./web
func BenchmarkCompareDashboard500(b *testing.B) {
	cases := []struct {
		page string
		// afterWrite makes every request follow a write, so the cached
		// analysis is stale and the answers are read again: the worst case.
		afterWrite bool
	}{{"/consortium/compare", false}, {"/consortium/compare", true}, {"/consortium/weakest", false}, {"/consortium/weakest", true}}
	for _, c := range cases {
		page := c.page
		name := page[len("/consortium/"):]
		if c.afterWrite {
			name += "-after-write"
		}
		b.Run(name, func(b *testing.B) {
			srv, cookie := bigConsortium(b, 500)
			times := make([]time.Duration, 0, b.N)
			// One request first so the warm case measures a warm cache.
			warm := httptest.NewRequest(http.MethodGet, page, nil)
			warm.AddCookie(cookie)
			srv.ServeHTTP(httptest.NewRecorder(), warm)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, page, nil)
				req.AddCookie(cookie)
				rec := httptest.NewRecorder()
				if c.afterWrite {
					if err := srv.store.Record(context.Background(), store.System, 0, "bench.write", "", ""); err != nil {
						b.Fatal(err)
					}
				}
				start := time.Now()
				srv.ServeHTTP(rec, req)
				times = append(times, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: status %d", page, rec.Code)
				}
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

var benchServers = map[int]struct {
	srv    *Server
	cookie *http.Cookie
}{}

// bigConsortium builds (once per size) a consortium of n members with
// deterministic answers and a signed-in coordinator.
func bigConsortium(b *testing.B, n int) (*Server, *http.Cookie) {
	if s, ok := benchServers[n]; ok {
		return s.srv, s.cookie
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "big.db"))
	if err != nil {
		b.Fatal(err)
	}
	cat, scale := frameworks.CSF20(), frameworks.NCSR()
	cid, _ := st.CreateConsortium(ctx, store.Consortium{Name: "Big"})
	cycle, _ := st.CreateCycle(ctx, store.Cycle{ConsortiumID: cid, Name: "FY2026"})
	act := store.Actor{Email: "bench", ConsortiumID: cid}
	for i := range n {
		name := fmt.Sprintf("Member %03d", i)
		id, err := st.CreateMember(ctx, act, store.Member{ConsortiumID: cid, Name: name, Slug: store.Slug(name), Kind: store.MemberKinds[i%len(store.MemberKinds)], Population: 1000 + i*37})
		if err != nil {
			b.Fatal(err)
		}
		a, err := st.AssessmentFor(ctx, id, cycle)
		if err != nil {
			b.Fatal(err)
		}
		var answers []store.Answer
		for _, sub := range cat.Subcategories() {
			h := fnv.New32a()
			fmt.Fprintf(h, "%d/%s", i, sub.ID)
			level := 1 + int(h.Sum32()%7)
			answers = append(answers, store.Answer{SubcategoryID: sub.ID, Choice: scale.Choices[level-1].Key, Score: scale.Choices[level-1].Score, Target: 5, ScaleID: scale.ID, ScaleVersion: scale.Version})
		}
		if _, err := st.ImportAnswers(ctx, act, a.ID, answers); err != nil {
			b.Fatal(err)
		}
	}
	uid, err := st.CreateUser(ctx, act, store.User{Email: "c@big.test", Name: "C"}, []accounts.Grant{{ConsortiumID: cid, Role: accounts.Coordinator}})
	if err != nil {
		b.Fatal(err)
	}
	token, hash, _ := accounts.NewToken()
	if err := st.CreateSession(ctx, store.Session{IDHash: hash, UserID: uid}); err != nil {
		b.Fatal(err)
	}
	srv := New(Config{}, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	cookie := &http.Cookie{Name: srv.sessionCookie(), Value: token}
	benchServers[n] = struct {
		srv    *Server
		cookie *http.Cookie
	}{srv, cookie}
	return srv, cookie
}
