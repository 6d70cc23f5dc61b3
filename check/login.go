package check

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tidwall/gjson"

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
	Login(ctx context.Context, c *Client, p Policy, r *Report) bool
	// Apply adds the credentials to a request to Creatio.
	Apply(req *http.Request)
	// Rejected explains a 401 or 403 answer to an authenticated request.
	Rejected(status int) string
	// Logout ends what Login began, best effort and without changing the
	// state; it returns a note for -vv, or "" when there is nothing to end.
	Logout(ctx context.Context, c *Client, p Policy) string
}

// sessionCookies are the forms session's cookies: secrets, never printed.
var sessionCookies = []string{".ASPXAUTH", "BPMCSRF", "BPMLOADER", "ASP.NET_SessionId"}

// FormsLogin logs in to Creatio as a user through AuthService.svc and keeps
// the session cookies; the health request then carries them and the BPMCSRF
// header, and Logout ends the session, which Creatio would otherwise keep
// (and count against licences) until its session timeout.
type FormsLogin struct {
	Base     *url.URL
	User     string
	Password string // never printed
	client   *Client
	loggedIn bool
}

// Login posts the credentials. Creatio answers HTTP 200 for a failed login
// too, with Code 1 and the reason in Message.
func (l *FormsLogin) Login(ctx context.Context, c *Client, p Policy, r *Report) bool {
	l.client = c
	c.secrets.Add(l.Password)
	u := below(l.Base, authServicePath)
	body, _ := json.Marshal(struct{ UserName, UserPassword string }{l.User, l.Password}) // strings always marshal
	start := time.Now()
	resp, err := c.send(ctx, http.MethodPost, u, "application/json; charset=utf-8", body,
		func(req *http.Request) { req.Header.Set("ForceUseSession", "true") })
	elapsed := time.Since(start).Seconds()
	if err != nil {
		return loginFailed(r, p, "time_login", c.describe(err, "the login request", u, p), elapsed)
	}
	if f := l.judge(resp); f != nil {
		return loginFailed(r, p, "time_login", f, elapsed)
	}
	for _, name := range sessionCookies {
		c.secrets.Add(l.cookie(name))
	}
	l.loggedIn = true
	r.Perf = append(r.Perf, secondsPerf("time_login", elapsed))
	r.Steps = append(r.Steps, Step{Name: "login", State: plugin.OK, Detail: "logged in to Creatio as " + l.user()})
	return true
}

// judge is the failure of a login answer, or nil for a good login.
func (l *FormsLogin) judge(resp *Response) *failure {
	user, status := l.user(), resp.StatusCode
	switch {
	case resp.TooLarge:
		return fail(faultServer, fmt.Sprintf("login as %s: the answer of AuthService.svc is larger than the %d-byte cap (--max-body); check Creatio's application logs", user, l.client.maxBody))
	case status >= 500:
		return fail(faultServer, fmt.Sprintf("Creatio answered HTTP %s to the login as %s (AuthService.svc)%s; check Creatio's web server and application logs", plugin.Sanitize(resp.Status), user, l.client.via(resp)))
	case status == http.StatusNotFound:
		return fail(faultSetup, fmt.Sprintf("login as %s: no AuthService.svc below --url (HTTP 404); check --url, with any virtual directory", user))
	case status >= 300:
		return fail(faultSetup, fmt.Sprintf("login as %s: AuthService.svc answered HTTP %s; check --url and that the user may log in", user, plugin.Sanitize(resp.Status)))
	}
	code := jsonFieldFold(resp.Body, "Code")
	switch {
	case code.Type != gjson.Number:
		return fail(faultServer, fmt.Sprintf("login as %s: AuthService.svc answered HTTP %d but not its JSON (%s); check Creatio's application logs", user, status, l.client.sample(resp)))
	case code.Int() != 0:
		msg := l.client.said(jsonFieldFold(resp.Body, "Message").String(), 100)
		if msg == "" {
			msg = fmt.Sprintf("Code %d", code.Int())
		}
		return fail(faultSetup, fmt.Sprintf("login as %s failed: %s; check --user and the password file", user, msg))
	case l.cookie(".ASPXAUTH") != "":
		return nil
	case l.secureOnly(resp):
		return fail(faultSetup, fmt.Sprintf("login as %s: Creatio sends its session cookie only over https (Secure); use an https --url", user))
	}
	return fail(faultSetup, fmt.Sprintf("login as %s: Creatio said Code 0 but set no .ASPXAUTH session cookie; check proxies between here and Creatio", user))
}

