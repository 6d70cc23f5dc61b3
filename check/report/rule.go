package report

import (
	"strings"
	"time"

	"check_creatio_oauth/plugin"
)

// Kind is what kind of thing went wrong. Every request the plugin makes
// (login, health, logout, discovery, token) names the kind of its failure
// where it happens, and Policy.State alone turns the kind into a state: one
// rule, whichever request found the trouble.
type Kind int

const (
	// Server is the server's fault: a 5xx, 429 or 408 from Creatio or the
	// Identity Service whatever its body says, or an answer that is not
	// what that server speaks (not its JSON, too large, endless redirects,
	// broken HTTP, a 2xx token answer without a token): CRITICAL.
	Server Kind = iota
	// Problem is the OAuth problem the plugin exists to report: Creatio's
	// HasProblem, or an Identity Service that refuses what Creatio needs
	// of it (unsupported_grant_type): CRITICAL.
	Problem
	// Unreachable is a DNS, connection or TLS failure, or a connection
	// dropped without an answer: --unreachable-state.
	Unreachable
	// Deadline is the run's deadline passing (or a signal): the -t state.
	Deadline
	// Setup is the monitoring side's own mistake: a missing secret, a
	// permission refusal after a good login, a login wall with --auth none,
	// a wrong --url, a proxy that wants a password: UNKNOWN, the OAuth
	// health was not measured.
	Setup
	// Credentials is a refusal of the credentials themselves (a wrong
	// password, an OAuth error invalid_client, invalid_grant,
	// unauthorized_client, invalid_scope or invalid_request), also of an
	// OAuth client that the Identity Service lets authenticate only in
	// ways the plugin does not speak (private_key_jwt): its setup. Whose
	// they are decides: the plugin's own login's are the monitoring side's
	// mistake (UNKNOWN); Creatio's system settings, which direct mode
	// checks, are the problem itself (CRITICAL). See Policy.Whose.
	Credentials
	// Rated is a value rated against a rule of its own: a time or a token
	// lifetime outside the admin's range, a token that fails its sanity
	// checks, a certificate near its end. The failure carries the state it
	// was rated (see Rated).
	Rated
)

// Whose is whose credentials a check uses: it decides the state of their
// refusal (Credentials) and the advice.
type Whose int

const (
	// PluginLogin is the plugin's own login (endpoint mode): a refusal is
	// the monitoring side's mistake (UNKNOWN), and an Identity Service
	// without a discovery document is asked at /connect/token.
	PluginLogin Whose = iota
	// CreatioSettings is a copy of Creatio's own system settings (direct
	// mode): a refusal is the problem itself (CRITICAL).
	CreatioSettings
)

// Policy holds the admin's choices of state for the failures outside the
// services' control, and whose credentials a run checks.
type Policy struct {
	Timeout      time.Duration // the whole run's budget (-t), for messages
	TimeoutState plugin.State  // state when the deadline passes (-t N:STATE)
	Unreachable  plugin.State  // state for DNS, connect and TLS failures
	// Whose is whose credentials the check uses; the configuration sets
	// it once, CreatioSettings for the direct check.
	Whose Whose
}

// State is the rule: the state of a failure of kind k.
func (p Policy) State(k Kind) plugin.State {
	switch k {
	case Unreachable:
		return p.Unreachable
	case Deadline:
		return p.TimeoutState
	case Setup:
		return plugin.Unknown
	case Credentials:
		if p.Whose != CreatioSettings {
			return plugin.Unknown
		}
	}
	return plugin.Critical
}

// stateOf is the state of failure f: the one it carries when it was rated
// (Rated, or recorded by a report), else the rule's for its kind.
func (p Policy) stateOf(f *Failure) plugin.State {
	if f.rated {
		return f.State
	}
	return p.State(f.Kind)
}

// Failure is something that went wrong, said for an admin where it was
// found: its kind, the step it ends, what happened and what to do.
// Report.Fail alone turns it into a state and a check entry.
type Failure struct {
	Kind Kind
	Step string // the check entry it fails: "login", "health_request", "token", ...
	Text string // what failed and where: line 1, before the advice
	// Hint is the short advice of line 1 where Fix is too long for it
	// (Creatio's documented solutions); empty: line 1 ends with Fix.
	Hint string
	Fix  string // what to do: long output's "fix:" and JSON's "fix"
	// Detail is what long output and JSON's "detail" say when it is more
	// than Text: the server's whole error_description, the answer's start.
	Detail string
	// State is the state the failure was rated (Rated), or, in
	// Report.Failures, the state Report.Fail gave it.
	State plugin.State
	rated bool // State holds: Rated, or recorded by Report.Fail
}

// RatedFailure is a failure that a rule of its own rated st (see Rated):
// text is its line 1, which names the range or rule it broke, so line 1
// carries no other advice; fix is for long output and JSON.
func RatedFailure(st plugin.State, text, fix string) *Failure {
	return &Failure{Kind: Rated, Text: text, Fix: fix, State: st, rated: true}
}

// Failed is a failure of kind k: text says what failed, fix what to do.
func Failed(k Kind, text, fix string) *Failure {
	return &Failure{Kind: k, Text: text, Fix: fix}
}

// In sets the step the failure ends and returns f.
func (f *Failure) In(step string) *Failure {
	f.Step = step
	return f
}

// Long is what long output says of f: its detail, else its text.
func (f *Failure) Long() string {
	if f.Detail != "" {
		return f.Detail
	}
	return f.Text
}

// Line is f for line 1: the text and the advice, fitted once into the
// room a status line has (see joinLine).
func (f *Failure) Line() string {
	advice := f.Hint
	if advice == "" && f.Kind != Rated {
		advice = f.Fix
	}
	return joinLine(f.Text, advice)
}

// room is what a summary may take of line 1 after "CREATIO OAUTH CRITICAL - ".
const room = plugin.MaxLine - len(Name+" CRITICAL - ")

// joinLine joins what happened and what to do ("text; advice") so that line 1
// stays within plugin.MaxLine: an advice longer than half the room is cut
// to half (at a word, marked "..."), and the text is cut to what is left.
// A summary is cut here once, never again by the output; long output and
// JSON have the whole text and fix.
func joinLine(text, advice string) string {
	text = strings.TrimRight(plugin.Sanitize(text), " ;")
	advice = Cut(plugin.Sanitize(advice), room/2)
	if advice == "" {
		return Cut(text, room)
	}
	sep := "; "
	if strings.HasSuffix(text, ".") || strings.HasSuffix(text, "?") || strings.HasSuffix(text, ":") {
		sep = " "
	}
	return Cut(text, room-len(sep)-len(advice)) + sep + advice
}

// Cut cuts s to at most n bytes for line 1 and marks the cut with "...":
// back to the last space when the cut falls inside a word and a space is
// near (in the last quarter), else inside the word, never in a UTF-8
// sequence. It is the one cutter of line 1: joinLine cuts with it, and the
// detail of line 1 is cut with it where it has less room.
func Cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	t := plugin.Truncate(s, n-3)
	if i := strings.LastIndexByte(t, ' '); i > len(t)*3/4 && s[len(t)] != ' ' {
		t = t[:i] // not within a word
	}
	return strings.TrimRight(t, " ,.;:(") + "..."
}
