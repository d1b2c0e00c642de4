package hessian

import (
	"errors"
	"fmt"
	"math"
)

// PowerIteration estimates the dominant eigenpair of the symmetric operator op
// of size dim by iters steps of power iteration, starting from v0. v0 may be
// the eigenvector of a previous call (a warm start, cheap when the operator
// changed little, as between nearby training steps); nil means
// StartVector(dim, 0).
//
// Each step costs one operator call: w = H·v, the Rayleigh quotient θ = vᵀw
// and the residual ‖w − θv‖ are computed from it, and v ← w/‖w‖ for the next
// step. The result is the pair (θ, v) of the last step, so Residual belongs to
// exactly the returned Values[0] and Vector and needs no extra call.
//
// Power iteration converges to the eigenvalue of largest MAGNITUDE, which is
// λ_max only when λ_max ≥ |λ_min| (a Hessian with a large negative eigenvalue
// makes Values[0] negative). Its error shrinks like (λ₂/λ₁)^(2·iters), so it
// stalls when the top eigenvalues nearly coincide: use Lanczos then, and
// always look at Residual. If H·v = 0 the iteration stops early with θ = 0.
//
// PowerIteration returns an error for dim < 1, iters < 1, a v0 of the wrong
// length, zero or non-finite, an operator error, an operator result of the
// wrong length, or NaN/±Inf from the operator (a *NonFiniteError).
func PowerIteration(op Operator, dim int, v0 []float64, iters int) (Eigen, error) {
	if op == nil {
		return Eigen{}, errors.New("hessian: PowerIteration: nil operator")
	}
	var starts [][]float64
	if v0 != nil {
		starts = [][]float64{v0}
	}
	res, err := powerBatch("PowerIteration", singleRun(op), 1, dim, starts, iters)
	var be *BatchError
	if errors.As(err, &be) {
		return Eigen{}, be.Errs[0]
	}
	if err != nil {
		return Eigen{}, err
	}
	return res[0], nil
}

// PowerIterationBatch runs PowerIteration on batch independent operators in
// lockstep, one call of op per step. v0 is nil (every run starts at random) or
// holds batch start vectors, where a nil entry r means StartVector(dim, r).
// Run r's result equals PowerIteration(op_r, dim, v0[r], iters) (with
// StartVector(dim, r) for a nil start).
//
// As in LanczosBatch, runs that return NaN/±Inf fail alone: the other runs'
// results are returned together with a *BatchError naming the failed ones.
func PowerIterationBatch(op BatchOperator, batch, dim int, v0 [][]float64, iters int) ([]Eigen, error) {
	if op == nil {
		return nil, errors.New("hessian: PowerIterationBatch: nil operator")
	}
	return powerBatch("PowerIterationBatch", op, batch, dim, v0, iters)
}

// powerRun is the state of one power iteration.
type powerRun struct {
	v    []float64 // current unit iterate
	res  Eigen     // pair of the last step taken
	done bool      // stopped early (H·v = 0)
	err  error
}

func powerBatch(name string, op BatchOperator, batch, dim int, v0 [][]float64, iters int) ([]Eigen, error) {
	if batch < 1 {
		return nil, fmt.Errorf("hessian: %s: batch = %d, want >= 1", name, batch)
	}
	if dim < 1 {
		return nil, fmt.Errorf("hessian: %s: dim = %d, want >= 1", name, dim)
	}
	if iters < 1 {
		return nil, fmt.Errorf("hessian: %s: iters = %d, want >= 1", name, iters)
	}
	if v0 != nil && len(v0) != batch {
		return nil, fmt.Errorf("hessian: %s: len(v0) = %d, want batch = %d (or nil)", name, len(v0), batch)
	}
	runs := make([]*powerRun, batch)
	for r := range runs {
		label := fmt.Sprintf("v0[%d]", r)
		if name == "PowerIteration" {
			label = "v0"
		}
		if v0 == nil || v0[r] == nil {
			runs[r] = &powerRun{v: StartVector(dim, uint64(r))}
			continue
		}
		if len(v0[r]) != dim {
			return nil, fmt.Errorf("hessian: %s: len(%s) = %d, want dim = %d", name, label, len(v0[r]), dim)
		}
		if nf := checkFinite(v0[r]); nf != nil {
			return nil, fmt.Errorf("hessian: %s: %s[%d] = %v", name, label, nf.Index, nf.Value)
		}
		nrm := norm(v0[r])
		if nrm == 0 {
			return nil, fmt.Errorf("hessian: %s: %s is the zero vector", name, label)
		}
		v := append([]float64(nil), v0[r]...)
		scale(v, 1/nrm)
		runs[r] = &powerRun{v: v}
	}

	vs := make([][]float64, batch)
	for it := 1; it <= iters; it++ {
		active := false
		for r, pr := range runs {
			vs[r] = make([]float64, dim)
			if pr.done || pr.err != nil {
				continue
			}
			active = true
			copy(vs[r], pr.v)
		}
		if !active {
			break
		}
		out, err := callBatch(name, op, vs, dim, it)
		if err != nil {
			return nil, err
		}
		for r, pr := range runs {
			if pr.done || pr.err != nil {
				continue
			}
			w := out[r]
			if nf := checkFinite(w); nf != nil {
				nf.Iteration = it
				pr.err = nf
				continue
			}
			// θ = vᵀHv (‖v‖ = 1), residual ‖Hv − θv‖: both belong to v.
			theta := dot(pr.v, w)
			pr.res = Eigen{
				Values:     []float64{theta},
				Vector:     append([]float64(nil), pr.v...),
				Residual:   residual(w, theta, pr.v),
				Iterations: it,
			}
			// v ← Hv / ‖Hv‖
			nw := norm(w)
			if nw == 0 || math.IsInf(nw, 0) {
				pr.done = true
				continue
			}
			pr.v = append(pr.v[:0], w...)
			scale(pr.v, 1/nw)
		}
	}
	res := make([]Eigen, batch)
	for r, pr := range runs {
		res[r] = pr.res
	}
	return res, batchError(runs, res, func(pr *powerRun) error { return pr.err })
}
