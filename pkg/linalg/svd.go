package linalg

import (
	"fmt"
	"math"
	"sort"
)

// maxSweeps bounds the Jacobi iteration; convergence is quadratic and takes
// about 6–12 sweeps at the sizes used here.
const maxSweeps = 80

// eps is the float64 machine epsilon.
const eps = 2.220446049250313e-16

// Decomposition is a thin singular value decomposition A = U·diag(S)·Vᵀ of
// an m×n matrix, with p = min(m, n): U is m×p and V is n×p, both with
// orthonormal columns, and S holds the p singular values in descending order.
type Decomposition struct {
	U *Matrix
	S []float64
	V *Matrix
}

// SVD computes the thin singular value decomposition of a by one-sided
// Jacobi rotations (Hestenes): rotations of column pairs of A (or of Aᵀ
// when A has more columns than rows) until all columns are mutually
// orthogonal (to m·ε in cosine, for columns of length m); the column norms
// are then the singular values. The input is not modified.
//
// Singular vectors are unique only up to sign (and to rotations within
// repeated singular values). Columns of U belonging to singular values that
// are zero to rounding (≤ max(m, n)·ε·σ₁) are completed to an orthonormal set, so
// UᵀU = I always holds. An empty matrix, or one with NaN or ±Inf entries,
// is an error.
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
	if a.Rows < a.Cols {
		// A = U S Vᵀ ⇔ Aᵀ = V S Uᵀ.
		d, err := tallSVD(a.T())
		if err != nil {
			return nil, err
		}
		d.U, d.V = d.V, d.U
		return d, nil
	}
	return tallSVD(a)
}

// tallSVD handles m ≥ n. Columns are kept as contiguous slices.
func tallSVD(a *Matrix) (*Decomposition, error) {
	m, n := a.Rows, a.Cols
	g := make([][]float64, n) // g[j] = column j of A·V
	v := make([][]float64, n) // v[j] = column j of V
	for j := range n {
		g[j] = a.Col(j)
		v[j] = make([]float64, n)
		v[j][j] = 1
	}
	// A column pair counts as orthogonal when |gₚ·g_q| ≤ tol·‖gₚ‖‖g_q‖, with
	// tol = m·ε, the rounding error of a length-m dot product; a column whose
	// norm is below ε·max‖g‖ is zero to rounding and is not rotated.
	tol := float64(m) * eps
	converged := false
	for sweep := 0; sweep < maxSweeps && !converged; sweep++ {
		converged = true
		var maxNorm2 float64
		for j := range n {
			var s float64
			for _, x := range g[j] {
				s += x * x
			}
			maxNorm2 = math.Max(maxNorm2, s)
		}
		negligible := eps * eps * maxNorm2
		for p := 0; p < n-1; p++ {
			for q := p + 1; q < n; q++ {
				gp, gq := g[p], g[q]
				var alpha, beta, gamma float64
				for i := range m {
					alpha += gp[i] * gp[i]
					beta += gq[i] * gq[i]
					gamma += gp[i] * gq[i]
				}
				if gamma == 0 || alpha <= negligible || beta <= negligible || math.Abs(gamma) <= tol*math.Sqrt(alpha*beta) {
					continue
				}
				converged = false
				// The rotation that zeroes the off-diagonal of the 2×2 Gram matrix
				// [[α, γ], [γ, β]]: ζ = (β − α)/(2γ), t = sign(ζ)/(|ζ| + √(1 + ζ²)).
				zeta := (beta - alpha) / (2 * gamma)
				t := 1 / (math.Abs(zeta) + math.Sqrt(1+zeta*zeta))
				if zeta < 0 {
					t = -t
				}
				c := 1 / math.Sqrt(1+t*t)
				s := c * t
				// gₚ ← c·gₚ − s·g_q,  g_q ← s·gₚ + c·g_q  (and the same for V, so that A·V = G).
				rotate(gp, gq, c, s)
				rotate(v[p], v[q], c, s)
			}
		}
	}
	if !converged {
		return nil, fmt.Errorf("linalg: SVD did not converge in %d Jacobi sweeps", maxSweeps)
	}
	sigma := make([]float64, n)
	for j := range n {
		var s float64
		for _, x := range g[j] {
			s += x * x
		}
		sigma[j] = math.Sqrt(s)
	}
	order := make([]int, n)
	for j := range order {
		order[j] = j
	}
	sort.SliceStable(order, func(x, y int) bool { return sigma[order[x]] > sigma[order[y]] })

	d := &Decomposition{U: New(m, n), S: make([]float64, n), V: New(n, n)}
	tiny := float64(max(m, n)) * eps * sigma[order[0]]
	firstZero := n
	for k, j := range order {
		d.S[k] = sigma[j]
		for i := range n {
			d.V.Data[i*n+k] = v[j][i]
		}
		if sigma[j] <= tiny || sigma[j] == 0 {
			if firstZero == n {
				firstZero = k
			}
			continue
		}
		for i := range m {
			d.U.Data[i*n+k] = g[j][i] / sigma[j]
		}
	}
	if firstZero < n {
		completeBasis(d.U, firstZero)
	}
	return d, nil
}

func rotate(x, y []float64, c, s float64) {
	for i := range x {
		xi, yi := x[i], y[i]
		x[i] = c*xi - s*yi
		y[i] = s*xi + c*yi
	}
}

// completeBasis fills columns from..Cols-1 of u (whose earlier columns are
// orthonormal) with unit vectors orthogonal to everything before them,
// trying the standard basis vectors e₀, e₁, … in turn.
func completeBasis(u *Matrix, from int) {
	next := 0
	for j := from; j < u.Cols; j++ {
		for ; next < u.Rows; next++ {
			for i := range u.Rows {
				u.Data[i*u.Cols+j] = 0
			}
			u.Data[next*u.Cols+j] = 1
			tmp := u.FirstCols(j + 1)
			if orthonormalizeColumns(tmp, j) == j+1 {
				for i := range u.Rows {
					u.Data[i*u.Cols+j] = tmp.Data[i*tmp.Cols+j]
				}
				next++
				break
			}
		}
	}
}

// Reconstruct returns U·diag(S)·Vᵀ.
func (d *Decomposition) Reconstruct() *Matrix {
	us := d.U.Clone()
	p := len(d.S)
	for i := range us.Rows {
		for k := range p {
			us.Data[i*p+k] *= d.S[k]
		}
	}
	return Mul(us, d.V.T())
}
