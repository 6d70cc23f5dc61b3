package sim

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// CreatioConfig configures [NewCreatio].
type CreatioConfig struct {
	// User and Password are the only credentials AuthService.svc/Login
	// accepts. With an empty User every login fails.
	User, Password string
	// SlowDelay is how long the slow scenario waits before it answers;
	// zero means 2 seconds.
	SlowDelay time.Duration
	// ValidateToken decides on the bearer token of the bearer scenario:
	// valid false gives 401, valid true and permitted false gives 403.
	// Wire it to [Identity.ValidateToken]. With a nil ValidateToken every
	// token is invalid.
	ValidateToken func(token string) (valid, permitted bool)
}

// DefaultSlowDelay is the delay of the slow scenario when
// CreatioConfig.SlowDelay is zero.
const DefaultSlowDelay = 2 * time.Second

// Cookie and header names of Creatio's forms authentication.
const (
	// CookieAuth is the forms-authentication session cookie.
	CookieAuth = ".ASPXAUTH"
	// CookieCSRF is the cookie whose value must come back in the
	// BPMCSRF request header.
	CookieCSRF = "BPMCSRF"
	// CookieLoader is Creatio's loader cookie, set at login.
	CookieLoader = "BPMLOADER"
	// CookieUserName holds the name of the logged-in user.
	CookieUserName = "UserName"
	// HeaderCSRF is the request header that must repeat the BPMCSRF cookie.
	HeaderCSRF = "BPMCSRF"
)

// maxLogged bounds the request log and the session table of a long-running
// simulator; the oldest entries go first.
const maxLogged = 10000

// RecordedRequest is what [Creatio.Requests] and [Identity.Requests] keep of
// one request. It holds no header values, so no credentials.
type RecordedRequest struct {
	// Method is the HTTP method.
	Method string
	// Host is the Host header, e.g. "127.0.0.1:8080" or "localhost:8080".
	Host string
	// Path is the URL path, e.g. "/ok/0/api/OAuthHealthCheck".
	Path string
	// Query is the raw query string without '?'.
	Query string
	// Scenario is the first path element (the scenario or variant name).
	Scenario string
	// HasAuthorization reports whether an Authorization header was sent.
	HasAuthorization bool
	// HasCookie reports whether a Cookie header was sent.
	HasCookie bool
	// HasCSRF reports whether a BPMCSRF header was sent.
	HasCSRF bool
}

// requestLog is a bounded, concurrency-safe list of RecordedRequest.
type requestLog struct {
	mu   sync.Mutex
	reqs []RecordedRequest
}

func (l *requestLog) record(r *http.Request, scenario string) {
	rec := RecordedRequest{
		Method:           r.Method,
		Host:             r.Host,
		Path:             r.URL.Path,
		Query:            r.URL.RawQuery,
		Scenario:         scenario,
		HasAuthorization: r.Header.Get("Authorization") != "",
		HasCookie:        r.Header.Get("Cookie") != "",
		HasCSRF:          r.Header.Get(HeaderCSRF) != "",
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.reqs) >= maxLogged {
		l.reqs = append(l.reqs[:0], l.reqs[len(l.reqs)-maxLogged/2:]...)
	}
	l.reqs = append(l.reqs, rec)
}

func (l *requestLog) list() []RecordedRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]RecordedRequest(nil), l.reqs...)
}

func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = nil
}

// session is one forms login, kept server-side.
type session struct {
	scenario string
	csrf     string
}

// Creatio is the simulated Creatio web application; see [NewCreatio].
type Creatio struct {
	cfg  CreatioConfig
	log  requestLog
	done chan struct{}
	once sync.Once

	mu       sync.Mutex
	sessions map[string]session // by .ASPXAUTH value
	logins   int                // successful logins so far
	logouts  int                // successful logouts so far
	counts   map[string]*ScenarioCounts
}

// ScenarioCounts are the counters of one scenario; see [Creatio.Counts].
type ScenarioCounts struct {
	// Logins and Logouts are the successful AuthService.svc/Login and
	// Logout requests of the scenario, as [Creatio.Logins] and
	// [Creatio.Logouts] count them for all.
	Logins, Logouts int
	// LiveSessions are the scenario's forms sessions alive now.
	LiveSessions int
	// HealthRequests are the requests to the scenario's health endpoint
	// (its runtime's path; the other layout's 404 does not count), each
	// one check's call whatever it was answered.
	HealthRequests int
}

