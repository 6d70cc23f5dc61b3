//go:build unix

package cache

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// openFlags open an entry or lock file: never through a symlink, and never
// waiting for a writer (a FIFO put in place of a file opens at once and is
// then refused as not a regular file).
const openFlags = syscall.O_NOFOLLOW | syscall.O_NONBLOCK

// owner is the uid that owns a file.
func owner(fi fs.FileInfo) int {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid)
	}
	return -1
}

// checkDir refuses the cache directory when another user could change what
// is in it, as ssh refuses ~/.ssh: it must be a directory owned by the
// running user and not group- or world-writable, and each parent directory
// must be owned by root or the running user and not writable by others
// (unless sticky, as /tmp is), or another user could put a directory of
// their own in its place. Symlinks are followed, as ssh does.
func checkDir(dir string, uid int) error {
	fi, err := os.Stat(dir)
	switch {
	case err != nil:
		return fmt.Errorf("cache directory: %w", err)
	case !fi.IsDir():
		return fmt.Errorf("cache directory %s is not a directory; remove it or choose another directory", dir)
	case owner(fi) != uid:
		return fmt.Errorf("cache directory %s is owned by uid %d, not by the running user (uid %d); chown it or choose another directory", dir, owner(fi), uid)
	case fi.Mode().Perm()&0o022 != 0:
		return fmt.Errorf("cache directory %s is group- or world-writable (mode %04o); run chmod 700 %s", dir, fi.Mode().Perm(), dir)
	}
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			return fmt.Errorf("cache directory %s: %w", dir, err)
		case owner(fi) != 0 && owner(fi) != uid:
			return fmt.Errorf("cache directory %s: its parent %s is owned by uid %d, neither root nor the running user (uid %d); choose another directory", dir, p, owner(fi), uid)
		case fi.Mode().Perm()&0o022 != 0 && fi.Mode()&fs.ModeSticky == 0:
			return fmt.Errorf("cache directory %s: its parent %s is group- or world-writable (mode %04o) without the sticky bit; run chmod go-w %s or choose another directory", dir, p, fi.Mode().Perm(), p)
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// checkFile refuses an entry or lock file that is not a regular file owned
// by the running user with no permission for others: it holds a
// credential, so, as ssh treats a private key, mode 0600 or less.
func checkFile(path string, fi fs.FileInfo, uid int) error {
	switch {
	case !fi.Mode().IsRegular():
		return fmt.Errorf("cache file %s is not a regular file (%s); remove it", path, fi.Mode().Type())
	case owner(fi) != uid:
		return fmt.Errorf("cache file %s is owned by uid %d, not by the running user (uid %d); remove it", path, owner(fi), uid)
	case fi.Mode().Perm()&0o077 != 0:
		return fmt.Errorf("cache file %s has mode %04o, open to other users; remove it (the plugin writes 0600)", path, fi.Mode().Perm())
	}
	return nil
}

// isSymlink reports whether an open error with openFlags came from a
// symlink in place of the file (ELOOP on Linux, EMLINK on the BSDs).
func isSymlink(err error, path string) bool {
	if !errors.Is(err, syscall.ELOOP) && !errors.Is(err, syscall.EMLINK) {
		return false
	}
	fi, lerr := os.Lstat(path)
	return lerr == nil && fi.Mode()&fs.ModeSymlink != 0
}
