package train_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"theorylab/pkg/backend"
	"theorylab/pkg/train"
)

// quadLoss: L_r = ½ Σᵢ (cᵢ·θ_r,i − yᵢ)² with batch = {c [R, 1, 2], y [R, 1, 2]} and a frozen offset added to θ.
func quadLoss(params []*Node, batch []*Node) *Node {
	theta := Add(params[0], params[1])                                  // [R, 2]
	pred := Mul(InsertAxes(theta, 1), batch[0])                         // [R, 1, 2]
	return MulScalar(ReduceSum(Square(Sub(pred, batch[1])), 1, 2), 0.5) // [R]
}

// Two Adam steps (GoMLX's optimizer.Adam) against the update computed by hand:
//
//	m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  θ ← θ − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)
//
// with a frozen parameter left bit-identical.
func TestAdamStepsByHand(t *testing.T) {
	const lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
	theta0 := []float64{0.5, -1, 2, 0.25} // [R=2, 2]
	offset := []float64{0.1, 0.2, -0.3, 0.4}
	params := []train.Param{
		{Name: "theta", Value: tensors.FromFlatDataAndDimensions(slices.Clone(theta0), 2, 2), Trainable: true},
		{Name: "offset", Value: tensors.FromFlatDataAndDimensions(slices.Clone(offset), 2, 2)},
	}
	opt := optimizer.Adam().LearningRate(lr).Betas(b1, b2).Epsilon(eps).Done()
	mb, err := train.NewMinibatch(backend.MustGet(), params, opt, quadLoss)
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Finalize()
	cs := [][]float64{{1, 2, 3, 4}, {0.5, -1, 2, 1}}
	ys := [][]float64{{1, 0, -1, 2}, {0, 1, 1, 0}}
	theta := slices.Clone(theta0)
	m, v := make([]float64, 4), make([]float64, 4)
	for step := 1; step <= 2; step++ {
		c, y := cs[step-1], ys[step-1]
		losses, err := mb.Step(tensors.FromFlatDataAndDimensions(c, 2, 1, 2), tensors.FromFlatDataAndDimensions(y, 2, 1, 2))
		if err != nil {
			t.Fatal(err)
		}
		for r := range 2 {
			var l float64
			for i := range 2 {
				j := 2*r + i
				e := c[j]*(theta[j]+offset[j]) - y[j]
				l += 0.5 * e * e
			}
			if math.Abs(losses[r]-l) > 1e-12 {
				t.Errorf("step %d run %d: loss %v, by hand %v", step, r, losses[r], l)
			}
		}
		for j := range theta {
			g := (c[j]*(theta[j]+offset[j]) - y[j]) * c[j]
			m[j] = b1*m[j] + (1-b1)*g
			v[j] = b2*v[j] + (1-b2)*g*g
			mhat := m[j] / (1 - math.Pow(b1, float64(step)))
			vhat := v[j] / (1 - math.Pow(b2, float64(step)))
			theta[j] -= lr * mhat / (math.Sqrt(vhat) + eps)
		}
	}
	got, err := mb.Params()
	if err != nil {
		t.Fatal(err)
	}
	th := tensors.MustCopyFlatData[float64](got[0])
	for j := range theta {
		if math.Abs(th[j]-theta[j]) > 1e-12 {
			t.Errorf("θ[%d] after 2 Adam steps = %v, by hand %v", j, th[j], theta[j])
		}
	}
	for j, x := range tensors.MustCopyFlatData[float64](got[1]) {
		if x != offset[j] {
			t.Fatalf("frozen parameter changed: %v → %v", offset[j], x)
		}
	}
	if mb.NumTrainable() != 2 || mb.Steps() != 2 {
		t.Errorf("NumTrainable %d (want 2), Steps %d (want 2)", mb.NumTrainable(), mb.Steps())
	}
}

// Run 1 of a batch of two is the same run trained alone.
func TestMinibatchRunsAreIndependent(t *testing.T) {
	run := func(theta []float64, c, y []float64, runs int) []float64 {
		params := []train.Param{
			{Name: "theta", Value: tensors.FromFlatDataAndDimensions(slices.Clone(theta), runs, 2), Trainable: true},
			{Name: "offset", Value: tensors.FromFlatDataAndDimensions(make([]float64, 2*runs), runs, 2)},
		}
		mb, err := train.NewMinibatch(backend.MustGet(), params, optimizer.Adam().LearningRate(0.05).Done(), quadLoss)
		if err != nil {
			t.Fatal(err)
		}
		defer mb.Finalize()
		for range 5 {
			if _, err := mb.Step(tensors.FromFlatDataAndDimensions(c, runs, 1, 2), tensors.FromFlatDataAndDimensions(y, runs, 1, 2)); err != nil {
				t.Fatal(err)
			}
		}
		p, _ := mb.Params()
		return tensors.MustCopyFlatData[float64](p[0])
	}
	both := run([]float64{1, 2, 3, 4}, []float64{1, 1, 2, -1}, []float64{0, 1, 5, 5}, 2)
	alone := run([]float64{3, 4}, []float64{2, -1}, []float64{5, 5}, 1)
	if math.Abs(both[2]-alone[0]) > 1e-12 || math.Abs(both[3]-alone[1]) > 1e-12 {
		t.Errorf("batched run 1 = %v, alone = %v", both[2:], alone)
	}
}

