package main

import (
	"bufio"
	"bytes"
	"sort"
	"strconv"
	"strings"
)

// initEntry is one package's init cost over several runs (GODEBUG=inittrace=1).
type initEntry struct {
	Pkg     string
	ClockMs float64 // median wall time of the package's init
	Bytes   float64 // median heap bytes allocated
	Allocs  float64 // median allocations
	Seen    int     // runs in which the package appeared
}

// initProfile aggregates the init traces of several runs of one binary.
type initProfile struct {
	Runs    int
	Entries []initEntry // sorted by ClockMs, descending
	TotalMs float64     // median over runs of the summed init clock
	MainAt  float64     // median over runs of the time main.main starts (ms since process start)
	Pkgs    int         // packages with an init, median over runs
}

// parseInitTrace extracts (package, start ms, clock ms, bytes, allocs) lines
// of the form "init net/http @1.2 ms, 0.30 ms clock, 12000 bytes, 120 allocs".
func parseInitTrace(stderr []byte, f func(pkg string, at, clock, bytes, allocs float64)) {
	sc := bufio.NewScanner(bytes.NewReader(stderr))
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 11 || fs[0] != "init" || !strings.HasPrefix(fs[2], "@") || fs[6] != "clock," {
			continue
		}
		at, err1 := strconv.ParseFloat(fs[2][1:], 64)
		clock, err2 := strconv.ParseFloat(fs[4], 64)
		b, err3 := strconv.ParseFloat(fs[7], 64)
		a, err4 := strconv.ParseFloat(fs[9], 64)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
			continue
		}
		f(fs[1], at, clock, b, a)
	}
}

// profileInit runs c n times with GODEBUG=inittrace=1 and aggregates the
// per-package init costs.
func profileInit(c command, n int) initProfile {
	c.Env = append(append([]string(nil), c.Env...), "GODEBUG=inittrace=1")
	clocks := map[string][]float64{}
	bytesBy := map[string][]float64{}
	allocs := map[string][]float64{}
	var totals, mainAt, pkgs []float64
	for i := 0; i < n; i++ {
		s := run(c)
		var total, last float64
		count := 0
		parseInitTrace(s.Stderr, func(pkg string, at, clock, b, a float64) {
			clocks[pkg] = append(clocks[pkg], clock)
			bytesBy[pkg] = append(bytesBy[pkg], b)
			allocs[pkg] = append(allocs[pkg], a)
			total += clock
			if end := at + clock; end > last {
				last = end
			}
			count++
		})
		if count > 0 {
			totals = append(totals, total)
			mainAt = append(mainAt, last)
			pkgs = append(pkgs, float64(count))
		}
	}
	p := initProfile{Runs: len(totals), TotalMs: median(totals), MainAt: median(mainAt), Pkgs: int(median(pkgs))}
	for pkg, cl := range clocks {
		p.Entries = append(p.Entries, initEntry{
			Pkg: pkg, ClockMs: median(cl), Bytes: median(bytesBy[pkg]), Allocs: median(allocs[pkg]), Seen: len(cl),
		})
	}
	sort.Slice(p.Entries, func(i, j int) bool {
		if p.Entries[i].ClockMs != p.Entries[j].ClockMs {
			return p.Entries[i].ClockMs > p.Entries[j].ClockMs
		}
		return p.Entries[i].Pkg < p.Entries[j].Pkg
	})
	return p
}

// has reports whether pkg has an init in p.
func (p initProfile) has(pkg string) bool {
	for _, e := range p.Entries {
		if e.Pkg == pkg {
			return true
		}
	}
	return false
}
