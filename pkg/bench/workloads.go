package bench

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/mlp"
	"theorylab/pkg/backend"
	"theorylab/pkg/data"
	"theorylab/pkg/hessian"
	"theorylab/pkg/papers/eos"
	"theorylab/pkg/train"
)

// Workload names that other code refers to.
const (
	NameEOSToyStep   = "eos-toy-step"
	NameMNISTStep    = "eos-mnist-step"
	NameMNISTHVP     = "eos-mnist-hvp"
	NameEOSQuick     = "eos-quick-preset"
	NameExecOverhead = "exec-overhead"
)

// toyUnroll is the number of GD steps per call of the toy workload.
const toyUnroll = 10

// ---------------------------------------------------------------- matmul

func matmulWorkload(n int) Workload {
	w := Workload{
		Name:        fmt.Sprintf("matmul-%d", n),
		Unit:        "product",
		Description: fmt.Sprintf("float32 [%d,%d]·[%d,%d] matrix product (2N³ = %.3g flops)", n, n, n, n, 2*math.Pow(float64(n), 3)),
		Work:        2 * math.Pow(float64(n), 3),
	}
	w.reference = func(dir string) (map[string]any, error) {
		fa, fb := matmulInputs(n)
		a, err := writeArray(dir, w.Name+"-a", fa, n, n)
		if err != nil {
			return nil, err
		}
		b, err := writeArray(dir, w.Name+"-b", fb, n, n)
		return map[string]any{"kind": "matmul", "a": a, "b": b}, err
	}
	return newWorkload(w, func() (*instance, error) {
		be, err := backend.Get()
		if err != nil {
			return nil, err
		}
		fa, fb := matmulInputs(n)
		a := tensors.FromFlatDataAndDimensions(fa, n, n)
		b := tensors.FromFlatDataAndDimensions(fb, n, n)
		exec, err := NewExec(be, func(a, b *Node) *Node { return MatMul(a, b) })
		if err != nil {
			return nil, err
		}
		var last *tensors.Tensor
		return &instance{
			run: func() error {
				out, err := exec.Call1(a, b)
				if err != nil {
					return err
				}
				finalize(last)
				last = out
				return nil
			},
			check: func() error {
				c, err := tensors.CopyFlatData[float32](last)
				if err != nil {
					return err
				}
				if err := finite(c); err != nil {
					return err
				}
				// A few entries against a float64 dot product: C[i,j] = Σₖ A[i,k] B[k,j].
				for _, ij := range [][2]int{{0, 0}, {n - 1, n - 1}, {n / 2, n / 3}} {
					i, j := ij[0], ij[1]
					var want float64
					for k := range n {
						want += float64(fa[i*n+k]) * float64(fb[k*n+j])
					}
					if got := float64(c[i*n+j]); math.Abs(got-want) > 1e-3*(1+math.Abs(want)) {
						return fmt.Errorf("C[%d,%d] = %g, want %g", i, j, got, want)
					}
				}
				return nil
			},
			// Σᵢⱼ C[i,j], for the comparison with the reference.
			value: func() (float64, error) {
				c, err := tensors.CopyFlatData[float32](last)
				var sum float64
				for _, x := range c {
					sum += float64(x)
				}
				return sum, err
			},
			cleanup: func() {
				finalize(last, a, b)
				exec.Finalize()
			},
		}, nil
	})
}

// execOverhead is one executed graph that adds 1 to a float32[1]: what a
// call costs when the computation costs nothing (dispatch, argument and
// result handling). PyTorch's counterpart is one eager op.
func execOverhead() Workload {
	w := Workload{
		Name:        NameExecOverhead,
		Unit:        "call",
		Description: "one executed graph computing x+1 on a float32[1] (PyTorch: one eager op): the fixed cost of a call",
	}
	w.reference = func(dir string) (map[string]any, error) {
		x, err := writeArray(dir, "exec-overhead-x", []float32{1}, 1)
		return map[string]any{"kind": "add1", "x": x}, err
	}
	return newWorkload(w, func() (*instance, error) {
		be, err := backend.Get()
		if err != nil {
			return nil, err
		}
		x := tensors.FromFlatDataAndDimensions([]float32{1}, 1)
		exec, err := NewExec(be, func(x *Node) *Node { return AddScalar(x, 1) })
		if err != nil {
			return nil, err
		}
		var last *tensors.Tensor
		return &instance{
			run: func() error {
				out, err := exec.Call1(x)
				if err != nil {
					return err
				}
				finalize(last)
				last = out
				return nil
			},
			check: func() error {
				c, err := tensors.CopyFlatData[float32](last)
				if err == nil && c[0] != 2 {
					err = fmt.Errorf("1+1 = %v", c[0])
				}
				return err
			},
			value: func() (float64, error) {
				c, err := tensors.CopyFlatData[float32](last)
				if err != nil {
					return 0, err
				}
				return float64(c[0]), nil
			},
			cleanup: func() {
				finalize(last, x)
				exec.Finalize()
			},
		}, nil
	})
}

