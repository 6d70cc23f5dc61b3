package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/sim"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// masks hide what changes from run to run: timings and loopback ports.
var masks = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\b(time\w*)=[0-9.]+s`), "${1}=Ts"},
	{regexp.MustCompile(`\b\d+\.\d+ m?s\b`), "T s"},
	{regexp.MustCompile(`(127\.0\.0\.1|localhost|\[::1\]):\d+`), "${1}:PORT"},
	{regexp.MustCompile(`"(time\w*)":[0-9.e-]+`), `"${1}":T`},
	{regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`), "DATE"},
	{regexp.MustCompile(`(expired|skew of) \d+ s`), "${1} N s"},
	{regexp.MustCompile(`(?m)^< Date: .*$`), "< Date: DATE"},
}

// timePerfdata matches a time perfdata item: time, time_login, time_token ...
var timePerfdata = regexp.MustCompile(`(^| )'?time\w*'?=[0-9.]+s`)

func mask(b []byte) []byte {
	for _, m := range masks {
		b = m.re.ReplaceAll(b, []byte(m.with))
	}
	return b
}

// golden compares got (masked) with testdata/golden/<name>.golden.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	got = mask(got)
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
	code := run(args, &out, func(k string) string { return env[k] })
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

func TestScenarios(t *testing.T) {
	creatio := sim.NewCreatio(sim.CreatioConfig{User: testUser, Password: testPassword, SlowDelay: 300 * time.Millisecond})
	srv := httptest.NewServer(creatio)
	t.Cleanup(srv.Close)
	t.Cleanup(creatio.Close)
	// Extra arguments for scenarios that need them with the default Want.
	extra := map[string][]string{
		"hang":       {"-t", "1"},
		"forms-hang": {"-t", "1"},
	}
	env := map[string]string{"CREATIO_PASSWORD": testPassword}
	t.Cleanup(func() {
		if n := creatio.LiveSessions(); n != 0 {
			t.Errorf("%d Creatio sessions left after the forms scenarios (logins %d, logouts %d), want 0", n, creatio.Logins(), creatio.Logouts())
		}
	})
	for _, sc := range sim.Scenarios {
		if sc.Name == "forms" || sc.Name == "forms-net" || sc.Auth == sim.AuthBearer {
			continue // TestLogin covers these
		}
		if sc.Auth == sim.AuthForms {
			extra[sc.Name] = append(extra[sc.Name], "--user", testUser)
		}
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			for _, v := range []string{"", "-vv"} {
				args := append([]string{"-U", srv.URL + "/" + sc.Name}, extra[sc.Name]...)
				if v != "" {
					args = append(args, v)
				}
				got, out := runPlugin(t, env, args...)
				if int(got) != sc.Want {
					t.Errorf("%v: state %v, want %v\n%s", args, got, plugin.State(sc.Want), out)
				}
				checkShape(t, out, true)
				golden(t, "scenario_"+sc.Name+v, out)
			}
		})
	}
}

