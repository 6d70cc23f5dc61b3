package check

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/http/httpproxy"
)

// proxyCorpus: NO_PROXY values and request URLs with the answer net/http's
// rules give (x/net/http/httpproxy, which FuzzProxyFunc compares with).
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
	if got, _ := (ProxyEnv{HTTP: "::bogus"}).proxyFunc()(&url.URL{Scheme: "http", Host: "crm.example.com"}); got != nil {
		t.Errorf("a proxy that is no URL is used: %v", got)
	}
}

// FuzzProxyFunc holds proxyFunc to the answers of x/net/http/httpproxy,
// net/http's own rules, for ASCII host names (httpproxy also converts
// internationalized names, which proxyFunc leaves to the admin).
func FuzzProxyFunc(f *testing.F) {
	for _, c := range proxyCorpus {
		f.Add(c.noProxy, c.target, "proxy:3128")
	}
	f.Add("", "https://crm.example.com/", "https://user:pw@proxy.example:8443")
	f.Add("", "http://crm.example.com/", "%zz")
	f.Fuzz(func(t *testing.T, noProxy, target, proxy string) {
		u, err := url.Parse(target)
		if err != nil || !isASCII(noProxy+target) {
			return
		}
		ours, err1 := (ProxyEnv{HTTP: proxy, HTTPS: proxy, NoProxy: noProxy}).proxyFunc()(u)
		theirs, err2 := (&httpproxy.Config{HTTPProxy: proxy, HTTPSProxy: proxy, NoProxy: noProxy}).ProxyFunc()(u)
		if err1 != nil || err2 != nil {
			return // theirs refuses what it cannot canonicalize; ours never errs
		}
		if h := u.Hostname(); h != "localhost" && strings.EqualFold(h, "localhost") {
			return // httpproxy proxies "LOCALHOST"; host names have no case, ours does not
		}
		if (ours == nil) != (theirs == nil) || ours != nil && ours.String() != theirs.String() {
			t.Fatalf("NO_PROXY %q, proxy %q, %s: ours %v, httpproxy %v", noProxy, proxy, target, ours, theirs)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
