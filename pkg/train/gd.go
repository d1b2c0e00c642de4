package train

import (
	"fmt"
	"math"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// LossFn builds the per-run training loss from parameters that all carry a
// leading run axis: params[i] is [R, …]; the result is [R]. Data enter the
// graph as constants captured by the closure.
type LossFn func(params []*Node) *Node

// GD runs full-batch gradient descent on R independent runs, Unroll steps per
// executed graph.
type GD struct {
	Unroll int
	exec   *Exec
}

// NewGD compiles (lazily, on the first call) a graph that takes params and
// step sizes η [R] and returns the params after Unroll GD steps together with
// the loss before each step, [Unroll, R].
func NewGD(backend compute.Backend, loss LossFn, unroll int) (*GD, error) {
	if unroll < 1 {
		return nil, fmt.Errorf("train.NewGD: unroll must be ≥ 1, got %d", unroll)
	}
	exec, err := NewExec(backend, func(in []*Node) []*Node {
		params, eta := in[:len(in)-1], in[len(in)-1]
		losses := make([]*Node, unroll)
		for k := range unroll {
			l := loss(params) // [R]
			losses[k] = l
			grads := Gradient(ReduceAllSum(l), params...)
			next := make([]*Node, len(params))
			for i, p := range params {
				// θ ← θ − η ∇L, with η [R] broadcast over the run's parameter axes.
				next[i] = Sub(p, Mul(perRun(eta, p), grads[i]))
			}
			params = next
		}
		return append(params, Stack(losses, 0))
	})
	if err != nil {
		return nil, err
	}
	return &GD{Unroll: unroll, exec: exec}, nil
}

// perRun reshapes a per-run vector [R] so that it broadcasts against x [R, …].
func perRun(v, x *Node) *Node {
	dims := make([]int, x.Rank())
	for i := range dims {
		dims[i] = 1
	}
	dims[0] = x.Shape().Dimensions[0]
	return BroadcastToDims(Reshape(v, dims...), x.Shape().Dimensions...)
}

// Steps advances every run by Unroll steps. It returns the new parameters and
// the losses before each step, losses[k][r]. A run whose loss is not finite is
// reported as an error naming the run and the step offset, because
// divergence must never pass silently.
func (gd *GD) Steps(params []*tensors.Tensor, eta *tensors.Tensor) ([]*tensors.Tensor, [][]float64, error) {
	args := make([]any, 0, len(params)+1)
	for _, p := range params {
		args = append(args, p)
	}
	args = append(args, eta)
	outs, err := gd.exec.Call(args...)
	if err != nil {
		return nil, nil, err
	}
	next, lossT := outs[:len(params)], outs[len(params)]
	flat, err := tensors.CopyFlatData[float64](lossT)
	if err != nil {
		return nil, nil, fmt.Errorf("train.GD: losses must be float64: %w", err)
	}
	runs := len(flat) / gd.Unroll
	losses := make([][]float64, gd.Unroll)
	for k := range losses {
		losses[k] = flat[k*runs : (k+1)*runs]
	}
	for k, row := range losses {
		for r, l := range row {
			if math.IsNaN(l) || math.IsInf(l, 0) {
				return next, losses, &DivergedError{Run: r, StepOffset: k, Loss: l}
			}
		}
	}
	return next, losses, nil
}

// Finalize releases the compiled graph.
func (gd *GD) Finalize() { gd.exec.Finalize() }

// DivergedError reports a run whose loss stopped being a finite number.
type DivergedError struct {
	Run        int
	StepOffset int
	Loss       float64
}

func (e *DivergedError) Error() string {
	return fmt.Sprintf("run %d diverged: loss is %v at step offset %d of this chunk", e.Run, e.Loss, e.StepOffset)
}

// HalfMSE is the mean-over-examples squared loss used by the Edge of Stability code:
//
//	L = (1/N) Σₙ ½‖f(xₙ) − yₙ‖²
//
// pred is [R, N, K] and y is [N, K] (shared by the runs); the result is [R].
// The mean, not the sum: with the sum the stability threshold 2/η moves by a factor N.
func HalfMSE(pred, y *Node) *Node {
	diff := Sub(pred, InsertAxes(y, 0)) // [R, N, K]
	n := float64(pred.Shape().Dimensions[1])
	return MulScalar(ReduceSum(Square(diff), 1, 2), 0.5/n)
}
