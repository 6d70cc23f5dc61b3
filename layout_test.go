package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// fileOrder is the main package's files from the top down: the command
// line, what it writes and the man page, the options turned into a check,
// the secrets, the options themselves, the version. A file uses only files
// below it, so each can be read knowing only what follows it.
var fileOrder = []string{
	"main.go",
	"output.go",
	"manpage.go",
	"config.go",
	"secret.go", "secret_unix.go", "secret_other.go",
	"options.go",
	"version.go",
}

// TestFileOrder fails when a file of the main package uses a package-level
// name of a file above it in fileOrder, or when a file is not in it.
// go test -run TestFileOrder -v . prints every arrow.
func TestFileOrder(t *testing.T) {
	arrows, err := fileArrows(".")
	if err != nil {
		t.Fatal(err)
	}
	rank := func(f string) int { return slices.Index(fileOrder, f) }
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if !strings.HasSuffix(f, "_test.go") && rank(f) < 0 {
			t.Errorf("%s is not in fileOrder: put it where it belongs", f)
		}
	}
	for _, a := range arrows {
		t.Logf("%s -> %s (%s)", a.from, a.to, strings.Join(a.names, ", "))
		if rank(a.from) >= 0 && rank(a.to) >= 0 && rank(a.to) < rank(a.from) {
			t.Errorf("%s uses %s of %s, a file above it", a.from, strings.Join(a.names, ", "), a.to)
		}
	}
}

// arrow is one file's use of another's package-level names.
type arrow struct {
	from, to string
	names    []string
}

// fileArrows lists, for the non-test Go files of the package in dir, which
// file uses which other file's package-level names (functions, types,
// variables, constants). A method counts through its type, which a file
// that calls it names or gets from a function it names.
func fileArrows(dir string) ([]arrow, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	declaredIn := map[string][]string{} // name -> files
	parsed := map[string]*ast.File{}
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return nil, err
		}
		name := filepath.Base(p)
		parsed[name] = f
		for _, obj := range f.Scope.Objects {
			declaredIn[obj.Name] = append(declaredIn[obj.Name], name)
		}
	}
	uses := map[[2]string]map[string]bool{}
	for name, f := range parsed {
		for _, id := range f.Unresolved {
			for _, to := range declaredIn[id.Name] {
				if to == name {
					continue
				}
				k := [2]string{name, to}
				if uses[k] == nil {
					uses[k] = map[string]bool{}
				}
				uses[k][id.Name] = true
			}
		}
	}
	var arrows []arrow
	for k, names := range uses {
		a := arrow{from: k[0], to: k[1]}
		for n := range names {
			a.names = append(a.names, n)
		}
		sort.Strings(a.names)
		arrows = append(arrows, a)
	}
	sort.Slice(arrows, func(i, j int) bool {
		if arrows[i].from != arrows[j].from {
			return arrows[i].from < arrows[j].from
		}
		return arrows[i].to < arrows[j].to
	})
	return arrows, nil
}
