package hessian

import (
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
)

// laDiagOperator applies diag(lambda).
func laDiagOperator(lambda []float64) Operator {
	return func(v []float64) ([]float64, error) {
		out := make([]float64, len(v))
		for i := range v {
			out[i] = lambda[i] * v[i]
		}
		return out, nil
	}
}

// laSpecSpectrum is the spec's known spectrum linspace(0.1, 10, 300), with the
// second-largest eigenvalue moved to 9.99 when degenerate is set.
func laSpecSpectrum(degenerate bool) []float64 {
	lambda := laLinspace(0.1, 10, 300)
	if degenerate {
		lambda[len(lambda)-2] = 9.99
	}
	return lambda
}

// TestLanczosKnownSpectrum is the spec's method check "Lanczos on a known
// spectrum": eigenvalues linspace(0.1, 10, 300) in a random orthogonal basis,
// λ_max to < 1e-6 relative, and to < 1e-5 with a near-degenerate top pair
// (10, 9.99), reporting the residual.
//
// The spec asks for this with 20 iterations. That is mathematically out of
// reach for this spectrum (see TestLanczosKnownSpectrum20Iterations, which
// asserts the finding), so this test keeps the thresholds and uses 100
// iterations: over 200 random start vectors, 1e-6 took 40–90 iterations
// (median 55; 65 for the degenerate pair).
func TestLanczosKnownSpectrum(t *testing.T) {
	const iters = 100
	q := laRandomOrthogonal(300, 1)
	for _, tc := range []struct {
		name       string
		degenerate bool
		tol        float64
	}{
		{"linspace(0.1,10,300)", false, 1e-6},
		{"top pair (10,9.99)", true, 1e-5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lambda := laSpecSpectrum(tc.degenerate)
			h := laWithSpectrum(q, lambda)
			for seed := uint64(0); seed < 3; seed++ {
				calls := 0
				e, err := Lanczos(laOperator(h, &calls), 300, iters, seed)
				if err != nil {
					t.Fatal(err)
				}
				rel := math.Abs(e.Values[0]-10) / 10
				// The reported residual must be the true ‖Hv − λv‖ of the pair.
				res := residual(laMatVec(h, e.Vector), e.Values[0], e.Vector)
				t.Logf("seed %d: λ_max = %.15g, relative error %.2g, residual ‖Hv − λv‖ = %.2g, %d iterations, %d operator calls",
					seed, e.Values[0], rel, e.Residual, e.Iterations, calls)
				if rel >= tc.tol {
					t.Errorf("seed %d: relative error of λ_max = %.3g, want < %g", seed, rel, tc.tol)
				}
				if math.Abs(res-e.Residual) > 1e-12 {
					t.Errorf("seed %d: Residual = %.6g, recomputed %.6g", seed, e.Residual, res)
				}
				if math.Abs(norm(e.Vector)-1) > 1e-12 {
					t.Errorf("seed %d: ‖Vector‖ = %v, want 1", seed, norm(e.Vector))
				}
				if e.Iterations != iters || calls != iters+1 {
					t.Errorf("seed %d: %d iterations and %d calls, want %d and %d", seed, e.Iterations, calls, iters, iters+1)
				}
				for i := 1; i < len(e.Values); i++ {
					if e.Values[i] > e.Values[i-1] {
						t.Fatalf("seed %d: Ritz values not descending", seed)
					}
				}
			}
		})
	}
}

