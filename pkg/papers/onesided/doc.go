// Package onesided reproduces "On the One-sided Convergence of Adam-type Algorithms in Non-convex Non-concave Min-max Optimization" (Dou, Li (arXiv 2021)).
//
// TODO: the paper's result in two or three sentences, and what this package
// runs to check it. Until then it holds the skeleton that `theorylab new`
// wrote: a toy experiment (gradient descent fits a line; a control with
// shuffled targets finds nothing to fit) that shows where each part goes.
//
// Files: config.go (Config, Quick, Full, Validate), run.go (the
// experiment), claims.go (the claims as data), figures.go, paper.go (Paper,
// the definition that the notebook, the command line and the tests share).
// See docs/adding-a-paper.md.
package onesided
