package epw

import (
	"fmt"
	"math"
	"math/rand/v2"

	"theorylab/pkg/backend"
	"theorylab/pkg/progress"
	"theorylab/pkg/rl"
)

// Results is everything Run measures; Claims and Figures read only this.
type Results struct {
	Config    Config          `json:"config"`
	Backend   string          `json:"backend"`
	Window    WindowResult    `json:"window"`
	Search    SearchResult    `json:"search"`
	Needle    NeedleResult    `json:"needle"`
	Learner   LearnerResult   `json:"learner"`
	Probe     ProbeResult     `json:"probe"`
	Reinforce ReinforceResult `json:"reinforce"`
	Seconds   float64         `json:"seconds"`
}

// WindowResult is the planning-window measurement (EPW-1).
type WindowResult struct {
	Estimate     int          `json:"estimate"`      // ⌈(1 − w)/v⌉ for Catch
	A            rl.EPWCurve  `json:"a"`             // Catch, first start set
	B            rl.EPWCurve  `json:"b"`             // Catch, second, independent start set
	Lazy         rl.EPWCurve  `json:"lazy"`          // Lazy Catch
	LazyEstimate int          `json:"lazy_estimate"` // ⌈(1 − w)/v⌉ for Lazy Catch
	Speeds       []SpeedCurve `json:"speeds,omitempty"`
}

// SpeedCurve is the window of Catch at another paddle speed.
type SpeedCurve struct {
	Speed    float64     `json:"speed"`
	Estimate int         `json:"estimate"`
	Curve    rl.EPWCurve `json:"curve"`
}

// SearchResult is the cost of planning Catch over the whole horizon (EPW-3).
type SearchResult struct {
	Horizons []int     `json:"horizons"`
	Starts   int       `json:"starts"`
	Tree     []float64 `json:"tree"`     // mean queries of the pruned tree search, per start
	Unpruned []float64 `json:"unpruned"` // Σ_{k≤H} 3^k: the tree without pruning
	Cached   []float64 `json:"cached"`   // mean queries of the state-cached search
}

// NeedleResult is the Needle-H study (EPW-4).
type NeedleResult struct {
	Horizons    []int     `json:"horizons"`
	Codes       int       `json:"codes"`
	MeanQueries []float64 `json:"mean_queries"` // random-order enumeration until σ pays
	// The measured window of the plain and of the shaped Needle, for a few codes per H.
	WindowHs      []int   `json:"window_hs"`
	Windows       [][]int `json:"windows"`
	ShapedWindows [][]int `json:"shaped_windows"`
	// The lookahead agent (ties broken at random) at AgentH.
	AgentH        int     `json:"agent_h"`
	AgentL        int     `json:"agent_l"`
	AgentSuccess  int     `json:"agent_success"`  // plain Needle, lookahead AgentL: codes found
	ShapedSuccess int     `json:"shaped_success"` // shaped Needle, lookahead 1: codes found
	ShapedQueries float64 `json:"shaped_queries"` // mean queries of the shaped run per code
	// Success rate against lookahead L (figure).
	Curves []NeedleCurve `json:"curves"`
}

// NeedleCurve is the agent's success rate against its lookahead at one H.
type NeedleCurve struct {
	H       int       `json:"h"`
	L       []int     `json:"l"`
	Success []float64 `json:"success"`
}

// LearnerResult is the lookahead-labelled learner (EPW-2, EPW-6).
type LearnerResult struct {
	CatchL int            `json:"catch_l"` // = the measured window of Catch
	LazyL  int            `json:"lazy_l"`  // = the measured window of Lazy Catch
	Tuning []Tuning       `json:"tuning"`
	LR     float64        `json:"lr"` // chosen from the grid
	Runs   []LearnerCurve `json:"runs"`
}

// Tuning is one learning rate's validation score: the mean validation
// return ratio over the second half of the rounds of the Catch and the Lazy
// Catch tuning runs, and the mean of the two (late rounds rather than the
// last one, so that a rate whose policy swings from round to round is not
// chosen on one lucky round).
type Tuning struct {
	LR       float64 `json:"lr"`
	CatchVal float64 `json:"catch_val"`
	LazyVal  float64 `json:"lazy_val"`
	Score    float64 `json:"score"`
}

// LearnerCurve is one learner run: a game ("catch" or "lazy"), a seed index, a curve.
type LearnerCurve struct {
	Game string `json:"game"`
	Seed int    `json:"seed"`
	rl.LearnerRun
}

