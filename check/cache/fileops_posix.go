//go:build !windows

package cache

import (
	"io/fs"
	"os"
)

// mine reports whether an entry file is the running user's, for prune.
func mine(_ string, fi fs.FileInfo, uid int) bool { return owner(fi) == uid }

// makeDir makes a directory of the cache: mode 0700.
func makeDir(path string) error { return os.Mkdir(path, 0o700) }

// openEntry opens an entry file to read (openFlags: no symlink, no FIFO
// that blocks).
func openEntry(path string) (*os.File, error) { return os.OpenFile(path, os.O_RDONLY|openFlags, 0) }

// createTemp creates a new file for Save, mode 0600.
func createTemp(dir, pattern string) (*os.File, error) { return os.CreateTemp(dir, pattern) }

// replace renames a new entry file over the old one, atomically.
func replace(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

// removeEntry removes an entry file.
func removeEntry(path string) error { return os.Remove(path) }

// guard is a no-op here: a rename replaces an entry that readers have
// open.
func (s *Store) guard(string, bool) (release func()) { return func() {} }
