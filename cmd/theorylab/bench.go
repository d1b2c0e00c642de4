package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"theorylab/pkg/backend"
	"theorylab/pkg/bench"
	"theorylab/pkg/runs"
)

// childEnv marks a `theorylab bench` process started by another one to
// measure one backend (it lets a test binary act as the command, too).
const childEnv = "THEORYLAB_BENCH_CHILD"

// SIMD switches of GoMLX's pure-Go backend (github.com/gomlx/compute's
// internal/gobackend/simd_x86.go): set to false, its kernels do without
// AVX-512 (or AVX2) even where the CPU has them.
const (
	envSIMDAVX512 = "GOMLX_GO_SIMD_AVX512"
	envSIMDAVX2   = "GOMLX_GO_SIMD_AVX2"
)

// runBench is `theorylab bench`: it measures pkg/bench's workloads on every
// available backend and beside them the same workloads in PyTorch on the CPU
// (bench/torch_ref.py). Every backend runs in its own process (the backend is
// process-wide), and so does the reference; all of them stay up for the whole
// run, and each round asks each of them in turn to time each workload, so
// that the ratios compare timings taken seconds apart. It prints a table with
// the ratios and the targets and, with --out, writes the JSON report. Exit
// status: 0 ok, 2 usage error, 1 a workload failed or the report could not be
// written. A missing reference (no PyTorch) is reported, not a failure.
func runBench(args []string) int { return runBenchTo(args, os.Stdout, os.Stderr) }

type benchFlags struct {
	out, only, backends, reference, simd string
	minTime                              time.Duration
	threads, rounds                      int
	serve                                bool
}

func runBenchTo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("theorylab bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f benchFlags
	fs.StringVar(&f.out, "out", "", "write the JSON report to `FILE` (atomically)")
	fs.StringVar(&f.only, "only", "", "measure only the workloads whose names match `REGEX`")
	fs.DurationVar(&f.minTime, "min-time", time.Second, "time each workload at least this long per round (and at least 3 calls)")
	fs.IntVar(&f.rounds, "rounds", 3, "rounds of interleaved timings (whole presets are timed once)")
	fs.StringVar(&f.backends, "backends", "", "comma-separated backend `LIST` to measure; an entry may add environment settings "+
		"after +, e.g. go+GOMLX_GO_SIMD_AVX512=false (default: $GOMLX_BACKEND when set, else xla:cpu when it loads, "+
		backend.PureGoConfig+" and the other pure-Go executor)")
	fs.StringVar(&f.simd, "simd-variants", "^"+regexp.QuoteMeta(bench.NameMNISTStep)+"$",
		"also measure the workloads matching `REGEX` on each pure-Go backend with AVX-512 off, and with AVX-512 and AVX2 off "+
			"(\"\" for none)")
	fs.StringVar(&f.reference, "reference", "torch", "`torch` to measure the PyTorch CPU reference beside, none to skip it")
	fs.IntVar(&f.threads, "threads", runtime.NumCPU(), "CPU threads for every backend and PyTorch (fewer than the CPUs: "+
		"every process pinned to the first ones with taskset)")
	fs.BoolVar(&f.serve, "serve", false, "internal: serve timing requests on this process's backend (pkg/bench.Serve)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: theorylab bench [--out FILE] [--only REGEX] [--min-time DURATION] [--rounds N] "+
			"[--backends LIST] [--simd-variants REGEX] [--reference torch|none] [--threads N]")
		fmt.Fprintln(fs.Output(), "workloads:")
		for _, w := range bench.Workloads() {
			fmt.Fprintf(fs.Output(), "  %-22s %s\n", w.Name, w.Description)
		}
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "theorylab bench: "+format+"\n", a...)
		return exitUsage
	}
	switch {
	case fs.NArg() > 0:
		return usage("unexpected arguments %q", fs.Args())
	case f.minTime < 0:
		return usage("--min-time must be ≥ 0, got %v", f.minTime)
	case f.threads < 1:
		return usage("--threads must be ≥ 1, got %d", f.threads)
	case f.rounds < 1:
		return usage("--rounds must be ≥ 1, got %d", f.rounds)
	case f.reference != "torch" && f.reference != "none":
		return usage("--reference must be torch or none, got %q", f.reference)
	}
	if f.out != "" {
		if info, err := os.Stat(f.out); err == nil && info.IsDir() {
			return usage("--out %q is a directory; give a file name", f.out)
		}
	}
	simd, err := regexp.Compile(f.simd)
	if err != nil {
		return usage("bad --simd-variants pattern: %v", err)
	}
	ws, err := bench.Select(f.only)
	if err != nil {
		return usage("%v", err)
	}
	if f.serve {
		if err := bench.Serve(ws, os.Stdin, os.NewFile(bench.ServerFD, "bench-answers"), stderr); err != nil {
			fmt.Fprintf(stderr, "theorylab bench: %v\n", err)
			return exitFailure
		}
		return exitOK
	}
	if f.simd == "" {
		simd = nil
	}
	return benchAll(ws, f, simd, stdout, stderr)
}

