//go:build linux

package main

import (
	"fmt"
	"os"
	"strings"
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

// paired runs every comparison and records the paired table.
func (b *bench) paired() {
	want := []string{}
	for _, n := range strings.Split(b.cfg.vs, ",") {
		if n = strings.TrimSpace(n); n != "" {
			want = append(want, n)
		}
	}
	comps, skipped := competitors(want, b.bare, b.srv)
	fmt.Fprintln(os.Stderr, "bench: paired runs")
	b.pairs = nil
	for _, proto := range b.protoList() {
		for _, c := range comps {
			if !official(proto) && !b.vsSet && c.Name != nameBare && c.Name != nameCheckHTTP {
				continue // extra protocols: only the targets' references, unless -vs says otherwise
			}
			line, reqs, good := preflight(c, proto, b.srv)
			b.preflight.add(c.Name, proto, line, fmt.Sprint(reqs))
			if !good {
				skipped = append(skipped, fmt.Sprintf("%s over %s: preflight failed: %s", c.Name, proto, line))
				continue
			}
			b.pairs = append(b.pairs, runPaired(b.ours, c, proto, b.srv, b.cfg.warm, b.cfg.runs))
		}
	}
	t := &table{
		Title: fmt.Sprintf("Paired runs: %s vs each, A B A B …, ratios = median of per-pair ours/theirs [IQR]", b.ours.Name),
		Head:  []string{"proto", "vs", "pairs", "wall ours ms", "wall them ms", "wall ×", "[IQR]", "CPU ours ms", "CPU them ms", "CPU ×", "[IQR]", "RSS ours MiB", "RSS them MiB", "bad ours/them"},
		Left:  2,
	}
	for _, r := range b.pairs {
		s := r.stats()
		t.add(r.Proto, r.Vs, fmt.Sprint(len(r.A)),
			f2(s.WallA), f2(s.WallB), f2(s.WallRatio.Median), "["+f2(s.WallRatio.P25)+"–"+f2(s.WallRatio.P75)+"]",
			f2(s.CPUA), f2(s.CPUB), f2(s.CPURatio.Median), "["+f2(s.CPURatio.P25)+"–"+f2(s.CPURatio.P75)+"]",
			mib(s.RSSA), mib(s.RSSB), fmt.Sprintf("%d/%d", s.BadA, s.BadB))
	}
	t.Notes = append(t.Notes, "ms and MiB are medians; wall = fork/exec to reaped; CPU = child user+sys; RSS = child ru_maxrss. Ratios < 1: ours is cheaper.",
		"https = TLS 1.3, https12 = TLS 1.2, both with the test CA only (--ca-file, --cacert, --ca-cert -D); https-sys = TLS 1.3 verified against the system CA bundle plus the test CA (SSL_CERT_FILE for the Go programs), as for a public certificate. check_http -S never verifies.")
	for _, r := range b.pairs {
		if r.Vs == nameCheckHTTP && r.Proto != protoHTTP && r.Proto != protoHTTPS12 {
			t.Notes = append(t.Notes, "check_http over TLS 1.3 stalls ~40 ms per run (TCP delayed ACK against its record reads), so its wall time there says little; compare CPU, or https12.")
			break
		}
	}
	for _, r := range b.pairs {
		if n := atFloor(r.A) + atFloor(r.B); n > 0 {
			t.Notes = append(t.Notes, fmt.Sprintf("%s vs %s: %d RSS values at the launcher floor (true value may be lower)", r.Proto, r.Vs, n))
		}
	}
	for _, s := range skipped {
		t.Notes = append(t.Notes, "skipped: "+s)
	}
	b.tables = append(b.tables, t)
}
