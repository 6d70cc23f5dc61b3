package sim

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

const (
	testUser     = "Supervisor"
	testPassword = "pa ss|wörd"
	clientID     = "monitoring"
	clientSecret = "s3cret:with/odd+chars"
	noPermID     = "noperm"
	noPermSecret = "noperm-secret"
)

// noRedirect is a client that returns redirects instead of following them
// and does not decompress gzip bodies.
func noRedirect() *http.Client {
	return &http.Client{
		Timeout:       10 * time.Second,
		Transport:     &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

type answer struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, c *http.Client, method, u string, hdr http.Header, body io.Reader) answer {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, u, err)
	}
	return answer{resp.StatusCode, resp.Header, string(b)}
}

func get(t *testing.T, c *http.Client, u string) answer {
	t.Helper()
	return do(t, c, http.MethodGet, u, nil, nil)
}

func newCreatio(t *testing.T, cfg CreatioConfig) (*Creatio, *httptest.Server) {
	t.Helper()
	c := NewCreatio(cfg)
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	t.Cleanup(c.Close) // runs first: releases hanging handlers
	return c, srv
}

func newIdentity(t *testing.T, cfg IdentityConfig) (*Identity, *httptest.Server) {
	t.Helper()
	if cfg.Clients == nil {
		cfg.Clients = map[string]string{clientID: clientSecret, noPermID: noPermSecret}
		cfg.NoPermission = []string{noPermID}
	}
	id := NewIdentity(cfg)
	srv := httptest.NewServer(id)
	t.Cleanup(srv.Close)
	return id, srv
}

func mustScenario(t *testing.T, name string) Scenario {
	t.Helper()
	s, ok := Lookup(name)
	if !ok {
		t.Fatalf("scenario %q missing", name)
	}
	return s
}

func TestScenarioTable(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Scenarios {
		if seen[s.Name] {
			t.Errorf("duplicate scenario %q", s.Name)
		}
		seen[s.Name] = true
		if s.Want < 0 || s.Want > 3 {
			t.Errorf("%s: Want %d out of 0..3", s.Name, s.Want)
		}
		if s.Runtime != RuntimeNetFramework && s.Runtime != RuntimeNet {
			t.Errorf("%s: Runtime %q", s.Name, s.Runtime)
		}
		if s.Description == "" || strings.ContainsAny(s.Description, "\t\n") {
			t.Errorf("%s: bad description %q", s.Name, s.Description)
		}
		if got, ok := Lookup(s.Name); !ok || got != s {
			t.Errorf("Lookup(%q) = %v, %v", s.Name, got, ok)
		}
	}
	for _, name := range []string{
		"ok", "ok-net", "ok-extra", "settings-empty", "setting-url-empty", "identity-unavailable",
		"token-unretrievable", "default-resource", "problem-no-message", "flag-false-no-problem",
		"message-hostile", "message-long", "slow", "hang", "login-redirect", "login-redirect-net",
		"login-page", "unauthorized", "forbidden", "not-found", "html-500", "unavailable-503",
		"invalid-json", "empty-body", "wrong-type", "missing-key", "not-object", "huge-body",
		"gzip-ok", "redirect-same-host", "redirect-other-host", "redirect-loop", "forms",
		"forms-net", "bearer",
	} {
		if !seen[name] {
			t.Errorf("scenario %q missing", name)
		}
	}
	if _, ok := Lookup("nope"); ok {
		t.Error(`Lookup("nope") found something`)
	}
	if got := mustScenario(t, "ok").HealthPath(); got != "/ok/0/api/OAuthHealthCheck" {
		t.Errorf("ok HealthPath = %q", got)
	}
	if got := mustScenario(t, "ok-net").HealthPath(); got != "/ok-net/api/OAuthHealthCheck" {
		t.Errorf("ok-net HealthPath = %q", got)
	}
}

// TestEveryScenarioAnswers makes sure no scenario falls through to the
// "no handler" branch.
func TestEveryScenarioAnswers(t *testing.T) {
	_, srv := newCreatio(t, CreatioConfig{SlowDelay: time.Millisecond})
	for _, s := range Scenarios {
		switch s.Name {
		case "hang", "conn-reset":
			continue // tested separately
		}
		a := get(t, noRedirect(), srv.URL+s.HealthPath())
		if a.status == http.StatusNotImplemented {
			t.Errorf("%s: no handler: %s", s.Name, a.body)
		}
	}
}

func TestHealthBodies(t *testing.T) {
	_, srv := newCreatio(t, CreatioConfig{SlowDelay: time.Millisecond})
	tests := []struct {
		name   string
		status int
		ctype  string
		body   string // exact, if not empty
		has    string // substring, if not empty
	}{
		{"ok", 200, ctJSON, BodyOK, ""},
		{"ok-net", 200, ctJSON, BodyOK, ""},
		{"slow", 200, ctJSON, BodyOK, ""},
		{"settings-empty", 500, ctJSON, BodySettingsEmpty, ""},
		{"setting-url-empty", 500, ctJSON, BodySettingURLEmpty, ""},
		{"identity-unavailable", 500, ctJSON, BodyIdentityUnavailable, ""},
		{"token-unretrievable", 500, ctJSON, BodyTokenUnretrievable, ""},
		{"default-resource", 500, ctJSON, "", `"IsDefaultResourceRegistered":false`},
		{"problem-no-message", 500, ctJSON, "", `"HasProblem":true`},
		{"flag-false-no-problem", 200, ctJSON, "", `"IsIdentityServiceAvailable":false`},
		{"message-hostile", 500, ctJSON, "", `\u0000`},
		{"message-long", 500, ctJSON, "", `"Message":"IdentityService`},
		{"html-500", 500, ctHTML, "", "Server Error in '/' Application."},
		{"unavailable-503", 503, "text/plain; charset=utf-8", "Service Unavailable", ""},
		{"login-page", 200, ctHTML, "", "NuiLogin.aspx"},
		{"unauthorized", 401, "", "", ""},
		{"forbidden", 403, ctHTML, "", "403 - Forbidden"},
		{"not-found", 404, ctHTML, "", "404 - File or directory not found."},
		{"invalid-json", 200, ctJSON, `{"HasProblem":fal`, ""},
		{"empty-body", 200, ctJSON, "", ""},
		{"wrong-type", 200, ctJSON, "", `"HasProblem":"false"`},
		{"missing-key", 200, ctJSON, "", `"IsSystemSettingsFilledIn":true`},
		{"not-object", 200, ctJSON, "[]", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := get(t, noRedirect(), srv.URL+mustScenario(t, tt.name).HealthPath())
			if a.status != tt.status {
				t.Errorf("status %d, want %d", a.status, tt.status)
			}
			if got := a.header.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type %q, want %q", got, tt.ctype)
			}
			if tt.body != "" && a.body != tt.body {
				t.Errorf("body\n%s\nwant\n%s", a.body, tt.body)
			}
			if tt.body == "" && tt.has == "" && a.body != "" {
				t.Errorf("body %q, want empty", a.body)
			}
			if !strings.Contains(a.body, tt.has) {
				t.Errorf("body %q lacks %q", a.body, tt.has)
			}
		})
	}
}

