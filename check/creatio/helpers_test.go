package creatio

import (
	"testing"

	"check_creatio_oauth/check/internal/checktest"
	"check_creatio_oauth/check/web"
)

// The helpers of check/internal/checktest under the names the tests of
// this package use.
var (
	serve        = checktest.Serve
	mustURL      = checktest.MustURL
	runCtx       = checktest.RunCtx
	policy       = checktest.Policy
	newStand     = checktest.NewStand
	scenario     = checktest.Scenario
	variant      = checktest.Variant
	leaked       = checktest.Leaked
	checkReport  = checktest.CheckReport
	steps        = checktest.Steps
	step         = checktest.Step
	labels       = checktest.Labels
	perf         = checktest.Perf
	note         = checktest.Note
	everything   = checktest.Everything
	within       = checktest.Within
	srvURL       = checktest.SrvURL
	discoveryFor = checktest.DiscoveryFor
	testPolicy   = checktest.Policy(10e9)
	hangTimeout  = checktest.HangTimeout
)

// newClient builds a client of cfg, with checktest.TestVersion unless cfg
// names one.
func newClient(t testing.TB, cfg web.ClientConfig) *web.Client {
	t.Helper()
	if cfg.Version == "" {
		cfg.Version = checktest.TestVersion
	}
	c, err := web.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
