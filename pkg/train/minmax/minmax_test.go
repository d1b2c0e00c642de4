package minmax

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"theorylab/pkg/backend"
	"theorylab/pkg/tensorconv"
	"theorylab/pkg/train"
)

func scalar(name string, v float64) []train.Param {
	return []train.Param{{Name: name, Value: tensors.FromFlatDataAndDimensions([]float64{v}, 1, 1), Trainable: true}}
}

// bilinear is the game min_x max_y x·y: the min player's loss x·y, the max player's −x·y.
func bilinear(simultaneous bool, eta float64) Game {
	sgd := func() optimizer.Interface {
		return optimizer.StochasticGradientDescent().WithDecay(false).WithLearningRate(eta).Done()
	}
	return Game{
		Min: scalar("x", 1), Max: scalar("y", 0.5), MinOpt: sgd(), MaxOpt: sgd(), Simultaneous: simultaneous,
		MinLoss: func(mn, mx, _ []*Node) *Node { return Reshape(Mul(mn[0], mx[0]), 1) },
		MaxLoss: func(mn, mx, _ []*Node) *Node { return Reshape(Neg(Mul(mn[0], mx[0])), 1) },
	}
}

func value(t *testing.T, ts []*tensors.Tensor) float64 {
	t.Helper()
	v, err := tensorconv.Floats(ts[0])
	if err != nil {
		t.Fatal(err)
	}
	return v[0]
}

// Alternating: the max player steps against the current x, then the min player
// against the updated y: y′ = y + ηx, x′ = x − ηy′. Simultaneous: x′ = x − ηy.
// (Both players see the same minibatch tensors of the step.)
func TestAlternationOrder(t *testing.T) {
	const eta = 0.1
	for _, simultaneous := range []bool{false, true} {
		tr, err := New(backend.MustGet(), bilinear(simultaneous, eta))
		if err != nil {
			t.Fatal(err)
		}
		x, y := 1.0, 0.5
		for range 5 {
			if _, _, err := tr.Step(tensors.FromScalar(0.0)); err != nil {
				t.Fatal(err)
			}
			yNew := y + eta*x
			if simultaneous {
				x, y = x-eta*y, yNew
			} else {
				x, y = x-eta*yNew, yNew
			}
		}
		mn, mx, err := tr.Params()
		if err != nil {
			t.Fatal(err)
		}
		if gx, gy := value(t, mn), value(t, mx); math.Abs(gx-x) > 1e-12 || math.Abs(gy-y) > 1e-12 {
			t.Errorf("simultaneous=%v: got (x, y) = (%.15g, %.15g), want (%.15g, %.15g)", simultaneous, gx, gy, x, y)
		}
		tr.Finalize()
	}
}

// GoMLX's Adam in the game matches a hand-written Adam with bias correction
// to 1e-12 per step over 100 steps, on two separable quadratics; the max
// player's step is descent on its own loss (ascent on −loss).
func TestAdamMatchesReference(t *testing.T) {
	const lr, b1, b2, eps = 0.05, 0.5, 0.999, 1e-8
	adam := func() optimizer.Interface {
		return optimizer.Adam().LearningRate(lr).Betas(b1, b2).Epsilon(eps).Done()
	}
	game := Game{
		Min: scalar("x", 3), Max: scalar("y", -1), MinOpt: adam(), MaxOpt: adam(),
		// min_x ½(x − 2)², and the max player maximises −½(y − 1)² (minimises ½(y − 1)²).
		MinLoss: func(mn, _, _ []*Node) *Node { return Reshape(MulScalar(Square(AddScalar(mn[0], -2)), 0.5), 1) },
		MaxLoss: func(_, mx, _ []*Node) *Node { return Reshape(MulScalar(Square(AddScalar(mx[0], -1)), 0.5), 1) },
	}
	tr, err := New(backend.MustGet(), game)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Finalize()
	type state struct{ p, m, v float64 }
	ref := func(s *state, grad float64, step int) {
		s.m = b1*s.m + (1-b1)*grad
		s.v = b2*s.v + (1-b2)*grad*grad
		mh := s.m / (1 - math.Pow(b1, float64(step)))
		vh := s.v / (1 - math.Pow(b2, float64(step)))
		s.p -= lr * mh / (math.Sqrt(vh) + eps)
	}
	x, y := &state{p: 3}, &state{p: -1}
	for step := 1; step <= 100; step++ {
		if _, _, err := tr.Step(tensors.FromScalar(0.0)); err != nil {
			t.Fatal(err)
		}
		ref(x, x.p-2, step)
		ref(y, y.p-1, step)
		mn, mx, _ := tr.Params()
		if gx, gy := value(t, mn), value(t, mx); math.Abs(gx-x.p) > 1e-12 || math.Abs(gy-y.p) > 1e-12 {
			t.Fatalf("step %d: got (%.15g, %.15g), reference (%.15g, %.15g)", step, gx, gy, x.p, y.p)
		}
	}
}

func TestNewRefusesIncompleteGames(t *testing.T) {
	g := bilinear(false, 0.1)
	g.MaxLoss = nil
	if _, err := New(backend.MustGet(), g); err == nil {
		t.Errorf("a game without the max player's loss was accepted")
	}
}
