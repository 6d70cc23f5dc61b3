package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"check_creatio_oauth/testdata/sim"
)

// How the root tests hold the plugin to -t without asserting how fast the
// machine is. A case about the deadline runs against a server that never
// answers, so a plugin that ignored -t would not end at all: the test has
// to tell "ended by its deadline" from "hangs", and the words and the -t
// state (two variants of each case) tell it was the deadline. The times
// are bounded by -t × slowScale, both the plugin's own (time= and its kin,
// measured by its own clock from its own start) and the wall time the test
// sees: the scale stands for process start-up, -race and a machine that
// runs other work. (Measured with -race at load 17 on two cores, with the
// deadline cases of TestHostile side by side in one process: the plugin
// reported up to 1.43 s for -t 1; its deadline is 0.9 s, see TestDeadline.)
//
// A case that is not about the deadline gets a -t it never reaches
// (generousTimeout), so that a loaded machine cannot turn its answer into a
// timeout, and hangGuard ends a test whose plugin process does not end.
const (
	slowScale       = 5
	generousTimeout = "30"
	hangGuard       = 2 * time.Minute
)

// perfTime matches a time perfdata item (time, time_login, time_token ...)
// and its value in seconds.
var perfTime = regexp.MustCompile(`(?:^| )'?time\w*'?=([0-9.]+)s`)

// keptDeadline lists how a run that its deadline ended broke -t (seconds):
// a time it reports, or the wall time the test saw, over -t × slowScale.
func keptDeadline(out []byte, took time.Duration, timeout float64) []string {
	var fails []string
	limit := timeout * slowScale
	line1, _, _ := strings.Cut(string(out), "\n")
	if _, perf, ok := strings.Cut(line1, " | "); ok {
		for _, m := range perfTime.FindAllStringSubmatch(perf, -1) {
			if v, err := strconv.ParseFloat(m[1], 64); err == nil && v > limit {
				fails = append(fails, fmt.Sprintf("the plugin reports %s, over -t %g × %d: does it keep its deadline?", strings.TrimSpace(m[0]), timeout, slowScale))
			}
		}
	}
	if took.Seconds() > limit {
		fails = append(fails, fmt.Sprintf("took %v, over -t %g × %d: does it keep its deadline?", took.Round(time.Millisecond), timeout, slowScale))
	}
	return fails
}

// hangTimeout is the -t of the simulator's scenarios that hang. A forms
// login's logout gets min(-t/20, 0.25 s) of it: -t 5 gives it the 0.25 s
// that a loaded machine needs (-t 1 left 50 ms, and a session behind).
const hangTimeout = "5"

// hangingScenarios are the simulator's scenarios whose health request never
// gets an answer: -t ends them.
var hangingScenarios = map[string]bool{"hang": true, "forms-hang": true}

// hangs reports whether the scenario never answers; it fails the test when
// the simulator has no scenario of that name (renamed, so the set is stale).
func hangs(t testing.TB, sc sim.Scenario) bool {
	t.Helper()
	for name := range hangingScenarios {
		if _, ok := sim.Lookup(name); !ok {
			t.Fatalf("hangingScenarios names %q, which the simulator does not have", name)
		}
	}
	return hangingScenarios[sc.Name]
}
