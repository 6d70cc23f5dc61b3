package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/windows"

	"check_creatio_oauth/check/cache"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
)

// A password file and a cache directory named with a drive letter, with
// backslashes or forward slashes: nothing takes "C:" for a URL's scheme;
// the file's UTF-8 BOM and CRLF (Notepad's) are not part of the password;
// the forms session is kept in the directory and the second check uses it.
func TestWindowsDriveLetterPaths(t *testing.T) {
	s := fixture.NewStand(t, 0)
	base := t.TempDir()
	if len(base) < 3 || base[1] != ':' || base[2] != '\\' {
		t.Fatalf("TempDir %s has no drive letter", base)
	}
	pw := base + `\secret.txt`
	if err := os.WriteFile(pw, []byte("\xef\xbb\xbf"+fixture.Password+"\r\nsecond line\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for i, paths := range [][2]string{
		{pw, base + `\cache`},
		{strings.ReplaceAll(pw, `\`, "/"), strings.ReplaceAll(base, `\`, "/") + "/cache"},
	} {
		st, out := runPlugin(t, nil, "-U", s.C.URL+"/forms", "--user", fixture.User, "--password-file", paths[0], "--cache-dir", paths[1], "-vv")
		if st != plugin.OK {
			t.Fatalf("--password-file %s --cache-dir %s: %v\n%s", paths[0], paths[1], st, out)
		}
		checkShape(t, out, true)
		if want := 1; s.Creatio.Logins() != want {
			t.Errorf("run %d: %d logins, want %d (the second run uses the cached session)\n%s", i+1, s.Creatio.Logins(), want, out)
		}
		if strings.Contains(string(out), fixture.Password) {
			t.Errorf("the password is in the output:\n%s", out)
		}
	}
	names, err := filepath.Glob(base + `\cache\*.json`)
	if err != nil || len(names) != 1 {
		t.Errorf("%s\\cache holds %v (%v), want one entry", base, names, err)
	}
}

// On Windows a refused connection reads as on Linux, end to end.
func TestWindowsRefused(t *testing.T) {
	st, out := runPlugin(t, nil, "-U", "http://127.0.0.1:1/", "--auth", "none", "--no-cache")
	if st != plugin.Critical || !strings.Contains(string(out), "connection to 127.0.0.1:1 refused; check that the web server runs and listens there") {
		t.Errorf("a refused connection: %v\n%s", st, out)
	}
}

// LOCALAPPDATA unset: the cache is not used and the output says why.
func TestWindowsNoLocalAppData(t *testing.T) {
	s := fixture.NewStand(t, 0)
	old := cacheEnv
	t.Cleanup(func() { cacheEnv = old })
	cacheEnv = cache.SystemEnv // the system's own: the plugin's environment has no LOCALAPPDATA
	st, out := runPlugin(t, map[string]string{"CREATIO_PASSWORD": fixture.Password}, "-U", s.C.URL+"/forms", "--user", fixture.User, "-v")
	if st != plugin.OK || !strings.Contains(string(out), "cache: not used: no cache directory: LOCALAPPDATA (the user's AppData\\Local) is not set; give --cache-dir or --no-cache") {
		t.Errorf("no LOCALAPPDATA: %v\n%s", st, out)
	}
}

// Ctrl-C and Ctrl-Break come as os.Interrupt, the console's close, logoff
// and shutdown events as SIGTERM (os/signal on Windows): SignalContext
// subscribes both, so a Ctrl-Break sent to this process's console ends
// the context with the signal as its cause.
func TestWindowsCtrlBreak(t *testing.T) {
	ctx, stop := SignalContext()
	defer stop()
	// To every process of this console: under go test on a console, or
	// Wine started on a terminal. Without a console (output to files, a
	// service) there is none to send to; AllocConsole would open a window.
	if err := windows.GenerateConsoleCtrlEvent(windows.CTRL_BREAK_EVENT, 0); err != nil {
		t.Skipf("no console to send Ctrl-Break to: %v", err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(30 * time.Second): // a bound, not a speed
		t.Fatal("no cancellation within 30 s of a Ctrl-Break")
	}
	var sig stopSignal
	if !errors.As(context.Cause(ctx), &sig) || sig.sig != os.Interrupt || !errors.Is(context.Cause(ctx), context.Canceled) {
		t.Errorf("cause %v, want the stop by os.Interrupt", context.Cause(ctx))
	}
	if got, want := stoppedEarly(context.Cause(ctx), nil), "stopped by Ctrl-C or Ctrl-Break (SIGINT) before the check began; no request was made"; got != want {
		t.Errorf("the line says %q, want %q", got, want)
	}
}
