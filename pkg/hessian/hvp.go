package hessian

import (
	"fmt"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"theorylab/pkg/tensorconv"
)

// HVP computes Hessian-vector products of a per-run loss by double backprop:
//
//	H·v = ∇_θ ⟨∇_θ L(θ), v⟩
//
// Parameters carry a leading run axis [R, …] and the loss is [R], the same
// convention as pkg/train: the runs are independent, so differentiating the
// summed loss gives every run its own product in one executed graph.
type HVP struct {
	exec *Exec
}

// NewHVP prepares the double-backprop graph for loss (compiled on first use).
func NewHVP(backend compute.Backend, loss func(params []*Node) *Node) (*HVP, error) {
	exec, err := NewExec(backend, func(in []*Node) []*Node {
		n := len(in) / 2
		params, dirs := in[:n], in[n:]
		grads := Gradient(ReduceAllSum(loss(params)), params...)
		var gv *Node // Σ_r ⟨∇L_r, v_r⟩
		for i := range grads {
			term := ReduceAllSum(Mul(grads[i], dirs[i]))
			if gv == nil {
				gv = term
			} else {
				gv = Add(gv, term)
			}
		}
		return Gradient(gv, params...)
	})
	if err != nil {
		return nil, err
	}
	return &HVP{exec: exec}, nil
}

// Apply returns H·v for every run: dirs has the shapes of params.
func (h *HVP) Apply(params, dirs []*tensors.Tensor) ([]*tensors.Tensor, error) {
	if len(params) != len(dirs) {
		return nil, fmt.Errorf("hessian.HVP: %d parameters but %d directions", len(params), len(dirs))
	}
	args := make([]any, 0, 2*len(params))
	for _, p := range params {
		args = append(args, p)
	}
	for _, d := range dirs {
		args = append(args, d)
	}
	return h.exec.Call(args...)
}

// Finalize releases the compiled graph.
func (h *HVP) Finalize() { h.exec.Finalize() }

// Operator freezes the parameters and returns the batched operator
// vs[r] ↦ H_r·vs[r] on flat per-run vectors, ready for LanczosBatch and
// PowerIterationBatch. A run's flat vector is its slices of every parameter,
// concatenated in order (see Layout).
func (h *HVP) Operator(params []*tensors.Tensor) (BatchOperator, error) {
	lay, err := NewLayout(params)
	if err != nil {
		return nil, err
	}
	return func(vs [][]float64) ([][]float64, error) {
		dirs, err := lay.Unflatten(vs)
		if err != nil {
			return nil, err
		}
		out, err := h.Apply(params, dirs)
		if err != nil {
			return nil, err
		}
		return lay.Flatten(out)
	}, nil
}

// Layout maps parameter tensors [R, …] to one float64 vector per run and back.
// Parameters may be float32 or float64 (all the same); the linear algebra on the
// flat vectors is always float64.
type Layout struct {
	DType dtypes.DType
	Runs  int
	Dims  [][]int // dimensions of each parameter, run axis included
	Sizes []int   // elements per run of each parameter
	Dim   int     // total parameters per run
}

// NewLayout reads the layout of params, which must share a dtype (float32 or float64) and a leading run axis.
func NewLayout(params []*tensors.Tensor) (*Layout, error) {
	if len(params) == 0 {
		return nil, fmt.Errorf("hessian.Layout: no parameters")
	}
	lay := &Layout{Runs: -1}
	for i, p := range params {
		dims := p.Shape().Dimensions
		if len(dims) == 0 {
			return nil, fmt.Errorf("hessian.Layout: parameter %d is a scalar; parameters need a leading run axis", i)
		}
		dt := p.DType()
		if dt != dtypes.Float32 && dt != dtypes.Float64 {
			return nil, fmt.Errorf("hessian.Layout: parameter %d is %s; want float32 or float64", i, dt)
		}
		if i > 0 && dt != lay.DType {
			return nil, fmt.Errorf("hessian.Layout: parameter %d is %s, parameter 0 is %s", i, dt, lay.DType)
		}
		lay.DType = dt
		if lay.Runs >= 0 && dims[0] != lay.Runs {
			return nil, fmt.Errorf("hessian.Layout: parameter %d has %d runs, parameter 0 has %d", i, dims[0], lay.Runs)
		}
		lay.Runs = dims[0]
		size := p.Shape().Size() / dims[0]
		lay.Dims = append(lay.Dims, dims)
		lay.Sizes = append(lay.Sizes, size)
		lay.Dim += size
	}
	return lay, nil
}

// Flatten copies tensors (float64, shaped like the layout) into vs[r][:Dim].
func (lay *Layout) Flatten(ts []*tensors.Tensor) ([][]float64, error) {
	vs := make([][]float64, lay.Runs)
	for r := range vs {
		vs[r] = make([]float64, 0, lay.Dim)
	}
	for i, t := range ts {
		flat, err := tensorconv.Floats(t)
		if err != nil {
			return nil, fmt.Errorf("hessian.Layout: parameter %d: %w", i, err)
		}
		size := lay.Sizes[i]
		if len(flat) != size*lay.Runs {
			return nil, fmt.Errorf("hessian.Layout: parameter %d has %d values, want %d", i, len(flat), size*lay.Runs)
		}
		for r := range vs {
			vs[r] = append(vs[r], flat[r*size:(r+1)*size]...)
		}
	}
	return vs, nil
}

// Unflatten is the inverse of Flatten.
func (lay *Layout) Unflatten(vs [][]float64) ([]*tensors.Tensor, error) {
	if len(vs) != lay.Runs {
		return nil, fmt.Errorf("hessian.Layout: %d vectors for %d runs", len(vs), lay.Runs)
	}
	ts := make([]*tensors.Tensor, len(lay.Sizes))
	offset := 0
	for i, size := range lay.Sizes {
		flat := make([]float64, 0, size*lay.Runs)
		for r, v := range vs {
			if len(v) != lay.Dim {
				return nil, fmt.Errorf("hessian.Layout: vector %d has length %d, want %d", r, len(v), lay.Dim)
			}
			flat = append(flat, v[offset:offset+size]...)
		}
		var err error
		if ts[i], err = tensorconv.FromFloats(lay.DType, flat, lay.Dims[i]...); err != nil {
			return nil, fmt.Errorf("hessian.Layout: %w", err)
		}
		offset += size
	}
	return ts, nil
}
