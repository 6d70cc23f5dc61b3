package identity

import (
	"testing"

	"check_creatio_oauth/check/internal/checktest"
	"check_creatio_oauth/check/web"
)

// The helpers of check/internal/checktest under the names the tests of
// this package use.
var (
	serve    = checktest.Serve
	mustURL  = checktest.MustURL
	newStand = checktest.NewStand
	variant  = checktest.Variant
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
