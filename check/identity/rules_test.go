package identity

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"check_creatio_oauth/check/report"
	"check_creatio_oauth/check/web"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
	"check_creatio_oauth/testdata/sim"
)

// The rule of a token answer: the HTTP status decides before any body
// (5xx, 429 and 408 are the server's fault whatever they say); a 2xx with
// an error or without a token is the server's fault; an OAuth error at
// 400/401 refuses the credentials, whose owner decides the state (the
// plugin's own login: UNKNOWN, Creatio's settings in direct mode:
// CRITICAL); unsupported_grant_type refuses everyone, Creatio too.
func TestTokenRules(t *testing.T) {
	s := newTokenServer(t)
	c := newClient(t, web.ClientConfig{})
	oauth := func(code, desc string) []byte {
		return []byte(`{"error":"` + code + `","error_description":"` + desc + `"}`)
	}
	const js = "application/json"
	for _, tc := range []struct {
		name   string
		answer tokenAnswer
		kind   report.Kind
		own    plugin.State // the state for the plugin's own login
		direct plugin.State // the state in direct mode
		says   string
	}{
		{"500 server_error", tokenAnswer{500, js, oauth("server_error", "boom")}, report.Server, plugin.Critical, plugin.Critical, "token endpoint HTTP 500: server_error (boom)"},
		{"502 with an OAuth body", tokenAnswer{502, js, oauth("invalid_client", "")}, report.Server, plugin.Critical, plugin.Critical, "token endpoint HTTP 502: invalid_client"},
		{"503 temporarily_unavailable", tokenAnswer{503, js, oauth("temporarily_unavailable", "")}, report.Server, plugin.Critical, plugin.Critical, "temporarily_unavailable"},
		{"504 with an OAuth body", tokenAnswer{504, js, oauth("invalid_grant", "")}, report.Server, plugin.Critical, plugin.Critical, "token endpoint HTTP 504: invalid_grant"},
		{"429 with an OAuth body", tokenAnswer{429, js, oauth("invalid_request", "slow down")}, report.Server, plugin.Critical, plugin.Critical, "token endpoint HTTP 429: invalid_request (slow down)"},
		{"429 without a body", tokenAnswer{429, "", nil}, report.Server, plugin.Critical, plugin.Critical, "token endpoint HTTP 429 Too Many Requests"},
		{"408", tokenAnswer{408, js, oauth("invalid_client", "")}, report.Server, plugin.Critical, plugin.Critical, "token endpoint HTTP 408"},
		{"200 with server_error", tokenAnswer{200, js, oauth("server_error", "")}, report.Server, plugin.Critical, plugin.Critical, "token endpoint HTTP 200 with the error server_error"},
		{"200 without access_token", tokenAnswer{200, js, []byte(`{"token_type":"Bearer"}`)}, report.Server, plugin.Critical, plugin.Critical, "no access_token"},
		{"400 invalid_client", tokenAnswer{400, js, oauth("invalid_client", "")}, report.Credentials, plugin.Unknown, plugin.Critical, "invalid_client"},
		{"401 invalid_client", tokenAnswer{401, js, oauth("invalid_client", "")}, report.Credentials, plugin.Unknown, plugin.Critical, "invalid_client"},
		{"400 invalid_grant", tokenAnswer{400, js, oauth("invalid_grant", "")}, report.Credentials, plugin.Unknown, plugin.Critical, "invalid_grant"},
		{"400 unauthorized_client", tokenAnswer{400, js, oauth("unauthorized_client", "")}, report.Credentials, plugin.Unknown, plugin.Critical, "unauthorized_client"},
		{"400 invalid_scope", tokenAnswer{400, js, oauth("invalid_scope", "")}, report.Credentials, plugin.Unknown, plugin.Critical, "invalid_scope"},
		{"400 invalid_request", tokenAnswer{400, js, oauth("invalid_request", "")}, report.Credentials, plugin.Unknown, plugin.Critical, "invalid_request"},
		{"400 unsupported_grant_type", tokenAnswer{400, js, oauth("unsupported_grant_type", "")}, report.Problem, plugin.Critical, plugin.Critical, "unsupported_grant_type"},
		{"401 without a code", tokenAnswer{401, "text/html", []byte("<html>no</html>")}, report.Credentials, plugin.Unknown, plugin.Critical, "HTTP 401 Unauthorized without an OAuth error code"},
		{"401 with an empty code", tokenAnswer{401, js, oauth("", "")}, report.Credentials, plugin.Unknown, plugin.Critical, "without an OAuth error code"},
		{"400 without a code", tokenAnswer{400, js, []byte(`{"message":"bad"}`)}, report.Server, plugin.Critical, plugin.Critical, "token endpoint HTTP 400 Bad Request, not an OAuth answer"},
		{"404", tokenAnswer{404, "text/plain", []byte("not found")}, report.Server, plugin.Critical, plugin.Critical, "token endpoint HTTP 404 Not Found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.set(tc.answer)
			_, f := s.token(t, c)
			if f == nil {
				t.Fatal("no failure")
			}
			if f.Kind != tc.kind || f.Step != report.StepToken || !strings.Contains(f.Line(), tc.says) {
				t.Errorf("kind %v step %s %q, want kind %v %q", f.Kind, f.Step, f.Line(), tc.kind, tc.says)
			}
			own, direct := report.Policy{}, report.Policy{Whose: report.CreatioSettings}
			if got := own.State(f.Kind); got != tc.own {
				t.Errorf("own login: %v, want %v", got, tc.own)
			}
			if got := direct.State(f.Kind); got != tc.direct {
				t.Errorf("direct mode: %v, want %v", got, tc.direct)
			}
			if f.Kind == report.Server && (strings.Contains(f.Fix, "client-id") || strings.Contains(f.Fix, "secret")) {
				t.Errorf("the server's fault blames the credentials: %q", f.Fix)
			}
			if f.Fix == "" {
				t.Error("no fix")
			}
		})
	}
}

