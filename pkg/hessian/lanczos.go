package hessian

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// Operator applies a symmetric linear map H (typically a Hessian-vector
// product): it returns H·v, a new slice of length len(v). It must not modify
// v; the slice it returns may be reused by the operator on the next call.
type Operator func(v []float64) ([]float64, error)

// BatchOperator applies R independent symmetric maps at once:
// out[r] = H_r·vs[r]. It is the shape of one executed graph that evaluates a
// Hessian-vector product for each of R batched training runs. It must return
// exactly len(vs) vectors, each of the length of its input, and must not
// modify vs.
type BatchOperator func(vs [][]float64) ([][]float64, error)

// Eigen is an estimate of the top of a symmetric operator's spectrum.
type Eigen struct {
	// Values are the estimated eigenvalues in descending order. For Lanczos
	// these are all the Ritz values (Values[0] estimates λ_max); for power
	// iteration it is the single Rayleigh quotient of Vector.
	Values []float64
	// Vector is the unit eigenvector estimate for Values[0].
	Vector []float64
	// Residual is ‖H·Vector − Values[0]·Vector‖, computed from a fresh
	// operator call. It bounds the distance from Values[0] to the nearest
	// eigenvalue of H; a small residual alone does not prove that eigenvalue
	// is the largest one.
	Residual float64
	// Iterations is the number of Lanczos or power steps taken (operator
	// calls, not counting Lanczos's extra residual call). It is smaller than
	// requested when the iteration stopped early on an invariant subspace.
	Iterations int
}

// NonFiniteError reports that the operator returned NaN or ±Inf, which
// usually means the training run it differentiates has diverged. Such a run
// is a failure to report, never a value to drop silently.
type NonFiniteError struct {
	Iteration int     // 1-based operator call at which it happened
	Index     int     // first offending entry
	Value     float64 // NaN, +Inf or −Inf
	Residual  bool    // true if it happened in the final residual call
}

func (e *NonFiniteError) Error() string {
	when := fmt.Sprintf("at iteration %d", e.Iteration)
	if e.Residual {
		when = "in the residual check"
	}
	return fmt.Sprintf("hessian: operator returned %v %s (entry %d; the training may have diverged)",
		e.Value, when, e.Index)
}

// BatchError reports the runs of a batched eigen-solve that failed (for
// example with a *NonFiniteError). The other runs were unaffected: their
// results, returned alongside the BatchError, are valid.
type BatchError struct {
	Runs []int   // failed run indices, ascending
	Errs []error // Errs[i] is the error of run Runs[i]
}

func (e *BatchError) Error() string {
	parts := make([]string, len(e.Runs))
	for i, r := range e.Runs {
		parts[i] = fmt.Sprintf("run %d: %v", r, e.Errs[i])
	}
	return fmt.Sprintf("hessian: %d run(s) failed: %s", len(e.Runs), strings.Join(parts, "; "))
}

// Unwrap lets errors.As find the individual runs' errors.
func (e *BatchError) Unwrap() []error { return e.Errs }

// breakdownTol: a Lanczos step whose new residual norm β is at most
// breakdownTol × max‖H·q_j‖ has (to working accuracy) found an invariant
// subspace. The Ritz values are then exact to about β, so stopping loses
// nothing; continuing would only build the basis out of rounding noise.
const breakdownTol = 1e-10

// StartVector returns the unit start vector Lanczos uses for the given seed:
// standard normal entries from math/rand/v2's PCG, normalized. Run r of
// LanczosBatch uses StartVector(dim, seed+r).
func StartVector(dim int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0x5eed_1a2c_205e_ed01))
	v := make([]float64, dim)
	for {
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		if nrm := norm(v); nrm > 0 {
			scale(v, 1/nrm)
			return v
		}
	}
}

// Lanczos estimates the top eigenvalues of the symmetric operator op of size
// dim with k = min(iters, dim) steps of the Lanczos iteration, starting from
// StartVector(dim, seed).
//
// Every new basis vector is re-orthogonalized against all previous ones, twice
// (classical Gram–Schmidt twice: "twice is enough"), so the basis stays
// orthonormal to working precision and no spurious copies of converged Ritz
// values appear. If the Krylov space becomes invariant (β ≈ 0, for example
// when H has rank < k), the iteration stops early: Iterations < iters, and the
// Ritz values found are eigenvalues of H.
//
// The Ritz values (eigenvalues of the k×k tridiagonal matrix T, from SymEig)
// are returned in Values, descending; the top Ritz vector, mapped back through
// the Lanczos basis, in Vector. One extra operator call computes Residual. The
// cost is k+1 operator calls, O(k²·dim) for reorthogonalization and O(k³) for
// SymEig, and the basis holds k vectors of length dim.
//
// Convergence of Values[0] is governed by the gap between λ_max and the rest
// of the spectrum relative to its width: isolated top eigenvalues converge in
// a few steps, a dense top of the spectrum needs many. Check Residual.
//
// Lanczos returns an error for dim < 1, iters < 1, an operator error, an
// operator result of the wrong length, or NaN/±Inf from the operator
// (a *NonFiniteError).
func Lanczos(op Operator, dim, iters int, seed uint64) (Eigen, error) {
	if op == nil {
		return Eigen{}, errors.New("hessian: Lanczos: nil operator")
	}
	res, err := lanczosBatch("Lanczos", singleRun(op), 1, dim, iters, seed)
	var be *BatchError
	if errors.As(err, &be) {
		return Eigen{}, be.Errs[0]
	}
	if err != nil {
		return Eigen{}, err
	}
	return res[0], nil
}