// side is one process that times workloads: a backend, or the reference.
type side struct {
	label     string                 // the backend as reported: "xla:cpu", "go+GOMLX_GO_SIMD_AVX512=false", "PyTorch"
	workloads map[string]bool        // the workloads it times
	srv       *bench.Server          // a backend's server
	ref       *bench.ReferenceServer // the reference's
}

// benchBackends is the list of backends to measure and, for those left out,
// why.
func benchBackends(flagValue string) (list []string, notes []string) {
	if flagValue != "" {
		for _, b := range strings.Split(flagValue, ",") {
			if b = strings.TrimSpace(b); b != "" {
				list = append(list, b)
			}
		}
		return list, nil
	}
	if c := os.Getenv(backend.EnvVar); strings.TrimSpace(c) != "" {
		return []string{strings.TrimSpace(c)}, nil
	}
	if backend.DefaultConfig() == backend.XLACPUConfig {
		list = append(list, backend.XLACPUConfig)
	} else {
		backend.MustGet() // prints the one line that says why XLA is not available
		notes = append(notes, fmt.Sprintf("%s not measured: %s", backend.XLACPUConfig, backend.FallbackReason()))
	}
	// Both executors of the pure-Go backend: the lab's configuration first.
	list = append(list, backend.PureGoConfig)
	for _, c := range []string{"go", "go:ops_sequential"} {
		if !slices.Contains(list, c) {
			list = append(list, c)
		}
	}
	return list, notes
}

// splitLabel splits a backend entry "CONFIG+NAME=VALUE+…" into the GoMLX
// configuration and the environment settings.
func splitLabel(label string) (config string, env []string) {
	parts := strings.Split(label, "+")
	return parts[0], parts[1:]
}

// simdVariants are the labels of b with AVX-512 off, and with AVX-512 and AVX2 off.
func simdVariants(b string) []string {
	return []string{b + "+" + envSIMDAVX512 + "=false", b + "+" + envSIMDAVX512 + "=false+" + envSIMDAVX2 + "=false"}
}