// NewCreatio returns a simulated Creatio. The first path element of a
// request selects one of [Scenarios]; each scenario serves
//
//   - its health endpoint ([Scenario.HealthPath]); the path of the other
//     runtime's layout answers 404,
//   - its runtime's login page ({base}/Login/NuiLogin.aspx or
//     {base}/Login/Login.html),
//   - POST {base}/ServiceModel/AuthService.svc/Login (forms login; every
//     successful login starts a session, which only matters to the
//     scenarios whose [Scenario.Auth] is [AuthForms]),
//   - POST {base}/ServiceModel/AuthService.svc/Logout (ends the session;
//     see [Creatio.LiveSessions]),
//   - POST {base}/0/ping on .NET Framework (200, empty), as creatioclient
//     calls it after a login.
//
// Everything else, including unknown scenarios, is a plain-text 404. The
// bad-gateway scenario is the exception: every path below it, whatever the
// method, answers nginx's 502 page.
func NewCreatio(cfg CreatioConfig) *Creatio {
	if cfg.SlowDelay <= 0 {
		cfg.SlowDelay = DefaultSlowDelay
	}
	return &Creatio{
		cfg:      cfg,
		done:     make(chan struct{}),
		sessions: make(map[string]session),
		counts:   make(map[string]*ScenarioCounts),
	}
}

// Requests returns a copy of the requests received so far, oldest first.
func (c *Creatio) Requests() []RecordedRequest { return c.log.list() }

// ResetRequests forgets the recorded requests.
func (c *Creatio) ResetRequests() { c.log.reset() }

// LiveSessions returns the number of forms sessions currently alive: every
// successful AuthService.svc/Login on any scenario starts one and every
// successful Logout ends one. The session table is bounded: when it holds
// 10000 sessions, the next login drops all of them (as if they had timed
// out), and they no longer count as alive.
func (c *Creatio) LiveSessions() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sessions)
}

// Logins returns the number of successful AuthService.svc/Login requests so
// far, on any scenario. Failed logins (Code 1) do not count.
func (c *Creatio) Logins() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.logins
}

// Logouts returns the number of successful AuthService.svc/Logout requests
// so far, that is those that ended a live session. Refused logouts (401) do
// not count.
func (c *Creatio) Logouts() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.logouts
}

// Counts returns the counters of each scenario that has any, by scenario
// name: unlike [Creatio.Logins] and the request log they tell one site's
// logins apart from another's, and they are not bounded.
func (c *Creatio) Counts() map[string]ScenarioCounts {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]ScenarioCounts, len(c.counts))
	for name, n := range c.counts {
		out[name] = *n
	}
	for _, s := range c.sessions {
		n := out[s.scenario]
		n.LiveSessions++
		out[s.scenario] = n
	}
	return out
}

// countOf returns the counters of scenario, made when missing; c.mu must be
// held.
func (c *Creatio) countOf(scenario string) *ScenarioCounts {
	n, ok := c.counts[scenario]
	if !ok {
		n = &ScenarioCounts{}
		c.counts[scenario] = n
	}
	return n
}

// ExpireSessions ends every live forms session, as Creatio's session
// timeout does (no logout is counted), and returns how many it ended. A
// client that sends a cookie of an ended session then gets the login
// redirect (or the 401 of a wrong BPMCSRF) like any stranger.
func (c *Creatio) ExpireSessions() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.sessions)
	clear(c.sessions)
	return n
}

// Close releases the requests held by the hang and slow scenarios (their
// connections are aborted without an answer), so that an httptest.Server or
// http.Server can shut down. Close may be called more than once.
func (c *Creatio) Close() {
	c.once.Do(func() { close(c.done) })
}

