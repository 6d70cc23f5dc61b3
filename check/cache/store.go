package cache

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// staleTemp is the age after which a temporary file of a Save is taken for
// one left behind by a killed process and removed: no Save takes this long.
const staleTemp = 10 * time.Minute

// Store is an opened cache directory. Its methods are safe for concurrent
// use, by goroutines and by processes.
type Store struct {
	dir string
	uid int
	// keep is how long an entry file may go unwritten before a Save
	// removes it (see [Store.KeepFor]); 0: no file is removed.
	keep time.Duration
}

// KeepFor makes each Save remove the entry files (of any key) that no
// check has written for longer than d: entries of an old password, URL or
// user, which no check will ask for again, do not pile up. The caller
// gives its longest reuse plus a margin: an entry in use is written at
// least that often (a login, or a forms session's last use).
func (s *Store) KeepFor(d time.Duration) { s.keep = d }

// Dir is the store's directory, absolute.
func (s *Store) Dir() string { return s.dir }

// Path is the file of key's entry (whether or not it exists).
func (s *Store) Path(key Key) (string, error) {
	_, path, err := s.file(key)
	return path, err
}

// file is key's digest and the path of its entry file.
func (s *Store) file(key Key) (id, path string, err error) {
	id, err = key.ID()
	if err != nil {
		return "", "", err
	}
	return id, filepath.Join(s.dir, id+".json"), nil
}

// Load reads key's entry. ok is false when there is none to use: no file;
// a file that is corrupt, truncated, larger than [maxFileSize], of another
// format or version, or of another key (such a file is removed); or an
// OAuth token past [UsableUntil] at now, which is returned in e (with ok
// false) so -vv can say when it expired. A forms session is returned
// whatever its age: the caller tries it. The error is for a file that must
// not be used (a symlink, another owner, open to others) or cannot be read;
// it says why in one line and holds no credential.
func (s *Store) Load(key Key, now time.Time) (e Entry, ok bool, err error) {
	id, path, err := s.file(key)
	if err != nil {
		return Entry{}, false, err
	}
	release := s.guard(id, false)
	b, fi, err := s.read(path)
	release()
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Entry{}, false, nil
	case err != nil:
		return Entry{}, false, err
	}
	fileID, kind, e, err := decode(b)
	if err != nil || fileID != id || kind != key.Kind {
		dropIfSame(path, fi)
		return Entry{}, false, nil
	}
	if kind == KindOAuth && !e.Usable(now) {
		return e, false, nil
	}
	return e, true, nil
}

// read reads an entry file that passes checkFile, at most maxFileSize+1
// bytes of it.
func (s *Store) read(path string) ([]byte, fs.FileInfo, error) {
	f, err := openEntry(path)
	if err != nil {
		if isSymlink(err, path) {
			return nil, nil, &Problem{What: "cache file", Path: path, Issue: "is a symlink", Fix: "remove it"}
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, err
		}
		return nil, nil, sysProblem("cache file", path, "cannot be read", err, "")
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, sysProblem("cache file", path, "cannot be read", err, "")
	}
	if err := checkFile(path, fi, s.uid); err != nil {
		return nil, nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, nil, sysProblem("cache file", path, "cannot be read", err, "")
	}
	return b, fi, nil
}

// dropIfSame removes a bad entry file, unless another process has renamed
// a new file into its place since it was read (a Save makes a new file, so
// a new inode): that is someone's fresh entry. The check and the removal
// are not atomic; the worst a race does is remove a fresh entry, which
// costs one more login and never a wrong credential.
func dropIfSame(path string, read fs.FileInfo) {
	if fi, err := os.Lstat(path); err == nil && os.SameFile(fi, read) {
		_ = removeEntry(path) // best effort: a file that stays is read as absent again
	}
}

// Save writes key's entry atomically: a temporary file (mode 0600) in the
// same directory, synced, then renamed over the old file, so a reader sees
// the old entry or the new one, never part of one. It also removes
// temporary files of this key that a killed process left behind. It fails
// for an entry that is not valid for the key's kind (see [Entry]) or that
// would encode larger than [maxFileSize].
func (s *Store) Save(key Key, e Entry) error {
	id, path, err := s.file(key)
	if err != nil {
		return err
	}
	b, err := encode(id, key.Kind, e)
	if err != nil {
		return err
	}
	f, err := createTemp(s.dir, "."+id+".*.tmp")
	if err != nil {
		return sysProblem("cache directory", s.dir, "cannot be written", err, "")
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		release := s.guard(id, true)
		err = replace(tmp, path)
		release()
	}
	if err != nil {
		os.Remove(tmp)
		return sysProblem("cache file", path, "cannot be written", err, "")
	}
	s.sweep(id)
	s.prune(id)
	return nil
}

// prune removes the entry files other than the one of id that no check
// has written for longer than s.keep (see [Store.KeepFor]). Only names of
// entry files (64 hex digits + ".json") that are regular files of the
// running user are removed; a lock file is its holder's.
func (s *Store) prune(id string) {
	if s.keep <= 0 {
		return
	}
	names, _ := filepath.Glob(filepath.Join(s.dir, "*.json"))
	for _, n := range names {
		base := strings.TrimSuffix(filepath.Base(n), ".json")
		if base == id || !isHexID(base) {
			continue
		}
		if fi, err := os.Lstat(n); err == nil && fi.Mode().IsRegular() && mine(n, fi, s.uid) && time.Since(fi.ModTime()) > s.keep {
			removeEntry(n)
		}
	}
}

// sweep removes temporary files of the key with digest id older than
// staleTemp: left by a process killed between creating and renaming one.
func (s *Store) sweep(id string) {
	names, _ := filepath.Glob(filepath.Join(s.dir, "."+id+".*.tmp"))
	for _, n := range names {
		if fi, err := os.Lstat(n); err == nil && time.Since(fi.ModTime()) > staleTemp {
			os.Remove(n)
		}
	}
}

// Drop removes key's entry, if any: the caller found it refused.
func (s *Store) Drop(key Key) error {
	path, err := s.Path(key)
	if err != nil {
		return err
	}
	if err := removeEntry(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return sysProblem("cache file", path, "cannot be removed", err, "")
	}
	return nil
}