func benchAll(ws []bench.Workload, f benchFlags, simd *regexp.Regexp, stdout, stderr io.Writer) int {
	backends, notes := benchBackends(f.backends)
	m := bench.ThisMachine()
	load := "unknown"
	if m.LoadAverage != nil {
		load = fmt.Sprintf("%.2f", *m.LoadAverage)
	}
	fmt.Fprintf(stdout, "machine: %s/%s, %d CPUs, %s (%s), %s; load average %s when starting\n",
		m.GOOS, m.GOARCH, m.CPUs, orUnknown(m.CPUModel), orNone(m.CPUSIMD), m.GoVersion, load)
	fmt.Fprintf(stdout, "backends: %s; reference: %s; %s; %d rounds, each the median of ≥ 3 calls over ≥ %v per workload "+
		"(whole presets: one call)\n", strings.Join(backends, ", "), f.reference, pinNote(f.threads), f.rounds, f.minTime)
	notes = append(notes, pinNote(f.threads))

	// Who times what.
	var sides []*side
	for _, b := range backends {
		s := &side{label: b, workloads: map[string]bool{}}
		for _, w := range ws {
			s.workloads[w.Name] = true
		}
		sides = append(sides, s)
		if simd == nil || strings.Contains(b, "+") || !strings.HasPrefix(b, "go") { // variants of the pure-Go backend only
			continue
		}
		for _, v := range simdVariants(b) {
			s := &side{label: v, workloads: map[string]bool{}}
			for _, w := range ws {
				if !w.Single && simd.MatchString(w.Name) {
					s.workloads[w.Name] = true
				}
			}
			if len(s.workloads) > 0 {
				sides = append(sides, s)
			}
		}
	}

	tmp, err := os.MkdirTemp("", "theorylab-bench-")
	if err != nil {
		fmt.Fprintf(stderr, "theorylab bench: %v\n", err)
		return exitFailure
	}
	defer os.RemoveAll(tmp)

	failed := false
	var live []*side
	for _, s := range sides {
		if err := startSide(s, f, stderr); err != nil {
			fmt.Fprintf(stderr, "theorylab bench: %s: %v\n", s.label, err)
			notes = append(notes, fmt.Sprintf("%s not measured: %v", s.label, err))
			failed = true
			continue
		}
		live = append(live, s)
	}
	var refInfo *bench.Reference
	if f.reference == "torch" {
		ref, err := startReference(ws, f, tmp, stderr)
		if err != nil {
			notes = append(notes, "reference not measured: "+err.Error())
			fmt.Fprintf(stdout, "note: reference not measured: %v\n", err)
		} else {
			info := ref.ref.Info
			refInfo = &info
			live = append(live, ref)
		}
	}
	defer func() {
		for _, s := range live {
			s.close()
		}
	}()

	var ours []bench.Sample
	var refs []bench.RefSample
	var loads []float64
	measure := func(s *side, w bench.Workload, round int) {
		if l := bench.LoadAverage(); l != nil {
			loads = append(loads, *l)
		}
		if s.ref != nil {
			r, err := s.ref.Measure(w.Name, f.minTime)
			if err != nil {
				fmt.Fprintf(stderr, "theorylab bench: reference: %s: %v\n", w.Name, err)
				return
			}
			refs = append(refs, bench.RefSample{Round: round, Result: r})
			return
		}
		var r bench.Result
		if err := s.srv.Do(bench.Request{Name: w.Name, MinTime: f.minTime.Seconds()}, &r); err != nil {
			fmt.Fprintf(stderr, "theorylab bench: %s: %v\n", s.label, err)
			failed = true
			return
		}
		r.Backend = s.label
		ours = append(ours, bench.Sample{Round: round, Result: r})
	}
	// Rounds: every workload on every side, the sides' order turned by one
	// each round so that no side is always first after another's work.
	for round := 1; round <= f.rounds; round++ {
		for _, w := range ws {
			if w.Single {
				continue
			}
			n := len(live)
			for i := range n {
				s := live[(i+round-1)%n]
				if s.times(w) {
					measure(s, w, round)
				}
			}
		}
	}
	// Whole presets: once per backend, no reference.
	for _, w := range ws {
		if !w.Single {
			continue
		}
		for _, s := range live {
			if s.ref == nil && s.times(w) {
				measure(s, w, 1)
			}
		}
	}

	rep := bench.BuildReport(ours, refs, refInfo, f.minTime, f.rounds)
	rep.Threads = f.threads
	rep.Load = bench.SummarizeLoad(loads)
	if rep.Load != nil && rep.Load.Max > 0.5 {
		busy := fmt.Sprintf("the machine was busy: 1-minute load average %.2f–%.2f (median %.2f) on %d CPUs while timing; "+
			"timings are noisy, ratios (taken seconds apart, median over rounds) less so", rep.Load.Min, rep.Load.Max,
			rep.Load.Median, m.CPUs)
		if f.threads > 1 {
			busy += "; with several threads PyTorch's OpenMP (and XLA's pool) wait for descheduled threads, " +
				"so ratios can be far off: --threads 1 pins every process to one core"
		}
		notes = append(notes, busy)
	}
	rep.Notes = notes
	printBenchTable(stdout, rep)
	if f.out != "" {
		if err := runs.WriteJSON(f.out, rep); err != nil {
			fmt.Fprintf(stderr, "theorylab bench: writing %s: %v\n", f.out, err)
			return exitFailure
		}
		fmt.Fprintf(stdout, "wrote %s\n", f.out)
	}
	if failed {
		return exitFailure
	}
	return exitOK
}

