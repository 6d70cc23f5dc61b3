// Package report holds the outcome of one run and the rule that gives it
// its state: Kind, Failure and Policy (rule.go), Report with its steps and
// perfdata, its Nagios rendering and its JSON, every perfdata Label the
// checks can print with its unit and meaning (perfdata.go), the words for times and
// thresholds, and Creatio's health vocabulary (health.go: its flags, its
// checks with their documented words and fixes, the step names). It knows what a check found, not how: it makes no request and
// knows neither HTTP nor Creatio's endpoints; every package of check/
// imports it, and it imports only plugin.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"check_creatio_oauth/plugin"
)

// Name is the service name at the start of every status line.
const Name = "CREATIO OAUTH"

// AsExpected opens the status line of a healthy run, in Creatio's words;
// the time follows in brackets.
const AsExpected = "OAuth token is received from the Identity Service as expected"

// Report is the outcome of one run: the state, the line for the admin, each
// step, Creatio's flags as far as they are known, and the perfdata.
type Report struct {
	Mode    string // "endpoint", "direct" or "both"
	State   plugin.State
	Summary string
	Detail  string // extra line-1 detail shown at -v 1 and above
	Steps   []Step
	Health  *Health // nil when no health status was learned
	Perf    []plugin.Perf
	Notes   []string // verbose notes: the runtime found, the debug trace
	// Cache is what the run did with the credential cache; nil when none
	// was wanted (--no-cache, direct mode, no login or a ready token).
	Cache *CacheUse
	// Warnings are said from -v on, in long output: what the admin should
	// fix although the check ran (a secret file others can read).
	Warnings []string
	// Failures are the failures Fail recorded, in order, each with the
	// state it was given: what made State.
	Failures []Failure
}

// CacheUse is the credential cache of a run, for the long output and the
// JSON's "cache" member.
type CacheUse struct {
	Used   bool   `json:"used"`             // the cache directory was usable
	Dir    string `json:"dir,omitempty"`    // the directory, used or not
	Reason string `json:"reason,omitempty"` // why it was not used, with what to do
}

// Line is the long-output line of a cache that was not used, shown at
// every verbosity: without it a check would log in and out on every run
// and nothing would say so.
func (c *CacheUse) Line() string {
	sep := "; " // a reason with its own fix gets an alternative
	if strings.Contains(c.Reason, "; ") {
		sep = ", or "
	}
	return "cache: not used: " + c.Reason + sep + "give --cache-dir or --no-cache"
}

// Fail records failure f: its state by the rule of p (or the state it
// carries, see Policy.stateOf), the worst state winning; its line as the
// summary when it is the first failure or worse than those before; and
// its check entry with the detail and the fix, unless it names no step.
// It is the one place where a report's state is set.
func (r *Report) Fail(p Policy, f *Failure) *Report {
	st := p.stateOf(f)
	if r.State == plugin.OK || plugin.Worst(r.State, st) != r.State {
		r.Summary = f.Line()
	}
	r.State = plugin.Worst(r.State, st)
	rec := *f
	rec.State, rec.rated = st, true
	r.Failures = append(r.Failures, rec)
	if f.Step == "" {
		return r
	}
	fix := f.Fix
	if fix == "" {
		fix = f.Hint
	}
	r.Steps = append(r.Steps, Step{Name: f.Step, State: st, Detail: f.Long(), Fix: fix})
	return r
}

// Result renders the report for Nagios at verbosity v (0-3): long output
// lists each step, and its fix, at -v 2 and on any result that is not OK;
// a credential cache that was wanted and not used is said at every
// verbosity; notes (the debug trace) follow at -v 2 and above.
func (r *Report) Result(v int) plugin.Result {
	res := plugin.Result{Name: Name, State: r.State, Summary: r.Summary, Perf: r.Perf}
	if v >= 1 && r.Detail != "" && len(r.Summary)+len(r.Detail)+3 <= room {
		res.Summary += " (" + r.Detail + ")" // only where it fits: line 1 is cut once, by joinLine
	}
	if v >= 2 || r.State != plugin.OK {
		for _, s := range r.Steps {
			if v < 2 && s.Detail == r.Summary && s.Fix == "" {
				continue // the status line says it already
			}
			res.Long = append(res.Long, `\_ [`+s.State.String()+"] "+s.Name+": "+s.Detail)
			if s.Fix != "" && s.State != plugin.OK {
				res.Long = append(res.Long, "   fix: "+s.Fix)
			}
		}
	}
	if r.Cache != nil && !r.Cache.Used {
		res.Long = append(res.Long, plugin.Sanitize(r.Cache.Line()))
	}
	if v >= 1 {
		res.Long = append(res.Long, r.Warnings...)
	}
	if v >= 2 {
		res.Long = append(res.Long, r.Notes...)
	}
	return res
}

// jsonReport is the one-line JSON of --output json. Creatio's own fields keep
// their names, so a dashboard cannot tell the modes apart but by "mode".
type jsonReport struct {
	State                                    plugin.State       `json:"state"`
	StateText                                string             `json:"state_text"`
	Summary                                  string             `json:"summary"`
	Mode                                     string             `json:"mode"`
	HasProblem                               *bool              `json:"HasProblem"`
	IsSystemSettingsFilledIn                 *bool              `json:"IsSystemSettingsFilledIn"`
	IsIdentityServiceAvailable               *bool              `json:"IsIdentityServiceAvailable"`
	IsAccessTokenRetrievableForSystemActions *bool              `json:"IsAccessTokenRetrievableForSystemActions"`
	IsDefaultResourceRegistered              *bool              `json:"IsDefaultResourceRegistered,omitempty"`
	Message                                  *string            `json:"Message"`
	Metrics                                  map[string]float64 `json:"metrics"`
	Checks                                   []jsonStep         `json:"checks"`
	Cache                                    *CacheUse          `json:"cache,omitempty"`
}