// TestDocumentedBodies checks the bodies against the documentation's JSON,
// field by field.
func TestDocumentedBodies(t *testing.T) {
	type doc struct {
		HasProblem, IsSystemSettingsFilledIn, IsIdentityServiceAvailable, IsAccessTokenRetrievableForSystemActions bool
		Message                                                                                                    *string
	}
	str := func(s string) *string { return &s }
	tests := []struct {
		body string
		want doc
	}{
		{BodyOK, doc{false, true, true, true, nil}},
		{BodySettingsEmpty, doc{true, false, false, false, str("System settings OAuth20IdentityServerUrl, OAuth20IdentityServerClientId, OAuth20IdentityServerClientSecret are empty.")}},
		{BodySettingURLEmpty, doc{true, false, false, false, str("System setting OAuth20IdentityServerUrl is empty.")}},
		{BodyIdentityUnavailable, doc{true, true, false, false, str("IdentityService specified in system setting OAuth20IdentityServerUrl is unavailable.")}},
		{BodyTokenUnretrievable, doc{true, true, true, false, str("Can't retrieve access_token for system actions from IdentityService specified in system settings OAuth20IdentityServerUrl using client_id and client_secret specified in system settings OAuth20IdentityServerClientId & OAuth20IdentityServerClientSecret.")}},
	}
	for _, tt := range tests {
		var got doc
		dec := json.NewDecoder(strings.NewReader(tt.body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Errorf("%s: %v", tt.body, err)
			continue
		}
		if got.HasProblem != tt.want.HasProblem || got.IsSystemSettingsFilledIn != tt.want.IsSystemSettingsFilledIn ||
			got.IsIdentityServiceAvailable != tt.want.IsIdentityServiceAvailable ||
			got.IsAccessTokenRetrievableForSystemActions != tt.want.IsAccessTokenRetrievableForSystemActions ||
			(got.Message == nil) != (tt.want.Message == nil) ||
			(got.Message != nil && *got.Message != *tt.want.Message) {
			t.Errorf("%s: decoded %+v", tt.body, got)
		}
	}
}

func decodeMap(t *testing.T, body string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("%q: %v", body, err)
	}
	return m
}

func TestHealthFieldShapes(t *testing.T) {
	_, srv := newCreatio(t, CreatioConfig{})
	body := func(name string) map[string]any {
		return decodeMap(t, get(t, noRedirect(), srv.URL+mustScenario(t, name).HealthPath()).body)
	}

	m := body("ok-extra")
	if m["HasProblem"] != false || m["IsDefaultResourceRegistered"] != true || m["Message"] != "" {
		t.Errorf("ok-extra: %v", m)
	}
	if _, ok := m["Diagnostics"]; !ok {
		t.Errorf("ok-extra has no unknown extra field: %v", m)
	}

	m = body("default-resource")
	if m["HasProblem"] != true || m["IsSystemSettingsFilledIn"] != true || m["IsIdentityServiceAvailable"] != true ||
		m["IsAccessTokenRetrievableForSystemActions"] != true || m["IsDefaultResourceRegistered"] != false {
		t.Errorf("default-resource: %v", m)
	}
	if _, ok := m["Message"]; ok {
		t.Errorf("default-resource has a Message: %v", m)
	}

	m = body("problem-no-message")
	if _, ok := m["Message"]; ok {
		t.Errorf("problem-no-message has a Message: %v", m)
	}
	if _, ok := m["IsDefaultResourceRegistered"]; ok {
		t.Errorf("problem-no-message has IsDefaultResourceRegistered: %v", m)
	}

	m = body("flag-false-no-problem")
	if m["HasProblem"] != false || m["IsIdentityServiceAvailable"] != false {
		t.Errorf("flag-false-no-problem: %v", m)
	}

	m = body("message-hostile")
	msg, _ := m["Message"].(string)
	if msg != MessageHostile {
		t.Errorf("message-hostile Message %q", msg)
	}
	for _, want := range []string{"|", "\n", "\t", "Überprüfung fehlgeschlagen ✗", "\x00"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message-hostile Message lacks %q", want)
		}
	}

	m = body("message-long")
	if msg, _ := m["Message"].(string); len([]rune(msg)) != MessageLongLen {
		t.Errorf("message-long Message has %d characters", len([]rune(msg)))
	}

	m = body("wrong-type")
	if _, ok := m["HasProblem"].(string); !ok {
		t.Errorf("wrong-type HasProblem is %T", m["HasProblem"])
	}

	m = body("missing-key")
	if _, ok := m["HasProblem"]; ok {
		t.Errorf("missing-key has HasProblem")
	}
}

