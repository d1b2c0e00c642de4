package multiview

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/patchnet"
	"theorylab/pkg/backend"
	"theorylab/pkg/tensorconv"
	"theorylab/pkg/viewdata"
)

// Seeds of replicate s (our construction, after the spec): data 1+s, test
// 1001+s, validation 2001+s; initialisations below, each + 1000·s. Students
// share the initialisation of one single (kdNull, selfNull), which is then
// their same-seed null: the spec's extra null models at no extra cost.
const (
	seedSingle = 100 // single i: 100 + i
	seedRF     = 500 // random-feature single i: 500 + i
	seedRFKD   = 600 // random-feature KD student i: 600 + i
)

// Model is one trained predictor (or an ensemble) measured on the test set.
type Model struct {
	Seed      int     `json:"seed"`
	LR        float64 `json:"lr"`
	Steps     int     `json:"steps"`      // stopping step
	Fit       bool    `json:"fit"`        // reached 100% training accuracy within the cap
	MultiAcc  float64 `json:"multi_acc"`  // test accuracy on multi-view examples
	SingleAcc float64 `json:"single_acc"` // test accuracy on single-view examples
	// Λ_{j,ℓ} at initialisation and at the end (patch networks only), [k][2]
	Lambda0 [][2]float64 `json:"lambda0,omitempty"`
	Lambda  [][2]float64 `json:"lambda,omitempty"`
	// single-view test error on examples whose strong view the model learned / dropped
	LearnedErr *float64 `json:"learned_err,omitempty"`
	DroppedErr *float64 `json:"dropped_err,omitempty"`
}

// LRChoice is one method's learning-rate choice on the validation split.
type LRChoice struct {
	Method string    `json:"method"`
	Grid   []float64 `json:"grid"`
	ValAcc []float64 `json:"val_acc"` // mean validation accuracy of the method's runs per grid value
	Chosen float64   `json:"chosen"`
}

// Replicate is the whole experiment on one data seed.
type Replicate struct {
	DataSeed int     `json:"data_seed"`
	Singles  []Model `json:"singles"`
	Ensemble Model   `json:"ensemble"` // mean of the singles' logits
	KD       []Model `json:"kd"`       // KD students of the ensemble
	KDNull   []Model `json:"kd_null"`  // same-seed models trained without a teacher
	Self     []Model `json:"self"`     // self-distillation student i of single i
	SelfNull []Model `json:"self_null"`
	Average  *Model  `json:"average,omitempty"` // the jointly trained average of Singles parameter sets (when Config.Average)

	RFSingles  []Model `json:"rf_singles"`
	RFEnsemble Model   `json:"rf_ensemble"`
	RFKD       []Model `json:"rf_kd"`
	RFAverage  Model   `json:"rf_average"`

	LR []LRChoice `json:"lr"`
	// Λ_{j,ℓ}(t) of the chosen-lr singles at every check: [check][single][k][2]
	LambdaSteps []int            `json:"lambda_steps"`
	LambdaTraj  [][][][2]float64 `json:"lambda_traj"`
}

// Results is everything Run measures; Claims and Figures read only this.
type Results struct {
	Config     Config        `json:"config"`
	Replicates []Replicate   `json:"replicates"`
	MNIST      *MNISTResults `json:"mnist,omitempty"` // the MNIST sanity check (when Config.MNIST)
	Seconds    float64       `json:"seconds"`
}

