package creatio

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"check_creatio_oauth/check/cache"
	"check_creatio_oauth/check/identity"
	"check_creatio_oauth/check/report"
	"check_creatio_oauth/check/web"
	"check_creatio_oauth/plugin"
)

// Creatio's forms login and logout below the base URL, without /0 on either
// runtime.
const (
	authServicePath = "/ServiceModel/AuthService.svc/Login"
	logoutPath      = "/ServiceModel/AuthService.svc/Logout"
)

// Authenticator logs in to Creatio before the health request and out after.
type Authenticator interface {
	// Login authenticates, adding its step and perfdata to r. It returns
	// false when the run must end (r then holds the reason).
	Login(ctx context.Context, c *web.Client, p report.Policy, r *report.Report) bool
	// Apply adds the credentials to a request to Creatio.
	Apply(req *http.Request)
	// Rejected explains a 401 or 403 answer to an authenticated request.
	Rejected(status int) *report.Failure
	// Logout ends what Login began, best effort and without changing the
	// state; it returns a note for -vv, or "" when there is nothing to end.
	Logout(ctx context.Context, c *web.Client, p report.Policy) string
}

// FormsLogin logs in to Creatio as a user through AuthService.svc and keeps
// the session cookies; the health request then carries them and the BPMCSRF
// header. Without a cache, Logout ends the session, which Creatio would
// otherwise keep (and count against licences) until its session timeout;
// with a cache, the session is kept in it and reused by the next checks,
// one live session instead of one per check.
type FormsLogin struct {
	Base     *url.URL
	User     string
	Password string // never printed
	// PasswordFrom says where the password came from, for advice:
	// "CREATIO_PASSWORD" or "--password-file F".
	PasswordFrom string
	// Cache keeps the session between runs; nil: log in and out each run.
	Cache *Cache
	// NewClient makes a client of the run's settings with a cookie jar of
	// its own, to end a session past --cache-max-age beside the new one;
	// nil: such a session stays until Creatio's session timeout.
	NewClient func() (*web.Client, error)
	client    *web.Client
	loggedIn  bool
	restored  []*http.Cookie // the cookies put into the jar from the cache
	use       cacheUse
}

// Login uses the cached session, if the cache holds one, else posts the
// credentials (and saves the session in the cache).
func (l *FormsLogin) Login(ctx context.Context, c *web.Client, p report.Policy, r *report.Report) bool {
	l.client = c
	c.Secrets().Add(l.Password)
	l.use.key = cache.Key{Kind: cache.KindForms, BaseURL: l.Base.String(), User: l.User}.WithSecret(l.Password)
	return l.use.get(ctx, l.Cache, l.credential(ctx, c, p, r))
}

// credential ties the forms login to the cache glue for report r.
func (l *FormsLogin) credential(ctx context.Context, c *web.Client, p report.Policy, r *report.Report) credential {
	return credential{c: c, r: r,
		restore: func(e cache.Entry) { l.restore(e, r) },
		forget:  l.forget,
		login:   func() (cache.Entry, bool) { return l.login(ctx, c, p, r) },
		retire:  func(old cache.Entry) { r.Notes = append(r.Notes, l.retire(ctx, p, old)) },
	}
}

// retire ends a cached session past --cache-max-age with Logout, through a
// client of its own, so that the new session's cookies are not sent with
// it. It returns a note for -vv.
func (l *FormsLogin) retire(ctx context.Context, p report.Policy, old cache.Entry) string {
	what := "the previous session of " + l.user() + ", logged in " + ago(old.ObtainedAt, l.Cache.clock())
	if l.NewClient == nil {
		return "logout: " + what + " stays until Creatio's session timeout"
	}
	c, err := l.NewClient()
	if err != nil {
		return "logout: " + what + " stays until Creatio's session timeout: " + err.Error()
	}
	defer c.CloseIdleConnections()
	l.secret(c, old)
	c.SetCookies(l.Base, old.HTTPCookies())
	return "logout: " + l.logout(ctx, c, p, old.CSRF, what)
}

// secret registers the cookie values and BPMCSRF of a session as secrets
// of c, but for a cookie that only holds the user's name (UserName), which
// the output names anyway: a cached session reads as a fresh login does.
func (l *FormsLogin) secret(c *web.Client, e cache.Entry) {
	for _, ck := range e.Cookies {
		if ck.Value != "" && !l.namesUser(ck.Value) {
			c.Secrets().Add(ck.Value)
		}
	}
	c.Secrets().Add(e.CSRF)
}

