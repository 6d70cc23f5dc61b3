package cache

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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
}

// Open opens the cache directory dir, creating it (and missing parents)
// with mode 0700. It refuses, with an error of one line that says why and
// what to do, a directory that is not the running user's own or that others
// may write to, or a parent directory that others may change (as ssh
// treats ~/.ssh). An empty dir is an error: no cache.
func Open(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("no cache directory: neither XDG_CACHE_HOME nor HOME is set")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("cache directory %s: %w", dir, err)
	}
	uid := os.Geteuid()
	if _, err := os.Stat(abs); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(abs, 0o700); err != nil {
			return nil, fmt.Errorf("cache directory: %w", err)
		}
	}
	if err := checkDir(abs, uid); err != nil {
		return nil, err
	}
	return &Store{dir: abs, uid: uid}, nil
}

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
// a file that is corrupt, truncated, larger than [MaxFileSize], of another
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
	b, fi, err := s.read(path)
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

// read reads an entry file that passes checkFile, at most MaxFileSize+1
// bytes of it.
func (s *Store) read(path string) ([]byte, fs.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		if isSymlink(err, path) {
			return nil, nil, fmt.Errorf("cache file %s is a symlink; remove it", path)
		}
		return nil, nil, fmt.Errorf("cache file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("cache file: %w", err)
	}
	if err := checkFile(path, fi, s.uid); err != nil {
		return nil, nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("cache file: %w", err)
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
		_ = os.Remove(path) // best effort: a file that stays is read as absent again
	}
}

// Save writes key's entry atomically: a temporary file (mode 0600) in the
// same directory, synced, then renamed over the old file, so a reader sees
// the old entry or the new one, never part of one. It also removes
// temporary files of this key that a killed process left behind. It fails
// for an entry that is not valid for the key's kind (see [Entry]) or that
// would encode larger than [MaxFileSize].
func (s *Store) Save(key Key, e Entry) error {
	id, path, err := s.file(key)
	if err != nil {
		return err
	}
	b, err := encode(id, key.Kind, e)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(s.dir, "."+id+".*.tmp")
	if err != nil {
		return fmt.Errorf("cache file: %w", err)
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
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cache file: %w", err)
	}
	s.sweep(id)
	return nil
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
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cache file: %w", err)
	}
	return nil
}
