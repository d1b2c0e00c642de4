package superres

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/backend"
	"theorylab/pkg/progress"
	"theorylab/pkg/runs"
	"theorylab/pkg/tensorconv"
)

// Seed streams: every random choice has its own stream, PCG(seed, stream),
// keyed by the seed and — for a run's own draws — by its variant's fixed ID, so
// a run's numbers do not depend on which other seeds or variants run beside
// it. The runs of one (seed, variant) at the grid's learning rates share their
// initial weights, minibatches and latents: the grid is a paired comparison.
const (
	streamTeacher = 1 // the teacher's weights and biases
	streamTrain   = 2 // the training set
	streamEval    = 3 // held-out test and floor samples, projections
	streamInit    = 4 // initial weights of a variant: streamInit + 16·variantID
	streamBatches = 5 // minibatches and latents of a variant: streamBatches + 16·variantID
	streamLatents = 6 // the generator's test and validation latents
	streamVal     = 7 // the validation split (teacher samples that choose the learning rate)
	streamNoisy   = 8 // every sample of the noise-variant teacher (training, test, floors, validation)
)

// Variants of the GAN trained for every seed.
const (
	VariantMulti       = "multi-scale"
	VariantControl     = "no-structure teacher"
	VariantSingle      = "single-scale D"
	VariantCoarseFirst = "coarse-first"
	VariantNoisy       = "noisy details" // the multi-scale GAN on the noise-variant teacher (full preset)
)

// variantID fixes each variant's random streams, whichever variants run.
var variantID = map[string]uint64{VariantMulti: 0, VariantControl: 1, VariantSingle: 2, VariantCoarseFirst: 3, VariantNoisy: 4}

// RunResult is one GAN's training run.
type RunResult struct {
	Seed    int    `json:"seed"`
	Variant string `json:"variant"`
	// LR is the Adam step size chosen for this (seed, variant) from
	// Config.LRs: the one whose generator ends closest to the validation
	// split (joint distance ValJoint, one per grid value; null: diverged).
	LR       float64      `json:"lr"`
	ValJoint []runs.Float `json:"val_joint"`
	// Curves, at Results.Iters: SWD₁ on the level-1 image AvgPool₂(X̂₂) and
	// SWDᴿ₂ on the detail residual R₂(X̂₂), at CurveSamples samples.
	SWD1  runs.Series `json:"swd1"`
	SWDR2 runs.Series `json:"swdr2"`
	LossD runs.Series `json:"loss_d"` // mean L_D over each evaluation interval
	LossG runs.Series `json:"loss_g"`
	// T1, T2: the first iteration at which progress_ℓ ≥ 0.8 (−1: never).
	T1 int `json:"t1"`
	T2 int `json:"t2"`
	// Final distances at FinalSamples samples, against the run's own teacher.
	Final1     runs.Float `json:"final1"`
	FinalR2    runs.Float `json:"final_r2"`
	FinalJoint runs.Float `json:"final_joint"` // on (AvgPool₂ X̂₂, R₂ X̂₂)
	Init1      runs.Float `json:"init1"`       // the same at initialisation
	InitR2     runs.Float `json:"init_r2"`
	// AtomCos: for each teacher atom of M₁*, the best |cos| with the rows of
	// M₁ of units active on ≥ 1% of samples.
	AtomCos []float64 `json:"atom_cos"`
	// Activity of the learner's hidden units (mean over units active on ≥ 1%
	// of samples) and its dead units, per level.
	Active1 float64 `json:"active1"`
	Active2 float64 `json:"active2"`
	Dead1   int     `json:"dead1"`
	Dead2   int     `json:"dead2"`
	// Per-unit activity rates of the learner's hidden units, per level.
	Rates1 []float64 `json:"rates1"`
	Rates2 []float64 `json:"rates2"`
	// Matched: for each teacher atom, the learned row of M₁ with the best
	// |cos|, sign-aligned and scaled to unit norm (multi-scale runs only).
	Matched [][]float64 `json:"matched,omitempty"`
	// Grid: generated images of GridZ fixed latents at each checkpoint of
	// Results.GridIters, [checkpoint][k][64] (multi-scale runs only).
	Grid [][][]float64 `json:"grid,omitempty"`
}

