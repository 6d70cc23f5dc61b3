package main

import (
	"strings"

	"check_creatio_oauth/check/report"
	"check_creatio_oauth/testdata/sim"
)

// The words the root tests look for in the plugin's output, pinned here
// once: rewording a message in the code changes this file (and the goldens,
// go test -update .), not every test that looks for it. Creatio's own words
// come from the simulator, which speaks them; the plugin's own are check/'s
// (unexported there), and the command line's are in this package.
var (
	// Creatio's Message when the Identity Service is unavailable, as the
	// status line starts it (without the full stop).
	wordsCreatioUnavailable = strings.TrimSuffix(sim.MessageIdentityUnavailable, ".")
	// The plugin's line for an Identity Service it cannot use (direct
	// mode, its own login): Creatio's words, made short.
	wordsIdentityUnavailable = report.Unavailable
	// The start of the line when no token can be retrieved.
	wordsTokenUnretrievable = report.Unretrievable
)

// The plugin's words (check/; unexported there).
const (
	wordsOK           = "as expected"                            // a healthy answer
	wordsTimeout      = "timeout"                                // any request the deadline ended
	wordsInterrupted  = "was interrupted before an answer came"  // a request a signal ended
	wordsLoggedOut    = "\nlogout: ended the session of "        // -vv after a forms login
	wordsSessionStays = " stays until Creatio's session timeout" // -vv: a logout that did not get through
)

// wordsNoAnswer is the deadline's words for a request, with -t as given.
func wordsNoAnswer(timeout string) string {
	return "hit the " + timeout + " s timeout"
}