// --client-auth auto tries the form body after HTTP Basic only when the
// token endpoint refused the client authentication: a 400 or 401 with
// invalid_client or without an OAuth error code. Another code refuses
// something a second method cannot change, and a 5xx, 429 or 408 is an
// outage whatever its body says: one request, and that answer is the
// verdict.
func TestClientAuthFallbackRule(t *testing.T) {
	s := newTokenServer(t)
	c := newClient(t, web.ClientConfig{})
	u := mustURL(t, s.URL+"/connect/token")
	const js = "application/json"
	for _, tc := range []struct {
		name     string
		answer   tokenAnswer
		requests int
	}{
		{"400 invalid_client", tokenAnswer{400, js, []byte(`{"error":"invalid_client"}`)}, 2},
		{"401 invalid_client", tokenAnswer{401, js, []byte(`{"error":"invalid_client","error_description":"no"}`)}, 2},
		{"401 invalid_client form-encoded", tokenAnswer{401, "application/x-www-form-urlencoded", []byte(`error=invalid_client`)}, 2},
		{"401 invalid_client echoing the secret", tokenAnswer{401, js, []byte(`{"error":"invalid_client","error_description":"client_secret ` + testSecret + ` is wrong"}`)}, 2},
		{"401 HTML echoing the secret", tokenAnswer{401, "text/html", []byte(testSecret)}, 2},
		{"401 bare", tokenAnswer{401, "", nil}, 2},
		{"401 HTML", tokenAnswer{401, "text/html", []byte("<html>Unauthorized</html>")}, 2},
		{"400 JSON without a code", tokenAnswer{400, js, []byte(`{"message":"bad client"}`)}, 2},
		{"400 empty code", tokenAnswer{400, js, []byte(`{"error":" "}`)}, 2},
		{"400 unsupported_grant_type", tokenAnswer{400, js, []byte(`{"error":"unsupported_grant_type"}`)}, 1},
		{"400 invalid_scope", tokenAnswer{400, js, []byte(`{"error":"invalid_scope"}`)}, 1},
		{"400 invalid_grant", tokenAnswer{400, js, []byte(`{"error":"invalid_grant"}`)}, 1},
		{"400 invalid_request", tokenAnswer{400, js, []byte(`{"error":"invalid_request"}`)}, 1},
		{"401 unauthorized_client", tokenAnswer{401, js, []byte(`{"error":"unauthorized_client"}`)}, 1},
		{"403 invalid_client", tokenAnswer{403, js, []byte(`{"error":"invalid_client"}`)}, 1},
		{"503 invalid_client", tokenAnswer{503, js, []byte(`{"error":"invalid_client"}`)}, 1},
		{"500 invalid_client", tokenAnswer{500, js, []byte(`{"error":"invalid_client"}`)}, 1},
		{"502 bare", tokenAnswer{502, "", nil}, 1},
		{"429 invalid_client", tokenAnswer{429, js, []byte(`{"error":"invalid_client"}`)}, 1},
		{"408 invalid_client", tokenAnswer{408, js, []byte(`{"error":"invalid_client"}`)}, 1},
		{"200 without a token", tokenAnswer{200, js, []byte(`{"token_type":"Bearer"}`)}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.set(tc.answer)
			before := s.requests()
			id := &Identity{Client: c, ClientID: "id", Secret: testSecret, Auth: authAuto}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a safety net; the server answers at once
			defer cancel()
			_, notes, f := id.Token(ctx, &Endpoint{URL: u}, report.Policy{Timeout: time.Second, TimeoutState: plugin.Critical, Unreachable: plugin.Critical})
			if f == nil {
				t.Fatal("no failure")
			}
			if n := s.requests() - before; n != tc.requests {
				t.Errorf("%d requests, want %d (notes %q)", n, tc.requests, notes)
			}
			if tc.requests == 1 && len(notes) != 0 {
				t.Errorf("notes %q without a fallback", notes)
			}
			if tc.requests == 2 && (len(notes) != 2 || !strings.HasPrefix(notes[0], "token: client_secret_basic refused: HTTP "+strconv.Itoa(tc.answer.status)) ||
				!strings.HasSuffix(notes[0], "; trying client_secret_post") || !strings.HasPrefix(notes[1], "token: client_secret_post refused too: HTTP "+strconv.Itoa(tc.answer.status))) {
				t.Errorf("notes %q, want both answers", notes)
			}
			for _, n := range notes {
				if strings.Contains(n, testSecret) {
					t.Errorf("a note shows the secret: %q", n)
				}
			}
		})
	}
}

