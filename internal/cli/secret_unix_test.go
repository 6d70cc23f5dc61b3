//go:build unix

package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
)

// A secret file that is not what it should be is named, at once, for what
// it is. A FIFO without a writer would block a plain open or read for good:
// the plugin refuses it without blocking (the test would hang otherwise,
// until go test's own timeout).
func TestSecretFileRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	link := filepath.Join(dir, "link-to-fifo")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	firstEmpty := fixture.WriteFile(t, "first-empty", "\n"+fixture.Password+"\n")
	bomOnly := fixture.WriteFile(t, "bom-only", "\ufeff")
	bomThenEmpty := fixture.WriteFile(t, "bom-then-empty", "\ufeff\r\n"+fixture.Password)
	empty := fixture.WriteFile(t, "empty", "")
	big := fixture.WriteFile(t, "big", strings.Repeat("x", maxSecretFile+1))
	forms := []string{"-U", "http://127.0.0.1:1", "--user", fixture.User, "-t", "10:WARNING", "--password-file"}
	for _, tc := range []struct {
		name, file, says string
	}{
		{"FIFO without a writer", fifo, fifo + " is a FIFO (named pipe), not a regular file"},
		{"symbolic link to a FIFO", link, link + " is a FIFO (named pipe), not a regular file"},
		{"directory", dir, dir + " is a directory, not a regular file"},
		{"device", os.DevNull, os.DevNull + " is a device, not a regular file"},
		{"first line empty", firstEmpty, "--password-file " + firstEmpty + ": the first line is empty"},
		{"BOM, then an empty first line", bomThenEmpty, "--password-file " + bomThenEmpty + ": the first line is empty"},
		{"only a BOM", bomOnly, "--password-file " + bomOnly + " is empty"},
		{"empty", empty, "--password-file " + empty + " is empty"},
		{"over 64 KiB", big, "larger than 65536 bytes"},
		{"missing", filepath.Join(dir, "none"), "no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, format := range []string{"nagios", "json"} {
				got, out := runPlugin(t, nil, append(append([]string{}, forms...), tc.file, "--output", format)...)
				if got != plugin.Unknown || !bytes.Contains(out, []byte(tc.says)) || bytes.Count(out, []byte("\n")) != 1 {
					t.Errorf("%s: state %v, want one UNKNOWN line saying %q\n%s", format, got, tc.says, out)
				}
				if bytes.Contains(out, []byte(fixture.Password)) {
					t.Errorf("%s: the password is printed\n%s", format, out)
				}
			}
		})
	}
}

// A secret file that others can read is said from -v on, as ssh says of an
// unprotected key; the check runs all the same.
func TestSecretFileReadableByOthers(t *testing.T) {
	s := fixture.NewStand(t, 0)
	for _, tc := range []struct {
		mode os.FileMode
		who  string
	}{{0o644, "all users (mode 0644)"}, {0o640, "its group (mode 0640)"}, {0o600, ""}, {0o400, ""}} {
		pw := fixture.WriteFile(t, "pw", fixture.Password+"\n")
		if err := os.Chmod(pw, tc.mode); err != nil {
			t.Fatal(err)
		}
		args := []string{"-U", s.C.URL + "/forms", "--user", fixture.User, "--password-file", pw, "--no-cache"}
		for _, v := range []string{"", "-v", "-vv"} {
			st, out := runPlugin(t, nil, append(args, v)[:len(args)+min(len(v), 1)]...)
			said := bytes.Contains(out, []byte("warning: --password-file "+pw+" is readable by "+tc.who+"; make it readable by this user only (chmod 600)"))
			if st != plugin.OK || said != (tc.who != "" && v != "") || tc.who == "" && bytes.Contains(out, []byte("warning:")) {
				t.Errorf("mode %04o %s: %v, warning said %t:\n%s", tc.mode, v, st, said, out)
			}
		}
	}
}