// namesUser reports whether a cookie value is the user's name, as
// Creatio's UserName cookie holds it (URL-encoded).
func (l *FormsLogin) namesUser(value string) bool {
	name, err := url.QueryUnescape(value)
	return err == nil && name == l.User
}

// cacheUse implements cachedAuth.
func (l *FormsLogin) cacheUse() *cacheUse { return &l.use }

// renew implements cachedAuth: Creatio refused the cached session.
func (l *FormsLogin) renew(ctx context.Context, c *web.Client, p report.Policy, r *report.Report) bool {
	return l.use.renew(ctx, l.Cache, l.credential(ctx, c, p, r))
}

// discard implements cachedAuth: Creatio refused the new session, which
// Logout then ends.
func (l *FormsLogin) discard(ctx context.Context, c *web.Client, r *report.Report) {
	l.use.discard(ctx, l.Cache, c, r)
}

// restore puts a cached session into the client's cookie jar; its cookie
// values are secrets, as after a login, and the UserName cookie, as after a
// login, is not.
func (l *FormsLogin) restore(e cache.Entry, r *report.Report) {
	l.restored = e.HTTPCookies()
	l.client.SetCookies(l.Base, l.restored)
	l.secret(l.client, e)
	l.loggedIn = true
	r.Steps = append(r.Steps, report.Step{Name: "login", State: plugin.OK, Detail: "the session of " + l.user() + " from the cache, logged in " + ago(e.ObtainedAt, l.Cache.clock())})
}

// forget takes a refused cached session out of the cookie jar, so that a
// new login's cookies are the only ones sent.
func (l *FormsLogin) forget() {
	for _, ck := range l.restored {
		l.client.SetCookies(l.Base, []*http.Cookie{{Name: ck.Name, Path: ck.Path, Secure: ck.Secure, MaxAge: -1}})
	}
	l.restored, l.loggedIn = nil, false
}

// cookiePath is the path the cached cookies are restored with: the base
// URL's path, so that they go to every request below it.
func (l *FormsLogin) cookiePath() string {
	if p := strings.TrimRight(l.Base.Path, "/"); p != "" {
		return p
	}
	return "/"
}

// login posts the credentials. Creatio answers HTTP 200 for a failed login
// too, with Code 1 and the reason in Message. Its entry holds the session
// cookies and BPMCSRF for the cache.
func (l *FormsLogin) login(ctx context.Context, c *web.Client, p report.Policy, r *report.Report) (cache.Entry, bool) {
	u := web.JoinPath(l.Base, authServicePath)
	body, _ := json.Marshal(struct{ UserName, UserPassword string }{l.User, l.Password}) // strings always marshal
	start := time.Now()
	resp, err := c.Send(ctx, http.MethodPost, u, "application/json; charset=utf-8", body,
		func(req *http.Request) { req.Header.Set("ForceUseSession", "true") })
	elapsed := time.Since(start).Seconds()
	if err != nil {
		return cache.Entry{}, loginFailed(r, p, report.TimeLogin, c.Describe(err, "the login request", u, p), elapsed)
	}
	l.registerCookies(c) // before judge says anything of the answer that set them
	if f := l.judge(resp); f != nil {
		return cache.Entry{}, loginFailed(r, p, report.TimeLogin, f, elapsed)
	}
	e := cache.Entry{ObtainedAt: start, CSRF: l.cookie("BPMCSRF")}
	// The session is every cookie the login left for the base URL
	// (.ASPXAUTH, BPMCSRF, BPMLOADER, BPMSESSIONID, ASP.NET_SessionId, or
	// whatever a Creatio version sets), registered as secrets above.
	for _, ck := range c.Cookies(l.Base) {
		if ck.Value == "" {
			continue
		}
		e.Cookies = append(e.Cookies, cache.Cookie{Name: ck.Name, Value: ck.Value, Path: l.cookiePath(), Secure: l.Base.Scheme == "https"})
	}
	l.loggedIn = true
	r.Perf = append(r.Perf, report.SecondsPerf(report.TimeLogin, elapsed))
	r.Steps = append(r.Steps, report.Step{Name: "login", State: plugin.OK, Detail: "logged in to Creatio as " + l.user()})
	return e, true
}

