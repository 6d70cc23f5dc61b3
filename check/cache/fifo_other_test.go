//go:build !unix

package cache

import "testing"

// mkfifo skips the test: no FIFO can be made in a directory here.
func mkfifo(t *testing.T, _ string) {
	t.Helper()
	t.Skip("no FIFOs in the file system on this system")
}
