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
	"debug/elf"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Targets the plugin must reach.
const (
	targetVsBare      = 1.10     // wall and CPU, × bare Go GET
	targetVsCheckHTTP = 1.40     // wall and CPU, × check_http
	targetRSSKiB      = 9 * 1024 // peak RSS
	targetRate        = 200.0    // checks/s, best parallelism level
	targetCurveFlat   = 1.25     // wall at 8 and 50 MiB, × wall at 1 MiB
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
		return 0, err
	}
	if b.cfg.keep {
		fmt.Fprintln(os.Stderr, "bench: temp dir", b.tmp)
	} else {
		defer os.RemoveAll(b.tmp)
	}
	if !b.modes["serve"] {
		// Interrupted: remove the temp dir; the launchers see their input
		// close and exit by themselves.
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

	// The launcher is built static (no dynamic loader, no libc): the
	// smaller it is, the lower the RSS floor it imposes on every child.
	spawnPath = filepath.Join(b.tmp, "spawn")
	if err := goBuild(root, spawnPath, "./bench/spawn", true); err != nil {
		return 0, fmt.Errorf("building bench/spawn: %w", err)
	}
	defer stopLaunchers()

	b.bare = filepath.Join(b.tmp, "bareget")
	bin, standIn, note, err := b.ourBinary()
	if err != nil {
		return 0, err
	}
	b.standIn = standIn
	// The bare GET gets the same build as our binary: if ours is static
	// (CGO_ENABLED=0), so is the bare GET.
	b.static = !standIn && isStatic(bin)
	if !standIn {
		if err := goBuild(root, b.bare, "./bench/bareget", b.static); err != nil {
			return 0, fmt.Errorf("building bench/bareget: %w", err)
		}
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
	b.ours = oursContender(bin, b.srv, standIn)
	if b.modes["serve"] {
		return b.serve(), nil
	}

	b.header(bin, note)
	if !b.preflightOurs() {
		b.print()
		return 2, nil
	}
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
	b.targets()
	b.setup.add("RSS floor", fmt.Sprintf("%s MiB: peak VmHWM of the launcher (bench/spawn) that forks the children; no RSS below can be lower", mib(float64(maxFloor.Load()))))
	if err := b.print(); err != nil {
		return 0, err
	}
	if b.cfg.strict {
		for _, v := range b.verdicts {
			if v.Status == "FAIL" {
				return 1, nil
			}
		}
	}
	return 0, nil
}

// moduleRoot walks up from the working directory to the go.mod of module
// check_creatio_oauth.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(strings.TrimSpace(string(data)), "module check_creatio_oauth") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("run from inside the check_creatio_oauth repository (no go.mod of that module above %s)", dir)
		}
		dir = parent
	}
}

// goBuild builds pkg (relative to root) into out with the release flags,
// with CGO_ENABLED=0 when static is set.
func goBuild(root, out, pkg string, static bool) error {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
	cmd.Dir = root
	if static {
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	}
	msg, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build -trimpath -ldflags \"-s -w\" -o %s %s: %v\n%s", out, pkg, err, msg)
	}
	return nil
}

// isStatic reports whether the ELF executable at path has no program
// interpreter (dynamic loader), as Go programs built with CGO_ENABLED=0.
func isStatic(path string) bool {
	f, err := elf.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return false
		}
	}
	return true
}

// hasSymbols reports whether the ELF executable at path still has its
// symbol table or DWARF, i.e. was not built with -ldflags "-s -w".
func hasSymbols(path string) bool {
	f, err := elf.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	return f.Section(".symtab") != nil || f.Section(".debug_info") != nil
}

// linking describes how the ELF executable at path is linked.
func linking(path string) string {
	if isStatic(path) {
		return "static"
	}
	return "dynamic (cgo: ld.so and libc are loaded at start)"
}

