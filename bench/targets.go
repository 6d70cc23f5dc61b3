//go:build linux

package main

import "fmt"

// The targets. They hold for http and https (--ca-file); https12 and
// https-sys are reported against the same limits as info. go-flags stays (the
// design card names it), and its start-up price is accepted: parsing the
// options costs about 0.6 M instructions more than the bare GET's whole
// start (-mode instr), which the limits against the bare Go GET allow for.
const (
	targetWallVsBare      = 1.30     // wall, × bare Go GET
	targetCPUVsBare       = 1.30     // CPU, × bare Go GET
	targetWallVsCheckHTTP = 1.5      // wall, × check_http
	targetCPUVsCheckHTTP  = 1.6      // CPU, × check_http
	targetRSSKiB          = 9 * 1024 // peak RSS, median of our paired runs
)

// ratioTarget is a limit on one per-pair median ratio ours/theirs.
type ratioTarget struct {
	vs     string // competitor name
	metric string // "wall" or "CPU"
	limit  float64
}

// ratioTargets are the paired-mode limits, in report order.
var ratioTargets = []ratioTarget{
	{nameBare, "wall", targetWallVsBare},
	{nameBare, "CPU", targetCPUVsBare},
	{nameCheckHTTP, "wall", targetWallVsCheckHTTP},
	{nameCheckHTTP, "CPU", targetCPUVsCheckHTTP},
}

// official reports whether the targets apply to proto: plain HTTP
// and HTTPS with --ca-file; https12 and https-sys are for information.
func official(proto string) bool { return proto == protoHTTP || proto == protoHTTPS }

// targets evaluates the targets against what was measured (PASS,
// FAIL or SKIP), and adds what else is worth a line as info: wrong states,
// the best throughput and the flatness of the cost curve, which the issue
// sets no target for.
func (b *bench) targets() {
	if b.modes["paired"] {
		for _, proto := range b.protoList() {
			b.pairedTargets(proto)
		}
		badOurs, total := 0, 0
		for _, r := range b.pairs {
			badOurs += bad(r.A)
			total += len(r.A)
		}
		b.addVerdict("info", "paired runs of ours not OK (exit ≠ 0)", fmt.Sprintf("%d wrong of %d", badOurs, total))
	}
	if b.modes["throughput"] {
		b.throughputInfo()
	}
	if b.modes["curve"] {
		b.curveInfo()
	}
}

// addVerdict records one line of the targets section.
func (b *bench) addVerdict(status, what, got string) {
	b.verdicts = append(b.verdicts, verdict{status, what, got})
}

// passFail is the status of a target over proto: PASS or FAIL, or info when
// the targets do not apply to proto.
func passFail(proto string, ok bool) string {
	switch {
	case !official(proto):
		return "info"
	case ok:
		return "PASS"
	}
	return "FAIL"
}

// pair returns the paired result of ours against vs over proto, or nil.
func (b *bench) pair(proto, vs string) *pairResult {
	var found *pairResult
	for i := range b.pairs {
		if b.pairs[i].Proto == proto && b.pairs[i].Vs == vs {
			found = &b.pairs[i]
		}
	}
	return found
}

// pairedTargets checks the ratio limits and the peak RSS over proto.
func (b *bench) pairedTargets(proto string) {
	for _, t := range ratioTargets {
		what := fmt.Sprintf("%-4s ≤ %.2f× %s over %s", t.metric, t.limit, t.vs, proto)
		found := b.pair(proto, t.vs)
		if found == nil {
			b.addVerdict("SKIP", what, "not measured")
			continue
		}
		s := found.stats()
		r := s.WallRatio.Median
		if t.metric == "CPU" {
			r = s.CPURatio.Median
		}
		b.addVerdict(passFail(proto, r <= t.limit), what, f2(r)+"×")
	}
	var rss []float64
	for _, r := range b.pairs {
		if r.Proto == proto {
			for _, s := range r.A {
				rss = append(rss, float64(s.RSSKiB))
			}
		}
	}
	what := fmt.Sprintf("peak RSS ≤ %d MiB over %s (median of our runs)", targetRSSKiB/1024, proto)
	if len(rss) == 0 {
		b.addVerdict("SKIP", what, "not measured")
		return
	}
	b.addVerdict(passFail(proto, median(rss) <= targetRSSKiB), what, mib(median(rss))+" MiB")
}

// throughputInfo reports the best throughput level and the wrong states.
func (b *bench) throughputInfo() {
	best, wrong, total := 0.0, 0, 0
	bestP := 0
	for _, r := range b.rates {
		if r.Rate() > best {
			best, bestP = r.Rate(), r.Parallel
		}
		wrong += r.Wrong
		total += r.Checks
	}
	b.addVerdict("info", "throughput, best level", fmt.Sprintf("%.0f/s at %d parallel", best, bestP))
	b.addVerdict("info", "throughput runs not OK (exit ≠ 0)", fmt.Sprintf("%d wrong of %d", wrong, total))
}

// curveInfo reports the wall time past the 1 MiB body cap against the wall
// time at 1 MiB (flat is about 1×).
func (b *bench) curveInfo() {
	var ref float64
	for _, p := range b.points {
		if p.Size == 1<<20 {
			ref = medianWall(p.Samples)
		}
	}
	for _, p := range b.points {
		if p.Size <= 1<<20 {
			continue
		}
		got := "-"
		if ref > 0 {
			got = f2(medianWall(p.Samples)/ref) + "×"
		}
		b.addVerdict("info", fmt.Sprintf("curve: wall at %s / wall at 1 MiB", humanSize(int64(p.Size))), got)
	}
}

// failed reports whether any target failed.
func (b *bench) failed() bool {
	for _, v := range b.verdicts {
		if v.Status == "FAIL" {
			return true
		}
	}
	return false
}
