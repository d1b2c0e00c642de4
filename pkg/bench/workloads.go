package bench

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"theorylab/models/mlp"
	"theorylab/pkg/backend"
	"theorylab/pkg/data"
	"theorylab/pkg/fastgrad"
	"theorylab/pkg/hessian"
	"theorylab/pkg/papers/eos"
	"theorylab/pkg/train"
)

// Workload names that other code refers to.
const (
	NameEOSToyStep     = "eos-toy-step"
	NameMNISTStep      = "eos-mnist-step"
	NameMNISTStepStock = "eos-mnist-step-stock-grad"
	NameMNISTHVP       = "eos-mnist-hvp"
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
	return newWorkload(w, func() (*instance, error) {
		be, err := backend.Get()
		if err != nil {
			return nil, err
		}
		rng := rand.New(rand.NewPCG(uint64(n), 1))
		fa, fb := make([]float32, n*n), make([]float32, n*n)
		for i := range fa {
			fa[i] = float32(2*rng.Float64() - 1)
			fb[i] = float32(2*rng.Float64() - 1)
		}
		a := tensors.FromFlatDataAndDimensions(fa, n, n)
		b := tensors.FromFlatDataAndDimensions(fb, n, n)
		exec, err := NewExec(be, func(a, b *Node) *Node { return Dot(a, b) })
		if err != nil {
			return nil, err
		}
		var last *tensors.Tensor
		return &instance{
			run: func() error {
				out, err := exec.Exec1(a, b)
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
			cleanup: func() {
				finalize(last, a, b)
				exec.Finalize()
			},
		}, nil
	})
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
	return newWorkload(w, func() (*instance, error) {
		be, err := backend.Get()
		if err != nil {
			return nil, err
		}
		ds, err := data.Chebyshev(cfg.Degree, cfg.Points)
		if err != nil {
			return nil, err
		}
		model := eos.Model(cfg.Width)
		var seeds []uint64
		var etas []float64
		for _, eta := range cfg.Etas() {
			for s := range cfg.Seeds {
				seeds = append(seeds, uint64(cfg.Seed+s))
				etas = append(etas, eta)
			}
		}
		params, err := model.InitParams(seeds)
		if err != nil {
			return nil, err
		}
		x := tensors.FromFlatDataAndDimensions(ds.X, ds.N, ds.D)
		y := tensors.FromFlatDataAndDimensions(ds.Y, ds.N, ds.K)
		// L(θ) = (1/n) Σᵢ ½ (f(xᵢ) − yᵢ)², one value per run.
		loss := func(p []*Node) *Node {
			g := p[0].Graph()
			return train.HalfMSE(model.Forward(p, Const(g, x)), Const(g, y))
		}
		gd, err := train.NewGD(be, loss, toyUnroll)
		if err != nil {
			return nil, err
		}
		eta := tensors.FromFlatDataAndDimensions(etas, len(etas))
		return buildNow(gdInstance(gd, params, eta, append([]*tensors.Tensor{x, y}, params...)), false)
	})
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

var mnistOnce = sync.OnceValues(func() (*data.Dataset, error) {
	im, err := data.LoadMNIST("train", mnistExamples)
	if err != nil {
		return nil, err
	}
	if im, err = im.AvgPool2x2(); err != nil {
		return nil, err
	}
	ds, err := im.ToDataset()
	if err != nil {
		return nil, err
	}
	if _, err := data.StandardizePerFeature(ds.X, ds.D); err != nil {
		return nil, err
	}
	return ds, nil
})

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
	p64, err := mnistModel.InitParams([]uint64{0})
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

func mnistStep(stock bool) Workload {
	w := Workload{
		Name: NameMNISTStep,
		Unit: "step",
		Description: fmt.Sprintf("one full-batch GD step of the fc-tanh %v MLP (torch-default init, biases) on the first %d MNIST "+
			"training images pooled to 14×14 and standardized, half-MSE on one-hot targets, float32, 1 run; "+
			"matrix-product gradients from pkg/fastgrad", mnistModel.Sizes, mnistExamples),
	}
	if stock {
		w.Name = NameMNISTStepStock
		w.Description = "eos-mnist-step with GoMLX's stock matrix-product gradients (fastgrad.Stock while the graph is built)"
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
		eta := tensors.FromFlatDataAndDimensions([]float32{0.05}, 1)
		return buildNow(gdInstance(gd, pr.params, eta, pr.owned()), stock)
	})
}

func mnistHVP() Workload {
	w := Workload{
		Name: NameMNISTHVP,
		Unit: "HVP",
		Description: "one Hessian-vector product (double backprop, hessian.NewHVP) of the eos-mnist-step loss " +
			"at initialization, float32, 1 run, fast gradients",
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
		// A fixed random direction, N(0, 1) per coordinate.
		rng := rand.New(rand.NewPCG(7, 7))
		var dirs []*tensors.Tensor
		for _, p := range pr.params {
			v := make([]float32, p.Shape().Size())
			for i := range v {
				v[i] = float32(rng.NormFloat64())
			}
			dirs = append(dirs, tensors.FromFlatDataAndDimensions(v, p.Shape().Dimensions...))
		}
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
			cleanup: func() {
				finalize(last...)
				finalize(dirs...)
				finalize(pr.owned()...)
				hvp.Finalize()
			},
		}
		return buildNow(inst, false)
	})
}

// ---------------------------------------------------------------- helpers

// buildNow makes the first call of inst, which builds and compiles its graph.
// Gradients are taken while the graph is built, with the rules in force at
// that moment, so this call happens under the rules the workload names:
// GoMLX's stock ones when stock is true (restored to pkg/fastgrad's
// afterwards), pkg/fastgrad's otherwise.
func buildNow(inst *instance, stock bool) (*instance, error) {
	if stock {
		fastgrad.Stock()
		defer fastgrad.Install()
	} else {
		fastgrad.Install()
	}
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
