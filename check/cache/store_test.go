package cache

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Secrets the tests store; no error text may hold them.
const (
	testPassword = "pa55word-SECRET"
	testToken    = "eyJhbGciOi.TOKEN-SECRET.sig"
	testCookie   = "COOKIE-SECRET-value"
	testCSRF     = "CSRF-SECRET"
)

func oauthKey() Key {
	return Key{Kind: KindOAuth, BaseURL: "https://crm.example", User: "monitoring", IdentityURL: "https://id.example"}.WithSecret(testPassword)
}

func formsKey() Key {
	return Key{Kind: KindForms, BaseURL: "https://crm.example", User: "Supervisor"}.WithSecret(testPassword)
}

func oauthEntry() Entry {
	return Entry{ObtainedAt: t0, AccessToken: testToken, TokenType: "Bearer", Expiry: t0.Add(time.Hour)}
}

func formsEntry() Entry {
	return Entry{ObtainedAt: t0, LastUsed: t0.Add(3 * time.Minute), CSRF: testCSRF, Cookies: []Cookie{
		{Name: ".ASPXAUTH", Value: testCookie, Path: "/", Secure: true},
		{Name: "BPMCSRF", Value: testCSRF, Path: "/"},
		{Name: "ASP.NET_SessionId", Value: "sess", Path: "/"},
	}}
}

// equal compares entries by instant, not by time.Location.
func equal(a, b Entry) bool {
	return a.ObtainedAt.Equal(b.ObtainedAt) && a.LastUsed.Equal(b.LastUsed) && a.Expiry.Equal(b.Expiry) &&
		a.AccessToken == b.AccessToken && a.TokenType == b.TokenType && a.CSRF == b.CSRF &&
		slices.Equal(a.Cookies, b.Cookies)
}

// noSecret fails the test if err's text holds a stored secret.
func noSecret(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range []string{testPassword, testToken, testCookie, testCSRF} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error %q holds a secret", err)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q is more than one line", err)
	}
}

