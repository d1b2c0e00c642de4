// Package contrast is the contrastive learner of the sparse-coding papers: a
// bank of weight-normalised, symmetric soft-threshold ReLU encoders and the
// symmetric InfoNCE loss on two views, with a leading run axis so that R
// independently initialised encoders train in one graph.
//
// Encoder (m neurons on inputs in ℝ^{d₁}; W [R, m, d₁], shared threshold b [R]):
//
//	ŵᵢ = wᵢ/‖wᵢ‖,   hᵢ(x) = ReLU(⟨ŵᵢ, x⟩ − b) − ReLU(−⟨ŵᵢ, x⟩ − b).
//
// h is odd in x, zero on |⟨ŵᵢ, x⟩| ≤ b and has slope 1 outside: a
// soft-threshold (shrinkage) unit, as in Wen and Li's analysis
// (unverified: check the paper for the exact activation); the weight
// normalisation is our construction.
//
// Loss (our choice; the paper's exact loss is unverified): for views
// x⁺ᵢ, x⁺⁺ᵢ of B inputs, with cosine similarities Sᵢₖ = cos(h(x⁺ᵢ), h(x⁺⁺ₖ))
// and temperature τ,
//
//	L = −(1/2B) Σᵢ [ log softmaxₖ(Sᵢₖ/τ)|ₖ₌ᵢ + log softmaxₖ(Sₖᵢ/τ)|ₖ₌ᵢ ],
//
// only cross-view negatives. The host functions (EncodeHost, InfoNCEHost)
// compute the same in float64 for the measurements and the tests.
package contrast
