package onesided

import (
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
	c.LRGrid = []float64{1e-3, 1e-2}
	return c
}

// TestQuickPreset runs the quick preset through the results cache (the
// notebook then loads the same results) and asserts every claim.
func TestQuickPreset(t *testing.T) { papertest.Quick(t, Paper) }

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
