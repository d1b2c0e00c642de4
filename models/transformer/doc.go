// Package transformer is a tiny decoder-only Transformer (GPT-style, pre-LayerNorm)
// whose parameters carry a leading run axis, so that R independently
// initialised copies train in one graph, with optional LoRA adapters
// (models/lowrank) on the attention projections W_q, W_k, W_v, W_o.
//
// For a sequence of one-hot tokens x [T, V]:
//
//	h⁰ = x·E + P                                         (token and position embeddings)
//	hˡ⁺¹ = hˡ + Attn(LN₁(hˡ)),  then  hˡ⁺¹ += MLP(LN₂(hˡ⁺¹))
//	Attn(a) = concatₕ softmax(QₕKₕᵀ/√dₕ + M) Vₕ · W_o,  Q = a·W_q, K = a·W_k, V = a·W_v
//	MLP(a) = ReLU(a·W₁ + b₁)·W₂ + b₂
//	logits = LN_f(h^L)·W_out + b_out
//
// where M is the causal mask (−∞ above the diagonal: position t attends to
// positions ≤ t only) and LN(a) = g ⊙ (a − mean(a))/√(var(a) + 1e-5) + b.
// Tokens enter as one-hot vectors multiplied by E (no gather, so every
// backend differentiates it); the weights are stored input-major, as in
// models/mlp (a·W with W [R, in, out]).
//
// Initialisation (GPT-2's): weights N(0, 0.02²), the residual projections
// W_o and W₂ scaled by 1/√(2·Layers), biases 0, LayerNorm gains 1. Values
// are drawn in Go from PCG(seed, 0), identical on every backend.
package transformer
