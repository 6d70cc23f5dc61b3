package identity

import (
	"cmp"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"check_creatio_oauth/check/report"
	"check_creatio_oauth/check/web"
	"check_creatio_oauth/plugin"

	"github.com/tidwall/gjson"
)

// Token is what the plugin learns from a client_credentials token.
type Token struct {
	AccessToken string // never printed
	Type        string // token_type as the server sent it
	ExpiresIn   int64  // expires_in in seconds; 0 when not sent
	Claims      *Claims
}

// oauthError is an OAuth 2.0 error answer (RFC 6749 section 5.2).
type oauthError struct {
	Code        string // error, e.g. "invalid_client"
	Description string // error_description, may be empty
}

func (e *oauthError) Error() string {
	if e.Description == "" {
		return e.Code
	}
	return e.Code + " (" + e.Description + ")"
}

// parseToken reads a token endpoint's answer: JSON, or a form-encoded body
// when the Content-Type says application/x-www-form-urlencoded or
// text/plain (as some servers send). An "error" member (not null, not
// empty) makes it an *oauthError, whatever the status; otherwise the answer must hold an
// access_token. expires_in may be a number or a string; one that is not a
// positive number of seconds below 2^31 counts as absent. The status is
// for the caller to judge.
func parseToken(contentType string, body []byte) (*Token, error) {
	var get func(string) (string, bool)
	if mt, _, _ := mime.ParseMediaType(contentType); mt == "application/x-www-form-urlencoded" || mt == "text/plain" {
		form, err := url.ParseQuery(strings.TrimPrefix(string(body), "\ufeff"))
		if err != nil {
			return nil, errors.New("the answer is not form-encoded")
		}
		get = func(k string) (string, bool) { return form.Get(k), form.Get(k) != "" }
	} else {
		o, err := web.ReadObject(body)
		if err != nil {
			return nil, errors.New("the answer is not JSON")
		}
		get = func(k string) (string, bool) {
			v, ok := o.Get(k)
			switch {
			case !ok || v.Type == gjson.Null:
				return "", false
			case v.Type == gjson.String:
				return v.Str, v.Str != ""
			}
			return v.Raw, true // a number, or an object, array or boolean as its JSON
		}
	}
	if code, ok := get("error"); ok {
		desc, _ := get("error_description")
		return nil, &oauthError{Code: code, Description: desc}
	}
	access, _ := get("access_token")
	if access == "" {
		return nil, errors.New("no access_token in the answer")
	}
	tok := &Token{AccessToken: access}
	tok.Type, _ = get("token_type")
	if s, ok := get("expires_in"); ok {
		if n, err := strconv.ParseFloat(s, 64); err == nil && n >= 1 && n < math.MaxInt32 {
			tok.ExpiresIn = int64(n)
		}
	}
	if c, err := parseJWTClaims(access); err == nil {
		tok.Claims = &c
	}
	return tok, nil
}

// ClientAuth is how the client authenticates to the token endpoint.
type ClientAuth string

// The client authentication methods: Basic sends id and secret in the
// Authorization header (RFC 6749 section 2.3.1, the default every server
// must support), Post in the form body, as Creatio does; Auto takes the one
// the discovery document lists alone, else tries Basic and, when the token
// endpoint refuses the client authentication (see attempt.refused), the
// form body.
const (
	authAuto  ClientAuth = "auto"
	authBasic ClientAuth = "basic"
	authPost  ClientAuth = "post"
)

// method is the OAuth name of a client authentication method.
func (a ClientAuth) method() string {
	if a == authBasic {
		return "client_secret_basic"
	}
	return "client_secret_post"
}

// methods are the client authentications to try, in order, for ep.
func (id *Identity) methods(ep *Endpoint) []ClientAuth {
	if id.Auth == authBasic || id.Auth == authPost {
		return []ClientAuth{id.Auth}
	}
	basic := slices.Contains(ep.Methods, authBasic.method())
	post := slices.Contains(ep.Methods, authPost.method())
	switch {
	case basic && !post:
		return []ClientAuth{authBasic}
	case post && !basic:
		return []ClientAuth{authPost}
	}
	return []ClientAuth{authBasic, authPost}
}

