package cli

import (
	"bytes"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
	"check_creatio_oauth/testdata/sim"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

type authCase struct {
	name  string
	env   map[string]string
	args  []string
	want  plugin.State
	usage bool // a usage error: the check never ran, so no perfdata
}

// authCases are the login scenarios of the endpoint mode.
func authCases(t *testing.T, s *fixture.Stand) []authCase {
	good := s.Token(t, fixture.Client, fixture.Secret)
	pwFile := fixture.WriteFile(t, "pw", fixture.Password+"\n")
	badPwFile := fixture.WriteFile(t, "badpw", "wrong\n")
	secretFile := fixture.WriteFile(t, "secret", fixture.Secret+"\n")
	tokenFile := fixture.WriteFile(t, "token", good+"\n")
	idp := s.ID.URL + "/ok"
	return []authCase{
		{"forms netfx", map[string]string{"CREATIO_PASSWORD": fixture.Password}, []string{"-U", s.C.URL + "/forms", "--user", fixture.User}, plugin.OK, false},
		{"forms net", map[string]string{"CREATIO_PASSWORD": fixture.Password}, []string{"-U", s.C.URL + "/forms-net", "--user", fixture.User}, plugin.OK, false},
		{"forms password file wins over env", map[string]string{"CREATIO_PASSWORD": "wrong"}, []string{"-U", s.C.URL + "/forms", "--user", fixture.User, "--password-file", pwFile}, plugin.OK, false},
		{"forms wrong password", map[string]string{"CREATIO_PASSWORD": fixture.Password}, []string{"-U", s.C.URL + "/forms", "--user", fixture.User, "--password-file", badPwFile}, plugin.Unknown, false},
		{"forms unknown user", map[string]string{"CREATIO_PASSWORD": fixture.Password}, []string{"-U", s.C.URL + "/forms", "--user", "Nobody"}, plugin.Unknown, false},
		{"forms no password", nil, []string{"-U", s.C.URL + "/forms", "--user", fixture.User}, plugin.Unknown, true},
		{"forms missing password file", nil, []string{"-U", s.C.URL + "/forms", "--user", fixture.User, "--password-file", "/nonexistent/pw"}, plugin.Unknown, true},
		{"forms session refused on bearer site", map[string]string{"CREATIO_PASSWORD": fixture.Password}, []string{"-U", s.C.URL + "/bearer", "--user", fixture.User}, plugin.Unknown, false},
		{"none on forms netfx", nil, []string{"-U", s.C.URL + "/forms"}, plugin.Unknown, false},
		{"none on forms net", nil, []string{"-U", s.C.URL + "/forms-net"}, plugin.Unknown, false},
		{"none on bearer", nil, []string{"-U", s.C.URL + "/bearer"}, plugin.Unknown, false},
		{"oauth", map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}, []string{"-U", s.C.URL + "/bearer", "--identity-url", idp, "--client-id", fixture.Client}, plugin.OK, false},
		{"oauth secret file", nil, []string{"-U", s.C.URL + "/bearer", "--identity-url", idp + "/", "--client-id", fixture.Client, "--client-secret-file", secretFile}, plugin.OK, false},
		{"oauth falls back to connect token", map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}, []string{"-U", s.C.URL + "/bearer", "--identity-url", s.ID.URL + "/no-discovery", "--client-id", fixture.Client}, plugin.OK, false},
		{"oauth wrong secret", map[string]string{"CREATIO_CLIENT_SECRET": "wrong"}, []string{"-U", s.C.URL + "/bearer", "--identity-url", idp, "--client-id", fixture.Client}, plugin.Unknown, false},
		{"oauth unknown client", map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}, []string{"-U", s.C.URL + "/bearer", "--identity-url", idp, "--client-id", "stranger"}, plugin.Unknown, false},
		{"oauth token endpoint down", map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}, []string{"-U", s.C.URL + "/bearer", "--identity-url", s.ID.URL + "/token-500", "--client-id", fixture.Client}, plugin.Critical, false},
		{"oauth identity service 503", map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}, []string{"-U", s.C.URL + "/bearer", "--identity-url", s.ID.URL + "/unavailable-503", "--client-id", fixture.Client}, plugin.Critical, false},
		{"oauth identity service refuses connections", map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}, []string{"-U", s.C.URL + "/bearer", "--identity-url", "http://127.0.0.1:1", "--client-id", fixture.Client}, plugin.Critical, false},
		{"oauth identity service refuses connections unreachable warning", map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}, []string{"-U", s.C.URL + "/bearer", "--identity-url", "http://127.0.0.1:1", "--client-id", fixture.Client, "--unreachable-state", "WARNING"}, plugin.Warning, false},
		{"oauth identity service echoes the secret", map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}, []string{"-U", s.C.URL + "/bearer", "--identity-url", s.ID.URL + "/echo", "--client-id", fixture.Client}, plugin.Unknown, false},
		{"oauth identity service echoes the secret in a 500", map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}, []string{"-U", s.C.URL + "/bearer", "--identity-url", s.ID.URL + "/echo-500", "--client-id", fixture.Client, "-vvv"}, plugin.Critical, false},
		{"oauth client auth only private_key_jwt listed", map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}, []string{"-U", s.C.URL + "/bearer", "--identity-url", s.ID.URL + "/jwt-only", "--client-id", fixture.Client, "-vv"}, plugin.Unknown, false},
		{"oauth byte order marks", map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}, []string{"-U", s.C.URL + "/bearer", "--identity-url", s.ID.URL + "/bom", "--client-id", fixture.Client}, plugin.OK, false},
		{"oauth form-encoded token", map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}, []string{"-U", s.C.URL + "/bearer", "--identity-url", s.ID.URL + "/form-token", "--client-id", fixture.Client}, plugin.OK, false},
		{"oauth plain-http token endpoint on a plain-http stand", map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}, []string{"-U", s.C.URL + "/bearer", "--identity-url", s.ID.URL + "/http-token-endpoint", "--client-id", fixture.Client}, plugin.OK, false},
		{"oauth token endpoint on another host over http", map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}, []string{"-U", s.C.URL + "/bearer", "--identity-url", s.ID.URL + "/other-host-token-endpoint", "--client-id", fixture.Client}, plugin.Critical, false},
		{"forms bad gateway on every path", map[string]string{"CREATIO_PASSWORD": fixture.Password}, []string{"-U", s.C.URL + "/bad-gateway", "--user", fixture.User}, plugin.Critical, false},
		{"forms connection refused", map[string]string{"CREATIO_PASSWORD": fixture.Password}, []string{"-U", "http://127.0.0.1:1", "--user", fixture.User}, plugin.Critical, false},
		{"forms byte order marks", map[string]string{"CREATIO_PASSWORD": fixture.Password}, []string{"-U", s.C.URL + "/forms-bom", "--user", fixture.User, "-vv"}, plugin.OK, false},
		{"oauth no permission", map[string]string{"CREATIO_CLIENT_SECRET": fixture.NoPermSecret}, []string{"-U", s.C.URL + "/bearer", "--identity-url", idp, "--client-id", fixture.NoPermClient}, plugin.Unknown, false},
		{"oauth needs secret", nil, []string{"-U", s.C.URL + "/bearer", "--identity-url", idp, "--client-id", fixture.Client}, plugin.Unknown, true},
		{"oauth needs identity url", map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}, []string{"-U", s.C.URL + "/bearer", "--client-id", fixture.Client}, plugin.Unknown, true},
		{"bearer env", map[string]string{"CREATIO_TOKEN": good}, []string{"-U", s.C.URL + "/bearer", "--auth", "bearer"}, plugin.OK, false},
		{"bearer file", nil, []string{"-U", s.C.URL + "/bearer", "--auth", "bearer", "--token-file", tokenFile}, plugin.OK, false},
		{"bearer rejected", map[string]string{"CREATIO_TOKEN": "not-a-valid-token"}, []string{"-U", s.C.URL + "/bearer", "--auth", "bearer"}, plugin.Unknown, false},
		{"bearer missing", nil, []string{"-U", s.C.URL + "/bearer", "--auth", "bearer"}, plugin.Unknown, true},
		{"bearer to other host not followed", map[string]string{"CREATIO_TOKEN": good}, []string{"-U", s.C.URL + "/redirect-other-host", "--auth", "bearer"}, plugin.Unknown, false},
		{"forms to other host not followed", map[string]string{"CREATIO_PASSWORD": fixture.Password}, []string{"-U", s.C.URL + "/redirect-other-host", "--user", fixture.User}, plugin.Unknown, false},
	}
}

