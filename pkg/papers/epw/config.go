package epw

import (
	"slices"

	"theorylab/pkg/papers/config"
	"theorylab/pkg/rl"
)

// Config is one EPW experiment (see Quick for the meaning of each part).
type Config struct {
	// Common: the preset, the first seed and Seeds, the independent learner
	// runs per setting. Every random stream (start states, network
	// initialisation, minibatches, codes) is rl.Stream(Seed, purpose, index),
	// so two configs that differ only in Seed share no stream.
	config.Common

	Catch rl.Catch `json:"catch"` // E1, Catch (our construction)
	Lazy  rl.Catch `json:"lazy"`  // Lazy Catch, the contrast game (our construction)

	// The window measurement (EPW-1): two independent sets of WindowStarts
	// Catch starts, horizon WindowH, lookaheads 1 … WindowMax, the named tie
	// rules plus RandomRules random ones. ExtraSpeeds: other paddle speeds
	// measured the same way (full preset).
	WindowH      int       `json:"window_h"`
	WindowStarts int       `json:"window_starts"`
	WindowMax    int       `json:"window_max"`
	RandomRules  int       `json:"random_rules"`
	ExtraSpeeds  []float64 `json:"extra_speeds,omitempty"`

	// The learner (EPW-2, EPW-6): lookahead-labelled DAgger with the
	// learning rate chosen from LRGrid (Learner.LR is ignored) on the
	// validation starts of one tuning run per game at SweepH.
	Learner    rl.LearnerConfig `json:"learner"`
	LRGrid     []float64        `json:"lr_grid"`
	Horizons   []int            `json:"horizons"`    // Catch with L = W at each H, Seeds runs each
	SweepH     int              `json:"sweep_h"`     // horizon of the lookahead sweeps
	CatchSweep []int            `json:"catch_sweep"` // lookaheads below W tried on Catch (the control)
	LazySweep  []int            `json:"lazy_sweep"`  // lookaheads below W tried on Lazy Catch
	EvalStarts int              `json:"eval_starts"` // held-out starts, validation and test each

	// Full-horizon tree search on Catch (EPW-3).
	SearchHorizons []int `json:"search_horizons"`
	SearchStarts   int   `json:"search_starts"`

	// Needle-H (EPW-4).
	NeedleHorizons []int `json:"needle_horizons"`  // enumeration
	NeedleCodes    int   `json:"needle_codes"`     // random codes σ per H
	NeedleWindowH  int   `json:"needle_window_h"`  // measure the window for H ≤ this
	NeedleAgentH   int   `json:"needle_agent_h"`   // the lookahead agent's horizon
	NeedleAgentL   int   `json:"needle_agent_l"`   // and lookahead
	NeedleCurveHs  []int `json:"needle_curve_hs"`  // success against L at these H (figure)
	NeedleWindowsN int   `json:"needle_windows_n"` // codes per H for the window measurement

	// Label accuracy, MLP against linear-softmax (EPW-5): the labelled
	// states of each seed's Catch learner at SweepH with L = W, shuffled and
	// split into train (ProbeTrain), validation (ProbeVal) and test (the
	// rest); both policy classes trained ProbeSteps Adam steps at every rate
	// of LRGrid. ProbeStates uniformly random Catch states, labelled the same
	// way, give a second test distribution (reported, not claimed).
	ProbeTrain  float64 `json:"probe_train"`
	ProbeVal    float64 `json:"probe_val"`
	ProbeSteps  int     `json:"probe_steps"`
	ProbeStates int     `json:"probe_states"`

	// REINFORCE, the model-free reference (reported, no claim).
	Reinforce         rl.ReinforceConfig `json:"reinforce"`
	ReinforceHorizons []int              `json:"reinforce_horizons"`
}

// Quick is the CI-sized preset (the spec's quick preset with the prototype's
// corrections; deviations in docs/09-effective-planning-window.md).
func Quick() Config {
	return Config{
		Common: config.Common{Preset: "quick", Seed: 0, Seeds: 3},
		Catch:  rl.DefaultCatch(), Lazy: rl.LazyCatch(),
		WindowH: 24, WindowStarts: 200, WindowMax: 10, RandomRules: 5,
		Learner:  rl.LearnerConfig{Hidden: []int{32, 32}, Batch: 128, Rounds: 8, Starts: 32, Labels: 16, Steps: 300},
		LRGrid:   []float64{1e-3, 3e-3, 1e-2},
		Horizons: []int{8, 16, 32, 64}, SweepH: 32, CatchSweep: []int{1, 3, 5}, LazySweep: []int{1, 3, 5},
		EvalStarts:     200,
		SearchHorizons: []int{4, 5, 6, 7, 8, 9, 10}, SearchStarts: 50,
		NeedleHorizons: []int{4, 6, 8, 10, 12, 14}, NeedleCodes: 200, NeedleWindowH: 10,
		NeedleAgentH: 12, NeedleAgentL: 4, NeedleCurveHs: []int{8, 10, 12}, NeedleWindowsN: 5,
		ProbeTrain: 0.6, ProbeVal: 0.2, ProbeSteps: 2000, ProbeStates: 2000,
		Reinforce:         rl.ReinforceConfig{Hidden: []int{32, 32}, Batch: 1024, Budget: 200_000, EvalEvery: 10},
		ReinforceHorizons: []int{8, 16, 32},
	}
}

