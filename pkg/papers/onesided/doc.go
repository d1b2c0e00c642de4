// Package onesided reproduces "On the One-sided Convergence of Adam-type Algorithms in Non-convex Non-concave Min-max Optimization" (Dou, Li (arXiv 2021)).
//
// The paper observes that in successful GAN training with Adam only the
// generator's gradient goes to zero while the discriminator's stays large,
// and proves that Adam-type methods reach such a one-sided stationary point
// under a one-sided MVI condition. The package runs (A) an analytic toy game
// that satisfies the one-sided MVI by construction, with a control; (B) a
// small GAN on a 2-D ring of Gaussians, trained with Adam and with plain
// gradient descent–ascent (learning rates from one grid, chosen on
// validation), with each player's gradient measured on two large fixed
// evaluation sets (signal apart from sampling noise), the one-sided MVI along
// the trajectory and a perfect-generator null; and, in the full preset only,
// (C) the same study on a small MLP GAN on MNIST, with a classifier-based
// quality rule (our construction).
//
// Files: config.go (Config, Quick, Full, Validate), toy.go (A), run.go and
// measure.go (B), mnist.go (C), claims.go and claims_mnist.go (the claims as
// data), figures.go, paper.go (Paper, the definition that the notebook, the
// command line and the tests share). See docs/03-adam-one-sided-gan.md.
package onesided
