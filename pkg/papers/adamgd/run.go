package adamgd

import (
	"fmt"
	"hash/fnv"
	"math"
	"runtime"
	"sync"
	"time"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/patchcnn"
	"theorylab/pkg/backend"
	"theorylab/pkg/optim"
	"theorylab/pkg/patchdata"
	"theorylab/pkg/progress"
	"theorylab/pkg/runs"
)

// The data variants a setting trains on.
const (
	DataReal         = "real"          // the data model
	DataNull         = "null"          // the same data with the feature patch zeroed (our null)
	DataFeatureNoise = "feature-noise" // one noise patch replaced by −α·y·e₁ (our variant; full preset)
)

// Setting is one training recipe — data variant, optimizer, step size, λ —
// trained from the same start on every data seed.
type Setting struct {
	Data   string       `json:"data"`
	Method optim.Method `json:"method"`
	Eps    float64      `json:"eps,omitempty"` // Adam's ε
	LR     float64      `json:"lr"`
	Lambda float64      `json:"lambda"`
	// Tracked settings also log the test error during training and keep their curves.
	Tracked bool `json:"tracked,omitempty"`
}

// Label names the setting, e.g. "Adam η=0.01 λ=0.001".
func (s Setting) Label() string {
	name := map[optim.Method]string{optim.GD: "GD", optim.Adam: "Adam", optim.SignGD: "sign-GD"}[s.Method]
	if s.Method == optim.Adam && s.Eps >= 1e-6 {
		name += fmt.Sprintf(" ε=%g", s.Eps)
	}
	out := fmt.Sprintf("%s η=%g λ=%g", name, s.LR, s.Lambda)
	if s.Data != DataReal {
		out += " (" + s.Data + ")"
	}
	return out
}

// Curve is a tracked run measured every LogEvery steps (Results.LogSteps).
type Curve struct {
	Loss     runs.Series `json:"loss"`      // the training objective L(W), with the ℓ2 term
	TrainErr runs.Series `json:"train_err"` // training error
	TestErr  runs.Series `json:"test_err"`  // test error
	Gamma    runs.Series `json:"gamma"`     // γ = max_j γ_j, feature learning
	Rho      runs.Series `json:"rho"`       // ρ = mean over training examples of max ⟨w_{yᵢ,r}, ξᵢ⟩, noise memorisation
}

// RunResult is one setting on one data seed, measured at the end of training.
type RunResult struct {
	Setting
	K        int    `json:"k"`         // index of the data seed in the run, 0 … Seeds−1
	DataSeed uint64 `json:"data_seed"` // the data seed itself
	// InitHash is a hash of the exact bits of the weights the optimizer
	// started from: equal for every setting of one data seed (same start).
	InitHash uint64 `json:"init_hash"`
	// Diverged is the first step whose loss was not finite (−1: never).
	Diverged int `json:"diverged"`

	InitLoss runs.Float `json:"init_loss"` // training objective at the start
	Loss     runs.Float `json:"loss"`      // final training objective, ℓ2 term included
	GradNorm runs.Float `json:"grad_norm"` // ‖∇L(W)‖ at the end
	TrainErr runs.Float `json:"train_err"`
	ValErr   runs.Float `json:"val_err"`
	ValLoss  runs.Float `json:"val_loss"` // validation logistic loss, ties in ValErr broken by it
	TestErr  runs.Float `json:"test_err"`
	Gamma    runs.Float `json:"gamma"`
	Rho      runs.Float `json:"rho"`
	RhoMax   runs.Float `json:"rho_max"` // max over training examples of ρᵢ
	Curve    *Curve     `json:"curve,omitempty"`
}

// Results is everything Run measures; Claims and Figures read only this.
type Results struct {
	Config   Config      `json:"config"`
	Backend  string      `json:"backend"`
	Params   int         `json:"params"`    // weights per network, 2·m·d
	LogSteps []int       `json:"log_steps"` // the steps at which curves are measured
	Settings []Setting   `json:"settings"`
	Runs     []RunResult `json:"runs"` // every setting on every data seed, setting-major
	// Tuned is each optimizer's validation choice on every data seed.
	Tuned  []Tuned        `json:"tuned"`
	Convex *ConvexResults `json:"convex"`
	// Seconds is the wall time of Run.
	Seconds float64 `json:"seconds"`
}

