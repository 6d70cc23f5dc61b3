package cli

import (
	"bytes"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
	"check_creatio_oauth/testdata/sim"
	"strconv"
	"testing"
	"time"
)

// TestNoSecretLeaks runs every login case, every simulated scenario with
// credentials, and direct mode, at every verbosity and output format, and
// fails if a secret, a token or a session cookie value is printed.
func TestNoSecretLeaks(t *testing.T) {
	s := fixture.NewStand(t, 0)
	var cases []authCase
	cases = append(cases, authCases(t, s)...)
	good := s.Token(t, fixture.Client, fixture.Secret)
	env := map[string]string{"CREATIO_PASSWORD": fixture.Password, "CREATIO_CLIENT_SECRET": fixture.Secret, "CREATIO_TOKEN": good}
	for _, sc := range sim.Scenarios {
		if hangs(t, sc) || sc.Name == "slow" {
			continue
		}
		base := s.C.URL + "/" + sc.Name
		cases = append(cases,
			authCase{"forms " + sc.Name, env, []string{"-U", base, "--user", fixture.User}, 0, false},
			authCase{"oauth " + sc.Name, env, []string{"-U", base, "--identity-url", s.ID.URL + "/ok", "--client-id", fixture.Client}, 0, false},
			authCase{"bearer " + sc.Name, env, []string{"-U", base, "--auth", "bearer"}, 0, false},
		)
	}
	for _, v := range sim.IdentityVariants {
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
	stays := []byte("the session of " + fixture.User + wordsSessionStays)
	totalLeft := 0
	for _, sc := range sim.Scenarios {
		if sc.Auth != sim.AuthForms {
			continue
		}
		// A scenario that hangs is ended by -t; its logout gets the slice
		// of -t the plugin keeps for it (min(-t/20, 0.25 s)), which a
		// machine starved of CPU may not meet: then the plugin must say
		// that the session stays. The other scenarios get a -t a busy
		// machine never reaches, and must end their session.
		runs, timeout := 10, generousTimeout
		if hangs(t, sc) {
			runs, timeout = 2, hangTimeout // each waits for -t
		}
		before, liveBefore, left := s.Creatio.Logins(), s.Creatio.LiveSessions(), 0
		for i := 0; i < runs; i++ {
			start := time.Now()
			got, out := runPlugin(t, env, "-U", s.C.URL+"/"+sc.Name, "--user", fixture.User, "-t", timeout, "-vv")
			if hangs(t, sc) {
				secs, _ := strconv.ParseFloat(hangTimeout, 64)
				for _, f := range keptDeadline(out, time.Since(start), secs) {
					t.Errorf("%s: %s", sc.Name, f)
				}
			}
			if int(got) != sc.Want {
				t.Errorf("%s: state %v, want %v\n%s", sc.Name, got, plugin.State(sc.Want), out)
			}
			switch {
			case bytes.Contains(out, ended):
			case hangs(t, sc) && bytes.Contains(out, stays):
				left++
				t.Logf("%s: the logout did not fit in its slice of -t %s on this machine; the plugin says so:\n%s", sc.Name, timeout, out)
			default:
				t.Errorf("%s: -vv does not say the session ended:\n%s", sc.Name, out)
			}
		}
		if n := s.Creatio.Logins() - before; n != runs {
			t.Errorf("%s: %d logins in %d runs", sc.Name, n, runs)
		}
		// A logout the plugin gave up on may still reach Creatio later.
		if n := s.Creatio.LiveSessions() - liveBefore; n > left {
			t.Errorf("%s: %d more live Creatio sessions after %d runs, want at most %d (the plugin said it left them)", sc.Name, n, runs, left)
		}
		totalLeft += left
	}
	if s.Creatio.Logouts() < s.Creatio.Logins()-totalLeft {
		t.Errorf("%d logins, %d logouts, %d sessions the plugin said it left", s.Creatio.Logins(), s.Creatio.Logouts(), totalLeft)
	}
}