// LanczosBatch runs the algorithm of Lanczos on batch independent
// operators in lockstep, with one call of op per iteration (plus one for all
// the residuals). Run r starts from StartVector(dim, seed+r), so its result
// equals that of Lanczos(op_r, dim, iters, seed+uint64(r)), where op_r is the
// r-th map of op.
//
// A run that stops early (invariant subspace) or fails is fed zero vectors for
// the remaining calls and their outputs are ignored. If some runs return
// NaN/±Inf, LanczosBatch still returns the results of the others, together with
// a *BatchError naming the failed runs (their Eigen are zero-valued). Other
// errors (bad arguments, an operator error, wrong lengths) fail the whole batch
// and return nil results.
func LanczosBatch(op BatchOperator, batch, dim, iters int, seed uint64) ([]Eigen, error) {
	if op == nil {
		return nil, errors.New("hessian: LanczosBatch: nil operator")
	}
	return lanczosBatch("LanczosBatch", op, batch, dim, iters, seed)
}

// lanczosRun is the state of one Lanczos problem.
type lanczosRun struct {
	q     [][]float64 // orthonormal Lanczos basis q_0 … q_j
	alpha []float64   // diagonal of T
	beta  []float64   // off-diagonal of T: β_j couples q_j and q_{j+1}
	hnorm float64     // max ‖H·q_j‖ seen, the scale for the breakdown test
	done  bool        // stopped (k steps taken or invariant subspace found)
	err   error       // failed
}

// step consumes hq = H·q_j, where j = len(lr.alpha) is the current step, and,
// unless last or the Krylov space has become invariant, extends the basis by
// q_{j+1}.
func (lr *lanczosRun) step(hq []float64, last bool) {
	j := len(lr.alpha)
	qj := lr.q[j]
	lr.hnorm = math.Max(lr.hnorm, norm(hq))
	w := append([]float64(nil), hq...)
	// α_j = q_jᵀ H q_j
	a := dot(qj, w)
	// Three-term recurrence: w = H q_j − α_j q_j − β_{j−1} q_{j−1}.
	axpy(-a, qj, w)
	if j > 0 {
		axpy(-lr.beta[j-1], lr.q[j-1], w)
	}
	if last {
		lr.alpha = append(lr.alpha, a)
		lr.done = true
		return
	}
	// Full reorthogonalization, twice: w ← w − Σ_i (q_iᵀw) q_i over the whole
	// basis. The component along q_j is folded into α_j so that
	// H Q = Q T + β_j q_{j+1} e_jᵀ keeps holding to rounding.
	for pass := 0; pass < 2; pass++ {
		h := make([]float64, len(lr.q))
		for i, qi := range lr.q {
			h[i] = dot(qi, w)
		}
		for i, qi := range lr.q {
			axpy(-h[i], qi, w)
		}
		a += h[j]
	}
	lr.alpha = append(lr.alpha, a)
	// β_j = ‖w‖; q_{j+1} = w / β_j.
	b := norm(w)
	if b <= breakdownTol*lr.hnorm {
		lr.done = true
		return
	}
	scale(w, 1/b)
	lr.beta = append(lr.beta, b)
	lr.q = append(lr.q, w)
}

// ritz returns the Ritz values of T (descending) and the top Ritz vector
// Q·s_0 (unit).
func (lr *lanczosRun) ritz() (values, vector []float64, err error) {
	m := len(lr.alpha)
	t := make([]float64, m*m)
	for i := 0; i < m; i++ {
		t[i*m+i] = lr.alpha[i]
		if i+1 < m {
			t[i*m+i+1] = lr.beta[i]
			t[(i+1)*m+i] = lr.beta[i]
		}
	}
	values, s, err := SymEig(t, m)
	if err != nil {
		return nil, nil, err
	}
	dim := len(lr.q[0])
	vector = make([]float64, dim)
	for i := 0; i < m; i++ {
		// y = Σ_i s_{i,0} q_i (first column of S)
		axpy(s[i*m], lr.q[i], vector)
	}
	scale(vector, 1/norm(vector))
	return values, vector, nil
}

