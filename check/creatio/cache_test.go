package creatio

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"check_creatio_oauth/check/cache"
	"check_creatio_oauth/check/identity"
	"check_creatio_oauth/check/report"
	"check_creatio_oauth/check/web"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
)

// cacheStand runs checks of one login against the simulator the way
// separate plugin processes do: each check with a new client (a new cookie
// jar, nothing in memory) and a new login, sharing only the cache.
type cacheStand struct {
	t        *testing.T
	st       *fixture.Stand
	kind     string // "forms" or "oauth"
	scenario string
	cache    *Cache
	password string // forms: the password given; "" is the right one
}

func newCacheStand(t *testing.T, kind string, k *Cache) *cacheStand {
	t.Helper()
	cs := &cacheStand{t: t, st: newStand(t), kind: kind, scenario: "forms", cache: k}
	if kind == "oauth" {
		cs.scenario = "bearer"
	}
	return cs
}

// openCache opens a cache in a new directory of t.
func openCache(t *testing.T) *Cache {
	t.Helper()
	s, err := cache.Place{Dir: filepath.Join(t.TempDir(), "cache")}.Open()
	if err != nil {
		t.Fatal(err)
	}
	return &Cache{Store: s}
}

// check runs one check and asserts what every report must be.
func (cs *cacheStand) check() *report.Report {
	cs.t.Helper()
	return cs.checkAt(cs.st.C.URL)
}

// checkAt is check with Creatio at server.
func (cs *cacheStand) checkAt(server string) *report.Report {
	t := cs.t
	t.Helper()
	c := newClient(t, web.ClientConfig{})
	base := mustURL(t, server+"/"+cs.scenario)
	var auth Authenticator
	switch cs.kind {
	case "forms":
		pw := cs.password
		if pw == "" {
			pw = fixture.Password
		}
		auth = &FormsLogin{Base: base, User: fixture.User, Password: pw, Cache: cs.cache,
			NewClient: func() (*web.Client, error) { return newClient(t, web.ClientConfig{}), nil }}
	case "oauth":
		auth = &OAuthLogin{Identity: identity.Identity{Client: c, URL: variant(t, cs.st, "ok"), ClientID: fixture.Client, Secret: fixture.Secret},
			Base: base, Cache: cs.cache}
	}
	r := (&Endpoint{Client: c, Base: base, Runtime: RuntimeAuto, Auth: auth, Policy: testPolicy}).Run(runCtx(t, 10*time.Second))
	checkReport(t, r, cs.st)
	if r.State != plugin.OK && cs.password == "" {
		t.Errorf("state %v, want OK: %s\n%s", r.State, r.Summary, everything(t, r))
	}
	return r
}

// requests is the number of requests Creatio and the Identity Service got.
func (cs *cacheStand) requests() int {
	return len(cs.st.Creatio.Requests()) + len(cs.st.Identity.Requests())
}

// logins is the number of logins made: forms sessions started, or token
// requests.
func (cs *cacheStand) logins() int {
	if cs.kind == "forms" {
		return cs.st.Creatio.Logins()
	}
	n := 0
	for _, r := range cs.st.Identity.Requests() {
		if strings.HasSuffix(r.Path, "/connect/token") {
			n++
		}
	}
	return n
}

// hasLoginPerf reports whether r has the login's time perfdata.
func hasLoginPerf(r *report.Report) bool {
	_, forms := perf(r, "time_login")
	_, oauth := perf(r, "time_token")
	return forms || oauth
}

