package cache

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"golang.org/x/sys/windows"
)

// Lock takes key's lock, waiting while another check (process or
// goroutine) holds it, but never past ctx's end: then it returns an error
// that wraps ctx's error, and the caller goes on without the lock (give it
// a ctx with a deadline well inside the check's own). unlock releases the
// lock; calling it more than once is harmless. Windows releases the lock
// of a process that ends, so a killed check never blocks the others.
//
// The lock is LockFileEx, exclusive, on a file next to the entry
// ("."+ID+".lock", with the private DACL), one lock per handle, so two
// goroutines exclude each other too. Unlike on Linux the file stays when
// unlocked: a file that another check has open cannot be removed and made
// anew under the same name at once, so a lock that removed it would let
// two checks hold the locks of two files of one name.
func (s *Store) Lock(ctx context.Context, key Key) (unlock func(), err error) {
	id, err := key.ID()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(s.dir, "."+id+".lock")
	sa, err := privateSD()
	if err != nil {
		return nil, fmt.Errorf("cache lock %s: %w", path, err)
	}
	f, err := createFile(path, windows.GENERIC_READ|windows.GENERIC_WRITE, windows.OPEN_ALWAYS, sa)
	if err != nil {
		return nil, fmt.Errorf("cache lock: %w", err)
	}
	fi, err := f.Stat()
	if err == nil {
		err = checkFile(path, fi, s.uid)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	h := windows.Handle(f.Fd())
	try := func() error {
		return windows.LockFileEx(h, windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, new(windows.Overlapped))
	}
	busy := func(err error) bool {
		return errors.Is(err, windows.ERROR_LOCK_VIOLATION) || errors.Is(err, windows.ERROR_IO_PENDING)
	}
	if err := waitLock(ctx, path, try, busy); err != nil {
		f.Close()
		return nil, err
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			_ = windows.UnlockFileEx(h, 0, 1, 0, new(windows.Overlapped))
			f.Close()
		})
	}, nil
}

// guard keeps readers of key id's entry file and the rename of a Save
// apart: a reader (write false) holds a shared lock on the lock file's
// second byte while it opens and reads the entry, a Save (write true) an
// exclusive one while it renames the new file over it. Wine, like NTFS's
// classic rename, refuses to replace a file while any handle is open on
// it, even one shared for deletion; readers that come one after another
// would keep a Save's rename failing for as long as they come. Waiting
// for the exclusive lock lets the readers in flight finish and keeps new
// ones out for the moment of the rename. The first byte is Lock's; the
// locks of a process that dies are released with it. Without a lock file
// (it cannot be made) there is no guard, and the rename is tried again
// as before.
func (s *Store) guard(id string, write bool) (release func()) {
	path := filepath.Join(s.dir, "."+id+".lock")
	sa, err := privateSD()
	if err != nil {
		return func() {}
	}
	f, err := createFile(path, windows.GENERIC_READ|windows.GENERIC_WRITE, windows.OPEN_ALWAYS, sa)
	if err != nil {
		return func() {}
	}
	var flags uint32
	if write {
		flags = windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	// Blocking: a holder holds it for one read or one rename.
	if err := windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, 1, 0, &windows.Overlapped{Offset: 1}); err != nil {
		f.Close()
		return func() {}
	}
	return func() {
		_ = windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, &windows.Overlapped{Offset: 1})
		f.Close()
	}
}
