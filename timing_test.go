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
// answers, so a plugin that ignored -t would not end at all: the in-process
// tests have to tell "ended by its deadline" from "hangs", and the words and
// the -t state (two variants of each case) tell it was the deadline.
// keptDeadline bounds their times by -t × slowScale, the plugin's own (time=
// and its kin) and the wall time the test sees: dozens of -race runs side by
// side in one test process on a machine that runs other work are starved of
// CPU (at load 25 on two cores TestHostile saw 6.4 s for -t 1).
//
// That the answer comes before -t, the plugin's promise, is held by
// TestDeadlineKept: the built plugin as its own process, whose own time=
// (its clock, from its start) must be under -t, and whose wall time, start-up
// included, is bounded by -t × slowScale.
//
// A case that is not about the deadline gets a -t it never reaches
// (generousTimeout), so that a loaded machine cannot turn its answer into a
// timeout, and hangGuard ends a test whose plugin process does not end.
const (
	slowScale       = 20
	generousTimeout = "30"
	hangGuard       = 2 * time.Minute
)

// perfTime matches a time perfdata item (time, time_login, time_token ...)
// and its value in seconds.
var perfTime = regexp.MustCompile(`(?:^| )'?time\w*'?=([0-9.]+)s`)

// perfTimes are the time perfdata items of line 1, by label.
func perfTimes(out []byte) map[string]float64 {
	times := map[string]float64{}
	line1, _, _ := strings.Cut(string(out), "\n")
	if _, perf, ok := strings.Cut(line1, " | "); ok {
		for _, m := range perfTime.FindAllStringSubmatch(perf, -1) {
			if v, err := strconv.ParseFloat(m[1], 64); err == nil {
				label, _, _ := strings.Cut(strings.Trim(strings.TrimSpace(m[0]), "'"), "=")
				times[strings.Trim(label, "'")] = v
			}
		}
	}
	return times
}

// keptDeadline lists how a run that its deadline ended broke -t (seconds):
// a time it reports, or the wall time the test saw, over -t × slowScale.
func keptDeadline(out []byte, took time.Duration, timeout float64) []string {
	var fails []string
	limit := timeout * slowScale
	for label, v := range perfTimes(out) {
		if v > limit {
			fails = append(fails, fmt.Sprintf("the plugin reports %s=%gs, over -t %g × %d: does it keep its deadline?", label, v, timeout, slowScale))
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