// ServeHTTP implements http.Handler.
func (c *Creatio) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, rest := splitFirst(r.URL.Path)
	c.log.record(r, name)

	sc, ok := Lookup(name)
	if !ok {
		notFound(w)
		return
	}
	if sc.Name == "bad-gateway" {
		serveBadGateway(w)
		return
	}
	switch {
	case rest == healthSuffix(sc.Runtime):
		c.mu.Lock()
		c.countOf(sc.Name).HealthRequests++
		c.mu.Unlock()
		c.serveHealth(w, r, sc)
	case rest == AuthServicePath:
		c.serveLogin(w, r, sc)
	case rest == LogoutPath:
		c.serveLogout(w, r, sc)
	case rest == loginPageSuffix(sc.Runtime):
		serveLoginPage(w, r, sc)
	case rest == "/0/ping" && sc.Runtime == RuntimeNetFramework:
		w.WriteHeader(http.StatusOK)
	default:
		notFound(w)
	}
}

// splitFirst splits "/a/b/c" into "a" and "/b/c".
func splitFirst(p string) (first, rest string) {
	p = strings.TrimPrefix(p, "/")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i], p[i:]
	}
	return p, ""
}

func notFound(w http.ResponseWriter) {
	http.Error(w, "404 page not found", http.StatusNotFound)
}

func writeBody(w http.ResponseWriter, status int, contentType, body string) {
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

const (
	ctJSON = "application/json; charset=utf-8"
	ctHTML = "text/html; charset=utf-8"
	ctText = "text/plain; charset=utf-8"
)

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Cache-Control", "no-cache")
	writeBody(w, status, ctJSON, body)
}

// serveBadGateway answers like nginx whose upstream (Creatio) is down.
func serveBadGateway(w http.ResponseWriter) {
	w.Header().Set("Server", "nginx")
	writeBody(w, http.StatusBadGateway, "text/html", NginxBadGatewayPage)
}

func (c *Creatio) serveHealth(w http.ResponseWriter, r *http.Request, sc Scenario) {
	switch sc.Auth {
	case AuthForms:
		if !c.formsAuthorized(w, r, sc) {
			return
		}
	case AuthBearer:
		if !c.bearerAuthorized(w, r) {
			return
		}
	}
	switch sc.Name {
	case "hang", "forms-hang":
		c.hang(w, r)
		return
	case "conn-reset":
		resetConnection(w)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}

	switch sc.Name {
	case "ok", "ok-net", "forms", "forms-net", "forms-secure", "bearer":
		writeJSON(w, http.StatusOK, BodyOK)
	case "ok-extra":
		writeJSON(w, http.StatusOK, bodyOKExtra)
	case "gzip-ok":
		serveGzip(w, BodyOK)
	case "ok-bom", "forms-bom":
		writeJSON(w, http.StatusOK, UTF8BOM+BodyOK)
	case "ok-camel":
		writeJSON(w, http.StatusOK, BodyOKCamel)
	case "healthy-500":
		writeJSON(w, http.StatusInternalServerError, BodyOK)
	case "slow":
		if c.wait(r.Context(), c.cfg.SlowDelay) {
			writeJSON(w, http.StatusOK, BodyOK)
		}
	case "settings-empty":
		writeJSON(w, http.StatusInternalServerError, BodySettingsEmpty)
	case "setting-url-empty":
		writeJSON(w, http.StatusInternalServerError, BodySettingURLEmpty)
	case "identity-unavailable", "forms-problem":
		writeJSON(w, http.StatusInternalServerError, BodyIdentityUnavailable)
	case "problem-bom":
		writeJSON(w, http.StatusInternalServerError, UTF8BOM+BodyIdentityUnavailable)
	case "problem-camel":
		writeJSON(w, http.StatusInternalServerError, BodyIdentityUnavailableCamel)
	case "token-unretrievable":
		writeJSON(w, http.StatusInternalServerError, BodyTokenUnretrievable)
	case "default-resource":
		writeJSON(w, http.StatusInternalServerError, bodyDefaultResource)
	case "problem-no-message":
		writeJSON(w, http.StatusInternalServerError, bodyProblemNoMessage)
	case "flag-false-no-problem":
		writeJSON(w, http.StatusOK, bodyFlagFalse)
	case "message-hostile":
		writeJSON(w, http.StatusInternalServerError, bodyMessageHostile)
	case "message-long":
		writeJSON(w, http.StatusInternalServerError, bodyMessageLong)
	case "html-500", "forms-html-500":
		writeBody(w, http.StatusInternalServerError, ctHTML, htmlServerError)
	case "unavailable-503":
		writeBody(w, http.StatusServiceUnavailable, ctText, textServiceUnavailable)
	case "login-redirect", "login-redirect-net":
		redirectToLogin(w, r, sc)
	case "login-page":
		writeBody(w, http.StatusOK, ctHTML, fmt.Sprintf(htmlNuiLogin, ""))
	case "unauthorized":
		w.Header().Set("WWW-Authenticate", "Bearer")
		writeBody(w, http.StatusUnauthorized, "", "")
	case "forbidden":
		writeBody(w, http.StatusForbidden, ctHTML, htmlForbidden)
	case "not-found":
		writeBody(w, http.StatusNotFound, ctHTML, htmlNotFound)
	case "invalid-json":
		writeJSON(w, http.StatusOK, bodyInvalidJSON)
	case "empty-body":
		writeJSON(w, http.StatusOK, "")
	case "wrong-type":
		writeJSON(w, http.StatusOK, bodyWrongType)
	case "missing-key":
		writeJSON(w, http.StatusOK, bodyMissingKey)
	case "not-object":
		writeJSON(w, http.StatusOK, bodyNotObject)
	case "huge-body":
		serveHuge(w, r)
	case "redirect-same-host":
		ok, _ := Lookup("ok")
		http.Redirect(w, r, ok.HealthPath(), http.StatusFound)
	case "redirect-other-host":
		ok, _ := Lookup("ok")
		http.Redirect(w, r, otherHostURL(r, ok.HealthPath()), http.StatusFound)
	case "redirect-loop":
		http.Redirect(w, r, r.URL.RequestURI(), http.StatusFound)
	default:
		// A scenario listed in Scenarios without a case here is a bug.
		http.Error(w, "simulator: scenario "+sc.Name+" has no handler", http.StatusNotImplemented)
	}
}

