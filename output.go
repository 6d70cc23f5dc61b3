package main

import (
	"io"

	"check_creatio_oauth/check/report"
	"check_creatio_oauth/plugin"
)

// printer writes the one result of a run, as Nagios text or, with
// --output json anywhere on the command line, as one line of JSON, also for
// usage errors, so that a Zabbix item never sees anything but JSON.
type printer struct {
	w    io.Writer
	json bool
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
	return p.report(&report.Report{State: plugin.Unknown, Summary: msg}, 0)
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
