package sim

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"slices"
	"strconv"
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
		if s.Auth != "" && s.Auth != AuthForms && s.Auth != AuthBearer {
			t.Errorf("%s: Auth %q", s.Name, s.Auth)
		}
		if wantForms := strings.HasPrefix(s.Name, "forms"); (s.Auth == AuthForms) != wantForms {
			t.Errorf("%s: Auth %q", s.Name, s.Auth)
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
		"forms-net", "bearer", "ok-bom", "problem-bom", "ok-camel", "problem-camel", "healthy-500",
		"bad-gateway", "forms-problem", "forms-html-500", "forms-hang", "forms-bom", "forms-secure",
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
	if s := mustScenario(t, "bearer"); s.Auth != AuthBearer {
		t.Errorf("bearer Auth %q", s.Auth)
	}
	// The new scenarios' Want, runtime and authentication as the brief
	// gives them.
	for _, tt := range []struct {
		name, runtime, auth string
		want                int
	}{
		{"ok-bom", RuntimeNetFramework, "", 0},
		{"problem-bom", RuntimeNetFramework, "", 2},
		{"ok-camel", RuntimeNet, "", 0},
		{"problem-camel", RuntimeNet, "", 2},
		{"healthy-500", RuntimeNetFramework, "", 2},
		{"bad-gateway", RuntimeNetFramework, "", 2},
		{"forms-problem", RuntimeNetFramework, AuthForms, 2},
		{"forms-html-500", RuntimeNetFramework, AuthForms, 2},
		{"forms-hang", RuntimeNetFramework, AuthForms, 2},
		{"forms-bom", RuntimeNet, AuthForms, 0},
		{"forms-secure", RuntimeNetFramework, AuthForms, 0},
	} {
		s := mustScenario(t, tt.name)
		if s.Runtime != tt.runtime || s.Auth != tt.auth || s.Want != tt.want {
			t.Errorf("%s: %+v", tt.name, s)
		}
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
		{"ok-bom", 200, ctJSON, "\xef\xbb\xbf" + BodyOK, ""},
		{"problem-bom", 500, ctJSON, "\xef\xbb\xbf" + BodyIdentityUnavailable, ""},
		{"ok-camel", 200, ctJSON, BodyOKCamel, ""},
		{"problem-camel", 500, ctJSON, BodyIdentityUnavailableCamel, ""},
		{"healthy-500", 500, ctJSON, BodyOK, ""},
		{"bad-gateway", 502, "text/html", NginxBadGatewayPage, ""},
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
		if s.Name == "bad-gateway" {
			continue // 502 on every path; TestBadGateway
		}
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
		runtime.Gosched() // the request is recorded before its handler waits; a closed Creatio ends any wait
	}
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
		{"forms-problem", "/forms-problem/Login/NuiLogin.aspx?ReturnUrl=%2fforms-problem%2f0%2fapi%2fOAuthHealthCheck", "NuiLogin.aspx", true},
		{"forms-html-500", "/forms-html-500/Login/NuiLogin.aspx?ReturnUrl=%2fforms-html-500%2f0%2fapi%2fOAuthHealthCheck", "NuiLogin.aspx", true},
		{"forms-hang", "/forms-hang/Login/NuiLogin.aspx?ReturnUrl=%2fforms-hang%2f0%2fapi%2fOAuthHealthCheck", "NuiLogin.aspx", true},
		{"forms-secure", "/forms-secure/Login/NuiLogin.aspx?ReturnUrl=%2fforms-secure%2f0%2fapi%2fOAuthHealthCheck", "NuiLogin.aspx", true},
		{"forms-bom", srv.URL + "/forms-bom/Login/Login.html?ReturnUrl=%2Fforms-bom%2Fapi%2FOAuthHealthCheck", "bootstrap.login", false},
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
		{"unavailable-503", 503, "text/html; charset=us-ascii"},
		{"echo", 200, ctJSON},
		{"echo-500", 200, ctJSON},
		{"http-token-endpoint", 200, ctJSON},
		{"other-host-token-endpoint", 200, ctJSON},
		{"form-token", 200, ctJSON},
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
	for _, name := range []string{"ok", "discovery-down", "discovery-notjson", "discovery-no-token-endpoint", "token-500", "expired", "future", "not-bearer", "no-discovery",
		"unavailable-503", "echo", "echo-500", "http-token-endpoint", "other-host-token-endpoint", "bom", "form-token"} {
		if !seen[name] {
			t.Errorf("variant %q missing", name)
		}
	}
	for name, want := range map[string]int{"unavailable-503": 2, "echo": 2, "echo-500": 2, "http-token-endpoint": 0,
		"other-host-token-endpoint": 2, "bom": 0, "form-token": 0} {
		if v, _ := LookupIdentity(name); v.Want != want {
			t.Errorf("%s: Want %d, want %d", name, v.Want, want)
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

// loginSession logs in to scenario name with good credentials and returns
// the .ASPXAUTH and BPMCSRF cookies.
func loginSession(t *testing.T, srvURL, name string) (auth, csrf *http.Cookie) {
	t.Helper()
	resp, err := noRedirect().Post(srvURL+"/"+name+AuthServicePath, "application/json", loginBody(testUser, testPassword))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	auth, csrf = findCookie(resp.Cookies(), CookieAuth), findCookie(resp.Cookies(), CookieCSRF)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"Code":0`) || auth == nil || csrf == nil {
		t.Fatalf("login to %s: %d %q %v", name, resp.StatusCode, b, resp.Cookies())
	}
	return auth, csrf
}

// sessionHeader is the Cookie and BPMCSRF header of a session.
func sessionHeader(auth, csrf *http.Cookie) http.Header {
	return http.Header{"Cookie": {auth.Name + "=" + auth.Value + "; " + csrf.Name + "=" + csrf.Value}, "Bpmcsrf": {csrf.Value}}
}

func checkCounts(t *testing.T, c *Creatio, live, logins, logouts int) {
	t.Helper()
	if c.LiveSessions() != live || c.Logins() != logins || c.Logouts() != logouts {
		t.Errorf("LiveSessions %d Logins %d Logouts %d, want %d %d %d", c.LiveSessions(), c.Logins(), c.Logouts(), live, logins, logouts)
	}
}

func TestSessionsAndLogout(t *testing.T) {
	c, srv := newCreatio(t, CreatioConfig{User: testUser, Password: testPassword})
	checkCounts(t, c, 0, 0, 0)

	// A failed login starts no session.
	if a := do(t, noRedirect(), http.MethodPost, srv.URL+"/forms"+AuthServicePath, jsonHeader, loginBody(testUser, "wrong")); !strings.Contains(a.body, `"Code":1`) {
		t.Fatalf("bad login: %q", a.body)
	}
	checkCounts(t, c, 0, 0, 0)

	// Every scenario's login starts a session, forms or not.
	authOK, csrfOK := loginSession(t, srv.URL, "ok")
	authF, csrfF := loginSession(t, srv.URL, "forms")
	checkCounts(t, c, 2, 2, 0)

	logout := srv.URL + "/forms" + LogoutPath
	cookieF := ".ASPXAUTH=" + authF.Value + "; BPMCSRF=" + csrfF.Value
	refused := []struct {
		what string
		url  string
		hdr  http.Header
	}{
		{"no cookie", logout, http.Header{"Bpmcsrf": {csrfF.Value}}},
		{"no BPMCSRF header", logout, http.Header{"Cookie": {cookieF}}},
		{"wrong BPMCSRF header", logout, http.Header{"Cookie": {cookieF}, "Bpmcsrf": {"x" + csrfF.Value}}},
		{"another session's BPMCSRF header", logout, http.Header{"Cookie": {cookieF}, "Bpmcsrf": {csrfOK.Value}}},
		{"forged session", logout, http.Header{"Cookie": {".ASPXAUTH=forged; BPMCSRF=" + csrfF.Value}, "Bpmcsrf": {csrfF.Value}}},
		{"session of another scenario", logout, sessionHeader(authOK, csrfOK)},
	}
	for _, r := range refused {
		a := do(t, noRedirect(), http.MethodPost, r.url, r.hdr, nil)
		if a.status != http.StatusUnauthorized || a.header.Get("Content-Type") != ctText || len(a.header.Values("Set-Cookie")) != 0 {
			t.Errorf("%s: %d %q %v", r.what, a.status, a.header.Get("Content-Type"), a.header.Values("Set-Cookie"))
		}
		checkCounts(t, c, 2, 2, 0)
	}
	a := do(t, noRedirect(), http.MethodGet, logout, sessionHeader(authF, csrfF), nil)
	if a.status != http.StatusMethodNotAllowed || a.header.Get("Allow") != "POST" {
		t.Errorf("GET logout: %d Allow %q", a.status, a.header.Get("Allow"))
	}
	checkCounts(t, c, 2, 2, 0)
	// The refused logouts kept the session.
	if a := do(t, noRedirect(), http.MethodGet, srv.URL+"/forms/0/api/OAuthHealthCheck", sessionHeader(authF, csrfF), nil); a.status != 200 {
		t.Errorf("health after refused logouts: %d", a.status)
	}

	a = do(t, noRedirect(), http.MethodPost, logout, sessionHeader(authF, csrfF), nil)
	if a.status != http.StatusOK || a.body != "" || a.header.Get("Content-Length") != "0" {
		t.Fatalf("logout: %d %q %v", a.status, a.body, a.header)
	}
	checkCounts(t, c, 1, 2, 1)
	expired := (&http.Response{Header: a.header}).Cookies()
	for name, path := range map[string]string{CookieAuth: "/forms", CookieLoader: "/forms", CookieCSRF: "/"} {
		ck := findCookie(expired, name)
		if ck == nil || ck.Value != "" || ck.MaxAge >= 0 || ck.Path != path || ck.Secure {
			t.Errorf("logout's %s cookie %v", name, ck)
		}
	}
	for _, v := range a.header.Values("Set-Cookie") {
		if !strings.Contains(v, "Max-Age=0") || !strings.Contains(v, "Expires=Thu, 01 Jan 1970 00:00:00 GMT") {
			t.Errorf("Set-Cookie %q does not expire the cookie", v)
		}
	}

	// The session is gone: the health endpoint redirects, a second logout
	// is refused.
	if a := do(t, noRedirect(), http.MethodGet, srv.URL+"/forms/0/api/OAuthHealthCheck", sessionHeader(authF, csrfF), nil); a.status != http.StatusFound {
		t.Errorf("health after logout: %d", a.status)
	}
	if a := do(t, noRedirect(), http.MethodPost, logout, sessionHeader(authF, csrfF), nil); a.status != http.StatusUnauthorized {
		t.Errorf("second logout: %d", a.status)
	}
	checkCounts(t, c, 1, 2, 1)

	// The ok scenario's session logs out on its own scenario, on the .NET
	// layout too (no /0 on either).
	if a := do(t, noRedirect(), http.MethodPost, srv.URL+"/ok"+LogoutPath, sessionHeader(authOK, csrfOK), nil); a.status != 200 {
		t.Errorf("logout of ok: %d", a.status)
	}
	authN, csrfN := loginSession(t, srv.URL, "forms-net")
	if a := do(t, noRedirect(), http.MethodPost, srv.URL+"/forms-net"+LogoutPath, sessionHeader(authN, csrfN), nil); a.status != 200 {
		t.Errorf("logout of forms-net: %d", a.status)
	}
	checkCounts(t, c, 0, 3, 3)
	if a := do(t, noRedirect(), http.MethodPost, srv.URL+"/forms/0"+LogoutPath, sessionHeader(authF, csrfF), nil); a.status != 404 {
		t.Errorf("logout below /0: %d", a.status)
	}
}

// TestLogoutCookieJar logs in and out like a client with a cookie jar: the
// jar drops the session cookies that the logout expires.
func TestLogoutCookieJar(t *testing.T) {
	c, srv := newCreatio(t, CreatioConfig{User: testUser, Password: testPassword})
	jar, _ := cookiejar.New(nil)
	cl := noRedirect()
	cl.Jar = jar
	base := srv.URL + "/forms"
	do(t, cl, http.MethodPost, base+AuthServicePath, jsonHeader, loginBody(testUser, testPassword))
	u, _ := url.Parse(base + "/0/api/OAuthHealthCheck")
	csrf := findCookie(jar.Cookies(u), CookieCSRF)
	if csrf == nil {
		t.Fatalf("jar holds %v", jar.Cookies(u))
	}
	if a := do(t, cl, http.MethodGet, u.String(), http.Header{"BPMCSRF": {csrf.Value}}, nil); a.status != 200 {
		t.Fatalf("health: %d", a.status)
	}
	if a := do(t, cl, http.MethodPost, base+LogoutPath, http.Header{"BPMCSRF": {csrf.Value}}, nil); a.status != 200 {
		t.Fatalf("logout: %d %q", a.status, a.body)
	}
	for _, name := range []string{CookieAuth, CookieCSRF, CookieLoader} {
		if ck := findCookie(jar.Cookies(u), name); ck != nil {
			t.Errorf("jar still holds %v after logout", ck)
		}
	}
	if findCookie(jar.Cookies(u), CookieUserName) == nil {
		t.Error("logout expired the UserName cookie")
	}
	checkCounts(t, c, 0, 1, 1)
	if a := get(t, cl, u.String()); a.status != http.StatusFound {
		t.Errorf("health after logout: %d", a.status)
	}
}

// TestSessionTableBound fills the session table: the next login drops the
// old sessions, and the counts follow.
func TestSessionTableBound(t *testing.T) {
	c, srv := newCreatio(t, CreatioConfig{User: testUser, Password: testPassword})
	oldAuth, oldCSRF := c.startSession("forms")
	for range maxLogged - 1 {
		c.startSession("forms")
	}
	checkCounts(t, c, maxLogged, maxLogged, 0)
	auth, csrf := loginSession(t, srv.URL, "forms")
	checkCounts(t, c, 1, maxLogged+1, 0)
	old := http.Header{"Cookie": {".ASPXAUTH=" + oldAuth}, "Bpmcsrf": {oldCSRF}}
	if a := do(t, noRedirect(), http.MethodPost, srv.URL+"/forms"+LogoutPath, old, nil); a.status != http.StatusUnauthorized {
		t.Errorf("logout of a dropped session: %d", a.status)
	}
	checkCounts(t, c, 1, maxLogged+1, 0)
	if a := do(t, noRedirect(), http.MethodPost, srv.URL+"/forms"+LogoutPath, sessionHeader(auth, csrf), nil); a.status != 200 {
		t.Errorf("logout: %d", a.status)
	}
	checkCounts(t, c, 0, maxLogged+1, 1)
}

// TestFormsFailAfterLogin checks the forms scenarios whose health endpoint
// fails or differs once the login has worked.
func TestFormsFailAfterLogin(t *testing.T) {
	c, srv := newCreatio(t, CreatioConfig{User: testUser, Password: testPassword})
	for i, tt := range []struct {
		name   string
		status int
		ctype  string
		body   string
	}{
		{"forms-problem", 500, ctJSON, BodyIdentityUnavailable},
		{"forms-html-500", 500, ctHTML, htmlServerError},
		{"forms-bom", 200, ctJSON, "\xef\xbb\xbf" + BodyOK},
		{"forms-secure", 200, ctJSON, BodyOK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			health := srv.URL + mustScenario(t, tt.name).HealthPath()
			auth, csrf := loginSession(t, srv.URL, tt.name)
			checkCounts(t, c, 1, i+1, i)
			if a := do(t, noRedirect(), http.MethodGet, health, http.Header{"Cookie": {".ASPXAUTH=" + auth.Value}}, nil); a.status != http.StatusUnauthorized {
				t.Errorf("without BPMCSRF: %d", a.status)
			}
			a := do(t, noRedirect(), http.MethodGet, health, sessionHeader(auth, csrf), nil)
			if a.status != tt.status || a.header.Get("Content-Type") != tt.ctype || a.body != tt.body {
				t.Errorf("%d %q %q", a.status, a.header.Get("Content-Type"), a.body)
			}
			if a.header.Get("Content-Length") != strconv.Itoa(len(tt.body)) {
				t.Errorf("Content-Length %q for %d bytes", a.header.Get("Content-Length"), len(tt.body))
			}
			// The failed health request leaves the session for the logout.
			if a := do(t, noRedirect(), http.MethodPost, srv.URL+"/"+tt.name+LogoutPath, sessionHeader(auth, csrf), nil); a.status != 200 {
				t.Errorf("logout: %d", a.status)
			}
			checkCounts(t, c, 0, i+1, i+1)
		})
	}
}

func TestFormsHang(t *testing.T) {
	c, srv := newCreatio(t, CreatioConfig{User: testUser, Password: testPassword})
	auth, csrf := loginSession(t, srv.URL, "forms-hang")
	cl := noRedirect()
	cl.Timeout = 100 * time.Millisecond
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/forms-hang/0/api/OAuthHealthCheck", nil)
	req.Header = sessionHeader(auth, csrf)
	start := time.Now()
	_, err := cl.Do(req)
	var ne interface{ Timeout() bool }
	if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("forms-hang with a session: err %v, want a timeout", err)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("forms-hang gave up after %v", d)
	}
	// Without a session it does not hang but redirects (TestLoginRedirects).
	if a := get(t, noRedirect(), srv.URL+"/forms-hang/0/api/OAuthHealthCheck"); a.status != http.StatusFound {
		t.Errorf("forms-hang without a session: %d", a.status)
	}
	checkCounts(t, c, 1, 1, 0)
	if a := do(t, noRedirect(), http.MethodPost, srv.URL+"/forms-hang"+LogoutPath, sessionHeader(auth, csrf), nil); a.status != 200 {
		t.Errorf("logout: %d", a.status)
	}
	checkCounts(t, c, 0, 1, 1)
}

func TestFormsBOMLogin(t *testing.T) {
	_, srv := newCreatio(t, CreatioConfig{User: testUser, Password: testPassword})
	for pw, want := range map[string]string{testPassword: bodyLoginOK, "wrong": bodyLoginFailed} {
		a := do(t, noRedirect(), http.MethodPost, srv.URL+"/forms-bom"+AuthServicePath, jsonHeader, loginBody(testUser, pw))
		if a.status != 200 || a.body != "\xef\xbb\xbf"+want || a.header.Get("Content-Length") != strconv.Itoa(len(want)+3) {
			t.Errorf("password %q: %d %q %q", pw, a.status, a.body, a.header.Get("Content-Length"))
		}
		if json.Valid([]byte(a.body)) {
			t.Errorf("a body with a BOM passes json.Valid: %q", a.body)
		}
	}
	// The other forms scenarios write no BOM.
	if a := do(t, noRedirect(), http.MethodPost, srv.URL+"/forms-net"+AuthServicePath, jsonHeader, loginBody(testUser, testPassword)); a.body != bodyLoginOK {
		t.Errorf("forms-net login %q", a.body)
	}
	// The .NET layout: no /0, the login page is Login.html.
	if a := get(t, noRedirect(), srv.URL+"/forms-bom/0/api/OAuthHealthCheck"); a.status != 404 {
		t.Errorf("forms-bom /0 health: %d", a.status)
	}
	if a := get(t, noRedirect(), srv.URL+"/forms-bom/Login/Login.html"); a.status != 200 || !strings.Contains(a.body, "bootstrap.login") {
		t.Errorf("forms-bom login page: %d", a.status)
	}
}

func TestBOMHealthBodies(t *testing.T) {
	_, srv := newCreatio(t, CreatioConfig{})
	for name, want := range map[string]string{"ok-bom": BodyOK, "problem-bom": BodyIdentityUnavailable} {
		a := get(t, noRedirect(), srv.URL+mustScenario(t, name).HealthPath())
		b := []byte(a.body)
		if !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) || string(b[3:]) != want {
			t.Errorf("%s: body % x...", name, b[:min(8, len(b))])
		}
		if a.header.Get("Content-Length") != strconv.Itoa(len(want)+3) {
			t.Errorf("%s: Content-Length %q", name, a.header.Get("Content-Length"))
		}
		// encoding/json refuses the BOM, so a client has to strip it.
		var m map[string]any
		if err := json.Unmarshal(b, &m); err == nil {
			t.Errorf("%s: json.Unmarshal accepted the BOM", name)
		}
		m = decodeMap(t, strings.TrimPrefix(a.body, UTF8BOM))
		if name == "problem-bom" && m["Message"] != MessageIdentityUnavailable {
			t.Errorf("problem-bom Message %v", m["Message"])
		}
	}
	if UTF8BOM != "\xef\xbb\xbf" {
		t.Errorf("UTF8BOM % x", UTF8BOM)
	}
}

func TestCamelCaseBodies(t *testing.T) {
	_, srv := newCreatio(t, CreatioConfig{})
	keys := []string{"hasProblem", "isSystemSettingsFilledIn", "isIdentityServiceAvailable", "isAccessTokenRetrievableForSystemActions", "message"}
	for _, tt := range []struct {
		name   string
		status int
		want   map[string]any
	}{
		{"ok-camel", 200, map[string]any{"hasProblem": false, "isSystemSettingsFilledIn": true, "isIdentityServiceAvailable": true,
			"isAccessTokenRetrievableForSystemActions": true, "message": nil}},
		{"problem-camel", 500, map[string]any{"hasProblem": true, "isSystemSettingsFilledIn": true, "isIdentityServiceAvailable": false,
			"isAccessTokenRetrievableForSystemActions": false, "message": MessageIdentityUnavailable}},
	} {
		sc := mustScenario(t, tt.name)
		if sc.HealthPath() != "/"+tt.name+"/api/OAuthHealthCheck" {
			t.Errorf("%s: HealthPath %q", tt.name, sc.HealthPath())
		}
		a := get(t, noRedirect(), srv.URL+sc.HealthPath())
		if a.status != tt.status || a.header.Get("Content-Type") != ctJSON {
			t.Errorf("%s: %d %q", tt.name, a.status, a.header.Get("Content-Type"))
		}
		m := decodeMap(t, a.body)
		if len(m) != len(keys) {
			t.Errorf("%s: keys %v", tt.name, m)
		}
		for _, k := range keys {
			v, ok := m[k]
			if !ok || v != tt.want[k] {
				t.Errorf("%s: %s = %v (present %v), want %v", tt.name, k, v, ok, tt.want[k])
			}
		}
		if _, ok := m["HasProblem"]; ok || strings.Contains(a.body, "HasProblem") {
			t.Errorf("%s: PascalCase key in %s", tt.name, a.body)
		}
	}
}

func TestBadGateway(t *testing.T) {
	c, srv := newCreatio(t, CreatioConfig{User: testUser, Password: testPassword})
	for _, tt := range []struct {
		method, path string
		hdr          http.Header
		body         io.Reader
	}{
		{"GET", "/bad-gateway" + healthNetFx, nil, nil},
		{"GET", "/bad-gateway" + healthNet, nil, nil},
		{"HEAD", "/bad-gateway" + healthNetFx, nil, nil},
		{"POST", "/bad-gateway" + AuthServicePath, jsonHeader, loginBody(testUser, testPassword)},
		{"POST", "/bad-gateway" + LogoutPath, http.Header{"Bpmcsrf": {"x"}}, nil},
		{"GET", "/bad-gateway" + loginPageNetFx, nil, nil},
		{"GET", "/bad-gateway" + loginPageNet + "?ReturnUrl=%2f", nil, nil},
		{"POST", "/bad-gateway/0/ping", nil, nil},
		{"GET", "/bad-gateway", nil, nil},
		{"GET", "/bad-gateway/", nil, nil},
		{"DELETE", "/bad-gateway/any/thing", nil, nil},
	} {
		a := do(t, noRedirect(), tt.method, srv.URL+tt.path, tt.hdr, tt.body)
		wantBody := NginxBadGatewayPage
		if tt.method == "HEAD" {
			wantBody = ""
		}
		if a.status != http.StatusBadGateway || a.header.Get("Content-Type") != "text/html" || a.header.Get("Server") != "nginx" ||
			a.body != wantBody || a.header.Get("Content-Length") != strconv.Itoa(len(NginxBadGatewayPage)) {
			t.Errorf("%s %s: %d %v %q", tt.method, tt.path, a.status, a.header, a.body)
		}
		if len(a.header.Values("Set-Cookie")) != 0 {
			t.Errorf("%s %s set cookies", tt.method, tt.path)
		}
	}
	checkCounts(t, c, 0, 0, 0)
	if want := "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"; NginxBadGatewayPage != want {
		t.Errorf("nginx page %q", NginxBadGatewayPage)
	}
}

func TestFormsSecureCookies(t *testing.T) {
	c := NewCreatio(CreatioConfig{User: testUser, Password: testPassword})
	plain := httptest.NewServer(c)
	defer plain.Close()
	tlsSrv := httptest.NewTLSServer(c)
	defer tlsSrv.Close()
	defer c.Close()

	resp, err := noRedirect().Post(plain.URL+"/forms-secure"+AuthServicePath, "application/json", loginBody(testUser, testPassword))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if want := ck.Name != CookieUserName; ck.Secure != want {
			t.Errorf("cookie %s Secure %v, want %v", ck.Name, ck.Secure, want)
		}
	}
	// The forms scenario's cookies are not Secure.
	resp, err = noRedirect().Post(plain.URL+"/forms"+AuthServicePath, "application/json", loginBody(testUser, testPassword))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Secure {
			t.Errorf("forms cookie %s is Secure", ck.Name)
		}
	}

	_, proxyURL := startProxy(t, ProxyForward, map[string]string{
		"creatio.test": strings.TrimPrefix(plain.URL, "http://"),
		"example.com":  strings.TrimPrefix(tlsSrv.URL, "https://"),
	})
	tlsConfig := tlsSrv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	for _, tt := range []struct {
		what, base string
		viaProxy   bool
		want       int
	}{
		{"http to a loopback address", plain.URL, false, http.StatusOK},
		{"http to localhost", strings.Replace(plain.URL, "127.0.0.1", "localhost", 1), false, http.StatusOK},
		{"https through the proxy", "https://example.com", true, http.StatusOK},
		{"http to another name through the proxy", "http://creatio.test", true, http.StatusFound},
	} {
		t.Run(tt.what, func(t *testing.T) {
			jar, _ := cookiejar.New(nil)
			cl := noRedirect()
			cl.Jar = jar
			tr := &http.Transport{TLSClientConfig: tlsConfig}
			if tt.viaProxy {
				tr.Proxy = http.ProxyURL(proxyURL)
			}
			defer tr.CloseIdleConnections()
			cl.Transport = tr
			base := tt.base + "/forms-secure"
			if a := do(t, cl, http.MethodPost, base+AuthServicePath, jsonHeader, loginBody(testUser, testPassword)); !strings.Contains(a.body, `"Code":0`) {
				t.Fatalf("login: %d %q", a.status, a.body)
			}
			u, _ := url.Parse(base + "/0/api/OAuthHealthCheck")
			csrf := ""
			if ck := findCookie(jar.Cookies(u), CookieCSRF); ck != nil {
				csrf = ck.Value
			}
			sent := findCookie(jar.Cookies(u), CookieAuth) != nil
			if sent != (tt.want == http.StatusOK) {
				t.Errorf("jar returns .ASPXAUTH: %v", sent)
			}
			a := do(t, cl, http.MethodGet, u.String(), http.Header{"BPMCSRF": {csrf}}, nil)
			if a.status != tt.want {
				t.Errorf("health: %d, want %d", a.status, tt.want)
			}
			if tt.want == http.StatusOK {
				a := do(t, cl, http.MethodPost, base+LogoutPath, http.Header{"BPMCSRF": {csrf}}, nil)
				expired := (&http.Response{Header: a.header}).Cookies()
				if a.status != 200 || len(expired) != 3 {
					t.Fatalf("logout: %d %v", a.status, expired)
				}
				for _, ck := range expired {
					if !ck.Secure || ck.MaxAge >= 0 {
						t.Errorf("logout cookie %v", ck)
					}
				}
				if findCookie(jar.Cookies(u), CookieAuth) != nil {
					t.Error("jar kept .ASPXAUTH after logout")
				}
			}
		})
	}
	// The http login through the proxy made a session that nobody can end
	// over http; the others were logged out.
	checkCounts(t, c, 3, 6, 3)
}

// postToken posts form to the token endpoint of variant, with HTTP Basic
// credentials if basic is not empty, and returns the raw answer.
func postToken(t *testing.T, cl *http.Client, srvURL, variant string, form url.Values, basic []string) answer {
	t.Helper()
	hdr := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	if basic != nil {
		hdr.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(basic[0])+":"+url.QueryEscape(basic[1]))))
	}
	return do(t, cl, http.MethodPost, srvURL+"/"+variant+TokenPath, hdr, strings.NewReader(form.Encode()))
}

func clientForm(id, secret string) url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}
}

func checkValid(t *testing.T, idp *Identity, what, token string) {
	t.Helper()
	if v, p := idp.ValidateToken(token); !v || !p {
		t.Errorf("%s: token valid %v permitted %v", what, v, p)
	}
}

func TestIdentityUnavailable503(t *testing.T) {
	_, idSrv := newIdentity(t, IdentityConfig{})
	for _, tt := range []struct{ method, path string }{
		{"GET", DiscoveryPath}, {"GET", JWKSPath}, {"POST", TokenPath}, {"GET", TokenPath}, {"GET", "/"}, {"GET", "/connect/authorize"},
	} {
		var body io.Reader
		hdr := http.Header{}
		if tt.method == "POST" {
			body = strings.NewReader(clientForm(clientID, clientSecret).Encode())
			hdr.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		a := do(t, noRedirect(), tt.method, idSrv.URL+"/unavailable-503"+tt.path, hdr, body)
		if a.status != 503 || a.header.Get("Content-Type") != "text/html; charset=us-ascii" || a.header.Get("Server") != "Microsoft-HTTPAPI/2.0" ||
			a.body != htmlHTTPSys503 || !strings.Contains(a.body, "HTTP Error 503. The service is unavailable.") {
			t.Errorf("%s %s: %d %v %q", tt.method, tt.path, a.status, a.header, a.body)
		}
	}
	_, err := ccConfig(idSrv.URL, "unavailable-503", clientID, clientSecret, oauth2.AuthStyleInParams).Token(context.Background())
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response.StatusCode != 503 {
		t.Errorf("token from unavailable-503: %v", err)
	}
}

func TestIdentityEcho(t *testing.T) {
	_, idSrv := newIdentity(t, IdentityConfig{})
	const secret = "S3cr3t+/=Value"
	if a := get(t, noRedirect(), idSrv.URL+"/echo"+DiscoveryPath); a.status != 200 || !strings.Contains(a.body, `"token_endpoint":"`+idSrv.URL+"/echo/connect/token") {
		t.Errorf("echo discovery: %d %q", a.status, a.body)
	}

	// Credentials in the body: the raw (URL-encoded) body and the decoded
	// secret come back.
	form := clientForm(clientID, secret)
	a := postToken(t, noRedirect(), idSrv.URL, "echo", form, nil)
	if a.status != 400 || a.header.Get("Content-Type") != ctJSON || a.header.Get("Cache-Control") != "no-store" {
		t.Errorf("echo: %d %v", a.status, a.header)
	}
	for _, want := range []string{form.Encode(), "client_secret=S3cr3t%2B%2F%3DValue", "client_secret: " + secret} {
		if !strings.Contains(a.body, want) {
			t.Errorf("echo body lacks %q: %s", want, a.body)
		}
	}
	m := decodeMap(t, a.body)
	desc, _ := m["error_description"].(string)
	if m["error"] != "invalid_client" || !strings.Contains(desc, form.Encode()) || !strings.HasSuffix(desc, "client_secret: "+secret) {
		t.Errorf("echo JSON %v", m)
	}

	// Credentials in an HTTP Basic header: the header value comes back.
	a = postToken(t, noRedirect(), idSrv.URL, "echo", url.Values{"grant_type": {"client_credentials"}}, []string{clientID, secret})
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(clientID+":"+url.QueryEscape(secret)))
	if m := decodeMap(t, a.body); !strings.Contains(m["error_description"].(string), "Authorization: "+basic) || !strings.Contains(a.body, basic) {
		t.Errorf("echo with Basic: %s", a.body)
	}

	// A secret with a quote and a backslash is JSON-escaped in the answer.
	const odd = `a"b\c`
	a = postToken(t, noRedirect(), idSrv.URL, "echo", clientForm(clientID, odd), nil)
	if !json.Valid([]byte(a.body)) || !strings.Contains(a.body, `client_secret: a\"b\\c`) || !strings.Contains(a.body, "client_secret=a%22b%5Cc") {
		t.Errorf("echo with %q: %s", odd, a.body)
	}
	if desc, _ := decodeMap(t, a.body)["error_description"].(string); !strings.HasSuffix(desc, "client_secret: "+odd) {
		t.Errorf("echo with %q decodes to %q", odd, desc)
	}

	// golang.org/x/oauth2 sees an invalid_client error with the echo.
	_, err := ccConfig(idSrv.URL, "echo", clientID, secret, oauth2.AuthStyleInParams).Token(context.Background())
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_client" || re.Response.StatusCode != 400 || !strings.Contains(re.ErrorDescription, "client_secret: "+secret) {
		t.Errorf("x/oauth2 against echo: %v", err)
	}
	// Other methods are go-oauth2's.
	if a := get(t, noRedirect(), idSrv.URL+"/echo"+TokenPath); a.status != 400 || decodeMap(t, a.body)["error"] != "invalid_request" {
		t.Errorf("GET echo token: %d %q", a.status, a.body)
	}
}

