package cli

import (
	"context"
	"go/ast"
	parser2 "go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"

	"bytes"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlainSecretsRefused(t *testing.T) {
	for _, args := range [][]string{
		{"-U", "http://x", "--user", "u", "--password", fixture.Password},
		{"-U", "http://x", "--password=" + fixture.Password},
		{"--mode", "direct", "--client-id", "c", "--client-secret", fixture.Secret},
		{"-U", "http://x", "--auth", "bearer", "--token", fixture.Secret},
	} {
		got, out := runPlugin(t, nil, args...)
		if got != plugin.Unknown || !bytes.Contains(out, []byte(secretOnCommandLine)) {
			t.Errorf("%v: state %v, output %q", args[len(args)-2], got, out)
		}
		if bytes.Contains(out, []byte("sEcReT")) {
			t.Errorf("the refused secret is printed: %q", out)
		}
	}
}

// FuzzArgs feeds arbitrary option values through the whole command line:
// go-flags, the option types (-t SECONDS[:STATE], states, ranges,
// --certificate), the URL checks and the secret sources. Every run targets
// a closed loopback port, so nothing leaves the host: words that could name
// another target are dropped.
func FuzzArgs(f *testing.F) {
	for _, seed := range []string{
		"-t 10", "-t 2.5:UNKNOWN", "-t 0", "-t -1", "-t 1e9", "-t NaN", "-t 10:", "-t :3", // timeouts
		"-w 10 -c 20", "-w ~:10 -c @10:20", "-w 1:12% -c x20", "-c 2:1", // ranges
		"--unreachable-state ok", "--unreachable-state 9", "--unreachable-state wArNiNg",
		"--certificate 30,14", "--certificate 14,30", "--certificate NaN", "--certificate 30,", "--certificate ,",
		"--runtime net", "--runtime java", "--mode direct", "--mode both", "--auth bearer", "--auth forms --user x",
		"--output json -vvv", "-V", "-h", "--max-body 0", "--max-body -5", "--token-lifetime-warning 7200:",
		"--password x", "--client-secret=y", "--token z", "--user", "--", "-", "-U", "--bogus", "-vvvvvvvv",
		"--cache-dir=", "--cache-max-age 0", "--cache-max-age -1", "--cache-max-age 1e3", "--cache-max-age 99999999999999999999", "--no-cache --cache-max-age 1",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		var args []string
		for _, w := range strings.Fields(line) {
			lw := strings.ToLower(w)
			if strings.Contains(lw, "://") || strings.HasPrefix(lw, "-u") || strings.HasPrefix(lw, "--u") ||
				strings.HasPrefix(lw, "-h") || strings.HasPrefix(lw, "--h") || strings.HasPrefix(lw, "--i") ||
				strings.Contains(lw, "file") || strings.HasPrefix(lw, "-p") || strings.HasPrefix(lw, "--p") {
				continue // no other target, no files: see above
			}
			args = append(args, w)
		}
		args = append(args, "-U", "http://127.0.0.1:1", "--identity-url", "http://127.0.0.1:1")
		var out bytes.Buffer
		code := Run(context.Background(), args, &out, func(string) string { return "" })
		if code < 0 || code > 3 {
			t.Fatalf("exit code %d", code)
		}
		s := out.String()
		if !utf8.ValidString(s) || s == "" || !strings.HasSuffix(s, "\n") {
			t.Fatalf("output %q", s)
		}
		first, _, _ := strings.Cut(s, "\n")
		if !strings.HasPrefix(first, "CREATIO OAUTH ") && !strings.HasPrefix(first, "check_creatio_oauth ") && !strings.HasPrefix(first, "{") {
			t.Fatalf("line 1 %q", first)
		}
		if text, _, _ := strings.Cut(first, " | "); strings.Contains(text, "|") && !strings.HasPrefix(first, "{") {
			t.Fatalf("a '|' in the text of line 1: %q", first)
		}
	})
}