// registerCookies registers the session's cookie values as secrets the
// moment the login answer set them: each but the one that only holds the
// user's name (UserName), which is printed anyway.
func (l *FormsLogin) registerCookies(c *web.Client) {
	for _, ck := range c.Cookies(l.Base) {
		if ck.Value != "" && !l.namesUser(ck.Value) {
			c.Secrets().Add(ck.Value)
		}
	}
}

// judge is the failure of a login answer, or nil for a good login.
func (l *FormsLogin) judge(resp *web.Response) *report.Failure {
	user, status := l.user(), resp.StatusCode
	switch {
	case resp.TooLarge:
		return report.Failed(report.Server, fmt.Sprintf("login as %s: the answer of AuthService.svc is larger than the %d-byte cap (--max-body)", user, l.client.MaxBody()), "check Creatio's application logs")
	case web.Overloaded(status):
		return report.Failed(report.Server, fmt.Sprintf("Creatio answered %s to the login as %s (AuthService.svc)%s", l.client.Status(resp), user, l.client.Via(resp)), "check Creatio's web server, logs and load")
	case status == http.StatusNotFound:
		return report.Failed(report.Setup, fmt.Sprintf("login as %s: no AuthService.svc below --url (HTTP 404)", user), "check --url, with any virtual directory")
	case status >= 300:
		return report.Failed(report.Setup, fmt.Sprintf("login as %s: AuthService.svc answered %s", user, l.client.Status(resp)), "check --url and that the user may log in")
	}
	o, _ := web.ReadObject(resp.Body)
	code, _ := o.Get("Code")
	switch {
	case code.Type != gjson.Number:
		return report.Failed(report.Server, fmt.Sprintf("login as %s: AuthService.svc answered HTTP %d but not its JSON (%s)", user, status, l.client.Sample(resp)), "check Creatio's application logs")
	case code.Int() != 0:
		m, _ := o.Get("Message")
		msg := l.client.Clean(m.String(), 100)
		if msg == "" {
			msg = fmt.Sprintf("Code %d", code.Int())
		}
		return report.Failed(report.Credentials, fmt.Sprintf("login as %s failed: %s", user, msg), "check --user and the password in "+cmp.Or(l.PasswordFrom, "CREATIO_PASSWORD"))
	case l.cookie(".ASPXAUTH") != "":
		return nil
	case l.secureOnly(resp):
		return report.Failed(report.Setup, fmt.Sprintf("login as %s: Creatio sends its session cookie only over https (Secure)", user), "use an https --url")
	}
	return report.Failed(report.Setup, fmt.Sprintf("login as %s: Creatio said Code 0 but set no .ASPXAUTH session cookie", user), "check proxies between here and Creatio")
}

