package cli

import (
	"bytes"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
	"check_creatio_oauth/testdata/sim"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Load test figures: make load runs it (CHECK_CREATIO_OAUTH_LOAD=1), not
// make test, because its limits are how fast the machine is.
const (
	loadEnv         = "CHECK_CREATIO_OAUTH_LOAD"
	loadRuns        = 1000
	loadParallel    = 50
	loadWallLimit   = 60 * time.Second
	loadRunTimeout  = 5.0 // -t of every run but the hang
	loadHangTimeout = 1.0 // -t of the hang runs
)

// TestLoad runs the built plugin 1000 times, 50 at a time, against the
// simulated Creatio and Identity Service with mixed scenarios: every run must
// end in its expected state within its -t + 1 s, and no plugin process may be
// left behind. It measures the machine as much as the plugin, so it runs
// only in make load (CHECK_CREATIO_OAUTH_LOAD=1), on a machine left to it.
func TestLoad(t *testing.T) {
	if os.Getenv(loadEnv) != "1" {
		t.Skip("1000 runs of the built binary against wall-clock limits: make load (" + loadEnv + "=1)")
	}
	bin := fixture.Binary(t)

	identity := sim.NewIdentity(sim.IdentityConfig{Clients: map[string]string{fixture.Client: fixture.Secret}})
	creatio := sim.NewCreatio(sim.CreatioConfig{User: fixture.User, Password: fixture.Password, SlowDelay: 200 * time.Millisecond, ValidateToken: identity.ValidateToken})
	c := httptest.NewServer(creatio)
	id := httptest.NewServer(identity)
	t.Cleanup(func() { c.Close(); id.Close(); creatio.Close() })

	type loadCase struct {
		name    string
		args    []string
		env     []string
		want    plugin.State
		timeout float64
	}
	scenario := func(name string, timeout float64, extra ...string) loadCase {
		sc, ok := sim.Lookup(name)
		if !ok {
			t.Fatalf("no simulator scenario %q", name)
		}
		return loadCase{name: name, args: append([]string{"-U", c.URL + "/" + name}, extra...), want: plugin.State(sc.Want), timeout: timeout}
	}
	forms := scenario("forms", loadRunTimeout, "--user", fixture.User)
	forms.name, forms.env = "forms login", []string{"CREATIO_PASSWORD=" + fixture.Password}
	direct := func(name, secret string, want plugin.State) loadCase {
		return loadCase{name: name, args: []string{"--mode", "direct", "--identity-url", id.URL + "/ok", "--client-id", fixture.Client},
			env: []string{"CREATIO_CLIENT_SECRET=" + secret}, want: want, timeout: loadRunTimeout}
	}
	cases := []loadCase{
		scenario("ok", loadRunTimeout),
		scenario("identity-unavailable", loadRunTimeout),
		scenario("token-unretrievable", loadRunTimeout),
		scenario("login-redirect", loadRunTimeout),
		scenario("not-found", loadRunTimeout),
		scenario("slow", loadRunTimeout),
		scenario("hang", loadHangTimeout),
		forms,
		direct("direct ok", fixture.Secret, plugin.OK),
		direct("direct wrong secret", "wrong", plugin.Critical),
	}

	type result struct {
		tc   int
		code int
		took time.Duration
		out  []byte
		err  error
	}
	results := make([]result, loadRuns)
	sem := make(chan struct{}, loadParallel)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range loadRuns {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			tc := cases[i%len(cases)]
			var out bytes.Buffer
			cmd := exec.Command(bin, append(append([]string{}, tc.args...), "-t", strconv.FormatFloat(tc.timeout, 'f', -1, 64))...)
			cmd.Env = tc.env
			cmd.Stdout = &out
			t0 := time.Now()
			err := cmd.Run() // waits: no run is left unreaped
			r := result{tc: i % len(cases), took: time.Since(t0), out: out.Bytes()}
			var ee *exec.ExitError
			switch {
			case errors.As(err, &ee) && ee.Exited():
				r.code = ee.ExitCode()
			case err != nil:
				r.err, r.code = err, -1
			}
			results[i] = r
		}()
	}
	wg.Wait()
	wall := time.Since(start)

	wrong, slow := 0, 0
	var worst time.Duration
	perCase := make([]struct {
		n    int
		sum  time.Duration
		max  time.Duration
		errs int
	}, len(cases))
	for i, r := range results {
		tc := cases[r.tc]
		pc := &perCase[r.tc]
		pc.n++
		pc.sum += r.took
		pc.max = max(pc.max, r.took)
		worst = max(worst, r.took)
		line1, _, _ := strings.Cut(string(r.out), "\n")
		bad := r.err != nil || plugin.State(r.code) != tc.want || !strings.HasPrefix(line1, "CREATIO OAUTH "+tc.want.String()+" - ")
		if bad {
			wrong++
			pc.errs++
			if wrong <= 10 {
				t.Errorf("run %d (%s): exit %d, err %v, want %v: %s", i, tc.name, r.code, r.err, tc.want, line1)
			}
		}
		if limit := time.Duration((tc.timeout + 1) * float64(time.Second)); r.took > limit {
			slow++
			if slow <= 10 {
				t.Errorf("run %d (%s) took %v, over -t + 1 s = %v: %s", i, tc.name, r.took, limit, line1)
			}
		}
	}
	for i, tc := range cases {
		pc := perCase[i]
		t.Logf("%-22s %4d runs, mean %6.3f s, max %6.3f s, wrong %d", tc.name, pc.n, (pc.sum / time.Duration(max(pc.n, 1))).Seconds(), pc.max.Seconds(), pc.errs)
	}
	t.Logf("%d runs, %d at a time: %.2f s wall, %.0f runs/s; slowest run %.3f s; %d wrong states, %d over their -t + 1 s",
		loadRuns, loadParallel, wall.Seconds(), float64(loadRuns)/wall.Seconds(), worst.Seconds(), wrong, slow)
	if wall > loadWallLimit {
		t.Errorf("%d runs took %v, over %v", loadRuns, wall, loadWallLimit)
	}
	if left := leftoverProcesses(bin); len(left) > 0 {
		t.Errorf("plugin processes left behind: %s", strings.Join(left, "; "))
	}
}

