package check

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/url"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"check_creatio_oauth/plugin"
)

// Token is what the plugin learns from a client_credentials token.
type Token struct {
	AccessToken string // never printed
	Type        string // token_type as the server sent it
	ExpiresIn   int64  // expires_in in seconds; 0 when not sent
	Claims      *Claims
}

// OAuthError is an OAuth 2.0 error answer (RFC 6749 section 5.2).
type OAuthError struct {
	Code        string // error, e.g. "invalid_client"
	Description string // error_description, may be empty
}

func (e *OAuthError) Error() string {
	if e.Description == "" {
		return e.Code
	}
	return e.Code + " (" + e.Description + ")"
}

// ParseToken reads a token endpoint's answer: JSON, or a form-encoded body
// when the Content-Type says application/x-www-form-urlencoded or
// text/plain (as some servers send). An "error" field makes it an
// *OAuthError, whatever the status; otherwise a 2xx answer must hold an
// access_token. expires_in may be a number or a string; one that is not a
// positive number of seconds below 2^31 counts as absent.
func ParseToken(status int, contentType string, body []byte) (*Token, error) {
	body = bytes.TrimPrefix(body, bom)
	get := jsonFields(body)
	if mt, _, _ := mime.ParseMediaType(contentType); mt == "application/x-www-form-urlencoded" || mt == "text/plain" {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, errors.New("the answer is not form-encoded")
		}
		get = func(k string) (string, bool) { return form.Get(k), form.Has(k) }
	}
	if get == nil {
		return nil, errors.New("the answer is not JSON")
	}
	if code, ok := get("error"); ok && code != "" {
		desc, _ := get("error_description")
		return nil, &OAuthError{Code: code, Description: desc}
	}
	if status < 200 || status > 299 {
		return nil, errors.New("no OAuth error in the answer")
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
	if c, err := ParseJWTClaims(access); err == nil {
		tok.Claims = &c
	}
	return tok, nil
}

// jsonFields returns a getter of the string or number fields of a JSON
// object, or nil when body is not a JSON object.
func jsonFields(body []byte) func(string) (string, bool) {
	if !validJSON(body) || !gjson.ParseBytes(body).IsObject() {
		return nil
	}
	return func(k string) (string, bool) {
		v := gjson.GetBytes(body, escapeKey(k))
		switch v.Type {
		case gjson.String:
			return v.Str, true
		case gjson.Number:
			return v.Raw, true
		}
		return "", v.Exists()
	}
}

// escapeKey makes a JSON key safe as a gjson path: its wildcards and
// separators are escaped.
func escapeKey(k string) string {
	var b strings.Builder
	for _, r := range k {
		if strings.ContainsRune(`\.*?|#@!"`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Token gets a client_credentials token from tokenURL, with the client
// credentials in the form body as Creatio sends them. An OAuth error answer
// is a faultProblem (the credentials are wrong); the plugin's own login
// takes it for its own mistake instead.
func (id *Identity) Token(ctx context.Context, tokenURL *url.URL, p Policy) (*Token, *failure) {
	c := id.Client
	c.secrets.Add(id.Secret)
	c.secrets.AddBasic(id.ClientID, id.Secret)
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id.ClientID}, "client_secret": {id.Secret}}
	c.tracef("> (form: grant_type=client_credentials, client_id=%s, client_secret=[redacted])", plugin.Sanitize(id.ClientID))
	resp, err := c.send(ctx, "POST", tokenURL, "application/x-www-form-urlencoded", []byte(form.Encode()), nil)
	if err != nil {
		return nil, c.describe(err, "the token request", tokenURL, p)
	}
	if resp.TooLarge {
		return nil, fail(faultServer, fmt.Sprintf("the token endpoint's answer is larger than the %d-byte cap (--max-body); check the Identity Service", c.maxBody))
	}
	tok, err := ParseToken(resp.StatusCode, resp.Header.Get("Content-Type"), resp.Body)
	var oe *OAuthError
	if errors.As(err, &oe) && c.said(oe.Code, 60) == "" {
		err = errors.New("an empty OAuth error code") // nothing to show: the status says more
	}
	switch {
	case errors.As(err, &oe):
		said := c.said(oe.Code, 60)
		if d := c.said(oe.Description, 120); d != "" {
			said += " (" + d + ")"
		}
		return nil, fail(faultProblem, said+"; check --client-id and the client secret")
	case err != nil && resp.StatusCode >= 300:
		return nil, fail(faultServer, "HTTP "+plugin.Sanitize(resp.Status)+" from the token endpoint; check the Identity Service's log")
	case err != nil:
		return nil, fail(faultServer, fmt.Sprintf("the token endpoint answered HTTP %d but %v; check the Identity Service's log", resp.StatusCode, err))
	}
	c.secrets.Add(tok.AccessToken)
	c.tracef("< token: token_type %q, expires_in %d, JWT %t", plugin.Sanitize(tok.Type), tok.ExpiresIn, tok.Claims != nil)
	return tok, nil
}

// said is a server's own words for a status line: secrets redacted (before
// cutting, so no part of one survives), one clean line, at most n bytes.
func (c *Client) said(s string, n int) string {
	return plugin.Truncate(plugin.Sanitize(c.secrets.Redact(s)), n)
}