// TestCacheSixtyChecks is issue 18's measure: 60 checks in a row with each
// login, with and without the cache: requests per check, logins made, live
// sessions at the end.
func TestCacheSixtyChecks(t *testing.T) {
	const checks = 60
	for _, kind := range []string{"forms", "oauth"} {
		for _, cached := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s cache %t", kind, cached), func(t *testing.T) {
				var k *Cache
				if cached {
					k = openCache(t)
				}
				cs := newCacheStand(t, kind, k)
				for i := range checks {
					r := cs.check()
					if got, want := hasLoginPerf(r), i == 0 || !cached; got != want {
						t.Errorf("check %d: login perfdata %t, want %t: %v", i+1, got, want, labels(r))
					}
					if _, ok := perf(r, "time"); !ok {
						t.Errorf("check %d: no time perfdata: %v", i+1, labels(r))
					}
				}
				perCheck := float64(cs.requests()) / checks
				t.Logf("%s, cache %t: %d checks, %.2f requests per check, %d logins, %d live sessions, %d logouts",
					kind, cached, checks, perCheck, cs.logins(), cs.st.Creatio.LiveSessions(), cs.st.Creatio.Logouts())
				wantLogins, wantLive := 1, 1
				if !cached {
					wantLogins, wantLive = checks, 0
				}
				if kind == "oauth" {
					wantLive = 0
				}
				if cs.logins() != wantLogins {
					t.Errorf("%d logins, want %d", cs.logins(), wantLogins)
				}
				if got := cs.st.Creatio.LiveSessions(); got != wantLive {
					t.Errorf("%d live sessions at the end, want %d", got, wantLive)
				}
				switch {
				case cached && perCheck > 1.05:
					t.Errorf("%.2f requests per check with the cache, want at most 1.05", perCheck)
				case !cached && perCheck != 3:
					t.Errorf("%.2f requests per check without the cache, want 3 (login, health, logout or discovery, token, health)", perCheck)
				}
			})
		}
	}
}

// TestCacheSessionExpired: Creatio ends the cached session (its session
// timeout) between two checks; the next check is refused, drops the
// entry, logs in again within its run and is OK.
func TestCacheSessionExpired(t *testing.T) {
	for _, sc := range []string{"forms", "forms-net", "forms-secure", "forms-bom"} {
		t.Run(sc, func(t *testing.T) {
			k := openCache(t)
			cs := newCacheStand(t, "forms", k)
			cs.scenario = sc
			for range 3 {
				cs.check()
			}
			before := k.entry(t, cs)
			if n := cs.st.Creatio.ExpireSessions(); n != 1 {
				t.Fatalf("%d sessions ended, want 1", n)
			}
			r := cs.check()
			if cs.logins() != 2 {
				t.Errorf("%d logins, want 2 (one more after the session ended)", cs.logins())
			}
			if note(r, "cache: Creatio refused the cached credential") == "" || !hasLoginPerf(r) {
				t.Errorf("no note of the refused session or no login perfdata:\n%s", everything(t, r))
			}
			// -vv must not read as a contradiction: the first path's
			// refusal was the ended session's, not the runtime's.
			if n := note(r, "runtime: "); strings.Contains(n, " answered HTTP ") && !strings.Contains(n, "(that was the cached credential's answer: an ended session") {
				t.Errorf("-vv says %q without naming the ended session:\n%s", n, everything(t, r))
			}
			if s, _ := step(r, "login"); strings.Contains(s.Detail, "from the cache") {
				t.Errorf("the login step still names the cached session: %q", s.Detail)
			}
			if after := k.entry(t, cs); after.ObtainedAt.Equal(before.ObtainedAt) {
				t.Error("the cache still holds the ended session")
			}
			r = cs.check()
			if hasLoginPerf(r) || cs.logins() != 2 || cs.st.Creatio.LiveSessions() != 1 {
				t.Errorf("the check after the new login logged in again (%d logins, %d live sessions)", cs.logins(), cs.st.Creatio.LiveSessions())
			}
		})
	}
}

// TestCacheTokenRevoked: Creatio refuses the cached token (the Identity
// Service revoked it); the check drops it, gets a new one and is OK.
func TestCacheTokenRevoked(t *testing.T) {
	k := openCache(t)
	cs := newCacheStand(t, "oauth", k)
	cs.check()
	cs.check()
	before := k.entry(t, cs)
	cs.st.Identity.RevokeTokens()
	r := cs.check()
	if cs.logins() != 2 || note(r, "cache: Creatio refused the cached credential (HTTP 401)") == "" {
		t.Errorf("%d token requests, want 2, and a note of the refusal:\n%s", cs.logins(), everything(t, r))
	}
	after := k.entry(t, cs)
	if after.AccessToken == before.AccessToken {
		t.Error("the cache still holds the revoked token")
	}
	cs.check()
	if cs.logins() != 2 {
		t.Errorf("%d token requests after the new token, want 2", cs.logins())
	}
}

