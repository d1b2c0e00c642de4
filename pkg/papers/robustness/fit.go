package robustness

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"theorylab/models/twolayer"
	"theorylab/pkg/progress"
	"theorylab/pkg/tensorconv"
)

// Training methods.
const (
	// MethodPlain is the paper's training (without batch normalisation): Adam
	// on the mean squared loss, each network stopped at the first step after
	// which it memorizes its labels.
	MethodPlain = "plain"
	// MethodSmooth is our construction: the loss plus λ·mean ‖∇ₓf(z)‖² over
	// fresh random points z at every step, for a fixed number of steps. It
	// looks for the smoothest fit Adam can find, the fair test of a lower bound
	// that is claimed for every fit.
	MethodSmooth = "smooth"
)

// Label kinds.
const (
	// LabelsRandom: yᵢ uniform in {−1, +1}, independent of xᵢ — the paper's generic labels.
	LabelsRandom = "random"
	// LabelsTeacher: yᵢ = √d·(v·xᵢ) for a random unit vector v — a smooth
	// target with Lipschitz constant √d at every width: the null that keeps the
	// networks, the data and the training but removes the randomness of the
	// labels, which is the law's mechanism (our construction).
	LabelsTeacher = "teacher"
)

// Group is a set of networks trained by one Adam optimizer in one graph: one
// network per width and per run (data draw).
type Group struct {
	Name      string  `json:"name"`
	Method    string  `json:"method"`     // MethodPlain or MethodSmooth
	Labels    string  `json:"labels"`     // LabelsRandom or LabelsTeacher
	Bias      bool    `json:"bias"`       // hidden biases (false: Theorem 5's bias-free networks)
	InitScale float64 `json:"init_scale"` // the spec's initialisation multiplied by this
	// BatchNorm puts batch normalisation between the linear layer and the
	// ReLU (the paper's networks; plain Adam only); the trained network is
	// folded into a plain one with its training set's statistics.
	BatchNorm bool    `json:"batch_norm,omitempty"`
	Widths    []int   `json:"widths"`
	LR        float64 `json:"lr"` // Adam's learning rate at step 0 (cosine decay to MinLRFactor × LR)
}

// problem is the data of one training phase: R runs, each its own draw of n
// points in d dimensions with both label kinds.
type problem struct {
	N, D int
	Runs []draw
}

// trainOpts are the training settings shared by every group of a phase.
type trainOpts struct {
	Steps         int     // at most this many Adam steps (exactly this many for MethodSmooth)
	MinLRFactor   float64 // cosine decay from LR to MinLRFactor·LR over Steps
	Epsilon       float64 // memorization: mean squared error ≤ Epsilon
	Lambda        float64 // weight of the smoothness penalty
	PenaltyPoints int     // fresh z per step and run for the penalty
	DType         dtypes.DType
}

// trained is one network after training.
type trained struct {
	Init      twolayer.Net
	Final     twolayer.Net // at the stopping step (plain) or after the last step (smooth)
	Step      int          // steps taken by Final
	Memorized bool
	MSE       float64 // mean squared error of Final on its training set
	Wrong     int     // training points whose sign Final gets wrong (random labels)
}

// memorizes is the memorization filter: every sign right and mean squared
// error ≤ ε for random labels; mean squared error ≤ ε for the teacher null
// (whose targets are not signs).
func memorizes(labels string, mse float64, wrong int, eps float64) bool {
	if labels == LabelsTeacher {
		return mse <= eps
	}
	return wrong == 0 && mse <= eps
}

// Objective is what one group's Adam minimises: the widths of a concatenated
// bank side by side (seg is their segment indicator), R runs, inputs x
// [R, n, d], labels y [R, n], penalty points z [R, Z, d]. For each run and
// width j it is the mean squared loss, plus, for the smooth-fit variant
// (λ > 0), λ times the mean squared input-gradient norm over z:
//
//	L_j + λ·P_j,  L_j = (1/n) Σᵢ (f_j(xᵢ) − yᵢ)²,  P_j = (1/Z) Σ_z ‖∇ₓf_j(z)‖²
//
// summed over runs and widths into one scalar. The networks share no
// parameters, so each one's gradient is that of its own term.
func Objective(cfg twolayer.Config, p twolayer.Params, widths []int, seg, x, y, z *Node, lambda float64) *Node {
	f := cfg.ForwardSegments(p, x, seg)                      // [R, n, J]
	loss := ReduceMean(Square(Sub(f, InsertAxes(y, -1))), 1) // L_j for every run: [R, J]
	total := ReduceAllSum(loss)
	if lambda > 0 {
		var pens []*Node
		for _, grad := range cfg.InputGradSegments(p, z, widths) { // ∇ₓf_j(z): [R, Z, d] each
			pens = append(pens, ReduceMean(ReduceSum(Square(grad), -1), 1)) // P_j: [R]
		}
		total = Add(total, MulScalar(ReduceAllSum(Stack(pens, 0)), lambda)) // Σ (L_j + λ·P_j)
	}
	return total
}

