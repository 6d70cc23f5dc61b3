package plugin

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// rangeCorpus seeds FuzzParseRange and FuzzPerf.
var rangeCorpus = []string{
	"10",                    // bare end, start 0
	"10:",                   // open end
	"~:10",                  // minus infinity
	"10:20",                 // both ends
	"@10:20",                // inside
	"~:",                    // everything, never alerts
	"@~:",                   // everything, always alerts
	"0:",                    // [0, +Inf] must not print as ""
	":5.75",                 // empty start, prints as "5.75"
	"@0:657.8210567",        // prints as "@657.8210567"
	"12345678901234567890:", // more digits than a float64 holds
	"1e3",                   // exponent, accepted like Perl
	"1e21",                  // prints without exponent
	"5e-324",                // smallest subnormal, 300+ digits when printed
	"1e-400",                // underflows to 0
	"1e999",                 // overflows: rejected
	"-0:0",                  // negative zero
	".5:5.",                 // bare fraction and bare point
	"+1:+2",                 // explicit plus, accepted like Perl
	"",                      // empty: rejected
	"@",                     // only the inside marker
	"~",                     // only minus infinity
	":",                     // only the separator
	"2:1",                   // start > end
	"10:~",                  // "~" as end
	"1:12%",                 // trailing junk
	"10:20:30",              // two separators
	"0x10",                  // hexadecimal
	"NaN",                   // not a number
	"Inf",                   // infinity spelled out
	"1_0",                   // Go digit separator
	" 10",                   // whitespace
}

// rangeSyntax is the accepted range grammar, as a reference independent of
// the hand-written parser.
var rangeSyntax = regexp.MustCompile(`^@?(?:(?:~|` + numberRE + `)?:)?(?:` + numberRE + `)?$`)

// numberRE is a decimal number as ParseRange accepts it.
const numberRE = `[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?`

func FuzzParseRange(f *testing.F) {
	for _, s := range rangeCorpus {
		f.Add(s, 0.0)
	}
	f.Add("10", math.NaN()) // NaN value always alerts
	f.Add("~:", math.Inf(1))
	f.Fuzz(func(t *testing.T, s string, v float64) {
		r, err := ParseRange(s)
		if err != nil {
			if r != (Range{}) {
				t.Fatalf("ParseRange(%q) returned %#v with error %v", s, r, err)
			}
			// The grammar matches but the value does not: the only
			// reasons are an empty range, start > end or overflow.
			if rangeSyntax.MatchString(s) {
				msg := err.Error()
				if !strings.Contains(msg, "greater than") && !strings.Contains(msg, "out of range") &&
					!strings.Contains(msg, "needs a start or an end") && !strings.Contains(msg, "empty range") {
					t.Fatalf("ParseRange(%q) rejected valid syntax: %v", s, err)
				}
			}
			return
		}
		if !rangeSyntax.MatchString(s) {
			t.Fatalf("ParseRange(%q) accepted a string outside the grammar: %#v", s, r)
		}
		if math.IsNaN(r.Start) || math.IsNaN(r.End) || r.Start > r.End || math.IsInf(r.Start, 1) || math.IsInf(r.End, -1) {
			t.Fatalf("ParseRange(%q) = %#v, an invalid range", s, r)
		}
		if r.Inside != strings.HasPrefix(s, "@") {
			t.Fatalf("ParseRange(%q).Inside = %v", s, r.Inside)
		}
		str := r.String()
		if strings.ContainsAny(str, "eE ") || str == "" {
			t.Fatalf("ParseRange(%q).String() = %q", s, str)
		}
		r2, err := ParseRange(str)
		if err != nil {
			t.Fatalf("ParseRange(%q) = %#v, whose String %q does not parse: %v", s, r, str, err)
		}
		if r2 != r {
			t.Fatalf("ParseRange(%q) = %#v, String %q, parses back to %#v", s, r, str, r2)
		}
		if str2 := r2.String(); str2 != str {
			t.Fatalf("String is not stable: %q then %q", str, str2)
		}
		a := r.Alert(v)
		if r.Alert(v) != a || r2.Alert(v) != a {
			t.Fatalf("ParseRange(%q).Alert(%v) is not deterministic", s, v)
		}
		if math.IsNaN(v) && !a {
			t.Fatalf("ParseRange(%q).Alert(NaN) = false", s)
		}
		if !math.IsNaN(v) && !r.Inside && (Range{Start: r.Start, End: r.End, Inside: true}).Alert(v) == a {
			t.Fatalf("ParseRange(%q): inside and outside agree for %v", s, v)
		}
	})
}

