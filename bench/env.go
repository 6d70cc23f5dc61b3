//go:build linux

package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// header records the environment table.
func (b *bench) header(bin, note string) {
	t := &table{Title: "Setup", Head: []string{"item", "value"}, Left: 2}
	t.add("date", time.Now().Format("2006-01-02 15:04:05 MST"))
	t.add("machine", fmt.Sprintf("%s, %d CPUs, %s, %s", cpuModel(), runtime.NumCPU(), kernel(), runtime.Version()))
	t.add("our binary", note)
	t.add("our binary size", sizeOf(bin)+", "+linking(bin))
	flags := "-trimpath -ldflags \"-s -w\""
	if b.static {
		flags = "CGO_ENABLED=0 " + flags
	}
	t.add("bare GET size", sizeOf(b.bare)+", "+linking(b.bare)+"; built like ours: "+flags)
	t.add("server", fmt.Sprintf("in-process Go net/http on 127.0.0.1: http, https (TLS 1.3), https12 (TLS 1.2), https-sys (TLS 1.3, system CAs); TLS key %s; answer %d B application/json", b.cfg.tlsKey, len(okBody)))
	mode := fmt.Sprintf("%d pairs, %d warm-ups per side", b.cfg.runs, b.cfg.warm)
	if b.cfg.quick {
		mode += " (-quick: smoke test, numbers are not meaningful)"
	}
	t.add("runs", mode)
	b.tables = append(b.tables, t)
	b.setup = t
}

// sizeOf formats a file's size.
func sizeOf(p string) string {
	st, err := os.Stat(p)
	if err != nil {
		return "?"
	}
	return fmt.Sprintf("%.2f MiB (%d B)", float64(st.Size())/(1<<20), st.Size())
}

// cpuModel returns the first "model name" of /proc/cpuinfo.
func cpuModel() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

// kernel returns "Linux <release>".
func kernel() string {
	var u syscall.Utsname
	if err := syscall.Uname(&u); err != nil {
		return runtime.GOOS
	}
	var sb strings.Builder
	for _, c := range u.Release {
		if c == 0 {
			break
		}
		sb.WriteByte(byte(c))
	}
	return "Linux " + sb.String()
}
