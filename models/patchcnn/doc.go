// Package patchcnn is the two-layer convolutional network of Zou, Cao, Li and
// Gu (ICLR 2023) on patch data (see pkg/patchdata), with its logistic loss,
// weight decay and the two quantities their proof tracks.
//
//	f(W, x) = F₊₁(W₊₁, x) − F₋₁(W₋₁, x),   F_j(W_j, x) = Σ_{r=1}^{m} Σ_{p=1}^{P} σ(⟨w_{j,r}, x_p⟩),
//	σ(z) = max(z, 0)^q,
//
// m filters w_{j,r} ∈ ℝ^d per class j ∈ {+1, −1}, shared by all P patches (the
// "convolution"), and a fixed second layer of ±1. The weights start at
// N(0, σ₀²) entry by entry. The training objective is the logistic loss with
// ℓ2 regularisation in the loss (not decoupled weight decay):
//
//	L(W) = (1/n) Σᵢ log(1 + exp(−yᵢ f(W, xᵢ))) + (λ/2)‖W‖²_F.
//
// The data model, the network and the objective follow the TheoryLab
// specification's reconstruction of the paper (unverified: check the paper).
//
// Layout. Many runs train in one graph: the weights are [G, C, 2, m, d] — G
// groups of C runs, class j at index 0 for +1 and 1 for −1 — and the data are
// [G, n, P, d], one data set per group, shared by the group's C runs (for
// example C optimizers or step sizes on the same data and the same start).
// Output, losses and λ are per run, [G, C, n] and [G, C].
//
// Measurement happens in plain Go on the sparse patches (Output,
// FeatureCoefficient, NoiseMemorization), so that thousands of test examples
// cost O(s) per patch and filter; tests check it against the graph.
package patchcnn
