package web

import (
	"bytes"
	"check_creatio_oauth/check/redact"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"time"
)

// DefaultMaxBody is the default cap on a body read from the network: 1 MiB.
const DefaultMaxBody = 1 << 20

// maxRedirects is how many same-host redirects a request follows.
const maxRedirects = 5

// ClientConfig configures the HTTP client shared by every request of a run.
type ClientConfig struct {
	CAFiles    []string // PEM files of the CA certificates to trust instead of the system's
	ClientCert string   // PEM client certificate, with ClientKey
	ClientKey  string
	Insecure   bool     // skip certificate verification (test stands)
	MaxBody    int64    // cap on a body in bytes; 0 means DefaultMaxBody
	Version    string   // the plugin's version, for the User-Agent header
	Proxy      ProxyEnv // the proxies to use; the zero value is none
	// Secrets are hidden in everything the client reports; logins add
	// their session cookies and tokens. Nil means a new, empty set.
	Secrets *redact.Secrets
	// Debug, when set, receives a line per request and response, with
	// secrets hidden (-vvv).
	Debug func(format string, args ...any)
}

// Client is the HTTP client of a run: one transport, one cookie jar, same-host
// redirects only, bodies capped, timings recorded.
type Client struct {
	hc        *http.Client
	userAgent string
	certMu    sync.Mutex
	certs     map[string]time.Time // host:port -> NotAfter of the leaf certificate
	maxBody   int64
	caFiles   []string
	proxy     ProxyEnv
	secrets   *redact.Secrets
	cookies   redact.Secrets // every cookie value seen, hidden in the -vvv trace
	debug     func(format string, args ...any)
	// netErrs are the system's errors of a connection (sysNetErrs);
	// the tests give Windows's on every system.
	netErrs netErrs
}

// Secrets are the secrets the client hides; logins add theirs.
func (c *Client) Secrets() *redact.Secrets { return c.secrets }

// NewClient builds the client. Errors name the option that is wrong.
func NewClient(cfg ClientConfig) (*Client, error) {
	tlsConf, err := tlsConfig(cfg)
	if err != nil {
		return nil, err
	}
	c := &Client{maxBody: cfg.MaxBody, debug: cfg.Debug, userAgent: "check_creatio_oauth/" + cfg.Version,
		caFiles: cfg.CAFiles, proxy: cfg.Proxy, secrets: cfg.Secrets, netErrs: sysNetErrs}
	if c.secrets == nil {
		c.secrets = &redact.Secrets{}
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBody
	}
	jar, _ := cookiejar.New(nil) // never fails without options
	c.hc = &http.Client{Transport: newTransport(cfg.Proxy, tlsConf), Jar: jar, CheckRedirect: checkRedirect}
	return c, nil
}

// newTransport is the transport of a run: no HTTP/2 or keep-alive set-up
// for a one-shot check, headers capped, and the proxy of each request
// recorded in its trace, so that a failure can name the proxy instead of
// blaming Creatio.
func newTransport(proxy ProxyEnv, tlsConf *tls.Config) *http.Transport {
	proxyFor := proxy.proxyFunc()
	return &http.Transport{
		Proxy: func(req *http.Request) (*url.URL, error) {
			u, err := proxyFor(req.URL)
			if t, ok := req.Context().Value(traceKey{}).(*roundTripTrace); ok && u != nil {
				t.setProxy(u)
			}
			return u, err
		},
		OnProxyConnectResponse: func(_ context.Context, proxy *url.URL, _ *http.Request, resp *http.Response) error {
			if resp.StatusCode != http.StatusOK {
				return proxyRefused(proxy, resp)
			}
			return nil
		},
		DialContext:         (&net.Dialer{KeepAlive: -1}).DialContext,
		TLSClientConfig:     tlsConf,
		TLSHandshakeTimeout: 0, // the run's deadline bounds everything
		// A one-shot check needs no HTTP/2: skip its set-up.
		TLSNextProto:        map[string]func(string, *tls.Conn) http.RoundTripper{},
		MaxIdleConnsPerHost: 2,
		// Headers count against the answer too: Go's default is 10 MiB.
		MaxResponseHeaderBytes: 64 << 10,
	}
}

// checkRedirect follows a few redirects on the same host (http to https is
// fine) and stops at a login page or another host, so that neither cookies nor
// an Authorization header ever leave for another host; the caller sees the
// 3xx answer and says why.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return errTooManyRedirects
	}
	if !SameOrigin(via[0].URL, req.URL) || IsLoginPath(req.URL.Path) {
		return http.ErrUseLastResponse
	}
	return nil
}

// SameOrigin reports whether a redirect from a to b stays on the same host
// and port; the one change allowed is http to https on the default ports.
func SameOrigin(a, b *url.URL) bool {
	if !strings.EqualFold(a.Hostname(), b.Hostname()) {
		return false
	}
	if a.Scheme == b.Scheme {
		return canonicalHost(a) == canonicalHost(b)
	}
	return a.Scheme == "http" && b.Scheme == "https" && (a.Port() == "" || a.Port() == "80") && (b.Port() == "" || b.Port() == "443")
}

