// Package creatio is Creatio itself as the plugin meets it: the
// OAuthHealthCheck endpoint and its JSON (Endpoint, parseHealth), the
// logins that reach it (the forms login with its logout, the plugin's own
// OAuth client, a ready Bearer token) and their credential cache. It turns
// Creatio's answer into a report in Creatio's own words; the Identity
// Service's verdicts come from package identity and are reported, not
// judged again. It imports identity, web, cache, report, redact and plugin,
// never the modes above it (package check).
package creatio
