//go:build unix

package cache

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// env is an Env of the running user whose password entry names home (""
// for no entry), with its shared directory in a fresh sticky directory.
func env(t *testing.T, vars map[string]string, home string) Env {
	shared := filepath.Join(t.TempDir(), "vartmp")
	mkdir(t, shared, 0o777|os.ModeSticky)
	return Env{
		Getenv: func(k string) string { return vars[k] },
		UID:    os.Geteuid(),
		Home: func(int) (string, error) {
			if home == "" {
				return "", errors.New("unknown userid")
			}
			return home, nil
		},
		Shared: shared,
	}
}

// TestLookup: XDG_CACHE_HOME and HOME count only when they are existing
// directories of the running user; then the password entry's home; then a
// per-user directory in the shared directory.
func TestLookup(t *testing.T) {
	mine, home, pwHome := t.TempDir(), t.TempDir(), t.TempDir()
	missing := filepath.Join(t.TempDir(), "nonexistent")
	uid := strconv.Itoa(os.Geteuid())
	for _, tc := range []struct {
		name   string
		vars   map[string]string
		pwHome string
		want   string // the directory; "shared" for the per-user one
		from   string
		passed string // a word of the places passed over
	}{
		{"XDG_CACHE_HOME", map[string]string{"XDG_CACHE_HOME": mine, "HOME": home}, pwHome, filepath.Join(mine, "check_creatio_oauth"), "$XDG_CACHE_HOME", ""},
		{"relative XDG_CACHE_HOME", map[string]string{"XDG_CACHE_HOME": "rel", "HOME": home}, pwHome, filepath.Join(home, ".cache", "check_creatio_oauth"), "$HOME", "XDG_CACHE_HOME=rel is not absolute"},
		{"missing XDG_CACHE_HOME", map[string]string{"XDG_CACHE_HOME": missing, "HOME": home}, pwHome, filepath.Join(home, ".cache", "check_creatio_oauth"), "$HOME", "does not exist"},
		{"HOME", map[string]string{"HOME": home}, pwHome, filepath.Join(home, ".cache", "check_creatio_oauth"), "$HOME", ""},
		{"no environment (Icinga 2, Nagios 4)", nil, pwHome, filepath.Join(pwHome, ".cache", "check_creatio_oauth"), "the password entry of uid " + uid, ""},
		{"HOME=/nonexistent (systemd's User=zabbix)", map[string]string{"HOME": missing}, pwHome, filepath.Join(pwHome, ".cache", "check_creatio_oauth"), "the password entry", "HOME=" + missing + " does not exist"},
		{"a home that does not exist", map[string]string{"HOME": missing}, missing, "shared", "no home of uid " + uid + "'s own", "the home of uid " + uid + "=" + missing + " does not exist"},
		{"no password entry", nil, "", "shared", "no home of uid " + uid + "'s own", "no entry in /etc/passwd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := env(t, tc.vars, tc.pwHome)
			p := Lookup(e)
			want := tc.want
			if want == "shared" {
				want = filepath.Join(e.Shared, "check_creatio_oauth-"+uid)
				if !p.Private || p.Base != e.Shared {
					t.Errorf("the per-user directory is not private below %s: %+v", e.Shared, p)
				}
			}
			if p.Dir != want || !strings.HasPrefix(p.From, tc.from) {
				t.Errorf("Lookup = %q from %q, want %q from %q", p.Dir, p.From, want, tc.from)
			}
			if tc.passed != "" && !strings.Contains(strings.Join(p.Passed, "; "), tc.passed) {
				t.Errorf("Passed = %q, want it to say %q", p.Passed, tc.passed)
			}
		})
	}
	// A home of another user is not the running user's: Lookup as
	// another uid passes over every directory the tests made.
	e := env(t, map[string]string{"XDG_CACHE_HOME": mine, "HOME": home}, pwHome)
	e.UID = os.Geteuid() + 4242
	if p := Lookup(e); !p.Private || !strings.Contains(strings.Join(p.Passed, "; "), "HOME="+home+" is owned by uid "+uid) {
		t.Errorf("Lookup as another uid = %+v; want the per-user directory, HOME passed over as another's", p)
	}
}

