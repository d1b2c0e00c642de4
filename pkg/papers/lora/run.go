package lora

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"theorylab/models/lowrank"
	"theorylab/models/mlp"
	"theorylab/pkg/backend"
	"theorylab/pkg/claims"
	"theorylab/pkg/linalg"
	"theorylab/pkg/progress"
	"theorylab/pkg/runs"
	"theorylab/pkg/train"
)

// Seed streams. Every random choice has its own stream, derived from a run's
// seed s as s·65536 + tag, and for the adaptation runs also from the
// variant's index v (s·65536 + (v+1)·256 + tag), so that every method and
// every rank draws its own head, adapter and batch order: the rank-8 adapter
// is not the first rows of the rank-64 one. (Each seed's backbone starts from
// models/mlp's stream PCG(s, 0).) The runs of one seed at the different
// learning rates of the grid share their draws.
const (
	streamPretrainOrder = 1 // pretraining minibatch order
	streamHead          = 2 // the fresh 5-way head of an adaptation run
	streamAdaptOrder    = 3 // adaptation minibatch order
	streamAdapter       = 4 // LoRA's A (models/lowrank adds the layer index)
	streamBaseline      = 5 // Gaussian and random-subspace baselines
)

func stream(seed int, tag uint64) uint64 { return uint64(seed)<<16 | tag }

// variantStream is the stream of tag for variant vi of seed.
func variantStream(seed, vi int, tag uint64) uint64 { return uint64(seed)<<16 | uint64(vi+1)<<8 | tag }

// adamEpsilon is PyTorch's default ε (GoMLX's default is 1e-7); the spec's
// recipes come from PyTorch code.
const adamEpsilon = 1e-8

// Variant kinds.
const (
	KindHead = "head-only"
	KindFull = "full"
	KindLoRA = "lora"
)

// Pretrain is the pretraining on digits 0–4: one backbone per seed.
type Pretrain struct {
	Steps   int         `json:"steps"`
	Loss    runs.Series `json:"loss"`     // training loss per step, mean over seeds
	TestAcc runs.Series `json:"test_acc"` // accuracy on the 0–4 test images, per seed
	// Move is ‖W − W_init‖_F / ‖W_init‖_F of W₁ and W₂ after pretraining
	// ([layer][seed]): how far the pretrained weights are from their random
	// initialisation.
	Move [][]float64 `json:"move"`
	// Structure of W₀, [layer][seed]: its top singular values, and σ₁(W₀)
	// over σ₁ of a Gaussian matrix of the same shape scaled to the same
	// Frobenius norm (≈ 1 for a matrix without structure); InitRatio is the
	// same ratio for the random initialisation.
	TopSigma  [][][]float64 `json:"top_sigma"`
	Sigma1    [][]float64   `json:"sigma1_ratio"`
	InitRatio [][]float64   `json:"init_sigma1_ratio"`
}

// topSigmas is the number of singular values of W₀ kept in Pretrain.TopSigma.
const topSigmas = 5

// Variant is one adaptation method trained on every seed.
type Variant struct {
	Name      string      `json:"name"` // "head-only", "full FT", "LoRA r=4"
	Kind      string      `json:"kind"`
	Rank      int         `json:"rank,omitempty"`
	LR        float64     `json:"lr"`                 // the learning rate chosen on the validation split
	GridVal   []float64   `json:"grid_val"`           // median validation accuracy over seeds per LRGrid entry
	GridTest  []float64   `json:"grid_test"`          // median test accuracy per LRGrid entry (reported, never used to choose)
	Trainable int         `json:"trainable"`          // trainable values per run, as the training loop counts them
	Expected  int         `json:"expected_trainable"` // Σ r(d + k) + head (LoRA), head (head-only), all (full)
	Seeds     []int       `json:"seeds"`
	Acc       runs.Series `json:"acc"`        // 5–9 test accuracy per seed, in [0, 1]
	EpochLoss [][]float64 `json:"epoch_loss"` // [seed][epoch] mean training loss
	Seconds   float64     `json:"seconds"`

	// Engineering checks (LoRA variants; FrozenChanged also for head-only).
	InitMaxDiff     float64     `json:"init_max_diff,omitempty"`     // LORA-1: max |f_LoRA − f_base| before any step
	FrozenChanged   int         `json:"frozen_changed"`              // LORA-2: frozen values that differ from the pretrained ones
	MergeDiff       float64     `json:"merge_diff,omitempty"`        // LORA-3: max ‖f_merged − f_unmerged‖∞ over runs
	MergeScale      float64     `json:"merge_scale,omitempty"`       // max(1, ‖f‖∞)
	UnmergeErr      float64     `json:"unmerge_err,omitempty"`       // max |W − W₀| / max |W₀| after merge and unmerge
	MergeTwiceError string      `json:"merge_twice_error,omitempty"` // the refusal of a second merge ("" if it was accepted)
	RankRatio       float64     `json:"rank_ratio,omitempty"`        // LORA-4: max σ_{r+1}/σ₁ of ΔW over runs and layers
	AMove           [][]float64 `json:"a_move,omitempty"`            // [layer][seed] ‖A − A_init‖_F / ‖A_init‖_F
	DeltaNorm       [][]float64 `json:"delta_norm,omitempty"`        // [layer][seed] ‖ΔW‖_F
}

