package cache

import (
	"path/filepath"
	"testing"
)

// BenchmarkOpenLoad is the cache's cost in a check that finds its token:
// Open (the directory checks) and Load.
func BenchmarkOpenLoad(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "cache")
	st, err := Place{Dir: dir}.Open()
	if err != nil {
		b.Fatal(err)
	}
	if err := st.Save(oauthKey(), oauthEntry()); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		st, err := Place{Dir: dir}.Open()
		if err != nil {
			b.Fatal(err)
		}
		if _, ok, err := st.Load(oauthKey(), t0); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkSave is the cost of a login's Save (with its fsync) and of
// updating LastUsed.
func BenchmarkSave(b *testing.B) {
	st, err := Place{Dir: filepath.Join(b.TempDir(), "cache")}.Open()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := st.Save(formsKey(), formsEntry()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLockUnlock is the cost of taking and releasing a free lock.
func BenchmarkLockUnlock(b *testing.B) {
	st, err := Place{Dir: filepath.Join(b.TempDir(), "cache")}.Open()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		unlock, err := st.Lock(b.Context(), oauthKey())
		if err != nil {
			b.Fatal(err)
		}
		unlock()
	}
}
