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
	"runtime"
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

// runBench is `theorylab bench`: it measures pkg/bench's workloads on every
// available backend (each in its own process, because the backend is
// process-wide), then the same workloads in PyTorch on the CPU
// (bench/torch_ref.py), prints a table with the ratios and, with --out,
// writes the JSON report. Exit status: 0 ok, 2 usage error, 1 a workload
// failed or the report could not be written. A missing reference (no
// PyTorch) is reported, not a failure.
func runBench(args []string) int { return runBenchTo(args, os.Stdout, os.Stderr) }

type benchFlags struct {
	out, only, backends, reference, childOut string
	minTime                                  time.Duration
	threads                                  int
}

func runBenchTo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("theorylab bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f benchFlags
	fs.StringVar(&f.out, "out", "", "write the JSON report to `FILE` (atomically)")
	fs.StringVar(&f.only, "only", "", "measure only the workloads whose names match `REGEX`")
	fs.DurationVar(&f.minTime, "min-time", time.Second, "time each workload at least this long (and at least 3 calls)")
	fs.StringVar(&f.backends, "backends", "", "comma-separated backend `LIST` to measure (default: $GOMLX_BACKEND when set, "+
		"else xla:cpu when it loads and go)")
	fs.StringVar(&f.reference, "reference", "torch", "`torch` to measure the PyTorch CPU reference beside, none to skip it")
	fs.IntVar(&f.threads, "threads", runtime.NumCPU(), "CPU threads for the pure-Go backend (GOMAXPROCS) and PyTorch")
	fs.StringVar(&f.childOut, "child-json", "", "internal: measure on this process's backend only and write the results to `FILE`")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: theorylab bench [--out FILE] [--only REGEX] [--min-time DURATION] [--backends LIST] [--reference torch|none] [--threads N]")
		fmt.Fprintln(fs.Output(), "workloads:")
		for _, w := range bench.Workloads() {
			fmt.Fprintf(fs.Output(), "  %-26s %s\n", w.Name, w.Description)
		}
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "theorylab bench: unexpected arguments %q\n", fs.Args())
		return exitUsage
	}
	if f.minTime < 0 {
		fmt.Fprintf(stderr, "theorylab bench: --min-time must be ≥ 0, got %v\n", f.minTime)
		return exitUsage
	}
	if f.threads < 1 {
		fmt.Fprintf(stderr, "theorylab bench: --threads must be ≥ 1, got %d\n", f.threads)
		return exitUsage
	}
	if f.reference != "torch" && f.reference != "none" {
		fmt.Fprintf(stderr, "theorylab bench: --reference must be torch or none, got %q\n", f.reference)
		return exitUsage
	}
	if f.out != "" {
		if info, err := os.Stat(f.out); err == nil && info.IsDir() {
			fmt.Fprintf(stderr, "theorylab bench: --out %q is a directory; give a file name\n", f.out)
			return exitUsage
		}
	}
	ws, err := bench.Select(f.only)
	if err != nil {
		fmt.Fprintf(stderr, "theorylab bench: %v\n", err)
		return exitUsage
	}
	if f.childOut != "" {
		return benchChild(ws, f, stderr)
	}
	return benchAll(ws, f, stdout, stderr)
}

// benchChild measures ws on this process's backend, printing one progress
// line per workload to stderr, and writes the results as JSON to f.childOut.
func benchChild(ws []bench.Workload, f benchFlags, stderr io.Writer) int {
	if _, err := backend.Get(); err != nil {
		fmt.Fprintf(stderr, "theorylab bench: %v\n", err)
		return exitFailure
	}
	results := []bench.Result{}
	code := exitOK
	for _, w := range ws {
		t0 := time.Now()
		r, err := bench.Measure(w, f.minTime)
		if err != nil {
			fmt.Fprintf(stderr, "theorylab bench: %s: %v\n", backend.Name(), err)
			code = exitFailure
			continue
		}
		results = append(results, r)
		fmt.Fprintf(stderr, "bench: %-18s %-26s %12.3f ms per %s  (%d calls, setup %.0f ms, %.1f s)\n",
			r.Backend, r.Name, r.MsPerOp, r.Unit, r.Runs, r.SetupMs, time.Since(t0).Seconds())
	}
	if err := runs.WriteJSON(f.childOut, results); err != nil {
		fmt.Fprintf(stderr, "theorylab bench: %v\n", err)
		return exitFailure
	}
	return code
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
	return append(list, backend.PureGoConfig), notes
}