// identityVariantCases are the login cases that differ from "oauth" only
// in the Identity Service variant they log in at: each variant is check/creatio's
// TestOAuthLoginVariants (state, words in its testdata/oauth.golden, no
// secret in the report or its trace), so TestLogin does not run them again;
// TestNoSecretLeaks still runs them through the command line.
var identityVariantCases = map[string]bool{
	"oauth falls back to connect token": true, "oauth token endpoint down": true, "oauth identity service 503": true,
	"oauth identity service echoes the secret": true, "oauth client auth only private_key_jwt listed": true,
	"oauth byte order marks": true, "oauth form-encoded token": true,
	"oauth plain-http token endpoint on a plain-http stand": true, "oauth token endpoint on another host over http": true,
}

// TestLogin runs each way to log in through the command line: the flags,
// the environment and the secret files that give the credentials, their
// absence and their mistakes, each output against its golden file.
func TestLogin(t *testing.T) {
	s := fixture.NewStand(t, 0)
	cases := authCases(t, s)
	names := map[string]bool{}
	for _, tc := range cases {
		names[tc.name] = true
	}
	for name := range identityVariantCases {
		if !names[name] {
			t.Errorf("identityVariantCases names %q, which authCases does not have", name)
		}
	}
	for _, tc := range cases {
		if identityVariantCases[tc.name] {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			got, out := runPlugin(t, tc.env, tc.args...)
			if got != tc.want {
				t.Errorf("state %v, want %v\n%s", got, tc.want, out)
			}
			checkShape(t, out, !tc.usage)
			golden(t, "login_"+tc.name, out)
		})
	}
	// No request ever reached the other host of redirect-other-host, so no
	// cookie or Authorization header can have gone there.
	for _, r := range s.Creatio.Requests() {
		if strings.HasPrefix(r.Host, "localhost") {
			t.Errorf("a request went to the other host: %+v", r)
		}
	}
}

