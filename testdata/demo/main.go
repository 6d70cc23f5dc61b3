// Command demo starts the simulated Creatio and Identity Service on loopback
// and runs check_creatio_oauth against every scenario, printing the command,
// its output and its exit code next to the expected one. It exits 1 if any
// state differs. Run it with `make demo`.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"check_creatio_oauth/testdata/sim"
)

// Demo credentials: the simulator's only user and OAuth clients, the same
// as those of go run ./testdata/simulator.
const (
	user         = sim.DemoUser
	password     = sim.DemoPassword
	clientID     = sim.DemoClient
	secret       = sim.DemoSecret
	noPermClient = sim.DemoNoPermClient
	noPermSecret = sim.DemoNoPermSecret
	// slowDelay is how long the slow scenario waits in the demo.
	slowDelay = 500 * time.Millisecond
)

var states = []string{"OK", "WARNING", "CRITICAL", "UNKNOWN"}

func main() {
	bin := flag.String("bin", "./check_creatio_oauth", "the plugin binary")
	flag.Parse()
	if err := run(*bin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// serve starts h on a loopback port and returns its URL and the server,
// for Close.
func serve(h http.Handler) (string, *http.Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), srv, nil
}

type demoCase struct {
	title string
	want  int
	env   []string
	args  []string
}

// run runs every scenario with the plugin bin, writing to w.
func run(bin string, w io.Writer) error {
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("%w (run make build first)", err)
	}
	identity := sim.NewIdentity(sim.IdentityConfig{Clients: map[string]string{clientID: secret, noPermClient: noPermSecret}, NoPermission: []string{noPermClient}})
	creatio := sim.NewCreatio(sim.CreatioConfig{User: user, Password: password, SlowDelay: slowDelay, ValidateToken: identity.ValidateToken})
	defer creatio.Close()
	cURL, cSrv, err := serve(creatio)
	if err != nil {
		return err
	}
	defer cSrv.Close()
	iURL, iSrv, err := serve(identity)
	if err != nil {
		return err
	}
	defer iSrv.Close()
	fmt.Fprintf(w, "simulated Creatio at %s, Identity Service at %s\n", cURL, iURL)
	fmt.Fprintf(w, "login: user %s (CREATIO_PASSWORD), OAuth client %s (CREATIO_CLIENT_SECRET)\n", user, clientID)

	var cases []demoCase
	for _, sc := range sim.Scenarios {
		c := demoCase{title: sc.Name + ": " + sc.Description, want: sc.Want, args: []string{"-U", cURL + "/" + sc.Name}}
		switch sc.Auth {
		case sim.AuthForms:
			c.env = []string{"CREATIO_PASSWORD=" + password}
			c.args = append(c.args, "--user", user)
		case sim.AuthBearer:
			c.env = []string{"CREATIO_CLIENT_SECRET=" + secret}
			c.args = append(c.args, "--identity-url", iURL+"/ok", "--client-id", clientID)
		}
		switch sc.Name {
		case "hang", "forms-hang":
			c.args = append(c.args, "-t", "2")
		case "slow":
			c.args = append(c.args, "-w", "0.2", "-c", "5")
			c.want = 1
			c.title += fmt.Sprintf(" (here %.1f s, with -w 0.2)", slowDelay.Seconds())
		}
		cases = append(cases, c)
	}
	cases = append(cases,
		demoCase{"forms: wrong password", 3, []string{"CREATIO_PASSWORD=wrong"}, []string{"-U", cURL + "/forms", "--user", user}},
		demoCase{"bearer: OAuth app's user lacks permission", 3, []string{"CREATIO_CLIENT_SECRET=" + noPermSecret}, []string{"-U", cURL + "/bearer", "--identity-url", iURL + "/ok", "--client-id", noPermClient}},
		demoCase{"forms: nginx answers 502 on every path, the login included (an outage, not a login problem)", 2, []string{"CREATIO_PASSWORD=" + password}, []string{"-U", cURL + "/bad-gateway", "--user", user}},
		demoCase{"oauth login: the Identity Service answers 503 (Creatio's words for it)", 2, []string{"CREATIO_CLIENT_SECRET=" + secret}, []string{"-U", cURL + "/bearer", "--identity-url", iURL + "/unavailable-503", "--client-id", clientID}},
		demoCase{"oauth login: the Identity Service echoes the request in its error (the secret stays hidden)", 3, []string{"CREATIO_CLIENT_SECRET=" + secret}, []string{"-U", cURL + "/bearer", "--identity-url", iURL + "/echo", "--client-id", clientID}},
	)
	// Direct mode: Creatio's three checks run from this host.
	wantDirect := map[string]int{"future": 1} // clock skew warns
	for _, v := range sim.IdentityVariants {
		want, ok := wantDirect[v.Name]
		if !ok {
			want = v.Want
		}
		cases = append(cases, demoCase{"direct " + v.Name + ": " + v.Description, want, []string{"CREATIO_CLIENT_SECRET=" + secret},
			[]string{"--mode", "direct", "--identity-url", iURL + "/" + v.Name, "--client-id", clientID}})
	}
	cases = append(cases,
		demoCase{"direct: wrong client secret", 2, []string{"CREATIO_CLIENT_SECRET=wrong"}, []string{"--mode", "direct", "--identity-url", iURL + "/ok", "--client-id", clientID}},
		demoCase{"direct: no client secret on the monitoring host", 3, nil, []string{"--mode", "direct", "--identity-url", iURL + "/ok", "--client-id", clientID}},
		demoCase{"both: Creatio cannot reach an Identity Service that answers here", 2, []string{"CREATIO_CLIENT_SECRET=" + secret},
			[]string{"--mode", "both", "-U", cURL + "/identity-unavailable", "--identity-url", iURL + "/ok", "--client-id", clientID, "--auth", "none"}},
		demoCase{"json output for Zabbix", 0, nil, []string{"-U", cURL + "/ok", "--output", "json"}},
	)

	fmt.Fprintf(w, "%d scenarios, one after the other (those that hang wait for their -t); each login is a new one\n", len(cases))
	fmt.Fprintf(w, "(--no-cache: without it a pasted command keeps its session or token in the credential cache, see below):\n\n")
	bad := 0
	for _, c := range cases {
		if logsIn(c.args) {
			c.args = append(c.args, "--no-cache")
		}
		cmd := exec.Command(bin, c.args...)
		cmd.Env = append(noCacheEnv(), c.env...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			return err
		}
		mark := "as expected"
		if code != c.want {
			mark = fmt.Sprintf("WRONG, want %d (%s)", c.want, states[c.want])
			bad++
		}
		env := ""
		for _, e := range c.env {
			k, _, _ := strings.Cut(e, "=")
			env += k + "=… "
		}
		fmt.Fprintf(w, "== %s\n$ %scheck_creatio_oauth %s\n%sexit %d (%s) %s\n\n", c.title, env, strings.Join(c.args, " "), out.String(), code, states[min(code, 3)], mark)
	}
	t := tally{cases: len(cases), wrong: bad, sessions: creatio.LiveSessions(), logins: creatio.Logins(), logouts: creatio.Logouts()}
	t.print(w)
	if err := t.err(); err != nil {
		return err
	}
	return cacheCounts(w, bin, creatio, identity, cURL, iURL)
}

