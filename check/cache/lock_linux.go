//go:build linux

package cache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
)

// Lock takes key's lock, waiting while another check (process or
// goroutine) holds it, but never past ctx's end: then it returns an error
// that wraps ctx's error, and the caller goes on without the lock (give it
// a ctx with a deadline well inside the check's own). unlock releases the
// lock; calling it more than once is harmless. The kernel releases the
// lock of a process that dies, so a killed check never blocks the others.
//
// The lock is flock(2) on a file next to the entry ("."+ID+".lock"),
// removed by unlock, so the directory holds only entries when no check
// runs. A waiter that gets the lock of a file removed meanwhile tries
// again with the file now in its place.
func (s *Store) Lock(ctx context.Context, key Key) (unlock func(), err error) {
	id, err := key.ID()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(s.dir, "."+id+".lock")
	for {
		f, err := s.lockFile(ctx, path)
		if err != nil {
			return nil, err
		}
		// Still the file at path? Its holder may have removed it
		// while this one waited.
		held, err1 := f.Stat()
		cur, err2 := os.Lstat(path)
		if err1 == nil && err2 == nil && os.SameFile(held, cur) {
			var once sync.Once
			return func() {
				once.Do(func() {
					os.Remove(path) // before the release, so no one gets a removed file's lock
					f.Close()
				})
			}, nil
		}
		f.Close()
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("cache lock %s: %w", path, err)
		}
	}
}

// lockFile opens or creates the lock file at path and flocks it, polling
// with a growing pause (waitLock) until ctx ends.
func (s *Store) lockFile(ctx context.Context, path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|openFlags, 0o600)
	if err != nil {
		if isSymlink(err, path) {
			return nil, fmt.Errorf("cache lock %s is a symlink; remove it", path)
		}
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
	busy := func(err error) bool { return errors.Is(err, syscall.EWOULDBLOCK) }
	if err := waitLock(ctx, path, func() error { return flock(f) }, busy); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// flock tries once to take an exclusive flock on f.
func flock(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	err = rc.Control(func(fd uintptr) {
		for {
			ferr = syscall.Flock(int(fd), syscall.LOCK_EX|syscall.LOCK_NB)
			if ferr != syscall.EINTR {
				return
			}
		}
	})
	if err != nil {
		return err
	}
	return ferr
}
