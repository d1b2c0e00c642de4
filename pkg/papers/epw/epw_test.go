package epw

import (
	"math"
	"reflect"
	"testing"

	"theorylab/pkg/claims"
	"theorylab/pkg/papers/papertest"
	"theorylab/pkg/rl"
)

// tiny is the whole machinery at a size that runs in seconds.
func tiny() Config {
	c := Quick()
	c.Preset = "custom"
	c.Seeds = 1
	c.WindowStarts, c.WindowMax = 10, 8
	c.Learner = rl.LearnerConfig{Hidden: []int{8}, Batch: 16, Rounds: 2, Starts: 4, Labels: 4, Steps: 10}
	c.LRGrid = []float64{1e-3, 1e-2}
	c.Horizons, c.SweepH, c.CatchSweep, c.LazySweep = []int{8, 16}, 8, []int{1}, []int{1}
	c.EvalStarts = 20
	c.SearchHorizons, c.SearchStarts = []int{4, 5, 6}, 3
	c.NeedleHorizons, c.NeedleCodes, c.NeedleWindowH = []int{4, 6}, 10, 4
	c.NeedleAgentH, c.NeedleAgentL, c.NeedleCurveHs, c.NeedleWindowsN = 6, 2, []int{4}, 2
	c.ProbeStates, c.ProbeSteps = 100, 10
	c.Reinforce = rl.ReinforceConfig{Hidden: []int{8}, Batch: 64, Budget: 256, EvalEvery: 2}
	c.ReinforceHorizons = []int{8}
	return c
}

// TestQuickPreset runs the quick preset (through the results cache that the
// notebook then reuses), asserts every claim, then checks the method on the
// same runs.
func TestQuickPreset(t *testing.T) {
	out := papertest.Quick(t, Paper)
	if len(out.Claims) != 6 {
		t.Fatalf("want 6 claims, got %d", len(out.Claims))
	}
	// The learner's queries per label never exceed the unpruned tree (Σ_{k≤L} 3^k per label).
	for _, r := range out.Results.Learner.Runs {
		last := r.Rounds[len(r.Rounds)-1]
		if limit := float64(last.Labels) * rl.TreeQueries(3, r.L); float64(last.Search.Generative) > limit {
			t.Errorf("%s: %d label queries for %d labels at L = %d (limit %v)", r.Name, last.Search.Generative, last.Labels, r.L, limit)
		}
	}
}

// TestDeterministic: same seed and backend, same results; the next seeds,
// other claims; the eight figures render.
func TestDeterministic(t *testing.T) {
	res := papertest.Deterministic(t, Paper, tiny())
	if n := len(Figures(res)); n != 8 {
		t.Errorf("want 8 figures, got %d", n)
	}
	c := tiny()
	c.Seed = 7
	other, err := Run(c)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(other.Learner.Runs[0].Rounds, res.Learner.Runs[0].Rounds) {
		t.Error("a different seed gave the same learning curve")
	}
}

func TestBadConfigs(t *testing.T) {
	papertest.BadConfigs(t, Paper, map[string]func(*Config){
		"window_max":          func(c *Config) { c.WindowMax = 99 },
		"lr_grid":             func(c *Config) { c.LRGrid = nil },
		"horizons":            func(c *Config) { c.Horizons = []int{16, 8} },
		"catch_sweep":         func(c *Config) { c.CatchSweep = []int{2, 3} },
		"search_horizons":     func(c *Config) { c.SearchHorizons = []int{4, 30} },
		"needle_agent_l":      func(c *Config) { c.NeedleAgentL = 20 },
		"probe_train":         func(c *Config) { c.ProbeVal = 0.5 },
		"catch: catch: speed": func(c *Config) { c.Catch.Speed = 0 },
		"learner: batch":      func(c *Config) { c.Learner.Batch = 0 },
		"reinforce: budget":   func(c *Config) { c.Reinforce.Budget = 1 },
	})
}

// TestThresholds: the claims print the thresholds they compare.
func TestThresholds(t *testing.T) {
	if err := Claims.Validate(); err != nil {
		t.Fatal(err)
	}
	for th, want := range map[claims.Threshold]string{nearOptimal: "≥ 0.95", queryExponent: "≤ 1.5", treeSlope: "≥ 1.15",
		needleSlope: "in [0.9, 1.1]", needleSuccess: "≤ 3%", mlpAccuracy: "≥ 0.98", accuracyGap: "≥ 0.05", shortRatio: "≤ 0.8", windowSlack: "≤ 1"} {
		if th.String() != want {
			t.Errorf("threshold prints %q, want %q", th.String(), want)
		}
	}
}

// TestQ95: the queries after the first round at or above the success ratio.
func TestQ95(t *testing.T) {
	r := rl.LearnerRun{Rounds: []rl.Round{{Queries: 10, Test: 0.5}, {Queries: 25, Test: nearOptimal.Lo()}, {Queries: 40, Test: 1}}}
	if got := Q95(r); got != 25 {
		t.Errorf("Q95 = %v, want 25", got)
	}
	r.Rounds[1].Test, r.Rounds[2].Test = 0.9, 0.9
	if got := Q95(r); !math.IsInf(got, 1) {
		t.Errorf("never reached: Q95 = %v, want +Inf", got)
	}
}