// leftoverProcesses lists processes running bin and unreaped children of
// this test process (zombies have no exe link).
func leftoverProcesses(bin string) []string {
	self := os.Getpid()
	want, _ := filepath.EvalSymlinks(bin)
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var left []string
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil || pid == self {
			continue
		}
		if exe, err := os.Readlink(d + "/exe"); err == nil && (exe == bin || exe == want) {
			left = append(left, fmt.Sprintf("pid %d runs %s", pid, exe))
			continue
		}
		stat, err := os.ReadFile(d + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so cut at the last ')'.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) >= 2 && f[1] == strconv.Itoa(self) && f[0] == "Z" {
			left = append(left, fmt.Sprintf("pid %d is an unreaped child (zombie): %s", pid, stat[:i+1]))
		}
	}
	return left
}

// TestSignal sends SIGTERM or SIGINT to the plugin while its request hangs:
// it must print the -t state's line and exit with that state, as when the
// deadline passes, so that a scheduler stopping it gets a result. The signal
// goes once the hanging server has accepted the plugin's connection; the
// line must say the request was interrupted, which tells the signal's answer
// from the deadline's (-t 10 is far away).
func TestSignal(t *testing.T) {
	t.Parallel() // its waits for -t overlap the other tests
	if testing.Short() {
		t.Skip("builds the binary and runs it against a hanging server")
	}
	bin := fixture.Binary(t)
	endpoint := func(hang *fixture.RawServer) []string { return []string{"-U", hang.URL("http")} }
	discovery := func(hang *fixture.RawServer) []string {
		return []string{"--mode", "direct", "--identity-url", hang.URL("http"), "--client-id", fixture.Client}
	}
	token := func(hang *fixture.RawServer) []string {
		srv := httptest.NewServer(discoveryFor(hang.URL("http") + "/connect/token"))
		t.Cleanup(srv.Close)
		return []string{"--mode", "direct", "--identity-url", srv.URL, "--client-id", fixture.Client}
	}
	for _, tc := range []struct {
		name    string
		sig     syscall.Signal
		args    func(*fixture.RawServer) []string
		timeout string
		want    plugin.State
	}{
		{"SIGTERM", syscall.SIGTERM, endpoint, "10", plugin.Critical},
		{"SIGINT", syscall.SIGINT, endpoint, "10", plugin.Critical},
		{"SIGTERM timeout state UNKNOWN", syscall.SIGTERM, endpoint, "10:UNKNOWN", plugin.Unknown},
		{"SIGINT timeout state UNKNOWN", syscall.SIGINT, endpoint, "10:UNKNOWN", plugin.Unknown},
		{"SIGTERM direct mode discovery", syscall.SIGTERM, discovery, "10", plugin.Critical},
		{"SIGINT direct mode token call", syscall.SIGINT, token, "10:UNKNOWN", plugin.Unknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hang := fixture.NewRawServer(t, fixture.Hang) // this run's own: its accept is this plugin's
			var out bytes.Buffer
			cmd := exec.Command(bin, append(tc.args(hang), "-t", tc.timeout)...)
			cmd.Env = []string{"CREATIO_CLIENT_SECRET=" + fixture.Secret}
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waited := make(chan error, 1)
			go func() { waited <- cmd.Wait() }()
			select {
			case <-hang.Accepted(): // the request is on its way and hangs
			case err := <-waited:
				t.Fatalf("the plugin ended before it connected: %v\n%s", err, out.Bytes())
			}
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			err := waitGuarded(t, cmd, waited, &out, fmt.Sprintf("after %v", tc.sig))
			code := 0
			var ee *exec.ExitError
			switch {
			case errors.As(err, &ee) && ee.Exited():
				code = ee.ExitCode()
			case err != nil:
				t.Fatalf("%v: %v (killed by the signal instead of handling it?)\n%s", tc.sig, err, out.Bytes())
			}
			line1, _, _ := strings.Cut(out.String(), "\n")
			t.Logf("exit %d after %v: %s", code, tc.sig, line1)

			fails := outputFails(out.Bytes(), tc.want)
			if plugin.State(code) != tc.want {
				fails = append(fails, "exit code "+plugin.State(code).String()+", want "+tc.want.String())
			}
			if !strings.Contains(line1, wordsInterrupted) {
				fails = append(fails, fmt.Sprintf("line 1 does not say %q: the deadline ended the run, not the signal", wordsInterrupted))
			}
			if len(fails) > 0 {
				t.Errorf("%s\noutput:\n%s", strings.Join(fails, "\n"), out.Bytes())
			}
		})
	}
}