// TestDirect runs direct and both mode through the command line: the
// settings as flags and environment, their absence, --unreachable-state,
// the token lifetime thresholds, -vv and -vvv, a bad URL. Every Identity
// Service variant is check's TestDirectVariants (state, steps, words in
// check/testdata/variants.golden, no secret).
func TestDirect(t *testing.T) {
	s := fixture.NewStand(t, 0)
	env := map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}
	direct := func(variant string, extra ...string) []string {
		return append([]string{"--mode", "direct", "--identity-url", s.ID.URL + "/" + variant, "--client-id", fixture.Client}, extra...)
	}
	for _, tc := range []authCase{
		{"ok", env, direct("ok"), plugin.OK, false},
		{"ok trailing slash", env, direct("ok/"), plugin.OK, false},
		{"ok verbose", env, direct("ok", "-vv"), plugin.OK, false},
		{"wrong secret", map[string]string{"CREATIO_CLIENT_SECRET": "wrong"}, direct("ok"), plugin.Critical, false},
		{"unknown client", env, []string{"--mode", "direct", "--identity-url", s.ID.URL + "/ok", "--client-id", "stranger"}, plugin.Critical, false},
		{"identity service down", env, []string{"--mode", "direct", "--identity-url", "http://127.0.0.1:1", "--client-id", fixture.Client}, plugin.Critical, false},
		{"identity service down unreachable unknown", env, []string{"--mode", "direct", "--identity-url", "http://127.0.0.1:1", "--client-id", fixture.Client, "--unreachable-state", "3"}, plugin.Unknown, false},
		{"all settings empty", nil, []string{"--mode", "direct"}, plugin.Unknown, false},
		{"url setting empty", env, []string{"--mode", "direct", "--client-id", fixture.Client}, plugin.Unknown, false},
		{"secret setting empty", nil, direct("ok"), plugin.Unknown, false},
		{"client id empty", env, []string{"--mode", "direct", "--identity-url", s.ID.URL + "/ok"}, plugin.Unknown, false},
		{"identity service echoes the secret", env, direct("echo", "-vvv"), plugin.Critical, false},
		{"identity service echoes the secret in a 500", env, direct("echo-500", "-vvv"), plugin.Critical, false},
		{"form-encoded token", env, direct("form-token", "--token-lifetime-warning", "7200:"), plugin.Warning, false},
		{"token lifetime warning", env, direct("ok", "--token-lifetime-warning", "7200:"), plugin.Warning, false},
		{"token lifetime critical", env, direct("ok", "--token-lifetime-warning", "7200:", "--token-lifetime-critical", "5000:"), plugin.Critical, false},
		{"token lifetime ok", env, direct("ok", "--token-lifetime-warning", "300:"), plugin.OK, false},
		{"bad identity url", env, []string{"--mode", "direct", "--identity-url", "ftp://x", "--client-id", fixture.Client}, plugin.Unknown, true},
		{"both ok", env, []string{"--mode", "both", "-U", s.C.URL + "/ok", "--identity-url", s.ID.URL + "/ok", "--client-id", fixture.Client}, plugin.OK, false},
		{"both creatio cannot reach identity", env, []string{"--mode", "both", "-U", s.C.URL + "/identity-unavailable", "--identity-url", s.ID.URL + "/ok", "--client-id", fixture.Client}, plugin.Critical, false},
		{"both identity down", env, []string{"--mode", "both", "-U", s.C.URL + "/identity-unavailable", "--identity-url", s.ID.URL + "/discovery-down", "--client-id", fixture.Client, "--auth", "none"}, plugin.Critical, false},
		{"both direct worse", map[string]string{"CREATIO_CLIENT_SECRET": "wrong"}, []string{"--mode", "both", "-U", s.C.URL + "/ok", "--identity-url", s.ID.URL + "/ok", "--client-id", fixture.Client, "--auth", "none"}, plugin.Critical, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, out := runPlugin(t, tc.env, tc.args...)
			if got != tc.want {
				t.Errorf("state %v, want %v\n%s", got, tc.want, out)
			}
			checkShape(t, out, !tc.usage)
			for _, sec := range fixture.Encodings(fixture.Client, fixture.Secret) {
				if bytes.Contains(out, []byte(sec)) {
					t.Errorf("the client secret is printed as %q:\n%s", sec, out)
				}
			}
			golden(t, "direct_"+tc.name, out)
		})
	}
}