// TestCacheTokenExpiry: a token is used until cache.UsableUntil (an hour's
// token 54 minutes), then a new one is requested and saved.
func TestCacheTokenExpiry(t *testing.T) {
	k := openCache(t)
	cs := newCacheStand(t, "oauth", k)
	cs.check()
	obtained := k.entry(t, cs).ObtainedAt
	for _, tc := range []struct {
		after  time.Duration
		logins int
	}{{53 * time.Minute, 1}, {54*time.Minute + time.Second, 2}} {
		k.now = func() time.Time { return obtained.Add(tc.after) }
		r := cs.check()
		if cs.logins() != tc.logins {
			t.Errorf("%v after the token: %d token requests, want %d:\n%s", tc.after, cs.logins(), tc.logins, everything(t, r))
		}
	}
	k.now = nil
	if n := note(cs.check(), "cache: oauth token of client "+fixture.Client); !strings.Contains(n, "from the cache: obtained") || !strings.Contains(n, "expires ") {
		t.Errorf("-vv does not say where the token came from, how old it is and when it expires: %q", n)
	}
}

// TestCacheVerbose: -vv says whether the credential came from the cache,
// how old it is and when it expires; -v and line 1 say nothing of it.
func TestCacheVerbose(t *testing.T) {
	for _, kind := range []string{"forms", "oauth"} {
		t.Run(kind, func(t *testing.T) {
			k := openCache(t)
			cs := newCacheStand(t, kind, k)
			first := cs.check()
			if n := note(first, "cache: logged in and saved"); n == "" {
				t.Errorf("no note of the saved credential:\n%s", everything(t, first))
			}
			r := cs.check()
			n := note(r, "cache: "+kind)
			if !strings.Contains(n, "from the cache: obtained") || !strings.Contains(n, " ago)") {
				t.Errorf("note %q: want where the credential came from and its age", n)
			}
			if want := map[string]string{"forms": "session timeout", "oauth": "expires "}[kind]; !strings.Contains(n, want) {
				t.Errorf("note %q: want when it expires (%q)", n, want)
			}
			if s, _ := step(r, "login"); !strings.Contains(s.Detail, "from the cache") {
				t.Errorf("login step %q: want it to name the cache", s.Detail)
			}
			var b strings.Builder
			if _, err := r.Result(1).WriteTo(&b); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(b.String(), "cache") {
				t.Errorf("-v speaks of the cache when it works:\n%s", b.String())
			}
		})
	}
}

// TestCacheFormsLogout: with the cache a forms check never logs out (the
// session is kept and reused); without it every check does.
func TestCacheFormsLogout(t *testing.T) {
	cs := newCacheStand(t, "forms", openCache(t))
	for range 3 {
		r := cs.check()
		if n := note(r, "logout: "); !strings.Contains(n, "stays in the cache") {
			t.Errorf("logout note %q: want the session kept", n)
		}
	}
	if cs.st.Creatio.Logouts() != 0 {
		t.Errorf("%d logouts with the cache, want 0", cs.st.Creatio.Logouts())
	}
}

// TestCacheLastUsed: a check writes a forms entry's LastUsed only when it
// is more than a minute old.
func TestCacheLastUsed(t *testing.T) {
	k := openCache(t)
	cs := newCacheStand(t, "forms", k)
	cs.check()
	e := k.entry(t, cs)
	if !e.LastUsed.IsZero() {
		t.Fatalf("LastUsed %v right after the login, want zero", e.LastUsed)
	}
	k.now = func() time.Time { return e.ObtainedAt.Add(30 * time.Second) }
	cs.check()
	if got := k.entry(t, cs).LastUsed; !got.IsZero() {
		t.Errorf("LastUsed written after 30 s: %v", got)
	}
	later := e.ObtainedAt.Add(2 * time.Minute)
	k.now = func() time.Time { return later }
	r := cs.check()
	if got := k.entry(t, cs).LastUsed; !got.Equal(later) {
		t.Errorf("LastUsed %v after 2 minutes, want %v", got, later)
	}
	k.now = func() time.Time { return later.Add(3 * time.Minute) }
	if n := note(cs.check(), "cache: forms"); !strings.Contains(n, "last used "+stamp(later)) {
		t.Errorf("note %q: want the last use; the check before: %s", n, everything(t, r))
	}
}

