package redact

import (
	"fmt"
	"html"
	"net/url"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// secretsUnderTest are the values the tables hide: each with what makes it
// hard.
var secretsUnderTest = []struct{ name, secret string }{
	{"JSON and HTML specials", `S3cr3t+/=Value"\<&'`},
	{"perfdata separator", "pass|word|42"},
	{"non-breaking space", "nb\u00a0sp\u00a0secret"},
	{"two spaces", "two  spaces  here"},
	{"newline and tab", "line\nbreak\tand\r\nmore"},
	{"unicode beyond Latin-1", "Grüße€😀𝄞 ok"},
	{"200 characters", long200},
}

// long200 is a 200-character password of every printable ASCII class.
var long200 = func() string {
	var b strings.Builder
	for i := 0; b.Len() < 200; i++ {
		b.WriteByte("aB3$xY7!%+/=&<>\"' qZ9"[i%21] + byte(i/21)%3)
	}
	return b.String()
}()

// pieces reports the 4-byte pieces of secret that text holds.
func pieces(text, secret string) []string {
	var found []string
	for i := 0; i+4 <= len(secret); i++ {
		if p := secret[i : i+4]; strings.Contains(text, p) && !strings.Contains(marker, p) {
			found = append(found, p)
		}
	}
	return found
}

// leaked tells whether text holds a 4-byte piece of secret that is not
// part of the marker nor of the text around the secret.
func leaked(text, secret string, around ...string) bool {
	for _, p := range pieces(text, secret) {
		if !strings.Contains(strings.Join(around, "\x00"), p) {
			return true
		}
	}
	return false
}

// TestRedactEncodings: each secret, echoed inside a server's message by
// each server's text encoder, is replaced exactly where it stands.
func TestRedactEncodings(t *testing.T) {
	for _, sec := range secretsUnderTest {
		for _, te := range textEncoders {
			var s Secrets
			s.Add(sec.secret)
			before := te.enc(`{"error":"invalid_client","error_description":"client secret '`)
			after := te.enc(`' is not valid"}`)
			in := before + te.enc(sec.secret) + after
			want := before + marker + after
			// The fragment rule may take the escape's last byte too, when
			// the secret holds it before its own first byte (';' of &#39;
			// and the ";a" of a long secret): a run of 8 in the raw text.
			took := before[:len(before)-1] + marker + after
			ok := strings.Contains(sec.secret, before[len(before)-1:]+sec.secret[:1])
			if got := s.Redact(in); got != want && !(ok && got == took) {
				t.Errorf("%s, %s:\nRedact(%q)\n = %q\nwant %q", sec.name, te.name, in, got, want)
			}
		}
	}
}

// TestRedactRealEchoes are echoes as given servers write them.
func TestRedactRealEchoes(t *testing.T) {
	const secret = `S3cr3t+/=Value"\<&'`
	var s Secrets
	s.AddBasic("monitoring", secret)
	for _, tc := range []struct{ name, in, want string }{
		{".NET System.Text.Json",
			`{"Message":"secret S3cr3t\u002B/=Value\u0022\\\u003C\u0026\u0027 refused"}`,
			`{"Message":"secret [redacted] refused"}`},
		{".NET, lower-case hex",
			`{"Message":"secret S3cr3t\u002b/=Value\u0022\\\u003c\u0026\u0027 refused"}`,
			`{"Message":"secret [redacted] refused"}`},
		{"WebUtility.HtmlEncode",
			`<p>secret S3cr3t+/=Value&quot;\&lt;&amp;&#39; refused</p>`,
			`<p>secret [redacted] refused</p>`},
		{"hex references, upper-case X",
			`<p>S3cr3t+/=Value&#X22;\&#x3c;&#x26;&#x27;</p>`,
			`<p>[redacted]</p>`},
		{"PHP json_encode",
			`{"msg":"S3cr3t+\/=Value\"\\<&'"}`,
			`{"msg":"[redacted]"}`},
		{"form body",
			"client_id=monitoring&client_secret=S3cr3t%2B%2F%3DValue%22%5C%3C%26%27&grant_type=client_credentials",
			"client_id=monitoring&client_secret=[redacted]&grant_type=client_credentials"},
		{"form body, lower-case hex",
			"client_secret=S3cr3t%2b%2f%3dValue%22%5c%3c%26%27",
			"client_secret=[redacted]"},
		{"form body echoed in .NET JSON",
			`{"body":"client_secret=S3cr3t%2B%2F%3DValue%22%5C%3C%26%27\u0026grant_type=client_credentials"}`,
			`{"body":"client_secret=[redacted]\u0026grant_type=client_credentials"}`},
		{"form body echoed in an HTML page",
			`<pre>client_id=monitoring&amp;client_secret=S3cr3t%2B%2F%3DValue%22%5C%3C%26%27</pre>`,
			`<pre>client_id=monitoring&amp;client_secret=[redacted]</pre>`},
		{"Authorization header echo, form-encoded parts",
			"Authorization: Basic " + basic(b64Encodings[0].enc, "monitoring", secret, true),
			"Authorization: Basic [redacted]"},
		{"Authorization header echo, plain parts",
			"authorization=Basic " + basic(b64Encodings[0].enc, "monitoring", secret, false) + "; path=/",
			"authorization=Basic [redacted]; path=/"},
		{"url-safe base64 of id:secret, unpadded",
			`{"client":"` + basic(b64Encodings[3].enc, "monitoring", secret, false) + `"}`,
			`{"client":"[redacted]"}`},
		{"url-safe base64 of id:secret, padded, form-encoded",
			"cred=" + basic(b64Encodings[2].enc, "monitoring", secret, true) + "&x=1",
			"cred=[redacted]&x=1"},
		{"base64 with another id",
			"Basic " + basic(b64Encodings[1].enc, "someone-else", secret, true),
			"Basic [redacted]"},
		{"base64 in a query, '+' after Basic",
			"?h=Basic+" + basic(b64Encodings[0].enc, "monitoring", secret, false),
			"?h=[redacted]"},
		{"base64 in PHP JSON (\\/)",
			`{"h":"Basic ` + strings.ReplaceAll(basic(b64Encodings[0].enc, "m", secret, false), "/", `\/`) + `"}`,
			`{"h":"Basic [redacted]"}`},
	} {
		if got := s.Redact(tc.in); got != tc.want {
			t.Errorf("%s:\nRedact(%q)\n = %q\nwant %q", tc.name, tc.in, got, tc.want)
		}
	}
}

// TestRedactUnicodeEchoes: escapes of characters beyond ASCII.
func TestRedactUnicodeEchoes(t *testing.T) {
	const secret = "Grüße😀x"
	var s Secrets
	s.Add(secret)
	for _, tc := range []struct{ name, in, want string }{
		{"Python ensure_ascii", `{"d": "Gr\u00fc\u00dfe\ud83d\ude00x"}`, `{"d": "[redacted]"}`},
		{".NET upper-case hex", `{"d":"Gr\u00FC\u00DFe\uD83D\uDE00x"}`, `{"d":"[redacted]"}`},
		{"decimal references", `<b>Gr&#252;&#223;e&#128512;x</b>`, `<b>[redacted]</b>`},
		{"named references", `<b>Gr&uuml;&szlig;e&#x1F600;x</b>`, `<b>[redacted]</b>`},
		{"percent", "q=Gr%C3%BC%C3%9Fe%F0%9F%98%80x", "q=[redacted]"},
		{"lone surrogate is not the secret", `Gr\u00fc\u00dfe\ud83dx`, `Gr\u00fc\u00dfe\ud83dx`},
	} {
		if got := s.Redact(tc.in); got != tc.want {
			t.Errorf("%s: Redact(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

// TestRedactBase64: the secret alone and in a Basic credential, each
// base64 spelling, whatever the id's length (so the secret's offset).
func TestRedactBase64(t *testing.T) {
	for _, sec := range secretsUnderTest {
		for _, id := range []string{"", "m", "mo", "monitoring", "id with space+plus"} {
			var s Secrets
			s.AddBasic(id, sec.secret)
			for _, b := range b64Encodings {
				for _, in := range []string{
					"Authorization: Basic " + basic(b.enc, id, sec.secret, true),
					"Authorization: Basic " + basic(b.enc, id, sec.secret, false),
					"token " + b.enc.EncodeToString([]byte(sec.secret)) + " seen",
				} {
					got := s.Redact(in)
					if !strings.Contains(got, marker) || strings.Contains(got, in[len(in)-20:]) {
						t.Errorf("%s, id %q, %s: Redact(%q) = %q", sec.name, id, b.name, in, got)
					}
				}
			}
		}
	}
}

// TestRedactCut: a server that cut its echo after the secret's first bytes,
// in any form, loses the fragment from there.
func TestRedactCut(t *testing.T) {
	var s Secrets
	s.AddBasic("monitoring", long200)
	s.Add("Grüße😀x")
	at40 := long200[:40]
	for _, tc := range []struct{ name, in, want string }{
		{"200 characters cut at 40", "wrong password " + at40, "wrong password [redacted]"},
		{"cut, then closed", `{"error_description":"wrong password ` + jsonGo(at40) + `"}`, `{"error_description":"wrong password [redacted]"}`},
		{"cut, then an ellipsis", "wrong password " + at40 + "…", "wrong password [redacted]…"},
		{"cut at 4 bytes", "wrong password " + long200[:4], "wrong password [redacted]"},
		{"cut inside a JSON escape", `{"d":"Gr\u00fc\u00`, `{"d":"[redacted]`},
		{"cut between surrogates", `{"d":"Gr\u00fc\u00dfe\ud83d`, `{"d":"[redacted]`},
		{"cut inside a reference", `<b>Gr&uuml;&szl`, `<b>[redacted]`},
		{"cut inside a percent escape", "q=Gr%C3%BC%C", "q=[redacted]"},
		{"cut .NET JSON", "{\"m\":\"" + jsonNet(at40)[:60], "{\"m\":\"[redacted]"},
		{"cut base64 of the secret", "tok " + b64Encodings[0].enc.EncodeToString([]byte(long200))[:12], "tok [redacted]"},
		{"cut Basic credential", "Basic " + basic(b64Encodings[0].enc, "monitoring", long200, true)[:30], "Basic [redacted]"},
		{"3 bytes are not a cut secret", "wrong password " + long200[:3], "wrong password " + long200[:3]},
		{"a tail over 8 bytes is not after a cut, but 40 characters are a run", "wrong password " + at40 + `"}         `, "wrong password [redacted]" + `"}         `},
		{"a tail over 8 bytes is not after a cut", "wrong password " + long200[:7] + `"}         `, "wrong password " + long200[:7] + `"}         `},
		{"3 characters of 7 are no echo; 4 standing as a word are", "Grüß Gott, Grü ist kein Geheimnis", "[redacted] Gott, Grü ist kein Geheimnis"},
	} {
		if got := s.Redact(tc.in); got != tc.want {
			t.Errorf("%s:\nRedact(%q)\n = %q\nwant %q", tc.name, tc.in, got, tc.want)
		}
	}
}

// TestRedactRawBeforeClean: secrets that cleaning would change are found in
// raw text, and Clean cleans only after.
func TestRedactRawBeforeClean(t *testing.T) {
	for _, sec := range secretsUnderTest {
		var s Secrets
		s.Add(sec.secret)
		in := "Message: wrong password " + sec.secret + " for Supervisor"
		if got, want := s.Clean(in, 200), "Message: wrong password [redacted] for Supervisor"; got != want {
			t.Errorf("%s: Clean(%q) = %q, want %q", sec.name, in, got, want)
		}
		// A body sample cut before redaction would keep the beginning.
		before, after := `{"Message":"wrong password `, `","Code":401}`
		body := before + sec.secret + after
		for n := 1; n < len(body); n += 7 {
			got := s.Clean(body[:n], 40)
			if leaked(got, sec.secret, before, after) || len(got) > 40 || !utf8.ValidString(got) {
				t.Errorf("%s: Clean(body[:%d], 40) = %q", sec.name, n, got)
			}
		}
	}
	var s Secrets
	s.Add("secret value")
	for n, want := range map[int]string{0: "", 5: "said", 13: "said", 14: "said", 15: "said [redacted]", 16: "said [redacted]"} {
		if got := s.Clean("said secret value twice", n); got != want {
			t.Errorf("Clean(…, %d) = %q, want %q", n, got, want)
		}
	}
	var none *Secrets
	if got := none.Clean("a|b  c\n", 3); got != "a/b" {
		t.Errorf("nil Secrets: Clean = %q, want %q", got, "a/b")
	}
}

// TestRedactNoFalsePositives: ordinary text stays as it is, whatever it
// holds that a decoder reads.
func TestRedactNoFalsePositives(t *testing.T) {
	var s Secrets
	s.Add("Supervisor!2024")
	s.AddBasic("monitoring", "c0ffee-Secret")
	s.Add("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtb24ifQ.c2lnbmF0dXJl")
	s.Add("BPMSESSIONID-value-1234")
	for _, in := range []string{
		"",
		"OK",
		`{"error":"invalid_client","error_description":"The client credentials are invalid"}`,
		`{"Message":"Authentication failed: user name or password is incorrect","Code":1}`,
		`<html><head><title>Login &amp; access</title></head><body>Tom &amp; Jerry &copy; 2026 &#169; &unknown; &#xZZ; &</body></html>`,
		"https://crm.example.com/0/api/OAuthHealthCheck?x=a%20b+c%zz%",
		`C:\Users\admin\new\u12 \uZZZZ \`,
		"Basic dXNlcjpwYXNzd29yZA== and Bearer 2YotnFZFEjr1zCsicMWpAA",
		"the superintendent's secret, monitoring coffee beans",
		"server_error temporarily_unavailable invalid_grant unauthorized_client invalid_scope",
		"the Secret is safe since 2024", // one word of a secret is no echo as a token
	} {
		if got := s.Redact(in); got != in {
			t.Errorf("Redact(%q) = %q, want it unchanged", in, got)
		}
	}
}

// TestRedactShortAndNil: values under MinLen are not secrets; a nil
// Secrets and an empty one change nothing.
func TestRedactShortAndNil(t *testing.T) {
	var s Secrets
	s.Add("ab")
	s.Add("abc")
	s.AddBasic("id", "xyz")
	if got := s.Redact("grab a cab, abc xyz"); got != "grab a cab, abc xyz" {
		t.Errorf("a secret under %d bytes was hidden: %q", MinLen, got)
	}
	var none *Secrets
	none.Add("secret")
	if got := none.Redact("x secret"); got != "x secret" {
		t.Errorf("a nil Secrets changed the text: %q", got)
	}
	s.Add("abcd")
	if got := s.Redact("abcd abcdabcd"); got != "[redacted] [redacted]" {
		t.Errorf("Redact = %q", got)
	}
}

// TestRedactMarkerInSecret: a secret that is part of the marker, or that the
// marker completes, does not make Redact loop or leave the secret.
func TestRedactMarkerInSecret(t *testing.T) {
	for _, secret := range []string{"acte", "[redacted]", "ted]x", "x[red", "dacted]d"} {
		var s Secrets
		s.Add(secret)
		for _, in := range []string{secret, "a " + secret + " b", secret + secret, "[redac" + secret, secret[:4], secret + " b " + secret} {
			got := s.Redact(in)
			if p := pieces(got, secret); len(p) > 0 {
				t.Errorf("secret %q: Redact(%q) = %q keeps %q", secret, in, got, p)
			}
		}
	}
}

// TestRedactWholeFragment: when replacing keeps making the secret anew
// (each marker completes it again), the whole fragment is hidden.
func TestRedactWholeFragment(t *testing.T) {
	var s Secrets
	s.Add("x[re")
	if got := s.Redact("xxxxx[re"); got != marker {
		t.Errorf("Redact = %q, want %q", got, marker)
	}
	// Three rounds are enough here.
	if got := s.Redact("xxx[re"); got != marker {
		t.Errorf("Redact = %q, want %q", got, marker)
	}
}

// TestRedactLargeHostile: a large fragment full of escapes of every kind
// is decoded as far as the budget goes, shallow decodings first.
func TestRedactLargeHostile(t *testing.T) {
	var s Secrets
	s.Add("S3cr3t+Value")
	noise := strings.Repeat(`&amp;%25+\u0026`, 1<<16) // 1 MiB
	in := noise + url.QueryEscape("S3cr3t+Value") + noise + jsonNet("S3cr3t+Value") + " end"
	got := s.Redact(in)
	if strings.Count(got, marker) != 2 || !strings.HasSuffix(got, " end") || len(got) != len(in)-len(url.QueryEscape("S3cr3t+Value"))-len(jsonNet("S3cr3t+Value"))+2*len(marker) {
		t.Errorf("Redact of %d bytes: %d Markers, %d bytes", len(in), strings.Count(got, marker), len(got))
	}
	if vs := views(in); len(vs) > 8 {
		t.Errorf("%d views of a 2 MiB fragment, want the budget to stop them", len(vs))
	}
	if vs := views(noise[:4096]); vs[len(vs)-1].depth != maxDepth {
		t.Errorf("%d views of a 4 KiB fragment, the deepest %d deep, want %d", len(vs), vs[len(vs)-1].depth, maxDepth)
	}
}

// TestRedactOverlapping: overlapping and adjacent secrets become one marker.
func TestRedactOverlapping(t *testing.T) {
	var s Secrets
	s.Add("abcdef")
	s.Add("defghi")
	s.Add("XYZW")
	if got, want := s.Redact("1 abcdefghi 2 XYZWXYZW 3 abcdefXYZW"), "1 [redacted] 2 [redacted] 3 [redacted]"; got != want {
		t.Errorf("Redact = %q, want %q", got, want)
	}
}

// TestAddTwice: registering again, or as Basic after Add, keeps one entry
// that knows the Basic forms.
func TestAddTwice(t *testing.T) {
	var s Secrets
	s.Add("a b+c secret")
	s.Add("a b+c secret")
	s.AddBasic("id", "a b+c secret")
	s.AddBasic("id2", "a b+c secret")
	if len(s.entries) != 1 || len(s.entries[0].alts) == 0 {
		t.Fatalf("entries = %d, alts = %q", len(s.entries), s.entries[0].alts)
	}
	in := "Basic " + basic(b64Encodings[0].enc, "id", "a b+c secret", true)
	if got := s.Redact(in); got != "Basic [redacted]" {
		t.Errorf("Redact(%q) = %q", in, got)
	}
}

// TestConcurrent: Add and Redact from many goroutines (go test -race).
func TestConcurrent(t *testing.T) {
	var s Secrets
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			secret := fmt.Sprintf("secret-%d-value", i)
			s.Add(secret)
			for range 50 {
				if got := s.Redact("x " + secret + " y"); got != "x [redacted] y" {
					t.Errorf("Redact = %q", got)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestEntities holds the hand-written reference table to the html package.
func TestEntities(t *testing.T) {
	names := latin1[:]
	for _, n := range named {
		names = append(names, n.name)
	}
	for _, n := range names {
		r, ok := entity(n)
		if want := html.UnescapeString("&" + n + ";"); !ok || string(r) != want {
			t.Errorf("entity(%q) = %q, %v; html says %q", n, r, ok, want)
		}
	}
	for _, n := range []string{"", "foo", "Amp", "nbs"} {
		if r, ok := entity(n); ok {
			t.Errorf("entity(%q) = %q, want none", n, r)
		}
	}
	for _, tc := range []struct {
		in   string
		want rune
		ok   bool
	}{
		{"#39", '\'', true}, {"#039", '\'', true}, {"#x27", '\'', true}, {"#X2f", '/', true},
		{"#0", 0, true}, {"#00000000000000000000000039", '\'', true}, {"#xD800", utf8.RuneError, true}, {"#99999999", utf8.RuneError, true},
		{"#", 0, false}, {"#x", 0, false}, {"#1a", 0, false}, {"#xg", 0, false},
	} {
		if r, ok := reference(tc.in); r != tc.want || ok != tc.ok {
			t.Errorf("reference(%q) = %q, %v; want %q, %v", tc.in, r, ok, tc.want, tc.ok)
		}
	}
}

// TestDecoders: each decoding maps its bytes to the raw bytes they came
// from.
func TestDecoders(t *testing.T) {
	for _, tc := range []struct {
		name   string
		decode func(*view) *view
		in     string
		want   string
	}{
		{"json", decodeJSON, `a\u00fc\"\/\'\n\x\uD83D\uDE00\uDE00`, "aü\"/'\n\\x😀\uFFFD"},
		{"json cut", decodeJSON, `ab\uD83D\uDE`, "ab"},
		{"json controls", decodeJSON, `\b\f\n\r\t\uD83Dabcdefg\uD83D\n`, "\b\f\n\r\t\uFFFDabcdefg\uFFFD\n"},
		{"json nothing", decodeJSON, `abc`, ""},
		{"html", decodeHTML, `a&amp;&#252;&#xFC;&uuml;&foo;&`, "a&üüü&foo;"},
		{"html leading zeros", decodeHTML, `&#x0000000000041;`, "A"},
		{"html too long", decodeHTML, "&#x" + strings.Repeat("0", 40) + "41;", ""},
		{"path", decodePath, `a+b%2B%2bc%zz%4`, "a+b++c%zz"},
		{"percent, junk at the end", decodePath, `%41%g`, "A%g"},
		{"form", decodeForm, `a+b%2B`, "a b+"},
	} {
		v := tc.decode(&view{s: tc.in})
		got := ""
		if v != nil {
			got = v.s
			for i := range v.s {
				if r := v.raw(i, i+1); r.lo < 0 || r.hi > len(tc.in) || r.lo >= r.hi {
					t.Errorf("%s: byte %d maps to %v", tc.name, i, r)
				}
			}
		}
		if got != tc.want {
			t.Errorf("%s: decode(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

// TestPortedFromCheck are the cases of check/secrets_test.go.
func TestPortedFromCheck(t *testing.T) {
	var s Secrets
	const secret = `S3cr3t+/=Value"\<&`
	s.Add(secret)
	s.AddBasic("monitoring", secret)
	for _, tc := range []struct{ name, in string }{
		{"as typed", "secret " + secret + " echoed"},
		{"form body", "client_id=monitoring&client_secret=" + url.QueryEscape(secret) + "&grant_type=client_credentials"},
		{"lower-case escapes", "client_secret=" + lowerHex(url.QueryEscape(secret))},
		{"path escaping", "/x/" + url.PathEscape(secret)},
		{"JSON", `{"error_description":"S3cr3t+/=Value\"\\\u003c\u0026"}`},
		{"JSON without HTML escaping", `{"d":"S3cr3t+/=Value\"\\<&"}`},
		{"JSON with escaped slashes", `{"d":"S3cr3t+\/=Value\"\\<&"}`},
		{"Basic", "Authorization: Basic " + basic(b64Encodings[0].enc, "monitoring", secret, false)},
		{"Basic, form-encoded parts", "Basic " + basic(b64Encodings[0].enc, "monitoring", secret, true)},
	} {
		got := s.Redact(tc.in)
		if !strings.Contains(got, marker) || strings.Contains(got, "S3cr3t") || strings.Contains(got, "UzNjcjN0") {
			t.Errorf("%s: Redact(%q) = %q, want the secret hidden", tc.name, tc.in, got)
		}
	}
}

// BenchmarkRedact: a typical 200-byte fragment (an OAuth error body) with
// the four secrets of a run registered, none of them in it.
func BenchmarkRedact(b *testing.B) {
	var s Secrets
	s.Add("Supervisor-Passw0rd!")
	s.AddBasic("monitoring-client", "9f8e7d6c5b4a39281706f5e4d3c2b1a0")
	s.Add("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJtb25pdG9yaW5nIn0.c2lnbmF0dXJlLXZhbHVl")
	s.Add("BPMSESSIONID=x2kf93ndk2ldk3l")
	text := `{"error":"invalid_client","error_description":"Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).","status_code":401,"id":78}`
	if len(text) != 200 {
		b.Fatalf("the fragment has %d bytes, not 200", len(text))
	}
	b.ReportAllocs()
	for b.Loop() {
		s.Redact(text)
	}
}

// BenchmarkRedactEscaped: the same with JSON escapes and a secret in it.
func BenchmarkRedactEscaped(b *testing.B) {
	var s Secrets
	s.Add("Supervisor-Passw0rd!")
	s.AddBasic("monitoring-client", "9f8e7d6c5b4a39281706f5e4d3c2b1a0")
	s.Add("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJtb25pdG9yaW5nIn0.c2lnbmF0dXJlLXZhbHVl")
	s.Add("BPMSESSIONID=x2kf93ndk2ldk3l")
	text := `{"Message":"Login failed for \u0027Supervisor\u0027 with password \u0027Supervisor-Passw0rd!\u0027 :  see https:\/\/crm.example.com\/0\/ServiceModel\/AuthService.svc\/Login","Code":1,"Exception":null}`
	b.Logf("fragment: %d bytes", len(text))
	b.ReportAllocs()
	for b.Loop() {
		s.Redact(text)
	}
}

// BenchmarkRedactHostile4K: a 4 KiB body sample (the most a caller passes)
// made of every escape, so that every decoding nests three deep.
func BenchmarkRedactHostile4K(b *testing.B) {
	var s Secrets
	s.Add("Supervisor-Passw0rd!")
	s.AddBasic("monitoring-client", "9f8e7d6c5b4a39281706f5e4d3c2b1a0")
	s.Add("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJtb25pdG9yaW5nIn0.c2lnbmF0dXJlLXZhbHVl")
	s.Add("BPMSESSIONID=x2kf93ndk2ldk3l")
	text := strings.Repeat(`&amp;%25+\u0026`, 4096/16)
	b.ReportAllocs()
	for b.Loop() {
		s.Redact(text)
	}
}

// TestFragmentRule: the runs of a secret a server echoes cut or split are
// hidden where they stand as an echo; shorter runs and runs inside a
// longer word are not.
func TestFragmentRule(t *testing.T) {
	var s Secrets
	s.Add("P7s2kQ9vLm4xZt8w") // 16 characters: runs of 4 as a token
	s.Add("Supervisor")       // 10: runs of 4 as a token, 8 anywhere
	s.Add("Pw|7x+/=%QZk")     // punctuation of its own
	for _, tc := range []struct{ name, in, want string }{
		{"the start, cut, then more words", "client secret P7s2kQ9vLm4x... (truncated by the server)", "client secret [redacted]... (truncated by the server)"},
		{"the end at the start", "Lm4xZt8w is not valid", "[redacted] is not valid"},
		{"a short end at the start", "Zt8w is not valid", "[redacted] is not valid"},
		{"the middle, as a word", `"2kQ9vL" rejected`, `"[redacted]" rejected`},
		{"split over two fields: one", "P7s2kQ9v", "[redacted]"},
		{"split over two fields: other", "Lm4xZt8w", "[redacted]"},
		{"next to an ellipsis", "…vLm4x", "…[redacted]"},
		{"8 inside a word", "xxP7s2kQ9vxx", "xx[redacted]xx"},
		{"under 8 inside a word", "IdentityService is unavailable", "IdentityService is unavailable"},
		{"4 inside a word", "xP7s2x", "xP7s2x"},
		{"3 as a word", "at P7s now", "at P7s now"},
		{"own punctuation is no edge", "ab|7x+/", "ab|7x+/"},
		{"own punctuation inside the run", "for Pw|7x", "for [redacted]"},
		{"a run of the password as a word", "Creatio says: visor down", "Creatio says: [redacted] down"},
		{"the password's whole first word in a word", "ClientSecret", "ClientSecret"},
	} {
		if got := s.Redact(tc.in); got != tc.want {
			t.Errorf("%s:\nRedact(%q)\n = %q\nwant %q", tc.name, tc.in, got, tc.want)
		}
	}
	var ls Secrets // 40 characters: a token needs 10, but 8 anywhere are hidden
	ls.Add("CHDxZEJV+AL+FN#31#WHN4Y%/E5CCCDuCCCq7Rt2")
	if got := ls.Redact(`JV+AL+FN"x`); got != `[redacted]"x` {
		t.Errorf("a run of 8 of a 40-character secret: Redact = %q", got)
	}
	var cs Secrets
	cs.Add("xK9-app-secret")
	if got := cs.Redact("ClientSecret and client_secret"); got != "ClientSecret and client_secret" {
		t.Errorf("a secret ending in secret: Redact = %q", got)
	}
	// A word of a secret is hidden as a token only next to a cut marker or
	// as the whole text.
	var w Secrets
	w.Add("Creatio2024!")
	for in, want := range map[string]string{
		"Creatio answered HTTP 503":  "Creatio answered HTTP 503",
		"since 2024-01-01":           "since 2024-01-01",
		"Creatio...":                 "[redacted]...",
		"Creatio":                    "[redacted]",
		`"2024!"`:                    `"[redacted]"`,
		"the password Creatio202 is": "the password [redacted] is",
	} {
		if got := w.Redact(in); got != want {
			t.Errorf("Creatio2024!: Redact(%q) = %q, want %q", in, got, want)
		}
	}
}