// fitStats returns, per run and network, the mean squared error
// (1/n) Σᵢ (f(xᵢ) − yᵢ)² and the number of wrong signs, where a sign counts as
// wrong when f(xᵢ)·yᵢ ≤ 0: f [R, n, J] and y [R, n] give two [R, J] tensors.
func fitStats(f, y *Node) (mse, wrong *Node) {
	y = InsertAxes(y, -1) // [R, n, 1]
	mse = ReduceMean(Square(Sub(f, y)), 1)
	bad := ConvertDType(LessOrEqual(Mul(f, y), ZerosLike(f)), f.DType())
	return mse, ReduceSum(bad, 1)
}

// cosineLR is the learning rate at step t of T:
//
//	ηₜ = η_min + ½(η₀ − η_min)(1 + cos(π t/T)),  η_min = factor·η₀
func cosineLR(lr0, factor float64, t, total int) float64 {
	lrMin := factor * lr0
	return lrMin + 0.5*(lr0-lrMin)*(1+math.Cos(math.Pi*float64(t)/float64(total)))
}

// bankVars are the store variables of one group: every width side by side
// along the neuron axis (twolayer.SegmentMatrix), W [R, K, d], B [R, K] (nil
// when bias-free), A [R, K] with K = Σ widths.
type bankVars struct {
	cfg         twolayer.Config
	widths      []int
	seg         *tensors.Tensor // [K, J]
	w, b, a     *model.Variable
	gamma, beta *model.Variable // [R, K] each, batch-normalised groups only
}

func (bv bankVars) params(g *Graph) twolayer.Params {
	p := twolayer.Params{W: bv.w.NodeValue(g), A: bv.a.NodeValue(g)}
	if bv.b != nil {
		p.B = bv.b.NodeValue(g)
	}
	if bv.gamma != nil {
		p.Gamma, p.Beta = bv.gamma.NodeValue(g), bv.beta.NodeValue(g)
	}
	return p
}

