package check

import (
	"check_creatio_oauth/check/creatio"
	"check_creatio_oauth/check/identity"
	"check_creatio_oauth/check/internal/checktest"
	"check_creatio_oauth/check/report"
	"check_creatio_oauth/check/web"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
	"check_creatio_oauth/testdata/sim"
	"cmp"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// A proxy is used as ClientConfig.Proxy says, for every request of every
// mode; when it refuses, fails or wants credentials, it is named with the
// variable it came from, and neither Creatio nor the Identity Service is
// blamed.
func TestClientProxy(t *testing.T) {
	t.Parallel() // its waits overlap the other tests
	px := newProxied(t)
	httpVia := func(u string) web.ProxyEnv { return web.ProxyEnv{HTTP: u, HTTPVar: "HTTP_PROXY"} }
	httpsVia := func(u string) web.ProxyEnv { return web.ProxyEnv{HTTPS: u, HTTPSVar: "https_proxy"} }
	host := func(u string) string { return strings.TrimPrefix(u, "http://") }
	forms := func(base string) string { return "forms:" + base }
	unavailable := isUnavailable
	for _, tc := range []struct {
		name    string
		proxy   web.ProxyEnv
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
		{"forward, Creatio hangs", httpVia(px.forward), px.plainBase + "/hang", checktest.HangTimeout, plugin.Unknown,
			"the health request to creatio.test (via the proxy " + host(px.forward) + " from HTTP_PROXY) hit the 0.3 s timeout"},
		{"407, http", httpVia(px.auth), px.plainBase + "/ok", 0, plugin.Unknown,
			"the proxy " + host(px.auth) + " (HTTP_PROXY) wants a password (HTTP 407); give it user:password in HTTP_PROXY, or exempt creatio.test with NO_PROXY"},
		{"407, https", httpsVia(px.auth), px.tlsBase + "/ok", 0, plugin.Unknown, "(https_proxy) wants a password (HTTP 407); give it user:password in https_proxy, or exempt example.com with NO_PROXY"},
		{"407 at the login", httpsVia(px.auth), forms(px.tlsBase + "/forms"), 0, plugin.Unknown, "wants a password (HTTP 407)"},
		{"407, direct", httpVia(px.auth), "direct", 0, plugin.Unknown, unavailable + "the proxy " + host(px.auth) + " (HTTP_PROXY) wants a password (HTTP 407)"},
		{"502 from a plain-http proxy", httpVia(px.bad), px.plainBase + "/ok", 0, plugin.Critical,
			"Creatio answered HTTP 502 Bad Gateway via the proxy " + host(px.bad) + " (HTTP_PROXY), not the OAuth health JSON"},
		{"502 at the login", httpVia(px.bad), forms(px.plainBase + "/forms"), 0, plugin.Critical,
			"Creatio answered HTTP 502 Bad Gateway to the login as Supervisor (AuthService.svc) via the proxy " + host(px.bad) + " (HTTP_PROXY)"},
		{"502 to CONNECT", httpsVia(px.bad), px.tlsBase + "/ok", 0, plugin.Warning,
			"the proxy " + host(px.bad) + " (https_proxy) could not open a tunnel to example.com (HTTP 502 Bad Gateway); check the proxy and its logs"},
		{"dead proxy, http", httpVia(px.dead), px.plainBase + "/ok", 0, plugin.Warning,
			"the proxy " + host(px.dead) + " (HTTP_PROXY) cannot be reached (connection refused); check the proxy, or exempt creatio.test with NO_PROXY"},
		{"dead proxy, https", httpsVia(px.dead), px.tlsBase + "/ok", 0, plugin.Warning, "(https_proxy) cannot be reached (connection refused)"},
		{"dead proxy, direct", httpVia(px.dead), "direct", 0, plugin.Warning, unavailable + "the proxy " + host(px.dead) + " (HTTP_PROXY) cannot be reached"},
		{"dead proxy, oauth login", httpVia(px.dead), "oauth:" + px.plainBase + "/bearer", 0, plugin.Warning, unavailable + "the proxy " + host(px.dead)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			timeout := cmp.Or(tc.timeout, 5*time.Second)
			p := report.Policy{Timeout: timeout, TimeoutState: plugin.Unknown, Unreachable: plugin.Warning}
			var trace web.Trace
			c := newClient(t, web.ClientConfig{Proxy: tc.proxy, CAFiles: []string{px.ca}, Debug: trace.Printf})
			id := identity.Identity{Client: c, URL: mustURL(t, px.identityURL), ClientID: fixture.Client, Secret: fixture.Secret}
			var run Runner
			switch kind, base, _ := strings.Cut(tc.run, ":"); {
			case tc.run == "direct":
				p.Whose = report.CreatioSettings
				run = &Direct{Identity: id, Policy: p}
			case kind == "forms":
				run = &creatio.Endpoint{Client: c, Base: mustURL(t, base), Runtime: creatio.RuntimeNetFx, Auth: &creatio.FormsLogin{Base: mustURL(t, base), User: fixture.User, Password: fixture.Password}, Policy: p}
			case kind == "oauth":
				run = &creatio.Endpoint{Client: c, Base: mustURL(t, base), Runtime: creatio.RuntimeNetFx, Auth: &creatio.OAuthLogin{Identity: id}, Policy: p}
			default:
				run = &creatio.Endpoint{Client: c, Base: mustURL(t, tc.run), Runtime: creatio.RuntimeNetFx, Policy: p}
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

// proxied is the simulated Creatio (plain and TLS) and Identity Service
// behind proxies of each mode, reached under names that are not loopback
// (loopback never goes through a proxy): creatio.test and identity.test
// over http, example.com (the name of httptest's certificate) over https.
type proxied struct {
	creatio            *sim.Creatio
	ca                 string
	forward, auth, bad string // the proxies' URLs
	dead               string // a proxy URL where nothing listens
	forwardProxy       *sim.Proxy
	plainBase, tlsBase string
	identityURL        string
}

func newProxied(t *testing.T) *proxied {
	idSim := sim.NewIdentity(sim.IdentityConfig{Clients: map[string]string{fixture.Client: fixture.Secret}})
	creatioSim := sim.NewCreatio(sim.CreatioConfig{User: fixture.User, Password: fixture.Password, ValidateToken: idSim.ValidateToken})
	plain := httptest.NewServer(creatioSim)
	secure := httptest.NewTLSServer(creatioSim)
	ids := httptest.NewServer(idSim)
	t.Cleanup(func() { plain.Close(); secure.Close(); ids.Close(); creatioSim.Close() })
	p := &proxied{creatio: creatioSim, ca: fixture.CAFile(t, secure), dead: "http://" + fixture.ClosedPort(t),
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

// A host name HostURL accepts makes a URL that parses back: what no URL
// can hold (a '|', a control character, an unbalanced '[', an IPv6
// address without brackets and without --port) is the admin's --hostname
// mistake, UNKNOWN, or is put into brackets; not a failed health request.
func TestHostURLRefusesWhatNoURLHolds(t *testing.T) {
	var problems []string
	for _, host := range []string{"a|b", "crm\nexample", "crm\x00", "crm\"example", "::1", "fe80::1", "[::1", "::1]"} {
		u, err := web.HostURL(host, 0, false)
		if err != nil {
			continue
		}
		if _, perr := url.Parse(u.String()); perr != nil {
			r := (&creatio.Endpoint{Client: newClient(t, web.ClientConfig{}), Base: u, Policy: testPolicy}).Run(runCtx(t, 5*time.Second))
			problems = append(problems, fmt.Sprintf("web.HostURL(%q) = %s, which does not parse (%v); the run says %v %q", host, u, perr, r.State, r.Summary))
		}
	}
	if len(problems) > 0 {
		t.Errorf("HostURL makes URLs that do not parse, where it should bracket an IPv6 address or refuse the name:\n%s", strings.Join(problems, "\n"))
	}
}

// Over https the handshake is timed and its certificate noted; the
// endpoint's perfdata then holds time_tls.
func TestClientTLS(t *testing.T) {
	notAfter := time.Now().Add(90 * 24 * time.Hour).Truncate(time.Second)
	srv, pemText := fixture.TLSServer(t, fixture.ServeBytes(http.StatusOK, "application/json", []byte(fixture.HealthyBody)), []string{"localhost"}, fixture.Loopback, notAfter, nil)
	caFile := fixture.WriteFile(t, "ca.pem", pemText)
	c := newClient(t, web.ClientConfig{CAFiles: []string{caFile}})
	base := mustURL(t, srv.URL)
	r := (&creatio.Endpoint{Client: c, Base: base, Runtime: creatio.RuntimeNet, Policy: testPolicy}).Run(runCtx(t, 5*time.Second))
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
	if r := (&creatio.Endpoint{Client: c, Base: mustURL(t, "https://localhost:"+port), Runtime: creatio.RuntimeNet, Policy: testPolicy}).Run(runCtx(t, 5*time.Second)); r.State != plugin.OK {
		t.Errorf("localhost: %v %s", r.State, r.Summary)
	}
	other, _ := fixture.TLSServer(t, fixture.ServeBytes(http.StatusOK, "application/json", []byte(fixture.HealthyBody)), []string{"creatio.example"}, nil, notAfter, nil)
	if r := (&creatio.Endpoint{Client: newClient(t, web.ClientConfig{Insecure: true}), Base: mustURL(t, other.URL), Runtime: creatio.RuntimeNet, Policy: testPolicy}).Run(runCtx(t, 5*time.Second)); r.State != plugin.OK {
		t.Errorf("--insecure: %v %s", r.State, r.Summary)
	}
	if r := (&creatio.Endpoint{Client: c, Base: mustURL(t, other.URL), Runtime: creatio.RuntimeNet, Policy: testPolicy}).Run(runCtx(t, 5*time.Second)); r.State != plugin.Critical || !strings.Contains(r.Summary, " is not valid for 127.0.0.1; use the name the certificate is for") {
		t.Errorf("a certificate for another name: %v %s", r.State, r.Summary)
	}
	stranger, _ := fixture.TLSServer(t, fixture.ServeBytes(http.StatusOK, "application/json", []byte(fixture.HealthyBody)), nil, fixture.Loopback, notAfter, nil)
	if r := (&creatio.Endpoint{Client: c, Base: mustURL(t, stranger.URL), Runtime: creatio.RuntimeNet, Policy: testPolicy}).Run(runCtx(t, 5*time.Second)); r.State != plugin.Critical || !strings.Contains(r.Summary, " is not signed by a CA of --ca-file "+caFile+"; give the CA that signed it") {
		t.Errorf("a CA not given: %v %s", r.State, r.Summary)
	}
}
