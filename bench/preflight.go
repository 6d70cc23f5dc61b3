//go:build linux

package main

import (
	"fmt"
	"slices"
	"strings"
)

// preflightOurs checks that our binary answers OK over HTTP (and HTTPS when
// paired mode uses it) with exactly one request, before anything is timed.
func (b *bench) preflightOurs() bool {
	t := &table{Title: "Preflight (one run each against the ok answer)", Head: []string{"program", "proto", "result", "requests"}, Left: 3}
	ok := true
	for _, proto := range protocols {
		if !b.available(proto) {
			continue
		}
		line, reqs, good := preflight(b.ours, proto, b.srv)
		t.add(b.ours.Name, proto, line, fmt.Sprint(reqs))
		if !good && proto == protoHTTP {
			ok = false
		}
		if !good {
			t.Notes = append(t.Notes, fmt.Sprintf("our binary failed over %s: its numbers below count as wrong states", proto))
		}
	}
	if !ok {
		t.Notes = append(t.Notes, "our binary does not answer OK over plain HTTP: nothing else is measured")
	}
	b.tables = append(b.tables, t)
	b.preflight = t
	return ok
}

// available reports whether proto can be measured here.
func (b *bench) available(proto string) bool {
	return proto != protoHTTPSSys || b.srv.SysBundle != ""
}

// protoList returns the protocols of -proto.
func (b *bench) protoList() []string {
	var out []string
	for _, p := range strings.Split(b.cfg.protos, ",") {
		if p = strings.TrimSpace(p); slices.Contains(protocols, p) && b.available(p) {
			out = append(out, p)
		}
	}
	return out
}
