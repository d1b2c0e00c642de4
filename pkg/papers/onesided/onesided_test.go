package onesided

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"theorylab/pkg/backend"
	"theorylab/pkg/papers/papertest"
	"theorylab/pkg/plot"
	"theorylab/pkg/progress"
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

// tinyMNIST is tiny with a small MNIST study.
func tinyMNIST() Config {
	c := tiny()
	c.MNIST = &MNISTConfig{Seeds: 2, Images: 256, Noise: 4, Width: 8, Batch: 8, Iters: 20, Every: 2, Eval: 32,
		LRGrid: []float64{1e-3}, Pilot: 4, ClfSteps: 5}
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

// The MNIST study (full preset only) on a tiny configuration, run twice
// without the ring: the same results, runs and checkpoints in place, the
// claims present, the figures render.
func TestMNISTTiny(t *testing.T) {
	cfg := tinyMNIST()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	be, err := backend.Get()
	if err != nil {
		t.Fatal(err)
	}
	var outs [2][]byte
	var m *MNISTResults
	for i := range outs {
		if m, err = runMNIST(be, cfg, &ticker{bar: progress.Silent}); err != nil {
			t.Fatal(err)
		}
		m.Seconds = 0
		if outs[i], err = json.Marshal(m); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Error("two MNIST runs with the same seed differ")
	}
	res := &Results{Config: cfg, MNIST: m}
	mc := res.Config.MNIST
	if m.AdamLR != mc.LRGrid[0] || m.GDALR != mc.LRGrid[0] || len(m.Pilot) != 2*len(mc.LRGrid) {
		t.Errorf("MNIST learning rates not chosen from the grid: Adam %g, GDA %g, %d selection runs", m.AdamLR, m.GDALR, len(m.Pilot))
	}
	if len(m.GAN) != 3*mc.Seeds {
		t.Fatalf("MNIST: %d runs, want %d (Adam, null, GDA per seed)", len(m.GAN), 3*mc.Seeds)
	}
	for _, r := range m.GAN {
		if len(r.Iter) != mc.Iters/mc.Every+1 || len(r.MVIG) != len(r.Iter) || len(r.Good) != len(r.Iter) {
			t.Errorf("MNIST %s seed %d: %d checkpoints, %d MVI values", r.Method, r.Seed, len(r.Iter), len(r.MVIG))
		}
		if r.Null && (r.Success || r.SigG[len(r.SigG)-1] != 0 || !math.IsNaN(r.MVIG[0])) {
			t.Errorf("MNIST null seed %d: its generator is the true sampler and gets no gradient and no MVI value", r.Seed)
		}
		if !r.Null && (math.IsNaN(r.MVIG[0]) || r.SigD[0] <= 0) {
			t.Errorf("MNIST %s seed %d: MVI %v, D signal %v at the start", r.Method, r.Seed, r.MVIG[0], r.SigD[0])
		}
		if r.Seed == res.Config.Seed && (len(r.Samples) != 4 || len(r.Samples[0]) != mnistSnapshot*mnistPixels) {
			t.Errorf("MNIST %s seed %d: %d snapshots", r.Method, r.Seed, len(r.Samples))
		}
	}
	ids := map[string]bool{}
	for _, c := range mnistClaims.Evaluate(res) {
		ids[c.ID] = true
	}
	for _, id := range []string{"OS-3m", "OS-4m", "OS-5am", "OS-5bm", "OS-5cm", "OS-6m"} {
		if !ids[id] {
			t.Errorf("claim %s missing when the MNIST study ran", id)
		}
	}
	for _, f := range []*plot.Figure{MNISTSamplesFigure(res), MNISTGradFigure(res), MNISTMVIFigure(res)} {
		if svg := f.SVG(); f.Err() != nil || !strings.Contains(svg, "<svg") {
			t.Errorf("MNIST figure: %v", f.Err())
		}
	}
}

// The digit-quality measure by hand: confident share, covered digits, entropy.
func TestDigitQuality(t *testing.T) {
	row := func(k int, p float64) []float64 {
		r := make([]float64, 10)
		for j := range r {
			r[j] = (1 - p) / 9
		}
		r[k] = p
		return r
	}
	// 100 samples: digits 0–9 ten each, confident (0.95) except digit 9 (0.5)
	var probs []float64
	for i := range 100 {
		d := i % 10
		p := 0.95
		if d == 9 {
			p = 0.5
		}
		probs = append(probs, row(d, p)...)
	}
	q := digitQuality(probs)
	if q.Confident != 0.9 || q.Covered != 9 || math.Abs(q.Entropy-math.Log(10)) > 1e-12 {
		t.Errorf("uniform digits: got %+v, want confident 0.9, 9 covered, entropy ln 10", q)
	}
	if !mnistSuccess(q.Covered, q.Confident) {
		t.Errorf("9 digits covered at 90%% confident should succeed")
	}
	// a collapsed generator: every sample a confident 3
	probs = probs[:0]
	for range 100 {
		probs = append(probs, row(3, 0.99)...)
	}
	q = digitQuality(probs)
	if q.Confident != 1 || q.Covered != 1 || q.Entropy != 0 || mnistSuccess(q.Covered, q.Confident) {
		t.Errorf("collapsed: got %+v, want confident 1, 1 covered, entropy 0, no success", q)
	}
}

// TestBadConfigs: every broken field is refused with its name, and nothing is cached.
func TestBadConfigs(t *testing.T) {
	papertest.BadConfigs(t, Paper, map[string]func(*Config){
		"toy_steps":       func(c *Config) { c.ToySteps = 1 },
		"toy_dim_x":       func(c *Config) { c.ToyDimX = 0 },
		"toy_lr":          func(c *Config) { c.ToyLR = 0 },
		"modes":           func(c *Config) { c.Modes = 1 },
		"noise":           func(c *Config) { c.Noise = 0 },
		"width":           func(c *Config) { c.Width = 0 },
		"batch":           func(c *Config) { c.Batch = 0 },
		"every":           func(c *Config) { c.Every = 0 },
		"iters":           func(c *Config) { c.Iters = 150 },
		"eval":            func(c *Config) { c.Eval = 1 },
		"lr_grid":         func(c *Config) { c.LRGrid = nil },
		"pilot":           func(c *Config) { c.Pilot = 0 },
		"beta1":           func(c *Config) { c.Beta1 = 1 },
		"mnist.seeds":     mnistCase(func(m *MNISTConfig) { m.Seeds = 0 }),
		"mnist.images":    mnistCase(func(m *MNISTConfig) { m.Images = 1 }),
		"mnist.noise":     mnistCase(func(m *MNISTConfig) { m.Noise = 0 }),
		"mnist.width":     mnistCase(func(m *MNISTConfig) { m.Width = 0 }),
		"mnist.batch":     mnistCase(func(m *MNISTConfig) { m.Batch = 0 }),
		"mnist.every":     mnistCase(func(m *MNISTConfig) { m.Every = 0 }),
		"mnist.iters":     mnistCase(func(m *MNISTConfig) { m.Iters = 150 }),
		"mnist.eval":      mnistCase(func(m *MNISTConfig) { m.Eval = 1 }),
		"mnist.lr_grid":   mnistCase(func(m *MNISTConfig) { m.LRGrid = nil }),
		"mnist.pilot":     mnistCase(func(m *MNISTConfig) { m.Pilot = 0 }),
		"mnist.clf_steps": mnistCase(func(m *MNISTConfig) { m.ClfSteps = 0 }),
	})
}

// mnistCase breaks the MNIST study of the quick preset (which has none: it gets DefaultMNIST first).
func mnistCase(change func(*MNISTConfig)) func(*Config) {
	return func(c *Config) {
		m := DefaultMNIST()
		change(&m)
		c.MNIST = &m
	}
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