func TestIdentityEcho500(t *testing.T) {
	_, idSrv := newIdentity(t, IdentityConfig{})
	const secret = "S3cr3t+/=Value"
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}}
	a := postToken(t, noRedirect(), idSrv.URL, "echo-500", form, []string{clientID, secret})
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(clientID+":"+url.QueryEscape(secret)))
	if a.status != 500 || a.header.Get("Content-Type") != ctHTML {
		t.Errorf("echo-500: %d %q", a.status, a.header.Get("Content-Type"))
	}
	for _, want := range []string{
		"Server Error in '/' Application.",
		form.Encode(),                                   // raw, in the trailing comment
		strings.ReplaceAll(form.Encode(), "&", "&amp;"), // HTML-encoded, in the page
		"client_secret=S3cr3t%2B%2F%3DValue",
		"Authorization: " + basic,
	} {
		if !strings.Contains(a.body, want) {
			t.Errorf("echo-500 page lacks %q:\n%s", want, a.body)
		}
	}
	if a := get(t, noRedirect(), idSrv.URL+"/echo-500"+DiscoveryPath); a.status != 200 {
		t.Errorf("echo-500 discovery: %d", a.status)
	}
}

func discoveryOf(t *testing.T, cl *http.Client, u string) discoveryDoc {
	t.Helper()
	a := get(t, cl, u)
	var d discoveryDoc
	if err := json.Unmarshal([]byte(strings.TrimPrefix(a.body, UTF8BOM)), &d); err != nil || d.TokenEndpoint == nil {
		t.Fatalf("discovery %s: %d %q %v", u, a.status, a.body, err)
	}
	return d
}

