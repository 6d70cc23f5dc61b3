package cache

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// setDACL gives path the DACL of sddl ("D:P(...)": protected).
func setDACL(t *testing.T, path, sddl string) {
	t.Helper()
	sd, err := windows.SecurityDescriptorFromString(sddl)
	if err != nil {
		t.Fatal(err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		t.Fatal(err)
	}
	if err := windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil); err != nil {
		t.Fatalf("%s: DACL %s: %v", path, sddl, err)
	}
}

// makePrivate gives a file the DACL the plugin writes its files with.
func makePrivate(t *testing.T, path string) {
	t.Helper()
	a, err := self()
	if err != nil {
		t.Fatal(err)
	}
	setDACL(t, path, "D:P(A;;FA;;;"+a.user.String()+")(A;;FA;;;SY)(A;;FA;;;BA)")
}

// mkfifo skips the test: no FIFOs in the file system here.
func mkfifo(t *testing.T, _ string) {
	t.Helper()
	t.Skip("no FIFOs in the file system on Windows")
}

// The directory Open makes and the files Save writes are the running
// user's, and their DACLs let no one else in: the user, SYSTEM and
// Administrators only, nothing inherited.
func TestWindowsPrivateDACL(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "check_creatio_oauth")
	st, err := Place{Dir: dir, Base: filepath.Dir(filepath.Dir(dir))}.Open()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Save(oauthKey(), oauthEntry()); err != nil {
		t.Fatal(err)
	}
	a, err := self()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("running user %s, default owner %s", name(a.user), name(a.owner))
	for _, p := range []string{filepath.Dir(dir), dir, path(t, st, oauthKey())} {
		o, dacl, err := security(p)
		if err != nil {
			t.Fatal(err)
		}
		if !a.isMe(o) {
			t.Errorf("%s is owned by %s, not by the running user %s", p, name(o), name(a.user))
		}
		if dacl == nil || dacl.AceCount == 0 {
			t.Fatalf("%s has no DACL entries", p)
		}
		for i := range uint32(dacl.AceCount) {
			var ace *windows.ACCESS_ALLOWED_ACE
			if err := windows.GetAce(dacl, i, &ace); err != nil {
				t.Fatal(err)
			}
			if sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart)); !a.allowed(sid) {
				t.Errorf("%s lets %s in (mask %#x)", p, name(sid), ace.Mask)
			}
		}
	}
	if _, ok, err := st.Load(oauthKey(), t0); !ok || err != nil {
		t.Errorf("Load = %t, %v; want the entry", ok, err)
	}
}

// A directory that Everyone may write to is refused, as a world-writable
// one is on Unix; so is an entry Everyone may read, as mode 0604 is.
func TestWindowsRefusesOpenDACL(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "open")
	mkdir(t, dir, 0o700)
	setDACL(t, dir, "D:P(A;OICI;FA;;;WD)")
	_, err := Place{Dir: dir}.Open()
	if err == nil || !strings.Contains(err.Error(), "is writable by ") || !strings.Contains(err.Error(), "S-1-1-0") {
		t.Errorf("Open of a directory Everyone may write to: %v; want refused, naming Everyone (S-1-1-0)", err)
	}
	st := open(t)
	p := path(t, st, oauthKey())
	a, _ := self()
	write(t, p, "{}", 0o600)
	setDACL(t, p, "D:P(A;;FA;;;"+a.user.String()+")(A;;FR;;;WD)")
	_, ok, err := st.Load(oauthKey(), t0)
	if ok || err == nil || !strings.Contains(err.Error(), "is open to ") || !strings.Contains(err.Error(), "S-1-1-0") {
		t.Errorf("Load of an entry Everyone may read: %t, %v; want refused, naming Everyone (S-1-1-0)", ok, err)
	}
	noSecret(t, err)
	// Save replaces it with a private one.
	if err := st.Save(oauthKey(), oauthEntry()); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := st.Load(oauthKey(), t0); !ok || err != nil {
		t.Errorf("after Save: Load = %t, %v; want the entry", ok, err)
	}
}

