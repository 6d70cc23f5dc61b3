package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2/clientcredentials"

	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/sim"
)

// Known secrets: no output may ever contain them.
const (
	testUser     = "Supervisor"
	testPassword = "pw-Zq8!sEcReT"
	testClient   = "monitoring"
	testSecret   = `cs-Hk2#S3cr3t+/=Value"\<sEcReT` // URL, JSON and HTML escaping all change it
	nopermClient = "noperm"
	nopermSecret = "np-Vx5%sEcReT"
)

// stand is a simulated Creatio and its Identity Service (a real OAuth 2.0
// server, github.com/go-oauth2/oauth2) on loopback.
type stand struct {
	creatio  *sim.Creatio
	identity *sim.Identity
	c, id    *httptest.Server
	cookies  cookieRecorder
}

// cookieRecorder keeps every cookie value Creatio sets, for the leak test.
type cookieRecorder struct {
	h    http.Handler
	mu   sync.Mutex
	vals []string
}

func (c *cookieRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.h.ServeHTTP(w, r)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, sc := range w.Header().Values("Set-Cookie") {
		if ck, err := http.ParseSetCookie(sc); err == nil && ck.Name != "UserName" && ck.Value != "" {
			c.vals = append(c.vals, ck.Value)
		}
	}
}

func (c *cookieRecorder) values() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.vals...)
}

func newStand(t *testing.T) *stand {
	t.Helper()
	s := &stand{}
	s.identity = sim.NewIdentity(sim.IdentityConfig{
		Clients:      map[string]string{testClient: testSecret, nopermClient: nopermSecret},
		NoPermission: []string{nopermClient},
	})
	s.creatio = sim.NewCreatio(sim.CreatioConfig{User: testUser, Password: testPassword, ValidateToken: s.identity.ValidateToken})
	s.cookies.h = s.creatio
	s.c = httptest.NewServer(&s.cookies)
	s.id = httptest.NewServer(s.identity)
	t.Cleanup(func() { s.c.Close(); s.id.Close(); s.creatio.Close() })
	return s
}

