package cli

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"check_creatio_oauth/check"
	"check_creatio_oauth/check/cache"
	"check_creatio_oauth/check/creatio"
	"check_creatio_oauth/check/identity"
	"check_creatio_oauth/check/redact"
	"check_creatio_oauth/check/report"
	"check_creatio_oauth/check/web"
	"check_creatio_oauth/plugin"
)

// config is what the options resolve to.
type config struct {
	check   check.Runner
	trace   *web.Trace      // -vvv: each request and answer, secrets redacted
	secrets *redact.Secrets // hidden in everything printed
	client  web.ClientConfig
	notes   []string // for -vv: how the options were read
	warns   []string // for -v: secret files others can read
}

// configure turns the options into the check to run, step by step. Its
// errors are one line that names the option to fix.
func configure(ctx context.Context, o *options, getenv func(string) string, verbose int) (*config, error) {
	if err := refusePlainSecrets(o); err != nil {
		return nil, err
	}
	th, err := parseThresholds(o)
	if err != nil {
		return nil, err
	}
	cfg := &config{secrets: &redact.Secrets{}}
	client, err := cfg.newClient(o, getenv, verbose)
	if err != nil {
		return nil, err
	}
	var id identity.Identity
	if o.Mode.Mode != "endpoint" || authMethod(o) == "oauth" {
		if id, err = identityOf(ctx, o, client, getenv); err != nil {
			return nil, err
		}
	}
	var base *url.URL
	if o.Mode.Mode != "direct" {
		if base, err = baseURL(o); err != nil {
			return nil, err
		}
		splitEndpointURL(o, &base)
	}
	cfg.notes = append(droppedQuery("--url", o.Target.URL), droppedQuery("--identity-url", o.Identity.URL)...)
	another := func() (*web.Client, error) { return web.NewClient(cfg.client) }
	if cfg.check, err = runner(ctx, o, th, client, another, base, id, getenv); err != nil {
		return nil, err
	}
	cfg.warns = exposedSecretFiles(o)
	if th.certificates {
		cfg.check = &check.Certificates{Check: cfg.check, Client: client, Creatio: base, Identity: id.URL, Warn: th.certWarn, Crit: th.certCrit}
	}
	return cfg, nil
}

// thresholds are the ranges, the timeout policy and the certificate days.
type thresholds struct {
	time, lifetime     plugin.Thresholds
	policy             report.Policy
	certificates       bool
	certWarn, certCrit float64
}

// parseThresholds reads -w/-c, the token lifetime ranges, -t and
// --unreachable-state, --certificate and --max-body.
func parseThresholds(o *options) (th thresholds, err error) {
	if th.time, err = plugin.ParseThresholds(o.Thresholds.Warning, o.Thresholds.Critical); err != nil {
		return th, err
	}
	if th.lifetime, err = plugin.ParseThresholds(o.Identity.TokenLifetimeWarning, o.Identity.TokenLifetimeCritical); err != nil {
		return th, fmt.Errorf("token lifetime: %w", err)
	}
	if o.Thresholds.MaxBody <= 0 {
		return th, errors.New("--max-body must be a positive number of bytes")
	}
	timeout := o.timeout()
	th.policy = report.Policy{Timeout: timeout.d, TimeoutState: timeout.state, Unreachable: o.Thresholds.Unreachable.State}
	th.certificates = o.Thresholds.Certificate != ""
	th.certWarn, th.certCrit, err = certDays(o.Thresholds.Certificate)
	return th, err
}

// newClient builds the HTTP client of the run, with the -vvv trace.
func (cfg *config) newClient(o *options, getenv func(string) string, verbose int) (*web.Client, error) {
	cc := web.ClientConfig{
		CAFiles: o.TLS.CAFile, ClientCert: o.TLS.ClientCert, ClientKey: o.TLS.ClientKey,
		Insecure: o.TLS.Insecure, MaxBody: o.Thresholds.MaxBody, Version: version,
		Proxy: web.ProxyFromEnv(getenv), Secrets: cfg.secrets,
	}
	if verbose >= 3 {
		cfg.trace = &web.Trace{}
		cc.Debug = cfg.trace.Printf
	}
	cfg.client = cc
	return web.NewClient(cc)
}

