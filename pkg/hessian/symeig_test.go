package hessian

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// Test helpers shared by this package's tests carry an "la" prefix (linear
// algebra) to stay clear of names in the HVP tests.

// laRandomOrthogonal returns a row-major n×n orthogonal matrix: modified
// Gram–Schmidt, applied twice, to the columns of a seeded Gaussian matrix.
func laRandomOrthogonal(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 42))
	cols := make([][]float64, n)
	for j := range cols {
		c := make([]float64, n)
		for i := range c {
			c[i] = rng.NormFloat64()
		}
		for pass := 0; pass < 2; pass++ {
			for _, prev := range cols[:j] {
				axpy(-dot(prev, c), prev, c)
			}
		}
		scale(c, 1/norm(c))
		cols[j] = c
	}
	q := make([]float64, n*n)
	for j, c := range cols {
		for i, x := range c {
			q[i*n+j] = x
		}
	}
	return q
}

// laWithSpectrum returns Q·diag(lambda)·Qᵀ (row-major) for orthogonal Q.
func laWithSpectrum(q, lambda []float64) []float64 {
	n := len(lambda)
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			var s float64
			for k := 0; k < n; k++ {
				s += q[i*n+k] * lambda[k] * q[j*n+k]
			}
			a[i*n+j], a[j*n+i] = s, s
		}
	}
	return a
}

// laMatVec returns A·v for row-major n×n A.
func laMatVec(a []float64, v []float64) []float64 {
	n := len(v)
	out := make([]float64, n)
	for i := 0; i < n; i++ {
		out[i] = dot(a[i*n:(i+1)*n], v)
	}
	return out
}

// laOperator wraps a dense symmetric matrix as an Operator and counts calls.
func laOperator(a []float64, calls *int) Operator {
	return func(v []float64) ([]float64, error) {
		if calls != nil {
			*calls++
		}
		return laMatVec(a, v), nil
	}
}

// laLinspace returns n points from lo to hi inclusive.
func laLinspace(lo, hi float64, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = lo + (hi-lo)*float64(i)/float64(n-1)
	}
	return x
}

// laColumn returns column j of row-major n×n m.
func laColumn(m []float64, n, j int) []float64 {
	c := make([]float64, n)
	for i := range c {
		c[i] = m[i*n+j]
	}
	return c
}

func TestSymEigKnownSpectrum(t *testing.T) {
	cases := []struct {
		name   string
		lambda []float64
	}{
		{"1x1", []float64{-3.5}},
		{"distinct", []float64{5, -2, 0.5, 3, 1e-3, -7, 2.25, 0}},
		{"repeated", []float64{2, 2, 2, -1, -1, 0, 4, 4, 1}},
		{"linspace-60", laLinspace(-1, 10, 60)},
		{"zero", make([]float64, 5)},
		{"wide-range", []float64{1e6, 1, 1e-6, -1e3, 3.3}},
		// The size of the toy's explicit Hessian: a bulk of near-zero
		// eigenvalues, a few outliers and one negative direction.
		{"hessian-like-300", append(append(laLinspace(-1e-3, 1e-3, 294), -0.5, 2, 3.7, 3.7+1e-9), 8, 40)},
	}
	for ci, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := len(tc.lambda)
			q := laRandomOrthogonal(n, uint64(ci))
			a := laWithSpectrum(q, tc.lambda)
			orig := append([]float64(nil), a...)
			values, vectors, err := SymEig(a, n)
			if err != nil {
				t.Fatal(err)
			}
			for i := range a {
				if a[i] != orig[i] {
					t.Fatal("SymEig modified its input")
				}
			}
			want := append([]float64(nil), tc.lambda...)
			sortDesc(want)
			scaleA := 0.0
			for _, l := range want {
				scaleA = math.Max(scaleA, math.Abs(l))
			}
			scaleA = math.Max(scaleA, 1)
			for i := range want {
				if i > 0 && values[i] > values[i-1] {
					t.Errorf("values not descending at %d: %v > %v", i, values[i], values[i-1])
				}
				if d := math.Abs(values[i] - want[i]); d > 1e-10*scaleA {
					t.Errorf("value %d = %.15g, want %.15g (|diff| = %.3g)", i, values[i], want[i], d)
				}
			}
			// Orthonormality: VᵀV = I.
			var orth float64
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					d := dot(laColumn(vectors, n, i), laColumn(vectors, n, j))
					if i == j {
						d--
					}
					orth = math.Max(orth, math.Abs(d))
				}
			}
			if orth > 1e-10 {
				t.Errorf("max |VᵀV − I| = %.3g, want < 1e-10", orth)
			}
			// A·V = V·Λ, entrywise relative to the spectrum's scale.
			var resid float64
			for j := 0; j < n; j++ {
				vj := laColumn(vectors, n, j)
				av := laMatVec(orig, vj)
				for i := range av {
					resid = math.Max(resid, math.Abs(av[i]-values[j]*vj[i]))
				}
			}
			if resid > 1e-10*scaleA {
				t.Errorf("max |AV − VΛ| = %.3g, want < 1e-10 × %g", resid, scaleA)
			}
			t.Logf("n=%d: max |VᵀV − I| = %.2g, max |AV − VΛ| = %.2g", n, orth, resid)
		})
	}
}

