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
	Runs       []RunResult  `json:"runs"`
	Seconds    float64      `json:"seconds"`
}

// Run returns, for find a run by condition and seed (nil if absent).
func (r *Results) Run(cond string, seed int) *RunResult {
	for i := range r.Runs {
		if r.Runs[i].Condition == cond && r.Runs[i].Seed == seed {
			return &r.Runs[i]
		}
	}
	return nil
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
	nc := len(conds[0])
	R := nc * len(seeds)
	m, d1 := cfg.Width, cfg.D1

	// Initial weights wᵢ ~ N(0, I), shared by the conditions of a seed. [R, m, d₁]
	w0 := make([]float32, R*m*d1)
	for s, seed := range seeds {
		rng := rand.New(rand.NewPCG(uint64(seed), streamInit))
		init := make([]float32, m*d1)
		for i := range init {
			init[i] = float32(rng.NormFloat64())
		}
		for c := range nc {
			copy(w0[(s*nc+c)*m*d1:], init)
		}
		for _, c := range conds[s] {
			res.Runs = append(res.Runs, RunResult{Seed: seed, Condition: c.name})
		}
	}
	params := []train.Param{{Name: "w", Value: tensors.FromFlatDataAndDimensions(w0, R, m, d1), Trainable: true}}
	// batch: x⁺ [R, B, d₁], x⁺⁺ [R, B, d₁], b [R]
	loss := func(p, batch []*Node) *Node {
		h1 := contrast.Encode(p[0], batch[2], batch[0])
		h2 := contrast.Encode(p[0], batch[2], batch[1])
		return contrast.InfoNCE(h1, h2, cfg.Tau) // [R]
	}
	mb, err := train.NewMinibatch(be, params, optimizer.Adam().LearningRate(cfg.LR).Done(), loss)
	if err != nil {
		return nil, err
	}
	defer mb.Finalize()

	// The fixed evaluation inputs of every run: x and z, [EvalN·d₁], [EvalN·d].
	evalX, evalZ := make([][]float64, R), make([][]float64, R)
	for s, seed := range seeds {
		dr := sc.NewDraw(cfg.EvalN, d1, cfg.D, cfg.P, rand.New(rand.NewPCG(uint64(seed), streamEval)))
		for c, cd := range conds[s] {
			evalX[s*nc+c], evalZ[s*nc+c] = cd.model.Inputs(dr), dr.Z
		}
	}
	measure := func(t int, w []float64, lossSum []float64) {
		b := bias(cfg, t)
		for r := range R {
			s, c := r/nc, r%nc
			wr := w[r*m*d1 : (r+1)*m*d1]
			model := conds[s][c].model
			atoms := model.AtomRecovery(wr, m)
			pur := model.Purity(wr, m)
			active := activeNeurons(wr, m, d1, b, evalX[r])
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
			cv.MedianAtom = append(cv.MedianAtom, sc.Median(atoms))
			cv.MinAtom = append(cv.MinAtom, minOf(atoms))
			cv.Purity = append(cv.Purity, sum/float64(max(na, 1)))
			cv.Active = append(cv.Active, na)
			if lossSum == nil {
				cv.Loss = append(cv.Loss, math.NaN())
			} else {
				cv.Loss = append(cv.Loss, lossSum[r]/float64(cfg.Every))
			}
		}
	}
	w64 := make([]float64, len(w0))
	for i, v := range w0 {
		w64[i] = float64(v)
	}
	measure(0, w64, nil)

	rngs := make([]*rand.Rand, len(seeds))
	for s, seed := range seeds {
		rngs[s] = rand.New(rand.NewPCG(uint64(seed), streamTrain))
	}
	v1 := make([]float32, R*cfg.Batch*d1)
	v2 := make([]float32, R*cfg.Batch*d1)
	bs := make([]float32, R)
	lossSum := make([]float64, R)
	needGauss := true
	for t := range cfg.Steps {
		for s := range seeds {
			dr := sc.NewDraw(cfg.Batch, d1, cfg.D, cfg.P, rngs[s])
			ad := sc.NewAugDraw(cfg.Batch, d1, needGauss, rngs[s])
			for c, cd := range conds[s] {
				a, b := cd.aug.Views(cd.model.Inputs(dr), ad)
				off := (s*nc + c) * cfg.Batch * d1
				for i := range a {
					v1[off+i], v2[off+i] = float32(a[i]), float32(b[i])
				}
			}
		}
		for r := range bs {
			bs[r] = float32(bias(cfg, t))
		}
		losses, err := mb.Step(
			tensors.FromFlatDataAndDimensions(v1, R, cfg.Batch, d1),
			tensors.FromFlatDataAndDimensions(v2, R, cfg.Batch, d1),
			tensors.FromFlatDataAndDimensions(bs, R))
		if err != nil {
			return nil, fmt.Errorf("contrastive: step %d: %w", t, err)
		}
		for r, l := range losses {
			lossSum[r] += l
		}
		if (t+1)%cfg.Every == 0 {
			p, err := mb.Params()
			if err != nil {
				return nil, err
			}
			if w64, err = tensorconv.Floats(p[0]); err != nil {
				return nil, err
			}
			measure(t+1, w64, lossSum)
			clear(lossSum)
		}
	}

	// Final: atoms, cosines, the linear read-out on the frozen encoder.
	half := cfg.EvalN / 2
	b := bias(cfg, cfg.Steps)
	for r := range R {
		s, c := r/nc, r%nc
		model := conds[s][c].model
		wr := w64[r*m*d1 : (r+1)*m*d1]
		run := &res.Runs[r]
		run.Atoms = model.AtomRecovery(wr, m)
		run.Cos = model.CosMatrix(wr, m)
		h := contrast.EncodeHost(wr, m, d1, b, evalX[r])
		run.ReadoutR2 = sc.ReadoutR2(h, m, evalZ[r], cfg.D, half)
		run.RawR2 = sc.ReadoutR2(evalX[r], d1, evalZ[r], cfg.D, half)
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
