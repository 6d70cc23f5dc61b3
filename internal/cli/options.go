package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	flags "github.com/jessevdk/go-flags"

	"check_creatio_oauth/plugin"
)

// options are the command-line options; the struct tags are the help text
// and the man page.
type options struct {
	Target struct {
		URL      string  `short:"U" long:"url" value-name:"URL" description:"Creatio base URL, with any virtual directory (https://crm.example.com/creatio)"`
		Hostname string  `short:"H" long:"hostname" value-name:"HOST" description:"Creatio host, instead of --url"`
		Port     portOpt `short:"p" long:"port" value-name:"PORT" description:"port with --hostname (443, or 80 with --http, unless given)"`
		HTTP     bool    `long:"http" description:"plain HTTP with --hostname"`
		Runtime  string  `long:"runtime" choice:"auto" choice:"netfx" choice:"net" default:"auto" description:"netfx: {url}/0/api/OAuthHealthCheck (.NET Framework, Creatio 8.1.2+); net: {url}/api/OAuthHealthCheck (.NET 8, Creatio 8.3.2+); auto: /0 first, then the root on 404, 401 or a login redirect (a --url that ends in the endpoint's path names the runtime)"`
		note     string  // how --url was read, for -vv
	} `group:"Target"`
	Thresholds struct {
		Warning     string     `short:"w" long:"warning" value-name:"RANGE" description:"warning range for the health request time in seconds, Nagios syntax: 2 (above 2 s), 0.5:2 (outside 0.5 to 2 s), @1:2 (inside 1 to 2 s)"`
		Critical    string     `short:"c" long:"critical" value-name:"RANGE" description:"critical range for the health request time in seconds, same syntax"`
		Timeout     timeoutOpt `short:"t" long:"timeout" value-name:"SECONDS[:STATE]" default:"10" description:"deadline for the whole run, at most 86400; :STATE is the state when it passes, CRITICAL unless given (10:UNKNOWN)"`
		Unreachable stateOpt   `long:"unreachable-state" value-name:"STATE" default:"CRITICAL" description:"state for DNS, connection and TLS failures, and an unreachable proxy"`
		Certificate string     `long:"certificate" value-name:"WARN_DAYS[,CRIT_DAYS]" description:"also check the days left on the TLS certificates of Creatio and the Identity Service (like check_http -C), perfdata cert_days and ids_cert_days; CRIT_DAYS is 0 (expired) unless given"`
		MaxBody     int64      `long:"max-body" value-name:"BYTES" default:"1048576" description:"read at most this much of any answer; a larger one is CRITICAL"`
	} `group:"Thresholds and timeouts"`
	TLS struct {
		CAFile     []string `long:"ca-file" value-name:"FILE" description:"PEM file of the CA certificates to trust instead of the system's; repeat for more files (their CAs, and no others, are trusted)"`
		Insecure   bool     `long:"insecure" description:"do not verify TLS certificates (test stands only)"`
		ClientCert string   `long:"client-cert" value-name:"FILE" description:"PEM client certificate"`
		ClientKey  string   `long:"client-key" value-name:"FILE" description:"PEM key of --client-cert"`
	} `group:"TLS"`
	Mode struct {
		Mode string `long:"mode" choice:"endpoint" choice:"direct" choice:"both" default:"endpoint" description:"endpoint: ask Creatio's OAuthHealthCheck (8.1.2+ on .NET Framework, 8.3.2+ on .NET 8); direct: run its checks against the Identity Service from here, for older versions too (needs --identity-url, --client-id and the secret); both: compare"`
	} `group:"Mode"`
	Auth struct {
		Auth         string `long:"auth" choice:"none" choice:"forms" choice:"oauth" choice:"bearer" description:"how to log in to Creatio for the health request: forms with --user, oauth with --client-id, else none, unless given"`
		User         string `long:"user" value-name:"NAME" description:"Creatio user for forms login; password from CREATIO_PASSWORD or --password-file; the session is kept in the credential cache for the next checks, up to --cache-max-age (with --no-cache: ended after the check)"`
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
		ClientAuth            string `long:"client-auth" choice:"auto" choice:"basic" choice:"post" default:"auto" description:"how the client authenticates to the token endpoint: basic (HTTP Basic, RFC 6749 2.3.1), post (in the form body, as Creatio does), auto (the one the discovery document lists alone, else basic and, when a 400/401 refuses the client with invalid_client or no OAuth code, post)"`
		TokenLifetimeWarning  string `long:"token-lifetime-warning" value-name:"RANGE" description:"warning range for the token's expires_in in seconds (direct mode), e.g. 300: (below 5 minutes)"`
		TokenLifetimeCritical string `long:"token-lifetime-critical" value-name:"RANGE" description:"critical range for the token's expires_in in seconds (direct mode)"`
	} `group:"Identity Service"`
	Cache struct {
		Dir     cacheDirOpt `long:"cache-dir" value-name:"DIR" description:"credential cache: the OAuth token and the forms session are reused by the next checks, one login per --cache-max-age at most; the directory must be the running user's and not writable by others, else it is not used and the output says why. Default: check_creatio_oauth in $XDG_CACHE_HOME, else in ~/.cache of $HOME, when they are the user's own directories, else of the home in /etc/passwd (Debian's nagios: /var/lib/nagios), else /var/tmp/check_creatio_oauth-UID, made with mode 0700; on Windows check_creatio_oauth in %LOCALAPPDATA%, made for the running user, SYSTEM and Administrators only"`
		MaxAge  maxAgeOpt   `long:"cache-max-age" value-name:"SECONDS" default:"3600" description:"use a cached session or token at most this long after its login (a token also only until shortly before it expires), then log in again and end the old forms session; at least 1"`
		NoCache bool        `long:"no-cache" description:"no credential cache: log in on every check, and log out after a forms check"`
	} `group:"Credential cache"`
	Output struct {
		Format  string `long:"output" choice:"nagios" choice:"json" default:"nagios" description:"nagios: status line, long output and perfdata; json: one line of JSON for every outcome (Zabbix)"`
		Verbose []bool `short:"v" long:"verbose" description:"more detail; repeat up to 3 times (-vvv: each request and answer, secrets redacted)"`
		Version bool   `short:"V" long:"version" description:"print the version and exit (3)"`
		ManPage bool   `long:"manpage" hidden:"true"` // the man page, for packages
	} `group:"Output"`
}

