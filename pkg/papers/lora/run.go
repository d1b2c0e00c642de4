package lora

import (
	"errors"
	"fmt"
	"math"
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
	"theorylab/pkg/linalg"
	"theorylab/pkg/progress"
	"theorylab/pkg/runs"
	"theorylab/pkg/train"
)

// Seed streams. Every random choice has its own stream, derived from a run's
// seed s as s·256 + tag (the pretrained network's initial weights use
// models/mlp's stream PCG(Seed, 0)):
const (
	streamPretrainOrder = 1 // pretraining minibatch order
	streamHead          = 2 // the fresh 5-way head of an adaptation run
	streamAdaptOrder    = 3 // adaptation minibatch order
	streamAdapter       = 4 // LoRA's A (models/lowrank adds the layer index)
	streamBaseline      = 5 // Gaussian and random-subspace baselines
)

func stream(seed int, tag uint64) uint64 { return uint64(seed)<<8 | tag }

// adamEpsilon is PyTorch's default ε (GoMLX's default is 1e-7); the spec's
// recipes come from PyTorch code.
const adamEpsilon = 1e-8

// Variant kinds.
const (
	KindHead = "head-only"
	KindFull = "full"
	KindLoRA = "lora"
)

// Pretrain is the pretraining run on digits 0–4.
type Pretrain struct {
	Steps   int         `json:"steps"`
	Loss    runs.Series `json:"loss"`     // training loss per step
	TestAcc float64     `json:"test_acc"` // accuracy on the 0–4 test images
	// Move is ‖W − W_init‖_F / ‖W_init‖_F of W₁ and W₂ after pretraining:
	// how far the pretrained weights are from their random initialisation.
	Move []float64 `json:"move"`
}

