package eos

import (
	"errors"
	"fmt"
	"math"
)

// Config is one Edge of Stability experiment: the Chebyshev toy trained by
// full-batch GD at several step sizes and seeds.
type Config struct {
	Preset string `json:"preset"` // "quick", "full" or "custom"

	// Data: n points of the Chebyshev polynomial T_degree on [−1, 1].
	Degree int `json:"degree"`
	Points int `json:"points"`
	// Model: f(x) = Σⱼ aⱼ tanh(wⱼx + cⱼ), Width units, no output bias.
	Width int `json:"width"`

	EdgeEtas   []float64 `json:"edge_etas"`   // step sizes expected to reach the edge
	ControlEta float64   `json:"control_eta"` // a step size whose 2/η stays far above the sharpness
	Seed       int       `json:"seed"`        // first seed; runs use Seed, Seed+1, …
	Seeds      int       `json:"seeds"`       // number of seeds per step size
	Steps      int       `json:"steps"`       // GD steps per run

	SharpnessEvery int `json:"sharpness_every"` // measure S every this many steps
	LanczosIters   int `json:"lanczos_iters"`   // Lanczos iterations per measurement
	Unroll         int `json:"unroll"`          // GD steps per executed graph
	ZoomSteps      int `json:"zoom_steps"`      // length of the step-by-step window recorded at 3/4 of training

	// Full preset only.
	Flow  bool         `json:"flow"`            // compare each edge run with gradient flow up to 2t* (EOS-7)
	MNIST *MNISTConfig `json:"mnist,omitempty"` // the MNIST-1k study (EOS-8); nil: skipped
}

// Quick is the CI-sized preset: the spec's quick preset (4 step sizes × 3 seeds, 20k steps).
func Quick() Config {
	return Config{
		Preset: "quick", Degree: 3, Points: 20, Width: 100,
		EdgeEtas: []float64{0.2, 0.3, 0.4}, ControlEta: 0.05,
		Seed: 0, Seeds: 3, Steps: 20000,
		SharpnessEvery: 100, LanczosIters: 20, Unroll: 10, ZoomSteps: 200,
	}
}

// Full is the spec's full preset: the larger toy study (5 step sizes, 5 seeds,
// sharpness twice as often) with the gradient-flow comparison, and the MNIST-1k study.
func Full() Config {
	c := Quick()
	c.Preset = "full"
	c.EdgeEtas = []float64{0.1, 0.2, 0.3, 0.4}
	c.Seeds = 5
	c.SharpnessEvery = 50
	c.Flow = true
	m := DefaultMNIST()
	c.MNIST = &m
	return c
}

// Preset returns the named preset.
func Preset(name string) (Config, error) {
	switch name {
	case "quick":
		return Quick(), nil
	case "full":
		return Full(), nil
	}
	return Config{}, fmt.Errorf("eos: unknown preset %q (want quick or full)", name)
}

// Etas lists the step size of every run group: the edge step sizes, then the control.
func (c Config) Etas() []float64 { return append(append([]float64{}, c.EdgeEtas...), c.ControlEta) }

// Validate reports the first problem with the configuration, naming the field.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("eos: "+format, args...)) }
	if c.Degree < 0 {
		bad("degree must be ≥ 0, got %d", c.Degree)
	}
	if c.Points < 2 {
		bad("points must be ≥ 2, got %d", c.Points)
	}
	if c.Width < 1 {
		bad("width must be ≥ 1, got %d", c.Width)
	}
	if len(c.EdgeEtas) == 0 {
		bad("edge_etas is empty: at least one step size is needed")
	}
	for _, eta := range c.Etas() {
		if !(eta > 0) || math.IsInf(eta, 0) {
			bad("step sizes must be positive and finite, got η = %v", eta)
		}
	}
	for _, eta := range c.EdgeEtas {
		if eta <= c.ControlEta {
			bad("control_eta (%v) must be smaller than every edge step size, got %v", c.ControlEta, eta)
		}
	}
	if c.Seed < 0 {
		bad("seed must be ≥ 0, got %d", c.Seed)
	}
	if c.Seeds < 1 {
		bad("seeds must be ≥ 1, got %d", c.Seeds)
	}
	if c.Unroll < 1 {
		bad("unroll must be ≥ 1, got %d", c.Unroll)
	}
	if c.SharpnessEvery < 1 || c.Unroll > 0 && c.SharpnessEvery%c.Unroll != 0 {
		bad("sharpness_every must be a positive multiple of unroll (%d), got %d", c.Unroll, c.SharpnessEvery)
	}
	if c.Steps < 1 || c.SharpnessEvery > 0 && c.Steps%c.SharpnessEvery != 0 {
		bad("steps must be a positive multiple of sharpness_every (%d), got %d", c.SharpnessEvery, c.Steps)
	}
	if c.LanczosIters < 2 {
		bad("lanczos_iters must be ≥ 2, got %d", c.LanczosIters)
	}
	if c.ZoomSteps < 0 || c.ZoomSteps > c.Steps/4 || c.Unroll > 0 && c.ZoomSteps%c.Unroll != 0 {
		bad("zoom_steps must be a multiple of unroll (%d) in [0, steps/4 = %d], got %d", c.Unroll, c.Steps/4, c.ZoomSteps)
	}
	if c.MNIST != nil {
		if err := c.MNIST.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// needed is the majority rule of the spec: ≥ 2 of 3 seeds, ≥ 4 of 5.
func (c Config) needed() int {
	if c.Seeds <= 2 {
		return c.Seeds
	}
	return c.Seeds - c.Seeds/3 // 3→2, 4→3, 5→4, 6→4
}