func TestHTTPTokenEndpoint(t *testing.T) {
	idp := NewIdentity(IdentityConfig{Clients: map[string]string{clientID: clientSecret}})
	tlsSrv := httptest.NewTLSServer(idp)
	defer tlsSrv.Close()
	plain := httptest.NewServer(idp)
	defer plain.Close()

	// Over https the discovery still names http:// URLs.
	host := strings.TrimPrefix(tlsSrv.URL, "https://")
	d := discoveryOf(t, tlsSrv.Client(), tlsSrv.URL+"/http-token-endpoint"+DiscoveryPath)
	if *d.TokenEndpoint != "http://"+host+"/http-token-endpoint/connect/token" || d.Issuer != "http://"+host+"/http-token-endpoint" {
		t.Errorf("over https: token_endpoint %q issuer %q", *d.TokenEndpoint, d.Issuer)
	}
	// The ok variant names https:// over https.
	if d := discoveryOf(t, tlsSrv.Client(), tlsSrv.URL+"/ok"+DiscoveryPath); !strings.HasPrefix(*d.TokenEndpoint, "https://") {
		t.Errorf("ok over https: %q", *d.TokenEndpoint)
	}
	// The token endpoint itself works over https ...
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, tlsSrv.Client())
	tok, err := ccConfig(tlsSrv.URL, "http-token-endpoint", clientID, clientSecret, oauth2.AuthStyleInParams).Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checkValid(t, idp, "over https", tok.AccessToken)
	// ... and over http, where the advertised URL is right.
	d = discoveryOf(t, noRedirect(), plain.URL+"/http-token-endpoint"+DiscoveryPath)
	if *d.TokenEndpoint != plain.URL+"/http-token-endpoint/connect/token" {
		t.Errorf("over http: %q", *d.TokenEndpoint)
	}
	cc := clientcredentials.Config{ClientID: clientID, ClientSecret: clientSecret, TokenURL: *d.TokenEndpoint, AuthStyle: oauth2.AuthStyleInParams}
	tok, err = cc.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	checkValid(t, idp, "over http", tok.AccessToken)
}