// ourBinary resolves -bin: an existing file, the bare GET stand-in, or a
// fresh build of the repository into the temp dir. It returns a note about
// where the binary came from.
func (b *bench) ourBinary() (path string, standIn bool, note string, err error) {
	if b.cfg.bin == "bareget" {
		if err := goBuild(b.root, b.bare, "./bench/bareget", false); err != nil {
			return "", false, "", fmt.Errorf("building bench/bareget: %w", err)
		}
		return b.bare, true, "STAND-IN: the bare GET program plays our binary (-bin bareget); numbers are not the plugin's", nil
	}
	if !b.cfg.rebuild {
		for _, p := range candidates(b.cfg.bin, b.root) {
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				note = "binary: " + p
				if hasSymbols(p) {
					note += " (WARNING: not stripped, so not the release build -ldflags \"-s -w\"; make build, or pass -rebuild)"
				}
				if newer := newestSource(b.root); newer.After(st.ModTime()) {
					note += fmt.Sprintf(" (WARNING: older than the newest .go source, %s; rebuild it or pass -rebuild)", newer.Format(time.TimeOnly))
				}
				return p, false, note, nil
			}
		}
	}
	out := filepath.Join(b.tmp, "check_creatio_oauth")
	fmt.Fprintf(os.Stderr, "bench: building our binary: go build -trimpath -ldflags \"-s -w\" -o %s .\n", out)
	if err := goBuild(b.root, out, ".", false); err != nil {
		return "", false, "", fmt.Errorf("%v\n(the plugin does not build yet? try -bin bareget to exercise the harness)", err)
	}
	return out, false, "binary: built from " + b.root + " into a temp dir", nil
}

// candidates lists where -bin may be: as given (relative to the working
// directory), then relative to the module root.
func candidates(bin, root string) []string {
	out := []string{}
	if abs, err := filepath.Abs(bin); err == nil {
		out = append(out, abs)
	}
	if !filepath.IsAbs(bin) {
		out = append(out, filepath.Join(root, bin))
	}
	return out
}

// newestSource returns the modification time of the newest .go file of the
// plugin (outside bench/ and testdata/).
func newestSource(root string) time.Time {
	var newest time.Time
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			switch d.Name() {
			case "bench", "testdata", ".git", "vendor":
				if p != root {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			if info, err := d.Info(); err == nil && info.ModTime().After(newest) {
				newest = info.ModTime()
			}
		}
		return nil
	})
	return newest
}

// serve prints how to reach the loopback server and the command line of
// every program, then serves until SIGINT or SIGTERM: for measuring by hand
// (perf, strace, valgrind).
func (b *bench) serve() int {
	for _, proto := range protocols {
		fmt.Printf("%-7s %s%s\n", proto, b.srv.Base(proto), healthPath)
	}
	fmt.Printf("CA      %s\n", b.srv.CAFile)
	for _, s := range curveSizes {
		fmt.Printf("padded  %s%s%d%s\n", b.srv.Base(protoHTTP), padPrefix, s, healthPath)
	}
	fmt.Println("Note: the binaries and the CA live in a temp dir that is removed on exit.")
	comps, _ := competitors(allCompetitors, b.bare, b.srv)
	for _, proto := range protocols {
		for _, c := range append([]contender{b.ours}, comps...) {
			cmd := c.Cmd(proto, b.srv.Base(proto))
			fmt.Printf("%-7s %s %s\n", proto, cmd.Path, strings.Join(cmd.Args, " "))
		}
	}
	fmt.Println("serving; Ctrl-C to stop")
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	return 0
}

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