// trainGroups trains every group on every run of p and returns the networks
// as out[group][width][run]. All groups share one graph; each has its own
// Adam (own scope, moments and learning rate), so a group's networks see only
// their own gradients and Adam, being element-wise, updates every network as
// if it were trained alone.
func trainGroups(be compute.Backend, p problem, groups []Group, opts trainOpts, inits func(g Group, k, run int) twolayer.Net, bar progress.Reporter) ([][][]trained, error) {
	bar = progress.OrSilent(bar)
	R := len(p.Runs)
	store := model.NewStore()
	root := store.RootScope()
	banks := make([]bankVars, len(groups))
	out := make([][][]trained, len(groups))
	anySmooth := false
	M := 0 // networks per run, over all groups
	for gi, g := range groups {
		if g.BatchNorm && g.Method != MethodPlain {
			return nil, fmt.Errorf("robustness: group %s: batch normalisation is only for plain Adam (the input-gradient penalty would depend on the batch)", g.Name)
		}
		anySmooth = anySmooth || g.Method == MethodSmooth
		M += len(g.Widths)
		out[gi] = make([][]trained, len(g.Widths))
		for wi := range g.Widths {
			out[gi][wi] = make([]trained, R)
		}
		cat := make([]twolayer.Net, R)
		for r := range R {
			nets := make([]twolayer.Net, len(g.Widths))
			for wi, k := range g.Widths {
				nets[wi] = inits(g, k, r)
				init := nets[wi].Clone()
				if g.BatchNorm { // γ = 1, β = 0 at the start
					init = twolayer.FoldBatchNorm(init, fill(k, 1), fill(k, 0), p.Runs[r].X)
				}
				out[gi][wi][r] = trained{Init: init, Step: -1}
			}
			var err error
			if cat[r], err = twolayer.Concat(nets); err != nil {
				return nil, err
			}
		}
		w, b, a, err := twolayer.ToTensors(cat, opts.DType)
		if err != nil {
			return nil, err
		}
		seg, err := twolayer.SegmentMatrix(g.Widths, opts.DType)
		if err != nil {
			return nil, err
		}
		s := root.At("g%d", gi)
		bv := bankVars{cfg: cat[0].Config(), widths: g.Widths, seg: seg, w: s.VariableWithValue("W", w), a: s.VariableWithValue("A", a)}
		if b != nil {
			bv.b = s.VariableWithValue("B", b)
		}
		if g.BatchNorm {
			K := bv.cfg.K
			one, _ := asTensor(opts.DType, fill(R*K, 1), R, K)
			zero, _ := asTensor(opts.DType, fill(R*K, 0), R, K)
			bv.gamma, bv.beta = s.VariableWithValue("Gamma", one), s.VariableWithValue("Beta", zero)
		}
		banks[gi] = bv
	}
	opt := make([]optimizer.Interface, len(groups))
	for gi, g := range groups {
		opt[gi] = optimizer.Adam().LearningRate(g.LR).Done()
	}
	exec, err := model.NewExec(be, store, func(scope *model.Scope, in []*Node) []*Node {
		x, yRand, yTeach, z, lr := in[0], in[1], in[2], in[3], in[4] // [R, n, d], [R, n], [R, n], [R, Z, d], [G]
		g := x.Graph()
		labels := func(grp Group) *Node {
			if grp.Labels == LabelsTeacher {
				return yTeach
			}
			return yRand
		}
		for gi, grp := range groups {
			bv := banks[gi]
			lambda := 0.0
			if grp.Method == MethodSmooth {
				lambda = opts.Lambda
			}
			total := Objective(bv.cfg, bv.params(g), bv.widths, Const(g, bv.seg), x, labels(grp), z, lambda)
			gs := scope.At("g%d", gi)
			// This step's learning rate ηₜ (cosine schedule, computed on the host).
			optimizer.LearningRateVar(gs, x.DType(), grp.LR).SetNodeValue(Reshape(Slice(lr, AxisRange(gi, gi+1))))
			opt[gi].UpdateGraph(gs, g, total)
		}
		// The memorization test at the updated parameters θₜ₊₁.
		var mses, wrongs []*Node
		for gi, grp := range groups {
			bv := banks[gi]
			mse, wrong := fitStats(bv.cfg.ForwardSegments(bv.params(g), x, Const(g, bv.seg)), labels(grp)) // [R, J] each
			mses = append(mses, mse)
			wrongs = append(wrongs, wrong)
		}
		return []*Node{Concatenate(mses, 1), Concatenate(wrongs, 1)} // [R, M] each
	})
	if err != nil {
		return nil, err
	}
	defer exec.Finalize()

	x, yr, yt := make([]float64, 0, R*p.N*p.D), make([]float64, 0, R*p.N), make([]float64, 0, R*p.N)
	for _, run := range p.Runs {
		x = append(x, run.X...)
		yr = append(yr, run.Y...)
		yt = append(yt, run.T...)
	}
	xT, err := asTensor(opts.DType, x, R, p.N, p.D)
	if err != nil {
		return nil, err
	}
	yrT, _ := asTensor(opts.DType, yr, R, p.N)
	ytT, _ := asTensor(opts.DType, yt, R, p.N)
	nz := 1
	if anySmooth {
		nz = opts.PenaltyPoints
	}
	zRNG := make([]*rand.Rand, R)
	for r, run := range p.Runs {
		zRNG[r] = rand.New(rand.NewPCG(run.Seed, streamPenalty))
	}
	zBuf := make([]float64, R*nz*p.D)
	lrs := make([]float64, len(groups))

	// How many plain networks are still to be stopped.
	open := 0
	for _, g := range groups {
		if g.Method == MethodPlain {
			open += len(g.Widths) * R
		}
	}
	var mse, wrong []float64
	step := 0
	for step < opts.Steps {
		if anySmooth {
			// Fresh z ~ N(0, I_d/d) for every run at every step.
			s := 1 / math.Sqrt(float64(p.D))
			for i := range zBuf {
				zBuf[i] = s * zRNG[i/(nz*p.D)].NormFloat64()
			}
		}
		zT, _ := asTensor(opts.DType, zBuf, R, nz, p.D)
		for gi, g := range groups {
			lrs[gi] = cosineLR(g.LR, opts.MinLRFactor, step, opts.Steps)
		}
		lrT, _ := asTensor(opts.DType, lrs, len(groups))
		outs, err := exec.Call(xT, yrT, ytT, zT, lrT)
		if err != nil {
			return nil, err
		}
		step++
		if mse, err = tensorconv.Floats(outs[0]); err != nil {
			return nil, err
		}
		if wrong, err = tensorconv.Floats(outs[1]); err != nil {
			return nil, err
		}
		m := 0
		for gi, g := range groups {
			var snap [][]twolayer.Net
			for wi := range g.Widths {
				for r := range R {
					l, wr := mse[r*M+m], int(wrong[r*M+m])
					if math.IsNaN(l) || math.IsInf(l, 0) {
						return nil, fmt.Errorf("robustness: group %s width %d run %d diverged at step %d (loss %v)", g.Name, g.Widths[wi], r, step, l)
					}
					t := &out[gi][wi][r]
					if g.Method != MethodPlain || t.Step >= 0 || !memorizes(g.Labels, l, wr, opts.Epsilon) {
						continue
					}
					if snap == nil {
						if snap, err = readBank(banks[gi], p); err != nil {
							return nil, err
						}
					}
					*t = trained{Init: t.Init, Final: snap[wi][r], Step: step, Memorized: true, MSE: l, Wrong: wr}
					open--
				}
				m++
			}
		}
		bar.Update(step, fmt.Sprintf("%d plain fits still training", open))
		if open == 0 && !anySmooth {
			break
		}
	}
	// Everything not stopped early ends at the last step.
	m := 0
	for gi, g := range groups {
		final, err := readBank(banks[gi], p)
		if err != nil {
			return nil, err
		}
		for wi := range g.Widths {
			for r := range R {
				t := &out[gi][wi][r]
				if t.Step < 0 {
					l, wr := mse[r*M+m], int(wrong[r*M+m])
					*t = trained{Init: t.Init, Final: final[wi][r], Step: step, MSE: l, Wrong: wr,
						// A plain run that reached the end without memorizing is discarded (Memorized false).
						Memorized: g.Method == MethodSmooth && memorizes(g.Labels, l, wr, opts.Epsilon)}
				}
			}
			m++
		}
	}
	return out, nil
}

