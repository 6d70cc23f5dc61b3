//go:build linux

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
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

// initTrace profiles package initialisation of ours and the bare GET.
func (b *bench) initTrace() {
	fmt.Fprintln(os.Stderr, "bench: init trace")
	ours := profileInit(b.ours.Cmd(protoHTTP, b.srv.Base(protoHTTP)), b.cfg.initRuns)
	bare := profileInit(command{Path: b.bare, Args: []string{b.srv.Base(protoHTTP) + healthPath}}, b.cfg.initRuns)
	t := &table{
		Title: fmt.Sprintf("Package init (GODEBUG=inittrace=1, median of %d runs): costliest in %s", ours.Runs, b.ours.Name),
		Head:  []string{"package", "clock ms", "bytes", "allocs", "in bare GET"},
		Left:  1,
	}
	for i, e := range ours.Entries {
		if i == 15 {
			break
		}
		inBare := "no"
		if bare.has(e.Pkg) {
			inBare = "yes"
		}
		t.add(e.Pkg, fmt.Sprintf("%.3f", e.ClockMs), fmt.Sprintf("%.0f", e.Bytes), fmt.Sprintf("%.0f", e.Allocs), inBare)
	}
	var extra []string
	var extraMs float64
	for _, e := range ours.Entries {
		if !bare.has(e.Pkg) {
			extra = append(extra, e.Pkg)
			extraMs += e.ClockMs
		}
	}
	t.Notes = append(t.Notes,
		fmt.Sprintf("%s: %d packages with init, %.3f ms summed init clock, main.main starts at %.3f ms", b.ours.Name, ours.Pkgs, ours.TotalMs, ours.MainAt),
		fmt.Sprintf("%s: %d packages with init, %.3f ms summed init clock, main.main starts at %.3f ms", nameBare, bare.Pkgs, bare.TotalMs, bare.MainAt),
		fmt.Sprintf("inits only in ours (%d, %.3f ms): %s", len(extra), extraMs, strings.Join(extra, " ")),
		"Times are from process start as the Go runtime sees it (after exec and the dynamic loader, which a static Go binary skips).")
	b.tables = append(b.tables, t)
}
