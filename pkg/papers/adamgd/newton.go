package adamgd

import (
	"fmt"
	"math"
)

// NewtonTol is the gradient norm at which Newton's method stops.
const NewtonTol = 1e-12

// NewtonSolution is the minimiser found by Newton's method.
type NewtonSolution struct {
	W        []float64
	Iters    int
	GradNorm float64 // ‖∇L(W)‖ at the end
}

// logisticObjective is L(w) = (1/n) Σᵢ log(1 + exp(−yᵢ⟨w, uᵢ⟩)) + (λ/2)‖w‖²
// with its gradient; u is [n, d] row-major.
func logisticObjective(w, u, y []float64, d int, lambda float64) (float64, []float64, []float64) {
	n := len(y)
	grad := make([]float64, d)
	margins := make([]float64, n)
	loss := 0.0
	for i := range n {
		ui := u[i*d : (i+1)*d]
		m := 0.0
		for j, v := range ui {
			m += v * w[j]
		}
		m *= y[i]
		margins[i] = m
		loss += softplus(-m)
		// ∂/∂w log(1 + e^{−m}) = −σ(−m)·yᵢ uᵢ.
		c := -sigmoid(-m) * y[i] / float64(n)
		for j, v := range ui {
			grad[j] += c * v
		}
	}
	loss /= float64(n)
	sq := 0.0
	for j := range w {
		sq += w[j] * w[j]
		grad[j] += lambda * w[j]
	}
	return loss + lambda/2*sq, grad, margins
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

func softplus(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

// Newton minimises the ℓ2-regularised logistic loss (λ > 0: strongly convex,
// one minimiser) from start (nil: w = 0), to ‖∇L‖ < NewtonTol. The Hessian is
//
//	H = λI + (1/n) Σᵢ σ(mᵢ)σ(−mᵢ) uᵢuᵢᵀ = λI + VᵀV/n,  rows of V: √(σ(mᵢ)σ(−mᵢ)) uᵢ,
//
// and the Newton direction H⁻¹g is computed through the n×n system
// (Woodbury): H⁻¹g = (g − Vᵀ(nλI + VVᵀ)⁻¹Vg)/λ. A backtracking line search
// keeps every step a descent step.
func Newton(u, y []float64, d int, lambda float64, start []float64) (*NewtonSolution, error) {
	if !(lambda > 0) {
		return nil, fmt.Errorf("adamgd: Newton needs λ > 0, got %v", lambda)
	}
	n := len(y)
	w := make([]float64, d)
	copy(w, start)
	for it := 0; it < 100; it++ {
		loss, grad, margins := logisticObjective(w, u, y, d, lambda)
		if gn := norm(grad); gn < NewtonTol {
			return &NewtonSolution{W: w, Iters: it, GradNorm: gn}, nil
		}
		// V = diag(√(σ(m)σ(−m))) U: [n, d].
		v := make([]float64, n*d)
		for i := range n {
			s := math.Sqrt(sigmoid(margins[i]) * sigmoid(-margins[i]))
			for j := range d {
				v[i*d+j] = s * u[i*d+j]
			}
		}
		// A = nλI + VVᵀ: [n, n], and Vg: [n].
		a := make([]float64, n*n)
		vg := make([]float64, n)
		for i := range n {
			for k := 0; k <= i; k++ {
				s := 0.0
				for j := range d {
					s += v[i*d+j] * v[k*d+j]
				}
				a[i*n+k], a[k*n+i] = s, s
			}
			a[i*n+i] += float64(n) * lambda
			for j := range d {
				vg[i] += v[i*d+j] * grad[j]
			}
		}
		z, err := choleskySolve(a, vg, n)
		if err != nil {
			return nil, err
		}
		// step = H⁻¹g = (g − Vᵀz)/λ.
		step := make([]float64, d)
		for j := range d {
			s := grad[j]
			for i := range n {
				s -= v[i*d+j] * z[i]
			}
			step[j] = s / lambda
		}
		slope := 0.0
		for j := range d {
			slope += grad[j] * step[j]
		}
		// Backtracking (Armijo): accept t with L(w − t·step) ≤ L(w) − ½·t·⟨g, step⟩.
		// Once the predicted decrease ⟨g, H⁻¹g⟩ is below the loss's rounding
		// error the comparison means nothing, and the full step is taken
		// (Newton's quadratic convergence has begun long before).
		t := 1.0
		trial := make([]float64, d)
		for slope > 1e-15*(1+math.Abs(loss)) {
			for j := range d {
				trial[j] = w[j] - t*step[j]
			}
			l2, _, _ := logisticObjective(trial, u, y, d, lambda)
			if l2 <= loss-0.5*t*slope || t < 1e-10 {
				break
			}
			t /= 2
		}
		for j := range d {
			trial[j] = w[j] - t*step[j]
		}
		copy(w, trial)
	}
	_, grad, _ := logisticObjective(w, u, y, d, lambda)
	return nil, fmt.Errorf("adamgd: Newton did not reach ‖∇L‖ < %g in 100 iterations (‖∇L‖ = %.3g)", NewtonTol, norm(grad))
}

// choleskySolve solves A x = b for a symmetric positive definite A [n, n].
func choleskySolve(a, b []float64, n int) ([]float64, error) {
	l := make([]float64, n*n)
	for i := range n {
		for j := 0; j <= i; j++ {
			s := a[i*n+j]
			for k := range j {
				s -= l[i*n+k] * l[j*n+k]
			}
			if i == j {
				if !(s > 0) {
					return nil, fmt.Errorf("adamgd: Cholesky: matrix not positive definite (pivot %d = %v)", i, s)
				}
				l[i*n+i] = math.Sqrt(s)
			} else {
				l[i*n+j] = s / l[j*n+j]
			}
		}
	}
	x := make([]float64, n)
	for i := range n { // L z = b
		s := b[i]
		for k := range i {
			s -= l[i*n+k] * x[k]
		}
		x[i] = s / l[i*n+i]
	}
	for i := n - 1; i >= 0; i-- { // Lᵀ x = z
		s := x[i]
		for k := i + 1; k < n; k++ {
			s -= l[k*n+i] * x[k]
		}
		x[i] = s / l[i*n+i]
	}
	return x, nil
}
