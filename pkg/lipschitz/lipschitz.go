package lipschitz

import (
	"fmt"
	"math"
	"math/rand/v2"

	. "github.com/gomlx/gomlx/core/graph"
)

// GradNorms returns ‖∇_z f(z_i)‖₂ for every run and point, [R, Z], where f
// maps points z [R, Z, D] to values [R, Z] and the value f[r, i] depends on
// z[r, i, :] alone (each run evaluates its own function at its own points).
func GradNorms(f func(z *Node) *Node, z *Node) *Node {
	values := f(z) // [R, Z]
	// Because f[r, i] depends on z[r, i, :] only, ∂(Σ_{r,i} f[r, i])/∂z[r, i, :] = ∇f_r(z_i).
	grad := Gradient(ReduceAllSum(values), z)[0] // [R, Z, D]
	return Sqrt(ReduceSum(Square(grad), -1))     // [R, Z]
}

// Largest returns the largest value and its index (−Inf, −1 for an empty slice;
// NaN when any value is NaN, so a broken measurement cannot pass unnoticed).
func Largest(values []float64) (float64, int) {
	best, at := math.Inf(-1), -1
	for i, v := range values {
		if math.IsNaN(v) {
			return math.NaN(), i
		}
		if v > best {
			best, at = v, i
		}
	}
	return best, at
}

// Climb configures HillClimb.
type Climb struct {
	Steps  int     // proposals per starting point
	Radius float64 // the search stays in the ball ‖z‖ ≤ max(Radius, ‖z₀‖)
	// The step length decays geometrically from StepStart to StepEnd.
	StepStart, StepEnd float64
}

// Validate reports the first problem with the configuration.
func (c Climb) Validate() error {
	switch {
	case c.Steps < 1:
		return fmt.Errorf("lipschitz.Climb: steps must be ≥ 1, got %d", c.Steps)
	case !(c.Radius > 0):
		return fmt.Errorf("lipschitz.Climb: radius must be > 0, got %v", c.Radius)
	case !(c.StepStart > 0) || !(c.StepEnd > 0) || c.StepEnd > c.StepStart:
		return fmt.Errorf("lipschitz.Climb: need 0 < step_end ≤ step_start, got %v and %v", c.StepEnd, c.StepStart)
	}
	return nil
}

// ClimbResult is the best point a hill climb found.
type ClimbResult struct {
	Value    float64   // ‖∇f‖ at Point: the largest value seen
	Point    []float64 // where it was seen
	Start    int       // which starting point led there
	Accepted int       // accepted proposals, over all starts
}

// HillClimb maximises norm (for example z ↦ ‖∇f(z)‖) by random-direction
// hill climbing from each starting point (our construction): at step t it
// proposes z′ = z + σₜ·u/‖u‖ with u standard Gaussian and
// σₜ = StepStart·(StepEnd/StepStart)^{t/(Steps−1)}, pulls z′ back onto the ball
// ‖z‖ ≤ max(Radius, ‖z₀‖) if it left it, and moves there when norm(z′) is
// larger. The result is never below the best starting value.
func HillClimb(norm func(z []float64) float64, starts [][]float64, cfg Climb, rng *rand.Rand) (ClimbResult, error) {
	if err := cfg.Validate(); err != nil {
		return ClimbResult{}, err
	}
	if len(starts) == 0 {
		return ClimbResult{}, fmt.Errorf("lipschitz.HillClimb: no starting points")
	}
	best := ClimbResult{Value: math.Inf(-1)}
	d := len(starts[0])
	u := make([]float64, d)
	for s, z0 := range starts {
		if len(z0) != d {
			return ClimbResult{}, fmt.Errorf("lipschitz.HillClimb: start %d has %d coordinates, start 0 has %d", s, len(z0), d)
		}
		z := append([]float64(nil), z0...)
		v := norm(z)
		radius := math.Max(cfg.Radius, l2(z))
		prop := make([]float64, d)
		for t := range cfg.Steps {
			frac := 0.0
			if cfg.Steps > 1 {
				frac = float64(t) / float64(cfg.Steps-1)
			}
			// σₜ = σ_start·(σ_end/σ_start)^{t/(T−1)}
			sigma := cfg.StepStart * math.Pow(cfg.StepEnd/cfg.StepStart, frac)
			for i := range u {
				u[i] = rng.NormFloat64()
			}
			un := l2(u)
			for i := range prop {
				prop[i] = z[i] + sigma*u[i]/un
			}
			if r := l2(prop); r > radius {
				for i := range prop {
					prop[i] *= radius / r
				}
			}
			if pv := norm(prop); pv > v {
				copy(z, prop)
				v = pv
				best.Accepted++
			}
		}
		if math.IsNaN(v) {
			return ClimbResult{}, fmt.Errorf("lipschitz.HillClimb: the norm is NaN from start %d", s)
		}
		if v > best.Value {
			best.Value, best.Point, best.Start = v, z, s
		}
	}
	return best, nil
}