// preflightOurs checks that our binary answers OK over HTTP (and HTTPS when
// paired mode uses it) with exactly one request, before anything is timed.
func (b *bench) preflightOurs() bool {
	t := &table{Title: "Preflight (one run each against the ok answer)", Head: []string{"program", "proto", "result", "requests"}, Left: 3}
	ok := true
	for _, proto := range protocols {
		if !b.available(proto) {
			continue
		}
		line, reqs, good := preflight(b.ours, proto, b.srv)
		t.add(b.ours.Name, proto, line, fmt.Sprint(reqs))
		if !good && proto == protoHTTP {
			ok = false
		}
		if !good {
			t.Notes = append(t.Notes, fmt.Sprintf("our binary failed over %s: its numbers below count as wrong states", proto))
		}
	}
	if !ok {
		t.Notes = append(t.Notes, "our binary does not answer OK over plain HTTP: nothing else is measured")
	}
	b.tables = append(b.tables, t)
	b.preflight = t
	return ok
}

// official reports whether the targets apply to proto: plain HTTP
// and HTTPS with --ca-file; https12 and https-sys are for information.
func official(proto string) bool { return proto == protoHTTP || proto == protoHTTPS }

// available reports whether proto can be measured here.
func (b *bench) available(proto string) bool {
	return proto != protoHTTPSSys || b.srv.SysBundle != ""
}

// protoList returns the protocols of -proto.
func (b *bench) protoList() []string {
	var out []string
	for _, p := range strings.Split(b.cfg.protos, ",") {
		if p = strings.TrimSpace(p); slices.Contains(protocols, p) && b.available(p) {
			out = append(out, p)
		}
	}
	return out
}

