// Package linalg is small dense linear algebra on the host, in float64, for
// measurements that papers make on learned weight matrices: a thin singular
// value decomposition, subspace similarity and projections.
//
// Matrices are row-major: Matrix{Rows, Cols, Data} with
// Data[i*Cols+j] = A_ij. The functions are written for the sizes of weight
// matrices in TheoryLab (hundreds of rows and columns) and favour accuracy
// and plain code over speed.
//
//   - SVD computes A = U·diag(S)·Vᵀ by one-sided (Hestenes) Jacobi
//     rotations, which orthogonalise the columns of A (or of Aᵀ when A is
//     wide); singular values come out sorted in descending order, U and V
//     have orthonormal columns, and rank-deficient inputs get U and V
//     completed to orthonormal sets.
//   - SubspaceSimilarity is the normalised overlap of two subspaces given by
//     orthonormal bases, φ(i, j) = ‖U₁[:, :i]ᵀ U₂[:, :j]‖²_F / min(i, j): the
//     mean squared cosine of their principal angles, 1 for nested subspaces
//     and 0 for orthogonal ones (LoRA, Section 7.2). SimilarityGrid computes
//     every φ(i, j) at once. For independent uniformly random subspaces of
//     ℝⁿ, E[φ(i, j)] = max(i, j)/n.
//   - ProjectedNorm is ‖UᵀWV‖_F, the part of W seen through the subspaces U
//     and V (LoRA, Section 7.3).
//   - RandomOrthonormal and Gaussian draw random baselines from a seeded
//     math/rand/v2 source.
package linalg
