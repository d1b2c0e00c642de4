package superres

import (
	"math"
	"slices"

	"theorylab/pkg/papers/config"
)

// Config is one run of the experiment: the teacher, the GAN, its training
// by alternating gradient descent–ascent, and the measurements.
type Config struct {
	config.Common // preset, first seed, seeds

	Teacher TeacherConfig `json:"teacher"`
	Arch    Arch          `json:"arch"`

	TrainSamples int       `json:"train_samples"` // size of the training set of teacher images
	Steps        int       `json:"steps"`         // GDA iterations (one D step and one G step each)
	Unroll       int       `json:"unroll"`        // iterations per executed graph
	Batch        int       `json:"batch"`         // minibatch of real images and of latents
	LRs          []float64 `json:"lrs"`           // Adam step sizes of both players: the grid every variant chooses from
	ValSamples   int       `json:"val_samples"`   // validation samples (teacher and generated) that choose the step size
	Beta1        float64   `json:"beta1"`         // Adam β₁
	Beta2        float64   `json:"beta2"`         // Adam β₂
	Clip         float64   `json:"clip"`          // per-run gradient-norm clip of each player
	R1           float64   `json:"r1,omitempty"`  // γ of the R1 penalty on real images in D's objective (0: none)

	EvalEvery    int `json:"eval_every"`    // iterations between two points of the curves
	CurveSamples int `json:"curve_samples"` // samples per distance on the curves (floors at the same size)
	FinalSamples int `json:"final_samples"` // samples per distance at the end (floors at the same size)
	FloorPairs   int `json:"floor_pairs"`   // disjoint real–real pairs averaged into each floor
	Projections  int `json:"projections"`   // random directions of the sliced Wasserstein distance

	// Baselines and controls trained beside the multi-scale GAN.
	SingleScale bool `json:"single_scale"` // the single-scale discriminator (FSR-6)
	// CoarseFirst trains the levels progressively, as the proof's order:
	// level 1 alone, then level ℓ joins after (ℓ−1)/L of the steps (FSR-2).
	CoarseFirst bool `json:"coarse_first"`
	Control     bool `json:"control"` // the same GAN on the no-structure teacher
	// NoiseStd > 0 adds the spec's noise variant: the multi-scale GAN on a
	// teacher whose units of the levels ℓ ≥ 2 also receive ReLU(N(0, NoiseStd²)) noise.
	NoiseStd float64 `json:"noise_std,omitempty"`
}

// maxLevels bounds L (level L's images have (4·2^(L−1))² pixels).
const maxLevels = 4

// Levels is the number of levels L.
func (c Config) Levels() int { return len(c.Teacher.K) }

// Quick is the preset CI runs (see docs/06 for its cost on each backend).
func Quick() Config {
	return Config{
		Common:       config.Common{Preset: "quick", Seed: 0, Seeds: 3},
		Teacher:      TeacherConfig{Z: 8, K: []int{24, 48}, Active: []float64{0.2, 0.1}, DetailScale: 0.5, CalibrationSamples: 100_000},
		Arch:         Arch{Z: 8, H: []int{32, 64}, DW: 64},
		TrainSamples: 10_000, Steps: 4000, Unroll: 5, Batch: 64,
		LRs: []float64{1e-3, 3e-3, 1e-2}, ValSamples: 2000, Beta1: 0.5, Beta2: 0.99, Clip: 10,
		EvalEvery: 100, CurveSamples: 500, FinalSamples: 2000, FloorPairs: 4, Projections: 128,
		SingleScale: true, CoarseFirst: true, Control: true,
	}
}

// Full is the larger preset: the spec's third level (4×4 → 8×8 → 16×16,
// teacher width 96 at 5% activity, learner width 128), more seeds, data
// and iterations, the R1 penalty and the noise variant.
func Full() Config {
	c := Quick()
	c.Preset = "full"
	c.Teacher.K = []int{24, 48, 96}
	c.Teacher.Active = []float64{0.2, 0.1, 0.05}
	c.Arch.H = []int{32, 64, 128}
	// One more step size above: in a three-level run with the quick grid,
	// validation kept its upper edge 1e-2 in 11 of 25 (seed, variant) pairs.
	c.LRs = []float64{1e-3, 3e-3, 1e-2, 3e-2}
	c.Seeds = 5
	c.TrainSamples = 20_000
	c.Steps = 20_000
	c.R1 = 1         // the spec's full-preset addition (γ = 1)
	c.NoiseStd = 0.1 // the spec's noise variant
	return c
}

