package cache

import (
	"errors"
	"io/fs"
)

// Problem is why a cache directory or file is not used: what it is, where,
// what is wrong with it and what to do. Its text holds no credential.
type Problem struct {
	What  string // "cache directory", "cache file", "cache lock"
	Path  string // the directory or file
	Issue string // what is wrong, a phrase after the path: "is owned by uid 0, ..."
	Fix   string // what to do, or ""
	Err   error  // the system's error, if one caused it
}

// Error is the whole problem on one line: what, where, the issue and the
// fix.
func (p *Problem) Error() string {
	s := p.What + " " + p.Path + " " + p.Issue
	if p.Fix != "" {
		s += "; " + p.Fix
	}
	return s
}

// Short is the problem without the path and the fix, for a status line:
// "cache directory is group- or world-writable (mode 0777)". The path, an
// entry's 64-digit name among them, is left to the long output.
func (p *Problem) Short() string { return p.What + " " + p.Issue }

// Unwrap is the system's error.
func (p *Problem) Unwrap() error { return p.Err }

// ShortText is err's [Problem.Short], or err's text for another error.
func ShortText(err error) string {
	var p *Problem
	if errors.As(err, &p) {
		return p.Short()
	}
	return err.Error()
}

// sysProblem is the Problem of a failed system call on path: the issue is
// the call's words ("cannot be created") and the system's reason
// ("permission denied", "read-only file system").
func sysProblem(what, path, issue string, err error, fix string) *Problem {
	reason := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		reason = pe.Err.Error()
	}
	return &Problem{What: what, Path: path, Issue: issue + ": " + reason, Fix: fix, Err: err}
}
