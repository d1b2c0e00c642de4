// Package twolayer is the two-layer ReLU network of the law of robustness,
//
//	f(x) = Σ_{ℓ=1}^{k} a_ℓ · ReLU(w_ℓ·x + b_ℓ),
//
// with a leading run axis, so that R independently initialised networks of the
// same width k train and are measured in one graph. A run's parameters are
// W [R, k, d] (row ℓ is w_ℓ), b [R, k] (absent in the bias-free variant that
// Theorem 5 of Bubeck, Li and Nagaraj needs) and a [R, k]; inputs are x [R, N, d]
// (each run its own data) or [N, d] (shared), and the output is f [R, N].
//
// Besides the forward pass the package gives the input gradient in closed form,
//
//	∇ₓf(x) = Σ_ℓ a_ℓ · 1[w_ℓ·x + b_ℓ > 0] · w_ℓ = Wᵀ (a ⊙ 1[Wx + b > 0]),
//
// both as graph code (InputGrad, which the smoothness penalty of the
// robustness experiments trains through) and on the host in float64 (Net, which
// the Lipschitz estimators of pkg/lipschitz call). The tests check the closed
// form against GoMLX's autodiff and against finite differences.
//
// Optionally, batch normalisation sits between the linear layer and the ReLU
// (Params.Gamma, Params.Beta), as in the paper's experiments; FoldBatchNorm
// turns a trained batch-normalised network into the plain network it computes
// in inference mode, which is what gets measured.
//
// Initial values are drawn in Go from a seeded PCG stream (Init), so they are
// the same on every backend; the default is the paper-spec's w_ℓ ~ N(0, I_d),
// b_ℓ = 0, a_ℓ ~ N(0, 1/k), with an optional common scale factor.
package twolayer
