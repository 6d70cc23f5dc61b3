package cli

import "runtime/debug"

// version is stamped by the Makefile: -ldflags "-X check_creatio_oauth/internal/cli.version=…".
var version = "dev"

// buildVersion is the stamped version, or the module version of a go install.
func buildVersion() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return version
}

// helpTitle is the first line of --help.
func helpTitle() string {
	return "check_creatio_oauth " + buildVersion() + " - checks Creatio's OAuth 2.0 health"
}

// description is the long description of --help and the DESCRIPTION of the
// man page.
const description = `check_creatio_oauth checks the OAuth 2.0 health of Creatio: are the OAuth system settings filled in, is the Identity Service available, can an access token for system actions be retrieved?

In endpoint mode (the default) it calls Creatio's own health endpoint, {url}/0/api/OAuthHealthCheck (Creatio 8.1.2 and later on .NET Framework) or {url}/api/OAuthHealthCheck (8.3.2 and later on .NET 8), logging in to Creatio first when the site needs it (--user, or --client-id with --identity-url); the session or token is kept in a credential cache and reused by the next checks for up to --cache-max-age (--no-cache: a login and, for a forms session, a Logout on every check). In direct mode it runs the same three checks from this host against the Creatio Identity Service, with the values of Creatio's system settings, so it also works for older Creatio versions (without the endpoint) and while Creatio itself is down. --mode both runs both and says when the Identity Service answers this host but not Creatio.`
