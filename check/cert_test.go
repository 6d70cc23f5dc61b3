package check

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"check_creatio_oauth/check/creatio"
	"check_creatio_oauth/check/identity"
	"check_creatio_oauth/check/web"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
)

// --certificate rates the certificates the check met, against the clock
// of Certificates.Now: fewer days than Warn is WARNING, than Crit
// CRITICAL, an expired one CRITICAL; a check's own failure keeps its line.
func TestCertificates(t *testing.T) {
	st := newStand(t)
	// x509 keeps whole seconds: the days left are exact for a Now a whole
	// number of days before.
	notAfter := time.Now().Add(400 * 24 * time.Hour).Truncate(time.Second)
	healthy := fixture.ServeBytes(http.StatusOK, "application/json", []byte(fixture.HealthyBody))
	creatioSrv, creatioPEM := fixture.TLSServer(t, healthy, nil, fixture.Loopback, notAfter, nil)
	broken, brokenPEM := fixture.TLSServer(t, fixture.ServeBytes(http.StatusInternalServerError, "text/html", []byte("<html>")), nil, fixture.Loopback, notAfter, nil)
	idSrv, identityPEM := fixture.TLSServer(t, st.Identity, nil, fixture.Loopback, notAfter.Add(-100*24*time.Hour), nil)
	cas := []string{fixture.WriteFile(t, "creatio.pem", creatioPEM), fixture.WriteFile(t, "broken.pem", brokenPEM), fixture.WriteFile(t, "identity.pem", identityPEM)}
	day := 24 * time.Hour
	before := func(d time.Duration) func() time.Time { return func() time.Time { return notAfter.Add(-d) } }

	for _, tc := range []struct {
		name       string
		creatio    string // the Creatio base URL, "" for none (direct mode)
		identity   string // the Identity Service URL, "" for none
		warn, crit float64
		now        func() time.Time
		want       plugin.State
		says       string
		perf       map[string]float64 // the days of each certificate rated
	}{
		{name: "far from expiry", creatio: creatioSrv.URL, warn: 30, crit: 14, now: before(400 * day), want: plugin.OK, says: asExpected, perf: map[string]float64{"cert_days": 400}},
		{name: "within the warning days", creatio: creatioSrv.URL, warn: 30, crit: 14, now: before(20 * day), want: plugin.Warning,
			says: "Creatio's certificate (" + creatioSrv.Listener.Addr().String() + ") expires in 20 day(s), on " + notAfter.UTC().Format("2006-01-02 15:04 MST") + "; renew it", perf: map[string]float64{"cert_days": 20}},
		{name: "within the critical days", creatio: creatioSrv.URL, warn: 30, crit: 14, now: before(10 * day), want: plugin.Critical, says: "expires in 10 day(s)", perf: map[string]float64{"cert_days": 10}},
		{name: "no critical days", creatio: creatioSrv.URL, warn: 30, now: before(10 * day), want: plugin.Warning, says: "expires in 10 day(s)", perf: map[string]float64{"cert_days": 10}},
		{name: "expired by the clock", creatio: creatioSrv.URL, warn: 30, now: before(-36 * time.Hour), want: plugin.Critical,
			says: "Creatio's certificate (" + creatioSrv.Listener.Addr().String() + ") expired 1 day(s) ago, on " + notAfter.UTC().Format("2006-01-02 15:04 MST"), perf: map[string]float64{"cert_days": -1}},
		{name: "a check that failed keeps its line", creatio: broken.URL, warn: 30, now: before(20 * day), want: plugin.Critical, says: "Creatio answered HTTP 500", perf: map[string]float64{"cert_days": 20}},
		{name: "the Identity Service's in direct mode", identity: idSrv.URL + "/ok", warn: 30, crit: 14, now: before(20 * day), want: plugin.Critical,
			says: "the Identity Service's certificate (" + idSrv.Listener.Addr().String() + ") expired 80 day(s) ago", perf: map[string]float64{"ids_cert_days": -80}},
		{name: "both", creatio: creatioSrv.URL, identity: idSrv.URL + "/ok", warn: 30, now: before(200 * day), want: plugin.OK, says: "by Creatio and from this host",
			perf: map[string]float64{"cert_days": 200, "ids_cert_days": 100}},
		{name: "plain http", creatio: st.C.URL + "/ok", warn: 30, now: before(20 * day), want: plugin.OK, says: asExpected},
		{name: "no TLS connection made", creatio: "https://" + fixture.ClosedPort(t), warn: 30, now: before(20 * day), want: plugin.Critical, says: "refused"},
		{name: "the real clock", creatio: creatioSrv.URL, warn: 30, want: plugin.OK, says: asExpected, perf: map[string]float64{"cert_days": 400}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, web.ClientConfig{CAFiles: cas})
			var creatioURL, idURL *url.URL
			var check Runner
			direct := &Direct{Policy: directPolicy}
			if tc.identity != "" {
				idURL = mustURL(t, tc.identity)
				direct.Identity = identity.Identity{Client: c, URL: idURL, ClientID: fixture.Client, Secret: fixture.Secret}
				check = direct
			}
			if tc.creatio != "" {
				creatioURL = mustURL(t, tc.creatio)
				check = &creatio.Endpoint{Client: c, Base: creatioURL, Runtime: creatio.RuntimeNetFx, Policy: testPolicy}
				if idURL != nil {
					check = &Both{Endpoint: check.(*creatio.Endpoint), Direct: direct}
				}
			}
			r := (&Certificates{Check: check, Client: c, Creatio: creatioURL, Identity: idURL, Warn: tc.warn, Crit: tc.crit, Now: tc.now}).Run(runCtx(t, 5*time.Second))
			checkReport(t, r, nil)
			if r.State != tc.want || !strings.Contains(r.Summary, tc.says) {
				t.Errorf("%v %q,\nwant %v %q", r.State, r.Summary, tc.want, tc.says)
			}
			var rated []string
			for _, p := range r.Perf {
				if !strings.HasSuffix(p.Label, "cert_days") {
					continue
				}
				rated = append(rated, p.Label)
				want, ok := tc.perf[p.Label]
				if tc.now == nil {
					want = float64(int(p.Value)) // the real clock: a part of a day has passed
				}
				if !ok || p.Value != want || p.Unit != "" {
					t.Errorf("%s, want %v days", p, want)
				}
				if p.Warning == nil || p.Warning.String() != fmt.Sprintf("@~:%g", tc.warn) || (p.Critical != nil) != (tc.crit > 0) {
					t.Errorf("%s: want the days as thresholds", p)
				}
			}
			if len(rated) != len(tc.perf) {
				t.Errorf("certificates rated %v, want %v", rated, tc.perf)
			}
			for label := range tc.perf {
				name := map[string]string{"cert_days": "certificate", "ids_cert_days": "identity_certificate"}[label]
				s, ok := step(r, name)
				if !ok || (s.State == plugin.OK) != (s.Fix == "") || !strings.Contains(s.Detail, "certificate (127.0.0.1:") {
					t.Errorf("steps %v: want a %s step, a fix when it is not OK: %+v", steps(r), name, s)
				}
			}
			if !slices.Contains(labels(r), "time") {
				t.Errorf("perfdata %v: the check's own is kept", labels(r))
			}
		})
	}
}

