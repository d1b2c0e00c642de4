package bench_test

import (
	"fmt"
	"time"

	"theorylab/pkg/bench"
)

// The workloads, with the operation each one times.
func ExampleWorkloads() {
	for _, w := range bench.Workloads() {
		fmt.Printf("%-18s ms per %s\n", w.Name, w.Unit)
	}
	// Output:
	// exec-overhead      ms per call
	// matmul-128         ms per product
	// matmul-256         ms per product
	// matmul-512         ms per product
	// matmul-1024        ms per product
	// eos-toy-step       ms per step
	// eos-mnist-step     ms per step
	// eos-mnist-hvp      ms per HVP
	// lora-step          ms per step
	// eos-quick-preset   ms per run
	// lora-quick-preset  ms per run
}

// Measuring the matrix products for a tenth of a second each. Timings vary
// from machine to machine, so this example prints no fixed output.
func ExampleMeasure() {
	ws, err := bench.Select("^matmul-")
	if err != nil {
		panic(err)
	}
	for _, w := range ws {
		r, err := bench.Measure(w, 100*time.Millisecond)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s on %s: %.2f ms, %.1f GFLOP/s (median of %d)\n", r.Name, r.Backend, r.MsPerOp, r.GFLOPS, r.Runs)
	}
}