func open(t *testing.T) *Store {
	t.Helper()
	st, err := Place{Dir: filepath.Join(t.TempDir(), "cache")}.Open()
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func path(t *testing.T, st *Store, k Key) string {
	t.Helper()
	p, err := st.Path(k)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// entries lists the directory, without the lock files that stay on a
// system where they do (lockFilesStay).
func entries(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, n := range names(t, dir) {
		if !lockFilesStay || !strings.HasSuffix(n, ".lock") {
			out = append(out, n)
		}
	}
	return out
}

// names lists the directory.
func names(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range des {
		out = append(out, de.Name())
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	st := open(t)
	for _, tc := range []struct {
		key Key
		e   Entry
	}{{oauthKey(), oauthEntry()}, {formsKey(), formsEntry()}} {
		if _, ok, err := st.Load(tc.key, t0); ok || err != nil {
			t.Fatalf("%v: Load before Save = %t, %v; want nothing", tc.key, ok, err)
		}
		if err := st.Save(tc.key, tc.e); err != nil {
			t.Fatal(err)
		}
		got, ok, err := st.Load(tc.key, t0.Add(time.Minute))
		if !ok || err != nil || !equal(got, tc.e) {
			t.Fatalf("%v: Load = %+v, %t, %v; want %+v", tc.key, got, ok, err, tc.e)
		}
		fi, err := os.Lstat(path(t, st, tc.key))
		if err != nil || fi.Mode() != 0o600 {
			t.Errorf("%v: file mode %v, %v; want 0600", tc.key, fi.Mode(), err)
		}
		b, _ := os.ReadFile(path(t, st, tc.key))
		if strings.Contains(string(b), testPassword) {
			t.Errorf("the file holds the password: %s", b)
		}
	}
	// A forms session is newer: saved again, the last Save wins.
	e := formsEntry()
	e.LastUsed = t0.Add(time.Hour)
	if err := st.Save(formsKey(), e); err != nil {
		t.Fatal(err)
	}
	if got, ok, _ := st.Load(formsKey(), t0); !ok || !got.LastUsed.Equal(e.LastUsed) {
		t.Errorf("after a second Save, LastUsed = %v, want %v", got.LastUsed, e.LastUsed)
	}
	if got := entries(t, st.Dir()); len(got) != 2 {
		t.Errorf("directory holds %v, want the two entries only", got)
	}
	// Another password is another key: the session is not reused.
	if _, ok, err := st.Load(formsKey().WithSecret("new password"), t0); ok || err != nil {
		t.Errorf("Load with a changed password = %t, %v; want nothing", ok, err)
	}
	for _, k := range []Key{oauthKey(), formsKey()} {
		if err := st.Drop(k); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := st.Load(k, t0); ok || err != nil {
			t.Errorf("Load after Drop = %t, %v; want nothing", ok, err)
		}
		if err := st.Drop(k); err != nil {
			t.Errorf("Drop of nothing: %v", err)
		}
	}
}

func TestLoadExpiredToken(t *testing.T) {
	st := open(t)
	if err := st.Save(oauthKey(), oauthEntry()); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := st.Load(oauthKey(), t0.Add(54*time.Minute-time.Second)); !ok {
		t.Error("token not usable 54 min into its hour")
	}
	e, ok, err := st.Load(oauthKey(), t0.Add(54*time.Minute))
	if ok || err != nil || !e.Expiry.Equal(t0.Add(time.Hour)) {
		t.Errorf("Load at the margin = %+v, %t, %v; want the expired entry and false", e, ok, err)
	}
	if _, err := os.Lstat(path(t, st, oauthKey())); err != nil {
		t.Errorf("an expired entry was removed (%v): a fresh one saved meanwhile could go with it", err)
	}
}

// TestOpenCreates: --cache-dir's directory is created with mode 0700 when
// its parent exists; a missing parent is never created (HOME=/nonexistent
// as root must not make /nonexistent).
func TestOpenCreates(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "check_creatio_oauth")
	st, err := Place{Dir: dir}.Open()
	if err != nil {
		t.Fatal(err)
	}
	if st.Dir() != dir {
		t.Errorf("Dir = %q, want %q", st.Dir(), dir)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("%s: %v, %v; want a directory of mode 0700", dir, fi.Mode(), err)
	}
	missing := filepath.Join(t.TempDir(), "nonexistent", ".cache", "check_creatio_oauth")
	_, err = Place{Dir: missing}.Open()
	if err == nil || !strings.Contains(err.Error(), "its parent "+filepath.Dir(missing)+" does not exist") {
		t.Errorf("Place{Dir: %s}.Open() = %v; want: its parent does not exist", missing, err)
	}
	if _, err := os.Stat(filepath.Dir(filepath.Dir(missing))); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open created a parent of the cache directory: %v", err)
	}
	if _, err := (Place{Dir: ""}).Open(); err == nil {
		t.Error("Place{Dir: \"\"}.Open() works; want an error: no cache")
	}
	// A relative directory is made absolute.
	t.Chdir(t.TempDir())
	st, err = Place{Dir: "rel"}.Open()
	if err != nil || !filepath.IsAbs(st.Dir()) {
		t.Errorf("Place{Dir: rel}.Open() = %v, %v; want an absolute directory", st, err)
	}
}

// TestOpenRefuses: the directory checks of ssh.
func TestOpenRefuses(t *testing.T) {
	root := os.Geteuid() == 0
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string) // dir exists, 0700
		want  string
		root  bool // needs root (chown)
	}{
		{"world-writable", func(t *testing.T, dir string) { chmod(t, dir, 0o777) }, "group- or world-writable (mode 0777); run chmod 700", false},
		{"group-writable", func(t *testing.T, dir string) { chmod(t, dir, 0o770) }, "group- or world-writable (mode 0770)", false},
		{"another owner", func(t *testing.T, dir string) { chown(t, dir, 65534) }, "is owned by uid 65534, not by the running user", true},
		{"a file", func(t *testing.T, dir string) { rm(t, dir); write(t, dir, "x", 0o600) }, "is not a directory", false},
		{"parent world-writable", func(t *testing.T, dir string) { chmod(t, filepath.Dir(dir), 0o777) }, "is group- or world-writable (mode 0777) without the sticky bit", false},
		{"parent of another user", func(t *testing.T, dir string) { chown(t, filepath.Dir(dir), 65534) }, "neither root nor the running user", true},
		{"symlink to a world-writable directory", func(t *testing.T, dir string) {
			other := filepath.Join(filepath.Dir(dir), "other")
			mkdir(t, other, 0o777)
			rm(t, dir)
			symlink(t, other, dir)
		}, "group- or world-writable", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.root && !root {
				t.Skip("needs root to chown")
			}
			dir := filepath.Join(t.TempDir(), "parent", "cache")
			mkdir(t, filepath.Dir(dir), 0o700)
			mkdir(t, dir, 0o700)
			tc.setup(t, dir)
			st, err := Place{Dir: dir}.Open()
			if err == nil {
				t.Fatalf("Open = %v; want an error", st.Dir())
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), dir) {
				t.Errorf("Open: %q; want it to name %s and say %q", err, dir, tc.want)
			}
			noSecret(t, err)
		})
	}
	t.Run("sticky world-writable parent, as /tmp", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "tmp", "cache")
		mkdir(t, filepath.Dir(dir), 0o777|os.ModeSticky)
		if _, err := (Place{Dir: dir}).Open(); err != nil {
			t.Error(err)
		}
	})
	t.Run("symlink to a good directory", func(t *testing.T) {
		other := filepath.Join(t.TempDir(), "real")
		mkdir(t, other, 0o700)
		link := filepath.Join(t.TempDir(), "link")
		symlink(t, other, link)
		if _, err := (Place{Dir: link}).Open(); err != nil {
			t.Error(err)
		}
	})
}

