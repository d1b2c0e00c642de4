package hessian

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// asymmetryTol is the largest relative asymmetry ‖A − Aᵀ‖_F / ‖A‖_F that
// SymEig accepts. A Hessian assembled from float64 Hessian-vector products is
// symmetric to about 1e-12 or better; a larger asymmetry means the input is not
// a symmetric matrix and any answer would be silently wrong.
const asymmetryTol = 1e-8

// SymEig computes the eigendecomposition A = V·diag(values)·Vᵀ of a dense
// symmetric n×n matrix a, stored row-major (a[i*n+j] = A_ij), with gonum's
// mat.EigenSym (LAPACK's Dsyev in pure Go: Householder reduction to
// tridiagonal form, then implicit QL/QR with shifts).
//
// The eigenvalues are returned in descending order (gonum's are ascending).
// vectors is row-major n×n with the unit eigenvector for values[j] in column
// j, so that A·V = V·Λ and VᵀV = I; eigenvector signs are gonum's. The input
// is not modified, and the same input gives bit-identical output.
//
// SymEig works on (A + Aᵀ)/2 and returns an error if A is not symmetric to a
// relative Frobenius tolerance of 1e-8, if n < 1, if len(a) != n*n, or if a
// contains NaN or ±Inf. It costs O(n³): a few tens of milliseconds for the
// 300×300 Hessian of the Chebyshev toy. It is meant for explicit Hessians,
// Lanczos tridiagonal matrices and tests.
func SymEig(a []float64, n int) (values []float64, vectors []float64, err error) {
	var eig mat.EigenSym
	if err := factorizeSym(&eig, a, n, true); err != nil {
		return nil, nil, err
	}
	asc, q := eig.RawValues(), eig.RawQ()
	values, vectors = make([]float64, n), make([]float64, n*n)
	for j := range n {
		// Descending order: column j of V is gonum's column n−1−j.
		values[j] = asc[n-1-j]
		for i := range n {
			vectors[i*n+j] = q.At(i, n-1-j)
		}
	}
	return values, vectors, nil
}

// SymEigValues returns the eigenvalues of the symmetric n×n matrix a in
// descending order, with the same checks as SymEig. Skipping the
// eigenvectors makes it several times faster (gonum then uses the
// square-root-free QL/QR on the tridiagonal matrix).
func SymEigValues(a []float64, n int) ([]float64, error) {
	var eig mat.EigenSym
	if err := factorizeSym(&eig, a, n, false); err != nil {
		return nil, err
	}
	asc := eig.RawValues()
	values := make([]float64, n)
	for j := range n {
		values[j] = asc[n-1-j]
	}
	return values, nil
}

// factorizeSym checks a and factorizes its symmetric part (A + Aᵀ)/2.
func factorizeSym(eig *mat.EigenSym, a []float64, n int, vectors bool) error {
	if n < 1 {
		return fmt.Errorf("hessian: SymEig: n = %d, want n >= 1", n)
	}
	if len(a) != n*n {
		return fmt.Errorf("hessian: SymEig: len(a) = %d, want n*n = %d", len(a), n*n)
	}
	var norm2, asym2 float64
	for i, x := range a {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("hessian: SymEig: a[%d] = %v", i, x)
		}
		norm2 += x * x
	}
	sym := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			// ‖A − Aᵀ‖²_F = Σ_{i≠j} (A_ij − A_ji)², each pair counted twice.
			d := a[i*n+j] - a[j*n+i]
			asym2 += 2 * d * d
			sym.SetSym(i, j, 0.5*(a[i*n+j]+a[j*n+i]))
		}
	}
	if asym2 > asymmetryTol*asymmetryTol*norm2 {
		return fmt.Errorf("hessian: SymEig: matrix is not symmetric (‖A−Aᵀ‖/‖A‖ = %.3g > %g)",
			math.Sqrt(asym2/norm2), asymmetryTol)
	}
	if !eig.Factorize(sym, vectors) {
		return fmt.Errorf("hessian: SymEig: the %d×%d eigendecomposition did not converge", n, n)
	}
	return nil
}
