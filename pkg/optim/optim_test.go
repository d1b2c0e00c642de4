package optim

import (
	"math"
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"theorylab/pkg/backend"
	"theorylab/pkg/train"
)

// curv are the curvatures of the 2-parameter test loss
// L(θ) = ½(a₁θ₁² + a₂θ₂²) + ¼θ₁⁴ (the quartic term makes the gradient non-linear).
var curv = [2]float64{1, 50}

func quadGrad(th [2]float64) [2]float64 {
	return [2]float64{curv[0]*th[0] + th[0]*th[0]*th[0], curv[1] * th[1]}
}

// quadLoss is the same loss in the graph, per run: θ [R, 2] → [R].
func quadLoss(p []*Node) *Node {
	th := p[0]
	a := Const(th.Graph(), []float64{curv[0], curv[1]})
	half := MulScalar(ReduceSum(Mul(InsertAxes(a, 0), Square(th)), 1), 0.5)
	t1 := Squeeze(Slice(th, AxisRange(), AxisElem(0)), 1)
	return Add(half, MulScalar(Square(Square(t1)), 0.25))
}

// adamRef is Adam written out by hand, one step at a time, in float64.
type adamRef struct {
	lr, b1, b2, eps float64
	bias            bool
	invSqrt         bool
	th, m, v        [2]float64
	t               int
}

func (a *adamRef) step() {
	a.t++
	g := quadGrad(a.th)
	eta := a.lr
	if a.invSqrt {
		eta /= math.Sqrt(float64(a.t))
	}
	for i := range 2 {
		a.m[i] = a.b1*a.m[i] + (1-a.b1)*g[i]
		a.v[i] = a.b2*a.v[i] + (1-a.b2)*g[i]*g[i]
		mh, vh := a.m[i], a.v[i]
		if a.bias {
			mh /= 1 - math.Pow(a.b1, float64(a.t))
			vh /= 1 - math.Pow(a.b2, float64(a.t))
		}
		a.th[i] -= eta * mh / (math.Sqrt(vh) + a.eps)
	}
}

func theta(t *testing.T, s *State) []float64 {
	t.Helper()
	return tensors.MustCopyFlatData[float64](s.Params[0])
}

func start(runs int) []*tensors.Tensor {
	v := make([]float64, 0, 2*runs)
	for range runs {
		v = append(v, 1.5, -0.8)
	}
	return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(v, runs, 2)}
}

// TestAdamHandReference: Adam against the hand-written reference on the
// 2-parameter loss, every step for 100 steps, with and without bias
// correction, with a constant and a 1/√t step size, to 1e-12.
func TestAdamHandReference(t *testing.T) {
	for _, bias := range []bool{true, false} {
		for _, sched := range []Schedule{Constant, InvSqrt} {
			rule := Rule{Method: Adam, Beta1: 0.9, Beta2: 0.99, Eps: 1e-8, NoBiasCorrection: !bias, Schedule: sched}
			tr, err := NewTrainer(backend.MustGet(), rule, quadLoss, 1, 1)
			if err != nil {
				t.Fatal(err)
			}
			s, _ := tr.NewState(start(1))
			ref := &adamRef{lr: 0.05, b1: 0.9, b2: 0.99, eps: 1e-8, bias: bias, invSqrt: sched == InvSqrt, th: [2]float64{1.5, -0.8}}
			lr := tensors.FromFlatDataAndDimensions([]float64{0.05}, 1)
			for step := 1; step <= 100; step++ {
				if _, err := tr.Steps(s, lr); err != nil {
					t.Fatal(err)
				}
				ref.step()
				got := theta(t, s)
				for i := range 2 {
					if math.Abs(got[i]-ref.th[i]) > 1e-12 {
						t.Fatalf("bias=%v schedule=%q step %d: θ%d = %.17g, reference %.17g", bias, sched, step, i+1, got[i], ref.th[i])
					}
				}
			}
			// Bias correction matters here: the first step of bias-corrected Adam is η·sign(g).
			tr.Finalize()
		}
	}
}

// TestAdamMatchesGoMLX: our Adam equals GoMLX's optimizer.Adam (through
// train.Minibatch, full batch) step for step, for three runs at once.
func TestAdamMatchesGoMLX(t *testing.T) {
	const lr, b1, b2, eps, steps = 0.02, 0.9, 0.99, 1e-8, 100
	be := backend.MustGet()
	opt := optimizer.Adam().LearningRate(lr).Betas(b1, b2).Epsilon(eps).Done()
	init := []float64{1.5, -0.8, 0.3, 2, -1, 0.01}
	mb, err := train.NewMinibatch(be, []train.Param{{Name: "theta", Value: tensors.FromFlatDataAndDimensions(init, 3, 2), Trainable: true}},
		opt, func(p, _ []*Node) *Node { return quadLoss(p) })
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Finalize()
	rule := Rule{Method: Adam, Beta1: b1, Beta2: b2, Eps: eps}
	tr, err := NewTrainer(be, rule, quadLoss, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Finalize()
	s, _ := tr.NewState([]*tensors.Tensor{tensors.FromFlatDataAndDimensions(init, 3, 2)})
	lrs := tensors.FromFlatDataAndDimensions([]float64{lr, lr, lr}, 3)
	dummy := tensors.FromScalar(0.0) // Minibatch wants a batch; the loss ignores it
	for step := 1; step <= steps; step++ {
		if _, err := mb.Step(dummy); err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Steps(s, lrs); err != nil {
			t.Fatal(err)
		}
		ps, err := mb.Params()
		if err != nil {
			t.Fatal(err)
		}
		want := tensors.MustCopyFlatData[float64](ps[0])
		got := theta(t, s)
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Fatalf("step %d value %d: ours %.17g, GoMLX optimizer.Adam %.17g", step, i, got[i], want[i])
			}
		}
	}
}

