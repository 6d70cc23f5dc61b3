// Command check_creatio_oauth is a Nagios/Icinga/Zabbix plugin that checks
// Creatio's OAuth 2.0 health: through Creatio's OAuthHealthCheck endpoint
// (endpoint mode) or by running the same checks against the Creatio Identity
// Service itself (direct mode). See README.md; the command line is
// internal/cli, the checks are check/.
package main

import (
	"os"
	"runtime"

	"check_creatio_oauth/internal/cli"
)

func main() {
	// The signals first: from here on SIGTERM or SIGINT (a scheduler
	// stopping the plugin) ends the run with a plugin line, also while the
	// options are parsed and the secrets read.
	ctx, stop := cli.SignalContext()
	// One check is one request at a time: a second P only makes the runtime
	// start more threads, which costs a one-shot process more than it gains.
	runtime.GOMAXPROCS(1)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Getenv)
	stop()
	os.Exit(code)
}
