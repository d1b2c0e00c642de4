// Package patchdata generates the "image-like" patch data of Zou, Cao, Li and
// Gu (ICLR 2023), as reconstructed in the TheoryLab specification (the exact
// constants are unverified against the paper).
//
// An example is x = (x₁, …, x_P), P patches in ℝ^d, with a label y ∈ {±1}
// drawn uniformly:
//
//   - one patch, chosen uniformly, is the feature y·v with v = e₁ (the first
//     coordinate);
//   - every other patch is sparse Gaussian noise ξ: s distinct coordinates
//     chosen uniformly from {2, …, d} (never the feature's), each N(0, σ_p²),
//     the rest 0, so E‖ξ‖² = s·σ_p².
//
// Two variants are ours: Config.FeatureNoise = α > 0 replaces one noise patch
// by the "feature noise" −α·y·v, and Config.NoFeature zeroes the feature patch
// (a null with nothing to learn but noise).
//
// Patches are stored sparsely (coordinates and values), so that a model can be
// evaluated on thousands of test examples in O(s) work per patch; Dense
// returns the [N, P, d] array a dense model consumes. A set is determined by
// its Config, its size and two integers: the seed and the stream, the two
// words of a PCG generator (math/rand/v2). Training, validation and test sets
// of one seed use different streams, so they share no draws.
package patchdata
