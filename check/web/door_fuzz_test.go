package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"check_creatio_oauth/check/redact"
)

// secretAlphabet and textAlphabet are disjoint, so that a run of a
// secret's characters in a door's output can only come from the secret.
const (
	secretAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789|+/=%!#~ü\"\\\x7f"
	textAlphabet   = "abcdefghijklmnopqrstuvwxyz ,;:()'-"
)

// fromAlphabet maps the bytes of b onto the characters of alphabet.
func fromAlphabet(b []byte, alphabet string) string {
	rs := []rune(alphabet)
	var sb strings.Builder
	for _, c := range b {
		sb.WriteRune(rs[int(c)%len(rs)])
	}
	return sb.String()
}

// doorOutputs passes text through every door of c: Clean, Words, ErrText,
// URLText, a reason phrase and a Retry-After (Status, StatusCode), a body
// sample and its content type (Sample), and a header at -vvv.
func doorOutputs(c *Client, trace *[]string, text string, n int) map[string]string {
	resp := &Response{StatusCode: 503, Status: "503 " + text, Header: http.Header{"Retry-After": {text}, "Content-Type": {text}}, Body: []byte(text), Size: int64(len(text))}
	*trace = (*trace)[:0]
	c.debugHeaders("<", http.Header{"X-Echo": {text}})
	return map[string]string{
		"Clean":      c.Clean(text, n),
		"Words":      c.Words(text),
		"ErrText":    c.ErrText(errors.New(text), n),
		"ErrText %q": c.ErrText(fmt.Errorf("net/http: HTTP/1.x transport connection broken: malformed HTTP version %q", text), n),
		"URLText":    c.URLText(&url.URL{Scheme: "https", Host: "crm.example.com", Path: "/" + text}),
		"Status":     c.Status(resp),
		"StatusCode": c.StatusCode(resp),
		"Sample":     c.Sample(resp),
		"trace":      strings.Join(*trace, "\n"),
	}
}

// FuzzDoors is the property of the door: for a random secret and random
// text around a fragment of it that the fragment rule covers (the whole
// secret, a run of 8 or more anywhere, the start cut before "...", the end
// at the start, a run standing as a token), no door's output holds a run
// of 8 of the secret's characters, nor the fragment itself.
func FuzzDoors(f *testing.F) {
	f.Add([]byte("P7s2kQ9vLm4xZt8w"), []byte("client secret "), []byte(" is wrong"), uint8(0), uint8(3), uint8(12), uint8(40))
	f.Add([]byte("Pw|7x+/=%QZk"), []byte("Unavailable for "), []byte(""), uint8(1), uint8(0), uint8(5), uint8(200))
	f.Add([]byte("0123456789abcdefghijklmnopqrstuvwxyz"), []byte("x"), []byte("y"), uint8(2), uint8(9), uint8(30), uint8(80))
	f.Add([]byte("secretvalue!"), []byte(""), []byte(" (truncated)"), uint8(3), uint8(6), uint8(12), uint8(10))
	f.Add([]byte("Zt8wLm4xP7s2"), []byte("error "), []byte(" end"), uint8(4), uint8(2), uint8(9), uint8(255))
	f.Fuzz(func(t *testing.T, sb, pre, post []byte, mode, i, j, n uint8) {
		secret := fromAlphabet(sb, secretAlphabet)
		rs := []rune(secret)
		if len(rs) < 8 || len(rs) > 200 {
			return
		}
		before, after := fromAlphabet(pre, textAlphabet), fromAlphabet(post, textAlphabet)
		L := len(rs)
		short := max(redact.MinLen, (L+3)/4)
		var frag string
		switch mode % 5 {
		case 0: // the whole secret
			frag = secret
		case 1: // a run of 8 or more anywhere, inside words too
			lo := int(i) % (L - 7)
			hi := lo + 8 + int(j)%(L-lo-7)
			frag = string(rs[lo:hi])
		case 2: // the start, cut, before "..."
			k := short + int(j)%(L-short+1)
			frag, after = string(rs[:k]), "..."+after
			before += " "
		case 3: // the end, at the start of the text
			k := short + int(j)%(L-short+1)
			frag, before = string(rs[L-k:]), ""
			after = " " + after
		case 4: // a run standing as a token
			k := short + int(j)%(L-short+1)
			lo := int(i) % (L - k + 1)
			frag = string(rs[lo : lo+k])
			before, after = before+" ", " "+after
		}
		text := before + frag + after
		var trace []string
		var s redact.Secrets
		s.Add(secret)
		c := &Client{secrets: &s, debug: func(format string, args ...any) { trace = append(trace, fmt.Sprintf(format, args...)) }}
		// A fragment that is one word of the secret may stay (the rule's
		// exception), and the door's own quotes next to it may then make a
		// longer run: such an echo is checked for valid UTF-8 only.
		exempt := mode%5 != 2 && oneKind(frag)
		for door, out := range doorOutputs(c, &trace, text, int(n)+1) {
			if !utf8.ValidString(out) {
				t.Errorf("%s: not UTF-8: %q", door, out)
			}
			if exempt {
				continue
			}
			for _, sec := range []string{secret, strings.ReplaceAll(secret, "|", "/")} {
				r := []rune(sec)
				for a := 0; a+8 <= len(r); a++ {
					run := string(r[a : a+8])
					quoted := strings.Trim(strconv.Quote(run), `"`) // as Go's errors quote it
					if strings.Contains(out, run) || strings.Contains(out, quoted) {
						t.Fatalf("secret %q, text %q: %s printed %q", secret, text, door, out)
					}
				}
			}
			if f := strings.ReplaceAll(frag, "|", "/"); utf8.RuneCountInString(frag) >= short && (strings.Contains(out, frag) || strings.Contains(out, f)) {
				t.Fatalf("secret %q, text %q: %s printed the fragment %q: %q", secret, text, door, frag, out)
			}
		}
	})
}

// oneKind tells whether a fragment may be one word of a secret (the
// fragment rule's exception): letters only, or digits only.
func oneKind(frag string) bool {
	letters := strings.Trim(frag, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzü") == ""
	digits := strings.Trim(frag, "0123456789") == ""
	return letters || digits
}