// After a fallback the second answer is the verdict: HTTP Basic refused,
// then an outage for the form body is CRITICAL, and -vv has both answers.
func TestClientAuthFallbackThenOutage(t *testing.T) {
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if _, _, basic := r.BasicAuth(); basic {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"invalid_client"}`))
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"error":"temporarily_unavailable"}`))
	}))
	id := &Identity{Client: newClient(t, web.ClientConfig{}), ClientID: "id", Secret: testSecret}
	_, notes, f := id.Token(context.Background(), &Endpoint{URL: mustURL(t, srv.URL)}, report.Policy{})
	if f == nil || f.Kind != report.Server || !strings.Contains(f.Line(), "HTTP 503: temporarily_unavailable") {
		t.Fatalf("%+v, want the 503", f)
	}
	want := []string{
		"token: client_secret_basic refused: HTTP 401 Unauthorized: invalid_client; trying client_secret_post",
		"token: client_secret_post: HTTP 503 Service Unavailable: temporarily_unavailable",
	}
	if strings.Join(notes, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes %q,\nwant %q", notes, want)
	}
}

// The server's own error_description is kept whole in the detail, while
// line 1 stays within the limit.
func TestTokenDescriptionWhole(t *testing.T) {
	s := newTokenServer(t)
	desc := "The OAuth 2.0 Client supports client authentication method 'client_secret_basic', but method 'client_secret_post' was requested. " + strings.Repeat("More words. ", 20)
	s.set(tokenAnswer{401, "application/json", []byte(`{"error":"invalid_client","error_description":"` + desc + `"}`)})
	_, f := s.token(t, newClient(t, web.ClientConfig{}))
	if f == nil || !strings.Contains(f.Detail, strings.TrimSpace(desc)) {
		t.Fatalf("detail %q lacks the whole description", f.Detail)
	}
	if n := len(report.Name + " UNKNOWN - " + f.Line()); n > plugin.MaxLine {
		t.Errorf("line 1 is %d bytes", n)
	}
	if !strings.Contains(f.Fix, "--client-auth") {
		t.Errorf("fix %q does not name --client-auth though the server names a method", f.Fix)
	}
}

