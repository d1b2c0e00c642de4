package contrastive

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"theorylab/models/contrast"
	"theorylab/pkg/backend"
	"theorylab/pkg/claims"
	"theorylab/pkg/progress"
	"theorylab/pkg/runs"
	sc "theorylab/pkg/sparsecoding"
	"theorylab/pkg/tensorconv"
	"theorylab/pkg/train"
)

// The conditions (spec, quick preset (1)–(5) and full preset (6)).
const (
	CondMasking     = "masking"     // (1) complementary masking
	CondNoAug       = "noaug"       // (2) no augmentation
	CondCoord       = "coord"       // (3) masking with M = I
	CondClean       = "noaug-clean" // (4) no augmentation, σ_ξ = 0 (the null of CL-4)
	CondGaussian    = "gaussian"    // (5) weak Gaussian noise per view (no decoupling)
	CondIndependent = "independent" // (6) independent masks (full)
)

// Seed streams: every random choice has its own stream PCG(seed, stream).
const (
	streamDict  = 1 // the dense dictionary M
	streamInit  = 2 // the encoder's initial weights (shared by the conditions of a seed)
	streamTrain = 3 // the training inputs and augmentations (shared by the conditions)
	streamEval  = 4 // the fixed evaluation inputs
	streamCorr  = 5 // the decoupling statistics
	streamVal   = 6 // the validation batches of the learning-rate choice
)

// Curve is one measurement over training, at steps 0, Every, 2·Every, …
type Curve struct {
	Step       []int       `json:"step"`
	MedianAtom []float64   `json:"median_atom"` // median over atoms of aⱼ
	MinAtom    []float64   `json:"min_atom"`    // min over atoms of aⱼ
	Purity     []float64   `json:"purity"`      // mean πᵢ over active neurons
	Active     []int       `json:"active"`      // neurons active on ≥ 1% of the evaluation inputs
	Loss       runs.Series `json:"loss"`        // mean training loss of the last Every steps
}

// RunResult is one training run: one condition, one seed.
type RunResult struct {
	Seed      int       `json:"seed"`
	Condition string    `json:"condition"`
	LR        float64   `json:"lr"`       // Adam's learning rate
	ValLoss   float64   `json:"val_loss"` // InfoNCE on the validation batches at the end
	Curve     Curve     `json:"curve"`
	Atoms     []float64 `json:"atoms"`      // final aⱼ per atom
	Cos       []float64 `json:"cos"`        // final |cos(wᵢ, Mⱼ)|, [m·d]
	ReadoutR2 float64   `json:"readout_r2"` // test R² of the linear read-out of z from h(x)
	RawR2     float64   `json:"raw_r2"`     // the same read-out from the raw x of this condition's data
}

// Results is everything Run measures; Claims and Figures read only this.
type Results struct {
	Config     Config       `json:"config"`
	Conditions []string     `json:"conditions"`
	Decoupling []Decoupling `json:"decoupling"`
	Runs       []RunResult  `json:"runs"` // every run, the learning-rate grid's included
	// ChosenLR is the learning rate of each condition, chosen from the grid
	// by the validation loss; the claims and figures use those runs.
	ChosenLR map[string]float64 `json:"chosen_lr"`
	Seconds  float64            `json:"seconds"`
}

// Run finds the run of a condition and seed at the condition's learning
// rate (the one chosen on validation for a tuned condition; nil if absent).
func (r *Results) Run(cond string, seed int) *RunResult {
	lr := r.Config.LR
	if v, ok := r.ChosenLR[cond]; ok {
		lr = v
	}
	for i := range r.Runs {
		if r.Runs[i].Condition == cond && r.Runs[i].Seed == seed && r.Runs[i].LR == lr {
			return &r.Runs[i]
		}
	}
	return nil
}

// lrs is the learning-rate grid, the preset's LR first.
func (c Config) lrs() []float64 {
	out := []float64{c.LR}
	for _, lr := range c.LRGrid {
		if lr != c.LR {
			out = append(out, lr)
		}
	}
	return out
}

