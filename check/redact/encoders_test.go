package redact

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strings"
	"unicode/utf16"
)

// This file writes text as servers do, independently of the decoders under
// test: the tests and FuzzRedact wrap secrets in these.

// textEncoder is how a server writes a text; text encoders keep the order
// of characters, so enc(a+b) == enc(a)+enc(b) for valid UTF-8.
type textEncoder struct {
	name string
	enc  func(string) string
	utf8 bool // needs valid UTF-8 (JSON and HTML writers replace the rest)
}

var textEncoders = []textEncoder{
	{"raw", func(s string) string { return s }, false},
	{"Go encoding/json", jsonGo, true},
	{".NET System.Text.Json", jsonNet, true},
	{"Python json.dumps ensure_ascii", func(s string) string { return jsonASCII(s, false, "%04x") }, true},
	{"PHP json_encode", func(s string) string { return jsonASCII(s, true, "%04x") }, true},
	{"Go html.EscapeString", html.EscapeString, true},
	{".NET WebUtility.HtmlEncode", htmlNet, true},
	{"PHP htmlentities", htmlPHP, true},
	{"hex character references", htmlHex, true},
	{"HTML5 names of punctuation", htmlNames, true},
	{"form body (url.QueryEscape)", url.QueryEscape, false},
	{"path (url.PathEscape)", url.PathEscape, false},
	{"form body, lower-case hex", func(s string) string { return lowerHex(url.QueryEscape(s)) }, false},
	{"every byte percent-encoded", pctAll, false},
}

// jsonGo is the inside of a Go JSON string (<, >, & as \u003c ...).
func jsonGo(s string) string {
	b, _ := json.Marshal(s) // a string always encodes
	return string(b[1 : len(b)-1])
}

// jsonNet writes as .NET's System.Text.Json with its default encoder:
// HTML-sensitive characters and '+' as \u00XX, everything outside ASCII as
// \uXXXX, upper-case hex.
func jsonNet(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r >= 0x7f || strings.ContainsRune("\"&'+<>`", r):
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&b, `\u%04X`, u)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// jsonASCII writes as Python's json.dumps (ensure_ascii) or, with slash,
// PHP's json_encode: \" \\ and \n \r \t \b \f, everything else outside
// printable ASCII as \uXXXX (surrogate pairs) in the hex format given.
func jsonASCII(s string, slash bool, hex string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\' || (slash && r == '/'):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || r >= 0x7f:
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&b, `\u`+hex, u)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// htmlNet writes as .NET's WebUtility.HtmlEncode: &lt; &gt; &quot; &amp;
// &#39;, U+00A0 to U+00FF and characters outside the BMP as &#NNN;.
func htmlNet(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '&':
			b.WriteString("&amp;")
		case r == '\'':
			b.WriteString("&#39;")
		case 0xA0 <= r && r <= 0xFF || r > 0xFFFF:
			fmt.Fprintf(&b, "&#%d;", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// htmlPHP writes as PHP's htmlentities(ENT_QUOTES): named references where
// HTML 4 has one, &#039; for the apostrophe.
func htmlPHP(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '\'' {
			b.WriteString("&#039;")
			continue
		}
		if name := entityName(r); name != "" {
			b.WriteString("&" + name + ";")
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// entityName is the HTML 4 name of r, found by asking the html package
// (the reference the hand-written table is held to).
func entityName(r rune) string {
	switch r {
	case '&':
		return "amp"
	case '<':
		return "lt"
	case '>':
		return "gt"
	case '"':
		return "quot"
	}
	if 0xA0 <= r && r <= 0xFF {
		return latin1[r-0xA0]
	}
	for _, n := range []string{"OElig", "oelig", "Scaron", "scaron", "Yuml", "fnof", "circ", "tilde", "ndash", "mdash",
		"lsquo", "rsquo", "sbquo", "ldquo", "rdquo", "bdquo", "dagger", "Dagger", "bull", "hellip", "permil",
		"lsaquo", "rsaquo", "euro", "trade"} {
		if html.UnescapeString("&"+n+";") == string(r) {
			return n
		}
	}
	return ""
}

// htmlNames writes every ASCII punctuation character by its HTML5 name
// (&plus; &sol; &equals; ...), the others as htmlPHP does.
func htmlNames(s string) string {
	var b strings.Builder
	for _, r := range s {
		name := ""
		for _, n := range []string{"excl", "num", "dollar", "percnt", "apos", "lpar", "rpar", "ast", "plus", "comma",
			"period", "sol", "colon", "semi", "equals", "quest", "commat", "lsqb", "bsol", "rsqb", "Hat", "lowbar",
			"grave", "lcub", "verbar", "rcub", "Tab", "NewLine"} {
			if html.UnescapeString("&"+n+";") == string(r) {
				name = n
				break
			}
		}
		if name == "" {
			b.WriteString(htmlPHP(string(r)))
			continue
		}
		b.WriteString("&" + name + ";")
	}
	return b.String()
}

// htmlHex writes every character but letters and digits as &#xHH;, the x
// and the digits in mixed case.
func htmlHex(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
			continue
		}
		if i%2 == 0 {
			fmt.Fprintf(&b, "&#x%x;", r)
		} else {
			fmt.Fprintf(&b, "&#X%X;", r)
		}
	}
	return b.String()
}

// pctAll percent-encodes every byte.
func pctAll(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "%%%02X", s[i])
	}
	return b.String()
}

// b64Encodings are the four spellings of base64.
var b64Encodings = []struct {
	name string
	enc  *base64.Encoding
}{
	{"std", base64.StdEncoding},
	{"std unpadded", base64.RawStdEncoding},
	{"url-safe", base64.URLEncoding},
	{"url-safe unpadded", base64.RawURLEncoding},
}

// basic is the HTTP Basic credential of id and secret, form-encoded as
// RFC 6749 2.3.1 says or plain.
func basic(enc *base64.Encoding, id, secret string, form bool) string {
	if form {
		id, secret = url.QueryEscape(id), url.QueryEscape(secret)
	}
	return enc.EncodeToString([]byte(id + ":" + secret))
}
