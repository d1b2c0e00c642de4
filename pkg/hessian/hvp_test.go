package hessian_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/mlp"
	"theorylab/pkg/backend"
	"theorylab/pkg/hessian"
	"theorylab/pkg/train"
)

// problem is a small regression loss with a leading run axis.
type problem struct {
	name  string
	model mlp.Config
	n     int
}

var problems = []problem{
	// The Edge of Stability toy: 1→100 tanh→1, no output bias (300 parameters).
	{"toy", mlp.Config{Sizes: []int{1, 100, 1}, Activation: "tanh", Bias: true, Init: mlp.XavierNormal, Gains: []float64{1.9, 1}}, 20},
	// A 2-layer MLP with biases everywhere.
	{"mlp", mlp.Config{Sizes: []int{5, 8, 3}, Activation: "tanh", Bias: true, OutputBias: true, Init: mlp.TorchDefault}, 12},
}

func (p problem) setup(t *testing.T) (loss func([]*Node) *Node, params []*tensors.Tensor) {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	in, out := p.model.Sizes[0], p.model.Sizes[len(p.model.Sizes)-1]
	x, y := make([]float64, p.n*in), make([]float64, p.n*out)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	for i := range y {
		y[i] = rng.NormFloat64()
	}
	xt := tensors.FromFlatDataAndDimensions(x, p.n, in)
	yt := tensors.FromFlatDataAndDimensions(y, p.n, out)
	loss = func(ps []*Node) *Node {
		g := ps[0].Graph()
		return train.HalfMSE(p.model.Forward(ps, Const(g, xt)), Const(g, yt))
	}
	params, err := p.model.InitParams([]uint64{1, 2}, dtypes.Float64)
	if err != nil {
		t.Fatal(err)
	}
	return loss, params
}

// gradients returns ∇L per run, flattened.
func gradients(t *testing.T, loss func([]*Node) *Node, params []*tensors.Tensor) [][]float64 {
	t.Helper()
	exec := MustNewExec(backend.MustGet(), func(ps []*Node) []*Node { return Gradient(ReduceAllSum(loss(ps)), ps...) })
	defer exec.Finalize()
	args := make([]any, len(params))
	for i, p := range params {
		args[i] = p
	}
	outs, err := exec.Call(args...)
	if err != nil {
		t.Fatal(err)
	}
	lay, _ := hessian.NewLayout(params)
	g, err := lay.Flatten(outs)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestHVPAgainstFiniteDifferences: H·v by double backprop equals the central
// difference (∇L(θ+εv) − ∇L(θ−εv)) / 2ε, float64, ε = 1e-5, to 1e-6 relative.
func TestHVPAgainstFiniteDifferences(t *testing.T) {
	for _, p := range problems {
		loss, params := p.setup(t)
		hvp, err := hessian.NewHVP(backend.MustGet(), loss)
		if err != nil {
			t.Fatal(err)
		}
		op, err := hvp.Operator(params)
		if err != nil {
			t.Fatal(err)
		}
		lay, _ := hessian.NewLayout(params)
		theta, _ := lay.Flatten(params)
		rng := rand.New(rand.NewPCG(5, 6))
		v := make([][]float64, lay.Runs)
		for r := range v {
			v[r] = make([]float64, lay.Dim)
			for i := range v[r] {
				v[r][i] = rng.NormFloat64()
			}
		}
		hv, err := op(v)
		if err != nil {
			t.Fatal(err)
		}
		const eps = 1e-5
		shifted := func(s float64) []*tensors.Tensor {
			th := make([][]float64, lay.Runs)
			for r := range th {
				th[r] = make([]float64, lay.Dim)
				for i := range th[r] {
					th[r][i] = theta[r][i] + s*v[r][i]
				}
			}
			ts, err := lay.Unflatten(th)
			if err != nil {
				t.Fatal(err)
			}
			return ts
		}
		gp, gm := gradients(t, loss, shifted(eps)), gradients(t, loss, shifted(-eps))
		for r := range hv {
			var diff, scale float64
			for i := range hv[r] {
				fd := (gp[r][i] - gm[r][i]) / (2 * eps)
				diff = math.Max(diff, math.Abs(fd-hv[r][i]))
				scale = math.Max(scale, math.Abs(hv[r][i]))
			}
			if rel := diff / scale; rel > 1e-6 {
				t.Errorf("%s run %d: HVP vs finite differences: relative error %.3g", p.name, r, rel)
			}
		}
		hvp.Finalize()
	}
}

// TestExplicitHessian builds H column by column from HVPs on the toy:
// it is symmetric to 1e-10, and Lanczos agrees with its dense eigendecomposition to 1e-8.
func TestExplicitHessian(t *testing.T) {
	loss, params := problems[0].setup(t)
	hvp, err := hessian.NewHVP(backend.MustGet(), loss)
	if err != nil {
		t.Fatal(err)
	}
	defer hvp.Finalize()
	op, _ := hvp.Operator(params)
	lay, _ := hessian.NewLayout(params)
	n := lay.Dim
	H := make([][]float64, lay.Runs)
	for r := range H {
		H[r] = make([]float64, n*n)
	}
	basis := make([][]float64, lay.Runs)
	for i := range n {
		for r := range basis {
			basis[r] = make([]float64, n)
			basis[r][i] = 1
		}
		cols, err := op(basis)
		if err != nil {
			t.Fatal(err)
		}
		for r := range cols {
			for j, x := range cols[r] {
				H[r][j*n+i] = x
			}
		}
	}
	top, err := hessian.LanczosBatch(op, lay.Runs, n, 20, 9)
	if err != nil {
		t.Fatal(err)
	}
	for r := range H {
		var asym, norm float64
		for i := range n {
			for j := range n {
				asym += math.Pow(H[r][i*n+j]-H[r][j*n+i], 2)
				norm += H[r][i*n+j] * H[r][i*n+j]
			}
		}
		if rel := math.Sqrt(asym / norm); rel > 1e-10 {
			t.Errorf("run %d: ‖H − Hᵀ‖/‖H‖ = %.3g", r, rel)
		}
		values, _, err := hessian.SymEig(H[r], n)
		if err != nil {
			t.Fatal(err)
		}
		if rel := math.Abs(top[r].Values[0]-values[0]) / math.Abs(values[0]); rel > 1e-8 {
			t.Errorf("run %d: Lanczos λ_max %v, dense %v (relative %.3g); residual %.2g", r, top[r].Values[0], values[0], rel, top[r].Residual)
		}
	}
}