// runner builds the check of --mode. another makes a second client of the
// run's settings, with a cookie jar of its own.
func runner(ctx context.Context, o *options, th thresholds, client *web.Client, another func() (*web.Client, error), base *url.URL, id identity.Identity, getenv func(string) string) (check.Runner, error) {
	settings := th.policy
	settings.Whose = report.CreatioSettings // direct mode checks Creatio's own settings
	direct := &check.Direct{Identity: id, Thresholds: th.time, Lifetime: th.lifetime, Policy: settings}
	if o.Mode.Mode == "direct" {
		return direct, nil
	}
	auth, err := authenticator(ctx, o, base, id, getenv)
	if err != nil {
		return nil, err
	}
	knownSecrets(client.Secrets(), auth)
	switch a := auth.(type) {
	case *creatio.FormsLogin:
		a.Cache, a.NewClient = credentialCache(o, getenv), another
	case *creatio.OAuthLogin:
		a.Base, a.Cache = base, credentialCache(o, getenv)
	}
	ep := &creatio.Endpoint{Client: client, Base: base, Runtime: creatio.Runtime(o.Target.Runtime), Auth: auth, Thresholds: th.time, Policy: th.policy, Note: o.Target.note}
	if o.Mode.Mode == "both" {
		return &check.Both{Endpoint: ep, Direct: direct}, nil
	}
	return ep, nil
}

// splitEndpointURL takes a --url given as Creatio's documentation prints
// the endpoint ({base}/0/api/OAuthHealthCheck) for what it is: the base URL
// is what comes before, and the path names the runtime unless --runtime
// did.
func splitEndpointURL(o *options, base **url.URL) {
	b, rt, ok := creatio.SplitEndpointURL(*base)
	if !ok {
		return
	}
	*base = b
	if o.Target.Runtime == string(creatio.RuntimeAuto) {
		o.Target.Runtime = string(rt)
	}
	o.Target.note = fmt.Sprintf("--url names the health endpoint: base URL %s, runtime %s", web.RedactURL(b), o.Target.Runtime)
}

// cacheEnv is where the default cache directory is looked up: the
// running process's environment, uid and password entry. The tests give
// one without a password entry or shared directory, so that no test writes
// to the home of the user who runs them.
var cacheEnv = cache.SystemEnv

// keepMargin is how long past --cache-max-age an entry file may go
// unwritten before a check removes it: an entry in use is written at
// least once per --cache-max-age (a login) and a forms entry at each use.
const keepMargin = time.Hour

// credentialCache is the credential cache of the login: nil with
// --no-cache. Else the place is --cache-dir, or the one cache.Lookup finds
// (there is always one on Unix; on Windows none when %LOCALAPPDATA% is not
// set, which is said); a place that cannot be used is no cache either,
// and the check says why in its output and its JSON.
func credentialCache(o *options, getenv func(string) string) *creatio.Cache {
	if o.Cache.NoCache {
		return nil
	}
	place := cache.Place{Dir: string(o.Cache.Dir), From: "--cache-dir"}
	if place.Dir == "" {
		if place = cache.Lookup(cacheEnv(getenv)); place.Dir == "" && place.Why == nil {
			return nil // only an Env without a shared directory (the tests') finds none
		}
	}
	k := &creatio.Cache{Place: place, MaxAge: o.cacheMaxAge()}
	st, err := place.Open()
	if err != nil {
		k.Refused = err
		return k
	}
	st.KeepFor(k.MaxAge + keepMargin)
	k.Store = st
	return k
}

// certDays parses --certificate WARN_DAYS[,CRIT_DAYS].
func certDays(s string) (warn, crit float64, err error) {
	if s == "" {
		return 0, 0, nil
	}
	w, c, hasCrit := strings.Cut(s, ",")
	bad := fmt.Errorf("--certificate %q: want WARN_DAYS[,CRIT_DAYS], e.g. 30,14", plugin.Sanitize(s))
	if warn, err = strconv.ParseFloat(w, 64); err != nil || !(warn >= 0) || math.IsInf(warn, 0) {
		return 0, 0, bad
	}
	if hasCrit {
		if crit, err = strconv.ParseFloat(c, 64); err != nil || !(crit >= 0) || crit > warn {
			return 0, 0, bad
		}
	}
	return warn, crit, nil
}

// secretOnCommandLine is why --password, --client-secret and --token are
// refused.
const secretOnCommandLine = "is refused: a secret on the command line is visible to every user in ps"

// refusePlainSecrets refuses secrets given as option values: anyone on the
// host could read them in ps. The value itself is never printed.
func refusePlainSecrets(o *options) error {
	for _, s := range []struct{ value, flag, instead string }{
		{o.Auth.Password, "--password", "CREATIO_PASSWORD or --password-file"},
		{o.Identity.ClientSecret, "--client-secret", "CREATIO_CLIENT_SECRET or --client-secret-file"},
		{o.Auth.Token, "--token", "CREATIO_TOKEN or --token-file"},
	} {
		if s.value != "" {
			return fmt.Errorf("%s %s; use %s", s.flag, secretOnCommandLine, s.instead)
		}
	}
	return nil
}

