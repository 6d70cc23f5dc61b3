package check

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"check_creatio_oauth/plugin"
)

// Direct runs Creatio's three OAuth checks from this host against the
// Identity Service, with the values of Creatio's system settings: settings
// filled in, discovery document reachable, client_credentials token
// retrievable. It works for Creatio versions without the health endpoint.
type Direct struct {
	Identity   Identity          // URL nil when --identity-url is empty
	Thresholds plugin.Thresholds // on the whole run's time in seconds
	Lifetime   plugin.Thresholds // on the token's expires_in in seconds
	Policy     Policy
	Now        func() time.Time // clock for the token checks; nil is time.Now
}

// Run runs the steps in Creatio's order; a failed step ends the run and the
// later flags are false, as in Creatio's answer.
func (d *Direct) Run(ctx context.Context) *Report {
	start := time.Now()
	r := &Report{Mode: "direct"}
	defer func() {
		r.Perf = append([]plugin.Perf{timePerf("time", time.Since(start).Seconds(), d.Thresholds, d.Policy.Timeout.Seconds())}, r.Perf...)
		if r.State == plugin.OK || r.State == plugin.Warning {
			timeFinding(r, d.Thresholds, time.Since(start).Seconds(), "the direct check took", "check the load of the Identity Service, or adjust -w/-c")
		}
	}()
	// 1. settings filled in: here, the monitoring host's own configuration
	if missing := d.missing(); missing != "" {
		r.fail(d.Policy, fail(faultSetup, "direct mode needs "+missing+": the values of Creatio's OAuth20IdentityServer* settings"), StepSettings)
		return r
	}
	f, t := false, true
	r.Health = &Health{HasProblem: true, SettingsFilledIn: &t, IdentityServiceAvailable: &f, TokenRetrievable: &f}
	r.Steps = append(r.Steps, Step{Name: StepSettings, State: plugin.OK, Detail: "identity URL, client id and client secret are given"})
	// 2. Identity Service available
	tokenURL := d.discover(ctx, r)
	if tokenURL == nil {
		return r
	}
	r.Health.IdentityServiceAvailable = &t
	// 3. access token retrievable
	tok := d.token(ctx, r, tokenURL)
	if tok == nil {
		return r
	}
	r.Health.TokenRetrievable = &t
	r.Health.HasProblem = false
	r.Steps = append(r.Steps, Step{Name: StepToken, State: plugin.OK, Detail: fmt.Sprintf("client %s got a %s token (expires_in %d s)", plugin.Sanitize(d.Identity.ClientID), plugin.Sanitize(plugin.Truncate(tok.Type, 40)), tok.ExpiresIn)})
	r.State = plugin.OK
	r.Summary = "OAuth token is received from the Identity Service as expected (" + humanSeconds(time.Since(start).Seconds()) + ")"
	d.inspectToken(r, tok)
	return r
}

// discover is step 2: the discovery document's token endpoint, or nil when
// the step failed (r then says why).
func (d *Direct) discover(ctx context.Context, r *Report) *url.URL {
	start := time.Now()
	tokenURL, _, fl := d.Identity.Discover(ctx, d.Policy)
	r.Perf = append(r.Perf, secondsPerf("time_discovery", time.Since(start).Seconds()))
	if fl != nil {
		r.Health.Message = creatioSteps[1].message
		d.failed(r, unavailable(fl), StepIdentityService, "GET "+redactURL(below(d.Identity.URL, discoveryPath))+": "+fl.text, creatioSteps[1].fix)
		r.Steps = append(r.Steps, notChecked(StepToken))
		return nil
	}
	r.Steps = append(r.Steps, Step{Name: StepIdentityService, State: plugin.OK, Detail: "discovery document names token_endpoint " + redactURL(tokenURL)})
	return tokenURL
}

// token is step 3: a client_credentials token from tokenURL, or nil when
// the step failed (r then says why).
func (d *Direct) token(ctx context.Context, r *Report, tokenURL *url.URL) *Token {
	start := time.Now()
	note, fl := d.Identity.checkTokenEndpoint(tokenURL)
	var tok *Token
	if fl == nil {
		tok, fl = d.Identity.Token(ctx, tokenURL, d.Policy)
	}
	if note != "" {
		r.Notes = append(r.Notes, note)
	}
	r.Perf = append(r.Perf, secondsPerf("time_token", time.Since(start).Seconds()))
	if fl == nil {
		return tok
	}
	r.Health.Message = creatioSteps[2].message
	d.failed(r, fail(fl.kind, tokenUnretrievable+": "+fl.text), StepToken,
		"client_credentials for client "+plugin.Sanitize(d.Identity.ClientID)+" at "+redactURL(tokenURL)+": "+fl.long(), creatioSteps[2].fix)
	return nil
}

// failed ends the run at a failed step: the state by the rule, the status
// line of f, and the step with its detail and Creatio's fix.
func (d *Direct) failed(r *Report, f *failure, step, detail, fix string) {
	st := d.Policy.state(f.kind)
	r.State, r.Summary = plugin.Worst(r.State, st), f.text
	r.Steps = append(r.Steps, Step{Name: step, State: st, Detail: detail, Fix: fix})
}

// inspectToken adds the checks beyond Creatio's: token type, lifetime, exp
// and clock skew.
func (d *Direct) inspectToken(r *Report, tok *Token) {
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	if st, why := tok.inspect(now()); st != plugin.OK {
		r.raise(st, why, Step{Name: "token_validity", Detail: why, Fix: "check the Identity Service's clock (NTP), its signing certificate and its token settings"})
	}
	if tok.ExpiresIn > 0 {
		lt := float64(tok.ExpiresIn)
		r.Perf = append(r.Perf, plugin.Perf{Label: "token_lifetime", Value: lt, Unit: "s", Warning: d.Lifetime.Warning, Critical: d.Lifetime.Critical, Min: plugin.Float(0)})
		if st := d.Lifetime.Evaluate(lt); st != plugin.OK {
			why := fmt.Sprintf("token lifetime %d s is outside the %s range", tok.ExpiresIn, strings.ToLower(st.String()))
			r.raise(st, why, Step{Name: "token_lifetime", Detail: why, Fix: "check AccessTokenLifetime of the client in the Identity Service"})
		}
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

// notChecked is a step that did not run because an earlier one failed.
func notChecked(name string) Step {
	return Step{Name: name, State: plugin.Critical, Detail: "not checked: an earlier step failed"}
}