// TestDeadlineKept holds the plugin to its promise: the answer comes before
// -t. The built plugin, as its own process, runs against a server that
// never answers; the times it reports, measured by its own clock from its
// own start, must be at most -t, its state the -t state and its words the
// deadline's. Its wall time, process start-up included, is bounded by
// -t × slowScale (see golden_test.go).
func TestDeadlineKept(t *testing.T) {
	t.Parallel() // its waits for -t overlap the other tests
	if testing.Short() {
		t.Skip("builds the binary and runs it against a hanging server")
	}
	bin := fixture.Binary(t)
	const timeout = 2.0
	for _, tc := range []struct {
		name string
		args func(hang *fixture.RawServer) []string
		t    string
		want plugin.State
	}{
		{"endpoint", func(h *fixture.RawServer) []string { return []string{"-U", h.URL("http")} }, "2", plugin.Critical},
		{"endpoint, -t state UNKNOWN", func(h *fixture.RawServer) []string { return []string{"-U", h.URL("http")} }, "2:UNKNOWN", plugin.Unknown},
		{"direct mode discovery", func(h *fixture.RawServer) []string {
			return []string{"--mode", "direct", "--identity-url", h.URL("http"), "--client-id", fixture.Client}
		}, "2", plugin.Critical},
		{"endpoint over TLS, handshake hangs", func(h *fixture.RawServer) []string { return []string{"-U", h.URL("https")} }, "2:WARNING", plugin.Warning},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hang := fixture.NewRawServer(t, fixture.Hang)
			var out bytes.Buffer
			cmd := exec.Command(bin, append(tc.args(hang), "-t", tc.t)...)
			cmd.Env = []string{"CREATIO_CLIENT_SECRET=" + fixture.Secret}
			cmd.Stdout = &out
			start := time.Now()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waited := make(chan error, 1)
			go func() { waited <- cmd.Wait() }()
			err := waitGuarded(t, cmd, waited, &out, "it does not keep -t "+tc.t)
			took := time.Since(start)
			code := -1
			var ee *exec.ExitError
			switch {
			case err == nil:
				code = 0
			case errors.As(err, &ee) && ee.Exited():
				code = ee.ExitCode()
			}
			line1, _, _ := strings.Cut(out.String(), "\n")
			t.Logf("exit %d, wall %.3f s: %s", code, took.Seconds(), line1)
			fails := outputFails(out.Bytes(), tc.want)
			if plugin.State(code) != tc.want {
				fails = append(fails, fmt.Sprintf("exit %d, want %d (%v)", code, tc.want, tc.want))
			}
			if !strings.Contains(line1, wordsNoAnswer("2")) {
				fails = append(fails, fmt.Sprintf("line 1 does not say %q", wordsNoAnswer("2")))
			}
			times := perfTimes(out.Bytes())
			if len(times) == 0 {
				fails = append(fails, "no time perfdata")
			}
			for label, v := range times {
				if v > timeout {
					fails = append(fails, fmt.Sprintf("the plugin reports %s=%gs: its answer came after -t %g", label, v, timeout))
				}
			}
			if took.Seconds() > timeout*slowScale {
				fails = append(fails, fmt.Sprintf("wall time %v, over -t × %d", took, slowScale))
			}
			if len(fails) > 0 {
				t.Errorf("%s\noutput:\n%s", strings.Join(fails, "\n"), out.Bytes())
			}
		})
	}
}

// waitGuarded waits for the plugin process that waited reports on, at most
// hangGuard (a guard against a hang, not a timing goal): past it the
// process is killed and the test fails, saying why and what it printed.
func waitGuarded(t *testing.T, cmd *exec.Cmd, waited <-chan error, out *bytes.Buffer, why string) error {
	t.Helper()
	select {
	case err := <-waited:
		return err
	case <-time.After(hangGuard):
		_ = cmd.Process.Kill()
		<-waited
		t.Fatalf("still running %v later (%s); output so far:\n%s", hangGuard, why, out.Bytes())
		return nil
	}
}