// A certificate that expired less than 0.05 days ago (72 minutes) is
// expired, not "valid for -0.0 more days". The TLS handshake refuses it
// unless --insecure; with --insecure, or a clock a little ahead of the
// server's, the days round to -0.
func TestCertificateJustExpired(t *testing.T) {
	notAfter := time.Now().Add(24 * time.Hour).Truncate(time.Second)
	srv, _ := fixture.TLSServer(t, fixture.ServeBytes(http.StatusOK, "application/json", []byte(fixture.HealthyBody)), nil, fixture.Loopback, notAfter, nil)
	c := newClient(t, web.ClientConfig{Insecure: true})
	base := mustURL(t, srv.URL)
	for _, after := range []time.Duration{30 * time.Minute, 71 * time.Minute, 73 * time.Minute, 3 * time.Hour} {
		now := func() time.Time { return notAfter.Add(after) }
		r := (&Certificates{Check: &creatio.Endpoint{Client: c, Base: base, Runtime: creatio.RuntimeNet, Policy: testPolicy}, Client: c, Creatio: base, Warn: 30, Now: now}).Run(runCtx(t, 5*time.Second))
		if r.State != plugin.Critical || !strings.Contains(r.Summary, "expired") {
			// Rounded to 0.1 days, less than 72 minutes is -0: the sign
			// of the days must not decide.
			t.Errorf("expired %v ago: %v %q, want CRITICAL and expired", after, r.State, r.Summary)
		}
	}
}
