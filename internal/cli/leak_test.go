package cli

import (
	"bytes"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
	"check_creatio_oauth/testdata/sim"
	"testing"
)

// leakScenarios and leakVariants are the scenarios and Identity Service
// variants TestNoSecretLeaks runs with each login through the command line.
// Every scenario with every login, and every variant, with the -vvv trace,
// is held free of secrets, tokens and cookies where it lives
// (check/creatio's TestEndpointScenarios, check's TestDirectVariants);
// here the command line's own part: secrets from the environment and
// files reaching the redaction, each verbosity and output format.
var (
	leakScenarios = []string{"ok", "identity-unavailable", "forms-problem", "redirect-other-host", "login-redirect", "message-hostile", "bearer"}
	leakVariants  = []string{"ok", "echo", "echo-500", "basic-503", "jwt-only", "expired"}
)

// TestNoSecretLeaks runs every login case, the scenarios of leakScenarios
// with credentials, and direct mode against leakVariants, at every
// verbosity and output format, and fails if a secret, a token or a session
// cookie value is printed.
func TestNoSecretLeaks(t *testing.T) {
	t.Parallel() // with the tests that wait for a deadline
	s := fixture.NewStand(t, 0)
	var cases []authCase
	cases = append(cases, authCases(t, s)...)
	good := s.Token(t, fixture.Client, fixture.Secret)
	env := map[string]string{"CREATIO_PASSWORD": fixture.Password, "CREATIO_CLIENT_SECRET": fixture.Secret, "CREATIO_TOKEN": good}
	for _, name := range leakScenarios {
		sc, ok := sim.Lookup(name)
		if !ok {
			t.Fatalf("the simulator has no scenario %q", name)
		}
		base := s.C.URL + "/" + sc.Name
		cases = append(cases,
			authCase{"forms " + sc.Name, env, []string{"-U", base, "--user", fixture.User}, 0, false},
			authCase{"oauth " + sc.Name, env, []string{"-U", base, "--identity-url", s.ID.URL + "/ok", "--client-id", fixture.Client}, 0, false},
			authCase{"bearer " + sc.Name, env, []string{"-U", base, "--auth", "bearer"}, 0, false},
		)
	}
	for _, name := range leakVariants {
		v, ok := sim.LookupIdentity(name)
		if !ok {
			t.Fatalf("the simulator has no Identity Service variant %q", name)
		}
		cases = append(cases, authCase{"direct " + v.Name, env, []string{"--mode", "direct", "--identity-url", s.ID.URL + "/" + v.Name, "--client-id", fixture.Client}, 0, false})
	}
	var secrets []string
	for _, sec := range []struct{ id, secret string }{{fixture.User, fixture.Password}, {fixture.Client, fixture.Secret}, {fixture.NoPermClient, fixture.NoPermSecret}, {"", good}} {
		secrets = append(secrets, fixture.Encodings(sec.id, sec.secret)...)
	}
	for _, tc := range cases {
		for _, extra := range [][]string{nil, {"-v"}, {"-vv"}, {"-vvv"}, {"--output", "json"}, {"-vvv", "--output", "json"}} {
			e := tc.env
			if e == nil {
				e = env // the leak test always has secrets in the environment
			}
			_, out := runPlugin(t, e, append(append([]string{}, tc.args...), extra...)...)
			for _, sec := range secrets {
				if bytes.Contains(out, []byte(sec)) {
					t.Fatalf("%s %v printed a secret:\n%s", tc.name, extra, out)
				}
			}
			if bytes.Contains(out, []byte("eyJ")) { // a JWT: header or payload
				t.Fatalf("%s %v printed a token:\n%s", tc.name, extra, out)
			}
			for _, c := range s.Cookies() {
				if bytes.Contains(out, []byte(c)) {
					t.Fatalf("%s %v printed a session cookie value:\n%s", tc.name, extra, out)
				}
			}
		}
	}
}

// A forms login leaves no session behind, whatever the health request
// found: the plugin ends it with Logout, inside the deadline, and says so
// at -vv.
func TestLogoutLeavesNoSession(t *testing.T) {
	s := fixture.NewStand(t, 0)
	env := map[string]string{"CREATIO_PASSWORD": fixture.Password}
	ended := []byte(wordsLoggedOut + fixture.User + " (HTTP 200)\n")
	for _, sc := range sim.Scenarios {
		// A forms scenario that hangs (ended by -t, its logout in the
		// slice of -t kept for it, which a starved machine may not meet)
		// is check/creatio's TestEndpointScenarios (forms-hang/forms: state,
		// the -t bound, the logout said, no session left) and
		// TestEndpointLogoutReserve: not run again here. The others get a -t
		// a busy machine never reaches, and must end their session.
		if sc.Auth != sim.AuthForms || hangs(t, sc) {
			continue
		}
		const runs = 10
		before, liveBefore := s.Creatio.Logins(), s.Creatio.LiveSessions()
		for range runs {
			got, out := runPlugin(t, env, "-U", s.C.URL+"/"+sc.Name, "--user", fixture.User, "-t", generousTimeout, "-vv")
			if int(got) != sc.Want {
				t.Errorf("%s: state %v, want %v\n%s", sc.Name, got, plugin.State(sc.Want), out)
			}
			if !bytes.Contains(out, ended) {
				t.Errorf("%s: -vv does not say the session ended:\n%s", sc.Name, out)
			}
		}
		if n := s.Creatio.Logins() - before; n != runs {
			t.Errorf("%s: %d logins in %d runs", sc.Name, n, runs)
		}
		if n := s.Creatio.LiveSessions() - liveBefore; n != 0 {
			t.Errorf("%s: %d more live Creatio sessions after %d runs, want none", sc.Name, n, runs)
		}
	}
	if s.Creatio.Logouts() != s.Creatio.Logins() {
		t.Errorf("%d logins, %d logouts", s.Creatio.Logins(), s.Creatio.Logouts())
	}
}
