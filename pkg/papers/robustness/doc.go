// Package robustness reproduces "A Law of Robustness for Two-Layers Neural
// Networks" (Bubeck, Li, Nagaraj, COLT 2021, arXiv 2009.14444).
//
// Fitting n random labels of generic points in d dimensions takes only about
// n/d neurons, but the authors conjecture (Conjecture 1) that any two-layer
// network with k neurons that fits them has Lipschitz constant at least of
// order √(n/k): a smooth fit needs k ≈ n neurons. Theorem 5 proves the
// spectral version, ‖a‖₂‖W‖_op ≥ √(n/k) for bias-free exact fits (with
// positive probability), and Section 3 gives the two ends: the minimum-norm
// linear interpolant (Lip ≤ √(2n) for n ≤ c·d) and a k = n construction with
// Lipschitz constant 10.
//
// Run trains two-layer ReLU networks f(x) = Σ_ℓ a_ℓ ReLU(w_ℓ·x + b_ℓ)
// (models/twolayer) on n = 100 points of N(0, I_d/d), d = 16, at six widths
// and on several independent draws, by full-batch Adam until they memorize,
// and measures each fit's Lipschitz constant three ways (pkg/lipschitz): the
// paper's maximum random gradient, a hill climb, and ‖a‖‖W‖_op. Beside the
// paper's plain Adam it trains a smooth-fit variant (our construction: a
// gradient-norm penalty) and the nulls (a smooth linear teacher instead of
// random labels, networks at initialisation). Paper (paper.go) puts Quick,
// Full, Run, Claims and Figures in the lab's table (pkg/papers): the
// notebook, the command line, the sweep and the tests all run it through the
// same results cache. Draw r of the run with first seed s has data seed
// 1000·s + r (DrawSeed) and its validation draw 1000·s + 999, so that runs
// from different first seeds — the replicates of a sweep — share no draw.
package robustness
