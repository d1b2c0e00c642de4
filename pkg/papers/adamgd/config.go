package adamgd

import (
	"math"
	"slices"

	"theorylab/pkg/papers/config"
)

// Config is one run of the experiment: the patch data, the CNN, the two
// optimizers with their learning-rate and weight-decay grid, and the convex
// control.
type Config struct {
	config.Common // preset, first seed, seeds (one data seed per seed)

	// Data (pkg/patchdata): n training examples of P patches in ℝ^d.
	D      int     `json:"d"`       // patch dimension d
	P      int     `json:"patches"` // patches per example P
	S      int     `json:"sparsity"`
	SigmaP float64 `json:"sigma_p"` // noise coordinate standard deviation σ_p
	Alpha  float64 `json:"alpha"`   // feature-noise strength (0: none)
	NTrain int     `json:"n_train"`
	NVal   int     `json:"n_val"` // validation split (learning-rate choice)
	NTest  int     `json:"n_test"`

	// Network (models/patchcnn).
	M      int     `json:"filters"` // filters per class m
	Q      int     `json:"q"`       // activation power
	Sigma0 float64 `json:"sigma0"`  // initialisation scale σ₀

	// Training: full batch, every method from the same initialisation.
	Steps     int     `json:"steps"`
	EvalEvery int     `json:"eval_every"` // measurements every this many steps (a multiple of 10)
	Beta1     float64 `json:"beta1"`
	Beta2     float64 `json:"beta2"`
	Eps       float64 `json:"eps"` // Adam's ε

	// The grid every method picks from, on the validation split, at the same budget.
	GDLRs   []float64 `json:"gd_lrs"`
	AdamLRs []float64 `json:"adam_lrs"`
	Lambdas []float64 `json:"lambdas"` // ℓ2 strength λ, inside the loss
	// The paper's regime (AG-1 … AG-4): one point of the grid.
	MainGDLR   float64 `json:"main_gd_lr"`
	MainAdamLR float64 `json:"main_adam_lr"`
	MainLambda float64 `json:"main_lambda"`
	// Adam's ε variants at the main point (AG-6: a large ε makes Adam GD-like).
	EpsVariants []float64 `json:"eps_variants"`

	// Convex control (our construction): linear logistic regression on Σ_p x_p.
	ConvexLambda  float64 `json:"convex_lambda"`
	ConvexSteps   int     `json:"convex_steps"`
	ConvexGDLR    float64 `json:"convex_gd_lr"`
	ConvexAdamLR0 float64 `json:"convex_adam_lr0"` // Adam's lr η₀/√t
}

// Quick is the preset CI runs (about a minute on either backend).
func Quick() Config {
	return Config{
		Common: config.Common{Preset: "quick", Seed: 0, Seeds: 5},
		D:      400, P: 3, S: 20, SigmaP: 0.5, NTrain: 50, NVal: 500, NTest: 1000,
		M: 10, Q: 3, Sigma0: 0.05,
		Steps: 500, EvalEvery: 20, Beta1: 0.9, Beta2: 0.99, Eps: 1e-8,
		GDLRs: []float64{0.5, 2}, AdamLRs: []float64{0.003, 0.01, 0.03, 0.1}, Lambdas: []float64{1e-3, 1e-2},
		MainGDLR: 2, MainAdamLR: 0.01, MainLambda: 1e-3,
		EpsVariants:  []float64{1e-3, 1e-2},
		ConvexLambda: 1e-2, ConvexSteps: 20000, ConvexGDLR: 0.5, ConvexAdamLR0: 0.05,
	}
}

// Full is closer to the paper: larger data, ten seeds, 2000 steps.
func Full() Config {
	c := Quick()
	c.Preset = "full"
	c.Seeds = 10
	c.D, c.NTrain, c.P, c.M = 1000, 100, 4, 20
	c.Steps, c.EvalEvery = 2000, 50
	c.Lambdas = []float64{1e-4, 1e-3, 1e-2}
	return c
}