// SeedResult is what one seed's teacher gives, independent of training.
type SeedResult struct {
	Seed int `json:"seed"`
	// Noise floors: the distances between disjoint teacher samples of the
	// same size, averaged over FloorPairs pairs.
	Floor1      float64 `json:"floor1"`
	FloorR2     float64 `json:"floor_r2"`
	FloorJoint  float64 `json:"floor_joint"`
	CurveFloor1 float64 `json:"curve_floor1"`
	CurveFloorR float64 `json:"curve_floor_r2"`
	// NullJoint: the joint distance between the no-structure teacher and the
	// teacher (right levels, no coupling between them), FinalSamples each.
	NullJoint float64 `json:"null_joint"`
	// Per-level distances of the same null (they are at the floor).
	Null1  float64 `json:"null1"`
	NullR2 float64 `json:"null_r2"`
	// The teacher's measured activities and the chance level of atom
	// recovery (random unit vectors in place of the learned rows).
	Teacher1 float64 `json:"teacher_active1"`
	Teacher2 float64 `json:"teacher_active2"`
	// Per-unit activity rates of the teacher's hidden units, per level.
	TeacherRates1 []float64   `json:"teacher_rates1"`
	TeacherRates2 []float64   `json:"teacher_rates2"`
	ChanceCos     []float64   `json:"chance_cos"`
	Atoms         [][]float64 `json:"atoms,omitempty"` // M₁* rows (first seed only, for the figure)
	// Control teacher floors (for the runs on the no-structure teacher).
	ControlFloor1     float64 `json:"control_floor1"`
	ControlFloorR2    float64 `json:"control_floor_r2"`
	ControlFloorJoint float64 `json:"control_floor_joint"`
	ControlCurve1     float64 `json:"control_curve_floor1"`
	ControlCurveR2    float64 `json:"control_curve_floor_r2"`
	// Noise-variant teacher floors (for the runs on it; zero when it is off).
	NoisyFloor1     float64 `json:"noisy_floor1,omitempty"`
	NoisyFloorR2    float64 `json:"noisy_floor_r2,omitempty"`
	NoisyFloorJoint float64 `json:"noisy_floor_joint,omitempty"`
	NoisyCurve1     float64 `json:"noisy_curve_floor1,omitempty"`
	NoisyCurveR2    float64 `json:"noisy_curve_floor_r2,omitempty"`
}

// Floors are the noise floors of one teacher: per level and joint at the
// final sample size, per level at the curves' size.
type Floors struct{ Level1, R2, Joint, Curve1, CurveR2 float64 }

// FloorsOf is the floors of the teacher a variant trains on.
func (s SeedResult) FloorsOf(variant string) Floors {
	switch teacherOf(variant) {
	case 1:
		return Floors{s.ControlFloor1, s.ControlFloorR2, s.ControlFloorJoint, s.ControlCurve1, s.ControlCurveR2}
	case 2:
		return Floors{s.NoisyFloor1, s.NoisyFloorR2, s.NoisyFloorJoint, s.NoisyCurve1, s.NoisyCurveR2}
	}
	return Floors{s.Floor1, s.FloorR2, s.FloorJoint, s.CurveFloor1, s.CurveFloorR}
}

// teacherOf is the teacher a variant trains on: 0 the teacher, 1 the
// no-structure teacher, 2 the noise-variant teacher.
func teacherOf(variant string) int {
	switch variant {
	case VariantControl:
		return 1
	case VariantNoisy:
		return 2
	}
	return 0
}

// Results is everything Run measures; Claims and Figures read only this.
type Results struct {
	Config    Config       `json:"config"`
	Iters     []int        `json:"iters"`      // iterations of the curve points (0 = initialisation)
	GridIters []int        `json:"grid_iters"` // checkpoints of the sample grid
	Seeds     []SeedResult `json:"seeds"`
	Runs      []RunResult  `json:"runs"`
	Seconds   float64      `json:"seconds"` // wall clock of the run
}

// gridZ is the number of fixed latents in the sample grid.
const gridZ = 6

