//go:build !linux && !windows

package cache

// lockWorks: Store.Lock is a no-op on this system.
const lockWorks = false

// lockFilesStay: lock files stay in the directory (no lock files).
const lockFilesStay = false
