package web

import (
	"net/url"
	"testing"
	"time"

	"check_creatio_oauth/check/internal/checktest"
	"check_creatio_oauth/check/report"
	"check_creatio_oauth/plugin"
)

// The helpers of check/internal/checktest under the names the tests of
// this package use.
var (
	mustURL  = checktest.MustURL
	runCtx   = checktest.RunCtx
	newStand = checktest.NewStand
)

// newClient builds a client of cfg, with checktest.TestVersion unless cfg
// names one.
func newClient(t testing.TB, cfg ClientConfig) *Client {
	t.Helper()
	if cfg.Version == "" {
		cfg.Version = checktest.TestVersion
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fetch asks base+path with c as the health request does, and reports
// what the rule gives a failure: the state and line 1; a 2xx is OK, any
// other status CRITICAL.
func fetch(t testing.TB, c *Client, base *url.URL, path string, p report.Policy) *report.Report {
	t.Helper()
	u := JoinPath(base, path)
	resp, err := c.Get(runCtx(t, 5*time.Second), u)
	if err != nil {
		f := c.Describe(err, "the health request", u, p)
		return &report.Report{State: p.State(f.Kind), Summary: f.Line()}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &report.Report{State: plugin.Critical, Summary: c.Status(resp)}
	}
	return &report.Report{State: plugin.OK, Summary: "OK"}
}
