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
	return x
}

// runs appends to found the spans of the raw text (n bytes) where v shows
// a run of e's secret that the fragment rule hides.
func (v *view) runs(e *entry, found []span) []span {
	s, secret, x := v.s, e.secret, e.runs
	minBytes := x.short // a run of k characters has at least k bytes
	for i := 0; i+minBytes <= len(s); i++ {
		for j := x.first[s[i]]; j >= 0; j = x.next[j] {
			if i > 0 && j > 0 && s[i-1] == secret[j-1] {
				continue // inside a longer run, found from its start
			}
			m := 1
			for i+m < len(s) && int(j)+m < len(secret) && s[i+m] == secret[int(j)+m] {
				m++
			}
			if m < minBytes || m == len(secret) {
				continue // too short, or the whole secret: found already
			}
			run := s[i : i+m]
			k := utf8.RuneCountInString(run)
			if k >= LongRun || k >= x.short && echo(s, i, i+m, secret, int(j)) {
				found = append(found, v.raw(i, i+m))
			}
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