func TestOtherHostTokenEndpoint(t *testing.T) {
	idp, idSrv := newIdentity(t, IdentityConfig{})
	port := strings.TrimPrefix(idSrv.URL, "http://127.0.0.1")
	for from, want := range map[string]string{
		idSrv.URL:                 "http://localhost" + port + "/other-host-token-endpoint/connect/token",
		"http://localhost" + port: "http://127.0.0.1" + port + "/other-host-token-endpoint/connect/token",
	} {
		d := discoveryOf(t, noRedirect(), from+"/other-host-token-endpoint"+DiscoveryPath)
		if *d.TokenEndpoint != want || d.Issuer != from+"/other-host-token-endpoint" {
			t.Errorf("from %s: token_endpoint %q issuer %q, want %q", from, *d.TokenEndpoint, d.Issuer, want)
		}
		cc := clientcredentials.Config{ClientID: clientID, ClientSecret: clientSecret, TokenURL: *d.TokenEndpoint, AuthStyle: oauth2.AuthStyleInParams}
		tok, err := cc.Token(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		checkValid(t, idp, "from "+from, tok.AccessToken)
	}
	if d := discoveryOf(t, noRedirect(), idSrv.URL+"/other-host-token-endpoint"+DiscoveryPath); d.JWKSURI != idSrv.URL+"/other-host-token-endpoint"+JWKSPath {
		t.Errorf("jwks_uri %q moved too", d.JWKSURI)
	}
}

func TestIdentityBOM(t *testing.T) {
	idp, idSrv := newIdentity(t, IdentityConfig{})
	a := get(t, noRedirect(), idSrv.URL+"/bom"+DiscoveryPath)
	if a.status != 200 || !strings.HasPrefix(a.body, "\xef\xbb\xbf{") || a.header.Get("Content-Length") != strconv.Itoa(len(a.body)) ||
		json.Valid([]byte(a.body)) || !json.Valid([]byte(a.body[3:])) {
		t.Errorf("bom discovery: %d %v %q", a.status, a.header, a.body)
	}

	a = postToken(t, noRedirect(), idSrv.URL, "bom", clientForm(clientID, clientSecret), nil)
	if a.status != 200 || !strings.HasPrefix(a.body, "\xef\xbb\xbf{") || a.header.Get("Content-Length") != strconv.Itoa(len(a.body)) {
		t.Fatalf("bom token: %d %v %q", a.status, a.header, a.body)
	}
	// go-oauth2's headers are kept.
	if a.header.Get("Content-Type") != "application/json;charset=UTF-8" || a.header.Get("Cache-Control") != "no-store" || a.header.Get("Pragma") != "no-cache" {
		t.Errorf("bom token headers %v", a.header)
	}
	m := decodeMap(t, a.body[3:])
	if m["token_type"] != "Bearer" || m["expires_in"] != 3600.0 {
		t.Errorf("bom token %v", m)
	}
	checkValid(t, idp, "bom", m["access_token"].(string))

	// Errors carry the BOM too.
	a = postToken(t, noRedirect(), idSrv.URL, "bom", clientForm(clientID, "wrong"), nil)
	if a.status != 401 || !strings.HasPrefix(a.body, "\xef\xbb\xbf") || decodeMap(t, a.body[3:])["error"] != "invalid_client" {
		t.Errorf("bom error: %d %q", a.status, a.body)
	}
	// A JSON client that does not strip the BOM fails.
	if _, err := ccConfig(idSrv.URL, "bom", clientID, clientSecret, oauth2.AuthStyleInParams).Token(context.Background()); err == nil {
		t.Error("x/oauth2 parsed a token answer with a BOM")
	}
}

func TestFormToken(t *testing.T) {
	idp, idSrv := newIdentity(t, IdentityConfig{})
	a := postToken(t, noRedirect(), idSrv.URL, "form-token", clientForm(clientID, clientSecret), nil)
	if a.status != 200 || a.header.Get("Content-Type") != "application/x-www-form-urlencoded" || a.header.Get("Content-Length") != strconv.Itoa(len(a.body)) ||
		a.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("form-token: %d %v", a.status, a.header)
	}
	if !regexp.MustCompile(`^access_token=[A-Za-z0-9_.-]+&token_type=Bearer&expires_in=3600$`).MatchString(a.body) {
		t.Errorf("form-token body %q", a.body)
	}
	vals, err := url.ParseQuery(a.body)
	if err != nil {
		t.Fatal(err)
	}
	checkValid(t, idp, "form-token", vals.Get("access_token"))

	// golang.org/x/oauth2 understands form-encoded token answers.
	tok := fetchToken(t, idSrv.URL, "form-token", clientID, clientSecret)
	if tok.TokenType != "Bearer" || time.Until(tok.Expiry) < 59*time.Minute {
		t.Errorf("x/oauth2 token type %q expiry %v", tok.TokenType, tok.Expiry)
	}
	checkValid(t, idp, "form-token via x/oauth2", tok.AccessToken)

	// Errors stay JSON.
	a = postToken(t, noRedirect(), idSrv.URL, "form-token", clientForm(clientID, "wrong"), nil)
	if a.status != 401 || !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") || decodeMap(t, a.body)["error"] != "invalid_client" {
		t.Errorf("form-token error: %d %q %q", a.status, a.header.Get("Content-Type"), a.body)
	}
}

