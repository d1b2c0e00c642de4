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

// MNISTConfig is study B of the spec, MNIST-1k (our construction, modelled on
// the official repository's cifar10-5k setup): the first Examples training
// images, pooled 2×2 to 14×14 and standardised per pixel, an fc-tanh network
// with PyTorch's default init, the mean squared loss on one-hot targets, and
// step sizes set from the initial sharpness S₀: 2/η = m·S₀.
type MNISTConfig struct {
	Examples        int       `json:"examples"`
	Hidden          []int     `json:"hidden"`
	Seeds           int       `json:"seeds"`
	Steps           int       `json:"steps"`
	Multiples       []float64 `json:"multiples"`        // edge runs: 2/η = m·S₀
	ControlMultiple float64   `json:"control_multiple"` // control: 2/η = m·S₀, m large
	SharpnessEvery  int       `json:"sharpness_every"`  // warm-started power iteration this often
	PowerIters      int       `json:"power_iters"`
	LanczosEvery    int       `json:"lanczos_every"` // full Lanczos this often (a multiple of SharpnessEvery)
	LanczosIters    int       `json:"lanczos_iters"`
	Unroll          int       `json:"unroll"`
	AccuracyGoal    float64   `json:"accuracy_goal"` // the stopping rule: first measurement at this training accuracy
}

// DefaultMNIST is the spec's MNIST-1k study.
func DefaultMNIST() MNISTConfig {
	return MNISTConfig{Examples: 1000, Hidden: []int{64, 64}, Seeds: 3, Steps: 3000,
		Multiples: []float64{2, 3}, ControlMultiple: 8,
		SharpnessEvery: 25, PowerIters: 8, LanczosEvery: 250, LanczosIters: 20, Unroll: 5, AccuracyGoal: 0.99}
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
	k.If(c.LanczosEvery < 1 || c.SharpnessEvery > 0 && c.LanczosEvery%c.SharpnessEvery != 0,
		"lanczos_every must be a positive multiple of sharpness_every (%d), got %d", c.SharpnessEvery, c.LanczosEvery)
	k.If(c.Steps < 1 || c.SharpnessEvery > 0 && c.Steps%c.SharpnessEvery != 0,
		"steps must be a positive multiple of sharpness_every (%d), got %d", c.SharpnessEvery, c.Steps)
	k.If(c.PowerIters < 1 || c.LanczosIters < 2,
		"power_iters must be ≥ 1 and lanczos_iters ≥ 2, got %d and %d", c.PowerIters, c.LanczosIters)
	k.If(!(c.AccuracyGoal > 0 && c.AccuracyGoal <= 1), "accuracy_goal must be in (0, 1], got %v", c.AccuracyGoal)
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
	GoalStep   int         `json:"goal_step"`  // first measured step with accuracy ≥ goal (−1: never)
}

// StopStep is where the spec's stopping rule ends the run: the accuracy goal, or the last measurement.
func (r MNISTRun) StopStep() int {
	if r.GoalStep >= 0 {
		return r.GoalStep
	}
	return r.SharpSteps[len(r.SharpSteps)-1]
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
	ds, err := data.PooledMNIST(cfg.Examples)
	if err != nil {
		return nil, err
	}
	model := mlp.Config{Sizes: append(append([]int{ds.D}, cfg.Hidden...), ds.K), Activation: "tanh",
		Bias: true, OutputBias: true, Init: mlp.TorchDefault}

	// Runs: for each multiple (edge ones, then the control) every seed.
	res := &MNISTResult{Config: cfg}
	var seeds []uint64
	for i, m := range append(append([]float64{}, cfg.Multiples...), cfg.ControlMultiple) {
		for s := range cfg.Seeds {
			res.Runs = append(res.Runs, MNISTRun{Multiple: m, Control: i == len(cfg.Multiples), Seed: firstSeed + s, CrossStep: -1, GoalStep: -1})
			seeds = append(seeds, uint64(firstSeed+s))
		}
	}
	params, err := model.InitParams(seeds, dtypes.Float32)
	if err != nil {
		return nil, err
	}
	fx, fy := ds.Float32()
	x := tensors.FromFlatDataAndDimensions(fx, ds.N, ds.D)
	y := tensors.FromFlatDataAndDimensions(fy, ds.N, ds.K)
	labels := make([]int32, len(ds.Labels))
	for i, l := range ds.Labels {
		labels[i] = int32(l)
	}
	labelT := tensors.FromFlatDataAndDimensions(labels, ds.N)
	// L(θ) = (1/N) Σₙ ½‖f(xₙ) − onehot(yₙ)‖², computed in float32, reported as float64.
	loss := func(p []*Node) *Node {
		g := p[0].Graph()
		return ConvertDType(train.HalfMSE(model.Forward(p, Const(g, x)), Const(g, y)), dtypes.Float64)
	}
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
	measure := func(t int, params []*tensors.Tensor, warm [][]float64) ([]hessian.Eigen, error) {
		op, err := hvp.Operator(params)
		if err != nil {
			return nil, err
		}
		if warm == nil || t%cfg.LanczosEvery == 0 {
			return hessian.LanczosBatch(op, len(res.Runs), dim, cfg.LanczosIters, uint64(7919*firstSeed+t))
		}
		return hessian.PowerIterationBatch(op, len(res.Runs), dim, warm, cfg.PowerIters)
	}

	// S₀ decides the step sizes: 2/η = m·S₀.
	top, err := measure(0, params, nil)
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
	var warm [][]float64
	loop := train.Loop{GD: gd, Eta: eta, Steps: cfg.Steps, Every: cfg.SharpnessEvery,
		Measure: func(t int, params []*tensors.Tensor) error {
			if t > 0 { // S₀ was measured above
				if top, err = measure(t, params, warm); err != nil {
					return fmt.Errorf("eos mnist: sharpness at step %d: %w", t, err)
				}
			}
			warm = make([][]float64, len(top))
			for r := range top {
				warm[r] = top[r].Vector
			}
			acc, err := accuracy.Call1(anyArgs(params)...)
			if err != nil {
				return err
			}
			accs := tensors.MustCopyFlatData[float64](acc)
			for r := range res.Runs {
				run := &res.Runs[r]
				s := math.Abs(top[r].Values[0])
				run.SharpSteps = append(run.SharpSteps, t)
				run.Sharpness = append(run.Sharpness, s)
				run.Accuracy = append(run.Accuracy, accs[r])
				if run.CrossStep < 0 && s >= 2/run.Eta {
					run.CrossStep = t
				}
				if run.GoalStep < 0 && accs[r] >= cfg.AccuracyGoal {
					run.GoalStep = t
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
