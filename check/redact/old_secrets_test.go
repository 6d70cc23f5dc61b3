package redact

import (
	"encoding/base64"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestSecretsRedact(t *testing.T) {
	var s Secrets
	const secret = `S3cr3t+/=Value"\<&`
	s.Add(secret)
	s.AddBasic("monitoring", secret)
	s.Add("ab") // too short to hide: ignored
	for _, tc := range []struct{ name, in string }{
		{"as typed", "secret " + secret + " echoed"},
		{"form body", "client_id=monitoring&client_secret=" + url.QueryEscape(secret) + "&grant_type=client_credentials"},
		{"lower-case escapes", "client_secret=" + regexp.MustCompile(`%[0-9A-F]{2}`).ReplaceAllStringFunc(url.QueryEscape(secret), strings.ToLower)},
		{"path escaping", "/x/" + url.PathEscape(secret)},
		{"JSON", `{"error_description":"S3cr3t+/=Value\"\\\u003c\u0026"}`},
		{"JSON without HTML escaping", `{"d":"S3cr3t+/=Value\"\\<&"}`},
		{"JSON with escaped slashes", `{"d":"S3cr3t+\/=Value\"\\<&"}`},
		{"Basic", "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("monitoring:"+secret))},
		{"Basic, form-encoded parts", "Basic " + base64.StdEncoding.EncodeToString([]byte("monitoring:"+url.QueryEscape(secret)))},
	} {
		got := s.Redact(tc.in)
		if !strings.Contains(got, redacted) || strings.Contains(got, "S3cr3t") || strings.Contains(got, "UzNjcjN0") {
			t.Errorf("%s: Redact(%q) = %q, want the secret hidden", tc.name, tc.in, got)
		}
	}
	if got := s.Redact("grab a cab"); got != "grab a cab" {
		t.Errorf("a 2-byte secret was hidden: %q", got)
	}
	var none *Secrets
	if got := none.Redact("x " + secret); got != "x "+secret {
		t.Errorf("a nil Secrets changed the text: %q", got)
	}
}

// FuzzSecrets: whatever the secret and the text around it, no registered
// encoding of the secret survives Redact.
func FuzzSecrets(f *testing.F) {
	for _, c := range [][2]string{
		{`S3cr3t+/=Value"\<&`, "client_secret=%s&x=1"},
		{"abc", "abcabc %s abc"},
		{"ééé", `{"m":"%s"}`},
		{"a%2Bb", "%s%s"},
		{"\x00\xff\xfe", "<%s>"},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, secret, text string) {
		var s Secrets
		s.Add(secret)
		s.AddBasic("id", secret)
		s.mu.RLock()
		forms := append([]string(nil), s.forms...)
		s.mu.RUnlock()
		for _, form := range forms {
			in := strings.ReplaceAll(text, "%s", form) + form
			if out := s.Redact(in); strings.Contains(out, form) && !strings.Contains(redacted, form) {
				t.Fatalf("secret %q: Redact(%q) = %q still holds %q", secret, in, out, form)
			}
		}
	})
}
