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

// RunResult is one GAN's training run. Per-level slices are indexed by
// level − 1: level 1 is the level-1 image AvgPool₂^(L−1)(X̂_L), level ℓ ≥ 2 the
// detail residual R_ℓ of level ℓ.
type RunResult struct {
	Seed    int    `json:"seed"`
	Variant string `json:"variant"`
	// LR is the Adam step size chosen for this (seed, variant) from
	// Config.LRs: the one whose generator ends closest to the validation
	// split (joint distance ValJoint, one per grid value; null: diverged).
	LR       float64      `json:"lr"`
	ValJoint []runs.Float `json:"val_joint"`
	// SWD is the curves at Results.Iters, per level: SWD₁ on the level-1
	// image, SWDᴿ_ℓ on the detail residual of level ℓ, at CurveSamples samples.
	SWD   []runs.Series `json:"swd"`
	LossD runs.Series   `json:"loss_d"` // mean L_D over each evaluation interval
	LossG runs.Series   `json:"loss_g"`
	// T, per level: the first iteration at which progress_ℓ ≥ 0.8 (−1: never).
	T []int `json:"t"`
	// Final distances per level at FinalSamples samples, against the run's
	// own teacher, and the same at initialisation.
	Final      []runs.Float `json:"final"`
	Init       []runs.Float `json:"init"`
	FinalJoint runs.Float   `json:"final_joint"` // on (X̂₁, R₂ X̂, …, R_L X̂)
	// AtomCos: for each teacher atom of M₁*, the best |cos| with the rows of
	// M₁ of units active on ≥ 1% of samples.
	AtomCos []float64 `json:"atom_cos"`
	// Activity of the learner's hidden units per level (mean over units
	// active on ≥ 1% of samples), its dead units, and every unit's rate.
	Active []float64   `json:"active"`
	Dead   []int       `json:"dead"`
	Rates  [][]float64 `json:"rates"`
	// Matched: for each teacher atom, the learned row of M₁ with the best
	// |cos|, sign-aligned and scaled to unit norm (multi-scale runs only).
	Matched [][]float64 `json:"matched,omitempty"`
	// Grid: generated finest images of GridZ fixed latents at each
	// checkpoint of Results.GridIters, [checkpoint][k][Pixels(L)]
	// (multi-scale runs only).
	Grid [][][]float64 `json:"grid,omitempty"`
}

// Floors are the noise floors of one teacher — the distances between
// disjoint teacher samples of the same size, averaged over FloorPairs pairs:
// per level at the final sample size and at the curves' size, and joint.
type Floors struct {
	Level []float64 `json:"level"`
	Curve []float64 `json:"curve"`
	Joint float64   `json:"joint"`
}

// SeedResult is what one seed's teacher gives, independent of training.
type SeedResult struct {
	Seed int `json:"seed"`
	// Floors of each teacher, indexed as teacherOf: the teacher, the
	// no-structure teacher, and the noise-variant teacher when it is on.
	Floors []Floors `json:"floors"`
	// The null of FSR-4: the no-structure teacher against the teacher (right
	// levels, no coupling between them), FinalSamples each — jointly and per
	// level (where it is at the floor).
	NullJoint float64   `json:"null_joint"`
	Null      []float64 `json:"null"`
	// The teacher's measured activity and per-unit rates, per level.
	TeacherActive []float64   `json:"teacher_active"`
	TeacherRates  [][]float64 `json:"teacher_rates"`
	// The chance level of atom recovery (random unit vectors in place of the
	// learned rows) and the atoms M₁* (first seed only, for the figure).
	ChanceCos []float64   `json:"chance_cos"`
	Atoms     [][]float64 `json:"atoms,omitempty"`
}