// TestLanczosKnownSpectrum20Iterations asserts a finding about the spec's
// check as written: 20 Lanczos iterations CANNOT recover λ_max of
// linspace(0.1, 10, 300) to 1e-6 relative from a random start; the error is
// about 1e-3.
//
// Why: the 20-step Ritz value is the largest Rayleigh quotient over the Krylov
// space K_20, so no method using 20 products from that start does better.
// The top gap is tiny relative to the spread, (λ₁−λ₂)/(λ₂−λ_n) = 0.0331/9.87
// ≈ 3.4e-3, so the Kaniel–Paige bound (λ₁−λ_n)·tan²∠(v₀,q₁)/T₁₉(1+2·3.4e-3)² is
// about 10·300/21 — no guarantee at all. For an evenly filled spectrum the
// top Ritz value behaves like the largest Gauss–Legendre node, which for 20
// nodes sits 0.0069·(width/2) ≈ 0.034 below the edge: relative error ≈ 3e-3.
// Over 200 start vectors the error at 20 iterations ranged 1.4e-4 … 1e-2.
//
// To show this is the mathematics and not rounding or a bug, the float64
// Ritz values are compared with Lanczos run in 256-bit arithmetic on the same
// start vector (math/big): they agree to 1e-12.
func TestLanczosKnownSpectrum20Iterations(t *testing.T) {
	const iters = 20
	q := laRandomOrthogonal(300, 1)
	for _, degenerate := range []bool{false, true} {
		lambda := laSpecSpectrum(degenerate)
		h := laWithSpectrum(q, lambda)
		for seed := uint64(0); seed < 3; seed++ {
			// In the rotated basis, as the spec states it.
			e, err := Lanczos(laOperator(h, nil), 300, iters, seed)
			if err != nil {
				t.Fatal(err)
			}
			rel := math.Abs(e.Values[0]-10) / 10
			t.Logf("degenerate=%v seed %d: 20 iterations give λ_max = %.10g, relative error %.2g, residual %.2g",
				degenerate, seed, e.Values[0], rel, e.Residual)
			if rel < 1e-6 {
				t.Errorf("degenerate=%v seed %d: relative error %.3g < 1e-6: the finding no longer holds; revisit the spec note",
					degenerate, seed, rel)
			}
			// The same problem in the eigenbasis, against exact arithmetic.
			d, err := Lanczos(laDiagOperator(lambda), 300, iters, seed)
			if err != nil {
				t.Fatal(err)
			}
			exact := laExactRitzValues(t, lambda, StartVector(300, seed), iters)
			var worst float64
			for i := range exact {
				worst = math.Max(worst, math.Abs(d.Values[i]-exact[i])/10)
			}
			t.Logf("  eigenbasis: 20-step Ritz values match 256-bit arithmetic to %.2g; exact λ_max error %.2g",
				worst, math.Abs(exact[0]-10)/10)
			if worst > 1e-12 {
				t.Errorf("degenerate=%v seed %d: float64 Ritz values differ from 256-bit ones by %.3g relative", degenerate, seed, worst)
			}
			if rel := math.Abs(exact[0]-10) / 10; rel < 1e-6 {
				t.Errorf("degenerate=%v seed %d: exact 20-step Ritz value within %.3g of λ_max", degenerate, seed, rel)
			}
		}
	}
}

// laExactRitzValues runs k Lanczos steps on diag(lambda) from v0 in 256-bit
// floating point (no reorthogonalization needed at that precision for k ≪ 50
// digits' worth of loss) and returns the eigenvalues of T, descending.
func laExactRitzValues(t *testing.T, lambda, v0 []float64, k int) []float64 {
	t.Helper()
	const prec = 256
	n := len(lambda)
	newF := func() *big.Float { return new(big.Float).SetPrec(prec) }
	vec := func() []*big.Float {
		v := make([]*big.Float, n)
		for i := range v {
			v[i] = newF()
		}
		return v
	}
	dotB := func(a, b []*big.Float) *big.Float {
		s, p := newF(), newF()
		for i := range a {
			s.Add(s, p.Mul(a[i], b[i]))
		}
		return s
	}
	lam := vec()
	q := vec()
	for i := range q {
		lam[i].SetFloat64(lambda[i])
		q[i].SetFloat64(v0[i])
	}
	nrm := newF().Sqrt(dotB(q, q))
	for i := range q {
		q[i].Quo(q[i], nrm)
	}
	prev := vec()
	beta := newF()
	var alphas, betas []float64
	tmp := newF()
	for j := 0; j < k; j++ {
		w := vec()
		for i := range w {
			w[i].Mul(lam[i], q[i])
		}
		alpha := dotB(q, w)
		for i := range w {
			w[i].Sub(w[i], tmp.Mul(alpha, q[i]))
			w[i].Sub(w[i], tmp.Mul(beta, prev[i]))
		}
		a, _ := alpha.Float64()
		alphas = append(alphas, a)
		if j == k-1 {
			break
		}
		beta = newF().Sqrt(dotB(w, w))
		b, _ := beta.Float64()
		betas = append(betas, b)
		for i := range w {
			w[i].Quo(w[i], beta)
		}
		prev, q = q, w
	}
	tm := make([]float64, k*k)
	for i := 0; i < k; i++ {
		tm[i*k+i] = alphas[i]
		if i+1 < k {
			tm[i*k+i+1], tm[(i+1)*k+i] = betas[i], betas[i]
		}
	}
	values, _, err := SymEig(tm, k)
	if err != nil {
		t.Fatal(err)
	}
	return values
}

