package proximity

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
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
	c.Horizons, c.Codes = []int{4, 6}, 20
	c.AgentH, c.AgentL, c.IdenticalHs, c.FactsH = 6, 2, []int{4, 6}, 4
	c.Ms, c.CatchH, c.ScalingHs = []int{1, 2}, 8, []int{16}
	c.Learner = rl.LearnerConfig{Hidden: []int{8}, Batch: 16, Rounds: 2, Starts: 4, Labels: 4, Steps: 10}
	c.LRGrid = []float64{1e-3, 1e-2}
	c.EvalStarts = 20
	return c
}

// TestQuickPreset runs the quick preset through the results cache (the
// notebook then loads the same results), asserts every claim, then checks
// the method on the same runs.
func TestQuickPreset(t *testing.T) {
	out := papertest.Quick(t, Paper)
	if len(out.Claims) != 5 {
		t.Fatalf("want 5 claims, got %d", len(out.Claims))
	}
	res := out.Results
	// Query accounting of the consensus learner: each environment pays its
	// own labels, at most the unpruned tree Σ_{k≤L} 3^k per label and environment.
	for _, r := range res.Catch.Runs {
		last := r.Rounds[len(r.Rounds)-1]
		if limit := float64(r.M*last.Labels) * rl.TreeQueries(3, r.L); float64(last.Search.Generative) > limit {
			t.Errorf("%s: %d label queries for %d labels in %d environments (limit %v)", r.Name, last.Search.Generative, last.Labels, r.M, limit)
		}
		// Under SP-lite the consensus label is never empty.
		if last.Conflicts != 0 {
			t.Errorf("%s: %d empty consensus labels on Catch-m", r.Name, last.Conflicts)
		}
	}
	// PROX-W3 (a check of the family, not evidence): the classical distances.
	if s := res.Split; math.Abs(s.RewardGap-res.Config.Eps) > gapTol || s.TV != 0 {
		t.Errorf("Split-needle distances: reward gap %v (want ε = %v), TV %v (want 0)", s.RewardGap, res.Config.Eps, s.TV)
	}
	// PROX-S2 as the spec first wrote it, now an invariant of the learner:
	// the median over seeds of the queries is linear in m (R² ≥ 0.98),
	// Q(4)/Q(1) in [3, 5], slope in H ≤ 1.5.
	cfg := res.Config
	var ms, qs []float64
	byM := map[int][]float64{}
	for _, m := range cfg.Ms {
		for seed := range cfg.Seeds {
			if r, ok := res.Catch.find(m, cfg.CatchH, cfg.WindowL, seed); ok {
				byM[m] = append(byM[m], float64(r.Rounds[len(r.Rounds)-1].Queries))
			}
		}
		ms, qs = append(ms, float64(m)), append(qs, claims.Median(byM[m]))
	}
	_, _, r2 := rl.FitLine(ms, qs)
	t.Logf("Catch-m queries: median per m %v = %s, R² %.4f", cfg.Ms, claims.Each(qs, "%.0f"), r2)
	if r2 < 0.98 {
		t.Errorf("queries against m: R² %.4f < 0.98", r2)
	}
	if ratio := claims.Median(byM[4]) / claims.Median(byM[1]); ratio < 3 || ratio > 5 {
		t.Errorf("Q(4)/Q(1) = %.2f, want in [3, 5]", ratio)
	}
	var hs, hq []float64
	for _, h := range append(slices.Clone(cfg.ScalingHs), cfg.CatchH) {
		var col []float64
		for seed := range cfg.Seeds {
			if r, ok := res.Catch.find(cfg.ScalingM, h, cfg.WindowL, seed); ok {
				col = append(col, float64(r.Rounds[len(r.Rounds)-1].Queries))
			}
		}
		hs, hq = append(hs, math.Log(float64(h))), append(hq, math.Log(claims.Median(col)))
	}
	b, _, _ := rl.FitLine(hs, hq)
	t.Logf("Catch-m queries against H (m = %d): log-log slope %.2f", cfg.ScalingM, b)
	if b > 1.5 {
		t.Errorf("Catch-m queries against H: log-log slope %.2f > 1.5", b)
	}
}

// TestDeterministic: same seed and backend, same results; another seed,
// other results; the six figures render.
func TestDeterministic(t *testing.T) {
	res := papertest.Deterministic(t, Paper, tiny())
	if n := len(Figures(res)); n != 6 {
		t.Errorf("want 6 figures, got %d", n)
	}
	c := tiny()
	c.Seed = 7
	other, err := Run(c)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(other.Split.MeanQueries, res.Split.MeanQueries) {
		t.Error("a different seed gave the same search costs")
	}
}

