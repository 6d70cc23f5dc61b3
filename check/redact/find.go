package redact

import (
	"strings"
	"unicode/utf8"
)

// maxDepth is how many decodings are stacked: a form body (percent) echoed
// in JSON shown in an HTML page is three, as is a value HTML-escaped twice
// in JSON.
const maxDepth = 3

// find returns the spans of text that hold a secret, in any decoding,
// sorted and joined where they overlap, leaving out those that lie within a
// marker already put in (marks, sorted and disjoint).
func find(text string, entries []entry, marks []span) []span {
	var found []span
	var any [64]uint64 // the grams of every secret, for the fragment rule
	for i := range entries {
		for w, bits := range entries[i].runs.grams {
			any[w] |= bits
		}
	}
	for _, v := range views(text) {
		for i := range entries {
			found = v.match(&entries[i], len(text), found)
		}
		found = v.runs(entries, &any, found)
	}
	sortSpans(found)
	var out []span
	m := 0
	for _, f := range found {
		for m < len(marks) && marks[m].hi <= f.lo {
			m++
		}
		if m < len(marks) && marks[m].lo <= f.lo && f.hi <= marks[m].hi {
			continue // within a marker
		}
		if n := len(out); n > 0 && f.lo <= out[n-1].hi {
			out[n-1].hi = max(out[n-1].hi, f.hi)
			continue
		}
		out = append(out, f)
	}
	return out
}

// viewBudget bounds the memory the decodings of one fragment take, in
// bytes (a decoded byte costs 9: itself and where it came from), unless
// the four decodings one deep need more. A 4 KiB body sample takes at most
// 2.4 MiB, with every decoder nested three deep; a fragment of a MiB gets
// its decodings one deep only.
const viewBudget = 8 << 20

// views returns text and its decodings: every chain of up to maxDepth
// decoders that each change something, shallow ones first, as far as
// viewBudget goes. A decoder may come twice (text HTML-escaped twice,
// percent-encoded twice); the two readings of '+' do not mix.
func views(text string) []*view {
	vs := []*view{{s: text}}
	spent, budget := 0, max(viewBudget, 9*len(decoders)*len(text))
	for i := 0; i < len(vs); i++ {
		v := vs[i]
		if v.depth == maxDepth {
			continue
		}
		for _, d := range decoders {
			if v.used&d.excludes != 0 {
				continue
			}
			if spent += 9 * len(v.s); spent > budget {
				return vs
			}
			if nv := d.decode(v); nv != nil {
				nv.used, nv.depth = v.used|d.bit, v.depth+1
				vs = append(vs, nv)
			}
		}
	}
	return vs
}

// match appends to found the spans of the raw text (n bytes) where v shows
// the secret of e: whole, base64-encoded, or beginning at the end.
func (v *view) match(e *entry, n int, found []span) []span {
	s, secret := v.s, e.secret
	for at := 0; ; at++ {
		i := strings.Index(s[at:], secret)
		if i < 0 {
			break
		}
		at += i
		found = append(found, v.raw(at, at+len(secret)))
	}
	for _, core := range e.cores {
		for at := 0; ; at++ {
			i := strings.Index(s[at:], core)
			if i < 0 {
				break
			}
			at += i
			lo, hi := b64Word(s, at, at+len(core))
			found = append(found, v.raw(lo, hi))
			at = hi - 1
		}
	}
	// A cut echo: the view ends, give or take a tail, with the secret's
	// first MinLen+ bytes, as text or inside a final base64 word.
	// The span ends where the tail begins (a dropped escape is hidden).
	for end := len(s); end+maxTail >= len(s); {
		p := cutStart(s[:end], secret)
		if p >= 0 && wordAtEnd(s, p, end, secret) {
			p = -1 // a word that begins the secret, at the end of a longer text
		}
		if p < 0 {
			p = b64Cut(s[:end], e)
		}
		if p >= 0 {
			hi := n
			if end < len(s) {
				hi = v.raw(end, end+1).lo
			}
			return append(found, span{v.raw(p, p+1).lo, hi})
		}
		switch {
		case end == 0:
			return found
		case isTail(s[end-1]):
			end--
		case strings.HasSuffix(s[:end], "…"):
			end -= len("…")
		default:
			return found
		}
	}
	return found
}

