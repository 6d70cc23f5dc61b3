//go:build unix

package main

import (
	"os"
	"syscall"
)

// openSecretFlags open a secret file without blocking: a FIFO without a
// writer would block a plain open.
const openSecretFlags = os.O_RDONLY | syscall.O_NONBLOCK
