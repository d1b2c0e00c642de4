// Package linalg is small dense linear algebra on the host, in float64, for
// measurements that papers make on learned weight matrices: a thin singular
// value decomposition, subspace similarity and projections.
//
// Matrices are row-major: Matrix{Rows, Cols, Data} with
// Data[i*Cols+j] = A_ij, the layout of gonum's mat.Dense, so every Matrix is
// also a gonum matrix without a copy.
//
// # What is gonum's and what is ours
//
// The numerical kernels are gonum.org/v1/gonum/mat (pure Go, deterministic,
// well tested): products (Mul, MulTA, T), the Frobenius norm, the QR behind
// RandomOrthonormal and the SVD. This package keeps only what gonum lacks or
// what TheoryLab's callers want in their own terms:
//
//   - SVD wraps mat.SVD (thin): singular values in descending order, U and V
//     as m×p and n×p matrices with orthonormal columns (also when A is rank
//     deficient), and an error instead of a panic for empty or non-finite
//     inputs. Singular vectors carry gonum's signs; nothing here depends on
//     them.
//   - SubspaceSimilarity is the normalised overlap of two subspaces given by
//     orthonormal bases, φ(i, j) = ‖U₁[:, :i]ᵀ U₂[:, :j]‖²_F / min(i, j): the
//     mean squared cosine of their principal angles, 1 for nested subspaces
//     and 0 for orthogonal ones (LoRA, Section 7.2). SimilarityGrid computes
//     every φ(i, j) at once. For independent uniformly random subspaces of
//     ℝⁿ, E[φ(i, j)] = max(i, j)/n. gonum has no such measure.
//   - ProjectedNorm is ‖UᵀWV‖_F, the part of W seen through the subspaces U
//     and V (LoRA, Section 7.3).
//   - RandomOrthonormal and Gaussian draw random baselines from a seeded
//     math/rand/v2 source (gonum's samplers take a different source type).
package linalg
