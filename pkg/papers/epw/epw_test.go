package epw

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"theorylab/pkg/claims"
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

// TestQuickPresetClaims runs the quick preset (through the results cache that
// the notebook then reuses) and asserts every claim.
func TestQuickPresetClaims(t *testing.T) {
	if testing.Short() {
		t.Skip("quick preset takes about a minute; skipped with -short")
	}
	res, man, hit, err := RunCached(Quick())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("quick preset: %.1fs on %s (cache hit: %v)", man.ElapsedSeconds, man.Backend, hit)
	list := Claims(res)
	if len(list) != 6 {
		t.Fatalf("want 6 claims, got %d", len(list))
	}
	if err := list.Validate(); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + list.Text())
	claims.Require(t, list)
	// The learner's queries per label never exceed the unpruned tree (Σ_{k≤L} 3^k per label).
	for _, r := range res.Learner.Runs {
		last := r.Rounds[len(r.Rounds)-1]
		if limit := float64(last.Labels) * rl.TreeQueries(3, r.L); float64(last.Search.Generative) > limit {
			t.Errorf("%s: %d label queries for %d labels at L = %d (limit %v)", r.Name, last.Search.Generative, last.Labels, r.L, limit)
		}
	}
}

func TestDeterminism(t *testing.T) {
	a, err := Run(tiny())
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(tiny())
	if err != nil {
		t.Fatal(err)
	}
	a.Seconds, b.Seconds = 0, 0
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with the same seed and backend differ")
	}
	c := tiny()
	c.Seed = 7
	other, err := Run(c)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(other.Learner.Runs[0].Rounds, a.Learner.Runs[0].Rounds) {
		t.Error("a different seed gave the same learning curve")
	}
	// Every claim is computed (no panic on a small run) and has its texts.
	if err := Claims(a).Validate(); err != nil {
		t.Error(err)
	}
}

func TestConfigErrorsNameTheField(t *testing.T) {
	cases := map[string]func(*Config){
		"seeds must be ≥ 1":   func(c *Config) { c.Seeds = 0 },
		"seed must be ≥ 0":    func(c *Config) { c.Seed = -1 },
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
	}
	for want, mutate := range cases {
		c := Quick()
		mutate(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error containing %q, got %v", want, err)
		}
		if _, err := Run(c); err == nil {
			t.Errorf("Run accepted an invalid config (%s)", want)
		}
		if _, _, _, err := RunCached(c); err == nil {
			t.Errorf("RunCached accepted an invalid config (%s)", want)
		}
	}
	if _, err := Preset("huge"); err == nil || !strings.Contains(err.Error(), `"huge"`) {
		t.Errorf("unknown preset: got %v", err)
	}
	for _, c := range []Config{Quick(), Full()} {
		if err := c.Validate(); err != nil {
			t.Errorf("%s preset invalid: %v", c.Preset, err)
		}
	}
}

func TestFiguresRender(t *testing.T) {
	res, err := Run(tiny())
	if err != nil {
		t.Fatal(err)
	}
	figs := Figures(res)
	if len(figs) != 8 {
		t.Fatalf("want 8 figures, got %d", len(figs))
	}
	for _, f := range figs {
		svg := strings.TrimSpace(f.Fig.SVG())
		if err := f.Fig.Err(); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
		if !strings.HasPrefix(svg, "<svg") && !strings.HasPrefix(svg, "<?xml") {
			t.Errorf("%s: not an SVG document", f.Name)
		}
	}
}

// TestQ95: the queries after the first round at or above the success ratio.
func TestQ95(t *testing.T) {
	r := rl.LearnerRun{Rounds: []rl.Round{{Queries: 10, Test: 0.5}, {Queries: 25, Test: SuccessRatio}, {Queries: 40, Test: 1}}}
	if got := Q95(r); got != 25 {
		t.Errorf("Q95 = %v, want 25", got)
	}
	r.Rounds[1].Test, r.Rounds[2].Test = 0.9, 0.9
	if got := Q95(r); !math.IsInf(got, 1) {
		t.Errorf("never reached: Q95 = %v, want +Inf", got)
	}
}
