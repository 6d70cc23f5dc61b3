// Package identity is the Creatio Identity Service as Creatio and the plugin
// use it: the discovery document, the client_credentials token request with
// either client authentication and the token's own checks (type, lifetime,
// clock), said in Creatio's words (report's health.go). It decides
// once, where a request fails, what kind of failure that is and what to do
// about it; the Creatio login and direct mode above it only report it. It
// speaks HTTP through package web and knows nothing of Creatio's own
// endpoints.
package identity

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"

	"check_creatio_oauth/check/report"
	"check_creatio_oauth/check/web"
	"check_creatio_oauth/plugin"

	"github.com/tidwall/gjson"
)

// discoveryPath is the OpenID Connect discovery document below the Identity
// Service URL; fallbackTokenPath is IdentityServer's token endpoint, used by
// the plugin's own login when there is no discovery document.
const (
	discoveryPath     = "/.well-known/openid-configuration"
	fallbackTokenPath = "/connect/token"
)

// Identity is the Creatio Identity Service and the OAuth client that Creatio
// (or the plugin) uses with it: the system settings OAuth20IdentityServerUrl,
// OAuth20IdentityServerClientId and OAuth20IdentityServerClientSecret.
type Identity struct {
	Client     *web.Client
	URL        *url.URL // the Identity Service base URL, no trailing slash
	ClientID   string
	Secret     string     // never printed
	SecretFrom string     // where the secret came from, for advice: "CREATIO_CLIENT_SECRET", "--client-secret-file F"
	Auth       ClientAuth // how the client authenticates; "" is auto
	// Whose the client is, the plugin's or Creatio's, is the policy's
	// (report.Policy.Whose): it decides the state and the words of a
	// refusal, and whether a missing discovery document (404) falls back
	// to /connect/token.
}

// Endpoint is the token endpoint that discovery found and the client
// authentication methods it lists.
type Endpoint struct {
	URL     *url.URL
	Methods []string // token_endpoint_auth_methods_supported
	Note    string   // for -vv: how it was found, if not plainly
}

// Discover reads the discovery document and returns the token endpoint.
// Its failure is Creatio's "IdentityService ... is unavailable" with the
// cause, in the identity_service step.
func (id *Identity) Discover(ctx context.Context, p report.Policy) (*Endpoint, *report.Failure) {
	u := web.JoinPath(id.URL, discoveryPath)
	resp, err := id.Client.Get(ctx, u)
	if err != nil {
		return nil, unavailable(id.Client.Describe(err, "the discovery request", u, p), u)
	}
	var ep *Endpoint
	switch {
	case p.Whose == report.PluginLogin && resp.StatusCode == 404:
		fallback := web.JoinPath(id.URL, fallbackTokenPath)
		return &Endpoint{URL: fallback, Note: "no discovery document (HTTP 404); trying " + web.RedactURL(fallback)}, nil
	case web.Overloaded(resp.StatusCode) || resp.StatusCode < 200 || resp.StatusCode > 299:
		err = errors.New(id.Client.Status(resp))
	case resp.TooLarge:
		err = fmt.Errorf("the answer is larger than the %d-byte cap (--max-body)", id.Client.MaxBody())
	default:
		ep, err = parseDiscovery(resp.Body)
	}
	if err != nil {
		var bad *EndpointError
		text := err.Error() // the plugin's own words
		if errors.As(err, &bad) {
			text = bad.text(id.Client.Clean)
		}
		return nil, unavailable(report.Failed(report.Server, "the discovery document: "+text, serverFix), u)
	}
	return ep, nil
}

// unavailable says a failure to read the discovery document at u in
// Creatio's words, keeping its kind and its fix; the detail names u.
func unavailable(cause *report.Failure, u *url.URL) *report.Failure {
	f := *cause
	f.Step = report.StepIdentityService
	f.Text = report.Unavailable + ": " + cause.Text
	f.Detail = report.Unavailable + ": GET " + web.RedactURL(u) + ": " + cause.Long()
	return &f
}

// checkTokenEndpoint refuses a token endpoint that would carry the client
// secret in clear: plain http while --identity-url is https, or on another
// host than --identity-url without https. An endpoint on another host gets
// a note for -vv.
func (id *Identity) checkTokenEndpoint(ep *Endpoint) *report.Failure {
	tokenURL := ep.URL
	if id.URL == nil {
		return nil
	}
	otherHost := !strings.EqualFold(tokenURL.Hostname(), id.URL.Hostname())
	if tokenURL.Scheme != "https" && (id.URL.Scheme == "https" || otherHost) {
		where := "the discovery document of " + web.RedactURL(id.URL)
		if otherHost {
			where += " names a token endpoint on another host without https"
		} else {
			where += " is https but names a plain-http token endpoint"
		}
		return &report.Failure{
			Kind:   report.Server,
			Step:   report.StepToken,
			Text:   "insecure token_endpoint " + id.Client.URLText(tokenURL) + ": the plugin sends no secret over plain http",
			Hint:   "make the Identity Service publish its https address",
			Fix:    "make the Identity Service publish its https address (its public origin, behind any TLS proxy), or give an http --identity-url on a test stand",
			Detail: where + ", " + id.Client.URLText(tokenURL) + "; the client secret was not sent",
		}
	}
	if otherHost {
		ep.Note = "token endpoint on another host than --identity-url: " + id.Client.URLText(tokenURL)
	}
	return nil
}