func TestUsage(t *testing.T) {
	// The whole output of each is its golden file, usage_<name>.golden.
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"no address", nil},
		{"unknown flag", []string{"--bogus"}},
		{"positional", []string{"-U", "http://x", "extra"}},
		{"bad url", []string{"-U", "ftp://x"}},
		{"url with password", []string{"-U", "https://u:secret@x"}},
		{"both url and host", []string{"-U", "http://x", "-H", "x"}},
		{"bad warning", []string{"-U", "http://x", "-w", "x20"}},
		{"bad critical", []string{"-U", "http://x", "-c", "2:1"}},
		{"bad timeout", []string{"-U", "http://x", "-t", "0"}},
		{"bad timeout state", []string{"-U", "http://x", "-t", "10:maybe"}},
		{"bad unreachable state", []string{"-U", "http://x", "--unreachable-state", "9"}},
		{"bad runtime", []string{"-U", "http://x", "--runtime", "java"}},
		{"missing ca file", []string{"-U", "https://x", "--ca-file", "/nonexistent/ca.pem"}},
		{"cert without key", []string{"-U", "https://x", "--client-cert", "/nonexistent/c.pem"}},
		{"bad max body", []string{"-U", "https://x", "--max-body", "0"}},
		{"port not a number", []string{"-H", "x", "-p", "abc"}},
		{"negative timeout", []string{"-U", "http://x", "-t", "-1"}},
		{"timeout over a day", []string{"-U", "http://x", "-t", "100000"}},
		{"timeout followed by an option", []string{"-U", "http://x", "-t", "-v"}},
		{"url with a space", []string{"-U", "https://crm example.com"}},
		{"url without scheme", []string{"-U", "crm.example.com/creatio"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, out := runPlugin(t, nil, tc.args...)
			if got != plugin.Unknown {
				t.Errorf("state %v, want UNKNOWN", got)
			}
			if n := bytes.Count(out, []byte("\n")); n != 1 {
				t.Errorf("%d lines, want 1: %q", n, out)
			}
			golden(t, "usage_"+tc.name, out)
			// The same mistake with --output json is one line of JSON,
			// wherever --output json stands, so that a Zabbix item never
			// turns unsupported.
			for _, args := range [][]string{append([]string{"--output", "json"}, tc.args...), append(append([]string{}, tc.args...), "--output=json")} {
				got, out := runPlugin(t, nil, args...)
				var j struct {
					State     *int    `json:"state"`
					StateText string  `json:"state_text"`
					Summary   *string `json:"summary"`
				}
				if err := json.Unmarshal(out, &j); err != nil || bytes.Count(out, []byte("\n")) != 1 || got != plugin.Unknown ||
					j.State == nil || *j.State != 3 || j.StateText != "UNKNOWN" || j.Summary == nil || *j.Summary == "" {
					t.Errorf("%v: state %v, want one line of JSON with state 3, state_text and summary (%v):\n%s", args, got, err, out)
				}
			}
		})
	}
}

// --help and --version print text and exit 3, also with --output json;
// everything else with --output json is JSON, also an unreadable secret
// file and a panic.
func TestJSONForEveryOutcome(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		json bool
	}{
		{"help", []string{"--output", "json", "--help"}, false},
		{"version", []string{"--output", "json", "-V"}, false},
		{"unreadable password file", []string{"--output", "json", "-U", "http://x", "--user", "u", "--password-file", "/nonexistent/pw"}, true},
		{"unreadable client secret file", []string{"--output", "json", "--mode", "direct", "--client-id", "c", "--client-secret-file", t.TempDir()}, true},
		{"direct mode without settings", []string{"--output", "json", "--mode", "direct"}, true},
		{"secret on the command line", []string{"--output=json", "-U", "http://x", "--password", "x"}, true},
		{"option after --", []string{"-U", "http://x", "--", "--output", "json"}, false},
	} {
		got, out := runPlugin(t, nil, tc.args...)
		if got != plugin.Unknown {
			t.Errorf("%s: state %v, want UNKNOWN\n%s", tc.name, got, out)
		}
		if isJSON := json.Valid(out) && bytes.Count(out, []byte("\n")) == 1; isJSON != tc.json {
			t.Errorf("%s: output is one line of JSON: %t, want %t\n%s", tc.name, isJSON, tc.json, out)
		}
	}
}

func TestHelpAndVersionExitUnknown(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"-V"}, {"--version"}} {
		got, out := runPlugin(t, nil, args...)
		if got != plugin.Unknown {
			t.Errorf("%v: state %v, want UNKNOWN (guidelines)", args, got)
		}
		if !bytes.HasPrefix(out, []byte("check_creatio_oauth ")) {
			t.Errorf("%v: output starts %q", args, out[:min(len(out), 40)])
		}
	}
}

// flagWord is an option named in advice: "--ca-file", "--client-id".
var flagWord = regexp.MustCompile(`--[a-z][a-z0-9-]*[a-z0-9]`)

