//go:build linux || windows

package cache

import (
	"context"
	"fmt"
	"time"
)

// maxPoll is the longest pause between two tries of a taken lock.
const maxPoll = 50 * time.Millisecond

// waitLock tries to take the lock of the file at path, as try does once,
// until it succeeds, fails for another reason than busy, or ctx ends; the
// pause between two tries grows from 1 ms to maxPoll. The system's lock
// call is the only part that differs between Linux (flock) and Windows
// (LockFileEx).
func waitLock(ctx context.Context, path string, try func() error, busy func(error) bool) error {
	pause := time.Millisecond
	for {
		err := try()
		if err == nil {
			return nil
		}
		if !busy(err) {
			return fmt.Errorf("cache lock %s: %w", path, err)
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("cache lock %s: still held by another check: %w", path, ctx.Err())
		case <-t.C:
		}
		pause = min(2*pause, maxPoll)
	}
}
