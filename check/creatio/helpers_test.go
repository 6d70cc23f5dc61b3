package creatio

import (
	"check_creatio_oauth/check/internal/checktest"
	"check_creatio_oauth/check/internal/webtest"
)

// The helpers of check/internal/checktest under the names the tests of
// this package use.
var (
	newClient    = webtest.NewClient
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
