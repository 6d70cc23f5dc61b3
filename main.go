// Command check_creatio_oauth is a Nagios/Icinga/Zabbix plugin that checks
// Creatio's OAuth 2.0 health: through Creatio's OAuthHealthCheck endpoint
// (endpoint mode) or by running the same checks against the Creatio Identity
// Service itself (direct mode). See README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	flags "github.com/jessevdk/go-flags"

	"check_creatio_oauth/plugin"
)

// version is stamped by the Makefile: -ldflags "-X main.version=…".
var version = "dev"

func main() {
	// One check is one request at a time: a second P only makes the runtime
	// start more threads, which costs a one-shot process more than it gains.
	runtime.GOMAXPROCS(1)
	os.Exit(run(os.Args[1:], os.Stdout, os.Getenv))
}

// run parses args, runs one check, writes the plugin output to stdout and
// returns the exit code. It is the only place where an error becomes
// UNKNOWN, and it turns a panic into UNKNOWN too.
func run(args []string, stdout io.Writer, getenv func(string) string) (code int) {
	out := &printer{w: stdout, json: wantsJSON(args)}
	defer func() {
		if p := recover(); p != nil {
			code = out.usage(fmt.Sprintf("internal error: %v; please report it with the command line (secrets are never in it)", p))
		}
	}()
	var opts options
	parser := newParser(&opts)
	rest, err := parser.ParseArgs(args)
	var ferr *flags.Error
	switch {
	case errors.As(err, &ferr) && ferr.Type == flags.ErrHelp:
		fmt.Fprintf(stdout, "check_creatio_oauth %s - checks Creatio's OAuth 2.0 health\n\n", version)
		parser.WriteHelp(stdout)
		return int(plugin.Unknown)
	case err != nil:
		return out.usage(flagError(err) + "; see --help")
	case opts.Output.Version:
		fmt.Fprintf(stdout, "check_creatio_oauth %s\n", buildVersion())
		return int(plugin.Unknown)
	case opts.Output.ManPage: // a build step, not a check: exit 0
		if err := writeManPage(parser, stdout); err != nil {
			return int(plugin.Unknown)
		}
		return 0
	case len(rest) > 0:
		return out.usage(fmt.Sprintf("unexpected argument %q; options start with - (see --help)", rest[0]))
	}
	cfg, err := configure(&opts, getenv, len(opts.Output.Verbose))
	if err != nil {
		return out.usage(err.Error())
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, cfg.deadline)
	defer cancel()

	report := cfg.check.Run(ctx)
	report.Notes = append(report.Notes, cfg.trace.Lines()...)
	report.Redact(cfg.secrets)
	return out.report(report, len(opts.Output.Verbose))
}

// flagError is a command-line error in plain words: a value our option
// types refused says so itself (they name the option), without go-flags'
// "invalid argument for flag ... (expected main.timeoutOpt)" around it.
func flagError(err error) string {
	msg := plugin.Sanitize(err.Error())
	var ferr *flags.Error
	if errors.As(err, &ferr) && ferr.Type == flags.ErrMarshal {
		if _, own, ok := strings.Cut(msg, "): "); ok {
			if !strings.HasPrefix(own, "-") { // name the option
				_, name, _ := strings.Cut(msg, "flag `")
				name, _, _ = strings.Cut(name, "'")
				own = strings.TrimSpace(name[strings.LastIndex(name, ",")+1:]) + ": " + own
			}
			return own
		}
	}
	if i := strings.Index(msg, " (expected "); i >= 0 {
		if j := strings.IndexByte(msg[i:], ')'); j >= 0 {
			msg = msg[:i] + msg[i+j+1:]
		}
	}
	return msg
}

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
