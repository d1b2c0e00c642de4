// Package train holds the training loops that the papers share.
//
// Full-batch gradient descent (GD) is the workhorse of the Edge of Stability
// experiments. It is written for R independent runs at once: every parameter
// tensor carries a leading run axis [R, …] and the loss function returns one
// loss per run, [R]. Because the runs do not interact, the gradient of the
// summed loss with respect to a run's parameters is that run's own gradient,
// so one executed graph advances all R runs, each with its own step size.
// Several steps are unrolled in one graph to amortise the per-call overhead.
//
//	θₜ₊₁ = θₜ − η ∇L(θₜ)        (per run, η per run)
//
// Loop runs GD with a measurement every k steps (the sharpness, in the Edge
// of Stability papers); Flow integrates gradient flow; Minibatch trains with
// GoMLX's optimizers on minibatches (Batcher draws them); Evaluator runs a
// forward pass over host data in fixed-size chunks; the losses (HalfMSE,
// SoftmaxCrossEntropy, MaskedSoftmaxCrossEntropy) and Accuracy are here too.
package train
