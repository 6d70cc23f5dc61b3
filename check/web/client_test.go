package web

import (
	"check_creatio_oauth/testdata/fixture"
	"cmp"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"check_creatio_oauth/check/redact"
	"check_creatio_oauth/check/report"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/sim"
)

// Header URLs and request URLs lose their query, user and fragment in the
// trace.
func TestRedactURLs(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/Login/NuiLogin.aspx?ReturnUrl=%2f0%2f&RelayState=tok", "/Login/NuiLogin.aspx?…"},
		{"https://user:pw@crm.example/p?q=1#frag", "https://crm.example/p?…"},
		{"https://u:p@crm.example:8443/p?", "https://crm.example:8443/p?"},
		{"https://u:p@%zz/x?q", "https://…@%zz/x?…"},
		{"https://u:p@%zz/x", "https://…@%zz/x"},
		{"https://crm.example/p#frag", "https://crm.example/p"},
		{"https://crm.example/p", "https://crm.example/p"},
		{"%zz?token=1", "%zz?…"},
		{"%zz#x", "%zz?…"},
		{"%zz", "%zz"},
	} {
		if got := RedactRaw(tc.in); got != tc.want {
			t.Errorf("RedactRaw(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := RedactURL(nil); got != "" {
		t.Errorf("RedactURL(nil) = %q", got)
	}
	if got, want := RedactURL(mustURL(t, "https://u:p@crm.example/x?token=1#f")), "https://crm.example/x?…"; got != want {
		t.Errorf("redactURL = %q, want %q", got, want)
	}
	for _, tc := range []struct{ base, p, want string }{
		{"https://crm.example", "/0/api/OAuthHealthCheck", "https://crm.example/0/api/OAuthHealthCheck"},
		{"https://crm.example/crm", "/api/OAuthHealthCheck", "https://crm.example/crm/api/OAuthHealthCheck"},
		{"https://ids.example/", "/connect/token", "https://ids.example/connect/token"},
	} {
		if got := JoinPath(mustURL(t, tc.base), tc.p).String(); got != tc.want {
			t.Errorf("JoinPath(%q, %q) = %q, want %q", tc.base, tc.p, got, tc.want)
		}
	}
}

// Redirects are followed on the same host (http to https on the default
// ports too), a few times, and never to a login page or another host.
func TestRedirectRules(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"http://a/x", "http://a/y", true},
		{"http://A:80/x", "http://a/y", true},
		{"https://a:443/x", "https://a/y", true},
		{"http://a/x", "https://a/y", true},
		{"http://a:80/x", "https://a:443/y", true},
		{"http://a:8080/x", "https://a:8443/y", false},
		{"http://a:8080/x", "https://a/y", false},
		{"https://a/x", "http://a/y", false},
		{"http://a/x", "http://b/y", false},
		{"http://a:81/x", "http://a/y", false},
	} {
		if got := SameOrigin(mustURL(t, tc.a), mustURL(t, tc.b)); got != tc.want {
			t.Errorf("SameOrigin(%s, %s) = %t, want %t", tc.a, tc.b, got, tc.want)
		}
	}
	req := func(raw string) *http.Request { return httptest.NewRequest(http.MethodGet, raw, nil) }
	first := req("http://a/0/api/OAuthHealthCheck")
	for _, tc := range []struct {
		to   string
		via  int
		want error
	}{
		{"http://a/ok", 1, nil},
		{"http://a/ok", maxRedirects, nil},
		{"http://a/ok", maxRedirects + 1, errTooManyRedirects},
		{"http://a/Login/NuiLogin.aspx", 1, http.ErrUseLastResponse},
		{"http://a/x/login/Login.html", 1, http.ErrUseLastResponse},
		{"http://b/ok", 1, http.ErrUseLastResponse},
	} {
		via := slices.Repeat([]*http.Request{first}, tc.via)
		if got := checkRedirect(req(tc.to), via); !errors.Is(got, tc.want) {
			t.Errorf("checkRedirect(%s after %d) = %v, want %v", tc.to, tc.via, got, tc.want)
		}
	}
}

