package web

import (
	"net/url"
	"testing"
)

// proxyCorpus: NO_PROXY values and request URLs with the answer net/http's
// rules give.
var proxyCorpus = []struct {
	noProxy, target string
	proxied         bool
}{
	{"", "http://crm.example.com/", true},
	{"", "http://localhost:8080/", false},   // never through a proxy
	{"", "https://127.0.0.1/", false},       // loopback
	{"", "http://[::1]:80/", false},         // loopback IPv6
	{"*", "http://crm.example.com/", false}, // all
	{"crm.example.com", "http://crm.example.com/", false},
	{"example.com", "http://crm.example.com/", false},            // subdomains too
	{".example.com", "http://example.com/", true},                // subdomains only
	{"*.example.com", "http://crm.example.com/", false},          // the same
	{"*.example.com", "http://example.com/", true},               //
	{"example.com:8443", "https://crm.example.com:8443/", false}, // with its port
	{"example.com:8443", "https://crm.example.com/", true},       // another port
	{"10.0.0.0/8", "http://10.1.2.3/", false},                    // CIDR
	{"10.0.0.1", "http://10.0.0.1:8080/", false},                 // IP
	{"10.0.0.1:80", "http://10.0.0.1:8080/", true},               // IP, another port
	{"[2001:db8::1]:443", "https://[2001:db8::1]/", false},       // IPv6 with port
	{" Example.COM , other ", "http://CRM.example.com/", false},  // spaces, case
	{"example.com", "http://10.0.0.1/", true},                    // a domain never matches an IP
	{"ample.com", "http://example.com/", true},                   // not a suffix of a label
}

func TestProxyFunc(t *testing.T) {
	for _, tc := range proxyCorpus {
		u, err := url.Parse(tc.target)
		if err != nil {
			t.Fatal(err)
		}
		p := ProxyEnv{HTTP: "proxy:3128", HTTPS: "http://proxy:3129", NoProxy: tc.noProxy}
		got, err := p.proxyFunc()(u)
		if err != nil || (got != nil) != tc.proxied {
			t.Errorf("NO_PROXY %q, %s: proxy %v (%v), want proxied %t", tc.noProxy, tc.target, got, err, tc.proxied)
		}
		if got != nil && got.String() != map[string]string{"http": "http://proxy:3128", "https": "http://proxy:3129"}[u.Scheme] {
			t.Errorf("%s goes through %s", tc.target, got)
		}
	}
	if got, err := (ProxyEnv{HTTP: "http://pro\x7fxy:3128"}).proxyFunc()(&url.URL{Scheme: "http", Host: "crm.example.com"}); got != nil || err != nil {
		t.Errorf("a proxy that is no URL: %v, %v; want none, as net/http takes it", got, err)
	}
}
