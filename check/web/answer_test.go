package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"check_creatio_oauth/check/redact"
	"check_creatio_oauth/check/report"
	"check_creatio_oauth/plugin"
)

// The -vvv trace of a request and its answer against a loopback server:
// each line said, the secret headers hidden, a URL header without its
// query, the session's cookies and the run's secrets hidden wherever they
// come again.
func TestClientTrace(t *testing.T) {
	const secret = "tok-4f9a2c-secret"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "BPMCSRF", Value: "csrf-77ab91", Path: "/"})
		w.Header().Set("Content-Location", "/login?ReturnUrl=%2F&token=abc")
		w.Header().Set("X-Echo", "token "+secret+" and csrf-77ab91")
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	var trace Trace
	if trace.Lines() != nil || (*Trace)(nil).Lines() != nil {
		t.Fatal("an empty trace has lines")
	}
	secrets := &redact.Secrets{}
	secrets.Add(secret)
	c := newClient(t, ClientConfig{Debug: trace.Printf, Secrets: secrets})
	u := mustURL(t, srv.URL+"/0/api/OAuthHealthCheck?user=x")
	if _, err := c.Send(runCtx(t, 5*time.Second), http.MethodGet, u, "", nil, func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+secret) }); err != nil {
		t.Fatal(err)
	}
	// a second request carries the cookie, which the trace hides too
	if _, err := c.Get(runCtx(t, 5*time.Second), u); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(trace.Lines(), "\n")
	for _, want := range []string{
		"> GET " + srv.URL + "/0/api/OAuthHealthCheck?…\n", // the query may hold credentials
		"> Authorization: [redacted]",
		"< 200 OK from " + srv.URL + "/0/api/OAuthHealthCheck?…, 2 bytes in ",
		"< Content-Location: /login?…\n",
		"< Set-Cookie: [redacted]",
	} {
		if !strings.Contains(text+"\n", want) {
			t.Errorf("trace lacks %q:\n%s", want, text)
		}
	}
	for _, leak := range []string{secret, "csrf-77ab91", "token=abc", "user=x"} {
		if strings.Contains(text, leak) {
			t.Errorf("trace shows %q:\n%s", leak, text)
		}
	}
}

// The cookie jar: what a server set is the client's for that origin, and
// cookies given (from the cache) go with the next request.
func TestClientCookies(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("from-cache"); err == nil {
			got = c.Value
		}
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s1", Path: "/"})
	}))
	defer srv.Close()
	c := newClient(t, ClientConfig{})
	u := mustURL(t, srv.URL+"/")
	if len(c.Cookies(u)) != 0 {
		t.Fatal("a new client has cookies")
	}
	c.SetCookies(u, []*http.Cookie{{Name: "from-cache", Value: "c1"}})
	if _, err := c.Get(runCtx(t, 5*time.Second), u); err != nil {
		t.Fatal(err)
	}
	if got != "c1" {
		t.Errorf("the server got cookie %q, want the one given, c1", got)
	}
	names := ""
	for _, k := range c.Cookies(u) {
		names += k.Name + "=" + k.Value + " "
	}
	if !strings.Contains(names, "session=s1") || !strings.Contains(names, "from-cache=c1") {
		t.Errorf("cookies %q, want session=s1 and from-cache=c1", names)
	}
	c.CloseIdleConnections()
}

// The certificate's end is known for a host only after a TLS connection
// to it.
func TestCertNotAfter(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	c := newClient(t, ClientConfig{Insecure: true})
	u := mustURL(t, srv.URL)
	if _, ok := c.CertNotAfter(u); ok {
		t.Fatal("a certificate known before any connection")
	}
	if _, err := c.Get(runCtx(t, 5*time.Second), u); err != nil {
		t.Fatal(err)
	}
	got, ok := c.CertNotAfter(u)
	if want := srv.Certificate().NotAfter; !ok || !got.Equal(want) {
		t.Errorf("CertNotAfter = %v, %t, want %v", got, ok, want)
	}
}