// variants lists the GANs of one seed.
func (c Config) variants() []string {
	v := []string{VariantMulti}
	if c.Control {
		v = append(v, VariantControl)
	}
	if c.SingleScale {
		v = append(v, VariantSingle)
	}
	if c.CoarseFirst {
		v = append(v, VariantCoarseFirst)
	}
	if c.NoiseStd > 0 {
		v = append(v, VariantNoisy)
	}
	return v
}

// seedData is one seed's teacher and samples.
type seedData struct {
	teacher      *Teacher
	train        [3][][]float64 // training images X₂, per teacher (see teacherOf)
	dirs1, dirsR [][]float64
	dirsJ        [][]float64
	// The reference sides of the distances, per teacher: the test split's
	// first CurveSamples (curves), all of it (final values), the validation split.
	curve1, curveR      [3]*Sliced
	test1, testR, testJ [3]*Sliced
	valJ                [3]*Sliced
}

// Run trains, for every seed, the multi-scale GAN on the teacher and its
// baselines and controls, each at every learning rate of Config.LRs (all runs
// at once, in one graph); it keeps, per seed and variant, the learning rate
// whose generator ends closest to the validation split, and measures that
// run on held-out test samples: per-level distances, the order of learning,
// atom recovery and sparsity.
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
	variants := cfg.variants()
	seeds := cfg.SeedList()
	sd := make([]*seedData, len(seeds))
	res.Seeds = make([]SeedResult, len(seeds))
	parallel(len(seeds), func(i int) { sd[i], res.Seeds[i] = prepareSeed(cfg, seeds[i]) })

	// Runs in the order seed, variant, learning rate: r = (s·V + v)·L + l.
	V, L := len(variants), len(cfg.LRs)
	var all []RunResult
	for _, seed := range seeds {
		for _, v := range variants {
			for _, lr := range cfg.LRs {
				all = append(all, RunResult{Seed: seed, Variant: v, LR: lr, T1: -1, T2: -1})
			}
		}
	}
	R := len(all)
	dataOf := func(r int) (*seedData, int) { // the run's seed data and teacher (see teacherOf)
		return sd[r/(V*L)], teacherOf(all[r].Variant)
	}

	// Initial parameters, fixed input maps, Adam state, all [R, …] float32.
	shapes := cfg.Arch.shapes()
	fan := cfg.Arch.fanIn()
	params := make([][]float64, numParams)
	var p1, p2 []float64
	pool := poolMatrix()
	resid := residualMatrix()
	for r := range R {
		rng := rand.New(rand.NewPCG(uint64(all[r].Seed), streamInit+16*variantID[all[r].Variant]))
		for i := range numParams {
			n := 1
			for _, d := range shapes[i] {
				n *= d
			}
			for range n {
				w := 0.0
				if fan[i] > 0 {
					// Gaussian, fan-in scaled: N(0, 1/fan_in); biases start at 0.
					w = rng.NormFloat64() / math.Sqrt(float64(fan[i]))
				}
				params[i] = append(params[i], w)
			}
		}
		if all[r].Variant == VariantSingle {
			p1 = append(p1, randomProjection(rng)...)
			p2 = append(p2, identity(n2)...)
		} else {
			p1 = append(p1, pool...)
			p2 = append(p2, resid...)
		}
	}
	state := make([]*tensors.Tensor, numState)
	for i := range numParams {
		dims := append([]int{R}, shapes[i]...)
		if state[i], err = tensorconv.FromFloats(dtypes.Float32, params[i], dims...); err != nil {
			return nil, err
		}
		zeros := make([]float64, len(params[i]))
		state[numParams+i], _ = tensorconv.FromFloats(dtypes.Float32, zeros, dims...)
		state[2*numParams+i], _ = tensorconv.FromFloats(dtypes.Float32, zeros, dims...)
	}
	state[3*numParams], _ = tensorconv.FromFloats(dtypes.Float32, make([]float64, R), R)
	state[3*numParams+1], _ = tensorconv.FromFloats(dtypes.Float32, make([]float64, R), R)
	p1T, _ := tensorconv.FromFloats(dtypes.Float32, p1, R, n2, n1)
	p2T, _ := tensorconv.FromFloats(dtypes.Float32, p2, R, n2, n2)
	lrs := make([]float64, R)
	for r := range lrs {
		lrs[r] = all[r].LR
	}
	lrT, _ := tensorconv.FromFloats(dtypes.Float32, lrs, R)

	tr, err := NewTrainer(be, Adam{Beta1: cfg.Beta1, Beta2: cfg.Beta2, Eps: 1e-8, Clip: cfg.Clip}, cfg.Unroll, cfg.R1)
	if err != nil {
		return nil, err
	}
	defer tr.Finalize()
	gen, err := NewExec(be, func(in []*Node) []*Node {
		x2, h1, h2 := Generate(in[:numG], in[numG])
		return []*Node{x2, h1, h2}
	})
	if err != nil {
		return nil, err
	}
	defer gen.Finalize()

	// Latents, per seed and shared by its runs: FinalSamples for the test
	// (the curves use their first CurveSamples) and ValSamples for validation.
	Z, NF, NC, NV := cfg.Arch.Z, cfg.FinalSamples, cfg.CurveSamples, cfg.ValSamples
	var zEval, zCurve, zVal []float64
	for _, seed := range seeds {
		lrng := rand.New(rand.NewPCG(uint64(seed), streamLatents))
		zt, zv := normals(lrng, NF*Z), normals(lrng, NV*Z)
		for range V * L {
			zEval = append(zEval, zt...)
			zCurve = append(zCurve, zt[:NC*Z]...)
			zVal = append(zVal, zv...)
		}
	}
	zEvalT, _ := tensorconv.FromFloats(dtypes.Float32, zEval, R, NF, Z)
	zCurveT, _ := tensorconv.FromFloats(dtypes.Float32, zCurve, R, NC, Z)
	zValT, _ := tensorconv.FromFloats(dtypes.Float32, zVal, R, NV, Z)
	generate := func(z *tensors.Tensor, n int) (x2, h1, h2 [][][]float64, err error) {
		args := []any{}
		for _, s := range state[:numG] {
			args = append(args, s)
		}
		outs, err := gen.Call(append(args, z)...)
		if err != nil {
			return nil, nil, nil, err
		}
		split := func(t *tensors.Tensor, w int) [][][]float64 {
			f, _ := tensorconv.Floats(t)
			out := make([][][]float64, R)
			for r := range R {
				out[r] = make([][]float64, n)
				for i := range n {
					out[r][i] = f[(r*n+i)*w : (r*n+i+1)*w]
				}
			}
			return out
		}
		return split(outs[0], n2), split(outs[1], cfg.Arch.H1), split(outs[2], cfg.Arch.H2), nil
	}
	curve := func() error {
		x2, _, _, err := generate(zCurveT, NC)
		if err != nil {
			return err
		}
		parallel(R, func(r int) {
			d, k := dataOf(r)
			x1, rr := levels(x2[r])
			all[r].SWD1 = append(all[r].SWD1, d.curve1[k].SWD(x1))
			all[r].SWDR2 = append(all[r].SWDR2, d.curveR[k].SWD(rr))
		})
		return nil
	}
	gridCk := map[int]bool{}
	for _, f := range []float64{0, 0.05, 0.125, 0.25, 0.5, 1} {
		it := int(f*float64(cfg.Steps)) / cfg.Unroll * cfg.Unroll
		if !gridCk[it] {
			gridCk[it] = true
			res.GridIters = append(res.GridIters, it)
		}
	}
	grid := func() error {
		x2, _, _, err := generate(zCurveT, NC)
		if err != nil {
			return err
		}
		for r := range R {
			if all[r].Variant == VariantMulti {
				all[r].Grid = append(all[r].Grid, x2[r][:gridZ])
			}
		}
		return nil
	}
	// validate is each run's joint distance to the validation split.
	validate := func() ([]float64, error) {
		x2, _, _, err := generate(zValT, NV)
		if err != nil {
			return nil, err
		}
		out := make([]float64, R)
		parallel(R, func(r int) {
			d, k := dataOf(r)
			x1, rr := levels(x2[r])
			out[r] = d.valJ[k].SWD(concat(x1, rr))
		})
		return out, nil
	}
	final := func(initial bool) error {
		x2, h1, h2, err := generate(zEvalT, NF)
		if err != nil {
			return err
		}
		m1, err := tensorconv.Floats(state[gM1])
		if err != nil {
			return err
		}
		parallel(R, func(r int) {
			d, k := dataOf(r)
			x1, rr := levels(x2[r])
			s1 := d.test1[k].SWD(x1)
			sr := d.testR[k].SWD(rr)
			run := &all[r]
			if initial {
				run.Init1, run.InitR2 = runs.Float(s1), runs.Float(sr)
				return
			}
			run.Final1, run.FinalR2 = runs.Float(s1), runs.Float(sr)
			run.FinalJoint = runs.Float(d.testJ[k].SWD(concat(x1, rr)))
			var alive1 []bool
			run.Active1, run.Dead1, alive1 = activity(h1[r])
			run.Active2, run.Dead2, _ = activity(h2[r])
			run.Rates1, run.Rates2 = unitRates(h1[r]), unitRates(h2[r])
			rows := m1[r*cfg.Arch.H1*n1 : (r+1)*cfg.Arch.H1*n1]
			var learned [][]float64
			for j := range cfg.Arch.H1 {
				if alive1[j] {
					learned = append(learned, rows[j*n1:(j+1)*n1])
				}
			}
			run.AtomCos = bestCos(d.teacher.M1, learned)
			if run.Variant == VariantMulti {
				run.Matched = bestMatch(d.teacher.M1, learned)
			}
		})
		return nil
	}

	if err := final(true); err != nil {
		return nil, err
	}
	res.Iters = append(res.Iters, 0)
	if err := curve(); err != nil {
		return nil, err
	}
	if err := grid(); err != nil {
		return nil, err
	}
	// Each (seed, variant) draws its minibatches and latents from its own
	// stream; its runs at the grid's learning rates see the same ones.
	brngs := make([]*rand.Rand, len(seeds)*V)
	for i := range brngs {
		brngs[i] = rand.New(rand.NewPCG(uint64(seeds[i/V]), streamBatches+16*variantID[variants[i%V]]))
	}
	U, B := cfg.Unroll, cfg.Batch
	real := make([]float64, U*R*B*n2)
	zd := make([]float64, U*R*B*Z)
	zg := make([]float64, U*R*B*Z)
	sumD, sumG := make([]float64, R), make([]float64, R)
	diverged := make([]int, R) // the iteration of a run's first non-finite loss, −1: none
	for r := range diverged {
		diverged[r] = -1
	}
	bar := progress.New(fmt.Sprintf("superres %s: %d runs (%d seeds × %d variants × %d learning rates) × %d iterations",
		cfg.Preset, R, len(seeds), V, L, cfg.Steps), cfg.Steps)
	for it := 0; it < cfg.Steps; it += U {
		for i, brng := range brngs {
			r0 := i * L
			d, k := dataOf(r0)
			for u := range U {
				for b := range B {
					x := d.train[k][brng.IntN(len(d.train[k]))]
					for l := range L {
						copy(real[((u*R+r0+l)*B+b)*n2:], x)
					}
				}
			}
			for u := range U {
				for b := range B {
					o := ((u*R+r0)*B + b) * Z
					for j := range Z {
						zd[o+j], zg[o+j] = brng.NormFloat64(), brng.NormFloat64()
					}
					for l := 1; l < L; l++ {
						copy(zd[o+l*B*Z:o+l*B*Z+Z], zd[o:o+Z])
						copy(zg[o+l*B*Z:o+l*B*Z+Z], zg[o:o+Z])
					}
				}
			}
		}
		gates := make([]float64, R)
		for r := range R {
			gates[r] = 1
			if all[r].Variant == VariantCoarseFirst && it < cfg.Steps/2 {
				gates[r] = 0 // first stage: level 1 alone
			}
		}
		realT, _ := tensorconv.FromFloats(dtypes.Float32, real, U, R, B, n2)
		zdT, _ := tensorconv.FromFloats(dtypes.Float32, zd, U, R, B, Z)
		zgT, _ := tensorconv.FromFloats(dtypes.Float32, zg, U, R, B, Z)
		gateT, _ := tensorconv.FromFloats(dtypes.Float32, gates, R)
		next, losses, err := tr.Step(state, realT, zdT, zgT, gateT, p1T, p2T, lrT, lrT)
		if err != nil {
			return nil, err
		}
		state = next
		for u := range U {
			for r := range R {
				ld, lg := losses[(u*R+r)*2], losses[(u*R+r)*2+1]
				if diverged[r] < 0 && (math.IsNaN(ld+lg) || math.IsInf(ld+lg, 0)) {
					diverged[r] = it + u // the runs are independent in the graph: the others go on
				}
				sumD[r] += ld
				sumG[r] += lg
			}
		}
		done := it + U
		bar.Update(done, fmt.Sprintf("L_D %.3f, L_G %.3f (run 0)", losses[0], losses[1]))
		if done%cfg.EvalEvery == 0 {
			res.Iters = append(res.Iters, done)
			for r := range R {
				all[r].LossD = append(all[r].LossD, sumD[r]/float64(cfg.EvalEvery))
				all[r].LossG = append(all[r].LossG, sumG[r]/float64(cfg.EvalEvery))
				sumD[r], sumG[r] = 0, 0
			}
			if err := curve(); err != nil {
				return nil, err
			}
		}
		if gridCk[done] {
			if err := grid(); err != nil {
				return nil, err
			}
		}
	}
	bar.Done(fmt.Sprintf("trained in %.1fs", time.Since(start).Seconds()))
	if err := final(false); err != nil {
		return nil, err
	}
	val, err := validate()
	if err != nil {
		return nil, err
	}
	// Per (seed, variant): the learning rate with the lowest validation distance.
	for i := range len(seeds) * V {
		best, scores := chooseLR(val[i*L:(i+1)*L], diverged[i*L:(i+1)*L])
		if best < 0 {
			r := i * L
			return nil, fmt.Errorf("superres: seed %d, %s diverged at every learning rate of lrs %v (first non-finite loss at iteration %d for lr %v)",
				all[r].Seed, all[r].Variant, cfg.LRs, diverged[r], cfg.LRs[0])
		}
		run := all[i*L+best]
		run.ValJoint = scores
		f := res.Seeds[i/V].FloorsOf(run.Variant)
		run.T1 = firstProgress(res.Iters, run.SWD1, f.Curve1, progressAt)
		run.T2 = firstProgress(res.Iters, run.SWDR2, f.CurveR2, progressAt)
		res.Runs = append(res.Runs, run)
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// chooseLR picks, among the runs of one (seed, variant) at the grid's step
// sizes, the one whose generator ends closest to the validation split:
//
//	l* = argmin_l  SWD_joint(G_l(z_val), X_val)   over runs that did not diverge
//
// It returns l* (−1 if every run diverged) and the distances, NaN where a run
// diverged (diverged[l] ≥ 0: the iteration of its first non-finite loss).
func chooseLR(val []float64, diverged []int) (int, []runs.Float) {
	best := -1
	scores := make([]runs.Float, len(val))
	for l, v := range val {
		scores[l] = runs.Float(math.NaN())
		if diverged[l] >= 0 || math.IsNaN(v) {
			continue
		}
		scores[l] = runs.Float(v)
		if best < 0 || v < val[best] {
			best = l
		}
	}
	return best, scores
}

// normals draws n standard normal numbers.
func normals(rng *rand.Rand, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = rng.NormFloat64()
	}
	return out
}

