package cli

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The Icinga 2 CheckCommand passes every option of the command line but the
// refused and hidden ones, and no option the command line lacks: a new
// option goes into contrib/ the day it comes.
func TestCheckCommandHasEveryOption(t *testing.T) {
	conf, err := os.ReadFile(fromRoot("contrib/icinga2/check_creatio_oauth.conf"))
	if err != nil {
		t.Fatal(err)
	}
	passed := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s*"--([a-z-]+)" = \{`).FindAllStringSubmatch(string(conf), -1) {
		passed[m[1]] = true
	}
	parser := newParser(&options{})
	for name := range passed {
		if parser.FindOptionByLongName(name) == nil {
			t.Errorf("the CheckCommand passes --%s, which the command line does not have", name)
		}
	}
	// not in the CheckCommand: refused, hidden, or not for a check
	skip := map[string]bool{"password": true, "client-secret": true, "token": true, "manpage": true, "version": true, "verbose": true, "help": true}
	for _, g := range parser.Groups() {
		for _, o := range g.Options() {
			if o.LongName != "" && !o.Hidden && !skip[o.LongName] && !passed[o.LongName] {
				t.Errorf("the CheckCommand lacks --%s", o.LongName)
			}
		}
	}
}

// The Windows agent's CheckCommand (contrib/windows) is creatio_oauth under
// another name and with the .exe as its command: from "timeout = 1m" to the
// end, the two files are the same, so the test above covers both.
func TestWindowsCheckCommandIsCreatioOAuth(t *testing.T) {
	body := func(file, object string) string {
		t.Helper()
		conf, err := os.ReadFile(fromRoot(file))
		if err != nil {
			t.Fatal(err)
		}
		s := string(conf)
		o := strings.Index(s, `object CheckCommand "`+object+`" {`)
		i := strings.Index(s, "\n\ttimeout = 1m\n")
		if o < 0 || i < o {
			t.Fatalf("%s: no object CheckCommand %q with timeout = 1m", file, object)
		}
		return s[i:]
	}
	linux := body("contrib/icinga2/check_creatio_oauth.conf", "creatio_oauth")
	windows := body("contrib/windows/creatio_oauth_windows.conf", "creatio_oauth_windows")
	if linux != windows {
		t.Error("contrib/windows/creatio_oauth_windows.conf: arguments, env or vars differ from contrib/icinga2/check_creatio_oauth.conf")
	}
}
