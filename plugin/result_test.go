package plugin

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestResultWriteTo(t *testing.T) {
	perf := []Perf{
		{Label: "time", Value: 1.5, Unit: "s", Min: Float(0), Max: Float(10)},
		{Label: "size", Value: 380, Unit: "B", Min: Float(0)},
	}
	for _, tc := range []struct {
		name string
		r    Result
		want string
	}{
		{"summary", Result{Name: "EXAMPLE", State: OK, Summary: "all good"}, "EXAMPLE OK - all good\n"},
		{"perfdata on line 1", Result{Name: "EXAMPLE", State: Warning, Summary: "slow", Perf: perf},
			"EXAMPLE WARNING - slow | time=1.5s;;;0;10 size=380B;;;0\n"},
		{"no summary", Result{Name: "EXAMPLE", State: Critical}, "EXAMPLE CRITICAL\n"},
		{"no summary with perf", Result{Name: "EXAMPLE", State: Critical, Perf: perf[1:]}, "EXAMPLE CRITICAL | size=380B;;;0\n"},
		{"blank summary", Result{Name: "EXAMPLE", State: OK, Summary: " \n\t"}, "EXAMPLE OK\n"},
		{"no name", Result{State: Unknown, Summary: "bad flag"}, "UNKNOWN - bad flag\n"},
		{"no name, no summary", Result{State: OK}, "OK\n"},
		{"invalid state", Result{Name: "X", State: State(9), Summary: "s"}, "X UNKNOWN - s\n"},
		{"long output", Result{Name: "EXAMPLE", State: OK, Summary: "s", Long: []string{"line 1", "line 2"}, Perf: perf[:1]},
			"EXAMPLE OK - s | time=1.5s;;;0;10\nline 1\nline 2\n"},
		{"long element with line breaks", Result{Name: "X", State: OK, Long: []string{"a\nb\r\nc", "d|e"}}, "X OK\na b c\nd/e\n"},
		{"empty long element", Result{Name: "X", State: OK, Long: []string{"", "x"}}, "X OK\n\nx\n"},
		{"long element keeps its indent", Result{Name: "X", State: OK, Long: []string{"   fix: a|b\tc ", "  \t x", "   "}}, "X OK\n   fix: a/b c\n  x\n\n"},
		{"hostile summary", Result{Name: "X", State: Critical, Summary: "a|b\nc\x00d"}, "X CRITICAL - a/b c d\n"},
		{"hostile name", Result{Name: "A|B\nC", State: OK, Summary: "s"}, "A/B C OK - s\n"},
		{"invalid UTF-8", Result{Name: "X", State: OK, Summary: "caf\xe9"}, "X OK - caf\uFFFD\n"},
	} {
		var b strings.Builder
		n, err := tc.r.WriteTo(&b)
		if err != nil {
			t.Errorf("%s: WriteTo error: %v", tc.name, err)
		}
		if got, want := b.String(), tc.want; got != want {
			t.Errorf("%s: WriteTo wrote %q, want %q", tc.name, got, want)
		}
		if got, want := n, int64(b.Len()); got != want {
			t.Errorf("%s: WriteTo returned %d, wrote %d bytes", tc.name, got, want)
		}
	}
}

