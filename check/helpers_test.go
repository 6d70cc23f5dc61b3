package check

import (
	"check_creatio_oauth/check/internal/checktest"
	"check_creatio_oauth/check/internal/webtest"
	"check_creatio_oauth/check/report"
)

// The helpers of check/internal/checktest under the names the tests of
// this package use.
var (
	newClient    = webtest.NewClient
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
	directPolicy = checktest.SettingsPolicy(10e9)
	testVersion  = checktest.TestVersion
	asExpected   = report.AsExpected
	within       = checktest.Within
	everything   = checktest.Everything
)
