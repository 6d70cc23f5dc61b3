package creatio

import (
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"check_creatio_oauth/check/identity"
	"check_creatio_oauth/check/internal/checktest"
	"check_creatio_oauth/check/report"
	"check_creatio_oauth/check/web"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
	"check_creatio_oauth/testdata/sim"
)

// asExpected opens the status line of a healthy answer.
const asExpected = report.AsExpected + " ("

// healthSays is what the status line of each scenario says when its health
// answer comes (without a login for the scenarios that need none, after a
// good login for the others). A scenario's Want is its state.
var healthSays = map[string]string{
	"ok":                    asExpected,
	"ok-net":                asExpected,
	"ok-extra":              asExpected,
	"gzip-ok":               asExpected,
	"ok-bom":                asExpected,
	"ok-camel":              asExpected,
	"slow":                  asExpected,
	"redirect-same-host":    asExpected,
	"settings-empty":        sim.MessageSettingsEmpty + " Fill in the OAuth20IdentityServer* system settings.",
	"setting-url-empty":     sim.MessageSettingURLEmpty + " Fill in the OAuth20IdentityServer* system settings.",
	"identity-unavailable":  sim.MessageIdentityUnavailable + " Check the Identity Service and that its URL is reachable from the Creatio server.",
	"token-unretrievable":   "Can't retrieve access_token for system actions from IdentityService specified in system settings OAuth20IdentityServerUrl",
	"problem-bom":           sim.MessageIdentityUnavailable + " Check the Identity Service",
	"problem-camel":         sim.MessageIdentityUnavailable + " Check the Identity Service",
	"healthy-500":           "Creatio answered HTTP 500 Internal Server Error although HasProblem is false; check Creatio's application logs",
	"default-resource":      "default OAuth resource not registered. Run Create default resource in OAuth 2.0 integrated applications.",
	"problem-no-message":    "Creatio reports HasProblem true but names no failing check. Open the OAuth 2.0 diagnostic in Creatio and its logs.",
	"flag-false-no-problem": "the Identity Service is not available to Creatio. Check the Identity Service",
	"message-hostile":       "Check failed / 'time'=1s;;; second line after a tab: Überprüfung fehlgeschlagen ✗",
	"message-long":          "IdentityService specified in system setting OAuth20IdentityServerUrl is unavailable... Check the Identity Service",
	"html-500":              "Creatio answered HTTP 500 Internal Server Error, not the OAuth health JSON; check Creatio's application logs",
	"unavailable-503":       "Creatio answered HTTP 503 Service Unavailable, not the OAuth health JSON",
	"bad-gateway":           "Creatio answered HTTP 502 Bad Gateway, not the OAuth health JSON",
	"hang":                  "the health request to 127.0.0.1:",
	"conn-reset":            "closed the connection without a complete answer; check the web server's and proxy's logs",
	"login-redirect":        "Creatio asks for authentication (a redirect to /login-redirect/Login/NuiLogin.aspx); use --user, or --client-id with --identity-url",
	"login-redirect-net":    "Creatio asks for authentication (a redirect to /login-redirect-net/Login/Login.html)",
	"login-page":            "Creatio asks for authentication (a login page)",
	"unauthorized":          "Creatio asks for authentication (HTTP 401)",
	"forbidden":             "Creatio asks for authentication (HTTP 403)",
	"not-found":             "no OAuth health endpoint (HTTP 404): Creatio older than 8.1.2, or .NET 8 before 8.3.2? Check --url or use --mode direct",
	"invalid-json":          "Creatio answered HTTP 200 but not the OAuth health JSON: invalid JSON; check Creatio's application logs and --url",
	"empty-body":            "Creatio answered HTTP 200 but not the OAuth health JSON: invalid JSON",
	"wrong-type":            `Creatio answered HTTP 200 but not the OAuth health JSON: "HasProblem" is a JSON string, not true or false`,
	"missing-key":           `Creatio answered HTTP 200 but not the OAuth health JSON: no "HasProblem" key`,
	"not-object":            "Creatio answered HTTP 200 but not the OAuth health JSON: a JSON array, not an object",
	"huge-body":             "is larger than the 1048576-byte cap (--max-body), so it is not the OAuth health JSON",
	"redirect-other-host":   "redirects to another host or port, localhost:",
	"redirect-loop":         ": more than 5 redirects; point --url at the final address, or fix the redirect loop",
	"forms":                 asExpected,
	"forms-net":             asExpected,
	"forms-bom":             asExpected,
	"forms-secure":          asExpected,
	"forms-problem":         sim.MessageIdentityUnavailable + " Check the Identity Service",
	"forms-html-500":        "Creatio answered HTTP 500 Internal Server Error, not the OAuth health JSON",
	"forms-hang":            "the health request to 127.0.0.1:",
	"bearer":                asExpected,
}