// readBank copies the current values of one group from the store, split into
// networks: nets[width][run]; batch-normalised networks come folded with the
// statistics of their run's training points.
func readBank(bv bankVars, p problem) ([][]twolayer.Net, error) {
	w, err := bv.w.Value()
	if err != nil {
		return nil, err
	}
	a, err := bv.a.Value()
	if err != nil {
		return nil, err
	}
	var b *tensors.Tensor
	if bv.b != nil {
		if b, err = bv.b.Value(); err != nil {
			return nil, err
		}
	}
	cat, err := twolayer.FromTensors(w, b, a)
	if err != nil {
		return nil, err
	}
	if bv.gamma != nil {
		gt, err := bv.gamma.Value()
		if err != nil {
			return nil, err
		}
		bt, err := bv.beta.Value()
		if err != nil {
			return nil, err
		}
		gamma, err := tensorconv.Floats(gt)
		if err != nil {
			return nil, err
		}
		beta, err := tensorconv.Floats(bt)
		if err != nil {
			return nil, err
		}
		K := bv.cfg.K
		for r := range cat {
			cat[r] = twolayer.FoldBatchNorm(cat[r], gamma[r*K:(r+1)*K], beta[r*K:(r+1)*K], p.Runs[r].X)
		}
	}
	nets := make([][]twolayer.Net, len(bv.widths))
	for wi := range nets {
		nets[wi] = make([]twolayer.Net, len(cat))
	}
	for r := range cat {
		parts, err := cat[r].Split(bv.widths)
		if err != nil {
			return nil, err
		}
		for wi := range parts {
			nets[wi][r] = parts[wi]
		}
	}
	return nets, nil
}

func fill(n int, v float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func asTensor(dt dtypes.DType, v []float64, dims ...int) (*tensors.Tensor, error) {
	switch dt {
	case dtypes.Float64:
		return tensors.FromFlatDataAndDimensions(append([]float64(nil), v...), dims...), nil
	case dtypes.Float32:
		f := make([]float32, len(v))
		for i, x := range v {
			f[i] = float32(x)
		}
		return tensors.FromFlatDataAndDimensions(f, dims...), nil
	}
	return nil, fmt.Errorf("robustness: dtype must be float32 or float64, got %s", dt)
}
