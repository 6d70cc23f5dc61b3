package check

import "check_creatio_oauth/plugin"

// Step names, as they appear in the JSON output's "checks" list.
const (
	StepSettings        = "settings"
	StepIdentityService = "identity_service"
	StepToken           = "token"
	StepDefaultResource = "default_resource"
)

// tokenUnretrievable opens Creatio's Message for a token that cannot be
// retrieved; a line adds the cause after a colon.
const tokenUnretrievable = "Can't retrieve access_token for system actions from IdentityService"

// creatioStep describes one of the checks behind Creatio's OAuth health flags,
// with the words and fixes of Creatio's documentation ("OAuth health
// monitoring", Creatio Academy 8.1).
type creatioStep struct {
	name    string
	flag    string // the JSON flag
	title   string // what an OK answer means
	failed  string // the cause when Creatio gives no Message
	hint    string // a short "what to check" for the status line
	fix     string // the documented solution, for long output
	message string // Creatio's own Message for this failure, where fixed
}

// creatioSteps are the steps in the order Creatio runs them; a failed step
// makes the later flags false too.
var creatioSteps = []creatioStep{
	{
		name:   StepSettings,
		flag:   keySettingsFilledIn,
		title:  "OAuth 2.0 system settings are filled in",
		failed: "the OAuth 2.0 system settings are not filled in",
		hint:   "Fill in the OAuth20IdentityServer* system settings.",
		fix:    `fill in the system settings "Authorization server Url for OAuth 2.0 integrations" (OAuth20IdentityServerUrl), "Client id for OAuth 2.0 integrations" (OAuth20IdentityServerClientId) and "Client secret for OAuth 2.0 integrations" (OAuth20IdentityServerClientSecret); the Message names the empty one(s)`,
	},
	{
		name:    StepIdentityService,
		flag:    keyIdentityService,
		title:   "the Identity Service is available",
		failed:  "the Identity Service is not available to Creatio",
		hint:    "Check the Identity Service and that its URL is reachable from the Creatio server.",
		fix:     "test the Identity Service (GET {OAuth20IdentityServerUrl}/.well-known/openid-configuration); if it answers, check that OAuth20IdentityServerUrl is filled in and that the Identity Service URL is reachable from the machine where Creatio runs (DNS, proxy, firewall)",
		message: "IdentityService specified in system setting OAuth20IdentityServerUrl is unavailable.",
	},
	{
		name:    StepToken,
		flag:    keyTokenRetrievable,
		title:   "an access token for system actions is retrievable",
		failed:  "no access token for system actions is retrievable",
		hint:    "Check the client id and secret system settings.",
		fix:     "make sure OAuth20IdentityServerUrl, OAuth20IdentityServerClientId and OAuth20IdentityServerClientSecret are filled in and match a client of the Identity Service; if they are, collect the Creatio and Identity Service logs of the time of the failure and contact Creatio support",
		message: "Can't retrieve access_token for system actions from IdentityService specified in system settings OAuth20IdentityServerUrl using client_id and client_secret specified in system settings OAuth20IdentityServerClientId & OAuth20IdentityServerClientSecret.",
	},
	{
		name:   StepDefaultResource,
		flag:   keyDefaultResource,
		title:  "the default OAuth resource is registered",
		failed: "default OAuth resource not registered",
		hint:   "Run Create default resource in OAuth 2.0 integrated applications.",
		fix:    `register it: System Designer > "OAuth 2.0 integrated applications" > Actions > "Create default resource" (enable the OAuth20Integration feature first if it is off)`,
	},
}

// Step is one sub-check of a run, listed in long output and in JSON.
type Step struct {
	Name   string       // one of the Step* names, or "health_request", "login", ...
	State  plugin.State // OK, or how this step failed
	Detail string       // what was found
	Fix    string       // what to do, for a failed step
}

// flagValue returns the flag of Health that a creatio step reads.
func (h Health) flagValue(flag string) *bool {
	switch flag {
	case keySettingsFilledIn:
		return h.SettingsFilledIn
	case keyIdentityService:
		return h.IdentityServiceAvailable
	case keyTokenRetrievable:
		return h.TokenRetrievable
	case keyDefaultResource:
		return h.DefaultResourceRegistered
	}
	return nil
}

// healthSteps turns a Health into steps, the first failing step (the cause)
// and whether any step failed. Flags that are false after the cause are
// marked as following from it, as Creatio stops at the first failure.
func healthSteps(h Health) (steps []Step, cause *creatioStep) {
	for i := range creatioSteps {
		cs := &creatioSteps[i]
		v := h.flagValue(cs.flag)
		switch {
		case v == nil:
			continue
		case *v:
			steps = append(steps, Step{Name: cs.name, State: plugin.OK, Detail: cs.title})
		case cause != nil:
			steps = append(steps, Step{Name: cs.name, State: plugin.Critical,
				Detail: cs.flag + " false (follows from the " + cause.name + " step)"})
		default:
			cause = cs
			steps = append(steps, Step{Name: cs.name, State: plugin.Critical,
				Detail: cs.flag + " false: " + cs.failed, Fix: cs.fix})
		}
	}
	return steps, cause
}
