// Command check_creatio_oauth is a Nagios/Icinga/Zabbix plugin that checks
// Creatio's OAuth 2.0 health: through Creatio's OAuthHealthCheck endpoint
// (endpoint mode) or by running the same checks against the Creatio Identity
// Service itself (direct mode). See README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	flags "github.com/jessevdk/go-flags"

	"check_creatio_oauth/check"
	"check_creatio_oauth/plugin"
)

// version is stamped by the Makefile: -ldflags "-X main.version=…".
var version = "dev"

func main() {
	// One check is one request at a time: a second P only makes the runtime
	// start more threads, which costs a one-shot process more than it gains.
	runtime.GOMAXPROCS(1)
	os.Exit(run(os.Args[1:], os.Stdout, os.Getenv))
}

// timeoutOpt is -t SECONDS[:STATE].
type timeoutOpt struct {
	d     time.Duration
	state plugin.State
}

// UnmarshalFlag parses "10", "2.5" or "10:UNKNOWN".
func (t *timeoutOpt) UnmarshalFlag(s string) error {
	secs, st, hasState := strings.Cut(s, ":")
	v, err := strconv.ParseFloat(secs, 64)
	if err != nil || v <= 0 || v > 86400 {
		return fmt.Errorf("timeout %q: want seconds above 0 (e.g. 10 or 10:UNKNOWN)", s)
	}
	t.d, t.state = time.Duration(v*float64(time.Second)), plugin.Critical
	if hasState {
		if t.state, err = plugin.ParseState(st); err != nil {
			return fmt.Errorf("timeout %q: %w", s, err)
		}
	}
	return nil
}

// stateOpt is an option that takes a state name or 0-3.
type stateOpt struct{ plugin.State }

// UnmarshalFlag parses a state name (any case) or 0-3.
func (s *stateOpt) UnmarshalFlag(v string) (err error) {
	s.State, err = plugin.ParseState(v)
	return err
}