// TestLanczosIsolatedTop20Iterations: when λ_max is separated from the rest
// of the spectrum (the usual shape of a neural-network Hessian: a few outliers
// above a bulk), 20 iterations reach the spec's 1e-6 easily.
func TestLanczosIsolatedTop20Iterations(t *testing.T) {
	lambda := append(laLinspace(0.1, 1, 297), 4, 6, 10)
	h := laWithSpectrum(laRandomOrthogonal(300, 2), lambda)
	for seed := uint64(0); seed < 3; seed++ {
		e, err := Lanczos(laOperator(h, nil), 300, 20, seed)
		if err != nil {
			t.Fatal(err)
		}
		rel := math.Abs(e.Values[0]-10) / 10
		t.Logf("seed %d: relative error %.2g, residual %.2g; next Ritz values %.10g, %.10g",
			seed, rel, e.Residual, e.Values[1], e.Values[2])
		if rel >= 1e-6 {
			t.Errorf("seed %d: relative error %.3g, want < 1e-6", seed, rel)
		}
		if math.Abs(e.Values[1]-6) > 1e-6*6 || math.Abs(e.Values[2]-4) > 1e-6*4 {
			t.Errorf("seed %d: outliers 6 and 4 not recovered: %v", seed, e.Values[:3])
		}
	}
}

// TestLanczosFullSpace: with k = dim the Ritz values are all the eigenvalues.
// This only works with full reorthogonalization (without it, ghost copies of
// converged eigenvalues appear and others go missing).
func TestLanczosFullSpace(t *testing.T) {
	const n = 40
	lambda := laLinspace(-3, 5, n)
	lambda[0] = -3.0001 // near-degenerate bottom pair
	h := laWithSpectrum(laRandomOrthogonal(n, 3), lambda)
	want, _, err := SymEig(h, n)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Lanczos(laOperator(h, nil), n, 100, 9) // iters > dim: k = dim
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Values) != n || e.Iterations != n {
		t.Fatalf("got %d values after %d iterations, want %d", len(e.Values), e.Iterations, n)
	}
	for i := range want {
		if d := math.Abs(e.Values[i] - want[i]); d > 1e-10 {
			t.Errorf("Ritz value %d = %.15g, SymEig %.15g", i, e.Values[i], want[i])
		}
	}
	if e.Residual > 1e-10 {
		t.Errorf("residual %.3g, want < 1e-10", e.Residual)
	}
}

// TestLanczosBreakdown: on a rank-3 operator the Krylov space is invariant
// after 4 steps (3 eigenvectors plus the start vector's null-space part), so
// Lanczos stops early with exact eigenvalues.
func TestLanczosBreakdown(t *testing.T) {
	const n = 50
	lambda := make([]float64, n)
	lambda[0], lambda[1], lambda[2] = 7, -2, 3
	h := laWithSpectrum(laRandomOrthogonal(n, 4), lambda)
	calls := 0
	e, err := Lanczos(laOperator(h, &calls), n, 20, 5)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("stopped after %d iterations: %v, residual %.2g", e.Iterations, e.Values, e.Residual)
	if e.Iterations != 4 || calls != 5 {
		t.Errorf("%d iterations, %d calls; want 4 and 5", e.Iterations, calls)
	}
	for i, w := range []float64{7, 3, 0, -2} {
		if i < len(e.Values) && math.Abs(e.Values[i]-w) > 1e-10 {
			t.Errorf("Values[%d] = %.15g, want %g", i, e.Values[i], w)
		}
	}
	if e.Residual > 1e-10 {
		t.Errorf("residual %.3g", e.Residual)
	}
	// The zero operator breaks down at once.
	z, err := Lanczos(laDiagOperator(make([]float64, 8)), 8, 5, 0)
	if err != nil || z.Iterations != 1 || z.Values[0] != 0 || z.Residual != 0 {
		t.Errorf("zero operator: %+v, %v", z, err)
	}
	// dim = 1.
	one, err := Lanczos(laDiagOperator([]float64{-4}), 1, 5, 0)
	if err != nil || one.Iterations != 1 || one.Values[0] != -4 || math.Abs(one.Vector[0]) != 1 {
		t.Errorf("dim 1: %+v, %v", one, err)
	}
}

