// Package mlp is a fully connected network whose parameters carry a leading
// run axis, so that R independently initialised copies train in one graph.
//
// Layer ℓ maps h ↦ σ(h·Wℓ + bℓ) with Wℓ [R, inℓ, outℓ] and bℓ [R, outℓ]; the
// last layer has no activation. Data x [N, in] are shared by all runs and the
// output is [R, N, out].
//
// Two initialisations are provided: Xavier-normal with a gain per layer
// (the Edge of Stability repository's "regression" net uses gain 1.9 on its
// first layer) and PyTorch's default for nn.Linear, U(±1/√fan_in) for weights
// and biases. Initial values are drawn in Go from a seeded PCG stream, so they
// are the same on every backend.
package mlp