// The body is read up to the cap and no further; a byte order mark is
// dropped; the size is what was seen or announced.
func TestClientBody(t *testing.T) {
	st := newStand(t)
	for _, tc := range []struct {
		scenario string
		maxBody  int64
		body     string // the body, or its start
		size     int64
		tooLarge bool
	}{
		{"ok", 0, sim.BodyOK, int64(len(sim.BodyOK)), false},
		{"ok", int64(len(sim.BodyOK)), sim.BodyOK, int64(len(sim.BodyOK)), false},
		{"ok", 100, "", int64(len(sim.BodyOK)), true}, // announced too large: not read at all
		{"ok-bom", 0, sim.BodyOK, int64(len(sim.BodyOK) + 3), false},
		{"gzip-ok", 0, sim.BodyOK, int64(len(sim.BodyOK)), false},
		{"redirect-same-host", 0, sim.BodyOK, int64(len(sim.BodyOK)), false},
		{"huge-body", 100, `{"HasProblem":false,`, 101, true},
		{"huge-body", 0, `{"HasProblem":false,`, DefaultMaxBody + 1, true},
	} {
		t.Run(fmt.Sprintf("%s/%d", tc.scenario, tc.maxBody), func(t *testing.T) {
			c := newClient(t, ClientConfig{MaxBody: tc.maxBody})
			resp, err := c.Get(runCtx(t, 5*time.Second), mustURL(t, st.C.URL+"/"+tc.scenario+"/0/api/OAuthHealthCheck"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(resp.Body), tc.body) || resp.Size != tc.size || resp.TooLarge != tc.tooLarge {
				t.Errorf("body %.40q (%d bytes), size %d, too large %t; want %.40q, %d, %t", resp.Body, len(resp.Body), resp.Size, resp.TooLarge, tc.body, tc.size, tc.tooLarge)
			}
			if cap := cmp.Or(tc.maxBody, DefaultMaxBody); int64(len(resp.Body)) > cap {
				t.Errorf("%d bytes kept, over the cap of %d", len(resp.Body), cap)
			}
			if resp.URL.Path != "/"+cmp.Or(map[string]string{"redirect-same-host": "ok"}[tc.scenario], tc.scenario)+"/0/api/OAuthHealthCheck" {
				t.Errorf("answer from %s", resp.URL)
			}
			tm := resp.Timings
			if tm.Total <= 0 || tm.FirstByte <= 0 || tm.FirstByte > tm.Total || tm.TLS != 0 || tm.Connect < 0 {
				t.Errorf("timings %+v", tm)
			}
		})
	}
}

// HTTP_PROXY, HTTPS_PROXY and NO_PROXY, upper case first; a failure names
// the variable of the request's scheme.
func TestProxyFromEnv(t *testing.T) {
	env := map[string]string{"HTTP_PROXY": "http://upper:3128", "http_proxy": "http://lower:3128", "https_proxy": "http://secure:3128", "no_proxy": "crm.example"}
	p := ProxyFromEnv(func(k string) string { return env[k] })
	want := ProxyEnv{HTTP: "http://upper:3128", HTTPS: "http://secure:3128", NoProxy: "crm.example", HTTPVar: "HTTP_PROXY", HTTPSVar: "https_proxy"}
	if p != want {
		t.Errorf("ProxyFromEnv = %+v, want %+v", p, want)
	}
	if got := ProxyFromEnv(func(string) string { return "" }); got != (ProxyEnv{}) {
		t.Errorf("no variables: %+v", got)
	}
	for _, tc := range []struct {
		u    *url.URL
		want string
	}{{mustURL(t, "https://x"), "https_proxy"}, {mustURL(t, "http://x"), "HTTP_PROXY"}, {nil, "HTTP_PROXY"}} {
		if got := p.source(tc.u); got != tc.want {
			t.Errorf("source(%v) = %q, want %q", tc.u, got, tc.want)
		}
	}
	f := p.proxyFunc()
	for _, tc := range []struct{ u, want string }{
		{"http://other.example/", "http://upper:3128"},
		{"https://other.example/", "http://secure:3128"},
		{"https://crm.example/", ""},
		{"http://127.0.0.1:8080/", ""},
		{"http://localhost/", ""},
	} {
		got, err := f(mustURL(t, tc.u))
		if err != nil || (got == nil) != (tc.want == "") || got != nil && got.String() != tc.want {
			t.Errorf("the proxy of %s = %v, %v; want %q", tc.u, got, err, tc.want)
		}
	}
}

// A request that cannot be built is an error, not a panic.
func TestClientBadRequest(t *testing.T) {
	c := newClient(t, ClientConfig{})
	if _, err := c.Send(context.Background(), "BAD METHOD", mustURL(t, "http://127.0.0.1/"), "", nil, nil); err == nil {
		t.Error("a method with a space was sent")
	}
	if c.Secrets() == nil {
		t.Error("no Secrets")
	}
	shared := &redact.Secrets{}
	if newClient(t, ClientConfig{Secrets: shared}).Secrets() != shared {
		t.Error("the given Secrets are not used")
	}
}

// Certificates that are out of date or for another use are the
// unreachable state, with the reason and the fix.
func TestClientCertificateTrouble(t *testing.T) {
	healthy := fixture.ServeBytes(http.StatusOK, "application/json", []byte(fixture.HealthyBody))
	served := func(notAfter time.Time) (string, string) {
		srv, pemText := fixture.TLSServer(t, healthy, nil, fixture.Loopback, notAfter, nil)
		return srv.URL, fixture.WriteFile(t, "ca.pem", pemText)
	}
	// A server whose certificate is for clients only.
	cert, key := certFiles(t, fixture.Loopback, x509.ExtKeyUsageClientAuth)
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	clientOnly := httptest.NewUnstartedServer(healthy)
	clientOnly.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	clientOnly.Config.ErrorLog = log.New(io.Discard, "", 0)
	clientOnly.StartTLS()
	t.Cleanup(clientOnly.Close)

	expiredURL, expiredCA := served(time.Now().Add(-48 * time.Hour))
	futureURL, futureCA := served(time.Now().Add(1001 * 24 * time.Hour)) // valid from tomorrow
	for _, tc := range []struct {
		name, url, ca, says string
	}{
		{"expired", expiredURL, expiredCA, ": expired (current time "},
		{"not yet valid", futureURL, futureCA, ": not yet valid (current time "},
		{"for clients only", clientOnly.URL, cert, ": x509: certificate specifies an incompatible key usage; renew the certificate or check this host's clock"},
	} {
		p := report.Policy{Timeout: 5 * time.Second, TimeoutState: plugin.Unknown, Unreachable: plugin.Warning}
		r := fetch(t, newClient(t, ClientConfig{CAFiles: []string{tc.ca}}), mustURL(t, tc.url), "/api/OAuthHealthCheck", p)
		if r.State != plugin.Warning || !strings.HasPrefix(r.Summary, "TLS certificate of 127.0.0.1:") || !strings.Contains(r.Summary, tc.says) {
			t.Errorf("%s: %v %q, want WARNING %q", tc.name, r.State, r.Summary, tc.says)
		}
	}
}

// --ca-file, --client-cert and --client-key: errors name the option; a
// client certificate is shown to a server that asks for one.
func TestClientConfigFiles(t *testing.T) {
	srv, pemText := fixture.TLSServer(t, fixture.ServeBytes(http.StatusOK, "application/json", []byte(fixture.HealthyBody)), nil, fixture.Loopback,
		time.Now().Add(24*time.Hour), &tls.Config{ClientAuth: tls.RequireAnyClientCert})
	ca := fixture.WriteFile(t, "ca.pem", pemText)
	cert, key := certFiles(t, nil, x509.ExtKeyUsageClientAuth)
	notPEM := fixture.WriteFile(t, "not.pem", "not a certificate\n")
	big := filepath.Join(t.TempDir(), "big.pem")
	if err := os.WriteFile(big, make([]byte, maxPEMFile+1), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cfg  ClientConfig
		err  string
	}{
		{"missing CA file", ClientConfig{CAFiles: []string{"/nonexistent/ca.pem"}}, "--ca-file: /nonexistent/ca.pem: no such file or directory"},
		{"CA file without PEM", ClientConfig{CAFiles: []string{ca, notPEM}}, "--ca-file " + notPEM + ": no PEM certificate in it"},
		{"CA file too large", ClientConfig{CAFiles: []string{big}}, "--ca-file: " + big + ": larger than 4194304 bytes"},
		{"certificate without key", ClientConfig{ClientCert: cert}, "--client-cert and --client-key go together"},
		{"key without certificate", ClientConfig{ClientKey: key}, "--client-cert and --client-key go together"},
		{"missing certificate", ClientConfig{ClientCert: "/nonexistent/c.pem", ClientKey: key}, "--client-cert: /nonexistent/c.pem: no such file or directory"},
		{"missing key", ClientConfig{ClientCert: cert, ClientKey: "/nonexistent/k.pem"}, "--client-key: /nonexistent/k.pem: no such file or directory"},
		{"key of another certificate", ClientConfig{ClientCert: ca, ClientKey: key}, "--client-cert/--client-key: "},
		{"certificate as key", ClientConfig{ClientCert: cert, ClientKey: cert}, "--client-cert/--client-key: "},
	} {
		if c, err := NewClient(tc.cfg); err == nil || !strings.HasPrefix(err.Error(), tc.err) {
			t.Errorf("%s: NewClient = %v, %v; want the error %q", tc.name, c, err, tc.err)
		}
	}
	if _, err := readFileLimited(t.TempDir(), 10); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("readFileLimited of a directory: %v", err)
	}
	p := report.Policy{Timeout: 5 * time.Second, TimeoutState: plugin.Unknown, Unreachable: plugin.Warning}
	without := fetch(t, newClient(t, ClientConfig{CAFiles: []string{ca}}), mustURL(t, srv.URL), "/api/OAuthHealthCheck", p)
	if without.State != plugin.Warning || !strings.Contains(without.Summary, "check --client-cert/--client-key") {
		t.Errorf("without a client certificate: %v %s", without.State, without.Summary)
	}
	with := fetch(t, newClient(t, ClientConfig{CAFiles: []string{ca}, ClientCert: cert, ClientKey: key}), mustURL(t, srv.URL), "/api/OAuthHealthCheck", p)
	if with.State != plugin.OK {
		t.Errorf("with a client certificate: %v %s", with.State, with.Summary)
	}
}