// --client-auth: auto takes the one method discovery lists alone, else
// tries HTTP Basic and, when the token endpoint refuses the client
// authentication (400/401 with invalid_client or without an OAuth code),
// the form body, within the same deadline; never after an outage (basic-503:
// a 503 whose body says invalid_client) or another refusal
// (unsupported-grant). basic and post send only their own way.
func TestClientAuth(t *testing.T) {
	st := newStand(t)
	for _, tc := range []struct {
		variant  string
		auth     ClientAuth
		requests int    // token requests made
		how      string // the method that worked; "" for a failure
		kind     report.Kind
		says     string // in line 1 of a failure
	}{
		{"ok", authAuto, 1, "client_secret_basic", 0, ""},
		{"basic-only", authAuto, 1, "client_secret_basic", 0, ""},
		{"post-only", authAuto, 2, "client_secret_post", 0, ""},
		{"basic-listed", authAuto, 1, "client_secret_basic", 0, ""},
		{"post-listed", authAuto, 1, "client_secret_post", 0, ""},
		{"basic-refused-bare", authAuto, 2, "client_secret_post", 0, ""},
		{"post-only", authBasic, 1, "", report.Credentials, "invalid_client"},
		{"basic-only", authPost, 1, "", report.Credentials, "invalid_client"},
		{"basic-only", authBasic, 1, "client_secret_basic", 0, ""},
		{"post-only", authPost, 1, "client_secret_post", 0, ""},
		{"basic-503", authAuto, 1, "", report.Server, "token endpoint HTTP 503: invalid_client"},
		{"oauth-502", authAuto, 1, "", report.Server, "token endpoint HTTP 502: invalid_client"},
		{"unsupported-grant", authAuto, 1, "", report.Problem, "unsupported_grant_type"},
		{"jwt-only", authAuto, 2, "", report.Credentials, "the Identity Service offers only private_key_jwt: allow a client secret"},
		{"jwt-only", authPost, 1, "", report.Credentials, "the Identity Service offers only private_key_jwt: allow a client secret"},
	} {
		t.Run(tc.variant+"/"+string(tc.auth), func(t *testing.T) {
			st.Identity.ResetRequests()
			c := newClient(t, web.ClientConfig{})
			id := &Identity{Client: c, URL: variant(t, st, tc.variant), ClientID: fixture.Client, Secret: fixture.Secret, Auth: tc.auth}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			p := report.Policy{Timeout: 5 * time.Second, TimeoutState: plugin.Critical, Unreachable: plugin.Critical}
			ep, f := id.Discover(ctx, p)
			if f != nil {
				t.Fatal(f.Line())
			}
			tok, notes, f := id.Token(ctx, ep, p)
			how := strings.Join(notes, "\n")
			n := 0
			for _, r := range st.Identity.Requests() {
				if r.Method == http.MethodPost {
					n++
				}
			}
			if n != tc.requests {
				t.Errorf("%d token requests, want %d", n, tc.requests)
			}
			switch {
			case tc.how == "" && f == nil:
				t.Errorf("a token (%s), want %q", how, tc.says)
			case tc.how == "" && (f.Kind != tc.kind || !strings.Contains(f.Line(), tc.says)):
				t.Errorf("%v %q, want %v %q", f.Kind, f.Line(), tc.kind, tc.says)
			case tc.how != "" && f != nil:
				t.Errorf("failed: %s", f.Line())
			case tc.how != "" && (tok == nil || !strings.Contains(how, "client authentication "+tc.how+" accepted")):
				t.Errorf("worked with %q, want %s", how, tc.how)
			}
			// Every answer of a fallback is in the notes (-vv): the first
			// refusal, and the second when it failed too.
			if n == 2 && (!strings.Contains(how, "client_secret_basic refused: HTTP 401 Unauthorized: ") || f != nil && !strings.Contains(how, "client_secret_post refused too: HTTP 401 Unauthorized: ")) {
				t.Errorf("notes %q lack an answer", how)
			}
			if f != nil && tc.variant == "jwt-only" && (strings.Contains(f.Fix, "secret (") || !strings.Contains(f.Fix, "lists only private_key_jwt")) {
				t.Errorf("fix %q, want it to name private_key_jwt, not the secret", f.Fix)
			}
		})
	}
}

// HTTP Basic sends id and secret form-urlencoded before base64 (RFC 6749
// section 2.3.1): a secret with ':' and '+' survives the trip.
func TestClientAuthBasicEncoding(t *testing.T) {
	var gotID, gotSecret string
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, _ := r.BasicAuth()
		gotID, _ = url.QueryUnescape(u)
		gotSecret, _ = url.QueryUnescape(p)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"x","token_type":"Bearer"}`))
	}))
	id := &Identity{Client: newClient(t, web.ClientConfig{}), ClientID: "a:b c", Secret: "s+e:c/r%t", Auth: authBasic}
	if _, _, f := id.Token(context.Background(), &Endpoint{URL: mustURL(t, srv.URL)}, report.Policy{}); f != nil {
		t.Fatal(f.Line())
	}
	if gotID != "a:b c" || gotSecret != "s+e:c/r%t" {
		t.Errorf("the server read %q:%q", gotID, gotSecret)
	}
}

var _ = sim.IdentityVariants // the variants above are the simulator's
