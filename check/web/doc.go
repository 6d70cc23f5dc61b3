// Package web is how the plugin speaks HTTP and reads JSON: one client for
// every request of a run (TLS and client certificates, proxies from the
// environment by Go's rules, same-host redirects only, bodies capped,
// timings and the -vvv trace), the words for a request that got no answer
// (Describe: DNS, connection, TLS, proxy, deadline, each a report.Failure
// of its kind), service URLs as the options give them, the one JSON
// reader (ReadObject), and the one door through which a server's bytes
// become text (door.go: redacted raw, then cleaned and cut). It knows neither Creatio's endpoints nor the
// Identity Service's: it may import only report, redact and plugin.
package web