func TestWrongLayoutIs404(t *testing.T) {
	_, srv := newCreatio(t, CreatioConfig{})
	for _, s := range Scenarios {
		other := RuntimeNet
		if s.Runtime == RuntimeNet {
			other = RuntimeNetFramework
		}
		a := get(t, noRedirect(), srv.URL+"/"+s.Name+healthSuffix(other))
		if a.status != http.StatusNotFound {
			t.Errorf("%s: other layout answered %d", s.Name, a.status)
		}
	}
	for _, p := range []string{"/", "/nope/0/api/OAuthHealthCheck", "/ok", "/ok/", "/ok/0/api/OAuthHealthCheck/x", "/ok/Login/Login.html", "/ok-net/Login/NuiLogin.aspx"} {
		a := get(t, noRedirect(), srv.URL+p)
		if a.status != http.StatusNotFound || !strings.HasPrefix(a.header.Get("Content-Type"), "text/plain") {
			t.Errorf("%s: %d %q", p, a.status, a.header.Get("Content-Type"))
		}
	}
	// not-found is 404 HTML on both layouts.
	for _, suffix := range []string{healthNetFx, healthNet} {
		a := get(t, noRedirect(), srv.URL+"/not-found"+suffix)
		if a.status != http.StatusNotFound {
			t.Errorf("not-found%s: %d", suffix, a.status)
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	_, srv := newCreatio(t, CreatioConfig{})
	a := do(t, noRedirect(), http.MethodPost, srv.URL+"/ok/0/api/OAuthHealthCheck", nil, nil)
	if a.status != http.StatusMethodNotAllowed {
		t.Errorf("POST health: %d", a.status)
	}
	a = do(t, noRedirect(), http.MethodHead, srv.URL+"/ok/0/api/OAuthHealthCheck", nil, nil)
	if a.status != http.StatusOK {
		t.Errorf("HEAD health: %d", a.status)
	}
}

func TestUnauthorizedHeader(t *testing.T) {
	_, srv := newCreatio(t, CreatioConfig{})
	a := get(t, noRedirect(), srv.URL+"/unauthorized/0/api/OAuthHealthCheck")
	if a.status != 401 || a.header.Get("WWW-Authenticate") != "Bearer" {
		t.Errorf("unauthorized: %d %q", a.status, a.header.Get("WWW-Authenticate"))
	}
}

func TestGzip(t *testing.T) {
	_, srv := newCreatio(t, CreatioConfig{})
	u := srv.URL + "/gzip-ok/0/api/OAuthHealthCheck"
	a := get(t, noRedirect(), u)
	if a.status != 200 || a.header.Get("Content-Encoding") != "gzip" || a.header.Get("Content-Type") != ctJSON {
		t.Fatalf("gzip-ok: %d %v", a.status, a.header)
	}
	zr, err := gzip.NewReader(strings.NewReader(a.body))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || string(plain) != BodyOK {
		t.Errorf("gzip-ok decompressed %q, %v", plain, err)
	}
	// Go's default transport asks for gzip and decompresses transparently.
	if a := get(t, http.DefaultClient, u); a.body != BodyOK {
		t.Errorf("gzip-ok via default client: %q", a.body)
	}
}

func TestHugeBody(t *testing.T) {
	_, srv := newCreatio(t, CreatioConfig{})
	resp, err := noRedirect().Get(srv.URL + "/huge-body/0/api/OAuthHealthCheck")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.ContentLength != -1 {
		t.Errorf("ContentLength %d, want -1 (streamed)", resp.ContentLength)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 3<<20 {
		t.Errorf("size %d, want %d", len(b), 3<<20)
	}
	if !json.Valid(b) {
		t.Error("huge body is not valid JSON")
	}
	if !bytes.HasPrefix(b, []byte(`{"HasProblem":false`)) {
		t.Errorf("huge body starts %q", b[:40])
	}
}

func TestHugeBodyClientStopsEarly(t *testing.T) {
	_, srv := newCreatio(t, CreatioConfig{})
	resp, err := noRedirect().Get(srv.URL + "/huge-body/0/api/OAuthHealthCheck")
	if err != nil {
		t.Fatal(err)
	}
	// A plugin with a body limit reads a little and closes.
	if _, err := io.CopyN(io.Discard, resp.Body, 1<<20); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestSlow(t *testing.T) {
	_, srv := newCreatio(t, CreatioConfig{SlowDelay: 150 * time.Millisecond})
	start := time.Now()
	a := get(t, noRedirect(), srv.URL+"/slow/0/api/OAuthHealthCheck")
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("slow answered after %v", d)
	}
	if a.body != BodyOK {
		t.Errorf("slow body %q", a.body)
	}
	c := noRedirect()
	c.Timeout = 30 * time.Millisecond
	if _, err := c.Get(srv.URL + "/slow/0/api/OAuthHealthCheck"); err == nil {
		t.Error("slow answered within 30ms")
	}
}

func TestSlowDefaultDelay(t *testing.T) {
	if c := NewCreatio(CreatioConfig{}); c.cfg.SlowDelay != 2*time.Second {
		t.Errorf("default SlowDelay %v", c.cfg.SlowDelay)
	}
}

func TestHang(t *testing.T) {
	c, srv := newCreatio(t, CreatioConfig{})
	cl := noRedirect()
	cl.Timeout = 100 * time.Millisecond
	start := time.Now()
	_, err := cl.Get(srv.URL + "/hang/0/api/OAuthHealthCheck")
	var ne interface{ Timeout() bool }
	if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("hang: err %v, want a timeout", err)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("hang gave up after %v", d)
	}

	// A request still hanging when the Creatio closes is aborted, so
	// srv.Close does not block.
	errc := make(chan error, 1)
	go func() {
		resp, err := http.Get(srv.URL + "/hang/0/api/OAuthHealthCheck")
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	for !slices.ContainsFunc(c.Requests(), func(r RecordedRequest) bool {
		return r.Scenario == "hang" && r.Method == "GET" && r.HasAuthorization == false
	}) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	c.Close()
	select {
	case err := <-errc:
		if err == nil {
			t.Error("hang answered after Close")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("hang not released by Close")
	}
}

func TestConnReset(t *testing.T) {
	_, srv := newCreatio(t, CreatioConfig{})
	cl := noRedirect()
	cl.Transport = &http.Transport{DisableKeepAlives: true}
	if resp, err := cl.Get(srv.URL + "/conn-reset/0/api/OAuthHealthCheck"); err == nil {
		resp.Body.Close()
		t.Errorf("conn-reset answered %d", resp.StatusCode)
	}
}

func TestRedirects(t *testing.T) {
	c, srv := newCreatio(t, CreatioConfig{})
	port := strings.TrimPrefix(srv.URL, "http://127.0.0.1")

	a := get(t, noRedirect(), srv.URL+"/redirect-same-host/0/api/OAuthHealthCheck")
	if a.status != http.StatusFound || a.header.Get("Location") != "/ok/0/api/OAuthHealthCheck" {
		t.Errorf("redirect-same-host: %d %q", a.status, a.header.Get("Location"))
	}
	if a := get(t, http.DefaultClient, srv.URL+"/redirect-same-host/0/api/OAuthHealthCheck"); a.body != BodyOK {
		t.Errorf("redirect-same-host followed: %q", a.body)
	}

	a = get(t, noRedirect(), srv.URL+"/redirect-other-host/0/api/OAuthHealthCheck")
	if want := "http://localhost" + port + "/ok/0/api/OAuthHealthCheck"; a.status != http.StatusFound || a.header.Get("Location") != want {
		t.Errorf("redirect-other-host: %d %q, want %q", a.status, a.header.Get("Location"), want)
	}
	// The other way round: from localhost back to 127.0.0.1.
	a = get(t, noRedirect(), "http://localhost"+port+"/redirect-other-host/0/api/OAuthHealthCheck")
	if want := "http://127.0.0.1" + port + "/ok/0/api/OAuthHealthCheck"; a.header.Get("Location") != want {
		t.Errorf("redirect-other-host from localhost: %q, want %q", a.header.Get("Location"), want)
	}

	// The request log shows whether credentials crossed hosts: Go's client
	// drops Authorization and Cookie on a redirect to another host.
	c.ResetRequests()
	hdr := http.Header{"Authorization": {"Bearer x"}, "Cookie": {"a=b"}}
	if a := do(t, http.DefaultClient, http.MethodGet, srv.URL+"/redirect-other-host/0/api/OAuthHealthCheck", hdr, nil); a.body != BodyOK {
		t.Errorf("redirect-other-host followed: %q", a.body)
	}
	reqs := c.Requests()
	if len(reqs) != 2 {
		t.Fatalf("requests %+v", reqs)
	}
	if !reqs[0].HasAuthorization || !reqs[0].HasCookie || reqs[0].Host != "127.0.0.1"+port {
		t.Errorf("first request %+v", reqs[0])
	}
	if reqs[1].HasAuthorization || reqs[1].HasCookie || reqs[1].Host != "localhost"+port || reqs[1].Path != "/ok/0/api/OAuthHealthCheck" {
		t.Errorf("redirected request %+v", reqs[1])
	}

	a = get(t, noRedirect(), srv.URL+"/redirect-loop/0/api/OAuthHealthCheck?x=1")
	if a.status != http.StatusFound || a.header.Get("Location") != "/redirect-loop/0/api/OAuthHealthCheck?x=1" {
		t.Errorf("redirect-loop: %d %q", a.status, a.header.Get("Location"))
	}
	if _, err := http.Get(srv.URL + "/redirect-loop/0/api/OAuthHealthCheck"); err == nil || !strings.Contains(err.Error(), "stopped after 10 redirects") {
		t.Errorf("redirect-loop followed: %v", err)
	}
}

func TestRedirectOtherHostTLS(t *testing.T) {
	c := NewCreatio(CreatioConfig{})
	srv := httptest.NewTLSServer(c)
	defer srv.Close()
	port := strings.TrimPrefix(srv.URL, "https://127.0.0.1")
	cl := srv.Client()
	cl.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	a := get(t, cl, srv.URL+"/redirect-other-host/0/api/OAuthHealthCheck")
	if want := "https://localhost" + port + "/ok/0/api/OAuthHealthCheck"; a.header.Get("Location") != want {
		t.Errorf("Location %q, want %q", a.header.Get("Location"), want)
	}
}

func TestLoginRedirects(t *testing.T) {
	_, srv := newCreatio(t, CreatioConfig{})
	tests := []struct {
		scenario, location, pageHas string
		objectMoved                 bool
	}{
		{"login-redirect", "/login-redirect/Login/NuiLogin.aspx?ReturnUrl=%2flogin-redirect%2f0%2fapi%2fOAuthHealthCheck", `action="./NuiLogin.aspx?ReturnUrl=`, true},
		{"login-redirect-net", srv.URL + "/login-redirect-net/Login/Login.html?ReturnUrl=%2Flogin-redirect-net%2Fapi%2FOAuthHealthCheck", `data-loadbootstrap="bootstrap.login"`, false},
		{"forms", "/forms/Login/NuiLogin.aspx?ReturnUrl=%2fforms%2f0%2fapi%2fOAuthHealthCheck", "NuiLogin.aspx", true},
		{"forms-net", srv.URL + "/forms-net/Login/Login.html?ReturnUrl=%2Fforms-net%2Fapi%2FOAuthHealthCheck", "bootstrap.login", false},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			a := get(t, noRedirect(), srv.URL+mustScenario(t, tt.scenario).HealthPath())
			if a.status != http.StatusFound || a.header.Get("Location") != tt.location {
				t.Errorf("%d %q, want 302 %q", a.status, a.header.Get("Location"), tt.location)
			}
			if got := strings.Contains(a.body, "<title>Object moved</title>") && strings.Contains(a.body, tt.location); got != tt.objectMoved {
				t.Errorf("Object moved page %v, want %v: %q", got, tt.objectMoved, a.body)
			}
			page := get(t, http.DefaultClient, srv.URL+mustScenario(t, tt.scenario).HealthPath())
			if page.status != 200 || page.header.Get("Content-Type") != ctHTML || !strings.Contains(page.body, tt.pageHas) {
				t.Errorf("login page %d %q: %q", page.status, page.header.Get("Content-Type"), page.body)
			}
		})
	}
	a := get(t, noRedirect(), srv.URL+"/login-redirect/0/api/OAuthHealthCheck?a=b&c=d")
	if want := "/login-redirect/Login/NuiLogin.aspx?ReturnUrl=%2flogin-redirect%2f0%2fapi%2fOAuthHealthCheck%3fa%3db%26c%3dd"; a.header.Get("Location") != want {
		t.Errorf("ReturnUrl with query: %q", a.header.Get("Location"))
	}
}

func loginBody(user, password string) io.Reader {
	b, _ := json.Marshal(map[string]string{"UserName": user, "UserPassword": password})
	return bytes.NewReader(b)
}

var jsonHeader = http.Header{"Content-Type": {"application/json; charset=utf-8"}, "ForceUseSession": {"true"}}

func findCookie(cs []*http.Cookie, name string) *http.Cookie {
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestFormsLogin(t *testing.T) {
	for _, name := range []string{"forms", "forms-net"} {
		t.Run(name, func(t *testing.T) {
			_, srv := newCreatio(t, CreatioConfig{User: testUser, Password: testPassword})
			sc := mustScenario(t, name)
			base := srv.URL + "/" + name
			health := srv.URL + sc.HealthPath()

			// Wrong credentials: HTTP 200, Code 1, no session cookies.
			resp, err := noRedirect().Post(base+AuthServicePath, "application/json", loginBody(testUser, "wrong"))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || string(b) != bodyLoginFailed || len(resp.Cookies()) != 0 {
				t.Errorf("bad login: %d %q cookies %v", resp.StatusCode, b, resp.Cookies())
			}
			if m := decodeMap(t, string(b)); m["Code"] != 1.0 || m["Message"] != "Either username or password is not correct" {
				t.Errorf("bad login body %v", m)
			}
			if a := do(t, noRedirect(), http.MethodPost, base+AuthServicePath, jsonHeader, loginBody("nobody", testPassword)); !strings.Contains(a.body, `"Code":1`) {
				t.Errorf("unknown user: %q", a.body)
			}

			// Wrong content type, method, body.
			if a := do(t, noRedirect(), http.MethodPost, base+AuthServicePath, http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, strings.NewReader("UserName=x")); a.status != http.StatusUnsupportedMediaType {
				t.Errorf("form-encoded login: %d", a.status)
			}
			if a := get(t, noRedirect(), base+AuthServicePath); a.status != http.StatusMethodNotAllowed {
				t.Errorf("GET login: %d", a.status)
			}
			if a := do(t, noRedirect(), http.MethodPost, base+AuthServicePath, jsonHeader, strings.NewReader("{")); a.status != http.StatusBadRequest {
				t.Errorf("broken JSON login: %d", a.status)
			}

			// Good credentials.
			resp, err = noRedirect().Post(base+AuthServicePath, "application/json", loginBody(testUser, testPassword))
			if err != nil {
				t.Fatal(err)
			}
			b, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || string(b) != bodyLoginOK {
				t.Fatalf("login: %d %q", resp.StatusCode, b)
			}
			cs := resp.Cookies()
			auth, csrf, loader, user := findCookie(cs, ".ASPXAUTH"), findCookie(cs, "BPMCSRF"), findCookie(cs, "BPMLOADER"), findCookie(cs, "UserName")
			switch {
			case auth == nil || !auth.HttpOnly || auth.Path != "/"+name || auth.Value == "":
				t.Errorf(".ASPXAUTH %v", auth)
			case csrf == nil || csrf.HttpOnly || csrf.Path != "/" || csrf.Value == "":
				t.Errorf("BPMCSRF %v", csrf)
			case loader == nil || !loader.HttpOnly:
				t.Errorf("BPMLOADER %v", loader)
			case user == nil || user.Value != testUser || user.Expires.IsZero():
				t.Errorf("UserName %v", user)
			}

			// A second login gives other random values.
			a := do(t, noRedirect(), http.MethodPost, base+AuthServicePath, jsonHeader, loginBody(testUser, testPassword))
			if strings.Contains(strings.Join(a.header.Values("Set-Cookie"), ";"), auth.Value) {
				t.Error("second login reused the session value")
			}

			session := ".ASPXAUTH=" + auth.Value + "; BPMCSRF=" + csrf.Value + "; BPMLOADER=" + loader.Value
			cases := []struct {
				what   string
				hdr    http.Header
				status int
			}{
				{"no cookie", nil, http.StatusFound},
				{"forged session", http.Header{"Cookie": {".ASPXAUTH=forged; BPMCSRF=" + csrf.Value}, "Bpmcsrf": {csrf.Value}}, http.StatusFound},
				{"session without CSRF header", http.Header{"Cookie": {session}}, http.StatusUnauthorized},
				{"session with wrong CSRF header", http.Header{"Cookie": {session}, "Bpmcsrf": {"x" + csrf.Value}}, http.StatusUnauthorized},
				{"session with CSRF header", http.Header{"Cookie": {session}, "Bpmcsrf": {csrf.Value}}, http.StatusOK},
			}
			for _, c := range cases {
				a := do(t, noRedirect(), http.MethodGet, health, c.hdr, nil)
				if a.status != c.status {
					t.Errorf("%s: %d, want %d", c.what, a.status, c.status)
				}
				if c.status == http.StatusOK && a.body != BodyOK {
					t.Errorf("%s: body %q", c.what, a.body)
				}
			}

			// The session belongs to its scenario.
			other := "forms-net"
			if name == "forms-net" {
				other = "forms"
			}
			a = do(t, noRedirect(), http.MethodGet, srv.URL+mustScenario(t, other).HealthPath(),
				http.Header{"Cookie": {session}, "Bpmcsrf": {csrf.Value}}, nil)
			if a.status != http.StatusFound {
				t.Errorf("session of %s used on %s: %d", name, other, a.status)
			}
		})
	}
}

// TestFormsCookieJar logs in like a real client: a cookie jar plus the
// BPMCSRF header copied from the jar.
func TestFormsCookieJar(t *testing.T) {
	_, srv := newCreatio(t, CreatioConfig{User: testUser, Password: testPassword})
	jar, _ := cookiejar.New(nil)
	cl := noRedirect()
	cl.Jar = jar
	base := srv.URL + "/forms"
	if a := do(t, cl, http.MethodPost, base+AuthServicePath, jsonHeader, loginBody(testUser, testPassword)); !strings.Contains(a.body, `"Code":0`) {
		t.Fatalf("login: %q", a.body)
	}
	u, _ := url.Parse(base + "/0/api/OAuthHealthCheck")
	csrf := findCookie(jar.Cookies(u), "BPMCSRF")
	if csrf == nil || findCookie(jar.Cookies(u), ".ASPXAUTH") == nil {
		t.Fatalf("jar holds %v", jar.Cookies(u))
	}
	if a := get(t, cl, u.String()); a.status != http.StatusUnauthorized {
		t.Errorf("jar without CSRF header: %d", a.status)
	}
	if a := do(t, cl, http.MethodGet, u.String(), http.Header{"BPMCSRF": {csrf.Value}}, nil); a.status != 200 || a.body != BodyOK {
		t.Errorf("jar with CSRF header: %d %q", a.status, a.body)
	}
	// .ASPXAUTH has Path=/forms, so the jar does not send it to another scenario.
	other, _ := url.Parse(srv.URL + "/forms-net/api/OAuthHealthCheck")
	if findCookie(jar.Cookies(other), ".ASPXAUTH") != nil {
		t.Error(".ASPXAUTH leaks to another scenario")
	}
	// .NET Framework ping after login.
	if a := do(t, cl, http.MethodPost, base+"/0/ping", http.Header{"BPMCSRF": {csrf.Value}}, nil); a.status != 200 {
		t.Errorf("ping: %d", a.status)
	}
}

func TestLoginWithoutConfiguredUser(t *testing.T) {
	_, srv := newCreatio(t, CreatioConfig{})
	if a := do(t, noRedirect(), http.MethodPost, srv.URL+"/forms"+AuthServicePath, jsonHeader, loginBody("", "")); !strings.Contains(a.body, `"Code":1`) {
		t.Errorf("empty login accepted: %q", a.body)
	}
}

func TestFormsConcurrent(t *testing.T) {
	_, srv := newCreatio(t, CreatioConfig{User: testUser, Password: testPassword})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			resp, err := http.Post(srv.URL+"/forms"+AuthServicePath, "application/json", loginBody(testUser, testPassword))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			cs := resp.Cookies()
			auth, csrf := findCookie(cs, ".ASPXAUTH"), findCookie(cs, "BPMCSRF")
			if auth == nil || csrf == nil {
				t.Error("no session cookies")
				return
			}
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/forms/0/api/OAuthHealthCheck", nil)
			req.AddCookie(auth)
			req.Header.Set("BPMCSRF", csrf.Value)
			resp, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("health with session: %d", resp.StatusCode)
			}
		})
	}
	wg.Wait()
}

