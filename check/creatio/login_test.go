package creatio

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
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

// loginPolicy gives each kind of failure a state of its own, so that a
// test sees which one the rule picked: unreachable WARNING, deadline
// UNKNOWN, and the fixed CRITICAL and UNKNOWN of the others.
func loginPolicy(timeout time.Duration) report.Policy {
	return report.Policy{Timeout: timeout, TimeoutState: plugin.Unknown, Unreachable: plugin.Warning}
}

// loginAnswer is a Creatio whose AuthService.svc/Login answers status,
// content type and body, with a session cookie when cookie is set; its
// Logout ends any session.
func loginAnswer(status int, contentType, body string, cookie bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/AuthService.svc/Logout"):
			w.WriteHeader(http.StatusOK)
			return
		case cookie:
			http.SetCookie(w, &http.Cookie{Name: ".ASPXAUTH", Value: "aspx-Vb7sEcReT", Path: "/"})
			http.SetCookie(w, &http.Cookie{Name: "BPMCSRF", Value: "csrf-Ut6sEcReT", Path: "/"})
		}
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

// The forms login of every kind of answer: a good login is a step and
// time_login; a failed one ends the run in the rule's state with time_login
// only; Creatio's words come through without the password.
func TestFormsLogin(t *testing.T) {
	t.Parallel() // its waits overlap the other tests
	st := newStand(t)
	echo := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"Code":1,"Message":"Either username or password is not correct: %s"}`, strings.ReplaceAll(fixture.Password, "!", `\u0021`))
	}
	for _, tc := range []struct {
		name     string
		base     func(t *testing.T) string
		user     string // "" for fixture.User
		password string // "" for fixture.Password
		cfg      web.ClientConfig
		timeout  time.Duration
		want     plugin.State // OK for a good login
		says     string
	}{
		{name: "forms netfx", base: simBase(st, "forms"), want: plugin.OK, says: "logged in to Creatio as Supervisor"},
		{name: "forms net", base: simBase(st, "forms-net"), want: plugin.OK},
		{name: "byte order marks", base: simBase(st, "forms-bom"), want: plugin.OK},
		{name: "Secure cookies to a loopback host", base: simBase(st, "forms-secure"), want: plugin.OK},
		{name: "a scenario without a login wall", base: simBase(st, "ok"), want: plugin.OK},
		{name: "wrong password", base: simBase(st, "forms"), password: "wrong-sEcReT", want: plugin.Unknown,
			says: "login as Supervisor failed: Either username or password is not correct; check --user and the password in CREATIO_PASSWORD"},
		{name: "unknown user", base: simBase(st, "forms"), user: "Nobody", want: plugin.Unknown, says: "login as Nobody failed: Either username or password is not correct"},
		{name: "hostile user name", base: simBase(st, "forms"), user: "a|b\nc" + strings.Repeat("x", 100), want: plugin.Unknown, says: "login as a/b c" + strings.Repeat("x", 55) + " failed"},
		{name: "502 on login", base: simBase(st, "bad-gateway"), want: plugin.Critical,
			says: "Creatio answered HTTP 502 Bad Gateway to the login as Supervisor (AuthService.svc); check Creatio's web server, logs and load"},
		{name: "no AuthService.svc", base: simBase(st, "nosuch"), want: plugin.Unknown,
			says: "login as Supervisor: no AuthService.svc below --url (HTTP 404); check --url, with any virtual directory"},
		{name: "connection refused", base: func(t *testing.T) string { return "http://" + fixture.ClosedPort(t) }, want: plugin.Warning,
			says: " refused; check that the web server runs and listens there"},
		{name: "hang", base: func(t *testing.T) string { return fixture.NewRawServer(t, fixture.Hang).URL("http") }, timeout: hangTimeout, want: plugin.Unknown,
			says: "the login request to 127.0.0.1:"},
		{name: "401", base: srvURL(loginAnswer(401, "text/plain", "no", false)), want: plugin.Unknown,
			says: "login as Supervisor: AuthService.svc answered HTTP 401 Unauthorized; check --url and that the user may log in"},
		{name: "redirect to a login page", base: srvURL(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/Login/NuiLogin.aspx", http.StatusFound)
		})), want: plugin.Unknown, says: "AuthService.svc answered HTTP 302 Found"},
		{name: "HTML", base: srvURL(loginAnswer(200, "text/html", "<html>IIS</html>", true)), want: plugin.Critical,
			says: `login as Supervisor: AuthService.svc answered HTTP 200 but not its JSON (text/html, 16 bytes: "<html>IIS</html>"); check Creatio's application logs`},
		{name: "Code as a string", base: srvURL(loginAnswer(200, "application/json", `{"Code":"0"}`, true)), want: plugin.Critical, says: "but not its JSON"},
		{name: "Code 1 without Message", base: srvURL(loginAnswer(200, "application/json", `{"Code":1}`, false)), want: plugin.Unknown, says: "login as Supervisor failed: Code 1; check --user"},
		{name: "camelCase", base: srvURL(loginAnswer(200, "application/json", `{"code":2,"message":"Password | expired\n"}`, false)), want: plugin.Unknown, says: "login as Supervisor failed: Password / expired; check"},
		{name: "Code 0 without a session cookie", base: srvURL(loginAnswer(200, "application/json", `{"Code":0}`, false)), want: plugin.Unknown,
			says: "login as Supervisor: Creatio said Code 0 but set no .ASPXAUTH session cookie; check proxies between here and Creatio"},
		{name: "camelCase Code 0 with cookies", base: srvURL(loginAnswer(200, "application/json", `{"code":0,"message":null}`, true)), want: plugin.OK},
		{name: "Message echoes the password", base: srvURL(http.HandlerFunc(echo)), want: plugin.Unknown, says: "failed: Either username or password is not correct: [redacted]; check"},
		{name: "answer over --max-body", base: srvURL(loginAnswer(200, "application/json", `{"Code":0,"Message":"`+strings.Repeat("x", 100)+`"}`, true)), cfg: web.ClientConfig{MaxBody: 64}, want: plugin.Critical,
			says: "login as Supervisor: the answer of AuthService.svc is larger than the 64-byte cap (--max-body); check Creatio's application logs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			timeout := cmp.Or(tc.timeout, 5*time.Second)
			c := newClient(t, tc.cfg)
			user, password := cmp.Or(tc.user, fixture.User), cmp.Or(tc.password, fixture.Password)
			c.Secrets().Add(password)
			base := mustURL(t, tc.base(t))
			l := &FormsLogin{Base: base, User: user, Password: password}
			r := &report.Report{}
			start := time.Now()
			ok := l.Login(runCtx(t, timeout), c, loginPolicy(timeout), r)
			within(t, start, timeout+time.Second)
			if got := labels(r); !slices.Equal(got, []string{"time_login"}) {
				t.Errorf("perfdata %v, want time_login alone", got)
			}
			if what := leaked(everything(t, r), [2]string{user, password}); what != "" {
				t.Errorf("the report shows %s: %q", what, r.Summary)
			}
			s, _ := step(r, "login")
			if tc.want == plugin.OK {
				if !ok || r.State != plugin.OK || s.State != plugin.OK || !strings.Contains(s.Detail, tc.says) {
					t.Fatalf("Login = %t, %v %q, step %+v; want a good login", ok, r.State, r.Summary, s)
				}
				req := httptest.NewRequest(http.MethodGet, base.String(), nil)
				l.Apply(req)
				if req.Header.Get("BPMCSRF") == "" {
					t.Error("Apply sends no BPMCSRF header")
				}
				if got := l.Logout(runCtx(t, timeout), c, testPolicy); got != "logout: ended the session of Supervisor (HTTP 200)" {
					t.Errorf("Logout = %q", got)
				}
				return
			}
			if ok || r.State != tc.want || !strings.Contains(r.Summary, tc.says) || s.State != tc.want {
				t.Errorf("Login = %t, %v %q, step %+v;\nwant false, %v %q", ok, r.State, r.Summary, s, tc.want, tc.says)
			}
			if got := l.Logout(runCtx(t, timeout), c, testPolicy); got != "" {
				t.Errorf("Logout after a failed login = %q, want nothing to end", got)
			}
		})
	}
	if n := st.Creatio.LiveSessions(); n != 0 {
		t.Errorf("%d live sessions, want 0", n)
	}
}