// FloorsOf is the floors of the teacher a variant trains on.
func (s SeedResult) FloorsOf(variant string) Floors { return s.Floors[teacherOf(variant)] }

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
	teacher *Teacher
	train   [3][][]float64 // training images X_L, per teacher (see teacherOf)
	dirs    [][][]float64  // projections per level
	dirsJ   [][]float64    // projections of the joint distance
	// The reference sides of the distances, per teacher: the test split's
	// first CurveSamples (curves) and all of it (final values) per level,
	// jointly, and the validation split jointly.
	curve, test [3][]*Sliced
	testJ, valJ [3]*Sliced
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
	L := cfg.Levels()
	o := cfg.Arch.Layout()
	nL := o.Pixels(L) // pixels of the finest level
	sd := make([]*seedData, len(seeds))
	res.Seeds = make([]SeedResult, len(seeds))
	parallel(len(seeds), func(i int) { sd[i], res.Seeds[i] = prepareSeed(cfg, seeds[i]) })

	// Runs in the order seed, variant, learning rate: r = (s·V + v)·NL + l.
	V, NL := len(variants), len(cfg.LRs)
	var all []RunResult
	for _, seed := range seeds {
		for _, v := range variants {
			for _, lr := range cfg.LRs {
				all = append(all, RunResult{Seed: seed, Variant: v, LR: lr, SWD: make([]runs.Series, L)})
			}
		}
	}
	R := len(all)
	dataOf := func(r int) (*seedData, int) { // the run's seed data and teacher (see teacherOf)
		return sd[r/(V*NL)], teacherOf(all[r].Variant)
	}

	// Initial parameters, fixed input maps, Adam state, all [R, …] float32.
	params := make([][]float64, o.Num())
	maps := make([][]float64, L)
	multiMaps := o.levelMaps()
	for r := range R {
		rng := rand.New(rand.NewPCG(uint64(all[r].Seed), streamInit+16*variantID[all[r].Variant]))
		o.initParams(cfg.Arch, params, rng)
		for l := range L {
			m := multiMaps[l]
			if all[r].Variant == VariantSingle {
				// no level split: the whole image, and random views of it
				m = identity(nL)
				if l < L-1 {
					m = randomProjection(rng, nL, o.Pixels(l+1))
				}
			}
			maps[l] = append(maps[l], m...)
		}
	}
	state, err := o.newState(cfg.Arch, params, R)
	if err != nil {
		return nil, err
	}
	mapsT := make([]*tensors.Tensor, L)
	for l := range L {
		mapsT[l], _ = tensorconv.FromFloats(dtypes.Float32, maps[l], R, nL, o.Pixels(l+1))
	}
	lrs := make([]float64, R)
	for r := range lrs {
		lrs[r] = all[r].LR
	}
	lrT, _ := tensorconv.FromFloats(dtypes.Float32, lrs, R)

	tr, err := NewTrainer(be, o, Adam{Beta1: cfg.Beta1, Beta2: cfg.Beta2, Eps: 1e-8, Clip: cfg.Clip}, cfg.Unroll, cfg.R1)
	if err != nil {
		return nil, err
	}
	defer tr.Finalize()
	gen, err := NewExec(be, func(in []*Node) []*Node {
		x, h := o.Generate(in[:o.NumG()], in[o.NumG()])
		return append([]*Node{x}, h...)
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
		for range V * NL {
			zEval = append(zEval, zt...)
			zCurve = append(zCurve, zt[:NC*Z]...)
			zVal = append(zVal, zv...)
		}
	}
	zEvalT, _ := tensorconv.FromFloats(dtypes.Float32, zEval, R, NF, Z)
	zCurveT, _ := tensorconv.FromFloats(dtypes.Float32, zCurve, R, NC, Z)
	zValT, _ := tensorconv.FromFloats(dtypes.Float32, zVal, R, NV, Z)
	// generate is every run's finest images x [R][n][Pixels(L)] and hidden
	// layers h [level][R][n][H_ℓ].
	generate := func(z *tensors.Tensor, n int) (x [][][]float64, h [][][][]float64, err error) {
		args := []any{}
		for _, s := range state[:o.NumG()] {
			args = append(args, s)
		}
		outs, err := gen.Call(append(args, z)...)
		if err != nil {
			return nil, nil, err
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
		for l := range L {
			h = append(h, split(outs[1+l], cfg.Arch.H[l]))
		}
		return split(outs[0], nL), h, nil
	}
	curve := func() error {
		x, _, err := generate(zCurveT, NC)
		if err != nil {
			return err
		}
		parallel(R, func(r int) {
			d, k := dataOf(r)
			for l, part := range o.levels(x[r]) {
				all[r].SWD[l] = append(all[r].SWD[l], d.curve[k][l].SWD(part))
			}
		})
		return nil
	}
	var gridCk map[int]bool
	res.GridIters, gridCk = gridCheckpoints(cfg.Steps, cfg.Unroll)
	grid := func() error {
		x, _, err := generate(zCurveT, NC)
		if err != nil {
			return err
		}
		for r := range R {
			if all[r].Variant == VariantMulti {
				all[r].Grid = append(all[r].Grid, x[r][:gridZ])
			}
		}
		return nil
	}
	// validate is each run's joint distance to the validation split.
	validate := func() ([]float64, error) {
		x, _, err := generate(zValT, NV)
		if err != nil {
			return nil, err
		}
		out := make([]float64, R)
		parallel(R, func(r int) {
			d, k := dataOf(r)
			out[r] = d.valJ[k].SWD(joint(o.levels(x[r])))
		})
		return out, nil
	}
	final := func(initial bool) error {
		x, h, err := generate(zEvalT, NF)
		if err != nil {
			return err
		}
		m1, err := tensorconv.Floats(state[o.M(0)])
		if err != nil {
			return err
		}
		n1, h1 := o.Pixels(1), cfg.Arch.H[0]
		parallel(R, func(r int) {
			d, k := dataOf(r)
			parts := o.levels(x[r])
			dist := make([]runs.Float, L)
			for l, part := range parts {
				dist[l] = runs.Float(d.test[k][l].SWD(part))
			}
			run := &all[r]
			if initial {
				run.Init = dist
				return
			}
			run.Final = dist
			run.FinalJoint = runs.Float(d.testJ[k].SWD(joint(parts)))
			var alive1 []bool
			for l := range L {
				mean, dead, alive := activity(h[l][r])
				run.Active, run.Dead = append(run.Active, mean), append(run.Dead, dead)
				run.Rates = append(run.Rates, unitRates(h[l][r]))
				if l == 0 {
					alive1 = alive
				}
			}
			rows := m1[r*h1*n1 : (r+1)*h1*n1]
			var learned [][]float64
			for j := range h1 {
				if alive1[j] {
					learned = append(learned, rows[j*n1:(j+1)*n1])
				}
			}
			run.AtomCos = bestCos(d.teacher.M1(), learned)
			if run.Variant == VariantMulti {
				run.Matched = bestMatch(d.teacher.M1(), learned)
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
	// The coarse-first baseline's level ℓ joins at iteration joins[ℓ−1] ≈ (ℓ−1)/L·Steps.
	joins := make([]int, L)
	for l := range L {
		joins[l] = l * cfg.Steps / L / cfg.Unroll * cfg.Unroll
	}
	U, B := cfg.Unroll, cfg.Batch
	real := make([]float64, U*R*B*nL)
	zd := make([]float64, U*R*B*Z)
	zg := make([]float64, U*R*B*Z)
	sumD, sumG := make([]float64, R), make([]float64, R)
	diverged := make([]int, R) // the iteration of a run's first non-finite loss, −1: none
	for r := range diverged {
		diverged[r] = -1
	}
	bar := progress.New(fmt.Sprintf("superres %s: %d runs (%d seeds × %d variants × %d learning rates), %d levels, × %d iterations",
		cfg.Preset, R, len(seeds), V, NL, L, cfg.Steps), cfg.Steps)
	for it := 0; it < cfg.Steps; it += U {
		for i, brng := range brngs {
			r0 := i * NL
			d, k := dataOf(r0)
			for u := range U {
				for b := range B {
					x := d.train[k][brng.IntN(len(d.train[k]))]
					for l := range NL {
						copy(real[((u*R+r0+l)*B+b)*nL:], x)
					}
				}
			}
			for u := range U {
				for b := range B {
					o := ((u*R+r0)*B + b) * Z
					for j := range Z {
						zd[o+j], zg[o+j] = brng.NormFloat64(), brng.NormFloat64()
					}
					for l := 1; l < NL; l++ {
						copy(zd[o+l*B*Z:o+l*B*Z+Z], zd[o:o+Z])
						copy(zg[o+l*B*Z:o+l*B*Z+Z], zg[o:o+Z])
					}
				}
			}
		}
		gates := make([]float64, R*L) // [R, L]
		for r := range R {
			for l := range L {
				gates[r*L+l] = 1
				if all[r].Variant == VariantCoarseFirst && it < joins[l] {
					gates[r*L+l] = 0 // level ℓ has not joined yet
				}
			}
		}
		realT, _ := tensorconv.FromFloats(dtypes.Float32, real, U, R, B, nL)
		zdT, _ := tensorconv.FromFloats(dtypes.Float32, zd, U, R, B, Z)
		zgT, _ := tensorconv.FromFloats(dtypes.Float32, zg, U, R, B, Z)
		gateT, _ := tensorconv.FromFloats(dtypes.Float32, gates, R, L)
		inputs := append([]*tensors.Tensor{realT, zdT, zgT, gateT}, mapsT...)
		next, losses, err := tr.Step(state, append(inputs, lrT, lrT)...)
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
		best, scores := chooseLR(val[i*NL:(i+1)*NL], diverged[i*NL:(i+1)*NL])
		if best < 0 {
			r := i * NL
			return nil, fmt.Errorf("superres: seed %d, %s diverged at every learning rate of lrs %v (first non-finite loss at iteration %d for lr %v)",
				all[r].Seed, all[r].Variant, cfg.LRs, diverged[r], cfg.LRs[0])
		}
		run := all[i*NL+best]
		run.ValJoint = scores
		f := res.Seeds[i/V].FloorsOf(run.Variant)
		for l := range L {
			run.T = append(run.T, firstProgress(res.Iters, run.SWD[l], f.Curve[l], progressAt))
		}
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

// gridCheckpoints are the iterations of the sample grid — 0, 5%, 12.5%, 25%,
// 50% and 100% of the steps, rounded down to whole graphs of unroll
// iterations — as a list and as a set.
func gridCheckpoints(steps, unroll int) ([]int, map[int]bool) {
	var its []int
	set := map[int]bool{}
	for _, f := range []float64{0, 0.05, 0.125, 0.25, 0.5, 1} {
		it := int(f*float64(steps)) / unroll * unroll
		if !set[it] {
			set[it] = true
			its = append(its, it)
		}
	}
	return its, set
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
	L, o := cfg.Levels(), cfg.Arch.Layout()
	t := NewTeacher(cfg.Teacher, rand.New(rand.NewPCG(uint64(seed), streamTeacher)))
	c := *t
	c.Independent = true
	d := &seedData{teacher: t}
	sr := SeedResult{Seed: seed}
	trng := rand.New(rand.NewPCG(uint64(seed), streamTrain))
	erng := rand.New(rand.NewPCG(uint64(seed), streamEval))
	dims := 0
	for l := range L {
		d.dirs = append(d.dirs, Directions(cfg.Projections, Pixels(l+1), erng))
		dims += Pixels(l + 1)
	}
	d.dirsJ = Directions(cfg.Projections, dims, erng)
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
	// distances is SWD per level and jointly between the levels of two samples.
	distances := func(a, b [][][]float64) (level []float64, j float64) {
		for l := range L {
			level = append(level, SWD(a[l], b[l], d.dirs[l]))
		}
		return level, SWD(joint(a), joint(b), d.dirsJ)
	}
	for k, te := range teachers {
		trng, vrng, erng := rngs[k][0], rngs[k][1], rngs[k][2]
		d.train[k] = te.Draw(cfg.TrainSamples, trng).Finest()
		d.valJ[k] = NewSliced(joint(o.levels(te.Draw(cfg.ValSamples, vrng).Finest())), d.dirsJ)
		ev := te.Draw(N, erng)
		parts := o.levels(ev.Finest()) // the test split's levels
		for l, part := range parts {
			d.curve[k] = append(d.curve[k], NewSliced(part[:NC], d.dirs[l]))
			d.test[k] = append(d.test[k], NewSliced(part, d.dirs[l]))
		}
		d.testJ[k] = NewSliced(joint(parts), d.dirsJ)
		if k == 0 {
			for l := range L {
				sr.TeacherActive = append(sr.TeacherActive, ActiveRate(ev.S[l]))
				sr.TeacherRates = append(sr.TeacherRates, unitRates(ev.S[l]))
			}
		}
		// Floors: disjoint pairs of fresh teacher samples, at the final and the curve sizes.
		f := Floors{Level: make([]float64, L), Curve: make([]float64, L)}
		for range cfg.FloorPairs {
			a, b := o.levels(te.Draw(N, erng).Finest()), o.levels(te.Draw(N, erng).Finest())
			level, j := distances(a, b)
			for l := range L {
				f.Level[l] += level[l] / float64(cfg.FloorPairs)
				f.Curve[l] += SWD(a[l][:NC], b[l][:NC], d.dirs[l]) / float64(cfg.FloorPairs)
			}
			f.Joint += j / float64(cfg.FloorPairs)
		}
		sr.Floors = append(sr.Floors, f)
	}
	// The null of FSR-4: no-structure samples against the teacher's.
	null := o.levels(c.Draw(N, erng).Finest())
	for l, part := range null {
		sr.Null = append(sr.Null, d.test[0][l].SWD(part))
	}
	sr.NullJoint = d.testJ[0].SWD(joint(null))
	// Chance level of atom recovery: H₁ random unit rows.
	sr.ChanceCos = bestCos(t.M1(), Directions(cfg.Arch.H[0], Pixels(1), erng))
	if seed == cfg.Seed {
		sr.Atoms = t.M1()
	}
	return d, sr
}

// levels splits finest images x [n][Pixels(L)] into the level-1 image
// AvgPool₂^(L−1)(X) and the detail residual of each level ℓ ≥ 2,
// R_ℓ(AvgPool₂^(L−ℓ) X): [level][n][Pixels(ℓ)].
func (o Layout) levels(x [][]float64) [][][]float64 {
	out := make([][][]float64, o.L)
	for _, img := range x {
		for l := o.L - 1; l >= 0; l-- {
			if l == 0 {
				out[0] = append(out[0], img)
				break
			}
			out[l] = append(out[l], Residual(img, o.Side(l+1)))
			img = AvgPool2(img, o.Side(l+1))
		}
	}
	return out
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

// levelMaps are the multi-scale discriminator's input maps as matrices on
// row vectors of finest images: the levels of the unit images, [level]
// [Pixels(L), Pixels(ℓ)] (P₁ = AvgPool₂^(L−1), P_ℓ = R_ℓ ∘ AvgPool₂^(L−ℓ)).
func (o Layout) levelMaps() [][]float64 {
	n := o.Pixels(o.L)
	out := make([][]float64, o.L)
	for l := range out {
		out[l] = make([]float64, n*o.Pixels(l+1))
	}
	for q := range n {
		e := make([]float64, n)
		e[q] = 1
		for l, part := range o.levels([][]float64{e}) {
			copy(out[l][q*o.Pixels(l+1):], part[0])
		}
	}
	return out
}

func identity(n int) []float64 {
	m := make([]float64, n*n)
	for i := range n {
		m[i*n+i] = 1
	}
	return m
}

// randomProjection is a [n, k] matrix with orthonormal columns (Gram–Schmidt
// of Gaussian vectors): one of the single-scale D's views of X.
func randomProjection(rng *rand.Rand, n, k int) []float64 {
	cols := make([][]float64, 0, k)
	for len(cols) < k {
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		for _, c := range cols {
			axpy(v, -dot(v, c), c)
		}
		scale(v, 1/norm(v))
		cols = append(cols, v)
	}
	m := make([]float64, n*k)
	for q := range n {
		for p := range k {
			m[q*k+p] = cols[p][q]
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
