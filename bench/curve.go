//go:build linux

package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

// curveSizes are the answer sizes of the cost curve, in bytes.
var curveSizes = []int{1 << 10, 64 << 10, 1 << 20, 8 << 20, 50 << 20}

// curvePoint is our binary's cost at one answer size.
type curvePoint struct {
	Size    int
	Samples []sample
}

// exits describes the exit codes seen, most frequent first, e.g. "0×40" or
// "3×38 2×2", with the state name of the first.
func exits(ss []sample) string {
	count := map[int]int{}
	for _, s := range ss {
		count[s.Exit]++
	}
	codes := make([]int, 0, len(count))
	for c := range count {
		codes = append(codes, c)
	}
	sort.Slice(codes, func(i, j int) bool { return count[codes[i]] > count[codes[j]] })
	parts := make([]string, 0, len(codes))
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%s×%d", stateName(c), count[c]))
	}
	return strings.Join(parts, " ")
}

// stateName maps a Nagios exit code to its state name.
func stateName(code int) string {
	switch code {
	case 0:
		return "OK"
	case 1:
		return "WARNING"
	case 2:
		return "CRITICAL"
	case 3:
		return "UNKNOWN"
	}
	return fmt.Sprintf("exit%d", code)
}

// runCurve runs ours over HTTP against every answer size, round-robin (one
// run per size per round) so that drift affects all sizes alike: warm
// warm-up rounds, then n measured rounds.
func runCurve(ours contender, srv *server, warm, n int) []curvePoint {
	cmds := make([]command, len(curveSizes))
	pts := make([]curvePoint, len(curveSizes))
	for i, size := range curveSizes {
		cmds[i] = ours.Cmd(protoHTTP, fmt.Sprintf("%s%s%d", srv.Base(protoHTTP), padPrefix, size))
		pts[i] = curvePoint{Size: size, Samples: make([]sample, 0, n)}
	}
	for r := 0; r < warm; r++ {
		for _, c := range cmds {
			run(c)
		}
	}
	for r := 0; r < n; r++ {
		for i, c := range cmds {
			pts[i].Samples = append(pts[i].Samples, run(c))
		}
	}
	fmt.Fprintf(os.Stderr, "  %d rounds of %d sizes\n", n, len(curveSizes))
	return pts
}

// humanSize formats a byte count as B, KiB or MiB.
func humanSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// curve runs the answer-size curve and records the table.
func (b *bench) curve() {
	rounds := max(5, b.cfg.runs/5)
	if b.cfg.quick {
		rounds = 3
	}
	fmt.Fprintln(os.Stderr, "bench: cost curve")
	b.points = runCurve(b.ours, b.srv, min(b.cfg.warm, 3), rounds)
	var ref float64
	for _, p := range b.points {
		if p.Size == 1<<20 {
			ref = medianWall(p.Samples)
		}
	}
	t := &table{
		Title: fmt.Sprintf("Cost curve: %s over HTTP vs answer size (padded ok JSON), %d rounds", b.ours.Name, rounds),
		Head:  []string{"answer", "runs", "wall ms", "× 1 MiB", "CPU ms", "RSS MiB", "states"},
		Left:  1,
	}
	for _, p := range b.points {
		var cpu, rss []float64
		for _, s := range p.Samples {
			cpu = append(cpu, ms(s.CPU))
			rss = append(rss, float64(s.RSSKiB))
		}
		w := medianWall(p.Samples)
		rel := "-"
		if ref > 0 {
			rel = f2(w / ref)
		}
		t.add(humanSize(int64(p.Size)), fmt.Sprint(len(p.Samples)), f2(w), rel, f2(median(cpu)), mib(median(rss)), exits(p.Samples))
	}
	t.Notes = append(t.Notes, "CRITICAL is the expected state past the plugin's 1 MiB body cap (--max-body); the cost must stay flat there.")
	b.tables = append(b.tables, t)
}

// medianWall is the median wall time of ss in ms.
func medianWall(ss []sample) float64 {
	var w []float64
	for _, s := range ss {
		w = append(w, ms(s.Wall))
	}
	return median(w)
}