// matmulInputs are the two [n,n] float32 operands, uniform in [−1, 1).
func matmulInputs(n int) (fa, fb []float32) {
	rng := rand.New(rand.NewPCG(uint64(n), 1))
	fa, fb = make([]float32, n*n), make([]float32, n*n)
	for i := range fa {
		fa[i] = float32(2*rng.Float64() - 1)
		fb[i] = float32(2*rng.Float64() - 1)
	}
	return fa, fb
}

// ---------------------------------------------------------------- Edge of Stability toy

func eosToyStep() Workload {
	cfg := eos.Quick()
	runs := len(cfg.Etas()) * cfg.Seeds
	w := Workload{
		Name: NameEOSToyStep,
		Unit: "step",
		Description: fmt.Sprintf("one batched full-batch GD step of the Edge of Stability toy: %d runs (η %v × %d seeds) "+
			"of the 1→%d→1 tanh net on %d Chebyshev points (T%d), float64; timed as %d unrolled steps per call",
			runs, cfg.Etas(), cfg.Seeds, cfg.Width, cfg.Points, cfg.Degree, toyUnroll),
		Steps: toyUnroll,
	}
	w.reference = func(dir string) (map[string]any, error) {
		spec, err := toyReference(dir, cfg)
		spec["kind"], spec["unroll"], spec["steps_per_call"] = "gd", toyUnroll, toyUnroll
		return spec, err
	}
	return newWorkload(w, func() (*instance, error) {
		be, err := backend.Get()
		if err != nil {
			return nil, err
		}
		tp, err := newToyProblem(cfg)
		if err != nil {
			return nil, err
		}
		gd, err := train.NewGD(be, tp.loss, toyUnroll)
		if err != nil {
			return nil, err
		}
		eta := tensors.FromFlatDataAndDimensions(tp.etas, len(tp.etas))
		return buildNow(gdInstance(gd, tp.params, eta, tp.owned()))
	})
}

// toyProblem is the Edge of Stability quick preset's batched training problem.
type toyProblem struct {
	model  mlp.Config
	x, y   *tensors.Tensor   // [n, 1] float64
	params []*tensors.Tensor // R runs, float64
	etas   []float64         // per run
	loss   train.LossFn
}

func newToyProblem(cfg eos.Config) (*toyProblem, error) {
	ds, err := data.Chebyshev(cfg.Degree, cfg.Points)
	if err != nil {
		return nil, err
	}
	tp := &toyProblem{model: eos.Model(cfg.Width)}
	var seeds []uint64
	for _, eta := range cfg.Etas() {
		for s := range cfg.Seeds {
			seeds = append(seeds, uint64(cfg.Seed+s))
			tp.etas = append(tp.etas, eta)
		}
	}
	if tp.params, err = tp.model.InitParams(seeds, dtypes.Float64); err != nil {
		return nil, err
	}
	tp.x = tensors.FromFlatDataAndDimensions(ds.X, ds.N, ds.D)
	tp.y = tensors.FromFlatDataAndDimensions(ds.Y, ds.N, ds.K)
	// L(θ) = (1/n) Σᵢ ½ (f(xᵢ) − yᵢ)², one value per run.
	tp.loss = func(p []*Node) *Node {
		g := p[0].Graph()
		return train.HalfMSE(tp.model.Forward(p, Const(g, tp.x)), Const(g, tp.y))
	}
	return tp, nil
}

func (tp *toyProblem) owned() []*tensors.Tensor {
	return append([]*tensors.Tensor{tp.x, tp.y}, tp.params...)
}

