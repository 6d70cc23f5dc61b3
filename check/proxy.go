package check

import (
	"net"
	"net/url"
	"strings"
)

// ProxyEnv is the proxy set-up of a run, as the environment gives it, with
// the names of the variables it came from so that a failure can say where
// the proxy was configured.
type ProxyEnv struct {
	HTTP, HTTPS, NoProxy string // proxy URLs for http and https requests, and the exceptions
	HTTPVar, HTTPSVar    string // the variables HTTP and HTTPS came from, e.g. "HTTPS_PROXY"
}

// ProxyFromEnv reads HTTP_PROXY, HTTPS_PROXY and NO_PROXY, or their
// lower-case forms, as curl and Go's net/http do; the upper-case name wins.
func ProxyFromEnv(getenv func(string) string) ProxyEnv {
	var p ProxyEnv
	pick := func(val, name *string, names ...string) {
		for _, n := range names {
			if v := getenv(n); v != "" {
				*val, *name = v, n
				return
			}
		}
	}
	pick(&p.HTTP, &p.HTTPVar, "HTTP_PROXY", "http_proxy")
	pick(&p.HTTPS, &p.HTTPSVar, "HTTPS_PROXY", "https_proxy")
	var noVar string
	pick(&p.NoProxy, &noVar, "NO_PROXY", "no_proxy")
	return p
}

// proxyFunc chooses the proxy of a request by net/http's documented rules
// (http.ProxyFromEnvironment), but from p rather than the process's
// environment: HTTPS for https URLs, HTTP for http ones; a proxy without a
// scheme is http://; none for localhost and loopback addresses, nor for a
// host NO_PROXY names: "*" (all), an IP address or CIDR range, a domain
// (example.com, also its subdomains; .example.com or *.example.com, only
// its subdomains), each optionally with a port. Host names are compared in
// ASCII: an internationalized name belongs in NO_PROXY in its xn-- form.
// (x/net/http/httpproxy does the same, but links IDNA tables into every
// check's start-up; a test holds the two to the same answers.)
func (p ProxyEnv) proxyFunc() func(*url.URL) (*url.URL, error) {
	httpProxy, httpsProxy := parseProxy(p.HTTP), parseProxy(p.HTTPS)
	except := parseNoProxy(p.NoProxy)
	return func(u *url.URL) (*url.URL, error) {
		var proxy *url.URL
		switch u.Scheme {
		case "https":
			proxy = httpsProxy
		case "http":
			proxy = httpProxy
		}
		if proxy == nil || !except.useProxy(canonicalHost(u)) {
			return nil, nil
		}
		return proxy, nil
	}
}

// parseProxy reads a proxy URL; "proxy:3128" means http://proxy:3128. A
// value that is no URL at all means no proxy, as net/http takes it.
func parseProxy(s string) *url.URL {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		if v, err2 := url.Parse("http://" + s); err2 == nil {
			return v
		}
	}
	if err != nil {
		return nil
	}
	return u
}

// noProxy is NO_PROXY, parsed.
type noProxy struct {
	all     bool
	nets    []*net.IPNet
	ips     []hostPort // host is the IP's canonical text
	domains []domain
}

type hostPort struct{ host, port string }

// domain is a NO_PROXY domain: suffix starts with '.'; exact also
// matches the domain itself.
type domain struct {
	suffix, port string
	exact        bool
}

// parseNoProxy reads the comma-separated NO_PROXY; entries it cannot read
// are skipped.
func parseNoProxy(s string) noProxy {
	var np noProxy
	for _, e := range strings.Split(s, ",") {
		e = strings.ToLower(strings.TrimSpace(e))
		if e == "*" {
			return noProxy{all: true}
		}
		if _, n, err := net.ParseCIDR(e); err == nil {
			np.nets = append(np.nets, n)
			continue
		}
		host, port, err := net.SplitHostPort(e) // "[::1]:443"; a bare "[::1]" is no IP, as in net/http
		if err != nil {
			host, port = e, ""
		}
		if ip := net.ParseIP(host); ip != nil {
			np.ips = append(np.ips, hostPort{ip.String(), port})
			continue
		}
		if strings.HasPrefix(host, "*.") {
			host = host[1:]
		}
		if host == "" {
			continue
		}
		d := domain{suffix: host, port: port}
		if host[0] != '.' {
			d.suffix, d.exact = "."+host, true
		}
		np.domains = append(np.domains, d)
	}
	return np
}

// useProxy reports whether a request to addr (host:port) goes through
// the proxy.
func (np noProxy) useProxy(addr string) bool {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	host = strings.ToLower(host)
	if host == "localhost" {
		return false
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() || np.all {
			return false
		}
		for _, n := range np.nets {
			if n.Contains(ip) {
				return false
			}
		}
		for _, e := range np.ips {
			if e.host == ip.String() && (e.port == "" || e.port == port) {
				return false
			}
		}
		return true
	}
	if np.all {
		return false
	}
	for _, d := range np.domains {
		if (strings.HasSuffix(host, d.suffix) || d.exact && host == d.suffix[1:]) && (d.port == "" || d.port == port) {
			return false
		}
	}
	return true
}

// source names the variable of the proxy for a request to u.
func (p ProxyEnv) source(u *url.URL) string {
	if u != nil && u.Scheme == "https" {
		return p.HTTPSVar
	}
	return p.HTTPVar
}
