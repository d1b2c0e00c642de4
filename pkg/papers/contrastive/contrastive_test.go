package contrastive

import (
	"math"
	"testing"

	"theorylab/pkg/papers/papertest"
)

// tiny is a small configuration for the method checks: seconds, not minutes.
func tiny() Config {
	c := Quick()
	c.Preset = "custom"
	c.D1, c.D, c.Width, c.Batch = 24, 6, 8, 16
	c.Steps, c.Every, c.Seeds = 40, 20, 2
	c.EvalN, c.CorrN = 256, 1024
	c.LRGrid = []float64{3e-3, 1e-2}
	return c
}

// TestQuickPreset runs the quick preset through the results cache (the
// notebook then loads the same results) and asserts every claim; then
// checks invariants of the run itself.
func TestQuickPreset(t *testing.T) {
	out := papertest.Quick(t, Paper)
	res := out.Results
	cfg := res.Config
	// every condition at every rate of the grid (the preset's LR is one of them)
	if got, want := len(res.Runs), len(res.Conditions)*len(cfg.lrs())*cfg.Seeds; got != want {
		t.Fatalf("%d runs, want %d", got, want)
	}
	for _, r := range res.Runs {
		if n := len(r.Curve.Step); n != cfg.Steps/cfg.Every+1 {
			t.Fatalf("%s seed %d: %d measurements", r.Condition, r.Seed, n)
		}
		// the conditions of a seed share the initial weights (common random numbers)
		if r.Curve.MedianAtom[0] != res.Run(CondMasking, r.Seed).Curve.MedianAtom[0] && r.Condition != CondCoord {
			t.Errorf("%s seed %d: initial recovery differs from the masking run's", r.Condition, r.Seed)
		}
	}
	// the random baseline of purity is d/d₁ at initialisation
	for _, s := range cfg.SeedList() {
		p0 := res.Run(CondMasking, s).Curve.Purity[0]
		if want := float64(cfg.D) / float64(cfg.D1); math.Abs(p0-want) > 0.1 {
			t.Errorf("seed %d: initial purity %v, random baseline %v", s, p0, want)
		}
	}
}

// TestDeterministic: the same seed gives the same results, another seed
// other claims, and the figures render.
func TestDeterministic(t *testing.T) { papertest.Deterministic(t, Paper, tiny()) }

// TestBadConfigs: every broken field is refused with its name, and nothing is cached.
func TestBadConfigs(t *testing.T) {
	papertest.BadConfigs(t, Paper, map[string]func(*Config){
		"d1":          func(c *Config) { c.D1 = c.D },
		"d":           func(c *Config) { c.D = 0 },
		"p":           func(c *Config) { c.P = 0 },
		"sigma":       func(c *Config) { c.Sigma = -1 },
		"width":       func(c *Config) { c.Width = 0 },
		"batch":       func(c *Config) { c.Batch = 1 },
		"steps":       func(c *Config) { c.Steps = 0 },
		"every":       func(c *Config) { c.Every = 7 },
		"lr":          func(c *Config) { c.LR = 0 },
		"lr_grid":     func(c *Config) { c.LRGrid = []float64{1e-2, -1} },
		"val_batches": func(c *Config) { c.ValBatches = 0 },
		"tau":         func(c *Config) { c.Tau = 0.01 },
		"bias_max":    func(c *Config) { c.BiasMax = -1 },
		"ramp_frac":   func(c *Config) { c.RampFrac = 0 },
		"gauss_std":   func(c *Config) { c.GaussStd = 0 },
		"eval_n":      func(c *Config) { c.EvalN = 1 },
		"corr_n":      func(c *Config) { c.CorrN = 1 },
	})
}

// TestBiasRamp: b(t) rises linearly from 0 to BiasMax over the first
// RampFrac of the steps, then stays.
func TestBiasRamp(t *testing.T) {
	cfg := Quick()
	ramp := int(cfg.RampFrac * float64(cfg.Steps))
	for _, c := range []struct {
		t    int
		want float64
	}{{0, 0}, {ramp / 2, cfg.BiasMax / 2}, {ramp, cfg.BiasMax}, {cfg.Steps, cfg.BiasMax}} {
		if got := bias(cfg, c.t); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("b(%d) = %v, want %v", c.t, got, c.want)
		}
	}
}

// TestIndependentCondition: the full preset's extra condition (independent
// masks) runs, is measured and is drawn, on a tiny configuration.
func TestIndependentCondition(t *testing.T) {
	cfg := tiny()
	cfg.Independent, cfg.Seeds, cfg.LRGrid = true, 1, nil
	res, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Run(CondIndependent, cfg.Seed)
	if r == nil || len(r.Atoms) != cfg.D || len(r.Curve.Step) != cfg.Steps/cfg.Every+1 {
		t.Fatalf("independent-masks run missing or incomplete: %+v", r)
	}
	for _, f := range Figures(res) {
		if f.Fig.SVG() == "" || f.Fig.Err() != nil {
			t.Fatalf("figure %s: %v", f.Name, f.Fig.Err())
		}
	}
	if full := Full(); !full.Independent || full.Validate() != nil {
		t.Fatalf("the full preset must include independent masks and validate: %v", full.Validate())
	}
}
