package proximity

import (
	"fmt"
	"math"
	"math/rand/v2"

	"theorylab/pkg/backend"
	"theorylab/pkg/progress"
	"theorylab/pkg/rl"
	"theorylab/pkg/runs"
)

// Results is everything Run measures; Claims and Figures read only this.
type Results struct {
	Config  Config      `json:"config"`
	Backend string      `json:"backend"`
	Split   SplitResult `json:"split"`
	Catch   CatchResult `json:"catch"`
	Seconds float64     `json:"seconds"`
}

// SplitResult is the Split-needle study (PROX-W1, W2, W4, S2).
type SplitResult struct {
	Horizons []int `json:"horizons"`
	Codes    int   `json:"codes"`
	// Classical distances between the environments, over every (node,
	// action) of a few family members per H: the largest reward difference
	// and whether any transition differs (total variation 0 or 1 for
	// deterministic transitions), for the plain and the shaped family.
	RewardGap       float64 `json:"reward_gap"`
	ShapedRewardGap float64 `json:"shaped_reward_gap"`
	TV              float64 `json:"tv"`
	// Random-order search until a leaf pays the top reward in every
	// environment: mean queries per H (m per leaf).
	MeanQueries []float64 `json:"mean_queries"`
	// Per-environment solutions (the better constant policy in each
	// environment, ties to all-0): how many are optimal in their own
	// environment, and for how many codes every solution loses in some
	// environment; the worst loss min_i (V_i − V_i*) among non-constant codes.
	Solutions        int        `json:"solutions"`
	OwnOptimal       int        `json:"own_optimal"`
	NonConstant      int        `json:"non_constant"`
	FailToGeneralize int        `json:"fail_to_generalize"`
	LossMin          runs.Float `json:"loss_min"` // smallest min_i (V_i − V_i*) over solutions of non-constant codes (+Inf: none)
	LossMax          runs.Float `json:"loss_max"` // largest (−Inf: none)
	// The consensus-lookahead agent (random ties).
	AgentSuccess     int       `json:"agent_success"`     // Split-needle, lookahead AgentL at AgentH
	ShapedSuccess    []int     `json:"shaped_success"`    // shaped Split-needle, lookahead 1, per H
	ShapedQueries    []float64 `json:"shaped_queries"`    // its mean queries per code, per H
	IdenticalSuccess []float64 `json:"identical_success"` // identical needle, lookahead AgentL, per IdenticalHs
	Table            Table     `json:"table"`
}

// Table is the cross-environment value table of one family member:
// Gap[p][i] = V_i(policy p) − V_i*.
type Table struct {
	H        int         `json:"h"`
	Code     uint64      `json:"code"`
	Policies []string    `json:"policies"`
	Gap      [][]float64 `json:"gap"`
}

// CatchResult is the Catch-m study (PROX-S1).
type CatchResult struct {
	Themes [][2]float64 `json:"themes"`
	// HeldOutTheme is a theme no environment has (reported: generalization to a new environment).
	HeldOutTheme [2]float64 `json:"held_out_theme"`
	Deltas       []float64  `json:"deltas"`
	Tuning       []Tuning   `json:"tuning"`
	LR           float64    `json:"lr"`
	Runs         []CatchRun `json:"runs"`
}

// Tuning is one learning rate's mean validation ratio over the second half
// of the rounds of the tuning run.
type Tuning struct {
	LR    float64 `json:"lr"`
	Score float64 `json:"score"`
}

// CatchRun is one consensus-learner run on Catch-m.
type CatchRun struct {
	M    int `json:"m"`
	Seed int `json:"seed"`
	// HeldOut is the final policy's test return ratio in the held-out theme.
	HeldOut float64 `json:"held_out"`
	rl.LearnerRun
}