// A proxy that drops the connection, or whose name does not resolve, is
// named as the proxy.
func TestClientProxyTrouble(t *testing.T) {
	p := report.Policy{Timeout: 5 * time.Second, TimeoutState: plugin.Unknown, Unreachable: plugin.Warning}
	drops := fixture.NewRawServer(t, func(net.Conn, <-chan struct{}) {}).URL("http")
	var answered atomic.Int32
	for _, tc := range []struct {
		name, proxy, says string
	}{
		{"drops the connection", drops, "creatio.test (via the proxy " + strings.TrimPrefix(drops, "http://") + " from HTTP_PROXY) closed the connection without a complete answer"},
		{"no such proxy", "http://no-such-proxy.invalid:3128",
			"the proxy no-such-proxy.invalid:3128 (HTTP_PROXY) cannot be reached (cannot resolve no-such-proxy.invalid); check the proxy, or exempt creatio.test with NO_PROXY"},
	} {
		c := newClient(t, ClientConfig{Proxy: ProxyEnv{HTTP: tc.proxy, HTTPVar: "HTTP_PROXY"}})
		c.hc.Transport.(*http.Transport).DialContext = (&net.Dialer{Resolver: nxdomainResolver(t, &answered)}).DialContext
		r := fetch(t, c, mustURL(t, "http://creatio.test/ok"), "/0/api/OAuthHealthCheck", p)
		if r.State != plugin.Warning || !strings.Contains(r.Summary, tc.says) {
			t.Errorf("%s: %v %q,\nwant WARNING %q", tc.name, r.State, r.Summary, tc.says)
		}
	}
	if answered.Load() == 0 {
		t.Error("the loopback DNS server answered no query")
	}
	pe := &proxyError{proxy: mustURL(t, "http://proxy.example:3128"), status: "407 Proxy Authentication Required", code: 407}
	if got, want := pe.Error(), "proxy proxy.example:3128 answered HTTP 407"; got != want {
		t.Errorf("proxyError = %q, want %q", got, want)
	}
}

// certFiles writes a self-signed certificate for ips with usage, and its
// key, as PEM.
func certFiles(t *testing.T, ips []net.IP, usage x509.ExtKeyUsage) (certFile, keyFile string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "monitoring"}, IPAddresses: ips,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{usage}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return fixture.WriteFile(t, "cert.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))),
		fixture.WriteFile(t, "cert.key", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})))
}
