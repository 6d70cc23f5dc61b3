package check

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestOneWriterOfState holds the rule of package report: Report.Fail is the
// only code under check/, and in the command line above it, that sets a
// state. Every other outcome that is not OK is a report.Failure handed to
// it (a threshold, the token's sanity and a certificate's days carry the
// state they were rated, as the command line's usage errors do).
func TestOneWriterOfState(t *testing.T) {
	fset := token.NewFileSet()
	var found []string
	for _, dir := range []string{".", "../internal/cli"} {
		found = append(found, writersIn(t, fset, dir)...)
	}
	if len(found) > 0 {
		t.Errorf("a state is set outside report.Report.Fail (record a report.Failure instead):\n%s", strings.Join(found, "\n"))
	}
}

// writersIn is what stateWriters finds in the product files below dir.
func writersIn(t *testing.T, fset *token.FileSet, dir string) []string {
	t.Helper()
	var found []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		found = append(found, stateWriters(fset, f)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestStateWritersFound proves the scan finds each way of setting a state.
func TestStateWritersFound(t *testing.T) {
	const src = `package p
func (r *Report) Fail() { r.State = 2 }
func other(r *report.Report) {
	r.State = 2
	r.State++
	r.State, x = 1, 2
	_ = &report.Report{Mode: "m", State: 2}
	_ = Report{State: 1}
	_ = report.Step{State: 1} // a step's state is not the report's
}`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := stateWriters(fset, f)
	if len(got) != 5 {
		t.Errorf("found %d writers, want 5 (not Fail's own, not a step's):\n%s", len(got), strings.Join(got, "\n"))
	}
	for _, w := range got {
		if strings.HasPrefix(w, "p.go:2:") {
			t.Errorf("Report.Fail's own assignment counted: %s", w)
		}
	}
}

// stateWriters lists, as file:line, the assignments to a field State and
// the Report literals that name a State, outside the method Fail of Report.
func stateWriters(fset *token.FileSet, f *ast.File) []string {
	var found []string
	at := func(n ast.Node, what string) {
		found = append(found, fset.Position(n.Pos()).String()+": "+what)
	}
	for _, decl := range f.Decls {
		if fd, ok := decl.(*ast.FuncDecl); ok && fd.Name.Name == "Fail" && receiverIs(fd, "Report") {
			continue
		}
		ast.Inspect(decl, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					if isStateField(l) {
						at(n, "assignment to .State")
					}
				}
			case *ast.IncDecStmt:
				if isStateField(n.X) {
					at(n, "change of .State")
				}
			case *ast.CompositeLit:
				if !isReportType(n.Type) {
					return true
				}
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "State" {
							at(n, "Report literal with a State")
						}
					}
				}
			}
			return true
		})
	}
	return found
}

func isStateField(e ast.Expr) bool {
	s, ok := e.(*ast.SelectorExpr)
	return ok && s.Sel.Name == "State"
}

func isReportType(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name == "Report"
	case *ast.SelectorExpr:
		return e.Sel.Name == "Report"
	}
	return false
}

func receiverIs(fd *ast.FuncDecl, name string) bool {
	if fd.Recv == nil || len(fd.Recv.List) != 1 {
		return false
	}
	typ := fd.Recv.List[0].Type
	if s, ok := typ.(*ast.StarExpr); ok {
		typ = s.X
	}
	id, ok := typ.(*ast.Ident)
	return ok && id.Name == name
}