// wait sleeps for d and reports true, or reports false once the request is
// cancelled or the Creatio closed.
func (c *Creatio) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-c.done:
		panic(http.ErrAbortHandler)
	}
}

// hang never answers: it returns when the client goes away and aborts the
// connection when the Creatio is closed.
func (c *Creatio) hang(_ http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-c.done:
		panic(http.ErrAbortHandler)
	}
}

// resetConnection closes the TCP connection without writing a response.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2 cannot hijack: abort the stream
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // send RST instead of FIN
	}
	_ = conn.Close()
}

func serveGzip(w http.ResponseWriter, body string) {
	var buf strings.Builder
	zw := gzip.NewWriter(&buf)
	_, _ = io.WriteString(zw, body)
	_ = zw.Close()
	w.Header().Set("Content-Encoding", "gzip")
	w.Header().Set("Vary", "Accept-Encoding")
	writeJSON(w, http.StatusOK, buf.String())
}

// serveHuge streams exactly hugeBodySize bytes of valid JSON: the healthy
// fields first, then a long padding string.
func serveHuge(w http.ResponseWriter, r *http.Request) {
	const prefix = `{"HasProblem":false,"IsSystemSettingsFilledIn":true,"IsIdentityServiceAvailable":true,"IsAccessTokenRetrievableForSystemActions":true,"Padding":"`
	const suffix = `"}`
	w.Header().Set("Content-Type", ctJSON)
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 32<<10)
	_, _ = bw.WriteString(prefix)
	chunk := strings.Repeat("x", 32<<10)
	for left := hugeBodySize - len(prefix) - len(suffix); left > 0; {
		if r.Context().Err() != nil {
			return
		}
		n := min(left, len(chunk))
		if _, err := bw.WriteString(chunk[:n]); err != nil {
			return
		}
		left -= n
	}
	_, _ = bw.WriteString(suffix)
	_ = bw.Flush()
}