// toyReference writes the toy problem's data, parameters and step sizes for
// the PyTorch reference and returns their description.
func toyReference(dir string, cfg eos.Config) (map[string]any, error) {
	tp, err := newToyProblem(cfg)
	if err != nil {
		return nil, err
	}
	defer finalize(tp.owned()...)
	spec, err := problemReference(dir, "toy", tp.model, tp.x, tp.y, tp.params)
	if err != nil {
		return nil, err
	}
	spec["eta"], err = writeArray(dir, "toy-eta", tp.etas, len(tp.etas))
	return spec, err
}

// gdInstance runs gd.Steps from the same parameters on every call, so that
// every call does the same work however many calls a benchmark makes.
func gdInstance(gd *train.GD, params []*tensors.Tensor, eta *tensors.Tensor, owned []*tensors.Tensor) *instance {
	var last []*tensors.Tensor
	var lastLosses [][]float64
	return &instance{
		run: func() error {
			next, losses, err := gd.Steps(params, eta)
			finalize(last...)
			last, lastLosses = next, losses
			return err
		},
		check: func() error {
			for _, row := range lastLosses {
				if err := finite(row); err != nil {
					return fmt.Errorf("loss: %w", err)
				}
			}
			return finiteTensors(last)
		},
		// The mean over runs of the loss before the first step of the call.
		value: func() (float64, error) {
			if len(lastLosses) == 0 || len(lastLosses[0]) == 0 {
				return 0, errors.New("no losses")
			}
			var sum float64
			for _, l := range lastLosses[0] {
				sum += l
			}
			return sum / float64(len(lastLosses[0])), nil
		},
		cleanup: func() {
			finalize(last...)
			finalize(owned...)
			finalize(eta)
			gd.Finalize()
		},
	}
}

// ---------------------------------------------------------------- MNIST fc-tanh

// mnistModel is the fc-tanh network of the Edge of Stability paper's MNIST runs.
var mnistModel = mlp.Config{Sizes: []int{196, 64, 64, 10}, Activation: "tanh", Bias: true, OutputBias: true, Init: mlp.TorchDefault}

const mnistExamples = 1000

// mnistEta is the step size of the MNIST GD step.
const mnistEta = 0.05

// mnistOnce loads the MNIST-1k set once per process (data.PooledMNIST).
var mnistOnce = sync.OnceValues(func() (*data.Dataset, error) { return data.PooledMNIST(mnistExamples) })

// mnistProblem is the float32 loss and initial parameters shared by the MNIST workloads.
type mnistProblem struct {
	x, y   *tensors.Tensor   // [N, 196], [N, 10] float32
	params []*tensors.Tensor // one run, float32
	loss   func(p []*Node) *Node
}

func newMNISTProblem() (*mnistProblem, error) {
	ds, err := mnistOnce()
	if err != nil {
		return nil, err
	}
	fx, fy := ds.Float32()
	pr := &mnistProblem{
		x: tensors.FromFlatDataAndDimensions(fx, ds.N, ds.D),
		y: tensors.FromFlatDataAndDimensions(fy, ds.N, ds.K),
	}
	p64, err := mnistModel.InitParams([]uint64{0}, dtypes.Float64)
	if err != nil {
		return nil, err
	}
	for _, p := range p64 {
		p32, err := toFloat32(p)
		if err != nil {
			return nil, err
		}
		pr.params = append(pr.params, p32)
	}
	finalize(p64...)
	// L(θ) = (1/N) Σₙ ½‖f(xₙ) − yₙ‖², [R] float32.
	pr.loss = func(p []*Node) *Node {
		g := p[0].Graph()
		return train.HalfMSE(mnistModel.Forward(p, Const(g, pr.x)), Const(g, pr.y))
	}
	return pr, nil
}

func (pr *mnistProblem) owned() []*tensors.Tensor {
	return append([]*tensors.Tensor{pr.x, pr.y}, pr.params...)
}

func mnistStep() Workload {
	w := Workload{
		Name: NameMNISTStep,
		Unit: "step",
		Description: fmt.Sprintf("one full-batch GD step of the fc-tanh %v MLP (torch-default init, biases) on the first %d MNIST "+
			"training images pooled to 14×14 and standardized, half-MSE on one-hot targets, float32, 1 run", mnistModel.Sizes, mnistExamples),
		reference: func(dir string) (map[string]any, error) {
			spec, err := mnistReference(dir, false)
			spec["kind"] = "gd"
			return spec, err
		},
	}
	return newWorkload(w, func() (*instance, error) {
		be, err := backend.Get()
		if err != nil {
			return nil, err
		}
		pr, err := newMNISTProblem()
		if err != nil {
			return nil, err
		}
		// The loss leaves the graph as float64 because train.GD reads losses
		// as float64; the conversion of R scalars costs nothing.
		loss := func(p []*Node) *Node { return ConvertDType(pr.loss(p), dtypes.Float64) }
		gd, err := train.NewGD(be, loss, 1)
		if err != nil {
			return nil, err
		}
		eta := tensors.FromFlatDataAndDimensions([]float32{mnistEta}, 1)
		return buildNow(gdInstance(gd, pr.params, eta, pr.owned()))
	})
}

