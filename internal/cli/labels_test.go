package cli

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"check_creatio_oauth/check/report"
)

// The README's perfdata table and the man page's PERFORMANCE DATA list
// exactly the perfdata labels declared in check/report (report.Labels), each
// with its declared unit: nothing missing, nothing stale. That every label
// the checks print is declared, in its unit, is check/'s to prove
// (checktest.CheckReport, on every report of its scenario runs); that
// each is printed in a run that reaches it, the check tests that name it.
func TestPerfdataLabelsDocumented(t *testing.T) {
	declared := map[string]string{}
	for _, l := range report.Labels() {
		declared[l.Name()] = l.Unit()
	}
	tables := []struct {
		name  string
		units map[string]string
	}{{"the README's perfdata table (What it reports)", readmePerfTable(t)}, {"the man page's PERFORMANCE DATA (manpage.go)", manPerfTable(t)}}
	for _, tb := range tables {
		for _, l := range sortedKeys(declared) {
			unit, ok := tb.units[l]
			switch {
			case !ok:
				t.Errorf("perfdata label %s (unit %q) is declared in check/report but not in %s", l, declared[l], tb.name)
			case unit != declared[l]:
				t.Errorf("%s gives %s the unit %q, check/report declares %q", tb.name, l, unit, declared[l])
			}
		}
		for _, l := range sortedKeys(tb.units) {
			if _, ok := declared[l]; !ok {
				t.Errorf("%s lists %s, which check/report does not declare: stale, or undeclared", tb.name, l)
			}
		}
		// A parser that finds nothing would pass the checks above.
		if len(tb.units) < len(declared) {
			t.Errorf("%s: %d labels found, %d declared: is its parser broken?", tb.name, len(tb.units), len(declared))
		}
	}
}

// readmePerfTable is the README's perfdata table, label -> unit: the table
// whose header is "| label | unit | meaning |". A row names one or more
// labels in backticks; its unit is the perfdata UOM in backticks (`s`, `B`),
// or none when the cell has no backticks (days, counts).
func readmePerfTable(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(fromRoot("README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), "\n| label | unit | meaning |\n")
	if !ok {
		t.Fatal(`README.md has no perfdata table with the header "| label | unit | meaning |"`)
	}
	units := map[string]string{}
	for i, row := range strings.Split(table, "\n") {
		if !strings.HasPrefix(row, "|") {
			break
		}
		if i == 0 {
			continue // |---|---|---|
		}
		cells := strings.Split(strings.Trim(row, "|"), "|")
		if len(cells) != 3 {
			t.Fatalf("README perfdata row %q: want 3 cells", row)
		}
		unit := ""
		if u := backticked.FindStringSubmatch(cells[1]); u != nil {
			unit = u[1]
		}
		labels := backticked.FindAllStringSubmatch(cells[0], -1)
		if len(labels) == 0 {
			t.Fatalf("README perfdata row %q names no label", row)
		}
		for _, l := range labels {
			units[l[1]] = unit
		}
	}
	return units
}

var backticked = regexp.MustCompile("`([^`]+)`")

// manUnits are the words that open the text of a man page perfdata entry
// ("Seconds:", "Days, no unit:"), and the UOM each stands for.
var manUnits = map[string]string{"Seconds": "s", "Bytes": "B", "Days": ""}

// manPerfTable is the man page's PERFORMANCE DATA section, label -> unit:
// each .TP entry has a .B line of labels (comma-separated) and a text that
// opens with the unit's word (Seconds, Bytes, Days).
func manPerfTable(t *testing.T) map[string]string {
	t.Helper()
	var out bytes.Buffer
	if code := Run(context.Background(), []string{"--manpage"}, &out, func(string) string { return "" }); code != 0 {
		t.Fatalf("--manpage exit %d\n%s", code, out.String())
	}
	_, sec, ok := strings.Cut(out.String(), "\n.SH PERFORMANCE DATA\n")
	if !ok {
		t.Fatal("the man page has no PERFORMANCE DATA section")
	}
	sec, _, _ = strings.Cut(sec, "\n.SH ")
	units := map[string]string{}
	lines := strings.Split(sec, "\n")
	for i, l := range lines {
		if l != ".TP" {
			continue
		}
		if i+2 >= len(lines) || !strings.HasPrefix(lines[i+1], ".B ") || strings.TrimSpace(lines[i+2]) == "" {
			t.Fatalf("man page PERFORMANCE DATA: a .TP without a .B line of labels and a text: %q", lines[i:min(i+3, len(lines))])
		}
		word := strings.FieldsFunc(lines[i+2], func(r rune) bool { return r == ' ' || r == ',' || r == ':' })[0]
		unit, ok := manUnits[word]
		if !ok {
			t.Fatalf("man page PERFORMANCE DATA: the text of %q opens with %q, not with a unit (Seconds:, Bytes:, Days:)", lines[i+1], word)
		}
		for _, l := range strings.Split(strings.TrimPrefix(lines[i+1], ".B "), ",") {
			units[strings.ReplaceAll(strings.TrimSpace(l), `\_`, "_")] = unit
		}
	}
	return units
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