// laBatchOperator applies matrix r to vs[r] and counts calls.
func laBatchOperator(mats [][]float64, calls *int) BatchOperator {
	return func(vs [][]float64) ([][]float64, error) {
		*calls++
		out := make([][]float64, len(vs))
		for r, v := range vs {
			out[r] = laMatVec(mats[r], v)
		}
		return out, nil
	}
}

func laSameEigen(t *testing.T, label string, got, want Eigen, tol float64) {
	t.Helper()
	if got.Iterations != want.Iterations || len(got.Values) != len(want.Values) || len(got.Vector) != len(want.Vector) {
		t.Errorf("%s: shape differs: %d iterations, %d values vs %d iterations, %d values",
			label, got.Iterations, len(got.Values), want.Iterations, len(want.Values))
		return
	}
	var d float64
	for i := range got.Values {
		d = math.Max(d, math.Abs(got.Values[i]-want.Values[i]))
	}
	for i := range got.Vector {
		d = math.Max(d, math.Abs(got.Vector[i]-want.Vector[i]))
	}
	d = math.Max(d, math.Abs(got.Residual-want.Residual))
	if d > tol {
		t.Errorf("%s: batch and single differ by %.3g", label, d)
	}
}

// TestLanczosBatchMatchesSingle: run r of LanczosBatch equals Lanczos on
// matrix r with seed+r, on three different matrices — one of which (rank 2)
// stops early while the others go on.
func TestLanczosBatchMatchesSingle(t *testing.T) {
	const n, iters, seed = 60, 25, 11
	mats := [][]float64{
		laWithSpectrum(laRandomOrthogonal(n, 20), laLinspace(-1, 4, n)),
		laWithSpectrum(laRandomOrthogonal(n, 21), append(laLinspace(0, 1, n-2), 3, 8)),
		laWithSpectrum(laRandomOrthogonal(n, 22), append(make([]float64, n-2), 2, 5)),
	}
	calls := 0
	batch, err := LanczosBatch(laBatchOperator(mats, &calls), len(mats), n, iters, seed)
	if err != nil {
		t.Fatal(err)
	}
	if calls != iters+1 {
		t.Errorf("%d batched operator calls, want %d", calls, iters+1)
	}
	for r, m := range mats {
		single, err := Lanczos(laOperator(m, nil), n, iters, seed+uint64(r))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("run %d: λ_max %.12g, %d iterations, residual %.2g", r, batch[r].Values[0], batch[r].Iterations, batch[r].Residual)
		laSameEigen(t, "run "+string(rune('0'+r)), batch[r], single, 1e-12)
	}
	if batch[2].Iterations != 3 {
		t.Errorf("rank-2 run took %d iterations, want 3 (early stop)", batch[2].Iterations)
	}
}

// TestLanczosOperatorBufferReuse: an operator may return the same buffer on
// every call (as a graph executor might); Lanczos must copy it.
func TestLanczosOperatorBufferReuse(t *testing.T) {
	const n = 30
	h := laWithSpectrum(laRandomOrthogonal(n, 5), laLinspace(1, 2, n))
	buf := make([]float64, n)
	reuse := func(v []float64) ([]float64, error) {
		copy(buf, laMatVec(h, v))
		return buf, nil
	}
	got, err := Lanczos(reuse, n, 15, 3)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Lanczos(laOperator(h, nil), n, 15, 3)
	if err != nil {
		t.Fatal(err)
	}
	laSameEigen(t, "buffer reuse", got, want, 0)
}

