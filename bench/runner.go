//go:build linux

package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// command is one way of running a health check: a program (absolute path)
// and its arguments (and extra environment, if any).
type command struct {
	Path string
	Args []string
	Env  []string // appended to the harness's environment
}

// sample is what one child process run cost, as measured by the launcher
// (bench/spawn) that forked it.
type sample struct {
	Wall     time.Duration // just before fork to reaped
	CPU      time.Duration // child's user+system time (rusage)
	RSSKiB   int64         // child's peak resident set (rusage ru_maxrss, KiB)
	FloorKiB int64         // the launcher's own VmHWM: RSSKiB cannot be below it
	Exit     int           // exit code; -1 when it did not run or was killed
	Err      error         // start error, kill or launcher failure
	Stdout   []byte        // first 8 KiB of standard output
	Stderr   []byte        // first 8 KiB of standard error
}

// launcher is one running bench/spawn process.
type launcher struct {
	cmd      *exec.Cmd
	in       io.WriteCloser
	w        *bufio.Writer
	r        *bufio.Reader
	firstHWM int64 // VmHWM after its first run, KiB
}

// launcherGrowthKiB is how much a launcher's VmHWM may grow past its value
// after the first run before the launcher is replaced by a fresh one. Go's
// allocator keeps touching new heap pages, about 10-20 KiB a run, and every
// child inherits the launcher's high-water mark as the floor of its
// ru_maxrss; recycling keeps that floor near 2.5 MiB, below the smallest
// program measured (check_http, about 3.6 MiB).
const launcherGrowthKiB = 512

// launchers is the pool of idle launchers; spawnPath is the launcher binary.
var (
	spawnPath  string
	launchMu   sync.Mutex
	idle       []*launcher
	allLaunchs []*launcher
)

// getLauncher returns an idle launcher, starting one if none is idle. Each
// concurrent run has its own launcher, so a launcher never grows.
func getLauncher() (*launcher, error) {
	launchMu.Lock()
	defer launchMu.Unlock()
	if n := len(idle); n > 0 {
		l := idle[n-1]
		idle = idle[:n-1]
		return l, nil
	}
	if spawnPath == "" {
		return nil, errors.New("launcher not built")
	}
	cmd := exec.Command(spawnPath)
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	l := &launcher{cmd: cmd, in: in, w: bufio.NewWriter(in), r: bufio.NewReader(out)}
	allLaunchs = append(allLaunchs, l)
	return l, nil
}

// putLauncher returns l to the pool.
func putLauncher(l *launcher) {
	launchMu.Lock()
	idle = append(idle, l)
	launchMu.Unlock()
}

// retireLauncher closes l's input, which ends it, and forgets it.
func retireLauncher(l *launcher) {
	launchMu.Lock()
	for i, x := range allLaunchs {
		if x == l {
			allLaunchs = append(allLaunchs[:i], allLaunchs[i+1:]...)
			break
		}
	}
	launchMu.Unlock()
	l.in.Close()
	go l.cmd.Wait()
}

// stopLaunchers ends every launcher (they exit when their input closes).
func stopLaunchers() {
	launchMu.Lock()
	defer launchMu.Unlock()
	for _, l := range allLaunchs {
		l.in.Close()
		l.cmd.Wait()
	}
	allLaunchs, idle = nil, nil
}

// run executes c once through a launcher and measures it. Standard output
// and error go to pipes, as under Nagios or Icinga.
func run(c command) sample {
	l, err := getLauncher()
	if err != nil {
		return sample{Exit: -1, Err: err}
	}
	s, err := l.run(c)
	if err != nil {
		// A broken launcher is dropped (not returned to the pool).
		retireLauncher(l)
		return sample{Exit: -1, Err: fmt.Errorf("launcher: %w", err)}
	}
	childCPU.Add(int64(s.CPU))
	if l.firstHWM == 0 {
		l.firstHWM = s.FloorKiB
	}
	if s.FloorKiB > l.firstHWM+launcherGrowthKiB {
		retireLauncher(l)
	} else {
		putLauncher(l)
	}
	for {
		f := maxFloor.Load()
		if s.FloorKiB <= f || maxFloor.CompareAndSwap(f, s.FloorKiB) {
			break
		}
	}
	return s
}

// maxFloor is the largest launcher VmHWM seen (KiB): no RSS measured can be
// below it.
var maxFloor atomic.Int64

// mergeEnv returns base with the KEY=value entries of extra set, replacing
// any entry of base with the same key. A raw execve environment with a key
// twice would be read by Go programs as its first value, and this harness's
// environment may well hold SSL_CERT_FILE or GODEBUG already.
func mergeEnv(base, extra []string) []string {
	if len(extra) == 0 {
		return base
	}
	set := map[string]bool{}
	for _, e := range extra {
		k, _, _ := strings.Cut(e, "=")
		set[k] = true
	}
	out := make([]string, 0, len(base)+len(extra))
	for _, e := range base {
		if k, _, _ := strings.Cut(e, "="); !set[k] {
			out = append(out, e)
		}
	}
	return append(out, extra...)
}

// run sends one request to the launcher and decodes the answer.
func (l *launcher) run(c command) (sample, error) {
	fields := []string{c.Path, strconv.Itoa(1 + len(c.Args)), c.Path}
	fields = append(fields, c.Args...)
	fields = append(fields, mergeEnv(os.Environ(), c.Env)...)
	le := binary.LittleEndian
	binary.Write(l.w, le, uint32(len(fields)))
	for _, f := range fields {
		binary.Write(l.w, le, uint32(len(f)))
		l.w.WriteString(f)
	}
	if err := l.w.Flush(); err != nil {
		return sample{}, err
	}
	var nums [6]int64
	if err := binary.Read(l.r, le, &nums); err != nil {
		return sample{}, err
	}
	var blobs [3][]byte
	for i := range blobs {
		var n uint32
		if err := binary.Read(l.r, le, &n); err != nil {
			return sample{}, err
		}
		blobs[i] = make([]byte, n)
		if _, err := io.ReadFull(l.r, blobs[i]); err != nil {
			return sample{}, err
		}
	}
	s := sample{
		Wall:     time.Duration(nums[0]),
		CPU:      time.Duration(nums[1] + nums[2]),
		RSSKiB:   nums[3],
		Exit:     int(nums[4]),
		FloorKiB: nums[5],
		Stdout:   blobs[1],
		Stderr:   blobs[2],
	}
	if len(blobs[0]) > 0 {
		s.Err = errors.New(string(blobs[0]))
	}
	return s, nil
}
