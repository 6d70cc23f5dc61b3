package sim

import (
	"context"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ProxyMode selects the behaviour of a [Proxy].
type ProxyMode int

// Modes of [NewProxy].
const (
	// ProxyForward is a working forward proxy: it forwards absolute-URI
	// requests (plain http through a proxy) and tunnels CONNECT requests
	// (https through a proxy).
	ProxyForward ProxyMode = iota
	// ProxyAuthRequired answers every request, CONNECT included, with 407
	// Proxy Authentication Required and Proxy-Authenticate: Basic
	// realm="corp-proxy", like a Squid that wants credentials; it accepts
	// none.
	ProxyAuthRequired
	// ProxyBadGateway answers every request, CONNECT included, with Squid's
	// 502 page, like a proxy that cannot reach the upstream server.
	ProxyBadGateway
)

// String returns the mode's name: "forward", "auth-required" or
// "bad-gateway".
func (m ProxyMode) String() string {
	switch m {
	case ProxyForward:
		return "forward"
	case ProxyAuthRequired:
		return "auth-required"
	case ProxyBadGateway:
		return "bad-gateway"
	}
	return fmt.Sprintf("ProxyMode(%d)", int(m))
}

// ProxyRealm is the realm of the Proxy-Authenticate challenge of
// [ProxyAuthRequired].
const ProxyRealm = "corp-proxy"

// proxyVia is the Via entry the proxy adds to requests and responses it
// forwards.
const proxyVia = "1.1 corp-proxy (squid)"

// proxyDialTimeout bounds the proxy's connection attempts to upstream
// servers.
const proxyDialTimeout = 10 * time.Second

// Proxy is a forward HTTP proxy for tests; see [NewProxy]. Serve it with
// httptest.NewServer (HTTP/1.1; CONNECT needs a connection that can be
// hijacked) and point HTTP_PROXY and HTTPS_PROXY, or a Transport's Proxy,
// at the server's URL.
type Proxy struct {
	// Hosts maps host names to the addresses the proxy dials for them, so
	// that a test can use names such as "creatio.test" that resolve
	// nowhere, or that are not loopback names and therefore are not
	// exempt from HTTP_PROXY. A key is a lower-case host name or host:port;
	// the value is host:port (for example "127.0.0.1:41234") or a host
	// alone, which keeps the port of the request. A request for "name:port"
	// uses the key "name:port" if present, else "name". Names not in the
	// map are dialled as given. Fill Hosts before the proxy serves its
	// first request (for example before httptest.NewServer): it is read
	// without a lock.
	Hosts map[string]string

	mode      ProxyMode
	requests  atomic.Int64
	dialer    net.Dialer
	transport *http.Transport

	mu      sync.Mutex
	tunnels map[net.Conn]struct{} // both ends of every open CONNECT tunnel
	closed  bool
}

// NewProxy returns a proxy that behaves as mode says. In [ProxyForward] mode
//
//   - a request with an absolute URI ("GET http://host/path") is sent on
//     with a Transport of the proxy's own, which uses no proxy, does not
//     decompress and does not follow redirects; hop-by-hop headers
//     (Connection and the headers it names, Keep-Alive, Proxy-Connection,
//     Proxy-Authenticate, Proxy-Authorization, TE, Trailer,
//     Transfer-Encoding, Upgrade) are removed both ways and a Via header is
//     added both ways. If the upstream cannot be reached the answer is
//     Squid's 502 page;
//   - "CONNECT host:port" dials host:port (through [Proxy.Hosts]), answers
//     "200 Connection established" and copies bytes both ways until one
//     side closes, then closes both; if the dial fails the answer is
//     Squid's 502 page;
//   - any other request (a plain "GET /path" sent to the proxy as if it
//     were the server) gets Squid's 400 Invalid URL page.
func NewProxy(mode ProxyMode) *Proxy {
	p := &Proxy{
		Hosts:   make(map[string]string),
		mode:    mode,
		dialer:  net.Dialer{Timeout: proxyDialTimeout},
		tunnels: make(map[net.Conn]struct{}),
	}
	p.transport = &http.Transport{
		Proxy:               nil, // never a proxy of its own
		DialContext:         p.dial,
		DisableCompression:  true,
		MaxIdleConnsPerHost: 8,
		IdleConnTimeout:     30 * time.Second,
	}
	return p
}

// Requests returns the number of requests the proxy has received: one per
// forwarded request and one per CONNECT, however many requests then travel
// through the tunnel.
func (p *Proxy) Requests() int { return int(p.requests.Load()) }

// Close closes the open CONNECT tunnels and the idle upstream connections.
// Call it before closing the server that serves the proxy (tunnels are
// hijacked connections, which the server does not close); it may be called
// more than once. Tunnels opened after Close are closed at once.
func (p *Proxy) Close() {
	p.mu.Lock()
	p.closed = true
	for c := range p.tunnels {
		_ = c.Close()
	}
	clear(p.tunnels)
	p.mu.Unlock()
	p.transport.CloseIdleConnections()
}

// ServeHTTP implements http.Handler.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.requests.Add(1)
	target := r.URL.String()
	if r.Method == http.MethodConnect {
		target = r.Host
	}
	switch p.mode {
	case ProxyAuthRequired:
		w.Header().Set("Proxy-Authenticate", `Basic realm="`+ProxyRealm+`"`)
		squidError(w, http.StatusProxyAuthRequired, "ERR_CACHE_ACCESS_DENIED 0", "Cache Access Denied.", target, squidAccessDenied)
		return
	case ProxyBadGateway:
		squidError(w, http.StatusBadGateway, "ERR_CONNECT_FAIL 111", "The requested URL could not be retrieved", target, squidConnectFail)
		return
	}
	switch {
	case r.Method == http.MethodConnect:
		p.tunnel(w, r)
	case r.URL.IsAbs() && r.URL.Host != "":
		p.forward(w, r)
	default:
		squidError(w, http.StatusBadRequest, "ERR_INVALID_URL 0", "The requested URL could not be retrieved", r.URL.RequestURI(), squidInvalidURL)
	}
}