// simBase is the base URL of a scenario of st.
func simBase(st *fixture.Stand, name string) func(*testing.T) string {
	return func(*testing.T) string { return st.C.URL + "/" + name }
}

// Logout ends the session with its cookies and BPMCSRF header; what it
// cannot end it says, without changing the state.
func TestFormsLogout(t *testing.T) {
	creatio := sim.NewCreatio(sim.CreatioConfig{User: fixture.User, Password: fixture.Password})
	t.Cleanup(creatio.Close)
	srv := httptest.NewServer(creatio)
	t.Cleanup(srv.Close)
	login := func(t *testing.T) (*FormsLogin, *web.Client) {
		c := newClient(t, web.ClientConfig{})
		l := &FormsLogin{Base: mustURL(t, srv.URL+"/forms"), User: fixture.User, Password: fixture.Password}
		if !l.Login(runCtx(t, 5*time.Second), c, testPolicy, &report.Report{}) {
			t.Fatal("no login")
		}
		return l, c
	}

	l, c := login(t)
	if got := l.Logout(runCtx(t, 5*time.Second), c, testPolicy); got != "logout: ended the session of Supervisor (HTTP 200)" {
		t.Errorf("Logout = %q", got)
	}
	// Creatio ended the session (and expired its cookie): a second logout
	// is refused.
	if got := l.Logout(runCtx(t, 5*time.Second), c, testPolicy); got != "logout: AuthService.svc answered HTTP 401 Unauthorized; the session of Supervisor stays until Creatio's session timeout" {
		t.Errorf("a second Logout = %q", got)
	}
	// A logout that gets no answer says why.
	l, c = login(t)
	srv.Close()
	c.CloseIdleConnections()
	got := l.Logout(runCtx(t, 5*time.Second), c, testPolicy)
	if !strings.HasPrefix(got, "logout: connection to 127.0.0.1:") || !strings.HasSuffix(got, "; the session of Supervisor stays until Creatio's session timeout") {
		t.Errorf("Logout to a stopped Creatio = %q", got)
	}
	if n := creatio.LiveSessions(); n != 1 {
		t.Errorf("%d live sessions, want the one that could not be ended", n)
	}
	if got := (&FormsLogin{}).Logout(context.Background(), c, testPolicy); got != "" {
		t.Errorf("Logout without a login = %q", got)
	}
}