// Run measures everything the claims and figures need.
func Run(cfg Config) (*Results, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	be, err := backend.Get()
	if err != nil {
		return nil, err
	}
	bar := progress.New(fmt.Sprintf("proximity %s: Split-needle, Catch-m", cfg.Preset), 1+(len(cfg.LRGrid)+1)*cfg.Learner.Rounds)
	e := &experiment{Study: rl.NewStudy(be, cfg.Seed, bar), cfg: cfg}
	res := &Results{Config: cfg, Backend: backend.Name()}
	if res.Split, err = e.split(); err != nil {
		return nil, err
	}
	e.Tick("Split-needle done")
	if res.Catch, err = e.catch(); err != nil {
		return nil, err
	}
	res.Seconds = e.Finish(backend.Name())
	return res, nil
}

// experiment is one run: the shared bookkeeping of an RL study (seed
// streams, backend, progress, evaluation sets) and the config.
type experiment struct {
	*rl.Study
	cfg Config
}

// codes draws the random codes σ of one horizon.
func (e *experiment) codes(h int) []uint64 {
	return rl.RandomCodes(e.Stream("codes", h), h, e.cfg.Codes)
}

// shaping is the shaped family's reward per step along σ: 1/(2H).
func shaping(h int) float64 { return 1 / float64(2*h) }

func (e *experiment) family(h int, code uint64, shaped, identical bool) ([]rl.SplitNeedle, error) {
	sh := 0.0
	if shaped {
		sh = shaping(h)
	}
	return rl.NewSplitNeedles(h, code, e.cfg.M, e.cfg.Eps, sh, identical)
}

func (e *experiment) split() (SplitResult, error) {
	cfg := e.cfg
	out := SplitResult{Horizons: cfg.Horizons, Codes: cfg.Codes, LossMin: runs.Float(math.Inf(1)), LossMax: runs.Float(math.Inf(-1))}
	order := rand.New(rand.NewPCG(e.Stream("order", 0), 0))
	ties := rl.TieRule{Name: "random", Seed: e.Stream("ties", 0)}
	// play runs the consensus-lookahead agent on one family member; an
	// episode that has left σ's path can no longer reach the leaf optimal in
	// every environment, so it is stopped there (a measurement shortcut).
	play := func(envs []rl.SplitNeedle, l, i int) (found bool, queries int64) {
		searches := make([]*rl.Search[rl.TreeState], len(envs))
		for j, env := range envs {
			searches[j] = rl.NewSearch[rl.TreeState](env, false, true)
		}
		rng := rand.New(rand.NewPCG(ties.Seed, uint64(i)))
		leaf := rl.PlayConsensus(searches, rl.TreeState{}, envs[0].H, l, ties, rng, func(s rl.TreeState) bool { return !envs[0].OnPath(s) })
		for _, sr := range searches {
			queries += sr.Queries.Generative
		}
		return leaf.T == envs[0].H && leaf.Path == envs[0].Code, queries
	}
	for hi, h := range cfg.Horizons {
		codes := e.codes(h)
		total := 0.0
		shapedFound, shapedQ := 0, 0.0
		for i, code := range codes {
			envs, err := e.family(h, code, false, false)
			if err != nil {
				return out, err
			}
			total += float64(rl.EnumerateSplit(envs, order))
			e.perEnvironment(&out, envs)
			if i < 3 {
				gap, tv := distances(envs)
				out.RewardGap, out.TV = math.Max(out.RewardGap, gap), math.Max(out.TV, tv)
				shaped, _ := e.family(h, code, true, false)
				sgap, stv := distances(shaped)
				out.ShapedRewardGap, out.TV = math.Max(out.ShapedRewardGap, sgap), math.Max(out.TV, stv)
			}
			shaped, _ := e.family(h, code, true, false)
			ok, q := play(shaped, 1, hi*cfg.Codes+i)
			if ok {
				shapedFound++
			}
			shapedQ += float64(q)
		}
		out.MeanQueries = append(out.MeanQueries, total/float64(len(codes)))
		out.ShapedSuccess = append(out.ShapedSuccess, shapedFound)
		out.ShapedQueries = append(out.ShapedQueries, shapedQ/float64(len(codes)))
	}
	for i, code := range e.codes(cfg.AgentH) {
		envs, err := e.family(cfg.AgentH, code, false, false)
		if err != nil {
			return out, err
		}
		if ok, _ := play(envs, cfg.AgentL, 1_000_000+i); ok {
			out.AgentSuccess++
		}
	}
	for _, h := range cfg.IdenticalHs {
		found := 0
		for i, code := range e.codes(h) {
			envs, err := e.family(h, code, false, true)
			if err != nil {
				return out, err
			}
			if ok, _ := play(envs, cfg.AgentL, 2_000_000+h*cfg.Codes+i); ok {
				found++
			}
		}
		out.IdenticalSuccess = append(out.IdenticalSuccess, float64(found)/float64(cfg.Codes))
	}
	code := e.codes(cfg.FactsH)[0]
	envs, err := e.family(cfg.FactsH, code, false, false)
	if err != nil {
		return out, err
	}
	out.Table = valueTable(envs)
	return out, nil
}

