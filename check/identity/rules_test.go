package identity

import (
	"context"
	"net/http"
	"net/url"
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
			if f.Kind != tc.kind || f.Step != StepToken || !strings.Contains(f.Line(), tc.says) {
				t.Errorf("kind %v step %s %q, want kind %v %q", f.Kind, f.Step, f.Line(), tc.kind, tc.says)
			}
			own, direct := report.Policy{}, report.Policy{Settings: true}
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
// tries HTTP Basic and, on invalid_client, the form body, within the same
// deadline; basic and post send only their own way.
func TestClientAuth(t *testing.T) {
	st := newStand(t)
	for _, tc := range []struct {
		variant  string
		auth     ClientAuth
		requests int    // token requests made
		how      string // the method that worked; "" for a failure
	}{
		{"ok", AuthAuto, 1, "client_secret_basic"},
		{"basic-only", AuthAuto, 1, "client_secret_basic"},
		{"post-only", AuthAuto, 2, "client_secret_post"},
		{"basic-listed", AuthAuto, 1, "client_secret_basic"},
		{"post-listed", AuthAuto, 1, "client_secret_post"},
		{"post-only", AuthBasic, 1, ""},
		{"basic-only", AuthPost, 1, ""},
		{"basic-only", AuthBasic, 1, "client_secret_basic"},
		{"post-only", AuthPost, 1, "client_secret_post"},
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
			tok, how, f := id.Token(ctx, ep, p)
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
				t.Errorf("a token (%s), want invalid_client", how)
			case tc.how == "" && (f.Kind != report.Credentials || !strings.Contains(f.Line(), "invalid_client")):
				t.Errorf("%v %q, want invalid_client", f.Kind, f.Line())
			case tc.how != "" && f != nil:
				t.Errorf("failed: %s", f.Line())
			case tc.how != "" && (tok == nil || !strings.Contains(how, tc.how)):
				t.Errorf("worked with %q, want %s", how, tc.how)
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
	id := &Identity{Client: newClient(t, web.ClientConfig{}), ClientID: "a:b c", Secret: "s+e:c/r%t", Auth: AuthBasic}
	if _, _, f := id.Token(context.Background(), &Endpoint{URL: mustURL(t, srv.URL)}, report.Policy{}); f != nil {
		t.Fatal(f.Line())
	}
	if gotID != "a:b c" || gotSecret != "s+e:c/r%t" {
		t.Errorf("the server read %q:%q", gotID, gotSecret)
	}
}

var _ = sim.IdentityVariants // the variants above are the simulator's
