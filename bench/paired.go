package main

import (
	"fmt"
	"os"
	"time"
)

// pairResult holds the measured runs of one comparison: our binary (A)
// against one competitor (B) over one protocol, run A B A B ….
type pairResult struct {
	Proto string
	Vs    string
	A, B  []sample
}

// bad counts the runs in ss that did not exit 0.
func bad(ss []sample) int {
	n := 0
	for _, s := range ss {
		if s.Err != nil || s.Exit != 0 {
			n++
		}
	}
	return n
}

// atFloor counts the runs in ss whose peak RSS is not above the launcher's
// own high-water mark, i.e. may be the floor rather than the child's peak.
func atFloor(ss []sample) int {
	n := 0
	for _, s := range ss {
		if s.RSSKiB <= s.FloorKiB {
			n++
		}
	}
	return n
}

// pairStats is the digest of a pairResult that the report prints.
type pairStats struct {
	WallRatio, CPURatio dist    // per-pair ours/theirs
	WallA, WallB        float64 // median ms
	CPUA, CPUB          float64 // median ms
	RSSA, RSSB          float64 // median KiB
	BadA, BadB          int
}

// stats digests r.
func (r pairResult) stats() pairStats {
	var wa, wb, ca, cb, ra, rb []float64
	for i := range r.A {
		wa = append(wa, ms(r.A[i].Wall))
		wb = append(wb, ms(r.B[i].Wall))
		ca = append(ca, ms(r.A[i].CPU))
		cb = append(cb, ms(r.B[i].CPU))
		ra = append(ra, float64(r.A[i].RSSKiB))
		rb = append(rb, float64(r.B[i].RSSKiB))
	}
	return pairStats{
		WallRatio: summarize(ratios(wa, wb)),
		CPURatio:  summarize(ratios(ca, cb)),
		WallA:     median(wa), WallB: median(wb),
		CPUA: median(ca), CPUB: median(cb),
		RSSA: median(ra), RSSB: median(rb),
		BadA: bad(r.A), BadB: bad(r.B),
	}
}

// runPaired runs ours and them alternately over proto: warm warm-up pairs,
// then n measured pairs.
func runPaired(ours, them contender, proto string, srv *server, warm, n int) pairResult {
	ca, cb := ours.Cmd(proto, srv.Base(proto)), them.Cmd(proto, srv.Base(proto))
	for i := 0; i < warm; i++ {
		run(ca)
		run(cb)
	}
	r := pairResult{Proto: proto, Vs: them.Name, A: make([]sample, 0, n), B: make([]sample, 0, n)}
	start := time.Now()
	for i := 0; i < n; i++ {
		r.A = append(r.A, run(ca))
		r.B = append(r.B, run(cb))
	}
	fmt.Fprintf(os.Stderr, "  %-5s vs %-12s %d pairs in %.1fs\n", proto, them.Name, n, time.Since(start).Seconds())
	return r
}
