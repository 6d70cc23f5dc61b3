// Package sim simulates the two servers that check_creatio_oauth talks to,
// and a proxy between them and the plugin, for tests and demos:
//
//   - [NewCreatio] returns a fake Creatio web application. The first path
//     element of a request selects a [Scenario], so the Creatio base URL of
//     scenario S is {server}/S, for example http://127.0.0.1:8080/ok. The
//     scenario decides what the OAuth health endpoint
//     ({base}/0/api/OAuthHealthCheck on .NET Framework, {base}/api/OAuthHealthCheck
//     on .NET) answers, and whether a forms login or a bearer token is needed.
//     Every scenario but bad-gateway serves AuthService.svc/Login and
//     Logout; the Creatio counts the sessions they start and end
//     ([Creatio.LiveSessions], [Creatio.Logins], [Creatio.Logouts]), so a
//     test can prove that a client logs out.
//   - [NewIdentity] returns a fake Creatio Identity Service built on the
//     go-oauth2 server library. The first path element selects an
//     [IdentityVariant], so the Identity Service URL of variant V is
//     {server}/V. Every variant serves the OpenID discovery document and the
//     client_credentials token endpoint, each of them broken in its own way.
//   - [NewProxy] returns a forward HTTP proxy (absolute-URI requests and
//     CONNECT tunnels) that maps test host names to loopback addresses, or
//     one that refuses every request the way Squid does ([ProxyMode]).
//
// The JSON bodies and Message strings of the health endpoint are copied from
// Creatio's "OAuth health monitoring" documentation (Creatio 8.1.2 and later).
// What the simulator does beyond that (the login redirects, the cookies, the
// CSRF check) follows the behaviour of Creatio's own clients (creatioclient,
// clio) and is a model, not a recording of a real server.
//
// The package lives under testdata/ so that "go test ./..." and "go build
// ./..." of the plugin skip it; build and test it by naming it explicitly.
package sim