// Tuned is the (η, λ) that minimised an optimizer's validation error on one
// data seed, over the shared grid (ties: lower validation loss).
type Tuned struct {
	Method  optim.Method `json:"method"`
	K       int          `json:"k"`
	LR      float64      `json:"lr"`
	Lambda  float64      `json:"lambda"`
	ValErr  runs.Float   `json:"val_err"`
	TestErr runs.Float   `json:"test_err"`
	// Diverged counts the grid points of this optimizer that diverged on this
	// seed; Untrained those whose training objective ended above its start.
	// Both are excluded from the choice.
	Diverged  int `json:"diverged"`
	Untrained int `json:"untrained"`
}

// Settings lists every setting of the config, in the order of Results.Settings:
// the grid (GD, then Adam), the controls, then the nulls and variants.
func (c Config) Settings() []Setting {
	var out []Setting
	lambdas := append(append([]float64{}, c.LambdaGrid...), c.LambdaSweep...)
	for _, m := range []optim.Method{optim.GD, optim.Adam} {
		eps := 0.0
		if m == optim.Adam {
			eps = c.Eps
		}
		main := c.GDLR
		if m == optim.Adam {
			main = c.AdamLR
		}
		for _, lam := range lambdas {
			for _, lr := range c.LRGrid {
				inGrid := isIn(c.LambdaGrid, lam)
				if !inGrid && lr != main { // the λ sweep runs only at the paper's step size
					continue
				}
				out = append(out, Setting{Data: DataReal, Method: m, Eps: eps, LR: lr, Lambda: lam,
					Tracked: lr == main && lam == c.Lambda})
			}
		}
	}
	for _, e := range c.EpsControls {
		out = append(out, Setting{Data: DataReal, Method: optim.Adam, Eps: e, LR: c.AdamLR, Lambda: c.Lambda, Tracked: true})
	}
	if c.SignGD {
		out = append(out, Setting{Data: DataReal, Method: optim.SignGD, LR: c.AdamLR, Lambda: c.Lambda, Tracked: true})
	}
	variants := []string{DataNull}
	if c.FeatureNoise > 0 {
		variants = append(variants, DataFeatureNoise)
	}
	for _, v := range variants {
		out = append(out,
			Setting{Data: v, Method: optim.GD, LR: c.GDLR, Lambda: c.Lambda, Tracked: true},
			Setting{Data: v, Method: optim.Adam, Eps: c.Eps, LR: c.AdamLR, Lambda: c.Lambda, Tracked: true})
	}
	return out
}

func isIn(xs []float64, v float64) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}

// seedData is the data of one data seed, in every variant.
type seedData struct {
	train, val, test map[string]*patchdata.Set
	init             []float64 // the initial weights [2, m, d], shared by every setting
}

// makeData draws the sets of data seed i: training, validation and test sets
// from their own streams, the null (feature zeroed) of each, and the
// feature-noise variant when the config has one.
func makeData(c Config, i uint64) (*seedData, error) {
	sd := &seedData{train: map[string]*patchdata.Set{}, val: map[string]*patchdata.Set{}, test: map[string]*patchdata.Set{}}
	for _, s := range []struct {
		n      int
		stream uint64
		into   map[string]*patchdata.Set
	}{{c.N, StreamTrain, sd.train}, {c.NVal, StreamVal, sd.val}, {c.NTest, StreamTest, sd.test}} {
		set, err := patchdata.Generate(c.Data, s.n, i, s.stream)
		if err != nil {
			return nil, err
		}
		s.into[DataReal] = set
		s.into[DataNull] = set.WithoutFeature()
		if c.FeatureNoise > 0 {
			fc := c.Data
			fc.FeatureNoise = c.FeatureNoise
			if s.into[DataFeatureNoise], err = patchdata.Generate(fc, s.n, i, s.stream); err != nil {
				return nil, err
			}
		}
	}
	sd.init = c.Model().Init(i, StreamInit)
	return sd, nil
}

// block is the settings that share a data variant and an update rule: they
// train in one graph, weights [G = Seeds, C = len(settings), 2, m, d].
type block struct {
	data     string
	rule     optim.Rule
	settings []int // indices into Results.Settings
	tr       *optim.Trainer
	state    *optim.State
	lr       *tensors.Tensor // [G, C]
	final    *Exec           // W ↦ (L(W), ‖∇L(W)‖), per run
}

