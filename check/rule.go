package check

import (
	"time"

	"check_creatio_oauth/plugin"
)

// fault is the kind of a failed request. Every request the plugin makes
// (login, health, logout, discovery, token) names the kind of its failure,
// and Policy.state alone turns the kind into a state: one rule, whichever
// request found the trouble.
type fault int

const (
	// faultServer is a 5xx from Creatio or the Identity Service, or an
	// answer that is not what that server speaks (not its JSON, too large,
	// endless redirects, broken HTTP): CRITICAL, an outage is an outage.
	faultServer fault = iota
	// faultProblem is the OAuth problem the plugin exists to report:
	// Creatio's HasProblem, or a direct-mode step that fails: CRITICAL.
	faultProblem
	// faultUnreachable is a DNS, connection or TLS failure, or a connection
	// dropped without an answer: --unreachable-state.
	faultUnreachable
	// faultDeadline is the run's deadline passing (or a signal): the -t state.
	faultDeadline
	// faultSetup is the monitoring side's own mistake: a wrong password or
	// client secret of the plugin's login, a missing secret, a permission
	// refusal after a good login, a login wall with --auth none, a wrong
	// --url: UNKNOWN, the OAuth health was not measured.
	faultSetup
)

// Policy holds the admin's choices of state for the failures outside the
// services' control.
type Policy struct {
	Timeout      time.Duration // the whole run's budget (-t), for messages
	TimeoutState plugin.State  // state when the deadline passes (-t N:STATE)
	Unreachable  plugin.State  // state for DNS, connect and TLS failures
}

// state is the rule: the state of a failure of kind f.
func (p Policy) state(f fault) plugin.State {
	switch f {
	case faultUnreachable:
		return p.Unreachable
	case faultDeadline:
		return p.TimeoutState
	case faultSetup:
		return plugin.Unknown
	}
	return plugin.Critical
}

// failure is a request that got no usable answer, said for an admin.
type failure struct {
	kind   fault
	text   string // line 1: what failed, where, and what to check
	detail string // long output, when it says more than text
}

// fail is a failure of kind k with text.
func fail(k fault, text string) *failure { return &failure{kind: k, text: text} }

// long is what long output says of f: its detail, else its text.
func (f *failure) long() string {
	if f.detail != "" {
		return f.detail
	}
	return f.text
}
