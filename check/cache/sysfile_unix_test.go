//go:build unix

package cache

import (
	"syscall"
	"testing"
)

// mkfifo makes a FIFO at p.
func mkfifo(t *testing.T, p string) {
	t.Helper()
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
}

// makePrivate: a file's mode (0600) says it already.
func makePrivate(*testing.T, string) {}
