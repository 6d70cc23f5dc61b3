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

// Policy says which state the failures outside the service's control get.
type Policy struct {
	Timeout      time.Duration // the whole run's budget (-t), for messages
	TimeoutState plugin.State  // state when the deadline passes (-t N:STATE)
	Unreachable  plugin.State  // state for DNS, connect and TLS failures
	// Unusable is the state for an answer that came but cannot be used
	// (too many redirects, oversize headers, a broken response); the zero
	// value (OK) means UNKNOWN. Direct mode sets CRITICAL: Creatio's own
	// check would find the Identity Service unavailable.
	Unusable plugin.State
}

func (p Policy) unusable() plugin.State {
	if p.Unusable == plugin.OK {
		return plugin.Unknown
	}
	return p.Unusable
}

// failure is a request that got no usable answer, said for an admin.
type failure struct {
	state  plugin.State
	text   string // line 1: what failed, where, and what to check
	detail string // long output, when it says more than text
}

// describeNetError explains a failed request to u. what names the request for
// the admin ("the health request", "the token request").
func describeNetError(err error, what string, u *url.URL, p Policy) failure {
	host := u.Host
	var (
		dnsErr   *net.DNSError
		unknown  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invalid  x509.CertificateInvalidError
		recErr   tls.RecordHeaderError
		alertErr tls.AlertError
		opErr    *net.OpError
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return failure{p.TimeoutState, fmt.Sprintf("%s to %s got no answer before the %s timeout; check Creatio's load and the network, or raise --timeout", what, host, seconds(p.Timeout)), ""}
	case errors.Is(err, context.Canceled):
		return failure{p.TimeoutState, fmt.Sprintf("%s to %s was interrupted before an answer came", what, host), ""}
	case errors.Is(err, errTooManyRedirects):
		return failure{p.unusable(), fmt.Sprintf("%s to %s: more than %d redirects; point --url at the final address", what, host, maxRedirects), ""}
	case errors.As(err, &dnsErr):
		reason := "no such host"
		if !dnsErr.IsNotFound {
			reason = dnsErr.Err
		}
		return failure{p.Unreachable, fmt.Sprintf("cannot resolve %s (%s); check the URL and DNS on this host", dnsErr.Name, reason), ""}
	case errors.Is(err, syscall.ECONNREFUSED):
		return failure{p.Unreachable, fmt.Sprintf("connection to %s refused; check that the web server runs and listens there", host), ""}
	case errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH):
		return failure{p.Unreachable, fmt.Sprintf("no route to %s; check the network and firewall between this host and it", host), ""}
	case errors.As(err, &unknown):
		return failure{p.Unreachable, fmt.Sprintf("TLS certificate of %s is not trusted (signed by an unknown authority); give its CA with --ca-file, or --insecure on a test stand", host), ""}
	case errors.As(err, &hostErr):
		return failure{p.Unreachable, fmt.Sprintf("TLS certificate of %s is not valid for %s; use the name the certificate is for, or fix the certificate", host, hostErr.Host), ""}
	case errors.As(err, &invalid):
		reason := invalid.Error()
		if invalid.Reason == x509.Expired {
			reason = "expired (" + invalid.Detail + ")"
			if strings.Contains(invalid.Detail, "is before") {
				reason = "not yet valid (" + invalid.Detail + ")"
			}
		}
		return failure{p.Unreachable, fmt.Sprintf("TLS certificate of %s: %s; renew the certificate or check this host's clock", host, reason), ""}
	case errors.As(err, &recErr) || errors.Is(err, http.ErrSchemeMismatch):
		return failure{p.Unreachable, fmt.Sprintf("%s does not speak TLS; use an http:// URL (or --http) if Creatio serves plain HTTP", host), ""}
	case errors.As(err, &alertErr):
		return failure{p.Unreachable, fmt.Sprintf("TLS handshake with %s failed (%s); check --client-cert/--client-key and the TLS settings of the server", host, alertErr.Error()), ""}
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || isServerClosedIdle(err):
		return failure{p.Unreachable, fmt.Sprintf("%s closed the connection without a complete answer; check the web server's and proxy's logs", host), ""}
	case strings.Contains(err.Error(), "server response headers exceeded"):
		return failure{p.unusable(), fmt.Sprintf("%s sent more than 64 KiB of headers; check the URL and any proxy in between", host), ""}
	case errors.As(err, &opErr) && opErr.Op == "remote error":
		return failure{p.Unreachable, fmt.Sprintf("TLS handshake with %s failed (%s); check --client-cert/--client-key and the TLS settings of the server", host, plugin.Sanitize(opErr.Err.Error())), ""}
	case errors.As(err, &opErr):
		return failure{p.Unreachable, fmt.Sprintf("cannot reach %s: %s; check the network", host, plugin.Sanitize(opErr.Err.Error())), ""}
	}
	msg := err.Error()
	var uerr *url.Error
	if errors.As(err, &uerr) {
		msg = uerr.Err.Error()
	}
	return failure{p.unusable(), fmt.Sprintf("%s to %s failed: %s", what, host, plugin.Sanitize(msg)), ""}
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
