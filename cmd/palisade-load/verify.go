package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"palisade/store"
)

func urlEscape(s string) string { return url.QueryEscape(s) }

// verifySaves reads every acknowledged save back from the database. A save
// is lost when its version is missing from the answer's history or holds
// other values, or when the current answer is older than the last
// acknowledged save. extra lists answers whose current version is newer
// than any acknowledged one: a write the client never heard back about,
// possible only after a transport error (which fails the run anyway).
func verifySaves(ctx context.Context, st *store.Store, acks []ack) (lost, extra []string, err error) {
	type key struct {
		assessment int64
		sub        string
	}
	byAnswer := map[key][]ack{}
	for _, a := range acks {
		k := key{a.assessment, a.sub}
		byAnswer[k] = append(byAnswer[k], a)
	}
	for k, list := range byAnswer {
		history, err := st.AnswerHistory(ctx, k.assessment, k.sub)
		if err != nil {
			return nil, nil, err
		}
		byVersion := map[int]store.Answer{}
		for i, h := range history {
			byVersion[h.Version] = h
			// The chain of versions has no gap and no repeat.
			if h.Version != len(history)-i {
				lost = append(lost, fmt.Sprintf("assessment %d %s: versions %v are not 1..%d", k.assessment, k.sub, versions(history), len(history)))
				break
			}
		}
		slices.SortFunc(list, func(a, b ack) int { return a.version - b.version })
		for _, a := range list {
			h, ok := byVersion[a.version]
			switch {
			case !ok:
				lost = append(lost, fmt.Sprintf("assessment %d %s: acknowledged version %d is not stored", k.assessment, k.sub, a.version))
			case h.Choice != a.choice || h.Target != a.target || h.Notes != a.notes:
				lost = append(lost, fmt.Sprintf("assessment %d %s version %d: stored %s/%d/%q, acknowledged %s/%d/%q",
					k.assessment, k.sub, a.version, h.Choice, h.Target, h.Notes, a.choice, a.target, a.notes))
			}
		}
		last := list[len(list)-1]
		if len(history) == 0 {
			continue // reported above as not stored
		}
		switch cur := history[0]; {
		case cur.Version < last.version:
			lost = append(lost, fmt.Sprintf("assessment %d %s: current version %d is older than the acknowledged %d", k.assessment, k.sub, cur.Version, last.version))
		case cur.Version > last.version:
			extra = append(extra, fmt.Sprintf("assessment %d %s: current version %d was never acknowledged (last acknowledged %d)", k.assessment, k.sub, cur.Version, last.version))
		}
	}
	slices.Sort(lost)
	slices.Sort(extra)
	return lost, extra, nil
}

func versions(h []store.Answer) []int {
	out := make([]int, len(h))
	for i, a := range h {
		out[i] = a.Version
	}
	return out
}

// report prints the table and the checks, and returns how many problems
// fail the run.
func report(w io.Writer, o options, res results, lost, extra []string) int {
	names := make([]string, 0, len(res.routes))
	total, fiveXX, transport, unexpected := 0, 0, 0, 0
	for name, rs := range res.routes {
		names = append(names, name)
		total += len(rs.times)
		transport += rs.errors
		for s, n := range rs.statuses {
			if s >= 500 {
				fiveXX += n
			}
		}
	}
	slices.Sort(names)
	secs := res.elapsed.Seconds()
	fmt.Fprintf(w, "%-30s %7s %7s %9s %9s %9s %9s  %s\n", "route", "count", "req/s", "p50", "p95", "p99", "max", "status: count")
	fmt.Fprintln(w, strings.Repeat("-", 110))
	for _, name := range names {
		rs := res.routes[name]
		times := slices.Clone(rs.times)
		slices.Sort(times)
		var statuses []string
		codes := make([]int, 0, len(rs.statuses))
		for s := range rs.statuses {
			codes = append(codes, s)
		}
		slices.Sort(codes)
		for _, s := range codes {
			statuses = append(statuses, fmt.Sprintf("%d: %d", s, rs.statuses[s]))
		}
		if rs.errors > 0 {
			statuses = append(statuses, fmt.Sprintf("transport errors: %d", rs.errors))
		}
		fmt.Fprintf(w, "%-30s %7d %7.1f %9s %9s %9s %9s  %s\n", name, len(times), float64(len(times))/secs,
			pct(times, 50), pct(times, 95), pct(times, 99), pct(times, 100), strings.Join(statuses, ", "))
	}
	fmt.Fprintln(w, strings.Repeat("-", 110))
	fmt.Fprintf(w, "%-30s %7d %7.1f   in %v with %d workers over %d members\n\n", "all", total, float64(total)/secs,
		res.elapsed.Round(time.Millisecond), o.workers, o.members)

	unexpected = res.nProblems
	fmt.Fprintf(w, "acknowledged saves:   %d (%.1f/s), read back from the database\n", len(res.acks), float64(len(res.acks))/secs)
	fmt.Fprintf(w, "lost saves:           %d\n", len(lost))
	fmt.Fprintf(w, "unacknowledged writes: %d\n", len(extra))
	fmt.Fprintf(w, "409 conflicts:        %d (every answer has one writer: any conflict is a failure)\n", res.conflicts)
	fmt.Fprintf(w, "5xx responses:        %d\n", fiveXX)
	fmt.Fprintf(w, "transport errors:     %d\n", transport)
	fmt.Fprintf(w, "problems:             %d (unexpected statuses, bodies or versions, conflicts, 5xx and transport errors)\n", unexpected)
	for _, p := range res.problems {
		fmt.Fprintln(w, "  -", p)
	}
	for i, l := range lost {
		if i == 20 {
			fmt.Fprintf(w, "  ... and %d more lost saves\n", len(lost)-20)
			break
		}
		fmt.Fprintln(w, "  - lost:", l)
	}
	for i, e := range extra {
		if i == 5 {
			break
		}
		fmt.Fprintln(w, "  - unacknowledged:", e)
	}
	if len(res.acks) == 0 {
		fmt.Fprintln(w, "  - no save was acknowledged at all")
		unexpected++
	}
	// 5xx responses and transport errors are already among the problems
	// (each was reported as one when it happened); they are printed above
	// as a breakdown, not counted twice.
	return unexpected + len(lost) + len(extra)
}

// pct is the p-th percentile of sorted durations (p 100: the maximum).
func pct(sorted []time.Duration, p int) string {
	if len(sorted) == 0 {
		return "-"
	}
	i := min(len(sorted)-1, (len(sorted)*p)/100)
	d := sorted[i]
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	default:
		return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
	}
}