// Full is closer to the paper: five seeds, the window at three paddle
// speeds, Needle up to H = 16, REINFORCE at every horizon.
func Full() Config {
	c := Quick()
	c.Preset = "full"
	c.Seeds = 5
	c.ExtraSpeeds = []float64{0.1, 0.2}
	c.NeedleHorizons = []int{4, 6, 8, 10, 12, 14, 16}
	c.ReinforceHorizons = []int{8, 16, 32, 64}
	return c
}

// Validate reports every problem with the configuration, each naming its field.
func (c Config) Validate() error {
	k := config.Check("epw", c.Common)
	bad := func(format string, args ...any) { k.If(true, format, args...) }
	for name, g := range map[string]rl.Catch{"catch": c.Catch, "lazy": c.Lazy} {
		if err := g.Validate(); err != nil {
			bad("%s: %v", name, err)
		}
	}
	if c.WindowH < 1 {
		bad("window_h must be ≥ 1, got %d", c.WindowH)
	}
	if c.WindowStarts < 1 {
		bad("window_starts must be ≥ 1, got %d", c.WindowStarts)
	}
	if c.WindowMax < 2 || c.WindowMax > c.WindowH {
		bad("window_max must be in [2, window_h = %d], got %d", c.WindowH, c.WindowMax)
	}
	if c.RandomRules < 0 {
		bad("random_rules must be ≥ 0, got %d", c.RandomRules)
	}
	for _, v := range c.ExtraSpeeds {
		if !(v > 0 && v <= 1) {
			bad("extra_speeds must be in (0, 1], got %v", v)
		}
	}
	for _, err := range c.Learner.GridProblems(c.LRGrid) { // learning rate chosen from lr_grid
		bad("%v", err)
	}
	if len(c.Horizons) < 2 || !rl.Increasing(c.Horizons) || c.Horizons[0] < 1 {
		bad("horizons must be ≥ 2 increasing values ≥ 1, got %v", c.Horizons)
	}
	if c.SweepH < 1 {
		bad("sweep_h must be ≥ 1, got %d", c.SweepH)
	}
	if !slices.Contains(c.CatchSweep, 1) || !slices.Contains(c.LazySweep, 1) {
		bad("catch_sweep and lazy_sweep must contain L = 1 (EPW-6 compares it), got %v and %v", c.CatchSweep, c.LazySweep)
	}
	for _, s := range [][]int{c.CatchSweep, c.LazySweep} {
		if !rl.Increasing(s) || len(s) > 0 && s[0] < 1 {
			bad("catch_sweep and lazy_sweep must be increasing lookaheads ≥ 1, got %v", s)
		}
	}
	if c.EvalStarts < 1 {
		bad("eval_starts must be ≥ 1, got %d", c.EvalStarts)
	}
	if len(c.SearchHorizons) < 2 || !rl.Increasing(c.SearchHorizons) || c.SearchHorizons[0] < 1 || c.SearchHorizons[len(c.SearchHorizons)-1] > 14 {
		bad("search_horizons must be ≥ 2 increasing values in [1, 14], got %v", c.SearchHorizons)
	}
	if c.SearchStarts < 1 {
		bad("search_starts must be ≥ 1, got %d", c.SearchStarts)
	}
	if len(c.NeedleHorizons) < 2 || !rl.Increasing(c.NeedleHorizons) || c.NeedleHorizons[0] < 1 || c.NeedleHorizons[len(c.NeedleHorizons)-1] > 20 {
		bad("needle_horizons must be ≥ 2 increasing values in [1, 20], got %v", c.NeedleHorizons)
	}
	if c.NeedleCodes < 1 {
		bad("needle_codes must be ≥ 1, got %d", c.NeedleCodes)
	}
	if c.NeedleWindowH < 1 || c.NeedleWindowH > 16 {
		bad("needle_window_h must be in [1, 16], got %d", c.NeedleWindowH)
	}
	if c.NeedleAgentH < 1 || c.NeedleAgentH > 20 || c.NeedleAgentL < 1 || c.NeedleAgentL > c.NeedleAgentH {
		bad("needle_agent_h must be in [1, 20] and needle_agent_l in [1, needle_agent_h], got %d and %d", c.NeedleAgentH, c.NeedleAgentL)
	}
	for _, h := range c.NeedleCurveHs {
		if h < 1 || h > 16 {
			bad("needle_curve_hs must be in [1, 16], got %v", c.NeedleCurveHs)
			break
		}
	}
	if c.NeedleWindowsN < 1 {
		bad("needle_windows_n must be ≥ 1, got %d", c.NeedleWindowsN)
	}
	if !(c.ProbeTrain > 0 && c.ProbeVal > 0 && c.ProbeTrain+c.ProbeVal < 1) {
		bad("probe_train and probe_val must be positive fractions with a sum below 1, got %v and %v", c.ProbeTrain, c.ProbeVal)
	}
	if c.ProbeStates < 1 {
		bad("probe_states must be ≥ 1, got %d", c.ProbeStates)
	}
	if c.ProbeSteps < 1 {
		bad("probe_steps must be ≥ 1, got %d", c.ProbeSteps)
	}
	r := c.Reinforce
	r.LR = 1 // chosen from lr_grid
	if err := r.Validate(); err != nil {
		bad("%v", err)
	}
	if len(c.ReinforceHorizons) == 0 || !rl.Increasing(c.ReinforceHorizons) || c.ReinforceHorizons[0] < 1 {
		bad("reinforce_horizons must be increasing values ≥ 1, got %v", c.ReinforceHorizons)
	}
	return k.Err()
}