func lanczosBatch(name string, op BatchOperator, batch, dim, iters int, seed uint64) ([]Eigen, error) {
	if batch < 1 {
		return nil, fmt.Errorf("hessian: %s: batch = %d, want >= 1", name, batch)
	}
	if dim < 1 {
		return nil, fmt.Errorf("hessian: %s: dim = %d, want >= 1", name, dim)
	}
	if iters < 1 {
		return nil, fmt.Errorf("hessian: %s: iters = %d, want >= 1", name, iters)
	}
	k := min(iters, dim)
	runs := make([]*lanczosRun, batch)
	for r := range runs {
		runs[r] = &lanczosRun{q: [][]float64{StartVector(dim, seed+uint64(r))}}
	}
	zero := make([]float64, dim)
	vs := make([][]float64, batch)
	for j := 0; j < k; j++ {
		active := false
		for r, lr := range runs {
			if lr.done || lr.err != nil {
				vs[r] = append([]float64(nil), zero...)
				continue
			}
			active = true
			vs[r] = append([]float64(nil), lr.q[j]...)
		}
		if !active {
			break
		}
		out, err := callBatch(name, op, vs, dim, j+1)
		if err != nil {
			return nil, err
		}
		for r, lr := range runs {
			if lr.done || lr.err != nil {
				continue
			}
			if nf := checkFinite(out[r]); nf != nil {
				nf.Iteration = j + 1
				lr.err = nf
				continue
			}
			lr.step(out[r], j == k-1)
		}
	}

	// Ritz pairs, then one batched call for all the residuals.
	res := make([]Eigen, batch)
	for r, lr := range runs {
		vs[r] = append([]float64(nil), zero...)
		if lr.err != nil {
			continue
		}
		values, vector, err := lr.ritz()
		if err != nil {
			lr.err = err
			continue
		}
		res[r] = Eigen{Values: values, Vector: vector, Iterations: len(lr.alpha)}
		vs[r] = append([]float64(nil), vector...)
	}
	live := false
	for _, lr := range runs {
		live = live || lr.err == nil
	}
	if live {
		out, err := callBatch(name, op, vs, dim, 0)
		if err != nil {
			return nil, err
		}
		for r, lr := range runs {
			if lr.err != nil {
				continue
			}
			if nf := checkFinite(out[r]); nf != nil {
				nf.Residual = true
				lr.err = nf
				continue
			}
			// ‖H y − θ y‖ for the top Ritz pair (θ, y).
			res[r].Residual = residual(out[r], res[r].Values[0], res[r].Vector)
		}
	}
	return res, batchError(runs, res, func(lr *lanczosRun) error { return lr.err })
}

// batchError collects failed runs into a *BatchError (nil if none failed) and
// zeroes their results.
func batchError[T any](runs []T, res []Eigen, errOf func(T) error) error {
	var be BatchError
	for r, run := range runs {
		if err := errOf(run); err != nil {
			be.Runs = append(be.Runs, r)
			be.Errs = append(be.Errs, err)
			res[r] = Eigen{}
		}
	}
	if len(be.Runs) == 0 {
		return nil
	}
	return &be
}

// singleRun adapts an Operator to a batch of one.
func singleRun(op Operator) BatchOperator {
	return func(vs [][]float64) ([][]float64, error) {
		out, err := op(vs[0])
		if err != nil {
			return nil, err
		}
		return [][]float64{out}, nil
	}
}

// callBatch calls op and checks the shape of its result. call is the 1-based
// iteration, or 0 for the residual call.
func callBatch(name string, op BatchOperator, vs [][]float64, dim, call int) ([][]float64, error) {
	when := fmt.Sprintf("at iteration %d", call)
	if call == 0 {
		when = "in the residual check"
	}
	out, err := op(vs)
	if err != nil {
		return nil, fmt.Errorf("hessian: %s: operator failed %s: %w", name, when, err)
	}
	if len(out) != len(vs) {
		return nil, fmt.Errorf("hessian: %s: operator returned %d vectors %s, want %d", name, len(out), when, len(vs))
	}
	for r, o := range out {
		if len(o) != dim {
			run := ""
			if len(out) > 1 {
				run = fmt.Sprintf(" for run %d", r)
			}
			return nil, fmt.Errorf("hessian: %s: operator returned a vector of length %d%s %s, want %d",
				name, len(o), run, when, dim)
		}
	}
	return out, nil
}

// checkFinite returns a *NonFiniteError for the first NaN or ±Inf in v.
func checkFinite(v []float64) *NonFiniteError {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return &NonFiniteError{Index: i, Value: x}
		}
	}
	return nil
}

// residual returns ‖hv − λ·v‖.
func residual(hv []float64, lambda float64, v []float64) float64 {
	var s float64
	for i := range v {
		d := hv[i] - lambda*v[i]
		s += d * d
	}
	return math.Sqrt(s)
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// axpy computes y += a·x.
func axpy(a float64, x, y []float64) {
	for i := range x {
		y[i] += a * x[i]
	}
}

func scale(v []float64, a float64) {
	for i := range v {
		v[i] *= a
	}
}

// norm returns the Euclidean norm of v, scaled to avoid overflow.
func norm(v []float64) float64 {
	var mx float64
	for _, x := range v {
		mx = math.Max(mx, math.Abs(x))
	}
	if mx == 0 || math.IsInf(mx, 0) {
		return mx
	}
	var s float64
	for _, x := range v {
		y := x / mx
		s += y * y
	}
	return mx * math.Sqrt(s)
}