// walls are the scenarios that ask for a login whatever is sent, and the
// status of the answer that asks.
var walls = map[string]int{"login-redirect": 302, "login-redirect-net": 302, "login-page": 200, "unauthorized": 401, "forbidden": 403}

// logins are the ways to log in that a test runs each scenario with.
var logins = []string{"none", "forms", "oauth", "bearer"}

// authFor is a fresh authenticator of kind for a run with client c.
func authFor(t *testing.T, st *fixture.Stand, kind string, c *web.Client, base string, token string) Authenticator {
	switch kind {
	case "forms":
		c.Secrets().Add(fixture.Password)
		return &FormsLogin{Base: mustURL(t, base), User: fixture.User, Password: fixture.Password}
	case "oauth":
		return &OAuthLogin{Identity: identity.Identity{Client: c, URL: variant(t, st, "ok"), ClientID: fixture.Client, Secret: fixture.Secret}}
	case "bearer":
		c.Secrets().Add(token)
		return &BearerLogin{Token: token}
	}
	return nil
}

// rejected is how a login of kind says that Creatio refused it with status.
func rejected(kind string, status int) string {
	switch {
	case kind == "forms":
		return fmt.Sprintf("Creatio rejected the session of Supervisor after a good login (HTTP %d); check that the user may call the API and that no proxy drops the BPMCSRF header", status)
	case status == http.StatusForbidden && kind == "oauth":
		return "Creatio accepted the fresh token of client monitoring but the OAuth app's system user lacks permission (HTTP 403); grant that user access in Creatio"
	case status == http.StatusForbidden:
		return "Creatio accepted the token of CREATIO_TOKEN/--token-file but the OAuth app's system user lacks permission (HTTP 403)"
	case kind == "oauth":
		return fmt.Sprintf("Creatio rejected the fresh token of client monitoring (HTTP %d): token rejected; check that it is current and from Creatio's own Identity Service", status)
	}
	return fmt.Sprintf("Creatio rejected the token of CREATIO_TOKEN/--token-file (HTTP %d): token rejected", status)
}

// endpointCase is what a run of a scenario with a login should report.
type endpointCase struct {
	state     plugin.State
	says      string
	perf      []string
	loggedIn  bool // a forms session was started, and must be ended
	health    bool // the health JSON was read
	hangs     bool // the health request waits for the deadline
	loginDies bool // the login itself failed
}

// expect is the report of scenario sc with a login of kind, by the rule:
// what the health answer says once the login is done, the login walls
// UNKNOWN, and a login that fails in the state of its failure.
func expect(sc sim.Scenario, kind string) endpointCase {
	e := endpointCase{state: plugin.State(sc.Want), says: healthSays[sc.Name]}
	loginLabel := map[string]string{"forms": "time_login", "oauth": "time_token"}[kind]
	switch {
	case sc.Auth == sim.AuthForms && kind != "forms":
		e.state = plugin.Unknown
		e.says = rejected(kind, 302)
		if kind == "none" {
			e.says = "Creatio asks for authentication (a redirect to /" + sc.Name + "/Login/"
		}
	case sc.Auth == sim.AuthBearer && (kind == "none" || kind == "forms"):
		e.state, e.says = plugin.Unknown, rejected(kind, 401)
		if kind == "none" {
			e.says = healthSays["unauthorized"]
		}
	case walls[sc.Name] != 0 && kind != "none":
		e.state, e.says = plugin.Unknown, rejected(kind, walls[sc.Name])
	case sc.Name == "bad-gateway" && kind == "forms":
		e.says = "Creatio answered HTTP 502 Bad Gateway to the login as Supervisor (AuthService.svc); check Creatio's web server, logs and load"
		e.loginDies = true
	}
	e.hangs = sc.Name == "hang" || sc.Name == "forms-hang" && kind == "forms"
	e.loggedIn = kind == "forms" && !e.loginDies
	e.health = e.state == plugin.OK || strings.HasPrefix(e.says, sim.MessageIdentityUnavailable) || strings.HasPrefix(e.says, "System setting") ||
		slices.Contains([]string{"token-unretrievable", "healthy-500", "default-resource", "problem-no-message", "flag-false-no-problem", "message-hostile", "message-long"}, sc.Name)
	switch {
	case e.loginDies:
		e.perf = []string{loginLabel}
		return e
	case e.hangs || sc.Name == "conn-reset" || sc.Name == "redirect-loop":
		e.perf = []string{"time"}
	default:
		e.perf = []string{"time", "time_connect", "time_firstbyte", "size"}
	}
	if loginLabel != "" {
		e.perf = append(e.perf, loginLabel)
	}
	return e
}

