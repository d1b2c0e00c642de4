// Package lora reproduces "LoRA: Low-Rank Adaptation of Large Language
// Models" (Hu, Shen, Wallis, Allen-Zhu, Li, Wang, Wang, Chen, ICLR 2022) at
// laptop scale.
//
// LoRA freezes a pretrained weight W₀ ∈ ℝ^{d×k} and trains a low-rank
// update, h = W₀x + (α/r)·B·A·x with B ∈ ℝ^{d×r} (zero at the start) and
// A ∈ ℝ^{r×k}; after training, W₀ + (α/r)BA is merged into one matrix, so
// inference costs nothing extra. The adapters themselves live in
// models/lowrank.
//
// No pretrained language model is available offline, so Track A (our
// construction) pretrains one ReLU MLP per seed on MNIST digits 0–4 (AdamW
// with weight decay, until W₀ carries structure) and adapts it to digits
// 5–9: a new head alone, full fine-tuning, and LoRA on both hidden weight
// matrices at several ranks, each method and rank with its own seed streams,
// every variant on several seeds and every learning rate of a grid at once
// (a leading run axis; the rate is chosen on a validation split), with
// GoMLX's Adam. Run also measures the method's
// invariants (zero update at init, frozen W₀, merge equivalence, rank,
// parameter count, the both-zero pitfall), which the tests assert, and
// repeats the paper's Section-7 analyses: the subspace similarity φ between
// the updates learned at a small and a large rank and between seeds, against
// data-shaped nulls (random matrices built from the layer's inputs) as well
// as isotropic ones and full fine-tuning's update, and the amplification
// factor ‖ΔW‖_F/‖UᵀW₀V‖_F.
//
// Files: config.go, data.go, run.go, analysis.go and trackb.go (the
// experiment), claims.go (the claims as data: LORA-7 … LORA-13), figures.go,
// paper.go (Paper, the definition the notebook, the command line and the
// tests share).
package lora