func TestToForm(t *testing.T) {
	b := bufferedResponse{status: 200, body: []byte(`{"access_token":"a b","expires_in":60,"scope":"x y","token_type":"Bearer"}` + "\n")}
	b.toForm()
	if string(b.body) != "access_token=a+b&token_type=Bearer&expires_in=60&scope=x+y" || b.Header().Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("%q %v", b.body, b.header)
	}
	for _, in := range []bufferedResponse{
		{status: 401, body: []byte(`{"error":"invalid_client"}`)},
		{status: 200, body: []byte(`{"error":"x"}`)},
		{status: 200, body: []byte(`not json`)},
	} {
		want := string(in.body)
		in.toForm()
		if string(in.body) != want || in.header.Get("Content-Type") != "" {
			t.Errorf("%q re-encoded to %q", want, in.body)
		}
	}
}

// startProxy serves a Proxy in mode with hosts on a loopback port.
func startProxy(t *testing.T, mode ProxyMode, hosts map[string]string) (*Proxy, *url.URL) {
	t.Helper()
	p := NewProxy(mode)
	maps.Copy(p.Hosts, hosts)
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	t.Cleanup(p.Close) // runs first: closes the tunnels
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return p, u
}

// proxyClient is a client that sends every request through the proxy at u
// and trusts tlsConfig's roots.
func proxyClient(t *testing.T, u *url.URL, tlsConfig *tls.Config) *http.Client {
	t.Helper()
	tr := &http.Transport{Proxy: http.ProxyURL(u), TLSClientConfig: tlsConfig, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{
		Timeout:       10 * time.Second,
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// deadAddr returns a loopback address where nothing listens.
func deadAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestProxyForward(t *testing.T) {
	c, plain := newCreatio(t, CreatioConfig{User: testUser, Password: testPassword})
	tlsSrv := httptest.NewTLSServer(c)
	t.Cleanup(tlsSrv.Close)
	headers := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "X-Resp-Hop")
		w.Header().Set("X-Resp-Hop", "1")
		w.Header().Set("X-Resp-End", "1")
		_ = json.NewEncoder(w).Encode(map[string]any{"header": r.Header, "host": r.Host, "uri": r.RequestURI})
	}))
	t.Cleanup(headers.Close)
	p, proxyURL := startProxy(t, ProxyForward, map[string]string{
		"creatio.test": strings.TrimPrefix(plain.URL, "http://"),
		"example.com":  strings.TrimPrefix(tlsSrv.URL, "https://"),
		"headers.test": strings.TrimPrefix(headers.URL, "http://"),
		"dead.test":    deadAddr(t),
	})
	cl := proxyClient(t, proxyURL, tlsSrv.Client().Transport.(*http.Transport).TLSClientConfig.Clone())

	// Plain http: the absolute URI is forwarded; the answer has a Via.
	c.ResetRequests()
	a := get(t, cl, "http://creatio.test/ok/0/api/OAuthHealthCheck")
	if a.status != 200 || a.body != BodyOK || !strings.Contains(a.header.Get("Via"), "corp-proxy") {
		t.Errorf("http through the proxy: %d %v %q", a.status, a.header, a.body)
	}
	if r := c.Requests(); len(r) != 1 || r[0].Host != "creatio.test" || r[0].Path != "/ok/0/api/OAuthHealthCheck" {
		t.Errorf("Creatio saw %+v", r)
	}
	if p.Requests() != 1 {
		t.Errorf("Requests %d after one http request", p.Requests())
	}

	// https: CONNECT to the TLS server, whose certificate is for example.com.
	c.ResetRequests()
	a = get(t, cl, "https://example.com/ok/0/api/OAuthHealthCheck")
	if a.status != 200 || a.body != BodyOK || a.header.Get("Via") != "" {
		t.Errorf("https through the proxy: %d %v %q", a.status, a.header, a.body)
	}
	if r := c.Requests(); len(r) != 1 || r[0].Host != "example.com" {
		t.Errorf("Creatio saw %+v", r)
	}
	if p.Requests() != 2 {
		t.Errorf("Requests %d after a CONNECT", p.Requests())
	}
	// A second https request reuses the tunnel: no new proxy request.
	if a := get(t, cl, "https://example.com/ok-net/api/OAuthHealthCheck"); a.body != BodyOK {
		t.Errorf("second https request: %q", a.body)
	}
	if p.Requests() != 2 {
		t.Errorf("Requests %d after a request in the tunnel", p.Requests())
	}

	// A login through the proxy: the POST body and the Set-Cookie headers
	// travel, and the session counts.
	a = do(t, cl, http.MethodPost, "http://creatio.test/forms"+AuthServicePath, jsonHeader, loginBody(testUser, testPassword))
	if !strings.Contains(a.body, `"Code":0`) || findCookie((&http.Response{Header: a.header}).Cookies(), CookieAuth) == nil {
		t.Errorf("login through the proxy: %d %q %v", a.status, a.body, a.header)
	}
	checkCounts(t, c, 1, 1, 0)

	// Gzip passes untouched.
	a = get(t, cl, "http://creatio.test/gzip-ok/0/api/OAuthHealthCheck")
	if a.header.Get("Content-Encoding") != "gzip" || strings.Contains(a.body, "HasProblem") {
		t.Errorf("gzip through the proxy: %v", a.header)
	}

	// Hop-by-hop headers stop at the proxy both ways; others travel.
	a = do(t, cl, http.MethodGet, "http://headers.test/x?y=1", http.Header{
		"Connection": {"X-Hop"}, "X-Hop": {"1"}, "Keep-Alive": {"timeout=5"}, "X-End": {"1"},
		"Proxy-Authorization": {"Basic Zm9vOmJhcg=="},
	}, nil)
	var seen struct {
		Header http.Header
		Host   string
		URI    string
	}
	if err := json.Unmarshal([]byte(a.body), &seen); err != nil {
		t.Fatalf("%q: %v", a.body, err)
	}
	for _, h := range []string{"X-Hop", "Keep-Alive", "Proxy-Authorization"} {
		if v := seen.Header.Get(h); v != "" {
			t.Errorf("upstream got %s: %q", h, v)
		}
	}
	if seen.Header.Get("X-End") != "1" || !strings.Contains(seen.Header.Get("Via"), "corp-proxy") || seen.Host != "headers.test" || seen.URI != "/x?y=1" {
		t.Errorf("upstream got %+v", seen)
	}
	if a.header.Get("X-Resp-Hop") != "" || a.header.Get("X-Resp-End") != "1" {
		t.Errorf("answer headers %v", a.header)
	}

	// An upstream that refuses connections: Squid's 502 for http, a failed
	// CONNECT for https.
	a = get(t, cl, "http://dead.test/ok/0/api/OAuthHealthCheck")
	if a.status != 502 || a.header.Get("Server") != "squid" || a.header.Get("X-Squid-Error") != "ERR_CONNECT_FAIL 111" {
		t.Errorf("dead upstream: %d %v", a.status, a.header)
	}
	if _, err := cl.Get("https://dead.test/"); err == nil {
		t.Error("CONNECT to a dead upstream worked")
	}

	// A request for the proxy itself is no proxy request.
	a = get(t, noRedirect(), proxyURL.String()+"/ok/0/api/OAuthHealthCheck")
	if a.status != 400 || !strings.Contains(a.body, "ERR_INVALID_URL") {
		t.Errorf("direct request: %d %q", a.status, a.body)
	}
}