func TestBadConfigs(t *testing.T) {
	papertest.BadConfigs(t, Paper, map[string]func(*Config){
		"m must be ≥ 2":        func(c *Config) { c.M = 1 },
		"eps":                  func(c *Config) { c.Eps = 0 },
		"horizons":             func(c *Config) { c.Horizons = []int{8, 4} },
		"agent_l":              func(c *Config) { c.AgentL = 12 },
		"one of horizons":      func(c *Config) { c.AgentH = 13 },
		"identical_hs":         func(c *Config) { c.IdenticalHs = []int{2} },
		"catch_eps":            func(c *Config) { c.CatchEps = -0.1 },
		"ms":                   func(c *Config) { c.Ms = []int{4, 2} },
		"short_l":              func(c *Config) { c.ShortL = 6 },
		"lr_grid":              func(c *Config) { c.LRGrid = nil },
		"learner: rounds":      func(c *Config) { c.Learner.Rounds = 0 },
		"catch: catch: radius": func(c *Config) { c.Catch.Radius = 2 },
	})
}

// TestThresholds: the claims print the thresholds they compare.
func TestThresholds(t *testing.T) {
	if err := Claims.Validate(); err != nil {
		t.Fatal(err)
	}
	for th, want := range map[claims.Threshold]string{queriesSlope: "in [0.9, 1.1]", agentSuccess: "≤ 3%",
		nearOptimal: "≥ 0.95", shapedPerH: "≤ 4", lossIsEps: "= −1"} {
		if th.String() != want {
			t.Errorf("threshold prints %q, want %q", th.String(), want)
		}
	}
}