// progressAt is the progress that marks a level as learned (t_ℓ of FSR-2):
// a measurement setting, fixed from the spec before any run.
const progressAt = 0.8

// firstProgress is the first iteration t with
//
//	progress(t) = (SWD(0) − SWD(t)) / (SWD(0) − floor) ≥ level
//
// or −1 if none.
func firstProgress(iters []int, swd []float64, floor, level float64) int {
	for i, v := range swd {
		if (swd[0]-v)/(swd[0]-floor) >= level {
			return iters[i]
		}
	}
	return -1
}

// prepareSeed draws the seed's teacher, its no-structure twin, the training
// and evaluation samples, the projections and the floors.
func prepareSeed(cfg Config, seed int) (*seedData, SeedResult) {
	t := NewTeacher(cfg.Teacher, rand.New(rand.NewPCG(uint64(seed), streamTeacher)))
	c := *t
	c.Independent = true
	d := &seedData{teacher: t}
	sr := SeedResult{Seed: seed}
	trng := rand.New(rand.NewPCG(uint64(seed), streamTrain))
	erng := rand.New(rand.NewPCG(uint64(seed), streamEval))
	d.dirs1 = Directions(cfg.Projections, n1, erng)
	d.dirsR = Directions(cfg.Projections, n2, erng)
	d.dirsJ = Directions(cfg.Projections, n1+n2, erng)
	vrng := rand.New(rand.NewPCG(uint64(seed), streamVal))
	// The teachers, indexed as teacherOf; the noise variant draws every
	// sample from its own stream, so turning it on changes nothing else.
	teachers := []*Teacher{t, &c}
	rngs := [][3]*rand.Rand{{trng, vrng, erng}, {trng, vrng, erng}}
	if cfg.NoiseStd > 0 {
		noisy := *t
		noisy.Noise = cfg.NoiseStd
		nrng := rand.New(rand.NewPCG(uint64(seed), streamNoisy))
		teachers = append(teachers, &noisy)
		rngs = append(rngs, [3]*rand.Rand{nrng, nrng, nrng})
	}
	N, NC := cfg.FinalSamples, cfg.CurveSamples
	for k, te := range teachers {
		trng, vrng, erng := rngs[k][0], rngs[k][1], rngs[k][2]
		d.train[k] = te.Draw(cfg.TrainSamples, trng).X2
		vx1, vr := levels(te.Draw(cfg.ValSamples, vrng).X2)
		d.valJ[k] = NewSliced(concat(vx1, vr), d.dirsJ)
		ev := te.Draw(N, erng)
		ex1, er := levels(ev.X2) // the test split's levels
		d.curve1[k], d.curveR[k] = NewSliced(ex1[:NC], d.dirs1), NewSliced(er[:NC], d.dirsR)
		d.test1[k], d.testR[k] = NewSliced(ex1, d.dirs1), NewSliced(er, d.dirsR)
		d.testJ[k] = NewSliced(concat(ex1, er), d.dirsJ)
		if k == 0 {
			sr.Teacher1, sr.Teacher2 = ActiveRate(ev.S1), ActiveRate(ev.S2)
			sr.TeacherRates1, sr.TeacherRates2 = unitRates(ev.S1), unitRates(ev.S2)
		}
		// Floors: disjoint pairs of fresh teacher samples, at the final and the curve sizes.
		var f Floors
		for range cfg.FloorPairs {
			a, b := te.Draw(N, erng).X2, te.Draw(N, erng).X2
			a1, ar := levels(a)
			b1, br := levels(b)
			f.Level1 += SWD(a1, b1, d.dirs1) / float64(cfg.FloorPairs)
			f.R2 += SWD(ar, br, d.dirsR) / float64(cfg.FloorPairs)
			f.Joint += SWD(concat(a1, ar), concat(b1, br), d.dirsJ) / float64(cfg.FloorPairs)
			f.Curve1 += SWD(a1[:NC], b1[:NC], d.dirs1) / float64(cfg.FloorPairs)
			f.CurveR2 += SWD(ar[:NC], br[:NC], d.dirsR) / float64(cfg.FloorPairs)
		}
		switch k {
		case 0:
			sr.Floor1, sr.FloorR2, sr.FloorJoint, sr.CurveFloor1, sr.CurveFloorR = f.Level1, f.R2, f.Joint, f.Curve1, f.CurveR2
		case 1:
			sr.ControlFloor1, sr.ControlFloorR2, sr.ControlFloorJoint, sr.ControlCurve1, sr.ControlCurveR2 = f.Level1, f.R2, f.Joint, f.Curve1, f.CurveR2
		case 2:
			sr.NoisyFloor1, sr.NoisyFloorR2, sr.NoisyFloorJoint, sr.NoisyCurve1, sr.NoisyCurveR2 = f.Level1, f.R2, f.Joint, f.Curve1, f.CurveR2
		}
	}
	// The null of FSR-4: no-structure samples against the teacher's.
	nx1, nr := levels(c.Draw(N, erng).X2)
	sr.Null1 = d.test1[0].SWD(nx1)
	sr.NullR2 = d.testR[0].SWD(nr)
	sr.NullJoint = d.testJ[0].SWD(concat(nx1, nr))
	// Chance level of atom recovery: H1 random unit rows.
	sr.ChanceCos = bestCos(t.M1, Directions(cfg.Arch.H1, n1, erng))
	if seed == cfg.Seed {
		sr.Atoms = t.M1
	}
	return d, sr
}

