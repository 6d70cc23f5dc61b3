//go:build unix

package cli

import (
	"fmt"
	"os"
	"syscall"
)

// openSecretFlags open a secret file without blocking: a FIFO without a
// writer would block a plain open.
const openSecretFlags = os.O_RDONLY | syscall.O_NONBLOCK

// readableByOthers says who but the owner may read file ("its group",
// "all users", with the mode), or "" when no one else may, or when it
// cannot be told.
func readableByOthers(file string) string {
	fi, err := os.Stat(file)
	if err != nil {
		return ""
	}
	mode := fi.Mode().Perm()
	switch {
	case mode&0o004 != 0:
		return fmt.Sprintf("all users (mode %04o)", mode)
	case mode&0o040 != 0:
		return fmt.Sprintf("its group (mode %04o)", mode)
	}
	return ""
}
