package redact

import (
	"strings"
	"unicode/utf8"
)

// decoder turns a view into its decoding, or nil when it would change
// nothing.
type decoder struct {
	bit, excludes uint8
	decode        func(*view) *view
}

const (
	jsonBit uint8 = 1 << iota
	htmlBit
	pathBit // percent-encoding, '+' kept
	formBit // percent-encoding, '+' a space
)

// decoders are tried on every view in this order. The two readings of '+'
// exclude each other.
var decoders = [...]decoder{
	{jsonBit, 0, decodeJSON},
	{htmlBit, 0, decodeHTML},
	{pathBit, formBit, decodePath},
	{formBit, pathBit, decodeForm},
}

// decodeJSON reads JSON string escapes: \" \\ \/ \' \b \f \n \r \t and
// \uXXXX in either case, a surrogate pair as one character, a lone
// surrogate as U+FFFD. Anything else stays as it is; an escape cut off by
// the end of the text is dropped.
func decodeJSON(v *view) *view {
	return decodeWith(v, strings.IndexByte(v.s, '\\'), func(s string, i int, b *builder) (int, bool) {
		switch {
		case s[i] != '\\':
			return 0, false
		case i+1 == len(s):
			return 0, true
		}
		if c, ok := jsonEscape(s[i+1]); ok {
			b.put(i, i+2, c)
			return 2, false
		}
		if s[i+1] != 'u' {
			return 0, false
		}
		r, n := unicodeEscape(s[i:])
		if n <= 0 {
			return 0, n == 0 // 0: cut off by the end of the text; < 0: not an escape
		}
		b.putRune(i, i+n, r)
		return n, false
	})
}

// decodeWith runs one decoder over v from its first escape at i: esc reads
// the escape at s[i] into b and says how many bytes it took (0: none, the
// byte stays as it is), or that the text ends inside the escape: then the
// escape is dropped, so that the cut echo before it is seen. It returns nil
// when nothing changed.
func decodeWith(v *view, i int, esc func(s string, i int, b *builder) (n int, cut bool)) *view {
	if i < 0 {
		return nil
	}
	s := v.s
	var b builder
	b.start(v, i)
	changed := false
	for i < len(s) {
		n, cut := esc(s, i, &b)
		switch {
		case cut:
			return b.view()
		case n == 0:
			b.keep(i)
			i++
		default:
			i, changed = i+n, true
		}
	}
	if !changed {
		return nil
	}
	return b.view()
}

// jsonEscape returns the character a JSON writer escapes as \c.
func jsonEscape(c byte) (byte, bool) {
	switch c {
	case '"', '\\', '/', '\'':
		return c, true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	}
	return 0, false
}

// unicodeEscape reads the \uXXXX escape (or surrogate pair) that s begins
// with and returns the character and its length; n is 0 when the text ends
// inside it, -1 when s does not begin with one.
func unicodeEscape(s string) (r rune, n int) {
	r, n = hex4(s)
	if n <= 0 || r < 0xD800 || r > 0xDFFF {
		return r, n
	}
	if r >= 0xDC00 {
		return utf8.RuneError, 6
	}
	low, m := hex4(s[6:])
	switch {
	case m == 0:
		return 0, 0 // a pair cut between its halves
	case m > 0 && 0xDC00 <= low && low <= 0xDFFF:
		return 0x10000 + (r-0xD800)<<10 + (low - 0xDC00), 12
	}
	return utf8.RuneError, 6
}

// hex4 reads \uXXXX at the start of s: n is 6, 0 when s ends inside it, or
// -1 when s does not begin with one.
func hex4(s string) (rune, int) {
	if len(s) < 6 {
		if isCut(s, `\u`) && allHex(s[min(len(s), 2):]) {
			return 0, 0
		}
		return 0, -1
	}
	if s[:2] != `\u` {
		return 0, -1
	}
	var r rune
	for _, c := range []byte(s[2:6]) {
		d, ok := unhex(c)
		if !ok {
			return 0, -1
		}
		r = r<<4 | rune(d)
	}
	return r, 6
}

// isCut tells whether s is a beginning of prefix, or prefix followed by
// more: a text that ends inside an escape starting with prefix.
func isCut(s, prefix string) bool {
	if len(s) <= len(prefix) {
		return strings.HasPrefix(prefix, s)
	}
	return strings.HasPrefix(s, prefix)
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if _, ok := unhex(s[i]); !ok {
			return false
		}
	}
	return true
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// maxEntity is the longest character reference read: HTML5's longest name,
// &CounterClockwiseContourIntegral;, or a number with leading zeros.
const maxEntity = 40

// decodeHTML reads HTML character references: the named ones of [entity],
// &#NNN; and &#xHH; (x and the digits in either case). Anything else stays
// as it is; a reference cut off by the end of the text is dropped.
func decodeHTML(v *view) *view {
	return decodeWith(v, strings.IndexByte(v.s, '&'), func(s string, i int, b *builder) (int, bool) {
		if s[i] != '&' {
			return 0, false
		}
		j := i + 1
		for j < len(s) && j-i < maxEntity && isEntityByte(s[j]) {
			j++
		}
		if j == len(s) {
			return 0, true
		}
		if s[j] != ';' {
			return 0, false
		}
		r, ok := reference(s[i+1 : j])
		if !ok {
			return 0, false
		}
		b.putRune(i, j+1, r)
		return j + 1 - i, false
	})
}

func isEntityByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '#'
}

// reference returns the character of the reference &name;.
func reference(name string) (rune, bool) {
	if len(name) < 2 || name[0] != '#' {
		return entity(name)
	}
	digits, base := name[1:], rune(10)
	if digits[0] == 'x' || digits[0] == 'X' {
		digits, base = digits[1:], 16
	}
	if digits == "" {
		return 0, false
	}
	var r rune
	for i := 0; i < len(digits); i++ {
		d, ok := unhex(digits[i])
		if !ok || rune(d) >= base {
			return 0, false
		}
		r = min(r*base+rune(d), utf8.MaxRune+1)
	}
	// Literally, not as HTML5 reads &#0; and &#128;-&#159;: what the writer
	// meant, had it a secret with such bytes.
	if r > utf8.MaxRune || 0xD800 <= r && r <= 0xDFFF {
		r = utf8.RuneError
	}
	return r, true
}

// decodePath reads percent-encoding, '+' kept as itself (a URL path).
func decodePath(v *view) *view { return decodePercent(v, false) }

// decodeForm reads percent-encoding, '+' a space (a form body, a query).
func decodeForm(v *view) *view { return decodePercent(v, true) }

// decodePercent reads %XX in either case, and '+' as a space when plus.
// Anything else stays as it is; an escape cut off by the end of the text
// is dropped.
func decodePercent(v *view, plus bool) *view {
	i := strings.IndexByte(v.s, '%')
	if plus {
		if j := strings.IndexByte(v.s, '+'); j >= 0 && (i < 0 || j < i) {
			i = j
		}
	}
	return decodeWith(v, i, func(s string, i int, b *builder) (int, bool) {
		switch {
		case s[i] == '+' && plus:
			b.put(i, i+1, ' ')
			return 1, false
		case s[i] != '%':
			return 0, false
		case len(s)-i < 3:
			return 0, allHex(s[i+1:])
		}
		hi, ok1 := unhex(s[i+1])
		lo, ok2 := unhex(s[i+2])
		if !ok1 || !ok2 {
			return 0, false
		}
		b.put(i, i+3, hi<<4|lo)
		return 3, false
	})
}

// isB64 tells whether c is a base64 character of either alphabet
// (padding aside).
func isB64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '+' || c == '/' || c == '-' || c == '_'
}

// b64Word widens s[lo:hi] to the base64 word around it, padding included.
func b64Word(s string, lo, hi int) (int, int) {
	for lo > 0 && isB64(s[lo-1]) {
		lo--
	}
	for hi < len(s) && isB64(s[hi]) {
		hi++
	}
	for hi < len(s) && s[hi] == '=' {
		hi++
	}
	return lo, hi
}

// b64Cut returns where the base64 word that ends s starts when, read from
// any of its first four characters, it decodes to text that ends with the
// first MinLen or more bytes of e's secret or of one of its alts; or -1.
func b64Cut(s string, e *entry) int {
	end := len(s)
	for end > 0 && s[end-1] == '=' {
		end--
	}
	start := end
	for start > 0 && isB64(s[start-1]) {
		start--
	}
	if end-start < 6 { // 6 characters hold MinLen bytes
		return -1
	}
	word := start
	// Only the last characters can hold the beginning of a secret.
	longest := len(e.secret)
	for _, alt := range e.alts {
		longest = max(longest, len(alt))
	}
	if need := (longest+2)/3*4 + 8; end-start > need {
		start += (end - start - need) / 4 * 4
	}
	var buf [96]byte
	for o := range 4 {
		d := string(b64Decode(buf[:0], s[start+o:end]))
		if cutStart(d, e.secret) >= 0 {
			return word
		}
		for _, alt := range e.alts {
			if cutStart(d, alt) >= 0 {
				return word
			}
		}
	}
	return -1
}

// b64Decode appends to dst the bytes that s, base64 of either alphabet
// without padding, decodes to; a last group of one character is dropped.
func b64Decode(dst []byte, s string) []byte {
	var acc uint32
	bits := 0
	for i := 0; i < len(s); i++ {
		acc = acc<<6 | uint32(b64Value(s[i]))
		bits += 6
		if bits >= 8 {
			bits -= 8
			dst = append(dst, byte(acc>>bits))
		}
	}
	return dst
}

func b64Value(c byte) byte {
	switch {
	case 'A' <= c && c <= 'Z':
		return c - 'A'
	case 'a' <= c && c <= 'z':
		return c - 'a' + 26
	case '0' <= c && c <= '9':
		return c - '0' + 52
	case c == '+' || c == '-':
		return 62
	}
	return 63 // '/' or '_'
}
