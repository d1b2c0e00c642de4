package proximity

import (
	"reflect"
	"slices"
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
	c.Horizons, c.Codes = []int{4, 6}, 20
	c.AgentH, c.AgentL, c.IdenticalHs, c.FactsH = 6, 2, []int{4, 6}, 4
	c.Ms, c.CatchH, c.ScalingHs = []int{1, 2}, 8, []int{16}
	c.Learner = rl.LearnerConfig{Hidden: []int{8}, Batch: 16, Rounds: 2, Starts: 4, Labels: 4, Steps: 10}
	c.LRGrid = []float64{1e-3, 1e-2}
	c.EvalStarts = 20
	return c
}

// TestQuickPresetClaims runs the quick preset through the results cache and
// asserts every claim.
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
	if len(list) != 5 {
		t.Fatalf("want 5 claims, got %d", len(list))
	}
	if err := list.Validate(); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + list.Text())
	claims.Require(t, list)
}

// TestCatchMChecks: the query accounting of the consensus learner (each
// environment pays its own labels: m × the single-environment label cost
// at the same labels), and Catch-m's observations, which differ only in the
// theme coordinates.
func TestCatchMChecks(t *testing.T) {
	res, err := Run(tiny())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Catch.Runs {
		last := r.Rounds[len(r.Rounds)-1]
		if limit := float64(r.M*last.Labels) * rl.TreeQueries(3, r.L); float64(last.Search.Generative) > limit {
			t.Errorf("%s: %d label queries for %d labels in %d environments (limit %v)", r.Name, last.Search.Generative, last.Labels, r.M, limit)
		}
		if last.Conflicts != 0 {
			t.Errorf("%s: %d empty consensus labels on Catch-m", r.Name, last.Conflicts)
		}
	}
	e := &experiment{cfg: tiny(), evals: map[evalKey]rl.EvalSet[rl.CatchState]{}}
	zs, ds := e.themes(4)
	task := e.task(4, 8, 6, 1, zs, ds)
	for _, s := range e.cfg.Catch.Starts(50, 3) {
		base := task.ObserveIn(0, s)
		for i := 1; i < 4; i++ {
			o := task.ObserveIn(i, s)
			if !slices.Equal(o[:rl.ObsDim], base[:rl.ObsDim]) || slices.Equal(o[rl.ObsDim:], base[rl.ObsDim:]) {
				t.Fatalf("environment %d: observation %v against %v", i, o, base)
			}
		}
	}
	for _, d := range ds {
		if d < 0 || d > e.cfg.CatchEps {
			t.Errorf("reward scale δ = %v outside [0, ε]", d)
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
	if err := Claims(a).Validate(); err != nil {
		t.Error(err)
	}
}

func TestConfigErrorsNameTheField(t *testing.T) {
	cases := map[string]func(*Config){
		"seeds must be ≥ 1":    func(c *Config) { c.Seeds = 0 },
		"m must be ≥ 2":        func(c *Config) { c.M = 1 },
		"eps":                  func(c *Config) { c.Eps = 0 },
		"horizons":             func(c *Config) { c.Horizons = []int{8, 4} },
		"agent_l":              func(c *Config) { c.AgentL = 12 },
		"identical_hs":         func(c *Config) { c.IdenticalHs = []int{2} },
		"catch_eps":            func(c *Config) { c.CatchEps = -0.1 },
		"ms":                   func(c *Config) { c.Ms = []int{4, 2} },
		"short_l":              func(c *Config) { c.ShortL = 6 },
		"lr_grid":              func(c *Config) { c.LRGrid = nil },
		"learner: rounds":      func(c *Config) { c.Learner.Rounds = 0 },
		"catch: catch: radius": func(c *Config) { c.Catch.Radius = 2 },
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
	if len(figs) != 6 {
		t.Fatalf("want 6 figures, got %d", len(figs))
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
