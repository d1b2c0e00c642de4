package lora

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"theorylab/pkg/backend"
	"theorylab/pkg/train"
)

// The per-run learning rate of the grid: storing φ = θ/c and training φ with
// Adam at rate η₀ moves θ as Adam at rate c·η₀ would (ε aside). Two runs at
// c = 1 and c = 10 in one Minibatch against two plain runs at η₀ and 10·η₀.
func TestPerRunLearningRate(t *testing.T) {
	be := backend.MustGet()
	const eta, steps = 0.01, 20
	scale := []float64{1, 10}
	theta := tensors.FromFlatDataAndDimensions([]float32{0.3, -0.2, 0.5, 0.3, -0.2, 0.5}, 2, 3)
	target := tensors.FromFlatDataAndDimensions([]float32{1, 2, -1, 1, 2, -1}, 2, 3)
	all := func(int) bool { return true }
	// loss_r = Σ (θ_r − t_r)⁴ (not quadratic, so that Adam's normalisation matters).
	loss := func(scaled bool) train.BatchLossFn {
		return func(ps, batch []*Node) *Node {
			if scaled {
				ps = scaleParams(ps, scale, all)
			}
			d := Sub(ps[0], batch[0])
			return ReduceSum(Mul(Mul(d, d), Mul(d, d)), 1)
		}
	}
	adam := func(lr float64) optimizer.Interface {
		return optimizer.Adam().LearningRate(lr).Epsilon(adamEpsilon).Done()
	}
	mb, err := train.NewMinibatch(be, []train.Param{{Name: "p", Value: scaleRuns(theta, scale, true), Trainable: true}}, adam(eta), loss(true))
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Finalize()
	var plain []*train.Minibatch
	for q := range scale {
		m, err := train.NewMinibatch(be, []train.Param{{Name: "p", Value: selectRuns(theta, []int{q}), Trainable: true}}, adam(scale[q]*eta), loss(false))
		if err != nil {
			t.Fatal(err)
		}
		defer m.Finalize()
		plain = append(plain, m)
	}
	for range steps {
		if _, err := mb.Step(target); err != nil {
			t.Fatal(err)
		}
		for q, m := range plain {
			if _, err := m.Step(selectRuns(target, []int{q})); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := mb.Params()
	if err != nil {
		t.Fatal(err)
	}
	g := tensors.MustCopyFlatData[float32](scaleRuns(got[0], scale, false))
	for q, m := range plain {
		p, err := m.Params()
		if err != nil {
			t.Fatal(err)
		}
		want := tensors.MustCopyFlatData[float32](p[0])
		start := tensors.MustCopyFlatData[float32](theta)
		for j, w := range want {
			if math.Abs(float64(g[3*q+j]-w)) > 1e-4*math.Max(1, math.Abs(float64(w))) {
				t.Errorf("run %d (lr %g) value %d: scaled %.6f, plain %.6f", q, scale[q]*eta, j, g[3*q+j], w)
			}
			if math.Abs(float64(w-start[3*q+j])) < 0.05 {
				t.Errorf("run %d value %d moved only from %.3f to %.3f: the test does not exercise the rate", q, j, start[3*q+j], w)
			}
		}
	}
}
