// Package backend chooses the GoMLX backend that TheoryLab computes on.
//
// The rule is simple and printed wherever a result is produced (Describe):
//
//   - GOMLX_BACKEND always wins (for example "go", "go:ops_sequential",
//     "xla:cpu", "xla:cpu,noshared_buffers"). An unknown or broken value is an error that names it.
//   - Otherwise XLA on the CPU ("xla:cpu"): GoMLX's XLA backend with the PJRT
//     CPU plugin that scripts/setup.sh installs into the repository's .venv
//     from a wheel pinned with its SHA-256 (PluginWheel; PluginPath finds the
//     library from the repository root at run time). The plugin must load and
//     compute a 2×2 matrix product correctly before it is used.
//   - When XLA is not compiled in (no cgo), the plugin is missing, or it fails
//     to load, GoMLX's embedded pure-Go backend ("go", package
//     github.com/gomlx/compute/gobackend) is used, and one line on stderr
//     says why.
//
// GoMLX's XLA backend downloads a PJRT plugin from the internet when it finds
// none; this package switches that off (xla.EnableAutoInstall(false)) before
// anything can trigger it, so nothing is ever downloaded at run time. XLA is
// compiled in only with cgo on Linux (go-xla loads the plugin with dlopen);
// CGO_ENABLED=0 builds, or the build tag noxla, leave it out and always use
// the pure-Go backend (XLACompiledIn says which).
//
// The pure-Go backend is used in GoMLX's default configuration: it runs a
// graph's ops in parallel when it is the only graph executing, one after
// another otherwise, and large ops (matrix products) use the worker pool
// either way. Its parallel executor hung on double-backprop graphs
// (Hessian-vector products) in GoMLX v0.26.0 and v0.28.8, which is why
// TheoryLab used "go:ops_sequential" then; v0.28.14's rewritten executor
// passed the graphs that hung (30 of 30 runs, forced parallel too) and the
// Edge of Stability machinery test (10 of 10), and is as fast or faster.
// TestDoubleBackpropDoesNotHang guards both executors with a deadline.
//
// Built with GOEXPERIMENT=simd (the Makefile and the GoNB kernel set it), the
// pure-Go kernels choose AVX-512, AVX2 or portable code at run time from
// CPUID, so one binary runs on any x86-64 CPU; TestSIMDOnOlderCPUs checks the
// numbers on CPUs without AVX-512 and without AVX, emulated by qemu-user.
// GOMLX_GO_SIMD_AVX512=false or GOMLX_GO_SIMD_AVX2=false turn the kernels off
// by hand.
//
// Results on the two backends agree within stated tolerances; the parity
// tests (parity_test.go) check it, from matrix products to the Edge of
// Stability quick preset, and skip, saying why, where XLA is unavailable.
//
// Importing GoMLX's backends/default would make XLA the default and try to
// download its plugin; this package never does that.
package backend