// validationLoss is the InfoNCE loss of the encoder w on ValBatches fixed
// batches of fresh inputs and views (the validation split), at the final
// threshold.
func validationLoss(cfg Config, seed int, cd condition, w []float64) float64 {
	rng := rand.New(rand.NewPCG(uint64(seed), streamVal))
	b := bias(cfg, cfg.Steps)
	var total float64
	for range cfg.ValBatches {
		dr := sc.NewDraw(cfg.Batch, cfg.D1, cfg.D, cfg.P, rng)
		v1, v2 := cd.aug.Views(cd.model.Inputs(dr), sc.NewAugDraw(cfg.Batch, cfg.D1, true, rng))
		h1 := contrast.EncodeHost(w, cfg.Width, cfg.D1, b, v1)
		h2 := contrast.EncodeHost(w, cfg.Width, cfg.D1, b, v2)
		total += contrast.InfoNCEHost(h1, h2, cfg.Width, cfg.Tau) / float64(cfg.ValBatches)
	}
	return total
}

// condition is one training setting: its data model and augmentation.
type condition struct {
	name  string
	model sc.Model
	aug   sc.Aug
}

func conditions(cfg Config, seed int) []condition {
	dense := sc.Dense(cfg.D1, cfg.D, cfg.P, cfg.Sigma, rand.New(rand.NewPCG(uint64(seed), streamDict)))
	clean := dense
	clean.Sigma = 0
	cs := []condition{
		{CondMasking, dense, sc.Aug{Kind: sc.Masking}},
		{CondNoAug, dense, sc.Aug{Kind: sc.None}},
		{CondCoord, sc.Coordinate(cfg.D1, cfg.D, cfg.P, cfg.Sigma), sc.Aug{Kind: sc.Masking}},
		{CondClean, clean, sc.Aug{Kind: sc.None}},
		{CondGaussian, dense, sc.Aug{Kind: sc.Gaussian, Std: cfg.GaussStd}},
	}
	if cfg.Independent {
		cs = append(cs, condition{CondIndependent, dense, sc.Aug{Kind: sc.Independent}})
	}
	return cs
}

// bias is the shared threshold b(t): linear from 0 to BiasMax over the
// first RampFrac of the steps, then constant (our schedule).
func bias(cfg Config, t int) float64 {
	ramp := cfg.RampFrac * float64(cfg.Steps)
	return cfg.BiasMax * math.Min(float64(t)/ramp, 1)
}