// TestCacheChangedPassword: a changed password never reuses the session
// of the old one: another key, so a login, which Creatio refuses.
func TestCacheChangedPassword(t *testing.T) {
	cs := newCacheStand(t, "forms", openCache(t))
	cs.check()
	cs.password = "another-sEcReT"
	r := cs.check()
	if r.State == plugin.OK || cs.logins() != 1 || len(cs.st.Creatio.Requests()) != 3 {
		t.Errorf("state %v with %d logins and %d requests: the old session was used with another password", r.State, cs.logins(), len(cs.st.Creatio.Requests()))
	}
}

// TestCacheParallel: 50 checks of one site at once with one cache: all
// OK, one login (the others wait for its lock and use its session), one
// entry file and nothing else in the directory.
func TestCacheParallel(t *testing.T) {
	for _, kind := range []string{"forms", "oauth"} {
		t.Run(kind, func(t *testing.T) {
			k := openCache(t)
			cs := newCacheStand(t, kind, k)
			var wg sync.WaitGroup
			var mu sync.Mutex
			wrong := 0
			for range 50 {
				wg.Go(func() {
					c := newClient(t, web.ClientConfig{})
					base := scenario(t, cs.st, cs.scenario)
					var auth Authenticator = &FormsLogin{Base: base, User: fixture.User, Password: fixture.Password, Cache: k}
					if kind == "oauth" {
						auth = &OAuthLogin{Identity: identity.Identity{Client: c, URL: variant(t, cs.st, "ok"), ClientID: fixture.Client, Secret: fixture.Secret}, Base: base, Cache: k}
					}
					r := (&Endpoint{Client: c, Base: base, Runtime: RuntimeNetFx, Auth: auth, Policy: testPolicy}).Run(runCtx(t, 10*time.Second))
					if r.State != plugin.OK {
						mu.Lock()
						wrong++
						mu.Unlock()
						t.Errorf("state %v: %s", r.State, r.Summary)
					}
				})
			}
			wg.Wait()
			if wrong != 0 || cs.logins() != 1 {
				t.Errorf("%d wrong states, %d logins; want 0 and 1", wrong, cs.logins())
			}
			names, err := os.ReadDir(k.Store.Dir())
			if err != nil {
				t.Fatal(err)
			}
			if len(names) != 1 || !strings.HasSuffix(names[0].Name(), ".json") {
				t.Errorf("the cache directory holds %v, want one entry file", names)
			}
			k.entry(t, cs)
		})
	}
}

// TestCacheUnsafeDir: a cache directory others may write to is not used:
// the check logs in (and out) as without the cache, its state is right,
// the long output says so at every verbosity, -v puts the reason on line
// 1, and the report's cache says not used, where and why.
func TestCacheUnsafeDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	_, err := cache.Place{Dir: dir}.Open()
	if err == nil {
		t.Fatal("Place.Open accepted a world-writable directory")
	}
	cs := newCacheStand(t, "forms", &Cache{Refused: err, Place: cache.Place{Dir: dir}})
	for range 2 {
		r := cs.check()
		var v0, v1 strings.Builder
		if _, err := r.Result(0).WriteTo(&v0); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Result(1).WriteTo(&v1); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(v1.String(), "credential cache not used: cache directory") || !strings.Contains(v1.String(), "world-writable") {
			t.Errorf("-v does not say why the cache is not used:\n%s", v1.String())
		}
		line1, long, _ := strings.Cut(v0.String(), "\n")
		if strings.Contains(line1, "cache") || !strings.Contains(long, "cache: not used: cache directory "+dir+" is group- or world-writable (mode 0777); run chmod 700 "+dir+", or give --cache-dir or --no-cache") {
			t.Errorf("without -v, want line 1 without the cache and the long output with it:\n%s", v0.String())
		}
		if c := r.Cache; c == nil || c.Used || c.Dir != dir || !strings.Contains(c.Reason, "world-writable") {
			t.Errorf("report's cache = %+v; want not used, %s, and why", c, dir)
		}
	}
	if cs.logins() != 2 || cs.st.Creatio.Logouts() != 2 || cs.st.Creatio.LiveSessions() != 0 {
		t.Errorf("%d logins, %d logouts, %d live sessions; want 2, 2, 0 as without a cache", cs.logins(), cs.st.Creatio.Logouts(), cs.st.Creatio.LiveSessions())
	}
	if names, _ := os.ReadDir(dir); len(names) != 0 {
		t.Errorf("the refused directory got files: %v", names)
	}
}

