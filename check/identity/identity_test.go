package identity

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"check_creatio_oauth/check/report"
	"check_creatio_oauth/check/web"
	"check_creatio_oauth/plugin"
)

func TestParseDiscovery(t *testing.T) {
	for _, tc := range []struct {
		name    string
		body    string
		want    string // the token endpoint
		wantErr string // a part of the error; "" for success
	}{
		{"IdentityServer", `{"issuer":"https://ids.example","jwks_uri":"https://ids.example/.well-known/openid-configuration/jwks","token_endpoint":"https://ids.example/connect/token","grant_types_supported":["client_credentials"]}`,
			"https://ids.example/connect/token", ""},
		{"http", `{"token_endpoint":"http://ids.example:5000/connect/token"}`, "http://ids.example:5000/connect/token", ""},
		{"virtual directory and query", `{"token_endpoint":"https://ids.example/identity/connect/token?x=1"}`, "https://ids.example/identity/connect/token?x=1", ""},
		{"scheme in upper case", `{"token_endpoint":"HTTPS://ids.example/connect/token"}`, "https://ids.example/connect/token", ""},
		{"IPv6 host", `{"token_endpoint":"https://[::1]:8443/connect/token"}`, "https://[::1]:8443/connect/token", ""},
		{"escaped slashes", `{"token_endpoint":"https:\/\/ids.example\/connect\/token"}`, "https://ids.example/connect/token", ""},
		{"first of two keys", `{"token_endpoint":"https://a.example/t","token_endpoint":"https://b.example/t"}`, "https://a.example/t", ""},

		{"no token_endpoint", `{"issuer":"https://ids.example"}`, "", "no token_endpoint"},
		{"empty token_endpoint", `{"token_endpoint":""}`, "", "no token_endpoint"},
		{"token_endpoint null", `{"token_endpoint":null}`, "", "no token_endpoint"},
		{"token_endpoint a number", `{"token_endpoint":42}`, "", "no token_endpoint"},
		{"token_endpoint an array", `{"token_endpoint":["https://ids.example/connect/token"]}`, "", "no token_endpoint"},
		{"nested token_endpoint only", `{"x":{"token_endpoint":"https://ids.example/connect/token"}}`, "", "no token_endpoint"},
		{"relative", `{"token_endpoint":"/connect/token"}`, "", `token_endpoint "/connect/token" is not an http(s) URL`},
		{"no scheme", `{"token_endpoint":"ids.example/connect/token"}`, "", "is not an http(s) URL"},
		{"scheme-relative", `{"token_endpoint":"//ids.example/connect/token"}`, "", "is not an http(s) URL"},
		{"ftp", `{"token_endpoint":"ftp://ids.example/connect/token"}`, "", "is not an http(s) URL"},
		{"opaque", `{"token_endpoint":"https:ids.example"}`, "", "is not an http(s) URL"},
		{"no host", `{"token_endpoint":"https:///connect/token"}`, "", "is not an http(s) URL"},
		{"only a port", `{"token_endpoint":"https://:8443/connect/token"}`, "", "is not an http(s) URL"},
		{"bad escape", `{"token_endpoint":"https://ids.example/%zz"}`, "", "is not an http(s) URL"},
		{"control character", `{"token_endpoint":"https://ids.example/\u0000"}`, "", `"https://ids.example/" is not`},
		{"long value is cut", `{"token_endpoint":"` + strings.Repeat("x", 200) + `"}`, "", `"` + strings.Repeat("x", 80) + `" is not`},

		{"array", `[{"token_endpoint":"https://ids.example/connect/token"}]`, "", "not JSON"},
		{"HTML", `<!DOCTYPE html><html>`, "", "not JSON"},
		{"empty", ``, "", "not JSON"},
		{"truncated", `{"token_endpoint":"https://ids.example/connect/tok`, "", "not JSON"},
		{"too deep", `{"token_endpoint":"https://ids.example/connect/token","x":` + strings.Repeat("[", web.MaxDepth) + strings.Repeat("]", web.MaxDepth) + `}`, "", "not JSON"},
	} {
		u, err := parseDiscovery([]byte(tc.body))
		if tc.wantErr != "" {
			if err == nil {
				t.Errorf("%s: parseDiscovery = %v, want an error with %q", tc.name, u, tc.wantErr)
			} else if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: error %q, want it to contain %q", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: parseDiscovery error %v", tc.name, err)
			continue
		}
		if got, want := u.URL.String(), tc.want; got != want {
			t.Errorf("%s: parseDiscovery = %q, want %q", tc.name, got, want)
		}
	}
}

