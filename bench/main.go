//go:build linux

// Command bench is the performance benchmark of check_creatio_oauth.
//
// Nagios and Icinga fork one process per check, so what users pay is the
// cost of one whole process run. The harness starts a loopback Creatio
// stand-in inside its own process (plain HTTP; HTTPS over TLS 1.3 and 1.2,
// with a CA and server certificate generated at start, trusted through
// --ca-file or through the system bundle) that serves Creatio's documented
// healthy answer at /0/api/OAuthHealthCheck, and then measures our binary
// with the child's own wall time, CPU time (user+sys) and peak RSS (rusage
// ru_maxrss, collected by wait4, so the harness's own work is not counted):
//
//   - paired: our binary against `curl -s URL`, check_http, check_curl and a
//     bare Go GET program (bench/bareget), run A B A B … after warm-ups; the
//     ratios are computed pair by pair and their median reported, which
//     cancels most of the machine's drift;
//   - throughput: as many checks as possible for a fixed time with 2, 8 and
//     32 in parallel, counting any run that does not exit 0 (OK) as wrong;
//   - curve: our binary's cost against answers padded to 1 KiB … 50 MiB,
//     which must stay flat past the plugin's 1 MiB body cap;
//   - init: GODEBUG=inittrace=1 profile of package initialisation, ours
//     against the bare GET;
//   - instr: instructions executed under valgrind --tool=callgrind, when
//     valgrind is installed.
//
// It prints aligned tables and PASS/FAIL lines for the targets, and with
// -out FILE writes the same as markdown.
//
// Usage, from the repository root:
//
//	bench/setup.sh                  # installs curl and the monitoring plugins
//	go run ./bench                  # everything, about 2-3 minutes
//	go run ./bench -quick           # smoke test, about 15 seconds
//	go run ./bench -mode paired -runs 500 -out bench.md
//	go run ./bench -bin bareget     # the bare GET stands in for the plugin
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// config holds the command-line settings.
type config struct {
	bin, mode, out, vs, protos, tlsKey string
	runs, warm, initRuns, instrRuns    int
	duration                           time.Duration
	parallel                           []int
	quick, rebuild, strict, keep       bool
}

// main runs the harness; see the package comment.
func main() {
	os.Exit(mainErr())
}

// mainErr parses the flags, runs the harness and returns the exit code: 0,
// 1 for a failed target under -strict, 2 for a usage or set-up error.
func mainErr() int {
	var cfg config
	var parallel string
	flag.StringVar(&cfg.bin, "bin", "./check_creatio_oauth", "our binary; built into a temp dir when missing; \"bareget\" uses the bare GET as a stand-in")
	flag.IntVar(&cfg.runs, "runs", 200, "measured pairs per paired comparison")
	flag.IntVar(&cfg.warm, "warmup", 10, "warm-up runs per side before measuring")
	flag.StringVar(&cfg.mode, "mode", "all", "paired|throughput|curve|init|instr|all (comma-separated list allowed); serve: only run the loopback server and print the command lines, until interrupted")
	flag.BoolVar(&cfg.quick, "quick", false, "smoke test: few runs, short throughput runs, no callgrind (numbers are not meaningful)")
	flag.StringVar(&cfg.out, "out", "", "also write the results as markdown to this file")
	flag.StringVar(&cfg.vs, "vs", strings.Join(allCompetitors, ","), "competitors for paired mode")
	flag.StringVar(&cfg.protos, "proto", strings.Join(protocols, ","), "protocols for paired and instr modes: http, https (TLS 1.3, --ca-file), https12 (TLS 1.2), https-sys (system CA bundle)")
	flag.DurationVar(&cfg.duration, "duration", 10*time.Second, "throughput: time per parallelism level")
	flag.StringVar(&parallel, "parallel", "2,8,32", "throughput: parallelism levels")
	flag.IntVar(&cfg.initRuns, "init-runs", 30, "init: runs per binary under GODEBUG=inittrace=1")
	flag.IntVar(&cfg.instrRuns, "instr-runs", 1, "instr: callgrind runs per binary and protocol (median reported; counts vary by about 2%)")
	flag.StringVar(&cfg.tlsKey, "tls-key", "rsa2048", "HTTPS server key: rsa2048 or p256")
	flag.BoolVar(&cfg.rebuild, "rebuild", false, "always build our binary from the repository into a temp dir (ignores an existing -bin)")
	flag.BoolVar(&cfg.strict, "strict", false, "exit 1 when a target fails")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the temp dir (binaries, CA) and print its path")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: go run ./bench [flags]\n\nBenchmarks check_creatio_oauth against curl, check_http, check_curl and a bare Go GET.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	for _, p := range strings.Split(parallel, ",") {
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(p), &n); err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "bench: bad -parallel %q\n", parallel)
			return 2
		}
		cfg.parallel = append(cfg.parallel, n)
	}
	if cfg.quick {
		cfg.runs = min(cfg.runs, 10)
		cfg.warm = min(cfg.warm, 2)
		cfg.duration = min(cfg.duration, 2*time.Second)
		cfg.initRuns = min(cfg.initRuns, 5)
		cfg.instrRuns = 1
	}
	modes, err := parseModes(cfg.mode)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 2
	}

	if cfg.quick && strings.Contains(","+cfg.mode+",", ",all,") {
		// valgrind is slow: -quick skips it unless asked for by name
		modes["instr"] = strings.Contains(","+cfg.mode+",", ",instr,")
	}
	b := &bench{cfg: cfg, modes: modes}
	flag.Visit(func(f *flag.Flag) { b.vsSet = b.vsSet || f.Name == "vs" })
	code, err := b.main()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 2
	}
	return code
}