// TestCacheUnsafeFile: an entry file open to others is not used either (a
// refused file is an error of Load): a login, and -v says why.
func TestCacheUnsafeFile(t *testing.T) {
	k := openCache(t)
	cs := newCacheStand(t, "oauth", k)
	cs.check()
	path := k.path(t, cs)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	r := cs.check()
	if cs.logins() != 2 || !strings.Contains(r.Detail, "credential cache not used: cache file") {
		t.Errorf("%d token requests, want 2; detail %q: want why the cache was not used", cs.logins(), r.Detail)
	}
}

// TestCacheSecrets: what comes from the cache is a secret like what a login
// gives: the client redacts the cached token and cookie values.
func TestCacheSecrets(t *testing.T) {
	for _, kind := range []string{"forms", "oauth"} {
		t.Run(kind, func(t *testing.T) {
			k := openCache(t)
			cs := newCacheStand(t, kind, k)
			cs.check()
			e := k.entry(t, cs)
			c := newClient(t, web.ClientConfig{})
			base := scenario(t, cs.st, cs.scenario)
			var auth Authenticator = &FormsLogin{Base: base, User: fixture.User, Password: fixture.Password, Cache: k}
			if kind == "oauth" {
				auth = &OAuthLogin{Identity: identity.Identity{Client: c, URL: variant(t, cs.st, "ok"), ClientID: fixture.Client, Secret: fixture.Secret}, Base: base, Cache: k}
			}
			(&Endpoint{Client: c, Base: base, Runtime: RuntimeNetFx, Auth: auth, Policy: testPolicy}).Run(runCtx(t, 10*time.Second))
			vals := []string{e.AccessToken, e.CSRF}
			for _, ck := range e.Cookies {
				if ck.Name != "UserName" { // the user's name, printed anyway
					vals = append(vals, ck.Value)
				}
			}
			for _, v := range vals {
				if v == "" {
					continue
				}
				if got := c.Secrets().Redact("x " + v + " y"); strings.Contains(got, v) {
					t.Errorf("a cached value is not a secret of the client: %q", got)
				}
			}
		})
	}
}

// entry is the cache's entry of the stand's login, which must exist.
func (k *Cache) entry(t *testing.T, cs *cacheStand) cache.Entry {
	t.Helper()
	e, ok, err := k.Store.Load(cs.key(t), time.Now())
	if err != nil || (!ok && e.ObtainedAt.IsZero()) {
		t.Fatalf("no cache entry (%v)", err)
	}
	return e
}

// path is the file of the stand's entry.
func (k *Cache) path(t *testing.T, cs *cacheStand) string {
	t.Helper()
	p, err := k.Store.Path(cs.key(t))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// key is the cache key of the stand's login, as the logins build it.
func (cs *cacheStand) key(t *testing.T) cache.Key {
	base := scenario(t, cs.st, cs.scenario).String()
	if cs.kind == "forms" {
		return cache.Key{Kind: cache.KindForms, BaseURL: base, User: fixture.User}.WithSecret(fixture.Password)
	}
	return cache.Key{Kind: cache.KindOAuth, BaseURL: base, User: fixture.Client, IdentityURL: variant(t, cs.st, "ok").String()}.WithSecret(fixture.Secret)
}

// TestCacheRenewTakesAnotherChecksLogin: two checks hold the same ended
// session; the first to be refused logs in and saves the new session; the
// other, refused too, finds it in the cache (another ObtainedAt) and uses
// it without a login of its own.
func TestCacheRenewTakesAnotherChecksLogin(t *testing.T) {
	k := openCache(t)
	cs := newCacheStand(t, "forms", k)
	var hooked atomic.Bool
	var other *report.Report
	var srv *httptest.Server
	// Creatio behind a hook: the first health request with the ended
	// session runs a whole other check before Creatio answers it.
	srv = serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/0/api/OAuthHealthCheck") && cs.st.Creatio.LiveSessions() == 0 && hooked.CompareAndSwap(false, true) {
			other = cs.checkAt(srv.URL)
		}
		cs.st.Creatio.ServeHTTP(w, r)
	}))
	cs.checkAt(srv.URL)
	cs.st.Creatio.ExpireSessions()
	r := cs.checkAt(srv.URL)
	if other == nil || note(other, "cache: Creatio refused the cached credential") == "" {
		t.Fatalf("the other check did not renew the session: %v", other)
	}
	if cs.st.Creatio.Logins() != 2 || note(r, "cache: another check saved a new credential meanwhile") == "" || hasLoginPerf(r) {
		t.Errorf("%d logins, want 2: the second refused check logged in itself:\n%s", cs.st.Creatio.Logins(), everything(t, r))
	}
}

