package check

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptrace"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"check_creatio_oauth/plugin"
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
	Secrets *Secrets
	// Debug, when set, receives a line per request and response, with
	// secrets redacted (-vvv).
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
	secrets   *Secrets
	debug     func(format string, args ...any)
}

// Secrets are the secrets the client hides; logins add theirs.
func (c *Client) Secrets() *Secrets { return c.secrets }

// maxPEMFile caps what is read of a CA, certificate or key file.
const maxPEMFile = 4 << 20

// ReadFileLimited reads a file of at most max bytes. A larger file (or a
// device that never ends) is an error, not a hang.
func ReadFileLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the caller names the file
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, max)
	}
	return b, nil
}

// NewClient builds the client. Errors name the option that is wrong.
func NewClient(cfg ClientConfig) (*Client, error) {
	tlsConf := &tls.Config{InsecureSkipVerify: cfg.Insecure} //nolint:gosec // --insecure is the admin's choice
	if len(cfg.CAFiles) > 0 {
		// Trust exactly the files, as curl --cacert and check_curl --ca-cert
		// do: loading the system store as well costs ~12 ms of CPU and
		// 5 MiB per run.
		pool := x509.NewCertPool()
		for _, f := range cfg.CAFiles {
			pem, err := ReadFileLimited(f, maxPEMFile)
			if err != nil {
				return nil, fmt.Errorf("--ca-file: %w", err)
			}
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("--ca-file %s: no PEM certificate in it", f)
			}
		}
		tlsConf.RootCAs = pool
	}
	if cfg.ClientCert != "" || cfg.ClientKey != "" {
		if cfg.ClientCert == "" || cfg.ClientKey == "" {
			return nil, errors.New("--client-cert and --client-key go together")
		}
		certPEM, err := ReadFileLimited(cfg.ClientCert, maxPEMFile)
		if err != nil {
			return nil, fmt.Errorf("--client-cert: %w", err)
		}
		keyPEM, err := ReadFileLimited(cfg.ClientKey, maxPEMFile)
		if err != nil {
			return nil, fmt.Errorf("--client-key: %w", err)
		}
		cert, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("--client-cert/--client-key: %w", err)
		}
		tlsConf.Certificates = []tls.Certificate{cert}
	}
	c := &Client{maxBody: cfg.MaxBody, debug: cfg.Debug, userAgent: "check_creatio_oauth/" + cfg.Version,
		caFiles: cfg.CAFiles, proxy: cfg.Proxy, secrets: cfg.Secrets}
	if c.secrets == nil {
		c.secrets = &Secrets{}
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBody
	}
	proxyFor := cfg.Proxy.proxyFunc()
	tr := &http.Transport{
		// The trace of the request learns which proxy it took, so that a
		// failure can name the proxy instead of blaming Creatio.
		Proxy: func(req *http.Request) (*url.URL, error) {
			u, err := proxyFor(req.URL)
			if t, ok := req.Context().Value(traceKey{}).(*roundTripTrace); ok && u != nil {
				t.setProxy(u)
			}
			return u, err
		},
		OnProxyConnectResponse: func(_ context.Context, proxy *url.URL, _ *http.Request, resp *http.Response) error {
			if resp.StatusCode != http.StatusOK {
				return &proxyError{proxy: proxy, status: resp.Status, code: resp.StatusCode}
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
	jar, _ := cookiejar.New(nil) // never fails without options
	c.hc = &http.Client{Transport: tr, Jar: jar, CheckRedirect: checkRedirect}
	return c, nil
}

// checkRedirect follows a few redirects on the same host (http to https is
// fine) and stops at a login page or another host, so that neither cookies nor
// an Authorization header ever leave for another host; the caller sees the
// 3xx answer and says why.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return errTooManyRedirects
	}
	if !sameOrigin(via[0].URL, req.URL) || isLoginPath(req.URL.Path) {
		return http.ErrUseLastResponse
	}
	return nil
}

// sameOrigin reports whether a redirect from a to b stays on the same host
// and port; the one change allowed is http to https on the default ports.
func sameOrigin(a, b *url.URL) bool {
	if !strings.EqualFold(a.Hostname(), b.Hostname()) {
		return false
	}
	if a.Scheme == b.Scheme {
		return canonicalHost(a) == canonicalHost(b)
	}
	return a.Scheme == "http" && b.Scheme == "https" && (a.Port() == "" || a.Port() == "80") && (b.Port() == "" || b.Port() == "443")
}

var errTooManyRedirects = fmt.Errorf("more than %d redirects", maxRedirects)

// isLoginPath reports whether a path is one of Creatio's login pages
// (/Login/NuiLogin.aspx on .NET Framework, /Login/Login.html on .NET).
func isLoginPath(p string) bool {
	return strings.Contains(strings.ToLower(p), "/login/")
}

// noteCert remembers the expiry of the leaf certificate of host:port; a host
// keeps the first certificate it showed.
func (c *Client) noteCert(hostPort string, notAfter time.Time) {
	c.certMu.Lock()
	defer c.certMu.Unlock()
	if c.certs == nil {
		c.certs = map[string]time.Time{}
	}
	hostPort = strings.ToLower(hostPort)
	if _, ok := c.certs[hostPort]; !ok {
		c.certs[hostPort] = notAfter
	}
}

