// Package webtest builds the HTTP clients of the tests above package web
// (check, creatio, identity): every one carries checktest.TestVersion in its
// User-Agent unless the test names another. It is for tests only; web's own
// tests cannot use it (it imports web).
package webtest

import (
	"testing"

	"check_creatio_oauth/check/internal/checktest"
	"check_creatio_oauth/check/web"
)

// NewClient builds a client of cfg, with checktest.TestVersion unless cfg
// names a version.
func NewClient(t testing.TB, cfg web.ClientConfig) *web.Client {
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
