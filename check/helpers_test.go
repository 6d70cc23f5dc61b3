package check

import (
	"testing"

	"check_creatio_oauth/check/internal/checktest"
	"check_creatio_oauth/check/report"
	"check_creatio_oauth/check/web"
)

// The helpers of check/internal/checktest under the names the tests of
// this package use.
var (
	serve        = checktest.Serve
	mustURL      = checktest.MustURL
	runCtx       = checktest.RunCtx
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
	standSecrets = checktest.StandSecrets
	testPolicy   = checktest.Policy(10e9)
	testVersion  = checktest.TestVersion
	asExpected   = report.AsExpected
	within       = checktest.Within
	everything   = checktest.Everything
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
