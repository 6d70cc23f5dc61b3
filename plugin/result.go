package plugin

import (
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLine is the maximum length in bytes of the first output line up to,
// not including, the " | " that starts the performance data. Longer
// summaries are cut by [Result.WriteTo].
const MaxLine = 200

// ellipsis marks a summary that [Result.WriteTo] cut to fit [MaxLine].
const ellipsis = "..."

// Result is the complete output of one plugin run.
type Result struct {
	Name    string   // Name is the service prefix of line 1, e.g. "EXAMPLE"; empty to start with the state.
	State   State    // State is the overall state; its String form follows Name.
	Summary string   // Summary is the text of line 1, after " - "; empty to print no " - ".
	Long    []string // Long holds the long-output lines after line 1, one element per line.
	Perf    []Perf   // Perf is printed on line 1 after " | ", separated by spaces.
}

// WriteTo writes r in plugin output format to w, with a single Write, and
// returns the number of bytes written. It implements [io.WriterTo].
//
// Line 1 is "NAME STATE - Summary | perf1 perf2 ...". The " - Summary" part
// is left out when Summary is empty, and the " | ..." part when there is no
// performance data. Each element of Long follows on a line of its own, and
// every line ends in "\n", so the output has exactly 1+len(Long) lines.
// Name, Summary and each Long element go through [Sanitize], so a '|' or a
// line break in them cannot break the format (a Long element with line
// breaks becomes one line; an empty one an empty line); a Long element keeps
// its leading spaces, an indent. When line 1 up to
// " | " would be longer than [MaxLine] bytes, Summary is cut at a UTF-8
// character boundary and ends in "..." so that it fits; a Name too long
// to fit is cut the same way and the summary is dropped.
func (r Result) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	b.WriteString(r.head())
	for i, p := range r.Perf {
		if i == 0 {
			b.WriteString(" | ")
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(p.String())
	}
	b.WriteByte('\n')
	for _, l := range r.Long {
		text := strings.TrimLeft(l, " ")
		if text = Sanitize(text); text != "" {
			b.WriteString(l[:len(l)-len(strings.TrimLeft(l, " "))])
		}
		b.WriteString(text)
		b.WriteByte('\n')
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// head returns line 1 up to the performance data, at most MaxLine bytes.
func (r Result) head() string {
	state := r.State.String()
	prefix := state
	if name := Sanitize(r.Name); name != "" {
		if len(name)+1+len(state) > MaxLine {
			name = Truncate(name, MaxLine-1-len(state)-len(ellipsis)) + ellipsis
		}
		prefix = name + " " + state
	}
	summary := Sanitize(r.Summary)
	if summary == "" {
		return prefix
	}
	const sep = " - "
	if len(prefix)+len(sep)+len(summary) <= MaxLine {
		return prefix + sep + summary
	}
	room := MaxLine - len(prefix) - len(sep) - len(ellipsis)
	cut := Truncate(summary, room)
	if cut == "" {
		return prefix
	}
	return prefix + sep + cut + ellipsis
}

// Truncate returns the longest prefix of s that is at most n bytes long and
// ends at a UTF-8 character boundary, without trailing spaces.
func Truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) > n {
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n]
	}
	return strings.TrimRight(s, " ")
}

// Sanitize turns s into safe one-line text for plugin output: '|' (the
// performance-data separator) becomes '/', every control character
// (including "\n", "\r", "\t", DEL and the C1 controls) and every other
// Unicode space (such as U+00A0 or U+2028) becomes a space, invalid UTF-8
// becomes U+FFFD, runs of spaces collapse to one, and leading and trailing
// spaces are removed. The result is valid UTF-8.
func Sanitize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	// space is set when a space is pending; invalid bytes arrive as U+FFFD.
	space := false
	for _, r := range s {
		switch {
		case r == '|':
			r = '/'
		case unicode.IsControl(r) || unicode.IsSpace(r):
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
