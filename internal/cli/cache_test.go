package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"check_creatio_oauth/check/cache"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
)

// The credential cache end to end (issue 18): the options, the default
// directory, and plugin processes sharing one cache. The cache's behaviour
// in detail is tested in check/creatio.

// cacheLogin is the command line and environment of one login kind
// against the stand.
type cacheLogin struct {
	kind string
	args []string
	env  map[string]string
}

func cacheLogins(s *fixture.Stand) []cacheLogin {
	return []cacheLogin{
		{"forms", []string{"-U", s.C.URL + "/forms", "--user", fixture.User}, map[string]string{"CREATIO_PASSWORD": fixture.Password}},
		{"oauth", []string{"-U", s.C.URL + "/bearer", "--identity-url", s.ID.URL + "/ok", "--client-id", fixture.Client}, map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}},
	}
}

// logins counts the logins the stand saw: forms sessions started, token
// requests.
func logins(s *fixture.Stand, kind string) int {
	if kind == "forms" {
		return s.Creatio.Logins()
	}
	n := 0
	for _, r := range s.Identity.Requests() {
		if strings.HasSuffix(r.Path, "/connect/token") {
			n++
		}
	}
	return n
}

// with is env plus the pairs kv.
func with(env map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range env {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// TestCacheOptions: the cache is on by default in $XDG_CACHE_HOME (else
// $HOME/.cache), --cache-dir moves it, --no-cache is today's behaviour (a
// login per check, a logout after a forms check), and without a directory
// there is no cache.
func TestCacheOptions(t *testing.T) {
	s := fixture.NewStand(t, 0)
	for _, l := range cacheLogins(s) {
		t.Run(l.kind, func(t *testing.T) {
			xdg, home, dir := t.TempDir(), t.TempDir(), filepath.Join(t.TempDir(), "mine")
			for _, tc := range []struct {
				name   string
				env    map[string]string
				args   []string
				logins int    // over three checks
				where  string // the directory that gets the entry, if any
			}{
				{"XDG_CACHE_HOME", with(l.env, "XDG_CACHE_HOME", xdg, "HOME", home), nil, 1, filepath.Join(xdg, "check_creatio_oauth")},
				{"HOME", with(l.env, "HOME", home), nil, 1, filepath.Join(home, ".cache", "check_creatio_oauth")},
				{"--cache-dir", with(l.env, "HOME", t.TempDir()), []string{"--cache-dir", dir}, 1, dir},
				{"--no-cache", with(l.env, "HOME", t.TempDir()), []string{"--no-cache"}, 3, ""},
				{"no directory", l.env, nil, 3, ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					before, logouts := logins(s, l.kind), s.Creatio.Logouts()
					for range 3 {
						got, out := runPlugin(t, tc.env, append(append([]string{}, l.args...), tc.args...)...)
						if got != plugin.OK {
							t.Fatalf("state %v:\n%s", got, out)
						}
						checkShape(t, out, true)
					}
					if n := logins(s, l.kind) - before; n != tc.logins {
						t.Errorf("%d logins over 3 checks, want %d", n, tc.logins)
					}
					wantLogouts := 0
					if l.kind == "forms" && tc.logins == 3 {
						wantLogouts = 3
					}
					if n := s.Creatio.Logouts() - logouts; n != wantLogouts {
						t.Errorf("%d logouts, want %d", n, wantLogouts)
					}
					if tc.where != "" {
						if names, err := filepath.Glob(filepath.Join(tc.where, "*.json")); err != nil || len(names) != 1 {
							t.Errorf("%s holds %v, want one entry", tc.where, names)
						}
					}
				})
			}
			// A second site is a second entry; its first check logs in.
			before := logins(s, l.kind)
			args := append(append([]string{}, l.args...), "--cache-dir", dir)
			args[1] = strings.Replace(args[1], "/forms", "/forms-net", 1)
			args[1] = strings.Replace(args[1], "/bearer", "/ok", 1)
			if got, out := runPlugin(t, l.env, args...); got != plugin.OK {
				t.Fatalf("state %v:\n%s", got, out)
			}
			if n := logins(s, l.kind) - before; n != 1 {
				t.Errorf("another site: %d logins, want 1", n)
			}
		})
	}
}

// TestCacheVerboseOutput: -vv says where the credential came from; the
// perfdata has no login time when no login was made.
func TestCacheVerboseOutput(t *testing.T) {
	s := fixture.NewStand(t, 0)
	for _, l := range cacheLogins(s) {
		t.Run(l.kind, func(t *testing.T) {
			env := with(l.env, "HOME", t.TempDir())
			_, first := runPlugin(t, env, append(l.args, "-vv")...)
			_, second := runPlugin(t, env, append(l.args, "-vv")...)
			label := map[string]string{"forms": "time_login=", "oauth": "time_token="}[l.kind]
			if !strings.Contains(string(first), label) || strings.Contains(string(second), label) {
				t.Errorf("%s in the first check and not in the second, want:\n%s\n%s", label, first, second)
			}
			if !strings.Contains(string(second), "from the cache: obtained") {
				t.Errorf("-vv does not say the credential came from the cache:\n%s", second)
			}
			if what := leakedOutput(s, string(first)+string(second)); what != "" {
				t.Errorf("the output shows %s", what)
			}
		})
	}
}

// leakedOutput names a secret of the stand, a token or a session cookie in
// out, or "".
func leakedOutput(s *fixture.Stand, out string) string {
	for _, c := range s.Cookies() {
		if strings.Contains(out, c) {
			return "a session cookie"
		}
	}
	for _, sec := range []string{fixture.Password, fixture.Secret, "sEcReT", "eyJ"} {
		if strings.Contains(out, sec) {
			return fmt.Sprintf("%q", sec)
		}
	}
	return ""
}

// TestCacheUnsafeDirOutput: a cache directory others may write to is not
// used; the state is right, the long output says so at every verbosity
// with what to do, -v puts the reason first on line 1, and the JSON has
// the cache member.
func TestCacheUnsafeDirOutput(t *testing.T) {
	s := fixture.NewStand(t, 0)
	dir := filepath.Join(t.TempDir(), "open")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	for _, l := range cacheLogins(s) {
		t.Run(l.kind, func(t *testing.T) {
			before := logins(s, l.kind)
			args := append(append([]string{}, l.args...), "--cache-dir", dir)
			got0, out0 := runPlugin(t, l.env, args...)
			got1, out1 := runPlugin(t, l.env, append(args, "-v")...)
			got2, out2 := runPlugin(t, l.env, append(args, "-vv")...)
			if got0 != plugin.OK || got1 != plugin.OK || got2 != plugin.OK {
				t.Fatalf("states %v %v %v, want OK:\n%s", got0, got1, got2, out2)
			}
			want := "cache: not used: cache directory " + dir + " is group- or world-writable (mode 0777); run chmod 700 " + dir + ", or give --cache-dir or --no-cache"
			for v, out := range [][]byte{out0, out1, out2} {
				if lines := strings.Split(string(out), "\n"); !slices.Contains(lines, want) {
					t.Errorf("-v %d: the long output does not say %q:\n%s", v, want, out)
				}
			}
			if line0, _, _ := strings.Cut(string(out0), "\n"); strings.Contains(line0, "cache") {
				t.Errorf("without -v line 1 speaks of the cache:\n%s", out0)
			}
			line1, _, _ := strings.Cut(string(out1), "\n")
			if !strings.Contains(line1, "(credential cache not used: cache directory is group- or world-writable (mode 0777)") {
				t.Errorf("-v does not say first why the cache is not used:\n%s", out1)
			}
			_, js := runPlugin(t, l.env, append(args, "--output", "json")...)
			var j struct {
				Cache *struct {
					Used        bool
					Dir, Reason string
				}
			}
			if err := json.Unmarshal(js, &j); err != nil || j.Cache == nil || j.Cache.Used || j.Cache.Dir != dir || !strings.Contains(j.Cache.Reason, "world-writable") {
				t.Errorf("JSON cache = %+v (%v); want used false, the directory and why:\n%s", j.Cache, err, js)
			}
			checkShape(t, out1, true)
			if n := logins(s, l.kind) - before; n != 4 {
				t.Errorf("%d logins over 4 checks, want 4 (no cache)", n)
			}
			if names, _ := os.ReadDir(dir); len(names) != 0 {
				t.Errorf("the refused directory got files: %v", names)
			}
		})
	}
}

// TestCacheProcesses: 50 plugin processes of one site at once with one
// cache: no wrong state, one login (the lock), one valid entry file, and
// nothing else left in the directory; a 51st check uses the entry.
func TestCacheProcesses(t *testing.T) {
	t.Parallel() // with the tests that wait for a deadline
	if testing.Short() {
		t.Skip("50 processes of the built binary")
	}
	bin := fixture.Binary(t)
	s := fixture.NewStand(t, 0)
	for _, l := range cacheLogins(s) {
		t.Run(l.kind, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "cache")
			args := append(append([]string{}, l.args...), "--cache-dir", dir, "-t", "20")
			var env []string
			for k, v := range l.env {
				env = append(env, k+"="+v)
			}
			before := logins(s, l.kind)
			run := func() (plugin.State, string) {
				cmd := exec.Command(bin, args...)
				cmd.Env = env
				out, err := cmd.Output()
				var ee *exec.ExitError
				switch {
				case err == nil:
					return plugin.OK, string(out)
				case errors.As(err, &ee):
					return plugin.State(ee.ExitCode()), string(out)
				}
				return plugin.Unknown, err.Error()
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			wrong := 0
			for range 50 {
				wg.Go(func() {
					if st, out := run(); st != plugin.OK {
						mu.Lock()
						wrong++
						mu.Unlock()
						t.Errorf("state %v: %s", st, out)
					}
				})
			}
			wg.Wait()
			n := logins(s, l.kind) - before
			t.Logf("50 processes at once: %d wrong states, %d logins", wrong, n)
			if n != 1 {
				t.Errorf("%d logins, want 1", n)
			}
			names, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(names) != 1 || !strings.HasSuffix(names[0].Name(), ".json") {
				t.Errorf("the cache holds %v, want one entry file", names)
			}
			if st, out := run(); st != plugin.OK || logins(s, l.kind)-before != 1 {
				t.Errorf("the 51st check: state %v, %d logins; want OK and no new login: %s", st, logins(s, l.kind)-before, out)
			}
		})
	}
}

