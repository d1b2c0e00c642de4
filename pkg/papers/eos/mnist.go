package eos

import (
	"errors"
	"fmt"
	"math"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/mlp"
	"theorylab/pkg/backend"
	"theorylab/pkg/data"
	"theorylab/pkg/hessian"
	"theorylab/pkg/papers/config"
	"theorylab/pkg/progress"
	"theorylab/pkg/runs"
	"theorylab/pkg/tensorconv"
	"theorylab/pkg/train"
)

// MNISTConfig is the study on a real network (study B of the spec; our
// construction, modelled on the official repository's cifar10-5k setup): the
// first Examples MNIST training images, pooled 2×2 to 14×14 and standardised
// per pixel, an fc-tanh network with PyTorch's default init, the mean squared
// loss on one-hot targets, full-batch GD with step sizes set from the initial
// sharpness S₀ (2/η = m·S₀, so the sharpness must rise m-fold to reach the
// edge), and the sharpness λ_max(∇²L) from Lanczos on exact Hessian-vector
// products at every measurement. The claims look at the Window steps after
// the first measured step t* with S ≥ 2/η.
type MNISTConfig struct {
	Examples        int       `json:"examples"`
	Hidden          []int     `json:"hidden"`
	Seeds           int       `json:"seeds"`
	Steps           int       `json:"steps"`
	Multiples       []float64 `json:"multiples"`        // edge runs: 2/η = m·S₀
	ControlMultiple float64   `json:"control_multiple"` // control: 2/η = m·S₀, m large
	SharpnessEvery  int       `json:"sharpness_every"`  // Lanczos this often
	LanczosIters    int       `json:"lanczos_iters"`
	Unroll          int       `json:"unroll"`
	Window          int       `json:"window"` // steps after t* that the claims look at
}

// QuickMNIST is the quick preset's real network: MNIST-500, 1600 steps, the
// claims on the 1000 steps after t* (t* ≈ 200 for m = 2, ≈ 450 for m = 3).
func QuickMNIST() MNISTConfig {
	return MNISTConfig{Examples: 500, Hidden: []int{64, 64}, Seeds: 3, Steps: 1600,
		Multiples: []float64{2, 3}, ControlMultiple: 8,
		SharpnessEvery: 50, LanczosIters: 20, Unroll: 5, Window: 1000}
}

// DefaultMNIST is the full preset's study: the spec's MNIST-1k, 3000 steps,
// the claims on the 2000 steps after t*.
func DefaultMNIST() MNISTConfig {
	return MNISTConfig{Examples: 1000, Hidden: []int{64, 64}, Seeds: 3, Steps: 3000,
		Multiples: []float64{2, 3}, ControlMultiple: 8,
		SharpnessEvery: 25, LanczosIters: 20, Unroll: 5, Window: 2000}
}

// Validate reports every problem with the configuration, each naming its field.
func (c MNISTConfig) Validate() error {
	k := config.NewChecker("eos mnist")
	k.If(c.Examples < 10 || c.Examples > data.MNISTTrainN, "examples must be in [10, %d], got %d", data.MNISTTrainN, c.Examples)
	for _, h := range c.Hidden {
		k.If(h < 1, "hidden sizes must be positive, got %v", c.Hidden)
	}
	k.If(c.Seeds < 1, "seeds must be ≥ 1, got %d", c.Seeds)
	k.If(len(c.Multiples) == 0, "multiples is empty")
	for _, m := range append(append([]float64{}, c.Multiples...), c.ControlMultiple) {
		k.If(!(m > 0) || math.IsInf(m, 0), "multiples must be positive and finite, got %v", m)
	}
	k.If(c.Unroll < 1 || c.SharpnessEvery < 1 || c.SharpnessEvery%max(c.Unroll, 1) != 0,
		"sharpness_every (%d) must be a positive multiple of unroll (%d)", c.SharpnessEvery, c.Unroll)
	k.If(c.Steps < 1 || c.SharpnessEvery > 0 && c.Steps%c.SharpnessEvery != 0,
		"steps must be a positive multiple of sharpness_every (%d), got %d", c.SharpnessEvery, c.Steps)
	k.If(c.LanczosIters < 2, "lanczos_iters must be ≥ 2, got %d", c.LanczosIters)
	k.If(c.Window < 1 || c.Window >= c.Steps, "window must be in [1, steps = %d), got %d", c.Steps, c.Window)
	return k.Err()
}

