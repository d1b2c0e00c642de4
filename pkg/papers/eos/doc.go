// Package eos reproduces "Gradient Descent on Neural Networks Typically Occurs
// at the Edge of Stability" (Cohen, Kaur, Li, Kolter, Talwalkar, ICLR 2021).
//
// Full-batch gradient descent with step size η on a network: the sharpness
// S(θ) = λ_max(∇²L(θ)) first rises (progressive sharpening) until it reaches
// 2/η, the value at which GD on a quadratic becomes unstable, and then hovers
// there while the loss keeps falling over long spans but not monotonically.
//
// The quick preset has two parts. The official repository's Chebyshev toy (a
// 1→100→1 tanh net on 20 points of T₃) is the teaching warm-up: twelve runs
// (three step sizes at the edge and one control, three seeds each) trained in
// one batched graph (train.Loop), with sharpness by Lanczos on exact
// Hessian-vector products. The real network is fc-tanh 196-64-64-10 on
// MNIST-500 (our construction), with step sizes set from the initial
// sharpness (2/η = m·S₀) and λ_max by a fresh Lanczos run at every
// measurement. Every claim about the edge looks at a fixed window of steps
// after t*, the first measured step with S ≥ 2/η. The full preset adds more
// step sizes and seeds, MNIST-1k and the comparison with gradient flow.
//
// Files: config.go (Config, Quick, Full, Validate), run.go, flow.go,
// mnist.go and quadratic.go (the experiment), claims.go and claims_full.go
// (the claims as data: EOS-1 … EOS-10), claims_trajectory.go (a run as the claims see it), figures.go, paper.go (Paper, the
// definition the notebook, the command line and the tests share).
package eos
