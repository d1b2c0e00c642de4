// Package bench measures a fixed set of named workloads on the backend in use,
// so that backends, machines and code changes can be compared with numbers.
//
// The same workloads serve `go test -bench ./pkg/bench/` (BenchmarkWorkloads)
// and `theorylab bench` (which also writes a JSON report):
//
//	matmul-128, matmul-256, matmul-512   float32 [N,N]·[N,N]; GFLOP/s with 2N³ flops per product
//	eos-toy-step                         one batched GD step of the Edge of Stability toy
//	                                     (12 runs of the 1→100→1 tanh net, 20 Chebyshev points, float64)
//	eos-mnist-step                       one full-batch GD step of the fc-tanh 196-64-64-10 MLP on
//	                                     1000 MNIST images (14×14, standardized), half-MSE, float32
//	eos-mnist-step-stock-grad            the same step built with GoMLX's stock matrix-product
//	                                     gradients (fastgrad.Stock), to show what pkg/fastgrad buys
//	eos-mnist-hvp                        one Hessian-vector product of that loss, float32
//
// Measure builds a workload, calls it once to compile the graph and warm up
// (that call is not timed), then calls it again until the minimum time has
// passed and at least three calls were made. It reports the median of the
// per-call times, divided by the steps a call performs (the Edge of
// Stability toy runs 10 unrolled steps per call).
//
// Timings belong to benchmarks, never to tests: the tests here only check
// that every workload builds, runs and gives finite numbers.
package bench