// otherHostURL returns an absolute URL for path on the same port but under
// another name for the loopback host: 127.0.0.1 becomes localhost and any
// other name becomes 127.0.0.1.
func otherHostURL(r *http.Request, path string) string {
	host, port, err := net.SplitHostPort(r.Host)
	if err != nil {
		host, port = r.Host, ""
	}
	other := "127.0.0.1"
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		other = "localhost"
	}
	if port != "" {
		other = net.JoinHostPort(other, port)
	}
	return scheme(r) + "://" + other + path
}

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// aspnetEscape escapes s like ASP.NET's HttpUtility.UrlEncode: lower-case
// hex digits, so "/" becomes "%2f".
func aspnetEscape(s string) string {
	e := url.QueryEscape(s)
	b := []byte(e)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1] = toLowerHex(b[i+1])
			b[i+2] = toLowerHex(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func toLowerHex(c byte) byte {
	if c >= 'A' && c <= 'F' {
		return c + ('a' - 'A')
	}
	return c
}

// loginRedirectLocation is the login URL with a ReturnUrl pointing back at
// the request. On .NET Framework it is path-absolute with lower-case
// escapes, as ASP.NET forms authentication writes it; on .NET it is an
// absolute URL with upper-case escapes, as ASP.NET Core's cookie
// authentication writes it. A client has to cope with both.
func loginRedirectLocation(r *http.Request, sc Scenario) string {
	if sc.Runtime == RuntimeNet {
		return scheme(r) + "://" + r.Host + sc.LoginPagePath() + "?ReturnUrl=" + url.QueryEscape(r.URL.RequestURI())
	}
	return sc.LoginPagePath() + "?ReturnUrl=" + aspnetEscape(r.URL.RequestURI())
}

// redirectToLogin answers like an unauthenticated Creatio: on .NET
// Framework a 302 with IIS's "Object moved" HTML page, on .NET a 302 with
// an empty body.
func redirectToLogin(w http.ResponseWriter, r *http.Request, sc Scenario) {
	loc := loginRedirectLocation(r, sc)
	w.Header().Set("Location", loc)
	w.Header().Set("Cache-Control", "private")
	if sc.Runtime == RuntimeNet {
		writeBody(w, http.StatusFound, "", "")
		return
	}
	writeBody(w, http.StatusFound, ctHTML, fmt.Sprintf(htmlObjectMoved, loc))
}

func serveLoginPage(w http.ResponseWriter, r *http.Request, sc Scenario) {
	if sc.Runtime == RuntimeNet {
		writeBody(w, http.StatusOK, ctHTML, htmlLoginShell)
		return
	}
	q := ""
	if r.URL.RawQuery != "" {
		q = "?" + r.URL.RawQuery
	}
	writeBody(w, http.StatusOK, ctHTML, fmt.Sprintf(htmlNuiLogin, q))
}

// formsAuthorized reports whether r carries a valid forms session for sc
// and the matching BPMCSRF header; otherwise it has answered r.
func (c *Creatio) formsAuthorized(w http.ResponseWriter, r *http.Request, sc Scenario) bool {
	ck, err := r.Cookie(CookieAuth)
	if err != nil || ck.Value == "" {
		redirectToLogin(w, r, sc)
		return false
	}
	c.mu.Lock()
	s, ok := c.sessions[ck.Value]
	c.mu.Unlock()
	if !ok || s.scenario != sc.Name {
		redirectToLogin(w, r, sc)
		return false
	}
	got := r.Header.Get(HeaderCSRF)
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) != 1 {
		writeBody(w, http.StatusUnauthorized, ctText, "401 Unauthorized: missing or wrong BPMCSRF header")
		return false
	}
	return true
}

// bearerAuthorized reports whether r carries a valid, permitted bearer
// token; otherwise it has answered r with 401 or 403.
func (c *Creatio) bearerAuthorized(w http.ResponseWriter, r *http.Request) bool {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		w.Header().Set("WWW-Authenticate", "Bearer")
		writeBody(w, http.StatusUnauthorized, "", "")
		return false
	}
	valid, permitted := false, false
	if c.cfg.ValidateToken != nil {
		valid, permitted = c.cfg.ValidateToken(token)
	}
	if !valid {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeBody(w, http.StatusUnauthorized, "", "")
		return false
	}
	if !permitted {
		writeBody(w, http.StatusForbidden, ctText, "403 Forbidden")
		return false
	}
	return true
}

// loginRequest is the body of AuthService.svc/Login.
type loginRequest struct {
	UserName     string
	UserPassword string
}