// perfSyntax is the perfdata grammar 'label'=value[UOM];[warn];[crit];[min];[max]
// as Perf.String writes it: a quoted label contains a space, an unquoted one
// none; neither contains quotes, '=', '|', '`' or control characters.
var perfSyntax = regexp.MustCompile(
	`^(?:'` + labelChar + `* ` + labelChar + `*'|(?:[^\p{Z}'="` + "`" + `|\p{Cc}])+)` +
		`=(?:U|` + plainNumber + `[A-Za-z%]*)` +
		`(?:;(?:` + rangeOut + `)?(?:;(?:` + rangeOut + `)?(?:;(?:` + plainNumber + `)?(?:;(?:` + plainNumber + `)?)?)?)?)?$`)

const (
	labelChar   = `[^'="` + "`" + `|\p{Cc}]`
	plainNumber = `-?[0-9]+(?:\.[0-9]+)?`
	rangeOut    = `@?(?:~:|` + plainNumber + `:)?(?:` + plainNumber + `)?`
)

func FuzzPerf(f *testing.F) {
	nan := math.NaN()
	for _, seed := range []struct {
		label, unit, warn, crit string
		v, min, max             float64
	}{
		{"time", "s", "1", "5", 0.41, 0, 10},              // a typical item
		{"size", "B", "", "", 380, 0, nan},                // min only
		{"bytes in", "B", "", "", 12, nan, nan},           // quoted label
		{"", "", "", "", 1, nan, nan},                     // empty label
		{"a'b=c\"d`e|f", "", "", "", 1, nan, nan},         // every replaced character
		{"x\n|y", "", "", "", 1, nan, nan},                // newline and pipe
		{"tab\there", "", "", "", 1, nan, nan},            // control character
		{"nb\u00a0sp", "", "", "", 1, nan, nan},           // Unicode space
		{"\xff\xfe", "", "", "", 1, nan, nan},             // invalid UTF-8
		{"x", "s", "", "", nan, 0, 10},                    // U
		{"x", "", "", "", math.Inf(-1), nan, nan},         // U
		{"x", "", "", "", 1e300, -1e300, 5e-324},          // no exponent
		{"x", "", "", "", math.Copysign(0, -1), nan, nan}, // -0
		{"x", "µs", "@10:20", "~:", 1, nan, nan},          // non-ASCII unit, open ranges
		{"x", "%", "0:", "x20", 1, math.Inf(1), nan},      // invalid crit, infinite min
	} {
		f.Add(seed.label, seed.v, seed.unit, seed.warn, seed.crit, seed.min, seed.max)
	}
	f.Fuzz(func(t *testing.T, label string, v float64, unit, warn, crit string, min, max float64) {
		p := Perf{Label: label, Value: v, Unit: unit, Min: &min, Max: &max}
		if r, err := ParseRange(warn); err == nil {
			p.Warning = &r
		}
		if r, err := ParseRange(crit); err == nil {
			p.Critical = &r
		}
		s := p.String()
		if !utf8.ValidString(s) {
			t.Fatalf("%#v.String() = %q is not UTF-8", p, s)
		}
		if strings.ContainsAny(s, "\n\r|") {
			t.Fatalf("%#v.String() = %q contains a line break or '|'", p, s)
		}
		if !perfSyntax.MatchString(s) {
			t.Fatalf("%#v.String() = %q does not match the perfdata grammar", p, s)
		}
		if strings.HasSuffix(s, ";") {
			t.Fatalf("%#v.String() = %q ends in an empty field", p, s)
		}
		// Split off the label; the value part contains no '='.
		eq := strings.LastIndexByte(s, '=')
		gotLabel, rest := s[:eq], s[eq+1:]
		if strings.HasPrefix(gotLabel, "'") {
			gotLabel = strings.TrimSuffix(strings.TrimPrefix(gotLabel, "'"), "'")
		}
		if strings.IndexFunc(rest, unicode.IsSpace) >= 0 {
			t.Fatalf("%#v.String() = %q has a space outside the label", p, s)
		}
		checkLabel(t, label, gotLabel)
		// The fields read back to what was set.
		fields := strings.Split(rest, ";")
		if math.IsNaN(v) || math.IsInf(v, 0) {
			if fields[0] != "U" {
				t.Fatalf("value %v printed as %q, want U", v, fields[0])
			}
		} else if got, err := strconv.ParseFloat(strings.TrimSuffix(fields[0], formatUnit(unit)), 64); err != nil || got != v {
			t.Fatalf("value %v printed as %q", v, fields[0])
		}
		for i, want := range []*Range{p.Warning, p.Critical} {
			if i+1 >= len(fields) || fields[i+1] == "" {
				if want != nil {
					t.Fatalf("%#v.String() = %q lost range %v", p, s, want)
				}
				continue
			}
			if got, err := ParseRange(fields[i+1]); err != nil || want == nil || got != *want {
				t.Fatalf("%#v.String() = %q: range field %q reads back as %v, %v", p, s, fields[i+1], got, err)
			}
		}
		for i, want := range []float64{min, max} {
			finite := !math.IsNaN(want) && !math.IsInf(want, 0)
			if i+3 >= len(fields) || fields[i+3] == "" {
				if finite {
					t.Fatalf("%#v.String() = %q lost bound %v", p, s, want)
				}
				continue
			}
			if got, err := strconv.ParseFloat(fields[i+3], 64); err != nil || got != want {
				t.Fatalf("%#v.String() = %q: bound %q, want %v", p, s, fields[i+3], want)
			}
		}
	})
}