func (s *side) times(w bench.Workload) bool {
	if s.ref != nil {
		return w.HasReference() && !w.Single
	}
	return s.workloads[w.Name]
}

func (s *side) close() {
	if s.srv != nil {
		_ = s.srv.Close()
	}
	if s.ref != nil {
		_ = s.ref.Close()
	}
}

// startSide starts this program again as `theorylab bench --serve` with
// GOMLX_BACKEND and the side's environment settings.
func startSide(s *side, f benchFlags, stderr io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	config, env := splitLabel(s.label)
	for _, e := range env {
		if !strings.Contains(e, "=") {
			return fmt.Errorf("backend entry %q: %q is not NAME=VALUE", s.label, e)
		}
	}
	cmd := exec.Command(exe, "bench", "--serve", "--only", f.only, "--threads", strconv.Itoa(f.threads))
	cmd.Env = append(os.Environ(), backend.EnvVar+"="+config, childEnv+"=1", "GOMAXPROCS="+strconv.Itoa(f.threads))
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	pin(cmd, f.threads)
	srv, err := bench.StartServer(cmd)
	if err != nil {
		return err
	}
	var hello bench.Hello
	if err := json.Unmarshal(srv.Hello, &hello); err != nil {
		srv.Close()
		return err
	}
	fmt.Fprintf(stderr, "bench: %s: %s\n", s.label, hello.Describe)
	s.srv = srv
	return nil
}

func startReference(ws []bench.Workload, f benchFlags, tmp string, stderr io.Writer) (*side, error) {
	python, version, err := bench.FindTorchPython()
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "bench: reference: PyTorch %s with %s\n", version, python)
	dir := filepath.Join(tmp, "reference")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := bench.WriteReferenceInputs(dir, ws); err != nil {
		return nil, err
	}
	ref, err := bench.StartReference(python, dir, f.threads, stderr, func(cmd *exec.Cmd) { pin(cmd, f.threads) })
	if err != nil {
		return nil, err
	}
	return &side{label: "PyTorch", ref: ref}, nil
}

// pin makes cmd run on the first threads CPUs only (with taskset), when that
// is fewer than the machine has: XLA sizes its thread pool by the CPUs the
// process may run on, PyTorch's BLAS and OpenMP pools follow their own
// settings, and pinning holds all of them to the same number of cores.
func pin(cmd *exec.Cmd, threads int) {
	if threads >= runtime.NumCPU() {
		return
	}
	taskset, err := exec.LookPath("taskset")
	if err != nil {
		return
	}
	cpus := "0"
	if threads > 1 {
		cpus = fmt.Sprintf("0-%d", threads-1)
	}
	cmd.Args = append([]string{taskset, "-c", cpus}, cmd.Args...)
	cmd.Path = taskset
}

// pinNote says how --threads was applied.
func pinNote(threads int) string {
	if threads >= runtime.NumCPU() {
		return fmt.Sprintf("%d threads: every CPU of the machine", threads)
	}
	if _, err := exec.LookPath("taskset"); err != nil {
		return fmt.Sprintf("%d threads (GOMAXPROCS and PyTorch), but no taskset: XLA uses every CPU", threads)
	}
	return fmt.Sprintf("%d threads, every process pinned to CPUs 0..%d with taskset", threads, threads-1)
}

