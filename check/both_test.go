package check

import (
	"cmp"
	"slices"
	"strings"
	"testing"
	"time"

	"check_creatio_oauth/check/creatio"
	"check_creatio_oauth/check/identity"
	"check_creatio_oauth/check/web"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
	"check_creatio_oauth/testdata/sim"
)

// Both runs the endpoint and the direct check side by side: the worst state
// wins, the status line names the check that found it, and an Identity
// Service that answers this host but not Creatio is the network problem.
func TestBoth(t *testing.T) {
	st := newStand(t)
	slow, _ := plugin.ParseThresholds("0.000001", "")
	for _, tc := range []struct {
		name       string
		creatio    string // a scenario, or "" for a closed port
		login      string // none or oauth
		variant    string
		secret     string // "" for the right one
		thresholds plugin.Thresholds
		want       plugin.State
		says       string
		available  bool // IsIdentityServiceAvailable: Creatio's, else the direct check's
	}{
		{name: "both ok", creatio: "ok", login: "none", variant: "ok", want: plugin.OK, says: "OAuth token is received as expected, by Creatio and from this host", available: true},
		{name: "both ok with an OAuth login", creatio: "bearer", login: "oauth", variant: "ok", want: plugin.OK, says: "OAuth token is received as expected, by Creatio and from this host", available: true},
		{name: "Creatio cannot reach the Identity Service", creatio: "identity-unavailable", login: "none", variant: "ok", want: plugin.Critical,
			says: "Creatio says the Identity Service is unavailable, but it is reachable from this host: check DNS, proxy and firewall between the Creatio server and the Identity Service"},
		{name: "the Identity Service is down", creatio: "identity-unavailable", login: "none", variant: "discovery-down", want: plugin.Critical,
			says: sim.MessageIdentityUnavailable + " Check the Identity Service"},
		{name: "direct worse", creatio: "ok", login: "none", variant: "ok", secret: "wrong-sEcReT", want: plugin.Critical,
			says: "from this host: " + unretrievable + "invalid_client (Client authentication failed); check the id/secret settings and this check's copy", available: true},
		{name: "direct warns", creatio: "ok", login: "none", variant: "future", want: plugin.Warning, says: "from this host: clock skew of ", available: true},
		{name: "endpoint worse", creatio: "html-500", login: "none", variant: "ok", want: plugin.Critical, says: "Creatio answered HTTP 500 Internal Server Error, not the OAuth health JSON", available: true},
		{name: "endpoint unreachable", creatio: "", login: "none", variant: "ok", want: plugin.Critical, says: "connection to 127.0.0.1:", available: true},
		{name: "endpoint slow", creatio: "ok", login: "none", variant: "ok", thresholds: slow, want: plugin.Warning, says: "health request took ", available: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, web.ClientConfig{})
			id := identity.Identity{Client: c, URL: variant(t, st, tc.variant), ClientID: fixture.Client, Secret: cmp.Or(tc.secret, fixture.Secret)}
			base := "http://" + fixture.ClosedPort(t)
			if tc.creatio != "" {
				base = st.C.URL + "/" + tc.creatio
			}
			ep := &creatio.Endpoint{Client: c, Base: mustURL(t, base), Runtime: creatio.RuntimeNetFx, Thresholds: tc.thresholds, Policy: testPolicy}
			if tc.login == "oauth" {
				ep.Auth = &creatio.OAuthLogin{Identity: id}
			}
			r := (&Both{Endpoint: ep, Direct: &Direct{Identity: id, Policy: directPolicy}}).Run(runCtx(t, 5*time.Second))
			checkReport(t, r, st)
			if r.Mode != "both" || r.State != tc.want || !strings.Contains(r.Summary, tc.says) {
				t.Errorf("%s %v %q,\nwant both %v %q", r.Mode, r.State, r.Summary, tc.want, tc.says)
			}
			// Direct's perfdata and steps follow the endpoint's, told apart.
			var direct []string
			for _, l := range labels(r) {
				if strings.HasSuffix(l, "_direct") || l == "time_discovery" || l == "token_lifetime" {
					direct = append(direct, l)
				}
			}
			if len(direct) < 2 || direct[0] != "time_direct" || direct[1] != "time_discovery" {
				t.Errorf("perfdata %v, want the direct check's as time_direct, time_discovery, ...", labels(r))
			}
			if got := labels(r)[0]; got != "time" {
				t.Errorf("perfdata %v, want the endpoint's time first", labels(r))
			}
			if tc.login == "oauth" && !slices.Contains(labels(r), "time_token") || !slices.Contains(labels(r), "time_token_direct") && tc.variant != "discovery-down" {
				t.Errorf("perfdata %v: the login's and the direct check's token times", labels(r))
			}
			var sawDirect bool
			for _, s := range r.Steps {
				if strings.HasPrefix(s.Name, "direct_") {
					sawDirect = true
				} else if sawDirect {
					t.Errorf("steps %v: the endpoint's step %s after the direct ones", steps(r), s.Name)
				}
			}
			if _, ok := step(r, "direct_settings"); !ok {
				t.Errorf("steps %v, want direct_settings", steps(r))
			}
			if r.Health == nil {
				t.Fatal("no health")
			}
			if a := r.Health.IdentityServiceAvailable; a == nil || *a != tc.available {
				t.Errorf("IsIdentityServiceAvailable %v, want %t", a, tc.available)
			}
			if got, want := r.Detail != "", tc.creatio != ""; got != want {
				t.Errorf("detail %q: the endpoint's, when it got an answer", r.Detail)
			}
		})
	}
}