func ccConfig(srvURL, variant, id, secret string, style oauth2.AuthStyle) *clientcredentials.Config {
	return &clientcredentials.Config{
		ClientID:     id,
		ClientSecret: secret,
		TokenURL:     srvURL + "/" + variant + TokenPath,
		AuthStyle:    style,
	}
}

func fetchToken(t *testing.T, srvURL, variant, id, secret string) *oauth2.Token {
	t.Helper()
	tok, err := ccConfig(srvURL, variant, id, secret, oauth2.AuthStyleInParams).Token(context.Background())
	if err != nil {
		t.Fatalf("token from %s: %v", variant, err)
	}
	return tok
}

func TestBearer(t *testing.T) {
	idp, idSrv := newIdentity(t, IdentityConfig{})
	_, srv := newCreatio(t, CreatioConfig{ValidateToken: idp.ValidateToken})
	health := srv.URL + "/bearer/0/api/OAuthHealthCheck"
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }

	a := get(t, noRedirect(), health)
	if a.status != 401 || a.header.Get("WWW-Authenticate") != "Bearer" {
		t.Errorf("no token: %d %q", a.status, a.header.Get("WWW-Authenticate"))
	}
	if a := do(t, noRedirect(), http.MethodGet, health, http.Header{"Authorization": {"Basic eDp5"}}, nil); a.status != 401 {
		t.Errorf("basic auth: %d", a.status)
	}
	if a := do(t, noRedirect(), http.MethodGet, health, bearer("garbage"), nil); a.status != 401 || !strings.Contains(a.header.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("garbage token: %d %q", a.status, a.header.Get("WWW-Authenticate"))
	}

	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInParams, oauth2.AuthStyleInHeader, oauth2.AuthStyleAutoDetect} {
		tok, err := ccConfig(idSrv.URL, "ok", clientID, clientSecret, style).Token(context.Background())
		if err != nil {
			t.Fatalf("auth style %d: %v", style, err)
		}
		if a := do(t, noRedirect(), http.MethodGet, health, bearer(tok.AccessToken), nil); a.status != 200 || a.body != BodyOK {
			t.Errorf("auth style %d: valid token: %d %q", style, a.status, a.body)
		}
	}

	// The x/oauth2 client wires the token in by itself.
	cl := ccConfig(idSrv.URL, "ok", clientID, clientSecret, oauth2.AuthStyleInParams).Client(context.Background())
	if a := get(t, cl, health); a.status != 200 {
		t.Errorf("oauth2 client: %d", a.status)
	}

	tok := fetchToken(t, idSrv.URL, "ok", noPermID, noPermSecret)
	if a := do(t, noRedirect(), http.MethodGet, health, bearer(tok.AccessToken), nil); a.status != 403 {
		t.Errorf("no-permission token: %d", a.status)
	}

	good := fetchToken(t, idSrv.URL, "ok", clientID, clientSecret).AccessToken
	tampered := good[:len(good)-2] + "xx"
	if good[len(good)-2:] == "xx" {
		tampered = good[:len(good)-2] + "yy"
	}
	for name, tok := range map[string]string{
		"expired":  fetchToken(t, idSrv.URL, "expired", clientID, clientSecret).AccessToken,
		"future":   fetchToken(t, idSrv.URL, "future", clientID, clientSecret).AccessToken,
		"tampered": tampered,
	} {
		if a := do(t, noRedirect(), http.MethodGet, health, bearer(tok), nil); a.status != 401 {
			t.Errorf("%s token: %d", name, a.status)
		}
	}
	// A token of the not-bearer variant is still a valid token.
	if v, p := idp.ValidateToken(fetchToken(t, idSrv.URL, "not-bearer", clientID, clientSecret).AccessToken); !v || !p {
		t.Errorf("not-bearer token: valid %v permitted %v", v, p)
	}

	// A JWT with the right shape but signed by someone else.
	forged := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"client_id": clientID, "exp": time.Now().Add(time.Hour).Unix()})
	s, _ := forged.SignedString([]byte("another key"))
	if v, _ := idp.ValidateToken(s); v {
		t.Error("forged token valid")
	}
}