// printBenchTable prints one line per workload and backend, with the
// reference's time and the ratio (reference time / ours: above 1 is faster),
// then the ratios as a workload × backend matrix, the targets and the notes.
func printBenchTable(w io.Writer, rep bench.Report) {
	if rep.Reference != "" {
		fmt.Fprintf(w, "reference: %s\nreference BLAS (found at run time): %s\n", rep.Reference, orUnknown(rep.ReferenceBLAS))
	}
	if rep.Load != nil {
		fmt.Fprintf(w, "load average while timing: %.2f–%.2f, median %.2f (%d samples, %d CPUs)\n",
			rep.Load.Min, rep.Load.Max, rep.Load.Median, rep.Load.Samples, rep.Machine.CPUs)
	}
	width := len("backend")
	for _, e := range rep.Workloads {
		width = max(width, len(e.Backend))
	}
	row := "%-18s %-" + strconv.Itoa(width) + "s %11s %-7s %8s %11s %8s %13s %8s %8s\n"
	fmt.Fprintf(w, "\n"+row, "workload", "backend", "ms per op", "op", "GFLOP/s", "PyTorch ms", "ratio", "ratio range", "best", "check Δ")
	for _, e := range rep.Workloads {
		gflops, refMs, ratio, spread, best, check := "-", "-", "-", "-", "-", "-"
		if e.GFLOPS != nil {
			gflops = fmt.Sprintf("%.1f", *e.GFLOPS)
		}
		if e.ReferenceMsPerStep != nil {
			refMs = fmt.Sprintf("%.3f", *e.ReferenceMsPerStep)
			ratio = fmt.Sprintf("%.2f×", *e.Ratio)
			if len(e.RatioRounds) > 1 {
				spread = fmt.Sprintf("%.2f–%.2f", slices.Min(e.RatioRounds), slices.Max(e.RatioRounds))
			}
			if e.RatioOfBest != nil {
				best = fmt.Sprintf("%.2f×", *e.RatioOfBest)
			}
		}
		if e.CheckRelDiff != nil {
			check = fmt.Sprintf("%.0e", *e.CheckRelDiff)
			if *e.CheckRelDiff > bench.CheckTolerance(e.Name) {
				check += "!"
			}
		}
		fmt.Fprintf(w, row, e.Name, e.Backend, fmt.Sprintf("%.3f", e.MsPerStep), e.Unit, gflops, refMs, ratio, spread, best, check)
	}
	fmt.Fprintln(w, "ratio = PyTorch time / our time (above 1: faster than PyTorch), median over the rounds; range: lowest–highest "+
		"round; best: PyTorch's fastest round / our fastest round; check Δ = relative difference of a number computed from both outputs (! above the tolerance: not the same computation)")
	printRatioMatrix(w, rep)
	if len(rep.Targets) > 0 {
		fmt.Fprintln(w, "\ntargets (ratios in this run):")
		for _, t := range rep.Targets {
			fmt.Fprintln(w, "  "+t.String())
		}
	}
	for _, n := range rep.Notes {
		fmt.Fprintln(w, "note: "+n)
	}
}

// printRatioMatrix prints the ratios as one row per workload and one column
// per backend that has any.
func printRatioMatrix(w io.Writer, rep bench.Report) {
	var names, backends []string
	ratio := map[[2]string]float64{}
	for _, e := range rep.Workloads {
		if e.Ratio == nil {
			continue
		}
		if !slices.Contains(names, e.Name) {
			names = append(names, e.Name)
		}
		if !slices.Contains(backends, e.Backend) {
			backends = append(backends, e.Backend)
		}
		ratio[[2]string{e.Name, e.Backend}] = *e.Ratio
	}
	if len(names) == 0 {
		return
	}
	fmt.Fprintln(w, "\nratios to PyTorch (median over rounds):")
	fmt.Fprintf(w, "  %-18s", "")
	for i := range backends {
		fmt.Fprintf(w, " %9s", fmt.Sprintf("[%d]", i+1))
	}
	fmt.Fprintln(w)
	for _, n := range names {
		fmt.Fprintf(w, "  %-18s", n)
		for _, b := range backends {
			if r, ok := ratio[[2]string{n, b}]; ok {
				fmt.Fprintf(w, " %8.2f×", r)
			} else {
				fmt.Fprintf(w, " %9s", "-")
			}
		}
		fmt.Fprintln(w)
	}
	for i, b := range backends {
		fmt.Fprintf(w, "  [%d] %s\n", i+1, b)
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "no AVX2 or AVX-512"
	}
	return s
}
