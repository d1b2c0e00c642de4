package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"theorylab/pkg/backend"
	"theorylab/pkg/bench"
	"theorylab/pkg/runs"
)

// runBench is `theorylab bench [--out FILE] [--only REGEX] [--min-time 1s]`:
// it measures pkg/bench's workloads on the current backend, prints a table
// and, with --out, writes the JSON report. Exit status: 0 ok, 2 usage error,
// 1 a workload failed or the report could not be written.
func runBench(args []string) int { return runBenchTo(args, os.Stdout, os.Stderr) }

func runBenchTo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("theorylab bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "write the JSON report to `FILE` (atomically)")
	only := fs.String("only", "", "measure only the workloads whose names match `REGEX`")
	minTime := fs.Duration("min-time", time.Second, "time each workload at least this long (and at least 3 calls)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: theorylab bench [--out FILE] [--only REGEX] [--min-time DURATION]")
		fmt.Fprintln(fs.Output(), "workloads:")
		for _, w := range bench.Workloads() {
			fmt.Fprintf(fs.Output(), "  %-26s %s\n", w.Name, w.Description)
		}
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "theorylab bench: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if *minTime < 0 {
		fmt.Fprintf(stderr, "theorylab bench: --min-time must be ≥ 0, got %v\n", *minTime)
		return 2
	}
	if *out != "" {
		if info, err := os.Stat(*out); err == nil && info.IsDir() {
			fmt.Fprintf(stderr, "theorylab bench: --out %q is a directory; give a file name\n", *out)
			return 2
		}
	}
	ws, err := bench.Select(*only)
	if err != nil {
		fmt.Fprintf(stderr, "theorylab bench: %v\n", err)
		return 2
	}

	fmt.Fprintln(stdout, backend.Describe())
	if _, err := backend.Get(); err != nil {
		fmt.Fprintf(stderr, "theorylab bench: %v\n", err)
		return 1
	}
	m := bench.ThisMachine()
	fmt.Fprintf(stdout, "machine: %s/%s, %d CPUs, %s, %s; median of ≥ 3 calls over ≥ %v per workload\n\n",
		m.GOOS, m.GOARCH, m.CPUs, orUnknown(m.CPUModel), m.GoVersion, *minTime)

	// Fixed widths, so that each line can be printed as soon as its workload is measured.
	const row = "%-26s %10s  %-7s %8s %6s\n"
	fmt.Fprintf(stdout, row, "workload", "ms per op", "op", "GFLOP/s", "calls")
	var results []bench.Result
	failed := false
	for _, w := range ws {
		r, err := bench.Measure(w, *minTime)
		if err != nil {
			fmt.Fprintf(stdout, row, w.Name, "FAILED", w.Unit, "", "")
			fmt.Fprintf(stderr, "theorylab bench: %v\n", err)
			failed = true
			continue
		}
		results = append(results, r)
		gflops := "-"
		if r.GFLOPS > 0 {
			gflops = fmt.Sprintf("%.2f", r.GFLOPS)
		}
		fmt.Fprintf(stdout, row, r.Name, fmt.Sprintf("%.3f", r.MsPerOp), r.Unit, gflops, fmt.Sprint(r.Runs))
	}
	if s, err := bench.FastGradSpeedup(results); err == nil {
		fmt.Fprintf(stdout, "\n%s: stock gradients / fast gradients = %.2f× (pkg/fastgrad's speed-up)\n", bench.NameMNISTStep, s)
	}

	if *out != "" {
		if err := runs.WriteJSON(*out, bench.NewReport(results, *minTime)); err != nil {
			fmt.Fprintf(stderr, "theorylab bench: writing %s: %v\n", *out, err)
			return 1
		}
		fmt.Fprintf(stdout, "wrote %s\n", *out)
	}
	if failed {
		return 1
	}
	return 0
}

func orUnknown(s string) string {
	if s == "" {
		return "CPU model unknown"
	}
	return s
}
