//go:build !windows

package cli

import (
	"os"
	"syscall"
)

// signalNames name the signals that stop a run.
var signalNames = map[os.Signal]string{syscall.SIGTERM: "SIGTERM", syscall.SIGINT: "SIGINT"}