// secureOnly reports whether the login answer set the session cookie with
// the Secure attribute while --url is plain http to a host that is not
// loopback (which a cookie jar, like a browser, treats as secure).
func (l *FormsLogin) secureOnly(resp *Response) bool {
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
	for _, ck := range l.client.hc.Jar.Cookies(l.Base) {
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
func (l *FormsLogin) Rejected(status int) string {
	return fmt.Sprintf("Creatio rejected the session of %s after a good login (HTTP %d); check that the user may call the API and that no proxy drops the BPMCSRF header", l.user(), status)
}

// Logout ends the session with AuthService.svc/Logout, with its cookies and
// BPMCSRF header, as Creatio's own clients do.
func (l *FormsLogin) Logout(ctx context.Context, c *Client, p Policy) string {
	if !l.loggedIn {
		return ""
	}
	u := below(l.Base, logoutPath)
	resp, err := c.send(ctx, http.MethodPost, u, "application/json; charset=utf-8", []byte("{}"), l.Apply)
	switch {
	case err != nil:
		return "logout: " + c.describe(err, "the logout request", u, p).text + "; the session of " + l.user() + " stays until Creatio's session timeout"
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return fmt.Sprintf("logout: AuthService.svc answered HTTP %s; the session of %s stays until Creatio's session timeout", plugin.Sanitize(resp.Status), l.user())
	}
	return fmt.Sprintf("logout: ended the session of %s (HTTP %d)", l.user(), resp.StatusCode)
}

// OAuthLogin gets a client_credentials token from the Identity Service and
// sends it as a Bearer token.
type OAuthLogin struct {
	Identity Identity
	token    string
}

// Login finds the token endpoint (discovery, else /connect/token) and gets a
// token. An Identity Service that fails is the outage Creatio would report,
// in Creatio's words; only a refusal of the plugin's own client is UNKNOWN.
func (l *OAuthLogin) Login(ctx context.Context, c *Client, p Policy, r *Report) bool {
	start := time.Now()
	id := &l.Identity
	elapsed := func() float64 { return time.Since(start).Seconds() }
	tokenURL, notFound, discovery := id.Discover(ctx, p)
	switch {
	case discovery != nil && ctx.Err() != nil:
		return loginFailed(r, p, "time_token", unavailable(discovery), elapsed())
	case discovery != nil:
		r.Notes = append(r.Notes, "login: discovery failed ("+discovery.text+"); trying "+fallbackTokenPath)
		tokenURL = below(id.URL, fallbackTokenPath)
	default:
		note, f := id.checkTokenEndpoint(tokenURL)
		if f != nil {
			return loginFailed(r, p, "time_token", f, elapsed())
		}
		if note != "" {
			r.Notes = append(r.Notes, "login: "+note)
		}
	}
	tok, f := id.Token(ctx, tokenURL, p)
	if f != nil {
		switch {
		case f.kind == faultProblem: // an OAuth error: the plugin's own client id or secret
			f = fail(faultSetup, "cannot log in, OAuth health not measured: token request: "+f.text)
		case discovery != nil && !notFound:
			f = unavailable(discovery)
		case f.kind == faultServer:
			f = fail(f.kind, tokenUnretrievable+": "+f.text)
		default:
			f = unavailable(f)
		}
		return loginFailed(r, p, "time_token", f, elapsed())
	}
	l.token = tok.AccessToken
	r.Perf = append(r.Perf, secondsPerf("time_token", elapsed()))
	r.Steps = append(r.Steps, Step{Name: "login", State: plugin.OK, Detail: "got a token for client " + plugin.Sanitize(id.ClientID) + " from " + redactURL(tokenURL)})
	return true
}

// unavailable says a failure of the Identity Service in Creatio's words.
func unavailable(f *failure) *failure {
	return fail(f.kind, strings.TrimSuffix(creatioSteps[1].message, ".")+": "+f.text)
}

// Apply sends the token.
func (l *OAuthLogin) Apply(req *http.Request) { req.Header.Set("Authorization", "Bearer "+l.token) }

// Rejected explains a 401 or 403 to a fresh token.
func (l *OAuthLogin) Rejected(status int) string {
	return bearerRejected(status, "the fresh token of client "+plugin.Sanitize(plugin.Truncate(l.Identity.ClientID, 60)))
}

// Logout has nothing to end: a client_credentials token has no session.
func (l *OAuthLogin) Logout(context.Context, *Client, Policy) string { return "" }

// BearerLogin sends a ready token (CREATIO_TOKEN or --token-file).
type BearerLogin struct {
	Token string // never printed
}

// Login has nothing to send: the token is ready; it is a secret.
func (l *BearerLogin) Login(_ context.Context, c *Client, _ Policy, _ *Report) bool {
	c.secrets.Add(l.Token)
	return true
}

// Apply sends the token.
func (l *BearerLogin) Apply(req *http.Request) { req.Header.Set("Authorization", "Bearer "+l.Token) }

// Rejected explains a 401 or 403 to the given token.
func (l *BearerLogin) Rejected(status int) string {
	return bearerRejected(status, "the token of CREATIO_TOKEN/--token-file")
}

// Logout has nothing to end: the token is the admin's.
func (l *BearerLogin) Logout(context.Context, *Client, Policy) string { return "" }

func bearerRejected(status int, what string) string {
	if status == http.StatusForbidden {
		return fmt.Sprintf("Creatio accepted %s but the OAuth app's system user lacks permission (HTTP 403); grant that user access in Creatio", what)
	}
	return fmt.Sprintf("Creatio rejected %s (HTTP %d): token rejected; check that it is current and from Creatio's own Identity Service", what, status)
}

// loginFailed ends a run whose login failed, in the state the rule gives
// its failure. label is the perfdata of the login's time; there is no
// "time", as the health request was not made.
func loginFailed(r *Report, p Policy, label string, f *failure, elapsed float64) bool {
	r.Perf = append(r.Perf, secondsPerf(label, elapsed))
	r.fail(p, f, "login")
	return false
}

// jsonFieldFold is the value of key in a JSON object, matched in any case
// (Creatio on .NET Core writes camelCase); an empty result when body is not
// a JSON object or has no such key.
func jsonFieldFold(body []byte, key string) gjson.Result {
	var found gjson.Result
	if !validJSON(body) {
		return found
	}
	gjson.ParseBytes(body).ForEach(func(k, v gjson.Result) bool {
		if strings.EqualFold(k.Str, key) {
			found = v
			return false
		}
		return true
	})
	return found
}
