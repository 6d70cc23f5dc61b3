//go:build linux

package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// childCPU sums the CPU time (ns) of every child measured so far.
var childCPU atomic.Int64

// loadMeter estimates how much CPU other processes on the machine used
// while a mode ran: all busy CPU time (from /proc/stat) minus the harness's
// own (its process plus the children it measured). On a shared machine this
// tells whether the numbers can be trusted.
type loadMeter struct {
	start        time.Time
	busy, total  uint64 // /proc/stat jiffies, all CPUs
	self, kids   time.Duration
	ok           bool
	loadAvgStart string
}

// procStat returns the busy and total jiffies of all CPUs.
func procStat() (busy, total uint64, ok bool) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, false
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, 0, false
	}
	var v [8]uint64
	for i := range v {
		v[i], _ = strconv.ParseUint(f[i+1], 10, 64)
	}
	// user nice system idle iowait irq softirq steal
	busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7]
	return busy, busy + v[3] + v[4], true
}

// selfCPU returns the harness process's own user+system time.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAvg returns the first three fields of /proc/loadavg.
func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// startLoad begins a measurement.
func startLoad() *loadMeter {
	m := &loadMeter{start: time.Now(), self: selfCPU(), kids: time.Duration(childCPU.Load()), loadAvgStart: loadAvg()}
	m.busy, m.total, m.ok = procStat()
	return m
}

// others returns the share of the machine's CPU (0..1) that other processes
// used since start, or -1 when unknown.
func (m *loadMeter) others() float64 {
	busy, total, ok := procStat()
	if !m.ok || !ok || total <= m.total {
		return -1
	}
	const hz = 100 // USER_HZ: /proc/stat unit on Linux
	busyFrac := float64(busy-m.busy) / float64(total-m.total)
	own := (selfCPU() - m.self) + (time.Duration(childCPU.Load()) - m.kids)
	ownFrac := own.Seconds() * hz / float64(total-m.total)
	return max(0, busyFrac-ownFrac)
}

// note describes the background load for a table's notes.
func (m *loadMeter) note() string {
	o := m.others()
	if o < 0 {
		return ""
	}
	s := fmt.Sprintf("other processes used ~%.0f%% of the %d CPUs meanwhile (load average %s at the start)", 100*o, runtime.NumCPU(), m.loadAvgStart)
	if o > 0.10 {
		s += ": WARNING, the machine was busy; times are noisy, ratios less so"
	}
	return s
}