type jsonStep struct {
	Name   string       `json:"name"`
	State  plugin.State `json:"state"`
	Detail string       `json:"detail"`
	Fix    string       `json:"fix,omitempty"`
}

// WriteJSON writes the report as one line of JSON: state, state_text,
// summary, mode, Creatio's fields (null when not learned), metrics in
// seconds and bytes, checks, and cache when a credential cache was wanted.
func (r *Report) WriteJSON(w io.Writer) error {
	var buf strings.Builder
	if _, err := (plugin.Result{Name: Name, State: r.State, Summary: r.Summary}).WriteTo(&buf); err != nil {
		return err
	}
	line := strings.TrimSuffix(buf.String(), "\n")
	j := jsonReport{
		State:     r.State,
		StateText: r.State.String(),
		Summary:   strings.TrimPrefix(strings.TrimPrefix(line, Name+" "+r.State.String()), " - "),
		Mode:      r.Mode,
		Metrics:   map[string]float64{},
		Checks:    []jsonStep{},
	}
	if h := r.Health; h != nil {
		hp := h.HasProblem
		j.HasProblem = &hp
		j.IsSystemSettingsFilledIn = h.SettingsFilledIn
		j.IsIdentityServiceAvailable = h.IdentityServiceAvailable
		j.IsAccessTokenRetrievableForSystemActions = h.TokenRetrievable
		j.IsDefaultResourceRegistered = h.DefaultResourceRegistered
		if h.Message != "" {
			m := h.Message
			j.Message = &m
		}
	}
	for _, p := range r.Perf {
		if !math.IsNaN(p.Value) && !math.IsInf(p.Value, 0) {
			j.Metrics[p.Label] = p.Value
		}
	}
	for _, s := range r.Steps {
		j.Checks = append(j.Checks, jsonStep{Name: s.Name, State: s.State, Detail: plugin.Sanitize(s.Detail), Fix: s.Fix})
	}
	if c := r.Cache; c != nil {
		j.Cache = &CacheUse{Used: c.Used, Dir: plugin.Sanitize(c.Dir), Reason: plugin.Sanitize(c.Reason)}
	}
	b, err := json.Marshal(j)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// seconds6 rounds seconds to microseconds for perfdata.
func seconds6(s float64) float64 { return math.Round(s*1e6) / 1e6 }

// SecondsPerf is the perfdata of a time in seconds: rounded to
// microseconds, minimum 0.
func SecondsPerf(label Label, s float64) plugin.Perf {
	p := label.Perf(seconds6(s))
	p.Min = plugin.Float(0)
	return p
}

// TimePerf is the perfdata of a time in seconds with thresholds and the
// timeout as max.
func TimePerf(label Label, s float64, t plugin.Thresholds, max float64) plugin.Perf {
	p := SecondsPerf(label, s)
	p.Warning, p.Critical, p.Max = t.Warning, t.Critical, plugin.Float(max)
	return p
}

// HumanSeconds prints a duration for a status line: "12.3 ms" below a
// second, "1.234 s" above.
func HumanSeconds(s float64) string {
	if s < 1 {
		return fmt.Sprintf("%.1f ms", s*1000)
	}
	return fmt.Sprintf("%.3f s", s)
}

// Measure is a value rated against a pair of ranges that options gave.
type Measure struct {
	What    string    // "health request took", "token lifetime"
	Value   float64   // in the ranges' unit
	Unit    string    // the ranges' unit, e.g. "s"
	Options [2]string // the options of the warning and critical range, e.g. "-w", "-c"
	Step    string    // the check entry, e.g. "response_time"
	Fix     string    // what to do when it is outside
}

// Rate rates m against th and, when it is outside, records the failure in
// r, in the ranges' own unit and naming the option: "health request took
// 0.502 s, outside -w 0.1" (seconds). It leads line 1 only when it is the
// worst.
func (r *Report) Rate(th plugin.Thresholds, m Measure) plugin.State {
	st := th.Evaluate(m.Value)
	if st == plugin.OK {
		return st
	}
	rng, opt := th.Critical, m.Options[1]
	if st == plugin.Warning {
		rng, opt = th.Warning, m.Options[0]
	}
	where := "outside"
	if rng.Inside {
		where = "inside"
	}
	text := fmt.Sprintf("%s %s %s, %s %s %s", m.What, shown(th, m.Value, st), m.Unit, where, opt, rng)
	f := RatedFailure(st, text, m.Fix)
	if r.State == plugin.OK {
		f.Text += "; OAuth token is received as expected"
	}
	f.Step, f.Detail = m.Step, text
	r.Fail(Policy{}, f)
	return st
}

// shown is v, rated st by th, for a line: to the thousandth (a time in
// milliseconds, "took 0.502 s"), or finer, up to the millionth, where the
// rounded value would be 0 or fall on the other side of a range's end
// (2.0004 s over -w 2 is not "2 s").
func shown(th plugin.Thresholds, v float64, st plugin.State) string {
	for d := 3; d < 6; d++ {
		p := math.Pow10(d)
		if r := math.Round(v*p) / p; th.Evaluate(r) == st && (r != 0 || v == 0) {
			return strconv.FormatFloat(r, 'f', -1, 64)
		}
	}
	return strconv.FormatFloat(seconds6(v), 'f', -1, 64)
}

// Step is one sub-check of a run, listed in long output and in JSON.
type Step struct {
	Name   string       // e.g. "settings", "token", "health_request", "login"
	State  plugin.State // OK, or how this step failed
	Detail string       // what was found
	Fix    string       // what to do, for a failed step
}
