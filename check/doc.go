// Package check runs one check of Creatio's OAuth health and returns its
// report: Endpoint (package creatio) asks Creatio's OAuthHealthCheck, Direct
// runs Creatio's three checks from this host against the Identity Service,
// Both compares the two, and Certificates rates the TLS certificates met on
// the way. It owns the modes, not the requests: HTTP is package web's, the
// Identity Service package identity's, Creatio's endpoints package
// creatio's, the state rule and the report package report's.
//
// The packages below it, from the top down, each importing only those
// after it:
//
//	creatio   Creatio's health endpoint, forms login and logout, the logins
//	          and their credential cache
//	identity  the Identity Service: discovery, token request, token checks
//	web       HTTP: client, TLS, proxies, network errors, URLs, JSON reading
//	report    the report, its steps and perfdata, the failure kinds and the
//	          rule, and Creatio's health vocabulary (health.go)
//	cache     the credential cache's files: keys, entries, safety, locks
//	redact    secrets hidden in every text the plugin prints
package check
