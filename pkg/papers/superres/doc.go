// Package superres reproduces "Forward Super-Resolution: How Can GANs Learn
// Hierarchical Generative Models for Real-World Distributions" (Allen-Zhu,
// Li, ICLR 2023, arXiv 2106.02619).
//
// The paper proves that, for distributions generated coarse to fine (each
// finer resolution driven by the sparse hidden features of the coarser one),
// gradient descent–ascent on a GAN learns the distribution efficiently,
// resolution by resolution. This package builds a teacher with exact
// forward super-resolution (our construction, L levels from 4×4 — two in the
// quick preset, three up to 16×16 in the full one: AvgPool₂(X_ℓ) = X_ℓ₋₁,
// details made of zero-block-mean atoms driven by the coarser level's
// features), trains a multi-scale GAN with as many levels on it by
// alternating Adam GDA — R GANs at once in one compiled graph — and
// measures, with the sliced Wasserstein distance on the host in float64
// against real-vs-real noise floors: each level's distance (the finer levels
// through their detail residuals), the order in which levels are learned,
// the recovery of the teacher's level-1 atoms, the joint (coarse, details)
// distance against a no-structure null, and the sparsity of hidden units.
// Baselines and controls: a single-scale discriminator, a coarse-first
// schedule, and the same GAN on a teacher whose details are independent of
// the coarse image. Every variant trains at each Adam step size of a small
// grid and keeps, per seed, the one whose generator ends closest to a
// validation split (the claims are measured on a separate test sample);
// each (seed, variant) draws from its own random streams, so its numbers do
// not depend on which other runs train beside it. The spec's optional MNIST
// run (7×7 → 14×14 → 28×28) trains the same GAN on digits for a qualitative
// sample grid (RunMNIST).
//
// The GAN and its Adam are written out in the graph rather than built from
// GoMLX's layers and optimizers: the R GANs of a run are stacked on a
// leading run axis and need per-run learning rates, per-run gradient clipping
// and per-level freezing (coarse-first), which those do not offer; the losses
// are the shared ones of models/gan (tested equal).
//
// Files: teacher.go (teacher, Up₂, AvgPool₂, residual), swd.go (sliced
// Wasserstein distance, with a precomputed reference side), gan.go (the
// levels and parameter layout, generator, discriminator, losses, the R1
// penalty, Adam, the GDA trainer), config.go, run.go (the experiment),
// mnist.go (the optional MNIST run), claims.go, figures.go, paper.go. See
// docs/06-forward-super-resolution.md.
package superres