// canonicalHost is host:port with the scheme's default port.
func canonicalHost(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "443"
		if u.Scheme == "http" {
			port = "80"
		}
	}
	return strings.ToLower(net.JoinHostPort(u.Hostname(), port))
}

var errTooManyRedirects = fmt.Errorf("more than %d redirects", maxRedirects)

// IsLoginPath reports whether a path is one of Creatio's login pages
// (/Login/NuiLogin.aspx on .NET Framework, /Login/Login.html on .NET).
func IsLoginPath(p string) bool {
	return strings.Contains(strings.ToLower(p), "/login/")
}

// Response is an HTTP answer with its body read up to the cap.
type Response struct {
	StatusCode int
	Status     string // e.g. "500 Internal Server Error"
	Header     http.Header
	Body       []byte   // at most the cap, without a leading UTF-8 byte order mark
	Size       int64    // the body's size as far as seen: bytes read, or the larger Content-Length announced
	TooLarge   bool     // the body was longer than the cap and was not read further
	URL        *url.URL // where the answer came from, after redirects
	Proxy      *url.URL // the proxy the request went through, if any
	Timings    Timings
}

// Do sends req with ctx and reads the answer. The body is read up to the
// cap; a longer one sets TooLarge and is not read further. A leading byte
// order mark is dropped.
func (c *Client) Do(ctx context.Context, req *http.Request) (*Response, error) {
	t := &roundTripTrace{start: time.Now(), client: c}
	ctx = context.WithValue(ctx, traceKey{}, t)
	req = req.WithContext(httptrace.WithClientTrace(ctx, t.clientTrace()))
	req.Header.Set("User-Agent", c.userAgent)
	c.debugRequest(req)
	resp, err := c.hc.Do(req)
	proxy := t.proxyURL()
	if err != nil {
		return nil, &requestError{err: err, proxy: proxy}
	}
	defer resp.Body.Close()
	if proxy != nil && resp.StatusCode == http.StatusProxyAuthRequired && resp.Request.URL.Scheme == "http" {
		// A plain-http request through a proxy hears the proxy's 407 as
		// an answer: it is the proxy's refusal, as for a CONNECT.
		return nil, &requestError{err: proxyRefused(proxy, resp), proxy: proxy}
	}
	var body []byte
	if resp.ContentLength <= c.maxBody { // a body announced too large is not read at all
		if body, err = io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1)); err != nil {
			return nil, &requestError{err: fmt.Errorf("reading the answer of %s: %w", RedactURL(resp.Request.URL), err), proxy: proxy}
		}
	}
	if c.debug != nil {
		for _, ck := range resp.Cookies() {
			c.cookies.Add(ck.Value) // every cookie value is hidden in the -vvv trace
		}
	}
	r := newResponse(resp, bytes.TrimPrefix(body, bom))
	r.Size, r.Proxy = max(int64(len(body)), resp.ContentLength), proxy
	if int64(len(body)) > c.maxBody || resp.ContentLength > c.maxBody {
		r.TooLarge = true
		r.Body = r.Body[:min(int64(len(r.Body)), c.maxBody)]
	}
	r.Timings = t.timings()
	c.debugResponse(r)
	return r, nil
}

// Via names the proxy an answer came through, for a status line: a 5xx
// may be the proxy's own. It is "" without a proxy.
func (c *Client) Via(r *Response) string {
	if r.Proxy == nil {
		return ""
	}
	return fmt.Sprintf(" via the proxy %s (%s)", r.Proxy.Host, c.proxy.source(r.URL))
}

// Get sends a GET for u that accepts JSON.
func (c *Client) Get(ctx context.Context, u *url.URL) (*Response, error) {
	return c.Send(ctx, http.MethodGet, u, "", nil, nil)
}

// Send sends a request with the given body and content type (none when
// contentType is empty); edit, when set, adds headers.
func (c *Client) Send(ctx context.Context, method string, u *url.URL, contentType string, body []byte, edit func(*http.Request)) (*Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u.String(), rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if edit != nil {
		edit(req)
	}
	return c.Do(ctx, req)
}

// requestError is a request that got no answer, with the proxy it went
// through, so that the failure can name the proxy.
type requestError struct {
	err   error
	proxy *url.URL
}

func (e *requestError) Error() string { return e.err.Error() }
func (e *requestError) Unwrap() error { return e.err }

// proxyError is a proxy's refusal of a CONNECT tunnel.
type proxyError struct {
	proxy  *url.URL
	status string
	code   int
}

// Error does not quote the proxy's reason phrase: Describe says it.
func (e *proxyError) Error() string {
	return fmt.Sprintf("proxy %s answered HTTP %d", e.proxy.Host, e.code)
}
