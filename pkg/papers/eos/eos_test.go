package eos

import (
	"math"
	"strings"
	"testing"

	"theorylab/pkg/papers/papertest"
)

// tiny is a short configuration for method checks (seconds, not minutes).
func tiny() Config {
	c := Quick()
	c.Preset = "custom"
	c.EdgeEtas = []float64{0.3}
	c.Seeds = 2
	c.Steps = 400
	c.Window = 200
	c.SharpnessEvery = 100
	c.ZoomSteps = 20
	c.MNIST = nil
	return c
}

// TestQuickPreset runs the quick preset (through the results cache that the
// notebook then reuses) and asserts every claim, then checks the method on
// the same runs.
func TestQuickPreset(t *testing.T) {
	out := papertest.Quick(t, Paper)
	if len(out.Claims) != 9 {
		t.Errorf("want 9 quick claims (EOS-1…6 on the toy, EOS-8…10 on MNIST), got %d", len(out.Claims))
	}
	res := out.Results
	// Lanczos (20 iterations) against the dense eigendecomposition of the
	// explicit Hessian, to 1e-8 relative.
	if len(res.DenseChecks) == 0 {
		t.Fatal("no dense Hessian checks recorded")
	}
	for _, d := range res.DenseChecks {
		if rel := math.Abs(d.Lanczos-d.Dense) / math.Abs(d.Dense); rel > 1e-8 {
			t.Errorf("step %d η=%g: Lanczos %v vs dense %v (relative %.2g)", d.Step, d.Eta, d.Lanczos, d.Dense, rel)
		}
	}
	// The zoom shows the period-2 oscillation: consecutive steps along v alternate in sign.
	flips := 0
	for i := 1; i < len(res.Zoom.Projection); i++ {
		if res.Zoom.Projection[i]*res.Zoom.Projection[i-1] < 0 {
			flips++
		}
	}
	if frac := float64(flips) / float64(len(res.Zoom.Projection)-1); frac < 0.9 {
		t.Errorf("only %.0f%% of zoom steps flip sign along the top eigenvector", 100*frac)
	}
}

// TestDeterministic: same seed and backend, same results; other seeds,
// other claims; the three quick figures render.
func TestDeterministic(t *testing.T) {
	res := papertest.Deterministic(t, Paper, tiny())
	if n := len(Figures(res)); n != 3 {
		t.Errorf("want 3 figures, got %d", n)
	}
}

// TestBatchedMatchesStandalone: run r of the batched graph equals the same run trained alone.
func TestBatchedMatchesStandalone(t *testing.T) {
	batched := tiny()
	batched.Steps, batched.ZoomSteps, batched.Window = 100, 0, 50
	batched.EdgeEtas = []float64{0.2, 0.3, 0.4}
	alone := batched
	alone.EdgeEtas = []float64{0.3}
	alone.Seeds = 1
	alone.Seed = 1
	rb, err := Run(batched)
	if err != nil {
		t.Fatal(err)
	}
	ra, err := Run(alone)
	if err != nil {
		t.Fatal(err)
	}
	var b RunResult
	for _, r := range rb.Runs {
		if r.Eta == 0.3 && r.Seed == 1 {
			b = r
		}
	}
	a := ra.Runs[0]
	if len(a.Loss) != 101 || len(b.Loss) != 101 {
		t.Fatalf("want 101 losses, got %d and %d", len(a.Loss), len(b.Loss))
	}
	for i := range a.Loss {
		if d := math.Abs(a.Loss[i] - b.Loss[i]); d > 1e-12 {
			t.Fatalf("step %d: batched loss %v, standalone %v", i, b.Loss[i], a.Loss[i])
		}
	}
}

func TestDivergenceIsReported(t *testing.T) {
	c := tiny()
	c.EdgeEtas = []float64{40}
	_, err := Run(c)
	if err == nil || !strings.Contains(err.Error(), "diverged") || !strings.Contains(err.Error(), "η=40") {
		t.Fatalf("want a divergence error naming η=40, got %v", err)
	}
}

func TestBadConfigs(t *testing.T) {
	papertest.BadConfigs(t, Paper, map[string]func(*Config){
		"step sizes must be positive": func(c *Config) { c.EdgeEtas = []float64{-0.1} },
		"control_eta":                 func(c *Config) { c.ControlEta = 0.5 },
		"steps must be":               func(c *Config) { c.Steps = 150 },
		"unroll":                      func(c *Config) { c.Unroll = 0 },
		"lanczos_iters":               func(c *Config) { c.LanczosIters = 1 },
		"points":                      func(c *Config) { c.Points = 1 },
		"window":                      func(c *Config) { c.Window = c.Steps },
		"eos mnist: examples":         func(c *Config) { m := DefaultMNIST(); m.Examples = 5; c.MNIST = &m },
	})
}

// TestQuadraticThresholds: GD on a quadratic converges just below 2/η and
// diverges just above; the same holds at the heavy-ball and Nesterov
// thresholds with β = 0.9.
func TestQuadraticThresholds(t *testing.T) {
	for _, eta := range []float64{0.01, 0.2, 1} {
		q := QuadraticDemo(eta)
		below, above := q.Below.X2[len(q.Below.X2)-1], q.Above.X2[len(q.Above.X2)-1]
		if math.Abs(below) > 1e-2 || math.Abs(above) < 10 {
			t.Errorf("η=%g: |x₂| after %d steps: %g below 2/η, %g above", eta, QuadSteps, below, above)
		}
		if q.Above.X2[1]*q.Above.X2[2] >= 0 {
			t.Errorf("η=%g: above 2/η the iterate should flip sign every step", eta)
		}
		for _, m := range q.Momentum {
			if m.BelowEnd > 1e-1 || m.AboveEnd < 1 {
				t.Errorf("η=%g %s: |x| = %g at 0.99×threshold, %g at 1.01×", eta, m.Method, m.BelowEnd, m.AboveEnd)
			}
		}
	}
	// The thresholds themselves: heavy ball (2+2β)/η, Nesterov (2+2β)/((1+2β)η).
	if got := MomentumThreshold("heavy-ball", 0.1, 0.9); math.Abs(got-38) > 1e-12 {
		t.Errorf("heavy-ball threshold %v, want 38", got)
	}
	if got := MomentumThreshold("nesterov", 0.1, 0.9); math.Abs(got-38/2.8) > 1e-12 {
		t.Errorf("Nesterov threshold %v, want %v", got, 38/2.8)
	}
}
