package cache

import (
	"math"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)

func TestUsableUntil(t *testing.T) {
	farFuture := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	farPast := time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		obtained time.Time
		expiry   time.Time
		want     time.Time
	}{
		{"an hour: 10 % is 6 min", t0, t0.Add(time.Hour), t0.Add(54 * time.Minute)},
		{"10 minutes: 10 % is 60 s", t0, t0.Add(10 * time.Minute), t0.Add(9 * time.Minute)},
		{"5 minutes: 60 s, more than 10 %", t0, t0.Add(5 * time.Minute), t0.Add(4 * time.Minute)},
		{"60 s: usable for no time", t0, t0.Add(time.Minute), t0},
		{"1 s: never usable", t0, t0.Add(time.Second), t0.Add(-59 * time.Second)},
		{"0 s", t0, t0, t0.Add(-time.Minute)},
		{"expired before it was obtained", t0, t0.Add(-time.Hour), t0.Add(-time.Hour - time.Minute)},
		{"a day: 10 % is 2.4 h", t0, t0.Add(24 * time.Hour), t0.Add(24*time.Hour - 144*time.Minute)},
		{"1 ns over 10 min", t0, t0.Add(10*time.Minute + 10*time.Nanosecond), t0.Add(9*time.Minute + 9*time.Nanosecond)},
		{"lifetime beyond time.Duration saturates", farPast, farFuture, farFuture.Add(-time.Duration(math.MaxInt64) / 10)},
		{"no obtained time: lifetime saturates", time.Time{}, t0, t0.Add(-time.Duration(math.MaxInt64) / 10)},
		{"no expiry", t0, time.Time{}, time.Time{}},
	} {
		got := UsableUntil(tc.obtained, tc.expiry)
		if !got.Equal(tc.want) {
			t.Errorf("%s: UsableUntil = %v, want %v", tc.name, got, tc.want)
		}
		if !tc.expiry.IsZero() && !got.Before(tc.expiry.Add(-time.Minute+1)) {
			t.Errorf("%s: UsableUntil %v leaves less than 60 s before the expiry %v", tc.name, got, tc.expiry)
		}
	}
}

func TestUsable(t *testing.T) {
	e := Entry{ObtainedAt: t0, AccessToken: "tok", TokenType: "Bearer", Expiry: t0.Add(time.Hour)}
	for _, tc := range []struct {
		now  time.Time
		want bool
	}{
		{t0, true},
		{t0.Add(-time.Hour), true}, // a clock set back: the token is still good until its expiry margin
		{t0.Add(54*time.Minute - 1), true},
		{t0.Add(54 * time.Minute), false},
		{t0.Add(2 * time.Hour), false},
	} {
		if got := e.Usable(tc.now); got != tc.want {
			t.Errorf("Usable(obtained + %v) = %t, want %t", tc.now.Sub(t0), got, tc.want)
		}
	}
	if (Entry{ObtainedAt: t0, Cookies: []Cookie{{Name: "a", Value: "b"}}}).Usable(t0) {
		t.Error("a forms entry is Usable: its validity is decided by trying it")
	}
}

// TestCookiesRestoreSession proves that the stored cookies are what a cookie
// jar needs: saved from one jar, restored into a fresh one, they are sent to
// the base URL again, and only there.
func TestCookiesRestoreSession(t *testing.T) {
	base, _ := url.Parse("https://crm.example/")
	set := []*http.Cookie{
		{Name: ".ASPXAUTH", Value: "AUTH123", Path: "/", Secure: true, HttpOnly: true},
		{Name: "BPMCSRF", Value: "csrf456", Path: "/"},
		{Name: "BPMLOADER", Value: "ldr", Path: "/"},
		{Name: "ASP.NET_SessionId", Value: "sess789", Path: "/", HttpOnly: true},
	}
	e := Entry{ObtainedAt: t0, Cookies: cookiesFrom(set), CSRF: "csrf456"}
	b, err := encode(strings.Repeat("a", 64), KindForms, e)
	if err != nil {
		t.Fatal(err)
	}
	_, _, got, err := decode(b)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	jar.SetCookies(base, got.HTTPCookies())
	sent := map[string]string{}
	for _, c := range jar.Cookies(base.JoinPath("0", "api", "OAuthHealthCheck")) {
		sent[c.Name] = c.Value
	}
	for _, c := range set {
		if sent[c.Name] != c.Value {
			t.Errorf("restored jar sends %s=%q, want %q", c.Name, sent[c.Name], c.Value)
		}
	}
	if other := jar.Cookies(&url.URL{Scheme: "https", Host: "evil.crm.example", Path: "/"}); len(other) != 0 {
		t.Errorf("restored cookies go to another host: %v", other)
	}
	if plain := jar.Cookies(&url.URL{Scheme: "http", Host: "crm.example", Path: "/"}); len(plain) != 3 {
		t.Errorf("over plain http the jar sends %d cookies, want 3 (not the Secure one)", len(plain))
	}
}