// TestLoadRefuses: a file others could have written or read, or a symlink,
// is an error (and left alone); Save replaces it with a good one.
func TestLoadRefuses(t *testing.T) {
	root := os.Geteuid() == 0
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, p string) // p holds a valid entry
		want  string
		root  bool
	}{
		{"world-writable", func(t *testing.T, p string) { chmod(t, p, 0o666) }, "has mode 0666, open to other users", false},
		{"group-writable", func(t *testing.T, p string) { chmod(t, p, 0o620) }, "has mode 0620", false},
		{"world-readable", func(t *testing.T, p string) { chmod(t, p, 0o604) }, "has mode 0604", false},
		{"another owner", func(t *testing.T, p string) { chown(t, p, 65534) }, "is owned by uid 65534, not by the running user", true},
		{"symlink", func(t *testing.T, p string) {
			real := filepath.Join(t.TempDir(), "real.json")
			if err := os.Rename(p, real); err != nil {
				t.Fatal(err)
			}
			symlink(t, real, p)
		}, "is a symlink; remove it", false},
		{"symlink to nowhere", func(t *testing.T, p string) { rm(t, p); symlink(t, "/nonexistent", p) }, "is a symlink", false},
		{"directory", func(t *testing.T, p string) { rm(t, p); mkdir(t, p, 0o700) }, "is not a regular file", false},
		// A FIFO would block a reader until a writer comes: refused at once.
		{"fifo", func(t *testing.T, p string) {
			rm(t, p)
			mkfifo(t, p)
		}, "is not a regular file", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.root && !root {
				t.Skip("needs root to chown")
			}
			st := open(t)
			if err := st.Save(oauthKey(), oauthEntry()); err != nil {
				t.Fatal(err)
			}
			p := path(t, st, oauthKey())
			tc.setup(t, p)
			e, ok, err := st.Load(oauthKey(), t0)
			if err == nil || ok || e.AccessToken != "" {
				t.Fatalf("Load = %t, %v; want an error and no entry", ok, err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
				t.Errorf("Load: %q; want it to name %s and say %q", err, p, tc.want)
			}
			noSecret(t, err)
			if _, err := os.Lstat(p); err != nil {
				t.Errorf("the refused file is gone: %v", err)
			}
			if tc.name == "directory" {
				return // rename cannot replace a directory with a file
			}
			if err := st.Save(oauthKey(), oauthEntry()); err != nil {
				t.Fatal(err)
			}
			if _, ok, err := st.Load(oauthKey(), t0); !ok || err != nil {
				t.Errorf("after Save: Load = %t, %v; want the entry", ok, err)
			}
		})
	}
}

