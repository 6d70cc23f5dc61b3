package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"check_creatio_oauth/plugin"
)

// render writes r.Result(v) as the plugin prints it.
func render(t *testing.T, r *Report, v int) string {
	t.Helper()
	var b strings.Builder
	if _, err := r.Result(v).WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestReportResult(t *testing.T) {
	perf := []plugin.Perf{{Label: "time", Value: 0.25, Unit: "s"}}
	healthy := func() *Report {
		h := Health{SettingsFilledIn: yes, IdentityServiceAvailable: yes, TokenRetrievable: yes}
		steps := []Step{
			{Name: "settings", State: plugin.OK, Detail: "OAuth 2.0 system settings are filled in"},
			{Name: "identity_service", State: plugin.OK, Detail: "the Identity Service is available"},
			{Name: "token", State: plugin.OK, Detail: "an access token for system actions is retrievable"},
		}
		return &Report{Mode: "endpoint", State: plugin.OK, Summary: "OAuth token is received from the Identity Service as expected (0.250 s)",
			Detail: "HTTP 200 from https://crm.example/0/api/OAuthHealthCheck", Steps: steps, Health: &h, Perf: perf,
			Notes: []string{"runtime: found the endpoint at https://crm.example/0/api/OAuthHealthCheck; pin it with --runtime netfx"}}
	}
	problem := func() *Report {
		h := Health{HasProblem: true, SettingsFilledIn: yes, IdentityServiceAvailable: no, TokenRetrievable: no, Message: "Identity Service down"}
		steps := []Step{
			{Name: "settings", State: plugin.OK, Detail: "OAuth 2.0 system settings are filled in"},
			{Name: "identity_service", State: plugin.Critical, Detail: "IsIdentityServiceAvailable false: the Identity Service is not available to Creatio", Fix: identityFix},
			{Name: "token", State: plugin.Critical, Detail: "IsAccessTokenRetrievableForSystemActions false (follows from the identity_service step)"},
		}
		return &Report{Mode: "endpoint", State: plugin.Critical, Summary: joinLine("Identity Service down.", "Check the Identity Service and that its URL is reachable from the Creatio server."), Detail: "HTTP 500",
			Steps: steps, Health: &h, Perf: perf, Notes: []string{"a note"}}
	}
	unreachable := func() *Report {
		r := &Report{Mode: "endpoint", Perf: perf, Notes: []string{"> GET https://crm.example/0/api/OAuthHealthCheck"}}
		return r.Fail(testPolicy, Failed(Unreachable, "connection to crm.example refused", "check that the web server runs and listens there").In("health_request"))
	}
	withDetail := func() *Report {
		r := &Report{Mode: "endpoint"}
		f := Failed(Setup, "Creatio answered HTTP 200 but not the OAuth health JSON", "check --url").In("health_request")
		f.Detail = `Creatio answered HTTP 200 but not the OAuth health JSON; the answer: text/html, 6 bytes: "<html>"`
		return r.Fail(testPolicy, f)
	}
	const (
		okLine   = "CREATIO OAUTH OK - OAuth token is received from the Identity Service as expected (0.250 s)"
		okDetail = " (HTTP 200 from https://crm.example/0/api/OAuthHealthCheck)"
		okSteps  = "\\_ [OK] settings: OAuth 2.0 system settings are filled in\n" +
			"\\_ [OK] identity_service: the Identity Service is available\n" +
			"\\_ [OK] token: an access token for system actions is retrievable\n"
		okNote      = "runtime: found the endpoint at https://crm.example/0/api/OAuthHealthCheck; pin it with --runtime netfx\n"
		perfText    = " | time=0.25s\n"
		problemLine = "CREATIO OAUTH CRITICAL - Identity Service down. " +
			"Check the Identity Service and that its URL is reachable from the Creatio server."
		problemDetail = " (HTTP 500)"
		problemSteps  = "\\_ [OK] settings: OAuth 2.0 system settings are filled in\n" +
			"\\_ [CRITICAL] identity_service: IsIdentityServiceAvailable false: the Identity Service is not available to Creatio\n" +
			"   fix: test the Identity Service (GET {OAuth20IdentityServerUrl}/.well-known/openid-configuration); if it answers, check that OAuth20IdentityServerUrl is filled in and that the Identity Service URL is reachable from the machine where Creatio runs (DNS, proxy, firewall)\n" +
			"\\_ [CRITICAL] token: IsAccessTokenRetrievableForSystemActions false (follows from the identity_service step)\n"
		refusedLine = "CREATIO OAUTH CRITICAL - connection to crm.example refused; check that the web server runs and listens there"
		refusedStep = "\\_ [CRITICAL] health_request: connection to crm.example refused\n   fix: check that the web server runs and listens there\n"
		detailLine  = "CREATIO OAUTH UNKNOWN - Creatio answered HTTP 200 but not the OAuth health JSON; check --url\n"
		detailStep  = "\\_ [UNKNOWN] health_request: Creatio answered HTTP 200 but not the OAuth health JSON; the answer: text/html, 6 bytes: \"<html>\"\n   fix: check --url\n"
	)
	for _, tc := range []struct {
		name string
		r    func() *Report
		v    int
		want string
	}{
		// OK: one line below -v 2; the steps and the notes at -v 2 and 3.
		{"OK -v 0", healthy, 0, okLine + perfText},
		{"OK -v 1 adds the detail", healthy, 1, okLine + okDetail + perfText},
		{"OK -v 2 lists the steps and notes", healthy, 2, okLine + okDetail + perfText + okSteps + okNote},
		{"OK -v 3 is -v 2", healthy, 3, okLine + okDetail + perfText + okSteps + okNote},

		// Not OK: the steps and their fixes at any level, the notes from -v 2.
		{"problem -v 0", problem, 0, problemLine + perfText + problemSteps},
		{"problem -v 1", problem, 1, problemLine + problemDetail + perfText + problemSteps},
		{"problem -v 2", problem, 2, problemLine + problemDetail + perfText + problemSteps + "a note\n"},

		// A step that only repeats the status line is left out below -v 2.
		{"unreachable -v 0", unreachable, 0, refusedLine + perfText + refusedStep},
		{"unreachable -v 1", unreachable, 1, refusedLine + perfText + refusedStep},
		{"unreachable -v 2", unreachable, 2, refusedLine + perfText + refusedStep + "> GET https://crm.example/0/api/OAuthHealthCheck\n"},

		// A step whose detail says more than the status line is shown.
		{"detail -v 0", withDetail, 0, detailLine + detailStep},
		{"detail -v 2", withDetail, 2, detailLine + detailStep},
	} {
		if got, want := render(t, tc.r(), tc.v), tc.want; got != want {
			t.Errorf("%s: Result wrote\n%s\nwant\n%s", tc.name, got, want)
		}
	}
}

func TestReportResultStepRules(t *testing.T) {
	r := &Report{State: plugin.Warning, Summary: "slow", Steps: []Step{
		{Name: "a", State: plugin.Warning, Detail: "slow", Fix: "tune it"}, // repeats the summary, but has a fix
		{Name: "b", State: plugin.OK, Detail: "fine", Fix: "never shown"},  // no fix line for an OK step
		{Name: "c", State: plugin.Warning, Detail: "slow"},                 // repeats the summary: skipped below -v 2
	}}
	if got, want := render(t, r, 0), "CREATIO OAUTH WARNING - slow\n\\_ [WARNING] a: slow\n   fix: tune it\n\\_ [OK] b: fine\n"; got != want {
		t.Errorf("-v 0: Result wrote\n%s\nwant\n%s", got, want)
	}
	if got, want := render(t, r, 2), "CREATIO OAUTH WARNING - slow\n\\_ [WARNING] a: slow\n   fix: tune it\n\\_ [OK] b: fine\n\\_ [WARNING] c: slow\n"; got != want {
		t.Errorf("-v 2: Result wrote\n%s\nwant\n%s", got, want)
	}
}

// testPolicy is the default policy of the command line: CRITICAL for
// timeouts and unreachable servers.
var testPolicy = Policy{Timeout: 10 * time.Second, TimeoutState: plugin.Critical, Unreachable: plugin.Critical}

func TestReportFail(t *testing.T) {
	r := &Report{State: plugin.Warning, Summary: "was slow"}
	r.Fail(testPolicy, Failed(Setup, "no answer", "").In("login"))
	f := Failed(Server, "refused", "check it").In("health_request")
	f.Detail = "refused, long story"
	r.Fail(testPolicy, f)
	if got, want := r.State, plugin.Critical; got != want {
		t.Errorf("State = %v, want %v", got, want)
	}
	if got, want := r.Summary, "refused; check it"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	if got, want := len(r.Steps), 2; got != want {
		t.Fatalf("%d steps, want %d", got, want)
	}
	if got, want := r.Steps[0], (Step{Name: "login", State: plugin.Unknown, Detail: "no answer"}); got != want {
		t.Errorf("step 0 = %+v, want %+v", got, want)
	}
	if got, want := r.Steps[1], (Step{Name: "health_request", State: plugin.Critical, Detail: "refused, long story", Fix: "check it"}); got != want {
		t.Errorf("step 1 = %+v, want %+v", got, want)
	}
}

// Fail is the one writer of state: the first failure leads line 1, a
// later one only when it is worse; a rated failure keeps the state it was
// rated and its line names no advice; a failure without a step adds no
// check entry; each failure is recorded with its state, and a recorded
// failure, given to another report, keeps that state whatever the policy.
func TestReportFailRules(t *testing.T) {
	r := &Report{}
	r.Fail(testPolicy, RatedFailure(plugin.Warning, "took 2 s, outside -w 1", "adjust -w").In("response_time"))
	r.Fail(testPolicy, RatedFailure(plugin.Warning, "certificate expires in 3 day(s); renew it", "renew it").In("certificate"))
	if got, want := r.Summary, "took 2 s, outside -w 1"; r.State != plugin.Warning || got != want {
		t.Errorf("after two warnings: %v %q, want WARNING %q (the first leads, no advice)", r.State, got, want)
	}
	r.Fail(testPolicy, Failed(Credentials, "refused", "check the secret")) // no step; PluginLogin: UNKNOWN
	if r.State != plugin.Warning || len(r.Steps) != 2 {
		t.Errorf("after an UNKNOWN without a step: %v with %d steps, want WARNING (worse than UNKNOWN) with 2", r.State, len(r.Steps))
	}
	problem := Failed(Problem, "HasProblem true.", "open the diagnostic").In("token")
	r.Fail(testPolicy, problem)
	if got, want := r.Summary, "HasProblem true. open the diagnostic"; r.State != plugin.Critical || got != want {
		t.Errorf("after a problem: %v %q, want CRITICAL %q", r.State, got, want)
	}
	want := []plugin.State{plugin.Warning, plugin.Warning, plugin.Unknown, plugin.Critical}
	if len(r.Failures) != len(want) {
		t.Fatalf("%d failures recorded, want %d", len(r.Failures), len(want))
	}
	for i, f := range r.Failures {
		if f.State != want[i] {
			t.Errorf("failure %d (%s) recorded %v, want %v", i, f.Text, f.State, want[i])
		}
	}
	// replayed under a policy that would rate Credentials CRITICAL
	again := &Report{}
	f := r.Failures[2]
	again.Fail(Policy{Whose: CreatioSettings}, &f)
	if again.State != plugin.Unknown {
		t.Errorf("a recorded UNKNOWN given to another report is %v, want UNKNOWN", again.State)
	}
	if got := (Policy{Whose: CreatioSettings}).State(Credentials); got != plugin.Critical {
		t.Errorf("refused Creatio settings: %v, want CRITICAL", got)
	}
	if got := (Policy{}).State(Credentials); got != plugin.Unknown {
		t.Errorf("refused own login: %v, want UNKNOWN", got)
	}
}

// writeJSON runs WriteJSON and checks the rules every output keeps: one
// line of valid JSON whose summary is the status line's text.
func writeJSON(t *testing.T, r *Report) map[string]any {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	if !bytes.HasSuffix(out, []byte("\n")) || bytes.Count(out, []byte("\n")) != 1 {
		t.Errorf("WriteJSON wrote %q, want one line", out)
	}
	var j map[string]any
	if err := json.Unmarshal(out, &j); err != nil {
		t.Fatalf("WriteJSON wrote invalid JSON %q: %v", out, err)
	}
	line, _, _ := strings.Cut(render(t, r, 0), "\n")
	line, _, _ = strings.Cut(line, " | ")
	text := strings.TrimPrefix(strings.TrimPrefix(line, Name+" "+r.State.String()), " - ")
	if got, want := j["summary"], text; got != want {
		t.Errorf("summary %q, want line 1's text %q", got, want)
	}
	return j
}

func TestReportWriteJSON(t *testing.T) {
	h := Health{HasProblem: true, SettingsFilledIn: yes, IdentityServiceAvailable: yes, TokenRetrievable: no, Message: "Can't retrieve access_token"}
	steps := []Step{
		{Name: "settings", State: plugin.OK, Detail: "OAuth 2.0 system settings are filled in"},
		{Name: "identity_service", State: plugin.OK, Detail: "the Identity Service is available"},
		{Name: "token", State: plugin.Critical, Detail: "IsAccessTokenRetrievableForSystemActions false: no access token for system actions is retrievable", Fix: "fill them in"},
	}
	r := &Report{Mode: "endpoint", State: plugin.Critical, Summary: joinLine("Can't retrieve access_token.", "Check the client id and secret system settings."), Steps: steps, Health: &h,
		Perf: []plugin.Perf{
			{Label: "time", Value: 0.123456, Unit: "s"},
			{Label: "size", Value: 380, Unit: "B"},
			{Label: "time_login", Value: math.NaN(), Unit: "s"}, // not measured
			{Label: "inf", Value: math.Inf(1)},
		}}
	j := writeJSON(t, r)
	for key, want := range map[string]any{
		"state":                      float64(2),
		"state_text":                 "CRITICAL",
		"mode":                       "endpoint",
		"HasProblem":                 true,
		"IsSystemSettingsFilledIn":   true,
		"IsIdentityServiceAvailable": true,
		"IsAccessTokenRetrievableForSystemActions": false,
		"Message": "Can't retrieve access_token",
	} {
		if got := j[key]; got != want {
			t.Errorf("%s = %#v, want %#v", key, got, want)
		}
	}
	if _, ok := j["IsDefaultResourceRegistered"]; ok {
		t.Errorf("IsDefaultResourceRegistered = %v, want it left out when unknown", j["IsDefaultResourceRegistered"])
	}
	metrics, _ := j["metrics"].(map[string]any)
	if got, want := len(metrics), 2; got != want || metrics["time"] != 0.123456 || metrics["size"] != float64(380) {
		t.Errorf("metrics = %v, want time and size only", metrics)
	}
	checks, _ := j["checks"].([]any)
	if got, want := len(checks), 3; got != want {
		t.Fatalf("%d checks, want %d: %v", got, want, checks)
	}
	if got, want := checks[2], any(map[string]any{
		"name": "token", "state": float64(2), "detail": "IsAccessTokenRetrievableForSystemActions false: no access token for system actions is retrievable",
		"fix": "fill them in",
	}); !jsonEqual(got, want) {
		t.Errorf("checks[2] = %v, want %v", got, want)
	}
	if _, ok := checks[0].(map[string]any)["fix"]; ok {
		t.Errorf("checks[0] = %v, want no fix for an OK step", checks[0])
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestReportWriteJSONUnknownHealth(t *testing.T) {
	r := (&Report{Mode: "direct"}).Fail(Policy{Unreachable: plugin.Unknown}, Failed(Unreachable, "cannot resolve ids.example (no such host)", "check the URL and DNS on this host").In("discovery"))
	j := writeJSON(t, r)
	for _, key := range []string{"HasProblem", "IsSystemSettingsFilledIn", "IsIdentityServiceAvailable", "IsAccessTokenRetrievableForSystemActions", "Message"} {
		if v, ok := j[key]; !ok || v != nil {
			t.Errorf("%s = %v (present %t), want null", key, v, ok)
		}
	}
	if _, ok := j["IsDefaultResourceRegistered"]; ok {
		t.Error("IsDefaultResourceRegistered present, want it left out")
	}
	if got, want := jsonEqual(j["metrics"], map[string]any{}), true; got != want {
		t.Errorf("metrics = %v, want {}", j["metrics"])
	}
	if got, want := j["state_text"], "UNKNOWN"; got != want {
		t.Errorf("state_text = %v, want %v", got, want)
	}
}

func TestReportWriteJSONSummary(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    *Report
	}{
		{"default resource known", &Report{State: plugin.OK, Summary: "fine", Health: &Health{SettingsFilledIn: yes, IdentityServiceAvailable: yes, TokenRetrievable: yes, DefaultResourceRegistered: no}}},
		{"no summary", &Report{State: plugin.OK}},
		{"hostile summary", &Report{State: plugin.Critical, Summary: "a|b\nc\x00 d\xff", Steps: []Step{{Name: "x", State: plugin.Critical, Detail: "a|b\nc"}}}},
		{"long summary is cut as on line 1", &Report{State: plugin.Warning, Summary: strings.Repeat("ü", 150)}},
		{"summary with a state word", &Report{State: plugin.OK, Summary: "OK - CREATIO OAUTH OK - x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := writeJSON(t, tc.r)
			if tc.r.Health != nil && tc.r.Health.DefaultResourceRegistered != nil && j["IsDefaultResourceRegistered"] != *tc.r.Health.DefaultResourceRegistered {
				t.Errorf("IsDefaultResourceRegistered = %v, want %v", j["IsDefaultResourceRegistered"], *tc.r.Health.DefaultResourceRegistered)
			}
			checks, _ := j["checks"].([]any)
			if got, want := len(checks), len(tc.r.Steps); got != want {
				t.Fatalf("%d checks, want %d", got, want)
			}
			for i, c := range tc.r.Steps {
				if got, want := checks[i].(map[string]any)["detail"], plugin.Sanitize(c.Detail); got != want {
					t.Errorf("checks[%d].detail = %q, want %q", i, got, want)
				}
			}
		})
	}
}

var (
	yes = func() *bool { b := true; return &b }()
	no  = func() *bool { b := false; return &b }()
)

// identityFix stands for a documented fix in the rendering tests.
const identityFix = "test the Identity Service (GET {OAuth20IdentityServerUrl}/.well-known/openid-configuration); if it answers, check that OAuth20IdentityServerUrl is filled in and that the Identity Service URL is reachable from the machine where Creatio runs (DNS, proxy, firewall)"

// A measured time is said to the thousandth ("took 0.501 s", not
// 0.501431), and finer only where the thousandth would put it on the
// other side of the range it broke.
func TestRateShown(t *testing.T) {
	for _, tc := range []struct {
		warn, crit string
		v          float64
		want       string
	}{
		{"0.1", "", 0.501431, "took 0.501 s, outside -w 0.1"},
		{"2", "5", 2.2049, "took 2.205 s, outside -w 2"},
		{"2", "", 2.0004, "took 2.0004 s, outside -w 2"},
		{"", "2", 2.0000014, "took 2.000001 s, outside -c 2"},
		{"", "2", 2.0000004, "took 2 s, outside -c 2"}, // below a microsecond: the perfdata's precision
		{"@1:2", "", 1.9996, "took 2 s, inside -w @1:2"},
		{"@1:2", "", 2.0004, ""}, // OK, outside an inside range
		{"7200:", "", 3600, "took 3600 s, outside -w 7200:"},
		{"@10", "", 0.000412, "took 0.0004 s, inside -w @10"}, // not "0 s"
	} {
		th, err := plugin.ParseThresholds(tc.warn, tc.crit)
		if err != nil {
			t.Fatal(err)
		}
		r := &Report{}
		st := r.Rate(th, Measure{What: "took", Value: tc.v, Unit: "s", Options: [2]string{"-w", "-c"}, Step: "response_time"})
		if (st == plugin.OK) != (tc.want == "") || !strings.HasPrefix(r.Summary, tc.want) {
			t.Errorf("%v %q, want %q", st, r.Summary, tc.want)
		}
	}
}

// Health is healthy only with HasProblem false and no known flag false;
// an unknown flag (nil) is no problem.
func TestHealthHealthy(t *testing.T) {
	no := new(bool)
	for _, tc := range []struct {
		name string
		h    Health
		want bool
	}{
		{"all true", Health{SettingsFilledIn: yes, IdentityServiceAvailable: yes, TokenRetrievable: yes, DefaultResourceRegistered: yes}, true},
		{"flags unknown", Health{}, true},
		{"HasProblem", Health{HasProblem: true, SettingsFilledIn: yes}, false},
		{"a flag false", Health{SettingsFilledIn: yes, IdentityServiceAvailable: no}, false},
		{"8.3's flag false", Health{DefaultResourceRegistered: no}, false},
	} {
		if got := tc.h.Healthy(); got != tc.want {
			t.Errorf("%s: Healthy() = %t, want %t", tc.name, got, tc.want)
		}
	}
}

// A cache that was not used says why and what to give, at every verbosity,
// in long output and in JSON.
func TestCacheNotUsed(t *testing.T) {
	for _, tc := range []struct{ reason, want string }{
		{"/var/cache/x is not writable", "cache: not used: /var/cache/x is not writable; give --cache-dir or --no-cache"},
		{"HOME is unset; set it", "cache: not used: HOME is unset; set it, or give --cache-dir or --no-cache"},
	} {
		r := &Report{State: plugin.OK, Summary: "fine", Cache: &CacheUse{Dir: "/var/cache/x", Reason: tc.reason}}
		if got := render(t, r, 0); !strings.Contains(got, "\n"+tc.want+"\n") {
			t.Errorf("output %q does not say %q", got, tc.want)
		}
		j := writeJSON(t, r)
		c, _ := j["cache"].(map[string]any)
		if c["used"] != false || c["dir"] != "/var/cache/x" || c["reason"] != tc.reason {
			t.Errorf("JSON cache = %v, want used false, the dir and the reason", j["cache"])
		}
	}
	if j := writeJSON(t, &Report{Summary: "fine"}); j["cache"] != nil {
		t.Errorf("JSON without a cache wanted has cache %v", j["cache"])
	}
}

// Times are perfdata in seconds to the microsecond, minimum 0, the
// thresholds and the timeout with the run's time; a line says milliseconds
// below a second.
func TestTimes(t *testing.T) {
	th, err := plugin.ParseThresholds("1", "2")
	if err != nil {
		t.Fatal(err)
	}
	p := TimePerf(Time, 0.12345678, th, 10)
	if p.Label != "time" || p.Value != 0.123457 || p.Unit != "s" || p.Min == nil || *p.Min != 0 || p.Max == nil || *p.Max != 10 || p.Warning != th.Warning || p.Critical != th.Critical {
		t.Errorf("TimePerf = %+v, want time=0.123457s;1;2;0;10", p)
	}
	if p := SecondsPerf(TimeTLS, 2.0000004); p.Value != 2 || p.Max != nil || p.Warning != nil {
		t.Errorf("SecondsPerf = %+v, want 2 s without thresholds or max", p)
	}
	for v, want := range map[float64]string{0.0123: "12.3 ms", 0.9994: "999.4 ms", 1: "1.000 s", 12.3456: "12.346 s"} {
		if got := HumanSeconds(v); got != want {
			t.Errorf("HumanSeconds(%v) = %q, want %q", v, got, want)
		}
	}
}

// The rule: each kind's state, the admin's choices for the unreachable
// and the deadline.
func TestPolicyState(t *testing.T) {
	p := Policy{TimeoutState: plugin.Warning, Unreachable: plugin.Unknown}
	for k, want := range map[Kind]plugin.State{
		Server: plugin.Critical, Problem: plugin.Critical, Unreachable: plugin.Unknown, Deadline: plugin.Warning,
		Setup: plugin.Unknown, Credentials: plugin.Unknown, Rated: plugin.Critical,
	} {
		if got := p.State(k); got != want {
			t.Errorf("State(%d) = %v, want %v", k, got, want)
		}
	}
}

// Line 1 keeps within plugin.MaxLine: a long text is cut at a word and
// marked, a long advice cut to half the room, the separator after a
// sentence is a space.
func TestFit(t *testing.T) {
	long := strings.Repeat("word ", 100)
	for _, tc := range []struct {
		name, text, advice string
		check              func(string) bool
	}{
		{"short", "it failed", "check it", func(s string) bool { return s == "it failed; check it" }},
		{"sentence", "It failed.", "Check it.", func(s string) bool { return s == "It failed. Check it." }},
		{"no advice", "it failed; ", "", func(s string) bool { return s == "it failed" }},
		{"long text", long, "check it", func(s string) bool { return strings.HasSuffix(s, "word...; check it") }},
		{"long advice", "it failed", long, func(s string) bool { return strings.HasPrefix(s, "it failed; word") && strings.HasSuffix(s, "...") }},
		{"long text alone", long, "", func(s string) bool { return strings.HasSuffix(s, "word...") }},
		{"one long word", strings.Repeat("x", 400), "", func(s string) bool { return strings.HasSuffix(s, "x...") }},
	} {
		got := joinLine(tc.text, tc.advice)
		if len(got) > room || !tc.check(got) {
			t.Errorf("%s: joinLine = %q (%d bytes, room %d)", tc.name, got, len(got), room)
		}
	}
}

// JSON says Creatio's flags as they were learned, the Message only when
// there is one, and only the metrics that are numbers.
func TestReportWriteJSONFlags(t *testing.T) {
	no := new(bool)
	r := &Report{Mode: "endpoint", Summary: "ok", Health: &Health{SettingsFilledIn: yes, IdentityServiceAvailable: no, DefaultResourceRegistered: yes, Message: "m"},
		Perf: []plugin.Perf{{Label: "time", Value: 0.5}, {Label: "nan", Value: math.NaN()}, {Label: "inf", Value: math.Inf(1)}}}
	j := writeJSON(t, r)
	if j["HasProblem"] != false || j["IsSystemSettingsFilledIn"] != true || j["IsIdentityServiceAvailable"] != false ||
		j["IsAccessTokenRetrievableForSystemActions"] != nil || j["IsDefaultResourceRegistered"] != true || j["Message"] != "m" {
		t.Errorf("JSON flags %v", j)
	}
	if m, _ := j["metrics"].(map[string]any); len(m) != 1 || m["time"] != 0.5 {
		t.Errorf("metrics %v, want only time 0.5", j["metrics"])
	}
	r.Health.Message = ""
	if j := writeJSON(t, r); j["Message"] != nil {
		t.Errorf("JSON Message %v without a Message, want null", j["Message"])
	}
}

// writeFailer fails every write, as a closed pipe does.
type writeFailer struct{}

func (writeFailer) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestReportWriteJSONError(t *testing.T) {
	if err := (&Report{Summary: "ok"}).WriteJSON(writeFailer{}); !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("WriteJSON to a closed pipe: %v, want %v", err, io.ErrClosedPipe)
	}
}

// Cut marks a cut with "..."; at the end of a word it keeps the word, inside
// one it goes back to a near space, and a space far back is not worth the
// room.
func TestCut(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"cache file is owned by uid 1000", 23, "cache file is owned..."}, // the cut falls at the end of "owned"
		{"cache file is owned by uid 1000", 24, "cache file is owned..."}, // inside "by": back to the space
		{"a verylongwordthatgoeson", 12, "a verylon..."},                  // the space is far back
		{"x, y; z", 7, "x, y; z"},
		{"x, y; zzzz", 8, "x, y..."},
	} {
		if got := Cut(tc.s, tc.n); got != tc.want || len(got) > tc.n {
			t.Errorf("Cut(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
}

// Each of Creatio's checks reads a flag of Health by its JSON key, in
// Creatio's order; other keys read none.
func TestHealthFlag(t *testing.T) {
	a, b, c, d := true, false, true, false
	h := Health{SettingsFilledIn: &a, IdentityServiceAvailable: &b, TokenRetrievable: &c, DefaultResourceRegistered: &d}
	want := []*bool{&a, &b, &c, &d}
	if len(Checks) != len(want) {
		t.Fatalf("%d checks, want %d", len(Checks), len(want))
	}
	for i, c := range Checks {
		if got := h.Flag(c.Flag); got != want[i] {
			t.Errorf("Flag(%s) = %p, want the field %p", c.Flag, got, want[i])
		}
		if c.Name == "" || c.Title == "" || c.Failed == "" || c.Hint == "" || c.Fix == "" {
			t.Errorf("check %s lacks words: %+v", c.Flag, c)
		}
	}
	for _, key := range []string{FlagHasProblem, FlagMessage, "isSystemSettingsFilledIn"} {
		if got := h.Flag(key); got != nil {
			t.Errorf("Flag(%s) = %v, want nil", key, *got)
		}
	}
}
