package report

// This file is Creatio's OAuth health vocabulary, in one place: the flags
// of its answer (Health), the checks behind them with their words and
// documented fixes (Checks), and the step names they give.

// Health is Creatio's OAuth health status, as GET {base}/0/api/OAuthHealthCheck
// answers it or as direct mode measures it. A nil flag is unknown: not in the
// answer, or not measured.
type Health struct {
	HasProblem                bool
	SettingsFilledIn          *bool // IsSystemSettingsFilledIn
	IdentityServiceAvailable  *bool // IsIdentityServiceAvailable
	TokenRetrievable          *bool // IsAccessTokenRetrievableForSystemActions
	DefaultResourceRegistered *bool // IsDefaultResourceRegistered (Creatio 8.3+)
	Message                   string
}

// Healthy reports whether Creatio sees no problem: HasProblem false and every
// known flag true.
func (h Health) Healthy() bool {
	if h.HasProblem {
		return false
	}
	for _, f := range []*bool{h.SettingsFilledIn, h.IdentityServiceAvailable, h.TokenRetrievable, h.DefaultResourceRegistered} {
		if f != nil && !*f {
			return false
		}
	}
	return true
}

// Creatio's OAuth health flags: the JSON keys of its OAuthHealthCheck answer.
const (
	FlagHasProblem       = "HasProblem"
	FlagSettingsFilledIn = "IsSystemSettingsFilledIn"
	FlagIdentityService  = "IsIdentityServiceAvailable"
	FlagTokenRetrievable = "IsAccessTokenRetrievableForSystemActions"
	FlagDefaultResource  = "IsDefaultResourceRegistered"
	FlagMessage          = "Message"
)

// Step names, as they appear in the JSON output's "checks" list.
const (
	StepSettings        = "settings"
	StepIdentityService = "identity_service"
	StepToken           = "token"
	stepDefaultResource = "default_resource"
)

// Check is one of the checks Creatio runs against its Identity Service,
// behind one of its OAuth health flags, with the words and fixes of
// Creatio's documentation ("OAuth health monitoring", Creatio Academy 8.1).
type Check struct {
	Name    string // the step name
	Flag    string // the JSON flag
	Title   string // what an OK answer means
	Failed  string // the cause when Creatio gives no Message
	Hint    string // a short "what to check" for the status line
	Fix     string // the documented solution, for long output
	Message string // Creatio's own Message for this failure, where fixed
}

// Checks are Creatio's checks in the order it runs them; a failed check
// makes the later flags false too.
var Checks = []Check{
	{
		Name:   StepSettings,
		Flag:   FlagSettingsFilledIn,
		Title:  "OAuth 2.0 system settings are filled in",
		Failed: "the OAuth 2.0 system settings are not filled in",
		Hint:   "Fill in the OAuth20IdentityServer* system settings.",
		Fix:    `fill in the system settings "Authorization server Url for OAuth 2.0 integrations" (OAuth20IdentityServerUrl), "Client id for OAuth 2.0 integrations" (OAuth20IdentityServerClientId) and "Client secret for OAuth 2.0 integrations" (OAuth20IdentityServerClientSecret); the Message names the empty one(s)`,
	},
	{
		Name:    StepIdentityService,
		Flag:    FlagIdentityService,
		Title:   "the Identity Service is available",
		Failed:  "the Identity Service is not available to Creatio",
		Hint:    "Check the Identity Service and that its URL is reachable from the Creatio server.",
		Fix:     "test the Identity Service (GET {OAuth20IdentityServerUrl}/.well-known/openid-configuration); if it answers, check that OAuth20IdentityServerUrl is filled in and that the Identity Service URL is reachable from the machine where Creatio runs (DNS, proxy, firewall)",
		Message: "IdentityService specified in system setting OAuth20IdentityServerUrl is unavailable.",
	},
	{
		Name:    StepToken,
		Flag:    FlagTokenRetrievable,
		Title:   "an access token for system actions is retrievable",
		Failed:  "no access token for system actions is retrievable",
		Hint:    "Check the client id and secret system settings.",
		Fix:     CredentialsFix,
		Message: "Can't retrieve access_token for system actions from IdentityService specified in system settings OAuth20IdentityServerUrl using client_id and client_secret specified in system settings OAuth20IdentityServerClientId & OAuth20IdentityServerClientSecret.",
	},
	{
		Name:   stepDefaultResource,
		Flag:   FlagDefaultResource,
		Title:  "the default OAuth resource is registered",
		Failed: "default OAuth resource not registered",
		Hint:   "Run Create default resource in OAuth 2.0 integrated applications.",
		Fix:    `register it: System Designer > "OAuth 2.0 integrated applications" > Actions > "Create default resource" (enable the OAuth20Integration feature first if it is off)`,
	},
}

// Words Creatio and the plugin use for an Identity Service that fails.
const (
	// Unavailable opens the line of an Identity Service that cannot be
	// reached or does not answer its discovery document; the cause follows.
	// It is Creatio's Message for it (Checks[1].Message) made short enough
	// that the cause and the advice fit on line 1 too.
	Unavailable = "IdentityService is unavailable"
	// Unretrievable opens the line of a token that cannot be had; the
	// cause follows. It is Creatio's Message for it (Checks[2].Message),
	// short enough that the cause and the advice fit on line 1 too.
	Unretrievable = "Can't retrieve access_token from IdentityService"
	// CredentialsFix is Creatio's documented fix for refused settings.
	CredentialsFix = "make sure OAuth20IdentityServerUrl, OAuth20IdentityServerClientId and OAuth20IdentityServerClientSecret are filled in and match a client of the Identity Service; if they are, collect the Creatio and Identity Service logs of the time of the failure and contact Creatio support"
)

// Flag is the flag of h that a Creatio check reads, by its JSON key; nil
// when it is unknown or no check's flag.
func (h Health) Flag(key string) *bool {
	switch key {
	case FlagSettingsFilledIn:
		return h.SettingsFilledIn
	case FlagIdentityService:
		return h.IdentityServiceAvailable
	case FlagTokenRetrievable:
		return h.TokenRetrievable
	case FlagDefaultResource:
		return h.DefaultResourceRegistered
	}
	return nil
}
