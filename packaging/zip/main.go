// Command zip writes the Windows zip archives and the SHA256SUMS file of
// make package with Go's own archive/zip and crypto/sha256, so that packaging
// needs only Go and make (packaging/README.md).
//
//	go run ./packaging/zip -o OUT.zip -epoch SECONDS NAME=FILE...
//	go run ./packaging/zip -sums DIR
//
// The first form writes OUT.zip with one entry per NAME=FILE, in the order
// given: NAME is the path inside the archive (slashes), FILE the file to store.
// Every entry's time is -epoch (SOURCE_DATE_EPOCH, in UTC), its mode 0755 for
// a .exe and 0644 otherwise, so two runs on the same files give the same bytes.
//
// The second form writes DIR/SHA256SUMS for every other regular file in DIR,
// sorted by name, in the format of sha256sum (and sha256sum -c).
package main

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SumsName is the name of the checksum file that -sums writes.
const SumsName = "SHA256SUMS"

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "packaging/zip:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("zip", flag.ContinueOnError)
	out := fs.String("o", "", "the zip `file` to write")
	epoch := fs.String("epoch", os.Getenv("SOURCE_DATE_EPOCH"), "the entries' time, in `seconds` since 1970 (default $SOURCE_DATE_EPOCH)")
	sums := fs.String("sums", "", "write `dir`/SHA256SUMS for the other files in dir")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *sums != "" {
		if *out != "" || fs.NArg() > 0 {
			return errors.New("-sums takes a directory only")
		}
		return writeSums(*sums)
	}
	if *out == "" || fs.NArg() == 0 {
		return errors.New("usage: zip -o OUT.zip -epoch SECONDS NAME=FILE... | zip -sums DIR")
	}
	secs, err := strconv.ParseInt(*epoch, 10, 64)
	if err != nil {
		return fmt.Errorf("-epoch (or SOURCE_DATE_EPOCH) must be seconds since 1970, not %q", *epoch)
	}
	var entries []entry
	for _, a := range fs.Args() {
		e, err := parseEntry(a)
		if err != nil {
			return err
		}
		entries = append(entries, e)
	}
	return writeZip(*out, time.Unix(secs, 0).UTC(), entries)
}

// entry is one file of an archive: its name inside and its file outside.
type entry struct{ name, file string }

func parseEntry(a string) (entry, error) {
	name, file, ok := strings.Cut(a, "=")
	if !ok || name == "" || file == "" {
		return entry{}, fmt.Errorf("%q: an entry is NAME=FILE", a)
	}
	if strings.Contains(name, `\`) || path.IsAbs(name) || path.Clean(name) != name || strings.HasPrefix(name, "../") {
		return entry{}, fmt.Errorf("%q: the name inside the archive must be a clean relative path with slashes", name)
	}
	return entry{name: name, file: file}, nil
}

// writeZip writes the archive to a temporary file next to out and renames it
// into place, so that out is never a partial archive.
func writeZip(out string, mtime time.Time, entries []entry) (err error) {
	if mtime.Year() < 1980 {
		return fmt.Errorf("the time %s is before 1980, which a zip cannot store", mtime)
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".zip-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	zw := zip.NewWriter(tmp)
	seen := map[string]bool{}
	for _, e := range entries {
		if seen[e.name] {
			return fmt.Errorf("%s: twice in the archive", e.name)
		}
		seen[e.name] = true
		if err := add(zw, e, mtime); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}

func add(zw *zip.Writer, e entry, mtime time.Time) error {
	f, err := os.Open(e.file)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file", e.file)
	}
	h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: mtime}
	mode := os.FileMode(0o644)
	if strings.EqualFold(path.Ext(e.name), ".exe") {
		mode = 0o755
	}
	h.SetMode(mode)
	w, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("%s: %w", e.file, err)
	}
	return nil
}

// writeSums writes dir/SHA256SUMS: "HEX  NAME" a line for each regular file
// in dir but SHA256SUMS itself, sorted by name.
func writeSums(dir string) error {
	des, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var names []string
	for _, de := range des {
		if de.Name() != SumsName && de.Type().IsRegular() {
			names = append(names, de.Name())
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("%s: no files to sum", dir)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		if strings.ContainsAny(n, "\\\n") {
			return fmt.Errorf("%q: a name sha256sum would escape", n)
		}
		sum, err := fileSHA256(filepath.Join(dir, n))
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s  %s\n", sum, n)
	}
	return os.WriteFile(filepath.Join(dir, SumsName), []byte(b.String()), 0o644)
}

func fileSHA256(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