// Every scenario of the simulated Creatio, without a login and with each
// login: the state is the rule's, the status line says why, the perfdata
// holds the health request's phases and the login's time, --runtime auto
// says where it found the endpoint, and every forms session ends.
func TestEndpointScenarios(t *testing.T) {
	t.Parallel() // its waits overlap the other tests
	st := newStand(t)
	token := st.Token(t, fixture.Client, fixture.Secret)
	var kept atomic.Int32 // sessions a starved machine left no time to end; the plugin said so
	var (
		rendered checktest.Texts // the words of each run, for testdata/scenarios.golden
		keys     []string
	)
	t.Run("runs", func(t *testing.T) {
		for _, sc := range sim.Scenarios {
			for _, kind := range logins {
				keys = append(keys, sc.Name+"/"+kind)
				t.Run(sc.Name+"/"+kind, func(t *testing.T) {
					t.Parallel()
					want := expect(sc, kind)
					if want.says == "" {
						t.Fatalf("no expectation for %s", sc.Name)
					}
					timeout := 5 * time.Second
					switch {
					case want.hangs && want.loggedIn:
						timeout = 2 * time.Second // 100 ms for the logout after the deadline of the health request
					case want.hangs:
						timeout = hangTimeout
					}
					trace := &web.Trace{} // the -vvv trace: no secret in it either
					c := newClient(t, web.ClientConfig{Debug: trace.Printf})
					base := st.C.URL + "/" + sc.Name
					e := &Endpoint{Client: c, Base: mustURL(t, base), Runtime: RuntimeAuto, Auth: authFor(t, st, kind, c, base, token), Policy: policy(timeout)}
					start := time.Now()
					r := e.Run(runCtx(t, timeout))
					within(t, start, timeout+time.Second)
					traced := *r
					traced.Notes = append(slices.Clone(r.Notes), trace.Lines()...)
					checkReport(t, &traced, st)
					if len(trace.Lines()) == 0 {
						t.Error("no -vvv trace")
					}
					// a hang whose logout a starved machine could not fit is
					// said below, and its words not compared
					rendered.Add(t, sc.Name+"/"+kind, r, want.hangs && strings.Contains(note(r, "logout: "), " stays until "))
					if r.Mode != "endpoint" {
						t.Errorf("mode %q", r.Mode)
					}
					if r.State != want.state || !strings.Contains(r.Summary, want.says) {
						t.Errorf("%v %q,\nwant %v %q", r.State, r.Summary, want.state, want.says)
					}
					if want.hangs && !strings.Contains(r.Summary, " hit the "+strconv.FormatFloat(timeout.Seconds(), 'f', -1, 64)+" s timeout; check its load and the network, or raise -t") {
						t.Errorf("the deadline is not named: %q", r.Summary)
					}
					if got := labels(r); !slices.Equal(got, want.perf) {
						t.Errorf("perfdata %v, want %v", got, want.perf)
					}
					if p, ok := perf(r, "time"); ok && (p.Max == nil || *p.Max != timeout.Seconds() || p.Value < 0 || p.Unit != "s") {
						t.Errorf("time perfdata %+v, want seconds with the timeout as max", p)
					}
					if p, ok := perf(r, "size"); ok && (p.Unit != "B" || p.Value < 0) {
						t.Errorf("size perfdata %+v", p)
					}
					if got := r.Health != nil; got != want.health {
						t.Errorf("health learned %t, want %t", got, want.health)
					}
					checkRuntimeNotes(t, r, sc, base)
					hangs := want.hangs
					if got, want := note(r, "logout: ") != "", want.loggedIn; got != want {
						t.Errorf("logout note %t, want %t: %q", got, want, r.Notes)
					} else if n := note(r, "logout: "); want && n != "logout: ended the session of Supervisor (HTTP 200)" {
						// a starved machine may leave the logout no time after a
						// hang: accepted when the plugin says so, and counted
						if !(hangs && strings.HasSuffix(n, " stays until Creatio's session timeout")) {
							t.Errorf("the session was not ended: %q", n)
						}
						kept.Add(1)
					}
					if (kind == "forms" || kind == "oauth") && !want.loginDies {
						if s, ok := step(r, "login"); !ok || s.State != plugin.OK {
							t.Errorf("steps %v, want an OK login first", steps(r))
						}
					}
				})
			}
		}
	})
	rendered.Compare(t, filepath.Join("testdata", "scenarios.golden"), keys)
	if n := st.Creatio.LiveSessions(); n != int(kept.Load()) {
		t.Errorf("%d live Creatio sessions after the runs, want %d (the runs that said so)", n, kept.Load())
	}
	if st.Creatio.Logins() == 0 || st.Creatio.Logins() != st.Creatio.Logouts()+int(kept.Load()) {
		t.Errorf("%d logins, %d logouts, %d sessions kept", st.Creatio.Logins(), st.Creatio.Logouts(), kept.Load())
	}
	for _, r := range st.Creatio.Requests() {
		if strings.HasPrefix(r.Host, "localhost") {
			t.Errorf("a request followed a redirect to another host: %+v", r)
		}
	}
}

