package cli

import (
	"os"
	"regexp"
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