// A redirect's Location is resolved against the answer's URL; none is an
// error; the media type is the header's.
func TestResponseLocation(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/a/moved" {
			w.Header().Set("Location", "//localhost:1/Login/NuiLogin.aspx?x=1") // another origin: not followed
			w.WriteHeader(http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusFound)
	}))
	defer srv.Close()
	c := newClient(t, ClientConfig{})
	resp, err := c.Get(runCtx(t, 5*time.Second), mustURL(t, srv.URL+"/a/moved"))
	if err != nil {
		t.Fatal(err)
	}
	loc, err := resp.Location()
	if err != nil || loc.String() != "http://localhost:1/Login/NuiLogin.aspx?x=1" || !IsLoginPath(loc.Path) {
		t.Errorf("Location = %v, %v, want http://localhost:1/Login/NuiLogin.aspx?x=1, a login path", loc, err)
	}
	resp, err = c.Get(runCtx(t, 5*time.Second), mustURL(t, srv.URL+"/bare"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := resp.Location(); err == nil {
		t.Error("a 302 without Location has a Location")
	}
	if got := resp.ContentType(); got != "text/html; charset=utf-8" {
		t.Errorf("ContentType = %q", got)
	}
}

// An answer through a proxy names it, with the variable that set it, and a
// 5xx from there may be the proxy's own; the proxy here is a loopback
// server that answers for creatio.test itself.
func TestClientVia(t *testing.T) {
	var asked string
	px := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = r.URL.String()
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer px.Close()
	c := newClient(t, ClientConfig{Proxy: ProxyEnv{HTTP: px.URL, HTTPVar: "http_proxy"}})
	resp, err := c.Get(runCtx(t, 5*time.Second), mustURL(t, "http://creatio.test/0/api/OAuthHealthCheck"))
	if err != nil {
		t.Fatal(err)
	}
	if asked != "http://creatio.test/0/api/OAuthHealthCheck" {
		t.Fatalf("the proxy was asked for %q", asked)
	}
	if got, want := c.Via(resp), " via the proxy "+strings.TrimPrefix(px.URL, "http://")+" (http_proxy)"; got != want {
		t.Errorf("Via = %q, want %q", got, want)
	}
	direct := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer direct.Close()
	resp, err = c.Get(runCtx(t, 5*time.Second), mustURL(t, direct.URL)) // loopback: never through a proxy
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Via(resp); got != "" {
		t.Errorf("Via without a proxy = %q", got)
	}
}

// Overloaded: any 5xx, 429 and 408 are the server's fault.
func TestOverloaded(t *testing.T) {
	for code, want := range map[int]bool{500: true, 503: true, 599: true, 429: true, 408: true, 200: false, 404: false, 401: false, 302: false} {
		if got := Overloaded(code); got != want {
			t.Errorf("Overloaded(%d) = %t, want %t", code, got, want)
		}
	}
}

// A refused connection to a loopback port is said as such, Unreachable.
func TestDescribeRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	u := mustURL(t, srv.URL)
	srv.Close()
	c := newClient(t, ClientConfig{})
	_, err := c.Get(context.Background(), u)
	if err == nil {
		t.Fatal("a closed port answered")
	}
	p := report.Policy{Timeout: time.Second, Unreachable: plugin.Warning}
	f := c.Describe(err, "the health request", u, p)
	if p.State(f.Kind) != plugin.Warning || !strings.Contains(f.Text, "refused") || !strings.Contains(f.Text, u.Host) {
		t.Errorf("%v %q, want WARNING (unreachable) naming %s and the refusal", p.State(f.Kind), f.Text, u.Host)
	}
}

// A JSON value's kind and text, as the health and token parsers say them.
func TestObjectKindText(t *testing.T) {
	o, err := ReadObject([]byte(`{"s":"x","n":12.5,"b":true,"z":null,"a":[1],"o":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"s": "string", "n": "number", "b": "boolean", "z": "null", "a": "array", "o": "object"} {
		v, ok := o.Get(key)
		if got := Kind(v); !ok || got != want {
			t.Errorf("Kind(%s) = %q, want %q", key, got, want)
		}
	}
	for key, want := range map[string]string{"s": "x", "n": "12.5", "b": "", "missing": ""} {
		got, ok := o.Text(key)
		if got != want || ok != (key != "missing") {
			t.Errorf("Text(%s) = %q, %t, want %q", key, got, ok, want)
		}
	}
}
