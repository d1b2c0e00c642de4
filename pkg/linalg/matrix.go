package linalg

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Matrix is a dense row-major matrix: Data[i*Cols+j] is the entry in row i,
// column j. It is the layout of gonum's mat.Dense, which the arithmetic below
// uses as a view on Data (no copy).
type Matrix struct {
	Rows, Cols int
	Data       []float64
}

// New returns a zero rows×cols matrix.
func New(rows, cols int) *Matrix {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("linalg: negative shape %d×%d", rows, cols))
	}
	return &Matrix{Rows: rows, Cols: cols, Data: make([]float64, rows*cols)}
}

// FromSlice wraps data (not copied) as a rows×cols matrix; len(data) must be
// rows·cols.
func FromSlice(rows, cols int, data []float64) (*Matrix, error) {
	if rows < 0 || cols < 0 {
		return nil, fmt.Errorf("linalg: negative shape %d×%d", rows, cols)
	}
	if len(data) != rows*cols {
		return nil, fmt.Errorf("linalg: %d values for a %d×%d matrix (want %d)", len(data), rows, cols, rows*cols)
	}
	return &Matrix{Rows: rows, Cols: cols, Data: data}, nil
}

// dense returns a gonum view sharing a's Data; nil for an empty matrix,
// which gonum does not represent.
func (a *Matrix) dense() *mat.Dense {
	if a.Rows == 0 || a.Cols == 0 {
		return nil
	}
	return mat.NewDense(a.Rows, a.Cols, a.Data)
}

// Identity returns the n×n identity matrix.
func Identity(n int) *Matrix {
	m := New(n, n)
	for i := range n {
		m.Data[i*n+i] = 1
	}
	return m
}

// At returns the entry in row i, column j.
func (a *Matrix) At(i, j int) float64 { return a.Data[i*a.Cols+j] }

// Set sets the entry in row i, column j.
func (a *Matrix) Set(i, j int, v float64) { a.Data[i*a.Cols+j] = v }

// Clone returns a deep copy.
func (a *Matrix) Clone() *Matrix {
	return &Matrix{Rows: a.Rows, Cols: a.Cols, Data: append([]float64(nil), a.Data...)}
}

// T returns the transpose as a new matrix.
func (a *Matrix) T() *Matrix {
	t := New(a.Cols, a.Rows)
	if len(a.Data) > 0 {
		t.dense().Copy(a.dense().T())
	}
	return t
}

// FirstCols returns a copy of the first k columns (k is clamped to [0, Cols]).
func (a *Matrix) FirstCols(k int) *Matrix {
	k = max(0, min(k, a.Cols))
	out := New(a.Rows, k)
	for i := range a.Rows {
		copy(out.Data[i*k:(i+1)*k], a.Data[i*a.Cols:i*a.Cols+k])
	}
	return out
}

// Col returns a copy of column j.
func (a *Matrix) Col(j int) []float64 {
	out := make([]float64, a.Rows)
	for i := range a.Rows {
		out[i] = a.Data[i*a.Cols+j]
	}
	return out
}

// Frobenius returns ‖A‖_F = √(Σᵢⱼ A_ij²) (computed with scaling, so it
// neither overflows nor underflows).
func (a *Matrix) Frobenius() float64 {
	if len(a.Data) == 0 {
		return 0
	}
	return mat.Norm(a.dense(), 2)
}

// Mul returns A·B. It panics if A.Cols ≠ B.Rows (a programming error).
func Mul(a, b *Matrix) *Matrix {
	if a.Cols != b.Rows {
		panic(fmt.Sprintf("linalg: Mul of %d×%d by %d×%d", a.Rows, a.Cols, b.Rows, b.Cols))
	}
	return product(a.Rows, b.Cols, a.Cols, func() mat.Matrix { return a.dense() }, b)
}

// MulTA returns Aᵀ·B without forming Aᵀ. It panics if A.Rows ≠ B.Rows.
func MulTA(a, b *Matrix) *Matrix {
	if a.Rows != b.Rows {
		panic(fmt.Sprintf("linalg: MulTA of (%d×%d)ᵀ by %d×%d", a.Rows, a.Cols, b.Rows, b.Cols))
	}
	return product(a.Cols, b.Cols, a.Rows, func() mat.Matrix { return a.dense().T() }, b)
}

// product returns the rows×cols matrix left·B, where left is rows×inner;
// an empty inner dimension gives the zero matrix.
func product(rows, cols, inner int, left func() mat.Matrix, b *Matrix) *Matrix {
	out := New(rows, cols)
	if rows > 0 && cols > 0 && inner > 0 {
		out.dense().Mul(left(), b.dense())
	}
	return out
}

// Scale returns c·A as a new matrix.
func (a *Matrix) Scale(c float64) *Matrix {
	out := a.Clone()
	for i := range out.Data {
		out.Data[i] *= c
	}
	return out
}

// Sub returns A − B. It panics if the shapes differ.
func Sub(a, b *Matrix) *Matrix {
	if a.Rows != b.Rows || a.Cols != b.Cols {
		panic(fmt.Sprintf("linalg: Sub of %d×%d and %d×%d", a.Rows, a.Cols, b.Rows, b.Cols))
	}
	out := a.Clone()
	for i, x := range b.Data {
		out.Data[i] -= x
	}
	return out
}

// Gaussian returns a rows×cols matrix of independent N(0, 1) entries drawn
// from rng.
func Gaussian(rows, cols int, rng *rand.Rand) *Matrix {
	m := New(rows, cols)
	for i := range m.Data {
		m.Data[i] = rng.NormFloat64()
	}
	return m
}

// RandomOrthonormal returns an n×p matrix (p ≤ n) whose columns are an
// orthonormal basis of a uniformly random p-dimensional subspace of ℝⁿ: the
// Q factor of an n×p Gaussian matrix G = QR (gonum's Householder QR), with
// the signs of Q's columns chosen so that diag(R) > 0 — the basis that
// Gram–Schmidt on G's columns would give.
func RandomOrthonormal(n, p int, rng *rand.Rand) *Matrix {
	if p > n || p < 0 {
		panic(fmt.Sprintf("linalg: RandomOrthonormal(%d, %d): need 0 ≤ p ≤ n", n, p))
	}
	if p == 0 {
		return New(n, 0)
	}
	for {
		var qr mat.QR
		qr.Factorize(Gaussian(n, p, rng).dense())
		var q, r mat.Dense
		qr.QTo(&q) // n×n; its first p columns span G's columns
		qr.RTo(&r)
		out, ok := New(n, p), true
		for j := range p {
			// A zero R_jj means G's columns are dependent (probability 0): draw again.
			ok = ok && r.At(j, j) != 0
			sign := 1.0
			if r.At(j, j) < 0 {
				sign = -1
			}
			for i := range n {
				out.Data[i*p+j] = sign * q.At(i, j)
			}
		}
		if ok {
			return out
		}
	}
}