func TestBearerWithoutValidator(t *testing.T) {
	_, srv := newCreatio(t, CreatioConfig{})
	a := do(t, noRedirect(), http.MethodGet, srv.URL+"/bearer/0/api/OAuthHealthCheck", http.Header{"Authorization": {"Bearer x"}}, nil)
	if a.status != 401 {
		t.Errorf("status %d", a.status)
	}
}

func TestTokenErrors(t *testing.T) {
	_, idSrv := newIdentity(t, IdentityConfig{})
	for _, tt := range []struct {
		what, id, secret string
		style            oauth2.AuthStyle
	}{
		{"wrong secret in body", clientID, "wrong", oauth2.AuthStyleInParams},
		{"wrong secret in header", clientID, "wrong", oauth2.AuthStyleInHeader},
		{"unknown client", "stranger", "x", oauth2.AuthStyleInParams},
		{"empty secret", clientID, "", oauth2.AuthStyleInParams},
	} {
		_, err := ccConfig(idSrv.URL, "ok", tt.id, tt.secret, tt.style).Token(context.Background())
		var re *oauth2.RetrieveError
		if !errors.As(err, &re) {
			t.Errorf("%s: error %v is not a *oauth2.RetrieveError", tt.what, err)
			continue
		}
		if re.ErrorCode != "invalid_client" || re.Response.StatusCode != 401 {
			t.Errorf("%s: ErrorCode %q status %d", tt.what, re.ErrorCode, re.Response.StatusCode)
		}
	}

	// Other grants are refused by the library.
	a := do(t, noRedirect(), http.MethodPost, idSrv.URL+"/ok/connect/token",
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		strings.NewReader(url.Values{"grant_type": {"authorization_code"}, "client_id": {clientID}, "client_secret": {clientSecret}, "code": {"c"}, "redirect_uri": {"http://x/"}}.Encode()))
	if m := decodeMap(t, a.body); m["error"] != "unauthorized_client" {
		t.Errorf("authorization_code grant: %d %v", a.status, m)
	}
	a = get(t, noRedirect(), idSrv.URL+"/ok/connect/token")
	if m := decodeMap(t, a.body); a.status != 400 || m["error"] != "invalid_request" {
		t.Errorf("GET token: %d %v", a.status, m)
	}
}