// Pitfall is the both-zero run of LORA-6: A = B = 0 at the start.
type Pitfall struct {
	Rank         int     `json:"rank"`
	Steps        int     `json:"steps"`
	GradMax      float64 `json:"grad_max"`       // max |∂L/∂A|, |∂L/∂B| at the start
	AdapterMax   float64 `json:"adapter_max"`    // max |A|, |B| after the steps
	NormalGradB  float64 `json:"normal_grad_b"`  // for contrast: max |∂L/∂B| with A random, B = 0
	ZeroInitLoss float64 `json:"zero_init_loss"` // loss of the first step
}

// Results is everything Run measures; Claims and the figures read only this.
type Results struct {
	Config   Config          `json:"config"`
	Backend  string          `json:"backend"`
	Data     DataInfo        `json:"data"`
	Pretrain Pretrain        `json:"pretrain"`
	Variants []Variant       `json:"variants"`
	Pitfall  Pitfall         `json:"pitfall"`
	Layers   []LayerAnalysis `json:"layers"` // Section 7, per adapted layer
	Picture  Picture         `json:"picture"`
	TrackB   *TrackBResults  `json:"track_b,omitempty"` // the Transformer track (full preset)
	Seconds  float64         `json:"seconds"`
}

// Picture holds the matrices of one adapter (first seed, rank AmpRank,
// layer W₁) for the schematic figure, in the paper's layout, averaged over
// Block×Block tiles along the long dimensions (B over Block rows, A over
// Block columns) to keep the figure small.
type Picture struct {
	Rank  int         `json:"rank"`
	D     int         `json:"d"`
	K     int         `json:"k"`
	Block int         `json:"block"`
	W0    [][]float64 `json:"w0"`    // ⌈d/Block⌉×⌈k/Block⌉
	A     [][]float64 `json:"a"`     // r×⌈k/Block⌉, after training
	B     [][]float64 `json:"b"`     // ⌈d/Block⌉×r, after training
	Delta [][]float64 `json:"delta"` // ⌈d/Block⌉×⌈k/Block⌉
}

// pictureBlock is the tile size of the schematic's matrices.
const pictureBlock = 4

// Network is the model of Track A: a ReLU MLP in → hidden → hidden → 5,
// backbone initialised Kaiming-normal (W ~ N(0, 2/fan_in), written as
// Xavier-normal with gain √((in+out)/in)), the head Xavier-normal, biases 0.
func Network(cfg Config) mlp.Config {
	in, h := cfg.Inputs(), cfg.Hidden
	return mlp.Config{Sizes: []int{in, h, h, len(AdaptClasses)}, Activation: "relu", Bias: true, OutputBias: true,
		Init: mlp.XavierNormal, Gains: []float64{kaimingGain(in, h), kaimingGain(h, h), 1}}
}

// kaimingGain turns Xavier-normal's std g·√(2/(in+out)) into He's √(2/in).
func kaimingGain(in, out int) float64 { return math.Sqrt(float64(in+out) / float64(in)) }

// Adapted is the LoRA network of rank r: adapters on W₁ and W₂, head and biases without.
func Adapted(cfg Config, rank int) lowrank.MLP {
	return lowrank.MLP{Base: Network(cfg), Layers: []int{0, 1}, Rank: rank, Alpha: cfg.Alpha}
}

// Run pretrains the backbone, adapts it with every variant on every seed,
// checks the engineering invariants and runs the Section-7 analyses. A run
// whose loss becomes NaN or infinite makes Run fail with an error naming it.
func Run(cfg Config) (*Results, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	be, err := backend.Get()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	ds, err := loadData(cfg)
	if err != nil {
		return nil, err
	}
	e := &experiment{cfg: cfg, be: be, ds: ds, net: Network(cfg), adapted: map[int]*adaptedRuns{}}
	if e.base, err = train.NewEvaluator(be, cfg.MergeCheckN, []int{ds.d}, e.net.Forward); err != nil {
		return nil, err
	}
	defer e.base.Finalize()
	specs := e.variantSpecs()
	total := cfg.PretrainEpochs * (ds.pre.n / cfg.Batch)
	for range specs {
		total += cfg.AdaptEpochs * (ds.adapt.n / cfg.Batch)
	}
	if b := cfg.Transformer; b != nil {
		total += b.PretrainSeqs/b.Batch + (len(b.QVRanks)+2)*(b.AdaptSeqs/b.Batch)
	}
	e.bar = progress.New(fmt.Sprintf("lora %s: pretrain + %d variants × %d seeds", cfg.Preset, len(specs), cfg.Seeds), total)
	res := &Results{Config: cfg, Backend: backend.Name(), Data: ds.info}
	if res.Pretrain, err = e.pretrain(); err != nil {
		return nil, err
	}
	for vi, s := range specs {
		v, err := e.adapt(vi, s)
		if err != nil {
			return nil, err
		}
		res.Variants = append(res.Variants, v)
	}
	if res.Pitfall, err = e.pitfall(); err != nil {
		return nil, err
	}
	for layer := range 2 {
		la, err := e.analyse(layer)
		if err != nil {
			return nil, err
		}
		res.Layers = append(res.Layers, la)
	}
	res.Picture = e.picture()
	if cfg.Transformer != nil {
		if res.TrackB, err = e.runTrackB(); err != nil {
			return nil, err
		}
	}
	res.Seconds = time.Since(start).Seconds()
	e.bar.Done(fmt.Sprintf("%d variants × %d seeds in %.1fs", len(specs), cfg.Seeds, res.Seconds))
	return res, nil
}

