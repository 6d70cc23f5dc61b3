// Package redact hides a run's secrets (the Creatio password, the OAuth
// client secret, access tokens, session cookie values) in the text the
// plugin prints.
//
// It owns one rule: each fragment of a server's text (a header value, an
// error_description, a body sample, Creatio's Message), as check/web's door
// hands it over, is tested against every registered secret in the forms a
// server may have echoed it in, whole or in part (the fragment rule of
// runs.go). The forms are found by decoding the fragment, not by
// listing encodings of the secret:
//
//   - JSON string escapes: \uXXXX in either hex case, surrogate pairs, \" \\
//     \/ \' \b \f \n \r \t (Go, .NET System.Text.Json's \u002B \u0022
//     \u0027, Python's ensure_ascii \u00fc, PHP's \/);
//   - HTML character references: the named ones HTML encoders write (&quot;
//     &amp; &lt; &gt; &apos;, HTML5's names of ASCII punctuation such as
//     &plus; and &sol;, the Latin-1 names such as &nbsp; and &uuml;, the
//     Windows-1252 extras such as &euro;), decimal &#39; &#252; and hex
//     &#x27; in any case, leading zeros allowed (.NET WebUtility.HtmlEncode,
//     PHP htmlentities, Python html.escape, Go html.EscapeString);
//   - percent-encoding in either hex case, '+' read both as a space (a form
//     body, a query) and as itself (a path);
//   - the three above nested up to three deep, in any order, the same one
//     twice included (a form body echoed in .NET JSON, JSON in an HTML
//     page, text HTML-escaped twice), as far as 8 MiB of decoded text goes
//     (every nesting of a 4 KiB body sample; a fragment of a MiB is decoded
//     one deep);
//   - base64, standard and URL-safe, padded or not, of the secret at any
//     position, so of an HTTP Basic credential id:secret too, in the raw
//     fragment or in any of its decodings.
//
// It knows no secret by name: callers register each value (every cookie
// value the trace may print included) with [Secrets.Add].
//
// What it must not do: print, log or keep anything but the registered
// secrets; clean text (callers redact the raw fragment first, then sanitise
// and cut it, since a secret with '|', a non-breaking space or two spaces is
// found only in raw text: [Secrets.Clean] does it in that order); cost
// start-up time (no regexp, no html package, no table built before a secret
// is registered: the plugin is a one-shot process).
package redact

import (
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
	"sync"

	"check_creatio_oauth/plugin"
)

// marker replaces a secret, or a fragment that holds one, in redacted text.
const marker = "[redacted]"

// MinLen is the shortest secret Secrets hides, in bytes: a shorter value
// would blank out ordinary words and offers no secrecy anyway. It is also
// the shortest beginning of a secret that hides the end of a cut fragment.
const MinLen = 4

// Secrets is the set of secrets a run must never print. The zero value is
// ready to use and safe for concurrent use; a nil *Secrets hides nothing.
type Secrets struct {
	mu      sync.RWMutex
	entries []entry // append-only: Redact reads a snapshot without the lock
}

// entry is one registered secret with the forms precomputed for it.
type entry struct {
	secret string
	// alts are the secret form-encoded, as RFC 6749 2.3.1 puts it in an
	// HTTP Basic credential (upper- and lower-case hex); only looked for
	// inside base64, where no percent-decoding view reaches.
	alts []string
	// cores are the base64 characters that encode only the secret's own
	// bits, for each of the three positions it can take in a 3-byte group
	// and for both alphabets: one of them is in every base64 text that
	// encodes the secret, whatever precedes or follows it.
	cores []string
	// runs finds the runs of the secret the fragment rule hides.
	runs *runIndex
}

// Add registers a secret: a password, a client secret, a token or a cookie
// value. Values shorter than [MinLen] bytes are ignored. Registering the same
// value again changes nothing.
func (s *Secrets) Add(secret string) {
	s.add(secret, false)
}

// AddBasic registers the client credential as HTTP Basic sends it: id and
// secret form-urlencoded, joined by ':', base64 (RFC 6749 2.3.1). The secret
// is registered as by Add, and its form-urlencoded spellings are looked for
// inside base64 as well, so every Authorization header built from it is
// found: standard and URL-safe alphabet, with and without padding, plain
// (as clients that skip the form encoding send it) and form-encoded. The
// id is not a secret and not needed: the secret's base64 is found whatever
// precedes it.
func (s *Secrets) AddBasic(id, secret string) {
	_ = id // the secret is found at any offset of the credential
	s.add(secret, true)
}