// Every --flag that check/ and the command line name in their messages (the
// advice on the status line) is an option of the command line: renaming an
// option without its advice fails here.
func TestAdviceNamesRealFlags(t *testing.T) {
	parser := newParser(&options{})
	var files []string
	err := filepath.WalkDir(fromRoot("check"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	mainFiles, _ := filepath.Glob("*.go")
	named := 0
	for _, f := range append(files, mainFiles...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		fset := token.NewFileSet()
		af, err := parser2.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			for _, w := range flagWord.FindAllString(s, -1) {
				named++
				if name := strings.TrimPrefix(w, "--"); name != "help" && parser.FindOptionByLongName(name) == nil {
					t.Errorf("%s: %q names %s, which the command line does not have", fset.Position(lit.Pos()), s, w)
				}
			}
			return true
		})
	}
	if named < 30 {
		t.Errorf("only %d --flag mentions found in check/ and the command line: is the scan broken?", named)
	}
}

// The man page comes from the same go-flags definitions as --help: every
// option --help shows is in it, with the sections a man reader needs and
// the version of --version.
func TestManPage(t *testing.T) {
	var out bytes.Buffer
	if code := Run(context.Background(), []string{"--manpage"}, &out, func(string) string { return "" }); code != 0 {
		t.Fatalf("--manpage exit %d, want 0\n%s", code, out.String())
	}
	page := out.String()
	if want := `.TH CHECK_CREATIO_OAUTH 1 "`; !strings.HasPrefix(page, want) || !strings.Contains(strings.SplitN(page, "\n", 2)[0], `"check_creatio_oauth `+buildVersion()+`"`) {
		t.Errorf("the .TH line %q lacks the name or the version %s", strings.SplitN(page, "\n", 2)[0], buildVersion())
	}
	for _, sec := range []string{".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH OPTIONS", ".SH EXIT STATUS", ".SH PERFORMANCE DATA", ".SH ENVIRONMENT", ".SH EXAMPLES", ".SH INTEGRATION"} {
		if !strings.Contains(page, "\n"+sec+"\n") {
			t.Errorf("the man page has no %s section", sec)
		}
	}
	var help bytes.Buffer
	Run(context.Background(), []string{"--help"}, &help, func(string) string { return "" })
	for _, opt := range regexp.MustCompile(`(?m)^\s+(?:-\w, )?--([a-z-]+)`).FindAllStringSubmatch(help.String(), -1) {
		if !strings.Contains(page, `\-\-`+strings.ReplaceAll(opt[1], "-", `\-`)+`\fR`) { // every '-' a minus sign
			t.Errorf("--%s is in --help but not in the man page", opt[1])
		}
	}
	if strings.Contains(page, "--manpage") || strings.Contains(page, `\-\-manpage`) {
		t.Error("the hidden --manpage is in the man page")
	}
}

// The man page's footer, as man prints it at 80 columns, keeps the name
// and version (a snapshot's is 51 characters) and the title apart, and the
// date when there is room for it (man-db at MANWIDTH=80 lays it out in 78).
func TestManPageFooter(t *testing.T) {
	manCmd, err := exec.LookPath("man")
	if err != nil {
		t.Skip("no man here (apt-get install man-db groff-base)")
	}
	saved := version
	t.Cleanup(func() { version = saved })
	for _, tc := range []struct {
		version string
		date    bool
	}{
		{"1.0.0", true},
		{"1.0.0~git20261130110031.8d5124f", false},
	} {
		version = tc.version
		var page bytes.Buffer
		if code := Run(context.Background(), []string{"--manpage"}, &page, func(string) string { return "" }); code != 0 {
			t.Fatalf("--manpage exit %d", code)
		}
		file := fixture.WriteFile(t, "check_creatio_oauth.1", page.String())
		cmd := exec.Command(manCmd, "-l", file)
		cmd.Env = append(os.Environ(), "MANWIDTH=80", "MANPAGER=cat", "PAGER=cat", "LC_ALL=C.UTF-8")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("man -l: %v", err)
		}
		lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
		footer := lines[len(lines)-1]
		fields := strings.Fields(footer)
		want := []string{"check_creatio_oauth", tc.version}
		if tc.date { // the date go-flags wrote, from SOURCE_DATE_EPOCH or today
			_, date, _ := strings.Cut(strings.SplitN(page.String(), "\n", 2)[0], `1 "`)
			date, _, _ = strings.Cut(date, `"`)
			want = append(want, strings.Fields(date)...)
		}
		want = append(want, "CHECK_CREATIO_OAUTH(1)")
		if len(footer) > 80 || strings.Join(fields, " ") != strings.Join(want, " ") {
			t.Errorf("version %s: footer %q, want the words %q in 80 columns", tc.version, footer, want)
		}
	}
}

// fromRoot is p in the repository's root, seen from this package's
// directory (go test runs in it): README.md, contrib/, check/.
func fromRoot(p string) string {
	return filepath.Join("..", "..", filepath.FromSlash(p))
}
