package plugin

import "fmt"

// State is a plugin state. Its integer value is the plugin's exit code.
type State int

// The four plugin states defined by the Monitoring Plugins guidelines, with
// their exit codes.
const (
	OK       State = 0 // The service works properly.
	Warning  State = 1 // A value is above a warning threshold, or the service does not appear to work properly.
	Critical State = 2 // The service is not running, or a value is above a critical threshold.
	Unknown  State = 3 // Invalid arguments or a failure inside the plugin itself.
)

// String returns the upper-case state name: "OK", "WARNING", "CRITICAL" or
// "UNKNOWN". Any value other than 0 to 3 is reported as "UNKNOWN", the way
// monitoring cores treat unexpected exit codes.
func (s State) String() string {
	switch s {
	case OK:
		return "OK"
	case Warning:
		return "WARNING"
	case Critical:
		return "CRITICAL"
	default:
		return "UNKNOWN"
	}
}

// ParseState parses a state name or exit code, as used by options such as
// --timeout-result. Names ("ok", "warning", "critical", "unknown") are
// matched case-insensitively (ASCII only); codes must be exactly one of the
// digits "0" to "3", so "00", "01" and "10" are rejected, as is the empty
// string.
func ParseState(s string) (State, error) {
	switch s {
	case "0":
		return OK, nil
	case "1":
		return Warning, nil
	case "2":
		return Critical, nil
	case "3":
		return Unknown, nil
	}
	for _, st := range []State{OK, Warning, Critical, Unknown} {
		if equalFoldASCII(s, st.String()) {
			return st, nil
		}
	}
	return Unknown, fmt.Errorf("invalid state %q: want OK, WARNING, CRITICAL, UNKNOWN or 0-3", s)
}

// equalFoldASCII reports whether s equals the upper-case ASCII string upper
// when ASCII letters in s are upper-cased. Unlike strings.EqualFold it does
// not apply Unicode folding, so the Kelvin sign does not match "K".
func equalFoldASCII(s, upper string) bool {
	if len(s) != len(upper) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != upper[i] {
			return false
		}
	}
	return true
}

// Worst returns the most severe of states, in the order of the Monitoring
// Plugins C library's max_state_alt: CRITICAL > WARNING > UNKNOWN > OK.
// So a definite WARNING outranks an UNKNOWN partial result. Values outside
// 0 to 3 count as UNKNOWN and are returned as [Unknown]. Worst() with no
// arguments returns [OK].
func Worst(states ...State) State {
	worst := OK
	for _, s := range states {
		if severity(s) > severity(worst) {
			worst = s
		}
	}
	if worst < OK || worst > Unknown {
		return Unknown
	}
	return worst
}

// severity ranks s for [Worst]; a higher rank is more severe.
func severity(s State) int {
	switch s {
	case OK:
		return 0
	case Warning:
		return 2
	case Critical:
		return 3
	default: // Unknown and invalid values
		return 1
	}
}
