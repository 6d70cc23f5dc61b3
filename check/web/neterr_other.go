//go:build !windows

package web

import "syscall"

// sysNetErrs are this system's errors of a connection, as the socket calls
// return them: syscall's errno values. syscall.ETIMEDOUT needs no entry:
// it says it is a timeout itself (its Timeout method).
var sysNetErrs = netErrs{
	refused: []error{syscall.ECONNREFUSED},
	noRoute: []error{syscall.ENETUNREACH, syscall.EHOSTUNREACH},
	closed:  []error{syscall.ECONNRESET},
}

// interruptFix is what to check when a signal ended a request.
const interruptFix = "check what sent SIGTERM or SIGINT"
