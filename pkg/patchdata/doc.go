// Package patchdata generates the image-like "patch" data of feature-learning
// theory (Zou, Cao, Li, Gu, "Understanding the Generalization of Adam in
// Learning Neural Networks with Proper Regularization", ICLR 2023; the exact
// constants are our reconstruction, unverified against the paper).
//
// An example is x = (x₁, …, x_P), P patches in ℝ^d, with a label y ∈ {±1}:
// one uniformly chosen patch is the feature y·v with v = e₁, and every other
// patch is sparse Gaussian noise ξ — s coordinates drawn without replacement
// from {2, …, d}, each N(0, σ_p²), all others 0. An optional feature-noise
// strength α replaces the last noise patch by −α·y·v.
//
// Generate is deterministic given its random stream; the caller owns the
// streams (train, validation and test must come from independent ones).
package patchdata