// checkRuntimeNotes: with --runtime auto a health answer names the path
// where it was found, and a 404 or login wall on the .NET Framework path
// says that the .NET one is tried.
func checkRuntimeNotes(t *testing.T, r *report.Report, sc sim.Scenario, base string) {
	t.Helper()
	found := note(r, "runtime: found the endpoint at ")
	if r.Health == nil {
		if found != "" {
			t.Errorf("a runtime note without a health answer: %q", found)
		}
		return
	}
	want := fmt.Sprintf("runtime: found the endpoint at %s%s; pin it with --runtime %s", base, healthPath[Runtime(sc.Runtime)], sc.Runtime)
	if sc.Name == "redirect-same-host" {
		want = fmt.Sprintf("runtime: found the endpoint at %s/0/api/OAuthHealthCheck; pin it with --runtime netfx", base)
	}
	if found != want {
		t.Errorf("runtime note %q, want %q", found, want)
	}
	trying := note(r, "runtime: "+base+"/0/api/OAuthHealthCheck answered HTTP 404; trying /api/OAuthHealthCheck")
	if got, want := trying != "", sc.Runtime == sim.RuntimeNet; got != want {
		t.Errorf("a note of the .NET path tried: %t, want %t: %q", got, want, r.Notes)
	}
}

// The steps of an answer: Creatio's flags in its order, a failed step with
// its fix, the ones that follow from it, and the login first.
func TestEndpointSteps(t *testing.T) {
	st := newStand(t)
	for _, tc := range []struct {
		scenario string
		login    string
		want     []string
		fixed    string // the failed step that carries Creatio's documented fix; every failed step carries one
	}{
		{"ok", "none", []string{"settings:OK", "identity_service:OK", "token:OK"}, ""},
		{"ok-extra", "none", []string{"settings:OK", "identity_service:OK", "token:OK", "default_resource:OK"}, ""},
		{"identity-unavailable", "none", []string{"settings:OK", "identity_service:CRITICAL", "token:CRITICAL"}, "identity_service"},
		{"setting-url-empty", "none", []string{"settings:CRITICAL", "identity_service:CRITICAL", "token:CRITICAL"}, "settings"},
		{"token-unretrievable", "none", []string{"settings:OK", "identity_service:OK", "token:CRITICAL"}, "token"},
		{"default-resource", "none", []string{"settings:OK", "identity_service:OK", "token:OK", "default_resource:CRITICAL"}, "default_resource"},
		{"healthy-500", "none", []string{"settings:OK", "identity_service:OK", "token:OK", "health_request:CRITICAL"}, ""},
		{"html-500", "none", []string{"health_request:CRITICAL"}, ""},
		{"not-found", "none", []string{"health_request:UNKNOWN"}, ""},
		{"forms", "forms", []string{"login:OK", "settings:OK", "identity_service:OK", "token:OK"}, ""},
		{"forms-problem", "forms", []string{"login:OK", "settings:OK", "identity_service:CRITICAL", "token:CRITICAL"}, "identity_service"},
		{"bad-gateway", "forms", []string{"login:CRITICAL"}, ""},
		{"bearer", "oauth", []string{"login:OK", "settings:OK", "identity_service:OK", "token:OK"}, ""},
	} {
		t.Run(tc.scenario+"/"+tc.login, func(t *testing.T) {
			c := newClient(t, web.ClientConfig{})
			base := st.C.URL + "/" + tc.scenario
			e := &Endpoint{Client: c, Base: mustURL(t, base), Auth: authFor(t, st, tc.login, c, base, ""), Policy: testPolicy}
			r := e.Run(runCtx(t, 5*time.Second))
			if got := steps(r); !slices.Equal(got, tc.want) {
				t.Errorf("steps %v, want %v", got, tc.want)
			}
			for _, s := range r.Steps {
				if cause := s.Name == tc.fixed; cause && s.Fix == "" || s.State != plugin.OK && s.Fix == "" && !strings.Contains(s.Detail, "(follows from the ") {
					t.Errorf("step %s (%v) has no fix", s.Name, s.State)
				}
				if s.State == plugin.OK && s.Fix != "" {
					t.Errorf("the OK step %s has a fix %q", s.Name, s.Fix)
				}
				if s.Detail == "" {
					t.Errorf("step %s says nothing", s.Name)
				}
			}
		})
	}
	// The 404 names both paths tried and the host.
	c := newClient(t, web.ClientConfig{})
	r := (&Endpoint{Client: c, Base: scenario(t, st, "not-found"), Policy: testPolicy}).Run(runCtx(t, 5*time.Second))
	if s, _ := step(r, "health_request"); !strings.HasPrefix(s.Detail, "HTTP 404 on /not-found/0/api/OAuthHealthCheck and /not-found/api/OAuthHealthCheck of "+st.C.Listener.Addr().String()+": the endpoint needs Creatio 8.1.2+") {
		t.Errorf("404 detail %q", s.Detail)
	}
}

