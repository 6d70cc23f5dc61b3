package web

import (
	"errors"
	"net"
	"net/url"
	"os"
	"syscall"
	"testing"
)

// winsockNetErrs are the Winsock numbers (winerror.h) that the Windows
// build maps, as plain errno values, so that the mapping is tested on every
// system; TestSysNetErrsAreWinsock (Windows) checks that they are the
// Windows build's own, from golang.org/x/sys/windows.
var winsockNetErrs = netErrs{
	refused:  []error{syscall.Errno(10061)},                                                                   // WSAECONNREFUSED
	noRoute:  []error{syscall.Errno(10051), syscall.Errno(10065), syscall.Errno(10050), syscall.Errno(10064)}, // WSAENETUNREACH, WSAEHOSTUNREACH, WSAENETDOWN, WSAEHOSTDOWN
	closed:   []error{syscall.Errno(10054), syscall.Errno(10053), syscall.Errno(10052)},                       // WSAECONNRESET, WSAECONNABORTED, WSAENETRESET
	timedOut: []error{syscall.Errno(10060)},                                                                   // WSAETIMEDOUT
}

// netErrLines are the lines each kind of system error gives for a health
// request to 127.0.0.1:1, whatever the system.
var netErrLines = map[string]string{
	"refused":   "connection to 127.0.0.1:1 refused; check that the web server runs and listens there",
	"no route":  "no route to 127.0.0.1:1; check the network and firewall between this host and it",
	"closed":    "127.0.0.1:1 closed the connection without a complete answer; check the web server's and proxy's logs",
	"timed out": "the health request to 127.0.0.1:1 hit the 9.5 s timeout; check its load and the network, or raise -t",
}

// describeErrno is the line of a failed GET of http://127.0.0.1:1/ whose
// socket call op failed with errno, wrapped as net/http wraps it.
func describeErrno(t *testing.T, table netErrs, op string, errno error) string {
	t.Helper()
	u := &url.URL{Scheme: "http", Host: "127.0.0.1:1", Path: "/"}
	err := &url.Error{Op: "Get", URL: u.String(), Err: &net.OpError{
		Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1},
		Err: os.NewSyscallError(op, errno),
	}}
	c := newClient(t, ClientConfig{})
	c.netErrs = table
	return c.Describe(err, "the health request", u, netPolicy).Line()
}

// checkNetErrs: each error of table, wrapped as net/http wraps it, gives
// its kind's line; and the Windows table's numbers match no other kind.
func checkNetErrs(t *testing.T, table netErrs) {
	for kind, errs := range map[string][]error{"refused": table.refused, "no route": table.noRoute, "closed": table.closed, "timed out": table.timedOut} {
		for _, errno := range errs {
			if got, want := describeErrno(t, table, "connectex", errno), netErrLines[kind]; got != want {
				t.Errorf("%s (%d): %q, want %q", kind, errno, got, want)
			}
		}
	}
}

// This system's own errors of a connection read as the table says.
func TestSysNetErrs(t *testing.T) {
	checkNetErrs(t, sysNetErrs)
	// Linux's ETIMEDOUT, a connect no SYN-ACK answered, is a timeout
	// by its own Timeout method; on Windows it is WSAETIMEDOUT's entry.
	if errno := syscall.ETIMEDOUT; errno.Timeout() {
		if got := describeErrno(t, sysNetErrs, "connect", errno); got != netErrLines["timed out"] {
			t.Errorf("ETIMEDOUT: %q, want %q", got, netErrLines["timed out"])
		}
	}
}

// Windows's Winsock errors read as Linux's do, with the Windows table: a refused connection is "connection to … refused",
// not "cannot reach …: connectex: Connection refused. check the network".
func TestWinsockNetErrs(t *testing.T) {
	checkNetErrs(t, winsockNetErrs)
	// An error no entry knows says the system's words, without the full
	// stop Windows ends them with, before the fix.
	got := describeErrno(t, winsockNetErrs, "connectex", errors.New("A socket operation encountered a dead network."))
	if want := "cannot reach 127.0.0.1:1: connectex: A socket operation encountered a dead network; check the network"; got != want {
		t.Errorf("an unknown error: %q, want %q", got, want)
	}
}