// checkLabel checks that got is label with only the documented
// replacements: '=', quotes, '|' and control characters to '_', other
// Unicode spaces to ' ', invalid bytes to U+FFFD, and "" to "_".
func checkLabel(t *testing.T, label, got string) {
	t.Helper()
	if label == "" {
		if got != "_" {
			t.Fatalf("empty label printed as %q, want _", got)
		}
		return
	}
	var in []rune
	for _, r := range label { // invalid bytes arrive as U+FFFD
		in = append(in, r)
	}
	out := []rune(got)
	if len(in) != len(out) {
		t.Fatalf("label %q printed as %q: %d runes, want %d", label, got, len(out), len(in))
	}
	for i := range in {
		switch a, b := in[i], out[i]; {
		case a == b && a != '=' && a != '\'' && a != '"' && a != '`' && a != '|' && !unicode.IsControl(a) && (a == ' ' || !unicode.IsSpace(a)):
		case b == '_' && (strings.ContainsRune("='\"`|", a) || unicode.IsControl(a)):
		case b == ' ' && unicode.IsSpace(a) && !unicode.IsControl(a):
		default:
			t.Fatalf("label %q printed as %q: rune %d %q became %q", label, got, i, a, b)
		}
	}
}

func FuzzResult(f *testing.F) {
	for _, seed := range []struct {
		name, summary, long1, long2 string
		state                       int
		nLong                       uint8
		perf                        bool
	}{
		{"EXAMPLE", "all good", "", "", 0, 0, false},                            // plain
		{"EXAMPLE", "slow", "detail 1", "detail 2", 1, 2, true},                 // long output and perfdata
		{"", "", "", "", 3, 0, false},                                           // only the state
		{"X", "a|b\nc\x00d", "x | y=1", "\r\n", 2, 2, true},                     // hostile text
		{"X", strings.Repeat("€", 100), "", "", 2, 0, true},                     // cut at a rune boundary
		{strings.Repeat("N", 300), "s", "", "", 2, 1, false},                    // name longer than MaxLine
		{"X", strings.Repeat("x ", 150), "\n", "", 0, 1, false},                 // cut before a space
		{"X", "\xff\xfe" + strings.Repeat("\xe2\x82", 120), "", "", 7, 0, true}, // invalid UTF-8, invalid state
		{"X", " | ", " | ", "", 0, 1, true},                                     // separator look-alikes
	} {
		f.Add(seed.name, seed.state, seed.summary, seed.long1, seed.long2, seed.nLong, seed.perf)
	}
	f.Fuzz(func(t *testing.T, name string, state int, summary, long1, long2 string, nLong uint8, perf bool) {
		r := Result{Name: name, State: State(state), Summary: summary, Long: []string{long1, long2}[:nLong%3]}
		wantPerf := ""
		if perf {
			r.Perf = []Perf{{Label: "time", Value: 1.5, Unit: "s"}, {Label: summary, Value: 1}}
			wantPerf = r.Perf[0].String() + " " + r.Perf[1].String()
		}
		var b strings.Builder
		n, err := r.WriteTo(&b)
		if err != nil || n != int64(b.Len()) {
			t.Fatalf("WriteTo = %d, %v; wrote %d bytes", n, err, b.Len())
		}
		out := b.String()
		if !utf8.ValidString(out) {
			t.Fatalf("output %q is not UTF-8", out)
		}
		if !strings.HasSuffix(out, "\n") {
			t.Fatalf("output %q does not end in a newline", out)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if got, want := len(lines), 1+len(r.Long); got != want {
			t.Fatalf("output %q has %d lines, want %d", out, got, want)
		}
		if strings.IndexFunc(out, func(r rune) bool { return r != '\n' && unicode.IsControl(r) }) >= 0 {
			t.Fatalf("output %q contains a control character", out)
		}
		head, gotPerf, hasPerf := strings.Cut(lines[0], " | ")
		if strings.Contains(head, "|") {
			t.Fatalf("line 1 %q has a '|' before the perfdata", lines[0])
		}
		if len(head) > MaxLine {
			t.Fatalf("line 1 %q is %d bytes before the perfdata, more than %d", lines[0], len(head), MaxLine)
		}
		if hasPerf != perf || gotPerf != wantPerf {
			t.Fatalf("line 1 %q: perfdata %q, want %q", lines[0], gotPerf, wantPerf)
		}
		if !strings.HasPrefix(head, r.State.String()) && !strings.Contains(head, " "+r.State.String()) {
			t.Fatalf("line 1 %q lacks the state %v", lines[0], r.State)
		}
		for i, l := range r.Long {
			text := Sanitize(l)
			indent := ""
			if text != "" {
				indent = l[:len(l)-len(strings.TrimLeft(l, " "))] // kept, spaces only
			}
			if got, want := lines[i+1], indent+text; got != want {
				t.Fatalf("long line %d = %q, want %q", i, got, want)
			}
		}
		// Sanitize itself: one line, trimmed, collapsed, idempotent.
		for _, s := range []string{summary, long1, name} {
			c := Sanitize(s)
			if c != strings.TrimSpace(c) || strings.Contains(c, "  ") || strings.ContainsAny(c, "|\n\r") {
				t.Fatalf("Sanitize(%q) = %q", s, c)
			}
			if Sanitize(c) != c {
				t.Fatalf("Sanitize is not idempotent on %q", s)
			}
		}
	})
}

func FuzzParseState(f *testing.F) {
	for _, s := range []string{
		"OK", "ok", "0", "wArnINg", "1", "critical", "2", "UNKNOWN", "3", // valid
		"", "00", "01", "10", "4", "-1", "warningfewgw", // rejected by mp_translate_state
		"o\u212a", "\u212aO", // Kelvin sign folds to 'k' in Unicode
		"ok\x00", " ok", // trailing NUL, leading space
	} {
		f.Add(s)
	}
	names := map[string]State{"OK": OK, "WARNING": Warning, "CRITICAL": Critical, "UNKNOWN": Unknown}
	f.Fuzz(func(t *testing.T, s string) {
		st, err := ParseState(s)
		// Reference: an exact digit, or an ASCII name in any case.
		want, ok := State(0), false
		if len(s) == 1 && '0' <= s[0] && s[0] <= '3' {
			want, ok = State(s[0]-'0'), true
		} else if isASCII(s) {
			want, ok = names[strings.ToUpper(s)]
		}
		if ok != (err == nil) {
			t.Fatalf("ParseState(%q) = %v, %v; want ok=%v", s, st, err, ok)
		}
		if err != nil {
			if st != Unknown {
				t.Fatalf("ParseState(%q) returned %v with its error, want UNKNOWN", s, st)
			}
			return
		}
		if st != want {
			t.Fatalf("ParseState(%q) = %v, want %v", s, st, want)
		}
		if back, err := ParseState(st.String()); err != nil || back != st {
			t.Fatalf("ParseState(%q) = %v, %v; want %v", st.String(), back, err, st)
		}
		if back, err := ParseState(strconv.Itoa(int(st))); err != nil || back != st {
			t.Fatalf("ParseState(%d) = %v, %v; want %v", int(st), back, err, st)
		}
	})
}

// isASCII reports whether s consists of ASCII bytes only.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