// unspoken is the list of client authentication methods of a discovery
// document that names none the plugin speaks (private_key_jwt,
// tls_client_auth, ...), for advice; "" when it names one or none at all.
func unspoken(methods []string) string {
	if len(methods) == 0 || slices.Contains(methods, authBasic.method()) || slices.Contains(methods, authPost.method()) {
		return ""
	}
	names := make([]string, 0, 3)
	for _, m := range methods[:min(len(methods), 3)] {
		names = append(names, plugin.Sanitize(plugin.Truncate(m, 30)))
	}
	if len(methods) > 3 {
		names = append(names, "...")
	}
	return strings.Join(names, ", ")
}

// attempt is one token request with one client authentication and what
// came of it.
type attempt struct {
	tok *Token
	f   *report.Failure
	// refused: the token endpoint refused the client authentication
	// itself, a 400 or 401 with the OAuth error invalid_client or with no
	// OAuth error code. Only then may another method help; after any other
	// code (unsupported_grant_type, invalid_scope, ...) or a 5xx, 429 or
	// 408, whatever the body says, it cannot.
	refused bool
	answer  string // the answer in short, for -vv: "HTTP 401 Unauthorized: invalid_client (...)"
}

// Token gets a client_credentials token from the endpoint, authenticating
// the client as --client-auth says. Its failure is judged here, once, by
// the rule: the status decides before any body (5xx, 429, 408: the
// server's fault), then the OAuth error code (a refused client:
// Credentials; unsupported_grant_type: Problem), in the token step. The
// notes say, for -vv, which method worked and, when auto tried both, each
// answer.
func (id *Identity) Token(ctx context.Context, ep *Endpoint, p report.Policy) (*Token, []string, *report.Failure) {
	if f := id.checkTokenEndpoint(ep); f != nil {
		return nil, nil, f
	}
	c := id.Client
	c.Secrets().Add(id.Secret)
	c.Secrets().AddBasic(id.ClientID, id.Secret)
	var notes []string
	var a attempt
	methods := id.methods(ep)
	for i, auth := range methods {
		a = id.request(ctx, ep.URL, auth, p)
		if a.f == nil {
			c.Secrets().Add(a.tok.AccessToken)
			c.Tracef("< token: token_type %q, expires_in %d, JWT %t", c.Clean(a.tok.Type, 40), a.tok.ExpiresIn, a.tok.Claims != nil)
			return a.tok, append(notes, "token: client authentication "+auth.method()+" accepted"), nil
		}
		switch {
		case i > 0 && a.refused:
			notes = append(notes, "token: "+auth.method()+" refused too: "+a.answer)
		case i > 0:
			notes = append(notes, "token: "+auth.method()+": "+cmp.Or(a.answer, a.f.Text))
		}
		if !a.refused || ctx.Err() != nil || i == len(methods)-1 {
			break
		}
		notes = append(notes, "token: "+auth.method()+" refused: "+a.answer+"; trying "+methods[i+1].method())
	}
	if listed := unspoken(ep.Methods); a.refused && a.f.Kind == report.Credentials && listed != "" {
		a.f = id.unspoken(a.f, listed, p.Whose)
	}
	return nil, notes, a.f
}

