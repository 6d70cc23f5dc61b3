// Package checktest holds the helpers of check/'s tests that run the checks
// against real loopback servers: the simulated Creatio and Identity Service
// of testdata/sim (the stand of testdata/fixture), httptest servers and
// request recorders, and the assertions every report must meet. It is for
// tests only, and imports no package of check/ but report.
package checktest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"check_creatio_oauth/check/report"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
	"check_creatio_oauth/testdata/sim"
)

// The helpers of the tests that run the checks against real loopback
// servers: the simulated Creatio and Identity Service of testdata/sim (the
// stand of testdata/fixture), httptest servers and raw TCP servers.

// TestVersion is the plugin version the tests give their clients: every
// request must carry it in its User-Agent.
const TestVersion = "9.8.7-test"

// HangTimeout is the run's budget in the cases that wait for a server that
// never answers: short, so that the package's tests stay fast.
const HangTimeout = 300 * time.Millisecond

// MustURL parses raw.
func MustURL(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Policy is the default policy (everything CRITICAL) with timeout as -t.
func Policy(timeout time.Duration) report.Policy {
	return report.Policy{Timeout: timeout, TimeoutState: plugin.Critical, Unreachable: plugin.Critical}
}

// SettingsPolicy is Policy for a check of Creatio's own settings (direct
// mode), as the configuration gives it.
func SettingsPolicy(timeout time.Duration) report.Policy {
	p := Policy(timeout)
	p.Whose = report.CreatioSettings
	return p
}

// RunCtx is a context with the run's deadline, as main gives it.
func RunCtx(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	return ctx
}

// Labels are the perfdata labels of r, in order.
func Labels(r *report.Report) []string {
	var l []string
	for _, p := range r.Perf {
		l = append(l, p.Label)
	}
	return l
}

// Perf is the perfdata item of r labelled label.
func Perf(r *report.Report, label string) (plugin.Perf, bool) {
	for _, p := range r.Perf {
		if p.Label == label {
			return p, true
		}
	}
	return plugin.Perf{}, false
}

// Steps lists the steps of r as "name:STATE".
func Steps(r *report.Report) []string {
	var s []string
	for _, st := range r.Steps {
		s = append(s, st.Name+":"+st.State.String())
	}
	return s
}

// Step is the step of r called name.
func Step(r *report.Report, name string) (report.Step, bool) {
	for _, s := range r.Steps {
		if s.Name == name {
			return s, true
		}
	}
	return report.Step{}, false
}

// Note is the first note of r that starts with prefix, or "".
func Note(r *report.Report, prefix string) string {
	for _, n := range r.Notes {
		if strings.HasPrefix(n, prefix) {
			return n
		}
	}
	return ""
}

// Everything is all a report can print: the result at -vv (each step, fix
// and note), the JSON and Creatio's Message.
func Everything(t testing.TB, r *report.Report) string {
	t.Helper()
	var b strings.Builder
	if _, err := r.Result(3).WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if r.Health != nil {
		b.WriteString(r.Health.Message)
	}
	return b.String()
}

// Leaked names the first of the secrets that text contains, in any
// encoding a server may echo it in, or "".
func Leaked(text string, secrets ...[2]string) string {
	for _, s := range secrets {
		for _, enc := range fixture.Encodings(s[0], s[1]) {
			if strings.Contains(text, enc) {
				return fmt.Sprintf("%q (as %q)", s[1], enc)
			}
		}
	}
	switch {
	case strings.Contains(text, "eyJ"):
		return "a JWT"
	case strings.Contains(text, "sEcReT"):
		return "a part of a secret (sEcReT)" // every secret of the tests holds it
	}
	return ""
}

// StandSecrets are the secrets of the stand: no report may show them.
var StandSecrets = [][2]string{
	{fixture.User, fixture.Password},
	{fixture.Client, fixture.Secret},
	{fixture.NoPermClient, fixture.NoPermSecret},
}

// CheckReport checks what every report must be: a state, one clean
// summary line, perfdata of declared labels in their units, and no secret of the stand, token or session
// cookie.
func CheckReport(t testing.TB, r *report.Report, st *fixture.Stand) {
	t.Helper()
	if r == nil {
		t.Fatal("the report is nil")
	}
	if r.Summary == "" || r.Summary != plugin.Sanitize(r.Summary) {
		t.Errorf("summary %q is not one clean line", r.Summary)
	}
	if len(r.Perf) == 0 {
		t.Error("no perfdata")
	}
	for _, p := range r.Perf {
		if l, ok := report.Declared(p.Label); !ok || p.Unit != l.Unit() {
			t.Errorf("perfdata %s: not declared in report.Labels with this unit (declared %v, unit %q)", p, ok, l.Unit())
		}
	}
	out := Everything(t, r)
	if what := Leaked(out, StandSecrets...); what != "" {
		t.Errorf("the report shows %s:\n%s", what, out)
	}
	if st != nil {
		for _, c := range st.Cookies() {
			if strings.Contains(out, c) {
				t.Errorf("the report shows the session cookie %q:\n%s", c, out)
			}
		}
	}
}

// Within fails when a run that should end by d (its deadline, say) took
// more than slack times that: a guard against a hang, not a speed check,
// as a busy machine (a load of 25 on 2 cores, -race) stretches any wall
// time many times over. The promise that the plugin answers before -t is
// held by the root package's TestDeadlineKept, on the plugin's own time=.
func Within(t testing.TB, start time.Time, d time.Duration) {
	t.Helper()
	if took := time.Since(start); took > slack*d {
		t.Errorf("took %v, more than %d × %v: a hang?", took.Round(time.Millisecond), slack, d)
	}
}

// slack is how many times its bound a run may take on a busy machine.
const slack = 20

// NewStand is the simulated Creatio and Identity Service, with a slow
// Scenario of 30 ms.
func NewStand(t testing.TB) *fixture.Stand {
	t.Helper()
	return fixture.NewStand(t, 30*time.Millisecond)
}

// Scenario is the Creatio base URL of a simulated scenario.
func Scenario(t testing.TB, st *fixture.Stand, name string) *url.URL {
	t.Helper()
	if _, ok := sim.Lookup(name); !ok {
		t.Fatalf("no scenario %q", name)
	}
	return MustURL(t, st.C.URL+"/"+name)
}

// Variant is the Identity Service URL of a simulated variant.
func Variant(t testing.TB, st *fixture.Stand, name string) *url.URL {
	t.Helper()
	return MustURL(t, st.ID.URL+"/"+name)
}

// Serve starts an httptest server of h, closed at the test's end.
func Serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// SrvURL is the URL of a new server of h.
func SrvURL(h http.Handler) func(*testing.T) string {
	return func(t *testing.T) string { return Serve(t, h).URL }
}

// DiscoveryFor is an Identity Service whose discovery document names
// tokenURL.
func DiscoveryFor(tokenURL string) http.HandlerFunc {
	return fixture.ServeBytes(http.StatusOK, "application/json", []byte(`{"issuer":"x","token_endpoint":"`+tokenURL+`"}`))
}

// Seen records the requests a server received: method, path and
// User-Agent.
type Seen struct {
	mu   sync.Mutex
	reqs []SeenRequest
}

// SeenRequest is one request a server received.
type SeenRequest struct{ Method, Path, UserAgent string }

// Wrap records each request before h answers it.
func (s *Seen) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, SeenRequest{r.Method, r.URL.Path, r.Header.Get("User-Agent")})
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

// List is what the server received so far.
func (s *Seen) List() []SeenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reqs)
}