// tokenAnswer posts a client_credentials request and decodes the answer.
func tokenAnswer(t *testing.T, srvURL, variant string, basic bool) (int, map[string]any) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	if !basic {
		form.Set("client_id", clientID)
		form.Set("client_secret", clientSecret)
	}
	req, _ := http.NewRequest(http.MethodPost, srvURL+"/"+variant+TokenPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic {
		req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(clientSecret))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatalf("%s token answer: %v", variant, err)
	}
	return resp.StatusCode, m
}

func claimsOf(t *testing.T, token string) jwt.MapClaims {
	t.Helper()
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(token, claims); err != nil {
		t.Fatalf("token %q: %v", token, err)
	}
	return claims
}

func numClaim(t *testing.T, c jwt.MapClaims, name string) time.Time {
	t.Helper()
	f, ok := c[name].(float64)
	if !ok {
		t.Fatalf("claim %s is %T", name, c[name])
	}
	return time.Unix(int64(f), 0)
}

func TestIdentityToken(t *testing.T) {
	_, idSrv := newIdentity(t, IdentityConfig{})
	now := time.Now()
	for _, basic := range []bool{false, true} {
		status, m := tokenAnswer(t, idSrv.URL, "ok", basic)
		if status != 200 || m["token_type"] != "Bearer" || m["expires_in"] != 3600.0 {
			t.Fatalf("basic=%v: %d %v", basic, status, m)
		}
		if _, ok := m["refresh_token"]; ok {
			t.Error("client_credentials answer has a refresh_token")
		}
		c := claimsOf(t, m["access_token"].(string))
		if c["client_id"] != clientID || c["iss"] != idSrv.URL+"/ok" {
			t.Errorf("claims %v", c)
		}
		iat, nbf, exp := numClaim(t, c, "iat"), numClaim(t, c, "nbf"), numClaim(t, c, "exp")
		if iat.Before(now.Add(-time.Minute)) || iat.After(now.Add(time.Minute)) || !nbf.Equal(iat) || exp.Sub(iat) != time.Hour {
			t.Errorf("iat %v nbf %v exp %v", iat, nbf, exp)
		}
	}

	_, m := tokenAnswer(t, idSrv.URL, "expired", false)
	c := claimsOf(t, m["access_token"].(string))
	if exp := numClaim(t, c, "exp"); !exp.Before(now) || m["expires_in"].(float64) <= 0 {
		t.Errorf("expired: exp %v expires_in %v", exp, m["expires_in"])
	}
	if iat := numClaim(t, c, "iat"); iat.After(now.Add(-time.Hour - 59*time.Minute)) {
		t.Errorf("expired: iat %v", iat)
	}

	_, m = tokenAnswer(t, idSrv.URL, "future", false)
	c = claimsOf(t, m["access_token"].(string))
	if iat, nbf := numClaim(t, c, "iat"), numClaim(t, c, "nbf"); iat.Before(now.Add(9*time.Minute)) || !nbf.Equal(iat) {
		t.Errorf("future: iat %v nbf %v", iat, nbf)
	}

	if _, m = tokenAnswer(t, idSrv.URL, "not-bearer", false); m["token_type"] != "mac" {
		t.Errorf("not-bearer: %v", m)
	}
	if status, m := tokenAnswer(t, idSrv.URL, "no-discovery", true); status != 200 || m["access_token"] == nil {
		t.Errorf("no-discovery token: %d %v", status, m)
	}

	a := do(t, noRedirect(), http.MethodPost, idSrv.URL+"/token-500/connect/token",
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		strings.NewReader("grant_type=client_credentials&client_id=monitoring&client_secret=x"))
	if a.status != 500 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/plain") {
		t.Errorf("token-500: %d %q", a.status, a.header.Get("Content-Type"))
	}
}