// token gets a real token from the stand's Identity Service.
func (s *stand) token(t *testing.T, client, secret string) string {
	t.Helper()
	cc := clientcredentials.Config{ClientID: client, ClientSecret: secret, TokenURL: s.id.URL + "/ok/connect/token"}
	tok, err := cc.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

type authCase struct {
	name string
	env  map[string]string
	args []string
	want plugin.State
}

// authCases are the login scenarios of the endpoint mode.
func (s *stand) authCases(t *testing.T) []authCase {
	good := s.token(t, testClient, testSecret)
	pwFile := writeFile(t, "pw", testPassword+"\n")
	badPwFile := writeFile(t, "badpw", "wrong\n")
	secretFile := writeFile(t, "secret", testSecret+"\n")
	tokenFile := writeFile(t, "token", good+"\n")
	idp := s.id.URL + "/ok"
	return []authCase{
		{"forms netfx", map[string]string{"CREATIO_PASSWORD": testPassword}, []string{"-U", s.c.URL + "/forms", "--user", testUser}, plugin.OK},
		{"forms net", map[string]string{"CREATIO_PASSWORD": testPassword}, []string{"-U", s.c.URL + "/forms-net", "--user", testUser}, plugin.OK},
		{"forms password file wins over env", map[string]string{"CREATIO_PASSWORD": "wrong"}, []string{"-U", s.c.URL + "/forms", "--user", testUser, "--password-file", pwFile}, plugin.OK},
		{"forms wrong password", map[string]string{"CREATIO_PASSWORD": testPassword}, []string{"-U", s.c.URL + "/forms", "--user", testUser, "--password-file", badPwFile}, plugin.Unknown},
		{"forms unknown user", map[string]string{"CREATIO_PASSWORD": testPassword}, []string{"-U", s.c.URL + "/forms", "--user", "Nobody"}, plugin.Unknown},
		{"forms no password", nil, []string{"-U", s.c.URL + "/forms", "--user", testUser}, plugin.Unknown},
		{"forms missing password file", nil, []string{"-U", s.c.URL + "/forms", "--user", testUser, "--password-file", "/nonexistent/pw"}, plugin.Unknown},
		{"forms session refused on bearer site", map[string]string{"CREATIO_PASSWORD": testPassword}, []string{"-U", s.c.URL + "/bearer", "--user", testUser}, plugin.Unknown},
		{"none on forms netfx", nil, []string{"-U", s.c.URL + "/forms"}, plugin.Unknown},
		{"none on forms net", nil, []string{"-U", s.c.URL + "/forms-net"}, plugin.Unknown},
		{"none on bearer", nil, []string{"-U", s.c.URL + "/bearer"}, plugin.Unknown},
		{"oauth", map[string]string{"CREATIO_CLIENT_SECRET": testSecret}, []string{"-U", s.c.URL + "/bearer", "--identity-url", idp, "--client-id", testClient}, plugin.OK},
		{"oauth secret file", nil, []string{"-U", s.c.URL + "/bearer", "--identity-url", idp + "/", "--client-id", testClient, "--client-secret-file", secretFile}, plugin.OK},
		{"oauth falls back to connect token", map[string]string{"CREATIO_CLIENT_SECRET": testSecret}, []string{"-U", s.c.URL + "/bearer", "--identity-url", s.id.URL + "/no-discovery", "--client-id", testClient}, plugin.OK},
		{"oauth wrong secret", map[string]string{"CREATIO_CLIENT_SECRET": "wrong"}, []string{"-U", s.c.URL + "/bearer", "--identity-url", idp, "--client-id", testClient}, plugin.Unknown},
		{"oauth unknown client", map[string]string{"CREATIO_CLIENT_SECRET": testSecret}, []string{"-U", s.c.URL + "/bearer", "--identity-url", idp, "--client-id", "stranger"}, plugin.Unknown},
		{"oauth token endpoint down", map[string]string{"CREATIO_CLIENT_SECRET": testSecret}, []string{"-U", s.c.URL + "/bearer", "--identity-url", s.id.URL + "/token-500", "--client-id", testClient}, plugin.Critical},
		{"oauth identity service 503", map[string]string{"CREATIO_CLIENT_SECRET": testSecret}, []string{"-U", s.c.URL + "/bearer", "--identity-url", s.id.URL + "/unavailable-503", "--client-id", testClient}, plugin.Critical},
		{"oauth identity service refuses connections", map[string]string{"CREATIO_CLIENT_SECRET": testSecret}, []string{"-U", s.c.URL + "/bearer", "--identity-url", "http://127.0.0.1:1", "--client-id", testClient}, plugin.Critical},
		{"oauth identity service refuses connections unreachable warning", map[string]string{"CREATIO_CLIENT_SECRET": testSecret}, []string{"-U", s.c.URL + "/bearer", "--identity-url", "http://127.0.0.1:1", "--client-id", testClient, "--unreachable-state", "WARNING"}, plugin.Warning},
		{"oauth identity service echoes the secret", map[string]string{"CREATIO_CLIENT_SECRET": testSecret}, []string{"-U", s.c.URL + "/bearer", "--identity-url", s.id.URL + "/echo", "--client-id", testClient}, plugin.Unknown},
		{"oauth identity service echoes the secret in a 500", map[string]string{"CREATIO_CLIENT_SECRET": testSecret}, []string{"-U", s.c.URL + "/bearer", "--identity-url", s.id.URL + "/echo-500", "--client-id", testClient, "-vvv"}, plugin.Critical},
		{"oauth byte order marks", map[string]string{"CREATIO_CLIENT_SECRET": testSecret}, []string{"-U", s.c.URL + "/bearer", "--identity-url", s.id.URL + "/bom", "--client-id", testClient}, plugin.OK},
		{"oauth form-encoded token", map[string]string{"CREATIO_CLIENT_SECRET": testSecret}, []string{"-U", s.c.URL + "/bearer", "--identity-url", s.id.URL + "/form-token", "--client-id", testClient}, plugin.OK},
		{"oauth plain-http token endpoint on a plain-http stand", map[string]string{"CREATIO_CLIENT_SECRET": testSecret}, []string{"-U", s.c.URL + "/bearer", "--identity-url", s.id.URL + "/http-token-endpoint", "--client-id", testClient}, plugin.OK},
		{"oauth token endpoint on another host over http", map[string]string{"CREATIO_CLIENT_SECRET": testSecret}, []string{"-U", s.c.URL + "/bearer", "--identity-url", s.id.URL + "/other-host-token-endpoint", "--client-id", testClient}, plugin.Critical},
		{"forms bad gateway on every path", map[string]string{"CREATIO_PASSWORD": testPassword}, []string{"-U", s.c.URL + "/bad-gateway", "--user", testUser}, plugin.Critical},
		{"forms connection refused", map[string]string{"CREATIO_PASSWORD": testPassword}, []string{"-U", "http://127.0.0.1:1", "--user", testUser}, plugin.Critical},
		{"forms byte order marks", map[string]string{"CREATIO_PASSWORD": testPassword}, []string{"-U", s.c.URL + "/forms-bom", "--user", testUser, "-vv"}, plugin.OK},
		{"oauth no permission", map[string]string{"CREATIO_CLIENT_SECRET": nopermSecret}, []string{"-U", s.c.URL + "/bearer", "--identity-url", idp, "--client-id", nopermClient}, plugin.Unknown},
		{"oauth needs secret", nil, []string{"-U", s.c.URL + "/bearer", "--identity-url", idp, "--client-id", testClient}, plugin.Unknown},
		{"oauth needs identity url", map[string]string{"CREATIO_CLIENT_SECRET": testSecret}, []string{"-U", s.c.URL + "/bearer", "--client-id", testClient}, plugin.Unknown},
		{"bearer env", map[string]string{"CREATIO_TOKEN": good}, []string{"-U", s.c.URL + "/bearer", "--auth", "bearer"}, plugin.OK},
		{"bearer file", nil, []string{"-U", s.c.URL + "/bearer", "--auth", "bearer", "--token-file", tokenFile}, plugin.OK},
		{"bearer rejected", map[string]string{"CREATIO_TOKEN": "not-a-valid-token"}, []string{"-U", s.c.URL + "/bearer", "--auth", "bearer"}, plugin.Unknown},
		{"bearer missing", nil, []string{"-U", s.c.URL + "/bearer", "--auth", "bearer"}, plugin.Unknown},
		{"bearer to other host not followed", map[string]string{"CREATIO_TOKEN": good}, []string{"-U", s.c.URL + "/redirect-other-host", "--auth", "bearer"}, plugin.Unknown},
		{"forms to other host not followed", map[string]string{"CREATIO_PASSWORD": testPassword}, []string{"-U", s.c.URL + "/redirect-other-host", "--user", testUser}, plugin.Unknown},
	}
}

func TestLogin(t *testing.T) {
	s := newStand(t)
	for _, tc := range s.authCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			got, out := runPlugin(t, tc.env, tc.args...)
			if got != tc.want {
				t.Errorf("state %v, want %v\n%s", got, tc.want, out)
			}
			checkShape(t, out, !strings.Contains(tc.name, "needs") && !strings.Contains(tc.name, "missing") && !strings.Contains(tc.name, "no password"))
			golden(t, "login_"+tc.name, out)
		})
	}
	// No request ever reached the other host of redirect-other-host, so no
	// cookie or Authorization header can have gone there.
	for _, r := range s.creatio.Requests() {
		if strings.HasPrefix(r.Host, "localhost") {
			t.Errorf("a request went to the other host: %+v", r)
		}
	}
}