func TestJSONOutput(t *testing.T) {
	s := fixture.NewStand(t, 0)
	for _, tc := range []struct {
		name   string
		env    map[string]string
		args   []string
		state  plugin.State
		mode   string
		flags  map[string]any
		noTime bool // no request was timed (the connection was refused)
	}{
		{"endpoint ok", nil, []string{"-U", s.C.URL + "/ok"}, plugin.OK, "endpoint",
			map[string]any{"HasProblem": false, "IsSystemSettingsFilledIn": true, "IsIdentityServiceAvailable": true, "IsAccessTokenRetrievableForSystemActions": true, "Message": nil}, false},
		{"endpoint identity unavailable", nil, []string{"-U", s.C.URL + "/identity-unavailable"}, plugin.Critical, "endpoint",
			map[string]any{"HasProblem": true, "IsSystemSettingsFilledIn": true, "IsIdentityServiceAvailable": false, "IsAccessTokenRetrievableForSystemActions": false, "Message": sim.MessageIdentityUnavailable}, false},
		{"endpoint default resource", nil, []string{"-U", s.C.URL + "/default-resource"}, plugin.Critical, "endpoint",
			map[string]any{"HasProblem": true, "IsDefaultResourceRegistered": false}, false},
		{"endpoint unreachable", nil, []string{"-U", "http://127.0.0.1:1"}, plugin.Critical, "endpoint",
			map[string]any{"HasProblem": nil, "IsSystemSettingsFilledIn": nil}, true},
		{"direct identity unavailable", map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}, []string{"--mode", "direct", "--client-id", fixture.Client, "--identity-url", s.ID.URL + "/discovery-down"}, plugin.Critical, "direct",
			map[string]any{"HasProblem": true, "IsSystemSettingsFilledIn": true, "IsIdentityServiceAvailable": false, "IsAccessTokenRetrievableForSystemActions": false, "Message": sim.MessageIdentityUnavailable}, false},
		{"direct ok", map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}, []string{"--mode", "direct", "--client-id", fixture.Client, "--identity-url", s.ID.URL + "/ok"}, plugin.OK, "direct",
			map[string]any{"HasProblem": false, "IsSystemSettingsFilledIn": true, "IsIdentityServiceAvailable": true, "IsAccessTokenRetrievableForSystemActions": true, "Message": nil}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, v := range []string{"", "-vvv"} {
				args := append(append([]string{}, tc.args...), "--output", "json")
				if v != "" {
					args = append(args, v)
				}
				got, out := runPlugin(t, tc.env, args...)
				if got != tc.state {
					t.Errorf("exit %v, want %v", got, tc.state)
				}
				if n := bytes.Count(out, []byte("\n")); n != 1 {
					t.Fatalf("%d lines, want exactly one:\n%s", n, out)
				}
				var j map[string]any
				if err := json.Unmarshal(out, &j); err != nil {
					t.Fatalf("not JSON: %v\n%s", err, out)
				}
				if j["state"] != float64(tc.state) || j["state_text"] != tc.state.String() || j["mode"] != tc.mode {
					t.Errorf("state/state_text/mode = %v/%v/%v", j["state"], j["state_text"], j["mode"])
				}
				for k, want := range tc.flags {
					if got, ok := j[k]; !ok || fmt.Sprint(got) != fmt.Sprint(want) {
						t.Errorf("%s = %v (present %v), want %v", k, got, ok, want)
					}
				}
				m, _ := j["metrics"].(map[string]any)
				if _, ok := m["time"]; !ok && !tc.noTime {
					t.Errorf("no metrics.time: %s", out)
				}
				if c, _ := j["checks"].([]any); len(c) == 0 {
					t.Errorf("no checks: %s", out)
				}
				if s, _ := j["summary"].(string); s == "" || strings.ContainsAny(s, "|\n") {
					t.Errorf("summary %q", s)
				}
			}
			got, out := runPlugin(t, tc.env, append(append([]string{}, tc.args...), "--output", "json")...)
			_ = got
			golden(t, "json_"+tc.name, out)
		})
	}
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// tableGoldens are the golden files of the scenario tables, each case as
// the plugin prints it at -v 0 and -v 2: check/creatio's (every simulated
// scenario with every login; the OAuth login at every Identity Service
// variant) and check's (every variant in direct mode).
var tableGoldens = []string{
	filepath.Join("..", "..", "check", "creatio", "testdata", "scenarios.golden"),
	filepath.Join("..", "..", "check", "creatio", "testdata", "oauth.golden"),
	filepath.Join("..", "..", "check", "testdata", "variants.golden"),
}

