package linalg

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Decomposition is a thin singular value decomposition A = U·diag(S)·Vᵀ of
// an m×n matrix, with p = min(m, n): U is m×p and V is n×p, both with
// orthonormal columns, and S holds the p singular values in descending order.
type Decomposition struct {
	U *Matrix
	S []float64
	V *Matrix
}

// SVD computes the thin singular value decomposition of a with gonum's
// mat.SVD (LAPACK's Dgesvd in pure Go: Householder bidiagonalization, then
// implicit-shift QR on the bidiagonal). The input is not modified, and the
// same input gives bit-identical output.
//
// Singular values come out in descending order. Singular vectors are unique
// only up to sign (and to rotations within repeated singular values); the
// signs are gonum's, and no caller in TheoryLab depends on them: subspace
// similarities and projected norms are invariant to them. U and V always
// have orthonormal columns, also for rank-deficient inputs, where the
// columns of U that belong to zero singular values complete an orthonormal
// set. An empty matrix, or one with NaN or ±Inf entries, is an error.
func SVD(a *Matrix) (*Decomposition, error) {
	if a == nil || a.Rows == 0 || a.Cols == 0 {
		return nil, fmt.Errorf("linalg: SVD of an empty matrix")
	}
	if len(a.Data) != a.Rows*a.Cols {
		return nil, fmt.Errorf("linalg: SVD: %d values for a %d×%d matrix", len(a.Data), a.Rows, a.Cols)
	}
	for i, x := range a.Data {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("linalg: SVD: entry %d is %v", i, x)
		}
	}
	var svd mat.SVD
	if !svd.Factorize(a.dense(), mat.SVDThin) {
		return nil, fmt.Errorf("linalg: SVD of a %d×%d matrix did not converge", a.Rows, a.Cols)
	}
	p := min(a.Rows, a.Cols)
	d := &Decomposition{U: New(a.Rows, p), S: svd.Values(nil), V: New(a.Cols, p)}
	svd.UTo(d.U.dense())
	svd.VTo(d.V.dense())
	return d, nil
}

// Reconstruct returns U·diag(S)·Vᵀ.
func (d *Decomposition) Reconstruct() *Matrix {
	us := d.U.Clone()
	p := len(d.S)
	for i := range us.Rows {
		for k := range p {
			// (U·diag(S))_ik = U_ik·σ_k
			us.Data[i*p+k] *= d.S[k]
		}
	}
	return Mul(us, d.V.T())
}