// levels splits 8×8 images into the level-1 image AvgPool₂(X) and the
// detail residual R₂(X).
func levels(x2 [][]float64) (x1, r [][]float64) {
	for _, x := range x2 {
		x1 = append(x1, AvgPool2(x, fine))
		r = append(r, Residual(x, fine))
	}
	return x1, r
}

// activity is the mean activity rate over the units active on ≥ 1% of the
// samples, the number of the others (dead) and which units are alive.
func activity(h [][]float64) (mean float64, dead int, alive []bool) {
	w := len(h[0])
	alive = make([]bool, w)
	var sum float64
	for j := range w {
		on := 0.0
		for _, row := range h {
			if row[j] > 0 {
				on++
			}
		}
		rate := on / float64(len(h))
		if rate >= 0.01 {
			alive[j] = true
			sum += rate
		} else {
			dead++
		}
	}
	if dead == w {
		return 0, dead, alive
	}
	return sum / float64(w-dead), dead, alive
}

// bestCos is, for each teacher atom, max_j |cos(atom, learned_j)|.
func bestCos(atoms, learned [][]float64) []float64 {
	out := make([]float64, len(atoms))
	for i, a := range atoms {
		for _, l := range learned {
			if nl := norm(l); nl > 0 {
				out[i] = max(out[i], math.Abs(dot(a, l))/(norm(a)*nl))
			}
		}
	}
	return out
}

