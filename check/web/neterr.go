package web

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"check_creatio_oauth/check/report"
)

// Describe explains a request to u that got no answer: what failed, where,
// and what to check, with its kind of fault. what names the request for the
// admin ("the health request", "the token request").
func (c *Client) Describe(err error, what string, u *url.URL, p report.Policy) *report.Failure {
	host := u.Host
	var re *requestError
	if errors.As(err, &re) && re.proxy != nil {
		if f := c.describeProxy(err, re.proxy, u); f != nil {
			return f
		}
		host += fmt.Sprintf(" (via the proxy %s from %s)", re.proxy.Host, c.proxy.source(u))
	}
	if f := c.describeTLS(err, host); f != nil {
		return f
	}
	var (
		dnsErr *net.DNSError
		opErr  *net.OpError
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err) || c.netErrs.is(err, c.netErrs.timedOut):
		return report.Failed(report.Deadline, fmt.Sprintf("%s to %s hit the %s timeout", what, host, seconds(p.Timeout)), "check its load and the network, or raise -t")
	case errors.Is(err, context.Canceled):
		return report.Failed(report.Deadline, fmt.Sprintf("%s to %s was interrupted before an answer came", what, host), interruptFix)
	case errors.Is(err, errTooManyRedirects):
		return report.Failed(report.Server, fmt.Sprintf("%s to %s: more than %d redirects", what, host, maxRedirects), "point --url at the final address, or fix the redirect loop")
	case errors.As(err, &dnsErr):
		reason := "no such host"
		if !dnsErr.IsNotFound {
			reason = dnsErr.Err
		}
		return report.Failed(report.Unreachable, fmt.Sprintf("cannot resolve %s (%s)", dnsErr.Name, reason), "check the URL and DNS on this host")
	case c.netErrs.is(err, c.netErrs.refused):
		return report.Failed(report.Unreachable, fmt.Sprintf("connection to %s refused", host), "check that the web server runs and listens there")
	case c.netErrs.is(err, c.netErrs.noRoute):
		return report.Failed(report.Unreachable, fmt.Sprintf("no route to %s", host), "check the network and firewall between this host and it")
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || c.netErrs.is(err, c.netErrs.closed) || isServerClosedIdle(err):
		return report.Failed(report.Unreachable, fmt.Sprintf("%s closed the connection without a complete answer", host), "check the web server's and proxy's logs")
	case strings.Contains(err.Error(), "server response headers exceeded"):
		return report.Failed(report.Server, fmt.Sprintf("%s sent more than 64 KiB of headers", host), "check the URL and any proxy in between")
	case errors.As(err, &opErr) && opErr.Op == "remote error":
		return report.Failed(report.Unreachable, tlsHandshakeFailed(host, c.ErrText(opErr.Err, 120)), tlsHandshakeFix)
	case errors.As(err, &opErr):
		return report.Failed(report.Unreachable, fmt.Sprintf("cannot reach %s: %s", host, sysText(c.ErrText(opErr.Err, 120))), "check the network")
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	// Go's HTTP stack quotes a malformed answer: "malformed HTTP version
	// \"…\"", so the error's text goes through the door.
	return report.Failed(report.Server, fmt.Sprintf("%s to %s failed: %s", what, host, c.ErrText(err, 120)), "check the server's and any proxy's logs")
}

// describeTLS explains a TLS failure: an untrusted, invalid or expired
// certificate, a server that does not speak TLS, a refused handshake; nil
// for any other failure.
func (c *Client) describeTLS(err error, host string) *report.Failure {
	var (
		unknown  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invalid  x509.CertificateInvalidError
		recErr   tls.RecordHeaderError
		alertErr tls.AlertError
	)
	switch {
	case errors.As(err, &unknown):
		if len(c.caFiles) > 0 {
			return report.Failed(report.Unreachable, fmt.Sprintf("TLS certificate of %s is not signed by a CA of --ca-file %s", host, strings.Join(c.caFiles, ", ")), "give the CA that signed it")
		}
		return report.Failed(report.Unreachable, fmt.Sprintf("TLS certificate of %s is not trusted (signed by an unknown authority)", host), "give its CA with --ca-file, or --insecure on a test stand")
	case errors.As(err, &hostErr):
		return report.Failed(report.Unreachable, fmt.Sprintf("TLS certificate of %s is not valid for %s", host, hostErr.Host), "use the name the certificate is for, or fix the certificate")
	case errors.As(err, &invalid):
		return report.Failed(report.Unreachable, fmt.Sprintf("TLS certificate of %s: %s", host, c.Clean(certInvalidReason(invalid), 160)), "renew the certificate or check this host's clock")
	case errors.As(err, &recErr) || errors.Is(err, http.ErrSchemeMismatch):
		return report.Failed(report.Unreachable, fmt.Sprintf("%s does not speak TLS", host), "use an http:// URL (or --http) if Creatio serves plain HTTP")
	case errors.As(err, &alertErr):
		return report.Failed(report.Unreachable, tlsHandshakeFailed(host, c.ErrText(alertErr, 80)), tlsHandshakeFix)
	}
	return nil
}