type variantSpec struct {
	kind string
	rank int
}

func (s variantSpec) name() string {
	switch s.kind {
	case KindHead:
		return "head-only"
	case KindFull:
		return "full FT"
	}
	return fmt.Sprintf("LoRA r=%d", s.rank)
}

// adaptedRuns keeps, for the analyses, the trained adapters of one rank on the host.
type adaptedRuns struct {
	layers [2]*lowrank.Layer // W₁, W₂ with A, B of every seed (unmerged)
	aInit  [2]*lowrank.Layer // the same at initialisation
}

type experiment struct {
	cfg        Config
	be         compute.Backend
	ds         *dataset
	net        mlp.Config
	pretrained []*tensors.Tensor // W₁, b₁, W₂, b₂, W_h, b_h, [S, …] float32: one backbone per seed
	initial    []*tensors.Tensor // the same before pretraining
	full       []*tensors.Tensor // full fine-tuning's parameters per seed, at its chosen learning rate
	adapted    map[int]*adaptedRuns
	base       *train.Evaluator // the plain network (no adapters), shared by every variant
	bar        progress.Reporter
	done       int
}

func (e *experiment) variantSpecs() []variantSpec {
	specs := []variantSpec{{kind: KindHead}, {kind: KindFull}}
	for _, r := range e.cfg.Ranks {
		specs = append(specs, variantSpec{kind: KindLoRA, rank: r})
	}
	return specs
}

func (e *experiment) seeds() []int {
	s := make([]int, e.cfg.Seeds)
	for i := range s {
		s[i] = e.cfg.Seed + i
	}
	return s
}

// xentLoss is the training loss: the mean softmax cross-entropy of the
// network's logits on a minibatch (batch[0]: x [R, B, D], batch[1]: one-hot [R, B, 5]).
func xentLoss(forward func(params []*Node, x *Node) *Node) train.BatchLossFn {
	return func(params, batch []*Node) *Node {
		return train.SoftmaxCrossEntropy(forward(params, batch[0]), batch[1])
	}
}

func (e *experiment) adam(lr float64) optimizer.Interface {
	return optimizer.Adam().LearningRate(lr).Epsilon(adamEpsilon).Done()
}

// pretrain trains one backbone per seed at once (a leading run axis) and
// measures how much structure its weights carry.
func (e *experiment) pretrain() (Pretrain, error) {
	cfg := e.cfg
	seeds := e.seeds()
	initSeeds, orderSeeds := make([]uint64, len(seeds)), make([]uint64, len(seeds))
	for i, sd := range seeds {
		initSeeds[i], orderSeeds[i] = uint64(sd), stream(sd, streamPretrainOrder)
	}
	init32, err := e.net.InitParams(initSeeds, dtypes.Float32)
	if err != nil {
		return Pretrain{}, err
	}
	names := []string{"W1", "b1", "W2", "b2", "Wh", "bh"}
	var params []train.Param
	e.initial = init32
	for i, p := range init32 {
		params = append(params, train.Param{Name: names[i], Value: p, Trainable: true})
	}
	forward := func(ps []*Node, x *Node) *Node { return e.net.Forward(ps, x) }
	opt := optimizer.Adam().LearningRate(cfg.PretrainLR).Epsilon(adamEpsilon).WeightDecay(cfg.PretrainWD).Done()
	mb, err := train.NewMinibatch(e.be, params, opt, xentLoss(forward))
	if err != nil {
		return Pretrain{}, err
	}
	defer mb.Finalize()
	batches, err := train.NewBatcher(e.ds.pre.n, cfg.Batch, orderSeeds)
	if err != nil {
		return Pretrain{}, err
	}
	out := Pretrain{Steps: cfg.PretrainEpochs * batches.StepsPerEpoch()}
	for step := range out.Steps {
		idx := batches.Next()
		losses, err := mb.Step(train.GatherRows(e.ds.pre.x, e.ds.d, idx), train.GatherRows(e.ds.pre.onehot, 5, idx))
		if err != nil {
			return out, fmt.Errorf("lora: pretraining diverged at step %d: %w", step, err)
		}
		out.Loss = append(out.Loss, mean(losses))
		e.tick(fmt.Sprintf("pretrain loss %.3f", losses[0]))
	}
	if e.pretrained, err = mb.Params(); err != nil {
		return out, err
	}
	if out.TestAcc, err = accuracy(e.base, e.pretrained, e.ds.test04); err != nil {
		return out, err
	}
	rng := rand.New(rand.NewPCG(stream(cfg.Seed, streamBaseline), 99))
	for layer := range 2 {
		var move, ratio, initRatio []float64
		var top [][]float64
		for run := range seeds {
			w0, wi := e.weight(e.pretrained, layer, run), e.weight(e.initial, layer, run)
			// Move = ‖W₀ − W_init‖_F / ‖W_init‖_F.
			move = append(move, linalg.Sub(w0, wi).Frobenius()/wi.Frobenius())
			s0, err := sigma1Ratio(w0, rng)
			if err != nil {
				return out, err
			}
			si, err := sigma1Ratio(wi, rng)
			if err != nil {
				return out, err
			}
			svd, err := linalg.SVD(w0)
			if err != nil {
				return out, err
			}
			ratio, initRatio = append(ratio, s0), append(initRatio, si)
			top = append(top, slices.Clone(svd.S[:min(topSigmas, len(svd.S))]))
		}
		out.Move, out.Sigma1, out.InitRatio = append(out.Move, move), append(out.Sigma1, ratio), append(out.InitRatio, initRatio)
		out.TopSigma = append(out.TopSigma, top)
	}
	return out, nil
}