// unroll is the number of optimizer steps per executed graph.
const unroll = 10

func positive(x float64) bool { return x > 0 && !math.IsInf(x, 0) }

func allPositive(xs []float64) bool {
	for _, x := range xs {
		if !positive(x) {
			return false
		}
	}
	return len(xs) > 0
}

// Validate reports every problem with the configuration, each naming its field.
func (c Config) Validate() error {
	k := config.Check("adamgd", c.Common)
	k.If(c.D < 2, "d must be ≥ 2, got %d", c.D)
	k.If(c.P < 2, "patches must be ≥ 2, got %d", c.P)
	k.If(c.S < 1 || c.S > c.D-1, "sparsity must be in [1, d−1], got %d", c.S)
	k.If(!positive(c.SigmaP), "sigma_p must be positive and finite, got %v", c.SigmaP)
	k.If(!(c.Alpha >= 0) || (c.Alpha > 0 && c.P < 3), "alpha must be ≥ 0 (and > 0 only with ≥ 3 patches), got %v", c.Alpha)
	k.If(c.NTrain < 2, "n_train must be ≥ 2, got %d", c.NTrain)
	k.If(c.NVal < 1, "n_val must be ≥ 1, got %d", c.NVal)
	k.If(c.NTest < 1, "n_test must be ≥ 1, got %d", c.NTest)
	k.If(c.M < 1, "filters must be ≥ 1, got %d", c.M)
	k.If(c.Q < 2, "q must be ≥ 2, got %d", c.Q)
	k.If(!positive(c.Sigma0), "sigma0 must be positive and finite, got %v", c.Sigma0)
	k.If(c.Steps < unroll || c.Steps%unroll != 0, "steps must be a positive multiple of %d, got %d", unroll, c.Steps)
	k.If(c.EvalEvery < unroll || c.EvalEvery%unroll != 0 || c.Steps%max(c.EvalEvery, 1) != 0,
		"eval_every must be a multiple of %d that divides steps, got %d", unroll, c.EvalEvery)
	k.If(!(c.Beta1 >= 0 && c.Beta1 < 1), "beta1 must be in [0, 1), got %v", c.Beta1)
	k.If(!(c.Beta2 >= 0 && c.Beta2 < 1), "beta2 must be in [0, 1), got %v", c.Beta2)
	k.If(!positive(c.Eps), "eps must be positive and finite, got %v", c.Eps)
	k.If(!allPositive(c.GDLRs), "gd_lrs must be non-empty, positive and finite, got %v", c.GDLRs)
	k.If(!allPositive(c.AdamLRs), "adam_lrs must be non-empty, positive and finite, got %v", c.AdamLRs)
	k.If(!allPositive(c.Lambdas), "lambdas must be non-empty, positive and finite, got %v", c.Lambdas)
	k.If(!slices.Contains(c.GDLRs, c.MainGDLR), "main_gd_lr must be one of gd_lrs, got %v", c.MainGDLR)
	k.If(!slices.Contains(c.AdamLRs, c.MainAdamLR), "main_adam_lr must be one of adam_lrs, got %v", c.MainAdamLR)
	k.If(!slices.Contains(c.Lambdas, c.MainLambda), "main_lambda must be one of lambdas, got %v", c.MainLambda)
	k.If(len(c.EpsVariants) > 0 && !allPositive(c.EpsVariants), "eps_variants must be positive and finite, got %v", c.EpsVariants)
	k.If(!positive(c.ConvexLambda), "convex_lambda must be positive and finite, got %v", c.ConvexLambda)
	k.If(c.ConvexSteps < 100 || c.ConvexSteps%100 != 0, "convex_steps must be a positive multiple of 100, got %d", c.ConvexSteps)
	k.If(!positive(c.ConvexGDLR), "convex_gd_lr must be positive and finite, got %v", c.ConvexGDLR)
	k.If(!positive(c.ConvexAdamLR0), "convex_adam_lr0 must be positive and finite, got %v", c.ConvexAdamLR0)
	return k.Err()
}