func TestProxyRefuses(t *testing.T) {
	c, plain := newCreatio(t, CreatioConfig{})
	tlsSrv := httptest.NewTLSServer(c)
	t.Cleanup(tlsSrv.Close)
	hosts := map[string]string{"creatio.test": strings.TrimPrefix(plain.URL, "http://"), "example.com": strings.TrimPrefix(tlsSrv.URL, "https://")}
	for _, tt := range []struct {
		mode   ProxyMode
		status int
		code   string
	}{
		{ProxyAuthRequired, http.StatusProxyAuthRequired, "ERR_CACHE_ACCESS_DENIED 0"},
		{ProxyBadGateway, http.StatusBadGateway, "ERR_CONNECT_FAIL 111"},
	} {
		t.Run(tt.mode.String(), func(t *testing.T) {
			c.ResetRequests()
			p, proxyURL := startProxy(t, tt.mode, hosts)
			cl := proxyClient(t, proxyURL, tlsSrv.Client().Transport.(*http.Transport).TLSClientConfig.Clone())
			a := get(t, cl, "http://creatio.test/ok/0/api/OAuthHealthCheck")
			if a.status != tt.status || a.header.Get("Server") != "squid" || a.header.Get("Content-Type") != "text/html;charset=utf-8" ||
				a.header.Get("X-Squid-Error") != tt.code || !strings.Contains(a.body, "http://creatio.test/ok/0/api/OAuthHealthCheck") {
				t.Errorf("http: %d %v %q", a.status, a.header, a.body)
			}
			wantChallenge := ""
			if tt.mode == ProxyAuthRequired {
				wantChallenge = `Basic realm="corp-proxy"`
			}
			if got := a.header.Get("Proxy-Authenticate"); got != wantChallenge {
				t.Errorf("Proxy-Authenticate %q", got)
			}
			// Credentials do not help.
			withCreds := *proxyURL
			withCreds.User = url.UserPassword("user", "pw")
			if a := get(t, proxyClient(t, &withCreds, nil), "http://creatio.test/ok/0/api/OAuthHealthCheck"); a.status != tt.status {
				t.Errorf("with proxy credentials: %d", a.status)
			}
			if _, err := cl.Get("https://example.com/ok/0/api/OAuthHealthCheck"); err == nil {
				t.Error("https through the proxy worked")
			}

			// The CONNECT answer, read by hand.
			conn, err := net.Dial("tcp", proxyURL.Host)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
			fmt.Fprintf(conn, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
			resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: http.MethodConnect})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status || resp.Header.Get("Proxy-Authenticate") != wantChallenge || resp.Header.Get("Server") != "squid" {
				t.Errorf("CONNECT: %d %v", resp.StatusCode, resp.Header)
			}
			if p.Requests() != 4 {
				t.Errorf("Requests %d, want 4", p.Requests())
			}
			if r := c.Requests(); len(r) != 0 {
				t.Errorf("the upstream was reached: %+v", r)
			}
		})
	}
}