// sigma1Ratio is σ₁(w) / σ₁(G) with G a Gaussian matrix of w's shape scaled
// to ‖G‖_F = ‖w‖_F (one draw; σ₁ of such a matrix concentrates).
func sigma1Ratio(w *linalg.Matrix, rng *rand.Rand) (float64, error) {
	sw, err := linalg.SVD(w)
	if err != nil {
		return 0, err
	}
	g := linalg.Gaussian(w.Rows, w.Cols, rng)
	sg, err := linalg.SVD(g)
	if err != nil {
		return 0, err
	}
	return sw.S[0] / (sg.S[0] * w.Frobenius() / g.Frobenius()), nil
}

// weight is run's W₁ (layer 0) or W₂ (layer 1) of a parameter list, in the
// paper's layout d×k (the tensors are [R, k, d]).
func (e *experiment) weight(params []*tensors.Tensor, layer, run int) *linalg.Matrix {
	t := params[2*layer]
	dims := t.Shape().Dimensions
	k, d := dims[1], dims[2]
	w := tensors.MustCopyFlatData[float32](t)[run*k*d : (run+1)*k*d]
	m := linalg.New(d, k)
	for in := range k {
		for out := range d {
			m.Set(out, in, float64(w[in*d+out]))
		}
	}
	return m
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func (e *experiment) tick(msg string) {
	e.done++
	e.bar.Update(e.done, msg)
}

// accuracy is each run's accuracy on a whole split.
func accuracy(ev *train.Evaluator, params []*tensors.Tensor, s split) ([]float64, error) {
	return ev.Accuracy(params, s.x, s.n, len(AdaptClasses), s.labels)
}

// adapt trains one variant on every seed and every learning rate of the
// grid at once: run q = s·G + g is seed s at LRGrid[g]. Adam runs at the
// grid's smallest rate η₀ and every trainable parameter θ of run q is stored
// as φ = θ/c_q with c_q = LRGrid[g]/η₀ (the forward pass uses θ = c_q·φ):
// Adam's step on φ is scale-free, so θ moves as under Adam at rate c_q·η₀
// (with ε/c_q in place of ε; ε = 1e-8). The grid entry with the best median
// validation accuracy over seeds is kept (ties: the smaller rate).
func (e *experiment) adapt(vi int, s variantSpec) (Variant, error) {
	cfg := e.cfg
	start := time.Now()
	seeds := e.seeds()
	S, G := len(seeds), len(cfg.LRGrid)
	R := S * G
	v := Variant{Name: s.name(), Kind: s.kind, Rank: s.rank, Seeds: seeds}

	// Each seed's pretrained backbone, one copy per grid entry, and a fresh head per run.
	base := make([]*tensors.Tensor, 4)
	for i := range base {
		base[i] = repeatRuns(e.pretrained[i], G)
	}
	headSeeds, adapterSeeds, orderSeeds := make([]uint64, R), make([]uint64, R), make([]uint64, R)
	scale := make([]float64, R) // c_q
	for q := range R {
		sd := seeds[q/G]
		headSeeds[q] = variantStream(sd, vi, streamHead)
		adapterSeeds[q] = variantStream(sd, vi, streamAdapter)
		orderSeeds[q] = variantStream(sd, vi, streamAdaptOrder)
		scale[q] = cfg.LRGrid[q%G] / cfg.LRGrid[0]
	}
	headCfg := mlp.Config{Sizes: []int{cfg.Hidden, len(AdaptClasses)}, Activation: "relu", OutputBias: true, Init: mlp.XavierNormal}
	head, err := headCfg.InitParams(headSeeds, dtypes.Float32)
	if err != nil {
		return v, err
	}
	names := []string{"W1", "b1", "W2", "b2", "Wh", "bh", "A1", "B1", "A2", "B2"}
	values := append(slices.Clone(base), head...)
	headSize := cfg.Hidden*len(AdaptClasses) + len(AdaptClasses)
	var forward func(ps []*Node, x *Node) *Node
	var lm lowrank.MLP
	var adapters []*tensors.Tensor
	eval := e.base
	switch s.kind {
	case KindLoRA:
		lm = Adapted(cfg, s.rank)
		if adapters, err = lm.Init(adapterSeeds, dtypes.Float32); err != nil {
			return v, err
		}
		values = append(values, adapters...)
		forward = func(ps []*Node, x *Node) *Node { return lm.Forward(ps[:6], ps[6:], x) }
		if eval, err = train.NewEvaluator(e.be, cfg.MergeCheckN, []int{e.ds.d}, forward); err != nil {
			return v, err
		}
		defer eval.Finalize()
		v.Expected = lm.NumParams() + headSize
		// Before any step the adapted network is the base network (B = 0).
		fl, err := eval.Outputs(values, e.ds.test59.x, cfg.MergeCheckN)
		if err != nil {
			return v, err
		}
		fb, err := e.base.Outputs(values[:6], e.ds.test59.x, cfg.MergeCheckN)
		if err != nil {
			return v, err
		}
		v.InitMaxDiff = maxAbsDiff(fl, fb)
	case KindHead:
		forward = e.net.Forward
		v.Expected = headSize
	case KindFull:
		forward = e.net.Forward
		v.Expected = e.net.NumParams()
	}
	trainable := func(i int) bool { return i >= 4 || s.kind == KindFull }
	var params []train.Param
	for i, t := range values {
		if trainable(i) {
			t = scaleRuns(t, scale, true) // φ = θ/c
		}
		params = append(params, train.Param{Name: names[i], Value: t, Trainable: trainable(i)})
	}
	// θ = c·φ inside the graph, c [R] broadcast over each parameter's shape.
	scaled := func(ps []*Node, x *Node) *Node { return forward(scaleParams(ps, scale, trainable), x) }
	mb, err := train.NewMinibatch(e.be, params, e.adam(cfg.LRGrid[0]), xentLoss(scaled))
	if err != nil {
		return v, err
	}
	defer mb.Finalize()
	v.Trainable = mb.NumTrainable()
	batches, err := train.NewBatcher(e.ds.adapt.n, cfg.Batch, orderSeeds)
	if err != nil {
		return v, err
	}
	epochLoss := make([][]float64, R)
	for epoch := range cfg.AdaptEpochs {
		sums := make([]float64, R)
		for range batches.StepsPerEpoch() {
			idx := batches.Next()
			losses, err := mb.Step(train.GatherRows(e.ds.adapt.x, e.ds.d, idx), train.GatherRows(e.ds.adapt.onehot, 5, idx))
			if err != nil {
				var d *train.DivergedError
				if errors.As(err, &d) {
					// A diverging grid entry is a legitimate outcome of the grid,
					// but the shared step cannot go on: report it by name.
					return v, fmt.Errorf("lora: %s seed %d at lr %g diverged in epoch %d: %w", v.Name, seeds[d.Run/G], cfg.LRGrid[d.Run%G], epoch, err)
				}
				return v, err
			}
			for r, l := range losses {
				sums[r] += l
			}
			e.tick(fmt.Sprintf("%s epoch %d loss %.3f", v.Name, epoch+1, losses[0]))
		}
		for r := range R {
			epochLoss[r] = append(epochLoss[r], sums[r]/float64(batches.StepsPerEpoch()))
		}
	}
	final, err := mb.Params()
	if err != nil {
		return v, err
	}
	for i := range final {
		if trainable(i) {
			final[i] = scaleRuns(final[i], scale, false) // θ = c·φ
		}
	}
	val, err := accuracy(eval, final, e.ds.val)
	if err != nil {
		return v, err
	}
	test, err := accuracy(eval, final, e.ds.test59)
	if err != nil {
		return v, err
	}
	// The learning rate: best median validation accuracy over seeds.
	var best int
	v.GridVal, v.GridTest, best = chooseLR(val, test, G)
	v.LR = cfg.LRGrid[best]
	chosen := make([]int, S)
	for si := range S {
		chosen[si] = si*G + best
		v.Acc = append(v.Acc, test[chosen[si]])
		v.EpochLoss = append(v.EpochLoss, epochLoss[chosen[si]])
	}
	// The frozen backbone is bit-identical to the pretrained one (every run).
	if s.kind != KindFull {
		for i := range base {
			v.FrozenChanged += countChanged(base[i], final[i])
		}
	}
	kept := make([]*tensors.Tensor, len(final))
	for i, t := range final {
		kept[i] = selectRuns(t, chosen)
	}
	switch s.kind {
	case KindLoRA:
		init := make([]*tensors.Tensor, len(adapters))
		for i, t := range adapters {
			init[i] = selectRuns(t, chosen)
		}
		if err := e.loraChecks(&v, lm, eval, kept, init); err != nil {
			return v, err
		}
	case KindFull:
		e.full = kept
	}
	v.Seconds = time.Since(start).Seconds()
	return v, nil
}

// chooseLR picks a learning rate from a grid of G rates run on every seed
// (run q = s·G + g is seed s at rate g): gridVal and gridTest are the
// medians over seeds of the validation and test scores per rate, and best
// is the rate with the highest median validation score (ties: the smaller
// rate, the first in the grid). The test scores are reported, never used.
func chooseLR(val, test []float64, G int) (gridVal, gridTest []float64, best int) {
	S := len(val) / G
	for g := range G {
		vals, tests := make([]float64, S), make([]float64, S)
		for si := range S {
			vals[si], tests[si] = val[si*G+g], test[si*G+g]
		}
		gridVal = append(gridVal, claims.Median(vals))
		gridTest = append(gridTest, claims.Median(tests))
		if gridVal[g] > gridVal[best] {
			best = g
		}
	}
	return gridVal, gridTest, best
}

// loraChecks measures LORA-3 and LORA-4 on the trained adapters and keeps
// them on the host for the Section-7 analyses.
func (e *experiment) loraChecks(v *Variant, lm lowrank.MLP, eval *train.Evaluator, final, init []*tensors.Tensor) error {
	cfg := e.cfg
	base, adapters := final[:6], final[6:]
	// LORA-3: merged outputs against unmerged ones on MergeCheckN test inputs.
	merged, err := lm.Merged(base, adapters)
	if err != nil {
		return err
	}
	fm, err := e.base.Outputs(merged, e.ds.test59.x, cfg.MergeCheckN)
	if err != nil {
		return err
	}
	fu, err := eval.Outputs(final, e.ds.test59.x, cfg.MergeCheckN)
	if err != nil {
		return err
	}
	v.MergeDiff = maxAbsDiff(fm, fu)
	v.MergeScale = 1
	for _, x := range fu {
		v.MergeScale = math.Max(v.MergeScale, math.Abs(float64(x)))
	}
	ar := &adaptedRuns{}
	secondMergeAccepted := false
	v.AMove = make([][]float64, 2)
	v.DeltaNorm = make([][]float64, 2)
	for j, c := range lm.Adapters() {
		wi := lm.WeightIndex(lm.Layers[j])
		layer, err := lowrank.NewLayer(c, base[wi], adapters[2*j], adapters[2*j+1])
		if err != nil {
			return err
		}
		start, err := lowrank.NewLayer(c, base[wi], init[2*j], init[2*j+1])
		if err != nil {
			return err
		}
		ar.layers[j], ar.aInit[j] = layer, start
		// Merge, a refused second merge, unmerge: W₀ comes back to rounding.
		probe := *layer
		probe.W = slices.Clone(layer.W)
		if err := probe.Merge(); err != nil {
			return err
		}
		if err := probe.Merge(); err != nil {
			if j == 0 {
				v.MergeTwiceError = err.Error()
			}
		} else {
			secondMergeAccepted = true
		}
		if err := probe.Unmerge(); err != nil {
			return err
		}
		var diff, norm float64
		for i, w := range layer.W {
			diff = math.Max(diff, math.Abs(probe.W[i]-w))
			norm = math.Max(norm, math.Abs(w))
		}
		v.UnmergeErr = math.Max(v.UnmergeErr, diff/norm)
		// LORA-4: ΔW has rank r.
		for run := range layer.Runs {
			delta, err := layer.Delta(run)
			if err != nil {
				return err
			}
			svd, err := linalg.SVD(delta)
			if err != nil {
				return err
			}
			if c.Rank < len(svd.S) && svd.S[0] > 0 {
				v.RankRatio = math.Max(v.RankRatio, svd.S[c.Rank]/svd.S[0])
			}
			v.DeltaNorm[j] = append(v.DeltaNorm[j], delta.Frobenius())
			a0, a1 := aMatrix(start, run), aMatrix(layer, run)
			v.AMove[j] = append(v.AMove[j], linalg.Sub(a1, a0).Frobenius()/a0.Frobenius())
		}
	}
	if secondMergeAccepted {
		v.MergeTwiceError = "" // a layer accepted a second merge: LORA-3 fails
	}
	e.adapted[v.Rank] = ar
	return nil
}

// aMatrix is run's A (r×k) of a layer.
func aMatrix(l *lowrank.Layer, run int) *linalg.Matrix {
	r, k := l.Config.Rank, l.Config.In
	m, _ := linalg.FromSlice(r, k, slices.Clone(l.A[run*r*k:(run+1)*r*k]))
	return m
}

// pitfall trains a rank-AmpRank adapter started with A = B = 0 for
// PitfallSteps steps (LORA-6) and measures the gradients at the start.
func (e *experiment) pitfall() (Pitfall, error) {
	cfg := e.cfg
	p := Pitfall{Rank: cfg.AmpRank, Steps: cfg.PitfallSteps}
	seed := []uint64{stream(cfg.Seed, streamAdapter)}
	lm := Adapted(cfg, cfg.AmpRank)
	normal, err := lm.Init(seed, dtypes.Float32)
	if err != nil {
		return p, err
	}
	lm.InitA = lowrank.ZeroA
	zero, err := lm.Init(seed, dtypes.Float32)
	if err != nil {
		return p, err
	}
	headCfg := mlp.Config{Sizes: []int{cfg.Hidden, len(AdaptClasses)}, Activation: "relu", OutputBias: true, Init: mlp.XavierNormal}
	head, err := headCfg.InitParams([]uint64{stream(cfg.Seed, streamHead)}, dtypes.Float32)
	if err != nil {
		return p, err
	}
	var base []*tensors.Tensor
	for _, t := range e.pretrained[:4] {
		base = append(base, selectRuns(t, []int{0})) // the first seed's backbone
	}
	base = append(base, head...)
	batches, err := train.NewBatcher(e.ds.adapt.n, cfg.Batch, []uint64{stream(cfg.Seed, streamAdaptOrder)})
	if err != nil {
		return p, err
	}
	idx := batches.Next()
	x, y := train.GatherRows(e.ds.adapt.x, e.ds.d, idx), train.GatherRows(e.ds.adapt.onehot, 5, idx)
	// Gradients of the loss with respect to A₁, B₁, A₂, B₂ on the first batch.
	gradMax := func(adapters []*tensors.Tensor, which []int) (float64, error) {
		exec, err := NewExec(e.be, func(in []*Node) []*Node {
			ps, ad := in[:6], in[6:10]
			l := train.SoftmaxCrossEntropy(lm.Forward(ps, ad, in[10]), in[11])
			return Gradient(ReduceAllSum(l), ad...)
		})
		if err != nil {
			return 0, err
		}
		defer exec.Finalize()
		var args []any
		for _, t := range append(append(slices.Clone(base), adapters...), x, y) {
			args = append(args, t)
		}
		grads, err := exec.Call(args...)
		if err != nil {
			return 0, err
		}
		m := 0.0
		for _, i := range which {
			g, err := tensors.CopyFlatData[float32](grads[i])
			if err != nil {
				return 0, err
			}
			for _, v := range g {
				m = math.Max(m, math.Abs(float64(v)))
			}
		}
		return m, nil
	}
	if p.GradMax, err = gradMax(zero, []int{0, 1, 2, 3}); err != nil {
		return p, err
	}
	if p.NormalGradB, err = gradMax(normal, []int{1, 3}); err != nil {
		return p, err
	}
	// Train from A = B = 0 with Adam, as a LoRA variant would be trained.
	names := []string{"W1", "b1", "W2", "b2", "Wh", "bh", "A1", "B1", "A2", "B2"}
	var params []train.Param
	for i, t := range append(slices.Clone(base), zero...) {
		params = append(params, train.Param{Name: names[i], Value: t, Trainable: i >= 4})
	}
	forward := func(ps []*Node, x *Node) *Node { return lm.Forward(ps[:6], ps[6:], x) }
	mb, err := train.NewMinibatch(e.be, params, e.adam(cfg.LRGrid[0]), xentLoss(forward))
	if err != nil {
		return p, err
	}
	defer mb.Finalize()
	for step := range cfg.PitfallSteps {
		if step > 0 {
			idx = batches.Next()
			x, y = train.GatherRows(e.ds.adapt.x, e.ds.d, idx), train.GatherRows(e.ds.adapt.onehot, 5, idx)
		}
		losses, err := mb.Step(x, y)
		if err != nil {
			return p, err
		}
		if step == 0 {
			p.ZeroInitLoss = losses[0]
		}
	}
	final, err := mb.Params()
	if err != nil {
		return p, err
	}
	for _, t := range final[6:] {
		vals, err := tensors.CopyFlatData[float32](t)
		if err != nil {
			return p, err
		}
		for _, v := range vals {
			p.AdapterMax = math.Max(p.AdapterMax, math.Abs(float64(v)))
		}
	}
	return p, nil
}

// picture keeps the first seed's rank-AmpRank adapter of W₁ for the schematic.
func (e *experiment) picture() Picture {
	ar := e.adapted[e.cfg.AmpRank]
	if ar == nil {
		return Picture{}
	}
	l := ar.layers[0]
	w0, _ := l.Weight(0)
	delta, _ := l.Delta(0)
	r, k, d := l.Config.Rank, l.Config.In, l.Config.Out
	a, _ := linalg.FromSlice(r, k, l.A[:r*k])
	b, _ := linalg.FromSlice(d, r, l.B[:d*r])
	bl := pictureBlock
	return Picture{Rank: r, D: d, K: k, Block: bl, W0: tiles(w0, bl, bl), A: tiles(a, 1, bl), B: tiles(b, bl, 1), Delta: tiles(delta, bl, bl)}
}

// tiles averages m over tiles of br rows × bc columns (the last tiles may be smaller).
func tiles(m *linalg.Matrix, br, bc int) [][]float64 {
	rows, cols := (m.Rows+br-1)/br, (m.Cols+bc-1)/bc
	out := make([][]float64, rows)
	for i := range out {
		out[i] = make([]float64, cols)
		for j := range cols {
			var s float64
			n := 0
			for a := i * br; a < min((i+1)*br, m.Rows); a++ {
				for b := j * bc; b < min((j+1)*bc, m.Cols); b++ {
					s += m.At(a, b)
					n++
				}
			}
			out[i][j] = s / float64(n)
		}
	}
	return out
}

// replicate stacks R copies of a [1, …] tensor along the run axis.
func replicate(t *tensors.Tensor, R int) *tensors.Tensor {
	v := tensors.MustCopyFlatData[float32](t)
	out := make([]float32, 0, R*len(v))
	for range R {
		out = append(out, v...)
	}
	dims := slices.Clone(t.Shape().Dimensions)
	dims[0] = R
	return tensors.FromFlatDataAndDimensions(out, dims...)
}

// countChanged is the number of values that differ bit for bit.
func countChanged(a, b *tensors.Tensor) int {
	x, y := tensors.MustCopyFlatData[float32](a), tensors.MustCopyFlatData[float32](b)
	if len(x) != len(y) {
		return max(len(x), len(y))
	}
	n := 0
	for i := range x {
		if math.Float32bits(x[i]) != math.Float32bits(y[i]) {
			n++
		}
	}
	return n
}

func maxAbsDiff(a, b []float32) float64 {
	m := 0.0
	for i := range a {
		m = math.Max(m, math.Abs(float64(a[i])-float64(b[i])))
	}
	return m
}

// scaleParams multiplies run q of every parameter i with trainable(i) by
// scale[q] inside the graph (θ = c·φ; see adapt): with Adam at rate η₀,
// run q then trains as under Adam at rate scale[q]·η₀.
func scaleParams(ps []*Node, scale []float64, trainable func(int) bool) []*Node {
	out := slices.Clone(ps)
	for i, p := range ps {
		if !trainable(i) {
			continue
		}
		c := Const(p.Graph(), toFloat32(scale)) // [R]
		dims := p.Shape().Dimensions
		shape := make([]int, len(dims))
		for j := range shape {
			shape[j] = 1
		}
		shape[0] = len(scale)
		out[i] = Mul(p, BroadcastToDims(Reshape(ConvertDType(c, p.DType()), shape...), dims...))
	}
	return out
}

// repeatRuns repeats every run of an [S, …] tensor G times: [S·G, …], run s·G + g = run s.
func repeatRuns(t *tensors.Tensor, G int) *tensors.Tensor {
	v := tensors.MustCopyFlatData[float32](t)
	dims := slices.Clone(t.Shape().Dimensions)
	size := len(v) / dims[0]
	out := make([]float32, 0, G*len(v))
	for s := range dims[0] {
		for range G {
			out = append(out, v[s*size:(s+1)*size]...)
		}
	}
	dims[0] *= G
	return tensors.FromFlatDataAndDimensions(out, dims...)
}

// selectRuns keeps the runs idx of an [R, …] tensor, in that order.
func selectRuns(t *tensors.Tensor, idx []int) *tensors.Tensor {
	v := tensors.MustCopyFlatData[float32](t)
	dims := slices.Clone(t.Shape().Dimensions)
	size := len(v) / dims[0]
	out := make([]float32, 0, len(idx)*size)
	for _, q := range idx {
		out = append(out, v[q*size:(q+1)*size]...)
	}
	dims[0] = len(idx)
	return tensors.FromFlatDataAndDimensions(out, dims...)
}

// scaleRuns multiplies run q of an [R, …] tensor by c[q] (divides if divide).
func scaleRuns(t *tensors.Tensor, c []float64, divide bool) *tensors.Tensor {
	v := tensors.MustCopyFlatData[float32](t)
	dims := t.Shape().Dimensions
	size := len(v) / dims[0]
	for q := range dims[0] {
		f := c[q]
		if divide {
			f = 1 / f
		}
		for i := q * size; i < (q+1)*size; i++ {
			v[i] = float32(float64(v[i]) * f)
		}
	}
	return tensors.FromFlatDataAndDimensions(v, dims...)
}

func toFloat32(xs []float64) []float32 {
	out := make([]float32, len(xs))
	for i, x := range xs {
		out[i] = float32(x)
	}
	return out
}
