package main

import (
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
