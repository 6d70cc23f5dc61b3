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
// answers, so a plugin that ignored -t would not end at all: the test only
// has to tell "ended by its deadline" from "hangs". Two measures do that:
//
//   - the plugin's own: the times it reports (time= and its kin, measured
//     by its own clock from its own start) are at most -t;
//   - the test's: the wall time of the run is at most -t × wallScale, the
//     scale standing for process start-up, -race and a machine that runs
//     other work (six CPU hogs on two cores stretch a run about fourfold).
//
// A case that is not about the deadline gets a -t it never reaches
// (generousTimeout), so that a loaded machine cannot turn its answer into a
// timeout, and hangGuard ends a test whose plugin does not end.
const (
	wallScale       = 5
	generousTimeout = "30"
	hangGuard       = 2 * time.Minute
)

// perfTime matches a time perfdata item (time, time_login, time_token ...)
// and its value in seconds.
var perfTime = regexp.MustCompile(`(?:^| )'?time\w*'?=([0-9.]+)s`)

// keptDeadline lists how a run that its deadline ended broke -t (seconds):
// a reported time over it, or a wall time over -t × wallScale.
func keptDeadline(out []byte, took time.Duration, timeout float64) []string {
	var fails []string
	line1, _, _ := strings.Cut(string(out), "\n")
	if _, perf, ok := strings.Cut(line1, " | "); ok {
		for _, m := range perfTime.FindAllStringSubmatch(perf, -1) {
			if v, err := strconv.ParseFloat(m[1], 64); err == nil && v > timeout {
				fails = append(fails, fmt.Sprintf("the plugin reports %s, over -t %g", strings.TrimSpace(m[0]), timeout))
			}
		}
	}
	if limit := time.Duration(timeout * wallScale * float64(time.Second)); took > limit {
		fails = append(fails, fmt.Sprintf("took %v, over -t × %d = %v: does it keep its deadline?", took.Round(time.Millisecond), wallScale, limit))
	}
	return fails
}

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
