package linalg

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"
)

func maxAbsDiff(a, b *Matrix) float64 {
	var d float64
	for i := range a.Data {
		d = math.Max(d, math.Abs(a.Data[i]-b.Data[i]))
	}
	return d
}

// orthoError is max |QᵀQ − I|.
func orthoError(q *Matrix) float64 {
	return maxAbsDiff(MulTA(q, q), Identity(q.Cols))
}

func TestSVDReconstructsAndSorts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, shape := range [][2]int{{1, 1}, {5, 3}, {3, 5}, {40, 40}, {128, 196}, {196, 128}, {64, 7}} {
		a := Gaussian(shape[0], shape[1], rng)
		d, err := SVD(a)
		if err != nil {
			t.Fatal(err)
		}
		p := min(shape[0], shape[1])
		if len(d.S) != p || d.U.Rows != shape[0] || d.U.Cols != p || d.V.Rows != shape[1] || d.V.Cols != p {
			t.Fatalf("%v: shapes U %d×%d, S %d, V %d×%d", shape, d.U.Rows, d.U.Cols, len(d.S), d.V.Rows, d.V.Cols)
		}
		scale := a.Frobenius()
		if e := maxAbsDiff(d.Reconstruct(), a); e > 1e-10*scale {
			t.Errorf("%v: reconstruction error %.3g (want < 1e-10·‖A‖)", shape, e)
		}
		for k := 1; k < p; k++ {
			if d.S[k] > d.S[k-1] {
				t.Errorf("%v: singular values not descending at %d: %v > %v", shape, k, d.S[k], d.S[k-1])
			}
		}
		if e := orthoError(d.U); e > 1e-12 {
			t.Errorf("%v: UᵀU − I = %.3g", shape, e)
		}
		if e := orthoError(d.V); e > 1e-12 {
			t.Errorf("%v: VᵀV − I = %.3g", shape, e)
		}
	}
}

// A known spectrum: A = Q₁ diag(σ) Q₂ᵀ with random orthonormal Q's.
func TestSVDKnownSpectrumAndRankDeficiency(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	sigma := []float64{10, 5, 2, 1e-3, 0, 0}
	q1 := RandomOrthonormal(30, 6, rng)
	q2 := RandomOrthonormal(20, 6, rng)
	us := q1.Clone()
	for i := range us.Rows {
		for k := range 6 {
			us.Data[i*6+k] *= sigma[k]
		}
	}
	a := Mul(us, q2.T()) // 30×20, rank 4
	d, err := SVD(a)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range sigma {
		if math.Abs(d.S[k]-want) > 1e-12*10 {
			t.Errorf("σ_%d = %v, want %v", k+1, d.S[k], want)
		}
	}
	for k := 6; k < 20; k++ {
		if d.S[k] > 1e-13 {
			t.Errorf("σ_%d = %v, want ≈ 0", k+1, d.S[k])
		}
	}
	if e := orthoError(d.U); e > 1e-12 {
		t.Errorf("U of a rank-deficient matrix is not orthonormal: %.3g", e)
	}
	if e := maxAbsDiff(d.Reconstruct(), a); e > 1e-12 {
		t.Errorf("reconstruction error %.3g", e)
	}
	// The top singular subspaces are recovered: φ = 1 against the construction.
	phi, _ := SubspaceSimilarity(d.V, q2, 3, 3)
	if math.Abs(phi-1) > 1e-12 {
		t.Errorf("top-3 right subspace similarity with the construction %v, want 1", phi)
	}
}

