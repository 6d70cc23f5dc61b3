//go:build linux

package main

import (
	"testing"
	"time"
)

// pairOf returns a pairResult of n pairs whose ours/theirs ratios are wall
// and cpu, with our runs peaking at rssKiB.
func pairOf(proto, vs string, wall, cpu float64, rssKiB int64) pairResult {
	r := pairResult{Proto: proto, Vs: vs}
	for i := 0; i < 5; i++ {
		r.A = append(r.A, sample{Wall: time.Duration(wall * 1e6), CPU: time.Duration(cpu * 1e6), RSSKiB: rssKiB})
		r.B = append(r.B, sample{Wall: time.Millisecond, CPU: time.Millisecond, RSSKiB: 1024})
	}
	return r
}

func TestTargets(t *testing.T) {
	b := &bench{
		cfg:   config{protos: protoHTTP + "," + protoHTTPS + "," + protoHTTPS12},
		modes: map[string]bool{"paired": true},
		srv:   &server{},
		pairs: []pairResult{
			pairOf(protoHTTP, nameBare, 1.30, 1.31, 9*1024),
			pairOf(protoHTTP, nameCheckHTTP, 1.50, 1.60, 9*1024),
			pairOf(protoHTTPS, nameBare, 1.0, 1.0, 9*1024+1),
			pairOf(protoHTTPS12, nameBare, 2, 2, 20*1024),
		},
	}
	b.targets()
	want := []struct{ status, what string }{
		{"PASS", "wall ≤ 1.30× bare-go-get over http"},
		{"FAIL", "CPU  ≤ 1.30× bare-go-get over http"},
		{"PASS", "wall ≤ 1.50× check_http over http"},
		{"PASS", "CPU  ≤ 1.60× check_http over http"},
		{"PASS", "peak RSS ≤ 9 MiB over http (median of our runs)"},
		{"PASS", "wall ≤ 1.30× bare-go-get over https"},
		{"PASS", "CPU  ≤ 1.30× bare-go-get over https"},
		{"SKIP", "wall ≤ 1.50× check_http over https"},
		{"SKIP", "CPU  ≤ 1.60× check_http over https"},
		{"FAIL", "peak RSS ≤ 9 MiB over https (median of our runs)"},
		{"info", "wall ≤ 1.30× bare-go-get over https12"},
		{"info", "CPU  ≤ 1.30× bare-go-get over https12"},
		{"SKIP", "wall ≤ 1.50× check_http over https12"},
		{"SKIP", "CPU  ≤ 1.60× check_http over https12"},
		{"info", "peak RSS ≤ 9 MiB over https12 (median of our runs)"},
		{"info", "paired runs of ours not OK (exit ≠ 0)"},
	}
	if len(b.verdicts) != len(want) {
		t.Fatalf("%d verdicts, want %d: %v", len(b.verdicts), len(want), b.verdicts)
	}
	for i, w := range want {
		if v := b.verdicts[i]; v.Status != w.status || v.What != w.what {
			t.Errorf("verdict %d = %s %q (%s), want %s %q", i, v.Status, v.What, v.Got, w.status, w.what)
		}
	}
	if !b.failed() {
		t.Error("failed() = false with a FAIL")
	}
}
