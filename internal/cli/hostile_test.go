package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"check_creatio_oauth/check/report"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
	"check_creatio_oauth/testdata/sim"
)

// The hostile answers and the states they get. Every case must end with a
// one-line reason, valid UTF-8, no '|' in the text and time= perfdata. T is
// "the -t state": such a case runs twice, with -t 1 (CRITICAL) and
// -t 1:UNKNOWN (UNKNOWN), which proves the plugin took it for a timeout and
// not for some other failure that happens to be CRITICAL, and it must keep
// its deadline (keptDeadline). The other cases run with a -t they never
// reach (generousTimeout): their answer must not depend on how busy the
// machine is.
//
//	answer                                    endpoint mode          direct mode (discovery / token call)
//	----------------------------------------  ---------------------  ---------------------------------------------------
//	no answer: hang after accept, TLS         T                      T, "IdentityService … unavailable" / "Can't retrieve"
//	  handshake hang, headers never finished,
//	  headers or body dripping, chunked body
//	  that never ends (slow)
//	oversize: 10 MB of headers (*), gzip bomb,    CRITICAL (not what     CRITICAL "IdentityService … unavailable" (discovery),
//	  endless chunked body, body over          Creatio speaks)        CRITICAL "Can't retrieve access_token" (token)
//	  --max-body
//	unreadable: invalid JSON, HTML, duplicate CRITICAL (not the      CRITICAL, as above: Creatio would find the Identity
//	  keys, a JSON array                       health JSON)           Service unavailable or the token unretrievable
//	endless redirects, redirect loop          CRITICAL ("more than   CRITICAL, as above
//	                                           5 redirects")
//	redirect to another host or port          UNKNOWN (point --url   CRITICAL, and the client secret never reaches the
//	  (incl. https -> http)                    at it), and no         other host or port
//	                                           request with
//	                                           credentials reaches it
//	TLS: expired, self-signed, wrong host     --unreachable-state    --unreachable-state (CRITICAL)
//	                                           (CRITICAL)
//	HTTP/1.0 close-delimited healthy body     OK                     -
//	health JSON 500 with a hostile Message    CRITICAL, Message      -
//	  (invalid UTF-8, NUL, 1 MB)               sanitized and cut
//	JSON nested 100 000 deep (anywhere)       CRITICAL: not the      -
//	                                           health JSON (the
//	                                           parser refuses nesting
//	                                           deeper than 10 000)
//
// One rule (check.Policy) decides every state: an answer that is not what
// the server speaks is CRITICAL, like a 5xx; only the monitoring side's own
// configuration (another host to point --url at, a login wall) is UNKNOWN.
//
// (*) Go's transport refuses more than 10 MiB of headers by itself; 10 MB
// (decimal) are under that limit. The cases over it send one header line
// that never ends, which costs the client only the bytes (many complete
// lines cost it validation time, which under -race nears the deadline).
//
// UNKNOWN in direct mode is for the plugin's own problems (usage); a usable
// discovery document or token that does not come is what Creatio's own check
// reports as IsIdentityServiceAvailable / IsAccessTokenRetrievable false.

// hostileTimeout is the -t of the cases about the deadline.
const hostileTimeout = "1"

// problemBody is a 500 health answer whose Message is msg, spliced in raw:
// msg must already be JSON string content (escaped as the case wants it).
func problemBody(msg string) []byte {
	return []byte(`{"HasProblem":true,"IsSystemSettingsFilledIn":true,"IsIdentityServiceAvailable":false,"IsAccessTokenRetrievableForSystemActions":false,"Message":"` + msg + `"}`)
}

// discoveryFor answers an OpenID discovery document naming tokenURL.
func discoveryFor(tokenURL string) http.HandlerFunc {
	return fixture.ServeBytes(http.StatusOK, "application/json", []byte(`{"issuer":"x","token_endpoint":"`+tokenURL+`"}`))
}

// recorder is a server that must not be reached with credentials: it
// counts requests and those carrying credentials.
type recorder struct {
	srv        *httptest.Server
	requests   atomic.Int32
	withSecret atomic.Int32
}