// experiment is Run's working state.
type experiment struct {
	cfg    Config
	model  patchcnn.Config
	res    *Results
	data   []*seedData
	blocks []*block
}

// Run trains every setting on every data seed (all from the same start per
// seed), measures feature learning, noise memorisation and errors along the
// way, chooses each optimizer's step size and λ on the validation sets, and
// runs the convex control. Diverged runs are kept and reported (their
// measurements are NaN), never dropped.
func Run(cfg Config) (*Results, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	be, err := backend.Get()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	e := &experiment{cfg: cfg, model: cfg.Model()}
	e.res = &Results{Config: cfg, Backend: backend.Name(), Params: e.model.NumParams(), Settings: cfg.Settings()}
	for t := 0; t <= cfg.Steps; t += cfg.LogEvery {
		e.res.LogSteps = append(e.res.LogSteps, t)
	}
	for k := range cfg.Seeds {
		sd, err := makeData(cfg, cfg.DataSeed(k))
		if err != nil {
			return nil, err
		}
		e.data = append(e.data, sd)
	}
	if err := e.build(be); err != nil {
		return nil, err
	}
	defer e.finalize()
	if err := e.train(); err != nil {
		return nil, err
	}
	e.res.Tuned = tune(e.res)
	if e.res.Convex, err = RunConvex(cfg); err != nil {
		return nil, err
	}
	e.res.Seconds = time.Since(start).Seconds()
	return e.res, nil
}

// rule is the update rule of a setting.
func (c Config) rule(s Setting) optim.Rule {
	if s.Method == optim.Adam {
		return optim.Rule{Method: optim.Adam, Beta1: c.Beta1, Beta2: c.Beta2, Eps: s.Eps}
	}
	return optim.Rule{Method: s.Method}
}

// build groups the settings into blocks and compiles their graphs.
func (e *experiment) build(be compute.Backend) error {
	cfg := e.cfg
	G := cfg.Seeds
	for i, s := range e.res.Settings {
		var b *block
		for _, cand := range e.blocks {
			if cand.data == s.Data && cand.rule == cfg.rule(s) {
				b = cand
			}
		}
		if b == nil {
			b = &block{data: s.Data, rule: cfg.rule(s)}
			e.blocks = append(e.blocks, b)
		}
		b.settings = append(b.settings, i)
	}
	P, d, n := cfg.Data.Patches, cfg.Data.D, cfg.N
	for _, b := range e.blocks {
		C := len(b.settings)
		var xs, ys, ws, lrs, lams []float64
		for k := range G {
			set := e.data[k].train[b.data]
			xs = append(xs, set.Dense()...)
			ys = append(ys, set.Y...)
			for _, si := range b.settings {
				ws = append(ws, e.data[k].init...)
				lrs = append(lrs, e.res.Settings[si].LR)
				lams = append(lams, e.res.Settings[si].Lambda)
			}
		}
		x := tensors.FromFlatDataAndDimensions(xs, G, n, P, d) // [G, n, P, d]
		y := tensors.FromFlatDataAndDimensions(ys, G, n)       // [G, n]
		lam := tensors.FromFlatDataAndDimensions(lams, G, C)   // [G, C]
		b.lr = tensors.FromFlatDataAndDimensions(lrs, G, C)    // [G, C]
		model := e.model
		// L(W) = (1/n) Σᵢ log(1 + exp(−yᵢ f(W, xᵢ))) + (λ/2)‖W‖²_F, per run: [G, C].
		loss := func(p []*Node) *Node {
			g := p[0].Graph()
			return model.Objective(p[0], Const(g, x), Const(g, y), Const(g, lam))
		}
		var err error
		if b.tr, err = optim.NewTrainer(be, b.rule, loss, 1, cfg.Unroll); err != nil {
			return err
		}
		w0 := tensors.FromFlatDataAndDimensions(ws, G, C, 2, cfg.Filters, d) // [G, C, 2, m, d]
		if b.state, err = b.tr.NewState([]*tensors.Tensor{w0}); err != nil {
			return err
		}
		if b.final, err = NewExec(be, func(w *Node) []*Node {
			l := loss([]*Node{w})
			grad := Gradient(ReduceAllSum(l), w)[0]
			return []*Node{l, Sqrt(ReduceSum(Square(grad), 2, 3, 4))}
		}); err != nil {
			return err
		}
	}
	// Every setting on every seed, setting-major.
	for _, s := range e.res.Settings {
		for k := range G {
			r := RunResult{Setting: s, K: k, DataSeed: cfg.DataSeed(k), Diverged: -1}
			if s.Tracked {
				r.Curve = &Curve{}
			}
			e.res.Runs = append(e.res.Runs, r)
		}
	}
	return nil
}

