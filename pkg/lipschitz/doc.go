// Package lipschitz estimates the Lipschitz constant of a network,
//
//	Lip(f) = sup_{x ≠ x′} |f(x) − f(x′)| / ‖x − x′‖ = sup_x ‖∇ₓf(x)‖
//
// (the second form for f differentiable almost everywhere, as ReLU networks
// are), from below and from above:
//
//   - GradNorms: ‖∇ₓf(z)‖ at given points by GoMLX's autodiff, for any graph
//     function f that maps points z [R, Z, D] to values [R, Z] (R independent
//     runs). The maximum over random points z is the "maximum random gradient"
//     proxy of Bubeck, Li and Nagaraj (Section 5): a lower bound on Lip(f).
//   - HillClimb: a random-direction hill climb on ‖∇ₓf‖ from given starting
//     points inside a ball (our construction). It only accepts improvements,
//     so its result is at least the best starting value and still a lower
//     bound on Lip(f).
//   - SpectralNorm: ‖M‖_op by power iteration on MᵀM. For a two-layer network
//     f(x) = Σ_ℓ a_ℓ ψ(w_ℓ·x + b_ℓ) with ψ L-Lipschitz, Lip(f) ≤ L·‖a‖₂·‖W‖_op
//     (the paper's Theorem 5, inequality (5)): TwoLayerBound computes it.
//
// So for every network, GradNorms' maximum ≤ HillClimb ≤ TwoLayerBound, up to
// the power iteration's convergence (it approaches ‖M‖_op from below).
package lipschitz