// options are the command-line options; the struct tags are the help text.
type options struct {
	Target struct {
		URL      string `short:"U" long:"url" value-name:"URL" description:"Creatio base URL, with any virtual directory (https://crm.example.com/creatio)"`
		Hostname string `short:"H" long:"hostname" value-name:"HOST" description:"Creatio host, instead of --url"`
		Port     uint16 `short:"p" long:"port" value-name:"PORT" description:"port with --hostname (default 443, or 80 with --http)"`
		HTTP     bool   `long:"http" description:"plain HTTP with --hostname"`
		Runtime  string `long:"runtime" choice:"auto" choice:"netfx" choice:"net" default:"auto" description:"netfx: {url}/0/api/OAuthHealthCheck; net: {url}/api/OAuthHealthCheck; auto: /0 first, then the root on 404"`
	} `group:"Target"`
	Thresholds struct {
		Warning     string     `short:"w" long:"warning" value-name:"RANGE" description:"warning range for the health request time in seconds (Nagios range syntax)"`
		Critical    string     `short:"c" long:"critical" value-name:"RANGE" description:"critical range for the health request time in seconds"`
		Timeout     timeoutOpt `short:"t" long:"timeout" value-name:"SECONDS[:STATE]" default:"10" description:"deadline for the whole run, and the state when it passes (default CRITICAL)"`
		Unreachable stateOpt   `long:"unreachable-state" value-name:"STATE" default:"CRITICAL" description:"state for DNS, connection and TLS failures"`
		Certificate string     `long:"certificate" value-name:"WARN_DAYS[,CRIT_DAYS]" description:"also check the days left on the TLS certificates of Creatio and the Identity Service (like check_http -C); CRIT defaults to 0, expired"`
		MaxBody     int64      `long:"max-body" value-name:"BYTES" default:"1048576" description:"read at most this much of an answer"`
	} `group:"Thresholds and timeouts"`
	TLS struct {
		CAFile     []string `long:"ca-file" value-name:"FILE" description:"PEM file of the CA certificates to trust instead of the system's; repeat for more files (their CAs, and no others, are trusted)"`
		Insecure   bool     `long:"insecure" description:"do not verify TLS certificates (test stands only)"`
		ClientCert string   `long:"client-cert" value-name:"FILE" description:"PEM client certificate"`
		ClientKey  string   `long:"client-key" value-name:"FILE" description:"PEM key of --client-cert"`
	} `group:"TLS"`
	Mode struct {
		Mode string `long:"mode" choice:"endpoint" choice:"direct" choice:"both" default:"endpoint" description:"endpoint: ask Creatio's OAuthHealthCheck; direct: run its checks against the Identity Service from here; both: compare"`
	} `group:"Mode"`
	Auth struct {
		Auth         string `long:"auth" choice:"none" choice:"forms" choice:"oauth" choice:"bearer" description:"how to log in to Creatio for the health request (default: forms with --user, oauth with --client-id, else none)"`
		User         string `long:"user" value-name:"NAME" description:"Creatio user for forms login; password from CREATIO_PASSWORD or --password-file"`
		PasswordFile string `long:"password-file" value-name:"FILE" description:"file holding the password of --user (wins over CREATIO_PASSWORD)"`
		TokenFile    string `long:"token-file" value-name:"FILE" description:"file holding a ready Bearer token for --auth bearer (wins over CREATIO_TOKEN)"`
		Password     string `long:"password" hidden:"true"`
		Token        string `long:"token" hidden:"true"`
	} `group:"Login to Creatio"`
	Identity struct {
		URL                   string `long:"identity-url" value-name:"URL" description:"Identity Service URL (system setting OAuth20IdentityServerUrl)"`
		ClientID              string `long:"client-id" value-name:"ID" description:"OAuth client id (OAuth20IdentityServerClientId); secret from CREATIO_CLIENT_SECRET or --client-secret-file"`
		ClientSecretFile      string `long:"client-secret-file" value-name:"FILE" description:"file holding the client secret (wins over CREATIO_CLIENT_SECRET)"`
		ClientSecret          string `long:"client-secret" hidden:"true"`
		TokenLifetimeWarning  string `long:"token-lifetime-warning" value-name:"RANGE" description:"warning range for the token's expires_in in seconds (direct mode)"`
		TokenLifetimeCritical string `long:"token-lifetime-critical" value-name:"RANGE" description:"critical range for the token's expires_in in seconds (direct mode)"`
	} `group:"Identity Service"`
	Output struct {
		Format  string `long:"output" choice:"nagios" choice:"json" default:"nagios" description:"nagios: status line, long output and perfdata; json: one line of JSON (Zabbix)"`
		Verbose []bool `short:"v" long:"verbose" description:"more detail; repeat up to 3 times (-vvv: each request and answer, secrets redacted)"`
		Version bool   `short:"V" long:"version" description:"print the version and exit (3)"`
		ManPage bool   `long:"manpage" hidden:"true"` // the man page, for packages
	} `group:"Output"`
}

// run parses args, runs one check, writes the plugin output to stdout and
// returns the exit code. It is the only place where an error becomes
// UNKNOWN, and it turns a panic into UNKNOWN too.
func run(args []string, stdout io.Writer, getenv func(string) string) (code int) {
	out := &printer{w: stdout, json: wantsJSON(args)}
	defer func() {
		if p := recover(); p != nil {
			code = out.usage(fmt.Sprintf("internal error: %v; please report it with the command line (secrets are never in it)", p))
		}
	}()
	var opts options
	parser := flags.NewParser(&opts, flags.HelpFlag|flags.PassDoubleDash)
	parser.Name = "check_creatio_oauth"
	parser.Usage = "-U URL [OPTIONS]"
	parser.ShortDescription = "check Creatio's OAuth 2.0 health (Nagios, Icinga, Zabbix plugin)"
	parser.LongDescription = description
	rest, err := parser.ParseArgs(args)
	var ferr *flags.Error
	switch {
	case errors.As(err, &ferr) && ferr.Type == flags.ErrHelp:
		fmt.Fprintf(stdout, "check_creatio_oauth %s - checks Creatio's OAuth 2.0 health\n\n", version)
		parser.WriteHelp(stdout)
		return int(plugin.Unknown)
	case err != nil:
		return out.usage(dropExpectedType(plugin.Sanitize(err.Error())) + "; see --help")
	case opts.Output.Version:
		fmt.Fprintf(stdout, "check_creatio_oauth %s\n", buildVersion())
		return int(plugin.Unknown)
	case opts.Output.ManPage: // a build step, not a check: exit 0
		if err := writeManPage(parser, stdout); err != nil {
			return int(plugin.Unknown)
		}
		return 0
	case len(rest) > 0:
		return out.usage(fmt.Sprintf("unexpected argument %q; options start with - (see --help)", rest[0]))
	}
	cfg, err := configure(&opts, getenv, len(opts.Output.Verbose))
	if err != nil {
		return out.usage(err.Error())
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, cfg.deadline)
	defer cancel()

	report := cfg.check.Run(ctx)
	report.Notes = append(report.Notes, cfg.trace.list()...)
	report.Redact(cfg.secrets)
	return out.report(report, len(opts.Output.Verbose))
}

