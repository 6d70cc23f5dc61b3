package cli

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"check_creatio_oauth/plugin"
)

// rawServer is an HTTP/1.1 server on loopback that writes answers by hand,
// so that a test can send any status line: answer gets the request (its
// body read) and returns the whole answer but the body's framing.
func rawServer(t *testing.T, answer func(r *http.Request, body string) (string, http.Header, string)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				br := bufio.NewReader(conn)
				{ // one request per connection: the answer closes it
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					b, _ := io.ReadAll(req.Body)
					status, h, body := answer(req, string(b))
					var sb strings.Builder
					sb.WriteString(status + "\r\n")
					if h == nil {
						h = http.Header{}
					}
					if h.Get("Content-Type") == "" {
						h.Set("Content-Type", "application/json")
					}
					h.Set("Content-Length", fmt.Sprint(len(body)))
					h.Set("Connection", "close")
					_ = h.Write(&sb)
					sb.WriteString("\r\n" + body)
					_, _ = io.WriteString(conn, sb.String())
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// longestRun is the longest run of secret's characters (or of its
// spelling after cleaning: '|' printed as '/') found in out, in characters.
func longestRun(out, secret string) int {
	best := 0
	for _, s := range []string{secret, strings.ReplaceAll(secret, "|", "/"), plugin.Sanitize(secret)} {
		rs := []rune(s)
		for i := range rs {
			for j := i + best + 1; j <= len(rs); j++ {
				if !strings.Contains(out, string(rs[i:j])) {
					break
				}
				best = j - i
			}
		}
	}
	return best
}

// allowedRun is the longest run of a secret of n characters the fragment
// rule lets through anywhere: under max(4, ⌈n/4⌉) characters.
func allowedRun(n int) int { return max(4, (n+3)/4) - 1 }

var verbosities = [][]string{{"-v"}, {"-vv"}, {"-vvv"}, {"--output", "json"}, {"-vvv", "--output", "json"}}

// roadCase is one road a server's echo of a secret may take to the output.
type roadCase struct {
	name   string
	secret string
	env    map[string]string
	args   []string
}

// checkRoads runs each case at each verbosity and in JSON and fails when
// the output holds a longer run of the secret than the rule allows; it
// logs the longest run found, the measure of the closing note.
func checkRoads(t *testing.T, cases []roadCase) {
	for _, tc := range cases {
		var runs []string
		for _, v := range verbosities {
			_, out := runPlugin(t, tc.env, append(append([]string{}, tc.args...), v...)...)
			n := longestRun(string(out), tc.secret)
			runs = append(runs, fmt.Sprintf("%s=%d", strings.Join(v, " "), n))
			if os.Getenv("SHOW_ROADS") != "" {
				t.Logf("%s %v:\n%s", tc.name, v, out)
			}
			if n > allowedRun(utf8.RuneCountInString(tc.secret)) {
				t.Errorf("%s %v: %d of the secret's %d characters printed:\n%s", tc.name, v, n, utf8.RuneCountInString(tc.secret), out)
			}
		}
		t.Logf("road %s (secret of %d characters): longest run printed %s", tc.name, utf8.RuneCountInString(tc.secret), strings.Join(runs, " "))
	}
}

// randomSecret is a secret of n characters, seeded.
func randomSecret(seed uint64, n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789|+/=%!#~ "
	r := rand.New(rand.NewPCG(seed, 22))
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	b[0], b[n-1] = 'S', 'e' // no space at either end: a secret file's line keeps them, but env values are hand-typed
	return string(b)
}

// TestRoadsReasonPhrase: a server that echoes the password or the client
// secret in its reason phrase; and a status line that starts with the
// password (Go's error quotes it: malformed HTTP version).
func TestRoadsReasonPhrase(t *testing.T) {
	const pw = "Pw|7x+/=%QZk"
	long := randomSecret(1, 200)
	login := rawServer(t, func(r *http.Request, body string) (string, http.Header, string) {
		var l struct{ UserPassword string }
		_ = json.Unmarshal([]byte(body), &l)
		return "HTTP/1.1 503 Unavailable for " + l.UserPassword, nil, `{}`
	})
	version := rawServer(t, func(r *http.Request, body string) (string, http.Header, string) {
		var l struct{ UserPassword string }
		_ = json.Unmarshal([]byte(body), &l)
		return l.UserPassword[:9] + " 200 OK", nil, `{}`
	})
	var idp string
	idp = rawServer(t, func(r *http.Request, body string) (string, http.Header, string) {
		if strings.HasSuffix(r.URL.Path, "/openid-configuration") {
			return "HTTP/1.1 200 OK", nil, `{"token_endpoint":"` + idp + `/connect/token"}`
		}
		form, _ := url.ParseQuery(body)
		sec := form.Get("client_secret")
		if sec == "" {
			_, sec, _ = r.BasicAuth()
			sec, _ = url.QueryUnescape(sec)
		}
		return "HTTP/1.1 503 Unavailable for " + sec, nil, `{}`
	})
	checkRoads(t, []roadCase{
		{"reason phrase, forms login", pw, map[string]string{"CREATIO_PASSWORD": pw}, []string{"-U", login, "--user", "monitor", "--no-cache"}},
		{"reason phrase, 200-character client secret", long, map[string]string{"CREATIO_CLIENT_SECRET": long}, []string{"--mode", "direct", "--identity-url", idp, "--client-id", "monitoring"}},
		{"Go's error string (malformed HTTP version)", "Pw7xQZk9LmN4", map[string]string{"CREATIO_PASSWORD": "Pw7xQZk9LmN4"}, []string{"-U", version, "--user", "monitor", "--no-cache"}},
		{"Go's error string, Go-quoted (\\x7f)", "Pw\"7\x7fxQZk9Lm", map[string]string{"CREATIO_PASSWORD": "Pw\"7\x7fxQZk9Lm"}, []string{"-U", version, "--user", "monitor", "--no-cache"}},
	})
}

// TestRoadsFragments: a server echoes a part of the secret: the start cut
// and followed by more words, the end at the start, the secret split over
// error and error_description.
func TestRoadsFragments(t *testing.T) {
	const secret = "P7s2kQ9vLm4xZt8w"
	var idp string
	idp = rawServer(t, func(r *http.Request, body string) (string, http.Header, string) {
		if strings.HasSuffix(r.URL.Path, "/openid-configuration") {
			return "HTTP/1.1 200 OK", nil, `{"token_endpoint":"` + idp + r.URL.Path[:strings.Index(r.URL.Path, "/.well-known")] + `/connect/token"}`
		}
		form, _ := url.ParseQuery(body)
		sec := form.Get("client_secret")
		if sec == "" {
			_, sec, _ = r.BasicAuth()
			sec, _ = url.QueryUnescape(sec)
		}
		var code, desc string
		switch {
		case strings.HasPrefix(r.URL.Path, "/cut/"):
			code, desc = "invalid_client", "client secret "+sec[:10]+"... (truncated by the server)"
		case strings.HasPrefix(r.URL.Path, "/end/"):
			code, desc = "invalid_client", sec[6:]+" is not the secret"
		case strings.HasPrefix(r.URL.Path, "/split/"):
			code, desc = sec[:8], sec[8:]
		case strings.HasPrefix(r.URL.Path, "/start/"):
			code, desc = "invalid_client", "the secret is "+sec[:7]
		}
		b, _ := json.Marshal(map[string]string{"error": code, "error_description": desc})
		return "HTTP/1.1 400 Bad Request", nil, string(b)
	})
	env := map[string]string{"CREATIO_CLIENT_SECRET": secret}
	var cases []roadCase
	for _, road := range []string{"start", "end", "split", "cut"} {
		cases = append(cases, roadCase{"fragment at the " + road, secret, env, []string{"--mode", "direct", "--identity-url", idp + "/" + road, "--client-id", "monitoring"}})
	}
	checkRoads(t, cases)
}

// TestRoadsCachedToken: with a token from the cache, no token request is
// made; Creatio's answer that echoes the client credential as HTTP Basic
// sends it (form-encoded, base64) is hidden all the same.
func TestRoadsCachedToken(t *testing.T) {
	const secret = "cs Hk2#S3/+=Vz"
	basic := base64.StdEncoding.EncodeToString([]byte("monitoring:" + url.QueryEscape(secret)))
	form := url.QueryEscape(secret)
	var idp string
	idp = rawServer(t, func(r *http.Request, body string) (string, http.Header, string) {
		if strings.HasSuffix(r.URL.Path, "/openid-configuration") {
			return "HTTP/1.1 200 OK", nil, `{"token_endpoint":"` + idp + `/connect/token"}`
		}
		return "HTTP/1.1 200 OK", nil, `{"access_token":"opaque-token-value-1234567890","token_type":"Bearer","expires_in":3600}`
	})
	creatio := rawServer(t, func(r *http.Request, body string) (string, http.Header, string) {
		msg, _ := json.Marshal("the client sent Basic " + basic + " and client_secret=" + form)
		return "HTTP/1.1 500 Internal Server Error", nil, `{"HasProblem":true,"IsSystemSettingsFilledIn":true,"IsIdentityServiceAvailable":true,"IsAccessTokenRetrievableForSystemActions":false,"Message":` + string(msg) + `}`
	})
	dir := t.TempDir()
	env := map[string]string{"CREATIO_CLIENT_SECRET": secret}
	args := []string{"-U", creatio, "--runtime", "netfx", "--identity-url", idp, "--client-id", "monitoring", "--cache-dir", dir}
	runPlugin(t, env, args...) // fills the cache
	for _, v := range verbosities {
		_, out := runPlugin(t, env, append(append([]string{}, args...), v...)...)
		for _, leak := range []string{basic, basic[:20], form, secret} {
			if strings.Contains(string(out), leak) {
				t.Errorf("cached token %v: printed %q:\n%s", v, leak, out)
			}
		}
	}
}

// TestRoadsURLUserInfo: user info in --url is refused without printing it,
// with or without a scheme.
func TestRoadsURLUserInfo(t *testing.T) {
	const pw = "Pw7xQZk9LmN4"
	for _, raw := range []string{"admin:" + pw + "@crm.example.com:8443/x", "https://admin:" + pw + "@crm.example.com/x", "//admin:" + pw + "@crm.example.com/x", "admin:" + pw + "@crm.example.com"} {
		for _, v := range verbosities {
			_, out := runPlugin(t, nil, append([]string{"-U", raw, "--user", "monitor"}, v...)...)
			if n := longestRun(string(out), pw); n > allowedRun(len(pw)) {
				t.Errorf("-U %s %v: %d characters of the password printed:\n%s", raw, v, n, out)
			}
		}
	}
}

// TestOwnMistakesAreUnknown: a port outside 1-65535 in --url or
// --identity-url is the plugin's input, so UNKNOWN; a redirect to file: or
// javascript: is named; a query string dropped from --url is said at -vv.
func TestOwnMistakesAreUnknown(t *testing.T) {
	for _, args := range [][]string{
		{"-U", "https://127.0.0.1:0/"},
		{"-U", "https://127.0.0.1:99999"},
		{"--mode", "direct", "--identity-url", "https://127.0.0.1:65536", "--client-id", "m"},
		{"--mode", "direct", "--identity-url", "https://127.0.0.1:0", "--client-id", "m"},
	} {
		st, out := runPlugin(t, map[string]string{"CREATIO_CLIENT_SECRET": "s3cret-value"}, args...)
		if st != plugin.Unknown || !strings.Contains(string(out), "is outside 1-65535") {
			t.Errorf("%v: %v\n%s", args, st, out)
		}
	}
	for _, target := range []string{"file:///etc/passwd", "javascript:alert(1)"} {
		srv := rawServer(t, func(r *http.Request, body string) (string, http.Header, string) {
			return "HTTP/1.1 302 Found", http.Header{"Location": {target}}, ""
		})
		scheme := target[:strings.IndexByte(target, ':')]
		st, out := runPlugin(t, nil, "-U", srv, "--runtime", "netfx")
		if st != plugin.Unknown || !strings.Contains(string(out), "redirects to a "+scheme+": URL, which is not followed") { // the state of any redirect not followed
			t.Errorf("redirect to %s: %v\n%s", target, st, out)
		}
	}
	srv := rawServer(t, func(r *http.Request, body string) (string, http.Header, string) {
		return "HTTP/1.1 200 OK", nil, `{"HasProblem":false,"IsSystemSettingsFilledIn":true,"IsIdentityServiceAvailable":true,"IsAccessTokenRetrievableForSystemActions":true}`
	})
	for v, want := range map[string]bool{"-v": false, "-vv": true} {
		_, out := runPlugin(t, nil, "-U", srv+"/?token=Q7sEcReT", "--runtime", "netfx", v)
		said := strings.Contains(string(out), "--url: the query string or fragment after '?' is dropped")
		if said != want || strings.Contains(string(out), "Q7sEcReT") {
			t.Errorf("--url with a query, %s: said %t, want %t\n%s", v, said, want, out)
		}
	}
}

// TestRoadsLoginCookieEcho: the login answer that sets the session cookie
// and echoes it in a body that is not Creatio's JSON: the cookie is a
// secret before the answer is said.
func TestRoadsLoginCookieEcho(t *testing.T) {
	const session = "F3A9C2D17B4E8A6055D1C9E2B7A4F0C3"
	srv := rawServer(t, func(r *http.Request, body string) (string, http.Header, string) {
		h := http.Header{"Content-Type": {"text/html"}}
		h.Add("Set-Cookie", ".ASPXAUTH="+session+"; Path=/; HttpOnly")
		h.Add("Set-Cookie", "UserName=monitor; Path=/")
		return "HTTP/1.1 200 OK", h, "<html>session " + session + " for monitor</html>"
	})
	checkRoads(t, []roadCase{{"login answer echoes its own session cookie", session, map[string]string{"CREATIO_PASSWORD": "Pw7xQZk9LmN4"}, []string{"-U", srv, "--user", "monitor", "--no-cache"}}})
	_, out := runPlugin(t, map[string]string{"CREATIO_PASSWORD": "Pw7xQZk9LmN4"}, "-U", srv, "--user", "monitor", "--no-cache")
	if !strings.Contains(string(out), "for monitor") {
		t.Errorf("the user's name, which the UserName cookie holds, was hidden:\n%s", out)
	}
}
