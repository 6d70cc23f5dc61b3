package check

import (
	"cmp"
	"encoding/json"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"check_creatio_oauth/check/creatio"
	"check_creatio_oauth/check/identity"
	"check_creatio_oauth/check/internal/checktest"
	"check_creatio_oauth/check/report"
	"check_creatio_oauth/check/web"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
	"check_creatio_oauth/testdata/sim"
)

// unavailable and unretrievable open the status lines of the direct
// mode's failed steps, in Creatio's words.
const (
	isUnavailable = report.Unavailable + ": "
	unretrievable = report.Unretrievable + ": "
)

// directWant is the outcome of the direct check of a variant.
type directWant struct {
	state  plugin.State
	says   string
	failed string // the step that failed: identity_service or token; "" when the token came
}

// directVariants are the states of the direct check of each Identity
// Service variant. The simulator's Want suggests CRITICAL for future; the
// plugin warns, as a token issued in the future is clock skew, which
// validators tolerate for a while.
var directVariants = map[string]directWant{
	"ok":                          {plugin.OK, asExpected, ""},
	"discovery-down":              {plugin.Critical, isUnavailable + "the discovery document: HTTP 503 Service Unavailable", report.StepIdentityService},
	"discovery-notjson":           {plugin.Critical, isUnavailable + "the discovery document: not JSON", report.StepIdentityService},
	"discovery-no-token-endpoint": {plugin.Critical, isUnavailable + "the discovery document: no token_endpoint", report.StepIdentityService},
	"token-500":                   {plugin.Critical, unretrievable + "token endpoint HTTP 500 Internal Server Error; check the Identity Service log and load", report.StepToken},
	"expired":                     {plugin.Critical, "the new token expired ", ""},
	"future":                      {plugin.Warning, "clock skew of ", ""},
	"not-bearer":                  {plugin.Critical, `token_type is "mac", not Bearer; Creatio sends the token as Bearer`, ""},
	"no-discovery":                {plugin.Critical, isUnavailable + "the discovery document: HTTP 404 Not Found", report.StepIdentityService},
	"unavailable-503":             {plugin.Critical, isUnavailable + "the discovery document: HTTP 503 Service Unavailable", report.StepIdentityService},
	"echo":                        {plugin.Critical, unretrievable + "invalid_client (Client authentication failed", report.StepToken},
	"echo-500":                    {plugin.Critical, unretrievable + "token endpoint HTTP 500 Internal Server Error", report.StepToken},
	"http-token-endpoint":         {plugin.OK, asExpected, ""},
	"other-host-token-endpoint":   {plugin.Critical, "insecure token_endpoint http://localhost:", report.StepToken},
	"bom":                         {plugin.OK, asExpected, ""},
	"form-token":                  {plugin.OK, asExpected, ""},
	"server-error":                {plugin.Critical, unretrievable + "token endpoint HTTP 500: server_error (The authorization server", report.StepToken},
	"temporarily-unavailable":     {plugin.Critical, unretrievable + "token endpoint HTTP 503 (Retry-After: 120): temporarily_unavailable", report.StepToken},
	"oauth-502":                   {plugin.Critical, unretrievable + "token endpoint HTTP 502: invalid_client", report.StepToken},
	"too-many-requests":           {plugin.Critical, unretrievable + "token endpoint HTTP 429 (Retry-After: 30): invalid_request (rate limit)", report.StepToken},
	"error-in-200":                {plugin.Critical, unretrievable + "token endpoint HTTP 200 with the error server_error", report.StepToken},
	"unsupported-grant":           {plugin.Critical, unretrievable + "unsupported_grant_type: the Identity Service refuses the client_credentials grant", report.StepToken},
	"basic-only":                  {plugin.OK, asExpected, ""},
	"post-only":                   {plugin.OK, asExpected, ""},
	"basic-listed":                {plugin.OK, asExpected, ""},
	"post-listed":                 {plugin.OK, asExpected, ""},
	"basic-503":                   {plugin.Critical, unretrievable + "token endpoint HTTP 503: invalid_client; check the Identity Service log and load", report.StepToken},
	"basic-refused-bare":          {plugin.OK, asExpected, ""},
	"jwt-only":                    {plugin.Critical, unretrievable + "invalid_client (Client authentication failed); the Identity Service offers only private_key_jwt: allow client_secret_post", report.StepToken},
}

