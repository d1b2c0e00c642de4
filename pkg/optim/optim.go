package optim

import (
	"errors"
	"fmt"
	"math"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Method names an update rule.
type Method string

const (
	GD     Method = "gd"   // θ ← θ − η g
	SignGD Method = "sign" // θ ← θ − η sign(g)
	Adam   Method = "adam" // Kingma & Ba
)

// Schedule is how the step size changes with the step number t = 1, 2, ….
type Schedule string

const (
	Constant Schedule = ""         // ηₜ = η
	InvSqrt  Schedule = "inv-sqrt" // ηₜ = η/√t
)

// Rule is an update rule and its shared hyperparameters (the step size is
// per run and given to Trainer.Steps).
type Rule struct {
	Method   Method   `json:"method"`
	Schedule Schedule `json:"schedule,omitempty"`
	// Adam only.
	Beta1 float64 `json:"beta1,omitempty"`
	Beta2 float64 `json:"beta2,omitempty"`
	Eps   float64 `json:"eps,omitempty"`
	// NoBiasCorrection drops the 1/(1 − βᵗ) factors of Adam.
	NoBiasCorrection bool `json:"no_bias_correction,omitempty"`
}

// Validate reports every problem with the rule, each naming its field.
func (r Rule) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("optim: "+format, args...)) }
	switch r.Method {
	case GD, SignGD:
	case Adam:
		if !(r.Beta1 >= 0 && r.Beta1 < 1) {
			bad("beta1 must be in [0, 1), got %v", r.Beta1)
		}
		if !(r.Beta2 >= 0 && r.Beta2 < 1) {
			bad("beta2 must be in [0, 1), got %v", r.Beta2)
		}
		if !(r.Eps >= 0) || math.IsInf(r.Eps, 0) {
			bad("eps must be ≥ 0 and finite, got %v", r.Eps)
		}
	default:
		bad("method must be %q, %q or %q, got %q", GD, SignGD, Adam, r.Method)
	}
	if r.Schedule != Constant && r.Schedule != InvSqrt {
		bad("schedule must be %q (constant) or %q, got %q", Constant, InvSqrt, r.Schedule)
	}
	return errors.Join(errs...)
}

// Slots is the number of state tensors the rule keeps per parameter (Adam:
// m and v).
func (r Rule) Slots() int {
	if r.Method == Adam {
		return 2
	}
	return 0
}

// Update builds one step of the rule for one parameter p with gradient g and
// state slots (Rule.Slots of them, shaped like p); t is the step number
// (1, 2, …) as a scalar of p's dtype and lr the per-run step sizes, whose
// shape is the leading run axes of p. It returns the new p and slots:
//
//	ηₜ = η, or η/√t (InvSqrt)
//	GD:      θ ← θ − ηₜ g
//	sign-GD: θ ← θ − ηₜ sign(g)
//	Adam:    m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,
//	         θ ← θ − ηₜ m̂/(√v̂ + ε),  m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ) (or m, v without bias correction)
func (r Rule) Update(p, g *Node, slots []*Node, t, lr *Node) (*Node, []*Node) {
	eta := perRun(lr, p)
	if r.Schedule == InvSqrt {
		// ηₜ = η/√t.
		eta = Div(eta, Sqrt(t))
	}
	switch r.Method {
	case SignGD:
		// θ ← θ − ηₜ sign(g)  (sign(0) = 0).
		return Sub(p, Mul(eta, Sign(g))), nil
	case Adam:
		m, v := slots[0], slots[1]
		b1 := Scalar(p.Graph(), p.DType(), r.Beta1)
		b2 := Scalar(p.Graph(), p.DType(), r.Beta2)
		// m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g².
		m = Add(Mul(b1, m), Mul(OneMinus(b1), g))
		v = Add(Mul(b2, v), Mul(OneMinus(b2), Square(g)))
		mHat, vHat := m, v
		if !r.NoBiasCorrection {
			// m̂ = m/(1 − β₁ᵗ),  v̂ = v/(1 − β₂ᵗ).
			mHat = Div(m, OneMinus(Pow(b1, t)))
			vHat = Div(v, OneMinus(Pow(b2, t)))
		}
		// θ ← θ − ηₜ m̂/(√v̂ + ε).
		step := Div(mHat, AddScalar(Sqrt(vHat), r.Eps))
		return Sub(p, Mul(eta, step)), []*Node{m, v}
	}
	// GD: θ ← θ − ηₜ g.
	return Sub(p, Mul(eta, g)), nil
}

// perRun broadcasts the per-run values v (the leading axes of x) over the
// remaining axes of x.
func perRun(v, x *Node) *Node {
	dims := make([]int, x.Rank())
	for i := range dims {
		dims[i] = 1
	}
	copy(dims, v.Shape().Dimensions)
	return BroadcastToDims(Reshape(v, dims...), x.Shape().Dimensions...)
}