// Run measures the decoupling statistics of every seed, then trains one
// encoder per condition and seed with the contrastive loss, all R runs in
// one compiled Adam step, on fresh inputs every step (the conditions of a
// seed share the draws: common random numbers), measuring atom recovery and
// purity over training and a linear read-out at the end.
func Run(cfg Config) (*Results, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	be, err := backend.Get()
	if err != nil {
		return nil, err
	}
	res := &Results{Config: cfg}
	seeds := cfg.SeedList()
	var conds [][]condition // per seed
	for _, seed := range seeds {
		cs := conditions(cfg, seed)
		conds = append(conds, cs)
		res.Decoupling = append(res.Decoupling, decouple(cfg, seed, cs[0].model, cs[2].model))
	}
	for _, c := range conds[0] {
		res.Conditions = append(res.Conditions, c.name)
	}
	m, d1 := cfg.Width, cfg.D1

	// The jobs: every condition (methods and controls) at every learning
	// rate of the grid, so that each is compared at its own validated rate.
	// Each learning rate is one compiled Adam step over its runs.
	type group struct {
		lr   float64
		jobs []int // indices into res.Runs
		mb   *train.Minibatch
	}
	var groups []*group
	var jobSeed, jobCond []int
	for _, lr := range cfg.lrs() {
		g := &group{lr: lr}
		for s, seed := range seeds {
			for c, cd := range conds[s] {
				g.jobs = append(g.jobs, len(res.Runs))
				jobSeed, jobCond = append(jobSeed, s), append(jobCond, c)
				res.Runs = append(res.Runs, RunResult{Seed: seed, Condition: cd.name, LR: lr})
			}
		}
		groups = append(groups, g)
	}
	R := len(res.Runs)
	// Initial weights wᵢ ~ N(0, I), shared by every run of a seed. [R, m, d₁]
	inits := make([][]float32, len(seeds))
	for s, seed := range seeds {
		rng := rand.New(rand.NewPCG(uint64(seed), streamInit))
		inits[s] = make([]float32, m*d1)
		for i := range inits[s] {
			inits[s][i] = float32(rng.NormFloat64())
		}
	}
	// batch: x⁺ [R, B, d₁], x⁺⁺ [R, B, d₁], b [R]
	loss := func(p, batch []*Node) *Node {
		h1 := contrast.Encode(p[0], batch[2], batch[0])
		h2 := contrast.Encode(p[0], batch[2], batch[1])
		return contrast.InfoNCE(h1, h2, cfg.Tau) // [R]
	}
	for _, g := range groups {
		w0 := make([]float32, 0, len(g.jobs)*m*d1)
		for _, r := range g.jobs {
			w0 = append(w0, inits[jobSeed[r]]...)
		}
		params := []train.Param{{Name: "w", Value: tensors.FromFlatDataAndDimensions(w0, len(g.jobs), m, d1), Trainable: true}}
		g.mb, err = train.NewMinibatch(be, params, optimizer.Adam().LearningRate(g.lr).Done(), loss)
		if err != nil {
			return nil, err
		}
		defer g.mb.Finalize()
	}

	// The fixed evaluation inputs of every run: x and z, [EvalN·d₁], [EvalN·d].
	evalX, evalZ := make([][]float64, R), make([][]float64, R)
	for r := range R {
		s, c := jobSeed[r], jobCond[r]
		dr := sc.NewDraw(cfg.EvalN, d1, cfg.D, cfg.P, rand.New(rand.NewPCG(uint64(seeds[s]), streamEval)))
		evalX[r], evalZ[r] = conds[s][c].model.Inputs(dr), dr.Z
	}
	w64 := make([][]float64, R) // the current weights of every run, [m·d₁]
	for r := range R {
		w64[r] = make([]float64, m*d1)
		for i, v := range inits[jobSeed[r]] {
			w64[r][i] = float64(v)
		}
	}
	lossSum := make([]float64, R)
	measure := func(t int, first bool) {
		b := bias(cfg, t)
		for r := range R {
			model := conds[jobSeed[r]][jobCond[r]].model
			atoms := model.AtomRecovery(w64[r], m)
			pur := model.Purity(w64[r], m)
			active := activeNeurons(w64[r], m, d1, b, evalX[r])
			var sum float64
			var na int
			for i, a := range active {
				if a {
					sum += pur[i]
					na++
				}
			}
			cv := &res.Runs[r].Curve
			cv.Step = append(cv.Step, t)
			cv.MedianAtom = append(cv.MedianAtom, claims.Median(atoms))
			cv.MinAtom = append(cv.MinAtom, minOf(atoms))
			cv.Purity = append(cv.Purity, sum/float64(max(na, 1)))
			cv.Active = append(cv.Active, na)
			if first {
				cv.Loss = append(cv.Loss, math.NaN())
			} else {
				cv.Loss = append(cv.Loss, lossSum[r]/float64(cfg.Every))
			}
		}
	}
	measure(0, true)
	bar := progress.New(fmt.Sprintf("contrastive %s: %d runs × %d steps", cfg.Preset, R, cfg.Steps), cfg.Steps)

	rngs := make([]*rand.Rand, len(seeds))
	for s, seed := range seeds {
		rngs[s] = rand.New(rand.NewPCG(uint64(seed), streamTrain))
	}
	type buffers struct{ v1, v2, b []float32 }
	bufs := make([]buffers, len(groups))
	for k, g := range groups {
		n := len(g.jobs)
		bufs[k] = buffers{make([]float32, n*cfg.Batch*d1), make([]float32, n*cfg.Batch*d1), make([]float32, n)}
	}
	views := make([][2][]float64, R)
	for t := range cfg.Steps {
		for s := range seeds {
			// one draw per seed, shared by its runs (common random numbers)
			dr := sc.NewDraw(cfg.Batch, d1, cfg.D, cfg.P, rngs[s])
			ad := sc.NewAugDraw(cfg.Batch, d1, true, rngs[s])
			for c, cd := range conds[s] {
				a, b := cd.aug.Views(cd.model.Inputs(dr), ad)
				for r := range R {
					if jobSeed[r] == s && jobCond[r] == c {
						views[r] = [2][]float64{a, b}
					}
				}
			}
		}
		for k, g := range groups {
			bf := bufs[k]
			for j, r := range g.jobs {
				off := j * cfg.Batch * d1
				for i, v := range views[r][0] {
					bf.v1[off+i], bf.v2[off+i] = float32(v), float32(views[r][1][i])
				}
				bf.b[j] = float32(bias(cfg, t))
			}
			n := len(g.jobs)
			losses, err := g.mb.Step(
				tensors.FromFlatDataAndDimensions(bf.v1, n, cfg.Batch, d1),
				tensors.FromFlatDataAndDimensions(bf.v2, n, cfg.Batch, d1),
				tensors.FromFlatDataAndDimensions(bf.b, n))
			if err != nil {
				return nil, fmt.Errorf("contrastive: lr %g, step %d: %w", g.lr, t, err)
			}
			for j, l := range losses {
				lossSum[g.jobs[j]] += l
			}
		}
		if (t+1)%cfg.Every == 0 {
			for _, g := range groups {
				p, err := g.mb.Params()
				if err != nil {
					return nil, err
				}
				w, err := tensorconv.Floats(p[0])
				if err != nil {
					return nil, err
				}
				for j, r := range g.jobs {
					copy(w64[r], w[j*m*d1:(j+1)*m*d1])
				}
			}
			measure(t+1, false)
			clear(lossSum)
			bar.Update(t+1, fmt.Sprintf("median atom recovery of run 0: %.2f", res.Runs[0].Curve.MedianAtom[len(res.Runs[0].Curve.MedianAtom)-1]))
		}
	}

	bar.Done(fmt.Sprintf("trained in %.1fs", time.Since(start).Seconds()))

	// Final: atoms, cosines, the validation loss, the linear read-out on the
	// frozen encoder.
	half := cfg.EvalN / 2
	b := bias(cfg, cfg.Steps)
	for r := range R {
		s, c := jobSeed[r], jobCond[r]
		cd := conds[s][c]
		run := &res.Runs[r]
		run.Atoms = cd.model.AtomRecovery(w64[r], m)
		run.Cos = cd.model.CosMatrix(w64[r], m)
		run.ValLoss = validationLoss(cfg, seeds[s], cd, w64[r])
		h := contrast.EncodeHost(w64[r], m, d1, b, evalX[r])
		run.ReadoutR2 = sc.ReadoutR2(h, m, evalZ[r], cfg.D, half)
		run.RawR2 = sc.ReadoutR2(evalX[r], d1, evalZ[r], cfg.D, half)
	}
	// The learning rate of each condition, methods and controls alike: the
	// lowest validation loss, averaged over the seeds.
	res.ChosenLR = map[string]float64{}
	for _, c := range res.Conditions {
		best := math.Inf(1)
		for _, lr := range cfg.lrs() {
			var v float64
			for r := range res.Runs {
				if res.Runs[r].Condition == c && res.Runs[r].LR == lr {
					v += res.Runs[r].ValLoss / float64(len(seeds))
				}
			}
			if v < best {
				best, res.ChosenLR[c] = v, lr
			}
		}
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// activeNeurons reports the neurons with |⟨ŵᵢ, x⟩| > b on at least 1% of
// the inputs x [n·d₁].
func activeNeurons(w []float64, m, d1 int, b float64, x []float64) []bool {
	wn := contrast.NormalizeHost(w, m, d1)
	n := len(x) / d1
	out := make([]bool, m)
	for i := range m {
		wi := wn[i*d1 : (i+1)*d1]
		count := 0
		for k := range n {
			var s float64
			xk := x[k*d1 : (k+1)*d1]
			for j := range d1 {
				s += wi[j] * xk[j]
			}
			if math.Abs(s) > b {
				count++
			}
		}
		out[i] = float64(count) >= 0.01*float64(n)
	}
	return out
}

func minOf(xs []float64) float64 {
	v := math.Inf(1)
	for _, x := range xs {
		v = math.Min(v, x)
	}
	return v
}