// TestLoadBadFiles: whatever is in the file, Load gives a valid entry or
// nothing, never a panic; a bad file is removed.
func TestLoadBadFiles(t *testing.T) {
	k := oauthKey()
	id, _ := k.ID()
	good, err := encode(id, KindOAuth, oauthEntry())
	if err != nil {
		t.Fatal(err)
	}
	otherID, _ := formsKey().ID()
	forms, _ := encode(id, KindForms, formsEntry())
	for name, b := range map[string][]byte{
		"empty":               {},
		"truncated":           good[:len(good)/2],
		"one byte short":      good[:len(good)-2],
		"garbage":             []byte("\x00\xff\xfe garbage \x01"),
		"JSON null":           []byte("null"),
		"JSON array":          []byte("[1,2,3]"),
		"another JSON":        []byte(`{"access_token":"x","expires_in":3600}`),
		"version 2":           []byte(strings.Replace(string(good), `"version":1`, `"version":2`, 1)),
		"version 0":           []byte(strings.Replace(string(good), `"version":1`, `"version":0`, 1)),
		"another format":      []byte(strings.Replace(string(good), fileFormat, "something else", 1)),
		"unknown field":       []byte(strings.Replace(string(good), `{`, `{"extra":1,`, 1)),
		"two records":         append(append([]byte{}, good...), good...),
		"trailing garbage":    append(append([]byte{}, good...), "x"...),
		"another key's file":  []byte(strings.Replace(string(good), id, otherID, 1)),
		"another kind":        forms,
		"oversized":           append(append([]byte{}, good[:len(good)-2]...), []byte(strings.Repeat(" ", maxFileSize)+"}")...),
		"bad time":            []byte(strings.Replace(string(good), `"obtained_at":"2026`, `"obtained_at":"x026`, 1)),
		"token with newline":  []byte(strings.Replace(string(good), testToken, `ab\ncd`, 1)),
		"deep nesting":        []byte(strings.Repeat("[", 10000)),
		"BOM then the record": append([]byte("\xef\xbb\xbf"), good...),
	} {
		t.Run(name, func(t *testing.T) {
			st := open(t)
			p := path(t, st, k)
			write(t, p, string(b), 0o600)
			e, ok, err := st.Load(k, t0)
			if ok || err != nil || !equal(e, Entry{}) {
				t.Fatalf("Load = %+v, %t, %v; want nothing", e, ok, err)
			}
			if _, err := os.Lstat(p); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the bad file stays (%v); want it removed", err)
			}
		})
	}
	// The control: the good file loads, with what the bad ones were made of.
	st := open(t)
	write(t, path(t, st, k), string(good), 0o600)
	if _, ok, err := st.Load(k, t0); !ok || err != nil {
		t.Errorf("the good file: Load = %t, %v", ok, err)
	}
}

func TestSaveRefuses(t *testing.T) {
	st := open(t)
	e := oauthEntry()
	e.AccessToken += "\n"
	if err := st.Save(oauthKey(), e); err == nil {
		t.Error("Save of a token with a line break works")
	} else {
		noSecret(t, err)
	}
	if err := st.Save(formsKey(), oauthEntry()); err == nil {
		t.Error("Save of a token under a forms key works")
	}
	if err := st.Save(Key{Kind: KindOAuth, BaseURL: "x"}, oauthEntry()); err == nil {
		t.Error("Save under a key without a secret works")
	}
	if got := entries(t, st.Dir()); len(got) != 0 {
		t.Errorf("refused Saves left %v", got)
	}
	// A directory that is no longer writable: the error says so, no secret.
	if os.Geteuid() != 0 {
		chmod(t, st.Dir(), 0o500)
		t.Cleanup(func() { chmod(t, st.Dir(), 0o700) })
		err := st.Save(oauthKey(), oauthEntry())
		if err == nil {
			t.Error("Save into a read-only directory works")
		}
		noSecret(t, err)
	}
}