func (s *Secrets) add(secret string, basic bool) {
	if s == nil || len(secret) < MinLen {
		return
	}
	e := entry{secret: secret, cores: cores(nil, secret), runs: newRunIndex(secret)}
	if basic {
		form := url.QueryEscape(secret)
		for _, alt := range []string{form, lowerHex(form)} {
			if alt != secret && !contains(e.alts, alt) {
				e.alts = append(e.alts, alt)
				e.cores = cores(e.cores, alt)
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, old := range s.entries {
		if old.secret != secret {
			continue
		}
		if len(e.alts) == 0 || len(old.alts) > 0 {
			return // nothing new
		}
		// Replace rather than modify: a Redact may be reading the old one.
		entries := append([]entry(nil), s.entries...)
		entries[i] = e
		s.entries = entries
		return
	}
	s.entries = append(s.entries, e)
}

// Redact returns text with every registered secret hidden. text is one
// fragment, raw as the server sent it or as the plugin built it: Redact
// decodes it in every way the package doc lists and looks for each secret
// in each decoding.
//
//   - A secret found is replaced by "[redacted]" from the first to the last
//     character of the text that encodes it (the whole escape sequence, the
//     whole entity); in base64 the whole base64 word is replaced, since its
//     characters mix the secret's bits with their neighbours'.
//   - A fragment that ends with a secret's first MinLen or more bytes, in
//     any of these forms, is a server's echo cut short: it is replaced by
//     "[redacted]" from where that beginning starts to the end. "Ends" allows
//     an escape or a base64 group cut in half after it, and then up to 8
//     bytes of spaces, closing quotes and brackets, '.', ',' and '…',
//     which are kept.
//   - Redact checks its own result; should a secret still be found in it
//     (replacements that join into a new occurrence), after three rounds the
//     whole fragment is replaced by "[redacted]".
//
// A secret that is not valid UTF-8 is found byte for byte (raw, percent-
// encoded, base64), not after a JSON or HTML writer replaced its invalid
// bytes by U+FFFD.
func (s *Secrets) Redact(text string) string {
	if s == nil || text == "" {
		return text
	}
	s.mu.RLock()
	entries := s.entries
	s.mu.RUnlock()
	if len(entries) == 0 {
		return text
	}
	var marks []span // where text holds a marker this call inserted
	for range 3 {
		found := find(text, entries, marks)
		if len(found) == 0 {
			return text
		}
		text, marks = replace(text, found, marks)
	}
	if len(find(text, entries, marks)) > 0 {
		return marker
	}
	return text
}

// Clean returns a server's words (an error_description, a body sample,
// Creatio's Message) as a status line may show them: redacted while still
// raw, then made one line by [plugin.Sanitize] and cut to n bytes by
// [plugin.Truncate], so that no part of a secret survives the cut. A
// marker the cut would halve is left out whole.
func (s *Secrets) Clean(text string, n int) string {
	return Cut(plugin.Sanitize(s.Redact(text)), n)
}

// Cut cuts a redacted, cleaned line to at most n bytes without halving a
// marker: a marker the cut would halve is left out whole.
func Cut(line string, n int) string {
	for at := 0; at < n && at < len(line); at++ {
		i := strings.Index(line[at:], marker)
		if i < 0 {
			break
		}
		if at += i; at < n && n < at+len(marker) {
			n = at
		}
	}
	return plugin.Truncate(line, n)
}

// span is the byte range [lo, hi) of a text.
type span struct{ lo, hi int }

// replace puts marker in place of each span of text (and keeps the Markers
// already there), joining spans that overlap or touch, and returns the new
// text with the Markers' places in it.
func replace(text string, found, marks []span) (string, []span) {
	all := append(found, marks...)
	sortSpans(all)
	var b strings.Builder
	b.Grow(len(text))
	var out []span
	at := 0
	for i := 0; i < len(all); {
		lo, hi := all[i].lo, all[i].hi
		for i++; i < len(all) && all[i].lo <= hi; i++ {
			hi = max(hi, all[i].hi)
		}
		b.WriteString(text[at:lo])
		out = append(out, span{b.Len(), b.Len() + len(marker)})
		b.WriteString(marker)
		at = hi
	}
	b.WriteString(text[at:])
	return b.String(), out
}

// sortSpans sorts spans by start.
func sortSpans(a []span) {
	slices.SortFunc(a, func(x, y span) int { return x.lo - y.lo })
}

// cores returns dst with the base64 cores of x appended: for each offset r
// of x in a 3-byte group and each alphabet, the characters of
// base64(r bytes + x) whose 6 bits all come from x.
func cores(dst []string, x string) []string {
	for r := range 3 {
		first := (8*r + 5) / 6      // first character that starts at or after x
		end := 8 * (r + len(x)) / 6 // characters that end within x
		raw := make([]byte, r+len(x))
		copy(raw[r:], x)
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			c := enc.EncodeToString(raw)[first:end]
			if !contains(dst, c) {
				dst = append(dst, c)
			}
		}
	}
	return dst
}

// lowerHex lower-cases the hex digits of the %XX escapes in s.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			for j := i + 1; j <= i+2; j++ {
				if 'A' <= b[j] && b[j] <= 'F' {
					b[j] += 'a' - 'A'
				}
			}
			i += 2
		}
	}
	return string(b)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