// A Save replaces an entry while another check reads it: the reader (as
// Load does) holds the guard's shared lock and the entry open, shared for
// deletion; the Save waits for the reader, which reads the whole old
// entry, and then replaces it. Go's os.Open (no FILE_SHARE_DELETE) and a
// rename without the guard are what failed with "Access is denied".
func TestWindowsReplaceWhileOpen(t *testing.T) {
	st := open(t)
	if err := st.Save(oauthKey(), bigEntry("old", 1)); err != nil {
		t.Fatal(err)
	}
	id, p, err := st.file(oauthKey())
	if err != nil {
		t.Fatal(err)
	}
	release := st.guard(id, false)
	f, err := openEntry(p)
	if err != nil {
		t.Fatal(err)
	}
	saved := make(chan error, 1)
	go func() { saved <- st.Save(oauthKey(), bigEntry("new", 2)) }()
	b, err := io.ReadAll(f)
	f.Close()
	release()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, e, err := decode(b); err != nil || !strings.Contains(e.AccessToken, "old") {
		t.Errorf("the reader read %d bytes: %v; want the whole old entry", len(b), err)
	}
	if err := <-saved; err != nil {
		t.Fatalf("Save while a reader had the entry open: %v", err)
	}
	e, ok, err := st.Load(oauthKey(), t0)
	if !ok || err != nil || !strings.Contains(e.AccessToken, "new") {
		t.Errorf("Load after the Save = %t, %v; want the new entry", ok, err)
	}
	// What the guard is for: a rename over a file that is open.
	g, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	tmp := p + ".probe.tmp"
	write(t, tmp, "{}", 0o600)
	err = os.Rename(tmp, p)
	g.Close()
	os.Remove(tmp)
	t.Logf("os.Rename over a file open by os.Open: %v", err)
	if err != nil && !errors.Is(err, windows.ERROR_ACCESS_DENIED) && !errors.Is(err, windows.ERROR_SHARING_VIOLATION) {
		t.Errorf("os.Rename over an os.Open'd file: %v; want success or Access is denied", err)
	}
}

// The lock excludes a second handle, in the same process too, until the
// first is unlocked; a waiter gives up at its context's end.
func TestWindowsLockExcludes(t *testing.T) {
	st := open(t)
	unlock, err := st.Lock(t.Context(), oauthKey())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if u2, err := st.Lock(ctx, oauthKey()); err == nil || !errors.Is(err, context.DeadlineExceeded) {
		if u2 != nil {
			u2()
		}
		t.Fatalf("a second Lock while held: %v; want it to wait until its deadline", err)
	}
	got := make(chan error, 1)
	go func() {
		u, err := st.Lock(t.Context(), oauthKey())
		if err == nil {
			u()
		}
		got <- err
	}()
	unlock()
	unlock() // harmless
	if err := <-got; err != nil {
		t.Errorf("Lock after unlock: %v", err)
	}
}

// --cache-dir with a drive letter, with backslashes or forward slashes.
func TestWindowsDriveLetterDir(t *testing.T) {
	base := t.TempDir()
	if len(base) < 3 || base[1] != ':' {
		t.Fatalf("TempDir %s has no drive letter", base)
	}
	for _, dir := range []string{base + `\back`, strings.ReplaceAll(base, `\`, "/") + "/forward"} {
		st, err := Place{Dir: dir}.Open()
		if err != nil {
			t.Errorf("Place{Dir: %s}.Open(): %v", dir, err)
			continue
		}
		if want := filepath.Clean(dir); st.Dir() != want {
			t.Errorf("Dir = %s, want %s", st.Dir(), want)
		}
		if err := st.Save(formsKey(), formsEntry()); err != nil {
			t.Error(err)
		}
		if _, ok, err := st.Load(formsKey(), t0); !ok || err != nil {
			t.Errorf("%s: Load = %t, %v", dir, ok, err)
		}
	}
}
