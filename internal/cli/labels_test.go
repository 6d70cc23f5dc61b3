package cli

import (
	"bytes"
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"check_creatio_oauth/testdata/fixture"
	"check_creatio_oauth/testdata/sim"
)

// Every perfdata label the plugin can emit is in the README's perfdata
// table and in the man page's PERFORMANCE DATA, with the unit it is printed
// in; and every label those tables list is emitted by some run, so they hold
// nothing stale. The labels come from two sources: the plugin run over every
// scenario and Identity Service variant of the simulator, in each mode, over
// http and over https with --certificate (what it really prints, including
// the labels --mode both derives), and the label literals of the Go sources
// under check/, found wherever they sit in its sub-packages.
func TestPerfdataLabelsDocumented(t *testing.T) {
	t.Parallel() // with the tests that wait for a deadline
	readme := readmePerfTable(t)
	man := manPerfTable(t)
	seen := emittedLabels(t)
	literals, suffixes := sourceLabels(t, fromRoot("check"), fromRoot("plugin"))
	t.Logf("printed: %v; label literals in check/: %v; suffixes: %q", sortedKeys(seen), sortedKeys(literals), suffixes)

	tables := []struct {
		name  string
		units map[string]string
	}{{"the README's perfdata table (What it reports)", readme}, {"the man page's PERFORMANCE DATA (manpage.go)", man}}
	for _, l := range sortedKeys(seen) {
		e := seen[l]
		for _, tb := range tables {
			unit, ok := tb.units[l]
			switch {
			case !ok:
				t.Errorf("perfdata label %s (unit %q) is not in %s; it was printed by: %s", l, e.unit, tb.name, e.args)
			case unit != e.unit:
				t.Errorf("%s gives %s the unit %q, the plugin prints %q (%s)", tb.name, l, unit, e.unit, e.args)
			}
		}
	}
	for _, l := range sortedKeys(literals) {
		for _, tb := range tables {
			if _, ok := tb.units[l]; !ok {
				t.Errorf("perfdata label %s (%s) is not in %s", l, literals[l], tb.name)
			}
		}
		if _, ok := seen[l]; !ok {
			t.Errorf("perfdata label %s (%s) was printed by none of the runs: add a run that reaches it", l, literals[l])
		}
	}
	for _, tb := range tables {
		for _, l := range sortedKeys(tb.units) {
			if _, ok := seen[l]; !ok {
				t.Errorf("%s lists %s, which none of the runs printed: stale, or a run is missing", tb.name, l)
			}
		}
	}
	for _, s := range suffixes {
		found := false
		for l := range seen {
			found = found || strings.HasSuffix(l, s)
		}
		if !found {
			t.Errorf("check/ appends %q to perfdata labels, but no run printed such a label", s)
		}
	}
	// A scan or a parser that finds nothing would pass the checks above.
	if len(literals) < 5 || len(readme) < 5 || len(man) < 5 || len(seen) < 5 {
		t.Errorf("too few labels found (source %d, README %d, man page %d, runs %d): is a scan broken?", len(literals), len(readme), len(man), len(seen))
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

// emission is a label's unit as printed, and a command line that printed it.
type emission struct {
	unit string
	args string
}

// perfItem is one perfdata item of line 1: label=value[UOM][;...].
var perfItem = regexp.MustCompile(`^'?([^'=]+)'?=(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)([^;0-9.]*)`)

// emittedLabels runs the plugin in-process over every scenario of the
// simulated Creatio and every variant of its Identity Service, in endpoint,
// direct and both mode, with each login, over http and over https with
// --certificate, and returns every perfdata label printed on line 1.
func emittedLabels(t *testing.T) map[string]emission {
	t.Helper()
	stand := fixture.NewStand(t, 50*time.Millisecond)
	creatioTLS, creatioPEM := fixture.TLSServer(t, stand.C.Config.Handler, []string{"localhost"}, fixture.Loopback, time.Now().Add(90*24*time.Hour), nil)
	identityTLS, identityPEM := fixture.TLSServer(t, stand.ID.Config.Handler, []string{"localhost"}, fixture.Loopback, time.Now().Add(90*24*time.Hour), nil)
	tlsArgs := []string{"--ca-file", fixture.WriteFile(t, "creatio.pem", creatioPEM), "--ca-file", fixture.WriteFile(t, "identity.pem", identityPEM), "--certificate", "30"}
	env := map[string]string{"CREATIO_PASSWORD": fixture.Password, "CREATIO_CLIENT_SECRET": fixture.Secret}

	// endpoint is the command line of a scenario with the login it needs,
	// against the Identity Service idp.
	endpoint := func(c, idp string, sc sim.Scenario) []string {
		args := []string{"-U", c + "/" + sc.Name}
		switch sc.Auth {
		case sim.AuthForms:
			args = append(args, "--user", fixture.User)
		case sim.AuthBearer:
			args = append(args, "--identity-url", idp, "--client-id", fixture.Client)
		}
		return args
	}
	bearer := sim.Scenario{Name: "bearer", Auth: sim.AuthBearer}
	var runs [][]string
	for _, net := range []struct {
		c, id string
		extra []string
	}{{stand.C.URL, stand.ID.URL, nil}, {creatioTLS.URL, identityTLS.URL, tlsArgs}} {
		var cmds [][]string
		for _, sc := range sim.Scenarios {
			cmds = append(cmds, endpoint(net.c, net.id+"/ok", sc))
			both := append([]string{"--mode", "both", "--identity-url", net.id + "/ok", "--client-id", fixture.Client}, endpoint(net.c, net.id+"/ok", sc)...)
			if sc.Auth == "" {
				both = append(both, "--auth", "none")
			}
			cmds = append(cmds, both)
		}
		for _, v := range sim.IdentityVariants {
			idp := net.id + "/" + v.Name
			cmds = append(cmds,
				[]string{"--mode", "direct", "--identity-url", idp, "--client-id", fixture.Client},
				endpoint(net.c, idp, bearer),
				append([]string{"--mode", "both"}, endpoint(net.c, idp, bearer)...),
			)
		}
		for _, c := range cmds {
			runs = append(runs, append(append(c, "-t", "3"), net.extra...))
		}
	}

	var mu sync.Mutex
	seen := map[string]emission{}
	t.Run("runs", func(t *testing.T) {
		for i, args := range runs {
			t.Run(strconv.Itoa(i), func(t *testing.T) {
				t.Parallel()
				var out bytes.Buffer
				Run(context.Background(), args, &out, func(k string) string { return env[k] })
				line1, _, _ := strings.Cut(out.String(), "\n")
				_, perf, ok := strings.Cut(line1, " | ")
				if !ok {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				for _, item := range strings.Fields(perf) {
					m := perfItem.FindStringSubmatch(item)
					if m == nil {
						t.Errorf("perfdata item %q of %v", item, args)
						continue
					}
					if e, ok := seen[m[1]]; ok && e.unit != m[3] {
						t.Errorf("label %s printed with unit %q by %s and %q by %v", m[1], e.unit, e.args, m[3], args)
					}
					if _, ok := seen[m[1]]; !ok {
						seen[m[1]] = emission{unit: m[3], args: strings.Join(args, " ")}
					}
				}
			})
		}
	})
	return seen
}

// sourceLabels scans the Go files under the roots (tests and testdata
// excluded) and returns the perfdata label literals of check/ with where
// each was found, and the suffixes check/ appends to labels. A label is a
// string (or a string constant) given as a Label field, keyed or in its
// place in an unkeyed struct literal; as the argument of a function or
// method parameter named label; or compared with a Label field, in a switch
// or with == or !=. The suffixes are those of X.Label += "...".
func sourceLabels(t *testing.T, roots ...string) (map[string]string, []string) {
	t.Helper()
	fset := token.NewFileSet()
	var files []*ast.File
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			files = append(files, f)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	// What the call sites need to know: string constants, the position
	// of a parameter named label, the position of a field named label.
	consts := map[string]string{}
	labelParam := map[string]int{}
	labelField := map[string]int{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for i, name := range n.Names {
					if i < len(n.Values) {
						if s, ok := stringLit(n.Values[i]); ok {
							consts[name.Name] = s
						}
					}
				}
			case *ast.FuncDecl:
				if i := labelIndex(n.Type.Params); i >= 0 {
					labelParam[n.Name.Name] = i
				}
			case *ast.TypeSpec:
				if st, ok := n.Type.(*ast.StructType); ok {
					if i := labelIndex(st.Fields); i >= 0 {
						labelField[n.Name.Name] = i
					}
				}
			}
			return true
		})
	}
	value := func(e ast.Expr) (string, bool) {
		if s, ok := stringLit(e); ok {
			return s, true
		}
		switch e := e.(type) {
		case *ast.Ident: // a constant of the package
			s, ok := consts[e.Name]
			return s, ok
		case *ast.SelectorExpr: // pkg.Constant of another package under check/
			s, ok := consts[e.Sel.Name]
			return s, ok
		}
		return "", false
	}
	// fieldIndex is the position of the label field of a struct literal's
	// type, or -1.
	fieldIndex := func(typ ast.Expr) int {
		switch typ := typ.(type) {
		case *ast.StructType:
			return labelIndex(typ.Fields)
		case *ast.Ident:
			if i, ok := labelField[typ.Name]; ok {
				return i
			}
		case *ast.SelectorExpr:
			if i, ok := labelField[typ.Sel.Name]; ok {
				return i
			}
		}
		return -1
	}

	labels := map[string]string{}
	var suffixes []string
	shape := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	for _, f := range files {
		if !strings.HasPrefix(filepath.ToSlash(fset.Position(f.Pos()).Filename), filepath.ToSlash(fromRoot("check"))+"/") {
			continue
		}
		add := func(e ast.Expr) {
			if s, ok := value(e); ok && shape.MatchString(s) {
				if _, dup := labels[s]; !dup {
					labels[s] = fset.Position(e.Pos()).String()
				}
			}
		}
		unkeyed := func(lit *ast.CompositeLit, idx int) {
			if idx >= 0 && idx < len(lit.Elts) {
				if _, keyed := lit.Elts[0].(*ast.KeyValueExpr); !keyed {
					add(lit.Elts[idx])
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				for _, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok && strings.EqualFold(k.Name, "label") {
							add(kv.Value)
						}
					}
				}
				unkeyed(n, fieldIndex(n.Type))
				// []T{{...}, ...} and map[K]T{k: {...}}: the elements' type is elided
				var elt ast.Expr
				switch typ := n.Type.(type) {
				case *ast.ArrayType:
					elt = typ.Elt
				case *ast.MapType:
					elt = typ.Value
				}
				if idx := fieldIndex(elt); idx >= 0 {
					for _, el := range n.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							el = kv.Value
						}
						if lit, ok := el.(*ast.CompositeLit); ok && lit.Type == nil {
							unkeyed(lit, idx)
						}
					}
				}
			case *ast.CallExpr:
				name := ""
				switch fn := n.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				if i, ok := labelParam[name]; ok && i < len(n.Args) {
					add(n.Args[i])
				}
			case *ast.SwitchStmt:
				if isLabelField(n.Tag) {
					for _, s := range n.Body.List {
						for _, e := range s.(*ast.CaseClause).List {
							add(e)
						}
					}
				}
			case *ast.BinaryExpr:
				if n.Op == token.EQL || n.Op == token.NEQ {
					if isLabelField(n.X) {
						add(n.Y)
					}
					if isLabelField(n.Y) {
						add(n.X)
					}
				}
			case *ast.AssignStmt:
				if n.Tok == token.ADD_ASSIGN && len(n.Lhs) == 1 && isLabelField(n.Lhs[0]) {
					if s, ok := value(n.Rhs[0]); ok {
						suffixes = append(suffixes, s)
					}
				}
			}
			return true
		})
	}
	return labels, suffixes
}

// labelIndex is the position of the parameter or field named label (any
// case) in fl, counting each name, or -1.
func labelIndex(fl *ast.FieldList) int {
	if fl == nil {
		return -1
	}
	i := 0
	for _, f := range fl.List {
		if len(f.Names) == 0 {
			i++
			continue
		}
		for _, n := range f.Names {
			if strings.EqualFold(n.Name, "label") {
				return i
			}
			i++
		}
	}
	return -1
}

// isLabelField reports whether e is x.Label (or x.label).
func isLabelField(e ast.Expr) bool {
	s, ok := e.(*ast.SelectorExpr)
	return ok && strings.EqualFold(s.Sel.Name, "label")
}

// stringLit is the value of a string literal.
func stringLit(e ast.Expr) (string, bool) {
	b, ok := e.(*ast.BasicLit)
	if !ok || b.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(b.Value)
	return s, err == nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
