package web

import (
	"net/http"
	"net/url"
)

// hidden stands for a secret header's value in the -vvv trace.
const hidden = "[redacted]"

// MaxBody is the cap on a body read from the network (--max-body).
func (c *Client) MaxBody() int64 { return c.maxBody }

// Cookies are the cookies the client holds for u.
func (c *Client) Cookies(u *url.URL) []*http.Cookie { return c.hc.Jar.Cookies(u) }

// SetCookies gives the client cookies for u, as from an earlier answer.
func (c *Client) SetCookies(u *url.URL, cookies []*http.Cookie) { c.hc.Jar.SetCookies(u, cookies) }

// Overloaded reports whether a status says the server cannot answer now:
// any 5xx, 429 Too Many Requests or 408 Request Timeout. Such an answer is
// the server's fault whatever its body says.
func Overloaded(status int) bool {
	return status >= 500 || status == http.StatusTooManyRequests || status == http.StatusRequestTimeout
}

// CloseIdleConnections closes the connections the client keeps for reuse.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }
