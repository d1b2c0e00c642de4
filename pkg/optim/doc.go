// Package optim is full-batch training with element-wise optimizers whose
// hyperparameters may differ from run to run: gradient descent, Adam and
// sign gradient descent, for many independent runs in one graph.
//
// Every parameter tensor carries leading run axes (for example [R, …] or
// [G, C, …]) and the loss returns one value per run with exactly those axes.
// The step size η has the same run axes, so that a whole learning-rate grid
// trains in one executed graph; the runs share no parameters, so the
// gradient of the summed loss gives every run its own gradient, and an
// element-wise rule then updates each run as if it were trained alone.
// Several steps are unrolled per executed graph.
//
// The rules, per run, with g = ∇L(θ) and t = 1, 2, … the step number:
//
//	GD:      θ ← θ − ηₜ g
//	sign-GD: θ ← θ − ηₜ sign(g)
//	Adam:    m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,
//	         m̂ = m/(1 − β₁ᵗ),  v̂ = v/(1 − β₂ᵗ)   (bias correction; optional),
//	         θ ← θ − ηₜ m̂/(√v̂ + ε)
//
// with ηₜ = η (constant) or η/√t (Schedule InvSqrt). Adam is Kingma and Ba's,
// the same computation as GoMLX's optimizer.Adam (a test checks the two
// against each other and against a hand-written reference); this package
// exists because GoMLX's optimizers take one learning rate for all runs of a
// graph and have no step-size schedule or bias-correction switch.
package optim
