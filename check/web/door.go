package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"check_creatio_oauth/check/redact"
	"check_creatio_oauth/plugin"
)

// The door: every byte that came from a server becomes text here, and
// nowhere else. Each function below redacts the raw bytes (before UTF-8
// cleaning, also for invalid UTF-8: redact.Secrets.Redact works on bytes)
// before anything else touches them: cleaning, cutting, fitting line 1,
// joining fields. What goes through it:
//
//   - the status line and its reason phrase: Status, StatusCode;
//   - headers: Retry-After (Status, StatusCode), Content-Type (Sample),
//     Location (URLText, Clean of its parts), every header at -vvv
//     (debugHeaders in trace.go, through Tracef);
//   - body samples: Sample;
//   - JSON fields (gjson results, web.Object.Text): Clean, Words;
//   - errors of the HTTP stack and of parsers that quote server bytes
//     ("malformed HTTP version \"…\"", a bad token_endpoint): ErrText;
//   - a proxy's CONNECT answer (proxyError, said by Describe with Clean);
//   - TLS peer names in certificate errors (Describe with ErrText).
//
// door_test.go checks the other road: it fails when resp.Status, a
// response header, string(body), a gjson result's text or an error's
// Error() is used outside this door, but for the parse-only uses it lists.

// Clean is a server's words (an error_description, Creatio's Message, a
// header, a part of a URL) for a status line: secrets redacted in the raw
// text first, so no part of one survives the cleaning or the cut, then one
// clean line of at most n bytes.
func (c *Client) Clean(raw string, n int) string {
	return c.secrets.Clean(raw, n)
}

// Words is a server's words whole, for the JSON output's Message and long
// output: redacted raw, then one clean line.
func (c *Client) Words(raw string) string {
	return plugin.Sanitize(c.secrets.Redact(raw))
}

// ErrText is the text of an error that may quote a server's bytes (Go's
// HTTP stack quotes a malformed status line, a parser a bad value), as
// Clean says it.
func (c *Client) ErrText(err error, n int) string {
	if err == nil {
		return ""
	}
	return c.Clean(c.unquoteSecrets(err.Error()), n)
}

// unquoteSecrets hides the secrets in the Go-quoted strings of an error's
// text ("malformed HTTP version \"…\"" quotes the server's bytes with
// strconv.Quote: \x escapes for invalid UTF-8, \a, \v, \U), which the
// decoders of redact do not read: each quoted string that holds a secret
// once unquoted is replaced by its redacted, unquoted text.
func (c *Client) unquoteSecrets(text string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '"')
		if i < 0 {
			break
		}
		q, err := strconv.QuotedPrefix(text[i:])
		if err != nil {
			b.WriteString(text[:i+1])
			text = text[i+1:]
			continue
		}
		b.WriteString(text[:i])
		text = text[i+len(q):]
		raw, _ := strconv.Unquote(q) // QuotedPrefix checked it
		if red := c.secrets.Redact(raw); red != raw {
			q = strconv.Quote(red)
		}
		b.WriteString(q)
	}
	b.WriteString(text)
	return b.String()
}

// URLText prints a URL a server gave (a Location, a token_endpoint)
// without user info or query string, and with the secrets of its path
// hidden.
func (c *Client) URLText(u *url.URL) string {
	if u == nil {
		return ""
	}
	// Host and path are each a field of the server's: the '/' that starts
	// the path is the URL's, not an edge of an echo within it.
	r := url.URL{Scheme: u.Scheme, Host: u.Host}
	head := r.String()
	path := strings.TrimPrefix(u.EscapedPath(), "/")
	text := plugin.Sanitize(c.secrets.Redact(head))
	if u.Path != "" || u.RawPath != "" {
		text += "/" + plugin.Sanitize(c.secrets.Redact(path))
	}
	if u.RawQuery != "" {
		text += "?…"
	}
	return redact.Cut(text, 200)
}

// Status is an answer's status for a status line, with any Retry-After
// the server sent: "HTTP 503 Service Unavailable (Retry-After: 120)". The
// reason phrase is the server's: redacted raw, cleaned, cut to 80 bytes.
func (c *Client) Status(resp *Response) string {
	code := strconv.Itoa(resp.StatusCode)
	if r := reason(resp.Status, resp.StatusCode); r != "" {
		code += " " + c.Clean(r, 80)
	}
	return "HTTP " + code + c.retryAfter(resp)
}

// StatusCode is Status without the reason phrase, for a line that goes on
// with the server's own words: "HTTP 503 (Retry-After: 120)".
func (c *Client) StatusCode(resp *Response) string {
	return fmt.Sprintf("HTTP %d", resp.StatusCode) + c.retryAfter(resp)
}

// retryAfter is " (Retry-After: …)" when the server asked for a pause.
func (c *Client) retryAfter(resp *Response) string {
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		return " (Retry-After: " + c.Clean(ra, 40) + ")"
	}
	return ""
}

// Sample describes a body for an admin: content type and first bytes, with
// the secrets redacted in the raw body before it is cleaned and cut.
func (c *Client) Sample(resp *Response) string {
	ct := "no content type"
	if v := resp.Header.Get("Content-Type"); v != "" {
		ct = c.Clean(v, 80)
	}
	if len(resp.Body) == 0 {
		return ct + ", empty body"
	}
	// The raw body is redacted before it is cleaned or cut, so no part of
	// a secret survives either; a body beyond 64 KiB is read for that no
	// further than its start.
	line := c.Words(string(resp.Body[:min(len(resp.Body), 64<<10)]))
	s := redact.Cut(line, 40)
	if len(s) < len(line) || len(resp.Body) > 64<<10 {
		s += "..."
	}
	return fmt.Sprintf("%s, %d bytes: %q", ct, resp.Size, s)
}

// Location is where a 3xx answer points, resolved against the answer's
// URL; for parsing only: say it with URLText.
func (resp *Response) Location() (*url.URL, error) {
	raw := resp.Header.Get("Location")
	if raw == "" {
		return nil, errors.New("no Location")
	}
	return resp.URL.Parse(raw)
}

// ContentType is the answer's media type, lower case, without parameters;
// for parsing only.
func (resp *Response) ContentType() string {
	return resp.Header.Get("Content-Type")
}

// newResponse is the answer of resp, with its body as read.
func newResponse(resp *http.Response, body []byte) *Response {
	return &Response{
		StatusCode: resp.StatusCode,
		Status:     resp.Status,
		Header:     resp.Header,
		Body:       body,
		URL:        resp.Request.URL,
	}
}

// proxyRefused is a proxy's refusal of a request: its CONNECT answer, or a
// 407 to a plain-http request.
func proxyRefused(proxy *url.URL, resp *http.Response) *proxyError {
	return &proxyError{proxy: proxy, status: resp.Status, code: resp.StatusCode}
}

// reason is the reason phrase of a status line such as "407 Proxy
// Authentication Required": what follows the code.
func reason(status string, code int) string {
	return strings.TrimSpace(strings.TrimPrefix(status, strconv.Itoa(code)))
}
