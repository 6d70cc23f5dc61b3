package creatio

import (
	"encoding/json"
	"net/http"
	"strings"
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

// age moves the cached entry of cs's login d into the past, as if its
// login had been d earlier (a token's expiry with it when token is set).
func age(t *testing.T, k *Cache, cs *cacheStand, d time.Duration, token bool) {
	t.Helper()
	e := k.entry(t, cs)
	e.ObtainedAt = e.ObtainedAt.Add(-d)
	if token {
		e.Expiry = e.Expiry.Add(-d)
	}
	if err := k.Store.Save(cs.key(t), e); err != nil {
		t.Fatal(err)
	}
}

// TestCacheMaxAgeForms: a cached session is used until --cache-max-age
// after its login; the first check past it logs in anew, saves the new
// session and ends the old one with Logout, so the simulator's live
// sessions stay at one.
func TestCacheMaxAgeForms(t *testing.T) {
	k := openCache(t)
	k.MaxAge = time.Hour
	cs := newCacheStand(t, "forms", k)
	cs.check()
	age(t, k, cs, 59*time.Minute, false)
	if r := cs.check(); hasLoginPerf(r) || cs.logins() != 1 {
		t.Fatalf("59 minutes after the login: %d logins, want the cached session", cs.logins())
	}
	age(t, k, cs, 2*time.Minute, false) // 61 minutes after the login
	first := k.entry(t, cs)
	r := cs.check()
	if cs.logins() != 2 || !hasLoginPerf(r) {
		t.Errorf("past --cache-max-age: %d logins, want 2", cs.logins())
	}
	if got := cs.st.Creatio.LiveSessions(); got != 1 || cs.st.Creatio.Logouts() != 1 {
		t.Errorf("%d live sessions, %d logouts; want 1 and 1: the old session ended", got, cs.st.Creatio.Logouts())
	}
	if !strings.Contains(note(r, "cache: the cached credential was obtained"), "longer ago than --cache-max-age (1h0m0s)") ||
		!strings.Contains(note(r, "logout: ended the previous session of "+fixture.User), "(HTTP 200)") {
		t.Errorf("-vv does not say the old session was past --cache-max-age and ended:\n%s", everything(t, r))
	}
	if k.entry(t, cs).ObtainedAt.Equal(first.ObtainedAt) {
		t.Error("the cache still holds the old session")
	}
	// The new session is the cached one from now on.
	if r := cs.check(); hasLoginPerf(r) || cs.logins() != 2 || cs.st.Creatio.LiveSessions() != 1 {
		t.Errorf("after the new login: %d logins, %d live sessions; want 2 and 1", cs.logins(), cs.st.Creatio.LiveSessions())
	}
}

// TestCacheMaxAgeToken: a cached token is used until --cache-max-age
// after it was obtained, even when it is valid longer; a token's own
// expiry still ends its use first when it comes first.
func TestCacheMaxAgeToken(t *testing.T) {
	k := openCache(t)
	k.MaxAge = 10 * time.Minute
	cs := newCacheStand(t, "oauth", k)
	cs.check()
	age(t, k, cs, 9*time.Minute, false)
	cs.check()
	if cs.logins() != 1 {
		t.Fatalf("9 minutes after the token: %d token requests, want 1", cs.logins())
	}
	age(t, k, cs, 2*time.Minute, false)
	if r := cs.check(); cs.logins() != 2 || !strings.Contains(note(r, "cache: the cached credential was obtained"), "longer ago than --cache-max-age (10m0s)") {
		t.Errorf("past --cache-max-age: %d token requests, want 2, and a note:\n%s", cs.logins(), everything(t, r))
	}
	// A token of an hour with a max-age of two hours: its expiry wins.
	k.MaxAge = 2 * time.Hour
	age(t, k, cs, 55*time.Minute, true)
	cs.check()
	if cs.logins() != 3 {
		t.Errorf("55 minutes after a token of an hour: %d token requests, want 3 (its expiry margin passed)", cs.logins())
	}
}

// TestCachedSessionNamesUser: a session from the cache names the user as
// a fresh login does (server text is redacted as it comes in, the plugin's
// own words are not), also when the run logs in again after a refused session.
func TestCachedSessionNamesUser(t *testing.T) {
	k := openCache(t)
	st := newStand(t)
	base := scenario(t, st, "forms")
	run := func() (*report.Report, *web.Client) {
		c := newClient(t, web.ClientConfig{})
		auth := &FormsLogin{Base: base, User: fixture.User, Password: fixture.Password, Cache: k}
		r := (&Endpoint{Client: c, Base: base, Runtime: RuntimeNetFx, Auth: auth, Policy: testPolicy}).Run(runCtx(t, 10*time.Second))
		return r, c
	}
	for i, what := range []string{"a fresh login", "the cached session", "a new login after the cached session ended"} {
		if i == 2 {
			st.Creatio.ExpireSessions()
		}
		r, _ := run()
		s, _ := step(r, "login")
		if r.State != plugin.OK || !strings.Contains(s.Detail, fixture.User) || strings.Contains(everything(t, r), "[redacted]") {
			t.Errorf("%s: state %v, login step %q; want the user named and nothing redacted:\n%s", what, r.State, s.Detail, everything(t, r))
		}
	}
}

// oddCreatio is a Creatio whose forms login gives a numbered session and
// whose health endpoint answers the first session with odd (an answer that
// is no health JSON and no server fault) and any later one with health.
func oddCreatio(t *testing.T, odd http.HandlerFunc) (base string, logins *atomic.Int32) {
	logins = new(atomic.Int32)
	mux := http.NewServeMux()
	mux.HandleFunc("/ServiceModel/AuthService.svc/Login", func(w http.ResponseWriter, r *http.Request) {
		n := logins.Add(1)
		http.SetCookie(w, &http.Cookie{Name: ".ASPXAUTH", Value: "sess" + string(rune('0'+n)), Path: "/"})
		http.SetCookie(w, &http.Cookie{Name: "BPMCSRF", Value: "csrf", Path: "/"})
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"Code":0,"Message":""}`))
	})
	mux.HandleFunc("/ServiceModel/AuthService.svc/Logout", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/0/api/OAuthHealthCheck", func(w http.ResponseWriter, r *http.Request) {
		if ck, err := r.Cookie(".ASPXAUTH"); err == nil && ck.Value == "sess1" {
			odd(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"HasProblem": false, "IsSystemSettingsFilledIn": true, "IsIdentityServiceAvailable": true, "IsAccessTokenRetrievableForSystemActions": true, "Message": nil})
	})
	return serve(t, mux).URL, logins
}

// TestCacheOddAnswer: an answer to a cached credential that is neither the
// health JSON nor a server fault (an SSO redirect to another host, an HTML
// page without Creatio's login markers, a gateway's JSON) drops the entry
// and logs in once more; the fresh answer is judged as always. A server
// fault is judged at once, without a new login.
func TestCacheOddAnswer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		odd    http.HandlerFunc
		logins int32
		state  plugin.State
	}{
		{"SSO redirect to another host", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://sso.example.net/adfs/ls?wa=wsignin1.0", http.StatusFound)
		}, 2, plugin.OK},
		{"HTML page without Creatio's login markers", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><body>Please sign in to continue</body></html>"))
		}, 2, plugin.OK},
		{"a gateway's JSON", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"error":"session expired","code":"GW401"}`))
		}, 2, plugin.OK},
		{"a server fault is judged at once", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "upstream down", http.StatusBadGateway)
		}, 1, plugin.Critical},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, logins := oddCreatio(t, tc.odd)
			base := mustURL(t, srv)
			k := openCache(t)
			// The first session, from a check before: in the cache.
			key := cache.Key{Kind: cache.KindForms, BaseURL: base.String(), User: fixture.User}.WithSecret(fixture.Password)
			logins.Add(1)
			if err := k.Store.Save(key, cache.Entry{ObtainedAt: time.Now(), Cookies: []cache.Cookie{{Name: ".ASPXAUTH", Value: "sess1", Path: "/"}, {Name: "BPMCSRF", Value: "csrf", Path: "/"}}, CSRF: "csrf"}); err != nil {
				t.Fatal(err)
			}
			c := newClient(t, web.ClientConfig{})
			auth := &FormsLogin{Base: base, User: fixture.User, Password: fixture.Password, Cache: k}
			r := (&Endpoint{Client: c, Base: base, Runtime: RuntimeNetFx, Auth: auth, Policy: testPolicy}).Run(runCtx(t, 10*time.Second))
			if r.State != tc.state || logins.Load() != tc.logins {
				t.Errorf("state %v after %d logins, want %v after %d:\n%s", r.State, logins.Load(), tc.state, tc.logins, everything(t, r))
			}
			if tc.logins == 2 && note(r, "cache: the answer to the cached credential is not Creatio's health JSON") == "" {
				t.Errorf("-vv does not say why the cached session was dropped:\n%s", everything(t, r))
			}
		})
	}
}

