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

// sessionCookies are the forms session's cookies: secrets, never printed.
var sessionCookies = []string{".ASPXAUTH", "BPMCSRF", "BPMLOADER", "BPMSESSIONID", "ASP.NET_SessionId"}

// FormsLogin logs in to Creatio as a user through AuthService.svc and keeps
// the session cookies; the health request then carries them and the BPMCSRF
// header, and Logout ends the session, which Creatio would otherwise keep
// (and count against licences) until its session timeout.
type FormsLogin struct {
	Base     *url.URL
	User     string
	Password string // never printed
	// PasswordFrom says where the password came from, for advice:
	// "CREATIO_PASSWORD" or "--password-file F".
	PasswordFrom string
	client       *web.Client
	loggedIn     bool
}

// Login posts the credentials. Creatio answers HTTP 200 for a failed login
// too, with Code 1 and the reason in Message.
func (l *FormsLogin) Login(ctx context.Context, c *web.Client, p report.Policy, r *report.Report) bool {
	l.client = c
	c.Secrets().Add(l.Password)
	u := web.Below(l.Base, authServicePath)
	body, _ := json.Marshal(struct{ UserName, UserPassword string }{l.User, l.Password}) // strings always marshal
	start := time.Now()
	resp, err := c.Send(ctx, http.MethodPost, u, "application/json; charset=utf-8", body,
		func(req *http.Request) { req.Header.Set("ForceUseSession", "true") })
	elapsed := time.Since(start).Seconds()
	if err != nil {
		return loginFailed(r, p, "time_login", c.Describe(err, "the login request", u, p), elapsed)
	}
	if f := l.judge(resp); f != nil {
		return loginFailed(r, p, "time_login", f, elapsed)
	}
	for _, name := range sessionCookies {
		c.Secrets().Add(l.cookie(name))
	}
	l.loggedIn = true
	r.Perf = append(r.Perf, report.SecondsPerf("time_login", elapsed))
	r.Steps = append(r.Steps, report.Step{Name: "login", State: plugin.OK, Detail: "logged in to Creatio as " + l.user()})
	return true
}

// judge is the failure of a login answer, or nil for a good login.
func (l *FormsLogin) judge(resp *web.Response) *report.Failure {
	user, status := l.user(), resp.StatusCode
	switch {
	case resp.TooLarge:
		return report.Failed(report.Server, fmt.Sprintf("login as %s: the answer of AuthService.svc is larger than the %d-byte cap (--max-body)", user, l.client.MaxBody()), "check Creatio's application logs")
	case web.Overloaded(status):
		return report.Failed(report.Server, fmt.Sprintf("Creatio answered %s to the login as %s (AuthService.svc)%s", web.Status(resp), user, l.client.Via(resp)), "check Creatio's web server, logs and load")
	case status == http.StatusNotFound:
		return report.Failed(report.Setup, fmt.Sprintf("login as %s: no AuthService.svc below --url (HTTP 404)", user), "check --url, with any virtual directory")
	case status >= 300:
		return report.Failed(report.Setup, fmt.Sprintf("login as %s: AuthService.svc answered HTTP %s", user, plugin.Sanitize(resp.Status)), "check --url and that the user may log in")
	}
	o, _ := web.ReadObject(resp.Body)
	code, _ := o.Get("Code")
	switch {
	case code.Type != gjson.Number:
		return report.Failed(report.Server, fmt.Sprintf("login as %s: AuthService.svc answered HTTP %d but not its JSON (%s)", user, status, l.client.Sample(resp)), "check Creatio's application logs")
	case code.Int() != 0:
		m, _ := o.Get("Message")
		msg := l.client.Said(m.String(), 100)
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
// BPMCSRF header, as Creatio's own clients do.
func (l *FormsLogin) Logout(ctx context.Context, c *web.Client, p report.Policy) string {
	if !l.loggedIn {
		return ""
	}
	u := web.Below(l.Base, logoutPath)
	resp, err := c.Send(ctx, http.MethodPost, u, "application/json; charset=utf-8", []byte("{}"), l.Apply)
	switch {
	case err != nil:
		return "logout: " + c.Describe(err, "the logout request", u, p).Text + "; the session of " + l.user() + " stays until Creatio's session timeout"
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return fmt.Sprintf("logout: AuthService.svc answered HTTP %s; the session of %s stays until Creatio's session timeout", plugin.Sanitize(resp.Status), l.user())
	}
	return fmt.Sprintf("logout: ended the session of %s (HTTP %d)", l.user(), resp.StatusCode)
}

// OAuthLogin gets a client_credentials token from the Identity Service and
// sends it as a Bearer token.
type OAuthLogin struct {
	Identity identity.Identity // Own is set: the plugin's own client
	token    string
}

// Login finds the token endpoint (discovery, else /connect/token) and gets
// a token. The Identity Service has judged any failure already: an outage
// is the one Creatio would report, in Creatio's words; a refusal of the
// plugin's own client is the monitoring side's mistake.
func (l *OAuthLogin) Login(ctx context.Context, c *web.Client, p report.Policy, r *report.Report) bool {
	start := time.Now()
	id := &l.Identity
	id.Own = true
	elapsed := func() float64 { return time.Since(start).Seconds() }
	ep, f := id.Discover(ctx, p)
	if f != nil {
		return loginFailed(r, p, "time_token", f, elapsed())
	}
	tok, how, f := id.Token(ctx, ep, p)
	if ep.Note != "" {
		r.Notes = append(r.Notes, "login: "+ep.Note)
	}
	if f != nil {
		return loginFailed(r, p, "time_token", f, elapsed())
	}
	l.token = tok.AccessToken
	r.Notes = append(r.Notes, "login: "+how)
	r.Perf = append(r.Perf, report.SecondsPerf("time_token", elapsed()))
	r.Steps = append(r.Steps, report.Step{Name: "login", State: plugin.OK, Detail: "got a token for client " + plugin.Sanitize(id.ClientID) + " from " + web.RedactURL(ep.URL)})
	return true
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
func loginFailed(r *report.Report, p report.Policy, label string, f *report.Failure, elapsed float64) bool {
	r.Perf = append(r.Perf, report.SecondsPerf(label, elapsed))
	r.Fail(p, f.In("login"))
	return false
}