func TestPlainSecretsRefused(t *testing.T) {
	for _, args := range [][]string{
		{"-U", "http://x", "--user", "u", "--password", testPassword},
		{"-U", "http://x", "--password=" + testPassword},
		{"--mode", "direct", "--client-id", "c", "--client-secret", testSecret},
		{"-U", "http://x", "--auth", "bearer", "--token", testSecret},
	} {
		got, out := runPlugin(t, nil, args...)
		if got != plugin.Unknown || !bytes.Contains(out, []byte("is refused: a secret on the command line is visible")) {
			t.Errorf("%v: state %v, output %q", args[len(args)-2], got, out)
		}
		if bytes.Contains(out, []byte("sEcReT")) {
			t.Errorf("the refused secret is printed: %q", out)
		}
	}
}

// TestNoSecretLeaks runs every login case, every simulated scenario with
// credentials, and direct mode, at every verbosity and output format, and
// fails if a secret, a token or a session cookie value is printed.
func TestNoSecretLeaks(t *testing.T) {
	s := newStand(t)
	var cases []authCase
	cases = append(cases, s.authCases(t)...)
	good := s.token(t, testClient, testSecret)
	env := map[string]string{"CREATIO_PASSWORD": testPassword, "CREATIO_CLIENT_SECRET": testSecret, "CREATIO_TOKEN": good}
	for _, sc := range sim.Scenarios {
		if strings.Contains(sc.Name, "hang") || sc.Name == "slow" {
			continue
		}
		base := s.c.URL + "/" + sc.Name
		cases = append(cases,
			authCase{"forms " + sc.Name, env, []string{"-U", base, "--user", testUser}, 0},
			authCase{"oauth " + sc.Name, env, []string{"-U", base, "--identity-url", s.id.URL + "/ok", "--client-id", testClient}, 0},
			authCase{"bearer " + sc.Name, env, []string{"-U", base, "--auth", "bearer"}, 0},
		)
	}
	for _, v := range sim.IdentityVariants {
		cases = append(cases, authCase{"direct " + v.Name, env, []string{"--mode", "direct", "--identity-url", s.id.URL + "/" + v.Name, "--client-id", testClient}, 0})
	}
	var secrets []string
	for _, sec := range []struct{ id, secret string }{{testUser, testPassword}, {testClient, testSecret}, {nopermClient, nopermSecret}, {"", good}} {
		secrets = append(secrets, encodings(sec.id, sec.secret)...)
	}
	for _, tc := range cases {
		for _, extra := range [][]string{nil, {"-v"}, {"-vv"}, {"-vvv"}, {"--output", "json"}, {"-vvv", "--output", "json"}} {
			e := tc.env
			if e == nil {
				e = env // the leak test always has secrets in the environment
			}
			_, out := runPlugin(t, e, append(append([]string{}, tc.args...), extra...)...)
			for _, sec := range secrets {
				if bytes.Contains(out, []byte(sec)) {
					t.Fatalf("%s %v printed a secret:\n%s", tc.name, extra, out)
				}
			}
			if bytes.Contains(out, []byte("eyJ")) { // a JWT: header or payload
				t.Fatalf("%s %v printed a token:\n%s", tc.name, extra, out)
			}
			for _, c := range s.cookies.values() {
				if bytes.Contains(out, []byte(c)) {
					t.Fatalf("%s %v printed a session cookie value:\n%s", tc.name, extra, out)
				}
			}
		}
	}
}