// goldenFiles are the golden files of the plugin's output: this package's
// (testdata/golden) and the scenario tables'.
func goldenFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.golden"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, f := range tableGoldens {
		if _, err := os.Stat(f); err != nil {
			t.Fatal(err)
		}
	}
	return append(files, tableGoldens...)
}

// timePerfdata matches a time perfdata item: time, time_login, time_token ...
var timePerfdata = regexp.MustCompile(`(^| )'?time\w*'?=[0-9.]+s`)

// golden compares got (masked) with testdata/golden/<name>.golden.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	got = fixture.Mask(got)
	path := filepath.Join("testdata", "golden", strings.NewReplacer("/", "_", " ", "_").Replace(name)+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// runPlugin calls run in-process with no environment beyond env.
func runPlugin(t *testing.T, env map[string]string, args ...string) (plugin.State, []byte) {
	t.Helper()
	var out bytes.Buffer
	code := Run(context.Background(), args, &out, func(k string) string { return env[k] })
	return plugin.State(code), out.Bytes()
}

// checkShape asserts the plugin output conventions on any output: line 1
// under MaxLine before the perfdata, no '|' in the text, perfdata present.
func checkShape(t *testing.T, out []byte, wantPerf bool) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	head, perf, hasPerf := strings.Cut(lines[0], " | ")
	if len(head) > plugin.MaxLine {
		t.Errorf("line 1 is %d bytes before the perfdata, want at most %d", len(head), plugin.MaxLine)
	}
	if strings.Contains(head, "|") || strings.Contains(perf, "|") {
		t.Errorf("a '|' in the text of line 1: %q", lines[0])
	}
	for _, l := range lines[1:] {
		if strings.Contains(l, "|") {
			t.Errorf("a '|' in long output: %q", l)
		}
	}
	if wantPerf && (!hasPerf || !timePerfdata.MatchString(perf)) {
		t.Errorf("no time perfdata on line 1: %q", lines[0])
	}
	if strings.Contains(perf, "=U") {
		t.Errorf("an undetermined perfdata value, which Icinga 2 rejects: %q", lines[0])
	}
}

