// Package sparsecoding is the sparse-coding data model of Wen and Li's
// analysis of contrastive learning, its augmentations, and the exact
// positive-pair correlations that explain feature decoupling.
//
// Data: x = Mz + ξ ∈ ℝ^{d₁}, with M [d₁, d] orthonormal dense columns (QR of
// a Gaussian matrix) or coordinate columns (M = I, the ablation), zⱼ ∈ {−1, 0,
// +1} with P(zⱼ = ±1) = p/2, and ξ ~ N(0, σ²I) the dense part.
//
// Augmentations: complementary masking x⁺ = 2Dx, x⁺⁺ = 2(I − D)x with
// Dᵢᵢ ~ Bernoulli(½); independent masks x⁺ = 2D₁x, x⁺⁺ = 2D₂x; additive
// Gaussian noise x + N(0, s²I) per view; none (x⁺ = x⁺⁺ = x).
//
// Correlations (our derivation, exact): for a direction u and an input part
// with covariance C (pMMᵀ for the sparse part, σ²I for the noise), the
// positive-pair correlation ρ = Corr(⟨u, x⁺⟩, ⟨u, x⁺⁺⟩) is
//
//	none:          1
//	complementary: (uᵀCu − Σᵢuᵢ²Cᵢᵢ) / (uᵀCu + Σᵢuᵢ²Cᵢᵢ)
//	independent:   uᵀCu / (uᵀCu + Σᵢuᵢ²Cᵢᵢ)
//	Gaussian s:    uᵀCu / (uᵀCu + s²‖u‖²)
//
// so along an atom u = Mⱼ masking leaves the sparse part (1 − κ)/(1 + κ)
// with κ = Σᵢ Mᵢⱼ²(MMᵀ)ᵢᵢ, and the noise part exactly 0: the decoupling.
package sparsecoding