// TestCacheOddAnswerOnce: when the fresh login's answer is odd too, it is
// judged by the normal rule: one new login per run, no more.
func TestCacheOddAnswerOnce(t *testing.T) {
	st := newStand(t)
	k := openCache(t)
	cs := newCacheStand(t, "oauth", k)
	cs.st = st
	cs.check()
	// Creatio behind an SSO that answers every request with a redirect.
	redirect := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://sso.example.net/login", http.StatusFound)
	}))
	c := newClient(t, web.ClientConfig{})
	base := mustURL(t, redirect.URL)
	key := cs.key(t)
	e := k.entry(t, cs)
	key.BaseURL = base.String()
	if err := k.Store.Save(key, e); err != nil {
		t.Fatal(err)
	}
	before := cs.logins()
	auth := &OAuthLogin{Identity: identity.Identity{Client: c, URL: variant(t, st, "ok"), ClientID: fixture.Client, Secret: fixture.Secret}, Base: base, Cache: k}
	r := (&Endpoint{Client: c, Base: base, Runtime: RuntimeNetFx, Auth: auth, Policy: testPolicy}).Run(runCtx(t, 10*time.Second))
	if n := cs.logins() - before; n != 1 || r.State != plugin.Unknown || !strings.Contains(r.Summary, "redirects to another host") {
		t.Errorf("%d new token requests, state %v %q; want 1 and the redirect judged as without the cache (UNKNOWN)", n, r.State, r.Summary)
	}
}
