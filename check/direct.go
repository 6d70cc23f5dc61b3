package check

import (
	"context"
	"fmt"
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
	f := false
	h := &Health{HasProblem: true, SettingsFilledIn: &f, IdentityServiceAvailable: &f, TokenRetrievable: &f}
	r.Health = h
	defer func() {
		r.Perf = append([]plugin.Perf{timePerf("time", time.Since(start).Seconds(), d.Thresholds, d.Policy.Timeout.Seconds())}, r.Perf...)
		if r.State == plugin.OK || r.State == plugin.Warning {
			d.applyThresholds(r, time.Since(start).Seconds())
		}
	}()

	// 1. settings filled in
	if msg := emptySettings(d.Identity); msg != "" {
		h.Message = msg
		r.State = plugin.Critical
		r.Summary = msg + " Give --identity-url, --client-id and the secret."
		r.Steps = append(r.Steps,
			Step{Name: StepSettings, State: plugin.Critical, Detail: msg, Fix: creatioSteps[0].fix},
			notChecked(StepIdentityService), notChecked(StepToken))
		return r
	}
	t := true
	h.SettingsFilledIn = &t
	r.Steps = append(r.Steps, Step{Name: StepSettings, State: plugin.OK, Detail: "identity URL, client id and client secret are given"})

	// 2. Identity Service available
	dstart := time.Now()
	p := d.Policy
	p.Unusable = plugin.Critical
	tokenURL, _, fail := d.Identity.Discover(ctx, p)
	r.Perf = append(r.Perf, plugin.Perf{Label: "time_discovery", Value: seconds6(time.Since(dstart).Seconds()), Unit: "s", Min: plugin.Float(0)})
	if fail != nil {
		h.Message = creatioSteps[1].message
		r.State = fail.state
		r.Summary = strings.TrimSuffix(h.Message, ".") + ": " + fail.text
		r.Steps = append(r.Steps,
			Step{Name: StepIdentityService, State: fail.state, Detail: "GET " + redactURL(below(d.Identity.URL, discoveryPath)) + ": " + fail.text, Fix: creatioSteps[1].fix},
			notChecked(StepToken))
		return r
	}
	h.IdentityServiceAvailable = &t
	r.Steps = append(r.Steps, Step{Name: StepIdentityService, State: plugin.OK, Detail: "discovery document names token_endpoint " + redactURL(tokenURL)})

	// 3. access token retrievable
	tstart := time.Now()
	tok, fail := d.Identity.Token(ctx, tokenURL, p)
	r.Perf = append(r.Perf, plugin.Perf{Label: "time_token", Value: seconds6(time.Since(tstart).Seconds()), Unit: "s", Min: plugin.Float(0)})
	if fail != nil {
		h.Message = creatioSteps[2].message
		r.State = fail.state
		r.Summary = "Can't retrieve access_token for system actions from IdentityService: " + fail.text
		r.Steps = append(r.Steps, Step{Name: StepToken, State: fail.state,
			Detail: "client_credentials for client " + plugin.Sanitize(d.Identity.ClientID) + " at " + redactURL(tokenURL) + ": " + fail.text, Fix: creatioSteps[2].fix})
		return r
	}
	h.TokenRetrievable = &t
	h.HasProblem = false
	r.Steps = append(r.Steps, Step{Name: StepToken, State: plugin.OK, Detail: fmt.Sprintf("client %s got a %s token (expires_in %d s)", plugin.Sanitize(d.Identity.ClientID), plugin.Sanitize(plugin.Truncate(tok.Type, 40)), tok.ExpiresIn)})
	r.State = plugin.OK
	r.Summary = "OAuth token is received from the Identity Service as expected (" + humanSeconds(time.Since(start).Seconds()) + ")"
	d.inspectToken(r, tok)
	return r
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

// applyThresholds checks the whole run's time against -w/-c.
func (d *Direct) applyThresholds(r *Report, t float64) {
	st := d.Thresholds.Evaluate(t)
	if st == plugin.OK {
		return
	}
	text := fmt.Sprintf("the direct check took %s, outside the %s range", humanSeconds(t), strings.ToLower(st.String()))
	summary := text
	if r.State == plugin.OK {
		summary += "; OAuth token is received as expected"
	}
	r.raise(st, summary, Step{Name: "response_time", Detail: text, Fix: "check the load of the Identity Service, or adjust -w/-c"})
}

// emptySettings is Creatio's message for empty OAuth settings, or "".
func emptySettings(id Identity) string {
	var empty []string
	if id.URL == nil {
		empty = append(empty, "OAuth20IdentityServerUrl")
	}
	if id.ClientID == "" {
		empty = append(empty, "OAuth20IdentityServerClientId")
	}
	if id.Secret == "" {
		empty = append(empty, "OAuth20IdentityServerClientSecret")
	}
	switch len(empty) {
	case 0:
		return ""
	case 1:
		return "System setting " + empty[0] + " is empty."
	}
	return "System settings " + strings.Join(empty, ", ") + " are empty."
}

// notChecked is a step that did not run because an earlier one failed.
func notChecked(name string) Step {
	return Step{Name: name, State: plugin.Critical, Detail: "not checked: an earlier step failed"}
}