// TestCacheHelp: --help names the options, the default directories and
// the Debian nagios user's home, and go-flags splits no word of them
// across lines (it cuts a word longer than its column with a '-').
func TestCacheHelp(t *testing.T) {
	_, out := runPlugin(t, nil, "--help")
	if split := regexp.MustCompile(`[A-Za-z_/]-\n`).FindString(string(out)); split != "" {
		t.Errorf("--help splits a word across lines: %q", split)
	}
	help := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{"--cache-dir", "--cache-max-age", "--no-cache", "check_creatio_oauth in $XDG_CACHE_HOME", "~/.cache of $HOME", "/var/lib/nagios", "/var/tmp/check_creatio_oauth-UID"} {
		if !strings.Contains(help, want) {
			t.Errorf("--help does not say %q", want)
		}
	}
}

// TestCacheModes: direct mode never uses the cache (its token request is
// the check), nor does a check without a login or with --auth bearer;
// --mode both caches the endpoint's login only.
func TestCacheModes(t *testing.T) {
	s := fixture.NewStand(t, 0)
	secret := map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}
	for _, tc := range []struct {
		name   string
		env    map[string]string
		args   []string
		tokens int // token requests over three checks
		files  int // entries in the cache at the end
	}{
		{"direct", secret, []string{"--mode", "direct", "--identity-url", s.ID.URL + "/ok", "--client-id", fixture.Client}, 3, 0},
		{"no login", nil, []string{"-U", s.C.URL + "/ok"}, 0, 0},
		{"bearer", map[string]string{"CREATIO_TOKEN": s.Token(t, fixture.Client, fixture.Secret)}, []string{"-U", s.C.URL + "/bearer", "--auth", "bearer"}, 0, 0},
		{"both", secret, []string{"--mode", "both", "-U", s.C.URL + "/bearer", "--identity-url", s.ID.URL + "/ok", "--client-id", fixture.Client}, 3 + 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "cache")
			before := logins(s, "oauth")
			for range 3 {
				if got, out := runPlugin(t, tc.env, append(append([]string{}, tc.args...), "--cache-dir", dir)...); got != plugin.OK {
					t.Fatalf("state %v:\n%s", got, out)
				}
			}
			if n := logins(s, "oauth") - before; n != tc.tokens {
				t.Errorf("%d token requests over 3 checks, want %d", n, tc.tokens)
			}
			names, _ := filepath.Glob(filepath.Join(dir, "*.json"))
			if len(names) != tc.files {
				t.Errorf("the cache holds %d entries, want %d", len(names), tc.files)
			}
		})
	}
}

// TestMain looks the default cache directory up without the password
// entry and /var/tmp, so that no test writes to the home of the user who
// runs them: a test without HOME has no cache unless it says where. It
// removes the plugin binary fixture.Binary built for the process at the end.
//
// Most parallel tests here wait for a deadline the plugin was given (-t
// against a server that never answers), not for a CPU; go test's default,
// GOMAXPROCS of them at a time, made them wait for each other (two at a
// time on two cores: most of the package's wall time). Unless
// -test.parallel is given, four per CPU run at once; their bounds
// (keptDeadline's -t x slowScale, generousTimeout) hold on a busy machine.
func TestMain(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		flag.Set("test.parallel", strconv.Itoa(4*runtime.GOMAXPROCS(0)))
	}
	cacheEnv = func(getenv func(string) string) cache.Env {
		return cache.Env{Getenv: getenv, UID: os.Geteuid()}
	}
	code := m.Run()
	fixture.Cleanup() // the plugin binary the process tests share
	os.Exit(code)
}

// TestCacheOptionErrors: an empty --cache-dir and a --cache-max-age out of
// range are usage errors of one line, UNKNOWN, also in JSON.
func TestCacheOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--cache-dir="}, "--cache-dir is empty"},
		{[]string{"--cache-dir", ""}, "--cache-dir is empty"},
		{[]string{"--cache-max-age", "0"}, `--cache-max-age "0": want whole seconds from 1`},
		{[]string{"--cache-max-age=-5"}, `--cache-max-age "-5"`},
		{[]string{"--cache-max-age", "1.5"}, `--cache-max-age "1.5"`},
		{[]string{"--cache-max-age", "2592001"}, "(30 days)"},
	} {
		args := append([]string{"-U", "http://127.0.0.1:9/", "--user", "u"}, tc.args...)
		got, out := runPlugin(t, map[string]string{"CREATIO_PASSWORD": "x"}, args...)
		if got != plugin.Unknown || !strings.Contains(string(out), tc.want) || strings.Count(string(out), "\n") != 1 {
			t.Errorf("%q: %v %q; want UNKNOWN, one line that says %q", tc.args, got, out, tc.want)
		}
		_, js := runPlugin(t, map[string]string{"CREATIO_PASSWORD": "x"}, append(args, "--output", "json")...)
		if !json.Valid(js) || !strings.Contains(string(js), `"state":3`) {
			t.Errorf("%q with --output json: %s", tc.args, js)
		}
	}
}

// TestCacheDaemonEnvironments: with the environments the daemons give
// their plugins (none: Icinga 2, Nagios 4; HOME=/nonexistent: systemd's
// User=zabbix), three checks log in once: the cache is in the home of the
// password entry, else in the per-user directory, which is made; a
// missing HOME is never created. The JSON names the directory.
func TestCacheDaemonEnvironments(t *testing.T) {
	s := fixture.NewStand(t, 0)
	nonexistent := filepath.Join(t.TempDir(), "nonexistent")
	for _, l := range cacheLogins(s) {
		for _, tc := range []struct {
			name    string
			env     map[string]string
			pwHome  string // "" for one that does not exist
			private bool   // the per-user directory
		}{
			{"env -i (Icinga 2, Nagios 4)", l.env, t.TempDir(), false},
			{"HOME=/nonexistent, a home in /etc/passwd", with(l.env, "HOME", nonexistent, "USER", "zabbix"), t.TempDir(), false},
			{"HOME=/nonexistent, no home of the user's", with(l.env, "HOME", nonexistent, "USER", "zabbix"), "", true},
		} {
			t.Run(l.kind+" "+tc.name, func(t *testing.T) {
				shared := filepath.Join(t.TempDir(), "vartmp")
				if err := os.Mkdir(shared, 0o777|os.ModeSticky); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(shared, 0o777|os.ModeSticky); err != nil {
					t.Fatal(err)
				}
				pwHome := tc.pwHome
				if pwHome == "" {
					pwHome = nonexistent
				}
				old := cacheEnv
				t.Cleanup(func() { cacheEnv = old })
				cacheEnv = func(getenv func(string) string) cache.Env {
					return cache.Env{Getenv: getenv, UID: os.Geteuid(), Shared: shared,
						Home: func(int) (string, error) { return pwHome, nil }}
				}
				want := filepath.Join(pwHome, ".cache", "check_creatio_oauth")
				if tc.private {
					want = filepath.Join(shared, fmt.Sprintf("check_creatio_oauth-%d", os.Geteuid()))
				}
				before := logins(s, l.kind)
				for range 3 {
					got, out := runPlugin(t, tc.env, append(append([]string{}, l.args...), "--output", "json")...)
					var j struct {
						Cache *struct {
							Used bool
							Dir  string
						}
					}
					if err := json.Unmarshal(out, &j); got != plugin.OK || err != nil || j.Cache == nil || !j.Cache.Used || j.Cache.Dir != want {
						t.Fatalf("state %v, cache %+v; want OK and the cache used in %s:\n%s", got, j.Cache, want, out)
					}
				}
				if n := logins(s, l.kind) - before; n != 1 {
					t.Errorf("%d logins over 3 checks, want 1", n)
				}
				if _, err := os.Stat(nonexistent); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("a missing HOME was created: %v", err)
				}
				if fi, err := os.Stat(want); err != nil || fi.Mode().Perm() != 0o700 {
					t.Errorf("%s: %v; want a directory of mode 0700", want, err)
				}
			})
		}
	}
}
