// Package cli is the command line of check_creatio_oauth: its options and
// their configuration, the secret files, the plugin output (text and JSON),
// the man page and the version. Run is the whole command; package main only
// makes the signal context and exits with what Run returns.
//
// It imports check/ (the checks) and plugin/ (the plugin conventions), never
// the other way round: see TestImportDirection.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	flags "github.com/jessevdk/go-flags"

	"check_creatio_oauth/plugin"
)

// Run parses args, runs one check, writes the plugin output to stdout and
// returns the exit code. It is the only place where an error becomes
// UNKNOWN, and it turns a panic into UNKNOWN too. ctx ends the run early: a
// signal (see SignalContext) is answered as the deadline is, with the -t
// state.
func Run(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) (code int) {
	out := &printer{w: stdout, json: wantsJSON(args), mode: modeOf(args)}
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
		fmt.Fprintf(stdout, "%s\n\n", helpTitle())
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
	out.mode = opts.Mode.Mode
	timeout := opts.timeout()
	ctx, cancel := context.WithTimeout(ctx, deadline(timeout.d))
	defer cancel()
	cfg, err := configure(ctx, &opts, getenv, len(opts.Output.Verbose))
	switch {
	case err != nil && !errors.Is(err, errNotInTime):
		return out.usage(err.Error())
	case ctx.Err() != nil: // a signal, or a secret that could not be read in time
		return out.fail(timeout.state, stoppedEarly(context.Cause(ctx), err))
	}

	// Every server text was redacted as it came in (check/web's door), and
	// the trace as it was written: no pass over the whole report, which
	// would run the fragment rule over the plugin's own words.
	report := cfg.check.Run(ctx)
	report.Notes = append(append(cfg.notes, report.Notes...), cfg.trace.Lines()...)
	report.Warnings = append(cfg.warns, report.Warnings...)
	return out.report(report, len(opts.Output.Verbose))
}

// stoppedEarly says why a run ended before its check began: a signal, or
// the deadline while the secrets were read (err names the file).
func stoppedEarly(cause, err error) string {
	var sig stopSignal
	switch {
	case errors.As(cause, &sig):
		return fmt.Sprintf("stopped by %v before the check began; no request was made", sig)
	case err != nil:
		return err.Error()
	}
	return "the deadline passed before the check began; no request was made"
}

// stopSignal is the cause of a run's end by a signal. It is a
// cancellation (errors.Is context.Canceled), which the checks answer as an
// interrupted request: net/http returns a context's cause, not
// context.Canceled.
type stopSignal struct{ sig os.Signal }

func (s stopSignal) Unwrap() error { return context.Canceled }

func (s stopSignal) Error() string {
	if name, ok := signalNames[s.sig]; ok {
		return name
	}
	return s.sig.String()
}

// SignalContext is a context that SIGTERM or SIGINT cancels with a
// stopSignal as its cause; stop ends the notification. On Windows, Go
// delivers Ctrl-C and Ctrl-Break as SIGINT (os.Interrupt) and a console's
// close, logoff and shutdown events as SIGTERM, and its handler of those
// blocks until the process exits (Windows ends it when the handler
// returns, or after a few seconds), so the check ends with its line there
// too.
func SignalContext() (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		select {
		case s := <-ch:
			cancel(stopSignal{s})
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(ch); cancel(nil) }
}

// flagError is a command-line error in plain words: a value our option
// types refused says so itself (they name the option), without go-flags'
// "invalid argument for flag ... (expected cli.timeoutOpt)" around it.
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