// TestProxyTunnel drives a CONNECT tunnel by hand and checks that Close
// ends it.
func TestProxyTunnel(t *testing.T) {
	_, plain := newCreatio(t, CreatioConfig{})
	p, proxyURL := startProxy(t, ProxyForward, map[string]string{"creatio.test:8080": strings.TrimPrefix(plain.URL, "http://")})
	conn, err := net.Dial("tcp", proxyURL.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(conn)
	// The request in the tunnel is sent at once, before the 200 arrives.
	fmt.Fprintf(conn, "CONNECT creatio.test:8080 HTTP/1.1\r\nHost: creatio.test:8080\r\n\r\nGET /ok/0/api/OAuthHealthCheck HTTP/1.1\r\nHost: creatio.test:8080\r\n\r\n")
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil || resp.StatusCode != 200 || resp.Status != "200 Connection established" {
		t.Fatalf("CONNECT: %v %v", resp, err)
	}
	resp, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != BodyOK {
		t.Errorf("through the tunnel: %q", b)
	}
	p.Close()
	if n, err := br.Read(make([]byte, 1)); err == nil {
		t.Errorf("tunnel open after Close: read %d bytes", n)
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Error("Close did not end the tunnel")
	}
	// The port of the request is kept when Hosts maps a bare name.
	_, proxyURL2 := startProxy(t, ProxyForward, map[string]string{"creatio.test": "127.0.0.1"})
	port := strings.TrimPrefix(plain.URL, "http://127.0.0.1:")
	if a := get(t, proxyClient(t, proxyURL2, nil), "http://creatio.test:"+port+"/ok/0/api/OAuthHealthCheck"); a.body != BodyOK {
		t.Errorf("bare-name mapping: %d %q", a.status, a.body)
	}
}

func TestProxyResolve(t *testing.T) {
	p := NewProxy(ProxyForward)
	p.Hosts["creatio.test"] = "127.0.0.1:1111"
	p.Hosts["creatio.test:8443"] = "127.0.0.1:2222"
	p.Hosts["bare.test"] = "127.0.0.2"
	for in, want := range map[string]string{
		"creatio.test:80":   "127.0.0.1:1111",
		"Creatio.TEST:443":  "127.0.0.1:1111",
		"creatio.test:8443": "127.0.0.1:2222",
		"bare.test:8080":    "127.0.0.2:8080",
		"other.test:80":     "other.test:80",
		"127.0.0.1:3":       "127.0.0.1:3",
	} {
		if got := p.resolve(in); got != want {
			t.Errorf("resolve(%q) = %q, want %q", in, got, want)
		}
	}
	for m, want := range map[ProxyMode]string{ProxyForward: "forward", ProxyAuthRequired: "auth-required", ProxyBadGateway: "bad-gateway", 7: "ProxyMode(7)"} {
		if m.String() != want {
			t.Errorf("%d.String() = %q", int(m), m.String())
		}
	}
}

// TestExpireSessions: ExpireSessions ends every live session as Creatio's
// session timeout does: no logout counted, the ended session's cookies get
// the login redirect, a new login works.
func TestExpireSessions(t *testing.T) {
	c, srv := newCreatio(t, CreatioConfig{User: testUser, Password: testPassword})
	health := srv.URL + "/forms/0/api/OAuthHealthCheck"
	auth, csrf := loginSession(t, srv.URL, "forms")
	loginSession(t, srv.URL, "forms-net")
	if a := do(t, noRedirect(), http.MethodGet, health, sessionHeader(auth, csrf), nil); a.status != 200 {
		t.Fatalf("live session: %d", a.status)
	}
	if n := c.ExpireSessions(); n != 2 {
		t.Errorf("ExpireSessions ended %d sessions, want 2", n)
	}
	checkCounts(t, c, 0, 2, 0)
	if a := do(t, noRedirect(), http.MethodGet, health, sessionHeader(auth, csrf), nil); a.status != http.StatusFound {
		t.Errorf("ended session: %d, want the login redirect", a.status)
	}
	auth, csrf = loginSession(t, srv.URL, "forms")
	if a := do(t, noRedirect(), http.MethodGet, health, sessionHeader(auth, csrf), nil); a.status != 200 {
		t.Errorf("new session: %d", a.status)
	}
	checkCounts(t, c, 1, 3, 0)
}

// TestRevokeTokens: RevokeTokens ends the tokens issued so far; tokens
// issued after it are valid.
func TestRevokeTokens(t *testing.T) {
	idp, idSrv := newIdentity(t, IdentityConfig{})
	_, srv := newCreatio(t, CreatioConfig{ValidateToken: idp.ValidateToken})
	health := srv.URL + "/bearer/0/api/OAuthHealthCheck"
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }
	old := fetchToken(t, idSrv.URL, "ok", clientID, clientSecret).AccessToken
	if a := do(t, noRedirect(), http.MethodGet, health, bearer(old), nil); a.status != 200 {
		t.Fatalf("token: %d", a.status)
	}
	idp.RevokeTokens()
	if a := do(t, noRedirect(), http.MethodGet, health, bearer(old), nil); a.status != 401 {
		t.Errorf("revoked token: %d, want 401", a.status)
	}
	fresh := fetchToken(t, idSrv.URL, "ok", clientID, clientSecret).AccessToken
	if a := do(t, noRedirect(), http.MethodGet, health, bearer(fresh), nil); a.status != 200 {
		t.Errorf("token issued after the revocation: %d, want 200", a.status)
	}
}

