//go:build linux

package main

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// throughputResult is one throughput level: parallel workers running our
// binary back to back for a fixed duration.
type throughputResult struct {
	Parallel  int
	Checks    int           // completed runs
	Wrong     int           // runs that did not exit 0 (or failed to run)
	Elapsed   time.Duration // first start to last completion
	WallP50   float64       // ms, per check
	WallP99   float64       // ms, per check
	MaxRSSKiB int64
	Requests  int64 // health requests the server answered meanwhile
	FirstBad  string
}

// Rate is checks per second.
func (t throughputResult) Rate() float64 {
	if t.Elapsed <= 0 {
		return 0
	}
	return float64(t.Checks) / t.Elapsed.Seconds()
}

// runThroughput keeps parallel workers busy running c for d and counts the
// results. Workers stop starting new checks at the deadline; checks in
// flight are completed and counted.
func runThroughput(c command, parallel int, d time.Duration, srv *server) throughputResult {
	var (
		mu    sync.Mutex
		walls []float64
		res   = throughputResult{Parallel: parallel}
		wg    sync.WaitGroup
	)
	reqs0 := srv.Requests()
	start := time.Now()
	deadline := start.Add(d)
	for w := 0; w < parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				s := run(c)
				mu.Lock()
				res.Checks++
				walls = append(walls, ms(s.Wall))
				if s.RSSKiB > res.MaxRSSKiB {
					res.MaxRSSKiB = s.RSSKiB
				}
				if s.Err != nil || s.Exit != 0 {
					res.Wrong++
					if res.FirstBad == "" {
						res.FirstBad = fmt.Sprintf("exit %d %v: %s %s", s.Exit, s.Err, firstLine(s.Stdout), firstLine(s.Stderr))
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Requests = srv.Requests() - reqs0
	res.WallP50 = quantile(walls, 0.5)
	res.WallP99 = quantile(walls, 0.99)
	fmt.Fprintf(os.Stderr, "  %2d parallel: %d checks in %.1fs\n", parallel, res.Checks, res.Elapsed.Seconds())
	return res
}

// throughput runs the parallel levels and records the table.
func (b *bench) throughput() {
	fmt.Fprintf(os.Stderr, "bench: throughput, %s per level\n", b.cfg.duration)
	c := b.ours.Cmd(protoHTTP, b.srv.Base(protoHTTP))
	t := &table{
		Title: fmt.Sprintf("Throughput: %s over HTTP, ok answer, %s per level", b.ours.Name, b.cfg.duration),
		Head:  []string{"parallel", "checks", "checks/s", "wall p50 ms", "wall p99 ms", "max RSS MiB", "requests", "wrong"},
	}
	b.rates = nil
	for _, p := range b.cfg.parallel {
		r := runThroughput(c, p, b.cfg.duration, b.srv)
		b.rates = append(b.rates, r)
		t.add(fmt.Sprint(p), fmt.Sprint(r.Checks), fmt.Sprintf("%.0f", r.Rate()), f2(r.WallP50), f2(r.WallP99), mib(float64(r.MaxRSSKiB)), fmt.Sprint(r.Requests), fmt.Sprint(r.Wrong))
		if r.FirstBad != "" {
			t.Notes = append(t.Notes, fmt.Sprintf("first wrong result at %d parallel: %s", p, r.FirstBad))
		}
	}
	t.Notes = append(t.Notes, "wrong = exit code other than 0 (OK); the server runs in the harness process on the same 2 cores.")
	b.tables = append(b.tables, t)
}