// oauthWant is the outcome of an OAuth login against an Identity Service
// variant, and the health request after it on the bearer scenario.
type oauthWant struct {
	state plugin.State
	says  string
	note  string // a login note
}

// oauthVariants: an Identity Service that fails is the outage Creatio
// would report, in Creatio's words (only a missing discovery document, 404,
// falls back to /connect/token); an OAuth error for the plugin's own client
// is UNKNOWN; a token that Creatio refuses (expired, not yet valid) too.
var oauthVariants = map[string]oauthWant{
	"ok":                          {plugin.OK, asExpected, ""},
	"discovery-down":              {plugin.Critical, report.Unavailable + ": the discovery document: HTTP 503 Service Unavailable", ""},
	"discovery-notjson":           {plugin.Critical, report.Unavailable + ": the discovery document: not JSON", ""},
	"discovery-no-token-endpoint": {plugin.Critical, report.Unavailable + ": the discovery document: no token_endpoint", ""},
	"token-500":                   {plugin.Critical, report.Unretrievable + ": token endpoint HTTP 500 Internal Server Error; check the Identity Service log and load", ""},
	"expired":                     {plugin.Unknown, "Creatio rejected the fresh token of client monitoring (HTTP 401): token rejected", ""},
	"future":                      {plugin.Unknown, "Creatio rejected the fresh token of client monitoring (HTTP 401)", ""},
	"not-bearer":                  {plugin.OK, asExpected, ""},
	"no-discovery":                {plugin.OK, asExpected, "login: no discovery document (HTTP 404); trying "},
	"unavailable-503":             {plugin.Critical, report.Unavailable + ": the discovery document: HTTP 503 Service Unavailable", ""},
	"echo":                        {plugin.Unknown, "cannot log in, OAuth health not measured: token request: invalid_client (Client authentication failed", ""},
	"echo-500":                    {plugin.Critical, report.Unretrievable + ": token endpoint HTTP 500 Internal Server Error", ""},
	"http-token-endpoint":         {plugin.OK, asExpected, ""},
	"other-host-token-endpoint":   {plugin.Critical, "insecure token_endpoint http://localhost:", ""},
	"bom":                         {plugin.OK, asExpected, ""},
	"form-token":                  {plugin.OK, asExpected, ""},
	"server-error":                {plugin.Critical, report.Unretrievable + ": token endpoint HTTP 500: server_error", ""},
	"temporarily-unavailable":     {plugin.Critical, report.Unretrievable + ": token endpoint HTTP 503 (Retry-After: 120): temporarily_unavailable; check the Identity Service log and load", ""},
	"oauth-502":                   {plugin.Critical, report.Unretrievable + ": token endpoint HTTP 502: invalid_client", ""},
	"too-many-requests":           {plugin.Critical, report.Unretrievable + ": token endpoint HTTP 429 (Retry-After: 30)", ""},
	"error-in-200":                {plugin.Critical, report.Unretrievable + ": token endpoint HTTP 200 with the error server_error", ""},
	"unsupported-grant":           {plugin.Critical, report.Unretrievable + ": unsupported_grant_type: the Identity Service refuses the client_credentials grant", ""},
	"basic-only":                  {plugin.OK, asExpected, "login: token: client authentication client_secret_basic accepted"},
	"post-only":                   {plugin.OK, asExpected, "login: token: client authentication client_secret_post accepted"},
	"basic-listed":                {plugin.OK, asExpected, "login: token: client authentication client_secret_basic accepted"},
	"post-listed":                 {plugin.OK, asExpected, "login: token: client authentication client_secret_post accepted"},
	"basic-503":                   {plugin.Critical, report.Unretrievable + ": token endpoint HTTP 503: invalid_client; check the Identity Service log and load", ""},
	"basic-refused-bare":          {plugin.OK, asExpected, "login: token: client_secret_basic refused: HTTP 401 Unauthorized: text/plain; charset=utf-8, 16 bytes: \"401 Unauthorized\"; trying client_secret_post"},
	"jwt-only":                    {plugin.Unknown, "cannot log in, OAuth health not measured: token request: invalid_client (Client authentication failed); the Identity Service offers only private_key_jwt: allow a client secret", "login: token: client_secret_post refused too: HTTP 401 Unauthorized: invalid_client (Client authentication failed)"},
}