// paired runs every comparison and records the paired table.
func (b *bench) paired() {
	want := []string{}
	for _, n := range strings.Split(b.cfg.vs, ",") {
		if n = strings.TrimSpace(n); n != "" {
			want = append(want, n)
		}
	}
	comps, skipped := competitors(want, b.bare, b.srv)
	fmt.Fprintln(os.Stderr, "bench: paired runs")
	b.pairs = nil
	for _, proto := range b.protoList() {
		for _, c := range comps {
			if !official(proto) && !b.vsSet && c.Name != nameBare && c.Name != nameCheckHTTP {
				continue // extra protocols: only the targets' references, unless -vs says otherwise
			}
			line, reqs, good := preflight(c, proto, b.srv)
			b.preflight.add(c.Name, proto, line, fmt.Sprint(reqs))
			if !good {
				skipped = append(skipped, fmt.Sprintf("%s over %s: preflight failed: %s", c.Name, proto, line))
				continue
			}
			b.pairs = append(b.pairs, runPaired(b.ours, c, proto, b.srv, b.cfg.warm, b.cfg.runs))
		}
	}
	t := &table{
		Title: fmt.Sprintf("Paired runs: %s vs each, A B A B …, ratios = median of per-pair ours/theirs [IQR]", b.ours.Name),
		Head:  []string{"proto", "vs", "pairs", "wall ours ms", "wall them ms", "wall ×", "[IQR]", "CPU ours ms", "CPU them ms", "CPU ×", "[IQR]", "RSS ours MiB", "RSS them MiB", "bad ours/them"},
		Left:  2,
	}
	for _, r := range b.pairs {
		s := r.stats()
		t.add(r.Proto, r.Vs, fmt.Sprint(len(r.A)),
			f2(s.WallA), f2(s.WallB), f2(s.WallRatio.Median), "["+f2(s.WallRatio.P25)+"–"+f2(s.WallRatio.P75)+"]",
			f2(s.CPUA), f2(s.CPUB), f2(s.CPURatio.Median), "["+f2(s.CPURatio.P25)+"–"+f2(s.CPURatio.P75)+"]",
			mib(s.RSSA), mib(s.RSSB), fmt.Sprintf("%d/%d", s.BadA, s.BadB))
	}
	t.Notes = append(t.Notes, "ms and MiB are medians; wall = fork/exec to reaped; CPU = child user+sys; RSS = child ru_maxrss. Ratios < 1: ours is cheaper.",
		"https = TLS 1.3, https12 = TLS 1.2, both with the test CA only (--ca-file, --cacert, --ca-cert -D); https-sys = TLS 1.3 verified against the system CA bundle plus the test CA (SSL_CERT_FILE for the Go programs), as for a public certificate. check_http -S never verifies.")
	for _, r := range b.pairs {
		if r.Vs == nameCheckHTTP && r.Proto != protoHTTP && r.Proto != protoHTTPS12 {
			t.Notes = append(t.Notes, "check_http over TLS 1.3 stalls ~40 ms per run (TCP delayed ACK against its record reads), so its wall time there says little; compare CPU, or https12.")
			break
		}
	}
	for _, r := range b.pairs {
		if n := atFloor(r.A) + atFloor(r.B); n > 0 {
			t.Notes = append(t.Notes, fmt.Sprintf("%s vs %s: %d RSS values at the launcher floor (true value may be lower)", r.Proto, r.Vs, n))
		}
	}
	for _, s := range skipped {
		t.Notes = append(t.Notes, "skipped: "+s)
	}
	b.tables = append(b.tables, t)
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

// curve runs the answer-size curve and records the table.
func (b *bench) curve() {
	rounds := max(5, b.cfg.runs/5)
	if b.cfg.quick {
		rounds = 3
	}
	fmt.Fprintln(os.Stderr, "bench: cost curve")
	b.points = runCurve(b.ours, b.srv, min(b.cfg.warm, 3), rounds)
	var ref float64
	for _, p := range b.points {
		if p.Size == 1<<20 {
			ref = medianWall(p.Samples)
		}
	}
	t := &table{
		Title: fmt.Sprintf("Cost curve: %s over HTTP vs answer size (padded ok JSON), %d rounds", b.ours.Name, rounds),
		Head:  []string{"answer", "runs", "wall ms", "× 1 MiB", "CPU ms", "RSS MiB", "states"},
		Left:  1,
	}
	for _, p := range b.points {
		var cpu, rss []float64
		for _, s := range p.Samples {
			cpu = append(cpu, ms(s.CPU))
			rss = append(rss, float64(s.RSSKiB))
		}
		w := medianWall(p.Samples)
		rel := "-"
		if ref > 0 {
			rel = f2(w / ref)
		}
		t.add(humanSize(int64(p.Size)), fmt.Sprint(len(p.Samples)), f2(w), rel, f2(median(cpu)), mib(median(rss)), exits(p.Samples))
	}
	t.Notes = append(t.Notes, "UNKNOWN is the expected state past the plugin's 1 MiB body cap (--max-body); the cost must stay flat there.")
	b.tables = append(b.tables, t)
}

// medianWall is the median wall time of ss in ms.
func medianWall(ss []sample) float64 {
	var w []float64
	for _, s := range ss {
		w = append(w, ms(s.Wall))
	}
	return median(w)
}

// initTrace profiles package initialisation of ours and the bare GET.
func (b *bench) initTrace() {
	fmt.Fprintln(os.Stderr, "bench: init trace")
	ours := profileInit(b.ours.Cmd(protoHTTP, b.srv.Base(protoHTTP)), b.cfg.initRuns)
	bare := profileInit(command{Path: b.bare, Args: []string{b.srv.Base(protoHTTP) + healthPath}}, b.cfg.initRuns)
	t := &table{
		Title: fmt.Sprintf("Package init (GODEBUG=inittrace=1, median of %d runs): costliest in %s", ours.Runs, b.ours.Name),
		Head:  []string{"package", "clock ms", "bytes", "allocs", "in bare GET"},
		Left:  1,
	}
	for i, e := range ours.Entries {
		if i == 15 {
			break
		}
		inBare := "no"
		if bare.has(e.Pkg) {
			inBare = "yes"
		}
		t.add(e.Pkg, fmt.Sprintf("%.3f", e.ClockMs), fmt.Sprintf("%.0f", e.Bytes), fmt.Sprintf("%.0f", e.Allocs), inBare)
	}
	var extra []string
	var extraMs float64
	for _, e := range ours.Entries {
		if !bare.has(e.Pkg) {
			extra = append(extra, e.Pkg)
			extraMs += e.ClockMs
		}
	}
	t.Notes = append(t.Notes,
		fmt.Sprintf("%s: %d packages with init, %.3f ms summed init clock, main.main starts at %.3f ms", b.ours.Name, ours.Pkgs, ours.TotalMs, ours.MainAt),
		fmt.Sprintf("%s: %d packages with init, %.3f ms summed init clock, main.main starts at %.3f ms", nameBare, bare.Pkgs, bare.TotalMs, bare.MainAt),
		fmt.Sprintf("inits only in ours (%d, %.3f ms): %s", len(extra), extraMs, strings.Join(extra, " ")),
		"Times are from process start as the Go runtime sees it (after exec and the dynamic loader, which a static Go binary skips).")
	b.tables = append(b.tables, t)
}

// instr counts instructions under callgrind for ours and the bare GET.
func (b *bench) instr() {
	vg := valgrindPath()
	if vg == "" {
		t := &table{Title: "Instructions (callgrind)", Head: []string{"note"}, Left: 1}
		t.add("valgrind not installed: skipped (apt-get install valgrind)")
		b.tables = append(b.tables, t)
		return
	}
	fmt.Fprintln(os.Stderr, "bench: instruction counts (callgrind)")
	t := &table{
		Title: fmt.Sprintf("Instructions executed (valgrind --tool=callgrind, all threads, median of %d)", b.cfg.instrRuns),
		Head:  []string{"proto", "program", "instructions", "× bare GET", "exit"},
		Left:  2,
	}
	bareC, _ := competitors([]string{nameBare}, b.bare, b.srv)
	for _, proto := range b.protoList() {
		if proto == protoHTTPS12 {
			continue // costs as https: not worth the slow callgrind runs
		}
		base := b.srv.Base(proto)
		var bareIr float64
		for _, c := range []contender{bareC[0], b.ours} {
			var irs []float64
			exit, note := 0, ""
			for i := 0; i < b.cfg.instrRuns; i++ {
				ir, e, n := countInstructions(vg, c.Cmd(proto, base), b.tmp, fmt.Sprint(i))
				exit, note = e, n
				if ir > 0 {
					irs = append(irs, float64(ir))
				}
			}
			m := median(irs)
			rel := "-"
			if c.Name == nameBare {
				bareIr = m
			} else if bareIr > 0 {
				rel = f2(m / bareIr)
			}
			cell := fmt.Sprintf("%.0f", m)
			if len(irs) == 0 {
				cell = "? " + note
			}
			t.add(proto, c.Name, cell, rel, fmt.Sprint(exit))
		}
	}
	t.Notes = append(t.Notes, "User-space instructions only; deterministic to a fraction of a percent, so a good guide for start-up work (kernel time, page faults and cache misses are not counted).")
	b.tables = append(b.tables, t)
}

// targets evaluates the targets against what was measured.
func (b *bench) targets() {
	add := func(status, what, got string) { b.verdicts = append(b.verdicts, verdict{status, what, got}) }
	check := func(ok bool) string {
		if ok {
			return "PASS"
		}
		return "FAIL"
	}
	if b.modes["paired"] {
		for _, proto := range b.protoList() {
			// Targets hold for http and https (--ca-file); the other
			// protocols are reported for information.
			pcheck := func(ok bool) string {
				if !official(proto) {
					return "info"
				}
				return check(ok)
			}
			for _, vs := range []struct {
				name  string
				limit float64
			}{{nameBare, targetVsBare}, {nameCheckHTTP, targetVsCheckHTTP}} {
				var found *pairResult
				for i := range b.pairs {
					if b.pairs[i].Proto == proto && b.pairs[i].Vs == vs.name {
						found = &b.pairs[i]
					}
				}
				for _, metric := range []string{"wall", "CPU"} {
					what := fmt.Sprintf("%-4s ≤ %.2f× %s over %s", metric, vs.limit, vs.name, proto)
					if found == nil {
						add("SKIP", what, "not measured")
						continue
					}
					s := found.stats()
					r := s.WallRatio.Median
					if metric == "CPU" {
						r = s.CPURatio.Median
					}
					add(pcheck(r <= vs.limit), what, f2(r)+"×")
				}
			}
			var rss []float64
			for _, r := range b.pairs {
				if r.Proto == proto {
					for _, s := range r.A {
						rss = append(rss, float64(s.RSSKiB))
					}
				}
			}
			what := fmt.Sprintf("peak RSS ≤ %d MiB over %s (median of our runs)", targetRSSKiB/1024, proto)
			if len(rss) == 0 {
				add("SKIP", what, "not measured")
			} else {
				add(pcheck(median(rss) <= targetRSSKiB), what, mib(median(rss))+" MiB")
			}
		}
		badOurs, total := 0, 0
		for _, r := range b.pairs {
			badOurs += bad(r.A)
			total += len(r.A)
		}
		add(check(badOurs == 0 && total > 0), "paired runs: every run of ours OK (exit 0)", fmt.Sprintf("%d wrong of %d", badOurs, total))
	}
	if b.modes["throughput"] {
		best, wrong, total := 0.0, 0, 0
		bestP := 0
		for _, r := range b.rates {
			if r.Rate() > best {
				best, bestP = r.Rate(), r.Parallel
			}
			wrong += r.Wrong
			total += r.Checks
		}
		add(check(best >= targetRate), fmt.Sprintf("throughput ≥ %.0f checks/s (best level)", targetRate), fmt.Sprintf("%.0f/s at %d parallel", best, bestP))
		add(check(wrong == 0 && total > 0), "throughput: zero wrong states", fmt.Sprintf("%d wrong of %d", wrong, total))
	}
	if b.modes["curve"] {
		var ref float64
		for _, p := range b.points {
			if p.Size == 1<<20 {
				ref = medianWall(p.Samples)
			}
		}
		for _, p := range b.points {
			if p.Size <= 1<<20 {
				continue
			}
			r := medianWall(p.Samples) / ref
			add(check(ref > 0 && r <= targetCurveFlat), fmt.Sprintf("curve flat: wall at %s ≤ %.2f× wall at 1 MiB", humanSize(int64(p.Size)), targetCurveFlat), f2(r)+"×")
		}
	}
}

// print writes every table and the verdicts to stdout, and as markdown to
// -out when set.
func (b *bench) print() error {
	w := os.Stdout
	for _, t := range b.tables {
		t.text(w)
	}
	if len(b.verdicts) > 0 {
		fmt.Fprintln(w, "\nTargets")
		for _, v := range b.verdicts {
			fmt.Fprintf(w, "  %s  %-62s %s\n", v.Status, v.What, v.Got)
		}
	}
	if b.standIn {
		fmt.Fprintln(w, "\nNOTE: -bin bareget: the bare GET stood in for the plugin; these numbers only exercise the harness.")
	}
	if b.cfg.out == "" {
		return nil
	}
	f, err := os.Create(b.cfg.out)
	if err != nil {
		return err
	}
	b.markdown(f)
	return f.Close()
}

// markdown writes the whole report as markdown.
func (b *bench) markdown(w io.Writer) {
	fmt.Fprintln(w, "## check_creatio_oauth benchmark")
	for _, t := range b.tables {
		t.markdown(w)
	}
	if len(b.verdicts) > 0 {
		vt := &table{Title: "Targets", Head: []string{"result", "target", "measured"}, Left: 3}
		for _, v := range b.verdicts {
			vt.add(v.Status, v.What, v.Got)
		}
		vt.markdown(w)
	}
	if b.standIn {
		fmt.Fprintln(w, "\n_The bare GET stood in for the plugin (-bin bareget); these numbers only exercise the harness._")
	}
}
