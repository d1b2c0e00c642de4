package adamgd

import (
	"math"
	"math/rand/v2"
	"testing"

	"theorylab/pkg/patchdata"
)

// TestNewton: on the quick preset's convex problem Newton's method reaches
// ‖∇L‖ < 1e-10, and from two different starts it finds the same w*.
func TestNewton(t *testing.T) {
	cfg := Quick()
	set, err := patchdata.Generate(cfg.Data, cfg.N, 3, StreamTrain)
	if err != nil {
		t.Fatal(err)
	}
	u, d := set.PatchSum(), cfg.Data.D
	a, err := Newton(u, set.Y, d, cfg.Convex.Lambda, nil)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	start := make([]float64, d)
	for j := range start {
		start[j] = 3 * rng.NormFloat64()
	}
	b, err := Newton(u, set.Y, d, cfg.Convex.Lambda, start)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*NewtonSolution{a, b} {
		if s.GradNorm >= 1e-10 {
			t.Errorf("final ‖∇L‖ = %g, want < 1e-10", s.GradNorm)
		}
		// Recompute the gradient independently of the solver's bookkeeping.
		_, g, _ := logisticObjective(s.W, u, set.Y, d, cfg.Convex.Lambda)
		if gn := norm(g); gn >= 1e-10 {
			t.Errorf("‖∇L(w*)‖ = %g, want < 1e-10", gn)
		}
	}
	if rd := relDist(b.W, a.W); rd > 1e-10 {
		t.Errorf("w* from two starts differs by %g relative", rd)
	}
	t.Logf("‖w*‖ = %.4f after %d and %d iterations (from 0 and from a random start)", norm(a.W), a.Iters, b.Iters)
	// The gradient of logisticObjective against central finite differences.
	w := start
	_, g, _ := logisticObjective(w, u, set.Y, d, cfg.Convex.Lambda)
	for _, j := range []int{0, 1, 7, 123, d - 1} {
		const h = 1e-6
		wp := append([]float64(nil), w...)
		wm := append([]float64(nil), w...)
		wp[j] += h
		wm[j] -= h
		lp, _, _ := logisticObjective(wp, u, set.Y, d, cfg.Convex.Lambda)
		lm, _, _ := logisticObjective(wm, u, set.Y, d, cfg.Convex.Lambda)
		if fd := (lp - lm) / (2 * h); math.Abs(fd-g[j]) > 1e-6*math.Max(1, math.Abs(g[j])) {
			t.Errorf("∂L/∂w[%d]: %v, finite differences %v", j, g[j], fd)
		}
	}
	if _, err := Newton(u, set.Y, d, 0, nil); err == nil {
		t.Error("Newton accepted λ = 0 (no unique minimiser)")
	}
}