func (c *Creatio) serveLogin(w http.ResponseWriter, r *http.Request, sc Scenario) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		http.Error(w, "415 unsupported media type: want application/json", http.StatusUnsupportedMediaType)
		return
	}
	var req loginRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&req); err != nil {
		http.Error(w, "400 bad request: the body is not a JSON login object", http.StatusBadRequest)
		return
	}
	// The forms-bom scenario's .NET writer puts a byte order mark before
	// every login answer.
	bom := ""
	if sc.Name == "forms-bom" {
		bom = UTF8BOM
	}
	if !c.credentialsMatch(req) {
		writeJSON(w, http.StatusOK, bom+bodyLoginFailed)
		return
	}

	auth, csrf := c.startSession(sc.Name)
	for _, ck := range sessionCookies(sc, auth, csrf, randomToken()) {
		http.SetCookie(w, ck)
	}
	http.SetCookie(w, &http.Cookie{Name: CookieUserName, Value: url.QueryEscape(req.UserName), Path: "/",
		Expires: time.Now().Add(30 * 24 * time.Hour), HttpOnly: true})
	writeJSON(w, http.StatusOK, bom+bodyLoginOK)
}

// startSession records a new session of scenario and returns its
// .ASPXAUTH and BPMCSRF values. A full table is cleared first.
func (c *Creatio) startSession(scenario string) (auth, csrf string) {
	auth, csrf = randomToken(), randomToken()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.sessions) >= maxLogged {
		clear(c.sessions)
	}
	c.sessions[auth] = session{scenario: scenario, csrf: csrf}
	c.logins++
	c.countOf(scenario).Logins++
	return auth, csrf
}

// sessionCookies returns the BPMLOADER, .ASPXAUTH and BPMCSRF cookies of a
// session of sc; empty values and a negative MaxAge make the cookies that
// expire them at logout. BPMLOADER and .ASPXAUTH are scoped to the
// scenario's base path, BPMCSRF to "/". The forms-secure scenario marks all
// three Secure, as Creatio does when it is configured for https only.
func sessionCookies(sc Scenario, auth, csrf, loader string) []*http.Cookie {
	base := "/" + sc.Name
	secure := sc.Name == "forms-secure"
	cs := []*http.Cookie{
		{Name: CookieLoader, Value: loader, Path: base, HttpOnly: true, Secure: secure},
		{Name: CookieAuth, Value: auth, Path: base, HttpOnly: true, Secure: secure},
		{Name: CookieCSRF, Value: csrf, Path: "/", Secure: secure},
	}
	if auth == "" {
		for _, ck := range cs {
			ck.MaxAge = -1               // sent as Max-Age=0
			ck.Expires = time.Unix(0, 0) // for clients that only know Expires
		}
	}
	return cs
}

// serveLogout ends the session named by the .ASPXAUTH cookie when the
// BPMCSRF header matches it: 200 with an empty body (the service method
// returns nothing) and Set-Cookie headers that expire the session cookies.
// Without a live session of the scenario, or with a missing or wrong
// BPMCSRF header, it answers 401 text/plain and keeps the session.
func (c *Creatio) serveLogout(w http.ResponseWriter, r *http.Request, sc Scenario) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	ck, err := r.Cookie(CookieAuth)
	got := r.Header.Get(HeaderCSRF)
	c.mu.Lock()
	s, ok := session{}, false
	if err == nil && ck.Value != "" {
		s, ok = c.sessions[ck.Value]
	}
	ok = ok && s.scenario == sc.Name && got != "" &&
		subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) == 1
	if ok {
		delete(c.sessions, ck.Value)
		c.logouts++
		c.countOf(sc.Name).Logouts++
	}
	c.mu.Unlock()
	if !ok {
		writeBody(w, http.StatusUnauthorized, ctText, "401 Unauthorized: no live session or missing or wrong BPMCSRF header")
		return
	}
	for _, ck := range sessionCookies(sc, "", "", "") {
		http.SetCookie(w, ck)
	}
	w.Header().Set("Cache-Control", "no-cache")
	writeBody(w, http.StatusOK, "", "")
}

func (c *Creatio) credentialsMatch(req loginRequest) bool {
	if c.cfg.User == "" {
		return false
	}
	u := subtle.ConstantTimeCompare([]byte(req.UserName), []byte(c.cfg.User))
	p := subtle.ConstantTimeCompare([]byte(req.UserPassword), []byte(c.cfg.Password))
	return u&p == 1
}

// randomToken returns 32 random hex characters.
func randomToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
