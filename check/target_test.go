package check

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

// --url and --identity-url: http or https with a host; the path is kept
// without its trailing slash, the query and fragment dropped; an error
// names the option and never shows a password.
func TestParseServiceURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://crm.example.com/", "https://crm.example.com"},
		{"https://crm.example.com/crm//?token=1#frag", "https://crm.example.com/crm"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"HTTPS://Crm.Example.com/0", "https://Crm.Example.com/0"},
		{"https://[::1]:8443/x/", "https://[::1]:8443/x"},
		{"https://crm.example.com/a%2Fb/", "https://crm.example.com/a/b"},
	} {
		for _, flag := range []string{"--url", "--identity-url"} {
			u, err := ParseServiceURL(flag, tc.in)
			if err != nil || u.String() != tc.want {
				t.Errorf("ParseServiceURL(%s, %q) = %v, %v; want %s", flag, tc.in, u, err, tc.want)
			}
		}
	}
	for _, in := range []string{
		"",
		"crm.example.com",
		"crm.example.com:443/crm",
		"ftp://crm.example.com",
		"https://",
		"https:///crm",
		"https://:8443",
		"https://user:pw-Zq8!sEcReT@crm.example.com",
		"https://user:pw-sEcReT@crm example.com",
		"https://user:pw-sEcReT@%zz/",
		"https://crm.example.com/%zz?x=sEcReT",
		"https://crm.example.com/\x7f",
	} {
		for _, flag := range []string{"--url", "--identity-url"} {
			u, err := ParseServiceURL(flag, in)
			switch {
			case err == nil:
				t.Errorf("ParseServiceURL(%s, %q) = %v, want an error", flag, in, u)
			case !strings.HasPrefix(err.Error(), flag+" "):
				t.Errorf("ParseServiceURL(%s, %q): %q does not name the option first", flag, in, err)
			case strings.Contains(err.Error(), "sEcReT"):
				t.Errorf("ParseServiceURL(%s, %q): %q shows the password", flag, in, err)
			case strings.ContainsAny(err.Error(), "\n\x7f"):
				t.Errorf("ParseServiceURL(%s, %q): %q is not one clean line", flag, in, err)
			}
		}
	}
}

// --hostname, --port and --http make a base URL; a URL given as the host
// name is refused.
func TestHostURL(t *testing.T) {
	for _, tc := range []struct {
		host  string
		port  uint16
		plain bool
		want  string
	}{
		{"crm.example.com", 0, false, "https://crm.example.com"},
		{"crm.example.com", 8080, true, "http://crm.example.com:8080"},
		{"::1", 8443, false, "https://[::1]:8443"},
		{"[::1]", 8443, false, "https://[::1]:8443"},
	} {
		u, err := HostURL(tc.host, tc.port, tc.plain)
		if err != nil || u.String() != tc.want {
			t.Errorf("HostURL(%q, %d, %t) = %v, %v; want %s", tc.host, tc.port, tc.plain, u, err, tc.want)
		}
	}
	for _, host := range []string{"", "https://crm.example.com", "crm.example.com/crm", "user@crm", "crm example"} {
		if u, err := HostURL(host, 0, false); err == nil || !strings.HasPrefix(err.Error(), "--hostname ") || strings.ContainsAny(err.Error(), "|\n") {
			t.Errorf("HostURL(%q) = %v, %v; want an error naming --hostname in one clean line", host, u, err)
		}
	}
}

// A host name HostURL accepts makes a URL that parses back: what no URL
// can hold (a '|', a control character, an unbalanced '[', an IPv6
// address without brackets and without --port) is the admin's --hostname
// mistake, UNKNOWN, or is put into brackets; not a failed health request.
func TestHostURLRefusesWhatNoURLHolds(t *testing.T) {
	var problems []string
	for _, host := range []string{"a|b", "crm\nexample", "crm\x00", "crm\"example", "::1", "fe80::1", "[::1", "::1]"} {
		u, err := HostURL(host, 0, false)
		if err != nil {
			continue
		}
		if _, perr := url.Parse(u.String()); perr != nil {
			r := (&Endpoint{Client: newClient(t, ClientConfig{}), Base: u, Policy: testPolicy}).Run(runCtx(t, 5*time.Second))
			problems = append(problems, fmt.Sprintf("HostURL(%q) = %s, which does not parse (%v); the run says %v %q", host, u, perr, r.State, r.Summary))
		}
	}
	if len(problems) > 0 {
		t.Errorf("HostURL makes URLs that do not parse, where it should bracket an IPv6 address or refuse the name:\n%s", strings.Join(problems, "\n"))
	}
}