// TestCacheNotUsedDetail: the reason goes first on line 1's detail at -v,
// without its path, cut at a word when line 1 has no room for it, never
// beyond line 1; the long output has the whole reason with its fix at
// every verbosity.
func TestCacheNotUsedDetail(t *testing.T) {
	dir := "/var/lib/nagios/.cache/check_creatio_oauth"
	why := &cache.Problem{What: "cache file", Path: dir + "/" + strings.Repeat("0a", 32) + ".json", Issue: "is owned by uid 0, not by the running user (uid 112)", Fix: "remove it"}
	short := "credential cache not used: cache file is owned by uid 0, not by the running user (uid 112)"
	room := plugin.MaxLine - len(report.Name+" CRITICAL - ") - 3 // for summary and detail
	for _, tc := range []struct {
		summary, detail, want string
	}{
		{"short", "HTTP 200", short + "; HTTP 200"},
		{strings.Repeat("s", room-len(short)), "HTTP 200 from http://127.0.0.1:1/forms/0/api/OAuthHealthCheck", short},
		{strings.Repeat("s", room-len(short)), "", short},
		{strings.Repeat("s", room-len("credential cache not used: cache file is owned...")), "", "credential cache not used: cache file is owned..."},
	} {
		r := &report.Report{State: plugin.OK, Summary: tc.summary, Detail: tc.detail, Cache: &report.CacheUse{Dir: dir, Reason: why.Error()}}
		cacheNotUsed(r, why)
		if r.Detail != tc.want {
			t.Errorf("summary of %d bytes: detail\n%q, want\n%q", len(tc.summary), r.Detail, tc.want)
		}
		for v := range 3 {
			var b strings.Builder
			if _, err := r.Result(v).WriteTo(&b); err != nil {
				t.Fatal(err)
			}
			line, long, _ := strings.Cut(b.String(), "\n")
			if v > 0 && !strings.Contains(line, r.Detail) || len(line) > plugin.MaxLine {
				t.Errorf("-v %d: line 1 %q: want the detail, within %d bytes", v, line, plugin.MaxLine)
			}
			if want := "cache: not used: " + why.Error() + ", or give --cache-dir or --no-cache"; !strings.Contains(long, want) {
				t.Errorf("-v %d: the long output does not say %q:\n%s", v, want, long)
			}
		}
	}
}

// TestCacheRefusedAtOnce: a site that refuses even a new credential (a
// login page, 401 to every token) gets the state it gets without the
// cache, and nothing is kept: the forms session is logged out.
func TestCacheRefusedAtOnce(t *testing.T) {
	for _, tc := range []struct{ kind, scenario string }{{"forms", "login-page"}, {"forms", "unauthorized"}, {"oauth", "unauthorized"}, {"oauth", "forbidden"}} {
		t.Run(tc.kind+" "+tc.scenario, func(t *testing.T) {
			plain := newCacheStand(t, tc.kind, nil)
			plain.scenario, plain.password = tc.scenario, fixture.Password // password set: non-OK states expected
			want := plain.check()
			k := openCache(t)
			cs := newCacheStand(t, tc.kind, k)
			cs.scenario, cs.password = tc.scenario, fixture.Password
			for i := range 2 {
				r := cs.check()
				if r.State != want.State || r.Summary != want.Summary {
					t.Errorf("check %d: %v %q, want as without the cache: %v %q", i+1, r.State, r.Summary, want.State, want.Summary)
				}
				if note(r, "cache: Creatio refused the new credential too") == "" {
					t.Errorf("check %d: no note that the new credential is not kept:\n%s", i+1, everything(t, r))
				}
			}
			if names, _ := os.ReadDir(k.Store.Dir()); len(names) != 0 {
				t.Errorf("the cache keeps %v", names)
			}
			if cs.logins() != 2 || cs.st.Creatio.LiveSessions() != 0 {
				t.Errorf("%d logins, %d live sessions; want 2 and 0", cs.logins(), cs.st.Creatio.LiveSessions())
			}
		})
	}
}