// The OAuth login against every variant of the simulated Identity Service,
// then the health request of the bearer scenario with its token: the
// state, the words (also at -v 0 and -v 2 as in testdata/oauth.golden, go
// test -update rewrites it), the perfdata, and no secret in the report or
// its -vvv trace.
func TestOAuthLoginVariants(t *testing.T) {
	st := newStand(t)
	var (
		rendered checktest.Texts
		keys     []string
	)
	t.Cleanup(func() { rendered.Compare(t, filepath.Join("testdata", "oauth.golden"), keys) })
	for _, v := range sim.IdentityVariants {
		keys = append(keys, v.Name)
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			want, ok := oauthVariants[v.Name]
			if !ok {
				t.Fatalf("no expectation for the variant %s", v.Name)
			}
			trace := &web.Trace{} // the -vvv trace: no secret in it either
			c := newClient(t, web.ClientConfig{Debug: trace.Printf})
			l := &OAuthLogin{Identity: identity.Identity{Client: c, URL: variant(t, st, v.Name), ClientID: fixture.Client, Secret: fixture.Secret}}
			r := (&Endpoint{Client: c, Base: scenario(t, st, "bearer"), Runtime: RuntimeNetFx, Auth: l, Policy: testPolicy}).Run(runCtx(t, 5*time.Second))
			traced := *r
			traced.Notes = append(slices.Clone(r.Notes), trace.Lines()...)
			checkReport(t, &traced, st)
			if len(trace.Lines()) == 0 {
				t.Error("no -vvv trace")
			}
			rendered.Add(t, v.Name, r, false)
			if r.State != want.state || !strings.Contains(r.Summary, want.says) {
				t.Errorf("%v %q,\nwant %v %q", r.State, r.Summary, want.state, want.says)
			}
			if want.note != "" && note(r, want.note) == "" {
				t.Errorf("notes %q, want %q", r.Notes, want.note)
			}
			wantPerf := []string{"time", "time_connect", "time_firstbyte", "size", "time_token"}
			if s, _ := step(r, "login"); s.State != plugin.OK {
				wantPerf = []string{"time_token"}
				if s.State != r.State {
					t.Errorf("login step %+v, want it in state %v", s, r.State)
				}
			} else if !strings.HasPrefix(s.Detail, "got a token for client monitoring from http://127.0.0.1:") {
				t.Errorf("login step %q", s.Detail)
			}
			if got := labels(r); !slices.Equal(got, wantPerf) {
				t.Errorf("perfdata %v, want %v", got, wantPerf)
			}
		})
	}
}

