package multiview

import (
	"math"

	"theorylab/pkg/papers/config"
)

// Config is one run of the experiment. TODO: replace the skeleton's fields
// with the paper's: data, model, training, measurements.
type Config struct {
	config.Common // preset, first seed, seeds

	Points int     `json:"points"` // examples of the synthetic data
	Noise  float64 `json:"noise"`  // standard deviation of the noise on the targets
	Steps  int     `json:"steps"`  // full-batch gradient-descent steps
	LR     float64 `json:"lr"`     // step size η
}

// Quick is the preset CI runs: it must finish in about 2 minutes on 2 CPU
// cores with the pure-Go backend.
func Quick() Config {
	return Config{
		Common: config.Common{Preset: "quick", Seed: 0, Seeds: 3},
		Points: 256, Noise: 0.5, Steps: 200, LR: 0.5,
	}
}

// Full is the full-size preset (10–30 minutes).
func Full() Config {
	c := Quick()
	c.Preset = "full"
	c.Seeds = 5
	c.Points = 4096
	return c
}

// Validate reports every problem with the configuration, each naming its field.
func (c Config) Validate() error {
	k := config.Check("multiview", c.Common)
	k.If(c.Points < 2, "points must be ≥ 2, got %d", c.Points)
	k.If(!(c.Noise >= 0) || math.IsInf(c.Noise, 0), "noise must be ≥ 0 and finite, got %v", c.Noise)
	k.If(c.Steps < unroll || c.Steps%unroll != 0, "steps must be a positive multiple of %d, got %d", unroll, c.Steps)
	k.If(!(c.LR > 0) || math.IsInf(c.LR, 0), "lr must be positive and finite, got %v", c.LR)
	return k.Err()
}
