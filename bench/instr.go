//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// collectedRE finds callgrind's instruction total in its report.
var collectedRE = regexp.MustCompile(`Collected\s*:\s*([0-9]+)`)

// valgrindPath returns the path of valgrind, or "" when it is absent.
func valgrindPath() string {
	p, err := exec.LookPath("valgrind")
	if err != nil {
		return ""
	}
	return p
}

// countInstructions runs c once under callgrind (output file in dir) and
// returns the instructions it executed. Counts are deterministic to within
// a fraction of a percent, unlike times, which makes them a good guide for
// start-up optimisation; they ignore cache misses and kernel time.
func countInstructions(vg string, c command, dir, tag string) (int64, int, string) {
	out := filepath.Join(dir, "callgrind."+tag+".out")
	args := append([]string{"--tool=callgrind", "--callgrind-out-file=" + out}, c.Path)
	args = append(args, c.Args...)
	// Go's asynchronous preemption signals (SIGURG) crash callgrind 3.19
	// ("vgCallgrind_post_signal: Assertion ... failed"); without them the
	// program runs the same code.
	env := append(append([]string(nil), c.Env...), "GODEBUG=asyncpreemptoff=1")
	s := run(command{Path: vg, Args: args, Env: env})
	defer os.Remove(out)
	m := collectedRE.FindSubmatch(s.Stderr)
	if m == nil {
		return 0, s.Exit, strings.TrimSpace(firstLine(s.Stderr))
	}
	n, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return n, s.Exit, ""
}

// instr counts instructions under callgrind for ours and the bare GET.
func (b *bench) instr() {
	vg := valgrindPath()
	if vg == "" {
		t := &table{Title: "Instructions (callgrind)", Head: []string{"note"}, Left: 1}
		t.add("valgrind not installed: skipped (apt-get install valgrind)")
		b.tables = append(b.tables, t)
		return
	}
	fmt.Fprintln(os.Stderr, "bench: instruction counts (callgrind)")
	t := &table{
		Title: fmt.Sprintf("Instructions executed (valgrind --tool=callgrind, all threads, median of %d)", b.cfg.instrRuns),
		Head:  []string{"proto", "program", "instructions", "× bare GET", "exit"},
		Left:  2,
	}
	bareC, _ := competitors([]string{nameBare}, b.bare, b.srv)
	for _, proto := range b.protoList() {
		if proto == protoHTTPS12 {
			continue // costs as https: not worth the slow callgrind runs
		}
		base := b.srv.Base(proto)
		var bareIr float64
		for _, c := range []contender{bareC[0], b.ours} {
			var irs []float64
			exit, note := 0, ""
			for i := 0; i < b.cfg.instrRuns; i++ {
				ir, e, n := countInstructions(vg, c.Cmd(proto, base), b.tmp, fmt.Sprint(i))
				exit, note = e, n
				if ir > 0 {
					irs = append(irs, float64(ir))
				}
			}
			m := median(irs)
			rel := "-"
			if c.Name == nameBare {
				bareIr = m
			} else if bareIr > 0 {
				rel = f2(m / bareIr)
			}
			cell := fmt.Sprintf("%.0f", m)
			if len(irs) == 0 {
				cell = "? " + note
			}
			t.add(proto, c.Name, cell, rel, fmt.Sprint(exit))
		}
	}
	t.Notes = append(t.Notes, "User-space instructions only; deterministic to a fraction of a percent, so a good guide for start-up work (kernel time, page faults and cache misses are not counted).")
	b.tables = append(b.tables, t)
}