// serverFaults are the variants whose failure is the Identity Service's
// own: the advice never points at the client id and secret.
var serverFaults = []string{"basic-503", "token-500", "echo-500", "server-error", "temporarily-unavailable", "oauth-502", "too-many-requests", "error-in-200", "discovery-down", "unavailable-503"}

// The direct check of every variant of the simulated Identity Service:
// Creatio's three steps in its order, its flags and Message, the state by
// the rule, the checks of the token beyond Creatio's, no secret in the
// report or its -vvv trace, and its words at -v 0 and -v 2 as in
// testdata/variants.golden (go test -update rewrites it).
func TestDirectVariants(t *testing.T) {
	st := newStand(t)
	var (
		rendered checktest.Texts // the words of each variant, for testdata/variants.golden
		keys     []string
	)
	t.Cleanup(func() { rendered.Compare(t, filepath.Join("testdata", "variants.golden"), keys) })
	for _, v := range sim.IdentityVariants {
		keys = append(keys, v.Name)
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			want, ok := directVariants[v.Name]
			if !ok {
				t.Fatalf("no expectation for the variant %s", v.Name)
			}
			if want.state != plugin.State(v.Want) && v.Name != "future" {
				t.Errorf("the simulator wants %v, the test %v", plugin.State(v.Want), want.state)
			}
			trace := &web.Trace{} // the -vvv trace: no secret in it either
			c := newClient(t, web.ClientConfig{Debug: trace.Printf})
			d := &Direct{Identity: identity.Identity{Client: c, URL: variant(t, st, v.Name), ClientID: fixture.Client, Secret: fixture.Secret}, Policy: directPolicy}
			r := d.Run(runCtx(t, 5*time.Second))
			traced := *r
			traced.Notes = append(slices.Clone(r.Notes), trace.Lines()...)
			checkReport(t, &traced, nil)
			rendered.Add(t, v.Name, r, false)
			if len(trace.Lines()) == 0 {
				t.Error("no -vvv trace")
			}
			if r.Mode != "direct" || r.State != want.state || !strings.HasPrefix(r.Summary, want.says) {
				t.Errorf("%s %v %q,\nwant direct %v %q", r.Mode, r.State, r.Summary, want.state, want.says)
			}
			if slices.Contains(serverFaults, v.Name) {
				for _, s := range r.Steps {
					if s.State != plugin.OK && (strings.Contains(s.Fix, "client id") || strings.Contains(s.Fix, "--client-id") || strings.Contains(s.Fix, "ClientSecret")) {
						t.Errorf("the Identity Service's own failure blames the client settings: %+v", s)
					}
				}
			}
			h := r.Health
			if h == nil || h.SettingsFilledIn == nil || !*h.SettingsFilledIn {
				t.Fatalf("health %+v, want the settings filled in", h)
			}
			var wantSteps, wantPerf []string
			var available, retrievable bool
			var message string
			switch want.failed {
			case report.StepIdentityService:
				wantSteps = []string{"settings:OK", "identity_service:" + r.State.String(), "token:CRITICAL"}
				wantPerf = []string{"time", "time_discovery"}
				message = sim.MessageIdentityUnavailable
			case report.StepToken:
				wantSteps = []string{"settings:OK", "identity_service:OK", "token:" + r.State.String()}
				wantPerf = []string{"time", "time_discovery", "time_token"}
				available, message = true, report.Checks[2].Message
			default:
				wantSteps = []string{"settings:OK", "identity_service:OK", "token:OK"}
				if r.State != plugin.OK {
					wantSteps = append(wantSteps, "token_validity:"+r.State.String())
				}
				wantPerf = []string{"time", "time_discovery", "time_token", "token_lifetime"}
				available, retrievable = true, true
			}
			if got := steps(r); !slices.Equal(got, wantSteps) {
				t.Errorf("steps %v, want %v", got, wantSteps)
			}
			if got := labels(r); !slices.Equal(got, wantPerf) {
				t.Errorf("perfdata %v, want %v", got, wantPerf)
			}
			if *h.IdentityServiceAvailable != available || *h.TokenRetrievable != retrievable || h.HasProblem == retrievable || h.Message != message {
				t.Errorf("health %+v %t %t, want available %t, retrievable %t, Message %q", h, *h.IdentityServiceAvailable, *h.TokenRetrievable, available, retrievable, message)
			}
			if want.failed != "" {
				s, _ := step(r, want.failed)
				if s.Fix == "" || !strings.Contains(s.Detail, st.ID.URL) {
					t.Errorf("the failed step %+v does not say where and what to fix", s)
				}
			}
			if p, ok := perf(r, "token_lifetime"); ok && (p.Value != sim.DefaultTokenLifetime.Seconds() || p.Unit != "s") {
				t.Errorf("token_lifetime %s", p)
			}
		})
	}
}