// --runtime pins the path; auto (or empty) tries both and keeps the better
// answer.
func TestEndpointRuntime(t *testing.T) {
	st := newStand(t)
	for _, tc := range []struct {
		scenario string
		runtime  Runtime
		want     plugin.State
		detail   string // the path that answered, below the base
		notes    int
	}{
		{"ok", RuntimeNetFx, plugin.OK, "/0/api/OAuthHealthCheck", 0},
		{"ok", RuntimeNet, plugin.Unknown, "/api/OAuthHealthCheck", 0},
		{"ok", "", plugin.OK, "/0/api/OAuthHealthCheck", 1},
		{"ok-net", RuntimeNet, plugin.OK, "/api/OAuthHealthCheck", 0},
		{"ok-net", RuntimeNetFx, plugin.Unknown, "/0/api/OAuthHealthCheck", 0},
		{"ok-net", RuntimeAuto, plugin.OK, "/api/OAuthHealthCheck", 2},
		{"unauthorized", RuntimeAuto, plugin.Unknown, "/0/api/OAuthHealthCheck", 1}, // the first answer, 401, beats the second's 404
		{"not-found", RuntimeAuto, plugin.Unknown, "/api/OAuthHealthCheck", 1},
		{"login-redirect-net", RuntimeAuto, plugin.Unknown, "/api/OAuthHealthCheck", 1},
	} {
		t.Run(tc.scenario+"/"+string(tc.runtime), func(t *testing.T) {
			base := st.C.URL + "/" + tc.scenario
			r := (&Endpoint{Client: newClient(t, web.ClientConfig{}), Base: mustURL(t, base), Runtime: tc.runtime, Policy: testPolicy}).Run(runCtx(t, 5*time.Second))
			if r.State != tc.want {
				t.Errorf("state %v (%s), want %v", r.State, r.Summary, tc.want)
			}
			if want := "from " + base + tc.detail; !strings.HasSuffix(r.Detail, want) {
				t.Errorf("detail %q, want it to end with %q", r.Detail, want)
			}
			if len(r.Notes) != tc.notes {
				t.Errorf("notes %q, want %d", r.Notes, tc.notes)
			}
		})
	}
}

// -w and -c rate the health request's time; the worst state wins, and the
// time leads the status line only when the health is OK.
func TestEndpointThresholds(t *testing.T) {
	st := newStand(t) // slow answers after 30 ms
	for _, tc := range []struct {
		scenario, warn, crit string
		want                 plugin.State
		says                 string
		timeStep             plugin.State // the state of the response_time step; -1 for none
	}{
		{"slow", "10", "20", plugin.OK, asExpected, -1},
		{"slow", "0.01", "", plugin.Warning, "health request took ", plugin.Warning},
		{"slow", "0.01", "0.02", plugin.Critical, " s, outside -c 0.02; OAuth token is received as expected", plugin.Critical},
		{"slow", "", "@0:10", plugin.Critical, " s, inside -c @10; OAuth token is received as expected", plugin.Critical},
		{"slow", "@0.02:10", "", plugin.Warning, " s, inside -w @0.02:10", plugin.Warning},
		// A critical health keeps its message; the time is a step.
		{"identity-unavailable", "0:0.000001", "", plugin.Critical, sim.MessageIdentityUnavailable, plugin.Warning},
		// No health JSON, no time rating.
		{"html-500", "", "0:0.000001", plugin.Critical, "Creatio answered HTTP 500", -1},
	} {
		t.Run(tc.scenario+" "+tc.warn+" "+tc.crit, func(t *testing.T) {
			th, err := plugin.ParseThresholds(tc.warn, tc.crit)
			if err != nil {
				t.Fatal(err)
			}
			r := (&Endpoint{Client: newClient(t, web.ClientConfig{}), Base: scenario(t, st, tc.scenario), Runtime: RuntimeNetFx, Thresholds: th, Policy: testPolicy}).Run(runCtx(t, 5*time.Second))
			if r.State != tc.want || !strings.Contains(r.Summary, tc.says) {
				t.Errorf("%v %q, want %v %q", r.State, r.Summary, tc.want, tc.says)
			}
			p, _ := perf(r, "time")
			if p.Warning != th.Warning || p.Critical != th.Critical {
				t.Errorf("time perfdata %s lacks the thresholds", p)
			}
			s, ok := step(r, "response_time")
			if want := tc.timeStep >= 0; ok != want || ok && (s.State != tc.timeStep || s.Fix == "") {
				t.Errorf("response_time step %+v (present %t), want one in state %v", s, ok, tc.timeStep)
			}
		})
	}
}