// Low-rank products of the shapes of LoRA updates (ΔW = B·A, 128×196 and
// 128×128, rank 1–8) converge, with σ_{r+1}… at rounding level and U orthonormal.
func TestSVDLowRankProducts(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, shape := range [][2]int{{128, 196}, {128, 128}, {196, 128}} {
		for _, r := range []int{1, 4, 8} {
			a := Mul(Gaussian(shape[0], r, rng), Gaussian(r, shape[1], rng).Scale(0.01))
			d, err := SVD(a)
			if err != nil {
				t.Fatalf("%v rank %d: %v", shape, r, err)
			}
			if d.S[r-1] < 1e-6*d.S[0] {
				t.Errorf("%v rank %d: σ_r = %g", shape, r, d.S[r-1])
			}
			if d.S[r] > 1e-13*d.S[0] {
				t.Errorf("%v rank %d: σ_{r+1}/σ₁ = %g", shape, r, d.S[r]/d.S[0])
			}
			if e := orthoError(d.U); e > 1e-12 {
				t.Errorf("%v rank %d: UᵀU − I = %.3g", shape, r, e)
			}
			if e := orthoError(d.V); e > 1e-12 {
				t.Errorf("%v rank %d: VᵀV − I = %.3g", shape, r, e)
			}
			if e := maxAbsDiff(d.Reconstruct(), a); e > 1e-12*a.Frobenius() {
				t.Errorf("%v rank %d: reconstruction error %.3g", shape, r, e)
			}
		}
	}
}

func TestSVDErrors(t *testing.T) {
	if _, err := SVD(New(0, 3)); err == nil {
		t.Error("empty matrix accepted")
	}
	a := New(2, 2)
	a.Data[1] = math.NaN()
	if _, err := SVD(a); err == nil {
		t.Error("NaN accepted")
	}
	if _, err := FromSlice(2, 3, make([]float64, 5)); err == nil {
		t.Error("FromSlice accepted a wrong length")
	}
}

func TestSubspaceSimilarityConstructed(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 196
	u := RandomOrthonormal(n, 8, rng)
	// Identical subspaces → 1.
	for i := 1; i <= 8; i++ {
		phi, err := SubspaceSimilarity(u, u, i, i)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(phi-1) > 1e-12 {
			t.Errorf("φ(U, U, %d, %d) = %v, want 1", i, i, phi)
		}
	}
	// Nested: span of first 2 inside span of first 5 → 1.
	if phi, _ := SubspaceSimilarity(u, u, 2, 5); math.Abs(phi-1) > 1e-12 {
		t.Errorf("nested subspaces: φ = %v, want 1", phi)
	}
	// Orthogonal: columns 0–3 against columns 4–7 → 0.
	a, b := u.FirstCols(4), New(n, 4)
	for i := range n {
		for k := range 4 {
			b.Data[i*4+k] = u.Data[i*8+4+k]
		}
	}
	if phi, _ := SubspaceSimilarity(a, b, 4, 4); phi > 1e-24 {
		t.Errorf("orthogonal subspaces: φ = %v, want 0", phi)
	}
	// Invariance to sign flips and to a rotation within the subspace.
	rot := RandomOrthonormal(4, 4, rng)
	ar := Mul(a, rot)
	flipped := a.Clone()
	for i := range n {
		flipped.Data[i*4+1] *= -1
	}
	other := RandomOrthonormal(n, 4, rng)
	p0, _ := SubspaceSimilarity(a, other, 4, 4)
	p1, _ := SubspaceSimilarity(ar, other, 4, 4)
	p2, _ := SubspaceSimilarity(flipped, other, 4, 4)
	if math.Abs(p0-p1) > 1e-12 || math.Abs(p0-p2) > 1e-12 {
		t.Errorf("φ changed under a rotation (%v → %v) or a sign flip (%v)", p0, p1, p2)
	}
	if _, err := SubspaceSimilarity(a, RandomOrthonormal(10, 2, rng), 1, 1); err == nil {
		t.Error("bases of different spaces accepted")
	}
	if _, err := SimilarityGrid(a, a, 5, 1); err == nil {
		t.Error("imax beyond the basis accepted")
	}
}

