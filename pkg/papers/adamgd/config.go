package adamgd

import (
	"fmt"
	"math"
	"slices"

	"theorylab/models/patchcnn"
	"theorylab/pkg/papers/config"
	"theorylab/pkg/patchdata"
)

// Config is one reproduction: the patch data, the two-layer CNN, the runs
// (the paper's regime, the shared learning-rate and λ grid, the controls and
// nulls) and the convex control.
type Config struct {
	// Common holds the preset's name and the seeds: data seed k of the run
	// (k = 0 … Seeds−1) is Seed + k, so the sweep's replicate r (Seed = r·Seeds)
	// shares no data with another. Each data seed has its own streams for
	// training, validation and test data and for the initial weights.
	config.Common

	Data  patchdata.Config `json:"data"`
	N     int              `json:"n"`    // training examples per data seed
	NVal  int              `json:"nval"` // validation examples (an independent draw) for choosing η and λ
	NTest int              `json:"ntest"`

	Filters int     `json:"filters"` // m per class
	Power   int     `json:"power"`   // q of σ(z) = max(z, 0)^q
	Sigma0  float64 `json:"sigma0"`  // σ₀ of the initial weights

	Steps    int `json:"steps"`     // full-batch steps, every optimizer, every step size (the same budget)
	LogEvery int `json:"log_every"` // measure every this many steps
	Unroll   int `json:"unroll"`    // steps per executed graph

	// The paper's regime (claims AG-1 … AG-4): GD at GDLR and Adam at AdamLR
	// with ℓ2 strength Lambda. Both step sizes and Lambda are in the grid below,
	// so these runs are part of the sweep.
	GDLR   float64 `json:"gd_lr"`
	AdamLR float64 `json:"adam_lr"`
	Lambda float64 `json:"lambda"`
	// Adam's hyperparameters (Kingma & Ba, with bias correction).
	Beta1 float64 `json:"beta1"`
	Beta2 float64 `json:"beta2"`
	Eps   float64 `json:"eps"`

	// LRGrid is the one grid of step sizes that GD and Adam both run on, at
	// every λ of LambdaGrid, with the same budget; each optimizer's (η, λ) is
	// chosen on the validation set (claim AG-7).
	LRGrid     []float64 `json:"lr_grid"`
	LambdaGrid []float64 `json:"lambda_grid"`

	// Controls at (AdamLR, Lambda): Adam with a larger ε (its per-coordinate
	// normalisation switched off: AG-2's control, AG-6) and sign-GD (reported).
	EpsControls []float64 `json:"eps_controls"`
	SignGD      bool      `json:"sign_gd"`
	// LambdaSweep adds λ values (beyond LambdaGrid) for GD at GDLR and Adam at
	// AdamLR; FeatureNoise adds runs of both on data with a feature-noise
	// patch −α·y·e₁ (our variant). Full preset only.
	LambdaSweep  []float64 `json:"lambda_sweep,omitempty"`
	FeatureNoise float64   `json:"feature_noise,omitempty"`

	Convex Convex `json:"convex"`
}

// Convex is the convex control (our construction): a linear logistic model
// f(x) = ⟨w, Σ_p x_p⟩ on the same data, whose ℓ2-regularised loss has one
// minimiser w*, found by Newton's method.
type Convex struct {
	Lambda   float64 `json:"lambda"`    // λ > 0 of the claim; the λ = 0 control runs beside it
	GDLR     float64 `json:"gd_lr"`     // GD step size
	AdamLR0  float64 `json:"adam_lr0"`  // Adam's η₀ of ηₜ = η₀/√t (and of the constant-step control)
	Steps    int     `json:"steps"`     // steps of every convex run
	LogEvery int     `json:"log_every"` // record ‖wₜ − w*‖ every this many steps
	Unroll   int     `json:"unroll"`
}

// The seed streams of one data seed i: PCG(i, stream).
const (
	StreamTrain uint64 = 1
	StreamVal   uint64 = 2
	StreamTest  uint64 = 3
	StreamInit  uint64 = 4
)