// The OAuth login's other failures: its own client refused is UNKNOWN, the
// Identity Service unreachable is --unreachable-state and one that does
// not answer the -t state, in Creatio's words; a token endpoint that would
// take the secret in clear gets no request.
func TestOAuthLogin(t *testing.T) {
	t.Parallel() // its waits overlap the other tests
	st := newStand(t)
	// An https Identity Service, for the checks of the token endpoint it
	// names.
	ids := &checktest.Seen{}
	tlsID, pemText := fixture.TLSServer(t, ids.Wrap(st.Identity), []string{"localhost"}, fixture.Loopback, time.Now().Add(24*time.Hour), nil)
	ca := fixture.WriteFile(t, "ca.pem", pemText)
	tokenHangs := http.NewServeMux()
	tokenHangs.Handle("/.well-known/openid-configuration", http.NotFoundHandler())
	tokenHangs.HandleFunc("/connect/token", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // then the server notices the client leave
		<-r.Context().Done()
	})
	token500 := http.NewServeMux()
	token500.Handle("/.well-known/openid-configuration", http.NotFoundHandler())
	token500.Handle("/connect/token", fixture.ServeBytes(http.StatusInternalServerError, "text/plain", []byte("oops")))
	unavailable := report.Unavailable + ": "

	for _, tc := range []struct {
		name           string
		idURL          func(t *testing.T) string
		client, secret string
		cfg            web.ClientConfig
		timeout        time.Duration
		want           plugin.State
		says, note     string
		detail         string // a part of the login step's detail
	}{
		{name: "wrong secret", idURL: idBase(st, "ok"), secret: "wrong-sEcReT", want: plugin.Unknown,
			says: "cannot log in, OAuth health not measured: token request: invalid_client (Client authentication failed); check --client-id and the client secret"},
		{name: "unknown client", idURL: idBase(st, "ok"), client: "stranger", want: plugin.Unknown, says: "token request: invalid_client"},
		{name: "no discovery and a wrong secret", idURL: idBase(st, "no-discovery"), secret: "wrong-sEcReT", want: plugin.Unknown, says: "token request: invalid_client"},
		{name: "no permission", idURL: idBase(st, "ok"), client: fixture.NoPermClient, secret: fixture.NoPermSecret, want: plugin.Unknown,
			says: "Creatio accepted the fresh token of client noperm but the OAuth app's system user lacks permission (HTTP 403); grant that user access in Creatio"},
		{name: "refused", idURL: func(t *testing.T) string { return "http://" + fixture.ClosedPort(t) }, want: plugin.Warning,
			says: unavailable + "connection to 127.0.0.1:"},
		{name: "discovery hangs", idURL: func(t *testing.T) string { return fixture.NewRawServer(t, fixture.Hang).URL("http") }, timeout: hangTimeout, want: plugin.Unknown,
			says: unavailable + "the discovery request to 127.0.0.1:"},
		{name: "no discovery, token endpoint hangs", idURL: srvURL(tokenHangs), timeout: hangTimeout, want: plugin.Unknown,
			says: report.Unretrievable + ": the token request to 127.0.0.1:", note: "login: no discovery document (HTTP 404)"},
		{name: "no discovery, token endpoint 500", idURL: srvURL(token500), want: plugin.Critical,
			says: report.Unretrievable + ": token endpoint HTTP 500 Internal Server Error"},
		{name: "token answer over --max-body", idURL: selfDiscovery(fixture.ServeStream("application/json", 3<<20)), want: plugin.Critical,
			says: report.Unretrievable + ": the token endpoint's answer exceeds --max-body"},
		{name: "https discovery, plain-http token endpoint", idURL: func(*testing.T) string { return tlsID.URL + "/http-token-endpoint" }, cfg: web.ClientConfig{CAFiles: []string{ca}}, want: plugin.Critical,
			says: "insecure token_endpoint http://127.0.0.1:", detail: "/http-token-endpoint is https but names a plain-http token endpoint, http://127.0.0.1:"},
		{name: "token endpoint on another host over https", idURL: func(*testing.T) string { return tlsID.URL + "/other-host-token-endpoint" }, cfg: web.ClientConfig{CAFiles: []string{ca}}, want: plugin.OK,
			says: asExpected, note: "login: token endpoint on another host than --identity-url: https://localhost:"},
		{name: "untrusted Identity Service", idURL: func(*testing.T) string { return tlsID.URL + "/ok" }, want: plugin.Warning,
			says: unavailable + "TLS certificate of 127.0.0.1:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			timeout := cmp.Or(tc.timeout, 5*time.Second)
			c := newClient(t, tc.cfg)
			l := &OAuthLogin{Identity: identity.Identity{Client: c, URL: mustURL(t, tc.idURL(t)), ClientID: cmp.Or(tc.client, fixture.Client), Secret: cmp.Or(tc.secret, fixture.Secret)}}
			start := time.Now()
			r := (&Endpoint{Client: c, Base: scenario(t, st, "bearer"), Runtime: RuntimeNetFx, Auth: l, Policy: loginPolicy(timeout)}).Run(runCtx(t, timeout))
			within(t, start, timeout+time.Second)
			checkReport(t, r, st)
			if r.State != tc.want || !strings.Contains(r.Summary, tc.says) {
				t.Errorf("%v %q,\nwant %v %q", r.State, r.Summary, tc.want, tc.says)
			}
			if tc.note != "" && note(r, tc.note) == "" {
				t.Errorf("notes %q, want %q", r.Notes, tc.note)
			}
			if s, _ := step(r, "login"); !strings.Contains(s.Detail, tc.detail) {
				t.Errorf("login step %q, want %q", s.Detail, tc.detail)
			}
			if l.Logout(context.Background(), c, testPolicy) != "" {
				t.Error("an OAuth token has a session to end")
			}
		})
	}
	for _, r := range ids.List() {
		if r.Method == http.MethodPost && strings.HasPrefix(r.Path, "/http-token-endpoint/") {
			t.Errorf("the secret was sent to an https Identity Service's plain-http token endpoint: %+v", r)
		}
	}
}

