package cache

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// SharedDir is where the per-user cache directory of a user without a home
// of their own is made: /var/tmp, which keeps its files across reboots
// (unlike /tmp) and is sticky, so no one can remove another's directory.
const SharedDir = "/var/tmp"

// Env is what [Lookup] reads to find the cache directory. [SystemEnv] is
// the running process's; tests give their own.
type Env struct {
	Getenv func(string) string
	// UID is the running user's uid: a directory of another owner is not
	// theirs.
	UID int
	// Home is the home directory of uid's password entry ("" and an
	// error when there is none).
	Home func(uid int) (string, error)
	// Shared is the directory the per-user directory is made in
	// ([SharedDir]); "" for none, and then Lookup may find no place.
	Shared string
	// LocalAppData makes Lookup look where Windows programs keep their
	// caches, and only there (os.UserCacheDir): %LOCALAPPDATA%. The
	// other fields are not used then.
	LocalAppData bool
}

// SystemEnv is the running process's Env: getenv, its effective uid, its
// password entry through os/user and [SharedDir]. The binary is built
// without cgo, so os/user reads /etc/passwd only: a user that only a name
// service knows (LDAP, SSSD) has no home here and gets the per-user
// directory.
func SystemEnv(getenv func(string) string) Env {
	return Env{Getenv: getenv, UID: os.Geteuid(), Home: passwdHome, Shared: SharedDir, LocalAppData: runtime.GOOS == "windows"}
}

// passwdHome is the home directory of uid's password entry.
func passwdHome(uid int) (string, error) {
	u, err := user.LookupId(strconv.Itoa(uid))
	if err != nil {
		return "", err
	}
	return u.HomeDir, nil
}

// Place is a cache directory and how it was found. [Place.Open] creates the
// directories between Base and Dir when they are missing, never Base or
// anything above it.
type Place struct {
	Dir string
	// Base is an existing directory that Dir is in: $XDG_CACHE_HOME, the
	// home directory, /var/tmp; "" is Dir's parent (--cache-dir).
	Base string
	// From says how Dir was found, for -vv: "--cache-dir",
	// "$XDG_CACHE_HOME", "$HOME", "the password entry of uid 112",
	// "no home of uid 112's own".
	From string
	// Private is set for the per-user directory in a shared one, which
	// must be a directory of mode 0700 itself, not a symlink.
	Private bool
	// Passed are the places passed over and why, for -vv.
	Passed []string
	// Why is why there is no place when Dir is "" and the cache is
	// wanted all the same (%LOCALAPPDATA% unset on Windows): the error
	// [Place.Open] returns.
	Why error
}

// Lookup finds the cache directory as ssh finds the user's home, not from
// HOME alone, so that a daemon's plugin has a cache without a setting:
//
//   - $XDG_CACHE_HOME/check_creatio_oauth, when XDG_CACHE_HOME is an
//     absolute path to an existing directory of the running user;
//   - else $HOME/.cache/check_creatio_oauth, when HOME is one (Icinga 2
//     and Nagios 4 start plugins without HOME; systemd gives Zabbix's
//     daemons HOME=/nonexistent);
//   - else the same below the home directory of the user's password
//     entry, when that is one (Debian's nagios: /var/lib/nagios);
//   - else /var/tmp/check_creatio_oauth-<uid>, a directory of the user's
//     own that [Place.Open] makes with mode 0700 (Debian's zabbix: its home
//     /var/lib/zabbix is root's or absent).
//
// ~/.cache may be created in a home that is the user's (as the XDG Base
// Directory specification allows); a missing home is never created. With
// an Env of a Shared directory (as [SystemEnv]'s) there is always a place;
// without one, the last step is left out and Dir may be "".
//
// On Windows (Env.LocalAppData) the place is %LOCALAPPDATA%\check_creatio_oauth,
// where os.UserCacheDir puts caches: the user's AppData\Local, and for a
// service its account's profile (LocalSystem, the Zabbix agent's default:
// C:\Windows\System32\config\systemprofile\AppData\Local; NetworkService,
// the Icinga agent's: C:\Windows\ServiceProfiles\NetworkService\AppData\Local).
// When LOCALAPPDATA is not an absolute path to a directory there is no
// place, and Why says so.
func Lookup(env Env) Place {
	if env.LocalAppData {
		return lookupLocalAppData(env)
	}
	var passed []string
	theirs := func(name, dir string) bool {
		why := notTheirs(dir, env.UID)
		if why != "" && dir != "" {
			passed = append(passed, name+"="+dir+" "+why)
		}
		return why == ""
	}
	if x := env.Getenv("XDG_CACHE_HOME"); theirs("XDG_CACHE_HOME", x) {
		return Place{Dir: filepath.Join(x, appName), Base: x, From: "$XDG_CACHE_HOME", Passed: passed}
	}
	if h := env.Getenv("HOME"); theirs("HOME", h) {
		return Place{Dir: filepath.Join(h, ".cache", appName), Base: h, From: "$HOME", Passed: passed}
	}
	if env.Home != nil {
		h, err := env.Home(env.UID)
		switch {
		case err != nil:
			passed = append(passed, fmt.Sprintf("uid %d has no entry in /etc/passwd", env.UID))
		case theirs(fmt.Sprintf("the home of uid %d", env.UID), h):
			return Place{Dir: filepath.Join(h, ".cache", appName), Base: h, From: fmt.Sprintf("the password entry of uid %d", env.UID), Passed: passed}
		}
	}
	shared := env.Shared
	if shared == "" {
		return Place{From: "no place", Passed: passed}
	}
	return Place{Dir: filepath.Join(shared, appName+"-"+strconv.Itoa(env.UID)), Base: shared,
		From: fmt.Sprintf("no home of uid %d's own", env.UID), Private: true, Passed: passed}
}