// request is one token request with client authentication auth.
func (id *Identity) request(ctx context.Context, tokenURL *url.URL, auth ClientAuth, p report.Policy) attempt {
	c := id.Client
	form := url.Values{"grant_type": {"client_credentials"}}
	var edit func(*http.Request)
	if auth == authBasic {
		cred := url.QueryEscape(id.ClientID) + ":" + url.QueryEscape(id.Secret)
		edit = func(req *http.Request) {
			req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(cred)))
		}
		c.Tracef("> (form: grant_type=client_credentials; client %s in HTTP Basic, client_secret_basic)", plugin.Sanitize(id.ClientID))
	} else {
		form.Set("client_id", id.ClientID)
		form.Set("client_secret", id.Secret)
		c.Tracef("> (form: grant_type=client_credentials, client_id=%s, client_secret=[redacted])", plugin.Sanitize(id.ClientID))
	}
	resp, err := c.Send(ctx, http.MethodPost, tokenURL, "application/x-www-form-urlencoded", []byte(form.Encode()), edit)
	if err != nil {
		return attempt{f: id.failed(tokenURL, c.Describe(err, "the token request", tokenURL, p))}
	}
	if resp.TooLarge {
		return attempt{f: id.failed(tokenURL, report.Failed(report.Server, fmt.Sprintf("the token endpoint's answer exceeds --max-body (%d bytes)", c.MaxBody()), serverFix))}
	}
	tok, err := parseToken(resp.ContentType(), resp.Body)
	var oe *oauthError
	errors.As(err, &oe)
	a := attempt{tok: tok, f: id.judge(resp, oe, err, p.Whose)}
	code := ""
	if oe != nil {
		code = strings.TrimSpace(oe.Code)
	}
	a.refused = (resp.StatusCode == 400 || resp.StatusCode == 401) && (code == "" || code == "invalid_client")
	if a.f != nil {
		a.answer = c.Status(resp) + ": " + c.Sample(resp)
		if code != "" {
			a.answer = c.Status(resp) + ": " + id.said(oe, 200)
		}
	}
	return a
}

// said is an OAuth error as the server said it, through the door: its
// code and, cut to n bytes, its description.
func (id *Identity) said(oe *oauthError, n int) string {
	said := id.Client.Clean(oe.Code, 60)
	if said == "" {
		said = "an empty OAuth error code"
	}
	if d := id.Client.Clean(oe.Description, n); d != "" {
		said += " (" + d + ")"
	}
	return said
}

// judge is the failure of a token answer, or nil for a token. An OAuth
// error at 400/401 (RFC 6749 section 5.2: invalid_client, invalid_grant,
// unauthorized_client, invalid_scope, invalid_request, or a code of the
// server's own) refuses the client's credentials or request: the fault of
// whoever set them up, the admin for the plugin's login, Creatio's settings
// in direct mode (report.Credentials).
func (id *Identity) judge(resp *web.Response, oe *oauthError, err error, whose report.Whose) *report.Failure {
	status, tokenURL := resp.StatusCode, resp.URL
	said := ""
	if oe != nil {
		said = id.said(oe, 120)
	}
	whole := func(f *report.Failure) *report.Failure {
		if oe != nil && oe.Description != "" { // the server's own words, whole, for -vv and JSON
			f.Detail = f.Long() + "; error_description: " + id.Client.Clean(oe.Description, 4000)
		}
		return f
	}
	switch {
	case web.Overloaded(status) && oe != nil:
		return whole(id.failed(tokenURL, report.Failed(report.Server, "token endpoint "+id.Client.StatusCode(resp)+": "+said, serverFix)))
	case web.Overloaded(status):
		return id.failed(tokenURL, report.Failed(report.Server, "token endpoint "+id.Client.Status(resp), serverFix))
	case status >= 200 && status <= 299 && oe != nil:
		return whole(id.failed(tokenURL, report.Failed(report.Server, fmt.Sprintf("token endpoint HTTP %d with the error %s", status, said), serverFix)))
	case status >= 200 && status <= 299 && err != nil:
		return id.failed(tokenURL, report.Failed(report.Server, fmt.Sprintf("token endpoint HTTP %d but %s", status, id.Client.ErrText(err, 120)), serverFix))
	case status >= 200 && status <= 299:
		return nil
	case oe != nil && oe.Code == "unsupported_grant_type":
		f := report.Failed(report.Problem, "unsupported_grant_type: the Identity Service refuses the client_credentials grant", "allow the client_credentials grant for this client in the Identity Service: Creatio needs it too")
		f.Hint = "allow client_credentials for the client"
		return whole(id.failed(tokenURL, f))
	case (status == 400 || status == 401) && oe != nil && strings.TrimSpace(oe.Code) != "":
		return whole(id.refused(tokenURL, said, oe.Description, whose))
	case status == 401:
		return id.refused(tokenURL, id.Client.Status(resp)+" without an OAuth error code", "", whose)
	}
	return id.failed(tokenURL, report.Failed(report.Server, "token endpoint "+id.Client.Status(resp)+", not an OAuth answer", serverFix))
}