// rawCase is an endpoint check of a misbehaving server: the state and a
// part of the status line.
type rawCase struct {
	name    string
	url     func(t *testing.T) string
	cfg     web.ClientConfig
	timeout time.Duration // 0: 5 s
	want    plugin.State
	says    string
	size    float64 // the size perfdata, when not 0
}

// Servers that misbehave in ways no simulated scenario does: each is
// bounded by the deadline, the body cap or the header cap, and reported
// by the rule, with the states of the policy where the admin chose them.
func TestEndpointHostile(t *testing.T) {
	t.Parallel() // its waits overlap the other tests
	// Each kind of failure gets a state of its own, to see which one the
	// rule picked.
	p := report.Policy{TimeoutState: plugin.Unknown, Unreachable: plugin.Warning}
	rawSrv := func(h func(c net.Conn, done <-chan struct{}), scheme string) func(t *testing.T) string {
		return func(t *testing.T) string { return fixture.NewRawServer(t, h).URL(scheme) }
	}
	healthy := fixture.ServeBytes(http.StatusOK, "application/json", []byte(fixture.HealthyBody))
	sameHost := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "/elsewhere?x=1")
		w.WriteHeader(http.StatusMultipleChoices)
	})
	for _, tc := range []rawCase{
		{name: "hang after accept", url: rawSrv(fixture.Hang, "http"), timeout: hangTimeout, want: plugin.Unknown, says: "hit the 0.3 s timeout"},
		{name: "TLS handshake hang", url: rawSrv(fixture.Hang, "https"), timeout: hangTimeout, want: plugin.Unknown, says: "hit the"},
		{name: "headers never finished", url: rawSrv(fixture.HeadersNeverFinished, "http"), timeout: hangTimeout, want: plugin.Unknown, says: "hit the"},
		{name: "body drips", url: rawSrv(fixture.BodyDrip, "http"), timeout: hangTimeout, want: plugin.Unknown, says: "hit the"},
		{name: "endless header line", url: rawSrv(fixture.EndlessHeader, "http"), want: plugin.Critical, says: "sent more than 64 KiB of headers; check the URL and any proxy in between"},
		{name: "200 KiB of headers, then a healthy body", url: rawSrv(fixture.HugeHeaders(200<<10), "http"), want: plugin.Critical, says: "sent more than 64 KiB of headers"},
		{name: "chunked body never ends", url: rawSrv(fixture.ChunkedFast, "http"), want: plugin.Critical, says: "larger than the 1048576-byte cap (--max-body)", size: web.DefaultMaxBody + 1},
		{name: "HTTP/1.0 close-delimited body", url: rawSrv(fixture.HTTP10, "http"), want: plugin.OK, says: asExpected},
		{name: "gzip bomb", url: srvURL(fixture.ServeBytes(http.StatusOK, "application/json", fixture.GzipBomb(), "Content-Encoding", "gzip")), want: plugin.Critical, says: "larger than the 1048576-byte cap"},
		{name: "answer over --max-body 100", url: srvURL(healthy), cfg: web.ClientConfig{MaxBody: 100}, want: plugin.Critical, says: "larger than the 100-byte cap (--max-body)", size: float64(len(fixture.HealthyBody))},
		{name: "stream over --max-body 100", url: srvURL(fixture.ServeStream("application/json", 1<<20)), cfg: web.ClientConfig{MaxBody: 100}, want: plugin.Critical, says: "larger than the 100-byte cap", size: 101},
		{name: "JSON nested 100000 deep", url: srvURL(fixture.ServeBytes(http.StatusOK, "application/json", []byte(fixture.Deep(100000)))), want: plugin.Critical, says: "not the OAuth health JSON: invalid JSON"},
		{name: "JSON nested 100000 deep with 500", url: srvURL(fixture.ServeBytes(http.StatusInternalServerError, "application/json", []byte(fixture.Deep(100000)))), want: plugin.Critical, says: "Creatio answered HTTP 500 Internal Server Error, not the OAuth health JSON"},
		{name: "duplicate keys", url: srvURL(fixture.ServeBytes(http.StatusOK, "application/json", []byte(strings.TrimSuffix(fixture.HealthyBody, "}")+`,"hasProblem":true}`))), want: plugin.Critical, says: `keys "HasProblem" and "hasProblem" both appear`},
		{name: "healthy 203", url: srvURL(fixture.ServeBytes(http.StatusNonAuthoritativeInfo, "application/json", []byte(fixture.HealthyBody))), want: plugin.OK, says: asExpected},
		{name: "418 not JSON", url: srvURL(fixture.ServeBytes(http.StatusTeapot, "text/plain", []byte("short and stout"))), want: plugin.Unknown, says: "Creatio answered HTTP 418 I'm a teapot, not the OAuth health JSON; check --url"},
		{name: "300 to the same host", url: srvURL(sameHost), want: plugin.Critical, says: "Creatio answered HTTP 300 to http://127.0.0.1:"},
		{name: "302 without Location", url: srvURL(fixture.ServeBytes(http.StatusFound, "text/html", nil)), want: plugin.Critical, says: "Creatio answered HTTP 302 without a usable Location; check Creatio's web server"},
		{name: "login page by its script", url: srvURL(fixture.ServeBytes(http.StatusOK, "text/html; charset=utf-8", []byte(`<html><script src="/core/bootstrap.login.js"></script></html>`))), want: plugin.Unknown, says: "Creatio asks for authentication (a login page)"},
		{name: "HTML that is no login page", url: srvURL(fixture.ServeBytes(http.StatusOK, "text/html", []byte(`<html>Welcome</html>`))), want: plugin.Critical, says: "Creatio answered HTTP 200 but not the OAuth health JSON"},
		{name: "connection refused", url: func(t *testing.T) string { return "http://" + fixture.ClosedPort(t) }, want: plugin.Warning, says: " refused; check that the web server runs and listens there"},
		{name: "plain HTTP asked with https", url: func(t *testing.T) string { return "https://" + serve(t, healthy).Listener.Addr().String() }, want: plugin.Warning, says: "does not speak TLS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 5 * time.Second
			}
			p := p
			p.Timeout = timeout
			e := &Endpoint{Client: newClient(t, tc.cfg), Base: mustURL(t, tc.url(t)), Runtime: RuntimeNetFx, Policy: p}
			start := time.Now()
			r := e.Run(runCtx(t, timeout))
			within(t, start, timeout+time.Second)
			checkReport(t, r, nil)
			if r.State != tc.want || !strings.Contains(r.Summary, tc.says) {
				t.Errorf("%v %q, want %v %q", r.State, r.Summary, tc.want, tc.says)
			}
			if got, want := strings.HasSuffix(r.Detail, ", healthy body"), tc.name == "healthy 203"; got != want {
				t.Errorf("detail %q: a healthy body in an answer that is not 200 says so", r.Detail)
			}
			if tc.size != 0 {
				if s, _ := perf(r, "size"); s.Value != tc.size {
					t.Errorf("size %v, want %v", s.Value, tc.size)
				}
			}
			if r.State != plugin.OK {
				if s, ok := step(r, "health_request"); !ok || s.State != r.State {
					t.Errorf("steps %v, want a health_request step in state %v", steps(r), r.State)
				}
			}
		})
	}
}

