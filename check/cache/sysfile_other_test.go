//go:build !unix && !windows

package cache

import "testing"

// mkfifo skips the test: no FIFOs in the file system on this system.
func mkfifo(t *testing.T, _ string) {
	t.Helper()
	t.Skip("no FIFOs in the file system on this system")
}

// makePrivate: nothing to do on this system.
func makePrivate(*testing.T, string) {}