func newRecorder(t *testing.T) *recorder {
	t.Helper()
	rec := &recorder{}
	rec.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.requests.Add(1)
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if r.Header.Get("Authorization") != "" || r.Header.Get("Cookie") != "" || r.Header.Get("BPMCSRF") != "" ||
			bytes.Contains(body, []byte(fixture.Secret)) || bytes.Contains(body, []byte("client_secret")) {
			rec.withSecret.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, fixture.HealthyBody)
	}))
	t.Cleanup(rec.srv.Close)
	return rec
}

// port is the recorder's port.
func (r *recorder) port() string {
	_, p, _ := net.SplitHostPort(r.srv.Listener.Addr().String())
	return p
}

// noCredentials fails when a request carrying credentials reached rec, and,
// with none, when any request did.
func (r *recorder) check(none bool) func() []string {
	return func() []string {
		var fails []string
		if n := r.withSecret.Load(); n > 0 {
			fails = append(fails, fmt.Sprintf("%d request(s) with credentials (Authorization, cookie or client secret) reached %s", n, r.srv.URL))
		}
		if n := r.requests.Load(); none && n > 0 {
			fails = append(fails, fmt.Sprintf("%d request(s) reached %s, which must not be contacted", n, r.srv.URL))
		}
		return fails
	}
}

// certServer serves h over TLS with a self-signed certificate for dnsNames
// and ips, valid until notAfter; it returns the base URL and the PEM of the
// certificate, for --ca-file.
func certServer(t *testing.T, h http.Handler, dnsNames []string, ips []net.IP, notAfter time.Time) (string, string) {
	t.Helper()
	srv, pem := fixture.TLSServer(t, h, dnsNames, ips, notAfter, nil)
	return srv.URL, pem
}

// hostileCase is one hostile answer. want is the state; timeout instead
// means the -t state (the case runs with -t 1 and -t 1:UNKNOWN).
type hostileCase struct {
	name    string
	args    []string // without -t
	env     map[string]string
	want    plugin.State
	timeout bool
	says    string          // line 1 must contain this
	detail  string          // the output (line 1 or long output) must contain this
	check   func() []string // extra checks after the run (credentials); nil: none
	bug     string          // a known bug: failing checks skip the case with "BUG: …"
}

// line1Re is line 1 of the plugin output: name, state, " - " reason, perfdata.
var line1Re = regexp.MustCompile(`^CREATIO OAUTH (OK|WARNING|CRITICAL|UNKNOWN) - (\S.*?) \| (.*)$`)