// tally is what the demo says at its end, one line per measure, after a
// "== summary" line. A new measure (say, the requests the scenarios made,
// with and without a credential cache) is a field here and a line in print;
// err decides the exit status from the state and the sessions only.
type tally struct {
	cases, wrong              int // scenarios run, and those that ended in another state than expected
	sessions, logins, logouts int // Creatio sessions still open at the end; forms logins and logouts seen
}

func (t tally) print(w io.Writer) {
	fmt.Fprintln(w, "== summary")
	fmt.Fprintf(w, "%d scenarios, %d with the expected state, %d wrong\n", t.cases, t.cases-t.wrong, t.wrong)
	fmt.Fprintf(w, "Creatio sessions left behind: %d (%d forms logins, %d logouts)\n", t.sessions, t.logins, t.logouts)
}

func (t tally) err() error {
	if t.wrong > 0 {
		return fmt.Errorf("%d scenarios ended in the wrong state", t.wrong)
	}
	if t.sessions > 0 {
		return fmt.Errorf("%d Creatio sessions left behind", t.sessions)
	}
	return nil
}

// logsIn reports whether a scenario's plugin logs in to Creatio itself
// (--user or --client-id, not in direct mode and not with --auth none):
// only then is there a credential to cache.
func logsIn(args []string) bool {
	login := false
	for i, a := range args {
		switch {
		case a == "--user" || a == "--client-id":
			login = true
		case i > 0 && (args[i-1] == "--mode" && a == "direct" || args[i-1] == "--auth" && a == "none"):
			return false
		}
	}
	return login
}

