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
	const what = "cache directory"
	fi, err := os.Stat(dir)
	switch {
	case err != nil:
		return sysProblem(what, dir, "cannot be read", err, "")
	case !fi.IsDir():
		return &Problem{What: what, Path: dir, Issue: "is not a directory", Fix: "remove it or choose another directory"}
	case owner(fi) != uid:
		return &Problem{What: what, Path: dir, Issue: fmt.Sprintf("is owned by uid %d, not by the running user (uid %d)", owner(fi), uid), Fix: "chown it or choose another directory"}
	case fi.Mode().Perm()&0o022 != 0:
		return &Problem{What: what, Path: dir, Issue: fmt.Sprintf("is group- or world-writable (mode %04o)", fi.Mode().Perm()), Fix: "run chmod 700 " + dir}
	}
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			return sysProblem(what, dir, "has a parent "+p+" that cannot be read", err, "")
		case owner(fi) != 0 && owner(fi) != uid:
			return &Problem{What: what, Path: dir, Issue: fmt.Sprintf("has a parent %s owned by uid %d, neither root nor the running user (uid %d)", p, owner(fi), uid), Fix: "choose another directory"}
		case fi.Mode().Perm()&0o022 != 0 && fi.Mode()&fs.ModeSticky == 0:
			return &Problem{What: what, Path: dir, Issue: fmt.Sprintf("has a parent %s that is group- or world-writable (mode %04o) without the sticky bit", p, fi.Mode().Perm()), Fix: "run chmod go-w " + p + " or choose another directory"}
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// checkPrivate refuses a per-user directory in a shared one (/var/tmp)
// unless it is what the plugin makes: a directory itself (no symlink),
// owned by the running user, mode 0700. Anyone may create a name in
// /var/tmp, so one that another user made first is said, never used.
func checkPrivate(dir string, uid int) error {
	const what = "cache directory"
	fi, err := os.Lstat(dir)
	switch {
	case err != nil:
		return sysProblem(what, dir, "cannot be read", err, "")
	case fi.Mode()&fs.ModeSymlink != 0:
		return &Problem{What: what, Path: dir, Issue: "is a symlink, not the directory the plugin makes", Fix: "remove it (someone else made it)"}
	case !fi.IsDir():
		return &Problem{What: what, Path: dir, Issue: "is not a directory", Fix: "remove it (someone else made it)"}
	case owner(fi) != uid:
		return &Problem{What: what, Path: dir, Issue: fmt.Sprintf("is owned by uid %d, not by the running user (uid %d): someone else made it", owner(fi), uid), Fix: "remove it"}
	case fi.Mode().Perm() != 0o700:
		return &Problem{What: what, Path: dir, Issue: fmt.Sprintf("has mode %04o, not the 0700 the plugin makes it with", fi.Mode().Perm()), Fix: "run chmod 700 " + dir}
	}
	return nil
}

// checkWritable refuses a directory the running user cannot write to: a
// read-only file system, a mode or an ACL, a hardened unit
// (ReadOnlyPaths=, ProtectHome=) or a security module. Said at once, not
// when the first entry is saved.
func checkWritable(dir string) error {
	if err := syscall.Access(dir, 2|1); err != nil { // W_OK|X_OK
		return sysProblem("cache directory", dir, "cannot be written", &fs.PathError{Op: "access", Path: dir, Err: err}, "")
	}
	return nil
}

// checkFile refuses an entry or lock file that is not a regular file owned
// by the running user with no permission for others: it holds a
// credential, so, as ssh treats a private key, mode 0600 or less.
func checkFile(path string, fi fs.FileInfo, uid int) error {
	const what = "cache file"
	switch {
	case !fi.Mode().IsRegular():
		return &Problem{What: what, Path: path, Issue: fmt.Sprintf("is not a regular file (%s)", fi.Mode().Type()), Fix: "remove it"}
	case owner(fi) != uid:
		return &Problem{What: what, Path: path, Issue: fmt.Sprintf("is owned by uid %d, not by the running user (uid %d)", owner(fi), uid), Fix: "remove it"}
	case fi.Mode().Perm()&0o077 != 0:
		return &Problem{What: what, Path: path, Issue: fmt.Sprintf("has mode %04o, open to other users", fi.Mode().Perm()), Fix: "remove it (the plugin writes 0600)"}
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
