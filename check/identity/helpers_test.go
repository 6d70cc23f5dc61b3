package identity

import (
	"check_creatio_oauth/check/internal/checktest"
	"check_creatio_oauth/check/internal/webtest"
)

// The helpers of check/internal/checktest under the names the tests of
// this package use.
var (
	newClient = webtest.NewClient
	serve     = checktest.Serve
	mustURL   = checktest.MustURL
	newStand  = checktest.NewStand
	variant   = checktest.Variant
)
