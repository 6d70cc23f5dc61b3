//go:build linux

package main

import (
	"encoding/json"
	"math"
	"testing"
)

func TestQuantile(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3}
	cases := []struct{ q, want float64 }{{0, 1}, {0.25, 2}, {0.5, 3}, {0.75, 4}, {1, 5}}
	for _, c := range cases {
		if got := quantile(xs, c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("quantile(%v) = %v, want %v", c.q, got, c.want)
		}
	}
	if xs[0] != 5 {
		t.Error("quantile modified its input")
	}
	if got := median([]float64{1, 2, 3, 4}); got != 2.5 {
		t.Errorf("median even = %v, want 2.5", got)
	}
	if got := median(nil); got != 0 {
		t.Errorf("median(nil) = %v", got)
	}
}

func TestRatios(t *testing.T) {
	got := ratios([]float64{2, 3, 4}, []float64{1, 0, 2})
	if len(got) != 2 || got[0] != 2 || got[1] != 2 {
		t.Errorf("ratios = %v", got)
	}
}

func TestPaddedBody(t *testing.T) {
	for _, n := range []int{1 << 10, 64 << 10, 1 << 20} {
		b := paddedBody(n)
		if len(b) != n {
			t.Errorf("paddedBody(%d) has %d bytes", n, len(b))
		}
		if !json.Valid(b) || b[len(b)-2] != '"' {
			t.Errorf("paddedBody(%d) is not the padded JSON object: %q…%q", n, b[:10], b[len(b)-10:])
		}
	}
	if string(paddedBody(10)) != okBody {
		t.Error("tiny size should give the plain answer")
	}
}

func TestMergeEnv(t *testing.T) {
	got := mergeEnv([]string{"A=1", "SSL_CERT_FILE=/x", "B=2"}, []string{"SSL_CERT_FILE=/y"})
	want := []string{"A=1", "B=2", "SSL_CERT_FILE=/y"}
	if len(got) != len(want) {
		t.Fatalf("mergeEnv = %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("mergeEnv = %v, want %v", got, want)
		}
	}
}
