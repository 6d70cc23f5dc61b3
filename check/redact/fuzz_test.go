package redact

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// outerEncoders may be applied to a whole echo once more (a form body in
// JSON, JSON in an HTML page, base64 in PHP's JSON).
var outerEncoders = []textEncoder{
	textEncoders[1], textEncoders[2], textEncoders[3], textEncoders[4], // JSON
	textEncoders[5], textEncoders[6], textEncoders[8], textEncoders[9], // HTML
	textEncoders[10], textEncoders[12], // percent
}

// fuzzEcho is an echo FuzzRedact builds: the text, and the encoded text
// around the secret (which may itself hold pieces of the secret).
type fuzzEcho struct {
	text, before, after string
	basic               bool
	// word is set for an echo cut after exactly the secret's first word
	// with no ellipsis: the fragment rule may take it for the server's
	// own word at the end of its text, and leave it.
	word bool
}

// buildEcho wraps secret in prefix and suffix as a server would, with the
// encoding enc picks (a text encoding of the whole, or base64 of the
// secret or of id:secret between raw prefix and suffix), outer over it all
// when not 0, and, when cut is odd, the echo cut short after at least
// MinLen bytes of the secret. ok is false when the encoding cannot carry
// these strings (invalid UTF-8 for a JSON or HTML writer).
func buildEcho(secret, id, prefix, suffix string, enc, outer uint8, cut uint16) (e fuzzEcho, ok bool) {
	n := int(enc) % (len(textEncoders) + 3*len(b64Encodings))
	var mid string
	if n < len(textEncoders) {
		te := textEncoders[n]
		if te.utf8 && !(utf8.ValidString(secret) && utf8.ValidString(prefix) && utf8.ValidString(suffix)) {
			return e, false
		}
		e.before, e.after, mid = te.enc(prefix), te.enc(suffix), te.enc(secret)
		if cut%2 == 1 {
			var k int
			mid, e.after, k = textCut(te, secret, cut>>1)
			e.word = oneWord(secret, 0, k) && e.after != "…"
		}
	} else {
		n -= len(textEncoders)
		b := b64Encodings[n%len(b64Encodings)].enc
		e.before, e.after = prefix, suffix
		off := 0 // bytes before the secret's in the base64
		switch n / len(b64Encodings) {
		case 0:
			mid = b.EncodeToString([]byte(secret))
		case 1:
			mid, off, e.basic = basic(b, id, secret, false), len(id)+1, true
		default:
			mid, off, e.basic = basic(b, id, secret, true), len(url.QueryEscape(id))+1, true
		}
		if least := ((off+MinLen)*4 + 2) / 3; cut%2 == 1 && len(mid) > least {
			mid, e.after = mid[:least+int(cut>>1)%(len(mid)-least)], ""
		}
	}
	if o := int(outer) % (len(outerEncoders) + 1); o > 0 {
		oe := outerEncoders[o-1]
		// Each piece whole: a writer given the whole text could join the
		// secret's last bytes and the next ones into one character.
		if oe.utf8 && !(utf8.ValidString(e.before) && utf8.ValidString(mid) && utf8.ValidString(e.after)) {
			return e, false
		}
		e.before, mid, e.after = oe.enc(e.before), oe.enc(mid), oe.enc(e.after)
	}
	e.text = e.before + mid + e.after
	if cut%2 == 1 && !e.word && e.after != "…" {
		e.word = wordJoined(e.before, mid, secret)
	}
	return e, true
}

// wordJoined tells whether the cut echo mid, with the bytes of before that
// end in the same characters, shows exactly the secret's first word at the
// end of the text: before "x0" and mid "0000" show "00000" of the secret
// 00000A, which the fragment rule, as it sees the text and not how it was
// made, leaves as a word of the server's own.
func wordJoined(before, mid, secret string) bool {
	for d := len(before); d > 0; d-- {
		t := before[len(before)-d:] + mid
		if len(t) < len(secret) && strings.HasPrefix(secret, t) {
			return oneWord(secret, 0, len(t))
		}
	}
	return false
}

// textCut is the secret written by te and cut after k >= MinLen bytes
// (a whole character), sometimes inside the next character's escape, with
// what may follow a cut: a closing quote and brace, an ellipsis, nothing.
func textCut(te textEncoder, secret string, c uint16) (mid, after string, k int) {
	k = MinLen + int(c)%(len(secret)-MinLen+1)
	for k < len(secret) && !utf8.RuneStart(secret[k]) {
		k++
	}
	mid = te.enc(secret[:k])
	if k == len(secret) {
		return mid, "", k
	}
	_, size := utf8.DecodeRuneInString(secret[k:])
	next := te.enc(secret[k : k+size])
	if extra := int(c>>8) % (len(next) + 1); extra > 0 && extra < len(next) {
		return mid + next[:extra], "", k // inside an escape: the text ends there
	}
	switch (c >> 12) % 4 {
	case 1:
		return mid, te.enc(`"}`), k
	case 2:
		return mid, "…", k
	}
	return mid, "", k
}

// te is the number of the text encoder called name.
func te(name string) uint8 {
	for i, e := range textEncoders {
		if e.name == name {
			return uint8(i)
		}
	}
	panic("no text encoder " + name)
}

// b64 is the number of a base64 echo: kind 0 of the secret, 1 of id:secret,
// 2 of id:secret form-encoded, in b64Encodings[b].
func b64(kind, b int) uint8 {
	return uint8(len(textEncoders) + kind*len(b64Encodings) + b)
}