// printer writes the one result of a run, as Nagios text or, with
// --output json anywhere on the command line, as one line of JSON, also for
// usage errors, so that a Zabbix item never sees anything but JSON.
type printer struct {
	w    io.Writer
	json bool
}

// report writes a run's report and returns its exit code.
func (p *printer) report(r *check.Report, verbose int) int {
	var err error
	if p.json {
		err = r.WriteJSON(p.w)
	} else {
		_, err = r.Result(verbose).WriteTo(p.w)
	}
	if err != nil {
		return int(plugin.Unknown)
	}
	return int(r.State)
}

// usage prints a one-line UNKNOWN for bad input and returns its exit code.
func (p *printer) usage(msg string) int {
	return p.report(&check.Report{State: plugin.Unknown, Summary: msg}, 0)
}

// wantsJSON reports whether the command line asks for --output json, before
// it is parsed (a bad option must not turn the answer into text).
func wantsJSON(args []string) bool {
	for i, a := range args {
		switch {
		case a == "--":
			return false
		case a == "--output=json":
			return true
		case a == "--output" && i+1 < len(args) && args[i+1] == "json":
			return true
		}
	}
	return false
}

// dropExpectedType removes go-flags' " (expected main.timeoutOpt)" from an
// error: a Go type name no admin needs to see.
func dropExpectedType(s string) string {
	i := strings.Index(s, " (expected ")
	if i < 0 {
		return s
	}
	j := strings.IndexByte(s[i:], ')')
	if j < 0 {
		return s
	}
	return s[:i] + s[i+j+1:]
}

// config is what the options resolve to.
type config struct {
	check    check.Runner
	deadline time.Duration
	trace    *traceLog      // -vvv: each request and answer, secrets redacted
	secrets  *check.Secrets // hidden in everything printed
}

// traceLog collects the client's debug lines; requests may run
// concurrently (--mode both).
type traceLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *traceLog) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

