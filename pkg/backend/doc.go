// Package backend chooses the GoMLX backend that TheoryLab computes on.
//
// The rule is simple and printed wherever a result is produced (Describe):
//
//   - GOMLX_BACKEND always wins (for example "go", "go:ops_sequential",
//     "xla:cpu"). An unknown or broken value is an error that names it.
//   - Otherwise XLA on the CPU ("xla:cpu"): GoMLX's XLA backend with the PJRT
//     CPU plugin that scripts/setup.sh installs into the repository's .venv
//     from a wheel pinned with its SHA-256 (PluginWheel; PluginPath finds the
//     library from the repository root at run time). The plugin must load and
//     compute a 2×2 matrix product correctly before it is used.
//   - When XLA is not compiled in (no cgo), the plugin is missing, or it fails
//     to load, the embedded pure-Go backend ("go:ops_sequential", GoMLX's
//     SimpleGo) is used, and one line on stderr says why.
//
// GoMLX's XLA backend downloads a PJRT plugin from the internet when it finds
// none; this package switches that off (xla.EnableAutoInstall(false)) before
// anything can trigger it, so nothing is ever downloaded at run time. XLA is
// compiled in only with cgo on Linux (go-xla loads the plugin with dlopen);
// CGO_ENABLED=0 builds, or the build tag noxla, leave it out and always use
// the pure-Go backend (XLACompiledIn says which).
//
// SimpleGo's default parallel op executor was seen to hang on double-backprop
// graphs (Hessian-vector products) with GoMLX v0.26.0, so the pure-Go
// configuration here is "go:ops_sequential": ops run one after another, while
// each large op (matrix products) still uses the worker pool. A test with a
// timeout guards against the hang coming back.
//
// Results on the two backends agree within stated tolerances; the parity
// tests (parity_test.go) check it, from matrix products to the Edge of
// Stability quick preset, and skip, saying why, where XLA is unavailable.
//
// Importing GoMLX's backends/default would make XLA the default and try to
// download its plugin; this package never does that.
package backend