// What Creatio's answer holds of a secret of the run never shows: a
// Message that echoes the password, a body sample that echoes the token.
func TestEndpointRedactsEchoes(t *testing.T) {
	const token = "tok-Qw3!sEcReT/+="
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   plugin.State
	}{
		{"Message", 500, `{"HasProblem":true,"IsSystemSettingsFilledIn":true,"IsIdentityServiceAvailable":false,"IsAccessTokenRetrievableForSystemActions":false,"Message":"bad token ` + token + `"}`, plugin.Critical},
		{"body sample", 500, `<html>bad token ` + token + ` here</html>`, plugin.Critical},
		{"body sample, escaped", 200, `{"token":"` + strings.ReplaceAll(token, "/", `\/`) + `"}`, plugin.Critical},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, fixture.ServeBytes(tc.status, "text/html", []byte(tc.body)))
			c := newClient(t, web.ClientConfig{})
			c.Secrets().Add(token) // as main does: the texts are [redacted] as they are made
			r := (&Endpoint{Client: c, Base: mustURL(t, srv.URL), Runtime: RuntimeNetFx, Auth: &BearerLogin{Token: token}, Policy: testPolicy}).Run(runCtx(t, 5*time.Second))
			if r.State != tc.want {
				t.Errorf("state %v (%s), want %v", r.State, r.Summary, tc.want)
			}
			out := everything(t, r)
			if what := leaked(out, [2]string{"", token}); what != "" || !strings.Contains(out, "[redacted]") {
				t.Errorf("shows %s, or no %s:\n%s", what, "[redacted]", out)
			}
		})
	}
	// Creatio echoes the session cookie it set at the login.
	const cookie = "aspx-Vb7sEcReT"
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/AuthService.svc/Login") {
			loginAnswer(http.StatusOK, "application/json", `{"Code":0}`, true)(w, r)
			return
		}
		ck, _ := r.Cookie(".ASPXAUTH")
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, "<b>%s</b> expired", ck.Value)
	}))
	base := mustURL(t, srv.URL)
	r := (&Endpoint{Client: newClient(t, web.ClientConfig{}), Base: base, Runtime: RuntimeNetFx, Auth: &FormsLogin{Base: base, User: fixture.User, Password: fixture.Password}, Policy: testPolicy}).Run(runCtx(t, 5*time.Second))
	if out := everything(t, r); strings.Contains(out, cookie) || !strings.Contains(out, "<b>[redacted]</b> expired") {
		t.Errorf("the session cookie echoed by Creatio:\n%s", out)
	}
}

