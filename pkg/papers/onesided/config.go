package onesided

import (
	"math"

	"theorylab/pkg/papers/config"
)

// Config is one run of the experiment: the analytic toy (A) and the GAN on
// a ring of Gaussians (B).
type Config struct {
	config.Common // preset, first seed, seeds (the toy and the GAN use the same seeds)

	// A. Toy game (float64, pure Go).
	ToySteps int     `json:"toy_steps"` // Adam steps on the toy
	ToyDimX  int     `json:"toy_dim_x"` // p, the min player's dimension
	ToyLR    float64 `json:"toy_lr"`    // α of the schedule α/√t (the constant schedule uses α/5)

	// B. GAN on the ring.
	Modes  int       `json:"modes"`   // Gaussians on the ring
	Noise  int       `json:"noise"`   // generator's noise dimension
	Width  int       `json:"width"`   // hidden width of both networks (two hidden layers)
	Batch  int       `json:"batch"`   // minibatch size of each player's step
	Iters  int       `json:"iters"`   // alternating iterations (one D step, then one G step)
	Every  int       `json:"every"`   // iterations between checkpoints
	Eval   int       `json:"eval"`    // points in each of the two fixed evaluation sets
	LRGrid []float64 `json:"lr_grid"` // learning rates tried for Adam and for plain GDA alike
	Pilot  int       `json:"pilot"`   // iterations of the learning-rate selection runs (the same for both methods)
	Beta1  float64   `json:"beta1"`   // Adam's β₁ (β₂ = 0.999, ε = 1e-8)

	// C. GAN on MNIST (full preset only; nil: not run).
	MNIST *MNISTConfig `json:"mnist,omitempty"`
}

// Quick is the preset CI runs.
func Quick() Config {
	return Config{
		Common:   config.Common{Preset: "quick", Seed: 0, Seeds: 5},
		ToySteps: 10000, ToyDimX: 4, ToyLR: 0.05,
		Modes: 8, Noise: 4, Width: 32, Batch: 128, Iters: 4000, Every: 100, Eval: 2048,
		LRGrid: []float64{1e-3, 1e-2, 1e-1}, Pilot: 1000, Beta1: 0.5,
	}
}

// Full is the longer ring run (wider networks, 20,000 iterations) and the
// GAN on MNIST (DefaultMNIST).
func Full() Config {
	c := Quick()
	c.Preset = "full"
	c.Width = 64
	c.Iters = 20000
	c.Every = 250
	c.Eval = 4096
	c.Pilot = 2000
	m := DefaultMNIST()
	c.MNIST = &m
	return c
}

// Validate reports every problem with the configuration, each naming its field.
func (c Config) Validate() error {
	k := config.Check("onesided", c.Common)
	k.If(c.ToySteps < 10, "toy_steps must be ≥ 10, got %d", c.ToySteps)
	k.If(c.ToyDimX < 1, "toy_dim_x must be ≥ 1, got %d", c.ToyDimX)
	k.If(!(c.ToyLR > 0) || math.IsInf(c.ToyLR, 0), "toy_lr must be positive and finite, got %v", c.ToyLR)
	k.If(c.Modes < 2, "modes must be ≥ 2, got %d", c.Modes)
	k.If(c.Noise < 1, "noise must be ≥ 1, got %d", c.Noise)
	k.If(c.Width < 1, "width must be ≥ 1, got %d", c.Width)
	k.If(c.Batch < 1, "batch must be ≥ 1, got %d", c.Batch)
	k.If(c.Every < 1, "every must be ≥ 1, got %d", c.Every)
	k.If(c.Iters < 10*c.Every || c.Every >= 1 && c.Iters%c.Every != 0, "iters must be a multiple of every with ≥ 10 checkpoints, got %d", c.Iters)
	k.If(c.Eval < 2, "eval must be ≥ 2, got %d", c.Eval)
	k.If(len(c.LRGrid) == 0, "lr_grid must not be empty")
	for _, lr := range c.LRGrid {
		k.If(!(lr > 0) || math.IsInf(lr, 0), "lr_grid values must be positive and finite, got %v", lr)
	}
	k.If(c.Pilot < 1 || c.Pilot > c.Iters, "pilot must be in [1, iters], got %d", c.Pilot)
	k.If(!(c.Beta1 >= 0 && c.Beta1 < 1), "beta1 must be in [0, 1), got %v", c.Beta1)
	if c.MNIST != nil {
		c.MNIST.validate(k)
	}
	return k.Err()
}
