package check

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"check_creatio_oauth/plugin"
)

// discoveryPath is the OpenID Connect discovery document below the Identity
// Service URL; fallbackTokenPath is IdentityServer's token endpoint, used by
// the oauth login when discovery fails.
const (
	discoveryPath     = "/.well-known/openid-configuration"
	fallbackTokenPath = "/connect/token"
)

// Identity is the Creatio Identity Service and the OAuth client that Creatio
// (or the plugin) uses with it: the system settings OAuth20IdentityServerUrl,
// OAuth20IdentityServerClientId and OAuth20IdentityServerClientSecret.
type Identity struct {
	Client   *Client
	URL      *url.URL // the Identity Service base URL, no trailing slash
	ClientID string
	Secret   string
}

// Discover reads the discovery document and returns its token_endpoint. Its
// failure is fit for a status line, with the concrete cause: a 404 is the
// one answer that may mean "no discovery here" rather than an outage.
func (id *Identity) Discover(ctx context.Context, p Policy) (tokenURL *url.URL, notFound bool, f *failure) {
	u := below(id.URL, discoveryPath)
	resp, err := id.Client.get(ctx, u)
	if err != nil {
		return nil, false, id.Client.describe(err, "the discovery request", u, p)
	}
	switch {
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		err = fmt.Errorf("HTTP %s", plugin.Sanitize(resp.Status))
	case resp.TooLarge:
		err = fmt.Errorf("the answer is larger than the %d-byte cap (--max-body)", id.Client.maxBody)
	default:
		tokenURL, err = ParseDiscovery(resp.Body)
	}
	if err != nil {
		return nil, resp.StatusCode == 404, fail(faultServer, "the discovery document: "+err.Error())
	}
	return tokenURL, false, nil
}

// checkTokenEndpoint refuses a token endpoint that would carry the client
// secret in clear: plain http while --identity-url is https, or on another
// host than --identity-url without https. It returns a note for -vv when
// the endpoint is on another host.
func (id *Identity) checkTokenEndpoint(tokenURL *url.URL) (note string, f *failure) {
	otherHost := !strings.EqualFold(tokenURL.Hostname(), id.URL.Hostname())
	if tokenURL.Scheme != "https" && (id.URL.Scheme == "https" || otherHost) {
		f := fail(faultServer, fmt.Sprintf("insecure token_endpoint %s: no secret is sent over plain http", redactURL(tokenURL)))
		where := "the discovery document of " + redactURL(id.URL)
		if otherHost {
			where += " names a token endpoint on another host"
		} else {
			where += " is https but names a plain-http token endpoint"
		}
		f.detail = where + ", " + redactURL(tokenURL) + "; the client secret was not sent. Make the Identity Service publish its https address (its public origin, behind any TLS proxy)"
		return "", f
	}
	if otherHost {
		return "token endpoint on another host than --identity-url: " + redactURL(tokenURL), nil
	}
	return "", nil
}

// ParseDiscovery reads the token_endpoint of an OpenID Connect discovery
// document. It must be an absolute http or https URL.
func ParseDiscovery(body []byte) (*url.URL, error) {
	body = bytes.TrimPrefix(body, bom)
	if !validJSON(body) || !gjson.ParseBytes(body).IsObject() {
		return nil, errors.New("not JSON")
	}
	te := gjson.GetBytes(body, "token_endpoint")
	if te.Type != gjson.String || te.Str == "" {
		return nil, errors.New("no token_endpoint")
	}
	u, err := url.Parse(te.Str)
	if err == nil {
		// The URL must survive printing: it is requested by its String().
		_, err = url.Parse(u.String())
	}
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" {
		return nil, fmt.Errorf("token_endpoint %q is not an http(s) URL", plugin.Sanitize(plugin.Truncate(te.Str, 80)))
	}
	return u, nil
}

// Claims are the JWT payload fields the plugin reads; times are Unix
// seconds, zero when absent.
type Claims struct {
	Exp, Iat, Nbf int64
	ClientID      string
}

// ParseJWTClaims decodes, without verifying, the payload of a JWT. A token
// that is not a JWT is an error.
func ParseJWTClaims(token string) (Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return Claims{}, errors.New("not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return Claims{}, fmt.Errorf("JWT payload: %w", err)
	}
	if !validJSON(payload) || !gjson.ParseBytes(payload).IsObject() {
		return Claims{}, errors.New("JWT payload is not a JSON object")
	}
	// A time beyond ±2^53 s is no exact JSON number and no real date
	// (gjson's Int even misreads some, 25000000000000000000 as
	// 6553255926290448384): it counts as absent, which also keeps the time
	// arithmetic of inspect from overflowing.
	num := func(k string) int64 {
		v := gjson.GetBytes(payload, k)
		if v.Type != gjson.Number || math.Abs(v.Num) > 1<<53 {
			return 0
		}
		return int64(v.Num)
	}
	return Claims{Exp: num("exp"), Iat: num("iat"), Nbf: num("nbf"), ClientID: gjson.GetBytes(payload, "client_id").String()}, nil
}

// skewLimit is the clock skew beyond which a token issued "in the future"
// warns: validators commonly allow a few minutes, so a minute is early notice.
const skewLimit = 60 * time.Second

// inspect checks a token beyond what Creatio checks: a Bearer type, an exp in
// the future, no iat/nbf in the future. It returns the worst state and why.
func (t *Token) inspect(now time.Time) (plugin.State, string) {
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