// TestSavePrunes: with KeepFor, a Save removes the entry files no check
// has written for longer (an old password's, an old URL's); a young entry,
// a file of another name and the saved key's own stay. Without it nothing
// is removed.
func TestSavePrunes(t *testing.T) {
	st := open(t)
	id, _ := oauthKey().ID()
	stale := filepath.Join(st.Dir(), strings.Repeat("a", 64)+".json")
	young := filepath.Join(st.Dir(), strings.Repeat("b", 64)+".json")
	foreign := filepath.Join(st.Dir(), "notes.json")
	for _, p := range []string{stale, young, foreign} {
		write(t, p, "{}", 0o600)
	}
	past := time.Now().Add(-3 * time.Hour)
	for _, p := range []string{stale, foreign} {
		if err := os.Chtimes(p, past, past); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Save(oauthKey(), oauthEntry()); err != nil {
		t.Fatal(err)
	}
	if got := entries(t, st.Dir()); len(got) != 4 {
		t.Errorf("without KeepFor a Save removed files: %v", got)
	}
	st.KeepFor(2 * time.Hour)
	if err := os.Chtimes(path(t, st, oauthKey()), past, past); err != nil { // its own old file is replaced, not removed
		t.Fatal(err)
	}
	if err := st.Save(oauthKey(), oauthEntry()); err != nil {
		t.Fatal(err)
	}
	got := entries(t, st.Dir())
	want := []string{filepath.Base(young), filepath.Base(foreign), id + ".json"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("after Save with KeepFor(2h) the directory holds %v, want %v", got, want)
	}
}

// TestSaveSweeps: a temporary file a killed process left behind goes with
// the next Save of its key, once it is older than any Save takes; a young
// one (a Save under way) and another key's stay.
func TestSaveSweeps(t *testing.T) {
	st := open(t)
	id, _ := oauthKey().ID()
	otherID, _ := formsKey().ID()
	old := filepath.Join(st.Dir(), "."+id+".123.tmp")
	young := filepath.Join(st.Dir(), "."+id+".456.tmp")
	other := filepath.Join(st.Dir(), "."+otherID+".789.tmp")
	for _, p := range []string{old, young, other} {
		write(t, p, "half", 0o600)
	}
	for _, p := range []string{old, other} {
		past := time.Now().Add(-staleTemp - time.Minute)
		if err := os.Chtimes(p, past, past); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Save(oauthKey(), oauthEntry()); err != nil {
		t.Fatal(err)
	}
	got := entries(t, st.Dir())
	want := []string{filepath.Base(young), filepath.Base(other), id + ".json"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("after Save the directory holds %v, want %v", got, want)
	}
}

func TestLock(t *testing.T) {
	if !lockWorks {
		t.Skip("no lock on this system")
	}
	st := open(t)
	unlock, err := st.Lock(t.Context(), oauthKey())
	if err != nil {
		t.Fatal(err)
	}
	// Held: a second Lock waits until its context ends, then fails with
	// the context's error.
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		u, err := st.Lock(ctx, oauthKey())
		if err == nil {
			u()
		}
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Lock of a held lock with an ended context: %v; want context.Canceled", err)
	}
	// Another key's lock is free.
	u2, err := st.Lock(t.Context(), formsKey())
	if err != nil {
		t.Fatalf("another key's lock: %v", err)
	}
	u2()
	// Released: the next Lock gets it, and no lock file stays.
	unlock()
	unlock() // harmless
	u3, err := st.Lock(t.Context(), oauthKey())
	if err != nil {
		t.Fatal(err)
	}
	u3()
	if got := entries(t, st.Dir()); len(got) != 0 {
		t.Errorf("lock files stay: %v", got)
	}
	if _, err := st.Lock(t.Context(), Key{Kind: KindOAuth, BaseURL: "x"}); err == nil {
		t.Error("Lock of a key without a secret works")
	}
}

// TestLockWaits: a waiter gets the lock when the holder releases it, and
// the two never hold it at once.
func TestLockWaits(t *testing.T) {
	if !lockWorks {
		t.Skip("no lock on this system")
	}
	st := open(t)
	unlock, err := st.Lock(t.Context(), oauthKey())
	if err != nil {
		t.Fatal(err)
	}
	var held atomic.Bool // flock orders the two goroutines, but the race detector cannot see it
	held.Store(true)
	got := make(chan bool, 1)
	go func() {
		u, err := st.Lock(t.Context(), oauthKey())
		if err != nil {
			t.Error(err)
			got <- false
			return
		}
		got <- held.Load() // read under the lock: the holder set it false before releasing
		u()
	}()
	held.Store(false)
	unlock()
	if wasHeld := <-got; wasHeld {
		t.Error("the waiter got the lock while it was held")
	}
}

func TestLockRefuses(t *testing.T) {
	if !lockWorks {
		t.Skip("no lock on this system")
	}
	st := open(t)
	id, _ := oauthKey().ID()
	lock := filepath.Join(st.Dir(), "."+id+".lock")
	symlink(t, filepath.Join(t.TempDir(), "elsewhere"), lock)
	if _, err := st.Lock(t.Context(), oauthKey()); err == nil || !strings.Contains(err.Error(), "is a symlink") {
		t.Errorf("Lock through a symlink: %v; want refused", err)
	}
	rm(t, lock)
	write(t, lock, "", 0o666)
	chmod(t, lock, 0o666)
	if _, err := st.Lock(t.Context(), oauthKey()); err == nil || !strings.Contains(err.Error(), "open to other users") {
		t.Errorf("Lock of a 0666 lock file: %v; want refused", err)
	}
}

func chmod(t *testing.T, p string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
}

func chown(t *testing.T, p string, uid int) {
	t.Helper()
	if err := os.Lchown(p, uid, uid); err != nil {
		t.Fatal(err)
	}
}

func rm(t *testing.T, p string) {
	t.Helper()
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
}

func mkdir(t *testing.T, p string, mode os.FileMode) {
	t.Helper()
	if err := os.Mkdir(p, 0o700); err != nil {
		t.Fatal(err)
	}
	chmod(t, p, mode) // past the umask
}

// write writes a file of mode; on Windows a mode of no access for others
// is the private DACL the plugin writes its files with.
func write(t *testing.T, p, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if mode&0o077 == 0 {
		makePrivate(t, p)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}
