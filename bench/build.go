//go:build linux

package main

import (
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// moduleRoot walks up from the working directory to the go.mod of module
// check_creatio_oauth.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("locating the repository: %w", err)
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(strings.TrimSpace(string(data)), "module check_creatio_oauth") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("run from inside the check_creatio_oauth repository (no go.mod of that module above %s)", dir)
		}
		dir = parent
	}
}

// goBuild builds pkg (relative to root) into out with the release flags,
// with CGO_ENABLED=0 when static is set.
func goBuild(root, out, pkg string, static bool) error {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
	cmd.Dir = root
	if static {
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	}
	msg, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build -trimpath -ldflags \"-s -w\" -o %s %s: %w\n%s", out, pkg, err, msg)
	}
	return nil
}

// isStatic reports whether the ELF executable at path has no program
// interpreter (dynamic loader), as Go programs built with CGO_ENABLED=0.
func isStatic(path string) bool {
	f, err := elf.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return false
		}
	}
	return true
}

// hasSymbols reports whether the ELF executable at path still has its
// symbol table or DWARF, i.e. was not built with -ldflags "-s -w".
func hasSymbols(path string) bool {
	f, err := elf.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	return f.Section(".symtab") != nil || f.Section(".debug_info") != nil
}

// linking describes how the ELF executable at path is linked.
func linking(path string) string {
	if isStatic(path) {
		return "static"
	}
	return "dynamic (cgo: ld.so and libc are loaded at start)"
}

// binaries resolves our binary and builds the bare GET the same way; it
// returns our binary's path and a note about where it came from.
func (b *bench) binaries() (string, string, error) {
	b.bare = filepath.Join(b.tmp, "bareget")
	bin, standIn, note, err := b.ourBinary()
	if err != nil {
		return "", "", err
	}
	b.standIn = standIn
	// The bare GET gets the same build as our binary: if ours is static
	// (CGO_ENABLED=0), so is the bare GET.
	b.static = !standIn && isStatic(bin)
	if !standIn {
		if err := goBuild(b.root, b.bare, "./bench/bareget", b.static); err != nil {
			return "", "", fmt.Errorf("building bench/bareget: %w", err)
		}
	}
	return bin, note, nil
}

// ourBinary resolves -bin: an existing file, the bare GET stand-in, or a
// fresh build of the repository into the temp dir. It returns a note about
// where the binary came from.
func (b *bench) ourBinary() (path string, standIn bool, note string, err error) {
	if b.cfg.bin == "bareget" {
		if err := goBuild(b.root, b.bare, "./bench/bareget", false); err != nil {
			return "", false, "", fmt.Errorf("building bench/bareget: %w", err)
		}
		return b.bare, true, "STAND-IN: the bare GET program plays our binary (-bin bareget); numbers are not the plugin's", nil
	}
	if !b.cfg.rebuild {
		for _, p := range candidates(b.cfg.bin, b.root) {
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				note = "binary: " + p
				if hasSymbols(p) {
					note += " (WARNING: not stripped, so not the release build -ldflags \"-s -w\"; make build, or pass -rebuild)"
				}
				if newer := newestSource(b.root); newer.After(st.ModTime()) {
					note += fmt.Sprintf(" (WARNING: older than the newest .go source, %s; rebuild it or pass -rebuild)", newer.Format(time.TimeOnly))
				}
				return p, false, note, nil
			}
		}
	}
	out := filepath.Join(b.tmp, "check_creatio_oauth")
	fmt.Fprintf(os.Stderr, "bench: building our binary: go build -trimpath -ldflags \"-s -w\" -o %s .\n", out)
	if err := goBuild(b.root, out, ".", false); err != nil {
		return "", false, "", fmt.Errorf("%w\n(the plugin does not build yet? try -bin bareget to exercise the harness)", err)
	}
	return out, false, "binary: built from " + b.root + " into a temp dir", nil
}

// candidates lists where -bin may be: as given (relative to the working
// directory), then relative to the module root.
func candidates(bin, root string) []string {
	out := []string{}
	if abs, err := filepath.Abs(bin); err == nil {
		out = append(out, abs)
	}
	if !filepath.IsAbs(bin) {
		out = append(out, filepath.Join(root, bin))
	}
	return out
}

// newestSource returns the modification time of the newest .go file of the
// plugin (outside bench/ and testdata/).
func newestSource(root string) time.Time {
	var newest time.Time
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			switch d.Name() {
			case "bench", "testdata", ".git", "vendor":
				if p != root {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			if info, err := d.Info(); err == nil && info.ModTime().After(newest) {
				newest = info.ModTime()
			}
		}
		return nil
	})
	return newest
}
