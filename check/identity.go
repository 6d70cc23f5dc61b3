package check

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

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
// error is a failure fit for a status line, with the concrete cause.
func (id *Identity) Discover(ctx context.Context, p Policy) (*url.URL, *Response, *failure) {
	u := below(id.URL, discoveryPath)
	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, &failure{plugin.Unknown, fmt.Sprintf("cannot build the discovery request: %v; check --identity-url", err), ""}
	}
	req.Header.Set("Accept", "application/json")
	resp, err := id.Client.Do(ctx, req)
	if err != nil {
		f := describeNetError(err, "the discovery request", u, p)
		return nil, nil, &f
	}
	tokenURL, err := parseDiscovery(resp)
	if err != nil {
		return nil, resp, &failure{plugin.Critical, fmt.Sprintf("the discovery document: %v", err), ""}
	}
	return tokenURL, resp, nil
}

// parseDiscovery checks a discovery answer: 2xx, a JSON object, an absolute
// http(s) token_endpoint.
func parseDiscovery(resp *Response) (*url.URL, error) {
	switch {
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, fmt.Errorf("HTTP %s", resp.Status)
	case resp.TooLarge:
		return nil, fmt.Errorf("the answer is larger than %d bytes", len(resp.Body))
	}
	return ParseDiscovery(resp.Body)
}

// ParseDiscovery reads the token_endpoint of an OpenID Connect discovery
// document. It must be an absolute http or https URL.
func ParseDiscovery(body []byte) (*url.URL, error) {
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

// Token is what the plugin learns from a client_credentials token.
type Token struct {
	AccessToken string // never printed
	Type        string // token_type as the server sent it
	ExpiresIn   int64  // expires_in in seconds; 0 when not sent
	Claims      *Claims
}

// Token gets a client_credentials token from tokenURL, with the client
// credentials in the form body as Creatio sends them.
func (id *Identity) Token(ctx context.Context, tokenURL *url.URL, p Policy) (*Token, *failure) {
	cc := clientcredentials.Config{
		ClientID:     id.ClientID,
		ClientSecret: id.Secret,
		TokenURL:     tokenURL.String(),
		AuthStyle:    oauth2.AuthStyleInParams,
	}
	if id.Client.debug != nil {
		id.Client.debug("> POST %s (grant_type=client_credentials, client_id=%s, client_secret [redacted])", redactURL(tokenURL), id.ClientID)
	}
	t, err := cc.Token(context.WithValue(ctx, oauth2.HTTPClient, id.Client.hc))
	var re *oauth2.RetrieveError
	if err != nil && ctx.Err() != nil && !errors.As(err, &re) {
		// oauth2 flattens a failed body read with %v: the context says why.
		err = context.Cause(ctx)
	}
	if err != nil {
		f := describeTokenError(err, tokenURL, id.Secret, p)
		return nil, &f
	}
	tok := &Token{AccessToken: t.AccessToken, Type: t.TokenType, ExpiresIn: expiresIn(t)}
	if c, err := ParseJWTClaims(t.AccessToken); err == nil {
		tok.Claims = &c
	}
	if id.Client.debug != nil {
		id.Client.debug("< token: token_type %q, expires_in %d, JWT %t", plugin.Sanitize(tok.Type), tok.ExpiresIn, tok.Claims != nil)
	}
	return tok, nil
}

// expiresIn reads expires_in from the token response; clientcredentials
// keeps it only among the raw fields, as a number or, from some servers, a
// string.
func expiresIn(t *oauth2.Token) int64 {
	switch v := t.Extra("expires_in").(type) {
	case float64:
		if v > 0 && v < math.MaxInt32 {
			return int64(v)
		}
	case string:
		if n, err := strconv.ParseInt(v, 10, 32); err == nil && n > 0 {
			return n
		}
	}
	return 0
}

// describeTokenError explains a failed token request: the OAuth error and its
// description, an HTTP status, or the network failure. secret is redacted
// from whatever the server said, in case it echoes the request.
func describeTokenError(err error, u *url.URL, secret string, p Policy) failure {
	said := func(s string, n int) string {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
		return plugin.Truncate(plugin.Sanitize(s), n)
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		code, desc := said(re.ErrorCode, 60), said(re.ErrorDescription, 120)
		switch {
		case code != "":
			if desc != "" {
				code += " (" + desc + ")"
			}
			return failure{plugin.Critical, code + "; check --client-id and the client secret", ""}
		case re.Response != nil:
			return failure{plugin.Critical, "HTTP " + said(re.Response.Status, 60) + " from the token endpoint; check the Identity Service's log", ""}
		}
	}
	var uerr *url.Error
	if errors.As(err, &uerr) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return describeNetError(err, "the token request", u, p)
	}
	return failure{plugin.Critical, said(strings.TrimPrefix(err.Error(), "oauth2: "), 120), ""}
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