// baseURL is Creatio's base URL from --url or --hostname/--port/--http.
func baseURL(o *options) (*url.URL, error) {
	t := o.Target
	switch {
	case t.URL != "" && t.Hostname != "":
		return nil, errors.New("give --url or --hostname, not both")
	case t.URL == "" && t.Hostname == "":
		return nil, errors.New("no Creatio address: give --url https://creatio.example.com (or --hostname)")
	case t.Hostname != "":
		return web.HostURL(t.Hostname, uint16(t.Port), t.HTTP)
	case t.Port != 0 || t.HTTP:
		return nil, errors.New("--port and --http go with --hostname; put them into --url instead")
	}
	return web.ParseServiceURL("--url", t.URL)
}

// identityOf builds the Identity Service settings. Empty values are left for
// direct mode to name; a malformed URL is a usage error.
func identityOf(ctx context.Context, o *options, client *web.Client, getenv func(string) string) (identity.Identity, error) {
	id := identity.Identity{Client: client, ClientID: o.Identity.ClientID, Auth: identity.ClientAuth(o.Identity.ClientAuth),
		SecretFrom: source(o.Identity.ClientSecretFile, "--client-secret-file", "CREATIO_CLIENT_SECRET")}
	if raw := o.Identity.URL; raw != "" {
		u, err := web.ParseServiceURL("--identity-url", raw)
		if err != nil {
			return id, err
		}
		id.URL = u
	}
	secret, err := secretFrom(ctx, o.Identity.ClientSecretFile, "--client-secret-file", "CREATIO_CLIENT_SECRET", getenv)
	id.Secret = secret
	client.Secrets().AddBasic(id.ClientID, secret) // every spelling, before the first request
	return id, err
}

// authMethod is --auth, or what the other options imply: forms with
// --user, oauth with --client-id, else none.
func authMethod(o *options) string {
	switch {
	case o.Auth.Auth != "":
		return o.Auth.Auth
	case o.Auth.User != "":
		return "forms"
	case o.Identity.ClientID != "":
		return "oauth"
	}
	return "none"
}

// authenticator picks the login to Creatio for the health request; nil for
// none.
func authenticator(ctx context.Context, o *options, base *url.URL, id identity.Identity, getenv func(string) string) (creatio.Authenticator, error) {
	switch authMethod(o) {
	case "forms":
		if o.Auth.User == "" {
			return nil, errors.New("--auth forms needs --user")
		}
		pw, err := secretFrom(ctx, o.Auth.PasswordFile, "--password-file", "CREATIO_PASSWORD", getenv)
		if err == nil && pw == "" {
			err = fmt.Errorf("no password for --user %s: set CREATIO_PASSWORD or --password-file", plugin.Sanitize(o.Auth.User))
		}
		return &creatio.FormsLogin{Base: base, User: o.Auth.User, Password: pw,
			PasswordFrom: source(o.Auth.PasswordFile, "--password-file", "CREATIO_PASSWORD")}, err
	case "oauth":
		switch {
		case id.URL == nil:
			return nil, errors.New("--auth oauth needs --identity-url (the system setting OAuth20IdentityServerUrl)")
		case id.ClientID == "":
			return nil, errors.New("--auth oauth needs --client-id")
		case id.Secret == "":
			return nil, errors.New("no client secret for --client-id: set CREATIO_CLIENT_SECRET or --client-secret-file")
		}
		return &creatio.OAuthLogin{Identity: id}, nil
	case "bearer":
		tok, err := secretFrom(ctx, o.Auth.TokenFile, "--token-file", "CREATIO_TOKEN", getenv)
		if err == nil && tok == "" {
			err = errors.New("--auth bearer needs a token: set CREATIO_TOKEN or --token-file")
		}
		return &creatio.BearerLogin{Token: tok}, err
	}
	return nil, nil
}

// source names where a secret comes from, for advice: the file of flag,
// else the variable env.
func source(file, flag, env string) string {
	if file == "" {
		return env
	}
	return flag
}

// deadline is the run's internal deadline: a little under -t, so that the
// plugin, not the scheduler, reports the timeout.
func deadline(t time.Duration) time.Duration {
	margin := min(t/10, 500*time.Millisecond)
	return t - margin
}

// droppedQuery is the -vv note for a URL option whose query string or
// fragment is dropped (the plugin builds its own paths below the base);
// the query itself is not printed, as it may hold credentials.
func droppedQuery(flag, raw string) []string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 && i < len(raw)-1 {
		return []string{flag + ": the query string or fragment after '" + raw[i:i+1] + "' is dropped; the plugin requests its own paths below " + plugin.Sanitize(web.RedactRaw(raw))}
	}
	return nil
}