// Direct mode needs the three values of Creatio's settings; what is missing
// is named, and UNKNOWN, as the monitoring host's own mistake.
func TestDirectMissingSettings(t *testing.T) {
	st := newStand(t)
	u := variant(t, st, "ok")
	const tail = "; give the values of Creatio's OAuth20IdentityServer* settings"
	const secret = "the secret (CREATIO_CLIENT_SECRET or --client-secret-file)"
	for _, tc := range []struct {
		url            *url.URL
		client, secret string
		says           string
	}{
		{nil, "", "", "direct mode needs --identity-url, --client-id and " + secret + tail},
		{nil, fixture.Client, fixture.Secret, "direct mode needs --identity-url" + tail},
		{u, "", fixture.Secret, "direct mode needs --client-id" + tail},
		{u, fixture.Client, "", "direct mode needs " + secret + tail},
		{nil, fixture.Client, "", "direct mode needs --identity-url and " + secret + tail},
	} {
		c := newClient(t, web.ClientConfig{})
		r := (&Direct{Identity: identity.Identity{Client: c, URL: tc.url, ClientID: tc.client, Secret: tc.secret}, Policy: directPolicy}).Run(runCtx(t, 5*time.Second))
		if r.State != plugin.Unknown || r.Summary != tc.says || r.Health != nil {
			t.Errorf("%v %q (health %v), want UNKNOWN %q", r.State, r.Summary, r.Health, tc.says)
		}
		if got := steps(r); !slices.Equal(got, []string{"settings:UNKNOWN"}) {
			t.Errorf("steps %v", got)
		}
		if got := labels(r); !slices.Equal(got, []string{"time"}) {
			t.Errorf("perfdata %v", got)
		}
	}
	if n := len(st.Identity.Requests()); n != 0 {
		t.Errorf("%d requests without the settings", n)
	}
}

