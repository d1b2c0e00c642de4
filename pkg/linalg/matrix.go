package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Matrix is a dense row-major matrix: Data[i*Cols+j] is the entry in row i,
// column j.
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
	for i := range a.Rows {
		for j := range a.Cols {
			t.Data[j*a.Rows+i] = a.Data[i*a.Cols+j]
		}
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

// Frobenius returns ‖A‖_F = √(Σᵢⱼ A_ij²).
func (a *Matrix) Frobenius() float64 {
	var s float64
	for _, x := range a.Data {
		s += x * x
	}
	return math.Sqrt(s)
}

// Mul returns A·B. It panics if A.Cols ≠ B.Rows (a programming error).
func Mul(a, b *Matrix) *Matrix {
	if a.Cols != b.Rows {
		panic(fmt.Sprintf("linalg: Mul of %d×%d by %d×%d", a.Rows, a.Cols, b.Rows, b.Cols))
	}
	out := New(a.Rows, b.Cols)
	for i := range a.Rows {
		row := out.Data[i*b.Cols : (i+1)*b.Cols]
		for k := range a.Cols {
			aik := a.Data[i*a.Cols+k]
			if aik == 0 {
				continue
			}
			brow := b.Data[k*b.Cols : (k+1)*b.Cols]
			for j, bkj := range brow {
				row[j] += aik * bkj
			}
		}
	}
	return out
}

// MulTA returns Aᵀ·B without forming Aᵀ. It panics if A.Rows ≠ B.Rows.
func MulTA(a, b *Matrix) *Matrix {
	if a.Rows != b.Rows {
		panic(fmt.Sprintf("linalg: MulTA of (%d×%d)ᵀ by %d×%d", a.Rows, a.Cols, b.Rows, b.Cols))
	}
	out := New(a.Cols, b.Cols)
	for k := range a.Rows {
		arow := a.Data[k*a.Cols : (k+1)*a.Cols]
		brow := b.Data[k*b.Cols : (k+1)*b.Cols]
		for i, aki := range arow {
			if aki == 0 {
				continue
			}
			row := out.Data[i*b.Cols : (i+1)*b.Cols]
			for j, bkj := range brow {
				row[j] += aki * bkj
			}
		}
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
// orthonormal basis of a uniformly random p-dimensional subspace of ℝⁿ:
// the Q factor of a Gaussian matrix, by modified Gram–Schmidt (twice, for
// orthogonality to rounding).
func RandomOrthonormal(n, p int, rng *rand.Rand) *Matrix {
	if p > n || p < 0 {
		panic(fmt.Sprintf("linalg: RandomOrthonormal(%d, %d): need 0 ≤ p ≤ n", n, p))
	}
	for {
		q := Gaussian(n, p, rng)
		if orthonormalizeColumns(q, 0) == p {
			return q
		}
	}
}

// orthonormalizeColumns orthonormalises columns from..Cols-1 of q against
// all earlier columns and each other (modified Gram–Schmidt, two passes).
// It returns the number of columns that ended with a unit norm; a column
// that is (numerically) in the span of earlier ones is left at zero.
func orthonormalizeColumns(q *Matrix, from int) int {
	ok := from
	for j := from; j < q.Cols; j++ {
		norm0 := colNorm(q, j)
		for range 2 {
			for k := range j {
				var dot float64
				for i := range q.Rows {
					dot += q.Data[i*q.Cols+k] * q.Data[i*q.Cols+j]
				}
				for i := range q.Rows {
					q.Data[i*q.Cols+j] -= dot * q.Data[i*q.Cols+k]
				}
			}
		}
		norm := colNorm(q, j)
		if norm <= 1e-10*norm0 || norm == 0 {
			for i := range q.Rows {
				q.Data[i*q.Cols+j] = 0
			}
			continue
		}
		for i := range q.Rows {
			q.Data[i*q.Cols+j] /= norm
		}
		ok++
	}
	return ok
}

func colNorm(q *Matrix, j int) float64 {
	var s float64
	for i := range q.Rows {
		x := q.Data[i*q.Cols+j]
		s += x * x
	}
	return math.Sqrt(s)
}
