package check

import (
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

	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
	"check_creatio_oauth/testdata/sim"
)

// Every request of every mode and login carries the plugin's User-Agent:
// the login, the health requests on both runtime paths, the logout, the
// discovery and the token request.
func TestUserAgentOnEveryRequest(t *testing.T) {
	st := newStand(t)
	rec := &seen{}
	creatio := serve(t, rec.wrap(st.Creatio))
	identity := serve(t, rec.wrap(st.Identity))
	c := newClient(t, ClientConfig{})
	id := Identity{Client: c, URL: mustURL(t, identity.URL+"/ok"), ClientID: fixture.Client, Secret: fixture.Secret}
	ctx := runCtx(t, 5*time.Second)
	formsBase := mustURL(t, creatio.URL+"/forms-net")
	for _, run := range []Runner{
		&Endpoint{Client: c, Base: formsBase, Auth: &FormsLogin{Base: formsBase, User: fixture.User, Password: fixture.Password}, Policy: testPolicy},
		&Endpoint{Client: c, Base: mustURL(t, creatio.URL+"/bearer"), Auth: &OAuthLogin{Identity: id}, Policy: testPolicy},
		&Both{Endpoint: &Endpoint{Client: c, Base: mustURL(t, creatio.URL+"/ok"), Policy: testPolicy}, Direct: &Direct{Identity: id, Policy: testPolicy}},
	} {
		if r := run.Run(ctx); r.State != plugin.OK {
			t.Fatalf("%T: %v %s", run, r.State, r.Summary)
		}
	}
	var got []string
	for _, r := range rec.list() {
		if r.userAgent != "check_creatio_oauth/"+testVersion {
			t.Errorf("%s %s came with User-Agent %q", r.method, r.path, r.userAgent)
		}
		got = append(got, r.method+" "+r.path)
	}
	for _, want := range []string{
		"POST /forms-net/ServiceModel/AuthService.svc/Login",
		"GET /forms-net/0/api/OAuthHealthCheck",
		"GET /forms-net/api/OAuthHealthCheck",
		"POST /forms-net/ServiceModel/AuthService.svc/Logout",
		"GET /ok/.well-known/openid-configuration",
		"POST /ok/connect/token",
		"GET /bearer/0/api/OAuthHealthCheck",
		"GET /ok/0/api/OAuthHealthCheck",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("no %s among the requests %q", want, got)
		}
	}
}

