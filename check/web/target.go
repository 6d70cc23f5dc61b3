package web

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"check_creatio_oauth/plugin"
)

// ParseServiceURL reads the base URL of Creatio or of the Identity Service
// as given in option flag: http or https, a host, no user info (it would
// show in ps); the path is kept without a trailing slash, a query or
// fragment is dropped. Its errors say in plain words what is wrong, with
// any user info hidden.
func ParseServiceURL(flag, raw string) (*url.URL, error) {
	shown := plugin.Sanitize(RedactRaw(raw))
	u, err := url.Parse(raw)
	var uerr *url.Error
	switch {
	case !strings.Contains(raw, "://") && !strings.HasPrefix(raw, "//"):
		return nil, fmt.Errorf("%s %q has no scheme; write it as https://%s", flag, shown, shown)
	case strings.ContainsAny(raw, " \t\r\n"):
		return nil, fmt.Errorf("%s %q contains a space; write the URL without spaces (%%20 in a path)", flag, shown)
	case errors.As(err, &uerr):
		return nil, fmt.Errorf("%s %q is not a URL: %s", flag, shown, plugin.Sanitize(uerr.Err.Error()))
	case err != nil:
		return nil, fmt.Errorf("%s %q is not a URL", flag, shown)
	case u.Scheme == "" || u.Host == "" && u.Opaque != "":
		return nil, fmt.Errorf("%s %q has no scheme; write it as https://%s", flag, shown, strings.TrimPrefix(shown, "//"))
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("%s %q is not an http:// or https:// URL", flag, shown)
	case u.Hostname() == "":
		return nil, fmt.Errorf("%s %q has no host name", flag, shown)
	case badPort(u.Port()):
		return nil, fmt.Errorf("%s %q: port %s is outside 1-65535", flag, shown, plugin.Sanitize(u.Port()))
	case u.User != nil && flag == "--identity-url":
		return nil, fmt.Errorf("%s must not carry a user or password (it would show in ps); use --client-id with CREATIO_CLIENT_SECRET", flag)
	case u.User != nil:
		return nil, fmt.Errorf("%s must not carry a user or password (it would show in ps); use --user with CREATIO_PASSWORD", flag)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath, u.RawQuery, u.Fragment, u.ForceQuery = "", "", "", false
	return u, nil
}

// badPort tells whether a URL's port (digits, as url.Parse checks) is 0
// or above 65535; no port is fine.
func badPort(port string) bool {
	if port == "" {
		return false
	}
	n, err := strconv.ParseUint(port, 10, 16)
	return err != nil || n == 0
}

// HostURL is the base URL of a Creatio at host and port (0: the scheme's
// default), over https unless plainHTTP.
func HostURL(host string, port uint16, plainHTTP bool) (*url.URL, error) {
	if !isHostName(host) {
		return nil, fmt.Errorf("--hostname %q is not a host name or IP address; use --url for a full URL", plugin.Sanitize(host))
	}
	u := &url.URL{Scheme: "https", Host: host}
	if plainHTTP {
		u.Scheme = "http"
	}
	bare := strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	switch {
	case port != 0:
		u.Host = net.JoinHostPort(bare, strconv.Itoa(int(port)))
	case strings.Contains(bare, ":"): // an IPv6 address goes into brackets
		u.Host = "[" + bare + "]"
	}
	return u, nil
}

// isHostName reports whether s is a DNS name (letters, digits, '-', '_',
// dots) or an IP address, IPv6 with or without brackets.
func isHostName(s string) bool {
	if bracketed := strings.HasPrefix(s, "["); bracketed != strings.HasSuffix(s, "]") {
		return false
	}
	if net.ParseIP(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")) != nil {
		return true
	}
	if s == "" || len(s) > 253 || s[0] == '.' || s[0] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_') {
			return false
		}
	}
	return true
}
