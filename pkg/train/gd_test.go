package train_test

import (
	"math"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/models/mlp"
	"theorylab/pkg/backend"
	"theorylab/pkg/hessian"
	"theorylab/pkg/train"
)

// TestGDStepByHand: one GD step on L(θ) = (1/N) Σ ½(θ·xₙ − yₙ)² against the update computed by hand.
func TestGDStepByHand(t *testing.T) {
	xs := []float64{1, 2, 3}
	ys := []float64{1, 0, 2}
	loss := func(p []*Node) *Node { // p[0]: θ [R, 1]
		g := p[0].Graph()
		x := Const(g, tensors.FromFlatDataAndDimensions(xs, 3, 1))
		pred := Einsum("nk,rk->rn", x, p[0]) // [R, N]
		return train.HalfMSE(InsertAxes(pred, -1), Const(g, tensors.FromFlatDataAndDimensions(ys, 3, 1)))
	}
	gd, err := train.NewGD(backend.MustGet(), loss, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer gd.Finalize()
	theta := []float64{0.5, -1}
	etas := []float64{0.1, 0.05}
	next, losses, err := gd.Steps([]*tensors.Tensor{tensors.FromFlatDataAndDimensions(theta, 2, 1)}, tensors.FromFlatDataAndDimensions(etas, 2))
	if err != nil {
		t.Fatal(err)
	}
	got := tensors.MustCopyFlatData[float64](next[0])
	for r := range theta {
		th := theta[r]
		for k := range 2 {
			// L = (1/N) Σ ½(θx − y)², ∇L = (1/N) Σ (θx − y)x.
			var l, g float64
			for i := range xs {
				l += 0.5 * math.Pow(th*xs[i]-ys[i], 2) / 3
				g += (th*xs[i] - ys[i]) * xs[i] / 3
			}
			if math.Abs(losses[k][r]-l) > 1e-12 {
				t.Errorf("run %d step %d: loss %v, by hand %v", r, k, losses[k][r], l)
			}
			th -= etas[r] * g
		}
		if math.Abs(got[r]-th) > 1e-12 {
			t.Errorf("run %d: θ after 2 steps %v, by hand %v", r, got[r], th)
		}
	}
	if _, err := train.NewGD(backend.MustGet(), loss, 0); err == nil {
		t.Error("unroll 0 accepted")
	}
}

// TestMeanLossGuard: duplicating the dataset leaves L, ∇L and the sharpness unchanged
// (the loss is a mean; with a sum, 2/η would move by the dataset size).
func TestMeanLossGuard(t *testing.T) {
	model := mlp.Config{Sizes: []int{2, 6, 1}, Activation: "tanh", Bias: true, Init: mlp.TorchDefault}
	xs := []float64{0.1, 0.5, -0.3, 0.8, 1.0, -1.0, 0.2, 0.2}
	ys := []float64{1, -1, 0.5, 0}
	params, _ := model.InitParams([]uint64{4}, dtypes.Float64)
	measure := func(copies int) (l float64, s float64) {
		var x, y []float64
		for range copies {
			x = append(x, xs...)
			y = append(y, ys...)
		}
		xt := tensors.FromFlatDataAndDimensions(x, 4*copies, 2)
		yt := tensors.FromFlatDataAndDimensions(y, 4*copies, 1)
		loss := func(p []*Node) *Node {
			g := p[0].Graph()
			return train.HalfMSE(model.Forward(p, Const(g, xt)), Const(g, yt))
		}
		gd, _ := train.NewGD(backend.MustGet(), loss, 1)
		defer gd.Finalize()
		_, losses, err := gd.Steps(params, tensors.FromFlatDataAndDimensions([]float64{0}, 1))
		if err != nil {
			t.Fatal(err)
		}
		hvp, _ := hessian.NewHVP(backend.MustGet(), loss)
		defer hvp.Finalize()
		op, _ := hvp.Operator(params)
		top, err := hessian.LanczosBatch(op, 1, model.NumParams(), model.NumParams(), 1)
		if err != nil {
			t.Fatal(err)
		}
		return losses[0][0], top[0].Values[0]
	}
	l1, s1 := measure(1)
	l2, s2 := measure(2)
	if math.Abs(l1-l2) > 1e-12*math.Abs(l1) || math.Abs(s1-s2) > 1e-9*math.Abs(s1) {
		t.Errorf("duplicated data changed the loss (%v → %v) or sharpness (%v → %v)", l1, l2, s1, s2)
	}
}

func TestDivergenceIsAnError(t *testing.T) {
	loss := func(p []*Node) *Node { return ReduceSum(Square(p[0]), 1) } // L = θ², stable iff η < 1
	gd, _ := train.NewGD(backend.MustGet(), loss, 10)
	defer gd.Finalize()
	params := []*tensors.Tensor{tensors.FromFlatDataAndDimensions([]float64{1e300, 1}, 2, 1)}
	_, _, err := gd.Steps(params, tensors.FromFlatDataAndDimensions([]float64{5, 0.1}, 2))
	d, ok := err.(*train.DivergedError)
	if !ok || d.Run != 0 {
		t.Fatalf("want a DivergedError for run 0, got %v", err)
	}
}