func TestLanczosErrors(t *testing.T) {
	good := laDiagOperator(laLinspace(1, 2, 10))
	nanAt := func(call int, x float64) Operator {
		n := 0
		return func(v []float64) ([]float64, error) {
			n++
			out, _ := good(v)
			if n == call {
				out[4] = x
			}
			return out, nil
		}
	}
	errOp := errors.New("graph exploded")
	cases := []struct {
		name string
		op   Operator
		dim  int
		it   int
		want string
	}{
		{"nil operator", nil, 10, 5, "nil operator"},
		{"dim 0", good, 0, 5, "dim = 0"},
		{"iters 0", good, 10, 0, "iters = 0"},
		{"wrong length", func(v []float64) ([]float64, error) { return make([]float64, 9), nil }, 10, 5, "length 9"},
		{"NaN", nanAt(3, math.NaN()), 10, 5, "operator returned NaN at iteration 3"},
		{"+Inf", nanAt(2, math.Inf(1)), 10, 5, "operator returned +Inf at iteration 2"},
		{"NaN in residual", nanAt(6, math.NaN()), 10, 5, "NaN in the residual check"},
		{"operator error", func(v []float64) ([]float64, error) { return nil, errOp }, 10, 5, "graph exploded"},
	}
	for _, tc := range cases {
		e, err := Lanczos(tc.op, tc.dim, tc.it, 0)
		if err == nil {
			t.Errorf("%s: no error (got %+v)", tc.name, e)
			continue
		}
		t.Logf("%s: %v", tc.name, err)
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q does not contain %q", tc.name, err, tc.want)
		}
		if e.Values != nil || e.Vector != nil {
			t.Errorf("%s: numbers returned with the error: %+v", tc.name, e)
		}
	}
	_, err := Lanczos(nanAt(1, math.NaN()), 10, 5, 0)
	var nf *NonFiniteError
	if !errors.As(err, &nf) || nf.Iteration != 1 || nf.Index != 4 {
		t.Errorf("errors.As(*NonFiniteError) failed or wrong details: %v", err)
	}
	if _, err := Lanczos(cases[7].op, 10, 5, 0); !errors.Is(err, errOp) {
		t.Errorf("operator error not wrapped: %v", err)
	}
}

// TestLanczosBatchPartialFailure: a run that returns NaN (a diverged training
// run) fails alone; the other runs' results are returned and are exact.
func TestLanczosBatchPartialFailure(t *testing.T) {
	const n, iters = 20, 10
	mats := [][]float64{
		laWithSpectrum(laRandomOrthogonal(n, 30), laLinspace(1, 3, n)),
		laWithSpectrum(laRandomOrthogonal(n, 31), laLinspace(1, 4, n)),
		laWithSpectrum(laRandomOrthogonal(n, 32), laLinspace(1, 5, n)),
	}
	calls := 0
	op := func(vs [][]float64) ([][]float64, error) {
		calls++
		out := make([][]float64, len(vs))
		for r, v := range vs {
			out[r] = laMatVec(mats[r], v)
		}
		if calls >= 4 {
			out[1][0] = math.NaN() // run 1 diverges from the 4th call on
		}
		return out, nil
	}
	res, err := LanczosBatch(op, 3, n, iters, 0)
	var be *BatchError
	if !errors.As(err, &be) || len(be.Runs) != 1 || be.Runs[0] != 1 {
		t.Fatalf("want a *BatchError for run 1, got %v", err)
	}
	t.Logf("%v", err)
	var nf *NonFiniteError
	if !errors.As(err, &nf) || nf.Iteration != 4 {
		t.Errorf("want a *NonFiniteError at iteration 4 inside, got %v", err)
	}
	if res[1].Values != nil {
		t.Errorf("failed run returned numbers: %+v", res[1])
	}
	for _, r := range []int{0, 2} {
		single, err := Lanczos(laOperator(mats[r], nil), n, iters, uint64(r))
		if err != nil {
			t.Fatal(err)
		}
		laSameEigen(t, "healthy run", res[r], single, 1e-12)
	}

	// Bad batch shapes fail the whole call.
	short := func(vs [][]float64) ([][]float64, error) { return vs[:1], nil }
	if res, err := LanczosBatch(short, 2, n, iters, 0); err == nil || res != nil {
		t.Errorf("short batch output: %v, %v", res, err)
	}
	if _, err := LanczosBatch(laBatchOperator(mats, &calls), 0, n, iters, 0); err == nil {
		t.Error("batch = 0 accepted")
	}
}
