package hessian

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// laSeparated is a spectrum with a well-separated top: 10, then 6, then a
// bulk in [0.1, 5]. Power iteration's error shrinks like (6/10)^(2·iters).
func laSeparated(n int) []float64 {
	return append(laLinspace(0.1, 5, n-2), 6, 10)
}

func TestPowerIterationConverges(t *testing.T) {
	const n = 100
	q := laRandomOrthogonal(n, 40)
	h := laWithSpectrum(q, laSeparated(n))
	top := laColumn(q, n, n-1) // eigenvector of 10
	calls := 0
	e, err := PowerIteration(laOperator(h, &calls), n, nil, 60)
	if err != nil {
		t.Fatal(err)
	}
	rel := math.Abs(e.Values[0]-10) / 10
	align := math.Abs(dot(e.Vector, top))
	t.Logf("60 iterations: λ = %.15g, relative error %.2g, residual %.2g, |⟨v, q₁⟩| = %.15f", e.Values[0], rel, e.Residual, align)
	if rel > 1e-12 || e.Residual > 1e-8 || 1-align > 1e-12 {
		t.Errorf("not converged: relative error %.3g, residual %.3g, 1−|⟨v,q₁⟩| = %.3g", rel, e.Residual, 1-align)
	}
	if e.Iterations != 60 || calls != 60 {
		t.Errorf("%d iterations, %d calls, want 60 and 60", e.Iterations, calls)
	}
	if res := residual(laMatVec(h, e.Vector), e.Values[0], e.Vector); math.Abs(res-e.Residual) > 1e-12 {
		t.Errorf("Residual %.6g does not belong to the returned pair (recomputed %.6g)", e.Residual, res)
	}
}

func TestPowerIterationWarmStart(t *testing.T) {
	const n = 100
	q := laRandomOrthogonal(n, 41)
	h := laWithSpectrum(q, laSeparated(n))
	top := laColumn(q, n, n-1)
	v0 := append([]float64(nil), top...)
	scale(v0, -3) // any scale and sign
	calls := 0
	e, err := PowerIteration(laOperator(h, &calls), n, v0, 1)
	if err != nil {
		t.Fatal(err)
	}
	rel := math.Abs(e.Values[0]-10) / 10
	t.Logf("warm start, 1 iteration: relative error %.2g, residual %.2g", rel, e.Residual)
	if calls != 1 || e.Iterations != 1 {
		t.Errorf("%d calls, %d iterations, want 1", calls, e.Iterations)
	}
	if rel > 1e-13 || e.Residual > 1e-12 {
		t.Errorf("warm start from the true vector: relative error %.3g, residual %.3g", rel, e.Residual)
	}
	if v0[0] != -3*top[0] {
		t.Error("PowerIteration modified v0")
	}
}

// TestPowerIterationLargestMagnitude documents the caveat: power iteration
// finds the eigenvalue of largest |λ|, which need not be λ_max.
func TestPowerIterationLargestMagnitude(t *testing.T) {
	const n = 50
	lambda := append(laLinspace(0, 5, n-2), 10, -12)
	h := laWithSpectrum(laRandomOrthogonal(n, 42), lambda)
	e, err := PowerIteration(laOperator(h, nil), n, nil, 200)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(e.Values[0]+12) > 1e-8 {
		t.Errorf("got %.12g, want −12 (largest magnitude)", e.Values[0])
	}
	l, err := Lanczos(laOperator(h, nil), n, 40, 0)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(l.Values[0]-10) > 1e-8 {
		t.Errorf("Lanczos λ_max = %.12g, want 10", l.Values[0])
	}
}