func TestIdentityTokenLifetime(t *testing.T) {
	idp, idSrv := newIdentity(t, IdentityConfig{Clients: map[string]string{"c": "s"}, TokenLifetime: 2 * time.Minute})
	tok, err := ccConfig(idSrv.URL, "ok", "c", "s", oauth2.AuthStyleInParams).Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(tok.Expiry); d < 110*time.Second || d > 2*time.Minute {
		t.Errorf("expiry in %v", d)
	}
	if v, p := idp.ValidateToken(tok.AccessToken); !v || !p {
		t.Errorf("valid %v permitted %v", v, p)
	}
}

type discoveryDoc struct {
	Issuer              string   `json:"issuer"`
	JWKSURI             string   `json:"jwks_uri"`
	TokenEndpoint       *string  `json:"token_endpoint"`
	GrantTypesSupported []string `json:"grant_types_supported"`
}

func TestDiscovery(t *testing.T) {
	_, idSrv := newIdentity(t, IdentityConfig{})
	a := get(t, noRedirect(), idSrv.URL+"/ok"+DiscoveryPath)
	if a.status != 200 || a.header.Get("Content-Type") != ctJSON {
		t.Fatalf("ok: %d %q", a.status, a.header.Get("Content-Type"))
	}
	var d discoveryDoc
	if err := json.Unmarshal([]byte(a.body), &d); err != nil {
		t.Fatal(err)
	}
	if d.Issuer != idSrv.URL+"/ok" || d.TokenEndpoint == nil || *d.TokenEndpoint != idSrv.URL+"/ok/connect/token" ||
		d.JWKSURI != idSrv.URL+"/ok/.well-known/openid-configuration/jwks" || !slices.Contains(d.GrantTypesSupported, "client_credentials") {
		t.Errorf("discovery %+v", d)
	}
	if a := get(t, noRedirect(), d.JWKSURI); a.status != 200 || !json.Valid([]byte(a.body)) {
		t.Errorf("jwks: %d %q", a.status, a.body)
	}
	// The advertised token endpoint works.
	if _, err := ccConfig(idSrv.URL, "ok", clientID, clientSecret, oauth2.AuthStyleInParams).Token(context.Background()); err != nil {
		t.Error(err)
	}

	for _, tt := range []struct {
		variant string
		status  int
		ctype   string
	}{
		{"discovery-down", 503, "text/plain; charset=utf-8"},
		{"discovery-notjson", 200, ctHTML},
		{"no-discovery", 404, "text/plain; charset=utf-8"},
		{"discovery-no-token-endpoint", 200, ctJSON},
		{"expired", 200, ctJSON},
		{"future", 200, ctJSON},
		{"not-bearer", 200, ctJSON},
		{"token-500", 200, ctJSON},
	} {
		a := get(t, noRedirect(), idSrv.URL+"/"+tt.variant+DiscoveryPath)
		if a.status != tt.status || a.header.Get("Content-Type") != tt.ctype {
			t.Errorf("%s: %d %q", tt.variant, a.status, a.header.Get("Content-Type"))
		}
		if tt.ctype != ctJSON {
			continue
		}
		var d discoveryDoc
		if err := json.Unmarshal([]byte(a.body), &d); err != nil {
			t.Errorf("%s: %v", tt.variant, err)
		}
		if (d.TokenEndpoint == nil) != (tt.variant == "discovery-no-token-endpoint") {
			t.Errorf("%s: token_endpoint %v", tt.variant, d.TokenEndpoint)
		}
		if d.Issuer != idSrv.URL+"/"+tt.variant {
			t.Errorf("%s: issuer %q", tt.variant, d.Issuer)
		}
	}
	for _, p := range []string{"/nope" + DiscoveryPath, "/ok", "/ok/connect/authorize", "/"} {
		if a := get(t, noRedirect(), idSrv.URL+p); a.status != 404 {
			t.Errorf("%s: %d", p, a.status)
		}
	}
	if a := do(t, noRedirect(), http.MethodPost, idSrv.URL+"/ok"+DiscoveryPath, nil, nil); a.status != 405 {
		t.Errorf("POST discovery: %d", a.status)
	}
}

