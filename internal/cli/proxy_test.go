package cli

import (
	"encoding/pem"
	"net/http/httptest"
	"strings"
	"testing"

	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
	"check_creatio_oauth/testdata/sim"
)

// proxyStand is the simulated Creatio (plain and TLS) behind a proxy of
// the given mode, reached under names that are not loopback (loopback never
// goes through a proxy): creatio.test (http) and example.com (https, the
// name httptest's certificate is for).
func proxyStand(t *testing.T, mode sim.ProxyMode) (proxyURL, plainBase, tlsBase, caFile string, creatio *sim.Creatio) {
	t.Helper()
	creatio = sim.NewCreatio(sim.CreatioConfig{User: fixture.User, Password: fixture.Password})
	plain := httptest.NewServer(creatio)
	secure := httptest.NewTLSServer(creatio)
	proxy := sim.NewProxy(mode)
	proxy.Hosts = map[string]string{"creatio.test": plain.Listener.Addr().String(), "example.com": secure.Listener.Addr().String()}
	ps := httptest.NewServer(proxy)
	t.Cleanup(func() { ps.Close(); proxy.Close(); plain.Close(); secure.Close(); creatio.Close() })
	caFile = fixture.WriteFile(t, "ca.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: secure.Certificate().Raw})))
	return ps.URL, "http://creatio.test", "https://example.com", caFile, creatio
}

// A proxy that refuses, fails or wants credentials is named as the proxy,
// with the variable it came from; neither Creatio nor the Identity Service
// is blamed.
func TestProxy(t *testing.T) {
	fwd, plainBase, tlsBase, ca, creatio := proxyStand(t, sim.ProxyForward)
	auth, _, _, _, _ := proxyStand(t, sim.ProxyAuthRequired)
	bad, _, _, _, _ := proxyStand(t, sim.ProxyBadGateway)
	dead := "http://" + fixture.ClosedPort(t)

	for _, tc := range []struct {
		name   string
		env    map[string]string
		args   []string
		want   plugin.State
		says   string
		noTime bool // the check failed before anything was timed
	}{
		{"forward, http", map[string]string{"HTTP_PROXY": fwd}, []string{"-U", plainBase + "/ok"}, plugin.OK, wordsOK, false},
		{"forward, https", map[string]string{"HTTPS_PROXY": fwd}, []string{"-U", tlsBase + "/ok", "--ca-file", ca}, plugin.OK, wordsOK, false},
		{"forward, lower-case variable", map[string]string{"https_proxy": fwd}, []string{"-U", tlsBase + "/ok", "--ca-file", ca}, plugin.OK, wordsOK, false},
		{"NO_PROXY exempts the host", map[string]string{"HTTP_PROXY": dead, "NO_PROXY": "creatio.test"}, []string{"-U", plainBase + "/ok"}, plugin.Critical, "cannot resolve creatio.test", false},
		{"dead proxy, http", map[string]string{"HTTP_PROXY": dead}, []string{"-U", plainBase + "/ok"}, plugin.Critical,
			"the proxy " + strings.TrimPrefix(dead, "http://") + " (HTTP_PROXY) cannot be reached (connection refused); check the proxy, or exempt creatio.test with NO_PROXY", false},
		{"dead proxy, https", map[string]string{"HTTPS_PROXY": dead}, []string{"-U", tlsBase + "/ok", "--ca-file", ca}, plugin.Critical, "(HTTPS_PROXY) cannot be reached (connection refused)", false},
		{"dead proxy, unreachable state", map[string]string{"HTTPS_PROXY": dead}, []string{"-U", tlsBase + "/ok", "--ca-file", ca, "--unreachable-state", "WARNING"}, plugin.Warning, "cannot be reached", false},
		{"dead proxy, direct mode", map[string]string{"HTTPS_PROXY": dead, "CREATIO_CLIENT_SECRET": fixture.Secret}, []string{"--mode", "direct", "--identity-url", tlsBase + "/ok", "--client-id", fixture.Client, "--ca-file", ca}, plugin.Critical,
			wordsIdentityUnavailable + ": the proxy", true},
		{"407, http", map[string]string{"HTTP_PROXY": auth}, []string{"-U", plainBase + "/ok"}, plugin.Unknown, "(HTTP_PROXY) wants a password (HTTP 407)", false},
		{"407, https", map[string]string{"HTTPS_PROXY": auth}, []string{"-U", tlsBase + "/ok", "--ca-file", ca}, plugin.Unknown, "(HTTPS_PROXY) wants a password (HTTP 407)", false},
		{"407 at the login", map[string]string{"HTTPS_PROXY": auth, "CREATIO_PASSWORD": fixture.Password}, []string{"-U", tlsBase + "/forms", "--ca-file", ca, "--user", fixture.User}, plugin.Unknown, "wants a password (HTTP 407)", true},
		{"502 to CONNECT", map[string]string{"HTTPS_PROXY": bad}, []string{"-U", tlsBase + "/ok", "--ca-file", ca}, plugin.Critical, "(HTTPS_PROXY) could not open a tunnel to example.com (HTTP 502 Bad Gateway)", false},
		{"502 from a plain-http proxy", map[string]string{"HTTP_PROXY": bad}, []string{"-U", plainBase + "/ok"}, plugin.Critical, "via the proxy", false},
		{"Secure session cookie over plain http", map[string]string{"HTTP_PROXY": fwd, "CREATIO_PASSWORD": fixture.Password}, []string{"-U", plainBase + "/forms-secure", "--user", fixture.User}, plugin.Unknown,
			"Creatio sends its session cookie only over https (Secure); use an https --url", false},
		{"Secure session cookie over https", map[string]string{"HTTPS_PROXY": fwd, "CREATIO_PASSWORD": fixture.Password}, []string{"-U", tlsBase + "/forms-secure", "--user", fixture.User, "--ca-file", ca}, plugin.OK, wordsOK, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, out := runPlugin(t, tc.env, append(tc.args, "-t", generousTimeout)...)
			line1, _, _ := strings.Cut(string(out), "\n")
			if got != tc.want || !strings.Contains(line1, tc.says) {
				t.Errorf("state %v, want %v, and line 1 saying %q:\n%s", got, tc.want, tc.says, out)
			}
			t.Logf("%s", line1)
			checkShape(t, out, !tc.noTime)
		})
	}
	if n := creatio.LiveSessions(); n != 1 {
		// forms-secure over http: Creatio made a session whose cookie
		// the plugin may not send back over plain http, so it cannot end it.
		t.Errorf("%d live sessions after the proxy cases, want 1 (the Secure one over http)", n)
	}
}