// TestEncodeRefuses: an entry a later run could not send unchanged, or of
// the wrong kind, is not saved, and the error names no value.
func TestEncodeRefuses(t *testing.T) {
	const secret = "S3CRET"
	id := strings.Repeat("0", 64)
	ok := Entry{ObtainedAt: t0, AccessToken: secret, TokenType: "Bearer", Expiry: t0.Add(time.Hour)}
	forms := Entry{ObtainedAt: t0, Cookies: []Cookie{{Name: "BPMCSRF", Value: secret}}, CSRF: secret}
	for _, tc := range []struct {
		name string
		kind Kind
		e    Entry
	}{
		{"no token", KindOAuth, Entry{ObtainedAt: t0, Expiry: t0.Add(time.Hour)}},
		{"token with a line break", KindOAuth, Entry{ObtainedAt: t0, AccessToken: secret + "\r\nX-Evil: 1", Expiry: t0.Add(time.Hour)}},
		{"token with a space", KindOAuth, Entry{ObtainedAt: t0, AccessToken: secret + " x", Expiry: t0.Add(time.Hour)}},
		{"token type with a line break", KindOAuth, Entry{ObtainedAt: t0, AccessToken: secret, TokenType: "Bearer\n", Expiry: t0.Add(time.Hour)}},
		{"no expiry", KindOAuth, Entry{ObtainedAt: t0, AccessToken: secret}},
		{"no obtained time", KindOAuth, Entry{AccessToken: secret, Expiry: t0}},
		{"oauth with cookies", KindOAuth, func() Entry { e := ok; e.Cookies = forms.Cookies; return e }()},
		{"oauth with last use", KindOAuth, func() Entry { e := ok; e.LastUsed = t0; return e }()},
		{"forms without cookies", KindForms, Entry{ObtainedAt: t0, CSRF: secret}},
		{"forms with a token", KindForms, func() Entry { e := forms; e.AccessToken = secret; return e }()},
		{"cookie without name", KindForms, Entry{ObtainedAt: t0, Cookies: []Cookie{{Value: secret}}}},
		{"cookie name with '='", KindForms, Entry{ObtainedAt: t0, Cookies: []Cookie{{Name: "a=b", Value: secret}}}},
		{"cookie value with ';'", KindForms, Entry{ObtainedAt: t0, Cookies: []Cookie{{Name: "a", Value: secret + ";b"}}}},
		{"cookie value with a line break", KindForms, Entry{ObtainedAt: t0, Cookies: []Cookie{{Name: "a", Value: secret + "\n"}}}},
		{"cookie path with ';'", KindForms, Entry{ObtainedAt: t0, Cookies: []Cookie{{Name: "a", Value: secret, Path: "/;x"}}}},
		{"csrf with a line break", KindForms, func() Entry { e := forms; e.CSRF = secret + "\n"; return e }()},
		{"33 cookies", KindForms, Entry{ObtainedAt: t0, Cookies: make([]Cookie, 33)}},
		{"unknown kind", Kind("basic"), ok},
		{"year 10000", KindOAuth, func() Entry { e := ok; e.Expiry = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC); return e }()},
		{"larger than the cap", KindOAuth, func() Entry { e := ok; e.AccessToken = secret + strings.Repeat("x", maxFileSize); return e }()},
	} {
		b, err := encode(id, tc.kind, tc.e)
		switch {
		case err == nil:
			t.Errorf("%s: encoded to %d bytes, want an error", tc.name, len(b))
		case strings.Contains(err.Error(), secret):
			t.Errorf("%s: the error %q holds the secret", tc.name, err)
		}
	}
	for _, e := range []Entry{ok, forms} {
		kind := KindOAuth
		if e.AccessToken == "" {
			kind = KindForms
		}
		if _, err := encode(id, kind, e); err != nil {
			t.Errorf("a valid %s entry: %v", kind, err)
		}
	}
}
