package sparsecoding_test

import (
	"math"
	"math/rand/v2"
	"testing"

	sc "theorylab/pkg/sparsecoding"
)

const (
	d1, d = 64, 16
	p     = 0.15
	sigma = 0.29
)

func dense(seed uint64) sc.Model {
	return sc.Dense(d1, d, p, sigma, rand.New(rand.NewPCG(seed, 1)))
}

// TestGenerator: MᵀM = I, the active rate of z is p, the signs balance, and
// the noise has standard deviation σ.
func TestGenerator(t *testing.T) {
	m := dense(0)
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	for j := range d {
		for k := range d {
			a, b := m.Atom(j), m.Atom(k)
			var s float64
			for i := range a {
				s += a[i] * b[i]
			}
			want := 0.0
			if j == k {
				want = 1
			}
			if math.Abs(s-want) > 1e-12 {
				t.Fatalf("(MᵀM)[%d,%d] = %v", j, k, s)
			}
		}
	}
	const n = 65536
	dr := sc.NewDraw(n, d1, d, p, rand.New(rand.NewPCG(0, 2)))
	var active, plus float64
	for _, z := range dr.Z {
		if z != 0 {
			active++
		}
		if z > 0 {
			plus++
		}
	}
	if rate := active / float64(len(dr.Z)); math.Abs(rate-p) > 0.005 {
		t.Errorf("active rate %v, want %v ± 0.005", rate, p)
	}
	if share := plus / active; math.Abs(share-0.5) > 0.01 {
		t.Errorf("share of +1 among active %v, want ½", share)
	}
	sparse, noise := m.Parts(dr)
	var ss float64
	for _, v := range noise {
		ss += v * v
	}
	if std := math.Sqrt(ss / float64(len(noise))); math.Abs(std/sigma-1) > 0.01 {
		t.Errorf("noise std %v, want %v within 1%%", std, sigma)
	}
	x := m.Inputs(dr)
	for i := range x {
		if x[i] != sparse[i]+noise[i] {
			t.Fatalf("x ≠ Mz + ξ at %d", i)
		}
	}
}

// TestAugmentation: complementary masks average back to x exactly, and the
// mean of x⁺ over many masks is x.
func TestAugmentation(t *testing.T) {
	m := dense(1)
	rng := rand.New(rand.NewPCG(1, 3))
	x := m.Inputs(sc.NewDraw(4, d1, d, p, rng))
	ad := sc.NewAugDraw(4, d1, false, rng)
	v1, v2 := sc.Aug{Kind: sc.Masking}.Views(x, ad)
	for i := range x {
		if (v1[i]+v2[i])/2 != x[i] || (v1[i] != 0) == (v2[i] != 0) && x[i] != 0 {
			t.Fatalf("views %v, %v of x = %v are not complementary halves", v1[i], v2[i], x[i])
		}
	}
	const reps = 20000
	mean := make([]float64, len(x))
	for range reps {
		a, _ := sc.Aug{Kind: sc.Masking}.Views(x, sc.NewAugDraw(4, d1, false, rng))
		for i := range a {
			mean[i] += a[i] / reps
		}
	}
	for i := range x {
		// std of 2Dx over reps: |x|/√reps
		if math.Abs(mean[i]-x[i]) > 5*math.Abs(x[i])/math.Sqrt(reps)+1e-12 {
			t.Fatalf("E[x⁺][%d] = %v, x = %v", i, mean[i], x[i])
		}
	}
}