// The token's lifetime against its thresholds, the run's time against -w
// and -c, and the token's times against the clock of Direct.Now.
func TestDirectThresholdsAndClock(t *testing.T) {
	st := newStand(t)
	th := func(w, c string) plugin.Thresholds {
		t.Helper()
		r, err := plugin.ParseThresholds(w, c)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	ahead := func(d time.Duration) func() time.Time { return func() time.Time { return time.Now().Add(d) } }
	for _, tc := range []struct {
		name     string
		variant  string
		lifetime plugin.Thresholds
		time     plugin.Thresholds
		now      func() time.Time
		want     plugin.State
		says     string
		step     string // the step that found it
	}{
		{"lifetime ok", "ok", th("300:", ""), plugin.Thresholds{}, nil, plugin.OK, asExpected, ""},
		{"lifetime warning", "ok", th("7200:", ""), plugin.Thresholds{}, nil, plugin.Warning, "token lifetime 3600 s, outside --token-lifetime-warning 7200:", "token_lifetime"},
		{"lifetime critical", "ok", th("7200:", "5000:"), plugin.Thresholds{}, nil, plugin.Critical, "token lifetime 3600 s, outside --token-lifetime-critical 5000:", "token_lifetime"},
		{"form-encoded lifetime", "form-token", th("7200:", ""), plugin.Thresholds{}, nil, plugin.Warning, "token lifetime 3600 s, outside --token-lifetime-warning 7200:", "token_lifetime"},
		{"time warning", "ok", plugin.Thresholds{}, th("0.000001", ""), nil, plugin.Warning, "the direct check took ", "response_time"},
		{"time critical", "ok", plugin.Thresholds{}, th("", "0.000001"), nil, plugin.Critical, " s, outside -c 0.000001; OAuth token is received as expected", "response_time"},
		{"time within", "ok", plugin.Thresholds{}, th("10", "20"), nil, plugin.OK, asExpected, ""},
		{"time over a warning finding", "future", plugin.Thresholds{}, th("", "0.000001"), nil, plugin.Critical, "the direct check took ", "response_time"},
		{"time not rated on a failure", "token-500", plugin.Thresholds{}, th("0.000001", ""), nil, plugin.Critical, unretrievable, ""},
		{"clock 2 h ahead: expired", "ok", plugin.Thresholds{}, plugin.Thresholds{}, ahead(2 * time.Hour), plugin.Critical, "the new token expired 36", "token_validity"},
		{"clock 10 min behind: skew", "ok", plugin.Thresholds{}, plugin.Thresholds{}, ahead(-10 * time.Minute), plugin.Warning, "clock skew of 60", "token_validity"},
		{"clock 30 s behind: tolerated", "ok", plugin.Thresholds{}, plugin.Thresholds{}, ahead(-30 * time.Second), plugin.OK, asExpected, ""},
		{"expired token, clock 3 h behind", "expired", plugin.Thresholds{}, plugin.Thresholds{}, ahead(-3 * time.Hour), plugin.Warning, "clock skew of 36", "token_validity"},
		{"future token, clock 10 min ahead", "future", plugin.Thresholds{}, plugin.Thresholds{}, ahead(10 * time.Minute), plugin.OK, asExpected, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, web.ClientConfig{})
			d := &Direct{Identity: identity.Identity{Client: c, URL: variant(t, st, tc.variant), ClientID: fixture.Client, Secret: fixture.Secret},
				Thresholds: tc.time, Lifetime: tc.lifetime, Policy: directPolicy, Now: tc.now}
			r := d.Run(runCtx(t, 5*time.Second))
			if r.State != tc.want || !strings.Contains(r.Summary, tc.says) {
				t.Errorf("%v %q, want %v %q", r.State, r.Summary, tc.want, tc.says)
			}
			if tc.step != "" {
				if s, ok := step(r, tc.step); !ok || s.State == plugin.OK || s.Fix == "" {
					t.Errorf("steps %v: want a failed %s step with a fix", steps(r), tc.step)
				}
			} else if _, ok := step(r, "response_time"); ok || r.State == plugin.OK && len(r.Steps) != 3 {
				t.Errorf("steps %v, want Creatio's three and no other finding", steps(r))
			}
			if p, ok := perf(r, "token_lifetime"); ok && (p.Warning != tc.lifetime.Warning || p.Critical != tc.lifetime.Critical) {
				t.Errorf("token_lifetime %s lacks the thresholds", p)
			}
			if p, _ := perf(r, "time"); p.Warning != tc.time.Warning || p.Critical != tc.time.Critical || *p.Max != 10 {
				t.Errorf("time %s lacks the thresholds or the timeout", p)
			}
		})
	}
}