// outputFails lists what is wrong with a plugin output: the conventions every
// answer must keep, whatever the server did; want is the state the exit code
// says, which line 1 must name.
func outputFails(out []byte, want plugin.State) []string {
	var fails []string
	if !utf8.Valid(out) {
		fails = append(fails, "output is not valid UTF-8")
	}
	if bytes.IndexByte(out, 0) >= 0 {
		fails = append(fails, "output holds a NUL byte")
	}
	if !bytes.HasSuffix(out, []byte("\n")) {
		fails = append(fails, "output does not end in a newline")
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	m := line1Re.FindStringSubmatch(lines[0])
	if m == nil {
		return append(fails, fmt.Sprintf("line 1 is not 'CREATIO OAUTH STATE - reason | perfdata': %q", lines[0]))
	}
	if m[1] != want.String() {
		fails = append(fails, fmt.Sprintf("line 1 says %s, want %s", m[1], want))
	}
	head := "CREATIO OAUTH " + m[1] + " - " + m[2]
	if len(head) > plugin.MaxLine {
		fails = append(fails, fmt.Sprintf("line 1 text is %d bytes, want at most %d", len(head), plugin.MaxLine))
	}
	if strings.Contains(m[2], "|") || strings.Count(lines[0], "|") != 1 {
		fails = append(fails, fmt.Sprintf("a '|' in the text of line 1: %q", lines[0]))
	}
	if !timePerfdata.MatchString(m[3]) {
		fails = append(fails, fmt.Sprintf("no time perfdata: %q", m[3]))
	}
	for _, l := range lines[1:] {
		if strings.Contains(l, "|") {
			fails = append(fails, fmt.Sprintf("a '|' in long output: %q", l))
		}
	}
	return fails
}

func TestHostile(t *testing.T) {
	t.Parallel() // its waits for -t overlap the other tests
	env := map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret, "CREATIO_TOKEN": "tok-Qw3!sEcReT"}
	endpoint := func(base string, extra ...string) []string {
		return append([]string{"-U", base, "--runtime", "netfx"}, extra...)
	}
	direct := func(idURL string, extra ...string) []string {
		return append([]string{"--mode", "direct", "--identity-url", idURL, "--client-id", fixture.Client}, extra...)
	}
	// A discovery document on loopback naming a token endpoint.
	withDiscovery := func(tokenURL string) string {
		srv := httptest.NewServer(discoveryFor(tokenURL))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	httpSrv := func(h http.Handler) string {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	raw := func(h func(net.Conn, <-chan struct{})) *fixture.RawServer { return fixture.NewRawServer(t, h) }
	loop := net.IPv4(127, 0, 0, 1)
	day := 24 * time.Hour
	discovery := func(w http.ResponseWriter, r *http.Request) {
		discoveryFor("http://"+r.Host+"/connect/token")(w, r)
	}

	// Redirects.
	endless := httpSrv(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		http.Redirect(w, r, fmt.Sprintf("/endless?n=%d", n+1), http.StatusFound)
	}))
	loopSrv := httpSrv(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.RequestURI(), http.StatusFound)
	}))
	otherHost := newRecorder(t)
	toOtherHost := httpSrv(http.RedirectHandler("http://localhost:"+otherHost.port()+"/0/api/OAuthHealthCheck", http.StatusFound))
	otherPort := newRecorder(t)
	toOtherPort := httpSrv(http.RedirectHandler(otherPort.srv.URL+"/0/api/OAuthHealthCheck", http.StatusFound))
	downgrade := newRecorder(t)
	toPlainHTTP, _ := certServer(t, http.RedirectHandler(downgrade.srv.URL+"/0/api/OAuthHealthCheck", http.StatusFound), nil, []net.IP{loop}, time.Now().Add(400*day))
	tokenOtherPort := newRecorder(t)
	tokenToOtherPort := httpSrv(http.RedirectHandler(tokenOtherPort.srv.URL+"/connect/token", http.StatusTemporaryRedirect))
	tokenOtherHost := newRecorder(t)
	tokenToOtherHost := httpSrv(http.RedirectHandler("http://localhost:"+tokenOtherHost.port()+"/connect/token", http.StatusTemporaryRedirect))

	// TLS.
	healthy := fixture.ServeBytes(http.StatusOK, "application/json", []byte(fixture.HealthyBody))
	expiredURL, expiredPEM := certServer(t, healthy, []string{"localhost"}, []net.IP{loop}, time.Now().Add(-2*day))
	selfSignedURL, _ := certServer(t, healthy, []string{"localhost"}, []net.IP{loop}, time.Now().Add(400*day))
	wrongHostURL, wrongHostPEM := certServer(t, healthy, []string{"creatio.example.com"}, nil, time.Now().Add(400*day))
	idExpiredURL, idExpiredPEM := certServer(t, http.HandlerFunc(discovery), []string{"localhost"}, []net.IP{loop}, time.Now().Add(-2*day))
	idSelfSignedURL, _ := certServer(t, http.HandlerFunc(discovery), []string{"localhost"}, []net.IP{loop}, time.Now().Add(400*day))
	idWrongHostURL, idWrongHostPEM := certServer(t, http.HandlerFunc(discovery), []string{"identity.example.com"}, nil, time.Now().Add(400*day))
	caFile := func(name, pem string) string { return fixture.WriteFile(t, name, pem) }

	// Hostile messages.
	big := strings.Repeat("Identitätsdienst nicht erreichbar ✗ ", 1_000_000/38+1)[:1_000_000]
	big = strings.ToValidUTF8(big, "")

	cases := []hostileCase{
		// Endpoint mode: transport.
		{name: "hang after accept", args: endpoint(raw(fixture.Hang).URL("http")), timeout: true, says: wordsNoAnswer(hostileTimeout)},
		{name: "TLS handshake hang", args: endpoint(raw(fixture.Hang).URL("https")), timeout: true, says: wordsTimeout},
		{name: "headers never finished", args: endpoint(raw(fixture.HeadersNeverFinished).URL("http")), timeout: true, says: wordsTimeout},
		{name: "headers dripping", args: endpoint(raw(fixture.HeadersDrip).URL("http")), timeout: true, says: wordsTimeout},
		{name: "body dripping one byte a second", args: endpoint(raw(fixture.BodyDrip).URL("http")), timeout: true, says: wordsTimeout},
		{name: "10 MB of headers", args: endpoint(raw(fixture.HugeHeaders(10_000_000)).URL("http")), want: plugin.Critical, detail: "more than 64 KiB of headers"},
		{name: "endless header line, over Go's 10 MiB limit", args: endpoint(raw(fixture.EndlessHeader).URL("http")), want: plugin.Critical, says: "more than 64 KiB of headers"},
		{name: "chunked body never ends, slow", args: endpoint(raw(fixture.ChunkedSlow).URL("http")), timeout: true, says: wordsTimeout},
		{name: "chunked body never ends, fast", args: endpoint(raw(fixture.ChunkedFast).URL("http")), want: plugin.Critical, says: "larger than the 1048576-byte cap"},
		{name: "HTTP/1.0 close-delimited body", args: endpoint(raw(fixture.HTTP10).URL("http")), want: plugin.OK, says: wordsOK},
		{name: "gzip bomb", args: endpoint(httpSrv(fixture.ServeBytes(http.StatusOK, "application/json", fixture.GzipBomb(), "Content-Encoding", "gzip"))), want: plugin.Critical, says: "larger than the 1048576-byte cap"},
		{name: "gzip bomb with 500", args: endpoint(httpSrv(fixture.ServeBytes(http.StatusInternalServerError, "application/json", fixture.GzipBomb(), "Content-Encoding", "gzip"))), want: plugin.Critical, says: "larger than"},
		// Endpoint mode: redirects.
		{name: "endless redirects", args: endpoint(endless), want: plugin.Critical, says: "more than 5 redirects"},
		{name: "redirect loop", args: endpoint(loopSrv), want: plugin.Critical, says: "more than 5 redirects"},
		{name: "redirect to another host with bearer token", args: endpoint(toOtherHost, "--auth", "bearer"), env: env, want: plugin.Unknown, says: "another host", check: otherHost.check(true)},
		{name: "redirect to another port with bearer token", args: endpoint(toOtherPort, "--auth", "bearer"), env: env, want: plugin.Unknown, check: otherPort.check(true)},
		{name: "redirect https to http with bearer token", args: endpoint(toPlainHTTP, "--auth", "bearer", "--insecure"), env: env, want: plugin.Unknown, check: downgrade.check(true)},
		// Endpoint mode: bodies.
		{name: "invalid UTF-8 and escaped NUL in Message", args: endpoint(httpSrv(fixture.ServeBytes(500, "application/json", problemBody("Identity \xff\xfe\xc3 down \\u0000 after NUL \\u0007 | 'time'=1s;;; \\n second line")))), want: plugin.Critical, says: "Identity"},
		{name: "raw NUL and control bytes in Message", args: endpoint(httpSrv(fixture.ServeBytes(500, "application/json", problemBody("Identity \x00 down \x01\x1b[31m red")))), want: plugin.Critical},
		{name: "Message of 1 MB", args: endpoint(httpSrv(fixture.ServeBytes(500, "application/json", problemBody(big)))), want: plugin.Critical, says: "Identitätsdienst nicht erreichbar"},
		{name: "answer over --max-body 100", args: endpoint(httpSrv(healthy), "--max-body", "100"), want: plugin.Critical, says: "larger than the 100-byte cap (--max-body)", detail: "size=134B"},
		{name: "Message over --max-body", args: endpoint(httpSrv(fixture.ServeBytes(500, "application/json", problemBody(strings.Repeat("x", 2<<20))))), want: plugin.Critical, says: "larger than the 1048576-byte cap"},
		{name: "JSON nested 100000 deep in an extra key", args: endpoint(httpSrv(fixture.ServeBytes(200, "application/json", []byte(strings.TrimSuffix(fixture.HealthyBody, "}")+`,"Extra":`+fixture.Deep(100000)+`}`)))), want: plugin.Critical, says: "invalid JSON"},
		{name: "JSON nested 100000 deep with 500", args: endpoint(httpSrv(fixture.ServeBytes(500, "application/json", []byte(fixture.Deep(100000))))), want: plugin.Critical, says: "not the OAuth health JSON"},
		{name: "JSON nested 100000 deep as the answer", args: endpoint(httpSrv(fixture.ServeBytes(200, "application/json", []byte(fixture.Deep(100000))))), want: plugin.Critical, says: "invalid JSON"},
		{name: "JSON nested 100000 deep, unbalanced", args: endpoint(httpSrv(fixture.ServeBytes(200, "application/json", []byte(strings.Repeat(`{"a":`, 100000))))), want: plugin.Critical, says: "invalid JSON"},
		{name: "duplicate keys", args: endpoint(httpSrv(fixture.ServeBytes(200, "application/json", []byte(strings.TrimSuffix(fixture.HealthyBody, "}")+`,"HasProblem":true}`)))), want: plugin.Critical, says: `"HasProblem" appears twice`},
		// Endpoint mode: TLS.
		{name: "TLS expired certificate", args: endpoint(expiredURL, "--ca-file", caFile("expired.pem", expiredPEM)), want: plugin.Critical, says: "expired"},
		{name: "TLS self-signed certificate", args: endpoint(selfSignedURL), want: plugin.Critical, says: "not trusted"},
		{name: "TLS wrong-host certificate", args: endpoint(wrongHostURL, "--ca-file", caFile("wronghost.pem", wrongHostPEM)), want: plugin.Critical, says: "not valid for"},
		// Endpoint mode, OAuth login: the plugin's own token call.
		{name: "oauth login token endpoint hangs", args: endpoint(selfSignedURL, "--identity-url", withDiscovery(raw(fixture.Hang).URL("http")+"/connect/token"), "--client-id", fixture.Client), env: env, timeout: true, says: wordsTimeout},
		{name: "oauth login token body drips", args: endpoint(selfSignedURL, "--identity-url", withDiscovery(raw(fixture.BodyDrip).URL("http")+"/connect/token"), "--client-id", fixture.Client), env: env, timeout: true, says: wordsTimeout},

		// Direct mode: discovery.
		{name: "direct discovery hang after accept", args: direct(raw(fixture.Hang).URL("http")), env: env, timeout: true, says: wordsIdentityUnavailable + ": the discovery request"},
		{name: "direct discovery TLS handshake hang", args: direct(raw(fixture.Hang).URL("https")), env: env, timeout: true, says: "is unavailable: the discovery request"},
		{name: "direct discovery headers never finished", args: direct(raw(fixture.HeadersNeverFinished).URL("http")), env: env, timeout: true, says: "is unavailable"},
		{name: "direct discovery body drips", args: direct(raw(fixture.BodyDrip).URL("http")), env: env, timeout: true, says: "is unavailable"},
		{name: "direct discovery endless header line", args: direct(raw(fixture.EndlessHeader).URL("http")), env: env, want: plugin.Critical, says: "is unavailable", detail: "more than 64 KiB of headers"},
		{name: "direct discovery huge body", args: direct(httpSrv(fixture.ServeStream("application/json", 3<<20))), env: env, want: plugin.Critical, says: "is unavailable: the discovery document: the answer is larger than"},
		{name: "direct discovery gzip bomb", args: direct(httpSrv(fixture.ServeBytes(http.StatusOK, "application/json", fixture.GzipBomb(), "Content-Encoding", "gzip"))), env: env, want: plugin.Critical, says: "larger than"},
		{name: "direct discovery endless redirects", args: direct(endless), env: env, want: plugin.Critical, says: "is unavailable"},
		{name: "direct discovery TLS expired certificate", args: direct(idExpiredURL, "--ca-file", caFile("idexpired.pem", idExpiredPEM)), env: env, want: plugin.Critical, says: "expired"},
		{name: "direct discovery TLS self-signed certificate", args: direct(idSelfSignedURL), env: env, want: plugin.Critical, says: "not trusted"},
		{name: "direct discovery TLS wrong-host certificate", args: direct(idWrongHostURL, "--ca-file", caFile("idwronghost.pem", idWrongHostPEM)), env: env, want: plugin.Critical, says: "not valid for"},

		// Direct mode: the token call.
		{name: "direct token endpoint hang after accept", args: direct(withDiscovery(raw(fixture.Hang).URL("http") + "/connect/token")), env: env, timeout: true, says: wordsTokenUnretrievable + ": the token request"},
		{name: "direct token endpoint headers never finished", args: direct(withDiscovery(raw(fixture.HeadersNeverFinished).URL("http") + "/connect/token")), env: env, timeout: true, says: wordsTokenUnretrievable},
		{name: "direct token body drips", args: direct(withDiscovery(raw(fixture.BodyDrip).URL("http") + "/connect/token")), env: env, timeout: true, says: wordsTimeout},
		{name: "direct token 10 MB body", args: direct(withDiscovery(httpSrv(fixture.ServeStream("application/json", 10<<20)) + "/connect/token")), env: env, want: plugin.Critical, says: wordsTokenUnretrievable},
		{name: "direct token endless header line", args: direct(withDiscovery(raw(fixture.EndlessHeader).URL("http") + "/connect/token")), env: env, want: plugin.Critical, says: wordsTokenUnretrievable, detail: "more than 64 KiB of headers"},
		{name: "direct token invalid JSON", args: direct(withDiscovery(httpSrv(fixture.ServeBytes(200, "application/json", []byte(`{"access_token":"abc","token_type":`))) + "/connect/token")), env: env, want: plugin.Critical, says: wordsTokenUnretrievable},
		{name: "direct token HTML", args: direct(withDiscovery(httpSrv(fixture.ServeBytes(200, "text/html; charset=utf-8", []byte("<!DOCTYPE html><html><body><h1>IIS | Welcome</h1></body></html>"))) + "/connect/token")), env: env, want: plugin.Critical, says: wordsTokenUnretrievable},
		{name: "direct token 307 to another host", args: direct(withDiscovery(tokenToOtherHost + "/connect/token")), env: env, want: plugin.Critical, says: wordsTokenUnretrievable, check: tokenOtherHost.check(true)},
		{name: "direct token 307 to another port", args: direct(withDiscovery(tokenToOtherPort + "/connect/token")), env: env, want: plugin.Critical, says: wordsTokenUnretrievable, check: tokenOtherPort.check(true)},
	}

	for _, tc := range cases {
		variants := []struct {
			suffix, t string
			want      plugin.State
		}{{"", generousTimeout, tc.want}}
		if tc.timeout {
			variants = []struct {
				suffix, t string
				want      plugin.State
			}{{"", hostileTimeout, plugin.Critical}, {"/-t 1:UNKNOWN", hostileTimeout + ":UNKNOWN", plugin.Unknown}}
		}
		for _, v := range variants {
			t.Run(tc.name+v.suffix, func(t *testing.T) {
				// The cases that wait for the deadline run side by side;
				// the others, some of them CPU-heavy (10 MB of headers,
				// gzip bombs), run one by one before them, so that they
				// do not slow each other past the time limit.
				if tc.timeout {
					t.Parallel()
				}
				args := append(append([]string{}, tc.args...), "-t", v.t)
				start := time.Now()
				got, out := runPlugin(t, tc.env, args...)
				took := time.Since(start)
				line1, _, _ := strings.Cut(string(out), "\n")
				t.Logf("%.3f s, exit %d: %s", took.Seconds(), got, line1)

				// hard: what every answer must keep, bug or not.
				hard := outputFails(out, got)
				if tc.timeout {
					secs, _ := strconv.ParseFloat(hostileTimeout, 64)
					hard = append(hard, keptDeadline(out, took, secs)...)
				}
				// soft: the expected state, reason and credential checks,
				// which a known bug may break.
				var soft []string
				if got != v.want {
					soft = append(soft, fmt.Sprintf("exit %d (%v), want %d (%v)", got, got, v.want, v.want))
				}
				if tc.says != "" && !strings.Contains(line1, tc.says) {
					soft = append(soft, fmt.Sprintf("line 1 does not say %q", tc.says))
				}
				if tc.detail != "" && !bytes.Contains(out, []byte(tc.detail)) {
					soft = append(soft, fmt.Sprintf("the output does not say %q", tc.detail))
				}
				if tc.check != nil {
					soft = append(soft, tc.check()...)
				}
				switch {
				case len(hard) > 0:
					t.Errorf("%s\noutput:\n%s", strings.Join(append(hard, soft...), "\n"), out)
				case len(soft) > 0 && tc.bug != "":
					t.Skipf("BUG: %s\n%s\noutput:\n%s", tc.bug, strings.Join(soft, "\n"), out)
				case len(soft) > 0:
					t.Errorf("%s\noutput:\n%s", strings.Join(soft, "\n"), out)
				case tc.bug != "":
					t.Logf("the BUG mark is stale, the case passes now: %s", tc.bug)
				}
			})
		}
	}
}