// encodings are the forms in which a server may echo a secret: as typed,
// URL-encoded as a form body or a path has it (either hex case),
// JSON-escaped (with HTML characters escaped or not, '/' escaped or not),
// and inside an HTTP Basic credential with id, plain or form-encoded.
func encodings(id, secret string) []string {
	lower := regexp.MustCompile(`%[0-9A-F]{2}`)
	var forms []string
	for _, e := range []string{url.QueryEscape(secret), url.PathEscape(secret)} {
		forms = append(forms, e, lower.ReplaceAllStringFunc(e, strings.ToLower))
	}
	html, _ := json.Marshal(secret)
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(secret)
	for _, j := range []string{string(html), strings.TrimSpace(plain.String())} {
		j = strings.Trim(j, `"`)
		forms = append(forms, j, strings.ReplaceAll(j, "/", `\/`))
	}
	b64 := base64.StdEncoding.EncodeToString
	return append(forms, secret, b64([]byte(id+":"+secret)), b64([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret))))
}

func TestDirect(t *testing.T) {
	s := newStand(t)
	env := map[string]string{"CREATIO_CLIENT_SECRET": testSecret}
	direct := func(variant string, extra ...string) []string {
		return append([]string{"--mode", "direct", "--identity-url", s.id.URL + "/" + variant, "--client-id", testClient}, extra...)
	}
	for _, tc := range []authCase{
		{"ok", env, direct("ok"), plugin.OK},
		{"ok trailing slash", env, direct("ok/"), plugin.OK},
		{"ok verbose", env, direct("ok", "-vv"), plugin.OK},
		{"wrong secret", map[string]string{"CREATIO_CLIENT_SECRET": "wrong"}, direct("ok"), plugin.Critical},
		{"unknown client", env, []string{"--mode", "direct", "--identity-url", s.id.URL + "/ok", "--client-id", "stranger"}, plugin.Critical},
		{"discovery down", env, direct("discovery-down"), plugin.Critical},
		{"discovery not json", env, direct("discovery-notjson"), plugin.Critical},
		{"discovery without token endpoint", env, direct("discovery-no-token-endpoint"), plugin.Critical},
		{"discovery missing", env, direct("no-discovery"), plugin.Critical},
		{"token endpoint 500", env, direct("token-500"), plugin.Critical},
		{"token expired", env, direct("expired"), plugin.Critical},
		{"token from the future", env, direct("future"), plugin.Warning},
		{"token not bearer", env, direct("not-bearer"), plugin.Critical},
		{"identity service down", env, []string{"--mode", "direct", "--identity-url", "http://127.0.0.1:1", "--client-id", testClient}, plugin.Critical},
		{"identity service down unreachable unknown", env, []string{"--mode", "direct", "--identity-url", "http://127.0.0.1:1", "--client-id", testClient, "--unreachable-state", "3"}, plugin.Unknown},
		{"all settings empty", nil, []string{"--mode", "direct"}, plugin.Unknown},
		{"url setting empty", env, []string{"--mode", "direct", "--client-id", testClient}, plugin.Unknown},
		{"secret setting empty", nil, direct("ok"), plugin.Unknown},
		{"client id empty", env, []string{"--mode", "direct", "--identity-url", s.id.URL + "/ok"}, plugin.Unknown},
		{"identity service 503", env, direct("unavailable-503"), plugin.Critical},
		{"identity service echoes the secret", env, direct("echo", "-vvv"), plugin.Critical},
		{"identity service echoes the secret in a 500", env, direct("echo-500", "-vvv"), plugin.Critical},
		{"byte order marks", env, direct("bom"), plugin.OK},
		{"form-encoded token", env, direct("form-token", "--token-lifetime-warning", "7200:"), plugin.Warning},
		{"plain-http token endpoint on a plain-http stand", env, direct("http-token-endpoint"), plugin.OK},
		{"token endpoint on another host over http", env, direct("other-host-token-endpoint", "-vv"), plugin.Critical},
		{"token lifetime warning", env, direct("ok", "--token-lifetime-warning", "7200:"), plugin.Warning},
		{"token lifetime critical", env, direct("ok", "--token-lifetime-warning", "7200:", "--token-lifetime-critical", "5000:"), plugin.Critical},
		{"token lifetime ok", env, direct("ok", "--token-lifetime-warning", "300:"), plugin.OK},
		{"bad identity url", env, []string{"--mode", "direct", "--identity-url", "ftp://x", "--client-id", testClient}, plugin.Unknown},
		{"both ok", env, []string{"--mode", "both", "-U", s.c.URL + "/ok", "--identity-url", s.id.URL + "/ok", "--client-id", testClient}, plugin.OK},
		{"both creatio cannot reach identity", env, []string{"--mode", "both", "-U", s.c.URL + "/identity-unavailable", "--identity-url", s.id.URL + "/ok", "--client-id", testClient}, plugin.Critical},
		{"both identity down", env, []string{"--mode", "both", "-U", s.c.URL + "/identity-unavailable", "--identity-url", s.id.URL + "/discovery-down", "--client-id", testClient, "--auth", "none"}, plugin.Critical},
		{"both direct worse", map[string]string{"CREATIO_CLIENT_SECRET": "wrong"}, []string{"--mode", "both", "-U", s.c.URL + "/ok", "--identity-url", s.id.URL + "/ok", "--client-id", testClient, "--auth", "none"}, plugin.Critical},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, out := runPlugin(t, tc.env, tc.args...)
			if got != tc.want {
				t.Errorf("state %v, want %v\n%s", got, tc.want, out)
			}
			checkShape(t, out, tc.want != plugin.Unknown || !strings.HasPrefix(tc.name, "bad"))
			for _, sec := range encodings(testClient, testSecret) {
				if bytes.Contains(out, []byte(sec)) {
					t.Errorf("the client secret is printed as %q:\n%s", sec, out)
				}
			}
			golden(t, "direct_"+tc.name, out)
		})
	}
}

