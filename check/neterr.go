package check

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
	"syscall"
	"time"

	"check_creatio_oauth/plugin"
)

// describe explains a request to u that got no answer: what failed, where,
// and what to check, with its kind of fault. what names the request for the
// admin ("the health request", "the token request").
func (c *Client) describe(err error, what string, u *url.URL, p Policy) *failure {
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
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fail(faultDeadline, fmt.Sprintf("%s to %s got no answer before the %s timeout; check Creatio's load and the network, or raise --timeout", what, host, seconds(p.Timeout)))
	case errors.Is(err, context.Canceled):
		return fail(faultDeadline, fmt.Sprintf("%s to %s was interrupted before an answer came", what, host))
	case errors.Is(err, errTooManyRedirects):
		return fail(faultServer, fmt.Sprintf("%s to %s: more than %d redirects; point --url at the final address, or fix the redirect loop", what, host, maxRedirects))
	case errors.As(err, &dnsErr):
		reason := "no such host"
		if !dnsErr.IsNotFound {
			reason = dnsErr.Err
		}
		return fail(faultUnreachable, fmt.Sprintf("cannot resolve %s (%s); check the URL and DNS on this host", dnsErr.Name, reason))
	case errors.Is(err, syscall.ECONNREFUSED):
		return fail(faultUnreachable, fmt.Sprintf("connection to %s refused; check that the web server runs and listens there", host))
	case errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH):
		return fail(faultUnreachable, fmt.Sprintf("no route to %s; check the network and firewall between this host and it", host))
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || isServerClosedIdle(err):
		return fail(faultUnreachable, fmt.Sprintf("%s closed the connection without a complete answer; check the web server's and proxy's logs", host))
	case strings.Contains(err.Error(), "server response headers exceeded"):
		return fail(faultServer, fmt.Sprintf("%s sent more than 64 KiB of headers; check the URL and any proxy in between", host))
	case errors.As(err, &opErr) && opErr.Op == "remote error":
		return fail(faultUnreachable, tlsHandshakeFailed(host, plugin.Sanitize(opErr.Err.Error())))
	case errors.As(err, &opErr):
		return fail(faultUnreachable, fmt.Sprintf("cannot reach %s: %s; check the network", host, plugin.Sanitize(opErr.Err.Error())))
	}
	msg := err.Error()
	var uerr *url.Error
	if errors.As(err, &uerr) {
		msg = uerr.Err.Error()
	}
	return fail(faultServer, fmt.Sprintf("%s to %s failed: %s", what, host, plugin.Sanitize(msg)))
}

// describeTLS explains a TLS failure: an untrusted, invalid or expired
// certificate, a server that does not speak TLS, a refused handshake; nil
// for any other failure.
func (c *Client) describeTLS(err error, host string) *failure {
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
			return fail(faultUnreachable, fmt.Sprintf("TLS certificate of %s is not signed by a CA of --ca-file %s; give the CA that signed it", host, strings.Join(c.caFiles, ", ")))
		}
		return fail(faultUnreachable, fmt.Sprintf("TLS certificate of %s is not trusted (signed by an unknown authority); give its CA with --ca-file, or --insecure on a test stand", host))
	case errors.As(err, &hostErr):
		return fail(faultUnreachable, fmt.Sprintf("TLS certificate of %s is not valid for %s; use the name the certificate is for, or fix the certificate", host, hostErr.Host))
	case errors.As(err, &invalid):
		return fail(faultUnreachable, fmt.Sprintf("TLS certificate of %s: %s; renew the certificate or check this host's clock", host, certInvalidReason(invalid)))
	case errors.As(err, &recErr) || errors.Is(err, http.ErrSchemeMismatch):
		return fail(faultUnreachable, fmt.Sprintf("%s does not speak TLS; use an http:// URL (or --http) if Creatio serves plain HTTP", host))
	case errors.As(err, &alertErr):
		return fail(faultUnreachable, tlsHandshakeFailed(host, alertErr.Error()))
	}
	return nil
}

// describeProxy explains a failure of the proxy a request went through, so
// that it is not blamed on Creatio or the Identity Service; nil when the
// failure is not the proxy's.
func (c *Client) describeProxy(err error, proxy, u *url.URL) *failure {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || isTimeout(err) {
		return nil // the deadline's own words, naming the proxy
	}
	name := fmt.Sprintf("the proxy %s (from %s)", proxy.Host, c.proxy.source(u))
	var pe *proxyError
	var opErr *net.OpError
	switch {
	case errors.As(err, &pe) && pe.code == http.StatusProxyAuthRequired:
		return fail(faultSetup, fmt.Sprintf("%s wants authentication (HTTP 407); put its user and password into that variable, or exempt %s with NO_PROXY", name, u.Hostname()))
	case errors.As(err, &pe):
		return fail(faultUnreachable, fmt.Sprintf("%s could not open a tunnel to %s (HTTP %s); check the proxy and its logs", name, u.Host, plugin.Sanitize(pe.status)))
	case errors.As(err, &opErr) && opErr.Op == "proxyconnect", isDialTo(err, proxy):
		return fail(faultUnreachable, fmt.Sprintf("%s cannot be reached (%s); check the proxy, or exempt %s with NO_PROXY", name, dialReason(err), u.Hostname()))
	}
	return nil
}

// isDialTo reports whether err is a failed dial of the proxy's address.
func isDialTo(err error, proxy *url.URL) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial" && opErr.Addr != nil && strings.EqualFold(opErr.Addr.String(), canonicalHost(proxy))
}

// dialReason says in a few words why a dial failed.
func dialReason(err error) string {
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, &dnsErr):
		return "cannot resolve " + dnsErr.Name
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return plugin.Sanitize(opErr.Err.Error())
	}
	return plugin.Sanitize(err.Error())
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
	return fmt.Sprintf("TLS handshake with %s failed (%s); check --client-cert/--client-key and the TLS settings of the server", host, why)
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
