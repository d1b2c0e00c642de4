// Package bench measures a fixed set of named workloads on the backend in use,
// so that backends, machines, code changes and a PyTorch reference can be
// compared with numbers.
//
// The same workloads serve `go test -bench ./pkg/bench/` (BenchmarkWorkloads,
// on the process's backend) and `theorylab bench` (every available backend
// beside the PyTorch CPU reference, with a JSON report):
//
//	exec-overhead          one executed graph of x+1 on a float32[1]: the fixed cost
//	                       of a call (PyTorch: one eager op)
//	matmul-128 … 1024      float32 [N,N]·[N,N]; GFLOP/s with 2N³ flops per product
//	eos-toy-step           one batched GD step of the Edge of Stability toy, the quick
//	                       preset's training step (12 runs of the 1→100→1 tanh net,
//	                       20 Chebyshev points, float64)
//	eos-mnist-step         one full-batch GD step of the fc-tanh 196-64-64-10 MLP on
//	                       1000 MNIST images (14×14, standardized), half-MSE, float32
//	eos-mnist-hvp          one Hessian-vector product of that loss, float32
//	lora-step              one Adam minibatch step of the LoRA paper's Track A (quick
//	                       preset): ReLU MLP 196-128-128-5 with its backbone frozen,
//	                       rank-4 adapters on both hidden layers and the head trained,
//	                       3 seeds as 3 runs, batch 128, float32 (train.Minibatch,
//	                       models/lora, as pkg/papers/lora trains it)
//	eos-quick-preset       the whole Edge of Stability quick preset (eos.Run, no
//	                       cache): its wall time, compilation included
//	lora-quick-preset      the whole LoRA quick preset (lora.Run, no cache)
//
// Measure builds a workload, calls it once to compile the graph and warm up
// (that call is not timed), then calls it again until the minimum time has
// passed and at least three calls were made. It reports the median of the
// per-call times, divided by the steps a call performs (the Edge of
// Stability toy runs 10 unrolled steps per call). A whole preset is timed by
// a single call with nothing before it. Prepare and Prepared.Time split
// Measure in two, so that one built workload can be timed again and again.
//
// Interleaving: `theorylab bench` starts one bench server per backend (Serve:
// the backend is process-wide) and one for the reference (bench/torch_ref.py
// --serve), keeps them all up, and in each round asks each of them in turn
// to time each workload (Server.Do, ReferenceServer.Measure). A ratio is then
// the median over rounds of ratios of timings taken seconds apart, which is
// what makes numbers from a shared, loaded machine usable (BuildReport;
// SummarizeLoad records the load average sampled before every timing).
//
// The reference: WriteReferenceInputs writes every workload's inputs (the
// same matrices, images, initial parameters, minibatch indices, step sizes,
// directions) and the reference runs on them, timed the same way. Each side
// also computes a number from its outputs (a loss, ‖H·v‖, Σ C); the report
// shows their relative difference, so that a ratio always compares the same
// computation. Ratios are the reference's time over ours: above 1 is faster.
// The reference names the BLAS library it actually used, found at run time
// (Reference.BLAS): Debian's PyTorch is only as fast as the libblas.so.3 it
// finds.
//
// CheckTargets compares a report's ratios with the lab's targets (XLA ≥ 1×
// PyTorch on every training step and HVP, the pure-Go backend ≥ 0.7×, XLA's
// matrix products ≥ 70% of the reference's BLAS).
//
// Timings belong to benchmarks, never to tests: the tests here only check
// that every workload builds, runs and gives finite numbers, that the
// reference computes the same numbers as we do, and how reports are put
// together.
package bench