// bestMatch is, for each teacher atom, the learned row with the best |cos|,
// sign-aligned with the atom and scaled to unit norm (nil if none is alive).
func bestMatch(atoms, learned [][]float64) [][]float64 {
	out := make([][]float64, len(atoms))
	for i, a := range atoms {
		best := -1.0
		for _, l := range learned {
			nl := norm(l)
			if nl == 0 {
				continue
			}
			c := dot(a, l) / (norm(a) * nl)
			if math.Abs(c) > best {
				best = math.Abs(c)
				out[i] = append([]float64{}, l...)
				scale(out[i], math.Copysign(1, c)/nl)
			}
		}
	}
	return out
}

// unitRates is the fraction of samples on which each unit is positive.
func unitRates(h [][]float64) []float64 {
	out := make([]float64, len(h[0]))
	for _, row := range h {
		for j, v := range row {
			if v > 0 {
				out[j] += 1 / float64(len(h))
			}
		}
	}
	return out
}

// poolMatrix is AvgPool₂ as a [64, 16] matrix on row vectors; residualMatrix
// is I − Up₂∘AvgPool₂ as [64, 64].
func poolMatrix() []float64 {
	m := make([]float64, n2*n1)
	for q := range n2 {
		e := make([]float64, n2)
		e[q] = 1
		for p, v := range AvgPool2(e, fine) {
			m[q*n1+p] = v
		}
	}
	return m
}

func residualMatrix() []float64 {
	m := make([]float64, n2*n2)
	for q := range n2 {
		e := make([]float64, n2)
		e[q] = 1
		for p, v := range Residual(e, fine) {
			m[q*n2+p] = v
		}
	}
	return m
}

func identity(n int) []float64 {
	m := make([]float64, n*n)
	for i := range n {
		m[i*n+i] = 1
	}
	return m
}

// randomProjection is a [64, 16] matrix with orthonormal columns (Gram–Schmidt
// of Gaussian vectors): the single-scale D's second view of X.
func randomProjection(rng *rand.Rand) []float64 {
	cols := make([][]float64, 0, n1)
	for len(cols) < n1 {
		v := make([]float64, n2)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		for _, c := range cols {
			axpy(v, -dot(v, c), c)
		}
		scale(v, 1/norm(v))
		cols = append(cols, v)
	}
	m := make([]float64, n2*n1)
	for q := range n2 {
		for p := range n1 {
			m[q*n1+p] = cols[p][q]
		}
	}
	return m
}

// parallel runs f(0) … f(n−1) on up to two goroutines at a time (each i
// writes only its own results, so the outcome does not depend on the order).
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			f(i)
			<-sem
		}()
	}
	wg.Wait()
}
