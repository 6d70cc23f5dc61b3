package web

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"check_creatio_oauth/plugin"
)

// Trace collects the -vvv lines of a client (ClientConfig.Debug =
// trace.Printf); requests may run concurrently (--mode both).
type Trace struct {
	mu    sync.Mutex
	lines []string
}

// Printf adds a line.
func (t *Trace) Printf(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, fmt.Sprintf(format, args...))
}

// Lines returns the lines so far; a nil Trace has none.
func (t *Trace) Lines() []string {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.lines...)
}

// Timings are the phases of one request in seconds; a phase that did not
// happen (a reused connection, plain HTTP) is zero.
type Timings struct {
	Connect   float64 // TCP connect, from DNS done (or start) to connected
	TLS       float64 // TLS handshake
	FirstByte float64 // from the request start to the first response byte
	Total     float64 // from the request start to the last body byte
}

// traceKey is the context key of a request's roundTripTrace.
type traceKey struct{}

// roundTripTrace records the phases of one request. Its hooks run on the
// transport's goroutines, a dial among them that may outlive the request,
// hence the lock.
type roundTripTrace struct {
	client                        *Client
	mu                            sync.Mutex
	start                         time.Time
	hostPort                      string
	proxy                         *url.URL
	dnsStart, connStart, tlsStart time.Time
	connect, tls, firstByte       time.Duration
}

func (t *roundTripTrace) clientTrace() *httptrace.ClientTrace {
	locked := func(f func()) { t.mu.Lock(); defer t.mu.Unlock(); f() }
	return &httptrace.ClientTrace{
		GetConn:  func(hp string) { locked(func() { t.hostPort = hp }) },
		DNSStart: func(httptrace.DNSStartInfo) { locked(func() { t.dnsStart = time.Now() }) },
		ConnectStart: func(string, string) {
			locked(func() {
				if t.connStart.IsZero() {
					t.connStart = time.Now()
					if !t.dnsStart.IsZero() {
						t.connStart = t.dnsStart
					}
				}
			})
		},
		ConnectDone: func(_, _ string, err error) {
			locked(func() {
				if err == nil && t.connect == 0 {
					t.connect = time.Since(t.connStart)
				}
			})
		},
		TLSHandshakeStart: func() { locked(func() { t.tlsStart = time.Now() }) },
		TLSHandshakeDone: func(cs tls.ConnectionState, err error) {
			locked(func() {
				if err == nil && t.tls == 0 {
					t.tls = time.Since(t.tlsStart)
				}
				if err == nil && len(cs.PeerCertificates) > 0 {
					t.client.noteCert(t.hostPort, cs.PeerCertificates[0].NotAfter)
				}
			})
		},
		GotFirstResponseByte: func() {
			locked(func() {
				if t.firstByte == 0 {
					t.firstByte = time.Since(t.start)
				}
			})
		},
	}
}

func (t *roundTripTrace) setProxy(u *url.URL) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.proxy = u
}

// proxyURL is the proxy the request took, if any.
func (t *roundTripTrace) proxyURL() *url.URL {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.proxy
}

// timings are the phases so far, in seconds.
func (t *roundTripTrace) timings() Timings {
	t.mu.Lock()
	defer t.mu.Unlock()
	return Timings{
		Connect:   t.connect.Seconds(),
		TLS:       t.tls.Seconds(),
		FirstByte: t.firstByte.Seconds(),
		Total:     time.Since(t.start).Seconds(),
	}
}

// secretHeaders are never printed, not even at -vvv.
var secretHeaders = map[string]bool{
	"Authorization": true, "Cookie": true, "Set-Cookie": true, "Bpmcsrf": true, "Proxy-Authorization": true,
}

// Tracef writes a -vvv trace line, with the secrets hidden.
func (c *Client) Tracef(format string, args ...any) {
	if c.debug != nil {
		c.debug("%s", c.cookies.Redact(c.secrets.Redact(fmt.Sprintf(format, args...))))
	}
}

func (c *Client) debugRequest(req *http.Request) {
	if c.debug == nil {
		return
	}
	c.Tracef("> %s %s", req.Method, RedactURL(req.URL))
	c.debugHeaders(">", req.Header)
}

func (c *Client) debugResponse(r *Response) {
	if c.debug == nil {
		return
	}
	via := ""
	if r.Proxy != nil {
		via = " via proxy " + r.Proxy.Host
	}
	c.Tracef("< %s from %s%s, %d bytes in %.6f s (connect %.6f s, tls %.6f s, first byte %.6f s)",
		r.Status, RedactURL(r.URL), via, r.Size, r.Timings.Total, r.Timings.Connect, r.Timings.TLS, r.Timings.FirstByte)
	c.debugHeaders("<", r.Header)
}

// urlHeaders hold URLs whose query may carry credentials (a SAML
// RelayState, a ReturnUrl with a token): printed without it.
var urlHeaders = map[string]bool{"Location": true, "Content-Location": true, "Refresh": true, "Referer": true}

func (c *Client) debugHeaders(dir string, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ck := http.CanonicalHeaderKey(k)
		for _, v := range h[k] {
			switch {
			case secretHeaders[ck]:
				v = hidden
			case urlHeaders[ck]:
				v = RedactRaw(v)
			}
			// the raw value is redacted before it is cleaned: a secret with
			// a '|' or two spaces is still found
			c.Tracef("%s %s: %s", dir, k, plugin.Sanitize(c.secrets.Redact(v)))
		}
	}
}

// RedactRaw prints a URL given as text (a header, an option) without user
// info or query string, which may hold credentials; what does not parse as
// a URL with a host, such as admin:pw@host:8443/x without a scheme, is cut
// the same way by hand: the user info is whatever comes before the last
// '@' of the authority (after "scheme://", "//", or from the start).
func RedactRaw(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" && u.Opaque == "" {
		return RedactURL(u)
	}
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i] + "?…"
	}
	start := 0
	if j := strings.Index(raw, "://"); j >= 0 {
		start = j + 3
	} else if strings.HasPrefix(raw, "//") {
		start = 2
	}
	end := len(raw)
	if k := strings.IndexByte(raw[start:], '/'); k >= 0 {
		end = start + k
	}
	if i := strings.LastIndex(raw[start:end], "@"); i >= 0 {
		raw = raw[:start] + "…" + raw[start+i:]
	}
	return raw
}

// RedactURL prints a URL without user info or query string, which may
// hold credentials.
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	r := *u
	r.User = nil
	if r.RawQuery != "" {
		r.RawQuery = "…"
	}
	r.Fragment = ""
	return r.String()
}

// JoinPath is the URL of path p below base, as url.URL.JoinPath, but
// absolute even when the base has no path (https://crm.example.com).
func JoinPath(base *url.URL, p string) *url.URL {
	u := base.JoinPath(p)
	if !strings.HasPrefix(u.Path, "/") {
		u.Path = "/" + u.Path
	}
	return u
}