// TestCacheLockHeld: a lock another check holds for longer than the wait
// is gone around: the check logs in itself and is OK within its -t.
func TestCacheLockHeld(t *testing.T) {
	t.Parallel() // its waits overlap the other tests
	k := openCache(t)
	cs := newCacheStand(t, "oauth", k)
	unlock, err := k.Store.Lock(runCtx(t, time.Second), cs.key(t))
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	c := newClient(t, web.ClientConfig{})
	base := scenario(t, cs.st, cs.scenario)
	start := time.Now()
	r := (&Endpoint{Client: c, Base: base, Runtime: RuntimeNetFx, Policy: policy(2 * time.Second),
		Auth: &OAuthLogin{Identity: identity.Identity{Client: c, URL: variant(t, cs.st, "ok"), ClientID: fixture.Client, Secret: fixture.Secret}, Base: base, Cache: k},
	}).Run(runCtx(t, 2*time.Second))
	within(t, start, 2*time.Second)
	if r.State != plugin.OK || cs.logins() != 1 {
		t.Errorf("state %v, %d token requests; want OK and 1:\n%s", r.State, cs.logins(), everything(t, r))
	}
}

// TestCacheRenewalFails: when the login that replaces a refused cached
// session fails, the state is the login's, as without the cache.
func TestCacheRenewalFails(t *testing.T) {
	k := openCache(t)
	cs := newCacheStand(t, "forms", k)
	var down atomic.Bool
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() && strings.HasSuffix(r.URL.Path, "/AuthService.svc/Login") {
			http.Error(w, "503 Service Unavailable", http.StatusServiceUnavailable)
			return
		}
		cs.st.Creatio.ServeHTTP(w, r)
	}))
	cs.checkAt(srv.URL)
	cs.st.Creatio.ExpireSessions()
	down.Store(true)
	cs.password = fixture.Password // a non-OK state is expected
	r := cs.checkAt(srv.URL)
	s, _ := step(r, "login")
	if r.State != plugin.Critical || s.State != plugin.Critical || !strings.Contains(r.Summary, "503") || note(r, "cache: Creatio refused the cached credential") == "" {
		t.Errorf("state %v %q, want CRITICAL for the login's 503:\n%s", r.State, r.Summary, everything(t, r))
	}
}

// TestTokenEntry: a token's expiry comes from expires_in, else from its
// exp claim; a token without either, or too short-lived, is not kept.
func TestTokenEntry(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		tok    identity.Token
		expiry time.Time
	}{
		{"expires_in", identity.Token{AccessToken: "a", ExpiresIn: 3600, Claims: &identity.Claims{Exp: start.Unix() + 60}}, start.Add(time.Hour)},
		{"exp claim", identity.Token{AccessToken: "a", Claims: &identity.Claims{Exp: start.Unix() + 600}}, start.Add(10 * time.Minute)},
		{"neither", identity.Token{AccessToken: "a"}, time.Time{}},
		{"30 s", identity.Token{AccessToken: "a", ExpiresIn: 30}, time.Time{}},
	} {
		e := tokenEntry(&tc.tok, start)
		if !e.Expiry.Equal(tc.expiry) || (e.AccessToken != "") != !tc.expiry.IsZero() {
			t.Errorf("%s: entry %v (token %t), want expiry %v", tc.name, e.Expiry, e.AccessToken != "", tc.expiry)
		}
	}
}