// Quick is the spec's quick preset: d = 400, P = 3, s = 20, σ_p = 0.5, n = 50,
// m = 10, q = 3, σ₀ = 0.05, 500 full-batch steps; GD at η = 2 and Adam at
// η = 0.01 with λ = 1e-3; both on the grid {0.003, 0.01, 0.03, 0.1, 0.5, 2}
// × λ ∈ {1e-3, 1e-2}; 10 data seeds; the convex control with λ = 1e-2,
// 5,000 steps (the spec's 20,000 in the full preset).
func Quick() Config {
	return Config{
		Common: config.Common{Preset: "quick", Seed: 0, Seeds: 10},
		Data:   patchdata.Config{D: 400, Patches: 3, Sparsity: 20, SigmaP: 0.5},
		N:      50, NVal: 200, NTest: 1000,
		Filters: 10, Power: 3, Sigma0: 0.05,
		Steps: 500, LogEvery: 10, Unroll: 5,
		GDLR: 2, AdamLR: 0.01, Lambda: 1e-3,
		Beta1: 0.9, Beta2: 0.99, Eps: 1e-8,
		LRGrid:      []float64{0.003, 0.01, 0.03, 0.1, 0.5, 2},
		LambdaGrid:  []float64{1e-3, 1e-2},
		EpsControls: []float64{1e-2},
		SignGD:      true,
		Convex:      Convex{Lambda: 1e-2, GDLR: 0.5, AdamLR0: 0.05, Steps: 5000, LogEvery: 100, Unroll: 10},
	}
}

// Full is the spec's full preset: d = 1000, n = 100, P = 4, m = 20, 2000
// steps, 10 data seeds; beyond the quick runs, a λ sweep at the paper's step
// sizes, Adam with ε = 1e-3 as well as 1e-2, the feature-noise variant, and
// the convex control over the spec's 20,000 steps.
func Full() Config {
	c := Quick()
	c.Preset = "full"
	c.Data = patchdata.Config{D: 1000, Patches: 4, Sparsity: 20, SigmaP: 0.5}
	c.N = 100
	c.Filters = 20
	c.Steps, c.LogEvery = 2000, 20
	c.EpsControls = []float64{1e-3, 1e-2}
	c.LambdaSweep = []float64{0, 1e-4, 3e-3, 3e-2}
	c.FeatureNoise = 0.2
	c.Convex.Steps, c.Convex.LogEvery = 20000, 200
	return c
}

// Model is the network of the config.
func (c Config) Model() patchcnn.Config {
	return patchcnn.Config{D: c.Data.D, Filters: c.Filters, Power: c.Power, Sigma0: c.Sigma0}
}

// DataSeed is the data seed of run k (0 ≤ k < Seeds): Seed + k.
func (c Config) DataSeed(k int) uint64 { return uint64(c.Seed + k) }