func TestResultTruncate(t *testing.T) {
	const prefix = "EXAMPLE OK - " // 13 bytes; 200 - 13 - len("...") = 184 bytes of summary
	for _, tc := range []struct {
		name    string
		r       Result
		want    string // line 1 before " | "
		wantLen int
	}{
		{"fits exactly", Result{Name: "EXAMPLE", Summary: strings.Repeat("x", 187)},
			prefix + strings.Repeat("x", 187), 200},
		{"one byte over", Result{Name: "EXAMPLE", Summary: strings.Repeat("x", 188)},
			prefix + strings.Repeat("x", 184) + "...", 200},
		{"ASCII", Result{Name: "EXAMPLE", Summary: strings.Repeat("x", 300)},
			prefix + strings.Repeat("x", 184) + "...", 200},
		// 184 / 3 = 61 whole euro signs (183 bytes); the 62nd would be cut.
		{"3-byte runes", Result{Name: "EXAMPLE", Summary: strings.Repeat("€", 100)},
			prefix + strings.Repeat("€", 61) + "...", 199},
		// 184 / 4 = 46 whole 4-byte runes exactly.
		{"4-byte runes", Result{Name: "EXAMPLE", Summary: strings.Repeat("𝄞", 100)},
			prefix + strings.Repeat("𝄞", 46) + "...", 200},
		{"2-byte runes after one ASCII byte", Result{Name: "EXAMPLE", Summary: "a" + strings.Repeat("é", 150)},
			prefix + "a" + strings.Repeat("é", 91) + "...", 199},
		{"cut before a space", Result{Name: "EXAMPLE", Summary: strings.Repeat("x", 183) + " tail of the text"},
			prefix + strings.Repeat("x", 183) + "...", 199},
		{"length after sanitizing", Result{Name: "EXAMPLE", Summary: strings.Repeat("x ", 93) + "\n\n\n\n\n"},
			prefix + strings.TrimSpace(strings.Repeat("x ", 93)), 198},
		{"no name", Result{Summary: strings.Repeat("x", 300)},
			"OK - " + strings.Repeat("x", 192) + "...", 200},
		{"long name", Result{Name: strings.Repeat("N", 250), State: Critical, Summary: "s"},
			strings.Repeat("N", 188) + "... CRITICAL", 200},
		{"name leaves no room", Result{Name: strings.Repeat("N", 187), State: Critical, Summary: "summary"},
			strings.Repeat("N", 187) + " CRITICAL", 196},
	} {
		tc.r.Perf = []Perf{{Label: "x", Value: 1}}
		var b strings.Builder
		if _, err := tc.r.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		head, _, ok := strings.Cut(b.String(), " | ")
		if !ok {
			t.Fatalf("%s: no perfdata separator in %q", tc.name, b.String())
		}
		if got, want := head, tc.want; got != want {
			t.Errorf("%s: line 1 = %q, want %q", tc.name, got, want)
		}
		if got, want := len(head), tc.wantLen; got != want {
			t.Errorf("%s: len(line 1) = %d, want %d", tc.name, got, want)
		}
		if len(head) > MaxLine || !utf8.ValidString(head) {
			t.Errorf("%s: line 1 %q is longer than MaxLine or not UTF-8", tc.name, head)
		}
	}
}

// errWriter fails every write.
type errWriter struct{}

var errWrite = errors.New("write failed")

func (errWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestResultWriteToError(t *testing.T) {
	n, err := Result{State: OK}.WriteTo(errWriter{})
	if !errors.Is(err, errWrite) {
		t.Errorf("WriteTo error = %v, want %v", err, errWrite)
	}
	if n != 0 {
		t.Errorf("WriteTo returned %d bytes, want 0", n)
	}
}

func TestSanitize(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"", ""},
		{"plain text", "plain text"},
		{"a|b", "a/b"},
		{"||", "//"},
		{"a\nb", "a b"},
		{"a\r\nb", "a b"},
		{"a\tb", "a b"},
		{"a\x00b", "a b"},
		{"a\x7fb", "a b"},
		{"a\u0085b\u009fc", "a b c"},
		{"a\u00a0b\u2028c\u2029d\u3000e", "a b c d e"},
		{"  many   spaces  ", "many spaces"},
		{"\n\n", ""},
		{"a\xffb", "a\uFFFDb"},
		{"\xe2\x82", "\uFFFD\uFFFD"},
		{"a|b\nc\x00d", "a/b c d"},
		{"über €", "über €"},
	} {
		if got, want := Sanitize(tc.in), tc.want; got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", tc.in, got, want)
		}
	}
}