// A forms login leaves no session behind, whatever the health request
// found: the plugin ends it with Logout, inside the deadline, and says so
// at -vv.
func TestLogoutLeavesNoSession(t *testing.T) {
	s := newStand(t)
	env := map[string]string{"CREATIO_PASSWORD": testPassword}
	for _, sc := range sim.Scenarios {
		if sc.Auth != sim.AuthForms {
			continue
		}
		runs := 10
		if strings.Contains(sc.Name, "hang") {
			runs = 2 // each waits for -t
		}
		before := s.creatio.Logins()
		for i := 0; i < runs; i++ {
			start := time.Now()
			got, out := runPlugin(t, env, "-U", s.c.URL+"/"+sc.Name, "--user", testUser, "-t", "1", "-vv")
			if took := time.Since(start); took > time.Second {
				t.Errorf("%s: took %v, over -t 1", sc.Name, took)
			}
			if int(got) != sc.Want {
				t.Errorf("%s: state %v, want %v\n%s", sc.Name, got, plugin.State(sc.Want), out)
			}
			if !bytes.Contains(out, []byte("\nlogout: ended the session of Supervisor (HTTP 200)\n")) {
				t.Errorf("%s: -vv does not say the session ended:\n%s", sc.Name, out)
			}
		}
		if n := s.creatio.Logins() - before; n != runs {
			t.Errorf("%s: %d logins in %d runs", sc.Name, n, runs)
		}
		if n := s.creatio.LiveSessions(); n != 0 {
			t.Errorf("%s: %d live Creatio sessions after %d runs, want 0", sc.Name, n, runs)
		}
	}
	if s.creatio.Logouts() != s.creatio.Logins() {
		t.Errorf("%d logins, %d logouts", s.creatio.Logins(), s.creatio.Logouts())
	}
}