func TestThresholds(t *testing.T) {
	creatio := sim.NewCreatio(sim.CreatioConfig{SlowDelay: 300 * time.Millisecond})
	srv := httptest.NewServer(creatio)
	t.Cleanup(srv.Close)
	t.Cleanup(creatio.Close)
	for _, tc := range []struct {
		name string
		args []string
		want plugin.State
	}{
		{"slow over warning", []string{"-U", srv.URL + "/slow", "-w", "0.1", "-c", "5"}, plugin.Warning},
		{"slow over critical", []string{"-U", srv.URL + "/slow", "-w", "0.05", "-c", "0.1"}, plugin.Critical},
		{"fast within", []string{"-U", srv.URL + "/ok", "-w", "5", "-c", "10"}, plugin.OK},
		{"inside range alerts", []string{"-U", srv.URL + "/ok", "-c", "@0:10"}, plugin.Critical},
		{"critical health keeps its message", []string{"-U", srv.URL + "/identity-unavailable", "-w", "@0:10"}, plugin.Critical},
		{"timeout state unknown", []string{"-U", srv.URL + "/hang", "-t", "0.5:UNKNOWN"}, plugin.Unknown},
		{"timeout state warning by number", []string{"-U", srv.URL + "/hang", "-t", "0.5:1"}, plugin.Warning},
		{"unreachable state", []string{"-U", "http://127.0.0.1:1/x", "--unreachable-state", "unknown"}, plugin.Unknown},
		{"runtime pinned netfx on net layout", []string{"-U", srv.URL + "/ok-net", "--runtime", "netfx"}, plugin.Unknown},
		{"runtime pinned net", []string{"-U", srv.URL + "/ok-net", "--runtime", "net"}, plugin.OK},
		{"hostname port http", []string{"-H", "127.0.0.1", "-p", srv.Listener.Addr().(interface{ String() string }).String()[len("127.0.0.1:"):], "--http"}, plugin.Unknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			got, out := runPlugin(t, nil, tc.args...)
			if got != tc.want {
				t.Errorf("state %v, want %v\n%s", got, tc.want, out)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v", d)
			}
			checkShape(t, out, true)
			golden(t, "thresholds_"+tc.name, out)
		})
	}
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string // the whole output
	}{
		{"no address", nil, "CREATIO OAUTH UNKNOWN - no Creatio address: give --url https://creatio.example.com (or --hostname)\n"},
		{"unknown flag", []string{"--bogus"}, "CREATIO OAUTH UNKNOWN - unknown flag `bogus'; see --help\n"},
		{"positional", []string{"-U", "http://x", "extra"}, "CREATIO OAUTH UNKNOWN - unexpected argument \"extra\"; options start with - (see --help)\n"},
		{"bad url", []string{"-U", "ftp://x"}, "CREATIO OAUTH UNKNOWN - --url \"ftp://x\" is not an http:// or https:// URL\n"},
		{"url with password", []string{"-U", "https://u:secret@x"}, "CREATIO OAUTH UNKNOWN - --url must not carry a user or password (it would show in ps); use --user with CREATIO_PASSWORD\n"},
		{"both url and host", []string{"-U", "http://x", "-H", "x"}, "CREATIO OAUTH UNKNOWN - give --url or --hostname, not both\n"},
		{"bad warning", []string{"-U", "http://x", "-w", "x20"}, ""},
		{"bad critical", []string{"-U", "http://x", "-c", "2:1"}, ""},
		{"bad timeout", []string{"-U", "http://x", "-t", "0"}, ""},
		{"bad timeout state", []string{"-U", "http://x", "-t", "10:maybe"}, ""},
		{"bad unreachable state", []string{"-U", "http://x", "--unreachable-state", "9"}, ""},
		{"bad runtime", []string{"-U", "http://x", "--runtime", "java"}, ""},
		{"missing ca file", []string{"-U", "https://x", "--ca-file", "/nonexistent/ca.pem"}, ""},
		{"cert without key", []string{"-U", "https://x", "--client-cert", "/nonexistent/c.pem"}, ""},
		{"bad max body", []string{"-U", "https://x", "--max-body", "0"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, out := runPlugin(t, nil, tc.args...)
			if got != plugin.Unknown {
				t.Errorf("state %v, want UNKNOWN", got)
			}
			if tc.want != "" && string(out) != tc.want {
				t.Errorf("output\n%q\nwant\n%q", out, tc.want)
			}
			if n := bytes.Count(out, []byte("\n")); n != 1 {
				t.Errorf("%d lines, want 1: %q", n, out)
			}
			golden(t, "usage_"+tc.name, out)
			// The same mistake with --output json is one line of JSON,
			// wherever --output json stands, so that a Zabbix item never
			// turns unsupported.
			for _, args := range [][]string{append([]string{"--output", "json"}, tc.args...), append(append([]string{}, tc.args...), "--output=json")} {
				got, out := runPlugin(t, nil, args...)
				var j struct {
					State     *int    `json:"state"`
					StateText string  `json:"state_text"`
					Summary   *string `json:"summary"`
				}
				if err := json.Unmarshal(out, &j); err != nil || bytes.Count(out, []byte("\n")) != 1 || got != plugin.Unknown ||
					j.State == nil || *j.State != 3 || j.StateText != "UNKNOWN" || j.Summary == nil || *j.Summary == "" {
					t.Errorf("%v: state %v, want one line of JSON with state 3, state_text and summary (%v):\n%s", args, got, err, out)
				}
			}
		})
	}
}

// --help and --version print text and exit 3, also with --output json;
// everything else with --output json is JSON, also an unreadable secret
// file and a panic.
func TestJSONForEveryOutcome(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		json bool
	}{
		{"help", []string{"--output", "json", "--help"}, false},
		{"version", []string{"--output", "json", "-V"}, false},
		{"unreadable password file", []string{"--output", "json", "-U", "http://x", "--user", "u", "--password-file", "/nonexistent/pw"}, true},
		{"unreadable client secret file", []string{"--output", "json", "--mode", "direct", "--client-id", "c", "--client-secret-file", t.TempDir()}, true},
		{"direct mode without settings", []string{"--output", "json", "--mode", "direct"}, true},
		{"secret on the command line", []string{"--output=json", "-U", "http://x", "--password", "x"}, true},
		{"option after --", []string{"-U", "http://x", "--", "--output", "json"}, false},
	} {
		got, out := runPlugin(t, nil, tc.args...)
		if got != plugin.Unknown {
			t.Errorf("%s: state %v, want UNKNOWN\n%s", tc.name, got, out)
		}
		if isJSON := json.Valid(out) && bytes.Count(out, []byte("\n")) == 1; isJSON != tc.json {
			t.Errorf("%s: output is one line of JSON: %t, want %t\n%s", tc.name, isJSON, tc.json, out)
		}
	}
}

func TestHelpAndVersionExitUnknown(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"-V"}, {"--version"}} {
		got, out := runPlugin(t, nil, args...)
		if got != plugin.Unknown {
			t.Errorf("%v: state %v, want UNKNOWN (guidelines)", args, got)
		}
		if !bytes.HasPrefix(out, []byte("check_creatio_oauth ")) {
			t.Errorf("%v: output starts %q", args, out[:min(len(out), 40)])
		}
	}
}
