package check

import (
	"context"
	"fmt"
	"strings"
	"time"

	"check_creatio_oauth/check/identity"
	"check_creatio_oauth/check/report"
	"check_creatio_oauth/plugin"
)

// Direct runs Creatio's three OAuth checks from this host against the
// Identity Service, with the values of Creatio's system settings: settings
// filled in, discovery document reachable, client_credentials token
// retrievable. It works for Creatio versions without the health endpoint.
type Direct struct {
	Identity   identity.Identity // URL nil when --identity-url is empty
	Thresholds plugin.Thresholds // on the whole run's time in seconds
	Lifetime   plugin.Thresholds // on the token's expires_in in seconds
	Policy     report.Policy     // Whose is report.CreatioSettings
	Now        func() time.Time  // clock for the token checks; nil is time.Now
}

// Run runs the steps in Creatio's order; a failed step ends the run and the
// later flags are false, as in Creatio's answer. The run's time is measured
// once, at its end, for the perfdata, the thresholds and the line.
func (d *Direct) Run(ctx context.Context) *report.Report {
	start := time.Now()
	r := &report.Report{Mode: "direct"}
	tok := d.run(ctx, r)
	took := time.Since(start).Seconds()
	r.Perf = append([]plugin.Perf{report.TimePerf(report.Time, took, d.Thresholds, d.Policy.Timeout.Seconds())}, r.Perf...)
	if tok == nil {
		return r
	}
	r.Summary = report.AsExpected + " (" + report.HumanSeconds(took) + ")"
	d.inspectToken(r, tok)
	if r.State == plugin.OK || r.State == plugin.Warning {
		r.Rate(d.Thresholds, report.Measure{What: "the direct check took", Value: took, Unit: "s", Options: [2]string{"-w", "-c"},
			Step: "response_time", Fix: "check the load of the Identity Service, or adjust -w/-c"})
	}
	return r
}

// run runs the three steps and returns the token, or nil when a step
// failed (r then says why).
func (d *Direct) run(ctx context.Context, r *report.Report) *identity.Token {
	// 1. settings filled in: here, the monitoring host's own configuration
	if missing := d.missing(); missing != "" {
		r.Fail(d.Policy, report.Failed(report.Setup, "direct mode needs "+missing, "give the values of Creatio's OAuth20IdentityServer* settings").In(report.StepSettings))
		return nil
	}
	f, t := false, true
	r.Health = &report.Health{HasProblem: true, SettingsFilledIn: &t, IdentityServiceAvailable: &f, TokenRetrievable: &f}
	r.Steps = append(r.Steps, report.Step{Name: report.StepSettings, State: plugin.OK, Detail: "identity URL, client id and client secret are given"})
	// 2. Identity Service available
	start := time.Now()
	ep, fl := d.Identity.Discover(ctx, d.Policy)
	r.Perf = append(r.Perf, report.SecondsPerf(report.TimeDiscovery, time.Since(start).Seconds()))
	if fl != nil {
		d.failed(r, fl)
		return nil
	}
	r.Health.IdentityServiceAvailable = &t
	r.Steps = append(r.Steps, report.Step{Name: report.StepIdentityService, State: plugin.OK, Detail: "discovery document names token_endpoint " + d.Identity.Client.URLText(ep.URL)})
	// 3. access token retrievable
	start = time.Now()
	tok, notes, fl := d.Identity.Token(ctx, ep, d.Policy)
	if tok != nil { // the server's token_type, said through the door before Inspect quotes it
		tok.Type = d.Identity.Client.Clean(tok.Type, 40)
	}
	r.Perf = append(r.Perf, report.SecondsPerf(report.TimeToken, time.Since(start).Seconds()))
	if ep.Note != "" {
		r.Notes = append(r.Notes, ep.Note)
	}
	r.Notes = append(r.Notes, notes...)
	if fl != nil {
		d.failed(r, fl)
		return nil
	}
	r.Health.TokenRetrievable = &t
	r.Health.HasProblem = false
	r.Steps = append(r.Steps, report.Step{Name: report.StepToken, State: plugin.OK, Detail: fmt.Sprintf("client %s got a %s token (expires_in %d s)", plugin.Sanitize(d.Identity.ClientID), d.Identity.Client.Clean(tok.Type, 40), tok.ExpiresIn)})
	return tok
}

// failed ends the run at a failed step: Creatio's Message for it, the
// failure as the Identity Service judged it, and the steps that did not run.
func (d *Direct) failed(r *report.Report, f *report.Failure) {
	for _, c := range report.Checks {
		if c.Name == f.Step {
			r.Health.Message = c.Message
		}
	}
	r.Fail(d.Policy, f)
	if f.Step == report.StepIdentityService {
		r.Steps = append(r.Steps, report.Step{Name: report.StepToken, State: plugin.Critical, Detail: "not checked: an earlier step failed"})
	}
}

// inspectToken adds the checks beyond Creatio's: token type, lifetime, exp
// and clock skew.
func (d *Direct) inspectToken(r *report.Report, tok *identity.Token) {
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	if st, why := tok.Inspect(now()); st != plugin.OK {
		r.Fail(d.Policy, report.RatedFailure(st, why, "check the Identity Service's clock (NTP), its signing certificate and its token settings").In("token_validity"))
	}
	if tok.ExpiresIn > 0 {
		lt := float64(tok.ExpiresIn)
		r.Perf = append(r.Perf, lifetimePerf(lt, d.Lifetime))
		r.Rate(d.Lifetime, report.Measure{What: "token lifetime", Value: lt, Unit: "s",
			Options: [2]string{"--token-lifetime-warning", "--token-lifetime-critical"},
			Step:    "token_lifetime", Fix: "check AccessTokenLifetime of the client in the Identity Service"})
	}
}

// missing names what the monitoring host lacks to run the check, or "".
func (d *Direct) missing() string {
	var m []string
	if d.Identity.URL == nil {
		m = append(m, "--identity-url")
	}
	if d.Identity.ClientID == "" {
		m = append(m, "--client-id")
	}
	if d.Identity.Secret == "" {
		m = append(m, "the secret (CREATIO_CLIENT_SECRET or --client-secret-file)")
	}
	switch len(m) {
	case 0:
		return ""
	case 1:
		return m[0]
	}
	return strings.Join(m[:len(m)-1], ", ") + " and " + m[len(m)-1]
}

// lifetimePerf is the perfdata of the token's lifetime in seconds, with
// the thresholds of --token-lifetime-warning and -critical.
func lifetimePerf(s float64, t plugin.Thresholds) plugin.Perf {
	p := report.TokenLifetime.Perf(s)
	p.Warning, p.Critical, p.Min = t.Warning, t.Critical, plugin.Float(0)
	return p
}
