package creatio

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"check_creatio_oauth/check/web"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
)

// The HTTP status decides before any body, on the health request and on
// the forms login alike: 5xx, 429 and 408 are CRITICAL whatever the body
// says, and Retry-After is named.
func TestStatusBeforeBody(t *testing.T) {
	answer := func(status int, retryAfter, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}
	}
	healthy := fixture.HealthyBody
	for _, tc := range []struct {
		name  string
		h     http.HandlerFunc
		forms bool
		says  string
	}{
		{"health 429 with a healthy body", answer(429, "30", healthy), false, "Creatio answered HTTP 429 Too Many Requests (Retry-After: 30) although HasProblem is false"},
		{"health 408 with a healthy body", answer(408, "", healthy), false, "HTTP 408 Request Timeout"},
		{"health 503 with a healthy body", answer(503, "120", healthy), false, "(Retry-After: 120)"},
		{"health 429 without JSON", answer(429, "5", "slow down"), false, "Creatio answered HTTP 429 Too Many Requests (Retry-After: 5), not the OAuth health JSON"},
		{"login 429", answer(429, "60", `{"Code":0}`), true, "Creatio answered HTTP 429 Too Many Requests (Retry-After: 60) to the login"},
		{"login 503 with Code 1", answer(503, "", `{"Code":1,"Message":"wrong password"}`), true, "Creatio answered HTTP 503 Service Unavailable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, web.ClientConfig{})
			base := mustURL(t, serve(t, tc.h).URL)
			e := &Endpoint{Client: c, Base: base, Runtime: RuntimeNet, Policy: testPolicy}
			if tc.forms {
				e.Auth = &FormsLogin{Base: base, User: fixture.User, Password: fixture.Password}
			}
			r := e.Run(runCtx(t, 5*time.Second))
			if r.State != plugin.Critical || !strings.Contains(r.Summary, tc.says) {
				t.Errorf("%v %q, want CRITICAL %q", r.State, r.Summary, tc.says)
			}
		})
	}
}

// A --url pasted as Creatio's documentation prints the endpoint is taken
// apart: the base URL and the runtime its path names.
func TestSplitEndpointURL(t *testing.T) {
	for _, tc := range []struct {
		in, base string
		rt       Runtime
		ok       bool
	}{
		{"https://crm.example/0/api/OAuthHealthCheck", "https://crm.example", RuntimeNetFx, true},
		{"https://crm.example/api/OAuthHealthCheck", "https://crm.example", RuntimeNet, true},
		{"https://crm.example/creatio/0/api/oauthhealthcheck/", "https://crm.example/creatio", RuntimeNetFx, true},
		{"https://crm.example/creatio", "https://crm.example/creatio", "", false},
		{"https://crm.example/0/api/Other", "https://crm.example/0/api/Other", "", false},
	} {
		base, rt, ok := SplitEndpointURL(mustURL(t, tc.in))
		if base.String() != tc.base || rt != tc.rt || ok != tc.ok {
			t.Errorf("%s: %s %q %t, want %s %q %t", tc.in, base, rt, ok, tc.base, tc.rt, tc.ok)
		}
	}
}