// maxTail is the longest tail looked past for a cut echo, in bytes.
const maxTail = 8

// isTail tells whether c may follow a cut echo: space, a closing quote or
// bracket, a full stop or comma.
func isTail(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '"', '\'', '}', ']', ')', '>', '.', ',':
		return true
	}
	return false
}

// cutStart returns where s ends with the first MinLen or more bytes of
// secret, but not all of them (a whole secret is found wherever it is), or
// -1.
func cutStart(s, secret string) int {
	p := max(0, len(s)-len(secret)+1)
	for last := len(s) - MinLen; p <= last; p++ {
		i := strings.IndexByte(s[p:last+1], secret[0])
		if i < 0 {
			return -1
		}
		p += i
		if strings.HasPrefix(secret, s[p:]) {
			return p
		}
	}
	return -1
}

// view is a fragment, raw or decoded, with each of its bytes mapped to the
// bytes of the raw fragment it came from.
type view struct {
	s string
	// from[i] delimits the raw bytes s[i] was decoded from; nil for the
	// raw text itself. s ends where the raw text ends, or where an escape
	// cut in half begins.
	from  []pos
	used  uint8 // the decoders applied
	depth int
}

// pos is a byte range [lo, hi) of the raw fragment.
type pos struct{ lo, hi int32 }

// raw returns the raw span that s[a:b] was decoded from (a < b).
func (v *view) raw(a, b int) span {
	if v.from == nil {
		return span{a, b}
	}
	return span{int(v.from[a].lo), int(v.from[b-1].hi)}
}

// builder writes a decoding of a view; it lives on the decoder's stack.
type builder struct {
	src  *view
	b    []byte
	from []pos
}

// start begins a decoding of v whose first n bytes are unchanged.
func (b *builder) start(v *view, n int) {
	b.src = v
	b.b = append(make([]byte, 0, len(v.s)), v.s[:n]...)
	b.from = make([]pos, n, len(v.s))
	if v.from != nil {
		copy(b.from, v.from[:n])
		return
	}
	for i := range n {
		b.from[i] = pos{int32(i), int32(i + 1)}
	}
}

// keep copies byte i of the source.
func (b *builder) keep(i int) {
	p := pos{int32(i), int32(i + 1)}
	if b.src.from != nil {
		p = b.src.from[i]
	}
	b.b = append(b.b, b.src.s[i])
	b.from = append(b.from, p)
}

// put writes the bytes decoded from source bytes [i, j).
func (b *builder) put(i, j int, out ...byte) {
	r := b.src.raw(i, j)
	p := pos{int32(r.lo), int32(r.hi)}
	for _, c := range out {
		b.b = append(b.b, c)
		b.from = append(b.from, p)
	}
}

// putRune writes r, decoded from source bytes [i, j), as UTF-8.
func (b *builder) putRune(i, j int, r rune) {
	var buf [4]byte
	b.put(i, j, buf[:utf8.EncodeRune(buf[:], r)]...)
}

func (b *builder) view() *view {
	return &view{s: string(b.b), from: b.from}
}

// wordAtEnd tells whether the cut echo s[p:end], a beginning of secret, is
// one word of the secret after other text, with no cut marker after it:
// "available to Creatio" for the secret Creatio2024!, which is Creatio's
// name more likely than a cut echo.
func wordAtEnd(s string, p, end int, secret string) bool {
	if !oneWord(secret, 0, end-p) || fieldStart(s[:p]) {
		return false
	}
	return !strings.HasPrefix(s[end:], "...") && !strings.HasPrefix(s[end:], "…")
}