// describeProxy explains a failure of the proxy a request went through, so
// that it is not blamed on Creatio or the Identity Service; nil when the
// failure is not the proxy's.
func (c *Client) describeProxy(err error, proxy, u *url.URL) *report.Failure {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || isTimeout(err) {
		return nil // the deadline's own words, naming the proxy
	}
	name := fmt.Sprintf("the proxy %s (%s)", proxy.Host, c.proxy.source(u))
	var pe *proxyError
	var opErr *net.OpError
	switch {
	case errors.As(err, &pe) && pe.code == http.StatusProxyAuthRequired:
		return report.Failed(report.Setup, fmt.Sprintf("%s wants a password (HTTP 407)", name), fmt.Sprintf("give it user:password in %s, or exempt %s with NO_PROXY", c.proxy.source(u), u.Hostname()))
	case errors.As(err, &pe):
		return report.Failed(report.Unreachable, fmt.Sprintf("%s could not open a tunnel to %s (HTTP %d %s)", name, u.Host, pe.code, c.Clean(reason(pe.status, pe.code), 80)), "check the proxy and its logs")
	case errors.As(err, &opErr) && opErr.Op == "proxyconnect", isDialTo(err, proxy):
		return report.Failed(report.Unreachable, fmt.Sprintf("%s cannot be reached (%s)", name, c.dialReason(err)), fmt.Sprintf("check the proxy, or exempt %s with NO_PROXY", u.Hostname()))
	}
	return nil
}

// isDialTo reports whether err is a failed dial of the proxy's address.
func isDialTo(err error, proxy *url.URL) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial" && opErr.Addr != nil && strings.EqualFold(opErr.Addr.String(), canonicalHost(proxy))
}

// dialReason says in a few words why a dial failed.
func (c *Client) dialReason(err error) string {
	var dnsErr *net.DNSError
	switch {
	case c.netErrs.is(err, c.netErrs.refused):
		return "connection refused"
	case errors.As(err, &dnsErr):
		return "cannot resolve " + dnsErr.Name
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return sysText(c.ErrText(opErr.Err, 120))
	}
	return c.ErrText(err, 120)
}

// certInvalidReason says why a certificate is invalid: expired, not yet
// valid, or x509's own words.
func certInvalidReason(invalid x509.CertificateInvalidError) string {
	if invalid.Reason != x509.Expired {
		return invalid.Error()
	}
	if strings.Contains(invalid.Detail, "is before") {
		return "not yet valid (" + invalid.Detail + ")"
	}
	return "expired (" + invalid.Detail + ")"
}

// tlsHandshakeFailed is the text of a TLS handshake the server refused.
func tlsHandshakeFailed(host, why string) string {
	return fmt.Sprintf("TLS handshake with %s failed (%s)", host, why)
}

// tlsHandshakeFix is what to check after a refused TLS handshake.
const tlsHandshakeFix = "check --client-cert/--client-key and the TLS settings of the server"

// netErrs are the system's errors of a connection by what they mean, so
// that a refused connection reads the same on Linux and on Windows, by
// errors.Is, never by the error's text (which is the system's, in its
// language): sysNetErrs in neterr_other.go and neterr_windows.go, which
// each [Client] takes.
type netErrs struct {
	refused  []error // nothing listens at the address
	noRoute  []error // no route to the network or host
	closed   []error // the peer reset or the stack aborted the connection
	timedOut []error // the connect timed out, where Go does not say so itself
}

// is reports whether err is one of errs.
func (netErrs) is(err error, errs []error) bool {
	for _, e := range errs {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// sysText is a system error's text as a phrase within a sentence: Windows
// ends its messages with a full stop ("connectex: Connection refused."),
// Linux does not. A cut text's "..." stays.
func sysText(s string) string {
	if strings.HasSuffix(s, "..") {
		return s
	}
	return strings.TrimSuffix(s, ".")
}

// isServerClosedIdle reports net/http's "server closed idle connection": the
// server closed the connection before it answered, a race with plain EOF.
func isServerClosedIdle(err error) bool {
	return strings.Contains(err.Error(), "server closed idle connection")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// seconds prints a duration as seconds for a status line: "9.5 s".
func seconds(d time.Duration) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.3f", d.Seconds()), "0"), ".") + " s"
}