// Variant is one adaptation method trained on every seed.
type Variant struct {
	Name      string      `json:"name"` // "head-only", "full FT", "LoRA r=4"
	Kind      string      `json:"kind"`
	Rank      int         `json:"rank,omitempty"`
	LR        float64     `json:"lr"`
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
	for _, s := range specs {
		v, err := e.adapt(s)
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
	lr   float64
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
	pretrained []*tensors.Tensor // W₁, b₁, W₂, b₂, W_h, b_h, [1, …] float32
	initial    []*tensors.Tensor // the same before pretraining
	adapted    map[int]*adaptedRuns
	base       *train.Evaluator // the plain network (no adapters), shared by every variant
	bar        progress.Reporter
	done       int
}

func (e *experiment) variantSpecs() []variantSpec {
	specs := []variantSpec{{kind: KindHead, lr: e.cfg.HeadLR}, {kind: KindFull, lr: e.cfg.FullLR}}
	for _, r := range e.cfg.Ranks {
		specs = append(specs, variantSpec{kind: KindLoRA, rank: r, lr: e.cfg.LoRALR})
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

func (e *experiment) pretrain() (Pretrain, error) {
	cfg := e.cfg
	init32, err := e.net.InitParams([]uint64{uint64(cfg.Seed)}, dtypes.Float32)
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
	mb, err := train.NewMinibatch(e.be, params, e.adam(cfg.PretrainLR), xentLoss(forward))
	if err != nil {
		return Pretrain{}, err
	}
	defer mb.Finalize()
	batches, err := train.NewBatcher(e.ds.pre.n, cfg.Batch, []uint64{stream(cfg.Seed, streamPretrainOrder)})
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
		out.Loss = append(out.Loss, losses[0])
		e.tick(fmt.Sprintf("pretrain loss %.3f", losses[0]))
	}
	if e.pretrained, err = mb.Params(); err != nil {
		return out, err
	}
	for _, i := range []int{0, 2} { // W₁, W₂
		a, b := tensors.MustCopyFlatData[float32](init32[i]), tensors.MustCopyFlatData[float32](e.pretrained[i])
		var d2, n2 float64
		for j := range a {
			d := float64(b[j]) - float64(a[j])
			d2 += d * d
			n2 += float64(a[j]) * float64(a[j])
		}
		out.Move = append(out.Move, math.Sqrt(d2/n2))
	}
	acc, err := accuracy(e.base, e.pretrained, e.ds.test04)
	if err != nil {
		return out, err
	}
	out.TestAcc = acc[0]
	return out, nil
}

func (e *experiment) tick(msg string) {
	e.done++
	e.bar.Update(e.done, msg)
}

// accuracy is each run's accuracy on a whole split.
func accuracy(ev *train.Evaluator, params []*tensors.Tensor, s split) ([]float64, error) {
	return ev.Accuracy(params, s.x, s.n, len(AdaptClasses), s.labels)
}

// adapt trains one variant on every seed at once (a leading run axis).
func (e *experiment) adapt(s variantSpec) (Variant, error) {
	cfg := e.cfg
	start := time.Now()
	seeds := e.seeds()
	R := len(seeds)
	v := Variant{Name: s.name(), Kind: s.kind, Rank: s.rank, LR: s.lr, Seeds: seeds}

	// The pretrained backbone, one copy per run, and a fresh head per run.
	base := make([]*tensors.Tensor, 4)
	for i := range base {
		base[i] = replicate(e.pretrained[i], R)
	}
	headSeeds := make([]uint64, R)
	adapterSeeds := make([]uint64, R)
	orderSeeds := make([]uint64, R)
	for i, sd := range seeds {
		headSeeds[i] = stream(sd, streamHead)
		adapterSeeds[i] = stream(sd, streamAdapter)
		orderSeeds[i] = stream(sd, streamAdaptOrder)
	}
	headCfg := mlp.Config{Sizes: []int{cfg.Hidden, len(AdaptClasses)}, Activation: "relu", OutputBias: true, Init: mlp.XavierNormal}
	head, err := headCfg.InitParams(headSeeds, dtypes.Float32)
	if err != nil {
		return v, err
	}
	names := []string{"W1", "b1", "W2", "b2", "Wh", "bh", "A1", "B1", "A2", "B2"}
	var params []train.Param
	for i, p := range append(slices.Clone(base), head...) {
		params = append(params, train.Param{Name: names[i], Value: p, Trainable: i >= 4 || s.kind == KindFull})
	}
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
		for i, a := range adapters {
			params = append(params, train.Param{Name: names[6+i], Value: a, Trainable: true})
		}
		forward = func(ps []*Node, x *Node) *Node { return lm.Forward(ps[:6], ps[6:], x) }
		if eval, err = train.NewEvaluator(e.be, cfg.MergeCheckN, []int{e.ds.d}, forward); err != nil {
			return v, err
		}
		defer eval.Finalize()
		v.Expected = lm.NumParams() + headSize
		// LORA-1: before any step the adapted network is the base network.
		withHead := append(slices.Clone(base), head...)
		fl, err := eval.Outputs(append(slices.Clone(withHead), adapters...), e.ds.test59.x, cfg.MergeCheckN)
		if err != nil {
			return v, err
		}
		fb, err := e.base.Outputs(withHead, e.ds.test59.x, cfg.MergeCheckN)
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

	mb, err := train.NewMinibatch(e.be, params, e.adam(s.lr), xentLoss(forward))
	if err != nil {
		return v, err
	}
	defer mb.Finalize()
	v.Trainable = mb.NumTrainable()
	batches, err := train.NewBatcher(e.ds.adapt.n, cfg.Batch, orderSeeds)
	if err != nil {
		return v, err
	}
	v.EpochLoss = make([][]float64, R)
	for epoch := range cfg.AdaptEpochs {
		sums := make([]float64, R)
		for range batches.StepsPerEpoch() {
			idx := batches.Next()
			losses, err := mb.Step(train.GatherRows(e.ds.adapt.x, e.ds.d, idx), train.GatherRows(e.ds.adapt.onehot, 5, idx))
			if err != nil {
				var d *train.DivergedError
				if errors.As(err, &d) {
					return v, fmt.Errorf("lora: %s seed %d diverged in epoch %d: %w", v.Name, seeds[d.Run], epoch, err)
				}
				return v, err
			}
			for r, l := range losses {
				sums[r] += l
			}
			e.tick(fmt.Sprintf("%s epoch %d loss %.3f", v.Name, epoch+1, losses[0]))
		}
		for r := range R {
			v.EpochLoss[r] = append(v.EpochLoss[r], sums[r]/float64(batches.StepsPerEpoch()))
		}
	}
	final, err := mb.Params()
	if err != nil {
		return v, err
	}
	acc, err := accuracy(eval, final, e.ds.test59)
	if err != nil {
		return v, err
	}
	v.Acc = acc
	// LORA-2: the frozen backbone is bit-identical to the pretrained one.
	if s.kind != KindFull {
		for i := range base {
			v.FrozenChanged += countChanged(base[i], final[i])
		}
	}
	if s.kind == KindLoRA {
		if err := e.loraChecks(&v, lm, eval, final, adapters); err != nil {
			return v, err
		}
	}
	v.Seconds = time.Since(start).Seconds()
	return v, nil
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
	base := append(slices.Clone(e.pretrained[:4]), head...)
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
	mb, err := train.NewMinibatch(e.be, params, e.adam(cfg.LoRALR), xentLoss(forward))
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
