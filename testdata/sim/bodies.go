package sim

import (
	"encoding/json"
	"strings"
)

// Documented Message strings of the health endpoint, copied verbatim from
// Creatio's "OAuth health monitoring" documentation.
const (
	// MessageSettingsEmpty is the Message when all three OAuth system
	// settings are empty.
	MessageSettingsEmpty = "System settings OAuth20IdentityServerUrl, OAuth20IdentityServerClientId, OAuth20IdentityServerClientSecret are empty."
	// MessageSettingURLEmpty is the Message when one system setting (here
	// OAuth20IdentityServerUrl) is empty.
	MessageSettingURLEmpty = "System setting OAuth20IdentityServerUrl is empty."
	// MessageIdentityUnavailable is the Message when Creatio cannot reach
	// the Identity Service.
	MessageIdentityUnavailable = "IdentityService specified in system setting OAuth20IdentityServerUrl is unavailable."
	// MessageTokenUnretrievable is the Message when Creatio gets no token
	// for system actions.
	MessageTokenUnretrievable = "Can't retrieve access_token for system actions from IdentityService specified in system settings OAuth20IdentityServerUrl using client_id and client_secret specified in system settings OAuth20IdentityServerClientId & OAuth20IdentityServerClientSecret."
)

// MessageHostile is the Message of the message-hostile scenario: it holds
// the perfdata separator '|', a newline, a tab, non-ASCII text and a NUL.
const MessageHostile = "Check failed | 'time'=1s;;;\nsecond line\tafter a tab: Überprüfung fehlgeschlagen ✗ \x00 after NUL"

// MessageLongLen is the length in characters (all ASCII) of the Message of
// the message-long scenario.
const MessageLongLen = 5000

// Bodies of the health endpoint. Creatio writes compact JSON; the
// documentation shows the same fields pretty-printed.
const (
	// BodyOK is the documented healthy body (status 200).
	BodyOK = `{"HasProblem":false,"IsSystemSettingsFilledIn":true,"IsIdentityServiceAvailable":true,"IsAccessTokenRetrievableForSystemActions":true}`
	// BodySettingsEmpty is the documented body for empty system settings (status 500).
	BodySettingsEmpty = `{"HasProblem":true,"IsSystemSettingsFilledIn":false,"IsIdentityServiceAvailable":false,"IsAccessTokenRetrievableForSystemActions":false,"Message":"` + MessageSettingsEmpty + `"}`
	// BodySettingURLEmpty is the documented body for one empty system setting (status 500).
	BodySettingURLEmpty = `{"HasProblem":true,"IsSystemSettingsFilledIn":false,"IsIdentityServiceAvailable":false,"IsAccessTokenRetrievableForSystemActions":false,"Message":"` + MessageSettingURLEmpty + `"}`
	// BodyIdentityUnavailable is the documented body for an unreachable Identity Service (status 500).
	BodyIdentityUnavailable = `{"HasProblem":true,"IsSystemSettingsFilledIn":true,"IsIdentityServiceAvailable":false,"IsAccessTokenRetrievableForSystemActions":false,"Message":"` + MessageIdentityUnavailable + `"}`
	// BodyTokenUnretrievable is the documented body for a failed token request (status 500).
	BodyTokenUnretrievable = `{"HasProblem":true,"IsSystemSettingsFilledIn":true,"IsIdentityServiceAvailable":true,"IsAccessTokenRetrievableForSystemActions":false,"Message":"` + MessageTokenUnretrievable + `"}`

	bodyOKExtra          = `{"HasProblem":false,"IsSystemSettingsFilledIn":true,"IsIdentityServiceAvailable":true,"IsAccessTokenRetrievableForSystemActions":true,"IsDefaultResourceRegistered":true,"Diagnostics":{"ElapsedMs":12,"Checks":["settings","identity","token"]},"Message":""}`
	bodyDefaultResource  = `{"HasProblem":true,"IsSystemSettingsFilledIn":true,"IsIdentityServiceAvailable":true,"IsAccessTokenRetrievableForSystemActions":true,"IsDefaultResourceRegistered":false}`
	bodyProblemNoMessage = `{"HasProblem":true,"IsSystemSettingsFilledIn":true,"IsIdentityServiceAvailable":true,"IsAccessTokenRetrievableForSystemActions":true}`
	bodyFlagFalse        = `{"HasProblem":false,"IsSystemSettingsFilledIn":true,"IsIdentityServiceAvailable":false,"IsAccessTokenRetrievableForSystemActions":true}`
	bodyInvalidJSON      = `{"HasProblem":fal`
	bodyWrongType        = `{"HasProblem":"false","IsSystemSettingsFilledIn":true,"IsIdentityServiceAvailable":true,"IsAccessTokenRetrievableForSystemActions":true}`
	bodyMissingKey       = `{"IsSystemSettingsFilledIn":true,"IsIdentityServiceAvailable":true,"IsAccessTokenRetrievableForSystemActions":true}`
	bodyNotObject        = `[]`
)

