package main

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"check_creatio_oauth/plugin"
)

// buildPlugin builds the plugin into a temporary directory of t and returns
// the binary's path. Signals and process counts need a real process.
func buildPlugin(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command on PATH to build the plugin: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "check_creatio_oauth")
	start := time.Now()
	if out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built %s in %.1f s", bin, time.Since(start).Seconds())
	return bin
}

// TestSignal sends SIGTERM or SIGINT to the plugin while its request hangs:
// it must print the -t state's line at once and exit with that state, as
// when the deadline passes, so that a scheduler stopping it gets a result.
func TestSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it against a hanging server")
	}
	bin := buildPlugin(t)
	hang := newRawServer(t, rawHang)
	discovery := httptest.NewServer(discoveryFor(hang.URL("http") + "/connect/token"))
	t.Cleanup(discovery.Close)
	for _, tc := range []struct {
		name    string
		sig     syscall.Signal
		args    []string
		timeout string
		want    plugin.State
	}{
		{"SIGTERM", syscall.SIGTERM, []string{"-U", hang.URL("http")}, "10", plugin.Critical},
		{"SIGINT", syscall.SIGINT, []string{"-U", hang.URL("http")}, "10", plugin.Critical},
		{"SIGTERM timeout state UNKNOWN", syscall.SIGTERM, []string{"-U", hang.URL("http")}, "10:UNKNOWN", plugin.Unknown},
		{"SIGINT timeout state UNKNOWN", syscall.SIGINT, []string{"-U", hang.URL("http")}, "10:UNKNOWN", plugin.Unknown},
		{"SIGTERM direct mode discovery", syscall.SIGTERM, []string{"--mode", "direct", "--identity-url", hang.URL("http"), "--client-id", testClient}, "10", plugin.Critical},
		{"SIGINT direct mode token call", syscall.SIGINT, []string{"--mode", "direct", "--identity-url", discovery.URL, "--client-id", testClient}, "10:UNKNOWN", plugin.Unknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			cmd := exec.Command(bin, append(tc.args, "-t", tc.timeout)...)
			cmd.Env = []string{"CREATIO_CLIENT_SECRET=" + testSecret}
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(300 * time.Millisecond) // the request is on its way
			sent := time.Now()
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			waited := make(chan error, 1)
			go func() { waited <- cmd.Wait() }()
			var err error
			select {
			case err = <-waited:
			case <-time.After(5 * time.Second):
				_ = cmd.Process.Kill()
				<-waited
				t.Fatalf("still running 5 s after %v; output so far:\n%s", tc.sig, out.Bytes())
			}
			took := time.Since(sent)
			code := 0
			var ee *exec.ExitError
			switch {
			case errors.As(err, &ee) && ee.Exited():
				code = ee.ExitCode()
			case err != nil:
				t.Fatalf("%v: %v (killed by the signal instead of handling it?)\n%s", tc.sig, err, out.Bytes())
			}
			line1, _, _ := strings.Cut(out.String(), "\n")
			t.Logf("exit %d %.3f s after %v: %s", code, took.Seconds(), tc.sig, line1)

			fails := outputFails(out.Bytes(), tc.want)
			if plugin.State(code) != tc.want {
				fails = append(fails, "exit code "+plugin.State(code).String()+", want "+tc.want.String())
			}
			if took > time.Second {
				fails = append(fails, "answered "+took.String()+" after the signal, want under 1 s")
			}
			if len(fails) > 0 {
				t.Errorf("%s\noutput:\n%s", strings.Join(fails, "\n"), out.Bytes())
			}
		})
	}
}