// TestTheoryQueries: random-order search over 2^H leaves finds the needle
// after (2^H + 1)/2 leaves on average, m queries each — by hand for H = 2
// (leaves 1, 2, 3, 4 equally likely: mean 2.5) and against a simulation.
func TestTheoryQueries(t *testing.T) {
	if got := TheoryQueries(2, 2); got != 5 {
		t.Errorf("TheoryQueries(2, 2) = %v, want 2·2.5 = 5", got)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const h, n = 6, 4000
	total := 0.0
	for i := range n {
		envs, err := rl.NewSplitNeedles(h, uint64(i)%(1<<h), 2, 0.05, 0, false)
		if err != nil {
			t.Fatal(err)
		}
		total += float64(rl.EnumerateSplit(envs, rng))
	}
	// The mean of n draws of a uniform count on {1 … 64} has standard error ≈ 18.5/√n per leaf.
	mean, want := total/n, TheoryQueries(2, h)
	if se := 2 * 18.5 / math.Sqrt(n); math.Abs(mean-want) > 4*se {
		t.Errorf("mean queries %v, theory %v (4 s.e. = %v)", mean, want, 4*se)
	}
}

// TestCatchMFamily: Catch-m's observations differ only in the theme
// coordinates; its reward scales are in [0, ε]; its environments' argmax
// sets agree on random states (exact lookahead), so SP-lite holds; the
// consensus label equals each environment's label there.
func TestCatchMFamily(t *testing.T) {
	cfg := tiny()
	e := &experiment{Study: rl.NewStudy(nil, cfg.Seed, nil), cfg: cfg}
	zs, ds := e.themes(4)
	task := e.task(4, 8, 6, 1, zs, ds)
	starts := cfg.Catch.Starts(300, 3)
	for _, s := range starts[:50] {
		base := task.ObserveIn(0, s)
		for i := 1; i < 4; i++ {
			o := task.ObserveIn(i, s)
			if !slices.Equal(o[:rl.ObsDim], base[:rl.ObsDim]) || slices.Equal(o[rl.ObsDim:], base[rl.ObsDim:]) {
				t.Fatalf("environment %d: observation %v against %v", i, o, base)
			}
		}
	}
	for _, d := range ds {
		if d < 0 || d > cfg.CatchEps {
			t.Errorf("reward scale δ = %v outside [0, ε]", d)
		}
	}
	var searches []*rl.Search[rl.CatchState]
	for _, env := range task.Envs {
		searches = append(searches, rl.NewSearch(env, true, true))
	}
	for _, s := range starts {
		y, each := rl.ConsensusLabels(searches, s, 8, 0)
		if len(y) == 0 {
			t.Fatalf("empty consensus label at %+v", s)
		}
		for i, yi := range each {
			if !slices.Equal(yi, y) {
				t.Fatalf("environment %d's argmax set %v differs from the consensus %v at %+v", i, yi, y, s)
			}
		}
	}
}

// TestSplitNeedleDistances (PROX-W3, by construction): on every node of a
// few family members the reward gap is at most ε (exactly ε somewhere) and
// the transitions are identical; the shaped twin has the same gap.
func TestSplitNeedleDistances(t *testing.T) {
	for _, code := range []uint64{0, 5, 0b101101, 63} {
		envs, err := rl.NewSplitNeedles(6, code, 2, 0.05, 0, false)
		if err != nil {
			t.Fatal(err)
		}
		gap, tv := distances(envs)
		if math.Abs(gap-0.05) > gapTol || tv != 0 {
			t.Errorf("σ = %06b: gap %v, TV %v", code, gap, tv)
		}
		shaped, _ := rl.NewSplitNeedles(6, code, 2, 0.05, shaping(6), false)
		if g, v := distances(shaped); math.Abs(g-0.05) > gapTol || v != 0 {
			t.Errorf("shaped σ = %06b: gap %v, TV %v", code, g, v)
		}
	}
}

// TestConsensusOnSplitNeedle: with L < H every consensus label on σ's path
// is the whole action set A = {0, 1} (the lookahead sees only ties), and
// the shaped twin's lookahead-1 label is σ's next action alone.
func TestConsensusOnSplitNeedle(t *testing.T) {
	const h, l = 8, 4
	code := uint64(0b10110010)
	envs, _ := rl.NewSplitNeedles(h, code, 2, 0.05, 0, false)
	shaped, _ := rl.NewSplitNeedles(h, code, 2, 0.05, shaping(h), false)
	mk := func(es []rl.SplitNeedle) []*rl.Search[rl.TreeState] {
		var out []*rl.Search[rl.TreeState]
		for _, e := range es {
			out = append(out, rl.NewSearch[rl.TreeState](e, false, true))
		}
		return out
	}
	plain, sh := mk(envs), mk(shaped)
	s := rl.TreeState{}
	for step := range h - l {
		if y, _ := rl.ConsensusLabels(plain, s, l, step); !slices.Equal(y, []int{0, 1}) {
			t.Errorf("step %d: consensus label %v, want [0 1]", step, y)
		}
		next := int(code >> uint(step) & 1)
		if y, _ := rl.ConsensusLabels(sh, s, 1, step); !slices.Equal(y, []int{next}) {
			t.Errorf("shaped, step %d: consensus label %v, want [%d]", step, y, next)
		}
		s, _ = envs[0].Step(s, next)
	}
	// Lookahead queries: m·Σ_{k≤L} 2^k per label of the plain tree search (pruning never fires above the leaves).
	for _, sr := range plain {
		sr.Queries = rl.Queries{}
	}
	rl.ConsensusLabels(plain, rl.TreeState{}, l, 0)
	total := int64(0)
	for _, sr := range plain {
		total += sr.Queries.Generative
	}
	if want := 2 * rl.TreeQueries(2, l); float64(total) != want {
		t.Errorf("consensus label queries %d, want m·Σ_{k≤L} 2^k = %v", total, want)
	}
}

// TestPerEnvironment: on one hand-checked family member (H = 4, σ = 0110
// read first action first) each environment's better constant policy is
// all-0 (environment 1: first action 0) and all-1 (environment 2), each loses
// exactly ε in the other environment, and σ's path loses nothing.
func TestPerEnvironment(t *testing.T) {
	code := uint64(0b0110) // actions 0, 1, 1, 0
	envs, _ := rl.NewSplitNeedles(4, code, 2, 0.05, 0, false)
	tab := valueTable(envs)
	want := [][]float64{{0, -0.05}, {-0.05, 0}, {0, 0}}
	for p := range want {
		for i := range want[p] {
			if math.Abs(tab.Gap[p][i]-want[p][i]) > gapTol {
				t.Errorf("policy %q in environment %d: V − V* = %v, want %v", tab.Policies[p], i+1, tab.Gap[p][i], want[p][i])
			}
		}
	}
	var out SplitResult
	out.LossMin, out.LossMax = 1, -1
	e := &experiment{cfg: tiny()}
	e.perEnvironment(&out, envs)
	if out.Solutions != 2 || out.OwnOptimal != 2 || out.NonConstant != 1 || out.FailToGeneralize != 1 {
		t.Errorf("per-environment counts %+v", out)
	}
}
