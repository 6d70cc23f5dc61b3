package check

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

	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
	"check_creatio_oauth/testdata/sim"
)

// The helpers of the tests that run the checks against real loopback
// servers: the simulated Creatio and Identity Service of testdata/sim (the
// stand of testdata/fixture), httptest servers and raw TCP servers.

// testVersion is the plugin version the tests give their clients: every
// request must carry it in its User-Agent.
const testVersion = "9.8.7-test"

// hangTimeout is the run's budget in the cases that wait for a server that
// never answers: short, so that the package's tests stay fast.
const hangTimeout = 300 * time.Millisecond

// newClient builds a client of cfg, with testVersion unless cfg names one.
func newClient(t testing.TB, cfg ClientConfig) *Client {
	t.Helper()
	if cfg.Version == "" {
		cfg.Version = testVersion
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// mustURL parses raw.
func mustURL(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// policy is the default policy (everything CRITICAL) with timeout as -t.
func policy(timeout time.Duration) Policy {
	return Policy{Timeout: timeout, TimeoutState: plugin.Critical, Unreachable: plugin.Critical}
}

// runCtx is a context with the run's deadline, as main gives it.
func runCtx(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	return ctx
}

// labels are the perfdata labels of r, in order.
func labels(r *Report) []string {
	var l []string
	for _, p := range r.Perf {
		l = append(l, p.Label)
	}
	return l
}

// perf is the perfdata item of r labelled label.
func perf(r *Report, label string) (plugin.Perf, bool) {
	for _, p := range r.Perf {
		if p.Label == label {
			return p, true
		}
	}
	return plugin.Perf{}, false
}

// steps lists the steps of r as "name:STATE".
func steps(r *Report) []string {
	var s []string
	for _, st := range r.Steps {
		s = append(s, st.Name+":"+st.State.String())
	}
	return s
}

// step is the step of r called name.
func step(r *Report, name string) (Step, bool) {
	for _, s := range r.Steps {
		if s.Name == name {
			return s, true
		}
	}
	return Step{}, false
}

// note is the first note of r that starts with prefix, or "".
func note(r *Report, prefix string) string {
	for _, n := range r.Notes {
		if strings.HasPrefix(n, prefix) {
			return n
		}
	}
	return ""
}

// everything is all a report can print: the result at -vv (each step, fix
// and note), the JSON and Creatio's Message.
func everything(t testing.TB, r *Report) string {
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

// leaked names the first of the secrets that text contains, in any
// encoding a server may echo it in, or "".
func leaked(text string, secrets ...[2]string) string {
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

// standSecrets are the secrets of the stand: no report may show them.
var standSecrets = [][2]string{
	{fixture.User, fixture.Password},
	{fixture.Client, fixture.Secret},
	{fixture.NoPermClient, fixture.NoPermSecret},
}

// checkReport checks what every report must be: a state, one clean
// summary line, perfdata, and no secret of the stand, token or session
// cookie.
func checkReport(t testing.TB, r *Report, st *fixture.Stand) {
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
	out := everything(t, r)
	if what := leaked(out, standSecrets...); what != "" {
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

// within fails unless a run took at most d.
func within(t testing.TB, start time.Time, d time.Duration) {
	t.Helper()
	if took := time.Since(start); took > d {
		t.Errorf("took %v, want at most %v", took.Round(time.Millisecond), d)
	}
}

// newStand is the simulated Creatio and Identity Service, with a slow
// scenario of 30 ms.
func newStand(t testing.TB) *fixture.Stand {
	t.Helper()
	return fixture.NewStand(t, 30*time.Millisecond)
}

// scenario is the Creatio base URL of a simulated scenario.
func scenario(t testing.TB, st *fixture.Stand, name string) *url.URL {
	t.Helper()
	if _, ok := sim.Lookup(name); !ok {
		t.Fatalf("no scenario %q", name)
	}
	return mustURL(t, st.C.URL+"/"+name)
}

// variant is the Identity Service URL of a simulated variant.
func variant(t testing.TB, st *fixture.Stand, name string) *url.URL {
	t.Helper()
	return mustURL(t, st.ID.URL+"/"+name)
}

// serve starts an httptest server of h, closed at the test's end.
func serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// srvURL is the URL of a new server of h.
func srvURL(h http.Handler) func(*testing.T) string {
	return func(t *testing.T) string { return serve(t, h).URL }
}

// discoveryFor is an Identity Service whose discovery document names
// tokenURL.
func discoveryFor(tokenURL string) http.HandlerFunc {
	return fixture.ServeBytes(http.StatusOK, "application/json", []byte(`{"issuer":"x","token_endpoint":"`+tokenURL+`"}`))
}

// seen records the requests a server received: method, path and
// User-Agent.
type seen struct {
	mu   sync.Mutex
	reqs []seenRequest
}

type seenRequest struct{ method, path, userAgent string }

// wrap records each request before h answers it.
func (s *seen) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, seenRequest{r.Method, r.URL.Path, r.Header.Get("User-Agent")})
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

func (s *seen) list() []seenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reqs)
}
