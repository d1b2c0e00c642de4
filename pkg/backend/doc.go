// Package backend chooses the GoMLX backend that TheoryLab computes on.
//
// The rule is simple and printed wherever a result is produced:
//
//   - GOMLX_BACKEND always wins (for example "go", "go:ops_sequential").
//   - Otherwise the embedded pure-Go backend ("go", GoMLX's SimpleGo) is used.
//     It needs nothing installed and runs everywhere.
//
// SimpleGo's default parallel op executor was seen to hang on double-backprop
// graphs (Hessian-vector products) with GoMLX v0.26.0, so the default
// configuration here is "go:ops_sequential": ops run one after another, while
// each large op (matrix products) still uses the worker pool. A test with a
// timeout guards against the hang coming back.
//
// Importing GoMLX's backends/default would make XLA the default and try to
// download its plugin; this package never does that.
package backend
