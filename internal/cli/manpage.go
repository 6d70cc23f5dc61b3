package cli

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	flags "github.com/jessevdk/go-flags"
)

// writeManPage writes check_creatio_oauth(1): go-flags renders NAME,
// SYNOPSIS, DESCRIPTION and OPTIONS from the same definitions as --help; the
// sections a man reader also needs follow. The date comes from
// SOURCE_DATE_EPOCH when it is set (reproducible packages).
func writeManPage(p *flags.Parser, w io.Writer) error {
	var b bytes.Buffer
	p.WriteManPage(&b)
	// go-flags writes `.TH name 1 "date"`: ours adds the version and the
	// manual's title, as man-pages(7) asks.
	th, rest, _ := strings.Cut(b.String(), "\n")
	_, date, _ := strings.Cut(th, `"`)
	date, _, _ = strings.Cut(date, `"`)
	th = titleLine(strings.ToUpper(p.Name), date, p.Name+" "+buildVersion())
	// .nh: no hyphenation, which would split option names across lines.
	_, err := io.WriteString(w, th+"\n.nh\n"+escapeOptions(rest)+manSections)
	return err
}

// manWidth is the footer's width on an 80-column terminal: man-db sets
// the line length two columns under the terminal's.
const manWidth = 78

// titleLine is the .TH line. man prints the source (name and version) on
// the left of the footer, the date in its middle and the title on its
// right: a snapshot's version (1.0.0~git20261130110031.8d5124f) is too long
// for all three in 80 columns, and man would print them over each other,
// so the date is left out when it does not fit. A snapshot's version
// carries its commit time anyway. (A build from a tree with changes adds
// .dirty, which leaves no room even for the title: man cuts the source.)
func titleLine(title, date, source string) string {
	right := len(title) + len("(1)")
	if start := (manWidth - len(date)) / 2; len(source) >= start-1 || right >= manWidth-start-len(date)-1 {
		date = ""
	}
	return fmt.Sprintf(".TH %s 1 %q %q %q", title, date, source, "Monitoring Plugins")
}

// escapeOptions writes every '-' of an option as roff's "\-", a minus sign:
// a bare '-' is a hyphen, which a terminal may show as U+2010, and an
// option copied from the page would not work. An option is what go-flags
// writes as "\-\-ca-file" in the OPTIONS list, or "--password-file" in a
// description. (A scanner, not a regexp: the regexp package would cost
// every check's start-up.)
func escapeOptions(roff string) string {
	var b strings.Builder
	for i := 0; i < len(roff); {
		dashes, n := optionStart(roff, i)
		end := i + n
		if n > 0 && end < len(roff) && isLetter(roff[end]) {
			for end < len(roff) && (isLower(roff[end]) || isDigit(roff[end]) || isLetter(roff[end]) && end == i+n ||
				roff[end] == '-' && end+1 < len(roff) && (isLower(roff[end+1]) || isDigit(roff[end+1]))) {
				end++
			}
			b.WriteString(strings.Repeat(`\-`, dashes))
			b.WriteString(strings.ReplaceAll(roff[i+n:end], "-", `\-`))
			i = end
			continue
		}
		b.WriteByte(roff[i])
		i++
	}
	return b.String()
}

