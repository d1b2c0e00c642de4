package proximity

import (
	"slices"
	"theorylab/pkg/papers/config"
	"theorylab/pkg/rl"
)

// Config is one Proximity experiment.
type Config struct {
	// Common: the preset, the first seed and Seeds, the independent learner
	// runs per Catch-m setting. Every random stream (codes, search orders,
	// ties, start states, network initialisation, minibatches) is
	// rl.Stream(Seed, purpose, index), so two configs that differ only in
	// Seed share no stream.
	config.Common

	// Split-needle (our construction): M environments, reward gap Eps,
	// horizons, random codes per horizon.
	M        int     `json:"m"`
	Eps      float64 `json:"eps"`
	Horizons []int   `json:"horizons"`
	Codes    int     `json:"codes"`
	// The consensus-lookahead agent on Split-needle, its shaped twin and the
	// identical-needle control: lookahead AgentL at horizon AgentH, and the
	// identical-needle control at IdenticalHs.
	AgentH      int   `json:"agent_h"`
	AgentL      int   `json:"agent_l"`
	IdenticalHs []int `json:"identical_hs"`
	FactsH      int   `json:"facts_h"` // the cross-environment value table is drawn for one code at this H

	// Catch-m (our construction): m themed copies of Catch with rewards
	// scaled by 1 + δᵢ, δᵢ ∈ [0, CatchEps]; themes zᵢ ~ U[−1, 1]² and δᵢ
	// from ThemeSeed (fixed, not the run seed).
	Catch     rl.Catch `json:"catch"`
	Ms        []int    `json:"ms"`
	CatchH    int      `json:"catch_h"`
	ScalingHs []int    `json:"scaling_hs"` // extra horizons at ScalingM (queries against H)
	ScalingM  int      `json:"scaling_m"`
	CatchEps  float64  `json:"catch_eps"`
	ThemeSeed int      `json:"theme_seed"`
	WindowL   int      `json:"window_l"` // the consensus learner's lookahead: Catch's window (paper 09 measures 6)
	ShortL    int      `json:"short_l"`  // the cheap variant, reported
	// The learner, with its learning rate chosen from LRGrid on the
	// validation starts of one tuning run at ScalingM (Learner.LR ignored).
	Learner    rl.LearnerConfig `json:"learner"`
	LRGrid     []float64        `json:"lr_grid"`
	EvalStarts int              `json:"eval_starts"`
}

// Quick is the CI-sized preset (the spec's quick preset with the prototype's corrections).
func Quick() Config {
	return Config{
		Common: config.Common{Preset: "quick", Seed: 0, Seeds: 3},
		M:      2, Eps: 0.05, Horizons: []int{4, 6, 8, 10, 12, 14}, Codes: 200,
		AgentH: 12, AgentL: 4, IdenticalHs: []int{6, 8, 10, 12, 14}, FactsH: 4,
		Catch: rl.DefaultCatch(), Ms: []int{1, 2, 4}, CatchH: 32, ScalingHs: []int{8, 16}, ScalingM: 2,
		CatchEps: 0.05, ThemeSeed: 7, WindowL: 6, ShortL: 1,
		Learner:    rl.LearnerConfig{Hidden: []int{32, 32}, Batch: 128, Rounds: 8, Starts: 32, Labels: 16, Steps: 300},
		LRGrid:     []float64{1e-3, 3e-3, 1e-2},
		EvalStarts: 200,
	}
}

// Full adds seeds, environments and horizons.
func Full() Config {
	c := Quick()
	c.Preset = "full"
	c.Seeds = 5
	c.Ms = []int{1, 2, 4, 8}
	c.ScalingHs = []int{8, 16, 64}
	c.Horizons = []int{4, 6, 8, 10, 12, 14, 16}
	return c
}

// Validate reports every problem with the configuration, each naming its field.
func (c Config) Validate() error {
	k := config.Check("proximity", c.Common)
	bad := func(format string, args ...any) { k.If(true, format, args...) }
	if c.M < 2 {
		bad("m must be ≥ 2 (generalization needs two environments), got %d", c.M)
	}
	if !(c.Eps > 0 && c.Eps < 1) {
		bad("eps must be in (0, 1), got %v", c.Eps)
	}
	if len(c.Horizons) < 2 || !rl.Increasing(c.Horizons) || c.Horizons[0] < max(1, rl.SplitBits(c.M)) || c.Horizons[len(c.Horizons)-1] > 20 {
		bad("horizons must be ≥ 2 increasing values in [⌈log₂ m⌉, 20], got %v", c.Horizons)
	}
	if c.Codes < 1 {
		bad("codes must be ≥ 1, got %d", c.Codes)
	}
	if c.AgentH < 2 || c.AgentH > 20 || c.AgentL < 1 || c.AgentL >= c.AgentH {
		bad("agent_h must be in [2, 20] and agent_l in [1, agent_h), got %d and %d", c.AgentH, c.AgentL)
	}
	if !slices.Contains(c.Horizons, c.AgentH) {
		bad("agent_h must be one of horizons %v (PROX-W4's control reads the shaped family there), got %d", c.Horizons, c.AgentH)
	}
	if len(c.IdenticalHs) < 2 || !rl.Increasing(c.IdenticalHs) || c.IdenticalHs[0] <= c.AgentL || c.IdenticalHs[len(c.IdenticalHs)-1] > 20 {
		bad("identical_hs must be ≥ 2 increasing values in (agent_l, 20], got %v", c.IdenticalHs)
	}
	if c.FactsH < max(1, rl.SplitBits(c.M)) || c.FactsH > 12 {
		bad("facts_h must be in [⌈log₂ m⌉, 12], got %d", c.FactsH)
	}
	if err := c.Catch.Validate(); err != nil {
		bad("catch: %v", err)
	}
	if len(c.Ms) < 2 || !rl.Increasing(c.Ms) || c.Ms[0] < 1 {
		bad("ms must be ≥ 2 increasing values ≥ 1, got %v", c.Ms)
	}
	if c.CatchH < 1 {
		bad("catch_h must be ≥ 1, got %d", c.CatchH)
	}
	for _, h := range c.ScalingHs {
		if h < 1 || h == c.CatchH {
			bad("scaling_hs must be ≥ 1 and differ from catch_h, got %v", c.ScalingHs)
			break
		}
	}
	if c.ScalingM < 1 {
		bad("scaling_m must be ≥ 1, got %d", c.ScalingM)
	}
	if !(c.CatchEps >= 0 && c.CatchEps < 1) {
		bad("catch_eps must be in [0, 1) (negative scaling would flip argmaxes), got %v", c.CatchEps)
	}
	if c.WindowL < 1 || c.ShortL < 1 || c.ShortL >= c.WindowL {
		bad("window_l and short_l must be ≥ 1 with short_l < window_l, got %d and %d", c.WindowL, c.ShortL)
	}
	for _, err := range c.Learner.GridProblems(c.LRGrid) { // learning rate chosen from lr_grid
		bad("%v", err)
	}
	if c.EvalStarts < 1 {
		bad("eval_starts must be ≥ 1, got %d", c.EvalStarts)
	}
	return k.Err()
}