// discoveryCorpus seeds FuzzParseDiscovery.
var discoveryCorpus = []string{
	`{"issuer":"https://ids.example","token_endpoint":"https://ids.example/connect/token"}`, // IdentityServer
	`{"token_endpoint":"http://127.0.0.1:5000/connect/token"}`,                              // plain HTTP with a port
	`{"token_endpoint":"https://[fe80::1%25eth0]:8443/t"}`,                                  // IPv6 zone
	`{"token_endpoint":"https://user:pass@ids.example/t"}`,                                  // user info
	`{"token_endpoint":"https://:443/t"}`,                                                   // a port without a host
	`{"token_endpoint":"https:/ids.example/t"}`,                                             // one slash
	`{"token_endpoint":"HtTp://ids.example"}`,                                               // mixed-case scheme
	`{"token_endpoint":"https://ids.example/\u00e9\t|"}`,                                    // odd path characters
	`{"token_endpoint":"javascript:alert(1)"}`,                                              // another scheme
	`{"token_endpoint":null}`,                                                               // null
	`{"x":{"token_endpoint":"https://ids.example/t"}}`,                                      // nested key
	`{"token_endpoint":"https://a.example/t","token_endpoint":"ftp://b"}`,                   // duplicate key
	`{"token_endpoint.x":"https://a.example/t"}`,                                            // a gjson path character in a key
	`[]`, // not an object
	``,   // empty
	`{"token_endpoint":"https://a.example/t","token_endpoint_auth_methods_supported":["private_key_jwt","a|b\n","é",1,"x","y"]}`, // methods the plugin does not speak
}

func FuzzParseDiscovery(f *testing.F) {
	for _, s := range discoveryCorpus {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ep, err := parseDiscovery(body)
		if err != nil {
			// The error becomes part of a status line.
			if msg := err.Error(); !utf8.ValidString(msg) || strings.ContainsFunc(msg, unicode.IsControl) {
				t.Fatalf("parseDiscovery(%q) error %q is not one clean line", body, msg)
			}
			return
		}
		if !json.Valid(body) {
			t.Fatalf("parseDiscovery accepted %q, which encoding/json rejects", body)
		}
		u := ep.URL
		if !u.IsAbs() || (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" || u.Hostname() == "" {
			t.Fatalf("parseDiscovery(%q) = %q (scheme %q, host %q), not an absolute http(s) URL with a host", body, u, u.Scheme, u.Hostname())
		}
		if _, err := http.NewRequest(http.MethodPost, u.String(), nil); err != nil {
			t.Fatalf("parseDiscovery(%q) = %q, which cannot be requested: %v", body, u, err)
		}
		// The methods it lists may go into advice: one clean, short line.
		if l := unspoken(ep.Methods); len(l) > 3*(30+2)+3 || !utf8.ValidString(l) || strings.ContainsFunc(l, unicode.IsControl) || strings.Contains(l, "|") {
			t.Fatalf("parseDiscovery(%q): the methods %q say %q", body, ep.Methods, l)
		}
	})
}

// jwt builds an unsigned JWT with payload as its claims.
func jwt(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc([]byte(payload)) + ".c2ln"
}

