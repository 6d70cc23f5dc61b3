package cli

import (
	"os"
	"syscall"
)

// signalNames name the signals that stop a run as Windows's console
// events that Go delivers as them.
var signalNames = map[os.Signal]string{
	syscall.SIGTERM: "a console close, logoff or shutdown event (SIGTERM)",
	syscall.SIGINT:  "Ctrl-C or Ctrl-Break (SIGINT)",
}
