package onesided

import (
	"math"
	"math/rand/v2"
	"testing"

	"theorylab/pkg/papers/papertest"
)

// tiny is a small configuration for the method checks: seconds, not minutes.
func tiny() Config {
	c := Quick()
	c.Preset = "custom"
	c.Seeds = 2
	c.ToySteps = 200
	c.Width, c.Batch, c.Iters, c.Every, c.Eval, c.Pilot = 8, 16, 40, 4, 64, 10
	c.LRGrid = []float64{1e-2}
	return c
}

// TestQuickPreset runs the quick preset through the results cache (the
// notebook then loads the same results) and asserts every claim.
func TestQuickPreset(t *testing.T) {
	out := papertest.Quick(t, Paper)
	res := out.Results
	inGrid := func(lr float64) bool {
		for _, g := range res.Config.LRGrid {
			if g == lr {
				return true
			}
		}
		return false
	}
	if !inGrid(res.AdamLR) || !inGrid(res.GDALR) || len(res.Pilot) != 2*len(res.Config.LRGrid) {
		t.Errorf("learning rates not chosen from the grid: Adam %g, GDA %g, %d selection runs", res.AdamLR, res.GDALR, len(res.Pilot))
	}
	for _, r := range res.GAN {
		if len(r.Iter) != res.Config.Iters/res.Config.Every+1 || len(r.MVIG) != len(r.Iter) {
			t.Errorf("%s seed %d: %d checkpoints, %d MVI values", r.Method, r.Seed, len(r.Iter), len(r.MVIG))
		}
		if r.Null && (r.Success || r.SigG[len(r.SigG)-1] != 0) {
			t.Errorf("null seed %d: its generator is the true sampler and gets no gradient, got %v", r.Seed, r.SigG[len(r.SigG)-1])
		}
	}
}

// TestDeterministic: the same seed gives the same results, another seed
// other claims, and the figures render.
func TestDeterministic(t *testing.T) { papertest.Deterministic(t, Paper, tiny()) }

// TestBadConfigs: every broken field is refused with its name, and nothing is cached.
func TestBadConfigs(t *testing.T) {
	papertest.BadConfigs(t, Paper, map[string]func(*Config){
		"toy_steps": func(c *Config) { c.ToySteps = 1 },
		"toy_dim_x": func(c *Config) { c.ToyDimX = 0 },
		"toy_lr":    func(c *Config) { c.ToyLR = 0 },
		"modes":     func(c *Config) { c.Modes = 1 },
		"noise":     func(c *Config) { c.Noise = 0 },
		"width":     func(c *Config) { c.Width = 0 },
		"batch":     func(c *Config) { c.Batch = 0 },
		"every":     func(c *Config) { c.Every = 0 },
		"iters":     func(c *Config) { c.Iters = 150 },
		"eval":      func(c *Config) { c.Eval = 1 },
		"lr_grid":   func(c *Config) { c.LRGrid = nil },
		"pilot":     func(c *Config) { c.Pilot = 0 },
		"beta1":     func(c *Config) { c.Beta1 = 1 },
	})
}

// toyF is the toy's f (or the control's), written out for finite differences.
func toyF(t toyGame, x, y []float64) float64 {
	d2 := 0.0
	for i := range x {
		d2 += (x[i] - t.c[i]) * (x[i] - t.c[i])
	}
	f := 0.5 * d2 * (1 + 0.5*math.Sin(y[0]))
	if t.control {
		return f - 0.5*(y[0]*y[0]+y[1]*y[1])
	}
	return f + y[1] // ⟨b, y⟩, b = e₂
}

// The toy's gradients match central finite differences of f; the one-sided
// MVI bound ⟨∇ₓf, x − c⟩ ≥ ½‖x − c‖² and ‖∇_y f‖ ≥ 1 hold at random points.
func TestToyGradientsAndConstruction(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for trial := range 20 {
		p := 4
		game := toyGame{c: make([]float64, p), control: trial%2 == 1}
		x, y := make([]float64, p), []float64{3 * rng.NormFloat64(), 3 * rng.NormFloat64()}
		for i := range p {
			game.c[i], x[i] = rng.NormFloat64(), 2*rng.NormFloat64()
		}
		gx, gy := game.grads(x, y)
		const h = 1e-6
		check := func(v []float64, g []float64, name string) {
			for i := range v {
				old := v[i]
				v[i] = old + h
				fp := toyF(game, x, y)
				v[i] = old - h
				fm := toyF(game, x, y)
				v[i] = old
				if fd := (fp - fm) / (2 * h); math.Abs(fd-g[i]) > 1e-6*math.Max(1, math.Abs(fd)) {
					t.Errorf("trial %d: ∂f/∂%s[%d] = %.10g, finite differences %.10g", trial, name, i, g[i], fd)
				}
			}
		}
		check(x, gx, "x")
		check(y, gy, "y")
		if game.control {
			continue
		}
		mvi, d2 := 0.0, 0.0
		for i := range x {
			mvi += gx[i] * (x[i] - game.c[i])
			d2 += (x[i] - game.c[i]) * (x[i] - game.c[i])
		}
		if mvi < 0.5*d2-1e-12 || norm(gy) < 1 {
			t.Errorf("trial %d: MVI %.6g < ½‖x − c‖² = %.6g or ‖∇_y f‖ = %.6g < 1", trial, mvi, 0.5*d2, norm(gy))
		}
	}
}

// The toy's Adam matches one step written out by hand; ascent (sign −1) on
// f is descent on −f.
func TestToyAdam(t *testing.T) {
	a := newAdam(1, 0.9)
	p := []float64{1}
	a.step(p, []float64{2}, 0.1, +1)
	// m = 0.2, v = 0.004, m̂ = 2, v̂ = 4: p = 1 − 0.1·2/(2 + 1e-8)
	if want := 1 - 0.1*2/(2+1e-8); math.Abs(p[0]-want) > 1e-15 {
		t.Errorf("Adam step: got %.17g, want %.17g", p[0], want)
	}
	up, down := newAdam(1, 0.5), newAdam(1, 0.5)
	pu, pd := []float64{0}, []float64{0}
	for range 10 {
		up.step(pu, []float64{1}, 0.1, -1)    // ascent on f, ∇f = 1
		down.step(pd, []float64{-1}, 0.1, +1) // descent on −f
	}
	if pu[0] != pd[0] {
		t.Errorf("ascent on f %v ≠ descent on −f %v", pu[0], pd[0])
	}
}
