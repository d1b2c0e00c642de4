// Package eos reproduces "Gradient Descent on Neural Networks Typically Occurs
// at the Edge of Stability" (Cohen, Kaur, Li, Kolter, Talwalkar, ICLR 2021).
//
// Full-batch gradient descent with step size η on a network: the sharpness
// S(θ) = λ_max(∇²L(θ)) first rises (progressive sharpening) until it reaches
// 2/η, the value at which GD on a quadratic becomes unstable, and then hovers
// there while the loss keeps falling over long spans but not monotonically.
//
// The quick preset is the official repository's Chebyshev toy (a 1→100→1 tanh
// net on 20 points of T₃), twelve runs (three step sizes at the edge and one
// control, three seeds each) trained in one batched graph (train.Loop), with
// sharpness by Lanczos on exact Hessian-vector products. The full preset adds
// the comparison with gradient flow and an MNIST-1k study.
//
// Files: config.go (Config, Quick, Full, Validate), run.go, flow.go,
// mnist.go and quadratic.go (the experiment), claims.go and claims_full.go
// (the claims as data: EOS-1 … EOS-8), figures.go, paper.go (Paper, the
// definition the notebook, the command line and the tests share).
package eos
