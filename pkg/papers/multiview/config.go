package multiview

import (
	"math"

	"theorylab/pkg/papers/config"
	"theorylab/pkg/viewdata"
)

// Config is one run of the experiment: for every data seed, singles, their
// ensemble, KD and self-distillation students with their same-seed nulls,
// the jointly trained average, and the random-feature contrast.
type Config struct {
	config.Common // preset, first seed, seeds (data seeds: replicate s uses data seed 1+s)

	Data  viewdata.Config `json:"data"`  // the multi-view distribution (our construction)
	Train int             `json:"train"` // training examples N
	Val   int             `json:"val"`   // validation examples (learning-rate choice)
	Test  int             `json:"test"`  // test examples (a multiple of Train: evaluated in chunks of Train)

	M      int     `json:"m"`      // channels per class
	Q      int     `json:"q"`      // power of the smoothed ReLU
	Rho    float64 `json:"rho"`    // its threshold ϱ
	Sigma0 float64 `json:"sigma0"` // initial weight scale σ₀

	LRs   []float64 `json:"lrs"`   // the learning-rate grid every method chooses from on the validation split
	Cap   int       `json:"cap"`   // step budget of every training run (a multiple of 10)
	Tau   float64   `json:"tau"`   // KD temperature τ
	KDMix float64   `json:"kdmix"` // KD weight λ in (1−λ)·CE + λ·τ²·KL

	Singles  int  `json:"singles"`  // L: independently initialised single models (the ensemble)
	KD       int  `json:"kd"`       // KD students of the ensemble
	Self     int  `json:"self"`     // self-distillation students (teachers: singles 0 … Self−1)
	Features int  `json:"features"` // random features of the random-feature contrast
	Average  bool `json:"average"`  // also train the average of Singles networks jointly (MV-8; slow)

	// The MNIST sanity check of the ensemble and distillation gains (MV-10 …
	// MV-12; full preset only); nil: skipped.
	MNIST *MNISTConfig `json:"mnist,omitempty"`
}

// Check is the interval, in steps, of the 100%-training-accuracy check.
const Check = 10

// Quick is the preset CI runs (the spec's quick preset).
func Quick() Config {
	return Config{
		Common: config.Common{Preset: "quick", Seed: 0, Seeds: 1},
		Data:   viewdata.Default(), Train: 500, Val: 500, Test: 2000,
		M: 4, Q: 6, Rho: 0.3, Sigma0: 0.04,
		LRs: []float64{4, 8}, Cap: 1500, Tau: 4, KDMix: 0.9,
		Singles: 5, KD: 2, Self: 3, Features: 256,
	}
}

// Full is the full-size preset: three data seeds, N = 1000, L = 10, the
// jointly trained average, and the MNIST sanity check.
func Full() Config {
	c := Quick()
	c.Preset = "full"
	c.Seeds = 3
	c.Train, c.Val, c.Test = 1000, 1000, 10000
	c.Singles = 10
	c.LRs = []float64{2, 4, 8}
	c.Average = true
	c.MNIST = FullMNIST()
	return c
}

// Validate reports every problem with the configuration, each naming its field.
func (c Config) Validate() error {
	k := config.Check("multiview", c.Common)
	if err := c.Data.Validate(); err != nil {
		k.If(true, "data: %v", err)
	}
	k.If(c.Train < 10, "train must be ≥ 10, got %d", c.Train)
	k.If(c.Val < 1 || c.Val%max(c.Train, 1) != 0, "val must be a positive multiple of train, got %d", c.Val)
	k.If(c.Test < 1 || c.Test%max(c.Train, 1) != 0, "test must be a positive multiple of train, got %d", c.Test)
	k.If(c.M < 1, "m must be ≥ 1, got %d", c.M)
	k.If(c.Q < 2, "q must be ≥ 2, got %d", c.Q)
	k.If(!(c.Rho > 0) || math.IsInf(c.Rho, 0), "rho must be positive, got %v", c.Rho)
	k.If(!(c.Sigma0 > 0) || math.IsInf(c.Sigma0, 0), "sigma0 must be positive, got %v", c.Sigma0)
	bad := len(c.LRs) == 0
	for _, v := range c.LRs {
		bad = bad || !(v > 0) || math.IsInf(v, 0)
	}
	k.If(bad, "lrs must be a non-empty list of positive step sizes, got %v", c.LRs)
	k.If(c.Cap < Check || c.Cap%Check != 0, "cap must be a positive multiple of %d, got %d", Check, c.Cap)
	k.If(!(c.Tau > 0) || math.IsInf(c.Tau, 0), "tau must be positive, got %v", c.Tau)
	k.If(!(c.KDMix >= 0 && c.KDMix <= 1), "kdmix must be in [0, 1], got %v", c.KDMix)
	k.If(c.Singles < 2, "singles must be ≥ 2, got %d", c.Singles)
	k.If(c.KD < 1 || c.KD >= c.Singles, "kd must be in [1, singles), got %d", c.KD)
	k.If(c.Self < 1 || c.Self > c.Singles, "self must be in [1, singles], got %d", c.Self)
	k.If(c.Features < 1, "features must be ≥ 1, got %d", c.Features)
	if c.MNIST != nil {
		c.MNIST.validate(k)
	}
	return k.Err()
}
