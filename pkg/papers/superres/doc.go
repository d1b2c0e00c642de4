// Package superres reproduces "Forward Super-Resolution: How Can GANs Learn
// Hierarchical Generative Models for Real-World Distributions" (Allen-Zhu,
// Li, ICLR 2023, arXiv 2106.02619).
//
// The paper proves that, for distributions generated coarse to fine (each
// finer resolution driven by the sparse hidden features of the coarser one),
// gradient descent–ascent on a GAN learns the distribution efficiently,
// resolution by resolution. This package builds a teacher with exact
// forward super-resolution (our construction: AvgPool₂(X₂) = X₁, details
// made of zero-block-mean atoms driven by the level-1 features), trains a
// two-level multi-scale GAN on it by alternating Adam GDA — R GANs at once
// in one compiled graph — and measures, with the sliced Wasserstein
// distance on the host in float64 against real-vs-real noise floors: each
// level's distance (the fine level through its detail residual), the order
// in which levels are learned, the recovery of the teacher's level-1 atoms,
// the joint (coarse, detail) distance against a no-structure null, and the
// sparsity of hidden units. Baselines and controls: a single-scale
// discriminator, a coarse-first schedule, and the same GAN on a teacher
// whose details are independent of the coarse image. Every variant trains
// at each Adam step size of a small grid and keeps, per seed, the one whose
// generator ends closest to a validation split (the claims are measured on a
// separate test sample); each (seed, variant) draws from its own random
// streams, so its numbers do not depend on which other runs train beside it.
//
// Files: teacher.go (teacher, Up₂, AvgPool₂, residual), swd.go (sliced
// Wasserstein distance, with a precomputed reference side), gan.go (generator, discriminator, losses, the R1 penalty, Adam,
// the GDA trainer), config.go, run.go (the experiment), claims.go,
// figures.go, paper.go. See docs/06-forward-super-resolution.md.
package superres