// -vvv traces every request and answer, the token request like the others,
// with every secret redacted: passwords, client secrets, tokens, session
// cookies, the CSRF header and the queries of Location headers.
func TestTrace(t *testing.T) {
	st := newStand(t)
	var trace Trace
	c := newClient(t, ClientConfig{Debug: trace.Printf})
	c.Secrets().Add(fixture.Password)
	c.Secrets().Add(fixture.Secret)
	ctx := runCtx(t, 5*time.Second)
	id := Identity{Client: c, URL: variant(t, st, "ok"), ClientID: fixture.Client, Secret: fixture.Secret}
	forms := scenario(t, st, "forms")
	for _, run := range []Runner{
		&Endpoint{Client: c, Base: forms, Runtime: RuntimeNetFx, Auth: &FormsLogin{Base: forms, User: fixture.User, Password: fixture.Password}, Policy: testPolicy},
		&Endpoint{Client: c, Base: scenario(t, st, "bearer"), Runtime: RuntimeNetFx, Auth: &OAuthLogin{Identity: id}, Policy: testPolicy},
		&Endpoint{Client: c, Base: scenario(t, st, "login-redirect"), Runtime: RuntimeNetFx, Policy: testPolicy},
		&Direct{Identity: Identity{Client: c, URL: variant(t, st, "echo"), ClientID: fixture.Client, Secret: fixture.Secret}, Policy: testPolicy},
	} {
		run.Run(ctx)
	}
	if _, err := c.get(ctx, mustURL(t, st.C.URL+"/ok/0/api/OAuthHealthCheck?access_token=tok-sEcReT#frag")); err != nil {
		t.Fatal(err)
	}
	out := strings.Join(trace.Lines(), "\n")
	idp, cre := st.ID.URL, st.C.URL
	for _, want := range []string{
		"> POST " + cre + "/forms/ServiceModel/AuthService.svc/Login",
		"> Forceusesession: true",
		"< 200 OK from " + cre + "/forms/ServiceModel/AuthService.svc/Login, ",
		"< Set-Cookie: [redacted]",
		"> Bpmcsrf: [redacted]",
		"> POST " + cre + "/forms/ServiceModel/AuthService.svc/Logout",
		"> GET " + idp + "/ok/.well-known/openid-configuration",
		"> POST " + idp + "/ok/connect/token",
		"> Content-Type: application/x-www-form-urlencoded",
		"> (form: grant_type=client_credentials, client_id=monitoring, client_secret=[redacted])",
		"< 200 OK from " + idp + "/ok/connect/token, ",
		`< token: token_type "Bearer", expires_in 3600, JWT true`,
		"> Authorization: [redacted]",
		"> User-Agent: check_creatio_oauth/" + testVersion,
		"< Location: /login-redirect/Login/NuiLogin.aspx?…",
		"> POST " + idp + "/echo/connect/token",
		"< 400 Bad Request from " + idp + "/echo/connect/token",
		"> GET " + cre + "/ok/0/api/OAuthHealthCheck?…\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the trace lacks %q", want)
		}
	}
	if what := leaked(out, standSecrets...); what != "" {
		t.Errorf("the trace shows %s:\n%s", what, out)
	}
	for _, ck := range st.Cookies() {
		if strings.Contains(out, ck) {
			t.Errorf("the trace shows the session cookie %q", ck)
		}
	}
	if strings.Contains(out, "ReturnUrl") {
		t.Error("the trace shows the query of a Location")
	}
	if t.Failed() {
		t.Logf("the trace:\n%s", out)
	}
}

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
		if got := redactRaw(tc.in); got != tc.want {
			t.Errorf("redactRaw(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := redactURL(nil); got != "" {
		t.Errorf("redactURL(nil) = %q", got)
	}
	if got, want := redactURL(mustURL(t, "https://u:p@crm.example/x?token=1#f")), "https://crm.example/x?…"; got != want {
		t.Errorf("redactURL = %q, want %q", got, want)
	}
	for _, tc := range []struct{ base, p, want string }{
		{"https://crm.example", "/0/api/OAuthHealthCheck", "https://crm.example/0/api/OAuthHealthCheck"},
		{"https://crm.example/crm", "/api/OAuthHealthCheck", "https://crm.example/crm/api/OAuthHealthCheck"},
		{"https://ids.example/", "/connect/token", "https://ids.example/connect/token"},
	} {
		if got := below(mustURL(t, tc.base), tc.p).String(); got != tc.want {
			t.Errorf("below(%q, %q) = %q, want %q", tc.base, tc.p, got, tc.want)
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
		if got := sameOrigin(mustURL(t, tc.a), mustURL(t, tc.b)); got != tc.want {
			t.Errorf("sameOrigin(%s, %s) = %t, want %t", tc.a, tc.b, got, tc.want)
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
			resp, err := c.get(runCtx(t, 5*time.Second), mustURL(t, st.C.URL+"/"+tc.scenario+"/0/api/OAuthHealthCheck"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(resp.Body), tc.body) || resp.Size != tc.size || resp.TooLarge != tc.tooLarge {
				t.Errorf("body %.40q (%d bytes), size %d, too large %t; want %.40q, %d, %t", resp.Body, len(resp.Body), resp.Size, resp.TooLarge, tc.body, tc.size, tc.tooLarge)
			}
			if cap := cmpOr(tc.maxBody, DefaultMaxBody); int64(len(resp.Body)) > cap {
				t.Errorf("%d bytes kept, over the cap of %d", len(resp.Body), cap)
			}
			if resp.URL.Path != "/"+cmpOr(map[string]string{"redirect-same-host": "ok"}[tc.scenario], tc.scenario)+"/0/api/OAuthHealthCheck" {
				t.Errorf("answer from %s", resp.URL)
			}
			tm := resp.Timings
			if tm.Total <= 0 || tm.FirstByte <= 0 || tm.FirstByte > tm.Total || tm.TLS != 0 || tm.Connect < 0 {
				t.Errorf("timings %+v", tm)
			}
		})
	}
}

// Over https the handshake is timed and its certificate noted; the
// endpoint's perfdata then holds time_tls.
func TestClientTLS(t *testing.T) {
	notAfter := time.Now().Add(90 * 24 * time.Hour).Truncate(time.Second)
	srv, pemText := fixture.TLSServer(t, fixture.ServeBytes(http.StatusOK, "application/json", []byte(fixture.HealthyBody)), []string{"localhost"}, fixture.Loopback, notAfter, nil)
	c := newClient(t, ClientConfig{CAFiles: []string{fixture.WriteFile(t, "ca.pem", pemText)}})
	base := mustURL(t, srv.URL)
	r := (&Endpoint{Client: c, Base: base, Runtime: RuntimeNet, Policy: testPolicy}).Run(runCtx(t, 5*time.Second))
	if r.State != plugin.OK {
		t.Fatalf("%v %s", r.State, r.Summary)
	}
	if got, want := labels(r), []string{"time", "time_connect", "time_tls", "time_firstbyte", "size"}; !slices.Equal(got, want) {
		t.Errorf("perfdata %v, want %v", got, want)
	}
	if p, _ := perf(r, "time_tls"); p.Value <= 0 {
		t.Errorf("time_tls %s", p)
	}
	if got, ok := c.CertNotAfter(base); !ok || !got.Equal(notAfter) {
		t.Errorf("CertNotAfter = %v %t, want %v", got, ok, notAfter)
	}
	if _, ok := c.CertNotAfter(mustURL(t, "https://localhost:"+base.Port())); ok {
		t.Error("a certificate noted for a host not asked")
	}
	// The name the certificate is for, and --insecure for one it is not.
	_, port := base.Hostname(), base.Port()
	if r := (&Endpoint{Client: c, Base: mustURL(t, "https://localhost:"+port), Runtime: RuntimeNet, Policy: testPolicy}).Run(runCtx(t, 5*time.Second)); r.State != plugin.OK {
		t.Errorf("localhost: %v %s", r.State, r.Summary)
	}
	other, _ := fixture.TLSServer(t, fixture.ServeBytes(http.StatusOK, "application/json", []byte(fixture.HealthyBody)), []string{"creatio.example"}, nil, notAfter, nil)
	if r := (&Endpoint{Client: newClient(t, ClientConfig{Insecure: true}), Base: mustURL(t, other.URL), Runtime: RuntimeNet, Policy: testPolicy}).Run(runCtx(t, 5*time.Second)); r.State != plugin.OK {
		t.Errorf("--insecure: %v %s", r.State, r.Summary)
	}
	if r := (&Endpoint{Client: c, Base: mustURL(t, other.URL), Runtime: RuntimeNet, Policy: testPolicy}).Run(runCtx(t, 5*time.Second)); r.State != plugin.Critical || !strings.Contains(r.Summary, " is not valid for 127.0.0.1; use the name the certificate is for") {
		t.Errorf("a certificate for another name: %v %s", r.State, r.Summary)
	}
	stranger, _ := fixture.TLSServer(t, fixture.ServeBytes(http.StatusOK, "application/json", []byte(fixture.HealthyBody)), nil, fixture.Loopback, notAfter, nil)
	if r := (&Endpoint{Client: c, Base: mustURL(t, stranger.URL), Runtime: RuntimeNet, Policy: testPolicy}).Run(runCtx(t, 5*time.Second)); r.State != plugin.Critical || !strings.Contains(r.Summary, " is not signed by a CA of --ca-file "+c.caFiles[0]+"; give the CA that signed it") {
		t.Errorf("a CA not given: %v %s", r.State, r.Summary)
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
		p := Policy{Timeout: 5 * time.Second, TimeoutState: plugin.Unknown, Unreachable: plugin.Warning}
		r := (&Endpoint{Client: newClient(t, ClientConfig{CAFiles: []string{tc.ca}}), Base: mustURL(t, tc.url), Runtime: RuntimeNet, Policy: p}).Run(runCtx(t, 5*time.Second))
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
	if _, err := ReadFileLimited(t.TempDir(), 10); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("ReadFileLimited of a directory: %v", err)
	}
	p := Policy{Timeout: 5 * time.Second, TimeoutState: plugin.Unknown, Unreachable: plugin.Warning}
	without := (&Endpoint{Client: newClient(t, ClientConfig{CAFiles: []string{ca}}), Base: mustURL(t, srv.URL), Runtime: RuntimeNet, Policy: p}).Run(runCtx(t, 5*time.Second))
	if without.State != plugin.Warning || !strings.Contains(without.Summary, "check --client-cert/--client-key") {
		t.Errorf("without a client certificate: %v %s", without.State, without.Summary)
	}
	with := (&Endpoint{Client: newClient(t, ClientConfig{CAFiles: []string{ca}, ClientCert: cert, ClientKey: key}), Base: mustURL(t, srv.URL), Runtime: RuntimeNet, Policy: p}).Run(runCtx(t, 5*time.Second))
	if with.State != plugin.OK {
		t.Errorf("with a client certificate: %v %s", with.State, with.Summary)
	}
}

// proxied is the simulated Creatio (plain and TLS) and Identity Service
// behind proxies of each mode, reached under names that are not loopback
// (loopback never goes through a proxy): creatio.test and identity.test
// over http, example.com (the name of httptest's certificate) over https.
type proxied struct {
	creatio              *sim.Creatio
	ca                   string
	forward, auth, bad   string // the proxies' URLs
	dead                 string // a proxy URL where nothing listens
	forwardProxy         *sim.Proxy
	plainBase, tlsBase   string
	identityURL, tlsHost string
}

func newProxied(t *testing.T) *proxied {
	identity := sim.NewIdentity(sim.IdentityConfig{Clients: map[string]string{fixture.Client: fixture.Secret}})
	creatio := sim.NewCreatio(sim.CreatioConfig{User: fixture.User, Password: fixture.Password, ValidateToken: identity.ValidateToken})
	plain := httptest.NewServer(creatio)
	secure := httptest.NewTLSServer(creatio)
	ids := httptest.NewServer(identity)
	t.Cleanup(func() { plain.Close(); secure.Close(); ids.Close(); creatio.Close() })
	p := &proxied{creatio: creatio, ca: fixture.CAFile(t, secure), dead: "http://" + fixture.ClosedPort(t),
		plainBase: "http://creatio.test", tlsBase: "https://example.com", identityURL: "http://identity.test/ok"}
	for mode, dst := range map[sim.ProxyMode]*string{sim.ProxyForward: &p.forward, sim.ProxyAuthRequired: &p.auth, sim.ProxyBadGateway: &p.bad} {
		proxy := sim.NewProxy(mode)
		proxy.Hosts = map[string]string{"creatio.test": plain.Listener.Addr().String(), "example.com": secure.Listener.Addr().String(), "identity.test": ids.Listener.Addr().String()}
		ps := httptest.NewServer(proxy)
		t.Cleanup(func() { ps.Close(); proxy.Close() })
		*dst = ps.URL
		if mode == sim.ProxyForward {
			p.forwardProxy = proxy
		}
	}
	return p
}

// A proxy is used as ClientConfig.Proxy says, for every request of every
// mode; when it refuses, fails or wants credentials, it is named with the
// variable it came from, and neither Creatio nor the Identity Service is
// blamed.
func TestClientProxy(t *testing.T) {
	px := newProxied(t)
	httpVia := func(u string) ProxyEnv { return ProxyEnv{HTTP: u, HTTPVar: "HTTP_PROXY"} }
	httpsVia := func(u string) ProxyEnv { return ProxyEnv{HTTPS: u, HTTPSVar: "https_proxy"} }
	host := func(u string) string { return strings.TrimPrefix(u, "http://") }
	forms := func(base string) string { return "forms:" + base }
	unavailable := isUnavailable
	for _, tc := range []struct {
		name    string
		proxy   ProxyEnv
		run     string // the Creatio base URL, "forms:" and one, "oauth:" and one, or "direct"
		timeout time.Duration
		want    plugin.State
		says    string
	}{
		{"forward, http", httpVia(px.forward), px.plainBase + "/ok", 0, plugin.OK, asExpected},
		{"forward, https", httpsVia(px.forward), px.tlsBase + "/ok", 0, plugin.OK, asExpected},
		{"forward, forms login", httpVia(px.forward), forms(px.plainBase + "/forms"), 0, plugin.OK, asExpected},
		{"forward, oauth login", httpVia(px.forward), "oauth:" + px.plainBase + "/bearer", 0, plugin.OK, asExpected},
		{"forward, direct", httpVia(px.forward), "direct", 0, plugin.OK, asExpected},
		{"forward, Secure cookie over http", httpVia(px.forward), forms(px.plainBase + "/forms-secure"), 0, plugin.Unknown,
			"login as Supervisor: Creatio sends its session cookie only over https (Secure); use an https --url"},
		{"forward, Secure cookie over https", httpsVia(px.forward), forms(px.tlsBase + "/forms-secure"), 0, plugin.OK, asExpected},
		{"forward, Creatio hangs", httpVia(px.forward), px.plainBase + "/hang", hangTimeout, plugin.Unknown,
			"the health request to creatio.test (via the proxy " + host(px.forward) + " from HTTP_PROXY) got no answer before the 0.3 s timeout"},
		{"407, http", httpVia(px.auth), px.plainBase + "/ok", 0, plugin.Unknown,
			"the proxy " + host(px.auth) + " (from HTTP_PROXY) wants authentication (HTTP 407); put its user and password into that variable, or exempt creatio.test with NO_PROXY"},
		{"407, https", httpsVia(px.auth), px.tlsBase + "/ok", 0, plugin.Unknown, "(from https_proxy) wants authentication (HTTP 407); put its user and password into that variable, or exempt example.com with NO_PROXY"},
		{"407 at the login", httpsVia(px.auth), forms(px.tlsBase + "/forms"), 0, plugin.Unknown, "wants authentication (HTTP 407)"},
		{"407, direct", httpVia(px.auth), "direct", 0, plugin.Unknown, unavailable + "the proxy " + host(px.auth) + " (from HTTP_PROXY) wants authentication (HTTP 407)"},
		{"502 from a plain-http proxy", httpVia(px.bad), px.plainBase + "/ok", 0, plugin.Critical,
			"Creatio answered HTTP 502 Bad Gateway through the proxy " + host(px.bad) + " (from HTTP_PROXY; check it too), not the OAuth health JSON"},
		{"502 at the login", httpVia(px.bad), forms(px.plainBase + "/forms"), 0, plugin.Critical,
			"Creatio answered HTTP 502 Bad Gateway to the login as Supervisor (AuthService.svc) through the proxy " + host(px.bad) + " (from HTTP_PROXY; check it too)"},
		{"502 to CONNECT", httpsVia(px.bad), px.tlsBase + "/ok", 0, plugin.Warning,
			"the proxy " + host(px.bad) + " (from https_proxy) could not open a tunnel to example.com (HTTP 502 Bad Gateway); check the proxy and its logs"},
		{"dead proxy, http", httpVia(px.dead), px.plainBase + "/ok", 0, plugin.Warning,
			"the proxy " + host(px.dead) + " (from HTTP_PROXY) cannot be reached (connection refused); check the proxy, or exempt creatio.test with NO_PROXY"},
		{"dead proxy, https", httpsVia(px.dead), px.tlsBase + "/ok", 0, plugin.Warning, "(from https_proxy) cannot be reached (connection refused)"},
		{"dead proxy, direct", httpVia(px.dead), "direct", 0, plugin.Warning, unavailable + "the proxy " + host(px.dead) + " (from HTTP_PROXY) cannot be reached"},
		{"dead proxy, oauth login", httpVia(px.dead), "oauth:" + px.plainBase + "/bearer", 0, plugin.Warning, unavailable + "the proxy " + host(px.dead)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			timeout := cmpOr(tc.timeout, 5*time.Second)
			p := Policy{Timeout: timeout, TimeoutState: plugin.Unknown, Unreachable: plugin.Warning}
			var trace Trace
			c := newClient(t, ClientConfig{Proxy: tc.proxy, CAFiles: []string{px.ca}, Debug: trace.Printf})
			id := Identity{Client: c, URL: mustURL(t, px.identityURL), ClientID: fixture.Client, Secret: fixture.Secret}
			var run Runner
			switch kind, base, _ := strings.Cut(tc.run, ":"); {
			case tc.run == "direct":
				run = &Direct{Identity: id, Policy: p}
			case kind == "forms":
				run = &Endpoint{Client: c, Base: mustURL(t, base), Runtime: RuntimeNetFx, Auth: &FormsLogin{Base: mustURL(t, base), User: fixture.User, Password: fixture.Password}, Policy: p}
			case kind == "oauth":
				run = &Endpoint{Client: c, Base: mustURL(t, base), Runtime: RuntimeNetFx, Auth: &OAuthLogin{Identity: id}, Policy: p}
			default:
				run = &Endpoint{Client: c, Base: mustURL(t, tc.run), Runtime: RuntimeNetFx, Policy: p}
			}
			r := run.Run(runCtx(t, timeout))
			checkReport(t, r, nil)
			if r.State != tc.want || !strings.Contains(r.Summary, tc.says) {
				t.Errorf("%v %q,\nwant %v %q", r.State, r.Summary, tc.want, tc.says)
			}
			if tc.want == plugin.OK && !strings.Contains(strings.Join(trace.Lines(), "\n"), " via proxy "+host(px.forward)) {
				t.Errorf("the trace does not name the proxy:\n%s", strings.Join(trace.Lines(), "\n"))
			}
		})
	}
	if n := px.creatio.LiveSessions(); n != 1 {
		t.Errorf("%d live sessions after the proxy cases, want 1 (the Secure one over http, whose cookie cannot go back)", n)
	}
	if px.forwardProxy.Requests() == 0 {
		t.Error("the forward proxy saw no request")
	}
}