// secureOnly reports whether the login answer set the session cookie with
// the Secure attribute while --url is plain http to a host that is not
// loopback (which a cookie jar, like a browser, treats as secure).
func (l *FormsLogin) secureOnly(resp *web.Response) bool {
	if l.Base.Scheme != "http" || isLoopback(l.Base.Hostname()) {
		return false
	}
	for _, ck := range (&http.Response{Header: resp.Header}).Cookies() {
		if ck.Name == ".ASPXAUTH" && ck.Secure {
			return true
		}
	}
	return false
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (l *FormsLogin) user() string { return plugin.Sanitize(plugin.Truncate(l.User, 60)) }

// cookie is the value of a session cookie for the base URL.
func (l *FormsLogin) cookie(name string) string {
	for _, ck := range l.client.Cookies(l.Base) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// Apply adds Creatio's CSRF header; the cookie jar adds the cookies.
func (l *FormsLogin) Apply(req *http.Request) {
	if v := l.cookie("BPMCSRF"); v != "" {
		req.Header.Set("BPMCSRF", v)
	}
}

// Rejected explains a 401/403 or login redirect after a good login.
func (l *FormsLogin) Rejected(status int) *report.Failure {
	return report.Failed(report.Setup, fmt.Sprintf("Creatio rejected the session of %s after a good login (HTTP %d)", l.user(), status), "check that the user may call the API and that no proxy drops the BPMCSRF header")
}

// Logout ends the session with AuthService.svc/Logout, with its cookies and
// BPMCSRF header, as Creatio's own clients do; a session in the cache is
// kept for the next check instead (and its last use noted in the cache).
func (l *FormsLogin) Logout(ctx context.Context, c *web.Client, p report.Policy) string {
	if !l.loggedIn {
		return ""
	}
	if l.use.saved {
		l.use.touch(ctx, l.Cache, c)
		return "logout: none: the session of " + l.user() + " stays in the cache for the next check (--no-cache logs out)"
	}
	return "logout: " + l.logout(ctx, c, p, l.cookie("BPMCSRF"), "the session of "+l.user())
}

// logout posts Logout with the cookies in c's jar and the BPMCSRF header
// csrf; what names the session in the note it returns.
func (l *FormsLogin) logout(ctx context.Context, c *web.Client, p report.Policy, csrf, what string) string {
	u := web.JoinPath(l.Base, logoutPath)
	resp, err := c.Send(ctx, http.MethodPost, u, "application/json; charset=utf-8", []byte("{}"), func(req *http.Request) {
		if csrf != "" {
			req.Header.Set("BPMCSRF", csrf)
		}
	})
	switch {
	case err != nil:
		return c.Describe(err, "the logout request", u, p).Text + "; " + what + " stays until Creatio's session timeout"
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return fmt.Sprintf("AuthService.svc answered %s; %s stays until Creatio's session timeout", c.Status(resp), what)
	}
	return fmt.Sprintf("ended %s (HTTP %d)", what, resp.StatusCode)
}

// OAuthLogin gets a client_credentials token from the Identity Service and
// sends it as a Bearer token. With a cache, the token is used until
// cache.UsableUntil by every check, and only then is a new one requested.
type OAuthLogin struct {
	Identity identity.Identity // the plugin's own client (report.PluginLogin)
	// Base is Creatio's base URL, part of the cache key.
	Base *url.URL
	// Cache keeps the token between runs; nil: a new token each run.
	Cache *Cache
	token string
	use   cacheUse
}

// Login uses the cached token, if the cache holds a usable one, else gets
// a new one (and saves it in the cache).
func (l *OAuthLogin) Login(ctx context.Context, c *web.Client, p report.Policy, r *report.Report) bool {
	id := &l.Identity
	c.Secrets().Add(id.Secret)
	k := l.Cache
	if l.Base == nil || id.URL == nil {
		k = nil // no key without both URLs
	} else {
		l.use.key = cache.Key{Kind: cache.KindOAuth, BaseURL: l.Base.String(), User: id.ClientID, IdentityURL: id.URL.String(),
			ClientAuth: string(id.Auth)}.WithSecret(id.Secret)
	}
	return l.use.get(ctx, k, l.credential(ctx, c, p, r))
}

// credential ties the OAuth login to the cache glue for report r.
func (l *OAuthLogin) credential(ctx context.Context, c *web.Client, p report.Policy, r *report.Report) credential {
	return credential{c: c, r: r,
		restore: func(e cache.Entry) {
			l.token = e.AccessToken
			c.Secrets().Add(e.AccessToken)
			r.Steps = append(r.Steps, report.Step{Name: "login", State: plugin.OK, Detail: "the token of client " + plugin.Sanitize(plugin.Truncate(l.Identity.ClientID, 60)) +
				" from the cache, obtained " + ago(e.ObtainedAt, l.Cache.clock()) + ", " + expiryText(e, l.Cache.clock())})
		},
		forget: func() { l.token = "" },
		login:  func() (cache.Entry, bool) { return l.login(ctx, c, p, r) },
	}
}

// cacheUse implements cachedAuth.
func (l *OAuthLogin) cacheUse() *cacheUse { return &l.use }

// renew implements cachedAuth: Creatio refused the cached token.
func (l *OAuthLogin) renew(ctx context.Context, c *web.Client, p report.Policy, r *report.Report) bool {
	return l.use.renew(ctx, l.Cache, l.credential(ctx, c, p, r))
}

// discard implements cachedAuth: Creatio refused the new token.
func (l *OAuthLogin) discard(ctx context.Context, c *web.Client, r *report.Report) {
	l.use.discard(ctx, l.Cache, c, r)
}

// login finds the token endpoint (discovery, else /connect/token) and gets
// a token. The Identity Service has judged any failure already: an outage
// is the one Creatio would report, in Creatio's words; a refusal of the
// plugin's own client is the monitoring side's mistake. Its entry is the
// token for the cache, or zero when the token's lifetime is unknown or too
// short to reuse.
func (l *OAuthLogin) login(ctx context.Context, c *web.Client, p report.Policy, r *report.Report) (cache.Entry, bool) {
	start := time.Now()
	id := &l.Identity
	elapsed := func() float64 { return time.Since(start).Seconds() }
	ep, f := id.Discover(ctx, p)
	if f != nil {
		return cache.Entry{}, loginFailed(r, p, report.TimeToken, f, elapsed())
	}
	tok, notes, f := id.Token(ctx, ep, p)
	if ep.Note != "" {
		r.Notes = append(r.Notes, "login: "+ep.Note)
	}
	for _, n := range notes {
		r.Notes = append(r.Notes, "login: "+n)
	}
	if f != nil {
		return cache.Entry{}, loginFailed(r, p, report.TimeToken, f, elapsed())
	}
	l.token = tok.AccessToken
	r.Perf = append(r.Perf, report.SecondsPerf(report.TimeToken, elapsed()))
	r.Steps = append(r.Steps, report.Step{Name: "login", State: plugin.OK, Detail: "got a token for client " + plugin.Sanitize(id.ClientID) + " from " + c.URLText(ep.URL)})
	return tokenEntry(tok, start), true
}

// tokenEntry is the cache entry of a token obtained at start: its expiry
// from expires_in (a duration, so no clock skew), else from the JWT's exp;
// zero when neither is known or the token would never be usable.
func tokenEntry(tok *identity.Token, start time.Time) cache.Entry {
	e := cache.Entry{ObtainedAt: start, AccessToken: tok.AccessToken, TokenType: tok.Type}
	switch {
	case tok.ExpiresIn > 0:
		e.Expiry = start.Add(time.Duration(tok.ExpiresIn) * time.Second)
	case tok.Claims != nil && tok.Claims.Exp > 0:
		e.Expiry = time.Unix(tok.Claims.Exp, 0)
	}
	if !e.Usable(start) {
		return cache.Entry{}
	}
	return e
}

// Apply sends the token.
func (l *OAuthLogin) Apply(req *http.Request) { req.Header.Set("Authorization", "Bearer "+l.token) }

// Rejected explains a 401 or 403 to a fresh token.
func (l *OAuthLogin) Rejected(status int) *report.Failure {
	return bearerRejected(status, "the fresh token of client "+plugin.Sanitize(plugin.Truncate(l.Identity.ClientID, 60)))
}

// Logout has nothing to end: a client_credentials token has no session.
func (l *OAuthLogin) Logout(context.Context, *web.Client, report.Policy) string { return "" }

// BearerLogin sends a ready token (CREATIO_TOKEN or --token-file).
type BearerLogin struct {
	Token string // never printed
}

// Login has nothing to send: the token is ready; it is a secret.
func (l *BearerLogin) Login(_ context.Context, c *web.Client, _ report.Policy, _ *report.Report) bool {
	c.Secrets().Add(l.Token)
	return true
}

// Apply sends the token.
func (l *BearerLogin) Apply(req *http.Request) { req.Header.Set("Authorization", "Bearer "+l.Token) }

// Rejected explains a 401 or 403 to the given token.
func (l *BearerLogin) Rejected(status int) *report.Failure {
	return bearerRejected(status, "the token of CREATIO_TOKEN/--token-file")
}

// Logout has nothing to end: the token is the admin's.
func (l *BearerLogin) Logout(context.Context, *web.Client, report.Policy) string { return "" }

// bearerRejected is the failure of a token Creatio refused.
func bearerRejected(status int, what string) *report.Failure {
	if status == http.StatusForbidden {
		return report.Failed(report.Setup, fmt.Sprintf("Creatio accepted %s but the OAuth app's system user lacks permission (HTTP 403)", what), "grant that user access in Creatio")
	}
	return report.Failed(report.Setup, fmt.Sprintf("Creatio rejected %s (HTTP %d): token rejected", what, status), "check that it is current and from Creatio's own Identity Service")
}

// loginFailed ends a run whose login failed, in the state the rule gives
// its failure. label is the perfdata of the login's time; there is no
// "time", as the health request was not made.
func loginFailed(r *report.Report, p report.Policy, label report.Label, f *report.Failure, elapsed float64) bool {
	r.Perf = append(r.Perf, report.SecondsPerf(label, elapsed))
	r.Fail(p, f.In("login"))
	return false
}