// Validate reports every problem with the configuration, each naming its field.
func (c Config) Validate() error {
	k := config.Check("adamgd", c.Common)
	bad := func(format string, args ...any) { k.If(true, format, args...) }
	positive := func(name string, v float64) {
		if !(v > 0) || math.IsInf(v, 0) {
			bad("%s must be positive and finite, got %v", name, v)
		}
	}
	if err := c.Data.Validate(); err != nil {
		k.Add(fmt.Errorf("adamgd: data: %w", err))
	}
	if c.Data.NoFeature || c.Data.FeatureNoise != 0 {
		bad("data: no_feature and feature_noise are set by the runs themselves (the null, and the config's feature_noise), not in data")
	}
	if err := c.Model().Validate(); err != nil {
		k.Add(fmt.Errorf("adamgd: %w", err))
	}
	if c.N < 2 {
		bad("n must be ≥ 2, got %d", c.N)
	}
	if c.NVal < 1 {
		bad("nval must be ≥ 1, got %d", c.NVal)
	}
	if c.NTest < 1 {
		bad("ntest must be ≥ 1, got %d", c.NTest)
	}
	if c.Unroll < 1 {
		bad("unroll must be ≥ 1, got %d", c.Unroll)
	}
	if c.LogEvery < 1 || c.Unroll > 0 && c.LogEvery%c.Unroll != 0 {
		bad("log_every must be a positive multiple of unroll (%d), got %d", c.Unroll, c.LogEvery)
	}
	if c.Steps < 1 || c.LogEvery > 0 && c.Steps%c.LogEvery != 0 {
		bad("steps must be a positive multiple of log_every (%d), got %d", c.LogEvery, c.Steps)
	}
	positive("gd_lr", c.GDLR)
	positive("adam_lr", c.AdamLR)
	if !(c.Lambda > 0) || math.IsInf(c.Lambda, 0) {
		bad("lambda must be positive and finite (the paper's regime has weight decay), got %v", c.Lambda)
	}
	if !(c.Beta1 >= 0 && c.Beta1 < 1) {
		bad("beta1 must be in [0, 1), got %v", c.Beta1)
	}
	if !(c.Beta2 >= 0 && c.Beta2 < 1) {
		bad("beta2 must be in [0, 1), got %v", c.Beta2)
	}
	if !(c.Eps >= 0) || math.IsInf(c.Eps, 0) {
		bad("eps must be ≥ 0 and finite, got %v", c.Eps)
	}
	if len(c.LRGrid) == 0 {
		bad("lr_grid is empty")
	}
	for _, v := range c.LRGrid {
		positive("lr_grid values", v)
	}
	if !sortedUnique(c.LRGrid) {
		bad("lr_grid must be strictly increasing, got %v", c.LRGrid)
	}
	if len(c.LambdaGrid) == 0 {
		bad("lambda_grid is empty")
	}
	for _, v := range c.LambdaGrid {
		if !(v >= 0) || math.IsInf(v, 0) {
			bad("lambda_grid values must be ≥ 0 and finite, got %v", v)
		}
	}
	if !sortedUnique(c.LambdaGrid) {
		bad("lambda_grid must be strictly increasing, got %v", c.LambdaGrid)
	}
	if !slices.Contains(c.LRGrid, c.GDLR) {
		bad("gd_lr (%v) must be one of lr_grid %v", c.GDLR, c.LRGrid)
	}
	if !slices.Contains(c.LRGrid, c.AdamLR) {
		bad("adam_lr (%v) must be one of lr_grid %v", c.AdamLR, c.LRGrid)
	}
	if !slices.Contains(c.LambdaGrid, c.Lambda) {
		bad("lambda (%v) must be one of lambda_grid %v", c.Lambda, c.LambdaGrid)
	}
	if len(c.EpsControls) == 0 {
		bad("eps_controls is empty: AG-2 needs Adam with a large ε as its control")
	}
	for _, e := range c.EpsControls {
		if !(e > c.Eps) || math.IsInf(e, 0) {
			bad("eps_controls must be finite and larger than eps (%v), got %v", c.Eps, e)
		}
	}
	if !sortedUnique(c.EpsControls) {
		bad("eps_controls must be strictly increasing, got %v", c.EpsControls)
	}
	for _, v := range c.LambdaSweep {
		if !(v >= 0) || math.IsInf(v, 0) {
			bad("lambda_sweep values must be ≥ 0 and finite, got %v", v)
		}
		if slices.Contains(c.LambdaGrid, v) {
			bad("lambda_sweep value %v is already in lambda_grid", v)
		}
	}
	if !(c.FeatureNoise >= 0) || math.IsInf(c.FeatureNoise, 0) {
		bad("feature_noise must be ≥ 0 and finite, got %v", c.FeatureNoise)
	}
	if c.FeatureNoise > 0 && c.Data.Patches < 3 {
		bad("feature_noise needs data.patches ≥ 3, got %d", c.Data.Patches)
	}
	cv := c.Convex
	if !(cv.Lambda > 0) || math.IsInf(cv.Lambda, 0) {
		bad("convex.lambda must be positive and finite (the claim needs a unique minimiser), got %v", cv.Lambda)
	}
	positive("convex.gd_lr", cv.GDLR)
	positive("convex.adam_lr0", cv.AdamLR0)
	if cv.Unroll < 1 {
		bad("convex.unroll must be ≥ 1, got %d", cv.Unroll)
	}
	if cv.LogEvery < 1 || cv.Unroll > 0 && cv.LogEvery%cv.Unroll != 0 {
		bad("convex.log_every must be a positive multiple of convex.unroll (%d), got %d", cv.Unroll, cv.LogEvery)
	}
	if cv.Steps < 1 || cv.LogEvery > 0 && cv.Steps%cv.LogEvery != 0 {
		bad("convex.steps must be a positive multiple of convex.log_every (%d), got %d", cv.LogEvery, cv.Steps)
	}
	// config.Check has refused seeds < 1; the claims are majorities over seeds.
	k.If(c.Seeds >= 1 && c.Seeds < 3, "seeds must be ≥ 3 (the claims are majorities over seeds), got %d", c.Seeds)
	return k.Err()
}

func sortedUnique(xs []float64) bool {
	for i := 1; i < len(xs); i++ {
		if !(xs[i] > xs[i-1]) {
			return false
		}
	}
	return true
}