func benchAll(ws []bench.Workload, f benchFlags, stdout, stderr io.Writer) int {
	backends, notes := benchBackends(f.backends)
	m := bench.ThisMachine()
	load := "unknown"
	if m.LoadAverage != nil {
		load = fmt.Sprintf("%.2f", *m.LoadAverage)
	}
	fmt.Fprintf(stdout, "machine: %s/%s, %d CPUs, %s, %s; load average %s when starting\n",
		m.GOOS, m.GOARCH, m.CPUs, orUnknown(m.CPUModel), m.GoVersion, load)
	fmt.Fprintf(stdout, "backends: %s; reference: %s; %s; median of ≥ 3 calls over ≥ %v per workload (whole presets: one call)\n",
		strings.Join(backends, ", "), f.reference, pinNote(f.threads), f.minTime)
	notes = append(notes, pinNote(f.threads))
	if m.LoadAverage != nil && *m.LoadAverage > 0.5 {
		busy := fmt.Sprintf("the machine is busy (load average %.2f on %d CPUs): timings are noisy", *m.LoadAverage, m.CPUs)
		if f.threads > 1 {
			busy += "; with several threads PyTorch's OpenMP (and XLA's pool) wait for descheduled threads, " +
				"so ratios can be far off: --threads 1 pins every process to one core"
		}
		notes = append(notes, busy)
	}
	for _, n := range notes {
		fmt.Fprintln(stdout, "note: "+n)
	}

	tmp, err := os.MkdirTemp("", "theorylab-bench-")
	if err != nil {
		fmt.Fprintf(stderr, "theorylab bench: %v\n", err)
		return exitFailure
	}
	defer os.RemoveAll(tmp)

	var results []bench.Result
	failed := false
	for i, b := range backends {
		rs, err := measureBackend(b, f, filepath.Join(tmp, fmt.Sprintf("backend%d.json", i)), stderr)
		if err != nil {
			fmt.Fprintf(stderr, "theorylab bench: %s: %v\n", b, err)
			failed = true
		}
		results = append(results, rs...)
	}

	var ref *bench.Reference
	if f.reference == "torch" {
		ref, err = runTorchReference(ws, f, tmp, stderr)
		if err != nil {
			notes = append(notes, "reference not measured: "+err.Error())
			fmt.Fprintf(stdout, "note: reference not measured: %v\n", err)
		}
	}

	rep := bench.NewReport(results, f.minTime, ref)
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

// measureBackend runs this program again as `theorylab bench --child-json`
// with GOMLX_BACKEND=b and reads its results (also those it measured before
// a failure).
func measureBackend(b string, f benchFlags, out string, stderr io.Writer) ([]bench.Result, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "bench", "--child-json", out, "--only", f.only,
		"--min-time", f.minTime.String(), "--reference", "none", "--threads", strconv.Itoa(f.threads))
	cmd.Env = append(os.Environ(), backend.EnvVar+"="+b, childEnv+"=1", "GOMAXPROCS="+strconv.Itoa(f.threads))
	cmd.Stdout, cmd.Stderr = stderr, stderr
	pin(cmd, f.threads)
	runErr := cmd.Run()
	var rs []bench.Result
	if data, err := os.ReadFile(out); err == nil {
		if err := json.Unmarshal(data, &rs); err != nil {
			return nil, err
		}
	}
	if runErr != nil {
		return rs, fmt.Errorf("measuring on %s: %w", b, runErr)
	}
	return rs, nil
}

func runTorchReference(ws []bench.Workload, f benchFlags, tmp string, stderr io.Writer) (*bench.Reference, error) {
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
	var progress *os.File
	if fl, ok := stderr.(*os.File); ok {
		progress = fl
	}
	return bench.RunReference(python, dir, f.only, f.minTime, f.threads, progress, func(cmd *exec.Cmd) { pin(cmd, f.threads) })
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
// reference's time and the ratio (reference time / ours: above 1 is faster).
func printBenchTable(w io.Writer, rep bench.Report) {
	if rep.Reference != "" {
		fmt.Fprintf(w, "reference: %s\n", rep.Reference)
	}
	const row = "%-26s %-18s %11s %-7s %8s %12s %8s %9s\n"
	fmt.Fprintf(w, "\n"+row, "workload", "backend", "ms per op", "op", "GFLOP/s", "PyTorch ms", "ratio", "check Δ")
	for _, e := range rep.Workloads {
		gflops, refMs, ratio, check := "-", "-", "-", "-"
		if e.GFLOPS != nil {
			gflops = fmt.Sprintf("%.2f", *e.GFLOPS)
		}
		if e.ReferenceMsPerStep != nil {
			refMs = fmt.Sprintf("%.3f", *e.ReferenceMsPerStep)
			ratio = fmt.Sprintf("%.2f×", *e.Ratio)
		}
		if e.CheckRelDiff != nil {
			check = fmt.Sprintf("%.0e", *e.CheckRelDiff)
			if *e.CheckRelDiff > bench.CheckTolerance(e.Name) {
				check += "!"
			}
		}
		fmt.Fprintf(w, row, e.Name, e.Backend, fmt.Sprintf("%.3f", e.MsPerStep), e.Unit, gflops, refMs, ratio, check)
	}
	fmt.Fprintln(w, "ratio = PyTorch time / our time (above 1: faster than PyTorch); check Δ = relative difference of a number "+
		"computed from both outputs (! above the tolerance: not the same computation)")
}

func orUnknown(s string) string {
	if s == "" {
		return "CPU model unknown"
	}
	return s
}
