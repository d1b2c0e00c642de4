package hessian

import (
	"fmt"
	"math"
	"sort"
)

// asymmetryTol is the largest relative asymmetry ‖A − Aᵀ‖_F / ‖A‖_F that
// SymEig accepts. A Hessian assembled from float64 Hessian-vector products is
// symmetric to about 1e-12 or better; a larger asymmetry means the input is not
// a symmetric matrix and any answer would be silently wrong.
const asymmetryTol = 1e-8

// SymEig computes the eigendecomposition A = V·diag(values)·Vᵀ of a dense
// symmetric n×n matrix a, stored row-major (a[i*n+j] = A_ij): Householder
// reduction to tridiagonal form, then the implicit QL method with shifts.
//
// The eigenvalues are returned in descending order. vectors is row-major n×n
// with the unit eigenvector for values[j] in column j, so that A·V = V·Λ and
// VᵀV = I. The input is not modified.
//
// SymEig works on (A + Aᵀ)/2 and returns an error if A is not symmetric to a
// relative Frobenius tolerance of 1e-8, if n < 1, if len(a) != n*n, or if a
// contains NaN or ±Inf. It costs about 9n³ flops: tens of milliseconds for the
// 300×300 Hessian of the Chebyshev toy. It is meant
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

	// Work on the symmetrized copy (A + Aᵀ)/2, as rows of V.
	v := make([][]float64, n)
	for i := range v {
		v[i] = make([]float64, n)
		for j := range v[i] {
			v[i][j] = 0.5 * (a[i*n+j] + a[j*n+i])
		}
	}
	d, e := tridiagonalize(v)
	if err := tridiagonalQL(d, e, v); err != nil {
		return nil, nil, err
	}

	// Sort descending and permute the columns of V to match.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return d[order[i]] > d[order[j]] })
	values = make([]float64, n)
	vectors = make([]float64, n*n)
	for j, src := range order {
		values[j] = d[src]
		for i := 0; i < n; i++ {
			vectors[i*n+j] = v[i][src]
		}
	}
	return values, vectors, nil
}

// maxQLIterations bounds the QL iterations spent on one eigenvalue; the
// shifted iteration converges in two or three, so hitting it means NaNs or a
// pathological input.
const maxQLIterations = 60

// tridiagonalize reduces the symmetric matrix in v (rows, overwritten) to
// tridiagonal form T = Qᵀ A Q by Householder reflections, working from the last
// row up. It returns the diagonal d and the sub-diagonal e (e[i] couples i−1
// and i; e[0] = 0) and leaves the orthogonal Q in v.
func tridiagonalize(v [][]float64) (d, e []float64) {
	n := len(v)
	d, e = make([]float64, n), make([]float64, n)
	copy(d, v[n-1])
	for i := n - 1; i > 0; i-- {
		// Householder vector for row i, scaled to avoid under- and overflow.
		var scale, h float64
		for k := 0; k < i; k++ {
			scale += math.Abs(d[k])
		}
		if scale == 0 {
			e[i] = d[i-1]
			for j := 0; j < i; j++ {
				d[j] = v[i-1][j]
				v[i][j], v[j][i] = 0, 0
			}
			d[i] = 0
			continue
		}
		for k := 0; k < i; k++ {
			d[k] /= scale
			h += d[k] * d[k]
		}
		f := d[i-1]
		g := math.Sqrt(h)
		if f > 0 {
			g = -g
		}
		e[i] = scale * g
		h -= f * g
		d[i-1] = f - g
		for j := 0; j < i; j++ {
			e[j] = 0
		}
		// p = A·u / h (in e), then the rank-2 update A ← A − u·qᵀ − q·uᵀ.
		for j := 0; j < i; j++ {
			f = d[j]
			v[j][i] = f
			g = e[j] + v[j][j]*f
			for k := j + 1; k < i; k++ {
				g += v[k][j] * d[k]
				e[k] += v[k][j] * f
			}
			e[j] = g
		}
		f = 0
		for j := 0; j < i; j++ {
			e[j] /= h
			f += e[j] * d[j]
		}
		hh := f / (h + h)
		for j := 0; j < i; j++ {
			e[j] -= hh * d[j]
		}
		for j := 0; j < i; j++ {
			f, g = d[j], e[j]
			for k := j; k < i; k++ {
				v[k][j] -= f*e[k] + g*d[k]
			}
			d[j] = v[i-1][j]
			v[i][j] = 0
		}
		d[i] = h
	}
	// Accumulate the reflections into Q.
	for i := 0; i < n-1; i++ {
		v[n-1][i] = v[i][i]
		v[i][i] = 1
		if h := d[i+1]; h != 0 {
			for k := 0; k <= i; k++ {
				d[k] = v[k][i+1] / h
			}
			for j := 0; j <= i; j++ {
				var g float64
				for k := 0; k <= i; k++ {
					g += v[k][i+1] * v[k][j]
				}
				for k := 0; k <= i; k++ {
					v[k][j] -= g * d[k]
				}
			}
		}
		for k := 0; k <= i; k++ {
			v[k][i+1] = 0
		}
	}
	for j := 0; j < n; j++ {
		d[j] = v[n-1][j]
		v[n-1][j] = 0
	}
	v[n-1][n-1] = 1
	e[0] = 0
	return d, e
}