// parseModes turns -mode into a set.
func parseModes(s string) (map[string]bool, error) {
	known := []string{"paired", "throughput", "curve", "init", "instr", "serve"}
	m := map[string]bool{}
	for _, x := range strings.Split(s, ",") {
		x = strings.TrimSpace(x)
		switch {
		case x == "all":
			for _, k := range known {
				m[k] = k != "serve"
			}
		case slices.Contains(known, x):
			m[x] = true
		default:
			return nil, fmt.Errorf("unknown -mode %q (want paired, throughput, curve, init, instr, all or serve)", x)
		}
	}
	return m, nil
}

// bench is one harness run.
type bench struct {
	cfg     config
	modes   map[string]bool
	root    string // module root
	tmp     string
	srv     *server
	ours    contender
	standIn bool
	static  bool   // our binary (and so the bare GET) is statically linked
	vsSet   bool   // -vs was given: every protocol runs every competitor named
	bare    string // bareget binary

	setup     *table
	preflight *table // grows as competitors are checked
	pairs     []pairResult
	rates     []throughputResult
	points    []curvePoint

	tables   []*table
	verdicts []verdict
}

// main runs the selected modes and prints the report.
func (b *bench) main() (int, error) {
	root, err := moduleRoot()
	if err != nil {
		return 0, err
	}
	b.root = root
	b.tmp, err = os.MkdirTemp("", "creatio-bench-")
	if err != nil {
		return 0, fmt.Errorf("creating the temp dir: %w", err)
	}
	if b.cfg.keep {
		fmt.Fprintln(os.Stderr, "bench: temp dir", b.tmp)
	} else {
		defer os.RemoveAll(b.tmp)
	}
	if !b.modes["serve"] {
		b.removeTempOnSignal()
	}

	// The launcher is built static (no dynamic loader, no libc): the
	// smaller it is, the lower the RSS floor it imposes on every child.
	spawnPath = filepath.Join(b.tmp, "spawn")
	if err := goBuild(root, spawnPath, "./bench/spawn", true); err != nil {
		return 0, fmt.Errorf("building bench/spawn: %w", err)
	}
	defer stopLaunchers()

	bin, note, err := b.binaries()
	if err != nil {
		return 0, err
	}
	padSizes := []int{}
	if b.modes["curve"] {
		padSizes = curveSizes
	}
	b.srv, err = startServer(b.tmp, b.cfg.tlsKey, padSizes)
	if err != nil {
		return 0, fmt.Errorf("starting the loopback server: %w", err)
	}
	defer b.srv.Close()
	b.ours = oursContender(bin, b.srv, b.standIn)
	if b.modes["serve"] {
		return b.serve(), nil
	}
	return b.measure(bin, note)
}

// removeTempOnSignal makes SIGINT or SIGTERM remove the temp dir (unless
// -keep) and exit 130; the launchers see their input close and exit by
// themselves.
func (b *bench) removeTempOnSignal() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		if !b.cfg.keep {
			os.RemoveAll(b.tmp)
		}
		fmt.Fprintln(os.Stderr, "bench: interrupted")
		os.Exit(130)
	}()
}

// measure records the set-up, checks that our binary answers, runs the
// selected modes, evaluates the targets and prints the report. It returns
// the exit code: 2 when our binary fails its preflight, 1 when a target
// failed under -strict, else 0.
func (b *bench) measure(bin, note string) (int, error) {
	b.header(bin, note)
	if !b.preflightOurs() {
		b.print()
		return 2, nil
	}
	b.runModes()
	b.targets()
	b.setup.add("RSS floor", fmt.Sprintf("%s MiB: peak VmHWM of the launcher (bench/spawn) that forks the children; no RSS below can be lower", mib(float64(maxFloor.Load()))))
	if err := b.print(); err != nil {
		return 0, err
	}
	if b.cfg.strict && b.failed() {
		return 1, nil
	}
	return 0, nil
}

// runModes runs the selected modes in report order, and notes under each
// mode's table how long it took and how busy the machine was meanwhile.
func (b *bench) runModes() {
	for _, m := range []struct {
		name string
		fn   func()
	}{{"paired", b.paired}, {"throughput", b.throughput}, {"curve", b.curve}, {"init", b.initTrace}, {"instr", b.instr}} {
		if !b.modes[m.name] {
			continue
		}
		load := startLoad()
		m.fn()
		t := b.tables[len(b.tables)-1]
		n := fmt.Sprintf("mode %s took %.0f s", m.name, time.Since(load.start).Seconds())
		if bg := load.note(); bg != "" && m.name != "instr" {
			n += "; " + bg
		}
		t.Notes = append(t.Notes, n)
	}
}
