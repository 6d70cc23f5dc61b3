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

// UTF8BOM is the UTF-8 encoding of the byte order mark U+FEFF, the bytes
// EF BB BF that .NET's UTF-8 writers put before a body unless told not to.
// The ok-bom, problem-bom and forms-bom scenarios and the bom Identity
// Service variant start their bodies with it.
const UTF8BOM = "\uFEFF"

// Health bodies as ASP.NET Core's System.Text.Json writes them by default
// (JsonSerializerDefaults.Web): camelCase names, and a null Message is
// written as "message":null rather than left out.
const (
	// BodyOKCamel is the healthy body in camelCase (the ok-camel scenario).
	BodyOKCamel = `{"hasProblem":false,"isSystemSettingsFilledIn":true,"isIdentityServiceAvailable":true,"isAccessTokenRetrievableForSystemActions":true,"message":null}`
	// BodyIdentityUnavailableCamel is the identity-unavailable body in
	// camelCase with the documented Message (the problem-camel scenario).
	BodyIdentityUnavailableCamel = `{"hasProblem":true,"isSystemSettingsFilledIn":true,"isIdentityServiceAvailable":false,"isAccessTokenRetrievableForSystemActions":false,"message":"` + MessageIdentityUnavailable + `"}`
)

// NginxBadGatewayPage is nginx's built-in 502 page, byte for byte as nginx
// sends it (CRLF line ends, "nginx" without a version when server_tokens is
// off). The bad-gateway scenario answers every request with it.
const NginxBadGatewayPage = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

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

	// htmlHTTPSys503 is the page HTTP.sys (the kernel part of IIS) sends
	// with "Server: Microsoft-HTTPAPI/2.0" when the application pool
	// behind a site is stopped; the line ends are CRLF.
	htmlHTTPSys503 = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"\"http://www.w3.org/TR/html4/strict.dtd\">\r\n" +
		"<HTML><HEAD><TITLE>Service Unavailable</TITLE>\r\n" +
		"<META HTTP-EQUIV=\"Content-Type\" Content=\"text/html; charset=us-ascii\"></HEAD>\r\n" +
		"<BODY><h2>Service Unavailable</h2>\r\n" +
		"<hr><p>HTTP Error 503. The service is unavailable.</p>\r\n" +
		"</BODY></HTML>\r\n"

	// htmlYellowScreen is an ASP.NET "yellow screen of death" for an
	// unhandled exception. %[1]s is the exception message HTML-encoded,
	// %[2]s the same message as the trailing HTML comment carries it,
	// not encoded.
	htmlYellowScreen = `<!DOCTYPE html>
<html>
    <head>
        <title>%[1]s</title>
        <meta name="viewport" content="width=device-width" />
    </head>
    <body bgcolor="white">
            <span><H1>Server Error in '/' Application.<hr width=100%% size=1 color=silver></H1>
            <h2> <i>%[1]s</i> </h2></span>
            <font face="Arial, Helvetica, Geneva, SunSans-Regular, sans-serif ">
            <b> Description: </b>An unhandled exception occurred during the execution of the current web request. Please review the stack trace for more information about the error and where it originated in the code.
            <br><br>
            <b> Exception Details: </b>System.InvalidOperationException: %[1]s<br><br>
            <b>Stack Trace:</b> <br><br>
            <table width=100%% bgcolor="#ffffcc">
               <tr>
                  <td>
                      <code><pre>
[InvalidOperationException: %[1]s]
   Terrasoft.IdentityService.Validation.ClientSecretValidator.ValidateAsync(HttpContext context) +412
   Terrasoft.IdentityService.Endpoints.TokenEndpoint.ProcessAsync(HttpContext context) +209
</pre></code>
                  </td>
               </tr>
            </table>
            <br>
            <hr width=100%% size=1 color=silver>
            <b>Version Information:</b>&nbsp;Microsoft .NET Framework Version:4.0.30319; ASP.NET Version:4.8.4645.0
            </font>
    </body>
</html>
<!-- 
[InvalidOperationException]: %[2]s
   at Terrasoft.IdentityService.Validation.ClientSecretValidator.ValidateAsync(HttpContext context)
   at Terrasoft.IdentityService.Endpoints.TokenEndpoint.ProcessAsync(HttpContext context)
-->
`

	// htmlSquidError is a Squid error page. %[1]s is the error code (e.g.
	// ERR_CACHE_ACCESS_DENIED), %[2]s the heading, %[3]s the URL asked for,
	// %[4]s the explanation in HTML; the values are HTML-encoded by the
	// caller.
	htmlSquidError = `<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">
<html><head>
<meta type="copyright" content="Copyright (C) 1996-2023 The Squid Software Foundation and contributors">
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>ERROR: %[2]s</title>
</head><body id="%[1]s">
<div id="titles">
<h1>ERROR</h1>
<h2>%[2]s</h2>
</div>
<hr>

<div id="content">
<p>The following error was encountered while trying to retrieve the URL: <a href="%[3]s">%[3]s</a></p>

%[4]s

<p>Your cache administrator is <a href="mailto:webmaster?subject=CacheErrorInfo%%20-%%20%[1]s">webmaster</a>.</p>
<br>
</div>

<hr>
<div id="footer">
<p>Generated by corp-proxy (squid)</p>
<!-- %[1]s -->
</div>
</body></html>
`

	// squidAccessDenied and squidConnectFail are the explanations of
	// Squid's ERR_CACHE_ACCESS_DENIED and ERR_CONNECT_FAIL pages.
	squidAccessDenied = `<blockquote id="error">
<p><b>Cache Access Denied.</b></p>
</blockquote>

<p>Sorry, you are not currently allowed to request the URL from this cache until you have authenticated yourself.</p>

<p>Please contact the cache administrator if you have difficulties authenticating yourself.</p>`
	squidConnectFail = `<blockquote id="error">
<p><b>Connection to the upstream server failed.</b></p>
</blockquote>

<p id="sysmsg">The system returned: <i>(111) Connection refused</i></p>

<p>The remote host or network may be down. Please try the request again.</p>`
	squidInvalidURL = `<blockquote id="error">
<p><b>Invalid URL</b></p>
</blockquote>

<p>Some aspect of the requested URL is incorrect. This proxy only accepts absolute URLs and CONNECT.</p>`
)
