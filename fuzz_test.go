package main

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

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
		code := run(args, &out, func(string) string { return "" })
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