// MNISTRun is one MNIST-1k run.
type MNISTRun struct {
	Multiple   float64     `json:"multiple"`
	Control    bool        `json:"control"`
	Seed       int         `json:"seed"`
	S0         float64     `json:"s0"`
	Eta        float64     `json:"eta"`
	Loss       runs.Series `json:"loss"`        // L(θₜ), t = 0 … Steps−1
	SharpSteps []int       `json:"sharp_steps"` // measurement steps
	Sharpness  runs.Series `json:"sharpness"`
	Accuracy   runs.Series `json:"accuracy"`   // training accuracy at the measurement steps
	CrossStep  int         `json:"cross_step"` // first measured step with S ≥ 2/η (−1: never)
}

// MNISTResult holds study B.
type MNISTResult struct {
	Config MNISTConfig `json:"config"`
	Runs   []MNISTRun  `json:"runs"`
}

// RunMNIST runs study B: every (step size, seed) pair in one batched float32 graph.
func RunMNIST(cfg MNISTConfig, firstSeed int) (*MNISTResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	be, err := backend.Get()
	if err != nil {
		return nil, err
	}
	ds, model, loss, err := mnistProblem(cfg)
	if err != nil {
		return nil, err
	}

	// Runs: for each multiple (edge ones, then the control) every seed.
	res := &MNISTResult{Config: cfg}
	var seeds []uint64
	for i, m := range append(append([]float64{}, cfg.Multiples...), cfg.ControlMultiple) {
		for s := range cfg.Seeds {
			res.Runs = append(res.Runs, MNISTRun{Multiple: m, Control: i == len(cfg.Multiples), Seed: firstSeed + s, CrossStep: -1})
			seeds = append(seeds, uint64(firstSeed+s))
		}
	}
	params, err := model.InitParams(seeds, dtypes.Float32)
	if err != nil {
		return nil, err
	}
	fx, _ := ds.Float32()
	x := tensors.FromFlatDataAndDimensions(fx, ds.N, ds.D)
	labels := make([]int32, len(ds.Labels))
	for i, l := range ds.Labels {
		labels[i] = int32(l)
	}
	labelT := tensors.FromFlatDataAndDimensions(labels, ds.N)
	gd, err := train.NewGD(be, loss, cfg.Unroll)
	if err != nil {
		return nil, err
	}
	defer gd.Finalize()
	hvp, err := hessian.NewHVP(be, loss)
	if err != nil {
		return nil, err
	}
	defer hvp.Finalize()
	accuracy, err := NewExec(be, func(p []*Node) *Node { // [R]
		g := p[0].Graph()
		pred := ArgMax(model.Forward(p, Const(g, x)), -1) // [R, N]
		hit := Equal(pred, BroadcastToDims(InsertAxes(Const(g, labelT), 0), pred.Shape().Dimensions...))
		return ReduceMean(ConvertDType(hit, dtypes.Float64), 1)
	})
	if err != nil {
		return nil, err
	}
	defer accuracy.Finalize()

	dim := model.NumParams()
	// S(θ) = λ_max(∇²L(θ)): the largest Ritz value of a fresh Lanczos run
	// (a new random start each time, no warm start that could lag behind).
	measure := func(t int, params []*tensors.Tensor) ([]hessian.Eigen, error) {
		op, err := hvp.Operator(params)
		if err != nil {
			return nil, err
		}
		return hessian.LanczosBatch(op, len(res.Runs), dim, cfg.LanczosIters, uint64(7919*firstSeed+t))
	}

	// S₀ decides the step sizes: 2/η = m·S₀.
	top, err := measure(0, params)
	if err != nil {
		return nil, fmt.Errorf("eos mnist: initial sharpness: %w", err)
	}
	etas := make([]float64, len(res.Runs))
	for r := range res.Runs {
		res.Runs[r].S0 = top[r].Values[0]
		etas[r] = 2 / (res.Runs[r].Multiple * res.Runs[r].S0)
		res.Runs[r].Eta = etas[r]
	}
	eta := tensors.FromFlatDataAndDimensions(tensorconv.Slice[float32](etas), len(etas))

	bar := progress.New(fmt.Sprintf("eos mnist-%d: %d runs × %d steps", cfg.Examples, len(res.Runs), cfg.Steps), cfg.Steps)
	loop := train.Loop{GD: gd, Eta: eta, Steps: cfg.Steps, Every: cfg.SharpnessEvery,
		Measure: func(t int, params []*tensors.Tensor) error {
			if t > 0 { // S₀ was measured above
				if top, err = measure(t, params); err != nil {
					return fmt.Errorf("eos mnist: sharpness at step %d: %w", t, err)
				}
			}
			acc, err := accuracy.Call1(anyArgs(params)...)
			if err != nil {
				return err
			}
			accs := tensors.MustCopyFlatData[float64](acc)
			for r := range res.Runs {
				run := &res.Runs[r]
				s := top[r].Values[0] // λ_max itself, not the largest |λ|
				run.SharpSteps = append(run.SharpSteps, t)
				run.Sharpness = append(run.Sharpness, s)
				run.Accuracy = append(run.Accuracy, accs[r])
				if run.CrossStep < 0 && s >= 2/run.Eta {
					run.CrossStep = t
				}
			}
			return nil
		},
		Record: func(t int, losses [][]float64) {
			for _, row := range losses {
				for r, l := range row {
					res.Runs[r].Loss = append(res.Runs[r].Loss, l)
				}
			}
			bar.Update(t+len(losses), mnistStatus(res))
		},
	}
	if _, err := loop.Run(params); err != nil {
		var d *train.DivergedError
		if errors.As(err, &d) {
			run := res.Runs[d.Run]
			return nil, fmt.Errorf("eos mnist: run 2/η=%g·S₀ seed=%d diverged near step %d: %w", run.Multiple, run.Seed, d.StepOffset, err)
		}
		return nil, err
	}
	bar.Done(mnistStatus(res))
	return res, nil
}

