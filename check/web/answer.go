package web

import (
	"fmt"
	"net/http"
	"net/url"

	"check_creatio_oauth/check/redact"
	"check_creatio_oauth/plugin"
)

// hidden stands for a secret header's value in the -vvv trace.
const hidden = "[redacted]"

// MaxBody is the cap on a body read from the network (--max-body).
func (c *Client) MaxBody() int64 { return c.maxBody }

// Cookies are the cookies the client holds for u.
func (c *Client) Cookies(u *url.URL) []*http.Cookie { return c.hc.Jar.Cookies(u) }

// SetCookies gives the client cookies for u, as from an earlier answer.
func (c *Client) SetCookies(u *url.URL, cookies []*http.Cookie) { c.hc.Jar.SetCookies(u, cookies) }

// Sample describes a body for an admin: content type and first bytes, with
// the secrets redacted in the raw body before it is cleaned and cut.
func (c *Client) Sample(resp *Response) string {
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		ct = "no content type"
	}
	if len(resp.Body) == 0 {
		return plugin.Sanitize(ct) + ", empty body"
	}
	// The raw body is redacted before it is cleaned or cut, so no part of
	// a secret survives either; a body beyond 64 KiB is read for that no
	// further than its start.
	line := plugin.Sanitize(c.secrets.Redact(string(resp.Body[:min(len(resp.Body), 64<<10)])))
	s := redact.Cut(line, 40)
	if len(s) < len(line) || len(resp.Body) > 64<<10 {
		s += "..."
	}
	return fmt.Sprintf("%s, %d bytes: %q", plugin.Sanitize(ct), resp.Size, s)
}

// Said is a server's own words for a status line: secrets redacted in the
// raw text first (so no part of one survives the cleaning or the cut), then
// one clean line of at most n bytes.
func (c *Client) Said(s string, n int) string {
	return c.secrets.Said(s, n)
}

// Status is an answer's status for a status line, with any Retry-After
// the server sent: "HTTP 503 Service Unavailable (Retry-After: 120)".
func Status(resp *Response) string {
	return "HTTP " + plugin.Sanitize(resp.Status) + retryAfter(resp)
}

// StatusCode is Status without the reason phrase, for a line that goes on
// with the server's own words: "HTTP 503 (Retry-After: 120)".
func StatusCode(resp *Response) string {
	return fmt.Sprintf("HTTP %d", resp.StatusCode) + retryAfter(resp)
}

// retryAfter is " (Retry-After: …)" when the server asked for a pause.
func retryAfter(resp *Response) string {
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		return " (Retry-After: " + plugin.Sanitize(plugin.Truncate(ra, 40)) + ")"
	}
	return ""
}

// Overloaded reports whether a status says the server cannot answer now:
// any 5xx, 429 Too Many Requests or 408 Request Timeout. Such an answer is
// the server's fault whatever its body says.
func Overloaded(status int) bool {
	return status >= 500 || status == http.StatusTooManyRequests || status == http.StatusRequestTimeout
}

// CloseIdleConnections closes the connections the client keeps for reuse.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }
