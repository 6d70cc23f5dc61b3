package web

import (
	"strings"
	"testing"
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

// A URL without a scheme is named as such, in the words a user can act on,
// not Go's "first path segment in URL cannot contain colon".
func TestParseServiceURLNoScheme(t *testing.T) {
	for _, in := range []string{"127.0.0.1:8080/x", "crm.example.com", "crm.example.com:443"} {
		_, err := ParseServiceURL("--url", in)
		if err == nil || err.Error() != `--url "`+in+`" has no scheme; write it as https://`+in {
			t.Errorf("%s: %v", in, err)
		}
	}
}