// ProbeResult is the label-accuracy comparison (EPW-5).
type ProbeResult struct {
	L                 int          `json:"l"`
	Examples          []int        `json:"examples"`           // labelled learner states per seed
	Informative       []int        `json:"informative"`        // informative test states per seed
	RandomInformative []int        `json:"random_informative"` // informative random states per seed
	Models            []ProbeModel `json:"models"`
}

// ProbeModel is one policy class's scores.
type ProbeModel struct {
	Name   string      `json:"name"`
	Hidden []int       `json:"hidden"`
	Val    [][]float64 `json:"val"`    // [lr][seed] informative validation accuracy
	LR     float64     `json:"lr"`     // chosen: best mean validation accuracy
	Test   []float64   `json:"test"`   // [seed] informative test accuracy at LR
	Random []float64   `json:"random"` // [seed] informative accuracy on uniformly random states at LR
	Return [][]float64 `json:"return"` // [horizon][seed] Catch test return ratio at LR
}

// ReinforceResult is the model-free reference.
type ReinforceResult struct {
	Val  []float64         `json:"val"` // per LR of the grid: mean final validation ratio
	LR   float64           `json:"lr"`
	Runs []rl.ReinforceRun `json:"runs"` // at LR, one per horizon
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
	units := 3 + (len(cfg.LRGrid)+1)*cfg.Learner.Rounds + 2*len(cfg.LRGrid) + len(cfg.LRGrid)
	bar := progress.New(fmt.Sprintf("epw %s: windows, search, Needle, learner, probes, REINFORCE", cfg.Preset), units)
	e := &experiment{Study: rl.NewStudy(be, cfg.Seed, bar), cfg: cfg}
	res := &Results{Config: cfg, Backend: backend.Name()}
	res.Window = e.windows()
	e.Tick("windows measured")
	res.Search = e.search()
	e.Tick("tree search counted")
	res.Needle = e.needle()
	e.Tick("Needle done")
	if res.Learner, err = e.learn(res.Window); err != nil {
		return nil, err
	}
	if res.Probe, err = e.probe(res.Learner); err != nil {
		return nil, err
	}
	if res.Reinforce, err = e.reinforce(); err != nil {
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

func (e *experiment) game(name string) rl.Catch {
	if name == "lazy" {
		return e.cfg.Lazy
	}
	return e.cfg.Catch
}

// eval is the held-out start set of a game for one split and horizon (the
// same starts at every horizon; the optimum depends on H).
func (e *experiment) eval(game, split string, h int) rl.EvalSet[rl.CatchState] {
	return e.EvalSet(e.game(game), split+"-starts-"+game, e.cfg.EvalStarts, h)
}

func (e *experiment) windows() WindowResult {
	cfg := e.cfg
	rules := rl.TieRules(3, cfg.RandomRules, e.Stream("tie-rules", 0))
	measure := func(g rl.Catch, purpose string) rl.EPWCurve {
		return rl.MeasureEPW[rl.CatchState](g, g.Starts(cfg.WindowStarts, e.Stream(purpose, 0)), cfg.WindowH, cfg.WindowMax, rules)
	}
	w := WindowResult{
		Estimate: cfg.Catch.WindowEstimate(), LazyEstimate: cfg.Lazy.WindowEstimate(),
		A: measure(cfg.Catch, "window-a"), B: measure(cfg.Catch, "window-b"), Lazy: measure(cfg.Lazy, "window-lazy"),
	}
	for _, v := range cfg.ExtraSpeeds {
		g := cfg.Catch
		g.Speed = v
		w.Speeds = append(w.Speeds, SpeedCurve{Speed: v, Estimate: g.WindowEstimate(), Curve: measure(g, "window-a")})
	}
	return w
}

// search counts the queries of planning Catch over the whole horizon from
// start states: a pruned tree search, and a state-cached one.
func (e *experiment) search() SearchResult {
	cfg := e.cfg
	starts := cfg.Catch.Starts(cfg.SearchStarts, e.Stream("search-starts", 0))
	out := SearchResult{Horizons: cfg.SearchHorizons, Starts: len(starts)}
	for _, h := range cfg.SearchHorizons {
		var tree, cached float64
		for _, s := range starts {
			t := rl.NewSearch[rl.CatchState](cfg.Catch, false, true)
			t.Value(s, h, 0)
			tree += float64(t.Queries.Generative)
			c := rl.NewSearch[rl.CatchState](cfg.Catch, true, true)
			c.Value(s, h, 0)
			cached += float64(c.Queries.Generative)
		}
		n := float64(len(starts))
		out.Tree = append(out.Tree, tree/n)
		out.Cached = append(out.Cached, cached/n)
		out.Unpruned = append(out.Unpruned, rl.TreeQueries(3, h))
	}
	return out
}

// needle runs the Needle-H study: enumeration cost, windows, the lookahead
// agent and its shaped control.
func (e *experiment) needle() NeedleResult {
	cfg := e.cfg
	out := NeedleResult{Horizons: cfg.NeedleHorizons, Codes: cfg.NeedleCodes, AgentH: cfg.NeedleAgentH, AgentL: cfg.NeedleAgentL}
	codes := func(h, n int) []uint64 { return rl.RandomCodes(e.Stream("needle-codes", h), h, n) }
	must := func(h int, code uint64, shaping float64) rl.Needle {
		n, err := rl.NewNeedle(h, code, shaping)
		if err != nil {
			panic(err) // Validate bounds H; codes have H bits
		}
		return n
	}
	order := rand.New(rand.NewPCG(e.Stream("needle-order", 0), 0))
	for _, h := range cfg.NeedleHorizons {
		total := 0.0
		for _, code := range codes(h, cfg.NeedleCodes) {
			total += float64(must(h, code, 0).Enumerate(order))
		}
		out.MeanQueries = append(out.MeanQueries, total/float64(cfg.NeedleCodes))
	}
	for h := 2; h <= cfg.NeedleWindowH; h += 2 {
		var plain, shaped []int
		for _, code := range codes(h, cfg.NeedleWindowsN) {
			n := must(h, code, 0)
			plain = append(plain, rl.MeasureEPW[rl.NeedleState](n, []rl.NeedleState{n.Start()}, h, h, nil).Window)
			s := must(h, code, shaping(h))
			shaped = append(shaped, rl.MeasureEPW[rl.NeedleState](s, []rl.NeedleState{s.Start()}, h, h, nil).Window)
		}
		out.WindowHs = append(out.WindowHs, h)
		out.Windows = append(out.Windows, plain)
		out.ShapedWindows = append(out.ShapedWindows, shaped)
	}
	ties := rl.TieRule{Name: "random", Seed: e.Stream("needle-ties", 0)}
	// success is the fraction of codes for which L-lookahead play (random
	// ties) reaches σ. An episode that has left σ's path cannot pay any
	// more, so it is stopped there (a shortcut of the measurement only).
	success := func(h, l int, shaped bool) (found int, queries float64) {
		for i, code := range codes(h, cfg.NeedleCodes) {
			sh := 0.0
			if shaped {
				sh = shaping(h)
			}
			n := must(h, code, sh)
			sr := rl.NewSearch[rl.NeedleState](n, false, true)
			rng := rand.New(rand.NewPCG(ties.Seed, uint64(i)))
			total := rl.PlayLookahead(sr, n.Start(), h, l, ties, rng, func(s rl.NeedleState) bool { return !n.OnPath(s) })
			// σ's leaf pays 1; nothing else pays more than the shaping.
			if total >= 1-rl.Tol {
				found++
			}
			queries += float64(sr.Queries.Generative)
		}
		return found, queries / float64(cfg.NeedleCodes)
	}
	out.AgentSuccess, _ = success(cfg.NeedleAgentH, cfg.NeedleAgentL, false)
	out.ShapedSuccess, out.ShapedQueries = success(cfg.NeedleAgentH, 1, true)
	for _, h := range cfg.NeedleCurveHs {
		c := NeedleCurve{H: h}
		for l := 1; l <= h; l++ {
			found, _ := success(h, l, false)
			c.L = append(c.L, l)
			c.Success = append(c.Success, float64(found)/float64(cfg.NeedleCodes))
		}
		out.Curves = append(out.Curves, c)
	}
	return out
}

// shaping is the shaped Needle's reward per step along σ: 1/(2H), so that
// the whole path adds ½ to the final bump.
func shaping(h int) float64 { return 1 / float64(2*h) }

// task builds one learner task on a game.
func (e *experiment) task(game string, h, l int, seed uint64, name string) rl.Task[rl.CatchState] {
	g := e.game(game)
	return rl.Task[rl.CatchState]{
		Name: name, Env: g, Observe: g.Observe, Start: func(r *rand.Rand) rl.CatchState { return g.Start(r) },
		H: h, L: l, Seed: seed, Val: e.eval(game, "val", h), Test: e.eval(game, "test", h),
	}
}

// learn chooses the learning rate on the validation scores of two tuning
// runs (Catch and Lazy Catch at SweepH with L = W, seeds of their own, the
// full budget), then runs every learner setting with it.
func (e *experiment) learn(w WindowResult) (LearnerResult, error) {
	cfg := e.cfg
	out := LearnerResult{CatchL: window(w.A, cfg.WindowMax), LazyL: window(w.Lazy, cfg.WindowMax)}
	tune := []rl.Task[rl.CatchState]{
		e.task("catch", cfg.SweepH, out.CatchL, e.Stream("tune", 0), "tune catch"),
		e.task("lazy", cfg.SweepH, out.LazyL, e.Stream("tune", 1), "tune lazy"),
	}
	var err error
	out.LR, err = e.SelectLR(cfg.Learner, cfg.LRGrid, tune, func(lr float64, runs []rl.LearnerRun) float64 {
		t := Tuning{LR: lr, CatchVal: lateVal(runs[0]), LazyVal: lateVal(runs[1])}
		t.Score = (t.CatchVal + t.LazyVal) / 2
		out.Tuning = append(out.Tuning, t)
		return t.Score
	})
	if err != nil {
		return out, err
	}
	var tasks []rl.Task[rl.CatchState]
	var meta []LearnerCurve
	add := func(game string, h, l, seed int) {
		tasks = append(tasks, e.task(game, h, l, e.Stream("learner-"+game, seed), fmt.Sprintf("%s H=%d L=%d seed %d", game, h, l, seed)))
		meta = append(meta, LearnerCurve{Game: game, Seed: seed})
	}
	for s := range cfg.Seeds {
		for _, h := range cfg.Horizons {
			add("catch", h, out.CatchL, s)
		}
		for _, l := range cfg.CatchSweep {
			if l < out.CatchL {
				add("catch", cfg.SweepH, l, s)
			}
		}
		if !contains(cfg.Horizons, cfg.SweepH) {
			add("catch", cfg.SweepH, out.CatchL, s)
		}
		for _, l := range cfg.LazySweep {
			if l < out.LazyL {
				add("lazy", cfg.SweepH, l, s)
			}
		}
		add("lazy", cfg.SweepH, out.LazyL, s)
	}
	runs, err := e.Learn(cfg.Learner, out.LR, tasks)
	if err != nil {
		return out, err
	}
	for i, r := range runs {
		meta[i].LearnerRun = r
	}
	out.Runs = meta
	return out, nil
}

// window is the measured window, or wmax when none was found (the claims
// then fail on their own).
func window(c rl.EPWCurve, wmax int) int {
	if c.Window == 0 {
		return wmax
	}
	return c.Window
}

// lateVal is the mean validation ratio over the second half of the rounds.
func lateVal(r rl.LearnerRun) float64 {
	late := r.Rounds[len(r.Rounds)/2:]
	total := 0.0
	for _, rd := range late {
		total += rd.Val
	}
	return total / float64(len(late))
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// probe trains an MLP and a linear-softmax policy on the same labels — the
// states each seed's Catch learner labelled (at SweepH, L = W) — each with
// every learning rate of the grid and the same budget; each class keeps the
// rate with the best mean validation accuracy on informative states (label
// set smaller than A) and is scored on the test split, and on uniformly
// random Catch states labelled the same way.
func (e *experiment) probe(l LearnerResult) (ProbeResult, error) {
	cfg := e.cfg
	g := cfg.Catch
	out := ProbeResult{L: l.CatchL}
	var train, val, test, random []*rl.Dataset
	var seeds []uint64
	for s := range cfg.Seeds {
		run, ok := l.find("catch", cfg.SweepH, l.CatchL, s)
		if !ok || run.Data == nil {
			return out, fmt.Errorf("epw: no learner data for seed %d", s)
		}
		d := run.Data
		perm := rand.New(rand.NewPCG(e.Stream("probe-split", s), 0)).Perm(d.Len())
		nTrain := int(cfg.ProbeTrain * float64(d.Len()))
		nVal := int(cfg.ProbeVal * float64(d.Len()))
		parts := [3]*rl.Dataset{{Dim: d.Dim, K: d.K}, {Dim: d.Dim, K: d.K}, {Dim: d.Dim, K: d.K}}
		for i, j := range perm {
			part := 0
			if i >= nTrain {
				part = 1
			}
			if i >= nTrain+nVal {
				part = 2
			}
			parts[part].X = append(parts[part].X, d.X[j*d.Dim:(j+1)*d.Dim]...)
			parts[part].Mask = append(parts[part].Mask, d.Mask[j*d.K:(j+1)*d.K]...)
		}
		rnd := &rl.Dataset{Dim: d.Dim, K: d.K}
		sr := rl.NewSearch[rl.CatchState](g, false, true)
		for _, st := range g.Starts(cfg.ProbeStates, e.Stream("probe-states", s)) {
			rnd.Add(g.Observe(st), rl.ArgmaxSet(sr.QValues(st, l.CatchL, 0)))
		}
		train, val, test, random = append(train, parts[0]), append(val, parts[1]), append(test, parts[2]), append(random, rnd)
		out.Examples = append(out.Examples, d.Len())
		out.Informative = append(out.Informative, parts[2].Informative())
		out.RandomInformative = append(out.RandomInformative, rnd.Informative())
		seeds = append(seeds, e.Stream("probe-net", s))
	}
	for _, m := range []struct {
		name   string
		hidden []int
	}{{"mlp", cfg.Learner.Hidden}, {"linear", nil}} {
		pm := ProbeModel{Name: m.name, Hidden: m.hidden}
		best := math.Inf(-1)
		var chosen []*rl.Policy
		for _, lr := range cfg.LRGrid {
			pols, _, err := rl.Fit(e.Backend, m.hidden, lr, cfg.ProbeSteps, cfg.Learner.Batch, seeds, train)
			if err != nil {
				return out, err
			}
			accs := make([]float64, len(pols))
			mean := 0.0
			for i, p := range pols {
				accs[i] = p.Accuracy(val[i], true)
				mean += accs[i] / float64(len(pols))
			}
			pm.Val = append(pm.Val, accs)
			if mean > best {
				best, pm.LR, chosen = mean, lr, pols
			}
			e.Tick(fmt.Sprintf("probe %s lr=%g", m.name, lr))
		}
		for i, p := range chosen {
			pm.Test = append(pm.Test, p.Accuracy(test[i], true))
			pm.Random = append(pm.Random, p.Accuracy(random[i], true))
		}
		for _, h := range cfg.Horizons {
			ev := e.eval("catch", "test", h)
			var row []float64
			for _, p := range chosen {
				row = append(row, ev.Score(g, g.Observe, p, h))
			}
			pm.Return = append(pm.Return, row)
		}
		out.Models = append(out.Models, pm)
	}
	return out, nil
}

// reinforce trains the model-free reference at every horizon with each rate
// of the grid and keeps the rate with the best mean final validation ratio.
func (e *experiment) reinforce() (ReinforceResult, error) {
	cfg := e.cfg
	var out ReinforceResult
	var tasks []rl.Task[rl.CatchState]
	for _, h := range cfg.ReinforceHorizons {
		tasks = append(tasks, e.task("catch", h, 1, e.Stream("reinforce", h), fmt.Sprintf("reinforce H=%d", h)))
	}
	best := math.Inf(-1)
	for _, lr := range cfg.LRGrid {
		rc := cfg.Reinforce
		rc.LR = lr
		runs, err := rl.Reinforce(e.Backend, rc, tasks, nil)
		if err != nil {
			return out, err
		}
		mean := 0.0
		for _, r := range runs {
			mean += r.Curve[len(r.Curve)-1].Val / float64(len(runs))
		}
		out.Val = append(out.Val, mean)
		if mean > best {
			best, out.LR, out.Runs = mean, lr, runs
		}
		e.Tick(fmt.Sprintf("REINFORCE lr=%g", lr))
	}
	return out, nil
}

// find returns the learner run of a game at (H, L, seed).
func (l LearnerResult) find(game string, h, lk, seed int) (LearnerCurve, bool) {
	for _, r := range l.Runs {
		if r.Game == game && r.H == h && r.L == lk && r.Seed == seed {
			return r, true
		}
	}
	return LearnerCurve{}, false
}
