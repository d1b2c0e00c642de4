// Package bench measures a fixed set of named workloads on the backend in use,
// so that backends, machines, code changes and a PyTorch reference can be
// compared with numbers.
//
// The same workloads serve `go test -bench ./pkg/bench/` (BenchmarkWorkloads,
// on the process's backend) and `theorylab bench` (every available backend,
// each in its own process, beside the PyTorch CPU reference, with a JSON
// report):
//
//	exec-overhead                        one executed graph of x+1 on a float32[1]: the fixed cost
//	                                     of a call (PyTorch: one eager op)
//	matmul-128 … matmul-1024             float32 [N,N]·[N,N]; GFLOP/s with 2N³ flops per product
//	eos-toy-step                         one batched GD step of the Edge of Stability toy, the quick
//	                                     preset's training step (12 runs of the 1→100→1 tanh net,
//	                                     20 Chebyshev points, float64)
//	eos-mnist-step                       one full-batch GD step of the fc-tanh 196-64-64-10 MLP on
//	                                     1000 MNIST images (14×14, standardized), half-MSE, float32
//	eos-mnist-hvp                        one Hessian-vector product of that loss, float32
//	eos-quick-preset                     the whole Edge of Stability quick preset (eos.Run, no
//	                                     cache): its wall time, compilation included
//
// Measure builds a workload, calls it once to compile the graph and warm up
// (that call is not timed), then calls it again until the minimum time has
// passed and at least three calls were made. It reports the median of the
// per-call times, divided by the steps a call performs (the Edge of
// Stability toy runs 10 unrolled steps per call). A whole preset is timed by
// a single call with nothing before it.
//
// The reference: WriteReferenceInputs writes every workload's inputs (the
// same matrices, images, initial parameters, step sizes, directions) and
// RunReference runs bench/torch_ref.py on them, timed the same way. Each side
// also computes a number from its outputs (a loss, ‖H·v‖, Σ C); the report
// shows their relative difference, so that a ratio always compares the same
// computation. Ratios are the reference's time over ours: above 1 is faster.
//
// Timings belong to benchmarks, never to tests: the tests here only check
// that every workload builds, runs and gives finite numbers, and that the
// reference computes the same numbers as we do.
package bench