// selfDiscovery is the URL of a new Identity Service whose discovery
// names its own /connect/token, which token answers.
func selfDiscovery(token http.Handler) func(*testing.T) string {
	return func(t *testing.T) string {
		mux := http.NewServeMux()
		srv := serve(t, mux)
		mux.Handle("/.well-known/openid-configuration", discoveryFor(srv.URL+"/connect/token"))
		mux.Handle("/connect/token", token)
		return srv.URL
	}
}

// idBase is the URL of an Identity Service variant of st.
func idBase(st *fixture.Stand, name string) func(*testing.T) string {
	return func(*testing.T) string { return st.ID.URL + "/" + name }
}

// A ready token is sent as it is; Creatio's 401 and 403 say what is wrong
// with it.
func TestBearerLogin(t *testing.T) {
	st := newStand(t)
	for _, tc := range []struct {
		name  string
		token string
		want  plugin.State
		says  string
	}{
		{"good", st.Token(t, fixture.Client, fixture.Secret), plugin.OK, asExpected},
		{"not a token", "not-a-valid-sEcReT", plugin.Unknown,
			"Creatio rejected the token of CREATIO_TOKEN/--token-file (HTTP 401): token rejected; check that it is current and from Creatio's own Identity Service"},
		{"no permission", st.Token(t, fixture.NoPermClient, fixture.NoPermSecret), plugin.Unknown,
			"Creatio accepted the token of CREATIO_TOKEN/--token-file but the OAuth app's system user lacks permission (HTTP 403); grant that user access in Creatio"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, web.ClientConfig{})
			c.Secrets().Add(tc.token)
			l := &BearerLogin{Token: tc.token}
			r := (&Endpoint{Client: c, Base: scenario(t, st, "bearer"), Auth: l, Policy: testPolicy}).Run(runCtx(t, 5*time.Second))
			checkReport(t, r, st)
			if r.State != tc.want || !strings.Contains(r.Summary, tc.says) {
				t.Errorf("%v %q, want %v %q", r.State, r.Summary, tc.want, tc.says)
			}
			if got := labels(r); !slices.Equal(got, []string{"time", "time_connect", "time_firstbyte", "size"}) {
				t.Errorf("perfdata %v", got)
			}
			if _, ok := step(r, "login"); ok {
				t.Errorf("steps %v: a ready token makes no login step", steps(r))
			}
			if l.Logout(context.Background(), c, testPolicy) != "" {
				t.Error("a ready token has a session to end")
			}
		})
	}
}
