// Package hessian measures the top of a training loss's Hessian spectrum, in
// particular the sharpness S(θ) = λ_max(∇²L(θ)) that the edge-of-stability
// reproduction tracks.
//
// # Hessian-vector products
//
// The Hessian of a model with P parameters is never formed during training:
// everything here needs only the map v ↦ H·v, an Operator (one map) or a
// BatchOperator (R independent maps evaluated by one executed graph, one per
// batched training run). A Hessian-vector product costs about two gradient
// evaluations. The solvers treat the operator as a black box, copy what it
// returns, and reject results of the wrong length.
//
// # Power iteration
//
// PowerIteration repeats v ← H·v/‖H·v‖. Each step costs one product and yields
// the Rayleigh quotient θ = vᵀHv and its residual ‖Hv − θv‖ for free. It is
// cheap to warm-start from the previous measurement's eigenvector, which is why
// frequent sharpness samples use it. Two caveats: it converges to the
// eigenvalue of largest magnitude (a large negative eigenvalue wins over
// λ_max), and its error shrinks like (λ₂/λ₁)^(2k), so it stalls when the top
// eigenvalues nearly coincide.
//
// # Lanczos
//
// Lanczos builds an orthonormal basis of the Krylov space
// span{v, Hv, …, H^(k−1)v} and the k×k tridiagonal matrix T = QᵀHQ; the
// eigenvalues of T (Ritz values, from SymEig) approximate the extreme
// eigenvalues of H, the top one optimally among all methods that use k
// products from the same start. Every new basis vector is orthogonalized
// against all previous ones twice, which keeps the basis orthonormal to
// working precision: no spurious duplicate Ritz values, and near-degenerate
// top pairs are resolved. Lanczos stops early when the Krylov space becomes
// invariant. One extra product gives the residual ‖Hv − λv‖ of the top pair;
// always report it. Like every single-vector Krylov method it sees a repeated
// eigenvalue once: Values lists distinct eigenvalues, not multiplicities.
//
// How many iterations are enough depends on the spectrum, not on P: an
// isolated top eigenvalue (a few outliers above a bulk, the usual shape of a
// network Hessian) converges to 1e-6 relative in well under 20 iterations,
// while for eigenvalues spread evenly over [0.1, 10] (300 of them) the top
// Ritz value after 20 iterations is still ~1e-3 off, and 1e-6 takes 40–90.
// The residual tells which case one is in.
//
// LanczosBatch and PowerIterationBatch run R problems in lockstep with one
// BatchOperator call per iteration. Run r's result equals the single version's
// on the r-th map. A run whose products contain NaN or ±Inf (a diverged
// training run) fails alone with a *NonFiniteError collected in a *BatchError;
// the healthy runs' results are still returned. Nothing here ever returns a
// number computed from non-finite products.
//
// # Dense eigendecomposition
//
// SymEig diagonalizes a dense symmetric matrix (eigenvalues descending,
// orthonormal eigenvectors); SymEigValues returns the eigenvalues alone,
// several times faster. They serve the Lanczos tridiagonal matrices, explicit
// Hessians of small models (300×300 takes about 0.1 s with vectors) and tests.
//
// # What is gonum's and what is ours
//
// The dense eigensolver is gonum.org/v1/gonum/mat's EigenSym (LAPACK's Dsyev
// in pure Go, deterministic); SymEig adds what TheoryLab's callers rely on:
// the row-major []float64 interface, descending order (gonum's is
// ascending), a check that the input is symmetric (a Hessian assembled from
// products must be, to rounding) and errors instead of panics for bad input.
// The Hessian-vector products, power iteration and Lanczos are ours: gonum
// has no matrix-free eigensolvers, and these work on an Operator that runs a
// GoMLX graph, batched over training runs, with per-run failure reporting.
package hessian
