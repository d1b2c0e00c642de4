// Package patchnet is the one-hidden-layer patch network of Allen-Zhu and
// Li's ensemble / distillation theory (arXiv 2012.09816), with a leading run
// axis so that R independently initialised networks train in one graph:
//
//	F_j(X) = Σ_{r≤m} Σ_{p≤P} ReLU~(⟨w_{j,r}, x_p⟩),   j = 1 … k,
//
// where ReLU~ is the smoothed ReLU with threshold ϱ and power q:
//
//	ReLU~(z) = 0                       for z ≤ 0
//	         = z^q / (q ϱ^{q−1})        for 0 ≤ z ≤ ϱ
//	         = z − (1 − 1/q) ϱ          for z ≥ ϱ
//
// (the formulas are as given in our spec, unverified against the paper).
// Parameters are W [R, k·m, d], row j·m + r being w_{j,r}; inputs are
// X [n, P, d], shared by the runs; logits are [R, n, k]. Lambda reads the
// view diagnostics Λ_{j,ℓ} = max_r ⟨w_{j,r}, v_{j,ℓ}⟩ from W on the host.
package patchnet