func TestMinibatchErrors(t *testing.T) {
	opt := optimizer.Adam().Done()
	v := tensors.FromFlatDataAndDimensions([]float64{1}, 1, 1)
	if _, err := train.NewMinibatch(backend.MustGet(), []train.Param{{Name: "w", Value: v}}, opt, quadLoss); err == nil || !strings.Contains(err.Error(), "frozen") {
		t.Errorf("all-frozen parameters: %v", err)
	}
	if _, err := train.NewMinibatch(backend.MustGet(), []train.Param{{Name: "w", Value: v, Trainable: true}, {Name: "w", Value: v}}, opt, quadLoss); err == nil || !strings.Contains(err.Error(), "unique") {
		t.Errorf("duplicate names: %v", err)
	}
	// A diverging run is an error naming the run.
	params := []train.Param{{Name: "theta", Value: tensors.FromFlatDataAndDimensions([]float64{1, 1, 1, 1}, 2, 2), Trainable: true},
		{Name: "offset", Value: tensors.FromFlatDataAndDimensions(make([]float64, 4), 2, 2)}}
	mb, _ := train.NewMinibatch(backend.MustGet(), params, opt, quadLoss)
	defer mb.Finalize()
	_, err := mb.Step(tensors.FromFlatDataAndDimensions([]float64{1, 1, math.Inf(1), 1}, 2, 1, 2), tensors.FromFlatDataAndDimensions(make([]float64, 4), 2, 1, 2))
	if d, ok := err.(*train.DivergedError); !ok || d.Run != 1 {
		t.Errorf("want a DivergedError for run 1, got %v", err)
	}
}

func TestBatcherCoversEveryExampleOncePerEpoch(t *testing.T) {
	b, err := train.NewBatcher(10, 3, []uint64{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	if b.StepsPerEpoch() != 3 {
		t.Fatalf("StepsPerEpoch = %d, want ⌊10/3⌋ = 3", b.StepsPerEpoch())
	}
	var orders [2][][]int
	for epoch := range 2 {
		seen := [2]map[int]bool{{}, {}}
		var order [2][]int
		for range b.StepsPerEpoch() {
			if b.Epoch() != epoch {
				t.Fatalf("epoch %d, want %d", b.Epoch(), epoch)
			}
			idx := b.Next()
			for r := range 2 {
				for _, i := range idx[r] {
					if seen[r][i] {
						t.Fatalf("run %d saw example %d twice in epoch %d", r, i, epoch)
					}
					seen[r][i] = true
					order[r] = append(order[r], i)
				}
			}
		}
		for r := range 2 {
			if len(seen[r]) != 9 {
				t.Errorf("run %d saw %d examples in epoch %d, want 9 (one dropped)", r, len(seen[r]), epoch)
			}
			orders[r] = append(orders[r], order[r])
		}
	}
	if slices.Equal(orders[0][0], orders[1][0]) {
		t.Error("two seeds gave the same order")
	}
	if slices.Equal(orders[0][0], orders[0][1]) {
		t.Error("two epochs gave the same order")
	}
	again, _ := train.NewBatcher(10, 3, []uint64{1, 2})
	if !slices.Equal(again.Next()[0], orders[0][0][:3]) {
		t.Error("the same seed gave a different order")
	}
	if _, err := train.NewBatcher(10, 11, []uint64{1}); err == nil || !strings.Contains(err.Error(), "batch size") {
		t.Errorf("oversized batch: %v", err)
	}
	x := []float32{0, 1, 10, 11, 20, 21}
	got := tensors.MustCopyFlatData[float32](train.GatherRows(x, 2, [][]int{{2, 0}, {1, 1}}))
	if !slices.Equal(got, []float32{20, 21, 0, 1, 10, 11, 10, 11}) {
		t.Errorf("GatherRows = %v", got)
	}
}

func TestSoftmaxCrossEntropyAndAccuracy(t *testing.T) {
	logits := [][][]float64{{{1, 2, 3}, {0, 0, 0}}} // [1, 2, 3]
	onehot := [][]float64{{0, 0, 1}, {1, 0, 0}}
	out := MustExecOnce(backend.MustGet(), func(g *Graph) *Node {
		return train.SoftmaxCrossEntropy(Const(g, logits), Const(g, onehot))
	})
	lse := math.Log(math.Exp(1) + math.Exp(2) + math.Exp(3))
	want := ((lse - 3) + math.Log(3)) / 2
	if got := tensors.MustCopyFlatData[float64](out)[0]; math.Abs(got-want) > 1e-12 {
		t.Errorf("cross-entropy %v, by hand %v", got, want)
	}
	acc, err := train.Accuracy([]float32{1, 2, 3, 0, 0, 0, 5, 0, 0, 0, 1, 0}, 2, 3, []int{2, 0})
	if err != nil || acc[0] != 1 || acc[1] != 0 {
		t.Errorf("Accuracy = %v, %v; want [1 0]", acc, err)
	}
}

func TestMaskedSoftmaxCrossEntropy(t *testing.T) {
	// One run, one sequence of 3 positions over 2 classes; only positions 0 and 2 count.
	logits := [][][][]float64{{{{0, 1}, {5, -5}, {2, 0}}}}
	onehot := [][][][]float64{{{{0, 1}, {1, 0}, {0, 1}}}}
	mask := [][][]float64{{{1, 0, 1}}}
	out := MustExecOnce(backend.MustGet(), func(g *Graph) *Node {
		return train.MaskedSoftmaxCrossEntropy(Const(g, logits), Const(g, onehot), Const(g, mask))
	})
	l0 := math.Log(1 + math.Exp(-1)) // −log softmax([0, 1])₁
	l2 := math.Log(1 + math.Exp(2))  // −log softmax([2, 0])₁
	if got := tensors.MustCopyFlatData[float64](out)[0]; math.Abs(got-(l0+l2)/2) > 1e-12 {
		t.Errorf("masked cross-entropy %v, by hand %v", got, (l0+l2)/2)
	}
}
