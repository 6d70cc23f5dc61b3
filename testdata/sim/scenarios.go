package sim

// Runtime names used in [Scenario.Runtime].
const (
	// RuntimeNetFramework is Creatio on .NET Framework (IIS): the health
	// endpoint is {base}/0/api/OAuthHealthCheck and the login page is
	// {base}/Login/NuiLogin.aspx.
	RuntimeNetFramework = "netfx"
	// RuntimeNet is Creatio on .NET (Core, 6, 8): the health endpoint is
	// {base}/api/OAuthHealthCheck and the login page is {base}/Login/Login.html.
	RuntimeNet = "net"
)

// Scenario describes one behaviour of the simulated Creatio. Its Creatio base
// URL is {server}/{Name}.
type Scenario struct {
	// Name is the first path element that selects the scenario.
	Name string
	// Description says in one line what the health endpoint answers.
	Description string
	// Want is the exit code (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) that
	// check_creatio_oauth should return for the scenario with default
	// options and, for the forms and bearer scenarios, valid credentials.
	Want int
	// Runtime is RuntimeNetFramework ("netfx") or RuntimeNet ("net"); it
	// selects the URL layout.
	Runtime string
	// Auth is the authentication the health endpoint demands: empty for
	// none, [AuthForms] for a forms login session or [AuthBearer] for a
	// bearer token from the Identity Service.
	Auth string
}

// Values of [Scenario.Auth].
const (
	// AuthForms means the health endpoint needs the .ASPXAUTH cookie of a
	// live session from AuthService.svc/Login and the matching BPMCSRF
	// header; without them it redirects to the login page like the forms
	// scenario.
	AuthForms = "forms"
	// AuthBearer means the health endpoint needs Authorization: Bearer with
	// a valid token (see CreatioConfig.ValidateToken).
	AuthBearer = "bearer"
)

// HealthPath returns the path of the scenario's OAuth health endpoint on the
// simulator, including the scenario prefix, for example
// "/ok/0/api/OAuthHealthCheck" or "/ok-net/api/OAuthHealthCheck".
func (s Scenario) HealthPath() string {
	return "/" + s.Name + healthSuffix(s.Runtime)
}

// LoginPagePath returns the path of the runtime's login page for the
// scenario, for example "/ok/Login/NuiLogin.aspx" or "/ok-net/Login/Login.html".
func (s Scenario) LoginPagePath() string {
	return "/" + s.Name + loginPageSuffix(s.Runtime)
}

// AuthServicePath is the forms-login service path below a Creatio base URL.
// It has no "/0" prefix on either runtime.
const AuthServicePath = "/ServiceModel/AuthService.svc/Login"

// LogoutPath is the forms-logout service path below a Creatio base URL. Like
// [AuthServicePath] it has no "/0" prefix on either runtime. A POST with the
// .ASPXAUTH cookie of a live session and its BPMCSRF header ends the session
// and answers 200 with an empty body (the service method returns nothing)
// and Set-Cookie headers that expire .ASPXAUTH, BPMLOADER and BPMCSRF; any
// other POST answers 401 text/plain and ends nothing, other methods 405.
const LogoutPath = "/ServiceModel/AuthService.svc/Logout"

const (
	healthNetFx    = "/0/api/OAuthHealthCheck"
	healthNet      = "/api/OAuthHealthCheck"
	loginPageNetFx = "/Login/NuiLogin.aspx"
	loginPageNet   = "/Login/Login.html"
)

func healthSuffix(runtime string) string {
	if runtime == RuntimeNet {
		return healthNet
	}
	return healthNetFx
}

func loginPageSuffix(runtime string) string {
	if runtime == RuntimeNet {
		return loginPageNet
	}
	return loginPageNetFx
}