// EndpointError is a discovery document's token_endpoint that is no
// http(s) URL. Its Error is one clean line, cut; a status line says the
// value through web's door instead (see Discover).
type EndpointError struct {
	Value string // the token_endpoint, raw as the server sent it
}

func (e *EndpointError) Error() string {
	return e.text(func(s string, n int) string { return plugin.Sanitize(plugin.Truncate(s, n)) })
}

// text is the error with the value said by say.
func (e *EndpointError) text(say func(string, int) string) string {
	return fmt.Sprintf("token_endpoint %q is not an http(s) URL", say(e.Value, 80))
}

// parseDiscovery reads the token_endpoint of an OpenID Connect discovery
// document, which must be an absolute http or https URL, and the client
// authentication methods it lists.
func parseDiscovery(body []byte) (*Endpoint, error) {
	o, err := web.ReadObject(body)
	if err != nil {
		return nil, errors.New("not JSON")
	}
	te, _ := o.Get("token_endpoint")
	if te.Type != gjson.String || te.Str == "" {
		return nil, errors.New("no token_endpoint")
	}
	u, err := url.Parse(te.Str)
	if err == nil {
		// The URL must survive printing: it is requested by its String().
		_, err = url.Parse(u.String())
	}
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" {
		return nil, &EndpointError{Value: te.Str}
	}
	ep := &Endpoint{URL: u}
	if m, ok := o.Get("token_endpoint_auth_methods_supported"); ok && m.IsArray() {
		for _, v := range m.Array() {
			if v.Type == gjson.String {
				ep.Methods = append(ep.Methods, v.Str)
			}
		}
	}
	return ep, nil
}

// Claims are the JWT payload fields the plugin reads; times are Unix
// seconds, zero when absent.
type Claims struct {
	Exp, Iat, Nbf int64
	ClientID      string
}

// parseJWTClaims decodes, without verifying, the payload of a JWT. A token
// that is not a JWT is an error.
func parseJWTClaims(token string) (Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return Claims{}, errors.New("not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return Claims{}, fmt.Errorf("JWT payload: %w", err)
	}
	o, err := web.ReadObject(payload)
	if err != nil {
		return Claims{}, fmt.Errorf("JWT payload is not a JSON object: %w", err)
	}
	// A time beyond ±2^53 s is no exact JSON number and no real date
	// (gjson's Int even misreads some, 25000000000000000000 as
	// 6553255926290448384): it counts as absent, which also keeps the time
	// arithmetic of inspect from overflowing.
	num := func(k string) int64 {
		v, _ := o.Get(k)
		if v.Type != gjson.Number || math.Abs(v.Num) > 1<<53 {
			return 0
		}
		return int64(v.Num)
	}
	cid, _ := o.Get("client_id")
	return Claims{Exp: num("exp"), Iat: num("iat"), Nbf: num("nbf"), ClientID: cid.String()}, nil
}

// skewLimit is the clock skew beyond which a token issued "in the future"
// warns: validators commonly allow a few minutes, so a minute is early notice.
const skewLimit = 60 * time.Second

// Inspect checks a token beyond what Creatio checks: a Bearer type, an exp
// in the future, no iat/nbf in the future. It returns the worst state and
// why.
func (t *Token) Inspect(now time.Time) (plugin.State, string) {
	if !strings.EqualFold(t.Type, "bearer") {
		return plugin.Critical, fmt.Sprintf("token_type is %q, not Bearer; Creatio sends the token as Bearer", plugin.Sanitize(plugin.Truncate(t.Type, 40)))
	}
	c := t.Claims
	if c == nil {
		return plugin.OK, ""
	}
	if c.Exp != 0 && c.Exp <= now.Unix() {
		return plugin.Critical, fmt.Sprintf("the new token expired %d s ago (exp %s); check the Identity Service's clock and token lifetime",
			now.Unix()-c.Exp, time.Unix(c.Exp, 0).UTC().Format(time.RFC3339))
	}
	for _, v := range []int64{c.Iat, c.Nbf} {
		if skew := v - now.Unix(); v != 0 && skew > int64(skewLimit.Seconds()) {
			return plugin.Warning, fmt.Sprintf("clock skew of %d s between this host and the Identity Service (token issued in the future); sync both clocks with NTP", skew)
		}
	}
	return plugin.OK, ""
}