// tridiagonalQL diagonalises the tridiagonal matrix (d, e) by the implicit QL
// method with Wilkinson-type shifts, applying the rotations to the columns of
// v. On return d holds the eigenvalues (unsorted) and v's columns the vectors.
func tridiagonalQL(d, e []float64, v [][]float64) error {
	n := len(d)
	for i := 1; i < n; i++ {
		e[i-1] = e[i]
	}
	e[n-1] = 0
	var shift, norm float64
	eps := math.Nextafter(1, 2) - 1
	for l := 0; l < n; l++ {
		// Find a negligible sub-diagonal element e[m], splitting the matrix.
		norm = math.Max(norm, math.Abs(d[l])+math.Abs(e[l]))
		m := l
		for m < n-1 && math.Abs(e[m]) > eps*norm {
			m++
		}
		for iter := 0; m > l; iter++ {
			if iter == maxQLIterations {
				return fmt.Errorf("hessian: SymEig: QL did not converge for eigenvalue %d", l)
			}
			// Shift from the leading 2×2 block.
			g := d[l]
			p := (d[l+1] - g) / (2 * e[l])
			r := math.Hypot(p, 1)
			if p < 0 {
				r = -r
			}
			d[l] = e[l] / (p + r)
			d[l+1] = e[l] * (p + r)
			dl1 := d[l+1]
			h := g - d[l]
			for i := l + 2; i < n; i++ {
				d[i] -= h
			}
			shift += h
			// One sweep of plane rotations from m−1 up to l.
			p = d[m]
			c, c2, c3 := 1.0, 1.0, 1.0
			el1 := e[l+1]
			var s, s2 float64
			for i := m - 1; i >= l; i-- {
				c3, c2, s2 = c2, c, s
				g = c * e[i]
				h = c * p
				r = math.Hypot(p, e[i])
				e[i+1] = s * r
				s = e[i] / r
				c = p / r
				p = c*d[i] - s*g
				d[i+1] = h + s*(c*g+s*d[i])
				for k := 0; k < n; k++ {
					h = v[k][i+1]
					v[k][i+1] = s*v[k][i] + c*h
					v[k][i] = c*v[k][i] - s*h
				}
			}
			p = -s * s2 * c3 * el1 * e[l] / dl1
			e[l] = s * p
			d[l] = c * p
			if math.Abs(e[l]) <= eps*norm {
				break
			}
		}
		d[l] += shift
		e[l] = 0
	}
	return nil
}
