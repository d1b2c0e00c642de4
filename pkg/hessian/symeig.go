package hessian

import (
	"fmt"
	"math"
	"sort"
)

// maxJacobiSweeps bounds the cyclic Jacobi iteration. Convergence is
// quadratic, so well under 20 sweeps are needed in practice; hitting the
// bound means the input was pathological and SymEig reports an error.
const maxJacobiSweeps = 100

// asymmetryTol is the largest relative asymmetry ‖A − Aᵀ‖_F / ‖A‖_F that
// SymEig accepts. A Hessian assembled from float64 Hessian-vector products is
// symmetric to about 1e-12 or better; a larger asymmetry means the input is not
// a symmetric matrix and any answer would be silently wrong.
const asymmetryTol = 1e-8

// SymEig computes the eigendecomposition A = V·diag(values)·Vᵀ of a dense
// symmetric n×n matrix a, stored row-major (a[i*n+j] = A_ij), by the cyclic
// Jacobi method.
//
// The eigenvalues are returned in descending order. vectors is row-major n×n
// with the unit eigenvector for values[j] in column j, so that A·V = V·Λ and
// VᵀV = I. The input is not modified.
//
// SymEig works on (A + Aᵀ)/2 and returns an error if A is not symmetric to a
// relative Frobenius tolerance of 1e-8, if n < 1, if len(a) != n*n, or if a
// contains NaN or ±Inf. It costs O(n³) per sweep (about 8 sweeps typically):
// well under a second for the 300×300 Hessian of the Chebyshev toy. It is meant
// for explicit Hessians, Lanczos tridiagonal matrices and tests.
func SymEig(a []float64, n int) (values []float64, vectors []float64, err error) {
	if n < 1 {
		return nil, nil, fmt.Errorf("hessian: SymEig: n = %d, want n >= 1", n)
	}
	if len(a) != n*n {
		return nil, nil, fmt.Errorf("hessian: SymEig: len(a) = %d, want n*n = %d", len(a), n*n)
	}
	var norm2, asym2 float64
	for i, x := range a {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, nil, fmt.Errorf("hessian: SymEig: a[%d] = %v", i, x)
		}
		norm2 += x * x
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			d := a[i*n+j] - a[j*n+i]
			asym2 += 2 * d * d
		}
	}
	if asym2 > asymmetryTol*asymmetryTol*norm2 {
		return nil, nil, fmt.Errorf("hessian: SymEig: matrix is not symmetric (‖A−Aᵀ‖/‖A‖ = %.3g > %g)",
			math.Sqrt(asym2/norm2), asymmetryTol)
	}

	// Work on the symmetrized copy W = (A + Aᵀ)/2; V accumulates the rotations.
	w := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			w[i*n+j] = 0.5 * (a[i*n+j] + a[j*n+i])
		}
	}
	v := make([]float64, n*n)
	for i := 0; i < n; i++ {
		v[i*n+i] = 1
	}

	converged := false
	for sweep := 0; sweep < maxJacobiSweeps; sweep++ {
		// off(W)² = Σ_{p≠q} W_pq². Jacobi is done when it is exactly zero:
		// rotations drive entries below the rounding level of the diagonal,
		// where they are set to zero (see below).
		var off float64
		for p := 0; p < n; p++ {
			for q := p + 1; q < n; q++ {
				off += w[p*n+q] * w[p*n+q]
			}
		}
		if off == 0 {
			converged = true
			break
		}
		for p := 0; p < n; p++ {
			for q := p + 1; q < n; q++ {
				jacobiRotate(w, v, n, p, q)
			}
		}
	}
	if !converged {
		return nil, nil, fmt.Errorf("hessian: SymEig: Jacobi did not converge in %d sweeps", maxJacobiSweeps)
	}

	// Sort descending and permute the columns of V to match.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return w[order[i]*n+order[i]] > w[order[j]*n+order[j]] })
	values = make([]float64, n)
	vectors = make([]float64, n*n)
	for j, src := range order {
		values[j] = w[src*n+src]
		for i := 0; i < n; i++ {
			vectors[i*n+j] = v[i*n+src]
		}
	}
	return values, vectors, nil
}

// jacobiRotate applies the plane rotation that zeroes W_pq: W ← JᵀWJ, V ← VJ,
// with J the identity except J_pp = J_qq = c, J_pq = s, J_qp = −s.
func jacobiRotate(w, v []float64, n, p, q int) {
	apq := w[p*n+q]
	if apq == 0 {
		return
	}
	app, aqq := w[p*n+p], w[q*n+q]
	// An entry below the rounding level of both diagonal entries changes
	// neither eigenvalue representably: drop it (Rutishauser's test).
	g := 100 * math.Abs(apq)
	if math.Abs(app)+g == math.Abs(app) && math.Abs(aqq)+g == math.Abs(aqq) {
		w[p*n+q], w[q*n+p] = 0, 0
		return
	}
	// θ = (a_qq − a_pp) / (2 a_pq); t = tan φ is the smaller root of
	// t² + 2θt − 1 = 0, i.e. t = sgn(θ) / (|θ| + √(θ² + 1)) (rotation angle ≤ π/4).
	var t float64
	h := aqq - app
	if math.Abs(h)+g == math.Abs(h) {
		t = apq / h // θ huge: t ≈ 1/(2θ)
	} else {
		theta := 0.5 * h / apq
		t = 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
		if theta < 0 {
			t = -t
		}
	}
	c := 1 / math.Sqrt(t*t+1)
	s := t * c
	// a'_pp = a_pp − t·a_pq, a'_qq = a_qq + t·a_pq, a'_pq = 0.
	w[p*n+p] = app - t*apq
	w[q*n+q] = aqq + t*apq
	w[p*n+q], w[q*n+p] = 0, 0
	// a'_kp = c·a_kp − s·a_kq, a'_kq = s·a_kp + c·a_kq for k ∉ {p, q} (and symmetric).
	for k := 0; k < n; k++ {
		if k == p || k == q {
			continue
		}
		akp, akq := w[k*n+p], w[k*n+q]
		np := c*akp - s*akq
		nq := s*akp + c*akq
		w[k*n+p], w[p*n+k] = np, np
		w[k*n+q], w[q*n+k] = nq, nq
	}
	// V ← V·J: columns p and q rotate the same way.
	for k := 0; k < n; k++ {
		vkp, vkq := v[k*n+p], v[k*n+q]
		v[k*n+p] = c*vkp - s*vkq
		v[k*n+q] = s*vkp + c*vkq
	}
}