func mnistHVP() Workload {
	w := Workload{
		Name: NameMNISTHVP,
		Unit: "HVP",
		Description: "one Hessian-vector product (double backprop, hessian.NewHVP) of the eos-mnist-step loss " +
			"at initialization, float32, 1 run",
	}
	w.reference = func(dir string) (map[string]any, error) {
		spec, err := mnistReference(dir, true)
		spec["kind"] = "hvp"
		return spec, err
	}
	return newWorkload(w, func() (*instance, error) {
		be, err := backend.Get()
		if err != nil {
			return nil, err
		}
		pr, err := newMNISTProblem()
		if err != nil {
			return nil, err
		}
		hvp, err := hessian.NewHVP(be, pr.loss)
		if err != nil {
			return nil, err
		}
		dirs := mnistDirections(pr.params)
		var last []*tensors.Tensor
		inst := &instance{
			run: func() error {
				out, err := hvp.Apply(pr.params, dirs)
				if err != nil {
					return err
				}
				finalize(last...)
				last = out
				return nil
			},
			check: func() error {
				if len(last) != len(pr.params) {
					return fmt.Errorf("HVP returned %d tensors for %d parameters", len(last), len(pr.params))
				}
				if err := finiteTensors(last); err != nil {
					return err
				}
				// v ≠ 0 and the loss is not flat: H·v cannot vanish everywhere.
				var norm float64
				for _, t := range last {
					flat, err := tensors.CopyFlatData[float32](t)
					if err != nil {
						return err
					}
					for _, x := range flat {
						norm += float64(x) * float64(x)
					}
				}
				if norm == 0 {
					return errors.New("H·v is zero")
				}
				return nil
			},
			// ‖H·v‖, for the comparison with the reference.
			value: func() (float64, error) {
				var norm float64
				for _, t := range last {
					flat, err := tensors.CopyFlatData[float32](t)
					if err != nil {
						return 0, err
					}
					for _, x := range flat {
						norm += float64(x) * float64(x)
					}
				}
				return math.Sqrt(norm), nil
			},
			cleanup: func() {
				finalize(last...)
				finalize(dirs...)
				finalize(pr.owned()...)
				hvp.Finalize()
			},
		}
		return buildNow(inst)
	})
}

// mnistDirections is a fixed random direction, N(0, 1) per coordinate, shaped like params.
func mnistDirections(params []*tensors.Tensor) []*tensors.Tensor {
	rng := rand.New(rand.NewPCG(7, 7))
	var dirs []*tensors.Tensor
	for _, p := range params {
		v := make([]float32, p.Shape().Size())
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		dirs = append(dirs, tensors.FromFlatDataAndDimensions(v, p.Shape().Dimensions...))
	}
	return dirs
}

// mnistReference writes the MNIST problem (and, for the HVP, its direction)
// for the PyTorch reference and returns their description.
func mnistReference(dir string, withDirs bool) (map[string]any, error) {
	pr, err := newMNISTProblem()
	if err != nil {
		return nil, err
	}
	defer finalize(pr.owned()...)
	spec, err := problemReference(dir, "mnist", mnistModel, pr.x, pr.y, pr.params)
	if err != nil {
		return nil, err
	}
	if spec["eta"], err = writeArray(dir, "mnist-eta", []float32{mnistEta}, 1); err != nil {
		return nil, err
	}
	if withDirs {
		dirs := mnistDirections(pr.params)
		defer finalize(dirs...)
		var ds []map[string]any
		for i, d := range dirs {
			spec, err := writeTensor(dir, fmt.Sprintf("mnist-dir%d", i), d)
			if err != nil {
				return nil, err
			}
			ds = append(ds, spec)
		}
		spec["dirs"] = ds
	}
	return spec, nil
}

// ---------------------------------------------------------------- the Edge of Stability quick preset

