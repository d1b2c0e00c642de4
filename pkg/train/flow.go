package train

import (
	"fmt"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Flow integrates gradient flow dθ/dt = −∇L(θ) with the classical fourth-order
// Runge–Kutta method, for R independent runs (params [R, …], loss [R]) with a
// step h per run:
//
//	k₁ = −∇L(θ), k₂ = −∇L(θ + h/2·k₁), k₃ = −∇L(θ + h/2·k₂), k₄ = −∇L(θ + h·k₃)
//	θ ← θ + h/6 · (k₁ + 2k₂ + 2k₃ + k₄)
//
// GD with step η is the explicit Euler method for this flow, so GD step k
// corresponds to flow time kη.
type Flow struct {
	exec *Exec
}

// NewFlow prepares the RK4 step graph (compiled on first use).
func NewFlow(backend compute.Backend, loss LossFn) (*Flow, error) {
	exec, err := NewExec(backend, func(in []*Node) []*Node {
		params, h := in[:len(in)-1], in[len(in)-1]
		velocity := func(ps []*Node) []*Node { // −∇L
			g := Gradient(ReduceAllSum(loss(ps)), ps...)
			for i := range g {
				g[i] = Neg(g[i])
			}
			return g
		}
		shift := func(ps, ks []*Node, scale float64) []*Node {
			out := make([]*Node, len(ps))
			for i := range ps {
				out[i] = Add(ps[i], Mul(MulScalar(perRun(h, ps[i]), scale), ks[i]))
			}
			return out
		}
		k1 := velocity(params)
		k2 := velocity(shift(params, k1, 0.5))
		k3 := velocity(shift(params, k2, 0.5))
		k4 := velocity(shift(params, k3, 1))
		next := make([]*Node, len(params))
		for i, p := range params {
			sum := Add(Add(k1[i], MulScalar(k2[i], 2)), Add(MulScalar(k3[i], 2), k4[i]))
			next[i] = Add(p, Mul(MulScalar(perRun(h, p), 1.0/6), sum))
		}
		return next
	})
	if err != nil {
		return nil, err
	}
	return &Flow{exec: exec}, nil
}

// Step advances every run r by one RK4 step of length h[r].
func (f *Flow) Step(params []*tensors.Tensor, h *tensors.Tensor) ([]*tensors.Tensor, error) {
	args := make([]any, 0, len(params)+1)
	for _, p := range params {
		args = append(args, p)
	}
	args = append(args, h)
	outs, err := f.exec.Call(args...)
	if err != nil {
		return nil, fmt.Errorf("train.Flow: %w", err)
	}
	return outs, nil
}

// Finalize releases the compiled graph.
func (f *Flow) Finalize() { f.exec.Finalize() }