func TestParseJWTClaims(t *testing.T) {
	for _, tc := range []struct {
		name    string
		token   string
		want    Claims
		wantErr string // a part of the error; "" for success
	}{
		{"IdentityServer token", jwt(`{"nbf":1700000000,"exp":1700003600,"iss":"https://ids.example","aud":"api","client_id":"creatio","iat":1700000000,"scope":["api"]}`),
			Claims{Exp: 1700003600, Iat: 1700000000, Nbf: 1700000000, ClientID: "creatio"}, ""},
		{"only exp", jwt(`{"exp":1700003600}`), Claims{Exp: 1700003600}, ""},
		{"no claims", jwt(`{}`), Claims{}, ""},
		{"unsigned (alg none)", jwt(`{"exp":1}`)[:len(jwt(`{"exp":1}`))-4], Claims{Exp: 1}, ""},
		{"padded base64", func() string {
			p := base64.URLEncoding.EncodeToString([]byte(`{"exp":1700003600 }`)) // 19 bytes: "=="
			if !strings.HasSuffix(p, "=") {
				panic("want a padded payload")
			}
			return "e30." + p + ".sig"
		}(), Claims{Exp: 1700003600}, ""},
		{"fractional times are cut", jwt(`{"exp":1700003600.9,"iat":1.7e9}`), Claims{Exp: 1700003600, Iat: 1700000000}, ""},
		{"negative time", jwt(`{"nbf":-1}`), Claims{Nbf: -1}, ""},
		{"exp as string ignored", jwt(`{"exp":"1700003600","iat":true,"nbf":null}`), Claims{}, ""},
		{"client_id as number", jwt(`{"client_id":42}`), Claims{ClientID: "42"}, ""},
		{"largest exact number", jwt(`{"exp":9007199254740992}`), Claims{Exp: 1 << 53}, ""},
		// Beyond 2^53 a number is no exact time: ignored, like the huge
		// ones gjson clamps and the ones its Int misreads (2.5e19 came
		// back as 6553255926290448384).
		{"huge exp", jwt(`{"exp":1e300,"iat":-1e300,"nbf":1e400}`), Claims{}, ""},
		{"exp past int64", jwt(`{"exp":25000000000000000000,"iat":-25000000000000000000}`), Claims{}, ""},
		{"exp at int64 max", jwt(`{"exp":9223372036854775807}`), Claims{}, ""},

		{"empty", "", Claims{}, "not a JWT"},
		{"opaque token", "2YotnFZFEjr1zCsicMWpAA", Claims{}, "not a JWT"},
		{"two parts", "e30.e30", Claims{}, "not a JWT"},
		{"four parts", "e30.e30.e30.e30", Claims{}, "not a JWT"},
		{"JWE (five parts)", "a.b.c.d.e", Claims{}, "not a JWT"},
		{"bad base64", "e30.!!!.sig", Claims{}, "JWT payload: illegal base64 data"},
		{"standard base64 alphabet", "e30." + base64.RawStdEncoding.EncodeToString([]byte(`{"a":"??>"}`)) + ".sig", Claims{}, "JWT payload: illegal base64"},
		{"empty payload", "e30..sig", Claims{}, "not a JSON object"},
		{"payload an array", jwt(`[{"exp":1}]`), Claims{}, "not a JSON object"},
		{"payload a string", jwt(`"exp"`), Claims{}, "not a JSON object"},
		{"payload not JSON", jwt(`exp=1`), Claims{}, "not a JSON object"},
		{"payload too deep", jwt(`{"x":` + strings.Repeat("[", web.MaxDepth) + strings.Repeat("]", web.MaxDepth) + `}`), Claims{}, "not a JSON object"},
	} {
		got, err := parseJWTClaims(tc.token)
		if tc.wantErr != "" {
			if err == nil {
				t.Errorf("%s: parseJWTClaims = %+v, want an error with %q", tc.name, got, tc.wantErr)
			} else if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: error %q, want it to contain %q", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: parseJWTClaims error %v", tc.name, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s: parseJWTClaims = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// jwtCorpus seeds FuzzParseJWTClaims: a token, and a payload that the
// target also wraps into a token itself.
var jwtCorpus = []struct{ token, payload string }{
	// IdentityServer's claims.
	{jwt(`{"exp":1700003600,"iat":1700000000,"nbf":1700000000,"client_id":"creatio"}`), `{"exp":1700003600,"iat":1700000000,"client_id":"creatio"}`},
	{"e30.eyJleHAiOjF9.", `{"exp":1.5}`},                                      // unsigned; a fraction
	{"e30.eyJleHAiOjF9==.sig", `{"exp":-1e300,"iat":1e300}`},                  // padding; huge
	{"e30.e30", `{"exp":25000000000000000000}`},                               // two parts; gjson misreads it
	{"..", `{"exp":"1","client_id":{"a":[1]}}`},                               // empty parts; wrong types
	{"a.b.c", `{"client_id":"\u0000|\n"}`},                                    // bad JSON; hostile client_id
	{"e30.+/+/.x", `[]`},                                                      // standard alphabet; not an object
	{"e30.eyJ.x", `{"exp":9007199254740993,"nbf":-9007199254740992,"iat":0}`}, // cut base64; the edge of exact
	{"", ``}, // nothing
	{"e30." + strings.Repeat("W1tb", 40) + ".x", strings.Repeat("[", 100)}, // deep nesting
}

func FuzzParseJWTClaims(f *testing.F) {
	for _, c := range jwtCorpus {
		f.Add(c.token, []byte(c.payload))
	}
	enc := base64.RawURLEncoding.EncodeToString
	f.Fuzz(func(t *testing.T, token string, payload []byte) {
		for _, tok := range []string{token, "e30." + enc(payload) + ".sig"} {
			c, err := parseJWTClaims(tok)
			if err != nil {
				if c != (Claims{}) {
					t.Fatalf("parseJWTClaims(%q) returned %+v with its error %v", tok, c, err)
				}
				continue
			}
			if strings.Count(tok, ".") != 2 {
				t.Fatalf("parseJWTClaims(%q) accepted a token without three parts", tok)
			}
			for _, v := range []int64{c.Exp, c.Iat, c.Nbf} {
				if v > 1<<53 || v < -(1<<53) {
					t.Fatalf("parseJWTClaims(%q) = %+v: a time beyond 2^53", tok, c)
				}
			}
			// The claims survive a round trip through a JWT of their own
			// (encoding/json would repair an invalid UTF-8 client_id).
			if utf8.ValidString(c.ClientID) {
				b, _ := json.Marshal(map[string]any{"exp": c.Exp, "iat": c.Iat, "nbf": c.Nbf, "client_id": c.ClientID})
				if c2, err := parseJWTClaims(jwt(string(b))); err != nil || c2 != c {
					t.Fatalf("parseJWTClaims(%q) = %+v; its re-encoding %s parses to %+v, %v", tok, c, b, c2, err)
				}
			}
			// inspect judges any claims, without overflowing.
			now := time.Unix(1_700_000_000, 0)
			want := plugin.OK
			if c.Iat > now.Unix()+60 || c.Nbf > now.Unix()+60 {
				want = plugin.Warning
			}
			if c.Exp != 0 && c.Exp <= now.Unix() {
				want = plugin.Critical
			}
			st, why := (&Token{Type: "Bearer", Claims: &c}).Inspect(now)
			if st != want || strings.Contains(why, "expired -") || strings.Contains(why, "skew of -") {
				t.Fatalf("inspect(%+v) = %v (%q), want %v", c, st, why, want)
			}
		}
	})
}

func TestParseTokenExpiresIn(t *testing.T) {
	for _, tc := range []struct {
		v    string // the raw expires_in of a JSON answer; "" for none
		want int64
	}{
		{"", 0},
		{"3600", 3600},
		{"3600.9", 3600},
		{"0", 0},
		{"-5", 0},
		{"2147483647", 0},
		{"1e300", 0},
		{`"3600"`, 3600}, // some servers send a string
		{`"0"`, 0},
		{`"-1"`, 0},
		{`" 3600"`, 0},
		{`"99999999999"`, 0},
		{"true", 0},
		{"null", 0},
	} {
		body := `{"access_token":"t"`
		if tc.v != "" {
			body += `,"expires_in":` + tc.v
		}
		tok, err := parseToken("application/json", []byte(body+"}"))
		if err != nil {
			t.Fatalf("parseToken(%s): %v", body, err)
		}
		if got, want := tok.ExpiresIn, tc.want; got != want {
			t.Errorf("expires_in %s: ExpiresIn = %d, want %d", tc.v, got, want)
		}
	}
}

// parseToken reads JSON and form answers, with or without a byte order
// mark, and tells OAuth errors from answers that are no token at all.
func TestParseToken(t *testing.T) {
	for _, tc := range []struct {
		name        string
		status      int
		contentType string
		body        string
		want        Token  // AccessToken, Type and ExpiresIn
		wantErr     string // the error's text; "" for a token
		oauth       bool   // the error is an *oauthError
	}{
		{"JSON", 200, "application/json", `{"access_token":"abc","token_type":"Bearer","expires_in":3600}`, Token{AccessToken: "abc", Type: "Bearer", ExpiresIn: 3600}, "", false},
		{"JSON with a byte order mark", 200, "application/json; charset=utf-8", "\xef\xbb\xbf" + `{"access_token":"abc","expires_in":60}`, Token{AccessToken: "abc", ExpiresIn: 60}, "", false},
		{"form", 200, "application/x-www-form-urlencoded", "access_token=abc&token_type=bearer&expires_in=60", Token{AccessToken: "abc", Type: "bearer", ExpiresIn: 60}, "", false},
		{"text/plain form", 200, "text/plain; charset=utf-8", "access_token=abc&expires_in=30", Token{AccessToken: "abc", ExpiresIn: 30}, "", false},
		{"no Content-Type: JSON is tried", 200, "", `{"access_token":"abc"}`, Token{AccessToken: "abc"}, "", false},
		{"OAuth error", 400, "application/json", `{"error":"invalid_client"}`, Token{}, "invalid_client", true},
		{"OAuth error with description", 401, "application/json", `{"error":"invalid_client","error_description":"unknown client"}`, Token{}, "invalid_client (unknown client)", true},
		{"OAuth error in a form", 400, "application/x-www-form-urlencoded", "error=unauthorized_client", Token{}, "unauthorized_client", true},
		{"OAuth error in a 200", 200, "application/json", `{"error":"invalid_grant","access_token":"abc"}`, Token{}, "invalid_grant", true},
		{"key with gjson syntax is not a path", 200, "application/json", `{"access_token":"abc","e*":"x","a.b":{"x":1}}`, Token{AccessToken: "abc"}, "", false},
		{"error null is no error", 200, "application/json", `{"access_token":"abc","error":null,"error_description":""}`, Token{AccessToken: "abc"}, "", false},
		{"error an object", 200, "application/json", `{"access_token":"abc","error":{"x":1}}`, Token{}, `{"x":1}`, true},
		{"500 HTML", 500, "text/html", "<html>", Token{}, "the answer is not JSON", false},
		{"400 JSON without error", 400, "application/json", `{"message":"bad"}`, Token{}, "no access_token in the answer", false},
		{"no access_token", 200, "application/json", `{"token_type":"Bearer"}`, Token{}, "no access_token in the answer", false},
		{"number access_token", 200, "application/json", `{"access_token":123}`, Token{AccessToken: "123"}, "", false},
		{"bad form", 200, "application/x-www-form-urlencoded", "a=%zz", Token{}, "the answer is not form-encoded", false},
		{"JSON array", 200, "application/json", `[]`, Token{}, "the answer is not JSON", false},
	} {
		tok, err := parseToken(tc.contentType, []byte(tc.body))
		var oe *oauthError
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: parseToken failed: %v", tc.name, err)
		case tc.wantErr == "":
			if tok.AccessToken != tc.want.AccessToken || tok.Type != tc.want.Type || tok.ExpiresIn != tc.want.ExpiresIn {
				t.Errorf("%s: parseToken = %+v, want %+v", tc.name, *tok, tc.want)
			}
		case err == nil:
			t.Errorf("%s: parseToken = %+v, want the error %q", tc.name, *tok, tc.wantErr)
		case err.Error() != tc.wantErr || errors.As(err, &oe) != tc.oauth:
			t.Errorf("%s: parseToken error %q (OAuth error %t), want %q (%t)", tc.name, err, errors.As(err, &oe), tc.wantErr, tc.oauth)
		}
	}
}

func TestTokenInspect(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	at := func(d time.Duration) int64 { return now.Add(d).Unix() }
	for _, tc := range []struct {
		name  string
		tok   Token
		want  plugin.State
		words string // a part of the reason; "" for none
	}{
		{"Bearer JWT", Token{Type: "Bearer", Claims: &Claims{Exp: at(time.Hour), Iat: at(0), Nbf: at(0)}}, plugin.OK, ""},
		{"bearer in lower case", Token{Type: "bearer", Claims: &Claims{Exp: at(time.Hour)}}, plugin.OK, ""},
		{"BEARER", Token{Type: "BEARER"}, plugin.OK, ""},
		{"no claims (opaque token)", Token{Type: "Bearer"}, plugin.OK, ""},
		{"claims without times", Token{Type: "Bearer", Claims: &Claims{}}, plugin.OK, ""},
		{"mac", Token{Type: "mac", Claims: &Claims{Exp: at(time.Hour)}}, plugin.Critical, `token_type is "mac", not Bearer`},
		{"no token_type", Token{Type: ""}, plugin.Critical, `token_type is "", not Bearer`},
		{"hostile token_type", Token{Type: "a|b\nc"}, plugin.Critical, `token_type is "a/b c"`},
		{"Bearer with a space", Token{Type: "Bearer "}, plugin.Critical, "not Bearer"},
		{"exp past", Token{Type: "Bearer", Claims: &Claims{Exp: at(-90 * time.Second)}}, plugin.Critical,
			"the new token expired 90 s ago (exp 2023-11-14T22:11:50Z)"},
		{"exp now", Token{Type: "Bearer", Claims: &Claims{Exp: at(0)}}, plugin.Critical, "expired 0 s ago"},
		{"exp in a second", Token{Type: "Bearer", Claims: &Claims{Exp: at(time.Second)}}, plugin.OK, ""},
		{"expired beats skew", Token{Type: "Bearer", Claims: &Claims{Exp: at(-time.Second), Iat: at(time.Hour)}}, plugin.Critical, "expired"},
		{"iat 61 s in the future", Token{Type: "Bearer", Claims: &Claims{Exp: at(time.Hour), Iat: at(61 * time.Second)}}, plugin.Warning,
			"clock skew of 61 s between this host and the Identity Service"},
		{"iat 60 s in the future", Token{Type: "Bearer", Claims: &Claims{Exp: at(time.Hour), Iat: at(60 * time.Second)}}, plugin.OK, ""},
		{"iat 59 s in the future", Token{Type: "Bearer", Claims: &Claims{Exp: at(time.Hour), Iat: at(59 * time.Second)}}, plugin.OK, ""},
		{"iat long past", Token{Type: "Bearer", Claims: &Claims{Iat: at(-24 * time.Hour)}}, plugin.OK, ""},
		{"nbf in the future", Token{Type: "Bearer", Claims: &Claims{Exp: at(time.Hour), Iat: at(0), Nbf: at(5 * time.Minute)}}, plugin.Warning,
			"clock skew of 300 s"},
		{"iat and nbf in the future: iat first", Token{Type: "Bearer", Claims: &Claims{Iat: at(2 * time.Minute), Nbf: at(5 * time.Minute)}}, plugin.Warning,
			"clock skew of 120 s"},
	} {
		st, why := tc.tok.Inspect(now)
		if got, want := st, tc.want; got != want {
			t.Errorf("%s: inspect = %v (%q), want %v", tc.name, got, why, want)
		}
		if tc.words == "" && why != "" || !strings.Contains(why, tc.words) {
			t.Errorf("%s: inspect says %q, want %q", tc.name, why, tc.words)
		}
	}
}

// badTokenFailure checks a failed token request: WARNING, CRITICAL or
// UNKNOWN, and a text of one clean line of 1 to 300 bytes without the
// secret. It returns what is wrong, or "".
func badTokenFailure(f *report.Failure) string {
	switch {
	case f.Kind == report.Setup:
		return fmt.Sprintf("Token failed with kind %v: %q", f.Kind, f.Text)
	case strings.Contains(f.Text+f.Detail, testSecret):
		return fmt.Sprintf("Token failure shows the client secret: %q", f.Text)
	case f.Text == "" || len(f.Text) > 300:
		return fmt.Sprintf("Token failure text is %d bytes, want 1 to 300: %q", len(f.Text), f.Text)
	case strings.HasPrefix(f.Text, " ") || strings.HasPrefix(f.Text, ";"):
		return fmt.Sprintf("Token failure text does not start with the cause: %q", f.Text)
	case !utf8.ValidString(f.Text) || strings.ContainsFunc(f.Text, func(r rune) bool { return r == '|' || unicode.IsControl(r) }):
		return fmt.Sprintf("Token failure text is not one clean line: %q", f.Text)
	}
	return ""
}

// The OAuth error of a token answer, as describeTokenError prints it.
func TestIdentityTokenErrorText(t *testing.T) {
	s := newTokenServer(t)
	c := newClient(t, web.ClientConfig{})
	for _, tc := range []struct {
		name   string
		answer tokenAnswer
	}{
		{"hostile code and description", tokenAnswer{400, "application/json", []byte(`{"error":"a|b\nc","error_description":"\u0000|\r\n\u2028"}`)}},
		{"long code and description", tokenAnswer{400, "application/json", []byte(`{"error":"` + strings.Repeat("é", 100) + `","error_description":"` + strings.Repeat("x", 1000) + `"}`)}},
		{"invalid UTF-8 in a form", tokenAnswer{400, "application/x-www-form-urlencoded", []byte("error=" + strings.Repeat("%FF", 60) + "&error_description=" + strings.Repeat("%80", 120))}},
		{"code of control characters", tokenAnswer{401, "application/x-www-form-urlencoded", []byte("error=%7F%01")}},
		{"code of spaces", tokenAnswer{400, "application/json", []byte(`{"error":"  "}`)}},
		{"secret echoed", tokenAnswer{400, "application/json", []byte(`{"error":"invalid_client","error_description":"client_secret ` + testSecret + ` is wrong"}`)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.set(tc.answer)
			tok, f := s.token(t, c)
			if f == nil {
				t.Fatalf("Token = %+v, want a failure", tok)
			}
			if problem := badTokenFailure(f); problem != "" {
				t.Error(problem)
			}
		})
	}
}

// tokenAnswer is what the fake token endpoint of FuzzTokenResponse sends.
type tokenAnswer struct {
	status      int
	contentType string // "" for no Content-Type header
	body        []byte
}

// tokenServer is a token endpoint that answers whatever set last gave it.
type tokenServer struct {
	*httptest.Server
	mu     sync.Mutex
	answer tokenAnswer
	form   url.Values // the last request's form
	n      int        // the requests so far
}

func newTokenServer(t testing.TB) *tokenServer {
	s := &tokenServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		s.mu.Lock()
		a := s.answer
		s.form = r.PostForm
		s.n++
		s.mu.Unlock()
		w.Header()["Content-Type"] = nil // no sniffing
		if a.contentType != "" {
			w.Header().Set("Content-Type", a.contentType)
		}
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *tokenServer) set(a tokenAnswer) {
	s.mu.Lock()
	s.answer = a
	s.mu.Unlock()
}

// requests is how many requests s has had.
func (s *tokenServer) requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

func (s *tokenServer) lastForm() url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.form
}

// The secret every token test sends; it must never show in a failure.
const testSecret = "s3cr3t-value"

// token runs Identity.Token against s.
func (s *tokenServer) token(t testing.TB, c *web.Client) (*Token, *report.Failure) {
	u, err := url.Parse(s.URL + "/connect/token")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a safety net; the server answers at once
	defer cancel()
	id := &Identity{Client: c, ClientID: "id", Secret: testSecret, Auth: authPost, SecretFrom: "CREATIO_CLIENT_SECRET"}
	tok, _, f := id.Token(ctx, &Endpoint{URL: u}, report.Policy{Timeout: time.Second, TimeoutState: plugin.Critical, Unreachable: plugin.Critical, Whose: report.CreatioSettings})
	return tok, f
}

func TestIdentityToken(t *testing.T) {
	s := newTokenServer(t)
	c := newClient(t, web.ClientConfig{})
	jwtToken := jwt(`{"exp":4102444800,"iat":1700000000,"client_id":"id"}`)
	for _, tc := range []struct {
		name     string
		answer   tokenAnswer
		wantType string // for a token
		wantExp  int64  // expires_in
		wantJWT  bool
		wantFail string // the failure's text up to any advice; "" for a token
	}{
		{"IdentityServer JWT", tokenAnswer{200, "application/json", []byte(`{"access_token":"` + jwtToken + `","expires_in":3600,"token_type":"Bearer","scope":"api"}`)},
			"Bearer", 3600, true, ""},
		{"opaque token, expires_in as a string", tokenAnswer{200, "application/json; charset=utf-8", []byte(`{"access_token":"abc","expires_in":"3600","token_type":"bearer"}`)},
			"bearer", 3600, false, ""},
		{"form-encoded answer", tokenAnswer{200, "application/x-www-form-urlencoded", []byte("access_token=abc&token_type=Bearer&expires_in=60")},
			"Bearer", 60, false, ""},
		{"no token_type", tokenAnswer{200, "application/json", []byte(`{"access_token":"abc"}`)}, "", 0, false, ""},
		{"no Content-Type: JSON is tried", tokenAnswer{200, "", []byte(`{"access_token":"abc","token_type":"Bearer"}`)}, "Bearer", 0, false, ""},

		{"invalid_client", tokenAnswer{400, "application/json", []byte(`{"error":"invalid_client"}`)}, "", 0, false, "invalid_client"},
		{"error with description", tokenAnswer{400, "application/json", []byte(`{"error":"unauthorized_client","error_description":"grant type | not allowed"}`)},
			"", 0, false, "unauthorized_client (grant type / not allowed)"},
		{"error in a 200", tokenAnswer{200, "application/json", []byte(`{"error":"invalid_grant","access_token":"abc"}`)}, "", 0, false, "invalid_grant"},
		{"401 with HTML", tokenAnswer{401, "text/html", []byte(`<html>Unauthorized</html>`)}, "", 0, false, "HTTP 401 Unauthorized without an OAuth error code"},
		{"500 empty", tokenAnswer{500, "", nil}, "", 0, false, "token endpoint HTTP 500 Internal Server Error"},
		{"200 without access_token", tokenAnswer{200, "application/json", []byte(`{"token_type":"Bearer"}`)}, "", 0, false, "token endpoint HTTP 200 but no access_token in the answer"},
		{"200 HTML", tokenAnswer{200, "text/html", []byte(`<html>`)}, "", 0, false, "token endpoint HTTP 200 but the answer is not JSON"},
		{"200 bad form", tokenAnswer{200, "text/plain", []byte(`a=%zz`)}, "", 0, false, "token endpoint HTTP 200 but the answer is not form-encoded"},
	} {
		s.set(tc.answer)
		tok, f := s.token(t, c)
		if form := s.lastForm(); form.Get("grant_type") != "client_credentials" || form.Get("client_id") != "id" || form.Get("client_secret") != testSecret {
			t.Errorf("%s: the token request's form is %v, want the client credentials in it", tc.name, form)
		}
		if tc.wantFail != "" {
			if f == nil {
				t.Errorf("%s: Token = %+v, want the failure %q", tc.name, tok, tc.wantFail)
			} else if st := (report.Policy{Whose: report.CreatioSettings}).State(f.Kind); st != plugin.Critical || !strings.HasPrefix(f.Text, report.Unretrievable+": ") || !strings.Contains(f.Text, tc.wantFail) {
				t.Errorf("%s: Token failed with %v %q, want CRITICAL %q and any advice", tc.name, st, f.Text, tc.wantFail)
			}
			continue
		}
		if f != nil {
			t.Errorf("%s: Token failed: %v %q", tc.name, f.Kind, f.Text)
			continue
		}
		if got, want := tok.Type, tc.wantType; got != want {
			t.Errorf("%s: Type = %q, want %q", tc.name, got, want)
		}
		if got, want := tok.ExpiresIn, tc.wantExp; got != want {
			t.Errorf("%s: ExpiresIn = %d, want %d", tc.name, got, want)
		}
		if got, want := tok.Claims != nil, tc.wantJWT; got != want {
			t.Errorf("%s: JWT claims found %t, want %t", tc.name, got, want)
		}
	}
}

// tokenCorpus seeds FuzzTokenResponse: a status selector (see
// tokenStatuses), a Content-Type selector (see tokenContentTypes) and the body.
var tokenCorpus = []struct {
	status, contentType uint8
	body                string
}{
	{0, 0, `{"access_token":"eyJhbGciOiJub25lIn0.eyJleHAiOjF9.","token_type":"Bearer","expires_in":3600}`}, // 200 JSON token
	{0, 1, `{"access_token":"abc","expires_in":"3600"}`},                                                   // 200, charset, string expires_in
	{0, 2, `access_token=abc&token_type=bearer`},                                                           // 200 text/plain form
	{0, 3, `access_token=abc&expires_in=-1`},                                                               // 200 form
	{0, 4, `{"access_token":"abc"}`},                                                                       // no Content-Type
	{1, 0, `{"error":"invalid_client","error_description":"Client | unknown\r\nsecond line"}`},             // 400 OAuth error, hostile
	// 401 with a long error and description.
	{2, 0, `{"error":"` + strings.Repeat("\u00e9", 100) + `","error_description":"` + strings.Repeat("x", 300) + `"}`},
	{2, 3, `error=%FF%FE%80&error_description=%C3%28`},        // 401 form, invalid UTF-8
	{3, 5, `<html><body>Internal Server Error</body></html>`}, // 500 HTML
	{0, 0, `{"error":"invalid_grant","access_token":"abc"}`},  // error in a 200
	{0, 0, `{"access_token":""}`},                             // empty token
	{0, 0, `{"access_token":123}`},                            // a number token
	{0, 5, ``},                                                // 200 empty HTML
	{0, 3, `a=%zz;b`},                                         // bad form
}

var (
	tokenStatuses     = []int{200, 400, 401, 500}
	tokenContentTypes = []string{"application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "", "text/html"}
)

// FuzzTokenResponse drives parseToken through Identity.Token and a real
// loopback server, with one server and one client for all inputs.
func FuzzTokenResponse(f *testing.F) {
	for _, c := range tokenCorpus {
		f.Add(c.status, c.contentType, []byte(c.body))
	}
	s := newTokenServer(f)
	c := newClient(f, web.ClientConfig{})
	f.Fuzz(func(t *testing.T, status, contentType uint8, body []byte) {
		a := tokenAnswer{
			status:      tokenStatuses[int(status)%len(tokenStatuses)],
			contentType: tokenContentTypes[int(contentType)%len(tokenContentTypes)],
			body:        body,
		}
		s.set(a)
		tok, fail := s.token(t, c)
		switch {
		case tok != nil && fail != nil:
			t.Fatalf("Token returned both %+v and %+v", tok, fail)
		case tok != nil:
			if tok.AccessToken == "" {
				t.Fatalf("Token returned a token without access_token: %+v", tok)
			}
			if tok.ExpiresIn < 0 {
				t.Fatalf("Token returned a negative expires_in: %+v", tok)
			}
		case fail == nil:
			t.Fatal("Token returned neither a token nor a failure")
		default:
			if problem := badTokenFailure(fail); problem != "" {
				t.Fatal(problem)
			}
		}
	})
}

// FuzzParseToken: parseToken never panics; a token has an access token and
// a lifetime that is not negative; a byte order mark changes nothing. (The
// status is judged by Identity.Token; the fuzzer still varies it, as the
// corpus has it.)
func FuzzParseToken(f *testing.F) {
	for _, c := range tokenCorpus {
		f.Add(c.status, c.contentType, []byte(c.body))
	}
	f.Fuzz(func(t *testing.T, status, contentType uint8, body []byte) {
		st := tokenStatuses[int(status)%len(tokenStatuses)]
		ct := tokenContentTypes[int(contentType)%len(tokenContentTypes)]
		_ = st
		tok, err := parseToken(ct, body)
		if err == nil && (tok == nil || tok.AccessToken == "" || tok.ExpiresIn < 0) {
			t.Fatalf("parseToken(%q, %q) = %+v", ct, body, tok)
		}
		tok2, err2 := parseToken(ct, append([]byte("\xef\xbb\xbf"), body...))
		if (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() || tok != nil && *tok2 != *tok && (tok2.Claims == nil) != (tok.Claims == nil) {
			t.Fatalf("a byte order mark changes parseToken(%q): %+v %v, then %+v %v", body, tok, err, tok2, err2)
		}
	})
}
