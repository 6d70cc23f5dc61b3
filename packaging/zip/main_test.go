package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Two archives of the same files with the same epoch are the same bytes, even
// when the files' own times differ; each entry carries the epoch, its name and
// content, and a .exe is 0755.
func TestZipReproducible(t *testing.T) {
	dir := t.TempDir()
	exe := write(t, dir, "plugin.exe", strings.Repeat("MZ binary ", 1000))
	readme := write(t, dir, "README.md", "# read me\n")
	const epoch = 1796000000
	args := func(out string) []string {
		return []string{"-o", out, "-epoch", "1796000000", "check_creatio_oauth.exe=" + exe, "README.md=" + readme, "examples/README.md=" + readme}
	}
	a, b := filepath.Join(dir, "a.zip"), filepath.Join(dir, "b.zip")
	if err := run(args(a)); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(exe, later, later); err != nil {
		t.Fatal(err)
	}
	if err := run(args(b)); err != nil {
		t.Fatal(err)
	}
	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if !bytes.Equal(ab, bb) {
		t.Fatalf("two archives of the same files differ (%d and %d bytes)", len(ab), len(bb))
	}
	zr, err := zip.NewReader(bytes.NewReader(ab), int64(len(ab)))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name string
		mode os.FileMode
		from string
	}{{"check_creatio_oauth.exe", 0o755, exe}, {"README.md", 0o644, readme}, {"examples/README.md", 0o644, readme}}
	if len(zr.File) != len(want) {
		t.Fatalf("%d entries, want %d", len(zr.File), len(want))
	}
	for i, f := range zr.File {
		w := want[i]
		if f.Name != w.name || f.Mode() != w.mode || !f.Modified.Equal(time.Unix(epoch, 0)) {
			t.Errorf("entry %d: %s %v %v, want %s %v %v", i, f.Name, f.Mode(), f.Modified, w.name, w.mode, time.Unix(epoch, 0).UTC())
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if src, _ := os.ReadFile(w.from); !bytes.Equal(got, src) {
			t.Errorf("%s: content differs from %s", f.Name, w.from)
		}
	}
}

func TestZipRefuses(t *testing.T) {
	dir := t.TempDir()
	f := write(t, dir, "f", "x")
	out := filepath.Join(dir, "o.zip")
	for _, args := range [][]string{
		{"-o", out, "-epoch", "1796000000"},                                    // no entries
		{"-o", out, "-epoch", "soon", "f=" + f},                                // no number
		{"-o", out, "-epoch", "0", "f=" + f},                                   // before 1980
		{"-o", out, "-epoch", "1796000000", "f"},                               // no =
		{"-o", out, "-epoch", "1796000000", "../f=" + f},                       // outside
		{"-o", out, "-epoch", "1796000000", `a\f=` + f},                        // backslash
		{"-o", out, "-epoch", "1796000000", "f=" + f, "f=" + f},                // twice
		{"-o", out, "-epoch", "1796000000", "f=" + filepath.Join(dir, "none")}, // missing
		{"-o", out, "-epoch", "1796000000", "d=" + dir},                        // a directory
	} {
		if err := run(args); err == nil {
			t.Errorf("%q: no error", args)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%q: left %s behind", args, out)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".zip-*")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

// -sums lists every other file of the directory, sorted, as sha256sum does;
// a second run replaces the file instead of summing it.
func TestSums(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"b.zip": "bee", "a.deb": "ay", "c.rpm": ""}
	for n, c := range files {
		write(t, dir, n, c)
	}
	for range 2 {
		if err := run([]string{"-sums", dir}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(filepath.Join(dir, SumsName))
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, n := range []string{"a.deb", "b.zip", "c.rpm"} {
		s := sha256.Sum256([]byte(files[n]))
		want.WriteString(hex.EncodeToString(s[:]) + "  " + n + "\n")
	}
	if string(got) != want.String() {
		t.Errorf("SHA256SUMS:\n%s\nwant:\n%s", got, want.String())
	}
	if err := run([]string{"-sums", t.TempDir()}); err == nil {
		t.Error("an empty directory: no error")
	}
}
