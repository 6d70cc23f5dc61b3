package cache

import (
	"errors"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The system's own environment: the running user's uid, the home of its
// password entry, the shared directory; a uid without an entry has no home.
func TestSystemEnv(t *testing.T) {
	env := SystemEnv(func(string) string { return "" })
	if env.UID != os.Geteuid() || env.Shared != SharedDir {
		t.Errorf("SystemEnv: uid %d, shared %q; want %d and %q", env.UID, env.Shared, os.Geteuid(), SharedDir)
	}
	me, err := user.LookupId(strconv.Itoa(os.Geteuid()))
	if err != nil {
		t.Skipf("no password entry for this uid: %v", err)
	}
	if home, err := env.Home(env.UID); err != nil || home != me.HomeDir {
		t.Errorf("Home(%d) = %q, %v; want %q", env.UID, home, err, me.HomeDir)
	}
	if home, err := env.Home(2147483000); err == nil {
		t.Errorf("Home of a uid without an entry = %q, want an error", home)
	}
}

// An entry that cannot be removed is a Problem that says the path and the
// system's reason; here the entry's path is a directory that is not empty,
// which no permission lets remove.
func TestDropFails(t *testing.T) {
	st := open(t)
	p := path(t, st, formsKey())
	if err := os.MkdirAll(filepath.Join(p, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	err := st.Drop(formsKey())
	var pr *Problem
	if !errors.As(err, &pr) || pr.Path != p || !strings.Contains(pr.Issue, "cannot be removed: ") || !strings.Contains(pr.Issue, "not empty") {
		t.Errorf("Drop of a full directory: %v, want a Problem naming %s, \"cannot be removed\" and the reason", err, p)
	}
}