// TestCorrelationFormulas: the exact positive-pair correlations match Monte
// Carlo (N = 65,536, tolerance 0.015) for every augmentation, part and a
// few directions, for a dense M and for M = I.
func TestCorrelationFormulas(t *testing.T) {
	const n = 65536
	rng := rand.New(rand.NewPCG(2, 4))
	dr := sc.NewDraw(n, d1, d, p, rng)
	ad := sc.NewAugDraw(n, d1, true, rng)
	orth := make([]float64, d1)
	orth[d1-1] = 1 // ⟂ span(M) for M = I
	for _, m := range []sc.Model{dense(2), sc.Coordinate(d1, d, p, sigma)} {
		sparse, noise := m.Parts(dr)
		whole := make([]float64, len(sparse))
		for i := range whole {
			whole[i] = sparse[i] + noise[i]
		}
		covS, covN := m.SparseCov(), m.NoiseCov()
		covW := make([]float64, len(covS))
		for i := range covW {
			covW[i] = covS[i] + covN[i]
		}
		for _, aug := range []sc.Aug{{Kind: sc.None}, {Kind: sc.Masking}, {Kind: sc.Independent}, {Kind: sc.Gaussian, Std: 0.3}} {
			for _, part := range []struct {
				x, cov []float64
			}{{sparse, covS}, {noise, covN}, {whole, covW}} {
				v1, v2 := aug.Views(part.x, ad)
				for _, u := range [][]float64{m.Atom(0), m.Atom(5)} {
					want, got := aug.PairCorrelation(u, part.cov), sc.EmpiricalCorrelation(u, v1, v2)
					if math.Abs(want-got) > 0.015 {
						t.Errorf("%s: ρ = %.4f, formula %.4f", aug.Kind, got, want)
					}
				}
			}
		}
		// masking along an atom: (1 − κ)/(1 + κ) for the sparse part
		u := m.Atom(3)
		k := m.Kappa(u)
		if got := (sc.Aug{Kind: sc.Masking}).PairCorrelation(u, covS); math.Abs(got-(1-k)/(1+k)) > 1e-12 {
			t.Errorf("sparse masking ρ = %v, (1 − κ)/(1 + κ) = %v", got, (1-k)/(1+k))
		}
	}
	// M = I: κ = 1 along eⱼ, so masking erases the sparse correlation
	c := sc.Coordinate(d1, d, p, sigma)
	if k := c.Kappa(c.Atom(2)); k != 1 {
		t.Errorf("κ(e₂) = %v for M = I, want 1", k)
	}
}

// TestMetrics: aⱼ = 1 for w = a signed permutation of the atoms, and the
// purity of random directions averages d/d₁.
func TestMetrics(t *testing.T) {
	m := dense(3)
	w := make([]float64, d*d1)
	for i := range d {
		a := m.Atom((i + 5) % d)
		for k := range d1 {
			w[i*d1+k] = -2 * a[k]
		}
	}
	for j, a := range m.AtomRecovery(w, d) {
		if math.Abs(a-1) > 1e-12 {
			t.Fatalf("a[%d] = %v for w = permuted atoms", j, a)
		}
	}
	const rows = 4000
	rng := rand.New(rand.NewPCG(3, 5))
	wr := make([]float64, rows*d1)
	for i := range wr {
		wr[i] = rng.NormFloat64()
	}
	var mean float64
	for _, v := range m.Purity(wr, rows) {
		mean += v / rows
	}
	if want := float64(d) / d1; math.Abs(mean/want-1) > 0.05 {
		t.Errorf("mean purity of random w %v, want d/d₁ = %v within 5%%", mean, want)
	}
}

// TestReadout: an exact linear relation is read out with R² = 1; features
// unrelated to z give R² ≈ 0.
func TestReadout(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 6))
	const n, k = 2000, 3
	f, z, junk := make([]float64, n*k), make([]float64, n*2), make([]float64, n*k)
	for i := range n {
		for c := range k {
			f[i*k+c], junk[i*k+c] = rng.NormFloat64(), rng.NormFloat64()
		}
		z[i*2], z[i*2+1] = 2*f[i*k]-f[i*k+2]+1, f[i*k+1]
	}
	if r2 := sc.ReadoutR2(f, k, z, 2, n/2); math.Abs(r2-1) > 1e-6 {
		t.Errorf("R² of an exact linear relation %v", r2)
	}
	if r2 := sc.ReadoutR2(junk, k, z, 2, n/2); math.Abs(r2) > 0.02 {
		t.Errorf("R² of unrelated features %v", r2)
	}
}