// noCacheEnv is the environment of the scenario runs: without HOME and
// XDG_CACHE_HOME. The scenarios that log in run with --no-cache; the
// variables are left out too, so that no run can write to the user's own
// cache.
func noCacheEnv() []string {
	var env []string
	for _, e := range os.Environ() {
		if k, _, _ := strings.Cut(e, "="); k != "HOME" && k != "XDG_CACHE_HOME" {
			env = append(env, e)
		}
	}
	return env
}

// cacheChecks is how many checks in a row cacheCounts runs per login.
const cacheChecks = 60

// cacheCounts runs 60 checks in a row with each login, without and with
// the credential cache (in a temporary directory), and prints the requests
// per check to Creatio and the Identity Service, the logins made and the
// sessions left.
func cacheCounts(w io.Writer, bin string, creatio *sim.Creatio, identity *sim.Identity, cURL, iURL string) error {
	dir, err := os.MkdirTemp("", "demo-cache-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Fprintf(w, "\ncredential cache: %d checks in a row with each login, requests to Creatio and the Identity Service per check\n", cacheChecks)
	logins := []struct {
		name string
		env  []string
		args []string
	}{
		{"forms", []string{"CREATIO_PASSWORD=" + password}, []string{"-U", cURL + "/forms", "--user", user}},
		{"oauth", []string{"CREATIO_CLIENT_SECRET=" + secret}, []string{"-U", cURL + "/bearer", "--identity-url", iURL + "/ok", "--client-id", clientID}},
	}
	for _, l := range logins {
		for _, cached := range []bool{false, true} {
			args := append(append([]string{}, l.args...), "--no-cache")
			if cached {
				args = append(args[:len(args)-1], "--cache-dir", dir)
			}
			creatio.ResetRequests()
			identity.ResetRequests()
			liveBefore, loginsBefore := creatio.LiveSessions(), creatio.Logins()
			for i := range cacheChecks {
				cmd := exec.Command(bin, args...)
				cmd.Env = append(noCacheEnv(), l.env...)
				if out, err := cmd.Output(); err != nil {
					return fmt.Errorf("%s check %d (cache %t): %w: %s", l.name, i+1, cached, err, out)
				}
			}
			tokens := 0
			for _, r := range identity.Requests() {
				if strings.HasSuffix(r.Path, "/connect/token") {
					tokens++
				}
			}
			made := creatio.Logins() - loginsBefore
			if l.name == "oauth" {
				made = tokens
			}
			how := "without the cache (--no-cache)"
			if cached {
				how = "with the cache (the default)"
			}
			fmt.Fprintf(w, "  %-5s %-30s %.2f requests per check (Creatio %d, Identity Service %d), logins %d, sessions live at the end %d\n",
				l.name, how, float64(len(creatio.Requests())+len(identity.Requests()))/cacheChecks, len(creatio.Requests()), len(identity.Requests()),
				made, creatio.LiveSessions()-liveBefore)
		}
	}
	return nil
}
