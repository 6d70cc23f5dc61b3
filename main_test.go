package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The module's packages in their layers, outermost first: the command
// (main), the command line (internal/cli), the checks (check/...) and the
// plugin conventions (plugin). A package imports only its own layer or the
// layers after it, and main only the command line.
var layers = []struct{ name, prefix string }{
	{"main", "check_creatio_oauth"},
	{"the command line", "check_creatio_oauth/internal/cli"},
	{"the checks", "check_creatio_oauth/check"},
	{"the plugin conventions", "check_creatio_oauth/plugin"},
}

// layerOf is the index in layers of a package of the module, or -1 for the
// packages outside them (bench/: a tool beside the plugin).
func layerOf(path string) int {
	for i := len(layers) - 1; i >= 0; i-- {
		if path == layers[i].prefix || (i > 0 && strings.HasPrefix(path, layers[i].prefix+"/")) {
			return i
		}
	}
	return -1
}

// goCmd is the go command the test runs under (the Makefile's GOTOOLCHAIN
// comes with the environment).
func goCmd(t *testing.T) string {
	t.Helper()
	g, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command on PATH: %v", err)
	}
	return g
}

// TestImportDirection holds the direction main → command line → check →
// plugin (go list's imports, not a list of file names): an import against
// it, or from main past the command line, fails here.
func TestImportDirection(t *testing.T) {
	out, err := exec.Command(goCmd(t), "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	seen := make([]bool, len(layers))
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		from := layerOf(fields[0])
		if from < 0 {
			for _, imp := range fields[1:] {
				if layerOf(imp) >= 0 && layerOf(imp) < 2 {
					t.Errorf("%s (outside the layers) imports %s", fields[0], imp)
				}
			}
			continue
		}
		seen[from] = true
		for _, imp := range fields[1:] {
			to := layerOf(imp)
			switch {
			case to < 0 && strings.HasPrefix(imp, "check_creatio_oauth/testdata/") && strings.HasSuffix(fields[0], "test"):
				// a test helper (check/internal/checktest) stands up the simulator
			case to < 0 && strings.HasPrefix(imp, "check_creatio_oauth/"):
				t.Errorf("%s (%s) imports %s, outside the layers", fields[0], layers[from].name, imp)
			case to >= 0 && to < from:
				t.Errorf("%s (%s) imports %s (%s): imports go main → command line → check → plugin", fields[0], layers[from].name, imp, layers[to].name)
			case from == 0 && to > 1:
				t.Errorf("main imports %s: main only runs the command line (internal/cli)", imp)
			}
		}
	}
	for i, ok := range seen {
		if !ok {
			t.Errorf("go list found no package of %s (%s): is the test's list of layers out of date?", layers[i].name, layers[i].prefix)
		}
	}
}

// TestVersionStamped builds the plugin as make build does (and make demo
// and make package, which use the same LDFLAGS) and compares its --version
// with VERSION: the linker ignores an -X for a symbol that does not exist,
// so a moved version variable would otherwise ship as "dev".
func TestVersionStamped(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the plugin with make")
	}
	mk, err := exec.LookPath("make")
	if err != nil {
		t.Skipf("no make on PATH: %v", err)
	}
	base, err := os.ReadFile("VERSION")
	if err != nil {
		t.Fatal(err)
	}
	want, err := exec.Command("packaging/version").Output()
	if err != nil {
		t.Fatalf("packaging/version: %v", err)
	}
	if !bytes.HasPrefix(want, bytes.TrimSpace(base)) {
		t.Fatalf("packaging/version says %q, which does not start with VERSION %q", want, base)
	}
	bin := filepath.Join(t.TempDir(), "check_creatio_oauth")
	if out, err := exec.Command(mk, "--no-print-directory", "build", "BIN="+bin).CombinedOutput(); err != nil {
		t.Fatalf("make build: %v\n%s", err, out)
	}
	got, _ := exec.Command(bin, "--version").Output() // exits 3, UNKNOWN, as --help does
	if w := "check_creatio_oauth " + string(bytes.TrimSpace(want)) + "\n"; string(got) != w {
		t.Errorf("make build's binary says %q for --version, want %q: does the Makefile's VERSION_SYMBOL name the version variable?", got, w)
	}
	// make demo builds the plugin through make build and checks its
	// --version itself; make package uses the same LDFLAGS.
	mf, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	demo := regexp.MustCompile(`(?s)\ndemo:\n(.*?)\n\n`).FindSubmatch(mf)
	if demo == nil || !bytes.Contains(demo[1], []byte("$(MAKE) --no-print-directory build")) || !bytes.Contains(demo[1], []byte("--version")) {
		t.Errorf("make demo does not build the plugin with make build and check its --version:\n%s", demo)
	}
	for _, build := range regexp.MustCompile(`go build [^\n]* -o [^\n]*\$\(BIN\)`).FindAll(mf, -1) {
		if !bytes.Contains(build, []byte(`-ldflags `)) || !bytes.Contains(build, []byte(`$(LDFLAGS)`)) {
			t.Errorf("the Makefile builds the plugin without the version: %s", build)
		}
	}
}

// docPath is a path named in the docs: a backticked token with a / and a
// file extension (`check/web/door.go`, `contrib/zabbix/README.md`).
var docPath = regexp.MustCompile("`([A-Za-z0-9_.-]*/[A-Za-z0-9_./-]*\\.[A-Za-z0-9]+)`")

// TestDocPathsExist fails when README.md or CONTRIBUTING.md names a file
// that is not in the tree: the package docs are the map, and the few paths
// the docs name stay true.
func TestDocPathsExist(t *testing.T) {
	named := 0
	for _, doc := range []string{"README.md", "CONTRIBUTING.md"} {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, m := range docPath.FindAllStringSubmatch(line, -1) {
				p := m[1]
				if strings.Contains(p, "://") || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "~") || strings.Contains(p, "…") {
					continue // a URL, a path on the monitoring host, an elision
				}
				named++
				if _, err := os.Stat(filepath.FromSlash(p)); err != nil {
					t.Errorf("%s:%d names `%s`, which does not exist", doc, i+1, p)
				}
			}
		}
	}
	if named < 10 {
		t.Errorf("only %d paths found in README.md and CONTRIBUTING.md: is the pattern broken?", named)
	}
}

// TestMakeHelp: make help lists every target of .PHONY but all, each with
// its "## name:" comment, so a new target without one fails here.
func TestMakeHelp(t *testing.T) {
	mk, err := exec.LookPath("make")
	if err != nil {
		t.Skipf("no make on PATH: %v", err)
	}
	out, err := exec.Command(mk, "--no-print-directory", "help").Output()
	if err != nil {
		t.Fatalf("make help: %v", err)
	}
	listed := map[string]bool{}
	for line := range strings.Lines(string(out)) {
		if f := strings.Fields(line); len(f) > 1 && strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") {
			listed[f[0]] = true
		}
	}
	mf, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	phony := regexp.MustCompile(`(?m)^\.PHONY:(.*)$`).FindSubmatch(mf)
	if phony == nil {
		t.Fatal("the Makefile has no .PHONY line")
	}
	for _, target := range strings.Fields(string(phony[1])) {
		if target != "all" && !listed[target] {
			t.Errorf("make help does not list %s: give it a \"## %s: ...\" comment", target, target)
		}
	}
}