// squidError answers like Squid: its error page with the Server,
// Mime-Version and X-Squid-Error headers Squid sends. code is the
// X-Squid-Error value, e.g. "ERR_CONNECT_FAIL 111".
func squidError(w http.ResponseWriter, status int, code, title, target, detail string) {
	name, _, _ := strings.Cut(code, " ")
	h := w.Header()
	h.Set("Server", "squid")
	h.Set("Mime-Version", "1.0")
	h.Set("X-Squid-Error", code)
	h.Set("Vary", "Accept-Language")
	h.Set("Content-Language", "en")
	writeBody(w, status, "text/html;charset=utf-8",
		fmt.Sprintf(htmlSquidError, name, html.EscapeString(title), html.EscapeString(target), detail))
}

// dial connects to addr after mapping it through p.Hosts.
func (p *Proxy) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	return p.dialer.DialContext(ctx, network, p.resolve(addr))
}

// resolve maps a dial address through p.Hosts.
func (p *Proxy) resolve(addr string) string {
	if a, ok := p.Hosts[strings.ToLower(addr)]; ok {
		return a
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = addr, ""
	}
	a, ok := p.Hosts[strings.ToLower(host)]
	if !ok {
		return addr
	}
	if _, _, err := net.SplitHostPort(a); err != nil && port != "" {
		return net.JoinHostPort(a, port)
	}
	return a
}

// hopHeaders are the hop-by-hop headers of RFC 9110 section 7.6.1 and the
// proxy headers that must not travel on.
var hopHeaders = []string{
	"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

// removeHopHeaders deletes the hop-by-hop headers from h, including those
// that its Connection header names.
func removeHopHeaders(h http.Header) {
	for _, v := range h.Values("Connection") {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				h.Del(name)
			}
		}
	}
	for _, name := range hopHeaders {
		h.Del(name)
	}
}

// forward sends an absolute-URI request on and copies the answer back.
func (p *Proxy) forward(w http.ResponseWriter, r *http.Request) {
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.Host = "" // the Host header comes from the absolute URI
	removeHopHeaders(out.Header)
	out.Header.Add("Via", proxyVia)

	resp, err := p.transport.RoundTrip(out)
	if err != nil {
		if r.Context().Err() == nil {
			squidError(w, http.StatusBadGateway, "ERR_CONNECT_FAIL 111", "The requested URL could not be retrieved", r.URL.String(), squidConnectFail)
		}
		return
	}
	defer resp.Body.Close()
	removeHopHeaders(resp.Header)
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.Header().Add("Via", proxyVia)
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(flushWriter{w}, resp.Body)
}

// flushWriter flushes after every write, so that a streamed or slow answer
// reaches the client as it arrives.
type flushWriter struct {
	w http.ResponseWriter
}

func (f flushWriter) Write(b []byte) (int, error) {
	n, err := f.w.Write(b)
	if err == nil {
		err = http.NewResponseController(f.w).Flush()
	}
	return n, err
}

// tunnel serves CONNECT host:port.
func (p *Proxy) tunnel(w http.ResponseWriter, r *http.Request) {
	up, err := p.dial(r.Context(), "tcp", r.Host)
	if err != nil {
		squidError(w, http.StatusBadGateway, "ERR_CONNECT_FAIL 111", "The requested URL could not be retrieved", r.Host, squidConnectFail)
		return
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		_ = up.Close()
		http.Error(w, "CONNECT needs an HTTP/1.1 connection", http.StatusHTTPVersionNotSupported)
		return
	}
	if !p.track(conn, up) {
		return
	}
	defer p.untrack(conn, up)

	if _, err := io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		return
	}
	done := make(chan struct{}, 2)
	go func() {
		_, _ = io.Copy(up, brw.Reader) // brw.Reader holds what the client sent early
		done <- struct{}{}
	}()
	go func() {
		_, _ = io.Copy(conn, up)
		done <- struct{}{}
	}()
	<-done
	_ = conn.Close()
	_ = up.Close()
	<-done
}

// track registers the two ends of a tunnel, or closes them and reports
// false if the proxy is closed.
func (p *Proxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		for _, c := range conns {
			_ = c.Close()
		}
		return false
	}
	for _, c := range conns {
		p.tunnels[c] = struct{}{}
	}
	return true
}

// untrack closes and forgets the two ends of a tunnel.
func (p *Proxy) untrack(conns ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
		delete(p.tunnels, c)
	}
}