func TestDirectTLS(t *testing.T) {
	identity := sim.NewIdentity(sim.IdentityConfig{Clients: map[string]string{testClient: testSecret}})
	srv := httptest.NewTLSServer(identity)
	t.Cleanup(srv.Close)
	env := map[string]string{"CREATIO_CLIENT_SECRET": testSecret}
	args := []string{"--mode", "direct", "--identity-url", srv.URL + "/ok", "--client-id", testClient}
	got, out := runPlugin(t, env, args...)
	if got != plugin.Critical || !bytes.Contains(out, []byte("not trusted")) {
		t.Errorf("untrusted certificate: state %v\n%s", got, out)
	}
	ca := writeFile(t, "ca.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})))
	if got, out := runPlugin(t, env, append(args, "--ca-file", ca)...); got != plugin.OK {
		t.Errorf("with --ca-file: state %v\n%s", got, out)
	}
	if got, out := runPlugin(t, env, append(args, "--insecure")...); got != plugin.OK {
		t.Errorf("with --insecure: state %v\n%s", got, out)
	}
	if got, out := runPlugin(t, env, append(args, "--insecure", "--output", "json")...); got != plugin.OK || !bytes.Contains(out, []byte(`"time_tls"`)) == bytes.Contains(out, []byte(`"mode":"endpoint"`)) {
		t.Errorf("json: state %v\n%s", got, out)
	}

	// --ca-file may be given more than once: each file's CAs are trusted,
	// and a trust failure names the files tried.
	_, otherPEM := tlsServerFor(t, http.NotFoundHandler(), nil, []net.IP{net.IPv4(127, 0, 0, 1)}, time.Now().Add(24*time.Hour))
	otherCA := writeFile(t, "other.pem", otherPEM)
	if got, out := runPlugin(t, env, append(args, "--ca-file", otherCA, "--ca-file", ca)...); got != plugin.OK {
		t.Errorf("with two --ca-file: state %v\n%s", got, out)
	}
	if got, out := runPlugin(t, env, append(args, "--ca-file", otherCA)...); got != plugin.Critical || !bytes.Contains(out, []byte("is not signed by a CA of --ca-file "+otherCA+"; give the CA that signed it")) {
		t.Errorf("with the wrong --ca-file: state %v\n%s", got, out)
	}

	// An https discovery naming a plain-http token endpoint: the secret is
	// not sent, the line names the endpoint, in direct mode and at login.
	insecure := []string{"--identity-url", srv.URL + "/http-token-endpoint", "--client-id", testClient, "--ca-file", ca}
	identity.ResetRequests()
	got, out = runPlugin(t, env, append([]string{"--mode", "direct"}, insecure...)...)
	if got != plugin.Critical || !bytes.Contains(out, []byte("insecure token_endpoint http://127.0.0.1:")) {
		t.Errorf("https discovery naming an http token endpoint: state %v\n%s", got, out)
	}
	creatio := sim.NewCreatio(sim.CreatioConfig{ValidateToken: identity.ValidateToken})
	c := httptest.NewServer(creatio)
	t.Cleanup(c.Close)
	got, out = runPlugin(t, env, append([]string{"-U", c.URL + "/bearer"}, insecure...)...)
	if got != plugin.Critical || !bytes.Contains(out, []byte("insecure token_endpoint http://127.0.0.1:")) {
		t.Errorf("login: https discovery naming an http token endpoint: state %v\n%s", got, out)
	}
	for _, r := range identity.Requests() {
		if r.Method == http.MethodPost {
			t.Errorf("a token request was sent: %+v", r)
		}
	}

	// A token endpoint on another host is allowed over https, and -vv
	// names it.
	got, out = runPlugin(t, env, "--mode", "direct", "--identity-url", srv.URL+"/other-host-token-endpoint", "--client-id", testClient, "--insecure", "-vv")
	if got != plugin.OK || !bytes.Contains(out, []byte("\ntoken endpoint on another host than --identity-url: https://localhost:")) {
		t.Errorf("token endpoint on another host over https: state %v\n%s", got, out)
	}
}

func TestJSONOutput(t *testing.T) {
	s := newStand(t)
	for _, tc := range []struct {
		name  string
		env   map[string]string
		args  []string
		state plugin.State
		mode  string
		flags map[string]any
	}{
		{"endpoint ok", nil, []string{"-U", s.c.URL + "/ok"}, plugin.OK, "endpoint",
			map[string]any{"HasProblem": false, "IsSystemSettingsFilledIn": true, "IsIdentityServiceAvailable": true, "IsAccessTokenRetrievableForSystemActions": true, "Message": nil}},
		{"endpoint identity unavailable", nil, []string{"-U", s.c.URL + "/identity-unavailable"}, plugin.Critical, "endpoint",
			map[string]any{"HasProblem": true, "IsSystemSettingsFilledIn": true, "IsIdentityServiceAvailable": false, "IsAccessTokenRetrievableForSystemActions": false, "Message": "IdentityService specified in system setting OAuth20IdentityServerUrl is unavailable."}},
		{"endpoint default resource", nil, []string{"-U", s.c.URL + "/default-resource"}, plugin.Critical, "endpoint",
			map[string]any{"HasProblem": true, "IsDefaultResourceRegistered": false}},
		{"endpoint unreachable", nil, []string{"-U", "http://127.0.0.1:1"}, plugin.Critical, "endpoint",
			map[string]any{"HasProblem": nil, "IsSystemSettingsFilledIn": nil}},
		{"direct identity unavailable", map[string]string{"CREATIO_CLIENT_SECRET": testSecret}, []string{"--mode", "direct", "--client-id", testClient, "--identity-url", s.id.URL + "/discovery-down"}, plugin.Critical, "direct",
			map[string]any{"HasProblem": true, "IsSystemSettingsFilledIn": true, "IsIdentityServiceAvailable": false, "IsAccessTokenRetrievableForSystemActions": false, "Message": "IdentityService specified in system setting OAuth20IdentityServerUrl is unavailable."}},
		{"direct ok", map[string]string{"CREATIO_CLIENT_SECRET": testSecret}, []string{"--mode", "direct", "--client-id", testClient, "--identity-url", s.id.URL + "/ok"}, plugin.OK, "direct",
			map[string]any{"HasProblem": false, "IsSystemSettingsFilledIn": true, "IsIdentityServiceAvailable": true, "IsAccessTokenRetrievableForSystemActions": true, "Message": nil}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, v := range []string{"", "-vvv"} {
				args := append(append([]string{}, tc.args...), "--output", "json")
				if v != "" {
					args = append(args, v)
				}
				got, out := runPlugin(t, tc.env, args...)
				if got != tc.state {
					t.Errorf("exit %v, want %v", got, tc.state)
				}
				if n := bytes.Count(out, []byte("\n")); n != 1 {
					t.Fatalf("%d lines, want exactly one:\n%s", n, out)
				}
				var j map[string]any
				if err := json.Unmarshal(out, &j); err != nil {
					t.Fatalf("not JSON: %v\n%s", err, out)
				}
				if j["state"] != float64(tc.state) || j["state_text"] != tc.state.String() || j["mode"] != tc.mode {
					t.Errorf("state/state_text/mode = %v/%v/%v", j["state"], j["state_text"], j["mode"])
				}
				for k, want := range tc.flags {
					if got, ok := j[k]; !ok || fmt.Sprint(got) != fmt.Sprint(want) {
						t.Errorf("%s = %v (present %v), want %v", k, got, ok, want)
					}
				}
				m, _ := j["metrics"].(map[string]any)
				if _, ok := m["time"]; !ok && tc.name != "endpoint unreachable" {
					t.Errorf("no metrics.time: %s", out)
				}
				if c, _ := j["checks"].([]any); len(c) == 0 {
					t.Errorf("no checks: %s", out)
				}
				if s, _ := j["summary"].(string); s == "" || strings.ContainsAny(s, "|\n") {
					t.Errorf("summary %q", s)
				}
			}
			got, out := runPlugin(t, tc.env, append(append([]string{}, tc.args...), "--output", "json")...)
			_ = got
			golden(t, "json_"+tc.name, out)
		})
	}
}