func TestSymEigDiagonalAndSmall(t *testing.T) {
	// An already-diagonal matrix needs no rotation and keeps its basis.
	values, vectors, err := SymEig([]float64{1, 0, 0, 0, 3, 0, 0, 0, 2}, 3)
	if err != nil {
		t.Fatal(err)
	}
	wantV := []float64{3, 2, 1}
	wantVec := []float64{0, 0, 1, 1, 0, 0, 0, 1, 0}
	for i := range wantV {
		if values[i] != wantV[i] {
			t.Errorf("values = %v, want %v", values, wantV)
			break
		}
	}
	for i := range wantVec {
		if vectors[i] != wantVec[i] {
			t.Errorf("vectors = %v, want %v", vectors, wantVec)
			break
		}
	}
	// [[2,1],[1,2]] has eigenvalues 3 and 1, eigenvectors (1,1)/√2, (1,−1)/√2.
	values, vectors, err = SymEig([]float64{2, 1, 1, 2}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(values[0]-3) > 1e-15 || math.Abs(values[1]-1) > 1e-15 {
		t.Errorf("values = %v, want [3 1]", values)
	}
	if math.Abs(math.Abs(vectors[0])-math.Sqrt2/2) > 1e-15 || vectors[0]*vectors[2] <= 0 {
		t.Errorf("top eigenvector = (%v, %v), want ±(1,1)/√2", vectors[0], vectors[2])
	}
}

func TestSymEigErrors(t *testing.T) {
	cases := []struct {
		name string
		a    []float64
		n    int
	}{
		{"n=0", nil, 0},
		{"n<0", nil, -1},
		{"short", []float64{1, 2, 3}, 2},
		{"NaN", []float64{1, math.NaN(), math.NaN(), 1}, 2},
		{"Inf", []float64{math.Inf(1), 0, 0, 1}, 2},
		{"asymmetric", []float64{1, 2, 0, 1}, 2},
	}
	for _, tc := range cases {
		if _, _, err := SymEig(tc.a, tc.n); err == nil {
			t.Errorf("%s: SymEig returned no error", tc.name)
		} else {
			t.Logf("%s: %v", tc.name, err)
		}
	}
	// Rounding-level asymmetry (as in a Hessian assembled from HVPs) is accepted.
	if _, _, err := SymEig([]float64{1, 2, 2 + 1e-13, 1}, 2); err != nil {
		t.Errorf("rounding-level asymmetry rejected: %v", err)
	}
}

// The same input gives bit-identical values and vectors, on one thread or
// several; SymEigValues agrees with SymEig's values and makes the same checks.
func TestSymEigDeterministicAndValuesOnly(t *testing.T) {
	lambda := append(laLinspace(-1e-3, 1e-3, 94), -0.5, 2, 3.7, 3.7+1e-9, 8, 40)
	a := laWithSpectrum(laRandomOrthogonal(len(lambda), 7), lambda)
	n := len(lambda)
	v1, q1, err := SymEig(a, n)
	if err != nil {
		t.Fatal(err)
	}
	prev := runtime.GOMAXPROCS(1) // gonum's products may run on several threads
	v2, q2, err := SymEig(slices.Clone(a), n)
	runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(v1, v2) || !slices.Equal(q1, q2) {
		t.Error("two SymEig calls on the same matrix differ")
	}
	only, err := SymEigValues(a, n)
	if err != nil {
		t.Fatal(err)
	}
	for i := range only {
		if math.Abs(only[i]-v1[i]) > 1e-10*40 {
			t.Errorf("value %d: SymEigValues %.15g, SymEig %.15g", i, only[i], v1[i])
		}
	}
	if _, err := SymEigValues([]float64{1, 2, 0, 1}, 2); err == nil {
		t.Error("SymEigValues accepted an asymmetric matrix")
	}
}

func sortDesc(x []float64) {
	for i := 1; i < len(x); i++ {
		for j := i; j > 0 && x[j] > x[j-1]; j-- {
			x[j], x[j-1] = x[j-1], x[j]
		}
	}
}

// BenchmarkSymEig times the dense eigendecomposition at the size of the
// Chebyshev toy's explicit Hessian (300×300).
func BenchmarkSymEig(b *testing.B) {
	lambda := laLinspace(-1, 10, 300)
	a := laWithSpectrum(laRandomOrthogonal(300, 1), lambda)
	for b.Loop() {
		if _, _, err := SymEig(a, 300); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSymEigValues times the eigenvalues alone at the same size.
func BenchmarkSymEigValues(b *testing.B) {
	a := laWithSpectrum(laRandomOrthogonal(300, 1), laLinspace(-1, 10, 300))
	for b.Loop() {
		if _, err := SymEigValues(a, 300); err != nil {
			b.Fatal(err)
		}
	}
}