// optionStart reports whether an option starts at roff[i]: "\-\-", or one
// or two '-' at the start of a line or after a space or '('. It returns the
// number of dashes and of bytes they take, 0 when none starts there.
func optionStart(roff string, i int) (dashes, n int) {
	if strings.HasPrefix(roff[i:], `\-\-`) {
		return 2, 4
	}
	if roff[i] != '-' || i > 0 && !strings.ContainsRune(" \t\n(", rune(roff[i-1])) {
		return 0, 0
	}
	if strings.HasPrefix(roff[i:], "--") {
		return 2, 2
	}
	return 1, 1
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isLower(c byte) bool  { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// manSections follow OPTIONS in the man page.
const manSections = `.SH EXIT STATUS
The exit code is the state, as the Monitoring Plugins guidelines define it.
.TP
.B 0 OK
Creatio (or, in direct mode, the Identity Service) reports no OAuth problem and the time is within \fB\-w\fR/\fB\-c\fR.
.TP
.B 1 WARNING
the time is in the warning range, the token lifetime is in its warning range, a certificate expires within \fB\-\-certificate\fR's warning days, or the Identity Service's clock is ahead of this host's.
.TP
.B 2 CRITICAL
an OAuth problem: Creatio's HasProblem or a false flag, a 5xx answer or an answer that is not what the server speaks, from Creatio or the Identity Service, during the health request or the plugin's own login; also DNS, connection and TLS failures (see \fB\-\-unreachable\-state\fR) and the deadline (see \fB\-t\fR).
.TP
.B 3 UNKNOWN
the plugin could not measure because of its own configuration: a bad option, a missing secret, a wrong password or client secret of the plugin's login, Creatio asking for a login the plugin was not given, no health endpoint (404). \fB\-\-help\fR and \fB\-\-version\fR exit 3 too.
.PP
Line 1 is "CREATIO OAUTH STATE \- what failed and what to check | perfdata", under 200 characters; later lines list each step and, for a failed one, the fix from Creatio's documentation.
.SH PERFORMANCE DATA
All on line 1, on failures too; a label appears when its request was made. Each entry opens with the unit.
.TP
.B time
Seconds: endpoint mode: the health request, from its start to the last byte of the answer; direct mode: the whole run. Warn and crit from \fB\-w\fR/\fB\-c\fR, max is \fB\-t\fR. Left out when a failed login kept the health request from being made.
.TP
.B time_connect, time_tls, time_firstbyte
Seconds: the TCP connection, the TLS handshake (only with an https \fB\-\-url\fR) and the first byte of the answer, of the health request.
.TP
.B size
Bytes: the body of the health answer.
.TP
.B time_login
Seconds: the forms login (\fB\-\-user\fR).
.TP
.B time_token
Seconds: endpoint mode: the token request of the plugin's own OAuth login (\fB\-\-client\-id\fR); direct mode: the client_credentials token request.
.TP
.B time_discovery
Seconds: direct and both mode: the discovery document request.
.TP
.B token_lifetime
Seconds: direct and both mode: the token's expires_in; warn and crit from \fB\-\-token\-lifetime\-warning\fR/\fB\-critical\fR.
.TP
.B time_direct, time_token_direct
Seconds: \fB\-\-mode both\fR: direct mode's time (warn and crit from \fB\-w\fR/\fB\-c\fR) and time_token; time and time_token are then the endpoint's.
.TP
.B cert_days, ids_cert_days
Days, no unit: with \fB\-\-certificate\fR: whole days left on the certificates of Creatio and of the Identity Service, when https, counted as check_http \-C counts them; warn and crit @~:WARN_DAYS and @~:CRIT_DAYS.
.SH ENVIRONMENT
Secrets never go on the command line, where every user can read them in ps(1): \fB\-\-password\fR, \fB\-\-client\-secret\fR and \fB\-\-token\fR are refused. A file option wins over its variable; an empty variable counts as unset.
.TP
.B CREATIO_PASSWORD
the password of \fB\-\-user\fR (or \fB\-\-password\-file\fR).
.TP
.B CREATIO_CLIENT_SECRET
the OAuth client secret of \fB\-\-client\-id\fR (or \fB\-\-client\-secret\-file\fR).
.TP
.B CREATIO_TOKEN
a ready Bearer token for \fB\-\-auth bearer\fR (or \fB\-\-token\-file\fR).
.TP
.B HTTPS_PROXY, HTTP_PROXY, NO_PROXY
the proxies for requests (upper case wins over lower case), by the rules of Go's net/http; no other variable is read (not ALL_PROXY); never for localhost and loopback addresses.
.SH FILES
.TP
.B ~/.cache/check_creatio_oauth/
the credential cache (\fB\-\-cache\-dir\fR): one file per site and login, mode 0600, holding a session or token, never a password or secret. The directory is $XDG_CACHE_HOME/check_creatio_oauth, else $HOME/.cache/check_creatio_oauth, each only when the variable names an existing directory of the running user, else .cache/check_creatio_oauth in the home of the user's /etc/passwd entry (local users only: the binary is static), else
.BR /var/tmp/check_creatio_oauth\-UID ,
made with mode 0700 and refused when another user made it. A missing home is never created. Removing the directory costs one login per site; a package purge leaves these directories.
.SH EXAMPLES
Creatio answers the health endpoint without a login:
.PP
.RS
check_creatio_oauth \-U https://crm.example.com \-w 2 \-c 5
.RE
.PP
As a Creatio user (forms login; the session is kept in the credential cache for the next checks, up to \fB\-\-cache\-max\-age\fR, then ended; with \fB\-\-no\-cache\fR it is ended after each check):
.PP
.RS
CREATIO_PASSWORD=... check_creatio_oauth \-U https://crm.example.com \-\-user monitoring
.RE
.PP
Direct mode, Creatio's three checks from this host against the Identity Service:
.PP
.RS
CREATIO_CLIENT_SECRET=... check_creatio_oauth \-\-mode direct \-\-identity\-url https://crm\-is.example.com \-\-client\-id monitoring
.RE
.PP
Nagios ranges: \fB\-w 2\fR alerts above 2 s, \fB\-w 0.5:2\fR outside 0.5 to 2 s, \fB\-w @1:2\fR inside 1 to 2 s.
.SH INTEGRATION
.TP
.B Icinga 2
the package installs the CheckCommand \fBcreatio_oauth\fR into the Icinga Template Library (plugins\-contrib.d); with \fBinclude <plugins\-contrib>\fR a service needs only \fBcheck_command = "creatio_oauth"\fR and \fBvars.creatio_oauth_url\fR; secrets go through \fBvars.creatio_oauth_password\fR, \fBvars.creatio_oauth_client_secret\fR and \fBvars.creatio_oauth_token\fR, which the command exports as environment variables.
.TP
.B Nagios, Naemon
command_line $USER1$/check_creatio_oauth \-U $ARG1$ $ARG2$; the commands with logins and direct mode are in /usr/share/doc/check\-creatio\-oauth/examples/nagios.
.TP
.B Zabbix
an external check runs the wrapper check_creatio_oauth_zabbix.sh (in the ExternalScripts directory: /etc/zabbix/externalscripts with Debian's packages, /usr/lib/zabbix/externalscripts with Zabbix's), which adds \fB\-\-output json\fR: one line of JSON whatever happens, read by dependent items with JSONPath; the template, the wrapper and its env file are in /usr/share/doc/check\-creatio\-oauth/examples/zabbix.
.SH SEE ALSO
curl(1), https://www.monitoring\-plugins.org/doc/guidelines.html, Creatio Academy: "OAuth health monitoring".
`
