package cli

import (
	"io"
	"strings"

	"check_creatio_oauth/check/report"
	"check_creatio_oauth/plugin"
)

// printer writes the one result of a run, as Nagios text or, with
// --output json anywhere on the command line, as one line of JSON, also for
// usage errors, so that a Zabbix item never sees anything but JSON.
type printer struct {
	w    io.Writer
	json bool
	mode string // the mode asked for, also in a usage error's JSON
}

// report writes a run's report and returns its exit code.
func (p *printer) report(r *report.Report, verbose int) int {
	var err error
	if p.json {
		err = r.WriteJSON(p.w)
	} else {
		_, err = r.Result(verbose).WriteTo(p.w)
	}
	if err != nil {
		return int(plugin.Unknown)
	}
	return int(r.State)
}

// usage prints a one-line UNKNOWN for bad input and returns its exit code.
func (p *printer) usage(msg string) int {
	return p.fail(plugin.Unknown, msg)
}

// fail prints a one-line result of a run that did not reach its check and
// returns its exit code. Its state was rated here (UNKNOWN for bad input,
// the -t state for a run stopped early); report.Fail sets it, as it sets
// every state.
func (p *printer) fail(st plugin.State, msg string) int {
	r := &report.Report{Mode: p.mode}
	return p.report(r.Fail(report.Policy{}, report.RatedFailure(st, msg, "")), 0)
}

// wantsJSON reports whether the command line asks for --output json, before
// it is parsed (a bad option must not turn the answer into text).
func wantsJSON(args []string) bool {
	for i, a := range args {
		switch {
		case a == "--":
			return false
		case a == "--output=json":
			return true
		case a == "--output" && i+1 < len(args) && args[i+1] == "json":
			return true
		}
	}
	return false
}

// modeOf is the --mode the command line asks for, read before it is parsed
// (a usage error's JSON names it too), or the default, endpoint.
func modeOf(args []string) string {
	mode := "endpoint"
	for i, a := range args {
		v, ok := strings.CutPrefix(a, "--mode=")
		switch {
		case a == "--":
			return mode
		case a == "--mode" && i+1 < len(args):
			v, ok = args[i+1], true
		}
		if ok && (v == "endpoint" || v == "direct" || v == "both") {
			mode = v
		}
	}
	return mode
}
