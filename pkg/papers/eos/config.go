package eos

import (
	"math"

	"theorylab/pkg/papers/config"
)

// Config is one Edge of Stability experiment: the Chebyshev toy trained by
// full-batch GD at several step sizes, each on Seeds seeds.
type Config struct {
	config.Common // preset, first seed, seeds per step size

	// Data: n points of the Chebyshev polynomial T_degree on [−1, 1].
	Degree int `json:"degree"`
	Points int `json:"points"`
	// Model: f(x) = Σⱼ aⱼ tanh(wⱼx + cⱼ), Width units, no output bias.
	Width int `json:"width"`

	EdgeEtas   []float64 `json:"edge_etas"`   // step sizes expected to reach the edge
	ControlEta float64   `json:"control_eta"` // a step size whose 2/η stays far above the sharpness
	Steps      int       `json:"steps"`       // GD steps per run
	// Window is how many steps after t* (the first measured step with S ≥ 2/η)
	// the claims about the edge look at, so that they mean the same thing
	// whatever the run's length.
	Window int `json:"window"`

	SharpnessEvery int `json:"sharpness_every"` // measure S every this many steps
	LanczosIters   int `json:"lanczos_iters"`   // Lanczos iterations per measurement
	Unroll         int `json:"unroll"`          // GD steps per executed graph
	ZoomSteps      int `json:"zoom_steps"`      // length of the step-by-step window recorded at 3/4 of training

	// The real network: fc-tanh on MNIST (EOS-8 … EOS-10); nil: skipped.
	MNIST *MNISTConfig `json:"mnist,omitempty"`
	// Full preset only: compare each edge run with gradient flow up to 2t* (EOS-7).
	Flow bool `json:"flow"`
}

// Quick is the CI-sized preset: the spec's quick preset of the Chebyshev toy
// (4 step sizes × 3 seeds, 20k steps), the teaching warm-up, and the real
// network, fc-tanh on MNIST-500 (QuickMNIST).
func Quick() Config {
	m := QuickMNIST()
	return Config{
		Common: config.Common{Preset: "quick", Seed: 0, Seeds: 3},
		Degree: 3, Points: 20, Width: 100,
		EdgeEtas: []float64{0.2, 0.3, 0.4}, ControlEta: 0.05, Steps: 20000, Window: 10000,
		SharpnessEvery: 100, LanczosIters: 20, Unroll: 10, ZoomSteps: 200,
		MNIST: &m,
	}
}

// Full is the spec's full preset: the larger toy study (5 step sizes, 5 seeds,
// 30,000 steps, sharpness twice as often) with the gradient-flow comparison,
// and MNIST-1k.
func Full() Config {
	c := Quick()
	c.Preset = "full"
	c.EdgeEtas = []float64{0.1, 0.2, 0.3, 0.4}
	c.Seeds = 5
	// η = 0.1 reaches 2/η near step 9,000–11,000: 30,000 steps leave it the
	// full 10,000-step window after t* (20,000 did not, in 2 of 5 seeds).
	c.Steps = 30000
	c.SharpnessEvery = 50
	c.Flow = true
	m := DefaultMNIST()
	c.MNIST = &m
	return c
}

// Etas lists the step size of every run group: the edge step sizes, then the control.
func (c Config) Etas() []float64 { return append(append([]float64{}, c.EdgeEtas...), c.ControlEta) }

// Validate reports every problem with the configuration, each naming its field.
func (c Config) Validate() error {
	k := config.Check("eos", c.Common)
	k.If(c.Degree < 0, "degree must be ≥ 0, got %d", c.Degree)
	k.If(c.Points < 2, "points must be ≥ 2, got %d", c.Points)
	k.If(c.Width < 1, "width must be ≥ 1, got %d", c.Width)
	k.If(len(c.EdgeEtas) == 0, "edge_etas is empty: at least one step size is needed")
	for _, eta := range c.Etas() {
		k.If(!(eta > 0) || math.IsInf(eta, 0), "step sizes must be positive and finite, got η = %v", eta)
	}
	for _, eta := range c.EdgeEtas {
		k.If(eta <= c.ControlEta, "control_eta (%v) must be smaller than every edge step size, got %v", c.ControlEta, eta)
	}
	k.If(c.Unroll < 1, "unroll must be ≥ 1, got %d", c.Unroll)
	k.If(c.SharpnessEvery < 1 || c.Unroll > 0 && c.SharpnessEvery%c.Unroll != 0,
		"sharpness_every must be a positive multiple of unroll (%d), got %d", c.Unroll, c.SharpnessEvery)
	k.If(c.Steps < 1 || c.SharpnessEvery > 0 && c.Steps%c.SharpnessEvery != 0,
		"steps must be a positive multiple of sharpness_every (%d), got %d", c.SharpnessEvery, c.Steps)
	k.If(c.LanczosIters < 2, "lanczos_iters must be ≥ 2, got %d", c.LanczosIters)
	k.If(c.Window < 1 || c.Window >= c.Steps, "window must be in [1, steps = %d), got %d", c.Steps, c.Window)
	k.If(c.ZoomSteps < 0 || c.ZoomSteps > c.Steps/4 || c.Unroll > 0 && c.ZoomSteps%c.Unroll != 0,
		"zoom_steps must be a multiple of unroll (%d) in [0, steps/4 = %d], got %d", c.Unroll, c.Steps/4, c.ZoomSteps)
	if c.MNIST != nil {
		k.Add(c.MNIST.Validate())
	}
	return k.Err()
}