// Run performs the experiment for every data seed.
func Run(cfg Config) (*Results, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	be, err := backend.Get()
	if err != nil {
		return nil, err
	}
	res := &Results{Config: cfg}
	for _, s := range cfg.SeedList() {
		rep, err := runReplicate(be, cfg, s)
		if err != nil {
			return nil, fmt.Errorf("data seed %d: %w", 1+s, err)
		}
		res.Replicates = append(res.Replicates, *rep)
	}
	if cfg.MNIST != nil {
		if res.MNIST, err = runMNIST(be, cfg); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// sets holds the three data sets of a replicate: 0 train, 1 validation, 2 test.
type sets [3]*viewdata.Set

func runReplicate(be compute.Backend, cfg Config, s int) (*Replicate, error) {
	var ds sets
	var err error
	for i, spec := range []struct{ n, seed int }{{cfg.Train, 1 + s}, {cfg.Val, 2001 + s}, {cfg.Test, 1001 + s}} {
		if ds[i], err = viewdata.Generate(cfg.Data, spec.n, uint64(spec.seed)); err != nil {
			return nil, err
		}
	}
	k, P, d := cfg.Data.K, cfg.Data.P, cfg.Data.D
	net := patchnet.Config{K: k, M: cfg.M, D: d, Q: cfg.Q, Rho: cfg.Rho, Sigma0: cfg.Sigma0}
	onehot := oneHot(ds[0].Y, k)
	rep := &Replicate{DataSeed: 1 + s}
	off := 1000 * s

	// --- patch networks ---
	xTrain := tensors.FromFlatDataAndDimensions(ds[0].X, cfg.Train, P, d)
	pe, err := newPatchEval(be, func(w, x *Node) *Node { return net.Logits(w, x) }, cfg.Train)
	if err != nil {
		return nil, err
	}
	defer pe.exec.Finalize()
	pbank := bank{k: k,
		logits: func(w *Node) *Node { return net.Logits(w, Const(w.Graph(), xTrain)) },
		eval: func(w *tensors.Tensor, set int) ([]float64, error) {
			return pe.run(w, ds[set].X, ds[set].N, P, d, k)
		}}

	// 1. plain training: the singles, every lr of the grid. Every student starts
	// from the initialisation of one single, which is its same-seed null.
	var plainSeeds []int
	for i := range cfg.Singles {
		plainSeeds = append(plainSeeds, seedSingle+i+off)
	}
	seeds, etas := grid(plainSeeds, cfg.LRs) // run index = lr·len(seeds) + seed
	nPlain := len(plainSeeds)
	w0 := net.Init(seeds)
	var traj [][][][2]float64
	var trajSteps []int
	plain, err := fit(be, "singles", pbank, objective{}, onehot, ds[0].Y, w0, etas, cfg.Cap, func(t int, w *tensors.Tensor) error {
		wf, err := tensorconv.Floats(w)
		if err != nil {
			return err
		}
		var row [][][2]float64
		for r := range len(seeds) {
			if r%nPlain < cfg.Singles {
				row = append(row, net.Lambda(wf, r))
			}
		}
		traj, trajSteps = append(traj, row), append(trajSteps, t)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("plain training: %w", err)
	}
	plainVal, plainTest, err := evalSets(pbank, plain.W)
	if err != nil {
		return nil, err
	}
	w0f, _ := tensorconv.Floats(w0)
	wf, err := tensorconv.Floats(plain.W)
	if err != nil {
		return nil, err
	}
	li := choose(rep, "single (and same-seed nulls)", cfg.LRs, plainVal, nPlain, 0, cfg.Singles, ds[1])
	pick := func(i int) int { return li*nPlain + i }
	mk := func(r int, test []float64, fr *fitResult, seed uint64) Model {
		return measure(test, r, k, ds[2], int(seed), fr.Etas[r], fr.Steps[r], fr.Fit[r])
	}
	for i := range cfg.Singles {
		r := pick(i)
		m := mk(r, plainTest, plain, seeds[r])
		m.Lambda0, m.Lambda = net.Lambda(w0f, r), net.Lambda(wf, r)
		viewErrors(&m, plainTest, r, k, ds[2], cfg.Rho)
		rep.Singles = append(rep.Singles, m)
	}
	for i := range cfg.KD {
		rep.KDNull = append(rep.KDNull, rep.Singles[kdNull(cfg, i)])
	}
	for i := range cfg.Self {
		rep.SelfNull = append(rep.SelfNull, rep.Singles[selfNull(cfg, i)])
	}
	for _, row := range traj {
		rep.LambdaTraj = append(rep.LambdaTraj, row[li*cfg.Singles:(li+1)*cfg.Singles])
	}
	rep.LambdaSteps = trajSteps
	singleRuns := make([]int, cfg.Singles)
	for i := range singleRuns {
		singleRuns[i] = pick(i)
	}
	// the ensemble: the mean of the singles' logits (not of their probabilities)
	rep.Ensemble = measure(meanLogits(plainTest, singleRuns, ds[2].N, k), 0, k, ds[2], -1, cfg.LRs[li], 0, true)

	// 2. distillation: KD students of the ensemble and self-distillation students of singles 0 … Self−1.
	trainPlain, err := pbank.eval(plain.W, 0)
	if err != nil {
		return nil, err
	}
	nT := cfg.Train * k
	ensTrain := meanLogits(trainPlain, singleRuns, cfg.Train, k)
	var studSeeds []int
	var teachers [][]float64
	for i := range cfg.KD {
		studSeeds = append(studSeeds, plainSeeds[kdNull(cfg, i)])
		teachers = append(teachers, ensTrain)
	}
	for i := range cfg.Self {
		studSeeds = append(studSeeds, plainSeeds[selfNull(cfg, i)])
		teachers = append(teachers, trainPlain[pick(i)*nT:(pick(i)+1)*nT])
	}
	sSeeds, sEtas := grid(studSeeds, cfg.LRs)
	nStud := len(studSeeds)
	var teacher, mix []float64
	for r := range sSeeds {
		teacher = append(teacher, teachers[r%nStud]...)
		mix = append(mix, cfg.KDMix)
	}
	stud, err := fit(be, "students (KD and self-distillation)", pbank, objective{Teacher: teacher, Mix: mix, Tau: cfg.Tau}, onehot, ds[0].Y,
		net.Init(sSeeds), sEtas, cfg.Cap, nil)
	if err != nil {
		return nil, fmt.Errorf("distillation: %w", err)
	}
	studVal, studTest, err := evalSets(pbank, stud.W)
	if err != nil {
		return nil, err
	}
	lk := choose(rep, "KD student", cfg.LRs, studVal, nStud, 0, cfg.KD, ds[1])
	ls := choose(rep, "self-distillation student", cfg.LRs, studVal, nStud, cfg.KD, cfg.KD+cfg.Self, ds[1])
	for i := range cfg.KD {
		r := lk*nStud + i
		rep.KD = append(rep.KD, mk(r, studTest, stud, sSeeds[r]))
	}
	for i := range cfg.Self {
		r := ls*nStud + cfg.KD + i
		rep.Self = append(rep.Self, mk(r, studTest, stud, sSeeds[r]))
	}

	// 3. train the average: Singles parameter sets trained on the CE of their mean logit (optional: slow).
	if cfg.Average {
		if err := runAverage(be, cfg, pbank, plainSeeds, net, onehot, ds, rep); err != nil {
			return nil, err
		}
	}

	// --- random features (the contrast) ---
	if err := runRF(be, cfg, ds, onehot, off, rep); err != nil {
		return nil, fmt.Errorf("random features: %w", err)
	}
	return rep, nil
}

// kdNull is the single whose initialisation KD student i shares: the last KD singles.
func kdNull(cfg Config, i int) int { return cfg.Singles - cfg.KD + i }

// selfNull is the single whose initialisation the self-distillation student
// of teacher i shares: the next single, i + 1 mod L (never its own teacher).
func selfNull(cfg Config, i int) int { return (i + 1) % cfg.Singles }

// runAverage trains Singles parameter sets jointly on the CE of their mean logit.
func runAverage(be compute.Backend, cfg Config, pbank bank, plainSeeds []int, net patchnet.Config, onehot *tensors.Tensor, ds sets, rep *Replicate) error {
	k := cfg.Data.K
	avgSeeds, avgEtas := grid(plainSeeds[:cfg.Singles], cfg.LRs)
	avg, err := fit(be, "the average of singles, trained jointly", pbank, objective{Group: cfg.Singles}, onehot, ds[0].Y, net.Init(avgSeeds), avgEtas, cfg.Cap, nil)
	if err != nil {
		return fmt.Errorf("train the average: %w", err)
	}
	avgVal, avgTest, err := evalSets(pbank, avg.W)
	if err != nil {
		return err
	}
	m := groupModel(rep, "train the average", cfg, avgVal, avgTest, avg, ds, k)
	rep.Average = &m
	return nil
}

// grid repeats the seeds for every learning rate: run r has seed
// seeds[r mod S] and lr lrs[r div S].
func grid(seeds []int, lrs []float64) ([]uint64, []float64) {
	var s []uint64
	var e []float64
	for _, lr := range lrs {
		for _, v := range seeds {
			s = append(s, uint64(v))
			e = append(e, lr)
		}
	}
	return s, e
}

func evalSets(b bank, w *tensors.Tensor) (val, test []float64, err error) {
	if val, err = b.eval(w, 1); err != nil {
		return
	}
	test, err = b.eval(w, 2)
	return
}

// choose picks the learning rate whose runs lo … hi−1 (of each block of
// size runs) have the best mean validation accuracy; ties keep the earlier
// grid value. It records the choice and returns the grid index.
func choose(rep *Replicate, method string, lrs []float64, val []float64, size, lo, hi int, set *viewdata.Set) int {
	k := len(val) / (len(lrs) * size * set.N)
	accs, _ := accuracyAll(val, len(lrs)*size, k, set.Y)
	c := LRChoice{Method: method, Grid: lrs}
	best := 0
	for li := range lrs {
		m := 0.0
		for i := lo; i < hi; i++ {
			m += accs[li*size+i] / float64(hi-lo)
		}
		c.ValAcc = append(c.ValAcc, m)
		if m > c.ValAcc[best] {
			best = li
		}
	}
	c.Chosen = lrs[best]
	rep.LR = append(rep.LR, c)
	return best
}

// groupModel chooses the lr of a group-trained bank (one group per lr) and measures the chosen group's mean logit.
func groupModel(rep *Replicate, method string, cfg Config, val, test []float64, fr *fitResult, ds sets, k int) Model {
	g := cfg.Singles
	var vals [][]float64
	for li := range cfg.LRs {
		runs := make([]int, g)
		for i := range runs {
			runs[i] = li*g + i
		}
		vals = append(vals, meanLogits(val, runs, ds[1].N, k))
	}
	flat := make([]float64, 0, len(cfg.LRs)*ds[1].N*k)
	for _, v := range vals {
		flat = append(flat, v...)
	}
	li := choose(rep, method, cfg.LRs, flat, 1, 0, 1, ds[1])
	runs := make([]int, g)
	for i := range runs {
		runs[i] = li*g + i
	}
	return measure(meanLogits(test, runs, ds[2].N, k), 0, k, ds[2], -1, cfg.LRs[li], fr.Steps[li*g], fr.Fit[li*g])
}

// accuracyAll is the accuracy of each of R runs' logits [R, n, k].
func accuracyAll(logits []float64, R, k int, labels []int) ([]float64, error) {
	return groupAccuracy(logits, R, 1, k, labels), nil
}

// meanLogits averages the logits [·, n, k] of the given runs: the ensemble's output.
func meanLogits(logits []float64, runs []int, n, k int) []float64 {
	out := make([]float64, n*k)
	for _, r := range runs {
		for i := range out {
			// G = (1/L) Σ_i F_i: the mean of logits
			out[i] += logits[r*n*k+i] / float64(len(runs))
		}
	}
	return out
}

// measure reads run r's test accuracy split into multi-view and single-view examples.
func measure(logits []float64, r, k int, test *viewdata.Set, seed int, lr float64, steps int, fit bool) Model {
	m := Model{Seed: seed, LR: lr, Steps: steps, Fit: fit}
	var nm, ns, cm, cs float64
	for i := range test.N {
		ok := argmax(logits[(r*test.N+i)*k:(r*test.N+i+1)*k]) == test.Y[i]
		if test.Single[i] {
			ns++
			if ok {
				cs++
			}
		} else {
			nm++
			if ok {
				cm++
			}
		}
	}
	m.MultiAcc, m.SingleAcc = cm/math.Max(nm, 1), cs/math.Max(ns, 1)
	return m
}

// viewErrors splits a single's single-view test error by whether the
// example's strong view was learned (Λ ≥ ϱ/2) or dropped by the model.
func viewErrors(m *Model, logits []float64, r, k int, test *viewdata.Set, rho float64) {
	var n, e [2]float64 // [learned, dropped]
	for i := range test.N {
		if !test.Single[i] {
			continue
		}
		j := test.Y[i]
		dropped := 0
		if m.Lambda[j][test.Main[i]] < 0.5*rho {
			dropped = 1
		}
		n[dropped]++
		if argmax(logits[(r*test.N+i)*k:(r*test.N+i+1)*k]) != j {
			e[dropped]++
		}
	}
	if n[0] > 0 {
		v := e[0] / n[0]
		m.LearnedErr = &v
	}
	if n[1] > 0 {
		v := e[1] / n[1]
		m.DroppedErr = &v
	}
}

func argmax(xs []float64) int {
	best := 0
	for j, v := range xs {
		if v > xs[best] {
			best = j
		}
	}
	return best
}

func oneHot(y []int, k int) *tensors.Tensor {
	v := make([]float64, len(y)*k)
	for i, c := range y {
		v[i*k+c] = 1
	}
	return tensors.FromFlatDataAndDimensions(v, len(y), k)
}

// unitRows draws F unit vectors in ℝ^d from PCG(seed, 0x7266).
func unitRows(F, d int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0x7266))
	u := make([]float64, F*d)
	for f := range F {
		norm := 0.0
		for j := range d {
			u[f*d+j] = rng.NormFloat64()
			norm += u[f*d+j] * u[f*d+j]
		}
		for j := range d {
			u[f*d+j] /= math.Sqrt(norm)
		}
	}
	return u
}