// hugeBodySize is the exact size of the huge-body answer: 3 MiB.
const hugeBodySize = 3 << 20

// healthStatus is a health body with a Message, in Creatio's field order.
type healthStatus struct {
	HasProblem                               bool
	IsSystemSettingsFilledIn                 bool
	IsIdentityServiceAvailable               bool
	IsAccessTokenRetrievableForSystemActions bool
	Message                                  string
}

func problemBody(msg string) string {
	b, err := json.Marshal(healthStatus{
		HasProblem:               true,
		IsSystemSettingsFilledIn: true,
		Message:                  msg,
	})
	if err != nil {
		panic(err) // cannot happen for this struct
	}
	return string(b)
}

// bodyMessageHostile and bodyMessageLong are built once; json.Marshal
// escapes the NUL as \u0000 and keeps the rest as UTF-8.
var (
	bodyMessageHostile = problemBody(MessageHostile)
	bodyMessageLong    = problemBody(longMessage())
)

func longMessage() string {
	const chunk = "IdentityService specified in system setting OAuth20IdentityServerUrl is unavailable. "
	s := strings.Repeat(chunk, MessageLongLen/len(chunk)+1)
	return s[:MessageLongLen]
}

// Login answers of AuthService.svc/Login.
const (
	bodyLoginOK     = `{"Code":0,"Message":"","Exception":null,"PasswordChangeUrl":null,"RedirectUrl":null}`
	bodyLoginFailed = `{"Code":1,"Message":"Either username or password is not correct","Exception":null,"PasswordChangeUrl":null,"RedirectUrl":null}`
)

// HTML and text pages. They imitate IIS, ASP.NET and Creatio's pages closely
// enough for content sniffing; they are not copies.
const (
	htmlObjectMoved = `<html><head><title>Object moved</title></head><body>
<h2>Object moved to <a href="%s">here</a>.</h2>
</body></html>
`

	htmlNuiLogin = `<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" /><title>Creatio</title>
<link rel="stylesheet" type="text/css" href="../Resources/ui-login.css" /></head>
<body class="login-page">
<form method="post" action="./NuiLogin.aspx%s" id="form1">
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKLTM1NjY0NDg1OGRk" />
<div class="login-container">
<label for="loginEdit-el">Login</label><input id="loginEdit-el" name="loginEdit" type="text" autocomplete="username" />
<label for="passwordEdit-el">Password</label><input id="passwordEdit-el" name="passwordEdit" type="password" autocomplete="current-password" />
<button id="t-comp18-textEl" type="submit">Log in</button>
</div>
<script type="text/javascript" src="../Resources/login.js"></script>
</form>
</body>
</html>
`

	htmlLoginShell = `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8" />
<title>Creatio</title>
<base href="../" />
<script src="core/requirejs/require.js"></script>
<script src="core/bootstrap.js" data-loadbootstrap="bootstrap.login"></script>
</head>
<body><noscript>JavaScript is required to log in to Creatio.</noscript></body>
</html>
`

	htmlNotFound = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/><title>404 - File or directory not found.</title></head>
<body><div id="header"><h1>Server Error</h1></div>
<div id="content"><div class="content-container"><fieldset>
<h2>404 - File or directory not found.</h2>
<h3>The resource you are looking for might have been removed, had its name changed, or is temporarily unavailable.</h3>
</fieldset></div></div>
</body>
</html>
`

	htmlForbidden = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/><title>403 - Forbidden: Access is denied.</title></head>
<body><div id="header"><h1>Server Error</h1></div>
<div id="content"><div class="content-container"><fieldset>
<h2>403 - Forbidden: Access is denied.</h2>
<h3>You do not have permission to view this directory or page using the credentials that you supplied.</h3>
</fieldset></div></div>
</body>
</html>
`

	htmlServerError = `<!DOCTYPE html>
<html>
<head><title>Runtime Error</title></head>
<body bgcolor="white">
<span><H1>Server Error in '/' Application.<hr width=100% size=1 color=silver></H1>
<h2> <i>Runtime Error</i> </h2></span>
<b> Description: </b>An application error occurred on the server. The current custom error settings for this application prevent the details of the application error from being viewed remotely (for security reasons).
</body>
</html>
`

	textServiceUnavailable = "Service Unavailable"
)