// lookupLocalAppData is Lookup's place on Windows.
func lookupLocalAppData(env Env) Place {
	x := env.Getenv("LOCALAPPDATA")
	why := ""
	if x == "" {
		why = "is not set"
	} else if !filepath.IsAbs(x) {
		why = "is not an absolute path"
	} else if fi, err := os.Stat(x); errors.Is(err, fs.ErrNotExist) {
		why = "does not exist"
	} else if err != nil {
		why = "cannot be read"
	} else if !fi.IsDir() {
		why = "is not a directory"
	}
	if why != "" {
		if x != "" {
			why = x + " " + why
		}
		return Place{From: "no place", Passed: []string{"LOCALAPPDATA " + why},
			Why: errors.New("no cache directory: LOCALAPPDATA (the user's AppData\\Local) " + why)}
	}
	return Place{Dir: filepath.Join(x, appName), Base: x, From: "%LOCALAPPDATA%"}
}

// notTheirs says why dir is not a home or cache base of uid's, or "" when
// it is: an absolute path to an existing directory that uid owns.
func notTheirs(dir string, uid int) string {
	if dir == "" {
		return "is not set"
	}
	if !filepath.IsAbs(dir) {
		return "is not absolute"
	}
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "does not exist"
	case err != nil:
		return "cannot be read"
	case !fi.IsDir():
		return "is not a directory"
	case owner(fi) != uid:
		return fmt.Sprintf("is owned by uid %d, not by uid %d", owner(fi), uid)
	}
	return ""
}

// Open opens the place's cache directory, creating the missing directories
// between Base and Dir with mode 0700, never Base or a directory above it.
// It refuses, with an error of one line that says why and what to do
// (a [*Problem]), a directory that is not the running user's own, that
// others may write to, whose parent others may change (as ssh treats
// ~/.ssh), or that cannot be written (a read-only file system); a private
// place must moreover be a directory of mode 0700 itself. An empty Dir is
// an error.
func (p Place) Open() (*Store, error) {
	if p.Dir == "" {
		if p.Why != nil {
			return nil, p.Why
		}
		return nil, errors.New("no cache directory")
	}
	abs, err := filepath.Abs(p.Dir)
	if err != nil {
		return nil, sysProblem("cache directory", p.Dir, "has no absolute path", err, "")
	}
	uid := os.Geteuid()
	if err := mkdirBelow(p.Base, abs); err != nil {
		return nil, err
	}
	if p.Private {
		if err := checkPrivate(abs, uid); err != nil {
			return nil, err
		}
	}
	if err := checkDir(abs, uid); err != nil {
		return nil, err
	}
	if err := checkWritable(abs); err != nil {
		return nil, err
	}
	return &Store{dir: abs, uid: uid}, nil
}

// mkdirBelow creates the missing directories of dir below base (dir's
// parent when base is ""), each with mode 0700. base must exist: it is
// never created, nor is anything above it.
func mkdirBelow(base, dir string) error {
	const what = "cache directory"
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if base == "" {
		base = filepath.Dir(dir)
	}
	if fi, err := os.Stat(base); err != nil || !fi.IsDir() {
		issue := "cannot be created: its parent " + base + " does not exist"
		if err == nil {
			issue = "cannot be created: " + base + " is not a directory"
		} else if !errors.Is(err, fs.ErrNotExist) {
			return sysProblem(what, dir, "cannot be created: "+base+" cannot be read", err, "")
		}
		return &Problem{What: what, Path: dir, Issue: issue, Fix: "create it, or give another --cache-dir"}
	}
	rel, err := filepath.Rel(base, dir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return &Problem{What: what, Path: dir, Issue: "is not below " + base}
	}
	p := base
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		p = filepath.Join(p, part)
		if err := makeDir(p); err != nil && !errors.Is(err, fs.ErrExist) {
			return sysProblem(what, p, "cannot be created", err, "")
		}
	}
	return nil
}
