// Package lowrank holds the adapters of LoRA, Low-Rank Adaptation (Hu et al.,
// ICLR 2022; the reproduction is pkg/papers/lora): a frozen pretrained weight
// W₀ plus a trainable low-rank update,
//
//	h = W₀x + (α/r)·B·A·x,    B ∈ ℝ^{d×r}, A ∈ ℝ^{r×k}, r ≪ min(d, k),
//
// with B = 0 at the start, so that training begins exactly at the
// pretrained model, and α held fixed while r varies (the update per
// direction shrinks as 1/r). After training the update merges into the
// weight, W = W₀ + (α/r)·B·A, and inference costs nothing extra; subtracting
// it again restores W₀ (up to rounding) so that adapters can be swapped.
//
// Layout. Like models/mlp, every tensor carries a leading run axis R (one
// slice per independently trained copy), and dense weights are stored
// input-major, W₀ [R, k, d], used as x·W₀. The adapter factors keep the
// paper's orientation: A [R, r, k] and B [R, d, r]. The update in the
// weight's layout is therefore the transpose, ΔWᵀ = (α/r)·Aᵀ·Bᵀ [R, k, d];
// Config.Delta computes it in a graph and Layer.Delta returns the paper's
// d×k matrix on the host. One layout, pinned by tests, so that a merge can
// never miss a transpose (the bug class of microsoft/LoRA issues #34 and #61).
//
// Initialisation (Config.Init): B = 0 and A ~ U(−1/√k, 1/√k), which is what
// loralib's kaiming_uniform_(A, a=√5) draws; A for run i comes from the PCG
// stream (seed_i, StreamA), so a run's adapter does not depend on the other
// runs in the batch. ZeroA sets A = 0 as well, only to demonstrate the
// pitfall that then no gradient ever reaches A or B.
//
// Pieces:
//
//   - Config: one adapter's shape, rank and α; Branch, Apply and Delta build
//     graph nodes; Init draws initial factors; NumParams is r(d + k).
//   - Layer: a frozen weight with its adapter on the host, with explicit,
//     flagged Merge and Unmerge (merging twice is refused) and a JSON
//     checkpoint that keeps the flag, so a checkpoint saved merged is never
//     merged again when reloaded.
//   - MLP: a models/mlp network with adapters on chosen layers.
//
// LoRA dropout (on the adapter's input only) is not implemented; the
// TheoryLab presets run without it.
package lowrank