func (e *experiment) finalize() {
	for _, b := range e.blocks {
		if b.tr != nil {
			b.tr.Finalize()
		}
		if b.final != nil {
			b.final.Finalize()
		}
	}
}

// run returns the result of setting si on seed k.
func (e *experiment) run(si, k int) *RunResult { return &e.res.Runs[si*e.cfg.Seeds+k] }

// weights copies a block's weights to the host: w[(g·C + c)·p : …] is run (g, c).
func (b *block) weights() ([]float64, error) {
	return tensors.CopyFlatData[float64](b.state.Params[0])
}

// train runs all blocks LogEvery steps at a time and measures in between.
func (e *experiment) train() error {
	cfg := e.cfg
	bar := progress.New(fmt.Sprintf("adamgd %s: %d settings × %d seeds × %d steps", cfg.Preset, len(e.res.Settings), cfg.Seeds, cfg.Steps), cfg.Steps)
	started := time.Now()
	for _, b := range e.blocks {
		w, err := b.weights()
		if err != nil {
			return err
		}
		p := e.model.NumParams()
		for k := range cfg.Seeds {
			for c, si := range b.settings {
				e.run(si, k).InitHash = hashBits(w[(k*len(b.settings)+c)*p : (k*len(b.settings)+c+1)*p])
			}
		}
	}
	for t := 0; ; t += cfg.LogEvery {
		final := t == cfg.Steps
		for _, b := range e.blocks {
			if err := e.measure(b, t, final); err != nil {
				return err
			}
		}
		if final {
			break
		}
		for _, b := range e.blocks {
			for u := 0; u < cfg.LogEvery; u += cfg.Unroll {
				losses, err := b.tr.Steps(b.state, b.lr)
				if err != nil {
					return err
				}
				e.recordLosses(b, t+u, losses)
			}
		}
		bar.Update(t+cfg.LogEvery, e.status())
	}
	bar.Done(fmt.Sprintf("done in %.1fs on %s;%s", time.Since(started).Seconds(), backend.Name(), e.status()))
	return nil
}

// recordLosses notes divergence and keeps the objective at logged steps.
func (e *experiment) recordLosses(b *block, step int, losses [][]float64) {
	C := len(b.settings)
	for u, row := range losses {
		for idx, l := range row {
			k, c := idx/C, idx%C
			r := e.run(b.settings[c], k)
			if step+u == 0 {
				r.InitLoss = runs.Float(l)
			}
			if r.Diverged < 0 && (math.IsNaN(l) || math.IsInf(l, 0)) {
				r.Diverged = step + u
			}
			if r.Curve != nil && (step+u)%e.cfg.LogEvery == 0 {
				r.Curve.Loss = append(r.Curve.Loss, l)
			}
		}
	}
}

// measure records γ, ρ and the errors of every run of block b at step t;
// at the end also the final objective, gradient norm and the validation
// and test performance.
func (e *experiment) measure(b *block, t int, final bool) error {
	w, err := b.weights()
	if err != nil {
		return err
	}
	C, p := len(b.settings), e.model.NumParams()
	var objective, gradNorm []float64
	if final {
		outs, err := b.final.Call(b.state.Params[0])
		if err != nil {
			return err
		}
		objective = tensors.MustCopyFlatData[float64](outs[0])
		gradNorm = tensors.MustCopyFlatData[float64](outs[1])
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for idx := range jobs {
				k, c := idx/C, idx%C
				e.measureRun(e.run(b.settings[c], k), b.data, w[idx*p:(idx+1)*p], t, final, objective, gradNorm, idx)
			}
		}()
	}
	for idx := range e.cfg.Seeds * C {
		jobs <- idx
	}
	close(jobs)
	wg.Wait()
	return nil
}

