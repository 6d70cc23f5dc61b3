package check

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/tidwall/gjson"

	"check_creatio_oauth/plugin"
)

// authServicePath is Creatio's forms login below the base URL, without /0 on
// either runtime.
const authServicePath = "/ServiceModel/AuthService.svc/Login"

// FormsLogin logs in to Creatio as a user through AuthService.svc and keeps
// the session cookies; the health request then carries them and the BPMCSRF
// header.
type FormsLogin struct {
	Base     *url.URL
	User     string
	Password string // never printed
	Policy   Policy
	client   *Client
}

// Login posts the credentials. Creatio answers HTTP 200 for a failed login
// too, with Code 1 and the reason in Message.
func (l *FormsLogin) Login(ctx context.Context, c *Client, r *Report) bool {
	l.client = c
	u := below(l.Base, authServicePath)
	body, _ := json.Marshal(struct{ UserName, UserPassword string }{l.User, l.Password}) // strings always marshal
	req, err := http.NewRequest(http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return loginFailed(r, "time_login", plugin.Unknown, fmt.Sprintf("cannot build the login request: %v; check --url", err), 0)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("ForceUseSession", "true")
	start := time.Now()
	resp, err := c.Do(ctx, req)
	elapsed := time.Since(start).Seconds()
	if err != nil {
		// The health was not measured, but a Creatio that does not answer
		// its login is down: keep the unreachable and timeout states.
		f := describeNetError(err, "the login request", u, l.Policy)
		return loginFailed(r, "time_login", f.state, f.text, elapsed)
	}
	user := plugin.Sanitize(plugin.Truncate(l.User, 60))
	valid := validJSON(resp.Body)
	var code gjson.Result
	if valid {
		code = gjson.GetBytes(resp.Body, "Code")
	}
	switch {
	case resp.StatusCode != http.StatusOK:
		return loginFailed(r, "time_login", plugin.Unknown, fmt.Sprintf("login as %s: AuthService.svc answered HTTP %s; check --url and that the user may log in", user, resp.Status), elapsed)
	case !valid || code.Type != gjson.Number:
		return loginFailed(r, "time_login", plugin.Unknown, fmt.Sprintf("login as %s: AuthService.svc did not answer its JSON; check --url", user), elapsed)
	case code.Int() != 0:
		msg := plugin.Sanitize(plugin.Truncate(gjson.GetBytes(resp.Body, "Message").String(), 100))
		if msg == "" {
			msg = fmt.Sprintf("Code %d", code.Int())
		}
		return loginFailed(r, "time_login", plugin.Unknown, fmt.Sprintf("login as %s failed: %s; check --user and the password file", user, msg), elapsed)
	case l.cookie(".ASPXAUTH") == "":
		return loginFailed(r, "time_login", plugin.Unknown, fmt.Sprintf("login as %s: Creatio said Code 0 but set no .ASPXAUTH session cookie; check proxies between here and Creatio", user), elapsed)
	}
	r.Perf = append(r.Perf, plugin.Perf{Label: "time_login", Value: seconds6(elapsed), Unit: "s", Min: plugin.Float(0)})
	r.Steps = append(r.Steps, Step{Name: "login", State: plugin.OK, Detail: "logged in to Creatio as " + user})
	return true
}

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
	return fmt.Sprintf("Creatio rejected the session of %s after a good login (HTTP %d); check that the user may call the API and that no proxy drops the BPMCSRF header", plugin.Sanitize(plugin.Truncate(l.User, 60)), status)
}

// OAuthLogin gets a client_credentials token from the Identity Service and
// sends it as a Bearer token.
type OAuthLogin struct {
	Identity Identity
	Policy   Policy
	token    string
}

// Login finds the token endpoint (discovery, else /connect/token) and gets a
// token. Failing that, the plugin could not log in: UNKNOWN.
func (l *OAuthLogin) Login(ctx context.Context, c *Client, r *Report) bool {
	start := time.Now()
	tokenURL, _, fail := l.Identity.Discover(ctx, l.Policy)
	if fail != nil {
		if ctx.Err() != nil {
			return loginFailed(r, "time_token", fail.state, "login: "+fail.text, time.Since(start).Seconds())
		}
		r.Notes = append(r.Notes, "login: discovery failed ("+fail.text+"); trying "+fallbackTokenPath)
		tokenURL = below(l.Identity.URL, fallbackTokenPath)
	}
	tok, fail := l.Identity.Token(ctx, tokenURL, l.Policy)
	elapsed := time.Since(start).Seconds()
	if fail != nil {
		st := plugin.Unknown
		if ctx.Err() != nil {
			st = fail.state
		}
		return loginFailed(r, "time_token", st, "cannot log in, OAuth health not measured: token request: "+fail.text, elapsed)
	}
	l.token = tok.AccessToken
	r.Perf = append(r.Perf, plugin.Perf{Label: "time_token", Value: seconds6(elapsed), Unit: "s", Min: plugin.Float(0)})
	r.Steps = append(r.Steps, Step{Name: "login", State: plugin.OK, Detail: "got a token for client " + plugin.Sanitize(l.Identity.ClientID) + " from " + redactURL(tokenURL)})
	return true
}

// Apply sends the token.
func (l *OAuthLogin) Apply(req *http.Request) { req.Header.Set("Authorization", "Bearer "+l.token) }

// Rejected explains a 401 or 403 to a fresh token.
func (l *OAuthLogin) Rejected(status int) string {
	return bearerRejected(status, "the fresh token of client "+plugin.Sanitize(plugin.Truncate(l.Identity.ClientID, 60)))
}

// BearerLogin sends a ready token (CREATIO_TOKEN or --token-file).
type BearerLogin struct {
	Token string // never printed
}

// Login has nothing to do: the token is ready.
func (l *BearerLogin) Login(context.Context, *Client, *Report) bool { return true }

// Apply sends the token.
func (l *BearerLogin) Apply(req *http.Request) { req.Header.Set("Authorization", "Bearer "+l.Token) }

// Rejected explains a 401 or 403 to the given token.
func (l *BearerLogin) Rejected(status int) string {
	return bearerRejected(status, "the token of CREATIO_TOKEN/--token-file")
}

func bearerRejected(status int, what string) string {
	if status == http.StatusForbidden {
		return fmt.Sprintf("Creatio accepted %s but the OAuth app's system user lacks permission (HTTP 403); grant that user access in Creatio", what)
	}
	return fmt.Sprintf("Creatio rejected %s (HTTP %d): token rejected; check that it is current and from Creatio's own Identity Service", what, status)
}

// loginFailed ends a run whose login failed: UNKNOWN unless Creatio or the
// Identity Service did not answer at all, since the OAuth health was not
// measured. label is the perfdata of the login's time.
func loginFailed(r *Report, label string, st plugin.State, text string, elapsed float64) bool {
	r.Perf = append(r.Perf, plugin.Perf{Label: label, Value: seconds6(elapsed), Unit: "s", Min: plugin.Float(0)})
	r.fail(failure{st, text, ""}, "login")
	return false
}