// cliScenarios are the simulator's scenarios that TestScenarios runs
// through the command line, plain and at -vv. Every scenario, with every
// login, is check/creatio's TestEndpointScenarios (state, words, perfdata,
// steps, logout, the -vvv trace free of secrets, and the text at -v 0 and
// -v 2 in its scenarios.golden); here is only what the command line adds:
// the default -t in the perfdata, --user and CREATIO_PASSWORD making a
// forms login that is ended, -vv, line 1 as written to stdout.
var cliScenarios = []string{"ok", "identity-unavailable", "forms-problem", "message-hostile", "message-long", "not-found", "redirect-other-host"}

func TestScenarios(t *testing.T) {
	t.Parallel()
	creatio := sim.NewCreatio(sim.CreatioConfig{User: fixture.User, Password: fixture.Password})
	srv := httptest.NewServer(creatio)
	t.Cleanup(srv.Close)
	t.Cleanup(creatio.Close)
	env := map[string]string{"CREATIO_PASSWORD": fixture.Password}
	t.Cleanup(func() {
		if n := creatio.LiveSessions(); n != 0 || creatio.Logins() == 0 {
			t.Errorf("%d Creatio sessions left after the forms scenarios (logins %d, logouts %d), want none", n, creatio.Logins(), creatio.Logouts())
		}
	})
	for _, name := range cliScenarios {
		sc, ok := sim.Lookup(name)
		if !ok {
			t.Fatalf("the simulator has no scenario %q", name)
		}
		var extra []string
		if sc.Auth == sim.AuthForms {
			extra = []string{"--user", fixture.User}
		}
		for _, v := range []string{"", "-vv"} {
			t.Run(sc.Name+v, func(t *testing.T) {
				t.Parallel()
				args := append([]string{"-U", srv.URL + "/" + sc.Name}, extra...)
				if v != "" {
					args = append(args, v)
				}
				got, out := runPlugin(t, env, args...)
				if int(got) != sc.Want {
					t.Errorf("%v: state %v, want %v\n%s", args, got, plugin.State(sc.Want), out)
				}
				checkShape(t, out, true)
				golden(t, "scenario_"+sc.Name+v, out)
			})
		}
	}
}

func TestThresholds(t *testing.T) {
	t.Parallel() // its waits for -t overlap the other tests
	creatio := sim.NewCreatio(sim.CreatioConfig{SlowDelay: 300 * time.Millisecond})
	srv := httptest.NewServer(creatio)
	t.Cleanup(srv.Close)
	t.Cleanup(creatio.Close)
	for _, tc := range []struct {
		name    string
		args    []string
		want    plugin.State
		timeout float64 // the -t that ends a request that never gets an answer; 0: none
	}{
		{"slow over warning", []string{"-U", srv.URL + "/slow", "-w", "0.1", "-c", "5"}, plugin.Warning, 0},
		{"slow over critical", []string{"-U", srv.URL + "/slow", "-w", "0.05", "-c", "0.1"}, plugin.Critical, 0},
		{"fast within", []string{"-U", srv.URL + "/ok", "-w", "5", "-c", "10"}, plugin.OK, 0},
		{"inside range alerts", []string{"-U", srv.URL + "/ok", "-c", "@0:10"}, plugin.Critical, 0},
		{"critical health keeps its message", []string{"-U", srv.URL + "/identity-unavailable", "-w", "@0:10"}, plugin.Critical, 0},
		{"timeout state unknown", []string{"-U", srv.URL + "/hang", "-t", "0.5:UNKNOWN"}, plugin.Unknown, 0.5},
		{"timeout state warning by number", []string{"-U", srv.URL + "/hang", "-t", "0.5:1"}, plugin.Warning, 0.5},
		{"unreachable state", []string{"-U", "http://127.0.0.1:1/x", "--unreachable-state", "unknown"}, plugin.Unknown, 0},
		{"runtime pinned netfx on net layout", []string{"-U", srv.URL + "/ok-net", "--runtime", "netfx"}, plugin.Unknown, 0},
		{"runtime pinned net", []string{"-U", srv.URL + "/ok-net", "--runtime", "net"}, plugin.OK, 0},
		{"hostname port http", []string{"-H", "127.0.0.1", "-p", srv.Listener.Addr().(interface{ String() string }).String()[len("127.0.0.1:"):], "--http"}, plugin.Unknown, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			got, out := runPlugin(t, nil, tc.args...)
			if got != tc.want {
				t.Errorf("state %v, want %v\n%s", got, tc.want, out)
			}
			if tc.timeout > 0 {
				for _, f := range keptDeadline(out, time.Since(start), tc.timeout) {
					t.Error(f)
				}
			}
			checkShape(t, out, true)
			golden(t, "thresholds_"+tc.name, out)
		})
	}
}

