package check

import (
	"encoding/json"
	"io"
	"math"
	"strings"

	"check_creatio_oauth/plugin"
)

// Name is the service name at the start of every status line.
const Name = "CREATIO OAUTH"

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
}

// fail sets the state (by the rule of p) and the summary of a failed run.
func (r *Report) fail(p Policy, f *failure, step string) *Report {
	st := p.state(f.kind)
	r.State = plugin.Worst(r.State, st)
	r.Summary = f.text
	r.Steps = append(r.Steps, Step{Name: step, State: st, Detail: f.long()})
	return r
}

// Redact hides the secrets in every text of the report: the summary, the
// detail, each step, the notes and Creatio's Message. Nothing the plugin
// prints comes from elsewhere.
func (r *Report) Redact(s *Secrets) {
	r.Summary, r.Detail = s.Redact(r.Summary), s.Redact(r.Detail)
	for i := range r.Steps {
		r.Steps[i].Detail, r.Steps[i].Fix = s.Redact(r.Steps[i].Detail), s.Redact(r.Steps[i].Fix)
	}
	for i := range r.Notes {
		r.Notes[i] = s.Redact(r.Notes[i])
	}
	if r.Health != nil {
		h := *r.Health // may be shared by another report (--mode both)
		h.Message = s.Redact(h.Message)
		r.Health = &h
	}
}

// raise adds a finding in state st with its step: the worst state wins, and
// the finding becomes the status line when it is now the worst one.
func (r *Report) raise(st plugin.State, summary string, step Step) {
	step.State = st
	r.Steps = append(r.Steps, step)
	if st == plugin.OK {
		return
	}
	if r.State == plugin.OK || plugin.Worst(r.State, st) != r.State {
		r.Summary = summary
	}
	r.State = plugin.Worst(r.State, st)
}

// Result renders the report for Nagios at verbosity v (0-3): long output
// lists each step, and its fix, at -v 2 and on any result that is not OK;
// notes (the debug trace) follow at -v 2 and above.
func (r *Report) Result(v int) plugin.Result {
	res := plugin.Result{Name: Name, State: r.State, Summary: r.Summary, Perf: r.Perf}
	if v >= 1 && r.Detail != "" {
		res.Summary += " (" + r.Detail + ")"
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
}

type jsonStep struct {
	Name   string       `json:"name"`
	State  plugin.State `json:"state"`
	Detail string       `json:"detail"`
	Fix    string       `json:"fix,omitempty"`
}

// WriteJSON writes the report as one line of JSON: state, state_text,
// summary, mode, Creatio's fields (null when not learned), metrics in
// seconds and bytes, and checks.
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
	b, err := json.Marshal(j)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// seconds6 rounds seconds to microseconds for perfdata.
func seconds6(s float64) float64 { return math.Round(s*1e6) / 1e6 }

// secondsPerf is the perfdata of a time in seconds: rounded to
// microseconds, minimum 0.
func secondsPerf(label string, s float64) plugin.Perf {
	return plugin.Perf{Label: label, Value: seconds6(s), Unit: "s", Min: plugin.Float(0)}
}

// timePerf is the perfdata of a time in seconds with thresholds and the
// timeout as max.
func timePerf(label string, s float64, t plugin.Thresholds, max float64) plugin.Perf {
	p := secondsPerf(label, s)
	p.Warning, p.Critical, p.Max = t.Warning, t.Critical, plugin.Float(max)
	return p
}
