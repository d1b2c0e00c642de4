package train_test

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/backend"
	"theorylab/pkg/train"
)

// TestFlowOnQuadratic: RK4 gradient flow on L = ½ θᵀAθ (A diagonal, two runs
// with different A) against the exact solution θ(t) = exp(−At)θ₀, to 1e-8.
func TestFlowOnQuadratic(t *testing.T) {
	a := []float64{0.5, 2, 7, 1, 3, 0.1} // [R=2, 3]
	loss := func(p []*Node) *Node {
		A := Const(p[0].Graph(), tensors.FromFlatDataAndDimensions(a, 2, 3))
		return MulScalar(ReduceSum(Mul(A, Square(p[0])), 1), 0.5)
	}
	flow, err := train.NewFlow(backend.MustGet(), loss)
	if err != nil {
		t.Fatal(err)
	}
	defer flow.Finalize()
	theta0 := []float64{1, -1, 0.5, 2, 1, -3}
	params := []*tensors.Tensor{tensors.FromFlatDataAndDimensions(theta0, 2, 3)}
	hs := []float64{0.01, 0.02}
	const steps = 200
	for range steps {
		params, err = flow.Step(params, tensors.FromFlatDataAndDimensions(hs, 2))
		if err != nil {
			t.Fatal(err)
		}
	}
	got := tensors.MustCopyFlatData[float64](params[0])
	for i := range got {
		tEnd := steps * hs[i/3]
		want := math.Exp(-a[i]*tEnd) * theta0[i]
		if math.Abs(got[i]-want) > 1e-8 {
			t.Errorf("component %d: flow %v, exact %v", i, got[i], want)
		}
	}
}