// Scenarios lists every scenario of the simulated Creatio in demo order:
// healthy first, then the documented failures, transport and HTTP trouble,
// authentication walls, malformed answers, redirects, and last the scenarios
// that need a login.
var Scenarios = []Scenario{
	{Name: "ok", Runtime: RuntimeNetFramework, Want: 0,
		Description: "200, documented healthy body (.NET Framework layout)"},
	{Name: "ok-net", Runtime: RuntimeNet, Want: 0,
		Description: "200, documented healthy body (.NET layout, no /0)"},
	{Name: "ok-extra", Runtime: RuntimeNetFramework, Want: 0,
		Description: `200, healthy body plus IsDefaultResourceRegistered:true, an unknown field and "Message":""`},
	{Name: "gzip-ok", Runtime: RuntimeNetFramework, Want: 0,
		Description: "200, healthy body sent with Content-Encoding: gzip (always, whatever Accept-Encoding says)"},
	{Name: "ok-bom", Runtime: RuntimeNetFramework, Want: 0,
		Description: "200, a UTF-8 byte order mark (EF BB BF) and then the documented healthy body"},
	{Name: "ok-camel", Runtime: RuntimeNet, Want: 0,
		Description: `200, healthy body in ASP.NET Core's default camelCase (hasProblem, ..., "message":null) (.NET layout)`},
	{Name: "slow", Runtime: RuntimeNetFramework, Want: 0,
		Description: "healthy body after a delay (CreatioConfig.SlowDelay, the simulator's -slow-delay: 2 s unless set); OK unless a time threshold or the timeout is lower"},
	{Name: "redirect-same-host", Runtime: RuntimeNetFramework, Want: 0,
		Description: "302 to the ok scenario's health endpoint on the same host"},
	{Name: "settings-empty", Runtime: RuntimeNetFramework, Want: 2,
		Description: "500, documented body: all three OAuth system settings are empty"},
	{Name: "setting-url-empty", Runtime: RuntimeNetFramework, Want: 2,
		Description: "500, documented body: system setting OAuth20IdentityServerUrl is empty"},
	{Name: "identity-unavailable", Runtime: RuntimeNetFramework, Want: 2,
		Description: "500, documented body: the Identity Service is unavailable"},
	{Name: "token-unretrievable", Runtime: RuntimeNetFramework, Want: 2,
		Description: "500, documented body: no access_token for system actions"},
	{Name: "problem-bom", Runtime: RuntimeNetFramework, Want: 2,
		Description: "500, a UTF-8 byte order mark and then the documented identity-unavailable body"},
	{Name: "problem-camel", Runtime: RuntimeNet, Want: 2,
		Description: "500, identity-unavailable body in camelCase with the documented message (.NET layout)"},
	{Name: "healthy-500", Runtime: RuntimeNetFramework, Want: 2,
		Description: "500 whose body is the documented healthy body (HasProblem false, all three flags true)"},
	{Name: "default-resource", Runtime: RuntimeNetFramework, Want: 2,
		Description: "500, HasProblem true, all three flags true, IsDefaultResourceRegistered false, no Message"},
	{Name: "problem-no-message", Runtime: RuntimeNetFramework, Want: 2,
		Description: "500, HasProblem true, all three flags true, no Message, no IsDefaultResourceRegistered"},
	{Name: "flag-false-no-problem", Runtime: RuntimeNetFramework, Want: 2,
		Description: "200, HasProblem false but IsIdentityServiceAvailable false"},
	{Name: "message-hostile", Runtime: RuntimeNetFramework, Want: 2,
		Description: "500, Message with '|', newline, tab, non-ASCII text and a NUL"},
	{Name: "message-long", Runtime: RuntimeNetFramework, Want: 2,
		Description: "500, Message of 5000 characters"},
	{Name: "html-500", Runtime: RuntimeNetFramework, Want: 2,
		Description: "500, text/html ASP.NET error page"},
	{Name: "unavailable-503", Runtime: RuntimeNetFramework, Want: 2,
		Description: "503, text/plain Service Unavailable"},
	{Name: "bad-gateway", Runtime: RuntimeNetFramework, Want: 2,
		Description: "nginx in front of a dead Creatio: every path (health, login, logout, login page) answers 502 text/html, Server: nginx"},
	{Name: "hang", Runtime: RuntimeNetFramework, Want: 2,
		Description: "never answers until the client gives up (timeout; CRITICAL with the default timeout state)"},
	{Name: "conn-reset", Runtime: RuntimeNetFramework, Want: 2,
		Description: "closes the connection without an HTTP response"},
	{Name: "login-redirect", Runtime: RuntimeNetFramework, Want: 3,
		Description: `302 to /{scenario}/Login/NuiLogin.aspx?ReturnUrl=... (path-absolute) with an IIS "Object moved" body`},
	{Name: "login-redirect-net", Runtime: RuntimeNet, Want: 3,
		Description: "302 to an absolute {base}/Login/Login.html?ReturnUrl=... URL, empty body (.NET layout)"},
	{Name: "login-page", Runtime: RuntimeNetFramework, Want: 3,
		Description: "200, text/html login page instead of JSON"},
	{Name: "unauthorized", Runtime: RuntimeNetFramework, Want: 3,
		Description: "401 with WWW-Authenticate: Bearer"},
	{Name: "forbidden", Runtime: RuntimeNetFramework, Want: 3,
		Description: "403, text/html"},
	{Name: "not-found", Runtime: RuntimeNetFramework, Want: 3,
		Description: "404 text/html on both layouts (Creatio older than 8.1.2, or the wrong runtime)"},
	{Name: "invalid-json", Runtime: RuntimeNetFramework, Want: 2,
		Description: `200, truncated JSON {"HasProblem":fal`},
	{Name: "empty-body", Runtime: RuntimeNetFramework, Want: 2,
		Description: "200, empty body"},
	{Name: "wrong-type", Runtime: RuntimeNetFramework, Want: 2,
		Description: `200, "HasProblem":"false" as a string`},
	{Name: "missing-key", Runtime: RuntimeNetFramework, Want: 2,
		Description: "200, JSON object without HasProblem"},
	{Name: "not-object", Runtime: RuntimeNetFramework, Want: 2,
		Description: "200, JSON array []"},
	{Name: "huge-body", Runtime: RuntimeNetFramework, Want: 2,
		Description: "200, valid-looking JSON of 3 MiB, streamed without Content-Length"},
	{Name: "redirect-other-host", Runtime: RuntimeNetFramework, Want: 3,
		Description: "302 to the ok scenario under another host name (127.0.0.1 <-> localhost)"},
	{Name: "redirect-loop", Runtime: RuntimeNetFramework, Want: 2,
		Description: "302 to itself"},
	{Name: "forms", Runtime: RuntimeNetFramework, Want: 0, Auth: AuthForms,
		Description: "needs a forms login (AuthService.svc, .ASPXAUTH cookie, BPMCSRF header); else 302 to NuiLogin.aspx"},
	{Name: "forms-net", Runtime: RuntimeNet, Want: 0, Auth: AuthForms,
		Description: "needs a forms login (.NET layout); else 302 to Login.html"},
	{Name: "forms-problem", Runtime: RuntimeNetFramework, Want: 2, Auth: AuthForms,
		Description: "needs a forms login like forms; then 500, documented identity-unavailable body"},
	{Name: "forms-html-500", Runtime: RuntimeNetFramework, Want: 2, Auth: AuthForms,
		Description: "needs a forms login like forms; then 500, text/html ASP.NET error page"},
	{Name: "forms-hang", Runtime: RuntimeNetFramework, Want: 2, Auth: AuthForms,
		Description: "needs a forms login like forms; then the health request never answers until the client gives up"},
	{Name: "forms-bom", Runtime: RuntimeNet, Want: 0, Auth: AuthForms,
		Description: "needs a forms login (.NET layout); the login answer and the healthy body start with a UTF-8 byte order mark"},
	{Name: "forms-secure", Runtime: RuntimeNetFramework, Want: 0, Auth: AuthForms,
		Description: "forms login whose .ASPXAUTH, BPMLOADER and BPMCSRF cookies are Secure: a cookie jar returns them over https or to a loopback host, not over http to another name"},
	{Name: "bearer", Runtime: RuntimeNetFramework, Want: 0, Auth: AuthBearer,
		Description: "needs Authorization: Bearer <token> from the Identity Service; 401 without or with a bad token, 403 without permission"},
}

// Lookup returns the scenario called name.
func Lookup(name string) (Scenario, bool) {
	for _, s := range Scenarios {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}