func (e *experiment) measureRun(r *RunResult, data string, w []float64, t int, final bool, objective, gradNorm []float64, idx int) {
	sd := e.data[r.K]
	train := sd.train[data]
	_, trainErr := e.model.Eval(w, train)
	gamma := e.model.Feature(w)
	rho, rhoMax := e.model.NoiseMemorization(w, train)
	if r.Curve != nil {
		_, testErr := e.model.Eval(w, sd.test[data])
		r.Curve.TrainErr = append(r.Curve.TrainErr, trainErr)
		r.Curve.TestErr = append(r.Curve.TestErr, testErr)
		r.Curve.Gamma = append(r.Curve.Gamma, gamma)
		r.Curve.Rho = append(r.Curve.Rho, rho)
		if final {
			r.Curve.Loss = append(r.Curve.Loss, objective[idx])
		}
	}
	if !final {
		return
	}
	valLoss, valErr := e.model.Eval(w, sd.val[data])
	_, testErr := e.model.Eval(w, sd.test[data])
	r.Loss, r.GradNorm = runs.Float(objective[idx]), runs.Float(gradNorm[idx])
	r.TrainErr, r.ValErr, r.ValLoss, r.TestErr = runs.Float(trainErr), runs.Float(valErr), runs.Float(valLoss), runs.Float(testErr)
	r.Gamma, r.Rho, r.RhoMax = runs.Float(gamma), runs.Float(rho), runs.Float(rhoMax)
	if r.Diverged >= 0 || math.IsNaN(objective[idx]) {
		nan := runs.Float(math.NaN())
		r.TrainErr, r.ValErr, r.ValLoss, r.TestErr, r.Gamma, r.Rho, r.RhoMax = nan, nan, nan, nan, nan, nan, nan
	}
}

// status is the progress line: test error of GD and Adam at the paper's
// settings, first seed.
func (e *experiment) status() string {
	s := ""
	for si, st := range e.res.Settings {
		if !st.Tracked || st.Data != DataReal || st.Method == optim.SignGD || st.Method == optim.Adam && st.Eps != e.cfg.Eps {
			continue
		}
		r := e.run(si, 0)
		if n := len(r.Curve.TestErr); n > 0 {
			s += fmt.Sprintf(" %s: test err %.2f γ=%.2f ρ=%.2f", map[optim.Method]string{optim.GD: "GD", optim.Adam: "Adam"}[st.Method],
				r.Curve.TestErr[n-1], r.Curve.Gamma[n-1], r.Curve.Rho[n-1])
		}
	}
	return s
}

// hashBits is FNV-1a over the IEEE-754 bits of w.
func hashBits(w []float64) uint64 {
	h := fnv.New64a()
	var buf [8]byte
	for _, v := range w {
		b := math.Float64bits(v)
		for i := range buf {
			buf[i] = byte(b >> (8 * i))
		}
		h.Write(buf[:])
	}
	return h.Sum64()
}

// tune picks, for GD and for Adam (ε = Eps) on every data seed, the grid
// point (η ∈ LRGrid, λ ∈ LambdaGrid, real data) with the lowest validation
// error; ties go to the lower validation loss, then to the earlier grid
// point. Runs that diverged, or whose training objective ended above where it
// started (a step size too large to train: the weights grew instead), are
// excluded and counted.
func tune(res *Results) []Tuned {
	cfg := res.Config
	var out []Tuned
	for _, m := range []optim.Method{optim.GD, optim.Adam} {
		for k := range cfg.Seeds {
			best := Tuned{Method: m, K: k, ValErr: runs.Float(math.NaN()), TestErr: runs.Float(math.NaN())}
			bestLoss := math.Inf(1)
			for si, s := range res.Settings {
				if s.Data != DataReal || s.Method != m || m == optim.Adam && s.Eps != cfg.Eps ||
					!isIn(cfg.LRGrid, s.LR) || !isIn(cfg.LambdaGrid, s.Lambda) {
					continue
				}
				r := res.Runs[si*cfg.Seeds+k]
				ve, vl := float64(r.ValErr), float64(r.ValLoss)
				if math.IsNaN(ve) || math.IsNaN(vl) {
					best.Diverged++
					continue
				}
				if !(float64(r.Loss) < float64(r.InitLoss)) {
					best.Untrained++
					continue
				}
				if math.IsNaN(float64(best.ValErr)) || ve < float64(best.ValErr) || ve == float64(best.ValErr) && vl < bestLoss {
					best.LR, best.Lambda, best.ValErr, best.TestErr, bestLoss = s.LR, s.Lambda, r.ValErr, r.TestErr, vl
				}
			}
			out = append(out, best)
		}
	}
	return out
}
