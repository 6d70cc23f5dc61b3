package web

import "golang.org/x/sys/windows"

// sysNetErrs are Windows's errors of a connection, as Winsock returns them
// (connectex, wsarecv, wsasend). Go's syscall.ECONNREFUSED and its kin are
// numbers of its own on Windows that no socket call returns, so these are
// Winsock's: WSAECONNABORTED is a connection the local stack gave up
// (the peer vanished mid-answer), WSAETIMEDOUT a connect that no SYN-ACK
// answered, which Go does not count as a timeout here, unlike ETIMEDOUT
// on Linux.
var sysNetErrs = netErrs{
	refused:  []error{windows.WSAECONNREFUSED},
	noRoute:  []error{windows.WSAENETUNREACH, windows.WSAEHOSTUNREACH, windows.WSAENETDOWN, windows.WSAEHOSTDOWN},
	closed:   []error{windows.WSAECONNRESET, windows.WSAECONNABORTED, windows.WSAENETRESET},
	timedOut: []error{windows.WSAETIMEDOUT},
}

// interruptFix is what to check when a console event ended a request: Go
// delivers Ctrl-C and Ctrl-Break as SIGINT, a console's close, logoff and
// shutdown as SIGTERM.
const interruptFix = "check what sent Ctrl-C, Ctrl-Break or a console close, logoff or shutdown event"