// TestGDMatchesTrainGD: our GD equals pkg/train's GD, with unrolled steps.
func TestGDMatchesTrainGD(t *testing.T) {
	be := backend.MustGet()
	gd, err := train.NewGD(be, quadLoss, 5)
	if err != nil {
		t.Fatal(err)
	}
	defer gd.Finalize()
	tr, err := NewTrainer(be, Rule{Method: GD}, quadLoss, 1, 5)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Finalize()
	params := start(2)
	s, _ := tr.NewState(params)
	etas := tensors.FromFlatDataAndDimensions([]float64{0.01, 0.03}, 2)
	for range 10 {
		next, lossGD, err := gd.Steps(params, etas)
		if err != nil {
			t.Fatal(err)
		}
		params = next
		losses, err := tr.Steps(s, etas)
		if err != nil {
			t.Fatal(err)
		}
		for u := range losses {
			for r := range losses[u] {
				if math.Abs(losses[u][r]-lossGD[u][r]) > 1e-14 {
					t.Fatalf("loss %d run %d: %v vs train.GD %v", u, r, losses[u][r], lossGD[u][r])
				}
			}
		}
	}
	want := tensors.MustCopyFlatData[float64](params[0])
	got := theta(t, s)
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-14 {
			t.Fatalf("θ[%d]: %v vs train.GD %v", i, got[i], want[i])
		}
	}
}

// TestSignGD: θ ← θ − η/√t · sign(g), by hand; sign(0) = 0 leaves θ at 0.
func TestSignGD(t *testing.T) {
	tr, err := NewTrainer(backend.MustGet(), Rule{Method: SignGD, Schedule: InvSqrt}, quadLoss, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Finalize()
	s, _ := tr.NewState([]*tensors.Tensor{tensors.FromFlatDataAndDimensions([]float64{0.7, 0}, 1, 2)})
	lr := tensors.FromFlatDataAndDimensions([]float64{0.1}, 1)
	th := [2]float64{0.7, 0}
	for step := 1; step <= 20; step++ {
		if _, err := tr.Steps(s, lr); err != nil {
			t.Fatal(err)
		}
		g := quadGrad(th)
		for i := range 2 {
			sg := 0.0
			if g[i] > 0 {
				sg = 1
			} else if g[i] < 0 {
				sg = -1
			}
			th[i] -= 0.1 / math.Sqrt(float64(step)) * sg
		}
		got := theta(t, s)
		if math.Abs(got[0]-th[0]) > 1e-14 || got[1] != 0 {
			t.Fatalf("step %d: θ = %v, by hand %v", step, got, th)
		}
	}
}

// TestPerRunStepSizes: runs with different step sizes, arranged [2, 3], in
// one graph give exactly what each gives alone.
func TestPerRunStepSizes(t *testing.T) {
	be := backend.MustGet()
	rule := Rule{Method: Adam, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	// Loss over [2, 3] run axes: θ [2, 3, 2].
	loss2 := func(p []*Node) *Node {
		flat := Reshape(p[0], 6, 2)
		return Reshape(quadLoss([]*Node{flat}), 2, 3)
	}
	lrs := []float64{0.001, 0.003, 0.01, 0.03, 0.1, 0.3}
	tr, err := NewTrainer(be, rule, loss2, 1, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Finalize()
	init := make([]float64, 0, 12)
	for range 6 {
		init = append(init, 1.5, -0.8)
	}
	s, _ := tr.NewState([]*tensors.Tensor{tensors.FromFlatDataAndDimensions(init, 2, 3, 2)})
	for range 5 {
		if _, err := tr.Steps(s, tensors.FromFlatDataAndDimensions(lrs, 2, 3)); err != nil {
			t.Fatal(err)
		}
	}
	all := theta(t, s)
	for r, lr := range lrs {
		one, err := NewTrainer(be, rule, quadLoss, 1, 4)
		if err != nil {
			t.Fatal(err)
		}
		so, _ := one.NewState(start(1))
		for range 5 {
			if _, err := one.Steps(so, tensors.FromFlatDataAndDimensions([]float64{lr}, 1)); err != nil {
				t.Fatal(err)
			}
		}
		got := theta(t, so)
		one.Finalize()
		if math.Abs(got[0]-all[2*r]) > 1e-15 || math.Abs(got[1]-all[2*r+1]) > 1e-15 {
			t.Fatalf("η = %v: alone %v, batched %v", lr, got, all[2*r:2*r+2])
		}
	}
	if so := s.Step; so != 20 {
		t.Errorf("Step = %d after 5 × 4 steps", so)
	}
}

func TestRuleValidate(t *testing.T) {
	cases := map[string]Rule{
		"method must be": {Method: "sgd"},
		"beta1":          {Method: Adam, Beta1: 1, Beta2: 0.9},
		"beta2":          {Method: Adam, Beta1: 0.9, Beta2: -0.1},
		"eps":            {Method: Adam, Beta1: 0.9, Beta2: 0.9, Eps: -1},
		"schedule":       {Method: GD, Schedule: "cosine"},
	}
	for want, r := range cases {
		if err := r.Validate(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error containing %q, got %v", want, err)
		}
		if _, err := NewTrainer(backend.MustGet(), r, quadLoss, 1, 1); err == nil {
			t.Errorf("NewTrainer accepted an invalid rule (%s)", want)
		}
	}
}
