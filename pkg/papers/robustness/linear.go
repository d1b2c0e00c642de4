package robustness

import (
	"fmt"
	"math"
	"math/rand/v2"

	"theorylab/pkg/data"
	"theorylab/pkg/hessian"
	"theorylab/pkg/runs"
)

const streamLinear = 0x6c696e656172 // "linear"

// LinearDraw is the minimum-norm linear interpolant of one draw.
type LinearDraw struct {
	Norm     float64 `json:"norm"`      // ‖w‖ = Lip of x ↦ w·x
	Ratio    float64 `json:"ratio"`     // ‖w‖² / (n·d/(d − n − 1))
	Residual float64 `json:"residual"`  // max |Xw − Y|
	MinEig   float64 `json:"min_eig"`   // λ_min(XXᵀ)
	BoundHit bool    `json:"bound_hit"` // ‖w‖ ≤ √(2n)
}

// LinearResult is the linear warm-up check (k = 1, n ≤ c·d).
type LinearResult struct {
	N     int          `json:"n"`
	D     int          `json:"d"`
	Mean  float64      `json:"mean"` // the predicted E‖w‖² = n·d/(d − n − 1)
	Draws []LinearDraw `json:"draws"`
}

// MinNormInterpolant returns w = Xᵀ(XXᵀ)⁻¹Y, the smallest-norm w with Xw = Y,
// for X [n, d] row-major (n ≤ d, rows independent) and Y [n]: the Gram
// matrix XXᵀ is factored by Cholesky, XXᵀ = LLᵀ, and (XXᵀ)α = Y solved by two
// triangular solves. It also returns XXᵀ.
func MinNormInterpolant(x, y []float64, n, d int) (w, gram []float64, err error) {
	if len(x) != n*d || len(y) != n {
		return nil, nil, fmt.Errorf("robustness: MinNormInterpolant: X has %d values and Y %d, want %d and %d", len(x), len(y), n*d, n)
	}
	// G = XXᵀ, [n, n].
	gram = make([]float64, n*n)
	for i := range n {
		for j := 0; j <= i; j++ {
			s := 0.0
			for t := range d {
				s += x[i*d+t] * x[j*d+t]
			}
			gram[i*n+j], gram[j*n+i] = s, s
		}
	}
	l, err := cholesky(gram, n)
	if err != nil {
		return nil, nil, err
	}
	alpha := choleskySolve(l, n, y)
	// w = Xᵀα
	w = make([]float64, d)
	for i := range n {
		for t := range d {
			w[t] += x[i*d+t] * alpha[i]
		}
	}
	return w, gram, nil
}

// cholesky returns the lower-triangular L with A = LLᵀ (row-major n×n), or an
// error when A is not positive definite.
func cholesky(a []float64, n int) ([]float64, error) {
	l := make([]float64, n*n)
	for j := range n {
		// L_jj = √(A_jj − Σ_{t<j} L_jt²)
		s := a[j*n+j]
		for t := range j {
			s -= l[j*n+t] * l[j*n+t]
		}
		if !(s > 0) {
			return nil, fmt.Errorf("robustness: cholesky: matrix not positive definite at column %d", j)
		}
		l[j*n+j] = math.Sqrt(s)
		for i := j + 1; i < n; i++ {
			// L_ij = (A_ij − Σ_{t<j} L_it·L_jt) / L_jj
			s := a[i*n+j]
			for t := range j {
				s -= l[i*n+t] * l[j*n+t]
			}
			l[i*n+j] = s / l[j*n+j]
		}
	}
	return l, nil
}

// choleskySolve solves LLᵀα = y: forward substitution Lu = y, then back substitution Lᵀα = u.
func choleskySolve(l []float64, n int, y []float64) []float64 {
	u := make([]float64, n)
	for i := range n {
		s := y[i]
		for t := range i {
			s -= l[i*n+t] * u[t]
		}
		u[i] = s / l[i*n+i]
	}
	alpha := make([]float64, n)
	for i := n - 1; i >= 0; i-- {
		s := u[i]
		for t := i + 1; t < n; t++ {
			s -= l[t*n+i] * alpha[t]
		}
		alpha[i] = s / l[i*n+i]
	}
	return alpha
}

// RunLinear draws cfg.Draws data sets (x ~ N(0, I_d/d), random ±1 labels)
// and fits each with the minimum-norm linear interpolant.
func RunLinear(cfg LinearConfig, seed int) (LinearResult, error) {
	n, d := cfg.N, cfg.D
	// E‖w‖² = n·d/(d − n − 1): ‖w‖² = Yᵀ(XXᵀ)⁻¹Y and, for Gaussian rows with
	// covariance I/d, E(XXᵀ)⁻¹ = d·I/(d − n − 1) (the inverse-Wishart mean; our derivation).
	res := LinearResult{N: n, D: d, Mean: float64(n*d) / float64(d-n-1)}
	for j := range cfg.Draws {
		rng := rand.New(rand.NewPCG(mix64(uint64(seed), uint64(j)), streamLinear))
		x := data.GaussianPoints(n, d, rng)
		y := data.RandomSigns(n, rng)
		w, gram, err := MinNormInterpolant(x, y, n, d)
		if err != nil {
			return res, fmt.Errorf("robustness: linear draw %d: %w", j, err)
		}
		var dr LinearDraw
		for i := range n {
			s := -y[i]
			for t := range d {
				s += x[i*d+t] * w[t]
			}
			dr.Residual = math.Max(dr.Residual, math.Abs(s))
		}
		for _, v := range w {
			dr.Norm += v * v
		}
		dr.Ratio = dr.Norm / res.Mean
		dr.Norm = math.Sqrt(dr.Norm)
		// Section 3.1: Lip = ‖w‖ ≤ √2·√n whenever XXᵀ ⪰ ½I.
		dr.BoundHit = dr.Norm <= math.Sqrt(2*float64(n))
		values, _, err := hessian.SymEig(gram, n)
		if err != nil {
			return res, err
		}
		dr.MinEig = values[n-1]
		res.Draws = append(res.Draws, dr)
	}
	return res, nil
}

// Ratios lists ‖w‖²/(n·d/(d − n − 1)) of every draw.
func (l LinearResult) Ratios() runs.Series {
	var out runs.Series
	for _, d := range l.Draws {
		out = append(out, d.Ratio)
	}
	return out
}