// list returns the lines so far; a nil log has none.
func (l *traceLog) list() []string {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// configure checks the options and builds the check. Its errors are one line
// that names the option to fix.
func configure(o *options, getenv func(string) string, verbose int) (*config, error) {
	if err := refusePlainSecrets(o); err != nil {
		return nil, err
	}
	th, err := plugin.ParseThresholds(o.Thresholds.Warning, o.Thresholds.Critical)
	if err != nil {
		return nil, err
	}
	lifetime, err := plugin.ParseThresholds(o.Identity.TokenLifetimeWarning, o.Identity.TokenLifetimeCritical)
	if err != nil {
		return nil, fmt.Errorf("token lifetime: %w", err)
	}
	if o.Thresholds.MaxBody <= 0 {
		return nil, errors.New("--max-body must be a positive number of bytes")
	}
	timeout := o.Thresholds.Timeout
	if timeout.d == 0 { // the default is applied through UnmarshalFlag; be safe
		timeout = timeoutOpt{10 * time.Second, plugin.Critical}
	}
	secrets := &check.Secrets{}
	cc := check.ClientConfig{
		CAFiles: o.TLS.CAFile, ClientCert: o.TLS.ClientCert, ClientKey: o.TLS.ClientKey,
		Insecure: o.TLS.Insecure, MaxBody: o.Thresholds.MaxBody, Version: version,
		Proxy: check.ProxyFromEnv(getenv), Secrets: secrets,
	}
	var trace *traceLog
	if verbose >= 3 {
		trace = &traceLog{}
		cc.Debug = trace.printf
	}
	client, err := check.NewClient(cc)
	if err != nil {
		return nil, err
	}
	policy := check.Policy{Timeout: timeout.d, TimeoutState: timeout.state, Unreachable: o.Thresholds.Unreachable.State}
	certWarn, certCrit, err := certDays(o.Thresholds.Certificate)
	if err != nil {
		return nil, err
	}
	cfg := &config{deadline: deadline(timeout.d), trace: trace, secrets: secrets}

	mode := o.Mode.Mode
	var id check.Identity
	defer func() {
		if cfg.check != nil && o.Thresholds.Certificate != "" {
			cc := &check.Certificates{Check: cfg.check, Client: client, Identity: id.URL, Warn: certWarn, Crit: certCrit}
			if mode != "direct" {
				cc.Creatio, _ = baseURL(o)
			}
			cfg.check = cc
		}
	}()
	if mode != "endpoint" || o.Auth.Auth == "oauth" || (o.Auth.Auth == "" && o.Identity.ClientID != "") {
		if id, err = identity(o, client, getenv); err != nil {
			return nil, err
		}
	}
	var direct *check.Direct
	if mode != "endpoint" {
		direct = &check.Direct{Identity: id, Thresholds: th, Lifetime: lifetime, Policy: policy}
		if mode == "direct" {
			cfg.check = direct
			return cfg, nil
		}
	}
	base, err := baseURL(o)
	if err != nil {
		return nil, err
	}
	auth, err := authenticator(o, base, id, client.Secrets(), getenv)
	if err != nil {
		return nil, err
	}
	ep := &check.Endpoint{
		Client: client, Base: base, Runtime: check.Runtime(o.Target.Runtime),
		Auth: auth, Thresholds: th, Policy: policy,
	}
	cfg.check = ep
	if direct != nil {
		cfg.check = &check.Both{Endpoint: ep, Direct: direct}
	}
	return cfg, nil
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

// refusePlainSecrets refuses secrets given as option values: anyone on the
// host could read them in ps. The value itself is never printed.
func refusePlainSecrets(o *options) error {
	for _, s := range []struct{ value, flag, instead string }{
		{o.Auth.Password, "--password", "CREATIO_PASSWORD or --password-file"},
		{o.Identity.ClientSecret, "--client-secret", "CREATIO_CLIENT_SECRET or --client-secret-file"},
		{o.Auth.Token, "--token", "CREATIO_TOKEN or --token-file"},
	} {
		if s.value != "" {
			return fmt.Errorf("%s is refused: a secret on the command line is visible to every user in ps; use %s", s.flag, s.instead)
		}
	}
	return nil
}

// identity builds the Identity Service settings. Empty values are left for
// direct mode to report as Creatio does; a malformed URL is a usage error.
func identity(o *options, client *check.Client, getenv func(string) string) (check.Identity, error) {
	id := check.Identity{Client: client, ClientID: o.Identity.ClientID}
	if raw := o.Identity.URL; raw != "" {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			return id, fmt.Errorf("--identity-url %q is not an http:// or https:// URL without user info", plugin.Sanitize(redact(raw)))
		}
		u.Path = strings.TrimRight(u.Path, "/")
		u.RawPath, u.RawQuery, u.Fragment = "", "", ""
		id.URL = u
	}
	secret, err := secretFrom(o.Identity.ClientSecretFile, "--client-secret-file", "CREATIO_CLIENT_SECRET", getenv)
	id.Secret = secret
	client.Secrets().Add(secret)
	client.Secrets().AddBasic(id.ClientID, secret)
	return id, err
}

// authenticator picks the login to Creatio for the health request.
func authenticator(o *options, base *url.URL, id check.Identity, secrets *check.Secrets, getenv func(string) string) (check.Authenticator, error) {
	auth := o.Auth.Auth
	if auth == "" {
		switch {
		case o.Auth.User != "":
			auth = "forms"
		case o.Identity.ClientID != "":
			auth = "oauth"
		default:
			auth = "none"
		}
	}
	switch auth {
	case "forms":
		if o.Auth.User == "" {
			return nil, errors.New("--auth forms needs --user")
		}
		pw, err := secretFrom(o.Auth.PasswordFile, "--password-file", "CREATIO_PASSWORD", getenv)
		if err != nil {
			return nil, err
		}
		if pw == "" {
			return nil, fmt.Errorf("no password for --user %s: set CREATIO_PASSWORD or --password-file", plugin.Sanitize(o.Auth.User))
		}
		secrets.Add(pw)
		return &check.FormsLogin{Base: base, User: o.Auth.User, Password: pw}, nil
	case "oauth":
		switch {
		case id.URL == nil:
			return nil, errors.New("--auth oauth needs --identity-url (the system setting OAuth20IdentityServerUrl)")
		case id.ClientID == "":
			return nil, errors.New("--auth oauth needs --client-id")
		case id.Secret == "":
			return nil, errors.New("no client secret for --client-id: set CREATIO_CLIENT_SECRET or --client-secret-file")
		}
		return &check.OAuthLogin{Identity: id}, nil
	case "bearer":
		tok, err := secretFrom(o.Auth.TokenFile, "--token-file", "CREATIO_TOKEN", getenv)
		if err != nil {
			return nil, err
		}
		if tok == "" {
			return nil, errors.New("--auth bearer needs a token: set CREATIO_TOKEN or --token-file")
		}
		secrets.Add(tok)
		return &check.BearerLogin{Token: tok}, nil
	}
	return nil, nil
}

// secretFrom reads a secret from a file (first line, trailing newline
// dropped) or else from an environment variable. Errors never hold the
// secret.
func secretFrom(file, flag, env string, getenv func(string) string) (string, error) {
	if file == "" {
		return getenv(env), nil
	}
	b, err := check.ReadFileLimited(file, 64<<10)
	if err != nil {
		return "", fmt.Errorf("%s %w", flag, err)
	}
	secret, _, _ := strings.Cut(string(b), "\n")
	secret = strings.TrimSuffix(secret, "\r")
	if secret == "" {
		return "", fmt.Errorf("%s %s is empty", flag, plugin.Sanitize(file))
	}
	return secret, nil
}

// deadline is the run's internal deadline: a little under -t, so that the
// plugin, not the scheduler, reports the timeout.
func deadline(t time.Duration) time.Duration {
	margin := min(t/10, 500*time.Millisecond)
	return t - margin
}

// baseURL builds Creatio's base URL from --url or --hostname/--port/--http.
func baseURL(o *options) (*url.URL, error) {
	t := o.Target
	switch {
	case t.URL != "" && t.Hostname != "":
		return nil, errors.New("give --url or --hostname, not both")
	case t.URL == "" && t.Hostname == "":
		return nil, errors.New("no Creatio address: give --url https://creatio.example.com (or --hostname)")
	case t.Hostname != "":
		if strings.ContainsAny(t.Hostname, "/?#@ ") {
			return nil, fmt.Errorf("--hostname %q is not a host name; use --url for a full URL", t.Hostname)
		}
		u := &url.URL{Scheme: "https", Host: t.Hostname}
		if t.HTTP {
			u.Scheme = "http"
		}
		if t.Port != 0 {
			u.Host = net.JoinHostPort(strings.Trim(t.Hostname, "[]"), strconv.Itoa(int(t.Port)))
		}
		return u, nil
	}
	if t.Port != 0 || t.HTTP {
		return nil, errors.New("--port and --http go with --hostname; put them into --url instead")
	}
	u, err := url.Parse(t.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--url %q is not an http:// or https:// URL", plugin.Sanitize(redact(t.URL)))
	}
	if u.User != nil {
		return nil, errors.New("--url must not carry a user or password (it would show in ps); use --user with CREATIO_PASSWORD")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	return u, nil
}

// redact hides user info in a URL that did not parse well.
func redact(s string) string {
	if i := strings.LastIndex(s, "@"); i >= 0 {
		if j := strings.Index(s, "://"); j >= 0 && j < i {
			return s[:j+3] + "…" + s[i:]
		}
	}
	return s
}

// buildVersion is the stamped version, or the module version of a go install.
func buildVersion() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return version
}