// LossFn builds the per-run training loss from the parameters: its shape is
// the run axes that every parameter starts with. Data enter as constants
// captured by the closure.
type LossFn func(params []*Node) *Node

// Trainer runs a Rule on a loss, Unroll steps per executed graph.
type Trainer struct {
	Rule    Rule
	Unroll  int
	nParams int
	exec    *Exec
}

// NewTrainer compiles (lazily, on the first Steps) a graph that takes the
// parameters, the rule's slots, the number of steps already taken (a float64
// scalar) and the step sizes, and returns the parameters and slots after Unroll steps and
// the loss before each step.
func NewTrainer(backend compute.Backend, rule Rule, loss LossFn, nParams, unroll int) (*Trainer, error) {
	if err := rule.Validate(); err != nil {
		return nil, err
	}
	if unroll < 1 {
		return nil, fmt.Errorf("optim.NewTrainer: unroll must be ≥ 1, got %d", unroll)
	}
	if nParams < 1 {
		return nil, fmt.Errorf("optim.NewTrainer: need at least one parameter, got %d", nParams)
	}
	k := rule.Slots()
	exec, err := NewExec(backend, func(in []*Node) []*Node {
		params := in[:nParams]
		slots := in[nParams : nParams+k*nParams] // slot s of parameter i at s·nParams + i
		taken, lr := in[len(in)-2], in[len(in)-1]
		losses := make([]*Node, unroll)
		for u := range unroll {
			l := loss(params)
			losses[u] = l
			grads := Gradient(ReduceAllSum(l), params...)
			// t = steps taken before this one + 1.
			t := AddScalar(ConvertDType(taken, params[0].DType()), float64(u+1))
			nextP := make([]*Node, nParams)
			nextS := make([]*Node, len(slots))
			for i, p := range params {
				own := make([]*Node, k)
				for s := range k {
					own[s] = slots[s*nParams+i]
				}
				var upd []*Node
				nextP[i], upd = rule.Update(p, grads[i], own, t, lr)
				for s := range k {
					nextS[s*nParams+i] = upd[s]
				}
			}
			params, slots = nextP, nextS
		}
		out := append(append([]*Node{}, params...), slots...)
		return append(out, ConvertDType(Stack(losses, 0), dtypes.Float64))
	})
	if err != nil {
		return nil, err
	}
	return &Trainer{Rule: rule, Unroll: unroll, nParams: nParams, exec: exec}, nil
}

// State is the parameters and optimizer state of all runs, and the number of
// steps taken.
type State struct {
	Params []*tensors.Tensor
	Slots  []*tensors.Tensor // Rule.Slots() per parameter: slot s of parameter i at s·len(Params) + i
	Step   int
}

// NewState starts from params (copied) with zero slots.
func (tr *Trainer) NewState(params []*tensors.Tensor) (*State, error) {
	if len(params) != tr.nParams {
		return nil, fmt.Errorf("optim: %d parameters given, the trainer was built for %d", len(params), tr.nParams)
	}
	s := &State{}
	for _, p := range params {
		c, err := p.LocalClone()
		if err != nil {
			return nil, err
		}
		s.Params = append(s.Params, c)
	}
	for range tr.Rule.Slots() {
		for _, p := range params {
			s.Slots = append(s.Slots, tensors.FromShape(p.Shape()))
		}
	}
	return s, nil
}

// Steps advances every run by Unroll steps with step sizes lr (shaped like
// the loss: one per run) and returns the loss of every run before each
// step, losses[u] flattened over the run axes. Runs whose loss is not finite
// keep going (they cannot affect the others); the caller decides what a
// diverged run means.
func (tr *Trainer) Steps(s *State, lr *tensors.Tensor) ([][]float64, error) {
	args := make([]any, 0, len(s.Params)+len(s.Slots)+2)
	for _, p := range s.Params {
		args = append(args, p)
	}
	for _, v := range s.Slots {
		args = append(args, v)
	}
	args = append(args, tensors.FromScalar(float64(s.Step)), lr)
	outs, err := tr.exec.Call(args...)
	if err != nil {
		return nil, err
	}
	n := len(s.Params)
	s.Params = outs[:n]
	s.Slots = outs[n : len(outs)-1]
	s.Step += tr.Unroll
	flat, err := tensors.CopyFlatData[float64](outs[len(outs)-1])
	if err != nil {
		return nil, err
	}
	runs := len(flat) / tr.Unroll
	losses := make([][]float64, tr.Unroll)
	for u := range losses {
		losses[u] = flat[u*runs : (u+1)*runs]
	}
	return losses, nil
}

// Finalize releases the compiled graph.
func (tr *Trainer) Finalize() { tr.exec.Finalize() }