// Validate reports every problem with the configuration, each naming its field.
func (c Config) Validate() error {
	k := config.Check("superres", c.Common)
	pos := func(x float64) bool { return x > 0 && !math.IsInf(x, 0) }
	t, a := c.Teacher, c.Arch
	L := len(t.K)
	k.If(L < 2 || L > maxLevels, "teacher.k must list 2 to %d level widths, got %d", maxLevels, L)
	k.If(len(t.Active) != L, "teacher.active must have one entry per level (%d), got %d", L, len(t.Active))
	k.If(len(a.H) != L, "arch.h must have one width per teacher level (%d), got %d", L, len(a.H))
	k.If(t.Z < 1 || slices.Min(append([]int{1}, t.K...)) < 1, "teacher sizes (z, k) must be ≥ 1, got %d, %v", t.Z, t.K)
	for l, p := range t.Active {
		k.If(!(p > 0 && p < 1), "teacher.active[%d] must be in (0, 1), got %v", l, p)
	}
	k.If(!pos(t.DetailScale), "teacher.detail_scale must be positive, got %v", t.DetailScale)
	k.If(t.CalibrationSamples < 100, "teacher.calibration_samples must be ≥ 100, got %d", t.CalibrationSamples)
	k.If(a.Z < 1 || a.DW < 1 || slices.Min(append([]int{1}, a.H...)) < 1, "arch sizes (z, h, dw) must be ≥ 1, got %d, %v, %d", a.Z, a.H, a.DW)
	k.If(c.TrainSamples < c.Batch, "train_samples must be ≥ batch (%d), got %d", c.Batch, c.TrainSamples)
	k.If(c.Unroll < 1, "unroll must be ≥ 1, got %d", c.Unroll)
	k.If(c.Batch < 1, "batch must be ≥ 1, got %d", c.Batch)
	k.If(c.EvalEvery < 1 || c.Unroll < 1 || c.EvalEvery%max(c.Unroll, 1) != 0, "eval_every must be a positive multiple of unroll, got %d", c.EvalEvery)
	k.If(c.Steps < 1 || c.EvalEvery < 1 || c.Steps%max(c.EvalEvery, 1) != 0, "steps must be a positive multiple of eval_every, got %d", c.Steps)
	k.If(c.CoarseFirst && c.Unroll >= 1 && c.Steps/c.Unroll < L, "steps must give every level of coarse_first at least one graph of unroll iterations, got %d", c.Steps)
	k.If(len(c.LRs) == 0, "lrs must list at least one step size")
	for _, lr := range c.LRs {
		k.If(!pos(lr), "lrs must be positive and finite, got %v", lr)
	}
	k.If(c.ValSamples < 2, "val_samples must be ≥ 2, got %d", c.ValSamples)
	k.If(!(c.Beta1 >= 0 && c.Beta1 < 1), "beta1 must be in [0, 1), got %v", c.Beta1)
	k.If(!(c.Beta2 >= 0 && c.Beta2 < 1), "beta2 must be in [0, 1), got %v", c.Beta2)
	k.If(!pos(c.Clip), "clip must be positive, got %v", c.Clip)
	k.If(!(c.R1 >= 0) || math.IsInf(c.R1, 0), "r1 must be ≥ 0 and finite, got %v", c.R1)
	k.If(!(c.NoiseStd >= 0) || math.IsInf(c.NoiseStd, 0), "noise_std must be ≥ 0 and finite, got %v", c.NoiseStd)
	k.If(c.CurveSamples < 2, "curve_samples must be ≥ 2, got %d", c.CurveSamples)
	k.If(c.FinalSamples < c.CurveSamples, "final_samples must be ≥ curve_samples, got %d", c.FinalSamples)
	k.If(c.FloorPairs < 1, "floor_pairs must be ≥ 1, got %d", c.FloorPairs)
	k.If(c.Projections < 1, "projections must be ≥ 1, got %d", c.Projections)
	return k.Err()
}