// Random subspaces of ℝ¹⁹⁶: the mean of φ(i, j) over 200 draws is within
// 10% of max(i, j)/196.
func TestSubspaceSimilarityRandomBaseline(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n, draws = 196, 200
	sum := make([][]float64, 8)
	for i := range sum {
		sum[i] = make([]float64, 8)
	}
	for range draws {
		g, err := SimilarityGrid(RandomOrthonormal(n, 8, rng), RandomOrthonormal(n, 8, rng), 8, 8)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 8 {
			for j := range 8 {
				sum[i][j] += g[i][j]
			}
		}
	}
	for _, ij := range [][2]int{{1, 1}, {1, 8}, {4, 4}, {8, 2}, {8, 8}} {
		i, j := ij[0], ij[1]
		mean := sum[i-1][j-1] / draws
		want := RandomSimilarity(i, j, n)
		if math.Abs(mean-want) > 0.1*want {
			t.Errorf("mean φ(%d, %d) over %d draws = %.5f, want %.5f ± 10%%", i, j, draws, mean, want)
		}
	}
}

func TestProjectedNorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	w := Gaussian(12, 9, rng)
	d, _ := SVD(w)
	// With W's own top-r vectors, ‖UᵀWV‖_F = √(σ₁² + … + σ_r²).
	for r := 1; r <= 9; r++ {
		got := ProjectedNorm(d.U.FirstCols(r), w, d.V.FirstCols(r))
		var want float64
		for k := range r {
			want += d.S[k] * d.S[k]
		}
		if math.Abs(got-math.Sqrt(want)) > 1e-12*d.S[0] {
			t.Errorf("r=%d: ‖UᵀWV‖ = %v, want %v", r, got, math.Sqrt(want))
		}
		// …and no other orthonormal pair of rank r does better.
		if rnd := ProjectedNorm(RandomOrthonormal(12, r, rng), w, RandomOrthonormal(9, r, rng)); rnd > got+1e-12 {
			t.Errorf("r=%d: random subspaces give %v > the top singular subspaces' %v", r, rnd, got)
		}
	}
}

func TestMatrixHelpers(t *testing.T) {
	a, _ := FromSlice(2, 3, []float64{1, 2, 3, 4, 5, 6})
	b := Mul(a, a.T()) // [[14, 32], [32, 77]]
	if b.At(0, 0) != 14 || b.At(0, 1) != 32 || b.At(1, 1) != 77 {
		t.Errorf("A·Aᵀ = %v", b.Data)
	}
	if c := MulTA(a, a); c.Rows != 3 || c.At(2, 2) != 45 {
		t.Errorf("AᵀA = %v", c.Data)
	}
	if f := a.FirstCols(2); f.Cols != 2 || f.At(1, 1) != 5 {
		t.Errorf("FirstCols(2) = %v", f.Data)
	}
	if math.Abs(a.Frobenius()-math.Sqrt(91)) > 1e-15 {
		t.Errorf("‖A‖_F = %v", a.Frobenius())
	}
	defer func() {
		if recover() == nil {
			t.Error("Mul with mismatched shapes did not panic")
		}
	}()
	Mul(a, a)
}

// The sizes of the LoRA analysis (128×196) decompose in well under a second.
func TestSVDSpeed(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	a := Gaussian(128, 196, rng)
	start := time.Now()
	if _, err := SVD(a); err != nil {
		t.Fatal(err)
	}
	t.Logf("128×196 SVD: %v", time.Since(start))
}

// BenchmarkSVD times the thin SVD at the size of the LoRA analysis (one
// 128×196 weight update).
func BenchmarkSVD(b *testing.B) {
	a := Gaussian(128, 196, rand.New(rand.NewPCG(11, 12)))
	for b.Loop() {
		if _, err := SVD(a); err != nil {
			b.Fatal(err)
		}
	}
}

// The same input gives bit-identical U, S and V, whether gonum's products
// run on one thread or several.
func TestSVDDeterministic(t *testing.T) {
	a := Gaussian(128, 196, rand.New(rand.NewPCG(15, 16)))
	first, err := SVD(a)
	if err != nil {
		t.Fatal(err)
	}
	prev := runtime.GOMAXPROCS(1)
	again, err := SVD(a.Clone())
	runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(first.S, again.S) || !slices.Equal(first.U.Data, again.U.Data) || !slices.Equal(first.V.Data, again.V.Data) {
		t.Error("two SVDs of the same matrix differ")
	}
}