func TestPowerIterationBatchMatchesSingle(t *testing.T) {
	const n, iters = 40, 30
	mats := [][]float64{
		laWithSpectrum(laRandomOrthogonal(n, 50), laSeparated(n)),
		laWithSpectrum(laRandomOrthogonal(n, 51), laLinspace(-1, 3, n)),
		laWithSpectrum(laRandomOrthogonal(n, 52), make([]float64, n)), // zero: stops at once
	}
	warm := laColumn(laRandomOrthogonal(n, 50), n, n-1)
	v0 := [][]float64{warm, nil, nil}
	calls := 0
	batch, err := PowerIterationBatch(laBatchOperator(mats, &calls), len(mats), n, v0, iters)
	if err != nil {
		t.Fatal(err)
	}
	if calls != iters {
		t.Errorf("%d batched calls, want %d", calls, iters)
	}
	for r, m := range mats {
		var start []float64
		if v0[r] != nil {
			start = v0[r]
		} else {
			start = StartVector(n, uint64(r))
		}
		single, err := PowerIteration(laOperator(m, nil), n, start, iters)
		if err != nil {
			t.Fatal(err)
		}
		laSameEigen(t, "power run", batch[r], single, 1e-12)
	}
	if batch[2].Iterations != 1 || batch[2].Values[0] != 0 {
		t.Errorf("zero operator: %+v", batch[2])
	}
	// v0 == nil: every run starts from StartVector(dim, r).
	all, err := PowerIterationBatch(laBatchOperator(mats, &calls), len(mats), n, nil, iters)
	if err != nil {
		t.Fatal(err)
	}
	laSameEigen(t, "nil v0", all[1], batch[1], 0)
}

func TestPowerIterationErrors(t *testing.T) {
	good := laDiagOperator(laLinspace(1, 2, 10))
	nanAt3 := func() Operator {
		n := 0
		return func(v []float64) ([]float64, error) {
			n++
			out, _ := good(v)
			if n == 3 {
				out[0] = math.NaN()
			}
			return out, nil
		}
	}
	cases := []struct {
		name string
		op   Operator
		dim  int
		v0   []float64
		it   int
		want string
	}{
		{"nil operator", nil, 10, nil, 5, "nil operator"},
		{"dim 0", good, 0, nil, 5, "dim = 0"},
		{"iters 0", good, 10, nil, 0, "iters = 0"},
		{"v0 length", good, 10, make([]float64, 3), 5, "len(v0) = 3"},
		{"v0 zero", good, 10, make([]float64, 10), 5, "zero vector"},
		{"v0 NaN", good, 10, append(make([]float64, 9), math.NaN()), 5, "NaN"},
		{"NaN from operator", nanAt3(), 10, nil, 5, "operator returned NaN at iteration 3"},
		{"wrong length", func(v []float64) ([]float64, error) { return v[:2], nil }, 10, nil, 5, "length 2"},
	}
	for _, tc := range cases {
		e, err := PowerIteration(tc.op, tc.dim, tc.v0, tc.it)
		if err == nil {
			t.Errorf("%s: no error (got %+v)", tc.name, e)
			continue
		}
		t.Logf("%s: %v", tc.name, err)
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q does not contain %q", tc.name, err, tc.want)
		}
		if e.Values != nil {
			t.Errorf("%s: numbers returned with the error", tc.name)
		}
	}
	// Batch: a diverged run fails alone.
	op := func(vs [][]float64) ([][]float64, error) {
		out := make([][]float64, len(vs))
		for r, v := range vs {
			out[r], _ = good(v)
		}
		out[0][1] = math.Inf(-1)
		return out, nil
	}
	res, err := PowerIterationBatch(op, 2, 10, nil, 5)
	var be *BatchError
	if !errors.As(err, &be) || len(be.Runs) != 1 || be.Runs[0] != 0 || res[0].Values != nil || res[1].Values == nil {
		t.Errorf("want run 0 failed and run 1 valid, got %v, %+v", err, res)
	}
	if _, err := PowerIterationBatch(op, 2, 10, [][]float64{nil}, 5); err == nil {
		t.Error("len(v0) != batch accepted")
	}
}
