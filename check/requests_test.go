package check

import (
	"slices"
	"strings"
	"testing"
	"time"

	"check_creatio_oauth/check/creatio"
	"check_creatio_oauth/check/identity"
	"check_creatio_oauth/check/internal/checktest"
	"check_creatio_oauth/check/web"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
)

// Every request of every mode and login carries the plugin's User-Agent:
// the login, the health requests on both runtime paths, the logout, the
// discovery and the token request.
func TestUserAgentOnEveryRequest(t *testing.T) {
	st := newStand(t)
	rec := &checktest.Seen{}
	creatioSrv := serve(t, rec.Wrap(st.Creatio))
	idSrv := serve(t, rec.Wrap(st.Identity))
	c := newClient(t, web.ClientConfig{})
	id := identity.Identity{Client: c, URL: mustURL(t, idSrv.URL+"/ok"), ClientID: fixture.Client, Secret: fixture.Secret}
	ctx := runCtx(t, 5*time.Second)
	formsBase := mustURL(t, creatioSrv.URL+"/forms-net")
	for _, run := range []Runner{
		&creatio.Endpoint{Client: c, Base: formsBase, Auth: &creatio.FormsLogin{Base: formsBase, User: fixture.User, Password: fixture.Password}, Policy: testPolicy},
		&creatio.Endpoint{Client: c, Base: mustURL(t, creatioSrv.URL+"/bearer"), Auth: &creatio.OAuthLogin{Identity: id}, Policy: testPolicy},
		&Both{Endpoint: &creatio.Endpoint{Client: c, Base: mustURL(t, creatioSrv.URL+"/ok"), Policy: testPolicy}, Direct: &Direct{Identity: id, Policy: directPolicy}},
	} {
		if r := run.Run(ctx); r.State != plugin.OK {
			t.Fatalf("%T: %v %s", run, r.State, r.Summary)
		}
	}
	var got []string
	for _, r := range rec.List() {
		if r.UserAgent != "check_creatio_oauth/"+testVersion {
			t.Errorf("%s %s came with User-Agent %q", r.Method, r.Path, r.UserAgent)
		}
		got = append(got, r.Method+" "+r.Path)
	}
	for _, want := range []string{
		"POST /forms-net/ServiceModel/AuthService.svc/Login",
		"GET /forms-net/0/api/OAuthHealthCheck",
		"GET /forms-net/api/OAuthHealthCheck",
		"POST /forms-net/ServiceModel/AuthService.svc/Logout",
		"GET /ok/.well-known/openid-configuration",
		"POST /ok/connect/token",
		"GET /bearer/0/api/OAuthHealthCheck",
		"GET /ok/0/api/OAuthHealthCheck",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("no %s among the requests %q", want, got)
		}
	}
}

// -vvv traces every request and answer, the token request like the others,
// with every secret hidden: passwords, client secrets, tokens, session
// cookies, the CSRF header and the queries of Location headers.
func TestTrace(t *testing.T) {
	st := newStand(t)
	var trace web.Trace
	c := newClient(t, web.ClientConfig{Debug: trace.Printf})
	c.Secrets().Add(fixture.Password)
	c.Secrets().Add(fixture.Secret)
	ctx := runCtx(t, 5*time.Second)
	id := identity.Identity{Client: c, URL: variant(t, st, "ok"), ClientID: fixture.Client, Secret: fixture.Secret}
	forms := scenario(t, st, "forms")
	for _, run := range []Runner{
		&creatio.Endpoint{Client: c, Base: forms, Runtime: creatio.RuntimeNetFx, Auth: &creatio.FormsLogin{Base: forms, User: fixture.User, Password: fixture.Password}, Policy: testPolicy},
		&creatio.Endpoint{Client: c, Base: scenario(t, st, "bearer"), Runtime: creatio.RuntimeNetFx, Auth: &creatio.OAuthLogin{Identity: id}, Policy: testPolicy},
		&creatio.Endpoint{Client: c, Base: scenario(t, st, "login-redirect"), Runtime: creatio.RuntimeNetFx, Policy: testPolicy},
		&Direct{Identity: identity.Identity{Client: c, URL: variant(t, st, "echo"), ClientID: fixture.Client, Secret: fixture.Secret}, Policy: directPolicy},
	} {
		run.Run(ctx)
	}
	if _, err := c.Get(ctx, mustURL(t, st.C.URL+"/ok/0/api/OAuthHealthCheck?access_token=tok-sEcReT#frag")); err != nil {
		t.Fatal(err)
	}
	out := strings.Join(trace.Lines(), "\n")
	idp, cre := st.ID.URL, st.C.URL
	for _, want := range []string{
		"> POST " + cre + "/forms/ServiceModel/AuthService.svc/Login",
		"> Forceusesession: true",
		"< 200 OK from " + cre + "/forms/ServiceModel/AuthService.svc/Login, ",
		"< Set-Cookie: [redacted]",
		"> Bpmcsrf: [redacted]",
		"> POST " + cre + "/forms/ServiceModel/AuthService.svc/Logout",
		"> GET " + idp + "/ok/.well-known/openid-configuration",
		"> POST " + idp + "/ok/connect/token",
		"> Content-Type: application/x-www-form-urlencoded",
		"> (form: grant_type=client_credentials, client_id=monitoring, client_secret=[redacted])",
		"< 200 OK from " + idp + "/ok/connect/token, ",
		`< token: token_type "Bearer", expires_in 3600, JWT true`,
		"> Authorization: [redacted]",
		"> User-Agent: check_creatio_oauth/" + testVersion,
		"< Location: /login-redirect/Login/NuiLogin.aspx?…",
		"> POST " + idp + "/echo/connect/token",
		"< 400 Bad Request from " + idp + "/echo/connect/token",
		"> GET " + cre + "/ok/0/api/OAuthHealthCheck?…\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the trace lacks %q", want)
		}
	}
	if what := leaked(out, standSecrets...); what != "" {
		t.Errorf("the trace shows %s:\n%s", what, out)
	}
	for _, ck := range st.Cookies() {
		if strings.Contains(out, ck) {
			t.Errorf("the trace shows the session cookie %q", ck)
		}
	}
	if strings.Contains(out, "ReturnUrl") {
		t.Error("the trace shows the query of a Location")
	}
	if t.Failed() {
		t.Logf("the trace:\n%s", out)
	}
}
