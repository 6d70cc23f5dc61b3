package identity

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"check_creatio_oauth/check/report"
	"check_creatio_oauth/check/web"
	"check_creatio_oauth/plugin"
)

// Discover against a loopback Identity Service: each answer that is no
// usable discovery document is Creatio's "IdentityService is unavailable"
// in the identity_service step, of the kind that decides its state; only
// the plugin's own login falls back to /connect/token on a 404.
func TestDiscover(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"token_endpoint":"http://` + r.Host + `/ok/connect/token","token_endpoint_auth_methods_supported":["client_secret_post"]}`))
	})
	mux.HandleFunc("/missing/.well-known/openid-configuration", http.NotFound)
	mux.HandleFunc("/busy/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/large/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"token_endpoint":"` + strings.Repeat("x", 4096) + `"}`))
	})
	mux.HandleFunc("/html/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("<html>hello</html>"))
	})
	mux.HandleFunc("/ftp/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"token_endpoint":"ftp://idp/connect/token\u001b[31m"}`))
	})
	srv := serve(t, mux)
	settings := report.Policy{Timeout: 5 * time.Second, TimeoutState: plugin.Critical, Unreachable: plugin.Warning, Whose: report.CreatioSettings}
	own := settings
	own.Whose = report.PluginLogin
	closed := closedPort(t)
	for _, tc := range []struct {
		name, base string
		p          report.Policy
		wantURL    string       // the token endpoint found, or ""
		wantState  plugin.State // of the failure
		wantText   string
	}{
		{"document", srv.URL + "/ok", settings, srv.URL + "/ok/connect/token", 0, ""},
		{"404, Creatio's settings", srv.URL + "/missing", settings, "", plugin.Critical, "the discovery document: HTTP 404 Not Found"},
		{"404, own login", srv.URL + "/missing", own, srv.URL + "/missing/connect/token", 0, ""},
		{"503", srv.URL + "/busy", settings, "", plugin.Critical, "the discovery document: HTTP 503"},
		{"larger than --max-body", srv.URL + "/large", settings, "", plugin.Critical, "larger than the 1024-byte cap (--max-body)"},
		{"not JSON", srv.URL + "/html", settings, "", plugin.Critical, "the discovery document: "},
		{"no http(s) endpoint", srv.URL + "/ftp", settings, "", plugin.Critical, "ftp://idp/connect/token"},
		{"connection refused", "http://" + closed, settings, "", plugin.Warning, "refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := &Identity{Client: newClient(t, web.ClientConfig{MaxBody: 1024}), URL: mustURL(t, tc.base), ClientID: "id", Secret: testSecret}
			ep, f := id.Discover(context.Background(), tc.p)
			if tc.wantURL != "" {
				if f != nil || ep == nil || ep.URL.String() != tc.wantURL {
					t.Fatalf("Discover = %v, %+v, want the token endpoint %s", ep, f, tc.wantURL)
				}
				return
			}
			if f == nil {
				t.Fatalf("Discover = %v, want a failure with %q", ep.URL, tc.wantText)
			}
			if st := tc.p.State(f.Kind); st != tc.wantState || f.Step != report.StepIdentityService ||
				!strings.HasPrefix(f.Text, report.Unavailable+": ") || !strings.Contains(f.Text, tc.wantText) || strings.ContainsAny(f.Text, "\x1b\n") {
				t.Errorf("failure %v %s %q, want %v identity_service %q...%q", st, f.Step, f.Text, tc.wantState, report.Unavailable, tc.wantText)
			}
			if !strings.Contains(f.Long(), "GET ") || f.Fix == "" {
				t.Errorf("detail %q and fix %q: want the URL asked and what to do", f.Long(), f.Fix)
			}
		})
	}
}

// closedPort is a loopback address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// A token endpoint that would carry the secret in clear is refused before
// the secret is sent; one on another host over https gets a note.
func TestCheckTokenEndpoint(t *testing.T) {
	c := newClient(t, web.ClientConfig{})
	for _, tc := range []struct {
		name, identity, token string
		wantText, wantNote    string
	}{
		{"plain http under https", "https://idp.example", "http://idp.example/connect/token", "plain-http token endpoint", ""},
		{"another host without https", "http://idp.example", "http://other.example/connect/token", "another host without https", ""},
		{"another host over https", "https://idp.example", "https://other.example/connect/token", "", "another host than --identity-url"},
		{"same host", "http://idp.example", "http://idp.example/connect/token", "", ""},
	} {
		id := &Identity{Client: c, URL: mustURL(t, tc.identity)}
		ep := &Endpoint{URL: mustURL(t, tc.token)}
		f := id.checkTokenEndpoint(ep)
		switch {
		case tc.wantText == "" && f != nil:
			t.Errorf("%s: refused: %q", tc.name, f.Text)
		case tc.wantText != "" && (f == nil || f.Step != report.StepToken || !strings.Contains(f.Long(), tc.wantText) || !strings.Contains(f.Long(), "the client secret was not sent")):
			t.Errorf("%s: %+v, want a refusal in the token step saying %q", tc.name, f, tc.wantText)
		}
		if !strings.Contains(ep.Note, tc.wantNote) || (tc.wantNote == "") != (ep.Note == "") {
			t.Errorf("%s: note %q, want %q", tc.name, ep.Note, tc.wantNote)
		}
	}
	if f := (&Identity{Client: c}).checkTokenEndpoint(&Endpoint{URL: mustURL(t, "http://x/t")}); f != nil {
		t.Errorf("without --identity-url: %q, want no refusal", f.Text)
	}
}