// optimum is V_i* by search over the whole tree (an oracle).
func optimum(env rl.SplitNeedle) float64 {
	return rl.NewSearch[rl.TreeState](env, false, true).Value(rl.TreeState{}, env.H, 0)
}

// constant is the code of the constant action sequence a, a, …, a.
func constant(h, a int) uint64 {
	if a == 0 {
		return 0
	}
	return 1<<uint(h) - 1
}

// perEnvironment solves every environment alone by its better constant
// policy (2H queries; ties to all-0) and scores each solution everywhere.
func (e *experiment) perEnvironment(out *SplitResult, envs []rl.SplitNeedle) {
	h := envs[0].H
	stars := make([]float64, len(envs))
	for i, env := range envs {
		stars[i] = optimum(env)
	}
	nonConstant := envs[0].Code != constant(h, 0) && envs[0].Code != constant(h, 1)
	if nonConstant {
		out.NonConstant++
	}
	every := true
	for i, env := range envs {
		sol := constant(h, 0)
		if env.Value(constant(h, 1)) > env.Value(constant(h, 0)) {
			sol = constant(h, 1)
		}
		out.Solutions++
		if env.Value(sol) >= stars[i]-1e-12 {
			out.OwnOptimal++
		}
		worst := math.Inf(1)
		for j, other := range envs {
			worst = math.Min(worst, other.Value(sol)-stars[j])
		}
		if nonConstant {
			out.LossMin, out.LossMax = runs.Float(math.Min(float64(out.LossMin), worst)), runs.Float(math.Max(float64(out.LossMax), worst))
		}
		every = every && worst < -1e-12
	}
	if nonConstant && every {
		out.FailToGeneralize++
	}
}

// distances are the classical metrics between the environments: the
// largest |r_i(s, a) − r_j(s, a)| and the largest total variation between
// their (deterministic) transitions, over every node and action.
func distances(envs []rl.SplitNeedle) (gap, tv float64) {
	h := envs[0].H
	for t := range h {
		for path := uint64(0); path < 1<<uint(t); path++ {
			s := rl.TreeState{T: t, Path: path}
			for a := range 2 {
				n0, r0 := envs[0].Step(s, a)
				for _, env := range envs[1:] {
					n, r := env.Step(s, a)
					gap = math.Max(gap, math.Abs(r-r0))
					if n != n0 {
						tv = 1
					}
				}
			}
		}
	}
	return gap, tv
}

// valueTable scores three policies in every environment: each
// environment's own solution and σ's path.
func valueTable(envs []rl.SplitNeedle) Table {
	h := envs[0].H
	t := Table{H: h, Code: envs[0].Code}
	policies := []uint64{}
	for i, env := range envs {
		sol := constant(h, 0)
		if env.Value(constant(h, 1)) > env.Value(constant(h, 0)) {
			sol = constant(h, 1)
		}
		policies = append(policies, sol)
		t.Policies = append(t.Policies, fmt.Sprintf("optimal for environment %d alone", i+1))
	}
	policies = append(policies, envs[0].Code)
	t.Policies = append(t.Policies, "σ's path")
	for _, p := range policies {
		var row []float64
		for _, env := range envs {
			row = append(row, env.Value(p)-optimum(env))
		}
		t.Gap = append(t.Gap, row)
	}
	return t
}