// mnistProblem is the study's data, network and loss:
// L(θ) = (1/N) Σₙ ½‖f(xₙ) − onehot(yₙ)‖², computed in float32, reported as float64 [R].
func mnistProblem(cfg MNISTConfig) (*data.Dataset, mlp.Config, train.LossFn, error) {
	ds, err := data.PooledMNIST(cfg.Examples)
	if err != nil {
		return nil, mlp.Config{}, nil, err
	}
	model := mlp.Config{Sizes: append(append([]int{ds.D}, cfg.Hidden...), ds.K), Activation: "tanh",
		Bias: true, OutputBias: true, Init: mlp.TorchDefault}
	fx, fy := ds.Float32()
	x := tensors.FromFlatDataAndDimensions(fx, ds.N, ds.D) // [N, D]
	y := tensors.FromFlatDataAndDimensions(fy, ds.N, ds.K) // [N, K]
	loss := func(p []*Node) *Node {
		g := p[0].Graph()
		return ConvertDType(train.HalfMSE(model.Forward(p, Const(g, x)), Const(g, y)), dtypes.Float64)
	}
	return ds, model, loss, nil
}

func mnistStatus(res *MNISTResult) string {
	s := ""
	for _, r := range res.Runs {
		if r.Seed == res.Runs[0].Seed && len(r.Sharpness) > 0 {
			n := len(r.Sharpness) - 1
			s += fmt.Sprintf(" m=%g: Sη/2=%.2f acc=%.3f", r.Multiple, r.Sharpness[n]*r.Eta/2, r.Accuracy[n])
		}
	}
	return s
}

func anyArgs(ts []*tensors.Tensor) []any {
	args := make([]any, len(ts))
	for i, t := range ts {
		args[i] = t
	}
	return args
}