// With a login, the health request ends early enough for the logout to
// end the session before the deadline, even when Creatio never answers:
// a tenth of the run, at most 500 ms.
func TestEndpointLogoutReserve(t *testing.T) {
	for _, tc := range []struct {
		timeout, want time.Duration
	}{
		{time.Second, 100 * time.Millisecond},
		{10 * time.Second, 500 * time.Millisecond},
		{100 * time.Second, 500 * time.Millisecond},
		{0, 0},
	} {
		if got := logoutReserve(tc.timeout); got != tc.want {
			t.Errorf("logoutReserve(%v) = %v, want %v", tc.timeout, got, tc.want)
		}
	}
	// TestEndpointScenarios runs a forms login whose health request never
	// gets an answer: the session ends before the deadline.
}

// The long Message is cut at a word so that line 1 keeps the hint.
func TestEndpointLongMessage(t *testing.T) {
	st := newStand(t)
	r := (&Endpoint{Client: newClient(t, web.ClientConfig{}), Base: scenario(t, st, "message-long"), Runtime: RuntimeNetFx, Policy: testPolicy}).Run(runCtx(t, 5*time.Second))
	line := report.Name + " " + r.State.String() + " - " + r.Summary
	if len(line) > plugin.MaxLine || !strings.HasSuffix(r.Summary, "... Check the Identity Service and that its URL is reachable from the Creatio server.") {
		t.Errorf("%d bytes: %q", len(line), line)
	}
	if len(r.Health.Message) != sim.MessageLongLen {
		t.Errorf("Message of %d bytes, want Creatio's %d", len(r.Health.Message), sim.MessageLongLen)
	}
}

// humanSeconds and the sample of a body, as the status line shows them.
func TestEndpointWords(t *testing.T) {
	for _, tc := range []struct {
		s    float64
		want string
	}{{0.0123, "12.3 ms"}, {0.9994, "999.4 ms"}, {1, "1.000 s"}, {12.3456, "12.346 s"}} {
		if got := report.HumanSeconds(tc.s); got != tc.want {
			t.Errorf("report.HumanSeconds(%v) = %q, want %q", tc.s, got, tc.want)
		}
	}
	c := newClient(t, web.ClientConfig{})
	for _, tc := range []struct {
		ct, body, want string
	}{
		{"", "", "no content type, empty body"},
		{"text/plain", "short", `text/plain, 5 bytes: "short"`},
		{"text/plain", strings.Repeat("ab", 30), `text/plain, 60 bytes: "` + strings.Repeat("ab", 20) + `..."`},
		{"text/plain\n|x", "a|b\nc", `text/plain /x, 5 bytes: "a/b c"`},
	} {
		resp := &web.Response{Header: http.Header{}, Body: []byte(tc.body), Size: int64(len(tc.body))}
		if tc.ct != "" {
			resp.Header.Set("Content-Type", tc.ct)
		}
		if got := c.Sample(resp); got != tc.want {
			t.Errorf("sample(%q, %q) = %q, want %q", tc.ct, tc.body, got, tc.want)
		}
	}
}
