package contrastive

import (
	"math"

	"theorylab/pkg/papers/config"
)

// Config is one run of the experiment: the sparse-coding data, the encoder,
// the contrastive training and the measurements.
type Config struct {
	config.Common // preset, first seed, seeds

	D1    int     `json:"d1"`    // input dimension d₁
	D     int     `json:"d"`     // number of atoms d
	P     float64 `json:"p"`     // P(zⱼ ≠ 0)
	Sigma float64 `json:"sigma"` // σ_ξ of the dense noise

	Width      int       `json:"width"`       // neurons m
	Batch      int       `json:"batch"`       // inputs per step (fresh samples every step)
	Steps      int       `json:"steps"`       // Adam steps
	LR         float64   `json:"lr"`          // Adam's learning rate, the first of the grid
	LRGrid     []float64 `json:"lr_grid"`     // every condition (methods and controls) also runs at these; its validation loss picks one
	ValBatches int       `json:"val_batches"` // fixed validation batches for that choice
	Tau        float64   `json:"tau"`         // InfoNCE temperature τ
	BiasMax    float64   `json:"bias_max"`    // the final threshold b
	RampFrac   float64   `json:"ramp_frac"`   // b(t) ramps linearly from 0 to BiasMax over this share of the steps
	GaussStd   float64   `json:"gauss_std"`   // s of the weak Gaussian augmentation (the non-decoupling control)

	Independent bool `json:"independent"` // add the independent-masks condition (full preset)

	Every int `json:"every"`  // measure every this many steps
	EvalN int `json:"eval_n"` // fixed evaluation inputs per seed (half fit the read-out, half test it)
	CorrN int `json:"corr_n"` // samples per seed for the decoupling statistics
}

// Quick is the preset CI runs (spec: quick preset).
func Quick() Config {
	return Config{
		Common: config.Common{Preset: "quick", Seed: 0, Seeds: 3},
		D1:     64, D: 16, P: 0.15, Sigma: 0.29,
		Width: 32, Batch: 128, Steps: 1500, LR: 1e-2, Tau: 0.2,
		LRGrid: []float64{3e-3, 1e-2, 3e-2}, ValBatches: 8,
		BiasMax: 0.5, RampFrac: 0.3, GaussStd: 0.05,
		Every: 100, EvalN: 4096, CorrN: 16384,
	}
}

// Full is the larger preset: d = 32, d₁ = 256, m = 128, batch 256, 8000
// steps, 5 seeds, and the independent-masks condition.
func Full() Config {
	c := Quick()
	c.Preset = "full"
	c.Seeds = 5
	c.D1, c.D, c.Width, c.Batch, c.Steps = 256, 32, 128, 256, 8000
	c.Every = 400
	c.Independent = true
	return c
}

// Validate reports every problem with the configuration, each naming its field.
func (c Config) Validate() error {
	k := config.Check("contrastive", c.Common)
	pos := func(x float64) bool { return x > 0 && !math.IsInf(x, 0) }
	k.If(c.D < 1, "d must be ≥ 1, got %d", c.D)
	k.If(c.D1 <= c.D, "d1 must be > d = %d, got %d", c.D, c.D1)
	k.If(!(c.P > 0 && c.P <= 1), "p must be in (0, 1], got %v", c.P)
	k.If(!(c.Sigma >= 0) || math.IsInf(c.Sigma, 0), "sigma must be ≥ 0 and finite, got %v", c.Sigma)
	k.If(c.Width < 1, "width must be ≥ 1, got %d", c.Width)
	k.If(c.Batch < 2, "batch must be ≥ 2, got %d", c.Batch)
	k.If(c.Steps < 1, "steps must be ≥ 1, got %d", c.Steps)
	k.If(c.Every < 1 || (c.Steps >= 1 && c.Steps%max(c.Every, 1) != 0), "every must divide steps = %d, got %d", c.Steps, c.Every)
	k.If(!pos(c.LR), "lr must be positive and finite, got %v", c.LR)
	for _, lr := range c.LRGrid {
		k.If(!pos(lr), "lr_grid must hold positive finite rates, got %v", lr)
	}
	k.If(c.ValBatches < 1, "val_batches must be ≥ 1, got %d", c.ValBatches)
	k.If(!(c.Tau >= 0.05 && c.Tau <= 1), "tau must be in [0.05, 1], got %v", c.Tau)
	k.If(!(c.BiasMax >= 0) || math.IsInf(c.BiasMax, 0), "bias_max must be ≥ 0 and finite, got %v", c.BiasMax)
	k.If(!(c.RampFrac > 0 && c.RampFrac <= 1), "ramp_frac must be in (0, 1], got %v", c.RampFrac)
	k.If(!pos(c.GaussStd), "gauss_std must be positive and finite, got %v", c.GaussStd)
	k.If(c.EvalN < 16, "eval_n must be ≥ 16, got %d", c.EvalN)
	k.If(c.CorrN < 16, "corr_n must be ≥ 16, got %d", c.CorrN)
	return k.Err()
}