// CertNotAfter returns the expiry of the certificate the client met at u's
// host, if it made a TLS connection there.
func (c *Client) CertNotAfter(u *url.URL) (time.Time, bool) {
	c.certMu.Lock()
	defer c.certMu.Unlock()
	t, ok := c.certs[canonicalHost(u)]
	return t, ok
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

// Timings are the phases of one request in seconds; a phase that did not
// happen (a reused connection, plain HTTP) is zero.
type Timings struct {
	Connect   float64 // TCP connect, from DNS done (or start) to connected
	TLS       float64 // TLS handshake
	FirstByte float64 // from the request start to the first response byte
	Total     float64 // from the request start to the last body byte
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

// bom is the UTF-8 byte order mark that .NET writers put before JSON;
// RFC 8259 section 8.1 allows a reader to skip it.
var bom = []byte("\xef\xbb\xbf")

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
	if err != nil {
		return nil, &requestError{err: err, proxy: t.proxyURL()}
	}
	defer resp.Body.Close()
	if p := t.proxyURL(); p != nil && resp.StatusCode == http.StatusProxyAuthRequired && resp.Request.URL.Scheme == "http" {
		// A plain-http request through a proxy hears the proxy's 407 as
		// an answer: it is the proxy's refusal, as for a CONNECT.
		return nil, &requestError{err: &proxyError{proxy: p, status: resp.Status, code: resp.StatusCode}, proxy: p}
	}
	var body []byte
	if resp.ContentLength <= c.maxBody { // a body announced too large is not read at all
		if body, err = io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1)); err != nil {
			return nil, &requestError{err: fmt.Errorf("reading the answer of %s: %w", redactURL(resp.Request.URL), err), proxy: t.proxyURL()}
		}
	}
	r := &Response{
		StatusCode: resp.StatusCode,
		Status:     resp.Status,
		Header:     resp.Header,
		Body:       bytes.TrimPrefix(body, bom),
		Size:       max(int64(len(body)), resp.ContentLength),
		URL:        resp.Request.URL,
		Proxy:      t.proxyURL(),
	}
	if int64(len(body)) > c.maxBody || resp.ContentLength > c.maxBody {
		r.TooLarge = true
		r.Body = r.Body[:min(int64(len(r.Body)), c.maxBody)]
	}
	r.Timings = t.timings()
	c.debugResponse(r)
	return r, nil
}

// via names the proxy an answer came through, for a status line: a 5xx
// may be the proxy's own. It is "" without a proxy.
func (c *Client) via(r *Response) string {
	if r.Proxy == nil {
		return ""
	}
	return fmt.Sprintf(" through the proxy %s (from %s; check it too)", r.Proxy.Host, c.proxy.source(r.URL))
}

// get sends a GET for u that accepts JSON.
func (c *Client) get(ctx context.Context, u *url.URL) (*Response, error) {
	return c.send(ctx, http.MethodGet, u, "", nil, nil)
}

// send sends a request with the given body and content type (none when
// contentType is empty); edit, when set, adds headers.
func (c *Client) send(ctx context.Context, method string, u *url.URL, contentType string, body []byte, edit func(*http.Request)) (*Response, error) {
	req, err := http.NewRequest(method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if body == nil {
		req.Body, req.ContentLength = http.NoBody, 0
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

func (e *proxyError) Error() string { return "proxy " + e.proxy.Host + " answered " + e.status }

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

// tracef writes a -vvv trace line, with the secrets redacted.
func (c *Client) tracef(format string, args ...any) {
	if c.debug != nil {
		c.debug("%s", c.secrets.Redact(fmt.Sprintf(format, args...)))
	}
}

func (c *Client) debugRequest(req *http.Request) {
	if c.debug == nil {
		return
	}
	c.tracef("> %s %s", req.Method, redactURL(req.URL))
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
	c.tracef("< %s from %s%s, %d bytes in %.6f s (connect %.6f s, tls %.6f s, first byte %.6f s)",
		r.Status, redactURL(r.URL), via, r.Size, r.Timings.Total, r.Timings.Connect, r.Timings.TLS, r.Timings.FirstByte)
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
				v = redacted
			case urlHeaders[ck]:
				v = redactRawURL(v)
			}
			c.tracef("%s %s: %s", dir, k, plugin.Sanitize(v))
		}
	}
}

// redactRawURL prints a URL from a header without its query string; what
// does not parse as a URL is cut after '?'.
func redactRawURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		r := *u
		if r.RawQuery != "" || r.ForceQuery {
			r.RawQuery, r.ForceQuery = "…", false
		}
		r.User, r.Fragment = nil, ""
		return r.String()
	}
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		return raw[:i] + "?…"
	}
	return raw
}

// redactURL prints a URL without user info or query string, which may
// hold credentials.
func redactURL(u *url.URL) string {
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

// below is the URL of path p below base; the path is absolute even when the
// base has none (https://crm.example.com).
func below(base *url.URL, p string) *url.URL {
	u := base.JoinPath(p)
	if !strings.HasPrefix(u.Path, "/") {
		u.Path = "/" + u.Path
	}
	return u
}