// TestTokenCounters counts the token requests by variant (every POST to a
// token endpoint, answered or refused) and the tokens issued; a GET of the
// token path, discovery and unknown variants count as neither.
func TestTokenCounters(t *testing.T) {
	idp, idSrv := newIdentity(t, IdentityConfig{})
	check := func(what string, requests map[string]int, issued int) {
		t.Helper()
		if got := idp.TokenRequests(); !maps.Equal(got, requests) || idp.TokensIssued() != issued {
			t.Errorf("after %s: TokenRequests %v TokensIssued %d, want %v %d", what, got, idp.TokensIssued(), requests, issued)
		}
	}
	check("nothing", map[string]int{}, 0)
	if status, _ := tokenAnswer(t, idSrv.URL, "ok", true); status != 200 {
		t.Fatalf("token: %d", status)
	}
	check("one token", map[string]int{"ok": 1}, 1)
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	if a := do(t, noRedirect(), http.MethodPost, idSrv.URL+"/ok"+TokenPath, form, strings.NewReader(clientForm(clientID, "wrong").Encode())); a.status != 401 && a.status != 400 {
		t.Errorf("wrong secret: %d", a.status)
	}
	check("a refused client", map[string]int{"ok": 2}, 1)
	if a := do(t, noRedirect(), http.MethodPost, idSrv.URL+"/unavailable-503"+TokenPath, form, strings.NewReader(clientForm(clientID, clientSecret).Encode())); a.status != 503 {
		t.Errorf("unavailable-503: %d", a.status)
	}
	check("a 503", map[string]int{"ok": 2, "unavailable-503": 1}, 1)
	if status, _ := tokenAnswer(t, idSrv.URL, "basic-listed", true); status != 200 {
		t.Fatalf("basic-listed token: %d", status)
	}
	check("a token of basic-listed", map[string]int{"ok": 2, "unavailable-503": 1, "basic-listed": 1}, 2)
	get(t, noRedirect(), idSrv.URL+"/ok"+TokenPath)
	get(t, noRedirect(), idSrv.URL+"/ok"+DiscoveryPath)
	do(t, noRedirect(), http.MethodPost, idSrv.URL+"/no-such-variant"+TokenPath, form, strings.NewReader(clientForm(clientID, clientSecret).Encode()))
	check("a GET, discovery and an unknown variant", map[string]int{"ok": 2, "unavailable-503": 1, "basic-listed": 1}, 2)
	idp.ResetRequests()
	check("ResetRequests (the counters are not the request log)", map[string]int{"ok": 2, "unavailable-503": 1, "basic-listed": 1}, 2)
}

// TestScenarioCounts counts logins, logouts, live sessions and health
// requests by scenario: two sites' logins are told apart.
func TestScenarioCounts(t *testing.T) {
	c, srv := newCreatio(t, CreatioConfig{User: testUser, Password: testPassword})
	if n := c.Counts(); len(n) != 0 {
		t.Errorf("at start: %v", n)
	}
	loginSession(t, srv.URL, "forms")
	auth, csrf := loginSession(t, srv.URL, "forms-net")
	loginSession(t, srv.URL, "forms-net")
	if a := do(t, noRedirect(), http.MethodPost, srv.URL+"/forms-net"+LogoutPath, sessionHeader(auth, csrf), nil); a.status != 200 {
		t.Fatalf("logout: %d", a.status)
	}
	get(t, noRedirect(), srv.URL+"/ok/0/api/OAuthHealthCheck")
	get(t, noRedirect(), srv.URL+"/ok/api/OAuthHealthCheck") // the other layout's path: 404, not counted
	get(t, noRedirect(), srv.URL+"/forms/0/api/OAuthHealthCheck")
	get(t, noRedirect(), srv.URL+"/no-such-scenario/0/api/OAuthHealthCheck")
	want := map[string]ScenarioCounts{
		"forms":     {Logins: 1, LiveSessions: 1, HealthRequests: 1},
		"forms-net": {Logins: 2, Logouts: 1, LiveSessions: 1},
		"ok":        {HealthRequests: 1},
	}
	if got := c.Counts(); !maps.Equal(got, want) {
		t.Errorf("Counts %v, want %v", got, want)
	}
	checkCounts(t, c, 2, 3, 1)
	c.ExpireSessions()
	want["forms"] = ScenarioCounts{Logins: 1, HealthRequests: 1}
	want["forms-net"] = ScenarioCounts{Logins: 2, Logouts: 1}
	if got := c.Counts(); !maps.Equal(got, want) {
		t.Errorf("after ExpireSessions: Counts %v, want %v", got, want)
	}
}