func l2(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// SpectralNorm returns ‖M‖_op, the largest singular value of the [rows, cols]
// row-major matrix m, by power iteration on the cols×cols matrix MᵀM: it
// stops when two successive estimates agree to tol (relative) or after
// maxIter iterations, and returns the number of iterations used. Power
// iteration approaches ‖M‖_op from below. The start vector is fixed (all
// ones plus a deterministic tilt), so the result is reproducible.
func SpectralNorm(m []float64, rows, cols int, tol float64, maxIter int) (float64, int, error) {
	if rows < 1 || cols < 1 || len(m) != rows*cols {
		return 0, 0, fmt.Errorf("lipschitz.SpectralNorm: matrix [%d, %d] with %d values", rows, cols, len(m))
	}
	// G = MᵀM, [cols, cols].
	g := make([]float64, cols*cols)
	for r := range rows {
		row := m[r*cols : (r+1)*cols]
		for i, a := range row {
			if a == 0 {
				continue
			}
			for j, b := range row {
				g[i*cols+j] += a * b
			}
		}
	}
	v := make([]float64, cols)
	for i := range v {
		v[i] = 1 + float64(i)/float64(cols)
	}
	normalize(v)
	w := make([]float64, cols)
	prev := 0.0
	for it := 1; it <= maxIter; it++ {
		// w = G v; λ = vᵀGv (Rayleigh quotient, ≤ λ_max(G) = ‖M‖²_op).
		lambda := 0.0
		for i := range cols {
			s := 0.0
			for j := range cols {
				s += g[i*cols+j] * v[j]
			}
			w[i] = s
			lambda += v[i] * s
		}
		sigma := math.Sqrt(math.Max(lambda, 0))
		if math.IsNaN(sigma) {
			return 0, it, fmt.Errorf("lipschitz.SpectralNorm: NaN after %d iterations", it)
		}
		if normalize(w) == 0 {
			return 0, it, nil // M = 0 (or v ⟂ every row): ‖M‖_op = 0 only if G = 0
		}
		v, w = w, v
		if it > 1 && math.Abs(sigma-prev) <= tol*sigma {
			return sigma, it, nil
		}
		prev = sigma
	}
	return prev, maxIter, nil
}

func normalize(v []float64) float64 {
	n := l2(v)
	if n == 0 {
		return 0
	}
	for i := range v {
		v[i] /= n
	}
	return n
}

// TwoLayerBound is the upper bound of Theorem 5, inequality (5), for
// f(x) = Σ_ℓ a_ℓ ψ(w_ℓ·x + b_ℓ) with ψ L-Lipschitz:
//
//	Lip(f) ≤ L·‖a‖₂·‖W‖_op
//
// with W the [k, d] row-major matrix of the w_ℓ; ‖W‖_op by SpectralNorm.
func TwoLayerBound(a, w []float64, k, d int, psiLip float64) (float64, error) {
	if len(a) != k {
		return 0, fmt.Errorf("lipschitz.TwoLayerBound: %d output weights for width %d", len(a), k)
	}
	op, _, err := SpectralNorm(w, k, d, 1e-13, 100000)
	if err != nil {
		return 0, err
	}
	return psiLip * l2(a) * op, nil
}
