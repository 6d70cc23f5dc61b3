package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
)

// A signal that comes while the options are parsed or the secrets read
// (main installs its handler before either) ends the run as the deadline
// would: the -t state, one line, no request made. The run gets a context
// that the signal has already ended, which is where such a signal leaves
// it, without racing a real one against the parser.
func TestSignalBeforeTheCheck(t *testing.T) {
	s := fixture.NewStand(t, 0)
	stopped := func(sig syscall.Signal) context.Context {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(stopSignal{sig})
		return ctx
	}
	env := map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}
	for _, tc := range []struct {
		name string
		sig  syscall.Signal
		args []string
		want plugin.State
		says string
	}{
		{"SIGTERM", syscall.SIGTERM, []string{"-U", s.C.URL + "/ok"}, plugin.Critical, "stopped by " + signalNames[syscall.SIGTERM] + " before the check began; no request was made"},
		{"SIGINT, -t state UNKNOWN", syscall.SIGINT, []string{"-U", s.C.URL + "/ok", "-t", "10:UNKNOWN"}, plugin.Unknown, "stopped by " + signalNames[syscall.SIGINT] + " before the check began"},
		{"SIGTERM, direct mode, -t state WARNING", syscall.SIGTERM, []string{"--mode", "direct", "--identity-url", s.ID.URL + "/ok", "--client-id", fixture.Client, "-t", "5:1"}, plugin.Warning, "stopped by " + signalNames[syscall.SIGTERM]},
		{"a usage error still says what is wrong", syscall.SIGTERM, []string{"-U", "ftp://x"}, plugin.Unknown, "is not an http:// or https:// URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			got := plugin.State(Run(stopped(tc.sig), tc.args, &out, func(k string) string { return env[k] }))
			if got != tc.want || !strings.Contains(out.String(), tc.says) || strings.Count(out.String(), "\n") != 1 {
				t.Errorf("state %v, want %v and one line saying %q:\n%s", got, tc.want, tc.says, out.Bytes())
			}
			checkShape(t, out.Bytes(), false)
		})
	}
	// The deadline, not a signal, while the options were turned into a check.
	ctx, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	var out bytes.Buffer
	want := "the deadline passed before the check began; no request was made"
	if got := plugin.State(Run(ctx, []string{"-U", s.C.URL + "/ok", "-t", "3:UNKNOWN"}, &out, func(string) string { return "" })); got != plugin.Unknown || !strings.Contains(out.String(), want) {
		t.Errorf("an ended deadline: state %v, want UNKNOWN saying %q\n%s", got, want, out.Bytes())
	}
	if n := s.Creatio.Logins() + len(s.Creatio.Requests()); n != 0 {
		t.Errorf("%d requests reached Creatio from runs stopped before the check", n)
	}
}

// deadline keeps a tenth of -t, at most half a second, for the plugin to
// write its answer before the scheduler's own timeout.
func TestDeadline(t *testing.T) {
	for _, tc := range []struct{ t, want time.Duration }{
		{10 * time.Second, 9500 * time.Millisecond},
		{5 * time.Second, 4500 * time.Millisecond},
		{2 * time.Second, 1800 * time.Millisecond},
		{time.Second, 900 * time.Millisecond},
		{500 * time.Millisecond, 450 * time.Millisecond},
		{time.Millisecond, 900 * time.Microsecond},
		{maxTimeout * time.Second, maxTimeout*time.Second - 500*time.Millisecond},
	} {
		if got := deadline(tc.t); got != tc.want {
			t.Errorf("deadline(%v) = %v, want %v", tc.t, got, tc.want)
		}
	}
}

// A usage error in JSON names the mode the command line asks for, as the
// run would have (endpoint unless --mode says otherwise), so that a Zabbix
// item of one mode does not see "mode":"".
func TestUsageErrorJSONMode(t *testing.T) {
	for _, tc := range []struct {
		args []string
		mode string
	}{
		{[]string{"--bogus"}, "endpoint"},
		{[]string{"-U", "ftp://x"}, "endpoint"},
		{[]string{"--mode", "direct", "--bogus"}, "direct"},
		{[]string{"--mode=both", "-U", "ftp://x", "--client-id", "c"}, "both"},
		{[]string{"--mode", "direct"}, "direct"},                // no settings: direct mode names them
		{[]string{"--mode", "sideways", "-U", "x"}, "endpoint"}, // not a mode: the default
		{[]string{"-U", "http://x", "--password", "x"}, "endpoint"},
	} {
		var out bytes.Buffer
		Run(context.Background(), append(tc.args, "--output", "json"), &out, func(string) string { return "" })
		var j struct {
			State int     `json:"state"`
			Mode  *string `json:"mode"`
		}
		if err := json.Unmarshal(out.Bytes(), &j); err != nil || j.Mode == nil || *j.Mode != tc.mode {
			t.Errorf("%v: mode %v, want %q (%v)\n%s", tc.args, fmt.Sprint(j.Mode), tc.mode, err, out.Bytes())
		}
	}
}
