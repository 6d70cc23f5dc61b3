package web

import (
	"context"
	"net/http"
	"reflect"
	"testing"
	"time"
)

// The table the tests of every system use is the Windows build's own.
func TestSysNetErrsAreWinsock(t *testing.T) {
	if !reflect.DeepEqual(sysNetErrs, winsockNetErrs) {
		t.Errorf("sysNetErrs = %v, the tests' winsockNetErrs = %v", sysNetErrs, winsockNetErrs)
	}
}

// A refused connection to 127.0.0.1:1 (nothing listens on port 1) reads
// on Windows exactly as on Linux.
func TestRefusedWindows(t *testing.T) {
	c := newClient(t, ClientConfig{})
	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1:1/", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // a safety net
	defer cancel()
	resp, err := c.Do(ctx, req)
	if err == nil {
		t.Skipf("something listens on 127.0.0.1:1 here (%s)", resp.Status)
	}
	got := c.Describe(err, "the health request", req.URL, netPolicy).Line()
	if want := netErrLines["refused"]; got != want {
		t.Errorf("%v: %q, want %q", err, got, want)
	}
}
