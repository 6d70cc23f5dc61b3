//go:build linux

// Command spawn is the benchmark's process launcher: it runs child programs
// on behalf of the harness and reports what each one cost.
//
// It exists because of how Linux accounts peak RSS. A Go program starts
// children with clone(CLONE_VM|CLONE_VFORK): until it calls execve the child
// shares its parent's address space, and execve records the high-water mark
// of that shared space in the child's ru_maxrss. Launched straight from the
// harness (whose heap holds the loopback server and a 50 MiB padded answer)
// every child would "peak" at the harness's size. This launcher is tiny, so
// the floor it imposes (its own VmHWM, 2-3 MiB, reported with each
// result) stays below the peak of every program measured; it plays the role
// GNU time plays on the command line.
//
// Protocol, over standard input and output, one request at a time:
//
//	request:  u32 n, then n × (u32 len, bytes): path, argc (decimal),
//	          argv[0..argc-1], then the child's whole environment
//	response: i64 wall ns, user ns, sys ns, ru_maxrss KiB, exit code
//	          (-1 when killed or not started), launcher VmHWM KiB;
//	          then 3 × (u32 len, bytes): error, stdout head, stderr head
//
// All integers are little-endian. The child's standard input is /dev/null;
// its output goes to pipes (as under Nagios), of which the first 8 KiB are
// kept and the rest drained. Wall time runs from just before fork to the
// child being reaped. A child still running after 30 s is killed.
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// headBytes is how much of each output stream is kept; timeout bounds a child.
const (
	headBytes = 8 << 10
	timeout   = 30 * time.Second
)

// main serves requests from standard input until it closes.
func main() {
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		os.Exit(1)
	}
	for {
		fields, err := readRequest(in)
		if err != nil {
			return // harness gone or done
		}
		writeResponse(out, runChild(fields, devnull))
		if out.Flush() != nil {
			return
		}
	}
}

// result is what one child run cost.
type result struct {
	wall, user, sys time.Duration
	maxrss, exit    int64
	err             string
	stdout, stderr  []byte
}

// u32buf is readU32's scratch space (one request at a time).
var u32buf [4]byte

// readU32 reads one little-endian uint32.
func readU32(r io.Reader) (uint32, error) {
	if _, err := io.ReadFull(r, u32buf[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(u32buf[:]), nil
}

// readRequest reads one length-prefixed list of strings.
func readRequest(r io.Reader) ([]string, error) {
	n, err := readU32(r)
	if err != nil {
		return nil, err
	}
	fields := make([]string, n)
	for i := range fields {
		l, err := readU32(r)
		if err != nil {
			return nil, err
		}
		b := make([]byte, l)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, err
		}
		fields[i] = string(b)
	}
	return fields, nil
}

// stream is a reusable buffer for one of the child's output streams; reusing
// it keeps the launcher from allocating per run.
type stream struct {
	head  [headBytes]byte
	chunk [4096]byte
}

// streams are the reusable buffers of the child's stdout and stderr.
var streams [2]stream

// drain keeps the first headBytes of what is read from f in st and drains
// the rest; *dst is set to the kept part.
func drain(f *os.File, st *stream, dst *[]byte, wg *sync.WaitGroup) {
	defer wg.Done()
	defer f.Close()
	kept := 0
	for {
		n, err := f.Read(st.chunk[:])
		if room := headBytes - kept; room > 0 && n > 0 {
			kept += copy(st.head[kept:], st.chunk[:min(n, room)])
		}
		if err != nil {
			break
		}
	}
	*dst = st.head[:kept]
}

// splitRequest splits a request into the program's path, argv and
// environment; bad describes a malformed request.
func splitRequest(fields []string) (path string, argv, env []string, bad string) {
	if len(fields) < 2 {
		return "", nil, nil, "bad request"
	}
	argc, err := strconv.Atoi(fields[1])
	if err != nil || argc < 1 || 2+argc > len(fields) {
		return "", nil, nil, "bad request: argc"
	}
	return fields[0], fields[2 : 2+argc], fields[2+argc:], ""
}

// runChild runs the requested program and measures it.
func runChild(fields []string, devnull *os.File) result {
	res := result{exit: -1}
	path, argv, env, bad := splitRequest(fields)
	if bad != "" {
		res.err = bad
		return res
	}

	outR, outW, err := os.Pipe()
	if err != nil {
		res.err = err.Error()
		return res
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		res.err = err.Error()
		return res
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go drain(outR, &streams[0], &res.stdout, &wg)
	go drain(errR, &streams[1], &res.stderr, &wg)

	attr := &syscall.ProcAttr{Env: env, Files: []uintptr{devnull.Fd(), outW.Fd(), errW.Fd()}}
	start := time.Now()
	pid, err := syscall.ForkExec(path, argv, attr)
	outW.Close()
	errW.Close()
	if err != nil {
		wg.Wait()
		res.err = "start " + path + ": " + err.Error()
		return res
	}
	killer := time.AfterFunc(timeout, func() { syscall.Kill(pid, syscall.SIGKILL) })
	var ws syscall.WaitStatus
	var ru syscall.Rusage
	for {
		_, err = syscall.Wait4(pid, &ws, 0, &ru)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	res.wall = time.Since(start)
	timedOut := !killer.Stop()
	wg.Wait()
	if err != nil {
		res.err = "wait: " + err.Error()
		return res
	}
	res.setStatus(ws, &ru, timedOut)
	return res
}

// setStatus records the reaped child's CPU time, peak RSS and exit code, or
// why it has none.
func (res *result) setStatus(ws syscall.WaitStatus, ru *syscall.Rusage, timedOut bool) {
	res.user = time.Duration(ru.Utime.Nano())
	res.sys = time.Duration(ru.Stime.Nano())
	res.maxrss = ru.Maxrss
	switch {
	case ws.Exited():
		res.exit = int64(ws.ExitStatus())
	case timedOut:
		res.err = "killed after " + timeout.String()
	case ws.Signaled():
		res.err = "killed by " + ws.Signal().String()
	}
}

// statusBuf holds /proc/self/status for hwm.
var statusBuf [4096]byte

// hwm returns this launcher's own peak RSS (VmHWM) in KiB, or 0.
func hwm() int64 {
	fd, err := syscall.Open("/proc/self/status", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return 0
	}
	n, _ := syscall.Read(fd, statusBuf[:])
	syscall.Close(fd)
	if n <= 0 {
		return 0
	}
	data := statusBuf[:n]
	for _, line := range bytes.Split(data, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			v = bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(v), []byte("kB")))
			n, _ := strconv.ParseInt(string(v), 10, 64)
			return n
		}
	}
	return 0
}

// outBuf is writeResponse's scratch space.
var outBuf [6 * 8]byte

// writeResponse encodes res.
func writeResponse(w *bufio.Writer, res result) {
	le := binary.LittleEndian
	for i, v := range [6]int64{int64(res.wall), int64(res.user), int64(res.sys), res.maxrss, res.exit, hwm()} {
		le.PutUint64(outBuf[i*8:], uint64(v))
	}
	w.Write(outBuf[:])
	for _, b := range [3][]byte{[]byte(res.err), res.stdout, res.stderr} {
		le.PutUint32(outBuf[:4], uint32(len(b)))
		w.Write(outBuf[:4])
		w.Write(b)
	}
}
