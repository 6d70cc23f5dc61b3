package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// redacted replaces a secret in printed text.
const redacted = "[redacted]"

// minSecret is the shortest secret that Secrets hides: a shorter one would
// blank out ordinary words, and offers no secrecy anyway.
const minSecret = 3

// Secrets hides the run's secrets (password, client secret, tokens, session
// cookies) in any text the plugin prints, in every encoding a server may
// echo them in: as typed, URL-encoded (as in a form body or a query, either
// hex case), JSON-escaped, HTML-escaped, and inside an HTTP Basic credential. The zero
// value is ready to use and safe for concurrent use.
type Secrets struct {
	mu    sync.RWMutex
	forms []string // longest first, so that an encoding is replaced whole
}

// Add registers a secret; values shorter than 3 bytes are ignored.
func (s *Secrets) Add(secret string) {
	if len(secret) < minSecret {
		return
	}
	forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}
	for _, f := range forms[1:3] {
		forms = append(forms, lowerHex(f))
	}
	forms = append(forms, jsonEscapes(secret)...)
	forms = append(forms, htmlEscapes(secret)...)
	s.add(forms...)
}

// AddBasic registers the HTTP Basic credential of id and secret, plain and
// with form-encoded parts (RFC 6749 section 2.3.1), as a server may echo the
// Authorization header.
func (s *Secrets) AddBasic(id, secret string) {
	if len(secret) < minSecret {
		return
	}
	enc := base64.StdEncoding.EncodeToString
	s.add(enc([]byte(id+":"+secret)), enc([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret))))
}

func (s *Secrets) add(forms ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := make(map[string]bool, len(s.forms))
	for _, f := range s.forms {
		seen[f] = true
	}
	for _, f := range forms {
		if f != "" && !seen[f] {
			seen[f] = true
			s.forms = append(s.forms, f)
		}
	}
	sort.SliceStable(s.forms, func(i, j int) bool { return len(s.forms[i]) > len(s.forms[j]) })
}

// Redact returns text with every registered secret replaced by
// "[redacted]". A nil Secrets redacts nothing.
func (s *Secrets) Redact(text string) string {
	if s == nil || text == "" {
		return text
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, f := range s.forms {
		if strings.Contains(text, f) {
			text = strings.ReplaceAll(text, f, redacted)
		}
	}
	return text
}

// lowerHex lower-cases the hex digits of %XX escapes, as ASP.NET writes them.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = bytes.ToLower(b[i+1 : i+2])[0], bytes.ToLower(b[i+2 : i+3])[0]
			i += 2
		}
	}
	return string(b)
}

// jsonEscapes are the forms a JSON writer may give s inside a string: Go's
// (HTML characters as \u003c), a plain one, and one that escapes '/' as
// .NET's and PHP's writers do.
func jsonEscapes(s string) []string {
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	html, _ := json.Marshal(s)
	unquote := func(b []byte) string {
		q := string(bytes.TrimSpace(b))
		return q[1 : len(q)-1]
	}
	p := unquote(plain.Bytes())
	return []string{p, unquote(html), strings.ReplaceAll(p, "/", `\/`)}
}

// htmlEscapes are the forms an HTML page may give s: '&', '<', '>' as
// entities and the quotes as Go's html.EscapeString writes them (&#34;
// &#39;) or as .NET's HtmlEncode does (&quot; &#x27;). (Not the html
// package: its entity table would cost every run's start-up.)
func htmlEscapes(s string) []string {
	base := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
	return []string{
		strings.NewReplacer(`"`, "&#34;", "'", "&#39;").Replace(base),
		strings.NewReplacer(`"`, "&quot;", "'", "&#x27;").Replace(base),
	}
}
