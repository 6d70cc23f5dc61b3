package report

import (
	"regexp"
	"testing"
)

// Every declared label is printed as it is declared: a name that needs no
// quoting, one of the Monitoring Plugins' units the plugin uses (s, B, or
// none for days), and a meaning; no name twice, and Declared finds each.
func TestLabelsDeclared(t *testing.T) {
	shape := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	units := map[string]bool{"s": true, "B": true, "": true}
	ls := Labels()
	if len(ls) < 13 {
		t.Fatalf("%d labels declared, want the 13 the plugin prints", len(ls))
	}
	seen := map[string]bool{}
	for _, l := range ls {
		if !shape.MatchString(l.Name()) || seen[l.Name()] {
			t.Errorf("label %q: want a new lower-case name of [a-z0-9_]", l.Name())
		}
		seen[l.Name()] = true
		if !units[l.Unit()] || l.Meaning() == "" {
			t.Errorf("label %s: unit %q (want s, B or none) and meaning %q", l.Name(), l.Unit(), l.Meaning())
		}
		if d, ok := Declared(l.Name()); !ok || d != l {
			t.Errorf("Declared(%q) = %v, %v", l.Name(), d, ok)
		}
		if got, want := l.Perf(1.5).String(), l.Name()+"=1.5"+l.Unit(); got != want {
			t.Errorf("%s.Perf(1.5) prints %q, want %q", l.Name(), got, want)
		}
	}
	if _, ok := Declared("time_nonesuch"); ok {
		t.Error("Declared finds an undeclared label")
	}
	Labels()[0] = Label{} // a copy: the declaration stays
	if Labels()[0] != Time {
		t.Error("Labels hands out the declaration itself")
	}
}

// --mode both prints direct mode's own times with the suffix _direct, and
// what only direct mode measures under its own name; both are declared.
func TestInBoth(t *testing.T) {
	for from, want := range map[Label]Label{Time: TimeDirect, TimeToken: TimeTokenDirect, TimeDiscovery: TimeDiscovery, TokenLifetime: TokenLifetime} {
		got := InBoth(from.Name())
		if got != want.Name() {
			t.Errorf("InBoth(%s) = %s, want %s", from.Name(), got, want.Name())
		}
		if _, ok := Declared(got); !ok {
			t.Errorf("InBoth(%s) = %s is not declared", from.Name(), got)
		}
	}
	if p := SecondsPerf(TimeLogin, 0.25); p.String() != "time_login=0.25s;;;0" {
		t.Errorf("SecondsPerf(TimeLogin) prints %q", p.String())
	}
}