// failed says a failure of the token request to tokenURL in Creatio's
// words; the detail names the client and the endpoint.
func (id *Identity) failed(tokenURL *url.URL, cause *report.Failure) *report.Failure {
	f := *cause
	f.Step = report.StepToken
	f.Text = report.Unretrievable + ": " + cause.Text
	f.Detail = report.Unretrievable + ": client_credentials for client " + plugin.Sanitize(id.ClientID) + " at " + id.Client.URLText(tokenURL) + ": " + cause.Long()
	return &f
}

// refused is the failure of a refused client: whose credentials they are
// decides the words and (by the rule of report.Credentials) the state.
func (id *Identity) refused(tokenURL *url.URL, said, description string, whose report.Whose) *report.Failure {
	where := " (client " + plugin.Sanitize(id.ClientID) + " at " + id.Client.URLText(tokenURL) + ")"
	method := ""
	if (id.Auth == authBasic || id.Auth == authPost) && (strings.Contains(description, "client_secret_basic") || strings.Contains(description, "client_secret_post")) {
		method = "the server names another client authentication: try --client-auth auto; " // auto has tried both already
	}
	if whose == report.CreatioSettings {
		// Direct mode holds a copy of Creatio's secret: after a rotation
		// the copy is the usual culprit, so both are named.
		copyOf := cmp.Or(id.SecretFrom, "CREATIO_CLIENT_SECRET")
		f := report.Failed(report.Credentials, report.Unretrievable+": "+said, method+"check the system settings OAuth20IdentityServerClientId and OAuth20IdentityServerClientSecret in Creatio, or the copy of the secret given to this check ("+copyOf+"), which after a rotation is the usual culprit; "+report.CredentialsFix)
		f.Hint = "check the id/secret settings and this check's copy"
		f.Detail = f.Text + where
		return f.In(report.StepToken)
	}
	f := report.Failed(report.Credentials, "cannot log in, OAuth health not measured: token request: "+said,
		method+"check --client-id and the client secret ("+cmp.Or(id.SecretFrom, "CREATIO_CLIENT_SECRET")+")")
	f.Detail = f.Text + where
	return f.In(report.StepToken)
}

// unspoken is refusal f of a client whose Identity Service lists only
// client authentication methods the plugin does not speak (listed): the
// advice names them instead of the secret. It is the setup of the OAuth
// client, so its kind stays Credentials: whose client it is decides the
// state, as for any refusal.
func (id *Identity) unspoken(f *report.Failure, listed string, whose report.Whose) *report.Failure {
	g := *f
	why := "the discovery document lists only " + listed + " in token_endpoint_auth_methods_supported, and the plugin speaks only client_secret_basic and client_secret_post"
	if whose == report.PluginLogin {
		g.Hint = "the Identity Service offers only " + listed + ": allow a client secret"
		g.Fix = why + ": allow client_secret_basic or client_secret_post for client " + plugin.Sanitize(id.ClientID) + " in the Identity Service"
	} else {
		g.Hint = "the Identity Service offers only " + listed + ": allow client_secret_post"
		g.Fix = why + "; Creatio sends its client secret in the form body: allow client_secret_post for the client of OAuth20IdentityServerClientId in the Identity Service"
	}
	return &g
}

// serverFix is what to do when the Identity Service itself fails.
const serverFix = "check the Identity Service log and load"