// TestPlaceOpen: Open creates ~/.cache in a home of the user's, and the
// per-user directory with mode 0700; it never creates a home.
func TestPlaceOpen(t *testing.T) {
	home := t.TempDir()
	p := Lookup(env(t, map[string]string{"HOME": home}, ""))
	st, err := p.Open()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{st.Dir(), filepath.Dir(st.Dir())} {
		if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: %v; want mode 0700", d, err)
		}
	}
	e := env(t, nil, "")
	p = Lookup(e)
	if _, err := p.Open(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(p.Dir); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Errorf("the per-user directory %s: %v, %v; want a directory of mode 0700", p.Dir, fi, err)
	}
	if _, err := p.Open(); err != nil { // the second run finds it
		t.Errorf("the per-user directory the plugin made is refused: %v", err)
	}
	// A Place whose base is missing is refused, and the base not made.
	gone := Place{Dir: filepath.Join(t.TempDir(), "nonexistent", ".cache", "check_creatio_oauth"), Base: filepath.Join(t.TempDir(), "nonexistent")}
	if _, err := gone.Open(); err == nil {
		t.Error("Open below a missing base works")
	}
	if _, err := os.Stat(gone.Base); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open created the base %s", gone.Base)
	}
}

// TestPlaceOpenRefusesShared: a per-user directory in /var/tmp that is
// not what the plugin makes is refused, with the reason: anyone may make
// that name first.
func TestPlaceOpenRefusesShared(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string
		root  bool
	}{
		{"mode 0755", func(t *testing.T, dir string) { mkdir(t, dir, 0o700); chmod(t, dir, 0o755) }, "has mode 0755, not the 0700", false},
		{"a symlink to a directory of the user's", func(t *testing.T, dir string) {
			other := filepath.Join(t.TempDir(), "other")
			mkdir(t, other, 0o700)
			symlink(t, other, dir)
		}, "is a symlink", false},
		{"a file", func(t *testing.T, dir string) { write(t, dir, "x", 0o600) }, "is not a directory", false},
		{"made by another user", func(t *testing.T, dir string) { mkdir(t, dir, 0o700); chown(t, dir, 65534) }, "is owned by uid 65534, not by the running user (uid 0): someone else made it", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.root && os.Geteuid() != 0 {
				t.Skip("needs root to chown")
			}
			p := Lookup(env(t, nil, ""))
			tc.setup(t, p.Dir)
			_, err := p.Open()
			var pr *Problem
			if !errors.As(err, &pr) || !strings.Contains(err.Error(), tc.want) || pr.Path != p.Dir {
				t.Errorf("Open = %v; want a Problem of %s that says %q", err, p.Dir, tc.want)
			}
		})
	}
}

// TestOpenReadOnly: a directory the user cannot write to is said at Open,
// not when the first entry is saved. A read-only bind mount needs root
// and a mount namespace, so the mode stands in for it when not root (root
// writes whatever the mode).
func TestOpenReadOnly(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes to a directory of mode 0500; the read-only file system case is measured with a bind mount (see the report)")
	}
	dir := filepath.Join(t.TempDir(), "ro")
	mkdir(t, dir, 0o500)
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	_, err := Place{Dir: dir}.Open()
	if err == nil || !strings.Contains(err.Error(), "cannot be written: permission denied") {
		t.Errorf("Open of a directory of mode 0500 = %v; want: cannot be written", err)
	}
}

// TestProblemShort: the short text has no path, so an entry's 64-digit
// name never leads line 1.
func TestProblemShort(t *testing.T) {
	p := &Problem{What: "cache file", Path: "/c/" + strings.Repeat("a", 64) + ".json", Issue: "is owned by uid 7, not by the running user (uid 0)", Fix: "remove it"}
	if got := ShortText(p); got != "cache file is owned by uid 7, not by the running user (uid 0)" {
		t.Errorf("ShortText = %q", got)
	}
	if got := p.Error(); !strings.HasPrefix(got, "cache file /c/aaaa") || !strings.HasSuffix(got, "; remove it") {
		t.Errorf("Error = %q", got)
	}
	if got := ShortText(errors.New("other")); got != "other" {
		t.Errorf("ShortText(other) = %q", got)
	}
}
