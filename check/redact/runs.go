package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The fragment rule: a part of a secret a server echoed (cut, or split
// over two fields) is hidden by the length of the run of the secret's
// characters it shows, in any view of the text:
//
//   - a run of LongRun or more consecutive characters of a secret, wherever
//     it stands, inside a word too;
//   - a shorter run of at least max(MinLen, ⌈L/4⌉) characters (L: the
//     secret's length in characters) where it stands as an echo: a whole
//     token (bounded on each side by the edge of the text, whitespace, a
//     quote, or punctuation that is not part of the secret) or next to a
//     cut marker ("..." or "…"), but not inside a longer word. A run that
//     is exactly one word of the secret (its letters, a capital and the
//     small letters after it, or its digits: "Creatio" and "2024" of
//     Creatio2024!) is hidden as a token only as a whole field (the text,
//     or a value after '"', '\'' or '=') or, for the secret's first word,
//     before a cut marker, for its last word, after one: such a word is as
//     likely the server's own. The same holds for a cut echo at the end of
//     the text (see [Secrets.Redact]).
//
// A secret shorter than MinLen is not hidden at all (see [MinLen]).

// LongRun is the length, in characters, from which a run of a secret's
// characters is hidden wherever it stands.
const LongRun = 8

// runIndex lets runs find where each byte of a secret occurs.
type runIndex struct {
	chars int        // the secret's length in characters
	short int        // the shortest run hidden as a token, in characters
	first [256]int32 // the first position of each byte in the secret, -1 for none
	next  []int32    // the next position of the same byte, -1 for none
	// grams has a bit set for each MinLen-byte slice of the secret (by a
	// hash): a text position whose next MinLen bytes miss it starts no run
	// worth a look, which most positions of a text are.
	grams [64]uint64
}

// gramBit is the word and bit of grams for the MinLen bytes s begins with
// (runs computes the same as it rolls over a text).
func gramBit(s string) (int, uint64) {
	g := uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
	h := (g * 2654435761) >> 20 // 12 bits
	return int(h >> 6), 1 << (h & 63)
}

func newRunIndex(secret string) *runIndex {
	x := &runIndex{chars: utf8.RuneCountInString(secret), next: make([]int32, len(secret))}
	x.short = max(MinLen, (x.chars+3)/4)
	for i := range x.first {
		x.first[i] = -1
	}
	for j := len(secret) - 1; j >= 0; j-- {
		c := secret[j]
		x.next[j] = x.first[c]
		x.first[c] = int32(j)
	}
	for j := 0; j+MinLen <= len(secret); j++ {
		w, bit := gramBit(secret[j:])
		x.grams[w] |= bit
	}
	return x
}

// runs appends to found the spans of the raw text where v shows a run of
// a secret of entries that the fragment rule hides. any is the union of the
// entries' grams: one pass over the text serves them all. A hidden run
// either has LongRun characters or more, so it holds a MinLen-byte slice
// at a multiple of 4 that begins at most 3 bytes after it does, or it
// stands as an echo, so it begins a token (after a byte that is no ASCII
// letter or digit); only those places are looked at.
func (v *view) runs(entries []entry, any *[64]uint64, found []span) []span {
	s := v.s
	hit := func(i int) (int, uint64, bool) {
		w, bit := gramBit(s[i:])
		return w, bit, any[w]&bit != 0
	}
	look := func(i, w int, bit uint64) {
		for k := range entries {
			if e := &entries[k]; e.runs.grams[w]&bit != 0 {
				found = v.runsAt(i, e, found)
			}
		}
	}
	for i := 0; i+MinLen <= len(s); i++ {
		if i%4 == 0 {
			if w, bit, ok := hit(i); ok {
				for a := max(0, i-3); a <= i; a++ {
					look(a, w, bit) // a run from a that holds s[i:i+4]
				}
			}
			continue
		}
		if i > 0 && wordByte(s[i-1]) {
			continue
		}
		if w, bit, ok := hit(i); ok {
			look(i, w, bit)
		}
	}
	return found
}

// wordByte tells whether c is an ASCII letter or digit.
func wordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// runsAt appends to found the run of e's secret that starts at s[i], if
// the fragment rule hides it.
func (v *view) runsAt(i int, e *entry, found []span) []span {
	s, secret, x := v.s, e.secret, e.runs
	for j := x.first[s[i]]; j >= 0; j = x.next[j] {
		if i > 0 && j > 0 && s[i-1] == secret[j-1] {
			continue // inside a longer run, found from its start
		}
		m := 1
		for i+m < len(s) && int(j)+m < len(secret) && s[i+m] == secret[int(j)+m] {
			m++
		}
		if m < min(x.short, LongRun) || m == len(secret) {
			continue // too short (a run of k characters has k bytes or more), or the whole secret: found already
		}
		k := utf8.RuneCountInString(s[i : i+m])
		if k >= LongRun || k >= x.short && echo(s, i, i+m, secret, int(j)) {
			found = append(found, v.raw(i, i+m))
		}
	}
	return found
}

// echo tells whether the run s[lo:hi], which is secret[j:j+hi-lo], stands
// in s as an echo of the secret: a whole token or next to a cut marker.
func echo(s string, lo, hi int, secret string, j int) bool {
	cutBefore := strings.HasSuffix(s[:lo], "...") || strings.HasSuffix(s[:lo], "…")
	cutAfter := strings.HasPrefix(s[hi:], "...") || strings.HasPrefix(s[hi:], "…")
	left := lo == 0 || cutBefore || edge(lastRune(s[:lo]), secret)
	right := hi == len(s) || cutAfter || edge(firstRune(s[hi:]), secret)
	switch {
	case !left || !right:
		return false
	case (cutBefore || cutAfter) && !oneWord(secret, j, j+hi-lo):
		return true
	case oneWord(secret, j, j+hi-lo) && (cutAfter && j == 0 || cutBefore && j+hi-lo == len(secret)):
		return true // a word that begins the secret, cut after it; or ends it, cut before
	case oneWord(secret, j, j+hi-lo):
		// A word of the secret is hidden as a token only when it is the
		// whole text (give or take quotes and spaces around it).
		return fieldStart(s[:lo]) && fieldEnd(s[hi:])
	}
	return true
}

// edge tells whether r bounds a token: whitespace, a quote, or punctuation
// or a symbol that the secret does not hold.
func edge(r rune, secret string) bool {
	switch {
	case unicode.IsSpace(r):
		return true
	case r == '"' || r == '\'' || r == '`' || unicode.In(r, unicode.Quotation_Mark):
		return true
	case unicode.IsPunct(r) || unicode.IsSymbol(r):
		return !strings.ContainsRune(secret, r)
	}
	return false
}

func lastRune(s string) rune  { r, _ := utf8.DecodeLastRuneInString(s); return r }
func firstRune(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }

// oneWord tells whether secret[lo:hi] is exactly one word of the secret:
// letters that a change of kind (to a digit, a sign, or a capital after
// a small letter) bounds on both sides, or digits so bounded.
func oneWord(secret string, lo, hi int) bool {
	prev := func(i int) rune { r, _ := utf8.DecodeLastRuneInString(secret[:i]); return r }
	for i := lo; i < hi; {
		r, n := utf8.DecodeRuneInString(secret[i:])
		if i > lo && wordBreak(prev(i), r) {
			return false
		}
		i += n
	}
	return (lo == 0 || wordBreak(prev(lo), firstRune(secret[lo:]))) &&
		(hi == len(secret) || wordBreak(prev(hi), firstRune(secret[hi:])))
}

// wordBreak tells whether a word of a secret ends between a and b.
func wordBreak(a, b rune) bool {
	ka, kb := kind(a), kind(b)
	switch {
	case ka == 'o' || kb == 'o':
		return true
	case ka == kb:
		return false
	case ka == 'u' && kb == 'l':
		return false // a capital and the small letters after it
	}
	return true
}

// kind is 'u' for a capital, 'l' for a small letter (or a letter without
// case), 'd' for a digit, 'o' for anything else.
func kind(r rune) byte {
	switch {
	case unicode.IsUpper(r):
		return 'u'
	case unicode.IsLetter(r):
		return 'l'
	case unicode.IsDigit(r):
		return 'd'
	}
	return 'o'
}

// fieldStart tells whether a run after before begins a field: the text,
// or a quoted or assigned value (after '"', '\” or '=').
func fieldStart(before string) bool {
	before = strings.TrimRight(before, " \t\r\n")
	return before == "" || strings.HasSuffix(before, "=") || strings.HasSuffix(before, `"`) || strings.HasSuffix(before, "'")
}

// fieldEnd tells whether a run before after ends a field: the text, or a
// quoted or assigned value (before '"', '\”, '&' or ';').
func fieldEnd(after string) bool {
	after = strings.TrimLeft(after, " \t\r\n")
	return after == "" || strings.HasPrefix(after, `"`) || strings.HasPrefix(after, "'") || strings.HasPrefix(after, "&") || strings.HasPrefix(after, ";")
}
