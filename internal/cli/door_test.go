package cli

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestOneDoorForServerText makes check/web's door (door.go) checkable, not a
// convention: a server's bytes (a response's Status or Header, string(body),
// a gjson result's Str/Raw/String(), an error's Error(), which Go's HTTP
// stack and the parsers make from server bytes) may be read only in the
// door, or where doorAllowed says why that use prints nothing. A new use
// elsewhere fails here: say it through the door (web.Client's Clean, Words,
// ErrText, URLText, Status, Sample) or, if it is parsed and never printed,
// add it below with the reason.
func TestOneDoorForServerText(t *testing.T) {
	t.Chdir(fromRoot("")) // the names below are the repository's
	fset := token.NewFileSet()
	var files []string
	for _, root := range []string{"check"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case d.IsDir() && (d.Name() == "testdata" || d.Name() == "internal"):
				return filepath.SkipDir
			case d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go"):
				return nil
			}
			files = append(files, filepath.ToSlash(p))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) < 20 {
		t.Fatalf("only %d files found: %v", len(files), files)
	}
	seen := map[string]bool{}
	var bad []string
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if name == "check/web/door.go" {
			continue // the door itself
		}
		gjsonFile := false
		pkgs := map[string]bool{}
		for _, im := range f.Imports {
			p := strings.Trim(im.Path.Value, `"`)
			pkgs[p[strings.LastIndex(p, "/")+1:]] = true
			if im.Name != nil {
				pkgs[im.Name.Name] = true
			}
			gjsonFile = gjsonFile || p == "github.com/tidwall/gjson"
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			for _, src := range serverSources(fn.Body, pkgs, gjsonFile) {
				key := name + ":" + fn.Name.Name + ":" + src.what
				seen[key] = true
				if _, ok := doorAllowed[key]; !ok && !allowedEverywhere(name, src.what, seen) {
					bad = append(bad, fset.Position(src.pos).String()+": "+src.what+" in "+fn.Name.Name+" (key "+key+")")
				}
			}
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("server text outside the door: %s", b)
	}
	for key := range doorAllowed {
		if !seen[key] && !strings.Contains(key, ":*:") {
			t.Errorf("doorAllowed lists %s, which no longer occurs: take it out", key)
		}
	}
}

// doorAllowed are the reads of server bytes outside door.go that print
// nothing, by file:function:what, with why.
var doorAllowed = map[string]string{
	// check/web: the client itself and the door's helpers.
	"check/web/client.go:Do:.Body":                    "reads the body; the door makes the Response",
	"check/web/client.go:Error:.Error()":              "requestError wraps; Describe says it through ErrText",
	"check/web/neterr.go:Describe:.Error()":           "compared with a fixed text, never printed",
	"check/web/neterr.go:isServerClosedIdle:.Error()": "compared with a fixed text, never printed",
	"check/web/neterr.go:certInvalidReason:.Error()":  "Describe says it through Clean",
	"check/web/trace.go:debugRequest:.Header":         "the plugin's own request headers, secret ones hidden",
	"check/web/trace.go:debugResponse:.Status":        "-vvv trace: Tracef redacts the raw line first",
	"check/web/trace.go:debugResponse:.Header":        "-vvv trace: debugHeaders redacts each raw value first",
	"check/web/json.go:ReadObject:.Str":               "JSON keys, matched against the plugin's names",
	"check/web/json.go:Text:.Str":                     "Object.Text: callers say its value through the door",
	"check/web/json.go:Text:.Raw":                     "Object.Text: callers say its value through the door",
	"check/web/target.go:ParseServiceURL:.Error()":    "the URL of an option, not a server's",
	// Parsers: they store server text in fields that the door says.
	"check/identity/token.go:parseToken:.Str":             "oauthError, Token: judge says them with Clean",
	"check/identity/token.go:parseToken:.Raw":             "a number as text: expires_in",
	"check/identity/identity.go:parseDiscovery:.Str":      "token_endpoint parsed; Discover says a bad one with Clean",
	"check/identity/identity.go:parseDiscovery:.String()": "url.URL.String, to test that it prints",
	"check/identity/identity.go:parseJWTClaims:.String()": "client_id of a JWT, compared",
	"check/creatio/login.go:Login:.String()":              "url.URL.String of the options, for the cache key",
	"check/creatio/cache.go:*:.Error()":                   "the credential cache's own file errors",
	"check/identity/identity.go:Discover:.Error()":        "the plugin's own words; an EndpointError goes through Clean",
	"check/identity/identity.go:Discover:.Body":           "parsed by parseDiscovery",
	"check/identity/token.go:request:.Body":               "parsed by parseToken",
	"check/creatio/health.go:parseHealth:.Str":            "Message: classify says it with Words",
	"check/creatio/endpoint.go:judge:.Body":               "parsed by parseHealth",
	"check/creatio/endpoint.go:isLoginPage:.Body":         "searched for a login page's marks, never printed",
	"check/creatio/login.go:judge:.Body":                  "parsed by web.ReadObject",
	"check/creatio/login.go:judge:.String()":              "Message: said with Clean",
	"check/creatio/login.go:secureOnly:.Header":           "cookie attributes, never printed",
	"check/creatio/login.go:retire:.Error()":              "building a client: the plugin's own options",
	"check/creatio/endpoint.go:oddAnswer:.Body":           "parsed by parseHealth",
	"check/cache/*:*:.Error()":                            "the credential cache's own files: no server bytes",
	"check/cache/perm_windows.go:granted:.Header":         "an ACE's header in a cache file's DACL: no server bytes",
}

// allowedEverywhere tells whether doorAllowed allows what in every function
// of file (a key with the function "*").
func allowedEverywhere(file, what string, seen map[string]bool) bool {
	_, ok := doorAllowed[file+":*:"+what]
	_, inDir := doorAllowed[path.Dir(file)+"/*:*:"+what]
	return ok || inDir
}

// serverRead is a read of server bytes.
type serverRead struct {
	pos  token.Pos
	what string
}

// serverSources lists the reads of server bytes in body: .Status (not
// StatusCode) and .Header of a value, .Body, gjson's .Str, .Raw and
// .String() in a file that imports gjson, and any .Error() call.
func serverSources(body *ast.BlockStmt, pkgs map[string]bool, gjsonFile bool) []serverRead {
	var out []serverRead
	method := map[ast.Node]bool{} // selectors that name a method called, or a header set
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok {
				break
			}
			method[sel] = true
			if x, ok := sel.X.(*ast.SelectorExpr); ok && x.Sel.Name == "Header" && (sel.Sel.Name == "Set" || sel.Sel.Name == "Add" || sel.Sel.Name == "Del") {
				method[x] = true // a request's header written
			}
			if len(n.Args) == 0 {
				switch {
				case sel.Sel.Name == "Error":
					out = append(out, serverRead{n.Pos(), ".Error()"})
				case sel.Sel.Name == "String" && gjsonFile:
					out = append(out, serverRead{n.Pos(), ".String()"})
				}
			}
		case *ast.SelectorExpr:
			if method[n] {
				return true
			}
			if id, ok := n.X.(*ast.Ident); ok && pkgs[id.Name] {
				return true // a package's name: web.Status is not a field
			}
			switch n.Sel.Name {
			case "Status", "Header", "Body":
				out = append(out, serverRead{n.Pos(), "." + n.Sel.Name})
			case "Str", "Raw":
				if gjsonFile {
					out = append(out, serverRead{n.Pos(), "." + n.Sel.Name})
				}
			}
		}
		return true
	})
	return out
}