// What a server echoes of the plugin's secrets never comes back out, at any
// verbosity: a bearer token in an HTML error page, the password in a login
// Message, a SAML RelayState in a Location header at -vvv.
func TestEchoedSecrets(t *testing.T) {
	const token = "tok-Qw3!sEcReT/+="
	relay := "RelayState=" + url.QueryEscape("state-"+token)
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/AuthService.svc/Login"):
			body, _ := io.ReadAll(r.Body)
			var login struct{ UserPassword string }
			_ = json.Unmarshal(body, &login)
			msg, _ := json.Marshal("Either username or password is not correct: " + login.UserPassword)
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"Code":1,"Message":%s}`, msg)
		case strings.HasPrefix(r.URL.Path, "/sso/"):
			http.Redirect(w, r, "/sso/Login/NuiLogin.aspx?ReturnUrl=%2f0%2f&"+relay, http.StatusFound)
		default:
			auth := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, "<html><body>Bad token (%s) %s</body></html>", url.QueryEscape(auth), auth)
		}
	})
	srv := httptest.NewServer(echo)
	t.Cleanup(srv.Close)
	env := map[string]string{"CREATIO_TOKEN": token, "CREATIO_PASSWORD": fixture.Password}
	for _, tc := range []struct {
		name string
		args []string
		want plugin.State
	}{
		{"bearer token in an HTML body", []string{"-U", srv.URL, "--auth", "bearer", "--runtime", "netfx"}, plugin.Critical},
		{"password in the login Message", []string{"-U", srv.URL, "--user", fixture.User}, plugin.Unknown},
		{"RelayState in a Location header", []string{"-U", srv.URL + "/sso", "--runtime", "netfx"}, plugin.Unknown},
	} {
		for _, v := range []string{"-v", "-vv", "-vvv"} {
			for _, format := range []string{"nagios", "json"} {
				got, out := runPlugin(t, env, append(append([]string{}, tc.args...), v, "--output", format)...)
				if got != tc.want {
					t.Errorf("%s %s %s: state %v, want %v\n%s", tc.name, v, format, got, tc.want, out)
				}
				for _, sec := range append(append(fixture.Encodings("", token), fixture.Encodings(fixture.User, fixture.Password)...), "sEcReT") {
					if bytes.Contains(out, []byte(sec)) {
						t.Errorf("%s %s %s: printed %q\n%s", tc.name, v, format, sec, out)
					}
				}
			}
		}
	}
}

// The words the command line's tests look for in the plugin's output, pinned here
// once: rewording a message in the code changes this file (and the goldens,
// go test ./internal/cli/ -update), not every test that looks for it. Creatio's own words
// come from the simulator, which speaks them; the plugin's own are check/'s
// (unexported there), and the command line's are in this package.
var (
	// Creatio's Message when the Identity Service is unavailable, as the
	// status line starts it (without the full stop).
	wordsCreatioUnavailable = strings.TrimSuffix(sim.MessageIdentityUnavailable, ".")
	// The plugin's line for an Identity Service it cannot use (direct
	// mode, its own login): Creatio's words, made short.
	wordsIdentityUnavailable = report.Unavailable
	// The start of the line when no token can be retrieved.
	wordsTokenUnretrievable = report.Unretrievable
)

// The plugin's words (check/; unexported there).
const (
	wordsOK          = "as expected"                           // a healthy answer
	wordsTimeout     = "timeout"                               // any request the deadline ended
	wordsInterrupted = "was interrupted before an answer came" // a request a signal ended
	wordsLoggedOut   = "\nlogout: ended the session of "       // -vv after a forms login
)

// wordsNoAnswer is the deadline's words for a request, with -t as given.
func wordsNoAnswer(timeout string) string {
	return "hit the " + timeout + " s timeout"
}