// Identity Services that misbehave: each failure is the step's, in
// Creatio's words, in the state the rule gives its kind.
func TestDirectHostile(t *testing.T) {
	t.Parallel() // its waits overlap the other tests
	rawSrv := func(h func(c net.Conn, done <-chan struct{})) func(t *testing.T) string {
		return func(t *testing.T) string { return fixture.NewRawServer(t, h).URL("http") }
	}
	// withToken is an Identity Service whose discovery names the token
	// endpoint of tokenBase.
	withToken := func(tokenBase func(t *testing.T) string) func(t *testing.T) string {
		return func(t *testing.T) string { return serve(t, checktest.DiscoveryFor(tokenBase(t)+"/connect/token")).URL }
	}
	st := newStand(t)
	tlsID, pemText := fixture.TLSServer(t, st.Identity, []string{"localhost"}, fixture.Loopback, time.Now().Add(24*time.Hour), nil)
	ca := fixture.WriteFile(t, "ca.pem", pemText)
	p := report.Policy{TimeoutState: plugin.Unknown, Unreachable: plugin.Warning, Whose: report.CreatioSettings}
	for _, tc := range []struct {
		name    string
		url     func(t *testing.T) string
		cfg     web.ClientConfig
		timeout time.Duration
		want    plugin.State
		says    string
		note    string
	}{
		{name: "discovery hangs", url: rawSrv(fixture.Hang), timeout: checktest.HangTimeout, want: plugin.Unknown, says: isUnavailable + "the discovery request to 127.0.0.1:"},
		{name: "discovery headers never finished", url: rawSrv(fixture.HeadersNeverFinished), timeout: checktest.HangTimeout, want: plugin.Unknown, says: isUnavailable},
		{name: "discovery endless header line", url: rawSrv(fixture.EndlessHeader), want: plugin.Critical, says: isUnavailable + "127.0.0.1:"},
		{name: "discovery refused", url: func(t *testing.T) string { return "http://" + fixture.ClosedPort(t) }, want: plugin.Warning, says: isUnavailable + "connection to 127.0.0.1:"},
		{name: "discovery huge", url: checktest.SrvURL(fixture.ServeStream("application/json", 3<<20)), want: plugin.Critical, says: isUnavailable + "the discovery document: the answer is larger than the 1048576-byte cap (--max-body)"},
		{name: "discovery gzip bomb", url: checktest.SrvURL(fixture.ServeBytes(http.StatusOK, "application/json", fixture.GzipBomb(), "Content-Encoding", "gzip")), want: plugin.Critical, says: "larger than"},
		{name: "discovery untrusted", url: func(*testing.T) string { return tlsID.URL + "/ok" }, want: plugin.Warning, says: isUnavailable + "TLS certificate of 127.0.0.1:"},
		// the discovery must come back before the deadline: on a busy machine 0.3 s is not enough for it
		{name: "token endpoint hangs", url: withToken(rawSrv(fixture.Hang)), timeout: 2 * time.Second, want: plugin.Unknown, says: unretrievable + "the token request to 127.0.0.1:"},
		{name: "token body drips", url: withToken(rawSrv(fixture.BodyDrip)), timeout: 2 * time.Second, want: plugin.Unknown, says: unretrievable},
		{name: "token endpoint refused", url: withToken(func(t *testing.T) string { return "http://" + fixture.ClosedPort(t) }), want: plugin.Warning, says: unretrievable + "connection to 127.0.0.1:"},
		{name: "token 10 MB", url: withToken(checktest.SrvURL(fixture.ServeStream("application/json", 10<<20))), want: plugin.Critical, says: unretrievable + "the token endpoint's answer exceeds --max-body"},
		{name: "token invalid JSON", url: withToken(checktest.SrvURL(fixture.ServeBytes(http.StatusOK, "application/json", []byte(`{"access_token":"abc","token_type":`)))), want: plugin.Critical,
			says: unretrievable + "token endpoint HTTP 200 but the answer is not JSON"},
		{name: "https discovery, plain-http token endpoint", url: func(*testing.T) string { return tlsID.URL + "/http-token-endpoint" }, cfg: web.ClientConfig{CAFiles: []string{ca}}, want: plugin.Critical,
			says: "insecure token_endpoint http://127.0.0.1:"},
		{name: "token endpoint on another host over https", url: func(*testing.T) string { return tlsID.URL + "/other-host-token-endpoint" }, cfg: web.ClientConfig{CAFiles: []string{ca}}, want: plugin.OK,
			says: asExpected, note: "token endpoint on another host than --identity-url: https://localhost:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			timeout := cmp.Or(tc.timeout, 5*time.Second)
			p := p
			p.Timeout = timeout
			c := newClient(t, tc.cfg)
			d := &Direct{Identity: identity.Identity{Client: c, URL: mustURL(t, tc.url(t)), ClientID: fixture.Client, Secret: fixture.Secret}, Policy: p}
			start := time.Now()
			r := d.Run(runCtx(t, timeout))
			within(t, start, timeout+time.Second)
			checkReport(t, r, nil)
			if r.State != tc.want || !strings.Contains(r.Summary, tc.says) {
				t.Errorf("%v %q,\nwant %v %q", r.State, r.Summary, tc.want, tc.says)
			}
			if tc.note != "" && note(r, tc.note) == "" {
				t.Errorf("notes %q, want %q", r.Notes, tc.note)
			}
		})
	}
}