// themes draws the environments' observation themes zᵢ ~ U[−1, 1]² and
// reward scales δᵢ ~ U[0, CatchEps], from ThemeSeed.
func (e *experiment) themes(m int) ([][2]float64, []float64) {
	rng := rand.New(rand.NewPCG(uint64(e.cfg.ThemeSeed), 0))
	var zs [][2]float64
	var ds []float64
	for range m {
		zs = append(zs, [2]float64{2*rng.Float64() - 1, 2*rng.Float64() - 1})
		ds = append(ds, e.cfg.CatchEps*rng.Float64())
	}
	return zs, ds
}

// eval is Catch's held-out start set of one split at horizon h.
func (e *experiment) eval(split string, h int) rl.EvalSet[rl.CatchState] {
	return e.EvalSet(e.cfg.Catch, split+"-starts", e.cfg.EvalStarts, h)
}

// task is a consensus-learner task on Catch-m.
func (e *experiment) task(m, h, l int, seed uint64, zs [][2]float64, ds []float64) rl.Task[rl.CatchState] {
	g := e.cfg.Catch
	var envs []rl.MDP[rl.CatchState]
	for i := range m {
		envs = append(envs, rl.Scaled[rl.CatchState]{M: g, Scale: 1 + ds[i]})
	}
	return rl.Task[rl.CatchState]{
		Name: fmt.Sprintf("catch-%d H=%d L=%d", m, h, l), Env: g, Envs: envs,
		ObserveIn: func(i int, s rl.CatchState) []float64 {
			return append(g.Observe(s), zs[i][0], zs[i][1])
		},
		Start: func(r *rand.Rand) rl.CatchState { return g.Start(r) },
		H:     h, L: l, Seed: seed, Val: e.eval("val", h), Test: e.eval("test", h),
	}
}

func (e *experiment) catch() (CatchResult, error) {
	cfg := e.cfg
	maxM := cfg.Ms[len(cfg.Ms)-1]
	zs, ds := e.themes(max(maxM, cfg.ScalingM))
	out := CatchResult{Themes: zs, Deltas: ds}
	tune := []rl.Task[rl.CatchState]{e.task(cfg.ScalingM, cfg.CatchH, cfg.WindowL, e.Stream("tune", 0), zs, ds)}
	var err error
	out.LR, err = e.SelectLR(cfg.Learner, cfg.LRGrid, tune, func(lr float64, runs []rl.LearnerRun) float64 {
		late := runs[0].Rounds[len(runs[0].Rounds)/2:]
		score := 0.0
		for _, rd := range late {
			score += rd.Val / float64(len(late))
		}
		out.Tuning = append(out.Tuning, Tuning{LR: lr, Score: score})
		return score
	})
	if err != nil {
		return out, err
	}
	var tasks []rl.Task[rl.CatchState]
	var meta []CatchRun
	add := func(m, h, l, seed int) {
		tasks = append(tasks, e.task(m, h, l, e.Stream("learner", seed), zs, ds))
		meta = append(meta, CatchRun{M: m, Seed: seed})
	}
	for s := range cfg.Seeds {
		for _, m := range cfg.Ms {
			add(m, cfg.CatchH, cfg.WindowL, s)
			add(m, cfg.CatchH, cfg.ShortL, s)
		}
		for _, h := range cfg.ScalingHs {
			add(cfg.ScalingM, h, cfg.WindowL, s)
		}
	}
	runs, err := e.Learn(cfg.Learner, out.LR, tasks)
	if err != nil {
		return out, err
	}
	// Reported, not claimed: each final policy in a theme no environment had
	// (the next draw of the theme stream), with Catch's own rewards.
	held, _ := e.themes(len(zs) + 1)
	out.HeldOutTheme = held[len(held)-1]
	g := cfg.Catch
	for i, r := range runs {
		meta[i].LearnerRun = r
		z := out.HeldOutTheme
		meta[i].HeldOut = e.eval("test", r.H).Score(g, func(s rl.CatchState) []float64 { return append(g.Observe(s), z[0], z[1]) }, r.Policy, r.H)
	}
	out.Runs = meta
	return out, nil
}
