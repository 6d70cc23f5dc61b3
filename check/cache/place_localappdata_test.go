package cache

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The Windows place (Env.LocalAppData, as SystemEnv sets it on Windows):
// %LOCALAPPDATA%\check_creatio_oauth, made by Open; no LOCALAPPDATA is no
// place, and Open says why, for the "cache: not used: …" line.
func TestLookupLocalAppData(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "file")
	write(t, file, "", 0o600)
	lookup := func(v string) Place {
		return Lookup(Env{LocalAppData: true, Getenv: func(k string) string {
			if k == "LOCALAPPDATA" {
				return v
			}
			return base // HOME and XDG_CACHE_HOME are not looked at
		}})
	}
	p := lookup(base)
	if want := filepath.Join(base, appName); p.Dir != want || p.Base != base || p.From != "%LOCALAPPDATA%" || p.Why != nil {
		t.Errorf("LOCALAPPDATA=%s: %+v, want Dir %s from %%LOCALAPPDATA%%", base, p, want)
	}
	st, err := p.Open()
	if err != nil {
		t.Fatalf("Open %s: %v", p.Dir, err)
	}
	if err := st.Save(oauthKey(), oauthEntry()); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := st.Load(oauthKey(), t0); !ok || err != nil {
		t.Errorf("Load = %t, %v; want the entry", ok, err)
	}
	for v, why := range map[string]string{
		"":                             "LOCALAPPDATA (the user's AppData\\Local) is not set",
		"relative":                     "LOCALAPPDATA (the user's AppData\\Local) relative is not an absolute path",
		filepath.Join(base, "missing"): "is not a directory",
		file:                           file + " is not a directory",
	} {
		p := lookup(v)
		if v == filepath.Join(base, "missing") {
			why = filepath.Join(base, "missing") + " does not exist"
		}
		_, err := p.Open()
		if p.Dir != "" || p.Why == nil || !errors.Is(err, p.Why) || !strings.Contains(err.Error(), why) || !strings.HasPrefix(err.Error(), "no cache directory: ") {
			t.Errorf("LOCALAPPDATA=%q: %+v, Open: %v; want no place and %q", v, p, err, why)
		}
	}
	if _, err := os.Stat(filepath.Join(base, "missing")); err == nil {
		t.Error("Lookup made the missing LOCALAPPDATA")
	}
}