// A server that echoes a secret HTML-escaped (an error page, an
// error_description written by an HTML encoder) must not show it either.
func TestHTMLEscapedEchoes(t *testing.T) {
	const password = `pw<&"sEcReT`
	loginPage := fixture.ServeBytes(http.StatusOK, "text/html", []byte("<p>Bad password "+html.EscapeString(password)+"</p>"))
	desc, _ := json.Marshal(map[string]string{"error": "invalid_client", "error_description": "bad secret " + html.EscapeString(fixture.Secret)})
	var problems []string
	{
		srv := serve(t, loginPage)
		c := newClient(t, web.ClientConfig{})
		c.Secrets().Add(password)
		r := (&creatio.Endpoint{Client: c, Base: mustURL(t, srv.URL), Auth: &creatio.FormsLogin{Base: mustURL(t, srv.URL), User: fixture.User, Password: password}, Policy: testPolicy}).Run(runCtx(t, 5*time.Second))
		if what := leaked(everything(t, r), [2]string{fixture.User, password}); what != "" {
			problems = append(problems, fmt.Sprintf("the sample of a login answer shows %s: %q", what, r.Summary))
		}
	}
	{
		mux := http.NewServeMux()
		srv := serve(t, mux)
		mux.Handle("/.well-known/openid-configuration", checktest.DiscoveryFor(srv.URL+"/connect/token"))
		mux.Handle("/connect/token", fixture.ServeBytes(http.StatusBadRequest, "application/json", desc))
		c := newClient(t, web.ClientConfig{})
		r := (&Direct{Identity: identity.Identity{Client: c, URL: mustURL(t, srv.URL), ClientID: fixture.Client, Secret: fixture.Secret}, Policy: directPolicy}).Run(runCtx(t, 5*time.Second))
		if what := leaked(everything(t, r), [2]string{fixture.Client, fixture.Secret}); what != "" {
			problems = append(problems, fmt.Sprintf("an error_description shows %s: %q", what, r.Summary))
		}
	}
	if len(problems) > 0 {
		t.Errorf("an HTML-escaped secret is shown (in a body sample or an OAuth error_description):\n%s", strings.Join(problems, "\n"))
	}
}
