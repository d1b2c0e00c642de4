package multiview

import (
	"testing"

	"theorylab/pkg/papers/papertest"
)

// tiny is a small configuration for the method checks: seconds, not minutes.
func tiny() Config {
	c := Quick()
	c.Preset = "custom"
	c.Points, c.Steps, c.Seeds = 64, 50, 2
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
		"points": func(c *Config) { c.Points = 1 },
		"noise":  func(c *Config) { c.Noise = -1 },
		"steps":  func(c *Config) { c.Steps = 15 },
		"lr":     func(c *Config) { c.LR = 0 },
	})
}

// TODO: the method's own tests — each formula of the paper against a value
// computed by hand, gradients against finite differences, invariants.