// newParser is the command line's parser: --help is ours to print, and
// errors come back as values.
func newParser(o *options) *flags.Parser {
	p := flags.NewParser(o, flags.HelpFlag|flags.PassDoubleDash)
	p.Name = "check_creatio_oauth"
	p.Usage = "-U URL [OPTIONS]  |  --mode direct --identity-url URL --client-id ID [OPTIONS]"
	p.ShortDescription = "check Creatio's OAuth 2.0 health (Nagios, Icinga, Zabbix plugin)"
	p.LongDescription = description
	return p
}

// defaultTimeout is -t when none is given.
var defaultTimeout = timeoutOpt{10 * time.Second, plugin.Critical}

// timeout is -t, or its default.
func (o *options) timeout() timeoutOpt {
	if o.Thresholds.Timeout.d == 0 { // go-flags applies the default tag through UnmarshalFlag; be safe
		return defaultTimeout
	}
	return o.Thresholds.Timeout
}

// maxTimeout is the largest -t: a day.
const maxTimeout = 86400

// timeoutOpt is -t SECONDS[:STATE].
type timeoutOpt struct {
	d     time.Duration
	state plugin.State
}

// UnmarshalFlag parses "10", "2.5" or "10:UNKNOWN".
func (t *timeoutOpt) UnmarshalFlag(s string) error {
	secs, st, hasState := strings.Cut(s, ":")
	v, err := strconv.ParseFloat(secs, 64)
	if err != nil || !(v > 0) || v > maxTimeout {
		return fmt.Errorf("-t %q: want seconds above 0 and at most %d (a day), e.g. 10 or 10:UNKNOWN", plugin.Sanitize(s), maxTimeout)
	}
	t.d, t.state = time.Duration(v*float64(time.Second)), plugin.Critical
	if hasState {
		if t.state, err = plugin.ParseState(st); err != nil {
			return fmt.Errorf("-t %q: %w", plugin.Sanitize(s), err)
		}
	}
	return nil
}

// IsValidValue lets a negative number through to UnmarshalFlag, which says
// what is wrong with it, instead of go-flags taking "-1" for an option.
func (t *timeoutOpt) IsValidValue(s string) error {
	if strings.HasPrefix(s, "-") && (len(s) < 2 || s[1] < '0' || s[1] > '9') {
		return fmt.Errorf("-t wants seconds, but got the option %q", plugin.Sanitize(s))
	}
	return nil
}

// stateOpt is an option that takes a state name or 0-3.
type stateOpt struct{ plugin.State }

// UnmarshalFlag parses a state name (any case) or 0-3.
func (s *stateOpt) UnmarshalFlag(v string) error {
	st, err := plugin.ParseState(v)
	*s = stateOpt{st}
	return err
}

// portOpt is a TCP port.
type portOpt uint16

// UnmarshalFlag parses a port number from 1 to 65535.
func (p *portOpt) UnmarshalFlag(s string) error {
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil || n == 0 {
		return fmt.Errorf("-p %q: want a port number from 1 to 65535", plugin.Sanitize(s))
	}
	*p = portOpt(n)
	return nil
}

// cacheDirOpt is --cache-dir: a directory; given empty, it is a usage
// error, not the default.
type cacheDirOpt string

// UnmarshalFlag refuses an empty directory.
func (d *cacheDirOpt) UnmarshalFlag(s string) error {
	if s == "" {
		return fmt.Errorf("--cache-dir is empty: give a directory, leave the option out for the default, or use --no-cache")
	}
	*d = cacheDirOpt(s)
	return nil
}

// maxCacheAge is the largest --cache-max-age: 30 days.
const maxCacheAge = 30 * 86400

// maxAgeOpt is --cache-max-age SECONDS.
type maxAgeOpt struct{ d time.Duration }

// UnmarshalFlag parses whole seconds from 1 to maxCacheAge.
func (m *maxAgeOpt) UnmarshalFlag(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 || n > maxCacheAge {
		return fmt.Errorf("--cache-max-age %q: want whole seconds from 1 to %d (30 days), e.g. 3600", plugin.Sanitize(s), maxCacheAge)
	}
	m.d = time.Duration(n) * time.Second
	return nil
}

// IsValidValue lets a negative number through to UnmarshalFlag, which says
// what is wrong with it.
func (m *maxAgeOpt) IsValidValue(string) error { return nil }

// defaultCacheMaxAge is --cache-max-age when none is given.
const defaultCacheMaxAge = time.Hour

// cacheMaxAge is --cache-max-age, or its default.
func (o *options) cacheMaxAge() time.Duration {
	if o.Cache.MaxAge.d == 0 {
		return defaultCacheMaxAge
	}
	return o.Cache.MaxAge.d
}
