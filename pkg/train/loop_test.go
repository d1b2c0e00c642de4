package train_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/backend"
	"theorylab/pkg/train"
)

// quadraticGD is GD on L(θ) = ½θ² for R runs (θ [R, 1]), unroll steps per graph.
func quadraticGD(t *testing.T, unroll int) *train.GD {
	t.Helper()
	gd, err := train.NewGD(backend.MustGet(), func(p []*Node) *Node { return MulScalar(ReduceSum(Square(p[0]), 1), 0.5) }, unroll)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gd.Finalize)
	return gd
}

// TestLoopSchedule: Measure sees θₜ at t = 0, Every, …, Steps; Record sees
// every loss once, in order; the result is θ at Steps, as by hand.
func TestLoopSchedule(t *testing.T) {
	gd := quadraticGD(t, 2)
	var measured []int
	var thetas []float64
	var losses []float64
	loop := train.Loop{GD: gd, Eta: tensors.FromFlatDataAndDimensions([]float64{0.5}, 1), Steps: 8, Every: 4,
		Measure: func(step int, p []*tensors.Tensor) error {
			measured = append(measured, step)
			thetas = append(thetas, tensors.MustCopyFlatData[float64](p[0])[0])
			return nil
		},
		Record: func(step int, l [][]float64) {
			if step != len(losses) {
				t.Errorf("Record at step %d after %d losses", step, len(losses))
			}
			for _, row := range l {
				losses = append(losses, row[0])
			}
		},
	}
	final, err := loop.Run([]*tensors.Tensor{tensors.FromFlatDataAndDimensions([]float64{1}, 1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if got := tensors.MustCopyFlatData[float64](final[0])[0]; got != math.Pow(0.5, 8) {
		t.Errorf("θ after 8 steps = %v, want 0.5⁸", got)
	}
	if len(measured) != 3 || measured[0] != 0 || measured[1] != 4 || measured[2] != 8 {
		t.Errorf("measured at %v, want [0 4 8]", measured)
	}
	// θ_t = 0.5^t: the measurement at t sees the parameters before step t.
	for i, step := range measured {
		if want := math.Pow(0.5, float64(step)); thetas[i] != want {
			t.Errorf("θ at step %d = %v, want %v", step, thetas[i], want)
		}
	}
	for k, l := range losses {
		// L(θ_k) = ½·0.25^k
		if want := 0.5 * math.Pow(0.25, float64(k)); math.Abs(l-want) > 1e-15 {
			t.Errorf("loss %d = %v, want %v", k, l, want)
		}
	}
	if len(losses) != 8 {
		t.Errorf("%d losses recorded, want 8", len(losses))
	}
}

// TestLoopDivergenceAndBadSchedules: the step of a divergence counts from
// the start of the loop; schedules that skip a measurement are refused.
func TestLoopDivergenceAndBadSchedules(t *testing.T) {
	gd := quadraticGD(t, 2)
	theta := []*tensors.Tensor{tensors.FromFlatDataAndDimensions([]float64{1, 1}, 2, 1)}
	// Run 1 at η = 300: θ is multiplied by −299 every step, so ½θ² = ½·299^{2t} overflows near t = 62.
	eta := tensors.FromFlatDataAndDimensions([]float64{0.5, 300}, 2)
	_, err := train.Loop{GD: gd, Eta: eta, Steps: 400, Every: 4}.Run(theta)
	var d *train.DivergedError
	if !errors.As(err, &d) || d.Run != 1 || d.StepOffset < 60 || d.StepOffset > 65 {
		t.Errorf("want run 1 diverging near step 62, got %v", err)
	}
	for name, l := range map[string]train.Loop{
		"every not a multiple of unroll": {GD: gd, Eta: eta, Steps: 6, Every: 3},
		"steps not a multiple of every":  {GD: gd, Eta: eta, Steps: 6, Every: 4},
		"a step past a measurement": {Steps: 4, Every: 2, Step: func(_ int, p []*tensors.Tensor) ([]*tensors.Tensor, [][]float64, error) {
			return p, [][]float64{{1, 1}, {1, 1}, {1, 1}}, nil
		}},
	} {
		if _, err := l.Run(theta); err == nil || !strings.Contains(err.Error(), "train.Loop") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