// A proxy that drops the connection, or whose name does not resolve, is
// named as the proxy.
func TestClientProxyTrouble(t *testing.T) {
	p := Policy{Timeout: 5 * time.Second, TimeoutState: plugin.Unknown, Unreachable: plugin.Warning}
	drops := fixture.NewRawServer(t, func(net.Conn, <-chan struct{}) {}).URL("http")
	var answered atomic.Int32
	for _, tc := range []struct {
		name, proxy, says string
	}{
		{"drops the connection", drops, "creatio.test (via the proxy " + strings.TrimPrefix(drops, "http://") + " from HTTP_PROXY) closed the connection without a complete answer"},
		{"no such proxy", "http://no-such-proxy.invalid:3128",
			"the proxy no-such-proxy.invalid:3128 (from HTTP_PROXY) cannot be reached (cannot resolve no-such-proxy.invalid); check the proxy, or exempt creatio.test with NO_PROXY"},
	} {
		c := newClient(t, ClientConfig{Proxy: ProxyEnv{HTTP: tc.proxy, HTTPVar: "HTTP_PROXY"}})
		c.hc.Transport.(*http.Transport).DialContext = (&net.Dialer{Resolver: nxdomainResolver(t, &answered)}).DialContext
		r := (&Endpoint{Client: c, Base: mustURL(t, "http://creatio.test/ok"), Runtime: RuntimeNetFx, Policy: p}).Run(runCtx(t, 5*time.Second))
		if r.State != plugin.Warning || !strings.Contains(r.Summary, tc.says) {
			t.Errorf("%s: %v %q,\nwant WARNING %q", tc.name, r.State, r.Summary, tc.says)
		}
	}
	if answered.Load() == 0 {
		t.Error("the loopback DNS server answered no query")
	}
	pe := &proxyError{proxy: mustURL(t, "http://proxy.example:3128"), status: "407 Proxy Authentication Required", code: 407}
	if got, want := pe.Error(), "proxy proxy.example:3128 answered 407 Proxy Authentication Required"; got != want {
		t.Errorf("proxyError = %q, want %q", got, want)
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
	if _, err := c.send(context.Background(), "BAD METHOD", mustURL(t, "http://127.0.0.1/"), "", nil, nil); err == nil {
		t.Error("a method with a space was sent")
	}
	if c.Secrets() == nil {
		t.Error("no Secrets")
	}
	shared := &Secrets{}
	if newClient(t, ClientConfig{Secrets: shared}).Secrets() != shared {
		t.Error("the given Secrets are not used")
	}
}
