package web

import (
	"net/url"

	"golang.org/x/net/http/httpproxy"
)

// ProxyEnv is the proxy set-up of a run, as the environment gives it, with
// the names of the variables it came from so that a failure can say where
// the proxy was configured.
type ProxyEnv struct {
	HTTP, HTTPS, NoProxy string // proxy URLs for http and https requests, and the exceptions
	HTTPVar, HTTPSVar    string // the variables HTTP and HTTPS came from, e.g. "HTTPS_PROXY"
}

// ProxyFromEnv reads HTTP_PROXY, HTTPS_PROXY and NO_PROXY, or their
// lower-case forms; the upper-case name wins, as in Go's net/http. No other
// variable is read (not ALL_PROXY, which curl reads).
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

// proxyFunc chooses the proxy of a request by golang.org/x/net's httpproxy,
// the rules of net/http's ProxyFromEnvironment, but from p rather than the
// process's environment: HTTPS for https URLs, HTTP for http ones; none for
// localhost and loopback addresses, nor for a host NO_PROXY names.
func (p ProxyEnv) proxyFunc() func(*url.URL) (*url.URL, error) {
	return (&httpproxy.Config{HTTPProxy: p.HTTP, HTTPSProxy: p.HTTPS, NoProxy: p.NoProxy}).ProxyFunc()
}

// source names the variable of the proxy for a request to u.
func (p ProxyEnv) source(u *url.URL) string {
	if u != nil && u.Scheme == "https" {
		return p.HTTPSVar
	}
	return p.HTTPVar
}