// eosQuickPreset is the wall time of the whole Edge of Stability quick preset
// (eos.Run, no results cache): the paper's experiment as `theorylab run eos`
// computes it, graph compilation included.
func eosQuickPreset() Workload {
	cfg := eos.Quick()
	w := Workload{
		Name: NameEOSQuick,
		Unit: "run",
		Description: fmt.Sprintf("the Edge of Stability quick preset, whole (eos.Run without the cache): %d runs × %d GD steps, "+
			"Lanczos (%d iterations) every %d steps, dense Hessian checks, zoom window; float64; one timed call, compilation included",
			len(cfg.Etas())*cfg.Seeds, cfg.Steps, cfg.LanczosIters, cfg.SharpnessEvery),
		Single: true,
	}
	w.reference = func(dir string) (map[string]any, error) {
		spec, err := toyReference(dir, cfg)
		if err != nil {
			return nil, err
		}
		tp, err := newToyProblem(cfg)
		if err != nil {
			return nil, err
		}
		dim := tp.model.NumParams()
		runs := len(tp.etas)
		finalize(tp.owned()...)
		q0 := make([]float64, 0, runs*dim)
		for r := range runs {
			q0 = append(q0, hessian.StartVector(dim, uint64(r))...)
		}
		if spec["lanczos_start"], err = writeArray(dir, "eos-quick-q0", q0, runs, dim); err != nil {
			return nil, err
		}
		for k, v := range map[string]any{"kind": "eos-quick", "single": true, "steps": cfg.Steps,
			"sharpness_every": cfg.SharpnessEvery, "lanczos_iters": cfg.LanczosIters, "unroll": cfg.Unroll,
			"zoom_steps": cfg.ZoomSteps, "seeds": cfg.Seeds, "edge_etas": cfg.EdgeEtas} {
			spec[k] = v
		}
		return spec, nil
	}
	return newWorkload(w, func() (*instance, error) {
		if _, err := backend.Get(); err != nil {
			return nil, err
		}
		var res *eos.Results
		return &instance{
			run: func() error {
				r, err := eos.Run(cfg)
				res = r
				return err
			},
			check: func() error {
				if res == nil || len(res.Runs) == 0 {
					return errors.New("no results")
				}
				return nil
			},
			// The mean over runs of the first loss (the chaotic dynamics that follow
			// differ between implementations at rounding level and then grow).
			value: func() (float64, error) {
				if res == nil || len(res.Runs) == 0 {
					return 0, errors.New("no results")
				}
				var sum float64
				for _, r := range res.Runs {
					sum += r.Loss[0]
				}
				return sum / float64(len(res.Runs)), nil
			},
			cleanup: func() {},
		}, nil
	})
}

// ---------------------------------------------------------------- helpers

// buildNow makes the first call of inst, which builds and compiles its graph,
// so that compilation is not counted in the timed calls.
func buildNow(inst *instance) (*instance, error) {
	if err := inst.run(); err != nil {
		inst.cleanup()
		return nil, err
	}
	return inst, nil
}

// toFloat32 converts a float64 tensor to a new float32 tensor of the same shape.
func toFloat32(t *tensors.Tensor) (*tensors.Tensor, error) {
	flat, err := tensors.CopyFlatData[float64](t)
	if err != nil {
		return nil, err
	}
	out := make([]float32, len(flat))
	for i, v := range flat {
		out[i] = float32(v)
	}
	return tensors.FromFlatDataAndDimensions(out, t.Shape().Dimensions...), nil
}

func finalize(ts ...*tensors.Tensor) {
	for _, t := range ts {
		if t != nil {
			_ = t.FinalizeAll()
		}
	}
}

func finite[T float32 | float64](xs []T) error {
	for i, x := range xs {
		if f := float64(x); math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("value %d is %v", i, f)
		}
	}
	return nil
}

func finiteTensors(ts []*tensors.Tensor) error {
	for i, t := range ts {
		var err error
		switch t.DType() {
		case dtypes.Float32:
			var flat []float32
			if flat, err = tensors.CopyFlatData[float32](t); err == nil {
				err = finite(flat)
			}
		case dtypes.Float64:
			var flat []float64
			if flat, err = tensors.CopyFlatData[float64](t); err == nil {
				err = finite(flat)
			}
		default:
			err = fmt.Errorf("unexpected dtype %s", t.DType())
		}
		if err != nil {
			return fmt.Errorf("output %d: %w", i, err)
		}
	}
	return nil
}