// FuzzRedact: whatever the secret (MinLen bytes or more), the text around
// it, the server's encoding (and a second one over it) and the cut, no
// 4-byte piece of the secret survives Redact, except where the text around
// it holds the same bytes; and Redact never panics.
func FuzzRedact(f *testing.F) {
	for _, c := range []struct {
		secret, id, prefix, suffix string
		enc, outer                 uint8
		cut                        uint16
	}{
		{`S3cr3t+/=Value"\<&'`, "monitoring", `{"error_description":"secret `, ` refused"}`, te(".NET System.Text.Json"), 0, 0}, // .NET JSON
		{"Grüße😀𝄞 ok", "m", `{"d": "`, `"}`, te("Python json.dumps ensure_ascii"), 0, 0},                                        // Python ensure_ascii
		{"pa/ss\\word", "m", `{"d":"`, `"}`, te("PHP json_encode"), 0, 0},                                                       // PHP \/
		{`a"b'c<d>&e`, "m", "<p>", "</p>", te(".NET WebUtility.HtmlEncode"), 0, 0},                                              // WebUtility.HtmlEncode
		{"Grüße€x", "m", "<p>", "</p>", te("PHP htmlentities"), 0, 0},                                                           // htmlentities
		{"S3cr3t+/=Value", "monitoring", "client_id=monitoring&client_secret=", "&grant_type=client_credentials", te("form body (url.QueryEscape)"), 0, 0},
		{"S3cr3t+/=Value", "monitoring", "client_secret=", "&x=1", te("form body (url.QueryEscape)"), 2, 0}, // form body in .NET JSON
		{"S3cr3t+/=Value", "monitoring", "Authorization: Basic ", "", b64(1, 0), 0, 0},                      // Basic plain
		{"S3cr3t+/=Value", "monitoring", "Authorization: Basic ", "", b64(2, 3), 0, 0},                      // url-safe unpadded, form
		{"S3cr3t+/=Value", "m", `{"h":"Basic `, `"}`, b64(2, 0), 4, 0},                                      // base64 in PHP JSON
		{"pass|word  nb\u00a0sp\nx", "m", "Message: ", ".", te("raw"), 0, 0},
		{"a+b/c=d", "m", "<p>", "</p>", te("HTML5 names of punctuation"), 0, 0},
		{strings.Repeat("0123456789abcdefghij", 10), "m", "wrong password ", "", 0, 0, 2*36 + 1},    // 200 chars cut at 40
		{"Grüße😀x", "m", `{"d":"`, `"}`, te("Python json.dumps ensure_ascii"), 0, 5 + 4<<8 + 1<<13}, // cut inside \u escape
		{"Grüße😀x", "m", "q=", "", te("form body (url.QueryEscape)"), 0, 3},                         // cut percent
		{strings.Repeat("x", 40), "monitoring", "Basic ", "", b64(1, 0), 0, 9},                      // cut Basic
		{"\x00\xff\xfeabc", "id", "<", ">", te("every byte percent-encoded"), 0, 0},                 // bytes, every one percent-encoded
		{"a%2Bb", "i", "", "", 0, 0, 0},                                // an escape in the secret (check's FuzzSecrets)
		{"ééé", "i", `{"m":"`, `"}`, te("Go encoding/json"), 0, 0},     // check's FuzzSecrets
		{"acted]", "i", "[red", "", 0, 0, 0},                           // the marker completes the secret
		{"&amp;amp;", "i", "&", ";", te("Go html.EscapeString"), 5, 0}, // entities in the secret
		{`\u0041\u`, "i", `\`, "", te("Go encoding/json"), 0, 1},       // escapes in the secret, cut
	} {
		f.Add(c.secret, c.id, c.prefix, c.suffix, c.enc, c.outer, c.cut)
	}
	f.Fuzz(func(t *testing.T, secret, id, prefix, suffix string, enc, outer uint8, cut uint16) {
		if len(secret) < MinLen || len(secret)+len(prefix)+len(suffix)+len(id) > 1<<12 {
			return
		}
		e, ok := buildEcho(secret, id, prefix, suffix, enc, outer, cut)
		if !ok {
			return
		}
		var s Secrets
		if e.basic {
			s.AddBasic(id, secret)
		} else {
			s.Add(secret)
		}
		out := s.Redact(e.text)
		if e.word {
			return // the fragment rule's exception: a word of the secret
		}
		for i := 0; i+4 <= len(secret); i++ {
			p := secret[i : i+4]
			if strings.Contains(e.before, p) || strings.Contains(e.after, p) {
				continue
			}
			if at := outsideMarkers(out, p); at >= 0 {
				t.Fatalf("secret %q, echo %q:\nRedact = %q\nkeeps %q at %d", secret, e.text, out, p, at)
			}
		}
	})
}

// outsideMarkers returns where text holds p outside every marker, or -1.
func outsideMarkers(text, p string) int {
	for at := 0; ; at++ {
		i := strings.Index(text[at:], p)
		if i < 0 {
			return -1
		}
		at += i
		overlaps := false
		for m := 0; ; m++ {
			j := strings.Index(text[m:], marker)
			if j < 0 {
				break
			}
			m += j
			if m < at+len(p) && at < m+len(marker) {
				overlaps = true
				break
			}
		}
		if !overlaps {
			return at
		}
	}
}