// adviceCapital is a capitalised word that opens a part of a line after
// "; " or a "fix: ": advice goes on the sentence before it in lower case.
var adviceCapital = regexp.MustCompile(`(; |fix: |"fix":")([A-Z][a-z][A-Za-z']*)`)

// adviceNames may open such a part: a name, not a sentence (Creatio, and
// the Authorization header a broken server echoes in its own error text).
var adviceNames = map[string]bool{"Creatio": true, "Authorization": true}

// No golden output starts a part after "; " or "fix: " with a capital, as
// "; Check the client id ..." did: each part goes on the sentence before
// it. Cheap, as it reads every golden file the other tests wrote.
func TestGoldenAdviceLowerCase(t *testing.T) {
	for _, f := range goldenFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range adviceCapital.FindAllSubmatch(b, -1) {
			if !adviceNames[string(m[2])] {
				t.Errorf("%s: %q starts a part of a line with a capital", f, m[0])
			}
		}
	}
}

// How the command line's tests hold the plugin to -t without asserting how fast the
// machine is. A case about the deadline runs against a server that never
// answers, so a plugin that ignored -t would not end at all: the in-process
// tests have to tell "ended by its deadline" from "hangs", and the words and
// the -t state (two variants of each case) tell it was the deadline.
// keptDeadline bounds their times by -t × slowScale, the plugin's own (time=
// and its kin) and the wall time the test sees: dozens of -race runs side by
// side in one test process on a machine that runs other work are starved of
// CPU (at load 25 on two cores TestHostile saw 6.4 s for -t 1).
//
// That the answer comes before -t, the plugin's promise, is held by
// TestDeadlineKept: the built plugin as its own process, whose own time=
// (its clock, from its start) must be under -t, and whose wall time, start-up
// included, is bounded by -t × slowScale.
//
// A case that is not about the deadline gets a -t it never reaches
// (generousTimeout), so that a loaded machine cannot turn its answer into a
// timeout, and hangGuard ends a test whose plugin process does not end.
const (
	slowScale       = 20
	generousTimeout = "30"
	hangGuard       = 2 * time.Minute
)

// perfTime matches a time perfdata item (time, time_login, time_token ...)
// and its value in seconds.
var perfTime = regexp.MustCompile(`(?:^| )'?time\w*'?=([0-9.]+)s`)

// perfTimes are the time perfdata items of line 1, by label.
func perfTimes(out []byte) map[string]float64 {
	times := map[string]float64{}
	line1, _, _ := strings.Cut(string(out), "\n")
	if _, perf, ok := strings.Cut(line1, " | "); ok {
		for _, m := range perfTime.FindAllStringSubmatch(perf, -1) {
			if v, err := strconv.ParseFloat(m[1], 64); err == nil {
				label, _, _ := strings.Cut(strings.Trim(strings.TrimSpace(m[0]), "'"), "=")
				times[strings.Trim(label, "'")] = v
			}
		}
	}
	return times
}

// keptDeadline lists how a run that its deadline ended broke -t (seconds):
// a time it reports, or the wall time the test saw, over -t × slowScale.
func keptDeadline(out []byte, took time.Duration, timeout float64) []string {
	var fails []string
	limit := timeout * slowScale
	for label, v := range perfTimes(out) {
		if v > limit {
			fails = append(fails, fmt.Sprintf("the plugin reports %s=%gs, over -t %g × %d: does it keep its deadline?", label, v, timeout, slowScale))
		}
	}
	if took.Seconds() > limit {
		fails = append(fails, fmt.Sprintf("took %v, over -t %g × %d: does it keep its deadline?", took.Round(time.Millisecond), timeout, slowScale))
	}
	return fails
}

// hangingScenarios are the simulator's scenarios whose health request never
// gets an answer: -t ends them.
var hangingScenarios = map[string]bool{"hang": true, "forms-hang": true}

// hangs reports whether the scenario never answers; it fails the test when
// the simulator has no scenario of that name (renamed, so the set is stale).
func hangs(t testing.TB, sc sim.Scenario) bool {
	t.Helper()
	for name := range hangingScenarios {
		if _, ok := sim.Lookup(name); !ok {
			t.Fatalf("hangingScenarios names %q, which the simulator does not have", name)
		}
	}
	return hangingScenarios[sc.Name]
}