func TestDiscoveryTLS(t *testing.T) {
	id := NewIdentity(IdentityConfig{})
	srv := httptest.NewTLSServer(id)
	defer srv.Close()
	a := get(t, srv.Client(), srv.URL+"/ok"+DiscoveryPath)
	var d discoveryDoc
	if err := json.Unmarshal([]byte(a.body), &d); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d.Issuer, "https://") || *d.TokenEndpoint != srv.URL+"/ok/connect/token" {
		t.Errorf("discovery over TLS: %+v", d)
	}
}

func TestIdentityVariantTable(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range IdentityVariants {
		if seen[v.Name] {
			t.Errorf("duplicate %q", v.Name)
		}
		seen[v.Name] = true
		if got, ok := LookupIdentity(v.Name); !ok || got != v {
			t.Errorf("LookupIdentity(%q)", v.Name)
		}
	}
	for _, name := range []string{"ok", "discovery-down", "discovery-notjson", "discovery-no-token-endpoint", "token-500", "expired", "future", "not-bearer", "no-discovery"} {
		if !seen[name] {
			t.Errorf("variant %q missing", name)
		}
	}
}

func TestRequestLog(t *testing.T) {
	c, srv := newCreatio(t, CreatioConfig{})
	do(t, noRedirect(), http.MethodGet, srv.URL+"/ok/0/api/OAuthHealthCheck?a=1", http.Header{"Bpmcsrf": {"x"}}, nil)
	reqs := c.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%+v", reqs)
	}
	want := RecordedRequest{Method: "GET", Host: strings.TrimPrefix(srv.URL, "http://"), Path: "/ok/0/api/OAuthHealthCheck", Query: "a=1", Scenario: "ok", HasCSRF: true}
	if reqs[0] != want {
		t.Errorf("got %+v, want %+v", reqs[0], want)
	}
	c.ResetRequests()
	if len(c.Requests()) != 0 {
		t.Error("ResetRequests kept requests")
	}

	id, idSrv := newIdentity(t, IdentityConfig{})
	tokenAnswer(t, idSrv.URL, "ok", true)
	if r := id.Requests(); len(r) != 1 || !r[0].HasAuthorization || r[0].Path != "/ok/connect/token" {
		t.Errorf("identity log %+v", r)
	}
	id.ResetRequests()
	if len(id.Requests()) != 0 {
		t.Error("identity ResetRequests kept requests")
	}
}

func TestAspnetEscape(t *testing.T) {
	if got := aspnetEscape("/a/0/api?x=Ä"); got != "%2fa%2f0%2fapi%3fx%3d%c3%84" {
		t.Errorf("got %q", got)
	}
}
